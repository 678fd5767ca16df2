/*
 * The quantisers of quantised ONNX models and the fixed-point types they give
 * tensors (docs/ONNX-OPERATORS.md, "Quantised models"). A quantiser is no
 * layer: it is removed like a shape-only operator, and a quantiser of a
 * constant leaves a constant of the same dims (src/onnx/onnx_order.c).
 *
 * QDQ (onnxruntime's quantiser, PyTorch's export):
 *  - QuantizeLinear(x, scale[, zero_point]) gives its output the zero point's
 *    type; without one, the attribute output_dtype (opset 21), else UINT8 (ONNX's
 *    default).
 *  - DequantizeLinear(x, scale[, zero_point]) reads a constant (a weight or a
 *    bias), the output of a quantiser (past removed operators) or the network
 *    input; its output carries x's type (the zero point's, which ONNX requires
 *    to be x's). Anything else is an error: nothing says what it quantises.
 *  - A scale holds one value (per tensor), or one per element of the axis
 *    `axis` of x (per channel: axis 0 of a Conv's weight); with opset 21's
 *    block_size it has x's rank (blocked), which is not checked further.
 * QONNX (Brevitas, FINN; domain qonnx.custom_op.general or finn.custom_op.general):
 *  - Quant (IntQuant since QONNX renamed it)(x, scale, zeropt, bitwidth): bitwidth
 *    bits, signed unless the attribute signed is 0; narrow and rounding_mode
 *    change no width.
 *  - BipolarQuant(x, scale): 1 bit (+-scale).
 *  - Trunc(x, scale, zeropt, in_bitwidth, out_bitwidth), or in its version 2
 *    (x, scale, zeropt, in_bitwidth, out_scale, out_bitwidth): out_bitwidth bits
 *    (a requantisation, as Brevitas' average pooling exports it).
 *  - Every scale, zero point and bit width must be a constant; a bit width a
 *    whole number in 1..FCN_MAX_WIDTH.
 * The types: INT4 and UINT4 (data types 22 and 21 of ONNX 1.16, which Debian's
 * onnx.proto 1.12 does not name: TensorProto.data_type is an int32 field, so
 * the numbers arrive as they are), INT8, UINT8, INT16, UINT16 and INT32 (a
 * QDQ bias); the float8 types and anything else are errors naming the tensor.
 * Binary point: f fraction bits when the scale is 2^-f (every value of a
 * per-channel scale the same power of two); otherwise none (the width-based
 * default applies, src/onnx/onnx_quant_widths.c).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "onnx_attrs.h"
#include "onnx_fold_value.h"
#include "onnx_ops.h"
#include "onnx_quant.h"
#include "onnx_shapes.h"

typedef enum quantiser { Q_NONE, Q_QUANTIZE, Q_DEQUANTIZE, Q_QUANT, Q_BIPOLAR, Q_TRUNC } quantiser;

static int qonnx_domain(const char *domain)
{
    return domain && (strcmp(domain, "qonnx.custom_op.general") == 0 || strcmp(domain, "finn.custom_op.general") == 0);
}

static quantiser quantiser_of(const Onnx__NodeProto *node)
{
    const char *op = node->op_type ? node->op_type : "";
    if (onnx_default_domain(node))
        return strcmp(op, "QuantizeLinear") == 0 ? Q_QUANTIZE : strcmp(op, "DequantizeLinear") == 0 ? Q_DEQUANTIZE
                                                                                                     : Q_NONE;
    if (!qonnx_domain(node->domain))
        return Q_NONE;
    if (strcmp(op, "Quant") == 0 || strcmp(op, "IntQuant") == 0)
        return Q_QUANT;
    return strcmp(op, "BipolarQuant") == 0 ? Q_BIPOLAR : strcmp(op, "Trunc") == 0 ? Q_TRUNC : Q_NONE;
}

int onnx_is_quantiser(const Onnx__NodeProto *node)
{
    return quantiser_of(node) != Q_NONE;
}

/* TensorProto.DataType by number (from 1): names for messages, and the fixed-point types' bits and sign. */
static const struct element_type {
    const char *name;
    int bits, is_signed;
} element_types[] = {
    {"FLOAT", 0, 0},      {"UINT8", 8, 0},         {"INT8", 8, 1},           {"UINT16", 16, 0},
    {"INT16", 16, 1},     {"INT32", 32, 1},        {"INT64", 0, 0},          {"STRING", 0, 0},
    {"BOOL", 0, 0},       {"FLOAT16", 0, 0},       {"DOUBLE", 0, 0},         {"UINT32", 0, 0},
    {"UINT64", 0, 0},     {"COMPLEX64", 0, 0},     {"COMPLEX128", 0, 0},     {"BFLOAT16", 0, 0},
    {"FLOAT8E4M3FN", 0, 0}, {"FLOAT8E4M3FNUZ", 0, 0}, {"FLOAT8E5M2", 0, 0}, {"FLOAT8E5M2FNUZ", 0, 0},
    {"UINT4", 4, 0},      {"INT4", 4, 1},
};
#define ONNX_TYPE_FLOAT 1
#define ONNX_TYPE_UINT8 2
#define ONNX_TYPE_INT64 7

