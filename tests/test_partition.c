/* A partition and a network worked by hand (MODEL.md §4, §5), built through the C API. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"

static fcn_layer conv_layer(void)
{
    fcn_layer l;
    fcn_layer_init(&l, FCN_CONVOLUTION);
    l.name = "conv";
    l.rows = l.cols = 8;
    l.channels = 4;
    l.filters = 8;
    l.kernel[0] = l.kernel[1] = 3;
    l.pad_top = l.pad_right = l.pad_bottom = l.pad_left = 1;
    l.coarse_in = 2;
    l.coarse_out = 4;
    return l;
}

static fcn_layer pointwise_layer(fcn_layer_type type, const char *name, int64_t size, int64_t coarse)
{
    fcn_layer l;
    fcn_layer_init(&l, type);
    l.name = (char *)name;
    l.rows = l.cols = size;
    l.channels = 8;
    l.coarse_in = l.coarse_out = coarse;
    return l;
}

static void test_partition_by_hand(void)
{
    fcn_layer layers[3] = {conv_layer(), pointwise_layer(FCN_RELU, "relu", 8, 2),
                           pointwise_layer(FCN_POOLING, "pool", 8, 8)};
    layers[2].kernel[0] = layers[2].kernel[1] = 2;
    layers[2].stride[0] = layers[2].stride[1] = 2;
    fcn_layer tail = pointwise_layer(FCN_RELU, "tail", 4, 4);
    fcn_partition parts[2] = {
        {.id = 0, .ports = 1, .batch_size = 3, .wr_factor = 2, .wr_layer = "conv", .layer_count = 3, .layers = layers},
        {.id = 1, .ports = 1, .batch_size = 3, .wr_factor = 1, .layer_count = 1, .layers = &tail},
    };
    fcn_network net = {.partition_count = 2, .partitions = parts};
    fcn_error err = {{0}};
    CHECK(fcn_network_check(&net, &err) == 0);

    fcn_eval_options opts = {.freq_mhz = 100, .reconf_time_s = 0.01};
    fcn_network_figures f;
    CHECK(fcn_network_evaluate(&net, &opts, &f, &err) == 0);
    const fcn_partition_figures *p = &f.partitions[0];

    /* Conv: 4 streams out, relu takes 2, pool 8, the port carries at most 4. */
    CHECK_INT(p->layer_count, 6);
    static const char *const names[] = {"conv", "conv_squeeze_relu", "relu", "relu_squeeze_pool", "pool", "squeeze_pool"};
    for (int i = 0; i < 6 && i < p->layer_count; i++)
        CHECK(strcmp(p->layers[i].name, names[i]) == 0);
    CHECK_INT(p->layers[1].coarse_in, 4);
    CHECK_INT(p->layers[1].coarse_out, 2);
    CHECK_INT(p->layers[5].rows, 4);
    CHECK_INT(p->layers[5].coarse_out, 4);
    CHECK_INT(p->streams_in, 2);
    CHECK_INT(p->streams_out, 4);

    /* The conv's rate chain settles at 1/18 words per cycle in and out: 256/(2/18) = 2304 cycles. */
    CHECK_NEAR(p->figures[0].rate_in, 1.0 / 18.0, 1e-12);
    CHECK_NEAR(p->figures[0].latency, 2304, 1e-12);
    CHECK_NEAR(p->figures[1].latency, 256, 1e-12);
    CHECK_NEAR(p->figures[4].latency, 64, 1e-12);
    CHECK_NEAR(p->figures[5].latency, 32, 1e-12);
    CHECK_NEAR(p->interval, 2304, 1e-12);
    CHECK_INT(p->bottleneck, 0);
    /* conv: window (8+2)*2*2 + 2*3*2 = 52, fine 1, accum 2*2 = 4; pool window 8 + 2. */
    CHECK_INT(p->pipeline_depth, 67);
    CHECK_INT(p->size_wr, 4 * 8 * 9);
    CHECK_NEAR(p->latency_s, ((2304.0 * 3 + 67) * 2 + 288) / 100e6, 1e-12);
    CHECK_NEAR(p->bandwidth_in, 256.0 / 2304 * 16 * 100 / 8000, 1e-12);
    CHECK_NEAR(p->bandwidth_out, 128.0 / 2304 * 16 * 100 / 8000, 1e-12);

    fcn_resource sum = {0};
    int64_t operations = 0;
    for (int i = 0; i < p->layer_count; i++) {
        sum.lut += p->figures[i].resource.lut;
        sum.bram += p->figures[i].resource.bram;
        operations += p->figures[i].operations;
    }
    CHECK_INT(p->resource.lut, sum.lut);
    CHECK_INT(p->resource.bram, sum.bram);
    CHECK_INT(p->operations, 9 * 4 * 8 * 8 * 8);
    CHECK_INT(operations, p->operations);

    /* Second partition: 128 words over 4 streams, no squeeze. */
    CHECK_INT(f.partitions[1].layer_count, 1);
    CHECK_NEAR(f.partitions[1].interval, 32, 1e-12);
    CHECK_NEAR(f.latency_s, p->latency_s + 32.0 * 3 / 100e6 + 0.01, 1e-12);
    CHECK_NEAR(f.throughput, 3 / f.latency_s, 1e-12);
    CHECK_INT(f.batch_size, 3);
    /* max words in 256*3, max words out 128*3*2 (weights reloading), 2 bytes a word. */
    CHECK_INT(f.memory_usage_bytes, (768 + 768) * 2);
    CHECK_INT(f.resource.lut, p->resource.lut > f.partitions[1].resource.lut ? p->resource.lut : f.partitions[1].resource.lut);

    /* The summary path agrees without building the chain. */
    fcn_partition_figures s;
    fcn_partition_summary(&parts[0], &opts, &s);
    CHECK_NEAR(s.latency_s, p->latency_s, 1e-15);
    CHECK_INT(s.resource.ff, p->resource.ff);
    CHECK_INT(s.layer_count, 6);
    CHECK(s.layers == NULL);

    /* From figures kept by the caller: the same, and a changed layer counts once re-evaluated. */
    fcn_layer_figures kept[3];
    for (int i = 0; i < 3; i++)
        fcn_layer_evaluate(&layers[i], &kept[i]);
    fcn_partition_figures c;
    fcn_partition_summary_cached(&parts[0], kept, &opts, &c);
    CHECK_NEAR(c.latency_s, p->latency_s, 1e-15);
    CHECK_INT(c.resource.lut, p->resource.lut);
    layers[0].coarse_out = 8;
    fcn_layer_evaluate(&layers[0], &kept[0]);
    fcn_partition_summary_cached(&parts[0], kept, &opts, &c);
    fcn_partition_summary(&parts[0], &opts, &s);
    CHECK_NEAR(c.interval, s.interval, 1e-15);
    CHECK_INT(c.resource.dsp, s.resource.dsp);
    CHECK(c.interval < p->interval);
    layers[0].coarse_out = 4;

    /* A batch size given to the evaluation overrides every partition's. */
    opts.batch_size = 10;
    fcn_network_figures g;
    CHECK(fcn_network_evaluate(&net, &opts, &g, &err) == 0);
    CHECK_INT(g.batch_size, 10);
    CHECK_INT(g.partitions[1].batch_size, 10);
    CHECK_NEAR(g.partitions[1].latency_s, 32.0 * 10 / 100e6, 1e-12);
    fcn_network_figures_free(&g);
    fcn_network_figures_free(&f);
}

