/*
 * 3-D layers (docs/MODEL-3D.md) by hand: a 3x3x3 convolution, a 2x2x2 pool,
 * global average pooling and an inner product over a D x R x C x Ch tensor,
 * their figures worked out in the comments from the formulas (16-bit data: a
 * FIFO of up to 512 words is 1 BRAM), the checks' messages, depth through a
 * partition's squeezes, and that depth 1 is the 2-D model.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "layer_test_util.h"

static const fcn_eval_options options = {.freq_mhz = 125, .batch_size = 1};

static fcn_layer make(fcn_layer_type type, int64_t depth, int64_t rows, int64_t cols, int64_t channels)
{
    fcn_layer l;
    fcn_layer_init(&l, type);
    l.name = "l";
    l.depth = depth;
    l.rows = rows;
    l.cols = cols;
    l.channels = channels;
    return l;
}

static fcn_layer conv3(void)
{
    fcn_layer l = make(FCN_CONVOLUTION, 3, 4, 4, 2);
    l.filters = 4;
    l.kernel[0] = l.kernel[1] = l.kernel_depth = 3;
    l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = l.pad_front = l.pad_back = 1;
    return l;
}

static void test_convolution(void)
{
    fcn_layer l = conv3();
    fcn_layer_figures f = evaluate(&l);
    /* Same padding: 3x4x4x2 -> 3x4x4x4. */
    CHECK_INT(f.depth_out, 3);
    CHECK_INT(f.rows_out, 4);
    CHECK_INT(f.cols_out, 4);
    CHECK_INT(f.channels_out, 4);
    const fcn_module_figures *w = &f.modules[0];
    CHECK_INT(w->depth_in, 3);
    CHECK_INT(w->depth_out, 3);
    /*
     * Padded cols 6, padded depth 5, a column of 5x2 = 10 words: line buffers
     * 6*10*(3-1) = 120, column delays 10*3*(3-1) = 60, depth delays
     * 2*3*3*(3-1) = 36.
     */
    CHECK_INT(w->pipeline_depth, 216);
    /* u = [16*27, 102, 38, 3*2 + 9*2, 2 + 2]; BRAM 2 line buffers + 6 column + 18 depth FIFOs, 1 each. */
    CHECK_INT(w->resource.lut, 1976);
    CHECK_INT(w->resource.ff, 2044);
    CHECK_INT(w->resource.bram, 26);
    /* Every output pixel takes 27 x 2 x 4 MACs: 48 pixels. */
    CHECK_INT(f.operations, 27 * 2 * 4 * 48);
    CHECK_INT(f.weights, 2 * 4 * 27);
    CHECK_INT(f.workload_in, 3 * 4 * 4 * 2);
    CHECK_INT(f.workload_out, 3 * 4 * 4 * 4);
    /* One MAC a cycle: 48 pixels x 2 channels x 4 filters x 27 taps. */
    CHECK_NEAR(f.latency, 10368, 1e-6);
    /* Fine 27 (3x3 times the depth taps) unrolls the whole kernel. */
    l.fine = 27;
    f = evaluate(&l);
    CHECK_NEAR(f.latency, 384, 1e-6);
    CHECK_INT(f.modules[2].resource.dsp, 27);
    l.fine = 9;
    f = evaluate(&l);
    CHECK_NEAR(f.latency, 1152, 1e-6);
    l.fine = 6;
    expect_invalid(&l, "fine 6 is not feasible for a 3x3x3 kernel (1, k0 or k0*k1, each times 1 or kernel_depth)");

    /* (2+1)-D: a 3x1x1 temporal convolution with stride 2 over depth 8 -> depth 4 (pad 1). */
    fcn_layer t = make(FCN_CONVOLUTION, 8, 4, 4, 2);
    t.filters = 2;
    t.kernel_depth = 3;
    t.stride_depth = 2;
    t.pad_front = t.pad_back = 1;
    f = evaluate(&t);
    CHECK_INT(f.depth_out, 4);
    CHECK_INT(f.rows_out, 4);
    /* Only the depth delays: 2*1*1*(3-1) words, one column being 10 words x 0 line buffers. */
    CHECK_INT(f.modules[0].pipeline_depth, 4);
    t.fine = 3;
    f = evaluate(&t);
    CHECK_INT(f.modules[2].resource.dsp, 3);
}

static void test_pooling_and_global(void)
{
    fcn_layer p = make(FCN_POOLING, 4, 4, 4, 2);
    p.kernel[0] = p.kernel[1] = p.kernel_depth = 2;
    p.stride[0] = p.stride[1] = p.stride_depth = 2;
    fcn_layer_figures f = evaluate(&p);
    CHECK_INT(f.depth_out, 2);
    CHECK_INT(f.rows_out, 2);
    CHECK_INT(f.cols_out, 2);
    CHECK_NEAR(f.modules[0].rate_out, 8.0 / 64.0, 1e-12);
    /* Column of 4x2 = 8 words: 4*8*1 + 8*2*1 + 2*2*2*1 = 56. */
    CHECK_INT(f.modules[0].pipeline_depth, 56);
    CHECK_INT(f.modules[0].resource.lut, 739);
    CHECK_INT(f.modules[0].resource.ff, 824);
    CHECK_INT(f.modules[1].depth_in, 2);
    CHECK_NEAR(f.latency, 128, 1e-9);

    fcn_layer g = make(FCN_AVERAGE_POOLING, 3, 2, 2, 4);
    f = evaluate(&g);
    CHECK_INT(f.depth_out, 1);
    CHECK_INT(f.rows_out, 1);
    CHECK_NEAR(f.modules[0].rate_out, 1.0 / 12.0, 1e-12);
    CHECK_INT(f.workload_in, 48);
    CHECK_INT(f.workload_out, 4);
    CHECK_INT(fcn_module_latency(&f.modules[0]), 48);

    fcn_layer fc = make(FCN_INNER_PRODUCT, 2, 2, 2, 3);
    fc.filters = 5;
    f = evaluate(&fc);
    CHECK_INT(f.depth_out, 1);
    CHECK_INT(f.weights, 24 * 5);
    CHECK_INT(f.operations, 24 * 5);
    CHECK_NEAR(f.latency, 120, 1e-9);

    fcn_layer r = make(FCN_RELU, 5, 2, 2, 4);
    f = evaluate(&r);
    CHECK_INT(f.depth_out, 5);
    CHECK_NEAR(f.latency, 80, 1e-9);
}

