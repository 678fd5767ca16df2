/*
 * Arithmetic widths and memories (docs/MODEL-WIDTHS.md), by hand: URAM blocks, DSP packing at 8 and 4
 * bits, weights in URAM, their validation, reports, files, and the optimiser placing weights in URAM
 * on a board that has it.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"

static const fcn_eval_options OPTS = {.freq_mhz = 200, .reconf_time_s = 0.08255};

static void test_uram_blocks(void)
{
    CHECK_INT(fcn_uram_memory(4096, 72), 1);      /* one block, its native shape */
    CHECK_INT(fcn_uram_memory(4097, 72), 2);
    CHECK_INT(fcn_uram_memory(16384, 16), 1);     /* 16 bits: the 18 x 16,384 shape, 288 Kb */
    CHECK_INT(fcn_uram_memory(16385, 16), 2);
    CHECK_INT(fcn_uram_memory(262144, 1), 1);
    CHECK_INT(fcn_uram_memory(100, 144), 2);      /* wider than 72: side by side */
    CHECK_INT(fcn_uram_memory(8193, 144), 2 * 3);
    CHECK_INT(fcn_uram_memory(0, 16), 0);
    CHECK_INT(fcn_uram_memory(10, 0), -1);
}

static void test_dsp_packing(void)
{
    CHECK_INT(fcn_dsp_packed(10, 1, 16, 16), 10); /* one multiply a DSP above 8 bits */
    CHECK_INT(fcn_dsp_packed(10, 1, 16, 8), 10);  /* both operands must be narrow */
    CHECK_INT(fcn_dsp_packed(10, 1, 8, 8), 5);
    CHECK_INT(fcn_dsp_packed(11, 1, 8, 6), 6);    /* rounded up over the whole layer */
    CHECK_INT(fcn_dsp_packed(10, 1, 4, 4), 3);
    CHECK_INT(fcn_dsp_packed(8, 2, 3, 4), 4);
}

/* A 3x3 convolution, 16 -> 32 channels on 28x28, coarse 2/2, fine 9, at the given widths. */
static fcn_layer conv(int weight_width, int input_width, int packing)
{
    fcn_layer l;
    fcn_layer_init(&l, FCN_CONVOLUTION);
    l.rows = l.cols = 28;
    l.channels = 16;
    l.filters = 32;
    l.kernel[0] = l.kernel[1] = 3;
    l.pad_top = l.pad_right = l.pad_bottom = l.pad_left = 1;
    l.coarse_in = l.coarse_out = 2;
    l.fine = 9;
    l.weight_width = weight_width;
    l.input_width = l.data_width = input_width;
    l.dsp_packing = packing;
    return l;
}

static int64_t dsp(const fcn_layer *l)
{
    fcn_layer_figures f;
    fcn_error err;
    CHECK(fcn_layer_check(l, &err) == 0);
    fcn_layer_evaluate(l, &f);
    return f.resource.dsp;
}

static void test_conv_dsps_halve_and_quarter(void)
{
    /* Hand-worked: the conv module takes fine x dsp_mult(w, in) = 9 x 1 DSPs, in ci x co = 4 instances: 36. */
    const fcn_layer wide = conv(8, 8, 0), eight = conv(8, 8, 1), four = conv(4, 4, 1), sixteen = conv(16, 16, 1);
    const int64_t others = dsp(&wide) - 36; /* the accumulators' and bias's, which packing leaves alone */
    CHECK_INT(dsp(&eight), others + 18);
    CHECK_INT(dsp(&four), others + 9);
    const fcn_layer sixteen_unpacked = conv(16, 16, 0);
    CHECK_INT(dsp(&sixteen), dsp(&sixteen_unpacked));
    /* Packing needs both operands narrow: 8-bit weights on 16-bit data stay one a DSP. */
    const fcn_layer mixed = conv(8, 16, 1), mixed_unpacked = conv(8, 16, 0);
    CHECK_INT(dsp(&mixed), dsp(&mixed_unpacked));

    fcn_layer ip;
    fcn_layer_init(&ip, FCN_INNER_PRODUCT);
    ip.rows = ip.cols = 1;
    ip.channels = 64;
    ip.filters = 10;
    ip.coarse_in = 4;
    ip.coarse_out = 2;
    ip.weight_width = ip.input_width = ip.data_width = 4;
    const int64_t ip_unpacked = dsp(&ip);
    ip.dsp_packing = 1;
    CHECK_INT(dsp(&ip), ip_unpacked - 8 + 2); /* 8 conv instances of one DSP each, four to a DSP */
}

static void test_weights_in_uram(void)
{
    fcn_layer l = conv(16, 16, 0);
    fcn_layer_figures in_bram, in_uram;
    fcn_layer_evaluate(&l, &in_bram);
    l.use_uram = 1;
    fcn_layer_evaluate(&l, &in_uram);
    /* Weights: depth 32*16*9 / (9*2*2) = 128 words of 16 bits in ci*co*fine = 36 banks. */
    CHECK_INT(in_bram.resource.bram - in_uram.resource.bram, fcn_bram_memory(128, 16) * 36);
    CHECK_INT(in_uram.resource.uram, 36);
    CHECK_INT(in_bram.resource.uram, 0);
    CHECK_INT(in_uram.resource.lut, in_bram.resource.lut);
}

