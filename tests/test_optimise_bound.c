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

/* The bound of a chain on the whole of a board at a batch size. */
static fcn_bound chain_bound(const chain *c, const fcn_platform *board, int64_t batch)
{
    const fcn_optimise_options o = whole_board(batch);
    return bound_of(&c->net, board, &o);
}

/* Cycles per input of each resource, LUT, FF, DSP and BRAM, as expected. */
static void check_resources(const double *cycles, double lut, double ff, double dsp, double bram)
{
    CHECK_NEAR(cycles[FCN_BOUND_LUT], lut, 1e-12);
    CHECK_NEAR(cycles[FCN_BOUND_FF], ff, 1e-12);
    CHECK_NEAR(cycles[FCN_BOUND_DSP], dsp, 1e-12);
    CHECK_NEAR(cycles[FCN_BOUND_BRAM], bram, 1e-12);
}

/*
 * The multipliers' terms (§2.3). DSP 10: 18,432 MACs / 10 = 1,843.2 cycles an input. BRAM 20 (a block
 * per multiplier): 921.6. LUT 2,000: the smallest conv module of 64 output pixels takes
 * int(142.83476 x 6) = 857 LUTs and serves 9 multipliers, 857/9 x 18,432 / 2,000 = 877.568. FF 10^6:
 * int(164.6408 x 6) = 987, 987/9 x 18,432 / 10^6 = 2.021376. Pixels 64. The weights, 288 words of 16
 * bits, take 0.288 of a block: nothing forced. The area-time term: every folding's latency x DSP is at
 * least its MACs, one a DSP a cycle, and a folding of 9 multipliers (fine 9) takes 2,048 cycles on 9
 * DSP: 1,843.2 again; each of the other limits is at least its multipliers' term. DSP and BRAM tie at
 * 1,843.2 and no mix beats them: DSP, the first, binds. Batch 10 at 100 MHz: 10 x 1,843.2 / 10^8 s =
 * 184.32 µs, 54,253.47 inputs/s.
 */
static void test_dsp_binds(void)
{
    chain c;
    one_conv(&c);
    const fcn_platform board = tiny_board(2000, 1000000, 10, 20, 0);
    const fcn_bound b = chain_bound(&c, &board, 10);
    check_resources(b.multiplier_cycles, 877.568, 2.021376, 1843.2, 921.6);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_DSP], 1843.2, 1e-12);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_PIXELS], 64, 1e-12);
    for (int r = 0; r < FCN_BOUND_PIXELS; r++) {
        CHECK(b.limit_cycles[r] >= b.multiplier_cycles[r]);
        CHECK(b.area_cycles >= b.limit_cycles[r]);
    }
    CHECK(b.limit_cycles[FCN_BOUND_LUT] > 2 * b.multiplier_cycles[FCN_BOUND_LUT]); /* the other modules' LUT */
    CHECK_NEAR(b.area_cycles, 1843.2, 1e-12);
    CHECK(b.area_share[FCN_BOUND_DSP] == 1);
    CHECK_INT(b.binds, FCN_BOUND_DSP);
    CHECK(strcmp(fcn_bound_limit_name(b.binds), "DSP") == 0);
    CHECK_NEAR(b.cycles_per_input, 1843.2, 1e-12);
    CHECK_INT(b.batch_size, 10);
    CHECK_NEAR(b.compute_s, 184.32e-6, 1e-12);
    CHECK(b.forced_s == 0);
    CHECK_INT(b.forced_partitions, 1);
    CHECK_INT(b.forced_reloads, 0);
    /*
     * The partitions term (§4): whole foldings only. Within 2,000 LUT, 10 DSP and 20 BRAM the only ways
     * reload the weights 8 times (one filter of 36 weights: more filters take more LUT); the fastest,
     * fine 9 (9 DSP, 18 BRAM), makes 8 passes of 256 cycles and reloads 7 x 36 weights a batch of 10:
     * 2,048 + 25.2 cycles an input, 207.32 µs in one partition, which binds.
     */
    CHECK_NEAR(b.partitions_s, 207.32e-6, 1e-12);
    CHECK_INT(b.partitions_count, 1);
    CHECK_INT(b.partitions_bind, 1);
    CHECK_NEAR(b.latency_s, 207.32e-6, 1e-12);
    CHECK_NEAR(b.throughput, 10 / 207.32e-6, 1e-12);
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

