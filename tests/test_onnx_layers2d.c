/*
 * Today's 2-D CNN operators on small models built in C: Pad (folded into
 * the next window, or a PAD layer), windowed AveragePool, ReduceMean and
 * ReduceMax over H and W, dilated Conv, broadcasting ELTWISE
 * (squeeze-excite), Concat of one input; and their errors.
 */
#include "onnx_parse_util.h"

#define CHECK_PADS(layer, t, l, bottom, r)                                            \
    do {                                                                              \
        CHECK_INT((layer)->pad_top, t);                                               \
        CHECK_INT((layer)->pad_left, l);                                              \
        CHECK_INT((layer)->pad_bottom, bottom);                                       \
        CHECK_INT((layer)->pad_right, r);                                             \
    } while (0)

#define CHECK_OUT(layer, r, c, ch)                                                    \
    do {                                                                              \
        fcn_layer_figures f_;                                                         \
        memset(&f_, 0, sizeof f_);                                                    \
        if ((layer)->rows > 0)                                                        \
            fcn_layer_evaluate((layer), &f_);                                         \
        CHECK_INT(f_.rows_out, r);                                                    \
        CHECK_INT(f_.cols_out, c);                                                    \
        CHECK_INT(f_.channels_out, ch);                                               \
    } while (0)

static void expect_error(const onnx_builder *b, const char *part)
{
    expect_parse_error(b, "test.onnx", part);
}

/* Pad -> Conv: the Conv takes the padding (pads [top, left, bottom, right] = 1, 2, 1, 2; 8x8 -> 8x10). */
static void pad_folded_into_conv(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    conv_base(&b, 11);
    ob_ints_initializer(&b, "pads", 8, OB_DIMS(0, 0, 1, 2, 0, 0, 1, 2));
    ob_node(&b, "Pad", "pad", OB_LIST("c", "pads"), OB_LIST("p"));
    ob_conv(&b, "conv2", "p", "y", 5, 4, 3, 0);
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 2);
    CHECK_INT(layer_at(net, 1)->type, FCN_CONVOLUTION);
    CHECK_DIMS(layer_at(net, 1), 8, 8, 4);
    CHECK_PADS(layer_at(net, 1), 1, 2, 1, 2);
    CHECK_OUT(layer_at(net, 1), 8, 10, 5);
    fcn_network_free(net);
    ob_free(&b);
}

/* Opset 2's attribute pads before an AveragePool (count_include_pad): an average POOLING with the pads. */
static void pad_folded_into_average(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    conv_base(&b, 9);
    Onnx__NodeProto *pad = ob_node(&b, "Pad", "pad", OB_LIST("c"), OB_LIST("p"));
    ob_attr_ints(&b, pad, "pads", 8, OB_DIMS(0, 0, 1, 1, 0, 0, 1, 1));
    ob_attr_string(&b, pad, "mode", "constant");
    Onnx__NodeProto *avg = ob_node(&b, "AveragePool", "avg", OB_LIST("p"), OB_LIST("y"));
    ob_attr_ints(&b, avg, "kernel_shape", 2, OB_DIMS(3, 3));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 2);
    CHECK_INT(layer_at(net, 1)->type, FCN_POOLING);
    CHECK_INT(layer_at(net, 1)->pool_type, FCN_POOL_AVG);
    CHECK_PADS(layer_at(net, 1), 1, 1, 1, 1);
    CHECK_OUT(layer_at(net, 1), 8, 8, 4);
    fcn_network_free(net);
    ob_free(&b);
}

