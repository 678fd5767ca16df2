/* Internal: typed access to ONNX node attributes and to the integer values of constant tensors. */
#ifndef FCN_ONNX_ATTRS_H
#define FCN_ONNX_ATTRS_H

#include "onnx_graph.h"

/*
 * Each getter returns 0 when the attribute is absent (the output untouched),
 * 1 when it was read, -1 when it has another type (err names the node, the
 * attribute, the type expected and the type found).
 */
int onnx_attr_int(const onnx_graph *g, int node, const char *name, int64_t *out, fcn_error *err);
int onnx_attr_ints(const onnx_graph *g, int node, const char *name, const int64_t **values, size_t *count,
                   fcn_error *err);
int onnx_attr_float(const onnx_graph *g, int node, const char *name, double *out, fcn_error *err);
/* A string attribute, as bytes that are not NUL-terminated. */
int onnx_attr_string(const onnx_graph *g, int node, const char *name, const char **text, size_t *length,
                     fcn_error *err);
/* Compares a string attribute's bytes with a C string. */
int onnx_attr_string_is(const char *text, size_t length, const char *expected);

/* An attribute by name, or NULL; its type, inferred from the fields set when an old exporter left it out. */
const Onnx__AttributeProto *onnx_attr_find(const Onnx__NodeProto *node, const char *name);
Onnx__AttributeProto__AttributeType onnx_attr_type(const Onnx__AttributeProto *attr);
const char *onnx_attr_type_name(Onnx__AttributeProto__AttributeType type);

/* A Constant node's value: fills `out`; -1 (err names the node) if it has none the parser can use. */
int onnx_constant_from_node(const onnx_graph *g, int node, onnx_constant *out, fcn_error *err);

/* A constant's dims (a TensorProto's dims, or the rank-0/1 shape of value_int(s)). -1 if corrupt. */
int onnx_constant_shape(const onnx_constant *c, onnx_shape *out);

/*
 * The integer values of the constant tensor `tensor`, which `node` reads as
 * its input `what` ("shape", "axes"): up to `max` of them into out, their
 * number into *count. Fails (naming the node) when the tensor is not a
 * constant, not integral, stored in an external file, or inconsistent.
 */
int onnx_constant_ints(const onnx_graph *g, int node, int tensor, const char *what, int64_t *out, size_t max,
                       size_t *count, fcn_error *err);

/*
 * The one value of the constant tensor `tensor` (a scalar or a 1-element
 * tensor of FLOAT, DOUBLE, INT32 or INT64), which `node` reads as its input
 * `what` ("min", "max"). Fails (naming the node) as onnx_constant_ints does.
 */
int onnx_constant_real(const onnx_graph *g, int node, int tensor, const char *what, double *out, fcn_error *err);

#endif
