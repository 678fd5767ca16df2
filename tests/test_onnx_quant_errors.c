/*
 * Quantisers built in C (tests/onnx_builder.h): every error of
 * src/onnx/onnx_quant.c, one exact line each, and the cases the generated
 * models of tests/test_onnx_quant.c do not hold (a quantised network input, a
 * QuantizeLinear of a float weight, Trunc's version 2, other domains).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "onnx_builder.h"

#define QONNX "qonnx.custom_op.general"

enum { FLOAT = 1, INT8 = 3 }; /* TensorProto.DataType */

/* An initializer of one value (a scale, a bit width) as a FLOAT [1]. */
static void value(onnx_builder *b, const char *name, float v)
{
    ob_floats_initializer(b, name, 1, (const float[]){v});
}

/* A scalar initializer of data type `type` holding 0 (a zero point). */
static void zero_point(onnx_builder *b, const char *name, int type)
{
    Onnx__TensorProto *t = ob_tensor(b, name, 0, NULL);
    t->data_type = type;
    OB_PUSH(b, t->int32_data, t->n_int32_data, 0);
    OB_PUSH(b, b->graph.initializer, b->graph.n_initializer, t);
}

/* An INT8 weight whose data is elsewhere (only its dims are read). */
static void int8_weight(onnx_builder *b, const char *name, int rank, const int64_t *dims)
{
    ob_weight(b, name, rank, dims)->data_type = INT8;
}

static Onnx__NodeProto *qonnx_node(onnx_builder *b, const char *op, const char *name, const char *const *inputs,
                                   const char *output)
{
    Onnx__NodeProto *n = ob_node(b, op, name, inputs, OB_LIST(output));
    n->domain = ob_str(b, QONNX);
    return n;
}

/* x (1x3x8x8) -> [quantisers the caller adds, reading x, giving "q"] -> Conv 4 3x3 ("conv", weight `weight`). */
static void begin(onnx_builder *b, int64_t opset)
{
    ob_init(b, opset);
    ob_input(b, "x", 4, OB_DIMS(-1, 3, 8, 8));
    value(b, "s", 0.0625f);
    zero_point(b, "zp", INT8);
}

static void conv_on(onnx_builder *b, const char *in, const char *weight)
{
    ob_weight(b, "w", 4, OB_DIMS(4, 3, 3, 3));
    Onnx__NodeProto *n = ob_node(b, "Conv", "conv", OB_LIST(in, weight), OB_LIST("y"));
    ob_attr_ints(b, n, "kernel_shape", 2, OB_DIMS(3, 3));
    ob_output(b, "y");
}

/* x -> QuantizeLinear(s, zp) -> DequantizeLinear(s, zp) -> conv: a valid start to spoil. */
static void qdq_on_input(onnx_builder *b)
{
    ob_node(b, "QuantizeLinear", "quant", OB_LIST("x", "s", "zp"), OB_LIST("xq"));
    ob_node(b, "DequantizeLinear", "dequant", OB_LIST("xq", "s", "zp"), OB_LIST("q"));
}

static fcn_network *parse(const onnx_builder *b, fcn_error *err)
{
    size_t size;
    uint8_t *bytes = ob_pack(b, &size);
    fcn_network *net = fcn_onnx_parse_buffer(bytes, size, "test.onnx", NULL, err);
    free(bytes);
    return net;
}

/* Parsing must fail with exactly "test.onnx: " + message. */
static void expect_error(onnx_builder *b, const char *message)
{
    fcn_error err = {{0}};
    char expected[600];
    snprintf(expected, sizeof expected, "test.onnx: %s", message);
    fcn_network *net = parse(b, &err);
    CHECK(net == NULL);
    fcn_network_free(net);
    check_count++;
    if (strcmp(err.message, expected) != 0) {
        check_failures++;
        fprintf(stderr, "message\n  \"%s\", expected\n  \"%s\"\n", err.message, expected);
    }
    ob_free(b);
}

/* The model parses; its conv takes input_width `in` (binary point in_bp) and weight_width `weight`. */
static void expect_conv(onnx_builder *b, int in, int in_bp, int weight)
{
    fcn_error err = {{0}};
    fcn_network *net = parse(b, &err);
    if (!net)
        fprintf(stderr, "parse failed: %s\n", err.message);
    CHECK(net != NULL);
    const fcn_layer *conv = net ? &net->partitions[0].layers[net->partitions[0].layer_count - 1] : NULL;
    CHECK(conv && conv->type == FCN_CONVOLUTION);
    if (conv) {
        CHECK_INT(conv->input_width, in);
        CHECK_INT(conv->input_binary_point, in_bp);
        CHECK_INT(conv->weight_width, weight);
    }
    fcn_network_free(net);
    ob_free(b);
}

