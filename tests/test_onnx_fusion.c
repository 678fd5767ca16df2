/*
 * The multi-node patterns the parser fuses (src/onnx/onnx_patterns.c) and the
 * operators of the newer layer types, on small models built in C: SiLU,
 * GELU (erf and tanh forms, the Gelu operator), LeakyRelu, PRelu,
 * LayerNormalization and its decomposition, per-channel affines, ConvNeXt's
 * channels-last frames, channel shuffle and Slice; the layers, their dims and
 * the error messages.
 */
#include "onnx_parse_util.h"

static int same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* A FLOAT scalar initializer holding `value` (the patterns read their constants' values). */
static void ob_scalar(onnx_builder *b, const char *name, float value)
{
    Onnx__TensorProto *t = ob_tensor(b, name, 0, NULL);
    OB_PUSH(b, t->float_data, t->n_float_data, value);
    OB_PUSH(b, b->graph.initializer, b->graph.n_initializer, t);
}

static void expect_error(const onnx_builder *b, const char *part)
{
    expect_parse_error(b, "p.onnx", part);
}

/* The layer types of a parsed network, in order, as "CONVOLUTION SILU ...". */
static const char *types_of(const fcn_network *net, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < layer_count(net) && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? " " : "",
                                 fcn_layer_type_name(layer_at(net, i)->type));
    return buf;
}

#define CHECK_TYPES(net, expected)                                                    \
    do {                                                                              \
        char types_[512];                                                             \
        CHECK_MESSAGE(types_of((net), types_, sizeof types_), expected);              \
        CHECK(strlen(types_) == strlen(expected));                                    \
    } while (0)

/* x (1x3x8x8) -> Conv c (4, 3x3) -> C (1x4x6x6): the start of every model here. */
static void conv_start(onnx_builder *b, int64_t opset)
{
    ob_init(b, opset);
    ob_input(b, "x", 4, OB_DIMS(1, 3, 8, 8));
    ob_conv(b, "c", "x", "C", 4, 3, 3, 1);
}

/* Mul(C, Sigmoid(C)) in either operand order is one SILU reading C: no SPLIT for C's two reads. */
static void silu(void)
{
    for (int swapped = 0; swapped < 2; swapped++) {
        onnx_builder b;
        fcn_error err = {{0}};
        conv_start(&b, 13);
        ob_node(&b, "Sigmoid", "sig", OB_LIST("C"), OB_LIST("S"));
        ob_node(&b, "Mul", "swish", swapped ? OB_LIST("S", "C") : OB_LIST("C", "S"), OB_LIST("y"));
        ob_output(&b, "y");
        fcn_network *net = parse_built(&b, NULL, &err);
        CHECK_TYPES(net, "CONVOLUTION SILU");
        CHECK_DIMS(layer_at(net, 1), 6, 6, 4);
        CHECK(same(layer_at(net, 1)->name, "swish"));
        CHECK(layer_at(net, 1)->inputs == NULL);
        fcn_network_free(net);
        ob_free(&b);
    }
    /* A Sigmoid whose output feeds something else too stays a SIGMOID; the Mul stays a join. */
    onnx_builder b;
    fcn_error err = {{0}};
    conv_start(&b, 13);
    ob_node(&b, "Sigmoid", "sig", OB_LIST("C"), OB_LIST("S"));
    ob_node(&b, "Mul", "swish", OB_LIST("C", "S"), OB_LIST("M"));
    ob_node(&b, "Add", "add", OB_LIST("M", "S"), OB_LIST("y"));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_TYPES(net, "CONVOLUTION SPLIT SIGMOID SPLIT ELTWISE ELTWISE");
    CHECK_INT(layer_at(net, 4)->eltwise_mul, 1);
    fcn_network_free(net);
    ob_free(&b);
}

/*
 * GELU's erf form as torch exports it: Div(C, sqrt 2), Erf, Add 1, Mul C,
 * Mul 0.5. form 1: Mul by 1/sqrt 2 and the 0.5 applied to C first; form 2:
 * the 0.5 applied to the 1 + erf term.
 */
