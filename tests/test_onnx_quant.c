/*
 * Quantised ONNX models (issue 13): the QDQ and QONNX models of
 * tests/data/models/quantised/ (tests/data/gen/make_quantised.py) parse into
 * the layers of their float twins, with the widths and binary points their
 * types give (docs/ONNX-OPERATORS.md, "Quantised models"); the command line's
 * widths apply to float models and to what a model leaves unquantised; the
 * widths survive the configuration file; every error is one exact line.
 *
 * The expected figures are worked out by hand in the comments. The
 * accumulator: weight + input + ceil(log2 N) bits, N = channels / groups x
 * kernel (CONVOLUTION) or rows x cols x channels (INNER_PRODUCT), at most 32;
 * its binary point weight's + input's. A binary point f comes from a scale
 * 2^-f, else it is width / 2.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"

#define DIR "data/models/quantised/"

typedef struct expected_layer {
    const char *name;
    int data, input, output, weight, acc, biases;
    int data_bp, input_bp, output_bp, weight_bp, acc_bp;
} expected_layer;

/* A layer without weights: data_width and its binary point; the widths it does not have stay at the defaults. */
#define ONE(name, width, bp) {name, width, 16, 16, 16, 16, 16, bp, 8, 8, 8, 8}
/* A CONVOLUTION or INNER_PRODUCT: data_width is its input width. */
#define WEIGHTED(name, in, in_bp, out, out_bp, w, w_bp, acc, acc_bp, biases)                                    \
    {name, in, in, out, w, acc, biases, in_bp, in_bp, out_bp, w_bp, acc_bp}

static fcn_network *parse(const char *file, const fcn_parse_options *opts)
{
    char path[256];
    fcn_error err = {{0}};
    snprintf(path, sizeof path, DIR "%s", file);
    fcn_network *net = fcn_onnx_parse(path, opts, &err);
    if (!net)
        fprintf(stderr, "%s: parse failed: %s\n", path, err.message);
    CHECK(net != NULL);
    return net;
}

static void check_widths(const char *where, const fcn_layer *l, const expected_layer *e)
{
    if (strcmp(l->name, e->name) != 0) {
        CHECK_MESSAGE(l->name, e->name);
        return;
    }
    const int actual[] = {l->data_width, l->input_width, l->output_width, l->weight_width, l->acc_width,
                          l->biases_width, l->data_binary_point, l->input_binary_point, l->output_binary_point,
                          l->weight_binary_point, l->acc_binary_point};
    const int expected[] = {e->data, e->input, e->output, e->weight, e->acc, e->biases, e->data_bp, e->input_bp,
                            e->output_bp, e->weight_bp, e->acc_bp};
    static const char *const fields[] = {"data_width", "input_width", "output_width", "weight_width", "acc_width",
                                         "biases_width", "data_binary_point", "input_binary_point",
                                         "output_binary_point", "weight_binary_point", "acc_binary_point"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        check_count++;
        if (actual[i] != expected[i]) {
            check_failures++;
            fprintf(stderr, "%s: layer '%s': %s is %d, expected %d\n", where, l->name, fields[i], actual[i],
                    expected[i]);
        }
    }
}

/* The same layers with the same dims and parameters; only widths may differ. */
static void check_same_layers(const char *model, const fcn_network *a, const fcn_network *b)
{
    CHECK_INT(a->partitions[0].layer_count, b->partitions[0].layer_count);
    for (int i = 0; i < a->partitions[0].layer_count && i < b->partitions[0].layer_count; i++) {
        const fcn_layer *x = &a->partitions[0].layers[i], *y = &b->partitions[0].layers[i];
        int same = strcmp(x->name, y->name) == 0 && x->type == y->type && x->rows == y->rows &&
                   x->cols == y->cols && x->channels == y->channels && x->filters == y->filters &&
                   x->kernel[0] == y->kernel[0] && x->kernel[1] == y->kernel[1] && x->stride[0] == y->stride[0] &&
                   x->pad_top == y->pad_top && x->pad_left == y->pad_left && x->groups == y->groups &&
                   x->has_bias == y->has_bias && x->ports_in == y->ports_in && x->ports_out == y->ports_out &&
                   x->pool_type == y->pool_type;
        if (!same)
            fprintf(stderr, "%s: layer %d ('%s') differs from the float twin's ('%s')\n", model, i, x->name, y->name);
        CHECK(same);
    }
}

