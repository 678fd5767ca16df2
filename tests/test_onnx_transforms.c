/*
 * The ONNX parser's transformations and operators on small models built in C
 * (tests/onnx_builder.h): BatchNormalization folding (and --no-fuse-bn),
 * MatMul+Add, shape-only operators, Transpose, ceil_mode, auto_pad, Reshape
 * by a Constant, Softmax at the tail, nodes out of order, names, opsets.
 */
#include "onnx_parse_util.h"

static int same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

#define CHECK_OUT(layer, r, c, ch)                                                    \
    do {                                                                              \
        fcn_layer_figures f_;                                                         \
        if ((layer)->rows > 0)                                                        \
            fcn_layer_evaluate((layer), &f_);                                         \
        else                                                                          \
            memset(&f_, 0, sizeof f_);                                                \
        CHECK_INT(f_.rows_out, r);                                                    \
        CHECK_INT(f_.cols_out, c);                                                    \
        CHECK_INT(f_.channels_out, ch);                                               \
    } while (0)

/* input (N x 3 x 8 x 8) -> Conv 4 3x3 -> BatchNormalization -> Relu */
static void build_conv_bn_relu(onnx_builder *b, int conv_bias)
{
    ob_init(b, 11);
    ob_input(b, "x", 4, OB_DIMS(-1, 3, 8, 8));
    ob_conv(b, "conv", "x", "c", 4, 3, 3, conv_bias);
    const char *params[] = {"bn.scale", "bn.B", "bn.mean", "bn.var"};
    for (int i = 0; i < 4; i++)
        ob_weight(b, params[i], 1, OB_DIMS(4));
    ob_node(b, "BatchNormalization", "bn", OB_LIST("c", "bn.scale", "bn.B", "bn.mean", "bn.var"), OB_LIST("n"));
    ob_node(b, "Relu", "relu", OB_LIST("n"), OB_LIST("y"));
    ob_output(b, "y");
}

static void batch_norm_folding(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    build_conv_bn_relu(&b, 0);
    fcn_network *folded = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(folded), 2);
    CHECK_INT(layer_at(folded, 0)->type, FCN_CONVOLUTION);
    CHECK_INT(layer_at(folded, 0)->has_bias, 1);
    CHECK(same(layer_at(folded, 0)->weights_path, "conv.weight"));
    CHECK(same(layer_at(folded, 0)->bias_path, "bn.B"));
    CHECK_INT(layer_at(folded, 1)->type, FCN_RELU);
    CHECK_DIMS(layer_at(folded, 1), 6, 6, 4);

    fcn_parse_options keep = {.batch_size = 0, .keep_batch_norm = 1};
    fcn_network *kept = parse_built(&b, &keep, &err);
    CHECK_INT(layer_count(kept), 3);
    CHECK_INT(layer_at(kept, 0)->has_bias, 0);
    CHECK(layer_at(kept, 0)->bias_path == NULL);
    CHECK_INT(layer_at(kept, 1)->type, FCN_BATCH_NORM);
    CHECK(same(layer_at(kept, 1)->name, "bn"));
    CHECK_DIMS(layer_at(kept, 1), 6, 6, 4);
    CHECK_INT(layer_at(kept, 2)->type, FCN_RELU);
    ob_free(&b);
    fcn_network_free(folded);
    fcn_network_free(kept);

    /* A Conv with its own bias keeps that bias tensor's name. */
    build_conv_bn_relu(&b, 1);
    folded = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(folded), 2);
    CHECK(same(layer_at(folded, 0)->bias_path, "conv.bias"));
    ob_free(&b);
    fcn_network_free(folded);

    /* A BatchNormalization that follows no Conv stays a layer. */
    ob_init(&b, 11);
    ob_input(&b, "x", 4, OB_DIMS(1, 3, 8, 8));
    const char *params[] = {"s", "bias", "m", "v"};
    for (int i = 0; i < 4; i++)
        ob_weight(&b, params[i], 1, OB_DIMS(3));
    ob_node(&b, "BatchNormalization", "bn", OB_LIST("x", "s", "bias", "m", "v"), OB_LIST("n"));
    ob_conv(&b, "conv", "n", "y", 4, 3, 3, 1);
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 2);
    CHECK_INT(layer_at(net, 0)->type, FCN_BATCH_NORM);
    CHECK_DIMS(layer_at(net, 0), 8, 8, 3);
    ob_free(&b);
    fcn_network_free(net);
}

