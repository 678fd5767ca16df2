/*
 * Today's 2-D layers (docs/MODEL-2D.md) by hand: every new type and field,
 * its figures worked out in the comments from the formulas (16-bit data
 * unless said: a dw x dw multiplier is ceil(32/48) = 1 DSP; a RAM of up to
 * 1000 16-bit words is 1 BRAM), its checks' messages, CHOP's per-port
 * channels and broadcast ports through networks and partitions, and a
 * configuration round trip of a network with every new type.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "layer_test_util.h"

static fcn_layer make(fcn_layer_type type, int64_t rows, int64_t cols, int64_t channels, int64_t coarse)
{
    fcn_layer l;
    fcn_layer_init(&l, type);
    l.name = "l";
    l.rows = rows;
    l.cols = cols;
    l.channels = channels;
    l.coarse_in = l.coarse_out = coarse;
    return l;
}

static void check_resources(const fcn_layer_figures *f, int64_t lut, int64_t ff, int64_t dsp, int64_t bram)
{
    CHECK_INT(f->resource.lut, lut);
    CHECK_INT(f->resource.ff, ff);
    CHECK_INT(f->resource.dsp, dsp);
    CHECK_INT(f->resource.bram, bram);
}

/* ------------------------------------------------------------ layers */

static void test_resize(void)
{
    /*
     * 4x5x8, coarse 2 (4 channels a stream), scale 2x3: out 8x15x8. Per
     * stream: rate_in 1/(2*3), rate_out 1; pipeline depth
     * cols*C*(s0-1) + C*(s1-1) = 5*4*1 + 4*2 = 28; 16 LUT, 35 FF and a row
     * held (5*4 = 20 words: 1 BRAM). Latency: in 160/(1/6*2) = 480, out
     * 8*15*8/2 = 480.
     */
    fcn_layer l = make(FCN_RESIZE, 4, 5, 8, 2);
    l.scale[0] = 2;
    l.scale[1] = 3;
    fcn_layer_figures f = evaluate(&l);
    CHECK_INT(f.rows_out, 8);
    CHECK_INT(f.cols_out, 15);
    CHECK_INT(f.channels_out, 8);
    CHECK_NEAR(f.rate_in, 1.0 / 6.0, 1e-12);
    CHECK_NEAR(f.rate_out, 1.0, 1e-12);
    CHECK_INT(f.pipeline_depth, 28);
    CHECK_NEAR(f.latency, 480, 1e-12);
    check_resources(&f, 32, 70, 0, 2);
    /* Bilinear: two rows held (40 words, still 1 BRAM) and three multipliers a stream. */
    l.resize_mode = FCN_RESIZE_BILINEAR;
    f = evaluate(&l);
    check_resources(&f, 32, 70, 6, 2);
    /* Scale 1 on rows: no row to repeat, no RAM; depth C*(s1-1) = 8. */
    l.resize_mode = FCN_RESIZE_NEAREST;
    l.scale[0] = 1;
    f = evaluate(&l);
    check_resources(&f, 32, 70, 0, 0);
    CHECK_INT(f.pipeline_depth, 8);

    l.scale[1] = 0;
    expect_invalid(&l, "scale[1] must be at least 1, got 0");
    l.scale[1] = 1;
    l.resize_mode = (fcn_resize_mode)2;
    expect_invalid(&l, "resize_mode 2 is neither nearest (0) nor bilinear (1)");
    l.resize_mode = FCN_RESIZE_NEAREST;
    l.scale[0] = 2;
    l.data_width = 40; /* the row held is a RAM */
    expect_invalid(&l, "data_width 40 is outside 1..36");
    l = make(FCN_RESIZE, 4, 5, 8, 2);
    l.coarse_out = 4;
    expect_invalid(&l, "coarse_in 2 and coarse_out 4 differ; this layer has one coarse factor");
}

static void test_pad(void)
{
    /*
     * 4x5x8, coarse 2, pads top 1, bottom 2, left 3: out 7x8x8. Per stream:
     * rate_in 4*5/(7*8) = 20/56, 16 LUT, 35 FF, no depth. Latency follows
     * the output: 7*8*8/2 = 224 (in: 160/(20/56*2) = 224 too).
     */
    fcn_layer l = make(FCN_PAD, 4, 5, 8, 2);
    l.pad_top = 1;
    l.pad_bottom = 2;
    l.pad_left = 3;
    fcn_layer_figures f = evaluate(&l);
    CHECK_INT(f.rows_out, 7);
    CHECK_INT(f.cols_out, 8);
    CHECK_NEAR(f.rate_in, 20.0 / 56.0, 1e-12);
    CHECK_NEAR(f.latency, 224, 1e-12);
    CHECK_INT(f.pipeline_depth, 0);
    check_resources(&f, 32, 70, 0, 0);
    l.pad_right = -1;
    expect_invalid(&l, "pad_right must not be negative, got -1");
}

