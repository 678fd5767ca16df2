/* Validation against a board and the schedule, through the C API, on hand-checked cases. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>

#include "check.h"
#include "fpgaconvnet.h"

static const fcn_eval_options OPTS = {.freq_mhz = 100, .reconf_time_s = 0.08255};

static fcn_platform zedboard(void)
{
    fcn_platform p = {.name = "zedboard", .resource = {53200, 106400, 220, 280}, .freq_mhz = 100,
                      .reconf_time_s = 0.08255, .mem_bandwidth_gbs = 4.2, .ports = 4, .port_width = 64};
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

int main(void)
{
    test_validate();
    test_coverage();
    test_schedule();
    return check_summary("test_validate");
}