/* x (1 x 64) -> MatMul W (64 x 10) -> Add b (10): one inner product with a bias. */
static void matmul_add(void)
{
    for (int swapped = 0; swapped < 3; swapped++) {
        onnx_builder b;
        fcn_error err = {{0}};
        ob_init(&b, 13);
        ob_input(&b, "x", 2, OB_DIMS(1, 64));
        ob_weight(&b, "W", 2, OB_DIMS(64, 10));
        ob_weight(&b, "b", 1, OB_DIMS(10));
        ob_node(&b, "MatMul", "fc", OB_LIST("x", "W"), OB_LIST("m"));
        if (swapped == 2) { /* no Add: no bias */
            ob_output(&b, "m");
        } else {
            ob_node(&b, "Add", "fc_bias", swapped ? OB_LIST("b", "m") : OB_LIST("m", "b"), OB_LIST("y"));
            ob_output(&b, "y");
        }
        fcn_network *net = parse_built(&b, NULL, &err);
        CHECK_INT(layer_count(net), 1);
        const fcn_layer *l = layer_at(net, 0);
        CHECK_INT(l->type, FCN_INNER_PRODUCT);
        CHECK_DIMS(l, 1, 1, 64);
        CHECK_INT(l->filters, 10);
        CHECK_INT(l->has_bias, swapped != 2);
        CHECK(same(l->weights_path, "W"));
        CHECK(swapped == 2 ? l->bias_path == NULL : same(l->bias_path, "b"));
        CHECK(same(l->name, "fc"));
        ob_free(&b);
        fcn_network_free(net);
    }
}

/* A Transpose that only moves dims of size 1 is dropped; one that reorders data is an error. */
static void transpose(void)
{
    for (int reorders = 0; reorders < 2; reorders++) {
        onnx_builder b;
        fcn_error err = {{0}};
        ob_init(&b, 11);
        ob_input(&b, "x", 4, reorders ? OB_DIMS(1, 8, 4, 4) : OB_DIMS(1, 8, 1, 1));
        Onnx__NodeProto *t = ob_node(&b, "Transpose", "t", OB_LIST("x"), OB_LIST("t_out"));
        ob_attr_ints(&b, t, "perm", 4, OB_DIMS(0, 2, 3, 1));
        ob_node(&b, "Flatten", "flat", OB_LIST("t_out"), OB_LIST("f"));
        ob_gemm(&b, "fc", "f", "y", 10, reorders ? 128 : 8);
        ob_output(&b, "y");
        size_t size;
        uint8_t *bytes = ob_pack(&b, &size);
        fcn_network *net = fcn_onnx_parse_buffer(bytes, size, "t.onnx", NULL, &err);
        free(bytes);
        if (reorders) {
            CHECK(net == NULL);
            CHECK_MESSAGE(err.message, "t.onnx: node 't' (Transpose): transposing 1x8x4x4 reorders the streamed data");
        } else {
            /* The same stream, now an NCHW 1x1x1x8 map: one row of 8 pixels of 1 channel. */
            CHECK_INT(layer_count(net), 1);
            CHECK_DIMS(layer_at(net, 0), 1, 8, 1);
        }
        ob_free(&b);
        fcn_network_free(net);
    }
}

/* MaxPool k x k, stride s, on an n x n map with pads p: the layer's output and its bottom/right pads. */
static void pool_case(int64_t n, int64_t k, int64_t s, int64_t p, int ceil_mode, int64_t out, int64_t extra)
{
    onnx_builder b;
    fcn_error err = {{0}};
    ob_init(&b, 11);
    ob_input(&b, "x", 4, OB_DIMS(1, 2, n, n));
    Onnx__NodeProto *pool = ob_node(&b, "MaxPool", "pool", OB_LIST("x"), OB_LIST("y"));
    ob_attr_ints(&b, pool, "kernel_shape", 2, OB_DIMS(k, k));
    ob_attr_ints(&b, pool, "strides", 2, OB_DIMS(s, s));
    ob_attr_ints(&b, pool, "pads", 4, OB_DIMS(p, p, p, p));
    ob_attr_int(&b, pool, "ceil_mode", ceil_mode);
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    const fcn_layer *l = layer_at(net, 0);
    CHECK_INT(l->type, FCN_POOLING);
    CHECK_OUT(l, out, out, 2);
    CHECK_INT(l->pad_top, p);
    CHECK_INT(l->pad_left, p);
    CHECK_INT(l->pad_bottom, p + extra);
    CHECK_INT(l->pad_right, p + extra);
    ob_free(&b);
    fcn_network_free(net);
}

