/*
 * Branching networks (docs/MODEL-DAG.md) by hand: a residual block
 *
 *   conv1 -> split1 -> conv2 -> relu2 -> add -> relu3
 *                 \____________________/
 *
 * cut into three partitions, so that the join reads tensors of two earlier
 * partitions from memory. The figures below are worked out by hand.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "residual_block.h"
#include "fpgaconvnet.h"

static int add_inputs[2] = {1, 3}; /* relu2 (the previous layer), split1 (three places back) */

typedef struct block {
    fcn_layer layers[6];
    fcn_partition parts[3];
    fcn_network net;
} block;

/* The three partitions: {conv1, split1}, {conv2, relu2}, {add, relu3}. */
static void build(block *b)
{
    b->layers[0] = residual_layer(FCN_CONVOLUTION, "conv1", 4, 8);
    b->layers[1] = residual_layer(FCN_SPLIT, "split1", 8, 0);
    b->layers[1].ports_out = 2;
    b->layers[1].coarse_in = b->layers[1].coarse_out = 2; /* a squeeze 1 -> 2 after conv1 */
    b->layers[2] = residual_layer(FCN_CONVOLUTION, "conv2", 8, 8);
    b->layers[2].coarse_in = 2;
    b->layers[3] = residual_layer(FCN_RELU, "relu2", 8, 0);
    b->layers[4] = residual_layer(FCN_ELTWISE, "add", 8, 0);
    b->layers[4].ports_in = 2;
    b->layers[4].inputs = add_inputs;
    b->layers[5] = residual_layer(FCN_RELU, "relu3", 8, 0);
    for (int p = 0; p < 3; p++)
        b->parts[p] = (fcn_partition){.id = p, .ports = 1, .batch_size = 1, .wr_factor = 1,
                                      .layer_count = 2, .layers = &b->layers[2 * p]};
    b->net = (fcn_network){.partition_count = 3, .partitions = b->parts};
}

static const fcn_eval_options options = {.freq_mhz = 100, .reconf_time_s = 0.01, .batch_size = 0};

static void report_text(const fcn_network_figures *f, fcn_report_format format, char *text, size_t size)
{
    fcn_error err = {{0}};
    FILE *out = tmpfile();
    text[0] = 0;
    CHECK(out != NULL);
    if (!out)
        return;
    CHECK(fcn_report_write(out, format, f, NULL, &err) == 0);
    rewind(out);
    size_t n = fread(text, 1, size - 1, out);
    text[n] = 0;
    fclose(out);
}

/* The report says which tensors a partition reads from memory and who wrote them. */
static void test_report(const fcn_network_figures *f)
{
    static char text[1 << 16];
    report_text(f, FCN_REPORT_TEXT, text, sizeof text);
    CHECK(strstr(text, "memory tensors") && strstr(text, "2 in (from relu2, split1), 1 out"));
    CHECK(strstr(text, "1 in (from the network input), 2 out") != NULL);
    report_text(f, FCN_REPORT_JSON, text, sizeof text);
    CHECK(strstr(text, "\"source\": \"split1\"") != NULL);
    CHECK(strstr(text, "\"memory_outputs\": 2") != NULL);
}

