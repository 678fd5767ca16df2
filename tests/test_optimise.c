/*
 * The optimiser: every result is a valid configuration that satisfies each constraint (checked
 * independently here and by fcn_validate with the same allocation), objectives improve on the
 * default configuration, the same seed gives the same design, and every bad input has its message.
 * Small iteration budgets keep each search to a fraction of a second.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "optimise_util.h"
#include "residual_block.h"

#define BUDGET 20000

static fcn_optimise_options small_search(void)
{
    fcn_optimise_options o;
    fcn_optimise_options_init(&o);
    o.iterations = BUDGET;
    return o;
}

static fcn_eval_options eval_for(const fcn_platform *platform, int64_t batch)
{
    return (fcn_eval_options){platform->freq_mhz, platform->reconf_time_s, batch};
}

/* Every constraint, checked here from the figures, then by fcn_validate (with the model's coverage). */
static void check_constraints(const fcn_network *net, const fcn_network *model, const fcn_platform *platform,
                              double allocation, fcn_network_figures *figures)
{
    fcn_error err;
    CHECK(fcn_network_check(net, &err) == 0);
    fcn_eval_options opts = eval_for(platform, 0);
    CHECK(fcn_network_evaluate(net, &opts, figures, &err) == 0);
    for (int p = 0; p < figures->partition_count; p++) {
        const fcn_partition_figures *f = &figures->partitions[p];
        CHECK((double)f->resource.lut <= allocation * (double)platform->resource.lut);
        CHECK((double)f->resource.ff <= allocation * (double)platform->resource.ff);
        CHECK((double)f->resource.dsp <= allocation * (double)platform->resource.dsp);
        CHECK((double)f->resource.bram <= allocation * (double)platform->resource.bram);
        CHECK(f->bandwidth_in + f->bandwidth_out <= platform->mem_bandwidth_gbs);
        CHECK(f->ports >= 1 && f->ports <= platform->ports);
        CHECK(f->streams_in <= f->ports * platform->port_width / 16);
        CHECK(f->streams_out <= f->ports * platform->port_width / 16);
    }
    fcn_validate_options check = {.resource_allocation = allocation, .model = model};
    fcn_violations violations;
    CHECK(fcn_validate(figures, platform, &check, &violations, &err) == 0);
    CHECK_INT(violations.count, 0);
    for (int i = 0; i < violations.count; i++)
        fprintf(stderr, "violation: %s\n", violations.messages[i]);
    fcn_violations_free(&violations);
}

/* The default configuration's figures at the batch size. */
static double default_latency(const fcn_network *model, const fcn_platform *platform, int64_t batch)
{
    fcn_network_figures f;
    fcn_eval_options opts = eval_for(platform, batch);
    fcn_error err;
    if (fcn_network_evaluate(model, &opts, &f, &err))
        return 0;
    double latency = f.latency_s;
    fcn_network_figures_free(&f);
    return latency;
}

static void test_each_optimiser(const char *name, const char *board)
{
    fcn_network *model = load_model(name);
    fcn_platform platform = load_platform(board);
    const fcn_optimiser optimisers[] = {FCN_OPTIMISER_GREEDY, FCN_OPTIMISER_ANNEALING, FCN_OPTIMISER_AUTO};
    for (int k = 0; k < 3 && model; k++) {
        fcn_optimise_options o = small_search();
        o.optimiser = optimisers[k];
        fcn_optimise_stats stats;
        fcn_error err;
        fcn_network *net = fcn_optimise(model, &platform, &o, &stats, &err);
        CHECK(net != NULL);
        if (!net) {
            fprintf(stderr, "%s: %s\n", name, err.message);
            continue;
        }
        fcn_network_figures figures;
        check_constraints(net, model, &platform, 0.8, &figures);
        CHECK_INT(figures.batch_size, 256);
        /* Throughput: the batch over the latency, above the default configuration's. */
        CHECK(figures.throughput >= 256 / default_latency(model, &platform, 256));
        CHECK_NEAR(stats.objective, figures.throughput, 1e-9);
        CHECK(stats.iterations > 0 && stats.layer_evaluations > 0 && !stats.stopped_by_time);
        CHECK(stats.objective >= stats.start_objective);
        fcn_network_figures_free(&figures);
        fcn_network_free(net);
    }
    fcn_network_free(model);
}