/* A one-layer network of `l` (which it takes over). */
static fcn_network *network_of(fcn_layer l)
{
    fcn_network *net = calloc(1, sizeof *net);
    net->partition_count = 1;
    net->partitions = calloc(1, sizeof *net->partitions);
    fcn_partition *p = &net->partitions[0];
    p->ports = p->batch_size = p->wr_factor = 1;
    p->layer_count = 1;
    p->layers = calloc(1, sizeof *p->layers);
    l.name = strdup("conv");
    p->layers[0] = l;
    p->input_node = strdup("conv");
    p->output_node = strdup("conv");
    return net;
}

static void test_validation_and_reports(void)
{
    fcn_layer l = conv(16, 16, 0);
    l.use_uram = 1;
    fcn_network *net = network_of(l);
    fcn_network_figures f;
    fcn_error err;
    CHECK(fcn_network_evaluate(net, &OPTS, &f, &err) == 0);
    CHECK_INT(f.resource.uram, 36);

    fcn_platform board = {.name = "board", .resource = {1000000, 1000000, 10000, 10000, 0}, .freq_mhz = 200,
                          .ports = 1, .port_width = 64};
    fcn_validate_options o = {.resource_allocation = 1.0};
    fcn_violations v = {0};
    CHECK(fcn_validate(&f, &board, &o, &v, &err) == 0);
    CHECK_INT(v.count, 1);
    if (v.count)
        CHECK_MESSAGE(v.messages[0], "partition 0: URAM 36 on a board that has none");
    fcn_violations_free(&v);
    board.resource.uram = 30;
    CHECK(fcn_validate(&f, &board, &o, &v, &err) == 0);
    CHECK_INT(v.count, 1);
    if (v.count)
        CHECK_MESSAGE(v.messages[0], "partition 0: URAM 36 exceeds 30 (1 of the platform's 30; 120.0% of the board)");
    fcn_violations_free(&v);
    board.resource.uram = 36;
    CHECK(fcn_validate(&f, &board, &o, &v, &err) == 0);
    CHECK_INT(v.count, 0);
    fcn_violations_free(&v);

    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    CHECK(fcn_report_write(out, FCN_REPORT_TEXT, &f, &board, &err) == 0);
    CHECK(fcn_report_write(out, FCN_REPORT_JSON, &f, &board, &err) == 0);
    fclose(out);
    CHECK(strstr(text, "+36 URAM") != NULL);     /* beside BRAM in the layer and partition tables */
    CHECK(strstr(text, "\"URAM\": 36") != NULL);
    free(text);
    fcn_network_figures_free(&f);

    /* The file carries the placement and the packing, and only where they are set. */
    net->partitions[0].layers[0].dsp_packing = 1;
    char *json = fcn_network_write_string(net, &err);
    CHECK(json && strstr(json, "\"use_uram\": true") && strstr(json, "\"dsp_packing\": true"));
    fcn_network *again = json ? fcn_network_read_string(json, "round trip", &err) : NULL;
    CHECK(again && again->partitions[0].layers[0].use_uram == 1 && again->partitions[0].layers[0].dsp_packing == 1);
    fcn_network_free(again);
    free(json);
    net->partitions[0].layers[0].use_uram = net->partitions[0].layers[0].dsp_packing = 0;
    json = fcn_network_write_string(net, &err);
    CHECK(json && !strstr(json, "use_uram") && !strstr(json, "dsp_packing"));
    free(json);
    fcn_network_free(net);
}

/* VGG16 on a U250 with its URAM: the optimiser puts weights there, and the design validates counting it. */
static void test_optimiser_uses_uram(void)
{
    fcn_error err;
    fcn_network *model = fcn_onnx_parse("data/models/vgg16.onnx", NULL, &err);
    CHECK(model != NULL);
    if (!model)
        return;
    fcn_platform u250;
    CHECK(fcn_platform_read("../examples/platforms/u250.json", &u250, &err) == 0);
    fcn_optimise_options opts;
    fcn_optimise_options_init(&opts);
    opts.iterations = 20000;
    opts.time_limit_s = 120;
    for (int with_uram = 0; with_uram <= 1; with_uram++) {
        u250.resource.uram = with_uram ? 1280 : 0;
        fcn_network *best = fcn_optimise(model, &u250, &opts, NULL, &err);
        CHECK(best != NULL);
        if (!best)
            continue;
        fcn_network_figures f;
        CHECK(fcn_network_evaluate(best, &(fcn_eval_options){.freq_mhz = 200, .reconf_time_s = 0.08255}, &f,
                                   &err) == 0);
        if (with_uram)
            CHECK(f.resource.uram > 0);
        else
            CHECK_INT(f.resource.uram, 0);
        fcn_validate_options o = {.resource_allocation = opts.resource_allocation, .model = model};
        fcn_violations v = {0};
        CHECK(fcn_validate(&f, &u250, &o, &v, &err) == 0);
        CHECK_INT(v.count, 0);
        fcn_violations_free(&v);
        fcn_network_figures_free(&f);
        fcn_network_free(best);
    }
    fcn_network_free(model);
}

int main(void)
{
    test_uram_blocks();
    test_dsp_packing();
    test_conv_dsps_halve_and_quarter();
    test_weights_in_uram();
    test_validation_and_reports();
    test_optimiser_uses_uram();
    return check_summary("test_widths");
}