static void ceil_mode(void)
{
    pool_case(6, 3, 2, 0, 0, 2, 0); /* floor((6-3)/2)+1 */
    pool_case(6, 3, 2, 0, 1, 3, 1); /* ceil: one more window, one more row of padding */
    pool_case(5, 2, 2, 1, 1, 3, 0); /* ceil would start a window in the padding: ONNX drops it */
    pool_case(112, 3, 2, 0, 1, 56, 1);
}

/* Conv k x k with stride s on an n x n map under an auto_pad mode. */
static void auto_pad_case(const char *mode, int64_t n, int64_t k, int64_t s, int64_t out, int64_t top,
                          int64_t bottom)
{
    onnx_builder b;
    fcn_error err = {{0}};
    ob_init(&b, 11);
    ob_input(&b, "x", 4, OB_DIMS(1, 1, n, n));
    Onnx__NodeProto *conv = ob_conv(&b, "conv", "x", "y", 2, 1, k, 0);
    ob_attr_ints(&b, conv, "strides", 2, OB_DIMS(s, s));
    ob_attr_string(&b, conv, "auto_pad", mode);
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    const fcn_layer *l = layer_at(net, 0);
    CHECK_OUT(l, out, out, 2);
    CHECK_INT(l->pad_top, top);
    CHECK_INT(l->pad_left, top);
    CHECK_INT(l->pad_bottom, bottom);
    CHECK_INT(l->pad_right, bottom);
    ob_free(&b);
    fcn_network_free(net);
}

static void auto_pad(void)
{
    auto_pad_case("SAME_UPPER", 7, 3, 2, 4, 1, 1);
    auto_pad_case("SAME_UPPER", 5, 2, 1, 5, 0, 1);
    auto_pad_case("SAME_LOWER", 5, 2, 1, 5, 1, 0);
    auto_pad_case("VALID", 5, 3, 1, 3, 0, 0);
    auto_pad_case("NOTSET", 5, 3, 1, 3, 0, 0);
}

/* Conv -> Reshape (shape from a Constant node, or an initializer) -> Gemm: the Gemm sees the conv's map. */
static void reshape(void)
{
    const int64_t shapes[][2] = {{1, -1}, {0, -1}, {-1, 128}};
    for (int i = 0; i < 3; i++) {
        onnx_builder b;
        fcn_error err = {{0}};
        ob_init(&b, 13);
        ob_input(&b, "x", 4, OB_DIMS(1, 4, 4, 4));
        ob_conv(&b, "conv", "x", "c", 8, 4, 1, 1);
        if (i == 1)
            ob_ints_initializer(&b, "shape", 2, shapes[i]);
        else
            ob_constant_ints(&b, "shape", 2, shapes[i]);
        ob_node(&b, "Reshape", "reshape", OB_LIST("c", "shape"), OB_LIST("r"));
        ob_gemm(&b, "fc", "r", "y", 10, 128);
        ob_output(&b, "y");
        fcn_network *net = parse_built(&b, NULL, &err);
        CHECK_INT(layer_count(net), 2);
        CHECK_INT(layer_at(net, 1)->type, FCN_INNER_PRODUCT);
        CHECK_DIMS(layer_at(net, 1), 4, 4, 8);
        CHECK_OUT(layer_at(net, 1), 1, 1, 10);
        ob_free(&b);
        fcn_network_free(net);
    }
}

/*
 * A Reshape that regroups or reorders the streamed map is dropped where the
 * layer chain allows it: before an inner product (which keeps the dims
 * streamed into the Reshape), before the first layer (which takes the new
 * dims), and at the end. Elsewhere it is an error (test_onnx_errors.c).
 */