static void test_chop(void)
{
    /*
     * 4x4x8, coarse 2, split {6, 2}: port 0 gives 6 channels, port 1 two.
     * Per stream 4 channels in, port 0's 3 out: rate_out 3/4; no resources
     * (upstream's ChopLayer). Latency: in 128/2 = 64; out 4*4*6/(0.75*2) = 64.
     */
    int64_t split[2] = {6, 2};
    fcn_layer l = make(FCN_CHOP, 4, 4, 8, 2);
    l.ports_out = 2;
    l.port_channels = split;
    fcn_layer_figures f = evaluate(&l);
    CHECK_INT(f.channels_out, 6);
    CHECK_INT(fcn_layer_output_channels(&l, 0, f.channels_out), 6);
    CHECK_INT(fcn_layer_output_channels(&l, 1, f.channels_out), 2);
    CHECK_NEAR(f.rate_out, 0.75, 1e-12);
    CHECK_NEAR(f.latency, 64, 1e-12);
    check_resources(&f, 0, 0, 0, 0);

    /* Offsets: port 0 takes channels 2..7, port 1 channels 0..1 (ShuffleNet's order). */
    int64_t offsets[2] = {2, 0};
    l.port_offsets = offsets;
    evaluate(&l);
    offsets[0] = 3;
    expect_invalid(&l, "output port 0 takes channels 3..8, outside the 8 channels in");
    offsets[0] = -1;
    expect_invalid(&l, "output port 0 takes channels -1..4, outside the 8 channels in");
    offsets[0] = offsets[1] = 0;
    split[1] = 4;
    expect_invalid(&l, "its output ports take 10 channels, more than the 8 channels in");
    l.port_offsets = NULL;
    expect_invalid(&l, "output port 1 takes channels 6..9, outside the 8 channels in");
    split[1] = 1;
    expect_invalid(&l, "coarse 2 does not divide the 1 channels of output port 1");
    split[1] = 0;
    expect_invalid(&l, "output port 1 has 0 channels");
    split[1] = 2;
    l.ports_out = FCN_MAX_PORTS + 1;
    expect_invalid(&l, "ports_out 65 is outside 1..64");
    l.ports_out = 2;
    l.port_channels = NULL;
    expect_invalid(&l, "a CHOP layer needs each output port's channels");
}

static void test_shuffle(void)
{
    /*
     * 3x3x8, 2 groups, coarse 2 (4 channels a stream). Per stream: depth 4;
     * counters 2*ceil(log2(2*4)) = 6 bits; LUT 6 + 16*2 (a 2-way select of
     * 16 bits) = 38, FF 6 + 16 = 22; RAM of 8 words: 1 BRAM. Latency 72/2 = 36.
     */
    fcn_layer l = make(FCN_SHUFFLE, 3, 3, 8, 2);
    l.groups = 2;
    fcn_layer_figures f = evaluate(&l);
    CHECK_INT(f.pipeline_depth, 4);
    CHECK_NEAR(f.latency, 36, 1e-12);
    check_resources(&f, 76, 44, 0, 2);
    l.groups = 3;
    expect_invalid(&l, "groups 3 does not divide channels_in 8");
    l.groups = 0;
    expect_invalid(&l, "groups must be at least 1, got 0");
}

static void test_layer_norm(void)
{
    /*
     * 3x3x8, coarse 2 (4 channels a stream). Per stream: depth 4; logic
     * 2*(2*16 + ceil(log2 4)) + 16 = 84 LUT and FF; 3 DSP; BRAM: 8 words
     * held (1) + gamma and beta of 4 words (1 + 1) = 3. Shared: adders
     * 2*(2-1)*(32 + ceil(log2 8)) = 70 LUT and FF; 2 DSP; a 2^14-word table
     * of 16 bits: ceil(16384/1000) = 17 BRAM. Total: LUT 2*84 + 70 = 238,
     * FF 238, DSP 2*3 + 2 = 8, BRAM 2*3 + 17 = 23.
     */
    fcn_layer l = make(FCN_LAYER_NORM, 3, 3, 8, 2);
    fcn_layer_figures f = evaluate(&l);
    CHECK_INT(f.pipeline_depth, 4);
    CHECK_NEAR(f.latency, 36, 1e-12);
    check_resources(&f, 238, 238, 8, 23);
    l.data_width = 0;
    expect_invalid(&l, "data_width 0 is outside 1..36");
}

