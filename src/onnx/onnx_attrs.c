/*
 * Typed access to node attributes, and the values of constants: integers
 * (Reshape's shape, Squeeze's axes) and single numbers (Clip's bounds).
 */
#include <string.h>

#include "onnx_attrs.h"
#include "onnx_shapes.h"

typedef Onnx__AttributeProto__AttributeType attr_type;

const Onnx__AttributeProto *onnx_attr_find(const Onnx__NodeProto *node, const char *name)
{
    for (size_t i = 0; i < node->n_attribute; i++) {
        const Onnx__AttributeProto *a = node->attribute[i];
        if (a && a->name && strcmp(a->name, name) == 0)
            return a;
    }
    return NULL;
}

/* Files from before IR version 2 may leave `type` out; then the field that is set tells. */
attr_type onnx_attr_type(const Onnx__AttributeProto *a)
{
    if (a->has_type)
        return a->type;
    if (a->n_ints)
        return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
    if (a->n_floats)
        return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS;
    if (a->n_strings)
        return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS;
    if (a->has_i)
        return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
    if (a->has_f)
        return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
    if (a->has_s)
        return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING;
    if (a->t)
        return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR;
    return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED;
}

const char *onnx_attr_type_name(attr_type type)
{
    switch (type) {
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT: return "FLOAT";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT: return "INT";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING: return "STRING";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR: return "TENSOR";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH: return "GRAPH";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS: return "FLOATS";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS: return "INTS";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS: return "STRINGS";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSORS: return "TENSORS";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPHS: return "GRAPHS";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__SPARSE_TENSOR: return "SPARSE_TENSOR";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__SPARSE_TENSORS: return "SPARSE_TENSORS";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TYPE_PROTO: return "TYPE_PROTO";
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TYPE_PROTOS: return "TYPE_PROTOS";
    default: return "UNDEFINED";
    }
}

/* The attribute if present with the expected type: 1; absent: 0; another type: -1 with the message. */
static int find_typed(const onnx_graph *g, int node, const char *name, attr_type expected,
                      const Onnx__AttributeProto **out, fcn_error *err)
{
    const Onnx__AttributeProto *a = onnx_attr_find(g->nodes[node].proto, name);
    if (!a)
        return 0;
    attr_type found = onnx_attr_type(a);
    if (found != expected)
        return onnx_node_fail(g, node, err, "attribute '%s' must be %s, got %s", name,
                              onnx_attr_type_name(expected), onnx_attr_type_name(found));
    *out = a;
    return 1;
}

int onnx_attr_int(const onnx_graph *g, int node, const char *name, int64_t *out, fcn_error *err)
{
    const Onnx__AttributeProto *a = NULL;
    int found = find_typed(g, node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT, &a, err);
    if (found == 1)
        *out = a->i;
    return found;
}

int onnx_attr_ints(const onnx_graph *g, int node, const char *name, const int64_t **values, size_t *count,
                   fcn_error *err)
{
    const Onnx__AttributeProto *a = NULL;
    int found = find_typed(g, node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS, &a, err);
    if (found == 1) {
        *values = a->ints;
        *count = a->n_ints;
    }
    return found;
}

int onnx_attr_string(const onnx_graph *g, int node, const char *name, const char **text, size_t *length,
                     fcn_error *err)
{
    const Onnx__AttributeProto *a = NULL;
    int found = find_typed(g, node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING, &a, err);
    if (found == 1) {
        *text = a->s.data ? (const char *)a->s.data : "";
        *length = a->s.data ? a->s.len : 0;
    }
    return found;
}

int onnx_attr_string_is(const char *text, size_t length, const char *expected)
{
    return strlen(expected) == length && memcmp(text, expected, length) == 0;
}

