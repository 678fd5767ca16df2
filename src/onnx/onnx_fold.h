/* Internal: size arithmetic evaluated at parse time, as ONNX's shape inference does. */
#ifndef FCN_ONNX_FOLD_H
#define FCN_ONNX_FOLD_H

#include "onnx_graph.h"

/*
 * Whether a node's operator is one the evaluator knows (Shape, Gather,
 * Slice, Concat, Unsqueeze, Squeeze, Reshape, Flatten, Identity, Cast,
 * arithmetic, comparisons, Where, Floor, Ceil, Sqrt, ConstantOfShape,
 * Expand, Range).
 */
int onnx_fold_knows(const onnx_graph *g, int node);

/*
 * Evaluates a node whose inputs are all constants whose values the parser
 * can read (or a Shape of a tensor of known dims): its first output becomes
 * a constant owned by the graph. 1 when folded, 0 when the node is not one
 * to evaluate (some input is data, or a constant without readable values:
 * a stripped weight), -1 with the message (naming the node) when its
 * attributes or values are invalid.
 */
int onnx_fold_node(onnx_graph *g, int node, fcn_error *err);

/*
 * The values of a constant (given or computed) as numbers: up to `max` into
 * out, their number into *count. 0, or 1 when the tensor is not a constant
 * whose values can be read or has more than `max`.
 */
int onnx_constant_numbers(const onnx_graph *g, int tensor, double *out, size_t max, size_t *count);

#endif
