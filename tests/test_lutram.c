/*
 * Shallow buffers in LUTRAM (use_lutram, docs/MODEL-WIDTHS.md), by hand: newest upstream's LUTRAM queue
 * model and its FIFO and RAM thresholds, each layer's buffers moving from BRAM to LUTs, the flag in
 * configuration files (both forms) with its error, and the ONNX parser setting it for quantised models.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "modules.h"
#include "resource.h"

static void test_queue_model(void)
{
    CHECK_INT(fcn_lutram_queue(0, 16), 0);
    CHECK_INT(fcn_lutram_queue(10, 0), 0);
    CHECK_INT(fcn_lutram_queue(2, 16), 2);    /* 32-deep units of 16 bits: ceil(17/16) x ceil(2/32) */
    CHECK_INT(fcn_lutram_queue(32, 15), 1);   /* the valid bit fills the unit exactly */
    CHECK_INT(fcn_lutram_queue(33, 16), 3);   /* deeper than 32: 64-deep units of 8 bits, ceil(17/8) */
    CHECK_INT(fcn_lutram_queue(64, 7), 1);
    CHECK_INT(fcn_lutram_queue(65, 7), 2);    /* two 64-deep units */
    CHECK_INT(fcn_lutram_queue(200, 32), 20); /* ceil(33/8) x ceil(200/64) = 5 x 4 */
    CHECK_INT(fcn_lutram_queue(8, 100), 7);   /* wider than a BRAM word: ceil(101/16) */
}

static void test_thresholds(void)
{
    /* A FIFO: at most 32 words whatever its width, or at most 1,024 bits. */
    CHECK(fifo_shallow(32, 36));  /* 1,152 bits, but 32 words */
    CHECK(!fifo_shallow(33, 36)); /* 1,188 bits */
    CHECK(fifo_shallow(64, 16));  /* 1,024 bits */
    CHECK(!fifo_shallow(65, 16));
    /* A RAM: fewer than 1,024 bits. */
    CHECK(ram_shallow(63, 16));
    CHECK(!ram_shallow(64, 16));
    CHECK(ram_shallow(2, 36));
}

static void check_resource(const fcn_resource *r, int64_t lut, int64_t bram)
{
    CHECK_INT(r->lut, lut);
    CHECK_INT(r->bram, bram);
}

static void test_sliding_window(void)
{
    /* MODEL.md's 5x5x2 window, 3x3 with pad 1: 785 LUT and 8 BRAM (2 line FIFOs of 15 words, 6 of 3). */
    const window_shape w = {.kernel = {3, 3, 1}, .stride = {1, 1, 1}, .dilation = {1, 1, 1}, .pad_top = 1, .pad_right = 1,
                            .pad_bottom = 1, .pad_left = 1};
    fcn_module_figures m;
    module_sliding_window(&m, 5, 5, 1, 2, &w, 16, 0);
    check_resource(&m.resource, 785, 8);
    /* Lines: one FIFO of (5+2)*2 = 14 words of 2*16 bits, queue(14, 32) = 3; columns: 3 rows of
       2 words of 32 bits, 3 * queue(2, 32) = 9. Both shallow: no BRAM, 12 LUTs more. */
    module_sliding_window(&m, 5, 5, 1, 2, &w, 16, 1);
    check_resource(&m.resource, 785 + 12, 0);
    const int64_t ff = m.resource.ff;

    /* 64 columns of 16 channels: lines of 66*16 = 1,056 words stay in BRAM, 2 * stream(1057, 16); the
       columns (16 words) move: 3 * queue(16, 32) = 9 LUTs for 3 * 2 * stream(17, 16) = 6 BRAM. */
    fcn_module_figures off, on;
    module_sliding_window(&off, 64, 64, 1, 16, &w, 16, 0);
    module_sliding_window(&on, 64, 64, 1, 16, &w, 16, 1);
    CHECK_INT(on.resource.bram, 2 * fcn_bram_stream(1057, 16));
    CHECK_INT(off.resource.bram - on.resource.bram, 6);
    CHECK_INT(on.resource.lut - off.resource.lut, 9);
    CHECK_INT(on.resource.ff, off.resource.ff);
    CHECK(ff > 0);

    /* A 1x2 window: no line buffer, one column FIFO of `channels` words of 16 bits, shallow up to 64. */
    const window_shape row = {.kernel = {1, 2, 1}, .stride = {1, 1, 1}, .dilation = {1, 1, 1}};
    module_sliding_window(&on, 4, 4, 1, 64, &row, 16, 1);
    CHECK_INT(on.resource.bram, 0);
    CHECK_INT(on.resource.lut - (module_sliding_window(&off, 4, 4, 1, 64, &row, 16, 0), off.resource.lut), 3);
    module_sliding_window(&on, 4, 4, 1, 65, &row, 16, 1); /* 1,040 bits, 65 words: BRAM */
    module_sliding_window(&off, 4, 4, 1, 65, &row, 16, 0);
    CHECK_INT(on.resource.bram, fcn_bram_stream(66, 16));
    CHECK_INT(on.resource.lut, off.resource.lut);
}