static void test_figures(void)
{
    block b;
    build(&b);
    fcn_error err = {{0}};
    CHECK(fcn_network_check(&b.net, &err) == 0);
    fcn_network_figures f;
    CHECK(fcn_network_evaluate(&b.net, &options, &f, &err) == 0);
    CHECK_INT(f.partition_count, 3);

    /* Partition 0 writes two tensors: conv1's through the split to conv2, and the skip. */
    const fcn_partition_figures *p0 = &f.partitions[0];
    CHECK_INT(p0->inputs, 1);
    CHECK_INT(p0->outputs, 2);
    CHECK_INT(p0->workload_in, 8 * 8 * 4);
    CHECK_INT(p0->workload_out, 2 * 8 * 8 * 8);
    CHECK_INT(p0->streams_out, 4); /* both of split1's outputs carry 2 streams */
    CHECK_INT(p0->layer_count, 3);
    CHECK(strcmp(p0->layers[1].name, "conv1_squeeze_split1") == 0);

    /* Partition 2: add and relu3 at one word a cycle over 8x8x8: interval 512, no pipeline depth. */
    const fcn_partition_figures *p2 = &f.partitions[2];
    CHECK_INT(p2->inputs, 2);
    CHECK_INT(p2->outputs, 1);
    CHECK_NEAR(p2->interval, 512.0, 1e-12);
    CHECK_INT(p2->pipeline_depth, 0);
    CHECK_NEAR(p2->latency_s, 512 / 100e6, 1e-12);
    /* 1024 words in per 512 cycles, 16 bits each at 100 MHz: 0.4 GB/s. */
    CHECK_NEAR(p2->bandwidth_in, 0.4, 1e-12);
    CHECK_NEAR(p2->bandwidth_out, 0.2, 1e-12);
    CHECK_INT(p2->edge_count, 4); /* two memory inputs, relu2 -> ..., add -> relu3, relu3 -> memory */
    int sources = 0;
    for (int e = 0; e < p2->edge_count; e++)
        if (p2->edges[e].from == -1)
            sources |= strcmp(p2->edges[e].source, "relu2") == 0 && p2->edges[e].source_partition == 1   ? 1
                       : strcmp(p2->edges[e].source, "split1") == 0 && p2->edges[e].source_partition == 0 ? 2
                                                                                                          : 4;
    CHECK_INT(sources, 3);

    /* The network: the partitions one after another, two reconfigurations between them. */
    double sum = 0;
    for (int p = 0; p < 3; p++)
        sum += f.partitions[p].latency_s;
    CHECK_NEAR(f.latency_s, sum + 2 * 0.01, 1e-12);
    /* The skip tensor outlives partition 1, so each partition keeps its outputs: input + all outputs. */
    CHECK_INT(f.memory_usage_bytes, (8 * 8 * 4 + 2 * 8 * 8 * 8 + 8 * 8 * 8 + 8 * 8 * 8) * 2);

    fcn_schedule_row rows[3];
    fcn_schedule(&f, rows);
    CHECK_INT(rows[0].dependency_count, 0);
    CHECK_INT(rows[0].input_dependence, 0);
    CHECK_INT(rows[0].output_dependence, 1);
    CHECK_INT(rows[1].dependency_count, 1);
    CHECK_INT(rows[1].dependencies[0], 0);
    CHECK_INT(rows[2].dependency_count, 2);
    CHECK_INT(rows[2].dependencies[0], 0);
    CHECK_INT(rows[2].dependencies[1], 1);
    CHECK_INT(rows[2].input_dependence, 1); /* port 0: relu2 */
    /* Every partition writes its own buffer after the input's (bytes: batch 1, 16-bit words). */
    CHECK_INT(rows[0].output_addr, 8 * 8 * 4 * 2);
    CHECK_INT(rows[1].output_addr, rows[0].output_addr + 2 * 8 * 8 * 8 * 2);
    CHECK_INT(rows[1].input_addr, rows[0].output_addr);
    CHECK_INT(rows[2].input_addr, rows[1].output_addr);
    char csv[2048] = "";
    FILE *out = tmpfile();
    CHECK(out != NULL);
    if (out) {
        CHECK(fcn_schedule_write(out, rows, 3, 1, &err) == 0);
        rewind(out);
        size_t n = fread(csv, 1, sizeof csv - 1, out);
        csv[n] = 0;
        fclose(out);
    }
    CHECK(strstr(csv, ",input_dependencies\n") != NULL);
    CHECK(strstr(csv, ",0;1\n") != NULL);
    /* A row that depends on more partitions than it holds is refused, not written short. */
    rows[2].dependency_count = FCN_MAX_DEPENDENCIES + 1;
    out = tmpfile();
    CHECK(out != NULL);
    if (out) {
        CHECK(fcn_schedule_write(out, rows, 3, 1, &err) == -1);
        CHECK_MESSAGE(err.message, "partition 2 reads tensors of 65 partitions; a schedule row holds at most 64");
        fclose(out);
    }
    test_report(&f);
    fcn_network_figures_free(&f);
}

/* The residual block as its configuration file (free it). */
static char *written_block(void)
{
    block b;
    build(&b);
    fcn_error err = {{0}};
    char *text = fcn_network_write_string(&b.net, &err);
    CHECK(text != NULL);
    return text;
}

/* The join's node_in as written: itself for port 0 (the previous layer, as chain files say), split1 for the skip. */
static void check_join_nodes(const char *text)
{
    json_t *doc = json_loads(text, 0, NULL);
    json_t *add = json_array_get(json_object_get(json_array_get(json_object_get(doc, "partition"), 2), "layers"), 0);
    json_t *node_in = json_object_get(add, "node_in");
    CHECK(json_is_array(node_in) && json_array_size(node_in) == 2);
    CHECK(json_is_string(json_array_get(node_in, 0)) && strcmp(json_string_value(json_array_get(node_in, 0)), "add") == 0);
    CHECK(json_is_string(json_array_get(node_in, 1)) &&
          strcmp(json_string_value(json_array_get(node_in, 1)), "split1") == 0);
    json_decref(doc);
}