static void test_activations(void)
{
    /* SILU: upstream's 16 LUT, 35 FF, 4 DSP a stream; GELU one DSP more. */
    fcn_layer l = make(FCN_SILU, 3, 3, 8, 2);
    fcn_layer_figures f = evaluate(&l);
    check_resources(&f, 32, 70, 8, 0);
    CHECK_NEAR(f.latency, 36, 1e-12);
    l.type = FCN_GELU;
    f = evaluate(&l);
    check_resources(&f, 32, 70, 10, 0);
    /*
     * LEAKY_RELU: ReLU's model on 3*3*4 = 36 words a stream: LUT
     * int(1.8480*16 + 1.5423*ceil(log2 36)=6) = int(38.82) = 38, FF
     * int(1.9625*16 + 1.9159*6) = int(42.89) = 42; a multiplier: 1 DSP.
     */
    l.type = FCN_LEAKY_RELU;
    f = evaluate(&l);
    check_resources(&f, 76, 84, 2, 0);
    l.alpha = NAN;
    expect_invalid(&l, "alpha must be a finite number");
    /* PRELU: LEAKY_RELU's and a slope per channel of the stream (4 words: 1 BRAM). */
    l = make(FCN_PRELU, 3, 3, 8, 2);
    f = evaluate(&l);
    check_resources(&f, 76, 84, 2, 2);
}

static void test_eltwise_broadcast(void)
{
    /* 4x4x8 product, coarse 2: 49 LUT, 23 FF, 1 DSP a stream; broadcasting holds 4 words a stream: 1 BRAM. */
    int inputs[2] = {1, 2};
    fcn_layer l = make(FCN_ELTWISE, 4, 4, 8, 2);
    l.ports_in = 2;
    l.inputs = inputs;
    l.eltwise_mul = 1;
    fcn_layer_figures f = evaluate(&l);
    check_resources(&f, 98, 46, 2, 0);
    l.eltwise_broadcast = 1;
    f = evaluate(&l);
    check_resources(&f, 98, 46, 2, 2);
    CHECK_NEAR(f.latency, 64, 1e-12); /* port 0's 4*4*8 words over 2 streams */
    l.eltwise_broadcast = 2;
    expect_invalid(&l, "eltwise_broadcast must be 0 or 1, got 2");
    fcn_layer r = make(FCN_RELU, 4, 4, 8, 2);
    r.eltwise_broadcast = 1;
    expect_invalid(&r, "eltwise_broadcast is set on a RELU layer; only an ELTWISE broadcasts");
}

static void test_average_pooling_window(void)
{
    /* Pooling 2x2 stride 2: averaging adds one multiplier a stream to max pooling's figures (upstream's Pool). */
    fcn_layer l = make(FCN_POOLING, 4, 4, 4, 2);
    l.kernel[0] = l.kernel[1] = 2;
    l.stride[0] = l.stride[1] = 2;
    const fcn_layer_figures max = evaluate(&l);
    l.pool_type = FCN_POOL_AVG;
    const fcn_layer_figures avg = evaluate(&l);
    check_resources(&avg, max.resource.lut, max.resource.ff, max.resource.dsp + 2, max.resource.bram);
    CHECK_NEAR(avg.latency, max.latency, 1e-12);
    CHECK_INT(avg.rows_out, 2);
    l.pool_type = (fcn_pool_type)2;
    expect_invalid(&l, "pool_type 2 is neither max (0) nor avg (1)");
}

static void test_dilation(void)
{
    /*
     * 20x20x32 convolution to 32, 3x3 dilated by 2: the window spans 5, so
     * 16x16 out. Sliding window: depth cols*C*(5-1) + C*k0*d1*(k1-1) =
     * 20*32*4 + 32*3*2*2 = 2944 (dense: 20*32*2 + 32*3*2 = 1472); BRAM
     * (k0-1)*fifo(2*20*32+1 = 1281 words: 9-bit shape, 2 blocks) +
     * k0*(k1-1)*fifo(2*32+1: 1) = 4 + 6 = 10 (dense: 2*fifo(641: 1) + 6 = 8);
     * LUT as the dense window's (k0 x k1 taps).
     */
    fcn_layer l = make(FCN_CONVOLUTION, 20, 20, 32, 1);
    l.filters = 32;
    l.kernel[0] = l.kernel[1] = 3;
    const fcn_layer_figures dense = evaluate(&l);
    l.dilation[0] = l.dilation[1] = 2;
    const fcn_layer_figures f = evaluate(&l);
    CHECK_INT(f.rows_out, 16);
    CHECK_INT(f.cols_out, 16);
    CHECK_INT(f.modules[0].pipeline_depth, 2944);
    CHECK_INT(dense.modules[0].pipeline_depth, 1472);
    CHECK_INT(f.modules[0].resource.bram, 10);
    CHECK_INT(dense.modules[0].resource.bram, 8);
    CHECK_INT(f.modules[0].resource.lut, dense.modules[0].resource.lut);

    l.dilation[1] = 0;
    expect_invalid(&l, "dilation[1] must be at least 1, got 0");
    l.dilation[1] = 10; /* spans 21 > 20 */
    expect_invalid(&l, "kernel 3x3 dilated by 2x10 spans 5x21, more than the padded input 20x20");
    /* Pooling takes dilation too. */
    fcn_layer p = make(FCN_POOLING, 9, 9, 4, 1);
    p.kernel[0] = p.kernel[1] = 3;
    p.dilation[0] = p.dilation[1] = 3;
    const fcn_layer_figures pf = evaluate(&p);
    CHECK_INT(pf.rows_out, 3); /* (9 - 7)/1 + 1 */
}