/* A Pad before anything but a window (here a Relu, and also a Conv: two readers) is a PAD layer. */
static void pad_layer(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    conv_base(&b, 13);
    ob_ints_initializer(&b, "pads", 8, OB_DIMS(0, 0, 2, 0, 0, 0, 1, 3));
    ob_node(&b, "Pad", "pad", OB_LIST("c", "pads"), OB_LIST("p"));
    ob_node(&b, "Relu", "relu", OB_LIST("p"), OB_LIST("y1"));
    ob_conv(&b, "conv2", "p", "y2", 5, 4, 3, 0);
    ob_output(&b, "y1");
    ob_output(&b, "y2");
    fcn_network *net = parse_built(&b, NULL, &err);
    /* conv, pad, split, relu, conv2 */
    CHECK_INT(layer_count(net), 5);
    CHECK_INT(layer_at(net, 1)->type, FCN_PAD);
    CHECK_DIMS(layer_at(net, 1), 8, 8, 4);
    CHECK_PADS(layer_at(net, 1), 2, 0, 1, 3);
    CHECK_OUT(layer_at(net, 1), 11, 11, 4);
    CHECK_DIMS(layer_at(net, 3), 11, 11, 4);
    CHECK_PADS(layer_at(net, 4), 0, 0, 0, 0);
    fcn_network_free(net);
    ob_free(&b);
}

/* Opset 18's axes input: pads of axes 3 and 2 only ([3: 1, 2: 0] begin, [3: 1, 2: 2] end). */
static void pad_axes(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    conv_base(&b, 18);
    ob_ints_initializer(&b, "pads", 4, OB_DIMS(1, 0, 1, 2));
    ob_ints_initializer(&b, "axes", 2, OB_DIMS(-1, 2));
    ob_node(&b, "Pad", "pad", OB_LIST("c", "pads", "", "axes"), OB_LIST("y"));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_at(net, 1)->type, FCN_PAD);
    CHECK_PADS(layer_at(net, 1), 0, 1, 2, 1);
    CHECK_OUT(layer_at(net, 1), 10, 10, 4);
    fcn_network_free(net);
    ob_free(&b);
}

static void pad_errors(void)
{
    onnx_builder b;
    conv_base(&b, 11);
    ob_ints_initializer(&b, "pads", 8, OB_DIMS(0, 1, 0, 0, 0, 1, 0, 0));
    ob_node(&b, "Pad", "pad", OB_LIST("c", "pads"), OB_LIST("y"));
    ob_output(&b, "y");
    expect_error(&b, "test.onnx: node 'pad' (Pad): pads the channels; only the rows and columns (H and W) can be "
                     "padded");
    ob_free(&b);

    conv_base(&b, 11);
    ob_ints_initializer(&b, "pads", 8, OB_DIMS(0, 0, 1, 1, 0, 0, 1, 1));
    ob_attr_string(&b, ob_node(&b, "Pad", "pad", OB_LIST("c", "pads"), OB_LIST("y")), "mode", "reflect");
    ob_output(&b, "y");
    expect_error(&b, "node 'pad' (Pad): mode 'reflect' is not supported (only zero padding, mode 'constant')");
    ob_free(&b);

    conv_base(&b, 11);
    ob_ints_initializer(&b, "pads", 8, OB_DIMS(0, 0, 1, 1, 0, 0, 1, 1));
    ob_floats_initializer(&b, "value", 1, (const float[]){1.5f});
    ob_node(&b, "Pad", "pad", OB_LIST("c", "pads", "value"), OB_LIST("y"));
    ob_output(&b, "y");
    expect_error(&b, "node 'pad' (Pad): pads with the value 1.5; only zero padding is supported");
    ob_free(&b);

    conv_base(&b, 11);
    ob_ints_initializer(&b, "pads", 8, OB_DIMS(0, 0, -1, 0, 0, 0, 0, 0));
    ob_node(&b, "Pad", "pad", OB_LIST("c", "pads"), OB_LIST("y"));
    ob_output(&b, "y");
    expect_error(&b, "node 'pad' (Pad): crops (negative pads), which is not supported");
    ob_free(&b);
}

