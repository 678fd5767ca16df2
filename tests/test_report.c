/*
 * The report writers: the JSON report is valid JSON with every key of its contract, and its
 * doubles read back bit for bit; the text report has its table, bottleneck and utilisation; and
 * every failure of fcn_report_write is reported, not crashed on.
 */
#include <jansson.h>
#include <stdlib.h>

#include "check.h"
#include "fpgaconvnet.h"

static const char *const RESOURCE_KEYS[] = {"LUT", "FF", "DSP", "BRAM"};
static const char *const NETWORK_KEYS[] = {"latency_s", "throughput", "batch_size", "freq_mhz", "reconf_time_s",
                                           "operations", "memory_usage_bytes", "partitions"};
static const char *const PARTITION_KEYS[] = {
    "id", "batch_size", "interval", "pipeline_depth", "latency_s", "streams_in", "streams_out", "wr_factor",
    "wr_layer", "size_wr", "bandwidth_in", "bandwidth_out", "operations", "bottleneck"};
static const char *const LAYER_KEYS[] = {
    "name", "type", "rows_in", "cols_in", "channels_in", "rows_out", "cols_out", "channels_out", "coarse_in",
    "coarse_out", "rate_in", "rate_out", "latency", "pipeline_depth", "workload_in", "workload_out",
    "size_in", "size_out", "operations", "interval_share"};
static const char *const MODULE_KEYS[] = {"name", "rows_in", "cols_in", "channels_in", "rows_out", "cols_out",
                                          "channels_out", "rate_in", "rate_out", "latency", "pipeline_depth"};

#define COUNT(array) (sizeof array / sizeof array[0])

static void check_keys(const json_t *object, const char *const *keys, size_t count, const char *what)
{
    for (size_t i = 0; i < count; i++) {
        check_count++;
        if (!json_object_get(object, keys[i])) {
            check_failures++;
            fprintf(stderr, "%s lacks \"%s\"\n", what, keys[i]);
        }
    }
}

static void check_resource(const json_t *object, const fcn_resource *expected)
{
    check_keys(object, RESOURCE_KEYS, COUNT(RESOURCE_KEYS), "resource");
    CHECK_INT(json_integer_value(json_object_get(object, "LUT")), expected->lut);
    CHECK_INT(json_integer_value(json_object_get(object, "FF")), expected->ff);
    CHECK_INT(json_integer_value(json_object_get(object, "DSP")), expected->dsp);
    CHECK_INT(json_integer_value(json_object_get(object, "BRAM")), expected->bram);
}

/* Exactly equal: the report promises doubles that read back bit for bit. */
static void check_exact(const json_t *value, double expected, const char *what)
{
    check_count++;
    if (!json_is_number(value) || json_number_value(value) != expected) {
        check_failures++;
        fprintf(stderr, "%s is %.17g in the report, %.17g in the figures\n", what, json_number_value(value),
                expected);
    }
}

/* The report written to a temporary file, read back as a string (free it). */
static char *report_string(fcn_report_format format, const fcn_network_figures *figures,
                           const fcn_platform *platform, int *status, fcn_error *err)
{
    FILE *file = tmpfile();
    if (!file)
        return NULL;
    *status = fcn_report_write(file, format, figures, platform, err);
    long size = ftell(file);
    rewind(file);
    char *text = size >= 0 ? calloc((size_t)size + 1, 1) : NULL;
    if (text && fread(text, 1, (size_t)size, file) != (size_t)size) {
        free(text);
        text = NULL;
    }
    fclose(file);
    return text;
}

/* Evaluates a file; the figures borrow names from the network, so both are returned (NULL on failure). */
static fcn_network *evaluate(const char *path, const fcn_eval_options *opts, fcn_network_figures *figures)
{
    fcn_error err;
    fcn_network *net = fcn_network_read(path, &err);
    CHECK(net != NULL);
    if (!net) {
        fprintf(stderr, "%s\n", err.message);
        return NULL;
    }
    int status = fcn_network_evaluate(net, opts, figures, &err);
    CHECK_INT(status, 0);
    if (status) {
        fcn_network_free(net);
        return NULL;
    }
    return net;
}

