/* Validation against a board and the schedule, through the C API, on hand-checked cases. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "residual_block.h"

static const fcn_eval_options OPTS = {.freq_mhz = 100, .reconf_time_s = 0.08255};

static fcn_platform zedboard(void)
{
    fcn_platform p = {.name = "zedboard", .resource = {.lut = 53200, .ff = 106400, .dsp = 220, .bram = 280},
                      .freq_mhz = 100, .reconf_time_s = 0.08255, .mem_bandwidth_gbs = 4.2, .ports = 4, .port_width = 64};
    return p;
}

/* Validates `net` on `platform`; the violations found (caller frees). */
static fcn_violations validate(const fcn_network *net, const fcn_platform *platform, const fcn_validate_options *o)
{
    fcn_network_figures f;
    fcn_error err;
    fcn_violations v = {0};
    CHECK(fcn_network_evaluate(net, &OPTS, &f, &err) == 0);
    CHECK(fcn_validate(&f, platform, o, &v, &err) == 0);
    fcn_network_figures_free(&f);
    return v;
}

/* `count` violations, the first containing `part`. */
static void expect_first(const fcn_network *net, const fcn_platform *platform, const fcn_validate_options *o,
                         int count, const char *part)
{
    fcn_violations v = validate(net, platform, o);
    CHECK_INT(v.count, count);
    if (v.count > 0)
        CHECK_MESSAGE(v.messages[0], part);
    fcn_violations_free(&v);
}

static void test_validate(void)
{
    fcn_error err;
    fcn_network *net = fcn_network_read("../examples/lenet.json", &err);
    CHECK(net != NULL);
    if (!net)
        return;
    fcn_platform board = zedboard();
    fcn_violations v = validate(net, &board, NULL);
    CHECK_INT(v.count, 0); /* LeNet's golden configuration fits the ZedBoard */
    fcn_violations_free(&v);

    /* Partitions 0 and 3 take 4 DSP each; partition 0 58 BRAM; partition 1 moves 0.25 GB/s. */
    board.resource.dsp = 3;
    expect_first(net, &board, NULL, 2, "partition 0: DSP 4 exceeds 3 (1 of the platform's 3; 133.3% of the board)");
    board = zedboard();
    board.resource.bram = 100;
    fcn_validate_options half = {.resource_allocation = 0.5};
    expect_first(net, &board, &half, 1, "partition 0: BRAM 58 exceeds 50 (0.5 of the platform's 100");
    board = zedboard();
    board.mem_bandwidth_gbs = 0.1;
    expect_first(net, &board, NULL, 1, "partition 1: bandwidth 0.25 GB/s (in 0.2 + out 0.05) exceeds the platform's 0.1 GB/s");
    board = zedboard();
    board.ports = 1;
    net->partitions[1].ports = 2;
    v = validate(net, &board, NULL);
    CHECK_INT(v.count, 3);
    if (v.count == 3) {
        CHECK_MESSAGE(v.messages[0], "partition 1: reads through 2 ports what partition 0 wrote through 1");
        CHECK_MESSAGE(v.messages[1], "partition 1: uses 2 ports, the platform has 1");
        CHECK_MESSAGE(v.messages[2], "partition 2: reads through 1 ports what partition 1 wrote through 2");
    }
    fcn_violations_free(&v);
    net->partitions[1].ports = 1;

    /* The pool2 partition reads a tensor partition 0 does not write. */
    net->partitions[1].layers[0].channels = 8;
    board = zedboard();
    v = validate(net, &board, NULL);
    CHECK(v.count >= 1);
    if (v.count >= 1)
        CHECK_MESSAGE(v.messages[0], "partition 1: its input 8x8x8 is not the output 8x8x16 of partition 0");
    fcn_violations_free(&v);
    net->partitions[1].layers[0].channels = 16;

    fcn_validate_options bad = {.resource_allocation = 1.5};
    fcn_network_figures f;
    CHECK(fcn_network_evaluate(net, &OPTS, &f, &err) == 0);
    CHECK(fcn_validate(&f, &board, &bad, &v, &err) == -1);
    CHECK_MESSAGE(err.message, "resource allocation 1.5 is outside (0, 1]");
    fcn_network_figures_free(&f);
    fcn_network_free(net);
}

