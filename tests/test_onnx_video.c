/*
 * The parser over a clip (5-D input, N x C x D x H x W; docs/ONNX-OPERATORS.md "Video"), layer by
 * layer: the fields it sets (rows from H, cols from W, depth from D; each window's kernel, stride,
 * dilation and pads over depth, ONNX's [front, top, left, back, bottom, right] put in their places),
 * worked by hand from the committed graphs (tests/data/gen/make_video.py; their dims, besides, are
 * compared with ONNX's shape inference in test_onnx_corpus.c), and every error a 3-D window adds,
 * each on models built in C.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "onnx_parse_util.h"

static fcn_network *parse_file(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "data/models/video/%s.onnx", name);
    fcn_error err = {{0}};
    fcn_network *net = fcn_onnx_parse(path, NULL, &err);
    if (!net)
        fprintf(stderr, "%s: %s\n", path, err.message);
    CHECK(net != NULL);
    return net;
}

#define CHECK_DIMS4(layer, r, c, d, ch)                                                \
    do {                                                                               \
        CHECK_DIMS(layer, r, c, ch);                                                   \
        CHECK_INT((layer)->depth, d);                                                  \
    } while (0)

/* A 3-D window as ONNX gives it, D, H, W: kernel {kD, kH, kW}, strides alike, pads {front, top, left,
 * back, bottom, right}. */
typedef struct onnx_window {
    int64_t kernel[3], stride[3], pads[6];
} onnx_window;

static void check_window(const fcn_layer *l, onnx_window w)
{
    const int64_t got[12] = {l->kernel_depth, l->kernel[0], l->kernel[1], l->stride_depth, l->stride[0],
                             l->stride[1], l->pad_front, l->pad_top, l->pad_left, l->pad_back, l->pad_bottom,
                             l->pad_right};
    const int64_t want[12] = {w.kernel[0], w.kernel[1], w.kernel[2], w.stride[0], w.stride[1], w.stride[2],
                              w.pads[0], w.pads[1], w.pads[2], w.pads[3], w.pads[4], w.pads[5]};
    for (int i = 0; i < 12; i++)
        CHECK_INT(got[i], want[i]);
}

/* The layer's output: rows, cols, depth, channels. */
static void check_output(const fcn_layer *l, int64_t rows, int64_t cols, int64_t depth, int64_t channels)
{
    fcn_layer_figures f;
    fcn_layer_evaluate(l, &f);
    const int64_t got[4] = {f.rows_out, f.cols_out, f.depth_out, f.channels_out}, want[4] = {rows, cols, depth,
                                                                                              channels};
    for (int i = 0; i < 4; i++)
        CHECK_INT(got[i], want[i]);
}

/*
 * conv3d_asymmetric: input 1x6x5x15x14 (C 6, D 5, H 15, W 14); kernel_shape [2, 5, 3], strides
 * [2, 1, 3], pads [front 1, top 2, left 0, back 0, bottom 1, right 2]: rows (15 + 2 + 1 - 5) / 1 + 1
 * = 14, cols (14 + 0 + 2 - 3) / 3 + 1 = 5, depth (5 + 1 + 0 - 2) / 2 + 1 = 3.
 */
static void test_asymmetric_window(void)
{
    fcn_network *net = parse_file("conv3d_asymmetric");
    if (!net)
        return;
    const fcn_layer *l = &net->partitions[0].layers[0];
    CHECK_DIMS4(l, 15, 14, 5, 6);
    check_window(l, (onnx_window){{2, 5, 3}, {2, 1, 3}, {1, 2, 0, 0, 1, 2}});
    check_output(l, 14, 5, 3, 6);
    fcn_network_free(net);
}

/* conv3d_dilation: 1x12x4x10x11, 3x3x3 with dilations [2, 3, 1], pads half the extents [2, 3, 1] a side. */
static void test_dilation(void)
{
    fcn_network *net = parse_file("conv3d_dilation");
    if (!net)
        return;
    const fcn_layer *l = &net->partitions[0].layers[0];
    CHECK_DIMS4(l, 10, 11, 4, 12);
    CHECK_INT(l->dilation_depth, 2);
    CHECK_INT(l->dilation[0], 3);
    CHECK_INT(l->dilation[1], 1);
    check_window(l, (onnx_window){{3, 3, 3}, {1, 1, 1}, {2, 3, 1, 2, 3, 1}});
    check_output(l, 10, 11, 4, 4); /* depth 4 + 4 - (2 * 2 + 1) + 1 */
    fcn_network_free(net);
}

/*
 * R(2+1)D's factorised pair (conv3d_2plus1d, input 1x8x4x18x12): 1x3x3 stride 1x2x2 pads 0,1,1, then
 * 3x1x1 stride 2x1x1 pads 1,0,0: the first keeps the 4 frames (9x6 pixels), the second halves them.
 */