int onnx_constant_from_node(const onnx_graph *g, int node, onnx_constant *out, fcn_error *err)
{
    memset(out, 0, sizeof *out);
    const Onnx__NodeProto *n = g->nodes[node].proto;
    for (size_t i = 0; i < n->n_attribute; i++) {
        const Onnx__AttributeProto *a = n->attribute[i];
        const char *name = a && a->name ? a->name : "";
        attr_type type = a ? onnx_attr_type(a) : ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED;
        if (strcmp(name, "value") == 0 && type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR && a->t) {
            out->tensor = a->t;
            return 0;
        }
        if (strcmp(name, "value_int") == 0 && type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT) {
            *out = (onnx_constant){.ints = &a->i, .count = 1, .rank = 0};
            return 0;
        }
        if (strcmp(name, "value_ints") == 0 && type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS) {
            *out = (onnx_constant){.ints = a->ints, .count = a->n_ints, .rank = 1};
            return 0;
        }
        if (strcmp(name, "value_float") == 0 && type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT) {
            *out = (onnx_constant){.floats = &a->f, .count = 1, .rank = 0, .is_float = 1};
            return 0;
        }
        if (strcmp(name, "value_floats") == 0 && type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS) {
            *out = (onnx_constant){.floats = a->floats, .count = a->n_floats, .rank = 1, .is_float = 1};
            return 0;
        }
    }
    return onnx_node_fail(g, node, err, "no value the parser can use (value as a TENSOR, value_int(s) or "
                                        "value_float(s))");
}

int onnx_constant_shape(const onnx_constant *c, onnx_shape *out)
{
    memset(out, 0, sizeof *out);
    if (!c->tensor && c->dims) {
        out->rank = c->rank;
        memcpy(out->dims, c->dims, (size_t)c->rank * sizeof *c->dims);
        return 0;
    }
    if (!c->tensor) {
        out->rank = c->rank;
        out->dims[0] = (int64_t)c->count;
        return 0;
    }
    if (c->tensor->n_dims > ONNX_MAX_RANK)
        return -1;
    out->rank = (int)c->tensor->n_dims;
    for (int i = 0; i < out->rank; i++) {
        out->dims[i] = c->tensor->dims[i];
        if (out->dims[i] < 0 || out->dims[i] > ONNX_MAX_DIM)
            return -1;
    }
    return 0;
}

/* Little-endian, as ONNX stores raw_data. */
static int64_t read_le(const uint8_t *bytes, int width)
{
    uint64_t v = 0;
    for (int i = width - 1; i >= 0; i--)
        v = (v << 8) | bytes[i];
    if (width == 4)
        return (int64_t)(int32_t)(uint32_t)v;
    return (int64_t)v;
}

/* The values of an INT64 or INT32 TensorProto of `count` elements. */
static int tensor_ints(const onnx_graph *g, int node, const char *what, const Onnx__TensorProto *t, size_t count,
                       int64_t *out, fcn_error *err)
{
    const char *name = t->name ? t->name : "";
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return onnx_node_fail(g, node, err, "%s '%s' is stored in an external data file, which the parser "
                                            "does not read", what, name);
    int width = t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64   ? 8
                : t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT32 ? 4
                                                                        : 0;
    if (!width)
        return onnx_node_fail(g, node, err, "%s '%s' must hold integers (INT64), got data type %d", what, name,
                              (int)t->data_type);
    if (t->has_raw_data) {
        if (t->raw_data.len != count * (size_t)width)
            return onnx_node_fail(g, node, err, "%s '%s' has %zu bytes of data for %zu values", what, name,
                                  t->raw_data.len, count);
        for (size_t i = 0; i < count; i++)
            out[i] = read_le(t->raw_data.data + i * (size_t)width, width);
        return 0;
    }
    size_t held = width == 8 ? t->n_int64_data : t->n_int32_data;
    if (held != count)
        return onnx_node_fail(g, node, err, "%s '%s' holds %zu values, its dims say %zu", what, name, held, count);
    for (size_t i = 0; i < count; i++)
        out[i] = width == 8 ? t->int64_data[i] : t->int32_data[i];
    return 0;
}

