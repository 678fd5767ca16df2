/*
 * fpgaconvnet-c: the fpgaConvNet performance and resource model.
 *
 * A configuration is plain data (network -> partitions -> layers). Figures
 * (latency, rates, resources, ...) are computed from it by pure functions;
 * nothing is cached in the data, so a caller may change any field and
 * evaluate again.
 *
 * Functions that can fail take an fcn_error* (may be NULL) and return 0 on
 * success, -1 on failure (or NULL for constructors). The library never
 * prints, exits or aborts on bad input.
 */
#ifndef FPGACONVNET_H
#define FPGACONVNET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FCN_VERSION "0.1.0"

/* ---------------------------------------------------------------- errors */

typedef struct fcn_error {
    char message[512]; /* "file:line:col: what" or "file: partition 0, layer 'x': what" */
} fcn_error;

/* ------------------------------------------------------------- resources */

typedef struct fcn_resource {
    int64_t lut, ff, dsp, bram; /* BRAM in 18 Kb blocks */
    int64_t uram;               /* UltraRAM in 288 Kb blocks (72 bits x 4,096); 0 on boards without */
} fcn_resource;

/* The widest word an 18 Kb BRAM holds: every width that sizes a memory is in 1..FCN_MAX_WIDTH. */
#define FCN_MAX_WIDTH 36

/* A RAM of `depth` words of `width` bits (width 1..36): 18 Kb blocks, or -1 if width is out of range. */
int64_t fcn_bram_memory(int64_t depth, int width);
/* A FIFO of `depth` words of `width` bits (width 1..36): 18 Kb blocks, or -1 if width is out of range. */
int64_t fcn_bram_stream(int64_t depth, int width);
/* DSP slices for an a-bit by b-bit multiplier. */
int64_t fcn_dsp_mult(int a, int b);
/*
 * A RAM of `depth` words of `width` bits in UltraRAM (docs/MODEL-WIDTHS.md): 288 Kb blocks, cascaded
 * as 72x4096 up to 1x262144 (newest upstream's model); 0 for an empty memory, -1 for width < 1.
 */
int64_t fcn_uram_memory(int64_t depth, int width);
/*
 * DSP slices for `multipliers` multipliers of a-bit by b-bit operands, each taking `dsp_each`: two
 * share a DSP when both operands have at most 8 bits, four at most 4 (newest upstream's packing).
 */
int64_t fcn_dsp_packed(int64_t multipliers, int64_t dsp_each, int a, int b);
/*
 * LUTs for a buffer of `depth` words of `width` bits in LUTRAM (docs/MODEL-WIDTHS.md: newest upstream's
 * queue model, ceil((width+1)/w) * ceil(depth/D) with (D, w) = (32, 16) up to 32 words, (64, 8) beyond);
 * 0 for an empty buffer. `width` may exceed 36: several words side by side.
 */
int64_t fcn_lutram_queue(int64_t depth, int64_t width);

/* ---------------------------------------------------------------- layers */

/*
 * Numbered as in 0.1.1's fpgaconvnet.proto (0..9), so that its files' numbers map directly; the newest
 * upstream numbering (RELU 11, ACTIVATION 2, ...) is mapped by the reader (docs/CONFIG.md).
 */
typedef enum fcn_layer_type {
    FCN_CONVOLUTION = 0,
    FCN_POOLING = 1,
    FCN_RELU = 2,
    FCN_SQUEEZE = 3,
    FCN_INNER_PRODUCT = 4,
    FCN_CONCAT = 5,
    FCN_BATCH_NORM = 6,
    FCN_SPLIT = 7,
    FCN_ELTWISE = 8,
    FCN_AVERAGE_POOLING = 9,
    /* Upstream's later numbers (fpgaconvnet.proto at HEAD, edfbeb6). */
    FCN_SILU = 12,         /* x * sigmoid(x) (Swish) */
    FCN_SIGMOID = 13,
    FCN_HARD_SIGMOID = 14,
    FCN_HARD_SWISH = 15,
    FCN_RESIZE = 16,       /* upsampling by integer factors `scale`, nearest or bilinear */
    FCN_CHOP = 17,         /* one input split into consecutive channel groups, port_channels[q] on output q */
    /* This project's (upstream has no such layer; docs/MODEL-2D.md gives their models). */
    FCN_CLIP = 19,         /* ReLU6 and other clamps (upstream maps Clip to RELU and loses its bounds) */
    FCN_PAD = 20,          /* zero padding by pad_top/right/bottom/left, where no window can take it */
    FCN_LAYER_NORM = 21,   /* normalisation over the channels of each pixel */
    FCN_GELU = 22,
    FCN_LEAKY_RELU = 23,   /* slope `alpha` below 0 */
    FCN_PRELU = 24,        /* a learnt slope per channel below 0 */
    FCN_SHUFFLE = 25       /* channel shuffle: `groups` groups interleaved (ShuffleNet) */
} fcn_layer_type;