static void test_qdq_errors(void)
{
    onnx_builder b;

    begin(&b, 13);
    int8_weight(&b, "wq", 4, OB_DIMS(4, 3, 3, 3));
    ob_node(&b, "DequantizeLinear", "dq", OB_LIST("wq"), OB_LIST("wd"));
    conv_on(&b, "x", "wd");
    expect_error(&b, "node 'dq' (DequantizeLinear): has no scale (input 1)");

    begin(&b, 13); /* a float weight dequantised */
    ob_weight(&b, "wf", 4, OB_DIMS(4, 3, 3, 3));
    ob_node(&b, "DequantizeLinear", "dq", OB_LIST("wf", "s"), OB_LIST("wd"));
    conv_on(&b, "x", "wd");
    expect_error(&b, "node 'dq' (DequantizeLinear): its input 'wf' has type FLOAT; a quantised tensor is INT4, UINT4, "
                     "INT8, UINT8, INT16, UINT16 or INT32");

    begin(&b, 13); /* the float network input dequantised */
    ob_node(&b, "DequantizeLinear", "dq", OB_LIST("x", "s"), OB_LIST("q"));
    conv_on(&b, "q", "w");
    expect_error(&b, "node 'dq' (DequantizeLinear): its input 'x' has type FLOAT; a quantised tensor is INT4, UINT4, "
                     "INT8, UINT8, INT16, UINT16 or INT32");

    begin(&b, 21); /* opset 21's output_dtype, a float */
    ob_attr_int(&b, ob_node(&b, "QuantizeLinear", "quant", OB_LIST("x", "s"), OB_LIST("xq")), "output_dtype", FLOAT);
    ob_node(&b, "DequantizeLinear", "dequant", OB_LIST("xq", "s"), OB_LIST("q"));
    conv_on(&b, "q", "w");
    expect_error(&b, "node 'quant' (QuantizeLinear): its output 'xq' has type FLOAT; a quantised tensor is INT4, "
                     "UINT4, INT8, UINT8, INT16, UINT16 or INT32");

    begin(&b, 13); /* a data type no ONNX names */
    zero_point(&b, "zp99", 99);
    ob_node(&b, "QuantizeLinear", "quant", OB_LIST("x", "s", "zp99"), OB_LIST("xq"));
    ob_node(&b, "DequantizeLinear", "dequant", OB_LIST("xq", "s", "zp99"), OB_LIST("q"));
    conv_on(&b, "q", "w");
    expect_error(&b, "node 'quant' (QuantizeLinear): its zero point 'zp99' has data type 99; a quantised tensor is "
                     "INT4, UINT4, INT8, UINT8, INT16, UINT16 or INT32");

    begin(&b, 13); /* a DequantizeLinear's zero point from the data */
    ob_node(&b, "QuantizeLinear", "quant", OB_LIST("x", "s", "zp"), OB_LIST("xq"));
    ob_node(&b, "DequantizeLinear", "dequant", OB_LIST("xq", "s", "x"), OB_LIST("q"));
    conv_on(&b, "q", "w");
    expect_error(&b, "node 'dequant' (DequantizeLinear): its zero point 'x' must be a constant (an initializer or a "
                     "Constant node)");

    begin(&b, 13); /* per channel on an axis x does not have */
    ob_floats_initializer(&b, "s3", 3, (const float[]){0.5f, 0.25f, 0.125f});
    ob_attr_int(&b, ob_node(&b, "QuantizeLinear", "quant", OB_LIST("x", "s3"), OB_LIST("xq")), "axis", 4);
    ob_node(&b, "DequantizeLinear", "dequant", OB_LIST("xq", "s"), OB_LIST("q"));
    conv_on(&b, "q", "w");
    expect_error(&b, "node 'quant' (QuantizeLinear): its axis 4 is out of range for its input 'x' (1x3x8x8)");

    begin(&b, 13); /* axis given as a float */
    ob_floats_initializer(&b, "s3", 3, (const float[]){0.5f, 0.25f, 0.125f});
    ob_attr_float(&b, ob_node(&b, "QuantizeLinear", "quant", OB_LIST("x", "s3"), OB_LIST("xq")), "axis", 1.0f);
    ob_node(&b, "DequantizeLinear", "dequant", OB_LIST("xq", "s"), OB_LIST("q"));
    conv_on(&b, "q", "w");
    expect_error(&b, "node 'quant' (QuantizeLinear): attribute 'axis' must be INT, got FLOAT");

    begin(&b, 21); /* opset 21's blocked quantisation: the scale has x's rank */
    int8_weight(&b, "wq", 4, OB_DIMS(4, 3, 3, 3));
    ob_weight(&b, "s43", 2, OB_DIMS(4, 3));
    ob_attr_int(&b, ob_node(&b, "DequantizeLinear", "dq", OB_LIST("wq", "s43"), OB_LIST("wd")), "block_size", 3);
    conv_on(&b, "x", "wd");
    expect_error(&b, "node 'dq' (DequantizeLinear): its scale 's43' has dims 4x3, but a blocked scale has the rank of "
                     "its input 'wq' (4x3x3x3)");

    begin(&b, 13); /* an omitted input, an omitted output */
    ob_node(&b, "DequantizeLinear", "dq", OB_LIST("", "s"), OB_LIST("q"));
    conv_on(&b, "x", "w");
    expect_error(&b, "node 'dq' (DequantizeLinear): has no input");
    begin(&b, 13);
    ob_node(&b, "QuantizeLinear", "quant", OB_LIST("x", "s", "zp"), OB_LIST(""));
    conv_on(&b, "x", "w");
    expect_error(&b, "node 'quant' (QuantizeLinear): has no output");
}