static void test_factorised(void)
{
    fcn_network *net = parse_file("conv3d_2plus1d");
    if (!net)
        return;
    const fcn_layer *spatial = &net->partitions[0].layers[0], *temporal = &net->partitions[0].layers[2];
    CHECK_INT(net->partitions[0].layer_count, 4);
    check_window(spatial, (onnx_window){{1, 3, 3}, {1, 2, 2}, {0, 1, 1, 0, 1, 1}});
    CHECK_DIMS4(temporal, 9, 6, 4, 10);
    check_window(temporal, (onnx_window){{3, 1, 1}, {2, 1, 1}, {1, 0, 0, 1, 0, 0}});
    check_output(temporal, 9, 6, 2, 8); /* depth (4 + 2 - 3) / 2 + 1 */
    fcn_network_free(net);
}

/*
 * maxpool3d_ceil: 1x12x9x17x17, 3x3x3 stride 2, pads [front 1, top 0, left 1, back 0, bottom 1, right 0]
 * and ceil_mode: each axis ends with the padding the ceil takes. D: (9 + 1 + 0 - 3) / 2 = 3.5, ceil 4,
 * 5 out, whose last window ends at 4 * 2 + 3 = 11, one past the padded 10: back 0 + 1. H: (17 + 0 + 1
 * - 3) / 2 = 7.5, 9 out, bottom 1 + 1. W: (17 + 1 + 0 - 3) / 2, 9 out, right 0 + 1.
 */
static void test_ceil_pool(void)
{
    fcn_network *net = parse_file("maxpool3d_ceil");
    if (!net)
        return;
    const fcn_layer *l = &net->partitions[0].layers[0];
    CHECK_INT(l->type, FCN_POOLING);
    check_window(l, (onnx_window){{3, 3, 3}, {2, 2, 2}, {1, 0, 1, 1, 2, 1}});
    check_output(l, 9, 9, 5, 12);
    fcn_network_free(net);
}

/* The global pools and ReduceMean over D, H, W: AVERAGE_POOLING over the clip, GlobalMaxPool a POOLING
 * whose kernel is the whole clip; the head after them is 2-D (depth 1). */
static void test_global_pools(void)
{
    fcn_network *net = parse_file("globalmaxpool3d"); /* 1x4x6x18x12 -> conv 6 -> pool -> gemm */
    if (net) {
        const fcn_layer *pool = &net->partitions[0].layers[1], *fc = &net->partitions[0].layers[2];
        CHECK_INT(pool->type, FCN_POOLING);
        CHECK_INT(pool->kernel[0], 18);
        CHECK_INT(pool->kernel[1], 12);
        CHECK_INT(pool->kernel_depth, 6);
        CHECK_DIMS4(fc, 1, 1, 1, 6);
    }
    fcn_network_free(net);
    static const char *const averages[] = {"globalavgpool3d", "reducemean3d_keepdims0", "reducemean3d_keepdims1",
                                           "avgpool3d_whole"};
    for (size_t i = 0; i < sizeof averages / sizeof averages[0]; i++) {
        net = parse_file(averages[i]);
        if (!net)
            continue;
        const fcn_partition *p = &net->partitions[0];
        int found = 0;
        for (int k = 0; k < p->layer_count; k++)
            if (p->layers[k].type == FCN_AVERAGE_POOLING) {
                found++;
                CHECK(p->layers[k].depth > 1);
                fcn_layer_figures f;
                fcn_layer_evaluate(&p->layers[k], &f);
                CHECK_INT(f.rows_out * f.cols_out * f.depth_out, 1);
            }
        CHECK_INT(found, 1);
        fcn_network_free(net);
    }
}

/* C3D's flattened clip: the first inner product takes the 2x4x4x32 clip streamed before the Flatten. */
static void test_c3d(void)
{
    fcn_network *net = parse_file("c3d_tiny");
    if (!net)
        return;
    const fcn_partition *p = &net->partitions[0];
    CHECK_INT(p->layer_count, 14);
    const fcn_layer *fc = &p->layers[11];
    CHECK_INT(fc->type, FCN_INNER_PRODUCT);
    CHECK_DIMS4(fc, 4, 4, 2, 32);
    CHECK_INT(fc->filters, 64);
    CHECK_INT(p->layers[2].type, FCN_POOLING);
    CHECK_INT(p->layers[2].kernel_depth, 1); /* the 1x2x2 pool keeps the frames */
    CHECK_INT(p->layers[5].kernel_depth, 2);
    CHECK_INT(p->layers[5].stride_depth, 2);
    fcn_network_free(net);
}

/* ------------------------------------------------------------------ errors */