static void build_gelu_erf(onnx_builder *b, int form)
{
    conv_start(b, 13);
    ob_scalar(b, "root2", form == 1 ? 0.70710678f : 1.41421356f);
    ob_scalar(b, "one", 1.0f);
    ob_scalar(b, "half", 0.5f);
    ob_node(b, form == 1 ? "Mul" : "Div", "scale", OB_LIST("C", "root2"), OB_LIST("D"));
    ob_node(b, "Erf", "erf", OB_LIST("D"), OB_LIST("E"));
    ob_node(b, "Add", "plus1", OB_LIST("one", "E"), OB_LIST("A"));
    if (form == 0) {
        ob_node(b, "Mul", "times_x", OB_LIST("C", "A"), OB_LIST("M"));
        ob_node(b, "Mul", "gelu", OB_LIST("M", "half"), OB_LIST("y"));
    } else if (form == 1) {
        ob_node(b, "Mul", "half_x", OB_LIST("half", "C"), OB_LIST("H"));
        ob_node(b, "Mul", "gelu", OB_LIST("A", "H"), OB_LIST("y"));
    } else {
        ob_node(b, "Mul", "half_a", OB_LIST("A", "half"), OB_LIST("H"));
        ob_node(b, "Mul", "gelu", OB_LIST("C", "H"), OB_LIST("y"));
    }
    ob_output(b, "y");
}

/* 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
static void build_gelu_tanh(onnx_builder *b)
{
    conv_start(b, 13);
    ob_scalar(b, "three", 3.0f);
    ob_scalar(b, "k", 0.044715f);
    ob_scalar(b, "s", 0.7978845608f);
    ob_scalar(b, "one", 1.0f);
    ob_scalar(b, "half", 0.5f);
    ob_node(b, "Pow", "cube", OB_LIST("C", "three"), OB_LIST("P"));
    ob_node(b, "Mul", "kx3", OB_LIST("P", "k"), OB_LIST("K"));
    ob_node(b, "Add", "inner", OB_LIST("C", "K"), OB_LIST("I"));
    ob_node(b, "Mul", "scaled", OB_LIST("I", "s"), OB_LIST("T0"));
    ob_node(b, "Tanh", "tanh", OB_LIST("T0"), OB_LIST("T"));
    ob_node(b, "Add", "plus1", OB_LIST("T", "one"), OB_LIST("A"));
    ob_node(b, "Mul", "times_x", OB_LIST("C", "A"), OB_LIST("M"));
    ob_node(b, "Mul", "gelu", OB_LIST("M", "half"), OB_LIST("y"));
    ob_output(b, "y");
}

static void gelu(void)
{
    for (int form = 0; form < 4; form++) {
        onnx_builder b;
        fcn_error err = {{0}};
        if (form < 3)
            build_gelu_erf(&b, form);
        else
            build_gelu_tanh(&b);
        fcn_network *net = parse_built(&b, NULL, &err);
        CHECK_TYPES(net, "CONVOLUTION GELU");
        CHECK_DIMS(layer_at(net, 1), 6, 6, 4);
        CHECK(same(layer_at(net, 1)->name, "gelu"));
        fcn_network_free(net);
        ob_free(&b);
    }
    /* The wrong constant (sqrt 3) is no GELU: its Erf is reported. */
    onnx_builder b;
    build_gelu_erf(&b, 0);
    b.graph.initializer[b.graph.n_initializer - 3]->float_data[0] = 1.7320508f;
    expect_error(&b, "erf (Erf)");
    ob_free(&b);

    /* The Gelu operator (opset 20), either approximation. */
    fcn_error err = {{0}};
    conv_start(&b, 20);
    Onnx__NodeProto *n = ob_node(&b, "Gelu", "gelu", OB_LIST("C"), OB_LIST("y"));
    ob_attr_string(&b, n, "approximate", "tanh");
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_TYPES(net, "CONVOLUTION GELU");
    fcn_network_free(net);
    n->attribute[0]->s.data = (uint8_t *)ob_str(&b, "cubic");
    n->attribute[0]->s.len = 5;
    expect_error(&b, "p.onnx: node 'gelu' (Gelu): attribute 'approximate' is 'cubic' (expected 'none' or 'tanh')");
    ob_free(&b);
}