static void test_qonnx_errors(void)
{
    onnx_builder b;

    begin(&b, 13);
    qonnx_node(&b, "Quant", "quant", OB_LIST("x", "s", "s"), "q");
    conv_on(&b, "q", "w");
    expect_error(&b, "node 'quant' (Quant): has no bit width (input 3)");

    begin(&b, 13);
    ob_floats_initializer(&b, "bw2", 2, (const float[]){4, 8});
    qonnx_node(&b, "Quant", "quant", OB_LIST("x", "s", "s", "bw2"), "q");
    conv_on(&b, "q", "w");
    expect_error(&b, "node 'quant' (Quant): bit width 'bw2' must be a single value");

    begin(&b, 13);
    value(&b, "bw", 4);
    ob_attr_string(&b, qonnx_node(&b, "Quant", "quant", OB_LIST("x", "s", "s", "bw"), "q"), "signed", "yes");
    conv_on(&b, "q", "w");
    expect_error(&b, "node 'quant' (Quant): attribute 'signed' must be INT, got STRING");

    begin(&b, 13);
    qonnx_node(&b, "BipolarQuant", "bipolar", OB_LIST("x"), "q");
    conv_on(&b, "q", "w");
    expect_error(&b, "node 'bipolar' (BipolarQuant): has no scale (input 1)");

    begin(&b, 13); /* Trunc, version 1: a bit width of 0 */
    value(&b, "zero", 0);
    value(&b, "bw", 4);
    qonnx_node(&b, "Trunc", "trunc", OB_LIST("x", "s", "zero", "zero", "bw"), "q");
    conv_on(&b, "q", "w");
    expect_error(&b, "node 'trunc' (Trunc): its input bit width 'zero' is 0; a width is a whole number of bits from 1 "
                     "to 36");

    begin(&b, 13); /* Trunc, version 2: its output scale from the data */
    value(&b, "zero", 0);
    value(&b, "bw", 8);
    qonnx_node(&b, "Trunc", "trunc", OB_LIST("x", "s", "zero", "bw", "x", "bw"), "q");
    conv_on(&b, "q", "w");
    expect_error(&b, "node 'trunc' (Trunc): its output scale 'x' must be a constant (an initializer or a Constant "
                     "node)");

    begin(&b, 13); /* another domain's Quant is no quantiser the parser knows */
    value(&b, "bw", 4);
    ob_node(&b, "Quant", "quant", OB_LIST("x", "s", "s", "bw"), OB_LIST("q"))->domain = ob_str(&b, "com.example");
    conv_on(&b, "q", "w");
    expect_error(&b, "1 unsupported node: quant (Quant)");
}

static void test_accepted(void)
{
    onnx_builder b;

    begin(&b, 13); /* a network input of INT8 data, dequantised */
    b.graph.input[0]->type->tensor_type->elem_type = INT8;
    ob_node(&b, "DequantizeLinear", "dq", OB_LIST("x", "s"), OB_LIST("q"));
    conv_on(&b, "q", "w");
    expect_conv(&b, 8, 4, 16);

    begin(&b, 13); /* a float weight quantised by a QuantizeLinear (an unfolded export), its input through Identity */
    qdq_on_input(&b);
    ob_weight(&b, "wf", 4, OB_DIMS(4, 3, 3, 3));
    ob_node(&b, "QuantizeLinear", "wquant", OB_LIST("wf", "s", "zp"), OB_LIST("wq"));
    ob_node(&b, "DequantizeLinear", "wdequant", OB_LIST("wq", "s", "zp"), OB_LIST("wd"));
    ob_node(&b, "Identity", "wid", OB_LIST("wd"), OB_LIST("wi"));
    conv_on(&b, "q", "wi");
    expect_conv(&b, 8, 4, 8);

    begin(&b, 13); /* Trunc, version 2: 6 bits, its output scale 2^-2 */
    value(&b, "zero", 0);
    value(&b, "bw8", 8);
    value(&b, "bw6", 6);
    value(&b, "out_scale", 0.25f);
    qonnx_node(&b, "Trunc", "trunc", OB_LIST("x", "s", "zero", "bw8", "out_scale", "bw6"), "q");
    conv_on(&b, "q", "w");
    expect_conv(&b, 6, 2, 16);
}

int main(void)
{
    test_qdq_errors();
    test_qonnx_errors();
    test_accepted();
    return check_summary("test_onnx_quant_errors");
}