/* Depth 1 with a 1-deep kernel is the 2-D layer, figure for figure. */
static void test_depth_one_is_2d(void)
{
    fcn_layer a = conv3(), b = conv3();
    a.depth = b.depth = 1;
    a.kernel_depth = 1;
    a.pad_front = a.pad_back = 0;
    b.kernel_depth = 1;
    b.pad_front = b.pad_back = 0;
    b.fine = a.fine = 3;
    fcn_layer_figures fa = evaluate(&a), fb = evaluate(&b);
    CHECK(memcmp(&fa.resource, &fb.resource, sizeof fa.resource) == 0);
    /* And without the depth fields at all: a fresh 2-D layer. */
    fcn_layer c;
    fcn_layer_init(&c, FCN_CONVOLUTION);
    c.name = "l";
    c.rows = c.cols = 4;
    c.channels = 2;
    c.filters = 4;
    c.kernel[0] = c.kernel[1] = 3;
    c.pad_top = c.pad_bottom = c.pad_left = c.pad_right = 1;
    c.fine = 3;
    fcn_layer_figures fc = evaluate(&c);
    CHECK(memcmp(&fa.resource, &fc.resource, sizeof fa.resource) == 0);
    CHECK_NEAR(fa.latency, fc.latency, 0);
    CHECK_INT(fa.modules[0].pipeline_depth, fc.modules[0].pipeline_depth);
}

static void test_checks(void)
{
    fcn_layer l = conv3();
    l.depth = 0;
    expect_invalid(&l, "depth_in must be at least 1, got 0");
    l = conv3();
    l.kernel_depth = 0;
    expect_invalid(&l, "kernel_depth must be at least 1, got 0");
    l = conv3();
    l.stride_depth = 0;
    expect_invalid(&l, "stride_depth must be at least 1, got 0");
    l = conv3();
    l.dilation_depth = -1;
    expect_invalid(&l, "dilation_depth must be at least 1, got -1");
    l = conv3();
    l.pad_back = -2;
    expect_invalid(&l, "pad_back must not be negative, got -2");
    l = conv3();
    l.pad_front = l.pad_back = 0;
    l.kernel_depth = 5;
    expect_invalid(&l, "kernel_depth 5 (dilated: 5) is larger than the padded depth 3");
    l = conv3();
    l.depth = 3000000000;
    l.rows = l.cols = 3000;
    expect_invalid(&l, "input 3000000000x3000x3000x2 is too large to model");
    fcn_layer r = make(FCN_RELU, 4, 2, 2, 2);
    r.kernel_depth = 3;
    expect_invalid(&r, "a RELU layer has no window over depth (kernel_depth, stride_depth, dilation_depth 1, "
                       "pad_front and pad_back 0)");
    r.kernel_depth = 1;
    r.pad_front = 1;
    expect_invalid(&r, "a RELU layer has no window over depth");
}

/* A 3-D chain in one partition: depth through the squeeze between them and the memory figures. */
static void test_partition(void)
{
    fcn_layer layers[2];
    layers[0] = conv3();
    layers[0].name = "conv";
    layers[0].coarse_out = 4;
    layers[1] = make(FCN_RELU, 3, 4, 4, 4);
    layers[1].name = "relu";
    fcn_partition part = {.id = 0, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 2, .layers = layers};
    fcn_network net = {.partition_count = 1, .partitions = &part};
    fcn_error err = {{0}};
    CHECK(fcn_network_check(&net, &err) == 0);
    fcn_network_figures figures;
    CHECK(fcn_network_evaluate(&net, &options, &figures, &err) == 0);
    const fcn_partition_figures *p = &figures.partitions[0];
    CHECK_INT(p->layer_count, 3); /* conv, conv_squeeze_relu, relu */
    CHECK_INT(p->layers[1].type, FCN_SQUEEZE);
    CHECK_INT(p->layers[1].depth, 3);
    CHECK_INT(p->figures[1].workload_in, 3 * 4 * 4 * 4);
    CHECK_INT(p->workload_in, 3 * 4 * 4 * 2);
    CHECK_INT(p->workload_out, 3 * 4 * 4 * 4);
    /* The summary walks the same partition to the same figures. */
    fcn_partition_figures s;
    fcn_partition_summary(&part, &options, &s);
    CHECK_NEAR(s.interval, p->interval, 0);
    CHECK_INT(s.pipeline_depth, p->pipeline_depth);
    CHECK_INT(s.resource.bram, p->resource.bram);
    fcn_network_figures_free(&figures);

    /* A consumer expecting another depth is named with both tensors as DxRxCxCh. */
    layers[1].depth = 2;
    CHECK(fcn_network_check(&net, &err) == -1);
    CHECK_MESSAGE(err.message, "layer 'relu': input 2x4x4x4 does not match the output 3x4x4x4 of 'conv'");
}

int main(void)
{
    test_convolution();
    test_pooling_and_global();
    test_depth_one_is_2d();
    test_checks();
    test_partition();
    return check_summary("test_layers_3d");
}
