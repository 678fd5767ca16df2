/*
 * Internal: an ONNX graph indexed for the parser. Tensors and nodes refer to
 * each other by index; every string is borrowed from the unpacked ModelProto,
 * which must outlive the graph.
 *
 * Stages (src/onnx/onnx_parse.c runs them in order): onnx_graph_build (index,
 * producers, consumers, constants, the network input), onnx_graph_sort
 * (topological order, cycles), onnx_classify (what each node becomes, from
 * the constants the file gives), onnx_infer_shapes (in topological order:
 * each node classified again, now that the size arithmetic before it is
 * evaluated, then evaluated itself when it computes a size from constants
 * (src/onnx/onnx_fold.c) or inferred: dims, checks, layer parameters; every node
 * that fails is reported in one message), onnx_build_network.
 */
#ifndef FCN_ONNX_GRAPH_H
#define FCN_ONNX_GRAPH_H

#include <stdint.h>

#include "fpgaconvnet.h"
#include "onnx.pb-c.h"

#define ONNX_MAX_RANK 8
/*
 * Every dim, kernel, stride and pad must be one the configuration can hold:
 * its reader takes no integer field beyond 2^31 - 1 (FIELD_MAX in
 * src/io/config_fields.h; src/onnx/onnx_layers.c asserts they agree), and a
 * configuration the tool cannot read back is of no use.
 */
#define ONNX_MAX_DIM INT64_C(2147483647)
/*
 * A tensor's element count: beyond any real model, yet far enough from
 * int64's limit that the model's products of a few such counts and dims
 * cannot overflow before fcn_layer_check rejects them (past 2^53).
 */
#define ONNX_MAX_ELEMENTS ((int64_t)1 << 40)

typedef struct onnx_shape {
    int rank;
    int64_t dims[ONNX_MAX_RANK];
} onnx_shape;

/*
 * A fixed-point type a quantiser gives a tensor (src/onnx/onnx_quant.c): `bits` 0 when there is none;
 * binary_point (fraction bits) only when has_binary_point, i.e. when the scale is a power of two.
 */
typedef struct onnx_qtype {
    int bits, is_signed;
    int has_binary_point, binary_point;
} onnx_qtype;

/* A constant's values come from a TensorProto, or from a Constant's value_int(s)/value_float(s). */
typedef struct onnx_constant {
    const Onnx__TensorProto *tensor;
    const int64_t *ints;   /* value_int / value_ints */
    const float *floats;   /* value_float / value_floats */
    size_t count;          /* for ints and floats */
    int rank;              /* for ints and floats: 0 (scalar) or 1, unless dims says otherwise */
    const int64_t *dims;   /* a computed constant's dims (rank of them, src/onnx/onnx_fold.c), else NULL */
    int is_float;          /* value_float / value_floats: no integer values */
} onnx_constant;

typedef struct onnx_tensor {
    const char *name;
    int producer;        /* node index; -1 for a graph input or initializer */
    int is_constant;     /* an initializer or a Constant node's output */
    onnx_constant constant;
    const char *origin;  /* a constant's initializer (or Constant output), through Identity and Cast */
    const Onnx__ValueInfoProto *info; /* graph input, output or value_info, if any */
    int first_consumer;  /* index into graph->consumers; consumer_count entries */
    int consumer_count;
    int has_shape;
    onnx_shape shape;    /* batch dimension set to 1 */
    int64_t rows, cols, channels; /* the dims the hardware streams, for data tensors */
    int64_t depth;       /* the third spatial dim streamed (a clip's frames, inside cols); 1 for a 2-D map */
    int on_path;         /* derived from the network input */
    int blocked;         /* downstream of a node that failed: not inferred, not reported again */
    int channels_last;   /* 4-D data as [1,H,W,C] (between ConvNeXt's permutes): streams rows=H, cols=W,
                            channels=C, the same order as [1,C,H,W] (src/onnx/onnx_shapes_channels.c) */
    int transposed;      /* a constant: a 2-D Transpose of another, its dims reversed (src/onnx/onnx_patterns.c) */
    onnx_qtype quant;    /* the type a quantiser gave it, carried on past removed operators */
    onnx_qtype quant_next; /* the type the quantiser after it gives it (src/onnx/onnx_quant_widths.c) */
} onnx_tensor;

typedef enum onnx_role {
    ONNX_ROLE_UNSUPPORTED,
    ONNX_ROLE_LAYER,       /* becomes one hardware layer */
    ONNX_ROLE_FOLDED_BN,   /* a BatchNormalization folded into the Conv before it */
    ONNX_ROLE_BIAS_ADD,    /* an Add of a constant after a MatMul: the inner product's bias */
    ONNX_ROLE_SHAPE_ONLY,  /* removed: reshapes, casts, identities */
    ONNX_ROLE_TAIL,        /* Softmax / LRN at the end: removed */
    ONNX_ROLE_CONSTANT,    /* a Constant node: provides a tensor */
    ONNX_ROLE_SIZE,        /* size arithmetic on constants (or Shape of a known tensor): evaluated, removed */
    ONNX_ROLE_FOLDED_PAD,  /* a zero Pad of H and W folded into the window (Conv, pool) that reads it */
    ONNX_ROLE_FUSED,       /* inside a multi-node pattern whose last node (partner) is the layer (SiLU, GELU, ...) */
    ONNX_ROLE_FOLDED_AFFINE /* a per-channel Mul/Add of a constant folded into the layer of partner */
} onnx_role;