/* ------------------------------------------------------------ networks */

static const fcn_eval_options options = {.freq_mhz = 100, .reconf_time_s = 0.01, .batch_size = 0};

/*
 *   chop (8x8x8, coarse 2, split {6, 2}) -> relu_a (6 channels, coarse 1)
 *                                         -> relu_b (2 channels, coarse 2)
 * relu_a reads port 0 through a squeeze of 6 channels (2 -> 1 streams);
 * relu_b port 1 directly. Both write to memory.
 */
static void test_chop_network(void)
{
    int64_t split[2] = {6, 2};
    int inputs_b[1] = {2};
    fcn_layer layers[3];
    layers[0] = make(FCN_CHOP, 8, 8, 8, 2);
    layers[0].name = "chop";
    layers[0].ports_out = 2;
    layers[0].port_channels = split;
    layers[1] = make(FCN_RELU, 8, 8, 6, 1);
    layers[1].name = "relu_a";
    layers[2] = make(FCN_RELU, 8, 8, 2, 2);
    layers[2].name = "relu_b";
    layers[2].inputs = inputs_b;
    fcn_partition part = {.id = 0, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 3, .layers = layers};
    fcn_network net = {.partition_count = 1, .partitions = &part};
    fcn_error err = {{0}};
    CHECK(fcn_network_check(&net, &err) == 0);
    fcn_network_figures figures;
    CHECK(fcn_network_evaluate(&net, &options, &figures, &err) == 0);
    const fcn_partition_figures *p = &figures.partitions[0];
    /* chop, chop_squeeze_relu_a, relu_a, relu_b. */
    CHECK_INT(p->layer_count, 4);
    CHECK(strcmp(p->layers[1].name, "chop_squeeze_relu_a") == 0);
    CHECK_INT(p->layers[1].channels, 6);
    CHECK_INT(p->layers[1].coarse_in, 2);
    CHECK_INT(p->layers[1].coarse_out, 1);
    /* Memory: relu_a's 8*8*6 and relu_b's 8*8*2 words out; the chop's 8*8*8 in. */
    CHECK_INT(p->workload_out, 8 * 8 * 6 + 8 * 8 * 2);
    CHECK_INT(p->workload_in, 8 * 8 * 8);
    CHECK_INT(p->outputs, 2);
    fcn_network_figures_free(&figures);

    /* relu_b cut into a partition of its own: the chop's port 1 (2 channels) goes through memory. */
    fcn_partition parts[2] = {
        {.id = 0, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 2, .layers = layers},
        {.id = 1, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 1, .layers = &layers[2]},
    };
    fcn_network cut = {.partition_count = 2, .partitions = parts};
    CHECK(fcn_network_check(&cut, &err) == 0);
    CHECK(fcn_network_evaluate(&cut, &options, &figures, &err) == 0);
    CHECK_INT(figures.partitions[0].workload_out, 8 * 8 * 6 + 8 * 8 * 2);
    CHECK_INT(figures.partitions[1].workload_in, 8 * 8 * 2);
    fcn_network_figures_free(&figures);

    /* A reader of port 1 that expects port 0's channels. */
    layers[2].channels = 6;
    layers[2].coarse_in = layers[2].coarse_out = 1;
    CHECK(fcn_network_check(&net, &err) == -1);
    CHECK_MESSAGE(err.message, "layer 'relu_b': input 8x8x6 does not match the output port 1 8x8x2 of 'chop'");
    layers[2].channels = 2;
    /* Three output ports, two readers. */
    int64_t three[3] = {4, 2, 2};
    layers[0].port_channels = three;
    layers[0].ports_out = 3;
    layers[1].channels = 4;
    CHECK(fcn_network_check(&net, &err) == -1);
    CHECK_MESSAGE(err.message, "layer 'chop': a CHOP with 3 output ports has 2 consumers");
}

/*
 * Squeeze-excite: split -> avg (global, 1x1x8) -> mul (port 0: the split's
 * 4x4x8, port 1: the 1x1x8 broadcast).
 */