/* POOLING's operation. */
typedef enum fcn_pool_type { FCN_POOL_MAX = 0, FCN_POOL_AVG = 1 } fcn_pool_type;
/* RESIZE's interpolation. */
typedef enum fcn_resize_mode { FCN_RESIZE_NEAREST = 0, FCN_RESIZE_BILINEAR = 1 } fcn_resize_mode;

/* The largest number of input ports of an ELTWISE or CONCAT layer and of output ports of a SPLIT or CHOP. */
#define FCN_MAX_PORTS 64

/* "CONVOLUTION", ...; NULL for an unknown value. */
const char *fcn_layer_type_name(fcn_layer_type type);
/* Parses an enum name; returns -1 if unknown. */
int fcn_layer_type_from_name(const char *name, fcn_layer_type *type);

/*
 * A layer's parameters. rows/cols/channels describe its input (for CONCAT:
 * channels is the sum over its input ports). For POOLING, RELU, BATCH_NORM,
 * AVERAGE_POOLING, the activations, SPLIT, ELTWISE, CONCAT and the layers of
 * docs/MODEL-2D.md (RESIZE, CHOP, PAD, LAYER_NORM, SHUFFLE) the single
 * `coarse` factor is coarse_in == coarse_out (every port carries it).
 * Fields that do not apply to a type are ignored by the model.
 *
 * Connections (docs/MODEL-DAG.md): a network's layers, partition after
 * partition, form its "network order", which is a topological order. Input
 * port p of a layer reads the output of the layer inputs[p] places before it
 * in that order (1: the previous layer), or the network's input when
 * inputs[p] is 0. `inputs` NULL means one port reading the previous layer
 * (the network input for the very first layer): a chain needs no more.
 * A SPLIT's output ports go to its consumers in network order.
 */
typedef struct fcn_layer {
    char *name;
    fcn_layer_type type;
    int64_t rows, cols, channels;
    int64_t depth;             /* the third spatial dimension (video: time), streamed inside cols; 1 for a 2-D layer */
    int64_t filters;           /* CONVOLUTION, INNER_PRODUCT: output channels */
    int64_t kernel[2], stride[2];
    int64_t pad_top, pad_right, pad_bottom, pad_left;
    int64_t groups, coarse_in, coarse_out, coarse_group, fine;
    int data_width, input_width, output_width, weight_width, acc_width, biases_width;
    /* Fixed-point types (newest upstream's *_t): the binary point of each width (fraction bits); carried
       through files and the hardware flow, the figures depend on the widths alone. */
    int data_binary_point, input_binary_point, output_binary_point, weight_binary_point, acc_binary_point;
    int use_uram;              /* CONVOLUTION, INNER_PRODUCT: weights held in URAM instead of BRAM */
    int dsp_packing;           /* CONVOLUTION, INNER_PRODUCT: multipliers share DSPs by operand width (2 at <= 8
                                  bits, 4 at <= 4: newest upstream); 0: one each, as 0.1.1 (MODEL-WIDTHS.md) */
    int use_lutram;            /* shallow RAMs and FIFOs in LUTRAM instead of BRAM, by newest upstream's
                                  thresholds; 0: every one in BRAM, as 0.1.1 (MODEL-WIDTHS.md) */
    int has_bias;
    int64_t buffer_depth;      /* SQUEEZE */
    int ports_in, ports_out;   /* 1, except ELTWISE/CONCAT inputs and SPLIT outputs (2..FCN_MAX_PORTS) */
    int *inputs;               /* ports_in entries, or NULL (see above); owned by the layer */
    int64_t *port_channels;    /* CONCAT: each input port's channels (ports_in entries); CHOP: each output
                                  port's (ports_out entries); owned */
    int64_t *port_offsets;     /* CHOP: the first input channel each output port takes (ports_out entries;
                                  NULL: consecutive groups); owned. Outputs go to consumers in network order,
                                  so a consumer that comes first may take a later group (ShuffleNet) */
    int eltwise_mul;           /* ELTWISE: 1 for a product, 0 for a sum */
    int eltwise_broadcast;     /* ELTWISE: ports after the first carry one value per channel (1x1xchannels),
                                  held while port 0 streams rows x cols x channels (squeeze-excite) */
    double clip_min, clip_max; /* CLIP: the clamp's bounds, +-infinity when unbounded (ReLU6: 0 and 6) */
    int64_t dilation[2];       /* CONVOLUTION: spacing of the kernel's taps on rows and cols (1: dense) */
    /* 3-D windows (CONVOLUTION, POOLING; docs/MODEL-3D.md): the kernel, stride, dilation and padding over depth.
       At depth = kernel_depth = 1 with no depth padding, every figure is the 2-D model's. */
    int64_t kernel_depth, stride_depth, dilation_depth, pad_front, pad_back;
    fcn_pool_type pool_type;   /* POOLING: max (default) or average over the window */
    int64_t scale[2];          /* RESIZE: output = input x scale on rows and cols */
    fcn_resize_mode resize_mode; /* RESIZE */
    double alpha;              /* LEAKY_RELU: the slope below 0 */
    /* Carried through for the hardware flow; the model does not read them. */
    char *weights_path, *bias_path;
} fcn_layer;