static void leaky_relu_prelu(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    conv_start(&b, 13);
    Onnx__NodeProto *n = ob_node(&b, "LeakyRelu", "leaky", OB_LIST("C"), OB_LIST("L"));
    ob_attr_float(&b, n, "alpha", 0.25f);
    ob_node(&b, "LeakyRelu", "leaky_default", OB_LIST("L"), OB_LIST("L2"));
    ob_weight(&b, "slope", 3, OB_DIMS(4, 1, 1));
    ob_node(&b, "PRelu", "prelu", OB_LIST("L2", "slope"), OB_LIST("y"));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_TYPES(net, "CONVOLUTION LEAKY_RELU LEAKY_RELU PRELU");
    CHECK(layer_at(net, 1)->alpha == 0.25);
    CHECK(fabs(layer_at(net, 2)->alpha - 0.01) < 1e-9);
    CHECK_DIMS(layer_at(net, 3), 6, 6, 4);
    fcn_network_free(net);

    /* A slope per pixel is not PRELU's. */
    b.graph.initializer[b.graph.n_initializer - 1]->dims[1] = 6;
    expect_error(&b, "p.onnx: node 'prelu' (PRelu): its slope 'slope' is 4x6x1; expected one value per channel of "
                     "its 1x4x6x6 input (4 channels) or a single value");
    ob_free(&b);
}

/*
 * ConvNeXt's block between its permutes: C -> Transpose(0,2,3,1) ->
 * LayerNorm -> MatMul [4,16] + bias -> GELU -> MatMul [16,4] + bias ->
 * Transpose(0,3,1,2) -> layer scale Mul [4,1,1] -> Add C (residual).
 * decomposed: the LayerNorm as torch 1.13 exports it before opset 17.
 */
static void build_convnext_block(onnx_builder *b, int decomposed)
{
    conv_start(b, decomposed ? 13 : 17);
    Onnx__NodeProto *t = ob_node(b, "Transpose", "to_last", OB_LIST("C"), OB_LIST("T"));
    ob_attr_ints(b, t, "perm", 4, OB_DIMS(0, 2, 3, 1));
    ob_weight(b, "ln.w", 1, OB_DIMS(4));
    ob_weight(b, "ln.b", 1, OB_DIMS(4));
    if (decomposed) {
        ob_scalar(b, "two", 2.0f);
        ob_scalar(b, "eps", 1e-6f);
        Onnx__NodeProto *m = ob_node(b, "ReduceMean", "mean", OB_LIST("T"), OB_LIST("U"));
        ob_attr_ints(b, m, "axes", 1, OB_DIMS(-1));
        ob_node(b, "Sub", "centre", OB_LIST("T", "U"), OB_LIST("Z"));
        ob_node(b, "Pow", "square", OB_LIST("Z", "two"), OB_LIST("Q"));
        m = ob_node(b, "ReduceMean", "variance", OB_LIST("Q"), OB_LIST("V"));
        ob_attr_ints(b, m, "axes", 1, OB_DIMS(-1));
        ob_node(b, "Add", "plus_eps", OB_LIST("V", "eps"), OB_LIST("VE"));
        ob_node(b, "Sqrt", "sqrt", OB_LIST("VE"), OB_LIST("SD"));
        ob_node(b, "Div", "normalise", OB_LIST("Z", "SD"), OB_LIST("N"));
        ob_node(b, "Mul", "gamma", OB_LIST("N", "ln.w"), OB_LIST("G"));
        ob_node(b, "Add", "ln", OB_LIST("G", "ln.b"), OB_LIST("LN"));
    } else {
        ob_node(b, "LayerNormalization", "ln", OB_LIST("T", "ln.w", "ln.b"), OB_LIST("LN"));
    }
    ob_weight(b, "fc1.w", 2, OB_DIMS(4, 16));
    ob_weight(b, "fc1.b", 1, OB_DIMS(16));
    ob_node(b, "MatMul", "fc1", OB_LIST("LN", "fc1.w"), OB_LIST("F1"));
    ob_node(b, "Add", "fc1_bias", OB_LIST("fc1.b", "F1"), OB_LIST("F1B"));
    ob_node(b, "Gelu", "gelu", OB_LIST("F1B"), OB_LIST("GE"));
    ob_weight(b, "fc2.w", 2, OB_DIMS(16, 4));
    ob_weight(b, "fc2.b", 1, OB_DIMS(4));
    ob_node(b, "MatMul", "fc2", OB_LIST("GE", "fc2.w"), OB_LIST("F2"));
    ob_node(b, "Add", "fc2_bias", OB_LIST("F2", "fc2.b"), OB_LIST("F2B"));
    t = ob_node(b, "Transpose", "to_first", OB_LIST("F2B"), OB_LIST("B"));
    ob_attr_ints(b, t, "perm", 4, OB_DIMS(0, 3, 1, 2));
    ob_weight(b, "layer_scale", 3, OB_DIMS(4, 1, 1));
    ob_node(b, "Mul", "scale", OB_LIST("layer_scale", "B"), OB_LIST("LS"));
    ob_node(b, "Add", "residual", OB_LIST("LS", "C"), OB_LIST("y"));
    ob_output(b, "y");
    /* ONNX's own inference, for the parser's check of every stated shape. */
    ob_value_info(b, "LN", 4, OB_DIMS(1, 6, 6, 4));
    ob_value_info(b, "F1B", 4, OB_DIMS(1, 6, 6, 16));
    ob_value_info(b, "B", 4, OB_DIMS(1, 4, 6, 6));
}