/*
 * The model parses (with `opts`) to `expected`, layer by layer; its float twin
 * parses to the same layers and dims, every width at its default.
 */
static void check_model(const char *model, const fcn_parse_options *opts, const expected_layer *expected, int count)
{
    char file[128], twin[128];
    snprintf(file, sizeof file, "%s.onnx", model);
    snprintf(twin, sizeof twin, "%s.float.onnx", model);
    fcn_network *net = parse(file, opts), *float_net = parse(twin, NULL);
    if (net && float_net) {
        CHECK_INT(net->partitions[0].layer_count, count);
        for (int i = 0; i < count && i < net->partitions[0].layer_count; i++) {
            const fcn_layer *l = &net->partitions[0].layers[i];
            int weighted = l->type == FCN_CONVOLUTION || l->type == FCN_INNER_PRODUCT;
            const expected_layer defaults = WEIGHTED(expected[i].name, 16, 8, 16, 8, 16, 8, 16, 8, 16);
            const expected_layer one = ONE(expected[i].name, 16, 8);
            check_widths(model, l, &expected[i]);
            check_widths(twin, &float_net->partitions[0].layers[i], weighted ? &defaults : &one);
        }
        check_same_layers(model, net, float_net);
    }
    fcn_network_free(net);
    fcn_network_free(float_net);
}

/* int8 per tensor: activations 2^-4 (input), 2^-3 (conv1's, relu1's, pool1's), 0.05 (fc1's); weights 2^-7, 0.0123. */
static const expected_layer qdq_int8[] = {
    /* acc 8 + 8 + ceil(log2(3 x 3 x 3 = 27)) = 21, binary point 7 + 4 */
    WEIGHTED("conv1", 8, 4, 8, 3, 8, 7, 21, 11, 32),
    ONE("relu1", 8, 3),
    ONE("pool1", 8, 3),
    /* the Flatten passes pool1's type on; 0.0123 and 0.05 are no powers of two: 8 / 2;
       acc 8 + 8 + ceil(log2(8 x 4 x 4 = 128)) = 23, binary point 4 + 3 */
    WEIGHTED("fc1", 8, 3, 8, 4, 8, 4, 23, 7, 32),
};

/* Per-channel weights; Conv -> Relu -> QuantizeLinear (PyTorch's fused ConvReLU2d). */
static const expected_layer qdq_per_channel[] = {
    /* scales 0.011..0.018: 8 / 2; the output's type (2^-4) is relu1's, past the Relu;
       acc 8 + 8 + ceil(log2(4 x 9 = 36)) = 22, binary point 4 + 5 */
    WEIGHTED("conv1", 8, 5, 8, 4, 8, 4, 22, 9, 32),
    ONE("relu1", 8, 4), /* its input is float: the type after it */
    /* depthwise, every scale 2^-6: 6; acc 8 + 8 + ceil(log2(8 / 8 x 9 = 9)) = 20, binary point 6 + 4; no bias */
    WEIGHTED("dwconv", 8, 4, 8, 4, 8, 6, 20, 10, 16),
    ONE("relu2", 8, 4),
    /* acc 8 + 8 + ceil(log2(8 x 1 x 1)) = 19, binary point 4 + 4 */
    WEIGHTED("pwconv", 8, 4, 8, 2, 8, 4, 19, 8, 32),
};

/* uint8 activations (input 0.02, conv1 2^-5 without a zero point, relu1 2^-5, add1 and gap 2^-3, fc1 0.1). */
static const expected_layer qdq_uint8[] = {
    ONE("input_split", 8, 4),
    /* acc 8 + 8 + ceil(log2(8 x 9 = 72)) = 23, binary point 4 + 4 */
    WEIGHTED("conv1", 8, 4, 8, 5, 8, 4, 23, 8, 32),
    ONE("relu1", 8, 5),
    ONE("add1", 8, 5), /* relu1's 8 bits and the input's 8: the first of the widest */
    ONE("gap", 8, 3),
    /* every scale 0.03: 8 / 2; acc 8 + 8 + ceil(log2(8)) = 19, binary point 4 + 3 */
    WEIGHTED("fc1", 8, 3, 8, 4, 8, 4, 19, 7, 32),
};