/* Coverage: the configuration against the model's own layers (here another reading of the same chain). */
static void test_coverage(void)
{
    fcn_error err;
    fcn_network *net = fcn_network_read("../examples/lenet.json", &err);
    fcn_network *model = fcn_network_read("../examples/lenet.json", &err);
    CHECK(net && model);
    if (!net || !model)
        return;
    /* The model as one partition without weights reloading: undo what the configuration applied. */
    model->partitions[2].layers[0].filters *= 10;     /* fc1, reloaded x10 */
    model->partitions[3].layers[3].filters *= 5;      /* logits, reloaded x5 */
    for (int p = 0; p < model->partition_count; p++) {
        model->partitions[p].wr_factor = 1;
        free(model->partitions[p].wr_layer);
        model->partitions[p].wr_layer = NULL;
    }
    fcn_platform board = zedboard();
    fcn_validate_options o = {.model = model};
    fcn_violations v = validate(net, &board, &o);
    CHECK_INT(v.count, 0);
    for (int i = 0; i < v.count; i++)
        fprintf(stderr, "unexpected: %s\n", v.messages[i]);
    fcn_violations_free(&v);

    net->partition_count = 3; /* leave the last partition out */
    v = validate(net, &board, &o);
    CHECK_INT(v.count, 4);
    if (v.count > 0)
        CHECK_MESSAGE(v.messages[0], "the model's layer 8 'relu3' (RELU) is not in any partition");
    fcn_violations_free(&v);
    net->partition_count = 4;

    model->partitions[0].layers[3].kernel[0] = 3; /* conv2 5x5 in the configuration */
    model->partitions[0].layers[3].kernel[1] = 3;
    v = validate(net, &board, &o);
    CHECK(v.count >= 1);
    if (v.count >= 1)
        CHECK_MESSAGE(v.messages[0], "partition 0: layer 'conv2' has kernel_size[0] 5 where the model's layer 4 'conv2' has 3");
    fcn_violations_free(&v);
    fcn_network_free(model);
    fcn_network_free(net);
}

static void test_schedule(void)
{
    fcn_error err;
    fcn_network *net = fcn_network_read("../examples/lenet.json", &err);
    CHECK(net != NULL);
    if (!net)
        return;
    fcn_network_figures f;
    CHECK(fcn_network_evaluate(net, &OPTS, &f, &err) == 0);
    fcn_schedule_row rows[4];
    fcn_schedule(&f, rows);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    CHECK(fcn_schedule_write(out, rows, 4, 0, &err) == 0);
    fclose(out);

    FILE *expected = fopen("data/expected/lenet.schedule.csv", "r");
    char want[1024] = "";
    size_t got = expected ? fread(want, 1, sizeof want - 1, expected) : 0;
    want[got] = '\0';
    if (expected)
        fclose(expected);
    CHECK(got > 0 && strcmp(text, want) == 0);
    if (strcmp(text, want) != 0)
        fprintf(stderr, "schedule:\n%s\nexpected:\n%s\n", text, want);
    free(text);
    fcn_network_figures_free(&f);
    fcn_network_free(net);
}

/* The first memory input edge of partition figures `f` whose source is `name`; NULL if none. */
static fcn_edge *input_from(fcn_partition_figures *f, const char *name)
{
    for (int k = 0; k < f->edge_count; k++)
        if (f->edges[k].from < 0 && f->edges[k].source && strcmp(f->edges[k].source, name) == 0)
            return &f->edges[k];
    return NULL;
}

/* Validates evaluated figures; `count` violations, the first containing `part`. */
static void expect_figures(const fcn_network_figures *f, const fcn_platform *platform, int count, const char *part)
{
    fcn_error err;
    fcn_violations v = {0};
    CHECK(fcn_validate(f, platform, NULL, &v, &err) == 0);
    CHECK_INT(v.count, count);
    if (v.count > 0 && part)
        CHECK_MESSAGE(v.messages[0], part);
    fcn_violations_free(&v);
}