static void convnext_block(void)
{
    for (int decomposed = 0; decomposed < 2; decomposed++) {
        onnx_builder b;
        fcn_error err = {{0}};
        build_convnext_block(&b, decomposed);
        fcn_network *net = parse_built(&b, NULL, &err);
        /* The Gelu operator needs opset 20; at 13 and 17 it is accepted as the parser knows it. */
        CHECK_TYPES(net, "CONVOLUTION SPLIT LAYER_NORM CONVOLUTION GELU CONVOLUTION ELTWISE");
        CHECK_DIMS(layer_at(net, 2), 6, 6, 4);
        CHECK(same(layer_at(net, 2)->name, "ln"));
        const fcn_layer *fc1 = layer_at(net, 3), *fc2 = layer_at(net, 5);
        CHECK_DIMS(fc1, 6, 6, 4);
        CHECK_INT(fc1->filters, 16);
        CHECK_INT(fc1->kernel[0], 1);
        CHECK_INT(fc1->kernel[1], 1);
        CHECK_INT(fc1->groups, 1);
        CHECK(same(fc1->weights_path, "fc1.w"));
        CHECK(same(fc1->bias_path, "fc1.b"));
        CHECK_DIMS(layer_at(net, 4), 6, 6, 16);
        CHECK_DIMS(fc2, 6, 6, 16);
        CHECK_INT(fc2->filters, 4);
        CHECK_INT(fc2->has_bias, 1); /* the layer scale folds into fc2's weights */
        CHECK_DIMS(layer_at(net, 6), 6, 6, 4);
        CHECK_INT(layer_at(net, 6)->ports_in, 2);
        fcn_network_free(net);
        ob_free(&b);
    }

    /* LayerNorm over NCHW's channels, H and W is not the hardware's per-pixel LAYER_NORM. */
    onnx_builder b;
    conv_start(&b, 17);
    ob_weight(&b, "ln.w", 3, OB_DIMS(4, 6, 6));
    Onnx__NodeProto *n = ob_node(&b, "LayerNormalization", "ln", OB_LIST("C", "ln.w"), OB_LIST("y"));
    ob_attr_int(&b, n, "axis", 1);
    ob_output(&b, "y");
    expect_error(&b, "p.onnx: node 'ln' (LayerNormalization): normalises 1x4x6x6 from axis 1 on, not the 4 channels "
                     "of each pixel the hardware streams (6x6x4 rows x cols x channels)");
    ob_free(&b);

    /* A permute to [1,H,W,C] followed by a Flatten reorders what the inner product sees. */
    conv_start(&b, 13);
    n = ob_node(&b, "Transpose", "t", OB_LIST("C"), OB_LIST("T"));
    ob_attr_ints(&b, n, "perm", 4, OB_DIMS(0, 2, 3, 1));
    ob_node(&b, "Flatten", "flat", OB_LIST("T"), OB_LIST("F"));
    ob_gemm(&b, "fc", "F", "y", 10, 144);
    ob_output(&b, "y");
    expect_error(&b, "p.onnx: node 't' (Transpose): transposing 1x4x6x6 reorders the streamed data");
    ob_free(&b);
}