/* On the ZC706 the default configuration fits in one partition, so the search must do at least as well. */
static void test_latency_objective(void)
{
    fcn_network *model = load_model("tinyvgg");
    fcn_platform platform = load_platform(ZC706);
    fcn_optimise_options o = small_search();
    o.objective = FCN_OBJECTIVE_LATENCY;
    fcn_optimise_stats stats;
    fcn_error err;
    fcn_network *net = model ? fcn_optimise(model, &platform, &o, &stats, &err) : NULL;
    CHECK(net != NULL);
    if (net) {
        fcn_network_figures figures;
        check_constraints(net, model, &platform, 0.8, &figures);
        CHECK_INT(figures.batch_size, 1);
        CHECK_INT(net->partitions[0].batch_size, 1);
        CHECK(figures.latency_s <= default_latency(model, &platform, 1));
        CHECK_NEAR(stats.objective, figures.latency_s, 1e-9);
        fcn_network_figures_free(&figures);
    }
    fcn_network_free(net);
    fcn_network_free(model);
}

/* The same seed, the same configuration, byte for byte. */
static void test_determinism(void)
{
    fcn_network *model = load_model("tinyvgg");
    fcn_platform platform = load_platform(ZC706);
    char *text[2] = {NULL, NULL};
    for (int run = 0; run < 2 && model; run++) {
        fcn_optimise_options o = small_search();
        o.seed = 42;
        fcn_error err;
        fcn_network *net = fcn_optimise(model, &platform, &o, NULL, &err);
        CHECK(net != NULL);
        text[run] = net ? fcn_network_write_string(net, &err) : NULL;
        fcn_network_free(net);
    }
    CHECK(text[0] && text[1] && strcmp(text[0], text[1]) == 0);
    free(text[0]);
    free(text[1]);
    fcn_network_free(model);
}

static void test_options(void)
{
    fcn_network *model = load_model("lenet");
    fcn_platform platform = load_platform(ZEDBOARD);
    fcn_error err;
    /* One partition, a clock, an allocation and a batch of our own. */
    fcn_optimise_options o = small_search();
    o.no_reconfiguration = 1;
    o.resource_allocation = 0.5;
    o.batch_size = 16;
    o.freq_mhz = 200;
    fcn_network *net = model ? fcn_optimise(model, &platform, &o, NULL, &err) : NULL;
    CHECK(net != NULL);
    if (net) {
        CHECK_INT(net->partition_count, 1);
        CHECK_INT(net->partitions[0].batch_size, 16);
        fcn_network_figures figures;
        check_constraints(net, model, &platform, 0.5, &figures);
        fcn_network_figures_free(&figures);
    }
    fcn_network_free(net);
    fcn_network_free(model);
}

/* A configuration of the network works as the model: weights reloading undone, foldings ignored. */
static void test_configuration_as_model(void)
{
    fcn_error err;
    fcn_network *config = fcn_network_read("../examples/lenet.json", &err);
    fcn_network *model = load_model("lenet");
    fcn_platform platform = load_platform(ZEDBOARD);
    fcn_optimise_options o = small_search();
    o.optimiser = FCN_OPTIMISER_GREEDY;
    fcn_network *net = config ? fcn_optimise(config, &platform, &o, NULL, &err) : NULL;
    CHECK(net != NULL);
    if (net && model) {
        fcn_network_figures figures;
        check_constraints(net, model, &platform, 0.8, &figures);
        fcn_network_figures_free(&figures);
    }
    fcn_network_free(net);
    fcn_network_free(model);
    fcn_network_free(config);
}

