/* The optimiser's bad input: each is refused with one line that says what is wrong. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"

static fcn_platform board(void)
{
    fcn_platform p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "tiny");
    p.resource = (fcn_resource){53200, 106400, 220, 280, 0};
    p.freq_mhz = 100;
    p.reconf_time_s = 0.08;
    p.mem_bandwidth_gbs = 4.2;
    p.ports = 4;
    p.port_width = 64;
    return p;
}

static fcn_network *lenet(void)
{
    fcn_error err;
    fcn_network *net = fcn_onnx_parse("data/models/lenet.onnx", NULL, &err);
    if (!net)
        fprintf(stderr, "%s\n", err.message);
    return net;
}

/* fcn_optimise must fail with a message containing `part`, on one line. */
static void expect_failure(const fcn_network *model, const fcn_platform *platform, const fcn_optimise_options *o,
                           const char *part)
{
    fcn_error err = {{0}};
    fcn_network *net = fcn_optimise(model, platform, o, NULL, &err);
    CHECK(net == NULL);
    fcn_network_free(net);
    CHECK_MESSAGE(err.message, part);
    CHECK(strchr(err.message, '\n') == NULL);
}

static void test_bad_options(const fcn_network *model)
{
    const fcn_platform platform = board();
    fcn_optimise_options o;
#define WITH(field, value, message)          \
    fcn_optimise_options_init(&o);           \
    o.field = value;                         \
    expect_failure(model, &platform, &o, message);
    WITH(resource_allocation, 0, "resource allocation 0 is outside (0, 1]");
    WITH(resource_allocation, 1.5, "resource allocation 1.5 is outside (0, 1]");
    WITH(time_limit_s, 0, "time limit 0 s is not a positive number of seconds");
    WITH(time_limit_s, -2, "time limit -2 s");
    WITH(objective, (fcn_objective)7, "unknown objective 7");
    WITH(optimiser, (fcn_optimiser)9, "unknown optimiser 9");
    WITH(batch_size, -1, "batch size -1 is outside");
    WITH(iterations, -5, "iterations -5 is negative");
    WITH(cooling_rate, 1, "cooling rate 1 is outside (0, 1)");
    WITH(temperature_end, 0, "the end above 0");
    WITH(iterations_per_temperature, 0, "iterations per temperature 0 is below 1");
#undef WITH
    fcn_optimise_options_init(&o);
    expect_failure(NULL, &platform, &o, "needs a model, a platform and options");
    expect_failure(model, NULL, &o, "needs a model, a platform and options");
    expect_failure(model, &platform, NULL, "needs a model, a platform and options");
}

/* Nothing fits: the message names the resource the smallest design exceeds, and by how much. */
static void test_nothing_fits(const fcn_network *model)
{
    fcn_optimise_options o;
    fcn_optimise_options_init(&o);
    fcn_platform platform = board();
    platform.resource.bram = 10;
    expect_failure(model, &platform, &o, "nothing fits on tiny: even the smallest design (every folding factor 1, "
                                         "each layer its own partition, weights reloading factor ");
    expect_failure(model, &platform, &o, "BRAM");
    expect_failure(model, &platform, &o, "more than the 8 allowed (0.8 of the platform's 10)");

    platform = board();
    platform.resource.dsp = 1;
    expect_failure(model, &platform, &o,
                   "needs DSP 2 for layer 'conv1', 1.2 (150%) more than the 0.8 allowed (0.8 of the platform's 1)");

    o.no_reconfiguration = 1;
    platform = board();
    platform.resource.lut = 20000;
    expect_failure(model, &platform, &o, "(every folding factor 1, one partition, weights reloading factor 10)");
    expect_failure(model, &platform, &o, "needs LUT");
    expect_failure(model, &platform, &o, "for the whole network in one partition");

    o.no_reconfiguration = 0;
    platform = board();
    platform.mem_bandwidth_gbs = 1e-6;
    expect_failure(model, &platform, &o, "GB/s of memory bandwidth");

    platform = board();
    platform.port_width = 8;
    expect_failure(model, &platform, &o, "nothing fits on tiny: its ports of 8 bits cannot carry one 16-bit stream");
}

static void test_bad_model(void)
{
    const fcn_platform platform = board();
    fcn_optimise_options o;
    fcn_optimise_options_init(&o);
    fcn_network empty = {0, NULL};
    expect_failure(&empty, &platform, &o, "model: the network has no partitions");

    /* Two partitions whose layers do not join up. */
    fcn_layer a, b;
    fcn_layer_init(&a, FCN_RELU);
    a.name = (char *)"a";
    a.rows = a.cols = 4;
    a.channels = 8;
    b = a;
    b.name = (char *)"b";
    b.channels = 6;
    fcn_partition parts[2] = {{.id = 0, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 1, .layers = &a},
                              {.id = 1, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 1, .layers = &b}};
    fcn_network split = {2, parts};
    expect_failure(&split, &platform, &o, "model: layer 'b' takes 4x4x6 but 'a' gives 4x4x8");
}

int main(void)
{
    fcn_network *model = lenet();
    CHECK(model != NULL);
    if (model) {
        test_bad_options(model);
        test_nothing_fits(model);
    }
    test_bad_model();
    fcn_network_free(model);
    return check_summary("test_optimise_errors");
}