/* An 8x8 convolution of 1x1 kernels, `channels` to `filters`. */
static fcn_layer pointwise(const char *name, int64_t channels, int64_t filters)
{
    fcn_layer l = residual_layer(FCN_CONVOLUTION, name, channels, filters);
    l.kernel[0] = l.kernel[1] = 1;
    l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = 0;
    return l;
}

/*
 * The area-time term by hand (§2.1): a 1x1 convolution of 8x8, 1 channel to 2 filters, then a ReLU,
 * on LUT 1,000, FF 10^6, DSP 10, BRAM 10. Every way (wr x latency; LUT, FF, DSP, BRAM):
 * - conv, coarse_out 1: 128 cycles; 1,320, 1,646, 1, 1. Its conv module of 2 filters takes
 *   int(463.16376 + 142.83476 x 6) = 1,320 LUT.
 * - conv, coarse_out 2: 64 cycles; 1,718 LUT (two modules of one filter, 857 each, and a fork of 4):
 *   more than the 1,000 a partition has, so no design holds it.
 * - conv reloading its weights twice (one filter): 2 x 64 cycles; 857, 987, 1, 1.
 * - relu, coarse 1: 128 cycles; int(1.84801 x 16 + 1.54234 x 7) = 40 LUT, int(1.96248 x 16 +
 *   1.91587 x 7) = 44 FF. Coarse 2: 64 cycles; 2 x 38, 2 x 42. After the conv reloading twice
 *   (1 channel): 2 x 64 cycles; 38, 42.
 * Cheapest in LUT: 2 x 64 x 857 = 109,696 and 64 x 76 = 2 x 64 x 38 = 4,864: 114,560 / 1,000 =
 * 114.56 cycles an input; FF (126,336 + 5,376) / 10^6; DSP and BRAM 128 / 10. The multipliers' LUT
 * term was the conv's 128 MACs x 857 / 1,000 = 109.696: the ReLU's LUT are what the area-time term adds.
 * The conv's reloading way beats the others in every resource and so do the ReLU's cheapest: no mix of
 * resources beats LUT alone.
 */
static void test_area_by_hand(void)
{
    chain c;
    c.layers[0] = pointwise("c", 1, 2);
    c.layers[1] = residual_layer(FCN_RELU, "r", 2, 0);
    chain_build(&c, 2);
    const fcn_platform board = tiny_board(1000, 1000000, 10, 10, 0);
    const fcn_bound b = chain_bound(&c, &board, 10);
    check_resources(b.limit_cycles, 114.56, 0.131712, 12.8, 12.8);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_PIXELS], 64, 1e-12);
    CHECK_NEAR(b.multiplier_cycles[FCN_BOUND_LUT], 109.696, 1e-12);
    CHECK_NEAR(b.area_cycles, 114.56, 1e-12);
    CHECK(b.area_share[FCN_BOUND_LUT] == 1 && b.area_share[FCN_BOUND_DSP] == 0);
    CHECK_INT(b.binds, FCN_BOUND_LUT);
    CHECK_NEAR(b.cycles_per_input, 114.56, 1e-12);
    /*
     * The partitions term (§4): the convolution's only way within 1,000 LUT reloads its weights twice,
     * 2 x 64 cycles and 1 weight reloaded a batch of 10: 128.1 cycles an input; the ReLU after it, 38
     * LUT at 64 cycles (or 40 at 128), fits beside its 857 LUT in one partition: 10 x 128.1 / 10^8 s,
     * which binds.
     */
    CHECK_NEAR(b.partitions_s, 12.81e-6, 1e-12);
    CHECK_INT(b.partitions_bind, 1);
    CHECK_NEAR(b.throughput, 10 / 12.81e-6, 1e-12);
}

/*
 * A mix of resources beats each alone (§2.2): a 1x1 convolution of 8x8, 2 channels to 1 filter, on
 * LUT 3,200 and BRAM 4 (FF 10^7, DSP 10^6: next to nothing). Its two ways: coarse_in 1, 128 cycles,
 * 986 LUT (the conv module's 857 and an accumulator's 129) and 2 BRAM (a weights memory and the
 * accumulator's); coarse_in 2, 64 cycles, 3,181 LUT (two conv modules and a glue of
 * int(733.755 x 2) = 1,467) and 2 BRAM (two weights memories). As cost . w with x the weight of LUT
 * and 1 - x BRAM's: 39.44 x + 64 (1 - x) and 63.62 x + 32 (1 - x). LUT alone gives 39.44, BRAM alone
 * 32; the two meet at x = 32 / 56.18, where both are 2,809.6 / 56.18 = 50.0107 cycles an input (below
 * the 64 pixels, which bind). LUT's share of it is x, BRAM's 24.18 / 56.18.
 */