/*
 * A per-channel Mul and Add after a Conv fold into it (the Conv gains the
 * Add's bias when it has none); before any layer, or after a join, they are
 * one BATCH_NORM layer each (an Add right after such a Mul joins it).
 */
static void affine(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    ob_init(&b, 13);
    ob_input(&b, "x", 4, OB_DIMS(1, 3, 8, 8));
    ob_conv(&b, "c", "x", "C", 4, 3, 3, 0);
    ob_weight(&b, "scale", 4, OB_DIMS(1, 4, 1, 1));
    ob_weight(&b, "shift", 1, OB_DIMS(1));
    ob_node(&b, "Mul", "mul", OB_LIST("C", "scale"), OB_LIST("M"));
    ob_node(&b, "Add", "add", OB_LIST("shift", "M"), OB_LIST("A"));
    ob_node(&b, "Relu", "relu", OB_LIST("A"), OB_LIST("y"));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_TYPES(net, "CONVOLUTION RELU");
    CHECK_INT(layer_at(net, 0)->has_bias, 1);
    CHECK(same(layer_at(net, 0)->bias_path, "shift"));
    fcn_network_free(net);
    /* --no-fuse-bn keeps them: one BATCH_NORM (the Add joins the Mul's). */
    fcn_parse_options keep = {.batch_size = 0, .keep_batch_norm = 1};
    net = parse_built(&b, &keep, &err);
    CHECK_TYPES(net, "CONVOLUTION BATCH_NORM RELU");
    CHECK(same(layer_at(net, 1)->name, "mul"));
    CHECK_DIMS(layer_at(net, 1), 6, 6, 4);
    fcn_network_free(net);
    ob_free(&b);

    /* On the network input: a BATCH_NORM layer. */
    ob_init(&b, 13);
    ob_input(&b, "x", 4, OB_DIMS(1, 3, 8, 8));
    ob_weight(&b, "scale", 1, OB_DIMS(3));
    ob_weight(&b, "bad", 4, OB_DIMS(1, 1, 8, 1));
    ob_node(&b, "Mul", "normalise", OB_LIST("x", "scale"), OB_LIST("N"));
    ob_conv(&b, "c", "N", "y", 4, 3, 3, 0);
    ob_output(&b, "y");
    expect_error(&b, "p.onnx: node 'normalise' (Mul): its scale 'scale' is 3; expected one value per channel of its "
                     "1x3x8x8 input (3 channels) or a single value");
    b.graph.node[0]->input[1] = ob_str(&b, "bad");
    expect_error(&b, "its scale 'bad' is 1x1x8x1; expected one value per channel");
    b.graph.initializer[0]->dims[0] = 3;
    b.graph.initializer[0]->n_dims = 4;
    b.graph.initializer[0]->dims = (int64_t *)OB_DIMS(1, 3, 1, 1);
    b.graph.node[0]->input[1] = ob_str(&b, "scale");
    net = parse_built(&b, NULL, &err);
    CHECK_TYPES(net, "BATCH_NORM CONVOLUTION");
    CHECK_DIMS(layer_at(net, 0), 8, 8, 3);
    fcn_network_free(net);
    ob_free(&b);
}

/*
 * ShuffleNet's unit: C (1x8x6x6 here) -> Reshape [1,2,4,6,6] ->
 * Transpose(0,2,1,3,4) -> Reshape [1,-1,6,6] -> Slice channels 0..4 and
 * 4..8 -> a Conv on the second half -> Concat(first half, conv).
 */