/* Written and read back, the network is the same: node_in lists name the earlier partitions' layers. */
static void test_round_trip(void)
{
    block b;
    build(&b);
    fcn_error err = {{0}};
    char *text = written_block();
    if (!text)
        return;
    check_join_nodes(text);
    fcn_network *back = fcn_network_read_string(text, "dag.json", &err);
    CHECK(back != NULL);
    if (back) {
        const fcn_layer *add = &back->partitions[2].layers[0];
        CHECK_INT(add->ports_in, 2);
        CHECK(add->inputs && add->inputs[0] == 1 && add->inputs[1] == 3);
        CHECK_INT(back->partitions[0].layers[1].ports_out, 2);
        fcn_network_figures a, c;
        CHECK(fcn_network_evaluate(&b.net, &options, &a, &err) == 0);
        CHECK(fcn_network_evaluate(back, &options, &c, &err) == 0);
        CHECK(a.latency_s == c.latency_s);
        char *again = fcn_network_write_string(back, &err);
        CHECK(again && strcmp(again, text) == 0);
        free(again);
        fcn_network_figures_free(&a);
        fcn_network_figures_free(&c);
        fcn_network_free(back);
    }
    free(text);
}

/* The newest form: the join's streams name itself (the previous layer) and split1 (an earlier partition's). */
static void test_round_trip_newest(void)
{
    block b;
    build(&b);
    fcn_error err = {{0}};
    char *text = fcn_network_write_string_format(&b.net, FCN_CONFIG_NEWEST, &err);
    CHECK(text != NULL);
    json_t *doc = text ? json_loads(text, 0, NULL) : NULL;
    const json_t *part = json_array_get(json_object_get(doc, "partition"), 2);
    const json_t *streams = json_object_get(json_array_get(json_object_get(part, "layers"), 0), "streams_in");
    CHECK(json_array_size(streams) == 2);
    const char *port0 = json_string_value(json_object_get(json_array_get(streams, 0), "node"));
    const char *port1 = json_string_value(json_object_get(json_array_get(streams, 1), "node"));
    CHECK(port0 && strcmp(port0, "add") == 0);
    CHECK(port1 && strcmp(port1, "split1") == 0);
    CHECK(json_array_size(json_object_get(part, "input_nodes")) == 1); /* one layer reads memory, on two ports */
    json_decref(doc);
    fcn_network *back = text ? fcn_network_read_string(text, "dag.json", &err) : NULL;
    CHECK(back != NULL);
    if (back) {
        const fcn_layer *add = &back->partitions[2].layers[0];
        CHECK(add->inputs && add->inputs[0] == 1 && add->inputs[1] == 3);
        char *old = fcn_network_write_string(back, &err), *want = written_block();
        CHECK(old && want && strcmp(old, want) == 0);
        free(old);
        free(want);
    }
    fcn_network_free(back);
    free(text);
}

static void expect_check(block *b, const char *message)
{
    fcn_error err = {{0}};
    CHECK(fcn_network_check(&b->net, &err) == -1);
    CHECK_MESSAGE(err.message, message);
}

static void test_bad_networks(void)
{
    block b;
    build(&b);
    b.layers[1].ports_out = 3;
    expect_check(&b, "partition 0, layer 'split1': a SPLIT with 3 output ports has 2 consumers");

    build(&b);
    b.layers[1].type = FCN_RELU; /* two readers without a split */
    b.layers[1].ports_out = 1;
    expect_check(&b, "partition 0, layer 'split1': its output is read by 2 input ports; a tensor read by several layers needs a SPLIT");

    build(&b);
    b.parts[2].layer_count = 1;
    b.parts[1].layer_count = 3;
    b.parts[1].layers = &b.layers[2]; /* conv2, relu2, add: the join inside partition 1 */
    b.parts[2].layers = &b.layers[5];
    b.layers[2].filters = 4; /* conv2 gives 4 channels where add takes 8 */
    b.layers[3].channels = 4;
    expect_check(&b, "partition 1, layer 'add': input of port 0 8x8x8 does not match the output 8x8x4 of 'relu2'");

    build(&b);
    int far[2] = {1, 9};
    b.layers[4].inputs = far;
    expect_check(&b, "partition 2, layer 'add': input port 1 refers to a layer 9 places back, before the network's first layer");
}