/* x (1x3x4x8x8) -> Conv 4 3x3x3 pads 1 -> c: a valid clip model to spoil. */
static Onnx__NodeProto *clip_conv(onnx_builder *b)
{
    ob_init(b, 11);
    ob_input(b, "x", 5, OB_DIMS(1, 3, 4, 8, 8));
    ob_weight(b, "w", 5, OB_DIMS(4, 3, 3, 3, 3));
    Onnx__NodeProto *n = ob_node(b, "Conv", "conv", OB_LIST("x", "w"), OB_LIST("c"));
    ob_attr_ints(b, n, "kernel_shape", 3, OB_DIMS(3, 3, 3));
    ob_attr_ints(b, n, "pads", 6, OB_DIMS(1, 1, 1, 1, 1, 1));
    ob_output(b, "c");
    return n;
}

static void test_errors(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    clip_conv(&b);
    fcn_network *net = parse_built(&b, NULL, &err); /* the unspoilt model parses */
    CHECK(net != NULL);
    if (net)
        CHECK_DIMS4(&net->partitions[0].layers[0], 8, 8, 4, 3);
    fcn_network_free(net);
    ob_free(&b);

    clip_conv(&b);
    b.graph.node[0]->attribute[0]->n_ints = 2; /* kernel_shape [3, 3] */
    expect_parse_error(&b, "test.onnx", "test.onnx: node 'conv' (Conv): attribute 'kernel_shape' has 2 values; a 3-D "
                       "window needs 3");
    ob_free(&b);

    clip_conv(&b);
    b.graph.node[0]->attribute[1]->n_ints = 4;
    expect_parse_error(&b, "test.onnx", "node 'conv' (Conv): attribute 'pads' has 4 values; a 3-D window needs 6");
    ob_free(&b);

    clip_conv(&b);
    b.graph.initializer[0]->n_dims = 4; /* a 2-D kernel on a clip */
    expect_parse_error(&b, "test.onnx", "node 'conv' (Conv): weight 'w' is 4x3x3x3; a 3-D convolution's has 5 dims");
    ob_free(&b);

    clip_conv(&b);
    b.graph.initializer[0]->dims[2] = 7;
    expect_parse_error(&b, "test.onnx",
                       "node 'conv' (Conv): attribute 'kernel_shape' [3, 3, 3] disagrees with the weight's 7x3x3 kernel");
    ob_free(&b);

    clip_conv(&b);
    b.graph.initializer[0]->dims[2] = 7;
    b.graph.node[0]->attribute[0]->name = ob_str(&b, "unused"); /* the kernel from the weight: 7 frames over 4 + 2 */
    expect_parse_error(&b, "test.onnx", "node 'conv' (Conv): its 7x3x3 kernel is larger than the padded 6x10x10 input");
    ob_free(&b);

    clip_conv(&b);
    b.graph.initializer[0]->dims[1] = 2;
    expect_parse_error(&b, "test.onnx", "weight 'w' is 4x2x3x3x3, which does not fit 3 input channels in 1 group(s) "
                       "(expected Mx3xkDxkHxkW with M divisible by 1)");
    ob_free(&b);

    /* A pool over a clip: its dilations must be 1 (all three named). */
    ob_init(&b, 11);
    ob_input(&b, "x", 5, OB_DIMS(1, 3, 4, 8, 8));
    Onnx__NodeProto *pool = ob_node(&b, "MaxPool", "pool", OB_LIST("x"), OB_LIST("y"));
    ob_attr_ints(&b, pool, "kernel_shape", 3, OB_DIMS(2, 2, 2));
    ob_attr_ints(&b, pool, "dilations", 3, OB_DIMS(1, 2, 2));
    ob_output(&b, "y");
    expect_parse_error(&b, "test.onnx", "node 'pool' (MaxPool): dilations [1, 2, 2] are not supported (only 1)");
    ob_free(&b);

    /* A 5-D tensor in a 2-D network stays what it was: a Conv cannot take it. */
    ob_init(&b, 11);
    ob_input(&b, "x", 4, OB_DIMS(1, 4, 8, 8));
    ob_ints_initializer(&b, "shape", 5, OB_DIMS(1, 2, 2, 8, 8));
    ob_node(&b, "Reshape", "reshape", OB_LIST("x", "shape"), OB_LIST("r"));
    ob_weight(&b, "w", 5, OB_DIMS(4, 2, 1, 1, 1));
    Onnx__NodeProto *conv = ob_node(&b, "Conv", "conv", OB_LIST("r", "w"), OB_LIST("y"));
    ob_attr_ints(&b, conv, "kernel_shape", 3, OB_DIMS(1, 1, 1));
    ob_output(&b, "y");
    expect_parse_error(&b, "test.onnx", "node 'conv' (Conv): expects a 4-D input, got 1x2x2x8x8");
    ob_free(&b);
}

int main(void)
{
    test_asymmetric_window();
    test_dilation();
    test_factorised();
    test_ceil_pool();
    test_global_pools();
    test_c3d();
    test_errors();
    return check_summary("test_onnx_video");
}
