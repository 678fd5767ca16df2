/*
 * Internal: multi-node patterns the parser fuses into one layer (SiLU, GELU,
 * LayerNorm's decomposition, per-channel affines, channel shuffle), the
 * channels-last data between ConvNeXt's permutes, and the operators of the
 * newer layer types (LeakyRelu, PRelu, Gelu, LayerNormalization, Slice).
 * What each becomes: src/onnx/onnx_patterns.c.
 */
#ifndef FCN_ONNX_PATTERNS_H
#define FCN_ONNX_PATTERNS_H

#include "onnx_graph.h"

typedef enum onnx_pattern {
    ONNX_PATTERN_NONE,
    ONNX_PATTERN_SILU,       /* x * Sigmoid(x) */
    ONNX_PATTERN_GELU,       /* the erf or tanh form of GELU */
    ONNX_PATTERN_LAYER_NORM, /* ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div [, Mul gamma] [, Add beta] */
    ONNX_PATTERN_AFFINE,     /* Mul or Add of a per-channel constant */
    ONNX_PATTERN_SHUFFLE     /* Reshape to 5-D, Transpose(0,2,1,3,4), Reshape back */
} onnx_pattern;

/* --- classification (src/onnx/onnx_patterns.c), run by onnx_classify */

/* A 2-D Transpose of a constant (an unfolded export's MatMul weight) is a constant with its dims reversed. */
void onnx_mark_transposed_constants(onnx_graph *g);
/* After every node is classified: fuses the patterns (in topological order; the graph must be sorted). */
void onnx_fuse_patterns(onnx_graph *g, int keep_batch_norm);
/*
 * A Mul or Add of data and a per-channel constant becomes an affine (folded
 * or BATCH_NORM); for a node classified again once its constant operand is
 * computed (an Expand of a constant). Nothing happens to other nodes.
 */
void onnx_match_affine(onnx_graph *g, int node, int keep_batch_norm);
/* What a node of a pattern becomes, for --list-ops; NULL when the node takes no part in one. */
const char *onnx_pattern_becomes(const onnx_node *n);

/* --- shape inference (src/onnx/onnx_shapes_channels.c) */

typedef int (*onnx_infer_fn)(onnx_graph *g, int node, fcn_error *err);
/* The inference of a pattern's layer node (or folded affine); NULL for other nodes. */
onnx_infer_fn onnx_pattern_infer(const onnx_graph *g, int node);
/* Whether a Transpose only changes the layout between [1,C,H,W] and [1,H,W,C]: the streamed order stays. */
int onnx_layout_transpose(const onnx_graph *g, int node, const int64_t *perm, size_t count);
/* Whether the node's first output holds [1,H,W,C] data (its dims set). */
int onnx_output_channels_last(const onnx_graph *g, int node);
/* A MatMul by a constant [C,K] over channels-last data: a 1x1 CONVOLUTION with K filters. */
int onnx_is_pointwise_matmul(const onnx_graph *g, int node);
int onnx_infer_pointwise_matmul(onnx_graph *g, int node, fcn_error *err);

/* Whether a two-input node's constant operand is one value per channel of its other, data operand (both known). */
int onnx_per_channel_operand(const onnx_graph *g, int node);

int onnx_infer_leaky_relu(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_prelu(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_gelu(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_layer_norm(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_slice(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_split(onnx_graph *g, int node, fcn_error *err);

/* --- building layers (src/onnx/onnx_shapes_channels.c) */

/* The parameters of the newer layer types (alpha, a CHOP's port, a SHUFFLE's groups). -1 when out of memory. */
int onnx_fill_pattern_layer(const onnx_graph *g, int node, fcn_layer *l, fcn_error *err);

#endif