/* What shape inference derives for a node that becomes (part of) a layer. */
typedef struct onnx_layer_params {
    fcn_layer_type type;
    int64_t kernel[2], stride[2];
    int64_t pad_top, pad_left, pad_bottom, pad_right;
    int64_t groups, filters;
    int weight, bias;    /* tensor indices, -1 if none */
    double clip_min, clip_max; /* CLIP */
    int64_t dilation[2];       /* CONVOLUTION */
    /* CONVOLUTION, POOLING over an NCDHW map: the window over depth (D); 1, 1, 1, 0, 0 for a 2-D one */
    int64_t kernel_depth, stride_depth, dilation_depth, pad_front, pad_back;
    fcn_pool_type pool_type;   /* POOLING */
    int eltwise_broadcast;     /* ELTWISE: the ports after the first carry 1x1xC */
    int64_t scale[2];          /* RESIZE */
    fcn_resize_mode resize_mode;
    double alpha;        /* LEAKY_RELU */
    int64_t chop_offset, chop_channels; /* CHOP from a Slice: the first channel taken and how many */
} onnx_layer_params;

typedef struct onnx_node {
    const Onnx__NodeProto *proto;
    const char *op;      /* op_type, never NULL */
    int *inputs;         /* tensor indices; -1 for an omitted optional input */
    int input_count;
    int *outputs;        /* tensor indices; -1 for an omitted optional output */
    int output_count;
    onnx_role role;
    const char *unsupported_why; /* static; NULL when the operator itself is the reason */
    fcn_layer_type layer_type;   /* for ONNX_ROLE_LAYER */
    int data_input;      /* the tensor carrying the network's data (the first one, for a join), or -1 */
    int joins;           /* ELTWISE and CONCAT: every input that is not a constant carries data, one port each */
    int partner;         /* the Conv a BN folds into / the MatMul an Add biases; -1 otherwise; a pattern's
                            first node for its layer node (src/onnx/onnx_patterns.c) */
    int pattern;         /* ONNX_PATTERN_*: the layer node of a multi-node pattern (src/onnx/onnx_patterns.h) */
    onnx_layer_params params;
    char *failure;       /* owned: the message of its failed inference, reported with the unsupported nodes */
} onnx_node;

typedef struct onnx_graph {
    const char *source;  /* the file name, for messages */
    const Onnx__GraphProto *proto;
    int64_t opset;
    onnx_tensor *tensors;
    int tensor_count, tensor_capacity;
    int *slots;          /* open-addressing hash of tensor names -> index, -1 empty */
    size_t slot_count;   /* a power of two */
    onnx_node *nodes;
    int node_count;
    int *indices;        /* backing store of every node's inputs and outputs */
    int *consumers;      /* node indices, grouped by tensor */
    int *order;          /* the nodes in topological order, after onnx_graph_sort */
    int input;           /* the network input tensor (the last one if there are several), or -1 */
    int input_count;     /* graph inputs that are not initializers */
    int video;           /* the network input is NCDHW (a clip): 5-D tensors are maps with a depth */
    int keep_batch_norm; /* as onnx_classify was told */
    void **owned;        /* computed constants' values and dims (src/onnx/onnx_fold.c), freed on release */
    int owned_count, owned_capacity;
} onnx_graph;

/* Memory the graph frees on release (zeroed); NULL when out of memory. */
void *onnx_graph_alloc(onnx_graph *g, size_t size);

/*
 * Indexes a graph; with require_input, a graph without exactly one input
 * (other than initializers) is an error. On failure the graph holds what was
 * built so far (release it).
 */
int onnx_graph_build(onnx_graph *g, const Onnx__GraphProto *proto, int64_t opset, const char *source,
                     int require_input, fcn_error *err);
/* The network takes exactly one input: an error if the graph has none or several. */
int onnx_graph_check_input(const onnx_graph *g, fcn_error *err);
/*
 * Orders the nodes topologically; a cycle is an error naming a node on it.
 * Then the outputs of Identity and Cast nodes of constants become constants.
 */
int onnx_graph_sort(onnx_graph *g, fcn_error *err);
void onnx_graph_release(onnx_graph *g);

/* The tensor of a name, or -1. */
int onnx_graph_find(const onnx_graph *g, const char *name);
/* The node's name for messages: its name, else its first output, else "#index". Uses buf. */
const char *onnx_node_label(const onnx_graph *g, int node, char *buf, size_t size);
/* Fills err with "<source>: node '<label>' (<Op>): <message>" and returns -1. */
int onnx_node_fail(const onnx_graph *g, int node, fcn_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* The node's i-th input tensor, or -1 when absent or omitted. */
int onnx_node_input(const onnx_graph *g, int node, int i);
/* Whether the node reads its i-th input as data (its data input, or any non-constant input of a join). */
int onnx_reads_data(const onnx_graph *g, int node, int i);

#endif