static void test_area_mix(void)
{
    fcn_platform board = tiny_board(3200, 10000000, 1000000, 4, 0);
    const fcn_bound b = layer_bound(pointwise("c", 2, 1), &board);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_LUT], 39.44, 1e-12);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_BRAM], 32, 1e-12);
    CHECK_NEAR(b.area_cycles, 2809.6 / 56.18, 1e-9);
    CHECK_NEAR(b.area_share[FCN_BOUND_LUT], 32 / 56.18, 1e-6);
    CHECK_NEAR(b.area_share[FCN_BOUND_BRAM], 24.18 / 56.18, 1e-6);
    CHECK_INT(b.binds, FCN_BOUND_PIXELS);
    CHECK_NEAR(b.cycles_per_input, 64, 1e-12);
    board.resource.lut = 3180; /* coarse_in 2 no longer fits: coarse_in 1's BRAM alone, 256 / 4, is the most */
    const fcn_bound one = layer_bound(pointwise("c", 2, 1), &board);
    CHECK_NEAR(one.area_cycles, 64, 1e-12);
    CHECK(one.area_share[FCN_BOUND_BRAM] == 1);
}

/* The bound of one_conv at batch 10 on a board of `lut` LUT, `dsp` DSP and `bram` BRAM (FF ample). */
static fcn_bound one_conv_bound(int64_t lut, int64_t dsp, int64_t bram)
{
    chain c;
    one_conv(&c);
    const fcn_platform board = tiny_board(lut, 10000000, dsp, bram, 0);
    return layer_bound(c.layers[0], &board);
}

/*
 * LUT 2,000 and DSP 1,000: the multipliers' LUT, 877.568, above their DSP, 18.432. The area-time
 * term's LUT is larger still (the sliding window, accumulators, glue) and binds.
 */
static void test_lut_binds(void)
{
    const fcn_bound b = one_conv_bound(2000, 1000, 1000);
    CHECK_NEAR(b.multiplier_cycles[FCN_BOUND_LUT], 877.568, 1e-12);
    CHECK(b.limit_cycles[FCN_BOUND_LUT] > b.multiplier_cycles[FCN_BOUND_LUT]);
    CHECK_INT(b.binds, FCN_BOUND_LUT);
    CHECK(b.cycles_per_input >= b.limit_cycles[FCN_BOUND_LUT]);
    /* Whole foldings cost more than the area-time term's share of the LUT: the partitions term binds. */
    CHECK(b.partitions_s > 10 * b.cycles_per_input / 1e8);
    CHECK_INT(b.partitions_bind, 1);
    CHECK_NEAR(b.throughput, 10 / b.partitions_s, 1e-12);
}

/* A big board: DSP 18,432 MACs / 10,000 = 1.8432 cycles, below the 64 pixels of one a cycle. */
static void test_pixels_bind(void)
{
    const fcn_bound b = one_conv_bound(10000000, 10000, 10000);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_DSP], 1.8432, 1e-12);
    CHECK(b.area_cycles < 64);
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
    CHECK_NEAR(b.multiplier_cycles[FCN_BOUND_DSP], 921.6, 1e-12);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_DSP], 921.6, 1e-12);
    l.weight_width = l.input_width = 4;
    b = layer_bound(l, &board);
    CHECK_NEAR(b.multiplier_cycles[FCN_BOUND_DSP], 460.8, 1e-12);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_DSP], 460.8, 1e-12);
    l.dsp_packing = 0; /* without packing a narrow multiplier still takes a DSP */
    b = layer_bound(l, &board);
    CHECK_NEAR(b.multiplier_cycles[FCN_BOUND_DSP], 1843.2, 1e-12);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_DSP], 1843.2, 1e-12);
}