static void reshape_streams(void)
{
    const int64_t targets[][4] = {{1, 8, 2, 8}, {1, 16, 2, 4}, {1, 1, 1, 128}};
    for (int i = 0; i < 4; i++) {
        onnx_builder b;
        fcn_error err = {{0}};
        ob_init(&b, 13);
        ob_input(&b, "x", 4, OB_DIMS(1, 4, 4, 4));
        ob_conv(&b, "conv", "x", "c", 8, 4, 1, 1);
        ob_ints_initializer(&b, "shape", 4, targets[i < 3 ? i : 0]);
        ob_node(&b, "Reshape", "reshape", OB_LIST("c", "shape"), OB_LIST("r"));
        if (i < 2) { /* regrouped, reordered: then flattened for a Gemm */
            ob_node(&b, "Flatten", "flat", OB_LIST("r"), OB_LIST("f"));
            ob_gemm(&b, "fc", "f", "y", 10, 128);
        } else if (i == 2) { /* straight into a MatMul */
            ob_weight(&b, "fc.weight", 2, OB_DIMS(128, 10));
            ob_node(&b, "MatMul", "fc", OB_LIST("r", "fc.weight"), OB_LIST("y"));
        }
        ob_output(&b, i < 3 ? "y" : "r"); /* or regrouped at the end */
        fcn_network *net = parse_built(&b, NULL, &err);
        CHECK_INT(layer_count(net), i < 3 ? 2 : 1);
        if (i < 3) {
            CHECK_INT(layer_at(net, 1)->type, FCN_INNER_PRODUCT);
            CHECK_DIMS(layer_at(net, 1), 4, 4, 8);
            CHECK_OUT(layer_at(net, 1), 1, 1, 10);
        }
        ob_free(&b);
        fcn_network_free(net);
    }

    onnx_builder b;
    fcn_error err = {{0}};
    ob_init(&b, 13);
    ob_input(&b, "x", 4, OB_DIMS(1, 8, 4, 4));
    ob_ints_initializer(&b, "shape", 4, OB_DIMS(1, 8, 2, 8));
    ob_node(&b, "Reshape", "reshape", OB_LIST("x", "shape"), OB_LIST("r"));
    Onnx__NodeProto *pool = ob_node(&b, "MaxPool", "pool", OB_LIST("r"), OB_LIST("y"));
    ob_attr_ints(&b, pool, "kernel_shape", 2, OB_DIMS(2, 2));
    ob_attr_ints(&b, pool, "strides", 2, OB_DIMS(2, 2));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 1);
    CHECK_DIMS(layer_at(net, 0), 2, 8, 8);
    CHECK_OUT(layer_at(net, 0), 1, 4, 8);
    ob_free(&b);
    fcn_network_free(net);
}

/* Softmax and LRN are dropped at the end, after shape-only operators too. */
static void tail(void)
{
    const char *ops[] = {"Softmax", "LRN"};
    for (int i = 0; i < 2; i++) {
        onnx_builder b;
        fcn_error err = {{0}};
        ob_init(&b, 11);
        ob_input(&b, "x", 2, OB_DIMS(1, 16));
        ob_gemm(&b, "fc", "x", "g", 10, 16);
        ob_node(&b, ops[i], "end", OB_LIST("g"), OB_LIST("s"));
        ob_node(&b, "Identity", "copy", OB_LIST("s"), OB_LIST("y"));
        ob_output(&b, "y");
        fcn_network *net = parse_built(&b, NULL, &err);
        CHECK_INT(layer_count(net), 1);
        CHECK(same(net ? net->partitions[0].output_node : NULL, "fc"));
        ob_free(&b);
        fcn_network_free(net);
    }
}