/* Sets every field to the defaults of MODEL.md (coarse 1, widths 16, stride 1, ports 1, ...). */
void fcn_layer_init(fcn_layer *layer, fcn_layer_type type);
/* Distance back to the producer of input port p (see fcn_layer): inputs[p], or 1 without `inputs`. */
static inline int fcn_layer_input(const fcn_layer *layer, int port)
{
    return layer->inputs ? layer->inputs[port] : 1;
}
/* The channels input port p takes: a CONCAT's port_channels[p], else the layer's channels. */
static inline int64_t fcn_layer_port_channels(const fcn_layer *layer, int port)
{
    return layer->type == FCN_CONCAT && layer->port_channels ? layer->port_channels[port] : layer->channels;
}
/* The channels output port q gives: a CHOP's port_channels[q], else the layer's channels_out (figures). */
static inline int64_t fcn_layer_output_channels(const fcn_layer *layer, int port, int64_t channels_out)
{
    return layer->type == FCN_CHOP && layer->port_channels ? layer->port_channels[port] : channels_out;
}
/* Whether the layer has one coarse factor (coarse_in == coarse_out): all but CONVOLUTION, INNER_PRODUCT, SQUEEZE. */
static inline int fcn_layer_has_one_coarse(const fcn_layer *layer)
{
    return layer->type != FCN_CONVOLUTION && layer->type != FCN_INNER_PRODUCT && layer->type != FCN_SQUEEZE;
}
/* Releases what a layer owns (name, paths, inputs, port_channels, port_offsets) and clears those fields. */
void fcn_layer_release(fcn_layer *layer);
/* Deep copy of `from` into `to`; -1 on allocation failure (`to` then owns what was copied: release it). */
int fcn_layer_copy(fcn_layer *to, const fcn_layer *from);

#define FCN_MAX_MODULES 6

typedef struct fcn_module_figures {
    const char *name; /* "sliding_window", "fork", "conv", ... (static) */
    int64_t rows_in, cols_in, channels_in, rows_out, cols_out, channels_out;
    int64_t depth_in, depth_out; /* 1 in a 2-D layer */
    double rate_in, rate_out;
    int64_t pipeline_depth;
    fcn_resource resource; /* one instance */
} fcn_module_figures;

/*
 * A module instance's latency in cycles: the larger of the cycles to consume
 * its input and to produce its output. Derived on demand (only reports need
 * it), which keeps two divisions per module out of every evaluation.
 */
int64_t fcn_module_latency(const fcn_module_figures *module);

typedef struct fcn_layer_figures {
    int64_t rows_out, cols_out, channels_out;
    int64_t depth_out;
    int64_t streams_in, streams_out;
    double rate_in, rate_out, latency;
    int64_t pipeline_depth, workload_in, workload_out, size_in, size_out;
    fcn_resource resource;
    int64_t operations, weights, biases;
    int module_count;
    fcn_module_figures modules[FCN_MAX_MODULES];
} fcn_layer_figures;

/* The figures of one layer, computed from its parameters alone. The layer must be valid (fcn_layer_check). */
void fcn_layer_evaluate(const fcn_layer *layer, fcn_layer_figures *out);

/*
 * Checks a layer's parameters: positive dimensions, divisibility of coarse
 * factors and groups, fine in its feasible set, kernel within the padded
 * input, widths the BRAM model accepts. On failure the message names the
 * problem (the caller adds the place).
 */
int fcn_layer_check(const fcn_layer *layer, fcn_error *err);

/* ------------------------------------------------------------ partitions */

/*
 * A partition's layers are a contiguous run of the network order, without
 * squeeze layers. Tensors that cross from one partition to another go
 * through off-chip memory.
 */
typedef struct fcn_partition {
    int64_t id;
    int64_t ports;      /* default 1 */
    int64_t batch_size;
    int64_t wr_factor;  /* weights reloading factor, default 1 */
    char *wr_layer;     /* NULL when the file says "None" */
    char *input_node, *output_node;
    int layer_count;
    fcn_layer *layers;  /* in network order, without squeeze layers */
} fcn_partition;