/* Float conv1 -> Relu -> int16 (2^-4) -> conv2 (int8 weights 2^-6) -> float Relu -> conv3 (weights only, 2^-5). */
static const expected_layer qdq_mixed[] = {
    WEIGHTED("conv1", 16, 8, 16, 4, 16, 8, 16, 8, 16), /* only its output is quantised: acc stays */
    ONE("relu1", 16, 4),
    /* acc 8 + 16 + ceil(log2(8 x 9 = 72)) = 31, binary point 6 + 4 */
    WEIGHTED("conv2", 16, 4, 16, 8, 8, 6, 31, 10, 32),
    ONE("relu2", 16, 8),
    /* the float input's default 16: acc 8 + 16 + 7 = 31, binary point 5 + 8; a float bias */
    WEIGHTED("conv3", 16, 8, 16, 8, 8, 5, 31, 13, 16),
    ONE("gap", 16, 8),
};

/* Opset 21: uint4 input (2^-2), int4 weights (2^-3), int4 output by output_dtype (2^-1), int32 bias. */
static const expected_layer qdq_int4[] = {
    /* acc 4 + 4 + ceil(log2(27)) = 13, binary point 3 + 2 */
    WEIGHTED("conv1", 4, 2, 4, 1, 4, 3, 13, 5, 32),
    ONE("relu1", 4, 1),
};

/* QONNX 4 bits: input 2^-3, weights 2^-2 per channel, unsigned QuantReLU 2^-3, Trunc to 4 bits, fc1 0.1, out 8 bits. */
static const expected_layer qonnx_4bit[] = {
    /* acc 4 + 4 + ceil(log2(27)) = 13, binary point 2 + 3; a float bias */
    WEIGHTED("conv1", 4, 3, 4, 3, 4, 2, 13, 5, 16),
    ONE("relu1", 4, 3),
    ONE("pool1", 4, 3),
    /* Trunc (version 1) gives no binary point: 4 / 2; acc 4 + 4 + ceil(log2(128)) = 15, binary point 2 + 2 */
    WEIGHTED("fc1", 4, 2, 8, 2, 4, 2, 15, 4, 16),
};

/* QONNX 8 bits (finn domain, bit widths from Constant nodes, IntQuant): input 2^-4, weights 2^-6 and 0.02. */
static const expected_layer qonnx_8bit[] = {
    /* acc 8 + 8 + ceil(log2(27)) = 21, binary point 6 + 4; no bias */
    WEIGHTED("conv1", 8, 4, 8, 4, 8, 6, 21, 10, 16),
    ONE("relu1", 8, 4),
    /* a 24-bit bias; nothing quantises the output; acc 8 + 8 + ceil(log2(8 x 8 x 8 = 512)) = 25 */
    WEIGHTED("fc1", 8, 4, 16, 8, 8, 4, 25, 8, 24),
};

/* BipolarQuant: 1 bit, scale 1 (binary point 0) or 0.5 (1); the BatchNormalization folds into conv1. */
static const expected_layer qonnx_bipolar[] = {
    /* acc 1 + 1 + ceil(log2(27)) = 7; the output's type past the folded BatchNormalization */
    WEIGHTED("conv1", 1, 0, 1, 0, 1, 0, 7, 0, 16),
    /* acc 1 + 1 + ceil(log2(16 x 9 = 144)) = 10, binary point 1 + 0 */
    WEIGHTED("conv2", 1, 0, 16, 8, 1, 1, 10, 1, 16),
};

/* qdq_mixed with --data-width 12 --weight-width 6: the options fill what the model leaves unquantised. */
static const expected_layer qdq_mixed_options[] = {
    /* input 12 and weight 6 from the options (binary points 6 and 3), output int16 from the model; nothing
       it reads is quantised: acc stays */
    WEIGHTED("conv1", 12, 6, 16, 4, 6, 3, 16, 8, 16),
    ONE("relu1", 16, 4),
    /* the model's input and weight, the options' output; acc 8 + 16 + 7 = 31 */
    WEIGHTED("conv2", 16, 4, 12, 6, 8, 6, 31, 10, 32),
    ONE("relu2", 12, 6),
    /* acc 8 + 12 + 7 = 27, binary point 5 + 6 */
    WEIGHTED("conv3", 12, 6, 12, 6, 8, 5, 27, 11, 16),
    ONE("gap", 12, 6),
};