/* A lenet-like chain, its nodes listed in order or reversed. */
static void build_chain(onnx_builder *b, int reversed)
{
    ob_init(b, 11);
    ob_input(b, "input", 4, OB_DIMS(1, 1, 12, 12));
    ob_output(b, "output");
    ob_weight(b, "w1", 4, OB_DIMS(4, 1, 3, 3));
    ob_weight(b, "w2", 2, OB_DIMS(10, 100));
    const char *nodes[][4] = {
        {"Conv", "conv", "input", "c"}, {"Relu", "relu", "c", "r"}, {"MaxPool", "pool", "r", "p"},
        {"Flatten", "flat", "p", "f"},  {"Gemm", "fc", "f", "output"},
    };
    for (int k = 0; k < 5; k++) {
        int i = reversed ? 4 - k : k;
        const char *second = i == 0 ? "w1" : i == 4 ? "w2" : NULL;
        Onnx__NodeProto *n = second ? ob_node(b, nodes[i][0], nodes[i][1], OB_LIST(nodes[i][2], second),
                                              OB_LIST(nodes[i][3]))
                                    : ob_node(b, nodes[i][0], nodes[i][1], OB_LIST(nodes[i][2]), OB_LIST(nodes[i][3]));
        if (i == 2)
            ob_attr_ints(b, n, "kernel_shape", 2, OB_DIMS(2, 2));
        if (i == 2)
            ob_attr_ints(b, n, "strides", 2, OB_DIMS(2, 2));
        if (i == 4)
            ob_attr_int(b, n, "transB", 1);
    }
}

static void out_of_order(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    fcn_network *nets[2];
    for (int reversed = 0; reversed < 2; reversed++) {
        build_chain(&b, reversed);
        nets[reversed] = parse_built(&b, NULL, &err);
        ob_free(&b);
    }
    CHECK_INT(layer_count(nets[0]), 4);
    CHECK_INT(layer_count(nets[1]), 4);
    const char *names[] = {"conv", "relu", "pool", "fc"};
    for (int i = 0; i < 4; i++) {
        CHECK(same(layer_at(nets[1], i)->name, names[i]));
        CHECK_INT(layer_at(nets[1], i)->type, layer_at(nets[0], i)->type);
        CHECK_INT(layer_at(nets[1], i)->channels, layer_at(nets[0], i)->channels);
    }
    CHECK_DIMS(layer_at(nets[1], 3), 5, 5, 4);
    CHECK_INT(layer_at(nets[1], 3)->has_bias, 0);
    fcn_network_free(nets[0]);
    fcn_network_free(nets[1]);
}

/* Names: the node's, else its output's; made identifiers; a leading digit gets the op type; unique. */
static void names(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    ob_init(&b, 11);
    ob_input(&b, "input", 4, OB_DIMS(1, 2, 4, 4));
    ob_node(&b, "Relu", "input", OB_LIST("input"), OB_LIST("a"));
    ob_node(&b, "Relu", NULL, OB_LIST("a"), OB_LIST("relu.out/1"));
    ob_node(&b, "Relu", "12", OB_LIST("relu.out/1"), OB_LIST("c"));
    ob_node(&b, "Relu", "x-y", OB_LIST("c"), OB_LIST("d"));
    ob_node(&b, "Relu", "x.y", OB_LIST("d"), OB_LIST("e"));
    ob_node(&b, "Relu", "x_y", OB_LIST("e"), OB_LIST("f"));
    ob_conv(&b, "34", "f", "output", 2, 2, 1, 0);
    ob_node(&b, "Identity", "output", OB_LIST("output"), OB_LIST("g"));
    ob_node(&b, "Relu", "output", OB_LIST("g"), OB_LIST("h"));
    ob_output(&b, "h");
    fcn_network *net = parse_built(&b, NULL, &err);
    const char *expected[] = {"input", "relu_out_1", "relu_12", "x_y", "x_y_1", "x_y_2", "conv_34", "output"};
    CHECK_INT(layer_count(net), 8);
    for (int i = 0; i < 8; i++)
        CHECK(same(layer_at(net, i)->name, expected[i]));
    CHECK(same(net ? net->partitions[0].input_node : NULL, "input"));
    CHECK(same(net ? net->partitions[0].output_node : NULL, "output"));
    char *json = net ? fcn_network_write_string(net, &err) : NULL;
    CHECK(json && strstr(json, "\"weights_path\": \"34.weight\""));
    free(json);
    ob_free(&b);
    fcn_network_free(net);

    /* Tensor names become paths as they are, UTF-8 beyond ASCII too. */
    ob_init(&b, 11);
    ob_input(&b, "x", 4, OB_DIMS(1, 2, 4, 4));
    ob_weight(&b, "poids.\xc3\xa9t\xc3\xa9", 4, OB_DIMS(2, 2, 1, 1));
    ob_node(&b, "Conv", "conv", OB_LIST("x", "poids.\xc3\xa9t\xc3\xa9"), OB_LIST("y"));
    ob_output(&b, "y");
    net = parse_built(&b, NULL, &err);
    CHECK(same(layer_at(net, 0)->weights_path, "poids.\xc3\xa9t\xc3\xa9"));
    json = net ? fcn_network_write_string(net, &err) : NULL;
    CHECK(json && strstr(json, "\"weights_path\": \"poids.\xc3\xa9t\xc3\xa9\""));
    free(json);
    ob_free(&b);
    fcn_network_free(net);
}