typedef struct fcn_network {
    int partition_count;
    fcn_partition *partitions;
} fcn_network;

typedef struct fcn_eval_options {
    double freq_mhz;        /* clock frequency */
    double reconf_time_s;   /* time to reconfigure the FPGA between partitions */
    int64_t batch_size;     /* > 0 overrides every partition's batch size */
} fcn_eval_options;

/*
 * A stream between two layers of evaluated figures (indices into their
 * `layers`), or through off-chip memory: from = -1 is a partition input
 * (`source` names the layer of an earlier partition that wrote it and
 * `source_partition` that partition's index; NULL and -1 for the network's
 * input); to = -1 a partition output. `port` is the consumer's input port
 * (for an output: the producer's output port).
 */
typedef struct fcn_edge {
    int from, to, port;
    const char *source;
    int source_partition;
} fcn_edge;

typedef struct fcn_partition_figures {
    int64_t id;
    const char *wr_layer; /* borrowed from the partition; NULL for none */
    int64_t batch_size;
    int64_t ports;
    double interval;
    int64_t pipeline_depth;
    double latency_s;
    int64_t streams_in, streams_out;   /* summed over the partition's inputs / outputs */
    int64_t wr_factor, size_wr;
    double bandwidth_in, bandwidth_out; /* GB/s */
    int64_t workload_in, workload_out; /* summed over the partition's inputs / outputs */
    int inputs, outputs;               /* tensors read from / written to off-chip memory */
    fcn_resource resource;
    int64_t operations;
    int bottleneck;       /* index into layers of the slowest layer */
    /*
     * The evaluated layers in network order, squeeze layers inserted (an
     * edge's squeeze just before its consumer, an output's just after its
     * producer). The squeezes' names are owned here (in `names`); every other
     * layer is a shallow copy that borrows its strings and arrays from the
     * network, so figures must not outlive their network. Edges: every stream,
     * memory included (NULL in summaries).
     */
    int layer_count;
    fcn_layer *layers;
    fcn_layer_figures *figures; /* layers' figures; modules past each module_count are not written */
    int edge_count;
    fcn_edge *edges;
    char *names; /* the block holding the squeezes' names */
    /* The bytes allocated at `layers` (one block with figures and edges) and at `names`, which
       fcn_network_evaluate_into reuses when they suffice. */
    size_t block_bytes, names_bytes;
} fcn_partition_figures;

typedef struct fcn_network_figures {
    double latency_s, throughput;
    int64_t batch_size;
    double freq_mhz, reconf_time_s;
    int64_t operations;
    /*
     * Off-chip memory for the feature maps: a chain's two ping-pong buffers
     * (MODEL.md §5); a branching network's as fcn_schedule lays it out.
     */
    int64_t memory_usage_bytes;
    fcn_resource resource; /* max over partitions */
    int partition_count;
    fcn_partition_figures *partitions;
    /* Entries allocated at `partitions` (at least partition_count): fcn_network_evaluate_into reuses them. */
    int partition_capacity;
} fcn_network_figures;

/*
 * Checks a whole network: every layer, its inputs (each port's producer
 * exists, is earlier, and its output dims are what the port takes; every
 * SPLIT output consumed), names, weights reloading.
 */
int fcn_network_check(const fcn_network *net, fcn_error *err);

/*
 * Evaluates a network (which must pass fcn_network_check). Fills `out`, which
 * the caller releases with fcn_network_figures_free. Fails only on
 * allocation failure.
 */
int fcn_network_evaluate(const fcn_network *net, const fcn_eval_options *opts,
                         fcn_network_figures *out, fcn_error *err);
/*
 * The same figures, into `out` reusing the memory it holds from an earlier fcn_network_evaluate or
 * fcn_network_evaluate_into (of any network), growing it where it is too small: for a caller that
 * evaluates many times, no allocation once the memory suffices. `out` must be zeroed
 * ((fcn_network_figures){0}) or hold such figures; what it held before is overwritten (pointers
 * into it become invalid). Release with fcn_network_figures_free, after failure too.
 */
int fcn_network_evaluate_into(const fcn_network *net, const fcn_eval_options *opts,
                              fcn_network_figures *out, fcn_error *err);
void fcn_network_figures_free(fcn_network_figures *figures);

/*
 * The headline figures of one partition without building the squeeze chain:
 * no allocation, for search loops. Agrees with fcn_network_evaluate.
 */
void fcn_partition_summary(const fcn_partition *part, const fcn_eval_options *opts,
                           fcn_partition_figures *out);