static void test_broadcast_network(void)
{
    int mul_inputs[2] = {2, 1};
    fcn_layer layers[3];
    layers[0] = make(FCN_SPLIT, 4, 4, 8, 1);
    layers[0].name = "split";
    layers[0].ports_out = 2;
    layers[1] = make(FCN_AVERAGE_POOLING, 4, 4, 8, 1);
    layers[1].name = "gap";
    layers[2] = make(FCN_ELTWISE, 4, 4, 8, 1);
    layers[2].name = "mul";
    layers[2].ports_in = 2;
    layers[2].inputs = mul_inputs;
    layers[2].eltwise_mul = 1;
    layers[2].eltwise_broadcast = 1;
    fcn_partition part = {.id = 0, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 3, .layers = layers};
    fcn_network net = {.partition_count = 1, .partitions = &part};
    fcn_error err = {{0}};
    CHECK(fcn_network_check(&net, &err) == 0);
    /* Without broadcasting, port 1 must be 4x4x8. */
    layers[2].eltwise_broadcast = 0;
    CHECK(fcn_network_check(&net, &err) == -1);
    CHECK_MESSAGE(err.message, "layer 'mul': input of port 1 4x4x8 does not match the output 1x1x8 of 'gap'");
    layers[2].eltwise_broadcast = 1;
    /* The broadcast port read from memory: 1x1x8 words in. */
    fcn_partition parts[2] = {
        {.id = 0, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 2, .layers = layers},
        {.id = 1, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 1, .layers = &layers[2]},
    };
    fcn_network cut = {.partition_count = 2, .partitions = parts};
    CHECK(fcn_network_check(&cut, &err) == 0);
    fcn_network_figures figures;
    CHECK(fcn_network_evaluate(&cut, &options, &figures, &err) == 0);
    CHECK_INT(figures.partitions[1].workload_in, 4 * 4 * 8 + 8);
    fcn_network_figures_free(&figures);
}

/* ----------------------------------------------------------- validation */

/* The violations of `net` against a roomy board, with `model` for coverage; one string of them all. */
static void validate_text(const fcn_network *net, const fcn_network *model, char *text, size_t size)
{
    fcn_platform board = {.name = "big", .resource = {.lut = 1000000, .ff = 2000000, .dsp = 5000, .bram = 5000},
                          .freq_mhz = 100, .reconf_time_s = 0.01, .mem_bandwidth_gbs = 100, .ports = 4, .port_width = 64};
    fcn_validate_options o = {.resource_allocation = 1, .model = model};
    fcn_network_figures f;
    fcn_violations v = {0};
    fcn_error err = {{0}};
    text[0] = 0;
    CHECK(fcn_network_evaluate(net, &options, &f, &err) == 0);
    CHECK(fcn_validate(&f, &board, &o, &v, &err) == 0);
    for (int i = 0; i < v.count; i++)
        snprintf(text + strlen(text), size - strlen(text), "%s\n", v.messages[i]);
    fcn_violations_free(&v);
    fcn_network_figures_free(&f);
}

/*
 * chop (split {6, 2}) in partition 0; relu_a (port 0) and relu_b (port 1)
 * in partition 1, both reading memory: the hand-over compares each with
 * the port it reads. Coverage compares the CHOP's ports and LEAKY_RELU's alpha.
 */
static void test_validation(void)
{
    int64_t split[2] = {6, 2}, model_split[2] = {4, 4};
    int inputs_b[1] = {2};
    fcn_layer layers[4];
    layers[0] = make(FCN_CHOP, 8, 8, 8, 2);
    layers[0].name = "chop";
    layers[0].ports_out = 2;
    layers[0].port_channels = split;
    layers[1] = make(FCN_RELU, 8, 8, 6, 2);
    layers[1].name = "relu_a";
    layers[2] = make(FCN_RELU, 8, 8, 2, 2);
    layers[2].name = "relu_b";
    layers[2].inputs = inputs_b;
    layers[3] = make(FCN_LEAKY_RELU, 8, 8, 2, 2);
    layers[3].name = "leaky";
    fcn_partition parts[2] = {
        {.id = 0, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 1, .layers = layers},
        {.id = 1, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 3, .layers = &layers[1]},
    };
    fcn_network net = {.partition_count = 2, .partitions = parts};
    fcn_error err = {{0}};
    CHECK(fcn_network_check(&net, &err) == 0);
    char text[4096];
    validate_text(&net, &net, text, sizeof text);
    CHECK_INT(strlen(text), 0);
    if (text[0])
        fprintf(stderr, "unexpected: %s", text);

    /* A model whose chop splits {4, 4} and whose leaky has alpha 0.5. */
    fcn_layer model_layers[4];
    memcpy(model_layers, layers, sizeof layers);
    model_layers[0].port_channels = model_split;
    model_layers[3].alpha = 0.5;
    fcn_partition model_part = {.id = 0, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 4,
                                .layers = model_layers};
    fcn_network model = {.partition_count = 1, .partitions = &model_part};
    validate_text(&net, &model, text, sizeof text);
    CHECK_MESSAGE(text, "partition 0: layer 'chop' has output port 0 channels 6 where the model's layer 1 'chop' has 4");
    CHECK_MESSAGE(text, "partition 1: layer 'leaky' has alpha 0.01 where the model's layer 4 'leaky' has 0.5");

    /* The hand-over: relu_b declared with port 0's 6 channels, in its own partition (so the check passes). */
    fcn_partition three[3] = {
        {.id = 0, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 1, .layers = layers},
        {.id = 1, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 1, .layers = &layers[1]},
        {.id = 2, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 2, .layers = &layers[2]},
    };
    fcn_network cut = {.partition_count = 3, .partitions = three};
    layers[2].channels = 6;
    layers[3].channels = 6;
    CHECK(fcn_network_check(&cut, &err) == 0);
    validate_text(&cut, NULL, text, sizeof text);
    CHECK_MESSAGE(text, "partition 2: its input 8x8x6 is not the output 8x8x2 of partition 0 ('relu_b' reads 'chop')");
}