/* AveragePool 3x3 stride 2 pads 1 ceil_mode: average POOLING; a 1x1 window stays max POOLING. */
static void windowed_average(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    conv_base(&b, 11);
    Onnx__NodeProto *avg = ob_node(&b, "AveragePool", "avg", OB_LIST("c"), OB_LIST("a"));
    ob_attr_ints(&b, avg, "kernel_shape", 2, OB_DIMS(3, 3));
    ob_attr_ints(&b, avg, "strides", 2, OB_DIMS(2, 2));
    ob_attr_ints(&b, avg, "pads", 4, OB_DIMS(1, 1, 1, 1));
    ob_attr_int(&b, avg, "ceil_mode", 1);
    ob_attr_int(&b, avg, "count_include_pad", 1);
    Onnx__NodeProto *one = ob_node(&b, "AveragePool", "one", OB_LIST("a"), OB_LIST("y"));
    ob_attr_ints(&b, one, "kernel_shape", 2, OB_DIMS(1, 1));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 3);
    CHECK_INT(layer_at(net, 1)->type, FCN_POOLING);
    CHECK_INT(layer_at(net, 1)->pool_type, FCN_POOL_AVG);
    CHECK_INT(layer_at(net, 1)->kernel[0], 3);
    CHECK_INT(layer_at(net, 1)->stride[0], 2);
    /* (8 + 2 - 3) / 2 rounded up + 1 = 5: ceil_mode's extra pad 1 at the bottom and right (floor (8+3-3)/2+1 = 5) */
    CHECK_PADS(layer_at(net, 1), 1, 1, 2, 2);
    CHECK_OUT(layer_at(net, 1), 5, 5, 4);
    CHECK_INT(layer_at(net, 2)->type, FCN_POOLING);
    CHECK_INT(layer_at(net, 2)->pool_type, FCN_POOL_MAX);
    CHECK_DIMS(layer_at(net, 2), 5, 5, 4);
    fcn_network_free(net);
    ob_free(&b);
}

/* ReduceMean over [2, 3] keepdims 0 -> Gemm; ReduceMax over [-1, -2] (opset 18: axes input) keepdims 1. */
static void reductions(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    conv_base(&b, 13);
    Onnx__NodeProto *mean = ob_node(&b, "ReduceMean", "mean", OB_LIST("c"), OB_LIST("m"));
    ob_attr_ints(&b, mean, "axes", 2, OB_DIMS(2, 3));
    ob_attr_int(&b, mean, "keepdims", 0);
    ob_gemm(&b, "fc", "m", "y", 10, 4);
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 3);
    CHECK_INT(layer_at(net, 1)->type, FCN_AVERAGE_POOLING);
    CHECK_DIMS(layer_at(net, 1), 8, 8, 4);
    CHECK_OUT(layer_at(net, 1), 1, 1, 4);
    CHECK_DIMS(layer_at(net, 2), 1, 1, 4);
    fcn_network_free(net);
    ob_free(&b);

    conv_base(&b, 18);
    ob_ints_initializer(&b, "axes", 2, OB_DIMS(-1, -2));
    ob_node(&b, "ReduceMax", "max", OB_LIST("c", "axes"), OB_LIST("y"));
    ob_output(&b, "y");
    net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 2);
    CHECK_INT(layer_at(net, 1)->type, FCN_POOLING);
    CHECK_INT(layer_at(net, 1)->pool_type, FCN_POOL_MAX);
    CHECK_INT(layer_at(net, 1)->kernel[0], 8);
    CHECK_INT(layer_at(net, 1)->kernel[1], 8);
    CHECK_OUT(layer_at(net, 1), 1, 1, 4);
    fcn_network_free(net);
    ob_free(&b);

    conv_base(&b, 13);
    ob_attr_ints(&b, ob_node(&b, "ReduceMean", "mean", OB_LIST("c"), OB_LIST("y")), "axes", 1, OB_DIMS(1));
    ob_output(&b, "y");
    expect_error(&b, "test.onnx: node 'mean' (ReduceMean): reduces 1x4x8x8 over other axes than the rows and columns "
                     "(2 and 3 of NCHW), which is not supported");
    ob_free(&b);
}