/* Progress reaches the callback, "done" last; a callback that asks to stop gets a valid design all the same. */
typedef struct progress_log {
    int calls, stop_after;
    char last_phase[16];
    double last_best;
} progress_log;

static int log_progress(const fcn_optimise_progress *p, void *user)
{
    progress_log *log = user;
    log->calls++;
    snprintf(log->last_phase, sizeof log->last_phase, "%s", p->phase);
    log->last_best = p->best_objective;
    return log->stop_after > 0 && log->calls >= log->stop_after;
}

static void test_progress(void)
{
    fcn_network *model = load_model("lenet");
    fcn_platform platform = load_platform(ZEDBOARD);
    for (int stop_after = 0; stop_after < 2 && model; stop_after++) {
        progress_log log = {.stop_after = stop_after};
        fcn_optimise_options o = small_search();
        o.progress = log_progress;
        o.user = &log;
        fcn_optimise_stats stats;
        fcn_error err;
        fcn_network *net = fcn_optimise(model, &platform, &o, &stats, &err);
        CHECK(net != NULL);
        CHECK(log.calls >= (stop_after ? 2 : 3));
        CHECK(strcmp(log.last_phase, "done") == 0);
        CHECK_NEAR(log.last_best, stats.objective, 1e-9);
        if (net) {
            fcn_network_figures figures;
            check_constraints(net, model, &platform, 0.8, &figures);
            fcn_network_figures_free(&figures);
        }
        fcn_network_free(net);
    }
    fcn_network_free(model);
}

/* A time limit that cuts the search short still gives a design that fits. */
static void test_time_limit(void)
{
    fcn_network *model = load_model("tinyvgg");
    fcn_platform platform = load_platform(ZEDBOARD);
    fcn_optimise_options o;
    fcn_optimise_options_init(&o);
    o.time_limit_s = 1e-6;
    fcn_optimise_stats stats;
    fcn_error err;
    fcn_network *net = model ? fcn_optimise(model, &platform, &o, &stats, &err) : NULL;
    CHECK(net != NULL);
    CHECK(stats.stopped_by_time);
    if (net) {
        fcn_network_figures figures;
        check_constraints(net, model, &platform, 0.8, &figures);
        fcn_network_figures_free(&figures);
    }
    fcn_network_free(net);
    fcn_network_free(model);
}

/* Grouped convolutions (coarse_group) and batch norm layers are in the design space too. */
static void test_grouped_network(void)
{
    fcn_layer layers[5];
    layers[0] = make_layer("conv", FCN_CONVOLUTION, 16, 8);
    layers[0].filters = 16;
    layers[0].groups = 4;
    layers[0].kernel[0] = layers[0].kernel[1] = 3;
    layers[0].pad_top = layers[0].pad_right = layers[0].pad_bottom = layers[0].pad_left = 1;
    layers[1] = make_layer("bn", FCN_BATCH_NORM, 16, 16);
    layers[2] = make_layer("relu", FCN_RELU, 16, 16);
    layers[3] = make_layer("pool", FCN_POOLING, 16, 16);
    layers[3].kernel[0] = layers[3].kernel[1] = layers[3].stride[0] = layers[3].stride[1] = 2;
    layers[4] = make_layer("fc", FCN_INNER_PRODUCT, 8, 16);
    layers[4].filters = 10;
    fcn_partition part = {.id = 0, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 5, .layers = layers};
    fcn_network model = {1, &part};
    fcn_platform platform = load_platform(ZEDBOARD);
    fcn_optimise_options o = small_search();
    fcn_error err;
    fcn_network *net = fcn_optimise(&model, &platform, &o, NULL, &err);
    CHECK(net != NULL);
    if (!net)
        fprintf(stderr, "grouped: %s\n", err.message);
    if (net) {
        fcn_network_figures figures;
        check_constraints(net, &model, &platform, 0.8, &figures);
        fcn_network_figures_free(&figures);
    }
    fcn_network_free(net);
}