/* GlobalAveragePool -> Squeeze -> Unsqueeze -> Squeeze -> Gemm, with axes as attributes (opset 11) or inputs
 * (opset 13); Dropout, Cast and Identity are dropped too. */
static void squeeze_opsets(void)
{
    for (int64_t opset = 11; opset <= 13; opset += 2) {
        onnx_builder b;
        fcn_error err = {{0}};
        ob_init(&b, opset);
        ob_input(&b, "x", 4, OB_DIMS(-1, 16, 5, 7));
        ob_node(&b, "GlobalAveragePool", "gap", OB_LIST("x"), OB_LIST("g"));
        Onnx__NodeProto *sq, *unsq;
        if (opset >= 13) {
            ob_ints_initializer(&b, "axes23", 2, OB_DIMS(2, 3));
            ob_ints_initializer(&b, "axes0", 1, OB_DIMS(-1));
            sq = ob_node(&b, "Squeeze", "sq", OB_LIST("g", "axes23"), OB_LIST("s"));
            unsq = ob_node(&b, "Unsqueeze", "unsq", OB_LIST("s", "axes0"), OB_LIST("u"));
            ob_node(&b, "Squeeze", "sq2", OB_LIST("u", "axes0"), OB_LIST("s2"));
        } else {
            sq = ob_node(&b, "Squeeze", "sq", OB_LIST("g"), OB_LIST("s"));
            ob_attr_ints(&b, sq, "axes", 2, OB_DIMS(2, 3));
            unsq = ob_node(&b, "Unsqueeze", "unsq", OB_LIST("s"), OB_LIST("u"));
            ob_attr_ints(&b, unsq, "axes", 1, OB_DIMS(-1));
            Onnx__NodeProto *sq2 = ob_node(&b, "Squeeze", "sq2", OB_LIST("u"), OB_LIST("s2"));
            ob_attr_ints(&b, sq2, "axes", 1, OB_DIMS(2));
        }
        ob_node(&b, "Dropout", "drop", OB_LIST("s2"), OB_LIST("d"));
        ob_node(&b, "Cast", "cast", OB_LIST("d"), OB_LIST("k"));
        ob_node(&b, "Identity", "id", OB_LIST("k"), OB_LIST("i"));
        ob_gemm(&b, "fc", "i", "y", 3, 16);
        ob_output(&b, "y");
        fcn_network *net = parse_built(&b, NULL, &err);
        CHECK_INT(layer_count(net), 2);
        const fcn_layer *pool = layer_at(net, 0);
        CHECK_INT(pool->type, FCN_AVERAGE_POOLING);
        CHECK_DIMS(pool, 5, 7, 16);
        CHECK_OUT(pool, 1, 1, 16);
        CHECK_DIMS(layer_at(net, 1), 1, 1, 16);
        ob_free(&b);
        fcn_network_free(net);
    }
}