/*
 * The summary (no chain built: the optimiser's path) gives every headline figure of the whole
 * evaluation, squeezes and all, on every bundled configuration: chains, DAGs, many partitions.
 */
static void test_summary_is_the_whole_evaluation(void)
{
    static const char *const files[] = {"../examples/lenet.json", "../examples/tinyvgg.json",
                                        "../examples/alexnet.json", "../examples/vgg11.json",
                                        "../examples/resnet18_zc706.json",
                                        "../examples/mobilenet_v3_small_zc706.json"};
    const fcn_eval_options opts = {.freq_mhz = 125};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        fcn_error err = {{0}};
        fcn_network *net = fcn_network_read(files[k], &err);
        CHECK(net != NULL);
        fcn_network_figures whole;
        if (!net || fcn_network_evaluate(net, &opts, &whole, &err) != 0) {
            fprintf(stderr, "%s: %s\n", files[k], err.message);
            fcn_network_free(net);
            continue;
        }
        for (int i = 0; i < net->partition_count; i++) {
            const fcn_partition_figures *w = &whole.partitions[i];
            fcn_partition_figures s;
            fcn_partition_summary(&net->partitions[i], &opts, &s);
            CHECK(s.interval == w->interval && s.latency_s == w->latency_s);
            CHECK_INT(s.bottleneck, w->bottleneck);
            CHECK_INT(s.layer_count, w->layer_count);
            CHECK_INT(s.pipeline_depth, w->pipeline_depth);
            CHECK(memcmp(&s.resource, &w->resource, sizeof s.resource) == 0);
            CHECK_INT(s.operations, w->operations);
            CHECK_INT(s.workload_in + s.workload_out + s.streams_in + s.streams_out,
                      w->workload_in + w->workload_out + w->streams_in + w->streams_out);
            CHECK(s.bandwidth_in == w->bandwidth_in && s.bandwidth_out == w->bandwidth_out);
            CHECK_INT(s.size_wr, w->size_wr);
        }
        fcn_network_figures_free(&whole);
        fcn_network_free(net);
    }
}

