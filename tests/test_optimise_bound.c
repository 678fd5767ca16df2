/*
 * The optimiser's bound (docs/OPTIMISER-BOUND.md): hand-worked cases on tiny networks and tiny
 * made-up boards, every error's message, the premises of each term checked against every feasible
 * folding of the bundled networks' layers, and no optimised design of a bundled problem above it.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "modules.h"
#include "residual_block.h"

/* A made-up board: 100 MHz, no URAM, ample bandwidth and ports. */
static fcn_platform tiny_board(int64_t lut, int64_t ff, int64_t dsp, int64_t bram, double reconf_s)
{
    fcn_platform p;
    memset(&p, 0, sizeof p);
    strcpy(p.name, "tiny");
    p.resource = (fcn_resource){.lut = lut, .ff = ff, .dsp = dsp, .bram = bram};
    p.freq_mhz = 100;
    p.reconf_time_s = reconf_s;
    p.mem_bandwidth_gbs = 100;
    p.ports = 4;
    p.port_width = 512;
    return p;
}

/* Batch 10 unless said, the whole of each resource. */
static fcn_optimise_options whole_board(int64_t batch)
{
    fcn_optimise_options o;
    fcn_optimise_options_init(&o);
    o.batch_size = batch;
    o.resource_allocation = 1;
    return o;
}

/* A chain of layers in one partition. */
typedef struct chain {
    fcn_layer layers[4];
    fcn_partition part;
    fcn_network net;
} chain;

static void chain_build(chain *c, int count)
{
    c->part = (fcn_partition){.ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = count, .layers = c->layers};
    c->net = (fcn_network){1, &c->part};
}

/* One convolution, 8x8x4 to 8 filters, 3x3, padded: 288 weights, 18,432 MACs, 64 pixels. */
static void one_conv(chain *c)
{
    c->layers[0] = residual_layer(FCN_CONVOLUTION, "c", 4, 8);
    chain_build(c, 1);
}

static fcn_bound bound_of(const fcn_network *net, const fcn_platform *board, const fcn_optimise_options *o)
{
    fcn_bound b;
    fcn_error err;
    memset(&b, 0, sizeof b);
    if (fcn_optimise_bound(net, board, o, &b, &err)) {
        fprintf(stderr, "%s\n", err.message);
        CHECK(0);
    }
    return b;
}

/*
 * DSP 10: 18,432 MACs / 10 = 1,843.2 cycles an input. BRAM 20 (a block per multiplier): 921.6.
 * LUT 2,000: the smallest conv module of 64 output pixels takes int(142.83476 x 6) = 857 LUTs and
 * serves 9 multipliers, 857/9 x 18,432 / 2,000 = 877.568. FF 10^6: int(164.6408 x 6) = 987,
 * 987/9 x 18,432 / 10^6 = 2.021376. Pixels 64. The weights, 288 words of 16 bits, take 0.288 of a
 * block: nothing forced. Batch 10 at 100 MHz: 10 x 1,843.2 / 10^8 s = 184.32 µs, 54,253.47 inputs/s.
 */
static void test_dsp_binds(void)
{
    chain c;
    one_conv(&c);
    const fcn_platform board = tiny_board(2000, 1000000, 10, 20, 0);
    const fcn_optimise_options o = whole_board(10);
    const fcn_bound b = bound_of(&c.net, &board, &o);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_DSP], 1843.2, 1e-12);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_BRAM], 921.6, 1e-12);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_LUT], 877.568, 1e-12);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_FF], 2.021376, 1e-12);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_PIXELS], 64, 1e-12);
    CHECK_INT(b.binds, FCN_BOUND_DSP);
    CHECK(strcmp(fcn_bound_limit_name(b.binds), "DSP") == 0);
    CHECK_NEAR(b.cycles_per_input, 1843.2, 1e-12);
    CHECK_INT(b.batch_size, 10);
    CHECK_NEAR(b.compute_s, 184.32e-6, 1e-12);
    CHECK(b.forced_s == 0);
    CHECK_INT(b.forced_partitions, 1);
    CHECK_INT(b.forced_reloads, 0);
    CHECK_NEAR(b.latency_s, 184.32e-6, 1e-12);
    CHECK_NEAR(b.throughput, 10 / 184.32e-6, 1e-12);
}

/* The bound at batch 10, on the whole of a board, of a network of one layer. */
static fcn_bound layer_bound(fcn_layer layer, const fcn_platform *board)
{
    chain c;
    c.layers[0] = layer;
    chain_build(&c, 1);
    const fcn_optimise_options o = whole_board(10);
    return bound_of(&c.net, board, &o);
}

/* The bound of one_conv at batch 10 on a board of `lut` LUT, `dsp` DSP and `bram` BRAM (FF ample). */
static fcn_bound one_conv_bound(int64_t lut, int64_t dsp, int64_t bram)
{
    chain c;
    one_conv(&c);
    const fcn_platform board = tiny_board(lut, 10000000, dsp, bram, 0);
    return layer_bound(c.layers[0], &board);
}

