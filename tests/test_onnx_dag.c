/*
 * Branching networks from the ONNX parser, on small models built in C
 * (tests/onnx_builder.h): SPLIT insertion (a tensor read twice, Add(x, x),
 * the network input read twice, a folded BatchNormalization before a branch),
 * the ports' `inputs`, ELTWISE (Add, Mul), CONCAT's port channels, the
 * pools over the whole map, CLIP's bounds in every opset form, and the other
 * activations. Every result has passed fcn_network_check in the parser.
 */
#include <math.h>

#include "onnx_parse_util.h"

/* A layer's type and name, and each port's distance back (NULL `inputs` when `back` is NULL). */
static void check_layer(const fcn_network *net, int i, fcn_layer_type type, const char *name, int ports_in,
                        int ports_out, const int *back)
{
    const fcn_layer *l = layer_at(net, i);
    CHECK_INT(l->type, type);
    CHECK(l->name && strcmp(l->name, name) == 0);
    if (l->name && strcmp(l->name, name) != 0)
        fprintf(stderr, "  layer %d is '%s', expected '%s'\n", i, l->name, name);
    CHECK_INT(l->ports_in, ports_in);
    CHECK_INT(l->ports_out, ports_out);
    CHECK((back == NULL) == (l->inputs == NULL));
    for (int p = 0; back && l->inputs && p < ports_in; p++)
        CHECK_INT(l->inputs[p], back[p]);
}

#define BACK(...) ((const int[]){__VA_ARGS__})

/* x -> conv -> c; c -> relu1, c -> relu2; Add(relu1, relu2): c gets a SPLIT with two outputs. */
static void tensor_read_twice(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    ob_init(&b, 13);
    ob_input(&b, "x", 4, OB_DIMS(1, 3, 8, 8));
    ob_conv(&b, "conv", "x", "c", 4, 3, 3, 1);
    ob_node(&b, "Relu", "relu1", OB_LIST("c"), OB_LIST("r1"));
    ob_node(&b, "Relu", "relu2", OB_LIST("c"), OB_LIST("r2"));
    ob_node(&b, "Add", "add", OB_LIST("r1", "r2"), OB_LIST("y"));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 5);
    check_layer(net, 0, FCN_CONVOLUTION, "conv", 1, 1, NULL);
    check_layer(net, 1, FCN_SPLIT, "conv_split", 1, 2, NULL);
    check_layer(net, 2, FCN_RELU, "relu1", 1, 1, NULL);
    check_layer(net, 3, FCN_RELU, "relu2", 1, 1, BACK(2));
    check_layer(net, 4, FCN_ELTWISE, "add", 2, 1, BACK(2, 1));
    const fcn_layer *split = layer_at(net, 1), *add = layer_at(net, 4);
    CHECK(split->rows == 6 && split->cols == 6 && split->channels == 4);
    CHECK(add->rows == 6 && add->cols == 6 && add->channels == 4 && add->eltwise_mul == 0);
    CHECK(net && strcmp(net->partitions[0].input_node, "conv") == 0 &&
          strcmp(net->partitions[0].output_node, "add") == 0);
    fcn_network_free(net);

    /* A name that is taken gets a suffix; a Mul is a product. */
    b.graph.node[1]->name = ob_str(&b, "conv_split");
    b.graph.node[3]->op_type = ob_str(&b, "Mul");
    net = parse_built(&b, NULL, &err);
    check_layer(net, 1, FCN_SPLIT, "conv_split", 1, 2, NULL);
    check_layer(net, 2, FCN_RELU, "conv_split_1", 1, 1, NULL);
    CHECK_INT(layer_at(net, 4)->eltwise_mul, 1);
    fcn_network_free(net);
    ob_free(&b);
}