/* Two evaluations of the same network agree on every figure, layer, name and edge. */
static void check_same_figures(const fcn_network_figures *a, const fcn_network_figures *b)
{
    CHECK(a->latency_s == b->latency_s && a->throughput == b->throughput);
    CHECK_INT(a->batch_size, b->batch_size);
    CHECK_INT(a->operations, b->operations);
    CHECK_INT(a->memory_usage_bytes, b->memory_usage_bytes);
    CHECK(memcmp(&a->resource, &b->resource, sizeof a->resource) == 0);
    CHECK_INT(a->partition_count, b->partition_count);
    for (int i = 0; i < a->partition_count && i < b->partition_count; i++) {
        const fcn_partition_figures *x = &a->partitions[i], *y = &b->partitions[i];
        CHECK(x->interval == y->interval && x->latency_s == y->latency_s);
        CHECK(x->bandwidth_in == y->bandwidth_in && x->bandwidth_out == y->bandwidth_out);
        CHECK_INT(x->pipeline_depth, y->pipeline_depth);
        CHECK(memcmp(&x->resource, &y->resource, sizeof x->resource) == 0);
        CHECK_INT(x->layer_count, y->layer_count);
        CHECK_INT(x->edge_count, y->edge_count);
        for (int j = 0; j < x->layer_count && j < y->layer_count; j++) {
            const fcn_layer_figures *f = &x->figures[j], *g = &y->figures[j];
            CHECK(strcmp(x->layers[j].name, y->layers[j].name) == 0);
            CHECK(x->layers[j].type == y->layers[j].type && x->layers[j].coarse_in == y->layers[j].coarse_in);
            CHECK_INT(f->module_count, g->module_count);
            CHECK(memcmp(f, g, offsetof(fcn_layer_figures, module_count)) == 0); /* every field but the count (padding follows it) */
            for (int m = 0; m < f->module_count && m < g->module_count; m++)
                CHECK(memcmp(&f->modules[m], &g->modules[m], sizeof f->modules[m]) == 0);
        }
        for (int e = 0; e < x->edge_count && e < y->edge_count; e++)
            CHECK(x->edges[e].from == y->edges[e].from && x->edges[e].to == y->edges[e].to &&
                  x->edges[e].port == y->edges[e].port && x->edges[e].source == y->edges[e].source &&
                  x->edges[e].source_partition == y->edges[e].source_partition);
    }
}

/*
 * fcn_network_evaluate_into, one figures object reused over every bundled configuration (larger
 * and smaller, more and fewer partitions, in both orders), gives what fcn_network_evaluate does.
 */
static void test_evaluate_into_reuses(void)
{
    static const char *const files[] = {"../examples/lenet.json", "../examples/alexnet.json",
                                        "../examples/resnet18_zc706.json", "../examples/tinyvgg.json",
                                        "../examples/mobilenet_v3_small_zc706.json", "../examples/vgg11.json"};
    enum { N = sizeof files / sizeof files[0] };
    const fcn_eval_options opts = {.freq_mhz = 125, .reconf_time_s = 0.08};
    fcn_network *nets[N];
    for (int k = 0; k < N; k++) {
        fcn_error err = {{0}};
        nets[k] = fcn_network_read(files[k], &err);
        CHECK(nets[k] != NULL);
    }
    fcn_network_figures reused = {0};
    for (int round = 0; round < 2 * N; round++) {
        const int k = round < N ? round : 2 * N - 1 - round;
        if (!nets[k])
            continue;
        fcn_error err = {{0}};
        fcn_network_figures fresh;
        CHECK(fcn_network_evaluate(nets[k], &opts, &fresh, &err) == 0);
        CHECK(fcn_network_evaluate_into(nets[k], &opts, &reused, &err) == 0);
        check_same_figures(&reused, &fresh);
        CHECK(reused.partition_capacity >= reused.partition_count);
        fcn_network_figures_free(&fresh);
    }
    fcn_network_figures_free(&reused);
    CHECK(reused.partitions == NULL && reused.partition_count == 0 && reused.partition_capacity == 0);
    /* A network without partitions fails and leaves nothing to release. */
    fcn_error err = {{0}};
    fcn_network empty = {0};
    CHECK(nets[0] && fcn_network_evaluate_into(nets[0], &opts, &reused, &err) == 0);
    CHECK(fcn_network_evaluate_into(&empty, &opts, &reused, &err) == -1);
    CHECK(reused.partitions == NULL);
    for (int k = 0; k < N; k++)
        fcn_network_free(nets[k]);
}

int main(void)
{
    test_partition_by_hand();
    test_summary_is_the_whole_evaluation();
    test_evaluate_into_reuses();
    return check_summary("test_partition");
}