static void release(fcn_network *net, fcn_network_figures *figures)
{
    fcn_network_figures_free(figures);
    fcn_network_free(net);
}

static void check_layer(const json_t *layer, const fcn_layer *l, const fcn_layer_figures *f, double interval)
{
    check_keys(layer, LAYER_KEYS, COUNT(LAYER_KEYS), "layer");
    CHECK(strcmp(json_string_value(json_object_get(layer, "name")), l->name) == 0);
    CHECK(strcmp(json_string_value(json_object_get(layer, "type")), fcn_layer_type_name(l->type)) == 0);
    check_exact(json_object_get(layer, "latency"), f->latency, "layer latency");
    check_exact(json_object_get(layer, "rate_in"), f->rate_in, "layer rate_in");
    check_exact(json_object_get(layer, "rate_out"), f->rate_out, "layer rate_out");
    check_exact(json_object_get(layer, "interval_share"), f->latency / interval, "layer interval_share");
    check_resource(json_object_get(layer, "resource"), &f->resource);
    const json_t *modules = json_object_get(layer, "modules");
    CHECK_INT(json_array_size(modules), f->module_count);
    for (size_t m = 0; m < json_array_size(modules); m++) {
        const json_t *module = json_array_get(modules, m);
        check_keys(module, MODULE_KEYS, COUNT(MODULE_KEYS), "module");
        check_resource(json_object_get(module, "resource"), &f->modules[m].resource);
        check_exact(json_object_get(module, "rate_out"), f->modules[m].rate_out, "module rate_out");
    }
}

static void check_partition(const json_t *partition, const fcn_partition_figures *p)
{
    check_keys(partition, PARTITION_KEYS, COUNT(PARTITION_KEYS), "partition");
    CHECK_INT(json_integer_value(json_object_get(partition, "id")), p->id);
    check_exact(json_object_get(partition, "interval"), p->interval, "interval");
    check_exact(json_object_get(partition, "latency_s"), p->latency_s, "partition latency_s");
    check_exact(json_object_get(partition, "bandwidth_in"), p->bandwidth_in, "bandwidth_in");
    check_exact(json_object_get(partition, "bandwidth_out"), p->bandwidth_out, "bandwidth_out");
    const json_t *wr_layer = json_object_get(partition, "wr_layer");
    CHECK(p->wr_layer ? strcmp(json_string_value(wr_layer), p->wr_layer) == 0 : json_is_null(wr_layer));
    CHECK(strcmp(json_string_value(json_object_get(partition, "bottleneck")),
                 p->layers[p->bottleneck].name) == 0);
    check_resource(json_object_get(partition, "resource"), &p->resource);
    const json_t *layers = json_object_get(partition, "layers");
    CHECK_INT(json_array_size(layers), p->layer_count);
    for (size_t i = 0; i < json_array_size(layers) && i < (size_t)p->layer_count; i++)
        check_layer(json_array_get(layers, i), &p->layers[i], &p->figures[i], p->interval);
}