/* The fixed-point type of data type `type`, which tensor `name` (the node's `what`) has; -1 when it is none. */
static int fixed_type(const onnx_graph *g, int node, const char *what, const char *name, int64_t type,
                      onnx_qtype *out, fcn_error *err)
{
    const int known = (int)(sizeof element_types / sizeof element_types[0]);
    const struct element_type *e = type >= 1 && type <= known ? &element_types[type - 1] : NULL;
    if (e && e->bits) {
        out->bits = e->bits;
        out->is_signed = e->is_signed;
        return 0;
    }
    char type_text[40];
    if (e)
        snprintf(type_text, sizeof type_text, "type %s", e->name);
    else
        snprintf(type_text, sizeof type_text, "data type %lld", (long long)type);
    return onnx_node_fail(g, node, err, "its %s '%s' has %s; a quantised tensor is INT4, UINT4, INT8, UINT8, INT16, "
                          "UINT16 or INT32", what, name, type_text);
}

/* The element type of a constant: its TensorProto's; a Constant's value_int(s) or a computed one: INT64 or FLOAT. */
static int64_t constant_type(const onnx_tensor *t)
{
    if (t->constant.tensor)
        return t->constant.tensor->data_type;
    return t->constant.is_float ? ONNX_TYPE_FLOAT : ONNX_TYPE_INT64;
}

/* The element type a graph input states; FLOAT when it states none. */
static int64_t input_type(const onnx_tensor *t)
{
    const Onnx__TypeProto *type = t->info ? t->info->type : NULL;
    if (!type || type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !type->tensor_type ||
        !type->tensor_type->has_elem_type)
        return ONNX_TYPE_FLOAT;
    return type->tensor_type->elem_type;
}

/* Input i, which must be a constant; its index, or -1 with the message. */
static int constant_param(const onnx_graph *g, int node, int i, const char *what, fcn_error *err)
{
    onnx_shape shape;
    return onnx_constant_input(g, node, i, what, &shape, err);
}

/* The binary point of a scale that is one power of two, 2^-f (every value the same): f. Unreadable: none. */
static void scale_binary_point(const onnx_graph *g, int scale, onnx_qtype *q)
{
    fold_value v;
    if (fold_read_constant(g, scale, &v))
        return;
    double first = v.count > 0 ? fold_real_at(&v, 0) : 0;
    int same = v.count > 0;
    for (int64_t i = 1; same && i < v.count; i++)
        same = fold_real_at(&v, i) == first;
    fold_value_free(&v);
    int exponent;
    if (!same || !(first > 0) || !isfinite(first) || frexp(first, &exponent) != 0.5)
        return;
    q->has_binary_point = 1;
    q->binary_point = 1 - exponent; /* first = 0.5 * 2^exponent */
}