/* One layer evaluated without and with use_lutram (checked first). */
static void evaluate_both(fcn_layer l, fcn_layer_figures *off, fcn_layer_figures *on)
{
    fcn_error err;
    l.use_lutram = 1;
    if (fcn_layer_check(&l, &err) != 0) {
        fprintf(stderr, "%s\n", err.message);
        CHECK(0);
    }
    fcn_layer_evaluate(&l, on);
    l.use_lutram = 0;
    fcn_layer_evaluate(&l, off);
}

/* LUTs gained and BRAM freed by use_lutram; FF, DSP and URAM unchanged. */
static void check_moved(const char *what, fcn_layer l, int64_t luts, int64_t bram_freed)
{
    fcn_layer_figures off, on;
    evaluate_both(l, &off, &on);
    if (on.resource.lut - off.resource.lut != luts || off.resource.bram - on.resource.bram != bram_freed)
        fprintf(stderr, "%s: %lld LUTs gained, %lld BRAM freed\n", what, (long long)(on.resource.lut - off.resource.lut),
                (long long)(off.resource.bram - on.resource.bram));
    CHECK_INT(on.resource.lut - off.resource.lut, luts);
    CHECK_INT(off.resource.bram - on.resource.bram, bram_freed);
    CHECK_INT(on.resource.ff, off.resource.ff);
    CHECK_INT(on.resource.dsp, off.resource.dsp);
    CHECK_INT(on.resource.uram, off.resource.uram);
}

static fcn_layer layer(fcn_layer_type type, int64_t rows, int64_t cols, int64_t channels, int64_t coarse)
{
    fcn_layer l;
    fcn_layer_init(&l, type);
    l.rows = rows;
    l.cols = cols;
    l.channels = channels;
    l.coarse_in = l.coarse_out = coarse;
    return l;
}

/* A k x k window of stride s and padding p all round. */
static void square_window(fcn_layer *l, int64_t k, int64_t s, int64_t p)
{
    l->kernel[0] = l->kernel[1] = k;
    l->stride[0] = l->stride[1] = s;
    l->pad_top = l->pad_right = l->pad_bottom = l->pad_left = p;
}

/* A 3x3 convolution, 4 -> 8 channels on 8x8 with pad 1, fine 9, a bias: every buffer but the lines shallow. */
static fcn_layer small_conv(void)
{
    fcn_layer l = layer(FCN_CONVOLUTION, 8, 8, 4, 1);
    square_window(&l, 3, 1, 1);
    l.filters = 8;
    l.fine = 9;
    l.has_bias = 1;
    return l;
}

static void test_convolution(void)
{
    /*
     * Lines: 10*4 = 40 words of 32 bits, 1,280 bits: BRAM (2 * stream(41, 16) = 2) in both.
     * Columns: 3 FIFOs of 4 words of 32 bits: 3 * queue(4, 32) = 9 LUTs for 6 BRAM.
     * Weights: 9 banks of 8*4*9/9 = 32 words of 16 bits (512): 9 * queue(32, 16) = 18 LUTs for 9 BRAM.
     * Biases: 8 words of 16 bits: queue(8, 16) = 2 LUTs for 1 BRAM; accumulator: the same.
     */
    const fcn_layer l = small_conv();
    check_moved("conv", l, 9 + 18 + 2 + 2, 6 + 9 + 1 + 1);
    fcn_layer_figures off, on;
    evaluate_both(l, &off, &on);
    CHECK_INT(on.resource.bram, 2);
    CHECK_INT(off.resource.bram, 19);
    /* The module table: the accumulator's memory moves within its module, the window's in its own. */
    CHECK_INT(on.modules[3].resource.bram, 0);
    CHECK_INT(on.modules[3].resource.lut - off.modules[3].resource.lut, 2);
    CHECK_INT(on.modules[0].resource.bram, 2);

    /* With use_uram too, the weights are URAM's (9 banks, a block each) whatever their size. */
    fcn_layer both = small_conv();
    both.use_uram = 1;
    fcn_layer_figures in_uram;
    both.use_lutram = 1;
    fcn_layer_evaluate(&both, &in_uram);
    CHECK_INT(in_uram.resource.uram, 9);
    CHECK_INT(in_uram.resource.lut - off.resource.lut, 9 + 2 + 2);
    CHECK_INT(in_uram.resource.bram, 2);
}