/* Add(r, r) reads one tensor on two ports: two readers, one SPLIT. */
static void add_to_itself(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    ob_init(&b, 13);
    ob_input(&b, "x", 4, OB_DIMS(1, 3, 8, 8));
    ob_node(&b, "Relu", "relu", OB_LIST("x"), OB_LIST("r"));
    ob_node(&b, "Add", "double", OB_LIST("r", "r"), OB_LIST("y"));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 3);
    check_layer(net, 0, FCN_RELU, "relu", 1, 1, NULL);
    check_layer(net, 1, FCN_SPLIT, "relu_split", 1, 2, NULL);
    check_layer(net, 2, FCN_ELTWISE, "double", 2, 1, BACK(1, 1));
    fcn_network_free(net);
    ob_free(&b);
}

/*
 * The network input read by two layers: "input_split" comes first. Concat
 * joins a 4- and a 6-channel map; the inner product after a Flatten of a
 * branch's pool, through shape-only operators, reads it as a vector.
 */
static void input_read_twice(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    ob_init(&b, 13);
    ob_input(&b, "x", 4, OB_DIMS(-1, 3, 8, 8));
    ob_conv(&b, "a", "x", "ca", 4, 3, 1, 0);
    ob_conv(&b, "b", "x", "cb", 6, 3, 1, 0);
    Onnx__NodeProto *cat = ob_node(&b, "Concat", "cat", OB_LIST("ca", "cb"), OB_LIST("k"));
    ob_attr_int(&b, cat, "axis", -3);
    ob_node(&b, "GlobalMaxPool", "gmp", OB_LIST("k"), OB_LIST("p"));
    ob_node(&b, "Flatten", "flat", OB_LIST("p"), OB_LIST("f"));
    ob_gemm(&b, "fc", "f", "y", 2, 10);
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 6);
    check_layer(net, 0, FCN_SPLIT, "input_split", 1, 2, NULL);
    check_layer(net, 1, FCN_CONVOLUTION, "a", 1, 1, NULL);
    check_layer(net, 2, FCN_CONVOLUTION, "b", 1, 1, BACK(2));
    check_layer(net, 3, FCN_CONCAT, "cat", 2, 1, BACK(2, 1));
    check_layer(net, 4, FCN_POOLING, "gmp", 1, 1, NULL);
    check_layer(net, 5, FCN_INNER_PRODUCT, "fc", 1, 1, NULL);
    const fcn_layer *split = layer_at(net, 0), *concat = layer_at(net, 3), *pool = layer_at(net, 4);
    CHECK(split->rows == 8 && split->cols == 8 && split->channels == 3);
    CHECK_INT(concat->channels, 10);
    CHECK(concat->port_channels && concat->port_channels[0] == 4 && concat->port_channels[1] == 6);
    CHECK(pool->kernel[0] == 8 && pool->kernel[1] == 8 && pool->channels == 10);
    CHECK(layer_at(net, 5)->rows == 1 && layer_at(net, 5)->channels == 10);
    fcn_network_free(net);

    ob_free(&b);
}

/*
 * x -> conv -> bn (folded) -> relu; Add(skip, relu). With skip = x, a
 * residual block around the folded BatchNormalization; with skip = the BN's
 * output, the SPLIT follows the Conv that took the BN.
 */