/* ------------------------------------------------- configuration files */

#define NET_LAYERS 15

/*
 * One partition with every new type and field, 8x8x8 in:
 * conv_d (3x3 dilated 2, pad 2) -> pool_avg (2x2/2: 4x4) -> pad (1: 6x6) ->
 * resize (x2 bilinear: 12x12) -> silu -> gelu -> leaky -> prelu -> norm ->
 * shuffle -> split -> gap (1x1x8) -> mul (broadcast) -> chop {4, 4} with
 * offsets {4, 0} -> relu_a (port 0), relu_b (port 1).
 */
static void build_network(fcn_layer *layers, int64_t *split, int64_t *offsets, int *mul_inputs, int *b_inputs)
{
    static const fcn_layer_type types[NET_LAYERS] = {
        FCN_CONVOLUTION, FCN_POOLING, FCN_PAD, FCN_RESIZE, FCN_SILU, FCN_GELU, FCN_LEAKY_RELU, FCN_PRELU,
        FCN_LAYER_NORM, FCN_SHUFFLE, FCN_SPLIT, FCN_AVERAGE_POOLING, FCN_ELTWISE, FCN_CHOP, FCN_RELU};
    static const char *const names[NET_LAYERS] = {"conv_d", "pool_avg", "pad", "resize", "silu", "gelu", "leaky",
                                                  "prelu", "norm", "shuffle", "split", "gap", "mul", "chop",
                                                  "relu_a"};
    for (int i = 0; i < NET_LAYERS; i++) {
        const int64_t size = i == 0 ? 8 : i == 1 ? 8 : i == 2 ? 4 : i == 3 ? 6 : 12;
        layers[i] = make(types[i], size, size, 8, 1);
        layers[i].name = (char *)names[i];
    }
    layers[0].filters = 8;
    layers[0].kernel[0] = layers[0].kernel[1] = 3;
    layers[0].dilation[0] = layers[0].dilation[1] = 2;
    layers[0].pad_top = layers[0].pad_bottom = layers[0].pad_left = layers[0].pad_right = 2;
    layers[1].kernel[0] = layers[1].kernel[1] = 2;
    layers[1].stride[0] = layers[1].stride[1] = 2;
    layers[1].pool_type = FCN_POOL_AVG;
    layers[2].pad_top = layers[2].pad_bottom = layers[2].pad_left = layers[2].pad_right = 1;
    layers[3].scale[0] = layers[3].scale[1] = 2;
    layers[3].resize_mode = FCN_RESIZE_BILINEAR;
    layers[6].alpha = 0.25;
    layers[9].groups = 2;
    layers[10].ports_out = 2;
    layers[12].ports_in = 2;
    layers[12].inputs = mul_inputs;
    layers[12].eltwise_mul = 1;
    layers[12].eltwise_broadcast = 1;
    layers[13].ports_out = 2;
    layers[13].port_channels = split;
    layers[13].port_offsets = offsets;
    layers[14].channels = 4;
    layers[15] = make(FCN_RELU, 12, 12, 4, 1);
    layers[15].name = "relu_b";
    layers[15].inputs = b_inputs;
}