static void test_inner_product(void)
{
    /* 16 -> 10: weights of 160 words of 16 bits (2,560) stay; biases and accumulator, 10 words, move. */
    fcn_layer l = layer(FCN_INNER_PRODUCT, 1, 1, 16, 1);
    l.filters = 10;
    l.has_bias = 1;
    check_moved("inner product", l, 2 + 2, 1 + 1);
}

static void test_other_layers(void)
{
    /* 2x2 max pooling of 8x8x4: lines 8*4 = 32 words of 16 bits, queue(32, 16) = 2 for stream(33, 16)
       = 1 BRAM; columns 2 FIFOs of 4 words, 2 * queue(4, 16) = 4 for 2 * stream(5, 16) = 2 BRAM. */
    fcn_layer pool = layer(FCN_POOLING, 8, 8, 4, 1);
    square_window(&pool, 2, 2, 0);
    check_moved("pooling", pool, 2 + 4, 1 + 2);

    /* A squeeze's buffer, a FIFO per input stream: 20 words move (2 * queue(20, 16)); 100 words,
       1,600 bits, stay in BRAM. */
    fcn_layer squeeze = layer(FCN_SQUEEZE, 4, 4, 8, 2);
    squeeze.coarse_out = 4;
    squeeze.buffer_depth = 20;
    check_moved("squeeze of 20", squeeze, 2 * 2, 2 * 1);
    squeeze.buffer_depth = 100;
    check_moved("squeeze of 100", squeeze, 0, 0);

    /* Batch norm: 16 channels a stream of 16 bits, queue(16, 16) = 2 each for a BRAM each. */
    check_moved("batch norm", layer(FCN_BATCH_NORM, 4, 4, 32, 2), 2 * 2, 2 * 1);

    /* A broadcasting eltwise's channel FIFO: 64 words of 16 bits (1,024) move, queue(64, 16) = 3; 80 stay. */
    fcn_layer eltwise = layer(FCN_ELTWISE, 4, 4, 64, 1);
    int producers[2] = {1, 2}; /* the layers one and two places before: only the checks read them */
    eltwise.ports_in = 2;
    eltwise.inputs = producers;
    eltwise.eltwise_broadcast = 1;
    check_moved("eltwise of 64", eltwise, 3, 1);
    eltwise.channels = 80;
    check_moved("eltwise of 80", eltwise, 0, 0);

    /* PReLU's slopes: 32 words (512 bits), queue(32, 16) = 2; a 16-bit sigmoid's table (2^14 words) stays,
       a 4-bit one's (16 words of 4 bits) moves: queue(16, 4) = 1. */
    check_moved("prelu", layer(FCN_PRELU, 4, 4, 32, 1), 2, 1);
    fcn_layer sigmoid = layer(FCN_SIGMOID, 4, 4, 32, 1);
    check_moved("sigmoid at 16 bits", sigmoid, 0, 0);
    sigmoid.data_width = 4;
    check_moved("sigmoid at 4 bits", sigmoid, 1, 1);

    /* Shuffle: 2*8 words a stream, queue(16, 16) = 2. Layer norm: 16 words held and gamma and beta of 8,
       3 * 2 LUTs for 3 BRAM; its inverse square root table (2^14 words) stays. */
    fcn_layer shuffle = layer(FCN_SHUFFLE, 4, 4, 16, 2);
    shuffle.groups = 2;
    check_moved("shuffle", shuffle, 2 * 2, 2 * 1);
    check_moved("layer norm", layer(FCN_LAYER_NORM, 4, 4, 8, 1), 3 * 2, 3);

    /* Nearest resize by 2: one row of 4 cols x 2 channels held, queue(8, 16) = 2. */
    fcn_layer resize = layer(FCN_RESIZE, 4, 4, 2, 1);
    resize.scale[0] = resize.scale[1] = 2;
    check_moved("resize", resize, 2, 1);
}