/* Dilation 2 of a 3x3 kernel spans 5x5: pads 2 keep 8x8. A pool's dilations are an error. */
static void dilations(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    conv_base(&b, 11);
    Onnx__NodeProto *conv = ob_conv(&b, "dil", "c", "y", 6, 4, 3, 0);
    ob_attr_ints(&b, conv, "dilations", 2, OB_DIMS(2, 2));
    ob_attr_ints(&b, conv, "pads", 4, OB_DIMS(2, 2, 2, 2));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 2);
    CHECK_INT(layer_at(net, 1)->dilation[0], 2);
    CHECK_INT(layer_at(net, 1)->dilation[1], 2);
    CHECK_INT(layer_at(net, 0)->dilation[0], 1);
    CHECK_OUT(layer_at(net, 1), 8, 8, 6);
    fcn_network_free(net);
    ob_free(&b);

    conv_base(&b, 11);
    Onnx__NodeProto *pool = ob_node(&b, "MaxPool", "pool", OB_LIST("c"), OB_LIST("y"));
    ob_attr_ints(&b, pool, "kernel_shape", 2, OB_DIMS(2, 2));
    ob_attr_ints(&b, pool, "dilations", 2, OB_DIMS(2, 2));
    ob_output(&b, "y");
    expect_error(&b, "test.onnx: node 'pool' (MaxPool): dilations [2, 2] are not supported (only 1)");
    ob_free(&b);
}

/* Squeeze-excite: Mul(scale 1x4x1x1, map 1x4x8x8): a broadcasting ELTWISE with the map on port 0. */
static void broadcast_join(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    conv_base(&b, 13);
    ob_node(&b, "GlobalAveragePool", "squeeze", OB_LIST("c"), OB_LIST("s"));
    ob_node(&b, "Sigmoid", "gate", OB_LIST("s"), OB_LIST("g"));
    ob_node(&b, "Mul", "scale", OB_LIST("g", "c"), OB_LIST("y"));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    /* conv, split, squeeze, gate, scale */
    CHECK_INT(layer_count(net), 5);
    const fcn_layer *l = layer_at(net, 4);
    CHECK_INT(l->type, FCN_ELTWISE);
    CHECK_INT(l->eltwise_broadcast, 1);
    CHECK_INT(l->eltwise_mul, 1);
    CHECK_INT(l->ports_in, 2);
    CHECK_DIMS(l, 8, 8, 4);
    CHECK_INT(fcn_layer_input(l, 0), 3); /* the split of the conv */
    CHECK_INT(fcn_layer_input(l, 1), 1); /* the gate */
    CHECK_OUT(l, 8, 8, 4);
    fcn_network_free(net);
    ob_free(&b);

    /* A map of other rows beside it is not one value per channel. */
    conv_base(&b, 13);
    Onnx__NodeProto *pool = ob_node(&b, "MaxPool", "rows", OB_LIST("c"), OB_LIST("r"));
    ob_attr_ints(&b, pool, "kernel_shape", 2, OB_DIMS(8, 1));
    ob_node(&b, "Add", "join", OB_LIST("c", "r"), OB_LIST("y"));
    ob_output(&b, "y");
    expect_error(&b, "test.onnx: node 'join' (Add): its inputs 'c' (1x4x8x8) and 'r' (1x4x1x8) differ in shape; the "
                     "hardware joins tensors of one shape, without broadcasting (but for one value per channel, "
                     "1xCx1x1, beside a 1xCxHxW map)");
    ob_free(&b);
}

/* Concat (or Sum) of one input is that input: no layer. */
static void concat_of_one(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    conv_base(&b, 13);
    ob_attr_int(&b, ob_node(&b, "Concat", "cat", OB_LIST("c"), OB_LIST("k")), "axis", 1);
    ob_node(&b, "Sum", "sum", OB_LIST("k"), OB_LIST("k2"));
    ob_node(&b, "Relu", "relu", OB_LIST("k2"), OB_LIST("y"));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 2);
    CHECK_INT(layer_at(net, 1)->type, FCN_RELU);
    CHECK_DIMS(layer_at(net, 1), 8, 8, 4);
    fcn_network_free(net);
    ob_free(&b);
}

int main(void)
{
    pad_folded_into_conv();
    pad_folded_into_average();
    pad_layer();
    pad_axes();
    pad_errors();
    windowed_average();
    reductions();
    dilations();
    broadcast_join();
    concat_of_one();
    return check_summary("test_onnx_layers2d");
}