/* The JSON report of a multi-partition network with squeezes, checked against the figures themselves. */
static void test_json_report(const char *path)
{
    fcn_eval_options opts = {200.0, 0.08255, 0};
    fcn_network_figures figures;
    fcn_network *net = evaluate(path, &opts, &figures);
    if (!net)
        return;
    fcn_error err;
    int status = -1;
    char *text = report_string(FCN_REPORT_JSON, &figures, NULL, &status, &err);
    CHECK_INT(status, 0);
    if (status)
        fprintf(stderr, "%s\n", err.message);
    CHECK(text != NULL);
    json_error_t error;
    json_t *root = text ? json_loads(text, 0, &error) : NULL;
    CHECK(root != NULL);
    if (root) {
        const json_t *network = json_object_get(root, "network");
        check_keys(network, NETWORK_KEYS, COUNT(NETWORK_KEYS), "network");
        check_exact(json_object_get(network, "latency_s"), figures.latency_s, "latency_s");
        check_exact(json_object_get(network, "throughput"), figures.throughput, "throughput");
        check_exact(json_object_get(network, "freq_mhz"), 200.0, "freq_mhz");
        check_exact(json_object_get(network, "reconf_time_s"), 0.08255, "reconf_time_s");
        CHECK_INT(json_integer_value(json_object_get(network, "memory_usage_bytes")), figures.memory_usage_bytes);
        check_resource(json_object_get(network, "resource"), &figures.resource);
        CHECK(json_object_get(network, "utilisation") == NULL); /* only with a platform */
        CHECK(json_object_get(root, "platform") == NULL);
        const json_t *partitions = json_object_get(root, "partitions");
        CHECK_INT(json_array_size(partitions), figures.partition_count);
        for (int i = 0; i < figures.partition_count && i < (int)json_array_size(partitions); i++)
            check_partition(json_array_get(partitions, (size_t)i), &figures.partitions[i]);
    }
    json_decref(root);
    free(text);
    release(net, &figures);
}

static fcn_platform test_platform(void)
{
    fcn_platform platform = {.name = "board", .part = "xc-part",
                             .resource = {.lut = 200000, .ff = 400000, .dsp = 900, .bram = 1000},
                             .freq_mhz = 150, .reconf_time_s = 0.1, .mem_bandwidth_gbs = 16};
    return platform;
}

static void test_json_utilisation(void)
{
    fcn_eval_options opts = {125.0, 0.0, 4};
    fcn_network_figures figures;
    fcn_network *net = evaluate("../examples/lenet.json", &opts, &figures);
    if (!net)
        return;
    fcn_platform platform = test_platform();
    platform.resource.dsp = 0; /* nothing to compare with: null, not a division by zero */
    fcn_error err;
    int status = -1;
    char *text = report_string(FCN_REPORT_JSON, &figures, &platform, &status, &err);
    CHECK_INT(status, 0);
    json_t *root = text ? json_loads(text, 0, NULL) : NULL;
    CHECK(root != NULL);
    const json_t *network = json_object_get(root, "network");
    CHECK_INT(json_integer_value(json_object_get(network, "batch_size")), 4);
    const json_t *utilisation = json_object_get(network, "utilisation");
    check_exact(json_object_get(utilisation, "LUT"), 100.0 * (double)figures.resource.lut / 200000.0, "LUT %");
    CHECK(json_is_null(json_object_get(utilisation, "DSP")));
    CHECK(strcmp(json_string_value(json_object_get(json_object_get(root, "platform"), "name")), "board") == 0);
    const json_t *partition = json_array_get(json_object_get(root, "partitions"), 0);
    CHECK(json_is_object(json_object_get(partition, "utilisation")));
    CHECK_INT(json_integer_value(json_object_get(partition, "batch_size")), 4);
    check_exact(json_object_get(partition, "bandwidth_utilisation"),
                100.0 * (figures.partitions[0].bandwidth_in + figures.partitions[0].bandwidth_out) / 16.0,
                "bandwidth %");
    json_decref(root);
    free(text);
    release(net, &figures);
}

static void test_text_report(void)
{
    fcn_eval_options opts = {125.0, 0.08255, 0};
    fcn_network_figures figures;
    fcn_network *net = evaluate("../examples/alexnet.json", &opts, &figures);
    if (!net)
        return;
    fcn_error err;
    int status = -1;
    char *text = report_string(FCN_REPORT_TEXT, &figures, NULL, &status, &err);
    CHECK_INT(status, 0);
    if (text) {
        CHECK_MESSAGE(text, "Partition 0");
        CHECK_MESSAGE(text, "Partition 2");
        CHECK_MESSAGE(text, "* bottleneck: ");
        CHECK_MESSAGE(text, figures.partitions[0].layers[figures.partitions[0].bottleneck].name);
        CHECK_MESSAGE(text, "LUT");
        CHECK_MESSAGE(text, "squeeze");
        CHECK_MESSAGE(text, "Network totals");
        CHECK(strstr(text, "OVER") == NULL); /* no platform, nothing to be over */
        CHECK(strstr(text, "available") == NULL);
    }
    free(text);

    fcn_platform platform = test_platform();
    text = report_string(FCN_REPORT_TEXT, &figures, &platform, &status, &err);
    CHECK_INT(status, 0);
    if (text) {
        CHECK_MESSAGE(text, "board (xc-part)");
        CHECK_MESSAGE(text, "/  200,000");
        CHECK_MESSAGE(text, "%)  OVER"); /* the golden alexnet design is far larger than the board */
        CHECK_MESSAGE(text, "of 16 GB/s");
    }
    free(text);
    release(net, &figures);
}