static void build_shuffle(onnx_builder *b, int64_t groups)
{
    ob_init(b, 13);
    ob_input(b, "x", 4, OB_DIMS(1, 3, 8, 8));
    ob_conv(b, "c", "x", "C", 8, 3, 3, 1);
    ob_ints_initializer(b, "split_shape", 5, OB_DIMS(1, groups, 8 / groups, 6, 6));
    ob_ints_initializer(b, "back_shape", 4, OB_DIMS(1, -1, 6, 6));
    ob_node(b, "Reshape", "split", OB_LIST("C", "split_shape"), OB_LIST("R"));
    Onnx__NodeProto *t = ob_node(b, "Transpose", "swap", OB_LIST("R"), OB_LIST("T"));
    ob_attr_ints(b, t, "perm", 5, OB_DIMS(0, 2, 1, 3, 4));
    ob_node(b, "Reshape", "shuffle", OB_LIST("T", "back_shape"), OB_LIST("S"));
    ob_ints_initializer(b, "zero", 1, OB_DIMS(0));
    ob_ints_initializer(b, "four", 1, OB_DIMS(4));
    ob_ints_initializer(b, "end", 1, OB_DIMS(INT64_MAX));
    ob_ints_initializer(b, "axis", 1, OB_DIMS(1));
    ob_node(b, "Slice", "first", OB_LIST("S", "zero", "four", "axis"), OB_LIST("F"));
    ob_node(b, "Slice", "second", OB_LIST("S", "four", "end", "axis"), OB_LIST("H"));
    ob_conv(b, "d", "H", "D", 4, 4, 1, 1);
    Onnx__NodeProto *cat = ob_node(b, "Concat", "cat", OB_LIST("F", "D"), OB_LIST("y"));
    ob_attr_int(b, cat, "axis", 1);
    ob_output(b, "y");
}

static void shuffle_and_slice(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    build_shuffle(&b, 2);
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_TYPES(net, "CONVOLUTION SHUFFLE SPLIT CHOP CHOP CONVOLUTION CONCAT");
    const fcn_layer *shuffle = layer_at(net, 1), *first = layer_at(net, 3), *second = layer_at(net, 4);
    CHECK_INT(shuffle->groups, 2);
    CHECK_DIMS(shuffle, 6, 6, 8);
    CHECK(same(shuffle->name, "shuffle"));
    CHECK_DIMS(first, 6, 6, 8);
    CHECK_INT(first->ports_out, 1);
    CHECK(first->port_channels && first->port_channels[0] == 4);
    CHECK(first->port_offsets && first->port_offsets[0] == 0);
    CHECK(second->port_channels && second->port_channels[0] == 4);
    CHECK(second->port_offsets && second->port_offsets[0] == 4);
    CHECK_DIMS(layer_at(net, 5), 6, 6, 4);
    CHECK_DIMS(layer_at(net, 6), 6, 6, 8);
    fcn_network_free(net);
    ob_free(&b);

    /* Three groups do not divide 8 channels. */
    build_shuffle(&b, 3);
    b.graph.initializer[2]->int64_data[2] = 3;
    expect_error(&b, "p.onnx: node 'split' (Reshape): reshapes 1x8x6x6 to 1x3x3x6x6, which is not a channel "
                     "shuffle's [1, groups, channels/groups, H, W]");
    ob_free(&b);

    /* A Slice of rows is no CHOP. */
    build_shuffle(&b, 2);
    b.graph.initializer[b.graph.n_initializer - 3]->int64_data[0] = 2; /* "axis" */
    expect_error(&b, "p.onnx: 2 unsupported nodes: first (Slice: slices 1x8x6x6 along axis 2; the hardware's CHOP "
                     "slices only the channels (axis 1)), second (Slice: slices 1x8x6x6 along axis 2");
    ob_free(&b);
}

/*
 * C (1x8x6x6) -> Split channels [3, 5] (or equal halves, or three parts
 * with the last unused) -> B to a Conv listed first, A to a Relu -> Concat.
 * form 0: opset 11's attribute; 1: opset 13's input; 2: opset 18's
 * num_outputs, equal parts; 3: three outputs, the third unused.
 */