/* LUT 500: 857 x 2,048 / 500 = 3,510.272 cycles, above the DSP's 1,843.2. */
static void test_lut_binds(void)
{
    const fcn_bound b = one_conv_bound(500, 10, 20);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_LUT], 3510.272, 1e-12);
    CHECK_INT(b.binds, FCN_BOUND_LUT);
    CHECK_NEAR(b.throughput, 10 / (10 * 3510.272 / 1e8), 1e-12);
}

/* A big board: DSP 18,432 MACs / 10,000 = 1.8432 cycles, below the 64 pixels of one a cycle. */
static void test_pixels_bind(void)
{
    const fcn_bound b = one_conv_bound(10000000, 10000, 10000);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_DSP], 1.8432, 1e-12);
    CHECK_INT(b.binds, FCN_BOUND_PIXELS);
    CHECK(strcmp(fcn_bound_limit_name(b.binds), "pixel rate") == 0);
    CHECK_NEAR(b.throughput, 10 / (10 * 64 / 1e8), 1e-12);
}

/* 8-bit operands with dsp_packing share a DSP two by two: 18,432 x 1/2 / 10 = 921.6; 4-bit ones four by four. */
static void test_dsp_packing(void)
{
    fcn_layer l = residual_layer(FCN_CONVOLUTION, "c", 4, 8);
    l.dsp_packing = 1;
    l.weight_width = l.input_width = 8;
    const fcn_platform board = tiny_board(10000000, 10000000, 10, 10000, 0);
    fcn_bound b = layer_bound(l, &board);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_DSP], 921.6, 1e-12);
    l.weight_width = l.input_width = 4;
    b = layer_bound(l, &board);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_DSP], 460.8, 1e-12);
    l.dsp_packing = 0; /* without packing a narrow multiplier still takes a DSP */
    b = layer_bound(l, &board);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_DSP], 1843.2, 1e-12);
}

/*
 * Two convolutions, c1 (8 to 8 channels: 576 weights, 0.576 of a block) and c2 (8 to 16: 1,152
 * weights, 1.152 blocks), on a board of one BRAM block, 100 MHz. One partition: c2 gets what c1
 * leaves, 0.424 of a block, so it reloads its weights 4 times (the smallest divisor of its 16
 * filters at least 1.152 / 0.424 = 2.72): 3 x 288 = 864 cycles, 8.64 µs. Two partitions: c2 alone
 * reloads twice, 1 x 576 cycles = 5.76 µs, plus a reconfiguration. The compute: BRAM binds, a block
 * per multiplier, (576 + 1,152) x 64 = 110,592 MACs over one block.
 */
static void two_convs(chain *c)
{
    c->layers[0] = residual_layer(FCN_CONVOLUTION, "c1", 8, 8);
    c->layers[1] = residual_layer(FCN_CONVOLUTION, "c2", 8, 16);
    chain_build(c, 2);
}

static void test_weights_force(void)
{
    chain c;
    two_convs(&c);
    fcn_platform board = tiny_board(10000000, 10000000, 1000, 1, 1e-6);
    fcn_optimise_options o = whole_board(1);
    fcn_bound b = bound_of(&c.net, &board, &o);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_BRAM], 110592, 1e-12);
    CHECK_INT(b.binds, FCN_BOUND_BRAM);
    CHECK_NEAR(b.forced_s, 1e-6 + 5.76e-6, 1e-12); /* a reconfiguration of 1 µs is the cheaper */
    CHECK_INT(b.forced_partitions, 2);
    CHECK_INT(b.forced_reloads, 1);
    CHECK_NEAR(b.latency_s, 110592 / 1e8 + 6.76e-6, 1e-12);
    board.reconf_time_s = 5e-6; /* 10.76 µs for two partitions: one is cheaper */
    b = bound_of(&c.net, &board, &o);
    CHECK_NEAR(b.forced_s, 8.64e-6, 1e-12);
    CHECK_INT(b.forced_partitions, 1);
    CHECK_INT(b.forced_reloads, 1);
    o.reconf_time_s = 0; /* the option wins over the board's: two partitions for 5.76 µs */
    b = bound_of(&c.net, &board, &o);
    CHECK_NEAR(b.forced_s, 5.76e-6, 1e-12);
    CHECK_INT(b.forced_partitions, 2);
    o.reconf_time_s = -1;
    o.no_reconfiguration = 1; /* one partition whatever it costs */
    board.reconf_time_s = 1e-9;
    b = bound_of(&c.net, &board, &o);
    CHECK_NEAR(b.forced_s, 8.64e-6, 1e-12);
}

/*
 * With URAM the weights may go in either memory: a partition holds 18,432 bits a BRAM block (36 x 512)
 * and 294,912 a URAM block (36 x 8,192), 313,344 bits on one of each, more than the two layers'
 * 27,648: nothing forced. Each multiplier's memory is a block of either: 110,592 MACs / 2 blocks.
 */
static void test_uram(void)
{
    chain c;
    two_convs(&c);
    fcn_platform board = tiny_board(10000000, 10000000, 1000, 1, 1e-6);
    board.resource.uram = 1;
    const fcn_optimise_options o = whole_board(1);
    const fcn_bound b = bound_of(&c.net, &board, &o);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_BRAM], 55296, 1e-12);
    CHECK(b.forced_s == 0);
    CHECK_INT(b.forced_partitions, 1);
}