/*
 * The same, from figures the caller keeps: layer_figures[i] must be
 * fcn_layer_evaluate(&part->layers[i]). A search that changes one layer
 * re-evaluates that layer alone, then calls this: only squeezes and sums.
 */
void fcn_partition_summary_cached(const fcn_partition *part, const fcn_layer_figures *layer_figures,
                                  const fcn_eval_options *opts, fcn_partition_figures *out);

/*
 * The latency in seconds of the partitions listed (indices; NULL for all,
 * then `count` is ignored) run one after another with a reconfiguration
 * between each two, from summaries: no allocation. With every partition it
 * is fcn_network_evaluate's latency_s. The indices must be valid.
 */
double fcn_network_latency(const fcn_network *net, const fcn_eval_options *opts, const int *partitions, int count);

/* -------------------------------------------------------- configuration */

/*
 * The forms of the fpgaconvnet JSON configuration (docs/CONFIG.md): fpgaconvnet-model 0.1.1's
 * (node_in/node_out links, *_width fields), and the newest upstream's (edfbeb6: partition
 * input_nodes/output_nodes, links by streams_in[].node/streams_out[].node, fixed-point *_t
 * messages with binary points, use_uram, the newest layer type numbering).
 */
typedef enum fcn_config_format {
    FCN_CONFIG_0_1_1 = 0, /* the default: what fcn_network_write writes */
    FCN_CONFIG_NEWEST = 1
} fcn_config_format;

/* "0.1.1" or "newest"; -1 if unknown. */
int fcn_config_format_from_name(const char *name, fcn_config_format *out);

/*
 * Reads an fpgaconvnet JSON configuration, in either form (the first partition tells which:
 * docs/CONFIG.md), and checks it. NULL on failure.
 */
fcn_network *fcn_network_read(const char *path, fcn_error *err);
/* As fcn_network_read, from a string; `source` names it in messages. */
fcn_network *fcn_network_read_string(const char *json, const char *source, fcn_error *err);
/* Writes the configuration in 0.1.1's form, squeeze layers derived and included. */
int fcn_network_write(const fcn_network *net, const char *path, fcn_error *err);
/* The same, to a newly allocated string (free with free()). */
char *fcn_network_write_string(const fcn_network *net, fcn_error *err);
/*
 * As fcn_network_write / fcn_network_write_string, in the form asked for. Only the newest form
 * carries the binary points and use_uram (0.1.1's has no field for them: upstream's strict
 * reader would reject one). Either form reads back to the same network.
 */
int fcn_network_write_format(const fcn_network *net, const char *path, fcn_config_format format, fcn_error *err);
char *fcn_network_write_string_format(const fcn_network *net, fcn_config_format format, fcn_error *err);
fcn_network *fcn_network_clone(const fcn_network *net);
void fcn_network_free(fcn_network *net);

/* --------------------------------------------------------------- platform */

typedef struct fcn_platform {
    char name[64], part[64];
    fcn_resource resource;     /* available LUT, FF, DSP, BRAM, URAM */
    double freq_mhz;           /* 0 if the file gives none */
    double reconf_time_s;      /* < 0 if the file gives none */
    double mem_bandwidth_gbs;  /* 0 if the file gives none */
    double mem_capacity_bytes;
    int64_t ports, port_width;
} fcn_platform;

/*
 * Reads a platform file (docs/CONFIG.md "Platform"): JSON, in the optimisers'
 * form or SAMO's, or fpgaconvnet-optimiser's TOML form; ".toml" and ".json"
 * names decide, any other (and "-", standard input) is JSON when it starts
 * with '{'. -1 on failure with "<file>[:<line>:<column>]: <what>" in err.
 */
int fcn_platform_read(const char *path, fcn_platform *out, fcn_error *err);

/* ------------------------------------------------------------------ ONNX */

typedef struct fcn_parse_options {
    int64_t batch_size;  /* every partition's batch size; 0 means 1 */
    int keep_batch_norm; /* 1: a BatchNormalization after a Conv stays a BATCH_NORM layer instead of being folded */
    /*
     * A float model's widths (1..36; 0 keeps the default 16): data_width on every layer (and the input and
     * output widths of CONVOLUTION and INNER_PRODUCT), weight_width on CONVOLUTION and INNER_PRODUCT; binary
     * points width / 2. A quantised model's own types win where it has them (docs/ONNX-OPERATORS.md).
     */
    int data_width, weight_width;
} fcn_parse_options;

/*
 * Parses an ONNX model into its default configuration: one partition, every
 * folding factor 1, every dimension inferred. Weights are not needed (tensors
 * stored in external data files are read for their shapes only). A quantised
 * model (QuantizeLinear/DequantizeLinear, or QONNX's Quant, BipolarQuant and
 * Trunc) gives its layers the widths of its types. `opts` may be NULL for the
 * defaults. NULL on failure, with the message in err.
 */