/* A residual block cut after relu1: two tensors cross, each needs a port; each is checked against its producer. */
static void test_dag_handover(void)
{
    residual_block b;
    const int cut[] = {4};
    residual_build(&b, cut, 1);
    fcn_error err;
    CHECK(fcn_network_check(&b.net, &err) == 0);
    fcn_platform board = zedboard();
    expect_first(&b.net, &board, NULL, 0, NULL);
    board.ports = 1;
    fcn_violations v = validate(&b.net, &board, NULL);
    CHECK_INT(v.count, 2);
    if (v.count == 2) {
        CHECK_MESSAGE(v.messages[0], "partition 0: writes 2 tensors to memory, the platform has 1 ports");
        CHECK_MESSAGE(v.messages[1], "partition 1: reads 2 tensors from memory, the platform has 1 ports");
    }
    fcn_violations_free(&v);

    board = zedboard();
    fcn_network_figures f;
    CHECK(fcn_network_evaluate(&b.net, &OPTS, &f, &err) == 0);
    fcn_edge *skip = input_from(&f.partitions[1], "split");
    CHECK(skip != NULL && input_from(&f.partitions[1], "relu1") != NULL);
    if (skip) {
        f.partitions[1].layers[skip->to].rows = 4; /* the figures' own copy of the join */
        expect_figures(&f, &board, 1, "partition 1: its input 4x8x8 is not the output 8x8x8 of partition 0 "
                                      "('add' reads 'split')");
        f.partitions[1].layers[skip->to].rows = 8;
        skip->source = "conv2";
        expect_figures(&f, &board, 1, "partition 1: layer 'add' reads 'conv2' of partition 1, which does not run "
                                      "before it");
        skip->source = "nowhere";
        expect_figures(&f, &board, 1, "partition 1: layer 'add' reads 'nowhere', which no partition holds");
    }
    fcn_network_figures_free(&f);
}

/* A partition that reloads weights writes every pass of its output: the next partition reads them all. */
static void test_dag_reloaded_handover(void)
{
    residual_block b;
    const int cut[] = {1};
    residual_build(&b, cut, 1);
    b.layers[0].filters = 4;
    b.parts[0].wr_layer = (char *)"conv0";
    b.parts[0].wr_factor = 2;
    fcn_error err;
    CHECK(fcn_network_check(&b.net, &err) == 0);
    fcn_platform board = zedboard();
    expect_first(&b.net, &board, NULL, 0, NULL);
    b.parts[0].wr_factor = 1;
    expect_first(&b.net, &board, NULL, 1,
                 "partition 1: its input 8x8x8 is not the output 8x8x4 of partition 0 ('split' reads 'conv0')");
}

static void expect_check(const fcn_network *net, const char *message)
{
    fcn_error err = {{0}};
    CHECK(fcn_network_check(net, &err) == -1);
    CHECK_MESSAGE(err.message, message);
}

/* MODEL-DAG §8.6: weights reloading only where one tensor runs from the wr layer to the single output. */
static void test_dag_weights_reloading(void)
{
    residual_block b;
    residual_build(&b, NULL, 0);
    b.parts[0].wr_layer = (char *)"conv2";
    b.parts[0].wr_factor = 2;
    expect_check(&b.net, "partition 0: weights reloading layer 'conv2': the path to the partition's output meets "
                         "ELTWISE layer 'add'");
    const int cut[] = {3};
    residual_build(&b, cut, 1);
    b.parts[0].wr_layer = (char *)"conv1";
    b.parts[0].wr_factor = 2;
    expect_check(&b.net, "partition 0: weights reloading layer 'conv1' needs the partition to have one output; "
                         "it has 2");
    const int cuts[] = {2, 5};
    residual_build(&b, cuts, 2);
    b.parts[1].wr_layer = (char *)"conv1";
    b.parts[1].wr_factor = 2;
    expect_check(&b.net, "partition 1: weights reloading layer 'conv1' is not the last weighted layer before the "
                         "partition's output ('conv2' is)");
    b.parts[1].wr_layer = (char *)"conv2";
    b.layers[4].filters = 4; /* its output is read in the next partition, which takes both passes */
    fcn_error err;
    CHECK(fcn_network_check(&b.net, &err) == 0);
}

/* Coverage of a branching model: the same layers, ports and connections. */
static void test_dag_coverage(void)
{
    residual_block model, config;
    const int cut[] = {4};
    residual_build(&model, NULL, 0);
    residual_build(&config, cut, 1);
    fcn_platform board = zedboard();
    fcn_validate_options o = {.model = &model.net};
    expect_first(&config.net, &board, &o, 0, NULL);
    model.add_inputs[1] = 3;
    expect_first(&config.net, &board, &o, 1, "partition 1: layer 'add' has input port 1's distance to its producer "
                                             "4 where the model's layer 6 'add' has 3");
}

int main(void)
{
    test_dag_handover();
    test_dag_reloaded_handover();
    test_dag_weights_reloading();
    test_dag_coverage();
    test_validate();
    test_coverage();
    test_schedule();
    return check_summary("test_validate");
}