/* An NK input, the batch size option, a depthwise Conv, an AveragePool, value_info that agrees, "ai.onnx". */
static void odds_and_ends(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    ob_init(&b, 11);
    ob_input(&b, "x", 2, OB_DIMS(-1, 20));
    ob_gemm(&b, "fc", "x", "y", 5, 20);
    ob_output(&b, "y");
    fcn_parse_options opts = {.batch_size = 4, .keep_batch_norm = 0};
    fcn_network *net = parse_built(&b, &opts, &err);
    CHECK_INT(layer_count(net), 1);
    CHECK_DIMS(layer_at(net, 0), 1, 1, 20);
    CHECK_INT(net ? net->partitions[0].batch_size : 0, 4);
    ob_free(&b);
    fcn_network_free(net);

    ob_init(&b, 11);
    b.model.opset_import[0]->domain = ob_str(&b, "ai.onnx");
    ob_input(&b, "x", 4, OB_DIMS(1, 6, 9, 9));
    Onnx__NodeProto *dw = ob_conv(&b, "dw", "x", "c", 6, 1, 3, 1);
    ob_attr_int(&b, dw, "group", 6);
    ob_attr_ints(&b, dw, "pads", 4, OB_DIMS(1, 0, 1, 2));
    ob_value_info(&b, "c", 4, OB_DIMS(-1, 6, 9, 9));
    Onnx__NodeProto *avg = ob_node(&b, "AveragePool", "avg", OB_LIST("c"), OB_LIST("y"));
    ob_attr_ints(&b, avg, "kernel_shape", 2, OB_DIMS(1, 1)); /* one element a window: a max pool's result */
    ob_attr_ints(&b, avg, "strides", 2, OB_DIMS(3, 3));
    ob_output(&b, "y");
    net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 2);
    const fcn_layer *conv = layer_at(net, 0);
    CHECK_INT(conv->groups, 6);
    CHECK_INT(conv->filters, 6);
    CHECK_INT(conv->pad_top, 1);
    CHECK_INT(conv->pad_left, 0);
    CHECK_INT(conv->pad_bottom, 1);
    CHECK_INT(conv->pad_right, 2);
    CHECK_OUT(conv, 9, 9, 6);
    CHECK_INT(layer_at(net, 1)->type, FCN_POOLING);
    CHECK_INT(layer_at(net, 1)->kernel[0], 1);
    CHECK_OUT(layer_at(net, 1), 3, 3, 6);
    ob_free(&b);
    fcn_network_free(net);

    /* IR version 3 lists initializers among the graph inputs: they are not network inputs. */
    ob_init(&b, 8);
    ob_input(&b, "x", 4, OB_DIMS(1, 1, 4, 4));
    ob_conv(&b, "conv", "x", "y", 2, 1, 3, 1);
    ob_input(&b, "conv.weight", 4, OB_DIMS(2, 1, 3, 3));
    ob_input(&b, "conv.bias", 1, OB_DIMS(2));
    ob_output(&b, "y");
    net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 1);
    ob_free(&b);
    fcn_network_free(net);
}

/* Weights and shapes that reach their node through Identity or Cast are still constants. */
static void constants_through_identity(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    ob_init(&b, 11);
    ob_input(&b, "x", 4, OB_DIMS(1, 2, 5, 5));
    ob_weight(&b, "w", 4, OB_DIMS(3, 2, 3, 3));
    ob_node(&b, "Identity", "shared", OB_LIST("w"), OB_LIST("w_copy"));
    Onnx__NodeProto *conv = ob_node(&b, "Conv", "conv", OB_LIST("x", "w_copy"), OB_LIST("c"));
    ob_attr_ints(&b, conv, "pads", 4, OB_DIMS(1, 1, 1, 1));
    Onnx__TensorProto *shape = ob_ints_tensor(&b, "shape32", 2, OB_DIMS(1, -1));
    shape->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT32;
    shape->n_int64_data = 0;
    for (int i = 0; i < 2; i++)
        OB_PUSH(&b, shape->int32_data, shape->n_int32_data, i ? -1 : 1);
    OB_PUSH(&b, b.graph.initializer, b.graph.n_initializer, shape);
    ob_node(&b, "Cast", "to64", OB_LIST("shape32"), OB_LIST("shape"));
    ob_node(&b, "Reshape", "flat", OB_LIST("c", "shape"), OB_LIST("f"));
    ob_gemm(&b, "fc", "f", "y", 4, 75);
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 2);
    CHECK(same(layer_at(net, 0)->weights_path, "w"));
    CHECK_INT(layer_at(net, 0)->has_bias, 0);
    CHECK_DIMS(layer_at(net, 1), 5, 5, 3);
    ob_free(&b);
    fcn_network_free(net);
}

int main(void)
{
    batch_norm_folding();
    matmul_add();
    transpose();
    ceil_mode();
    auto_pad();
    reshape();
    reshape_streams();
    tail();
    out_of_order();
    names();
    squeeze_opsets();
    odds_and_ends();
    constants_through_identity();
    return check_summary("test_onnx_transforms");
}