static void test_config_round_trip(fcn_config_format format)
{
    int64_t split[2] = {4, 4}, offsets[2] = {4, 0};
    int mul_inputs[2] = {2, 1}, b_inputs[1] = {2};
    fcn_layer layers[NET_LAYERS + 1];
    build_network(layers, split, offsets, mul_inputs, b_inputs);
    fcn_partition part = {.id = 0, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = NET_LAYERS + 1,
                          .layers = layers};
    fcn_network net = {.partition_count = 1, .partitions = &part};
    fcn_error err = {{0}};
    CHECK(fcn_network_check(&net, &err) == 0);
    if (err.message[0])
        fprintf(stderr, "unexpected: %s\n", err.message);
    char *text = fcn_network_write_string_format(&net, format, &err);
    CHECK(text != NULL);
    fcn_network *read = text ? fcn_network_read_string(text, "rt.json", &err) : NULL;
    CHECK(read != NULL);
    if (!read) {
        fprintf(stderr, "%s\n", err.message);
        free(text);
        return;
    }
    char *again = fcn_network_write_string_format(read, format, &err);
    CHECK(again && strcmp(text, again) == 0);
    /* The fields survive, and nothing else was invented. */
    const fcn_layer *l = read->partitions[0].layers;
    CHECK_INT(read->partitions[0].layer_count, NET_LAYERS + 1);
    CHECK_INT(l[0].dilation[0], 2);
    CHECK_INT(l[0].dilation[1], 2);
    CHECK_INT(l[1].pool_type, FCN_POOL_AVG);
    CHECK_INT(l[1].dilation[0], 1);
    CHECK_INT(l[2].pad_left, 1);
    CHECK_INT(l[3].scale[0], 2);
    CHECK_INT(l[3].resize_mode, FCN_RESIZE_BILINEAR);
    CHECK_NEAR(l[6].alpha, 0.25, 0);
    CHECK_INT(l[9].groups, 2);
    CHECK_INT(l[12].eltwise_broadcast, 1);
    CHECK_INT(l[12].eltwise_mul, 1);
    CHECK_INT(l[13].ports_out, 2);
    CHECK(l[13].port_channels && l[13].port_channels[0] == 4 && l[13].port_channels[1] == 4);
    CHECK(l[13].port_offsets && l[13].port_offsets[0] == 4 && l[13].port_offsets[1] == 0);
    CHECK(l[15].inputs && l[15].inputs[0] == 2);
    /* Upstream's spellings. */
    CHECK(text && strstr(text, "\"split\": [") && strstr(text, "\"scale\": [") && strstr(text, "\"broadcast\": true") &&
          strstr(text, "\"dilation_rows\": 2"));
    /* A pooling's operation: 0.1.1's extension field, the newest form's op_type. */
    CHECK(text && strstr(text, format == FCN_CONFIG_NEWEST ? "\"op_type\": \"avg\"" : "\"pool_type\": \"avg\""));
    /* Defaults are not written: the plain ReLU and the dense max pooling carry none of the new fields. */
    fcn_network_free(read);
    free(again);
    free(text);
}

/* A document with one layer's parameters replaced, read back: must fail naming the field. */
static void expect_read_error(const char *params, const char *type, const char *part)
{
    char doc[2048];
    snprintf(doc, sizeof doc,
             "{\"partition\": [{\"id\": 0, \"ports\": 1, \"batch_size\": 1, \"weights_reloading_factor\": 1, "
             "\"weights_reloading_layer\": \"None\", \"layers\": [{\"name\": \"x\", \"type\": \"%s\", "
             "\"parameters\": {\"rows_in\": 4, \"cols_in\": 4, \"channels_in\": 8, %s}}]}]}",
             type, params);
    fcn_error err = {{0}};
    fcn_network *net = fcn_network_read_string(doc, "e.json", &err);
    CHECK(net == NULL);
    CHECK_MESSAGE(err.message, part);
    fcn_network_free(net);
}