fcn_network *fcn_onnx_parse(const char *path, const fcn_parse_options *opts, fcn_error *err);
/* As fcn_onnx_parse, from bytes in memory; `source` names them in messages. */
fcn_network *fcn_onnx_parse_buffer(const void *data, size_t size, const char *source,
                                   const fcn_parse_options *opts, fcn_error *err);

/* One operator type of a model: how often it occurs and what the parser makes of it. */
typedef struct fcn_onnx_op {
    char op_type[64];
    int count;
    int supported;
    const char *becomes; /* static: "CONVOLUTION", "folded into the Conv", "removed (shape only)", "unsupported" */
} fcn_onnx_op;

/* The operator types of a model, in order of first appearance; free *ops with free(). */
int fcn_onnx_list_ops(const char *path, fcn_onnx_op **ops, int *count, fcn_error *err);

/* -------------------------------------------------------------- pictures */

typedef enum fcn_detail {
    FCN_DETAIL_MODULES, /* each layer a cluster of its module instances per stream */
    FCN_DETAIL_LAYERS   /* each layer one box */
} fcn_detail;

/*
 * Draws evaluated figures with graphviz: partitions as clusters, layers with
 * their dimensions, folding and latency, shaded by their share of the
 * interval, every stream of the figures' edges (branches and joins), and the
 * memory tensors between partitions linked to the layers that wrote them.
 * The format follows the extension of `path`: .png, .svg, .pdf, .dot. The
 * figures must be fcn_network_evaluate's (summaries have no edges).
 */
int fcn_visualise(const fcn_network_figures *figures, const char *path, fcn_detail detail, fcn_error *err);
/*
 * As fcn_visualise, within a second or two whatever the network's size: module instances too many
 * to draw become a box per layer, a graph too large for dot's layout is laid out in rows, a png too
 * large is scaled down. `note` (may be NULL) gets one line saying what was simplified, or "".
 */
int fcn_visualise_fitted(const fcn_network_figures *figures, const char *path, fcn_detail detail, char *note,
                         size_t note_size, fcn_error *err);

/* ------------------------------------------------------------ validation */

typedef struct fcn_validate_options {
    double resource_allocation; /* fraction of each resource a partition may use, in (0, 1]; 0 means 1 */
    const fcn_network *model;   /* the model's default network (fcn_onnx_parse), to check coverage; may be NULL */
} fcn_validate_options;

/* Everything a configuration violates, one line each. */
typedef struct fcn_violations {
    int count;
    char **messages;
} fcn_violations;

/*
 * Checks an evaluated configuration against a platform: each partition's
 * resources against the allocation, bandwidth, ports and streams, dims that
 * agree across partitions and, with a model, that the partitions cover the
 * model's layers exactly once. Lists every violation in `out` (release with
 * fcn_violations_free). Returns -1 only for bad options or no memory.
 */
int fcn_validate(const fcn_network_figures *figures, const fcn_platform *platform, const fcn_validate_options *opts,
                 fcn_violations *out, fcn_error *err);
void fcn_violations_free(fcn_violations *violations);

/* ------------------------------------------------------------- schedule */

#define FCN_MAX_DEPENDENCIES 64

/*
 * One partition's row of the schedule the hardware flow and runtime use.
 * input_dependence / output_dependence are upstream's columns: the partition
 * that wrote its first input / the first partition to read its outputs (its
 * own id when none). A DAG partition may read tensors of several earlier
 * partitions: all of them are in `dependencies` (ids, in execution order);
 * dependency_count counts them all, and beyond FCN_MAX_DEPENDENCIES (which
 * no board's ports allow) the row holds the first ones and
 * fcn_schedule_write refuses it.
 */
typedef struct fcn_schedule_row {
    int64_t partition_id, ports_in, ports_out, input_addr, output_addr;
    int64_t input_dependence, output_dependence, wr_factor, batch_size;
    int64_t input_size, output_size, weights_size;
    int dependency_count;
    int64_t dependencies[FCN_MAX_DEPENDENCIES];
} fcn_schedule_row;

/*
 * The partitions in execution order; `rows` has figures->partition_count
 * entries. Addresses are bytes in off-chip memory: a chain's partitions
 * ping-pong between two buffers; in a DAG each partition's outputs get a
 * buffer of their own after the input's, so a tensor stays put until every
 * later partition has read it.
 */
void fcn_schedule(const fcn_network_figures *figures, fcn_schedule_row *rows);
/*
 * Writes the schedule as CSV: integers, comma-separated, one row per
 * partition, a header row if asked. When some partition depends on more than
 * one other, a last column input_dependencies lists them, ';'-separated.
 */