/* Figures without the evaluated chain (as fcn_partition_summary gives) and non-finite numbers. */
static void test_figures_without_chain(void)
{
    fcn_partition_figures partition = {.id = 7, .batch_size = 1, .interval = 0, .wr_factor = 1};
    fcn_network_figures figures = {.latency_s = 0, .throughput = 1.0 / 0.0, .batch_size = 1, .freq_mhz = 125,
                                   .partition_count = 1, .partitions = &partition};
    fcn_error err;
    int status = -1;
    char *text = report_string(FCN_REPORT_TEXT, &figures, NULL, &status, &err);
    CHECK_INT(status, 0);
    if (text)
        CHECK_MESSAGE(text, "Partition 7 (0 layers");
    free(text);
    text = report_string(FCN_REPORT_JSON, &figures, NULL, &status, &err);
    CHECK_INT(status, 0);
    json_t *root = text ? json_loads(text, 0, NULL) : NULL;
    CHECK(root != NULL);
    CHECK(json_is_null(json_object_get(json_object_get(root, "network"), "throughput")));
    CHECK(json_is_null(json_object_get(json_array_get(json_object_get(root, "partitions"), 0), "bottleneck")));
    json_decref(root);
    free(text);
}

static void test_failures(void)
{
    fcn_network_figures figures = {.partition_count = 0};
    fcn_error err;
    CHECK_INT(fcn_report_write(NULL, FCN_REPORT_TEXT, &figures, NULL, &err), -1);
    CHECK_MESSAGE(err.message, "no stream");
    CHECK_INT(fcn_report_write(stdout, FCN_REPORT_TEXT, NULL, NULL, &err), -1);
    CHECK_MESSAGE(err.message, "no figures");
    CHECK_INT(fcn_report_write(stdout, (fcn_report_format)9, &figures, NULL, &err), -1);
    CHECK_MESSAGE(err.message, "unknown report format 9");
    figures.partition_count = 2;
    CHECK_INT(fcn_report_write(stdout, FCN_REPORT_JSON, &figures, NULL, &err), -1);
    CHECK_MESSAGE(err.message, "2 partitions but no partition figures");
    CHECK_INT(fcn_report_write(stdout, FCN_REPORT_JSON, &figures, NULL, NULL), -1); /* err may be NULL */

    /* A stream that cannot be written: the failure is reported, for both formats. */
    fcn_partition_figures partition = {.batch_size = 1, .wr_factor = 1};
    fcn_network_figures one = {.partition_count = 1, .partitions = &partition, .freq_mhz = 125};
    FILE *read_only = fopen("check.h", "r");
    CHECK(read_only != NULL);
    if (read_only) {
        CHECK_INT(fcn_report_write(read_only, FCN_REPORT_TEXT, &one, NULL, &err), -1);
        CHECK_MESSAGE(err.message, "cannot write the report");
        clearerr(read_only);
        CHECK_INT(fcn_report_write(read_only, FCN_REPORT_JSON, &one, NULL, &err), -1);
        CHECK_MESSAGE(err.message, "cannot write the report");
        fclose(read_only);
    }
}

int main(void)
{
    test_json_report("../examples/lenet.json");
    test_json_report("../examples/alexnet.json");
    test_json_utilisation();
    test_text_report();
    test_figures_without_chain();
    test_failures();
    return check_summary("test_report");
}