static void test_config_errors(void)
{
    expect_read_error("\"coarse\": 1", "CHOP", "missing required parameter \"split\"");
    expect_read_error("\"split\": [4, 4], \"ports_out\": 3", "CHOP", "ports_out 3 disagrees with the 2 entries of split");
    expect_read_error("\"split\": [4, 4], \"port_offsets\": [0]", "CHOP", "port_offsets has 1 entries, but split has 2");
    expect_read_error("\"split\": [4, \"a\"]", "CHOP", "field 'split[1]': expected an integer");
    expect_read_error("\"split\": []", "CHOP", "field 'split': expected 1..64 integers");
    expect_read_error("\"scale\": [2, 2, 2]", "RESIZE", "field 'scale': expected [rows, cols] or [rows, cols, 1]");
    expect_read_error("\"scale\": [2, 0]", "RESIZE", "field 'scale[1]': must be at least 1, got 0");
    expect_read_error("\"resize_mode\": \"cubic\"", "RESIZE", "field 'resize_mode': expected \"nearest\" or \"bilinear\"");
    expect_read_error("\"pool_type\": \"min\", \"kernel_size\": [2, 2]", "POOLING",
                      "field 'pool_type': expected \"max\" or \"avg\"");
    expect_read_error("\"broadcast\": 2", "ELTWISE", "field 'broadcast': expected \"false\" or \"true\"");
    expect_read_error("\"alpha\": \"x\"", "LEAKY_RELU", "field 'alpha': expected a number");
    expect_read_error("\"dilation_rows\": 0, \"kernel_size\": [1, 1], \"filters\": 8", "CONVOLUTION",
                      "field 'dilation_rows': must be at least 1, got 0");

    /* Upstream's other spellings read: op_type "avg" on a POOLING, scale as floats. */
    const char *doc =
        "{\"partition\": [{\"id\": 0, \"ports\": 1, \"batch_size\": 1, \"weights_reloading_factor\": 1, "
        "\"weights_reloading_layer\": \"None\", \"layers\": ["
        "{\"name\": \"p\", \"type\": \"POOLING\", \"parameters\": {\"rows_in\": 4, \"cols_in\": 4, \"channels_in\": 8, "
        "\"kernel_size\": [2, 2], \"stride\": [2, 2], \"op_type\": \"avg\"}},"
        "{\"name\": \"r\", \"type\": \"RESIZE\", \"parameters\": {\"rows_in\": 2, \"cols_in\": 2, \"channels_in\": 8, "
        "\"scale\": [2.0, 3.0, 1.0]}}]}]}";
    fcn_error err = {{0}};
    fcn_network *net = fcn_network_read_string(doc, "u.json", &err);
    CHECK(net != NULL);
    if (net) {
        CHECK_INT(net->partitions[0].layers[0].pool_type, FCN_POOL_AVG);
        CHECK_INT(net->partitions[0].layers[1].scale[1], 3);
    } else {
        fprintf(stderr, "%s\n", err.message);
    }
    fcn_network_free(net);
}

/* ------------------------------------------------------------ optimiser */

/*
 * The network with every new type, optimised on a ZC706-sized board: the
 * result passes the checks and validation at the allocation, and the CHOP's
 * coarse divides every port's channels (and its offsets' groups: 4 at most).
 */
static void test_optimise(void)
{
    int64_t split[2] = {4, 4}, offsets[2] = {4, 0};
    int mul_inputs[2] = {2, 1}, b_inputs[1] = {2};
    fcn_layer layers[NET_LAYERS + 1];
    build_network(layers, split, offsets, mul_inputs, b_inputs);
    fcn_partition part = {.id = 0, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = NET_LAYERS + 1,
                          .layers = layers};
    fcn_network model = {.partition_count = 1, .partitions = &part};
    fcn_platform board = {.name = "zc706", .resource = {.lut = 218600, .ff = 437200, .dsp = 900, .bram = 1090},
                          .freq_mhz = 125, .reconf_time_s = 0.08, .mem_bandwidth_gbs = 4.2, .ports = 2, .port_width = 64};
    fcn_optimise_options o;
    fcn_optimise_options_init(&o);
    o.iterations = 3000;
    o.time_limit_s = 60;
    fcn_error err = {{0}};
    fcn_network *net = fcn_optimise(&model, &board, &o, NULL, &err);
    CHECK(net != NULL);
    if (!net) {
        fprintf(stderr, "%s\n", err.message);
        return;
    }
    CHECK(fcn_network_check(net, &err) == 0);
    fcn_network_figures f;
    CHECK(fcn_network_evaluate(net, &options, &f, &err) == 0);
    fcn_validate_options vo = {.resource_allocation = 0.8, .model = &model};
    fcn_violations v = {0};
    CHECK(fcn_validate(&f, &board, &vo, &v, &err) == 0);
    CHECK_INT(v.count, 0);
    for (int i = 0; i < v.count; i++)
        fprintf(stderr, "violation: %s\n", v.messages[i]);
    fcn_violations_free(&v);
    fcn_network_figures_free(&f);
    for (int p = 0; p < net->partition_count; p++)
        for (int i = 0; i < net->partitions[p].layer_count; i++) {
            const fcn_layer *l = &net->partitions[p].layers[i];
            if (l->type == FCN_CHOP)
                CHECK(4 % l->coarse_in == 0);
        }
    fcn_network_free(net);
}

int main(void)
{
    test_resize();
    test_pad();
    test_chop();
    test_shuffle();
    test_layer_norm();
    test_activations();
    test_eltwise_broadcast();
    test_average_pooling_window();
    test_dilation();
    test_chop_network();
    test_broadcast_network();
    test_validation();
    test_config_round_trip(FCN_CONFIG_0_1_1);
    test_config_round_trip(FCN_CONFIG_NEWEST);
    test_config_errors();
    test_optimise();
    return check_summary("test_layers_2d");
}