/* A QDQ scale: one value, one per element of x's axis `axis`, or (block_size) x's rank. */
static int check_qdq_scale(const onnx_graph *g, int node, int x, int scale, fcn_error *err)
{
    const onnx_shape *s = onnx_shape_of(g, scale), *xs = onnx_shape_of(g, x);
    int64_t axis = 1, block_size = 0;
    if (!s || onnx_shape_elements(s) == 1 || !xs)
        return 0;
    if (onnx_attr_int(g, node, "axis", &axis, err) < 0 || onnx_attr_int(g, node, "block_size", &block_size, err) < 0)
        return -1;
    char text[96], xtext[96];
    const char *name = g->tensors[scale].name, *xname = g->tensors[x].name;
    if (block_size != 0)
        return s->rank == xs->rank ? 0 : onnx_node_fail(g, node, err, "its scale '%s' has dims %s, but a blocked "
                                                        "scale has the rank of its input '%s' (%s)", name,
                                                        onnx_shape_text(s, text, sizeof text), xname,
                                                        onnx_shape_text(xs, xtext, sizeof xtext));
    if (axis < -xs->rank || axis >= xs->rank)
        return onnx_node_fail(g, node, err, "its axis %lld is out of range for its input '%s' (%s)", (long long)axis,
                              xname, onnx_shape_text(xs, xtext, sizeof xtext));
    axis = axis < 0 ? axis + xs->rank : axis;
    if (s->rank != 1 || s->dims[0] != xs->dims[axis])
        return onnx_node_fail(g, node, err, "its scale '%s' has dims %s: one value per tensor, or one for each of "
                              "the %lld elements of axis %lld of its input '%s' (%s)", name,
                              onnx_shape_text(s, text, sizeof text), (long long)xs->dims[axis], (long long)axis,
                              xname, onnx_shape_text(xs, xtext, sizeof xtext));
    return 0;
}

/* QuantizeLinear: the zero point's type, else output_dtype, else UINT8. */
static int quantize_type(const onnx_graph *g, int node, onnx_qtype *q, fcn_error *err)
{
    int zero_point = onnx_node_input(g, node, 2);
    if (zero_point >= 0)
        return constant_param(g, node, 2, "zero point", err) < 0
                   ? -1
                   : fixed_type(g, node, "zero point", g->tensors[zero_point].name,
                                constant_type(&g->tensors[zero_point]), q, err);
    int64_t output_dtype = 0;
    if (onnx_attr_int(g, node, "output_dtype", &output_dtype, err) < 0)
        return -1;
    return fixed_type(g, node, "output", g->tensors[g->nodes[node].outputs[0]].name,
                      output_dtype ? output_dtype : ONNX_TYPE_UINT8, q, err);
}

/* DequantizeLinear: x's type, which its zero point has too; x must say it (a constant, a quantiser's, the input). */
static int dequantize_type(const onnx_graph *g, int node, onnx_qtype *q, fcn_error *err)
{
    int x = g->nodes[node].inputs[0], zero_point = onnx_node_input(g, node, 2);
    const onnx_tensor *t = &g->tensors[x];
    onnx_qtype carried = onnx_quant_of(g, x);
    if (!t->is_constant && !carried.bits && x != g->input)
        return onnx_node_fail(g, node, err, "its input '%s' comes from neither a QuantizeLinear, a constant nor the "
                              "network input, so nothing says what it quantises", t->name);
    if (zero_point >= 0) {
        if (constant_param(g, node, 2, "zero point", err) < 0)
            return -1;
        return fixed_type(g, node, "zero point", g->tensors[zero_point].name,
                          constant_type(&g->tensors[zero_point]), q, err);
    }
    if (carried.bits) {
        q->bits = carried.bits;
        q->is_signed = carried.is_signed;
        return 0;
    }
    return fixed_type(g, node, "input", t->name, t->is_constant ? constant_type(t) : input_type(t), q, err);
}

/* A bit width: a constant holding a whole number of bits in 1..FCN_MAX_WIDTH. */
static int bit_width(const onnx_graph *g, int node, int i, const char *what, int *bits, fcn_error *err)
{
    int t = constant_param(g, node, i, what, err);
    double value;
    if (t < 0 || onnx_constant_real(g, node, t, what, &value, err))
        return -1;
    if (!(value >= 1 && value <= FCN_MAX_WIDTH) || value != floor(value))
        return onnx_node_fail(g, node, err, "its %s '%s' is %g; a width is a whole number of bits from 1 to %d",
                              what, g->tensors[t].name, value, FCN_MAX_WIDTH);
    *bits = (int)value;
    return 0;
}