#define CASE(model, opts, layers) {model, opts, layers, (int)(sizeof layers / sizeof layers[0])}

static void test_models(void)
{
    static const fcn_parse_options mixed_options = {.data_width = 12, .weight_width = 6};
    static const struct {
        const char *model;
        const fcn_parse_options *opts;
        const expected_layer *layers;
        int count;
    } cases[] = {
        CASE("qdq_int8", NULL, qdq_int8),           CASE("qdq_per_channel", NULL, qdq_per_channel),
        CASE("qdq_uint8", NULL, qdq_uint8),         CASE("qdq_mixed", NULL, qdq_mixed),
        CASE("qdq_int4", NULL, qdq_int4),           CASE("qonnx_4bit", NULL, qonnx_4bit),
        CASE("qonnx_8bit", NULL, qonnx_8bit),       CASE("qonnx_bipolar", NULL, qonnx_bipolar),
        CASE("qdq_mixed", &mixed_options, qdq_mixed_options),
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_model(cases[i].model, cases[i].opts, cases[i].layers, cases[i].count);
    fcn_network *net = parse("qonnx_bipolar.onnx", NULL);
    CHECK(net && net->partitions[0].layers[0].has_bias); /* the folded BatchNormalization's */
    fcn_network_free(net);
}

/* A float model: every layer takes the options' widths (binary points width / 2); acc_width stays. */
static void test_options_on_float(void)
{
    const fcn_parse_options opts = {.data_width = 8, .weight_width = 4};
    static const expected_layer layers[] = {
        WEIGHTED("conv1", 8, 4, 8, 4, 4, 2, 16, 8, 16),
        ONE("relu1", 8, 4),
        ONE("pool1", 8, 4),
        WEIGHTED("fc1", 8, 4, 8, 4, 4, 2, 16, 8, 16),
    };
    fcn_network *net = parse("qdq_int8.float.onnx", &opts);
    for (int i = 0; net && i < 4 && i < net->partitions[0].layer_count; i++)
        check_widths("qdq_int8.float.onnx --data-width 8 --weight-width 4", &net->partitions[0].layers[i], &layers[i]);
    CHECK_INT(net ? net->partitions[0].layer_count : -1, 4);
    fcn_network_free(net);
    const fcn_parse_options weights_only = {.weight_width = 36};
    net = parse("qdq_int8.float.onnx", &weights_only);
    CHECK(net && net->partitions[0].layers[0].weight_width == 36 && net->partitions[0].layers[0].data_width == 16);
    fcn_network_free(net);
}

/* A layer's widths, as the configuration carries them (binary points are not in it yet). */
static int same_written_widths(const fcn_layer *a, const fcn_layer *b)
{
    if (a->data_width != b->data_width)
        return 0;
    if (a->type != FCN_CONVOLUTION && a->type != FCN_INNER_PRODUCT)
        return 1;
    return a->input_width == b->input_width && a->output_width == b->output_width &&
           a->weight_width == b->weight_width && a->acc_width == b->acc_width && a->biases_width == b->biases_width;
}

/* Written and read again, every layer keeps its widths. */
static void test_config_round_trip(void)
{
    static const char *const models[] = {"qdq_uint8.onnx", "qonnx_8bit.onnx", "qdq_int4.onnx"};
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
        fcn_error err = {{0}};
        fcn_network *net = parse(models[m], NULL);
        char *json = net ? fcn_network_write_string(net, &err) : NULL;
        fcn_network *again = json ? fcn_network_read_string(json, models[m], &err) : NULL;
        CHECK(again != NULL);
        for (int i = 0; again && i < net->partitions[0].layer_count; i++) {
            int same = same_written_widths(&net->partitions[0].layers[i], &again->partitions[0].layers[i]);
            if (!same)
                fprintf(stderr, "%s: layer %d: the widths read back differ\n", models[m], i);
            CHECK(same);
        }
        free(json);
        fcn_network_free(net);
        fcn_network_free(again);
    }
}