int onnx_constant_ints(const onnx_graph *g, int node, int tensor, const char *what, int64_t *out, size_t max,
                       size_t *count, fcn_error *err)
{
    if (tensor < 0 || !g->tensors[tensor].is_constant)
        return onnx_node_fail(g, node, err, "its %s input '%s' must be a constant (an initializer or a Constant "
                                            "node)", what, tensor < 0 ? "" : g->tensors[tensor].name);
    const onnx_tensor *t = &g->tensors[tensor];
    onnx_shape shape;
    if (onnx_constant_shape(&t->constant, &shape) || shape.rank > 1)
        return onnx_node_fail(g, node, err, "%s '%s' must be a list of integers", what, t->name);
    size_t n = shape.rank == 0 ? 1 : (size_t)shape.dims[0];
    if (n > max)
        return onnx_node_fail(g, node, err, "%s '%s' has %zu values, more than %zu", what, t->name, n, max);
    if (t->constant.is_float)
        return onnx_node_fail(g, node, err, "%s '%s' must hold integers, got floats", what, t->name);
    *count = n;
    if (!t->constant.tensor) { /* value_int(s) */
        if (n)
            memcpy(out, t->constant.ints, n * sizeof *out);
        return 0;
    }
    return tensor_ints(g, node, what, t->constant.tensor, n, out, err);
}

int onnx_attr_float(const onnx_graph *g, int node, const char *name, double *out, fcn_error *err)
{
    const Onnx__AttributeProto *a = NULL;
    int found = find_typed(g, node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT, &a, err);
    if (found == 1)
        *out = a->f;
    return found;
}

/* One little-endian IEEE value of 4 or 8 bytes, as raw_data stores FLOAT and DOUBLE. */
static double read_le_real(const uint8_t *bytes, int width)
{
    uint64_t bits = (uint64_t)read_le(bytes, width);
    if (width == 8) {
        double d;
        memcpy(&d, &bits, sizeof d);
        return d;
    }
    uint32_t low = (uint32_t)bits;
    float f;
    memcpy(&f, &low, sizeof f);
    return f;
}

/* The byte width of a TensorProto type whose one value the parser reads as a number; 0 for other types. */
static int real_width(int32_t type)
{
    switch (type) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: return 4;
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: return 8;
    default: return 0;
    }
}

/* The one value of a TensorProto that holds one; -1 with the message otherwise. */
static int tensor_real(const onnx_graph *g, int node, const char *what, const Onnx__TensorProto *t, double *out,
                       fcn_error *err)
{
    const char *name = t->name ? t->name : "";
    int type = t->data_type, width = real_width(type);
    int is_real = type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT || type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE;
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return onnx_node_fail(g, node, err, "%s '%s' is stored in an external data file, which the parser "
                                            "does not read", what, name);
    if (!width)
        return onnx_node_fail(g, node, err, "%s '%s' has data type %d; the parser reads FLOAT, DOUBLE, INT32 "
                                            "and INT64", what, name, type);
    if (t->has_raw_data) {
        if (t->raw_data.len != (size_t)width)
            return onnx_node_fail(g, node, err, "%s '%s' has %zu bytes of data for one value", what, name,
                                  t->raw_data.len);
        *out = is_real ? read_le_real(t->raw_data.data, width) : (double)read_le(t->raw_data.data, width);
        return 0;
    }
    size_t held = type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT    ? t->n_float_data
                  : type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE ? t->n_double_data
                  : type == ONNX__TENSOR_PROTO__DATA_TYPE__INT32  ? t->n_int32_data
                                                                  : t->n_int64_data;
    if (held != 1)
        return onnx_node_fail(g, node, err, "%s '%s' holds %zu values, its dims say 1", what, name, held);
    *out = type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT    ? t->float_data[0]
           : type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE ? t->double_data[0]
           : type == ONNX__TENSOR_PROTO__DATA_TYPE__INT32  ? (double)t->int32_data[0]
                                                           : (double)t->int64_data[0];
    return 0;
}

int onnx_constant_real(const onnx_graph *g, int node, int tensor, const char *what, double *out, fcn_error *err)
{
    if (tensor < 0 || !g->tensors[tensor].is_constant)
        return onnx_node_fail(g, node, err, "its %s input '%s' must be a constant (an initializer or a Constant "
                                            "node)", what, tensor < 0 ? "" : g->tensors[tensor].name);
    const onnx_tensor *t = &g->tensors[tensor];
    onnx_shape shape;
    if (onnx_constant_shape(&t->constant, &shape) || onnx_shape_elements(&shape) != 1)
        return onnx_node_fail(g, node, err, "%s '%s' must be a single value", what, t->name);
    if (t->constant.tensor)
        return tensor_real(g, node, what, t->constant.tensor, out, err);
    *out = t->constant.is_float ? (double)t->constant.floats[0] : (double)t->constant.ints[0];
    return 0;
}