/* QONNX's attribute signed (default 1). */
static int signed_attr(const onnx_graph *g, int node, onnx_qtype *q, fcn_error *err)
{
    int64_t is_signed = 1;
    if (onnx_attr_int(g, node, "signed", &is_signed, err) < 0)
        return -1;
    q->is_signed = is_signed != 0;
    return 0;
}

/* The type a quantiser gives its output, and the scale its binary point comes from (-1: none). */
static int quantiser_type(const onnx_graph *g, int node, onnx_qtype *q, int *scale, fcn_error *err)
{
    const onnx_node *n = &g->nodes[node];
    quantiser kind = quantiser_of(n->proto);
    *scale = constant_param(g, node, 1, "scale", err);
    if (*scale < 0)
        return -1;
    switch (kind) {
    case Q_QUANTIZE:
    case Q_DEQUANTIZE:
        if (check_qdq_scale(g, node, n->inputs[0], *scale, err))
            return -1;
        return kind == Q_QUANTIZE ? quantize_type(g, node, q, err) : dequantize_type(g, node, q, err);
    case Q_QUANT:
        return constant_param(g, node, 2, "zero point", err) < 0 || bit_width(g, node, 3, "bit width", &q->bits, err) ||
                       signed_attr(g, node, q, err) ? -1 : 0;
    case Q_BIPOLAR:
        q->bits = 1;
        q->is_signed = 1;
        return 0;
    case Q_TRUNC: {
        int version2 = n->input_count >= 6, input_bits;
        *scale = version2 ? constant_param(g, node, 4, "output scale", err) : -1; /* version 1: none */
        return constant_param(g, node, 2, "zero point", err) < 0 ||
                       bit_width(g, node, 3, "input bit width", &input_bits, err) || (version2 && *scale < 0) ||
                       bit_width(g, node, version2 ? 5 : 4, "output bit width", &q->bits, err) ||
                       signed_attr(g, node, q, err) ? -1 : 0;
    }
    case Q_NONE: break;
    }
    return onnx_node_fail(g, node, err, "is not a quantiser");
}

int onnx_infer_quant(onnx_graph *g, int node, fcn_error *err)
{
    const onnx_node *n = &g->nodes[node];
    int x = n->input_count > 0 ? n->inputs[0] : -1, out = n->output_count > 0 ? n->outputs[0] : -1, scale;
    if (x < 0)
        return onnx_node_fail(g, node, err, "has no input");
    if (out < 0)
        return onnx_node_fail(g, node, err, "has no output");
    onnx_qtype q = {0};
    if (quantiser_type(g, node, &q, &scale, err))
        return -1;
    if (scale >= 0)
        scale_binary_point(g, scale, &q);
    g->tensors[out].quant = q;
    const onnx_shape *shape = onnx_shape_of(g, x);
    if (g->tensors[x].is_constant || !shape)
        return 0; /* a weight's quantiser: its output is a constant of the same dims already */
    onnx_shape same = *shape;
    return onnx_set_output(g, node, &same, err);
}

onnx_qtype onnx_quant_of(const onnx_graph *g, int tensor)
{
    const onnx_qtype none = {0};
    for (int t = tensor, step = 0; t >= 0 && step <= g->node_count; step++) {
        if (g->tensors[t].quant.bits)
            return g->tensors[t].quant;
        int p = g->tensors[t].producer;
        if (p < 0 || onnx_is_quantiser(g->nodes[p].proto))
            return none;
        const onnx_node *n = &g->nodes[p];
        if (n->role != ONNX_ROLE_SHAPE_ONLY && n->role != ONNX_ROLE_FOLDED_PAD && n->role != ONNX_ROLE_SIZE)
            return none;
        t = n->input_count > 0 ? n->inputs[0] : -1;
    }
    return none;
}