static void build_split(onnx_builder *b, int form)
{
    static const int64_t opsets[] = {11, 13, 18, 13};
    ob_init(b, opsets[form]);
    ob_input(b, "x", 4, OB_DIMS(1, 3, 8, 8));
    ob_conv(b, "c", "x", "C", 8, 3, 3, 1);
    Onnx__NodeProto *n;
    if (form == 1 || form == 3) {
        ob_ints_initializer(b, "sizes", form == 3 ? 3 : 2, form == 3 ? OB_DIMS(3, 4, 1) : OB_DIMS(3, 5));
        n = ob_node(b, "Split", "split", OB_LIST("C", "sizes"),
                    form == 3 ? OB_LIST("A", "B", "unused") : OB_LIST("A", "B"));
    } else {
        n = ob_node(b, "Split", "split", OB_LIST("C"), OB_LIST("A", "B"));
        if (form == 0)
            ob_attr_ints(b, n, "split", 2, OB_DIMS(3, 5));
        else
            ob_attr_int(b, n, "num_outputs", 2);
    }
    ob_attr_int(b, n, "axis", 1);
    ob_conv(b, "d", "B", "D", 4, form == 2 ? 4 : form == 3 ? 4 : 5, 1, 1);
    ob_node(b, "Relu", "relu", OB_LIST("A"), OB_LIST("R"));
    Onnx__NodeProto *cat = ob_node(b, "Concat", "cat", OB_LIST("R", "D"), OB_LIST("y"));
    ob_attr_int(b, cat, "axis", 1);
    ob_output(b, "y");
}

static void split(void)
{
    for (int form = 0; form < 4; form++) {
        onnx_builder b;
        fcn_error err = {{0}};
        build_split(&b, form);
        int64_t a = form == 2 ? 4 : 3, bch = form == 2 ? 4 : form == 3 ? 4 : 5;
        fcn_network *net = parse_built(&b, NULL, &err);
        CHECK_TYPES(net, "CONVOLUTION CHOP CONVOLUTION RELU CONCAT");
        const fcn_layer *chop = layer_at(net, 1);
        CHECK_DIMS(chop, 6, 6, 8);
        CHECK_INT(chop->ports_out, 2);
        /* Port 0 goes to the first reader in network order, the Conv on B. */
        CHECK(chop->port_channels && chop->port_channels[0] == bch && chop->port_channels[1] == a);
        CHECK(chop->port_offsets && chop->port_offsets[0] == a && chop->port_offsets[1] == 0);
        CHECK_DIMS(layer_at(net, 2), 6, 6, bch);
        CHECK_DIMS(layer_at(net, 3), 6, 6, a);
        CHECK(layer_at(net, 3)->inputs && layer_at(net, 3)->inputs[0] == 2);
        CHECK_DIMS(layer_at(net, 4), 6, 6, a + 4);
        fcn_network_free(net);
        ob_free(&b);
    }
    onnx_builder b;
    build_split(&b, 0);
    b.graph.node[b.graph.n_node - 2]->input[0] = ob_str(&b, "B"); /* the Relu reads B too */
    expect_error(&b, "p.onnx: node 'split' (Split): its output 1 is read by several layer inputs; each output of its "
                     "CHOP feeds one");
    ob_free(&b);
    build_split(&b, 0);
    b.graph.node[0 + 1]->attribute[1]->i = 2; /* the Split's axis */
    expect_error(&b, "p.onnx: node 'split' (Split): splits 1x8x6x6 along axis 2; the hardware's CHOP splits only "
                     "the channels (axis 1)");
    b.graph.node[1]->attribute[1]->i = 1;
    b.graph.node[1]->attribute[0]->ints[1] = 6;
    expect_error(&b, "p.onnx: node 'split' (Split): its split sizes do not give 2 outputs summing to 8");
    ob_free(&b);
}