static const char *const config =
    "{\"partition\": [{\"id\": 0, \"ports\": 1, \"batch_size\": 1, \"input_node\": \"c\", \"output_node\": \"c\","
    " \"weights_reloading_factor\": 1, \"weights_reloading_layer\": \"c\","
    " \"layers\": [{\"name\": \"c\", \"type\": \"CONVOLUTION\", \"streams_in\": [{\"name\": \"in\"}],"
    " \"streams_out\": [{\"name\": \"out\"}], \"parameters\": {\"rows_in\": 8, \"cols_in\": 8, \"channels_in\": 4,"
    " \"filters\": 8, \"kernel_size\": [3, 3], \"stride\": [1, 1], \"pad_top\": 1, \"pad_right\": 1,"
    " \"pad_bottom\": 1, \"pad_left\": 1, \"fine\": 9, \"has_bias\": 1%s}}]}]}";

static fcn_network *read_with(const char *extra, fcn_error *err)
{
    char text[2048];
    snprintf(text, sizeof text, config, extra);
    return fcn_network_read_string(text, "t.json", err);
}

static void test_configuration(void)
{
    fcn_error err = {{0}};
    fcn_network *net = read_with(", \"use_lutram\": true", &err);
    CHECK(net && net->partitions[0].layers[0].use_lutram == 1);
    if (!net)
        return;
    /* Written where set, in both forms, and read back from each. */
    for (int newest = 0; newest <= 1; newest++) {
        char *json = fcn_network_write_string_format(net, newest ? FCN_CONFIG_NEWEST : FCN_CONFIG_0_1_1, &err);
        CHECK(json && strstr(json, "\"use_lutram\": true"));
        fcn_network *again = json ? fcn_network_read_string(json, "again.json", &err) : NULL;
        CHECK(again && again->partitions[0].layers[0].use_lutram == 1);
        fcn_network_free(again);
        free(json);
    }
    net->partitions[0].layers[0].use_lutram = 0;
    char *json = fcn_network_write_string(net, &err);
    CHECK(json && !strstr(json, "use_lutram"));
    free(json);
    fcn_network_free(net);

    net = read_with(", \"use_lutram\": false", &err);
    CHECK(net && net->partitions[0].layers[0].use_lutram == 0);
    fcn_network_free(net);
    net = read_with(", \"use_lutram\": \"yes\"", &err);
    CHECK(net == NULL);
    CHECK_MESSAGE(err.message,
                  "t.json: partition 0, layer 'c', field 'use_lutram': expected \"false\" or \"true\", got \"yes\"");
    fcn_network_free(net);
}

/* Every layer of `file` parsed with `opts` has use_lutram `expected`. */
static void check_parsed(const char *file, const fcn_parse_options *opts, int expected)
{
    fcn_error err = {{0}};
    fcn_network *net = fcn_onnx_parse(file, opts, &err);
    CHECK(net != NULL);
    for (int p = 0; net && p < net->partition_count; p++)
        for (int i = 0; i < net->partitions[p].layer_count; i++)
            if (net->partitions[p].layers[i].use_lutram != expected) {
                fprintf(stderr, "%s: layer '%s': use_lutram %d\n", file, net->partitions[p].layers[i].name,
                        net->partitions[p].layers[i].use_lutram);
                CHECK(0);
            }
    fcn_network_free(net);
}

static void test_parser(void)
{
    const fcn_parse_options widths = {.data_width = 8, .weight_width = 4};
    check_parsed("data/models/quantised/qdq_int8.float.onnx", NULL, 0);
    check_parsed("data/models/quantised/qdq_int8.float.onnx", &widths, 1);
    check_parsed("data/models/quantised/qdq_int8.onnx", NULL, 1);
    check_parsed("data/models/quantised/qonnx_4bit.onnx", NULL, 1);
}

int main(void)
{
    test_queue_model();
    test_thresholds();
    test_sliding_window();
    test_convolution();
    test_inner_product();
    test_other_layers();
    test_configuration();
    test_parser();
    return check_summary("test_lutram");
}