/*
 * Two 1x1 convolutions of 8x8, c1 (24 to 96 channels: 2,304 weights, 2.304 blocks) and c2 (96 to 48:
 * 4,608 weights, 4.608 blocks), on a board of 4 BRAM blocks, 100 MHz. One partition: c2 gets what c1
 * leaves, 1.696 blocks, so it reloads its weights 3 times (the smallest divisor of its 48 filters at
 * least 4.608 / 1.696 = 2.72): 2 x 1,536 = 3,072 cycles, 30.72 µs. Two partitions: c2 alone reloads
 * twice, 1 x 2,304 cycles = 23.04 µs, plus a reconfiguration. The multipliers' BRAM term, a block
 * each: (2,304 + 4,608) x 64 = 442,368 MACs over 4 blocks, 110,592 cycles.
 */
static void two_convs(chain *c)
{
    c->layers[0] = pointwise("c1", 24, 96);
    c->layers[1] = pointwise("c2", 96, 48);
    chain_build(c, 2);
}

static void test_weights_force(void)
{
    chain c;
    two_convs(&c);
    fcn_platform board = tiny_board(10000000, 10000000, 1000, 4, 1e-6);
    fcn_optimise_options o = whole_board(1);
    fcn_bound b = bound_of(&c.net, &board, &o);
    CHECK_NEAR(b.multiplier_cycles[FCN_BOUND_BRAM], 110592, 1e-12);
    CHECK(b.limit_cycles[FCN_BOUND_BRAM] >= b.multiplier_cycles[FCN_BOUND_BRAM]);
    CHECK_INT(b.binds, FCN_BOUND_BRAM);
    CHECK_NEAR(b.forced_s, 1e-6 + 23.04e-6, 1e-12); /* a reconfiguration of 1 µs is the cheaper */
    CHECK_INT(b.forced_partitions, 2);
    CHECK_INT(b.forced_reloads, 1);
    CHECK_NEAR(b.latency_s, b.cycles_per_input / 1e8 + 24.04e-6, 1e-12);
    board.reconf_time_s = 10e-6; /* 33.04 µs for two partitions: one is cheaper */
    b = bound_of(&c.net, &board, &o);
    CHECK_NEAR(b.forced_s, 30.72e-6, 1e-12);
    CHECK_INT(b.forced_partitions, 1);
    CHECK_INT(b.forced_reloads, 1);
    o.reconf_time_s = 0; /* the option wins over the board's: two partitions for 23.04 µs */
    b = bound_of(&c.net, &board, &o);
    CHECK_NEAR(b.forced_s, 23.04e-6, 1e-12);
    CHECK_INT(b.forced_partitions, 2);
    o.reconf_time_s = -1;
    o.no_reconfiguration = 1; /* one partition whatever it costs */
    board.reconf_time_s = 1e-9;
    b = bound_of(&c.net, &board, &o);
    CHECK_NEAR(b.forced_s, 30.72e-6, 1e-12);
}

/*
 * With URAM the weights may go in either memory: a partition holds 18,432 bits a BRAM block (36 x 512)
 * and 294,912 a URAM block (36 x 8,192), 368,640 bits on 4 and 1, more than the two layers' 110,592:
 * nothing forced. Each multiplier's memory is a block of either: 442,368 MACs / 5 blocks. The
 * area-time term's BRAM weighs both memories, at least as the multipliers' term weighs them.
 */
static void test_uram(void)
{
    chain c;
    two_convs(&c);
    fcn_platform board = tiny_board(10000000, 10000000, 1000, 4, 1e-6);
    board.resource.uram = 1;
    const fcn_optimise_options o = whole_board(1);
    const fcn_bound b = bound_of(&c.net, &board, &o);
    CHECK_NEAR(b.multiplier_cycles[FCN_BOUND_BRAM], 88473.6, 1e-12);
    CHECK(b.limit_cycles[FCN_BOUND_BRAM] >= b.multiplier_cycles[FCN_BOUND_BRAM]);
    board.resource.uram = 0; /* URAM holds weights that would take BRAM blocks */
    CHECK(b.limit_cycles[FCN_BOUND_BRAM] < bound_of(&c.net, &board, &o).limit_cycles[FCN_BOUND_BRAM]);
    CHECK_INT(b.binds, FCN_BOUND_BRAM);
    CHECK(b.forced_s == 0);
    CHECK_INT(b.forced_partitions, 1);
}