int fcn_schedule_write(FILE *out, const fcn_schedule_row *rows, int count, int header, fcn_error *err);

/* -------------------------------------------------------------- optimiser */

typedef enum fcn_objective {
    FCN_OBJECTIVE_THROUGHPUT, /* the most inputs per second at the batch size (default 256) */
    FCN_OBJECTIVE_LATENCY     /* the shortest time for one batch (default 1) */
} fcn_objective;

typedef enum fcn_optimiser {
    FCN_OPTIMISER_AUTO,      /* greedy start, then annealing refinement */
    FCN_OPTIMISER_GREEDY,    /* rule-based: raise the folding of each partition's bottleneck layer */
    FCN_OPTIMISER_ANNEALING  /* simulated annealing from the smallest design */
} fcn_optimiser;

/* "throughput", "latency" / "auto", "greedy", "annealing"; -1 if unknown. */
int fcn_objective_from_name(const char *name, fcn_objective *out);
int fcn_optimiser_from_name(const char *name, fcn_optimiser *out);

/* Where a search stands, handed to the progress callback. */
typedef struct fcn_optimise_progress {
    const char *phase;          /* "greedy", "annealing" or "done" (static) */
    double elapsed_s;
    double temperature;         /* 0 outside annealing */
    double current_objective;   /* throughput (inputs/s) or latency (s), as the objective */
    double best_objective;
    fcn_resource best_resource; /* the best design's, max over its partitions */
    int best_partitions;
    int64_t iterations;         /* designs proposed so far */
    int64_t layer_evaluations;  /* fcn_layer_evaluate calls so far */
} fcn_optimise_progress;

/* Called after each greedy round, each annealing temperature step and at the end; non-zero stops the search. */
typedef int (*fcn_optimise_callback)(const fcn_optimise_progress *progress, void *user);

typedef struct fcn_optimise_options {
    fcn_objective objective;
    fcn_optimiser optimiser;
    int64_t batch_size;          /* 0: 256 for throughput, 1 for latency */
    double resource_allocation;  /* fraction of each resource a partition may use, in (0, 1] */
    uint64_t seed;
    /*
     * Wall-clock limit. The search is driven by iteration counts and reads the
     * clock only to stop: a search that ends by its iterations gives the same
     * design for the same seed on any machine; one cut short by the limit
     * depends on the machine's speed.
     */
    double time_limit_s;
    int64_t iterations;          /* designs to propose in all, greedy trials included (the greedy pass always
                                    runs to its end); 0: until the annealing schedules end by themselves */
    int no_reconfiguration;      /* one partition only */
    double freq_mhz;             /* <= 0: the platform's, else 125 */
    double reconf_time_s;        /* < 0: the platform's, else 0 */
    /* Simulated annealing's schedule (energy: the log of the network latency). */
    double temperature_start, temperature_end, cooling_rate;
    int64_t iterations_per_temperature;
    fcn_optimise_callback progress; /* may be NULL; with threads, called by one search at a time */
    void *user;                     /* handed to progress */
    /*
     * Independent searches, two a thread, run in parallel (POSIX threads), each thread taking the
     * next as its last ends, so that no core waits for the slowest search; the k-th (from 0) seeded
     * seed + k, every odd one with the other strategy (partition_by_dp flipped); on a board with
     * URAM the second round (k >= threads) takes the first round's seeds again with each layer's
     * weights where its own rule puts them (no memory moves); none but the first starts past the
     * time limit. The result is the best design of any, ties to the lowest k, so
     * searches that end by themselves give the same design for the same seed and threads on any
     * machine. 0 or 1: one search, in the caller's thread. The iteration budget and time limit apply
     * to each.
     */
    int threads;
    /*
     * 1: the greedy pass also tries cutting the network by dynamic programming over cut points (each
     * run of layers priced as a partition of its own) and starts from that design if it is faster.
     * Default 0.
     */
    int partition_by_dp;
} fcn_optimise_options;

/* The most searches fcn_optimise runs in parallel. */
#define FCN_MAX_THREADS 256

/* The defaults: throughput, auto, allocation 0.8, seed 1, 30 s, and the annealing schedule in README.md. */
void fcn_optimise_options_init(fcn_optimise_options *opts);

/* What a search did. */
typedef struct fcn_optimise_stats {
    double elapsed_s;
    int64_t iterations, layer_evaluations;
    int stopped_by_time;         /* the time limit cut the search short */
    double objective;            /* the result's throughput or latency */
    double start_objective;      /* the first feasible design's (the smallest design's for annealing) */
    int searches;                /* how many searches ran: 1, or with threads up to 2 a thread */
} fcn_optimise_stats;

