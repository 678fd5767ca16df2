/* Internal: shape inference of the operators the hardware model covers. */
#ifndef FCN_ONNX_SHAPES_H
#define FCN_ONNX_SHAPES_H

#include "onnx_graph.h"

/*
 * Infers the dims of every tensor on the network's data path, in topological
 * order (the graph must be sorted and classified), checking each operator's
 * attributes and weights and filling the nodes' layer parameters and the
 * tensors' streamed dims. The data path may branch and join (a DAG). On the
 * way, size arithmetic on constants is evaluated (src/onnx/onnx_fold.c) and every
 * other node is classified again just before its inference, so that it sees
 * the constants computed before it. Every node that is unsupported or fails
 * is kept, and the walk goes on past it (not into what follows from it); the
 * one message of onnx_check_supported then names them all.
 *
 * With all_nodes, every node whose first input has a known shape is inferred
 * instead, including elementwise operators the hardware does not support (a
 * check against ONNX's own inference on branching networks); operators the
 * parser does not know are skipped and the path is not checked.
 */
int onnx_infer_shapes(onnx_graph *g, int all_nodes, fcn_error *err);

/* --- for the per-operator files */

/* A tensor's dims: inferred for data, stated for constants; NULL when unknown or tensor < 0. */
const onnx_shape *onnx_shape_of(const onnx_graph *g, int tensor);
/* The shape of the node's data input, which must be known and have a rank in [min_rank, max_rank]. */
int onnx_data_shape(const onnx_graph *g, int node, int min_rank, int max_rank, onnx_shape *out, fcn_error *err);
/* The node's input i, which must be a constant (weights); -1 with the message otherwise. */
int onnx_constant_input(const onnx_graph *g, int node, int i, const char *what, onnx_shape *shape,
                        fcn_error *err);
/* Sets the node's first output: its dims (checked against value_info) and the dims the hardware streams. */
int onnx_set_output(onnx_graph *g, int node, const onnx_shape *shape, fcn_error *err);
/*
 * The streamed (rows, cols, channels) of the node's first output, whose dims
 * are set: a dropped operator's output that changes them for any layer but an
 * inner product is an error at that operator (src/onnx/onnx_shapes_stream.c).
 */
int onnx_set_stream(onnx_graph *g, int node, fcn_error *err);
/*
 * A node's axes: the attribute before opset `input_from`, the second input
 * (a constant) from it on (Squeeze/Unsqueeze 13, ReduceMean/ReduceMax 18);
 * *count 0 when there are none.
 */
int onnx_read_axes(const onnx_graph *g, int node, int64_t input_from, int64_t axes[ONNX_MAX_RANK], size_t *count,
                   fcn_error *err);
/* Whether S is a feature map: NCHW, or NCDHW in a network whose input is a clip (g->video). */
int onnx_is_map(const onnx_graph *g, const onnx_shape *s);
/* Whether the tensor is a clip: a 5-D map in a network whose input is one. */
int onnx_is_clip(const onnx_graph *g, int tensor);
/* T streams S: a map as rows=H, cols=W, depth=D (1 for NCHW), channels=C; anything else as a vector. */
void onnx_stream_map(const onnx_graph *g, const onnx_shape *s, onnx_tensor *t);
/* "1x64x55x55" into buf. */
const char *onnx_shape_text(const onnx_shape *s, char *buf, size_t size);
int64_t onnx_shape_elements(const onnx_shape *s);

int onnx_infer_conv(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_pool(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_global_pool(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_average_pool(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_gemm(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_matmul(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_bias_add(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_batch_norm(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_same(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_clip(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_eltwise(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_concat(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_broadcast(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_flatten(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_reshape(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_squeeze(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_unsqueeze(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_transpose(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_pad(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_resize(onnx_graph *g, int node, fcn_error *err);
int onnx_infer_reduce(onnx_graph *g, int node, fcn_error *err);
/* A folded Pad's pads (top, left, bottom, right) when the node's data input comes from one; else 0. */
int onnx_folded_pads(const onnx_graph *g, int node, int64_t pads[4]);

#endif