/* The rarer errors of the patterns and newer operators, each with its message. */
static void more_errors(void)
{
    onnx_builder b;
    /* A channels-last MatMul whose weight does not take the channels. */
    build_convnext_block(&b, 0);
    b.graph.initializer[4]->dims[0] = 5; /* fc1.w */
    expect_error(&b, "p.onnx: node 'fc1' (MatMul): weight 'fc1.w' is 5x16, which does not fit the 4 channels of its "
                     "channels-last input");
    ob_free(&b);
    /* LayerNormalization's axis out of range. */
    build_convnext_block(&b, 0);
    ob_attr_int(&b, b.graph.node[2], "axis", 4);
    expect_error(&b, "p.onnx: node 'ln' (LayerNormalization): its axis 4 is outside -4..3");
    ob_free(&b);
    /* The decomposition's mean over H and W, not the channels. */
    build_convnext_block(&b, 1);
    b.graph.node[2]->attribute[0]->ints[0] = 1;
    expect_error(&b, "p.onnx: node 'mean' (ReduceMean): the mean of a LayerNorm pattern must be over the last axes of "
                     "1x6x6x4");
    ob_free(&b);

    /* A shuffle that does not reshape back, and a target with a bad value. */
    build_shuffle(&b, 2);
    b.graph.initializer[3]->int64_data[2] = 3;
    b.graph.initializer[3]->int64_data[3] = 12;
    expect_error(&b, "p.onnx: node 'shuffle' (Reshape): reshapes the shuffled channels to 1x8x3x12, not back to "
                     "1x8x6x6");
    b.graph.initializer[3]->int64_data[3] = -7;
    expect_error(&b, "p.onnx: node 'shuffle' (Reshape): its target shape has the value -7 at 3");
    ob_free(&b);

    /* Slices: lengths that differ, an axis outside the dims, a step. */
    build_shuffle(&b, 2);
    ob_ints_initializer(&b, "two_axes", 2, OB_DIMS(1, 2));
    ob_ints_initializer(&b, "axis9", 1, OB_DIMS(9));
    ob_ints_initializer(&b, "step2", 1, OB_DIMS(2));
    Onnx__NodeProto *first = b.graph.node[4];
    first->input[3] = ob_str(&b, "two_axes");
    expect_error(&b, "p.onnx: node 'first' (Slice): its starts, ends, axes and steps differ in length");
    first->input[3] = ob_str(&b, "axis9");
    expect_error(&b, "p.onnx: node 'first' (Slice): axis 9 is outside the input's 4 dims");
    first->input[3] = ob_str(&b, "axis");
    OB_PUSH(&b, first->input, first->n_input, ob_str(&b, "step2"));
    expect_error(&b, "p.onnx: node 'first' (Slice): slices with step 2; the hardware's CHOP takes consecutive "
                     "channels");
    ob_free(&b);

    /* Splits: more parts than a CHOP's ports, in the attribute or as outputs; more parts than channels. */
    build_split(&b, 0);
    Onnx__NodeProto *split = b.graph.node[1];
    Onnx__AttributeProto *sizes = split->attribute[0];
    for (int i = 0; i < 64; i++)
        OB_PUSH(&b, sizes->ints, sizes->n_ints, 1);
    expect_error(&b, "p.onnx: node 'split' (Split): splits into 66 parts; a CHOP has at most 64 outputs");
    ob_free(&b);
    build_split(&b, 2);
    split = b.graph.node[1];
    for (int i = 0; i < 7; i++) {
        char name[16];
        snprintf(name, sizeof name, "extra%d", i);
        OB_PUSH(&b, split->output, split->n_output, ob_str(&b, name));
    }
    expect_error(&b, "p.onnx: node 'split' (Split): cannot split 8 channels into 9 parts");
    for (int i = 7; i < 63; i++) {
        char name[16];
        snprintf(name, sizeof name, "extra%d", i);
        OB_PUSH(&b, split->output, split->n_output, ob_str(&b, name));
    }
    expect_error(&b, "p.onnx: node 'split' (Split): has 65 outputs; a CHOP has 1 to 64");
    ob_free(&b);
}

int main(void)
{
    silu();
    gelu();
    leaky_relu_prelu();
    convnext_block();
    affine();
    shuffle_and_slice();
    split();
    more_errors();
    return check_summary("test_onnx_fusion");
}