/* A depthwise convolution's multipliers need no memory in the bound (they may outnumber its weights). */
static void test_grouped(void)
{
    chain c;
    c.layers[0] = residual_layer(FCN_CONVOLUTION, "dw", 8, 8);
    c.layers[0].groups = 8;
    chain_build(&c, 1);
    const fcn_platform board = tiny_board(10000000, 10000000, 10, 1, 0);
    const fcn_optimise_options o = whole_board(1);
    const fcn_bound b = bound_of(&c.net, &board, &o);
    CHECK(b.limit_cycles[FCN_BOUND_BRAM] == 0);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_DSP], 72 * 64 / 10.0, 1e-12); /* 8 x 9 weights, 64 pixels */
}

/*
 * A 3-D convolution (docs/MODEL-3D.md): 8x8 over 4 frames, 4 channels to 8 filters, 3x3x3, padded: 864
 * weights, 256 outputs, 221,184 MACs; DSP 10: 22,118.4 cycles. The smallest conv module of 256
 * outputs takes int(142.83476 x 8) = 1,142 LUTs and serves 27 taps: 1,142 x 8,192 / 2,000 = 4,677.632.
 * With use_lutram its memories may be LUTs: BRAM counts nothing.
 */
static void test_3d_and_lutram(void)
{
    fcn_layer l = residual_layer(FCN_CONVOLUTION, "c", 4, 8);
    l.depth = 4;
    l.kernel_depth = 3;
    l.pad_front = l.pad_back = 1;
    const fcn_platform board = tiny_board(2000, 1000000, 10, 20, 0);
    fcn_bound b = layer_bound(l, &board);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_DSP], 22118.4, 1e-12);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_BRAM], 221184 / 20.0, 1e-12);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_LUT], 4677.632, 1e-12);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_PIXELS], 256, 1e-12);
    l.use_lutram = 1;
    b = layer_bound(l, &board);
    CHECK(b.limit_cycles[FCN_BOUND_BRAM] == 0);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_DSP], 22118.4, 1e-12);
}

static void expect_error(const fcn_network *net, const fcn_platform *board, const fcn_optimise_options *o,
                         const char *part)
{
    fcn_bound b;
    fcn_error err = {{0}};
    CHECK(fcn_optimise_bound(net, board, o, &b, &err) == -1);
    CHECK_MESSAGE(err.message, part);
}

static void test_errors(void)
{
    chain c;
    one_conv(&c);
    fcn_platform board = tiny_board(2000, 1000000, 0, 20, 0);
    fcn_optimise_options o = whole_board(10);
    expect_error(&c.net, &board, &o,
                 "nothing fits on tiny: layer 'c' needs DSP for its multipliers and 1 of the platform's 0 allows none");
    board.resource.dsp = 10;
    board.resource.bram = 0;
    expect_error(&c.net, &board, &o, "layer 'c' needs BRAM for its multipliers");
    o.resource_allocation = 0;
    expect_error(&c.net, &board, &o, "resource allocation 0 is outside (0, 1]");
    expect_error(NULL, &board, &o, "fcn_optimise_bound needs a model, a platform, options and a result");
    fcn_bound b;
    fcn_error err;
    CHECK(fcn_optimise_bound(&c.net, &board, &o, NULL, &err) == -1);

    /* 256 channels x 9 = 2,304 weights a filter: 2.304 blocks even reloaded as often as it has filters. */
    c.layers[0] = residual_layer(FCN_CONVOLUTION, "big", 256, 16);
    board = tiny_board(10000000, 10000000, 1000, 1, 0);
    o = whole_board(1);
    expect_error(&c.net, &board, &o,
                 "nothing fits on tiny: the 36864 weights of layer 'big' need at least 2.304 BRAM blocks even "
                 "reloaded 16 times, more than the 1 the allocation allows");
    /* c1 (2,304 weights) fits alone reloaded; in one partition with c2 it cannot reload and does not fit. */
    c.layers[0] = residual_layer(FCN_CONVOLUTION, "c1", 16, 16);
    c.layers[1] = residual_layer(FCN_CONVOLUTION, "c2", 16, 16);
    chain_build(&c, 2);
    CHECK(fcn_optimise_bound(&c.net, &board, &o, &b, &err) == 0);
    o.no_reconfiguration = 1;
    expect_error(&c.net, &board, &o,
                 "nothing fits on tiny in one partition: the network's weights need more than the 1 BRAM blocks "
                 "the allocation allows, even with weights reloading");
    CHECK(fcn_bound_limit_name(FCN_BOUND_LIMITS) == NULL);
}

int main(void)
{
    test_dsp_binds();
    test_lut_binds();
    test_pixels_bind();
    test_dsp_packing();
    test_weights_force();
    test_uram();
    test_grouped();
    test_3d_and_lutram();
    test_errors();
    return check_summary("test_optimise_bound");
}