/* Parsing the file (with `opts`) must fail with exactly `message`. */
static void expect_error(const char *file, const fcn_parse_options *opts, const char *message)
{
    char path[256];
    fcn_error err = {{0}};
    snprintf(path, sizeof path, DIR "%s", file);
    fcn_network *net = fcn_onnx_parse(path, opts, &err);
    CHECK(net == NULL);
    fcn_network_free(net);
    check_count++;
    if (strcmp(err.message, message) != 0) {
        check_failures++;
        fprintf(stderr, "%s: message\n  \"%s\", expected\n  \"%s\"\n", file, err.message, message);
    }
}

static void test_file_errors(void)
{
    expect_error("bad_qonnx_bitwidth_data.onnx", NULL,
                 DIR "bad_qonnx_bitwidth_data.onnx: node 'in_quant' (Quant): its bit width 'bits_from_data' must be a "
                     "constant (an initializer or a Constant node)");
    expect_error("bad_qonnx_bitwidth_fraction.onnx", NULL,
                 DIR "bad_qonnx_bitwidth_fraction.onnx: node 'conv1_w_quant' (Quant): its bit width "
                     "'conv1_w_quant_bits' is 2.5; a width is a whole number of bits from 1 to 36");
    expect_error("bad_qonnx_bitwidth_wide.onnx", NULL,
                 DIR "bad_qonnx_bitwidth_wide.onnx: node 'in_quant' (Quant): its bit width 'in_quant_bits' is 40; a "
                     "width is a whole number of bits from 1 to 36");
    expect_error("bad_qdq_zero_point_float.onnx", NULL,
                 DIR "bad_qdq_zero_point_float.onnx: node 'in_q' (QuantizeLinear): its zero point 'zp' has type "
                     "FLOAT; a quantised tensor is INT4, UINT4, INT8, UINT8, INT16, UINT16 or INT32");
    expect_error("bad_qdq_zero_point_float8.onnx", NULL,
                 DIR "bad_qdq_zero_point_float8.onnx: node 'conv1_w_dq' (DequantizeLinear): its zero point 'zp' has "
                     "type FLOAT8E4M3FN; a quantised tensor is INT4, UINT4, INT8, UINT8, INT16, UINT16 or INT32");
    expect_error("bad_qdq_dequantize_float.onnx", NULL,
                 DIR "bad_qdq_dequantize_float.onnx: node 'conv1_dq' (DequantizeLinear): its input 'conv1' comes "
                     "from neither a QuantizeLinear, a constant nor the network input, so nothing says what it "
                     "quantises");
    expect_error("bad_qdq_scale_data.onnx", NULL,
                 DIR "bad_qdq_scale_data.onnx: node 'in_q' (QuantizeLinear): its scale 'input' must be a constant "
                     "(an initializer or a Constant node)");
    expect_error("bad_qdq_per_channel_scale.onnx", NULL,
                 DIR "bad_qdq_per_channel_scale.onnx: node 'conv1_w_dq' (DequantizeLinear): its scale "
                     "'conv1_w_scale' has dims 7: one value per tensor, or one for each of the 8 elements of axis 0 "
                     "of its input 'conv1_w' (8x3x3x3)");
}

/* The options' widths must be ones the model's memories hold. */
static void test_option_errors(void)
{
    const fcn_parse_options wide = {.data_width = 37}, negative = {.weight_width = -1};
    expect_error("qdq_int8.onnx", &wide, DIR "qdq_int8.onnx: data width must be in 1..36 (0 keeps the default), got 37");
    expect_error("qdq_int8.onnx", &negative,
                 DIR "qdq_int8.onnx: weight width must be in 1..36 (0 keeps the default), got -1");
}

/* What --list-ops says of the quantisers. */
static void test_list_ops(void)
{
    fcn_onnx_op *ops = NULL;
    int count = 0, found = 0;
    fcn_error err = {{0}};
    CHECK(fcn_onnx_list_ops(DIR "qonnx_4bit.onnx", &ops, &count, &err) == 0);
    for (int i = 0; i < count; i++)
        if (strcmp(ops[i].op_type, "Quant") == 0 || strcmp(ops[i].op_type, "Trunc") == 0) {
            found++;
            CHECK(ops[i].supported);
            CHECK_MESSAGE(ops[i].becomes, "removed (quantiser: its type gives the layers' widths)");
        }
    CHECK_INT(found, 2);
    free(ops);
}

int main(void)
{
    test_models();
    test_options_on_float();
    test_config_round_trip();
    test_file_errors();
    test_option_errors();
    test_list_ops();
    return check_summary("test_onnx_quant");
}