static void folded_batch_norm(const char *skip)
{
    onnx_builder b;
    fcn_error err = {{0}};
    ob_init(&b, 13);
    ob_input(&b, "x", 4, OB_DIMS(1, 4, 8, 8));
    Onnx__NodeProto *conv = ob_conv(&b, "conv", "x", "c", 4, 4, 3, 0);
    ob_attr_ints(&b, conv, "pads", 4, OB_DIMS(1, 1, 1, 1));
    const char *params[] = {"bn.scale", "bn.B", "bn.mean", "bn.var"};
    for (int i = 0; i < 4; i++)
        ob_weight(&b, params[i], 1, OB_DIMS(4));
    ob_node(&b, "BatchNormalization", "bn", OB_LIST("c", "bn.scale", "bn.B", "bn.mean", "bn.var"), OB_LIST("n"));
    ob_node(&b, "Relu", "relu", OB_LIST("n"), OB_LIST("r"));
    ob_node(&b, "Add", "add", OB_LIST(skip, "r"), OB_LIST("y"));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    int from_input = strcmp(skip, "x") == 0, at = from_input ? 1 : 0;
    CHECK_INT(layer_count(net), 4);
    check_layer(net, from_input ? 0 : 1, FCN_SPLIT, from_input ? "input_split" : "conv_split", 1, 2, NULL);
    check_layer(net, at, FCN_CONVOLUTION, "conv", 1, 1, NULL);
    check_layer(net, 2, FCN_RELU, "relu", 1, 1, NULL);
    check_layer(net, 3, FCN_ELTWISE, "add", 2, 1, from_input ? BACK(3, 1) : BACK(2, 1));
    CHECK_INT(layer_at(net, at)->has_bias, 1);
    CHECK(layer_at(net, at)->bias_path && strcmp(layer_at(net, at)->bias_path, "bn.B") == 0);
    fcn_network_free(net);
    ob_free(&b);
}

/* GlobalAveragePool and an AveragePool over the whole map become AVERAGE_POOLING (1x1 out); a 1x1 one POOLING. */
static void average_pools(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    ob_init(&b, 13);
    ob_input(&b, "x", 4, OB_DIMS(1, 5, 6, 7));
    Onnx__NodeProto *one = ob_node(&b, "AveragePool", "one", OB_LIST("x"), OB_LIST("o"));
    ob_attr_ints(&b, one, "kernel_shape", 2, OB_DIMS(1, 1));
    ob_attr_ints(&b, one, "strides", 2, OB_DIMS(2, 2));
    Onnx__NodeProto *whole = ob_node(&b, "AveragePool", "whole", OB_LIST("o"), OB_LIST("w"));
    ob_attr_ints(&b, whole, "kernel_shape", 2, OB_DIMS(3, 4));
    ob_node(&b, "GlobalAveragePool", "gap", OB_LIST("w"), OB_LIST("y"));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 3);
    check_layer(net, 0, FCN_POOLING, "one", 1, 1, NULL);
    check_layer(net, 1, FCN_AVERAGE_POOLING, "whole", 1, 1, NULL);
    check_layer(net, 2, FCN_AVERAGE_POOLING, "gap", 1, 1, NULL);
    const fcn_layer *pool = layer_at(net, 0), *avg = layer_at(net, 1);
    CHECK(pool->kernel[0] == 1 && pool->stride[0] == 2);
    CHECK(avg->rows == 3 && avg->cols == 4 && avg->channels == 5);
    fcn_layer_figures f;
    fcn_layer_evaluate(avg, &f);
    CHECK(f.rows_out == 1 && f.cols_out == 1 && f.channels_out == 5);
    fcn_network_free(net);
    ob_free(&b);
}

/* A FLOAT scalar initializer. */
static void float_scalar(onnx_builder *b, const char *name, float value)
{
    Onnx__TensorProto *t = ob_tensor(b, name, 0, NULL);
    OB_PUSH(b, t->float_data, t->n_float_data, value);
    OB_PUSH(b, b->graph.initializer, b->graph.n_initializer, t);
}

/* A DOUBLE one-element initializer in raw_data (little-endian). */
static void double_raw(onnx_builder *b, const char *name, double value)
{
    Onnx__TensorProto *t = ob_tensor(b, name, 1, OB_DIMS(1));
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    uint8_t *raw = ob_alloc(b, 8);
    for (int i = 0; i < 8; i++)
        raw[i] = (uint8_t)(bits >> (8 * i));
    t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE;
    t->has_raw_data = 1;
    t->raw_data.len = 8;
    t->raw_data.data = raw;
    OB_PUSH(b, b->graph.initializer, b->graph.n_initializer, t);
}

static void check_clip(const fcn_network *net, int i, double min, double max)
{
    const fcn_layer *l = layer_at(net, i);
    CHECK_INT(l->type, FCN_CLIP);
    CHECK(l->clip_min == min && l->clip_max == max);
    if (l->clip_min != min || l->clip_max != max)
        fprintf(stderr, "  clip %d is [%g, %g], expected [%g, %g]\n", i, l->clip_min, l->clip_max, min, max);
}

