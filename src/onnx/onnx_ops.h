/* Internal: what the parser makes of each ONNX operator. */
#ifndef FCN_ONNX_OPS_H
#define FCN_ONNX_OPS_H

#include "onnx_graph.h"

/*
 * Sets every node's role, layer type, data input(s) and partner: which
 * operators become layers (joins of data tensors included: Add, Mul, Sum,
 * Concat), which fold into their neighbour (BatchNormalization into a Conv
 * unless keep_batch_norm, Add of a constant into a MatMul), which are
 * removed, and which the hardware model does not support. Needs no order:
 * this first pass sees the file's constants only; onnx_infer_shapes
 * classifies each node again once the sizes before it are evaluated.
 */
int onnx_classify(onnx_graph *g, int keep_batch_norm, fcn_error *err);
/*
 * Classifies one node again (shape inference does, just before inferring
 * it, once the size arithmetic before it is evaluated). `stamp` (zeroed)
 * and `queue` have room for every node.
 */
void onnx_classify_node(onnx_graph *g, int node, int *stamp, int *queue);

/*
 * One error listing every unsupported node as "name (Op)" and every node whose
 * inference failed as "name (Op: why)"; a single failure alone gives its own
 * message. 0 if there is none.
 */
int onnx_check_supported(const onnx_graph *g, fcn_error *err);

/* The classified graph's operator types with counts, in order of first appearance (free *ops). */
int onnx_list_ops(const onnx_graph *g, fcn_onnx_op **ops, int *count, fcn_error *err);

/* Whether a node's operator is in the default ONNX domain ("" or "ai.onnx"). */
int onnx_default_domain(const Onnx__NodeProto *node);

#endif