/* A depthwise convolution's multipliers need no memory in the multipliers' term (they may outnumber its weights). */
static void test_grouped(void)
{
    chain c;
    c.layers[0] = residual_layer(FCN_CONVOLUTION, "dw", 8, 8);
    c.layers[0].groups = 8;
    chain_build(&c, 1);
    const fcn_platform board = tiny_board(10000000, 10000000, 10, 100, 0);
    const fcn_optimise_options o = whole_board(1);
    const fcn_bound b = bound_of(&c.net, &board, &o);
    CHECK(b.multiplier_cycles[FCN_BOUND_BRAM] == 0);
    CHECK(b.limit_cycles[FCN_BOUND_BRAM] > 0); /* its sliding windows' line buffers */
    CHECK_NEAR(b.multiplier_cycles[FCN_BOUND_DSP], 72 * 64 / 10.0, 1e-12); /* 8 x 9 weights, 64 pixels */
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_DSP], 72 * 64 / 10.0, 1e-12);
}

/*
 * A 3-D convolution (docs/MODEL-3D.md): 8x8 over 4 frames, 4 channels to 8 filters, 3x3x3, padded: 864
 * weights, 256 outputs, 221,184 MACs; DSP 10: 22,118.4 cycles. The smallest conv module of 256
 * outputs takes int(142.83476 x 8) = 1,142 LUTs and serves 27 taps: 1,142 x 8,192 / 5,000 = 1,871.0528.
 * With use_lutram its memories may be LUTs: the multipliers' BRAM counts nothing.
 */
static void test_3d_and_lutram(void)
{
    fcn_layer l = residual_layer(FCN_CONVOLUTION, "c", 4, 8);
    l.depth = 4;
    l.kernel_depth = 3;
    l.pad_front = l.pad_back = 1;
    const fcn_platform board = tiny_board(5000, 1000000, 10, 40, 0);
    fcn_bound b = layer_bound(l, &board);
    CHECK_NEAR(b.multiplier_cycles[FCN_BOUND_DSP], 22118.4, 1e-12);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_DSP], 22118.4, 1e-12);
    CHECK_NEAR(b.multiplier_cycles[FCN_BOUND_BRAM], 221184 / 40.0, 1e-12);
    CHECK_NEAR(b.multiplier_cycles[FCN_BOUND_LUT], 1871.0528, 1e-12);
    CHECK_NEAR(b.limit_cycles[FCN_BOUND_PIXELS], 256, 1e-12);
    const double lut = b.limit_cycles[FCN_BOUND_LUT];
    l.use_lutram = 1;
    b = layer_bound(l, &board);
    CHECK(b.multiplier_cycles[FCN_BOUND_BRAM] == 0);
    CHECK_NEAR(b.multiplier_cycles[FCN_BOUND_DSP], 22118.4, 1e-12);
    CHECK(b.limit_cycles[FCN_BOUND_LUT] > lut); /* shallow memories in LUTs */
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
    /*
     * c1 (26 to 150 channels, 3,900 weights, 3.9 blocks) fits alone reloaded; in one partition with c2
     * (150 to 48, 7,200 weights, at least 0.15 of a block reloaded 48 times) it cannot reload and does not fit.
     */
    c.layers[0] = pointwise("c1", 26, 150);
    c.layers[1] = pointwise("c2", 150, 48);
    chain_build(&c, 2);
    board = tiny_board(10000000, 10000000, 1000, 4, 0);
    CHECK(fcn_optimise_bound(&c.net, &board, &o, &b, &err) == 0);
    o.no_reconfiguration = 1;
    expect_error(&c.net, &board, &o,
                 "nothing fits on tiny in one partition: the network's weights need more than the 4 BRAM blocks "
                 "the allocation allows, even with weights reloading");
    /* The area-time term: each of the ReLU's foldings takes at least 40 LUT, of 10. */
    c.layers[0] = residual_layer(FCN_RELU, "r", 2, 0);
    chain_build(&c, 1);
    board = tiny_board(10, 1000000, 10, 20, 0);
    o = whole_board(1);
    expect_error(&c.net, &board, &o,
                 "nothing fits on tiny: no folding of layer 'r' (with any weights reloading) fits 1 of the platform: "
                 "the least any takes is 40 LUT, 44 FF, 0 DSP and 0 BRAM, of 10, 1000000, 10 and 20 allowed");
    board.resource.uram = 2; /* a board with URAM names it too */
    expect_error(&c.net, &board, &o, "0 DSP, 0 BRAM and 0 URAM, of 10, 1000000, 10, 20 and 2 allowed");
    CHECK(fcn_bound_limit_name(FCN_BOUND_LIMITS) == NULL);
}

int main(void)
{
    test_dsp_binds();
    test_area_by_hand();
    test_area_mix();
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