/* Optimises a hand-built branching model on `platform`; the result passes every check, with the model's coverage. */
static fcn_network *optimise_dag(const fcn_network *model, const fcn_platform *platform, const char *what)
{
    fcn_optimise_options o = small_search();
    fcn_error err;
    fcn_network *net = fcn_optimise(model, platform, &o, NULL, &err);
    CHECK(net != NULL);
    if (!net) {
        fprintf(stderr, "%s: %s\n", what, err.message);
        return NULL;
    }
    fcn_network_figures figures;
    check_constraints(net, model, platform, 0.8, &figures);
    for (int p = 0; p < figures.partition_count; p++) {
        CHECK(figures.partitions[p].inputs <= platform->ports);
        CHECK(figures.partitions[p].outputs <= platform->ports);
    }
    fcn_network_figures_free(&figures);
    return net;
}

/* A residual block: the join and the split travel with their connections, whatever the partitioning. */
static void test_residual_block(void)
{
    residual_block b;
    residual_build(&b, NULL, 0);
    fcn_platform platform = load_platform(ZC706);
    fcn_network *net = optimise_dag(&b.net, &platform, "residual block");
    fcn_network_free(net);
    /* One port: a partition reads and writes one tensor, so the split and the join share one. */
    platform.ports = 1;
    net = optimise_dag(&b.net, &platform, "residual block, one port");
    for (int p = 0; net && p < net->partition_count; p++)
        for (int i = 0; i < net->partitions[p].layer_count; i++)
            if (net->partitions[p].layers[i].type == FCN_SPLIT)
                CHECK(net->partitions[p].layer_count >= 5); /* split .. add */
    fcn_network_free(net);
    /* Starting from a configuration of several partitions gives a configuration of its own arrays. */
    const int cut[] = {4};
    residual_build(&b, cut, 1);
    platform = load_platform(ZC706);
    net = optimise_dag(&b.net, &platform, "residual block, two partitions");
    fcn_network_free(net);
}

/* A CONCAT's coarse factor divides every input port's channels (6 and 10: 1 or 2). */
static void test_concat(void)
{
    static int conv_b_inputs[1] = {2}; /* the split's second port */
    static int concat_inputs[2] = {2, 1};
    static int64_t concat_channels[2] = {6, 10};
    fcn_layer layers[5];
    layers[0] = residual_layer(FCN_CONVOLUTION, "conv0", 4, 8);
    layers[1] = residual_layer(FCN_SPLIT, "split", 8, 0);
    layers[1].ports_out = 2;
    layers[2] = residual_layer(FCN_CONVOLUTION, "conv_a", 8, 6);
    layers[3] = residual_layer(FCN_CONVOLUTION, "conv_b", 8, 10);
    layers[3].inputs = conv_b_inputs;
    layers[4] = residual_layer(FCN_CONCAT, "concat", 16, 0);
    layers[4].ports_in = 2;
    layers[4].inputs = concat_inputs;
    layers[4].port_channels = concat_channels;
    fcn_partition part = {.id = 0, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 5, .layers = layers};
    fcn_network model = {1, &part};
    fcn_platform platform = load_platform(ZC706);
    platform.ports = 1; /* the split and the concat in one partition */
    fcn_network *net = optimise_dag(&model, &platform, "concat");
    for (int p = 0; net && p < net->partition_count; p++)
        for (int i = 0; i < net->partitions[p].layer_count; i++) {
            const fcn_layer *l = &net->partitions[p].layers[i];
            if (l->type != FCN_CONCAT)
                continue;
            CHECK(l->coarse_in == 1 || l->coarse_in == 2);
            CHECK(l->port_channels != concat_channels && l->inputs != concat_inputs); /* copies of its own */
        }
    fcn_network_free(net);
}

int main(void)
{
    test_residual_block();
    test_concat();
    test_each_optimiser("lenet", ZEDBOARD);
    test_each_optimiser("tinyvgg", ZC706);
    test_latency_objective();
    test_determinism();
    test_options();
    test_configuration_as_model();
    test_progress();
    test_time_limit();
    test_grouped_network();
    return check_summary("test_optimise");
}