/*
 * Searches the configurations of `model` (fcn_onnx_parse's default
 * configuration of a chain or a branching network, or any configuration of
 * it) for the one that best meets the objective within the platform: each
 * partition's LUT/FF/DSP/BRAM within resource_allocation x the platform's,
 * memory bandwidth in + out within the platform's, streams within ports x
 * port_width / 16, memory tensors in and out each within the ports, feasible
 * foldings, weights reloading only where docs/MODEL-DAG.md §8.6 allows it.
 * The result passes fcn_network_check and fcn_validate with that allocation.
 * `stats` may be NULL. NULL on failure (bad options, nothing fits: the message
 * names the resource the smallest design exceeds and by how much).
 */
fcn_network *fcn_optimise(const fcn_network *model, const fcn_platform *platform, const fcn_optimise_options *opts,
                          fcn_optimise_stats *stats, fcn_error *err);

/*
 * What limits a design's cycles per input in the bound (docs/OPTIMISER-BOUND.md): a resource, or one
 * pixel a cycle. BRAM counts the board's BRAM and URAM blocks together (a design puts each layer's
 * weights in either).
 */
typedef enum fcn_bound_limit {
    FCN_BOUND_LUT, FCN_BOUND_FF, FCN_BOUND_DSP, FCN_BOUND_BRAM, /* fcn_resource's order */
    FCN_BOUND_PIXELS,
    FCN_BOUND_LIMITS
} fcn_bound_limit;

/* "LUT", "FF", "DSP", "BRAM", "pixel rate"; NULL for an unknown value. */
const char *fcn_bound_limit_name(fcn_bound_limit limit);

/*
 * The model's upper bound on what any design of a network can reach on a board
 * (docs/OPTIMISER-BOUND.md): no configuration that fcn_optimise could return (each
 * partition within the allocation) has a higher throughput or a shorter latency.
 */
typedef struct fcn_bound {
    int64_t batch_size;
    double throughput;      /* inputs/s at batch_size: the most any design reaches */
    double latency_s;       /* the batch's latency: the least any design takes */
    double compute_s;       /* batch_size x cycles_per_input / clock */
    double forced_s;        /* the reconfigurations and weights reloading that the weights force */
    int forced_partitions;  /* partitions of the cheapest cut that forced_s is (1 when the weights fit) */
    int forced_reloads;     /* how many of those partitions reload weights */
    double cycles_per_input;               /* the largest of area_cycles and the pixel rate's */
    double limit_cycles[FCN_BOUND_LIMITS]; /* cycles per input each limit alone forces */
    /*
     * The area-time term: the most cycles per input the layers' latency x resources force, over the
     * weightings of the resources (at least each of limit_cycles' resources), and each resource's
     * share of it at the weighting that gives it (they sum to 1; BRAM counts URAM).
     */
    double area_cycles;
    double area_share[FCN_BOUND_PIXELS];
    double multiplier_cycles[FCN_BOUND_PIXELS]; /* what the multipliers alone force: never above limit_cycles */
    /*
     * The partitions term: the least latency of any cut into partitions when each partition holds
     * each of its layers in its cheapest way for the partition's interval, every resource summed
     * within the allocation (the discreteness of the foldings and the reconfigurations counted); 0
     * when left out (a network of more than 512 layers). latency_s is the larger of it and
     * compute_s + forced_s; partitions_bind says it is this term.
     */
    double partitions_s;
    int partitions_count; /* the partitions of that cut */
    int partitions_bind;
    fcn_bound_limit binds; /* the limit that gives cycles_per_input: the pixel rate, or the largest share */
} fcn_bound;

/*
 * The bound for `model` (as fcn_optimise takes it) on `platform` with the options' objective, batch
 * size, allocation, clock, reconfiguration time and no_reconfiguration (the search's options are
 * ignored). -1 with the message for a bad model or options, or when the bound proves that nothing
 * fits (naming the resource).
 */
int fcn_optimise_bound(const fcn_network *model, const fcn_platform *platform, const fcn_optimise_options *opts,
                       fcn_bound *out, fcn_error *err);

/* ----------------------------------------------------------------- report */

typedef enum fcn_report_format { FCN_REPORT_TEXT, FCN_REPORT_JSON } fcn_report_format;

/*
 * Writes the report of evaluated figures. With a platform (may be NULL) it
 * adds utilisation and says whether the configuration fits, listing what
 * fcn_validate finds at allocation 1.
 */
int fcn_report_write(FILE *out, fcn_report_format format, const fcn_network_figures *figures,
                     const fcn_platform *platform, fcn_error *err);

#ifdef __cplusplus
}
#endif
#endif