/* The file `text` with the first `from` after layer `layer`'s name made `to` must fail with `message`. */
static void expect_edited_error(const char *text, const char *layer, const char *from, const char *to,
                                const char *message)
{
    char name[64];
    snprintf(name, sizeof name, "\"name\": \"%s\"", layer);
    const char *at = strstr(text, name);
    const char *found = at ? strstr(at, from) : NULL;
    char *bad = malloc(strlen(text) + strlen(to) + 1);
    CHECK(found != NULL && bad != NULL);
    if (found && bad) {
        sprintf(bad, "%.*s%s%s", (int)(found - text), text, to, found + strlen(from));
        fcn_error err = {{0}};
        fcn_network *net = fcn_network_read_string(bad, "dag.json", &err);
        CHECK(net == NULL);
        CHECK_MESSAGE(err.message, message);
        fcn_network_free(net);
    }
    free(bad);
}

/* A configuration naming a layer of a later partition, a join without its memory tensor, a cycle: clear errors. */
static void test_bad_files(void)
{
    char *text = written_block();
    if (!text)
        return;
    expect_edited_error(text, "relu2", "\"node_in\": \"conv2\"", "\"node_in\": \"relu3\"",
                        "dag.json: partition 1: layer 'relu2' has node_in 'relu3', which is no layer of this or an "
                        "earlier partition");
    /* The join's skip input named as upstream marks every partition input: which tensor is it? */
    expect_edited_error(text, "add", "\"split1\"", "\"add\"",
                        "dag.json: partition 2: layer 'add' has node_in 'add', which is no layer of this or an earlier "
                        "partition (only a partition's first layer reads the previous partition's output unnamed)");
    expect_edited_error(text, "conv2", "\"node_in\": \"conv2\"", "\"node_in\": \"relu2\"",
                        "dag.json: partition 1: layer 'conv2' reads 'relu2', which is listed after it (layers must be "
                        "in data-flow order; a cycle cannot be modelled)");
    free(text);
}

/* A clamp's bounds survive the file; an unbounded side (which JSON cannot spell) is left out and read back. */
static void test_clip_bounds(void)
{
    fcn_layer clip = residual_layer(FCN_CLIP, "clip", 8, 0);
    clip.clip_min = 0;
    CHECK(isinf(clip.clip_max) && clip.clip_max > 0);
    fcn_partition part = {.id = 0, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 1, .layers = &clip};
    fcn_network net = {.partition_count = 1, .partitions = &part};
    fcn_error err = {{0}};
    char *text = fcn_network_write_string(&net, &err);
    CHECK(text && strstr(text, "\"clip_min\": 0") && !strstr(text, "clip_max"));
    fcn_network *back = text ? fcn_network_read_string(text, "clip.json", &err) : NULL;
    CHECK(back != NULL);
    if (back) {
        CHECK(back->partitions[0].layers[0].clip_min == 0);
        CHECK(isinf(back->partitions[0].layers[0].clip_max));
    }
    fcn_network_free(back);
    free(text);
}

/* A file in the form upstream's multi-port writer gives (9a8daeb: node lists, *_array fields, no data_width). */
static void test_upstream_file(void)
{
    fcn_error err = {{0}};
    fcn_network *net = fcn_network_read("data/configs/upstream_residual.json", &err);
    CHECK(net != NULL);
    if (!net) {
        fprintf(stderr, "%s\n", err.message);
        return;
    }
    const fcn_partition *p = &net->partitions[0];
    CHECK_INT(p->layer_count, 5);
    CHECK_INT(p->layers[1].ports_out, 2);
    const fcn_layer *add = &p->layers[3];
    CHECK_INT(add->ports_in, 2);
    CHECK(add->inputs && add->inputs[0] == 2 && add->inputs[1] == 1); /* split1, conv2: ONNX's operand order */
    fcn_network_figures f;
    CHECK(fcn_network_evaluate(net, &options, &f, &err) == 0);
    /* conv2, the slowest: 8x8x8 words, each times 8 filters x 9 taps, one MAC a cycle (fine 1): 36864 cycles. */
    CHECK_NEAR(f.partitions[0].interval, 36864.0, 1e-12);
    CHECK_INT(f.partitions[0].inputs, 1);
    CHECK_INT(f.partitions[0].outputs, 1);
    fcn_network_figures_free(&f);
    fcn_network_free(net);
}

int main(void)
{
    test_upstream_file();
    test_clip_bounds();
    test_figures();
    test_round_trip();
    test_round_trip_newest();
    test_bad_networks();
    test_bad_files();
    return check_summary("test_dag");
}