/* Clip's bounds: inputs (a Constant's value_float, FLOAT and raw DOUBLE initializers, omitted), or attributes. */
static void clip_bounds(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    ob_init(&b, 13);
    ob_input(&b, "x", 4, OB_DIMS(1, 2, 4, 4));
    Onnx__NodeProto *zero = ob_node(&b, "Constant", "zero", NULL, OB_LIST("zero"));
    ob_attr_float(&b, zero, "value_float", 0.0f);
    float_scalar(&b, "six", 6.0f);
    double_raw(&b, "low", -1.5);
    ob_node(&b, "Clip", "relu6", OB_LIST("x", "zero", "six"), OB_LIST("a"));
    ob_node(&b, "Clip", "above", OB_LIST("a", "low"), OB_LIST("c"));
    ob_node(&b, "Clip", "below", OB_LIST("c", "", "six"), OB_LIST("d"));
    ob_node(&b, "Clip", "none", OB_LIST("d"), OB_LIST("y"));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 4);
    check_clip(net, 0, 0.0, 6.0);
    check_clip(net, 1, -1.5, INFINITY);
    check_clip(net, 2, -INFINITY, 6.0);
    check_clip(net, 3, -INFINITY, INFINITY);
    fcn_network_free(net);
    ob_free(&b);

    ob_init(&b, 7);
    ob_input(&b, "x", 4, OB_DIMS(1, 2, 4, 4));
    Onnx__NodeProto *clip = ob_node(&b, "Clip", "relu6", OB_LIST("x"), OB_LIST("a"));
    ob_attr_float(&b, clip, "min", 0.0f);
    ob_attr_float(&b, clip, "max", 6.0f);
    clip = ob_node(&b, "Clip", "floor", OB_LIST("a"), OB_LIST("y"));
    ob_attr_float(&b, clip, "min", -2.0f);
    ob_output(&b, "y");
    net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 2);
    check_clip(net, 0, 0.0, 6.0);
    check_clip(net, 1, -2.0, INFINITY);
    fcn_network_free(net);
    ob_free(&b);
}

/* The activations beyond ReLU keep their input's dims, after a map and after a vector. */
static void activations(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    ob_init(&b, 14);
    ob_input(&b, "x", 4, OB_DIMS(1, 3, 4, 5));
    ob_node(&b, "Sigmoid", "sig", OB_LIST("x"), OB_LIST("s"));
    ob_node(&b, "HardSigmoid", "hsig", OB_LIST("s"), OB_LIST("h"));
    ob_node(&b, "HardSwish", "hswish", OB_LIST("h"), OB_LIST("w"));
    ob_node(&b, "Flatten", "flat", OB_LIST("w"), OB_LIST("f"));
    ob_gemm(&b, "fc", "f", "g", 7, 60);
    ob_node(&b, "Sigmoid", "out", OB_LIST("g"), OB_LIST("y"));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 5);
    const fcn_layer_type types[] = {FCN_SIGMOID, FCN_HARD_SIGMOID, FCN_HARD_SWISH, FCN_INNER_PRODUCT, FCN_SIGMOID};
    for (int i = 0; i < 5; i++)
        CHECK_INT(layer_at(net, i)->type, types[i]);
    const fcn_layer *hswish = layer_at(net, 2), *out = layer_at(net, 4);
    CHECK(hswish->rows == 4 && hswish->cols == 5 && hswish->channels == 3);
    CHECK(out->rows == 1 && out->cols == 1 && out->channels == 7);
    fcn_network_free(net);
    ob_free(&b);
}

int main(void)
{
    tensor_read_twice();
    add_to_itself();
    input_read_twice();
    folded_batch_norm("x");
    folded_batch_norm("n");
    average_pools();
    clip_bounds();
    activations();
    return check_summary("test_onnx_dag");
}
