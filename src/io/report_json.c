/*
 * The JSON report: every figure of the evaluation, for other programs. Doubles are printed with 17
 * significant digits so that a reader gets back exactly the value the model computed.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "report.h"

/*
 * Building the tree: jansson returns NULL when out of memory, so every insertion goes through
 * put(), which remembers a failure instead of checking each call site.
 */
typedef struct builder {
    int failed;
} builder;

static void put(builder *b, json_t *object, const char *key, json_t *value)
{
    if (!object || !value || json_object_set_new(object, key, value) != 0)
        b->failed = 1;
}

static void append(builder *b, json_t *array, json_t *value)
{
    if (!array || !value || json_array_append_new(array, value) != 0)
        b->failed = 1;
}

/* JSON has no infinities or NaN: a figure that is not finite becomes null. */
static json_t *real(double value)
{
    return isfinite(value) ? json_real(value) : json_null();
}

/* A name as a JSON string; bytes that are not UTF-8 (JSON cannot hold them) become '?'. */
static json_t *string_or_null(const char *text)
{
    if (!text)
        return json_null();
    json_t *string = json_string(text);
    if (string)
        return string;
    size_t length = strlen(text);
    char *ascii = malloc(length + 1);
    if (!ascii)
        return NULL;
    for (size_t i = 0; i <= length; i++)
        ascii[i] = (unsigned char)text[i] < 0x80 ? text[i] : '?';
    string = json_string(ascii);
    free(ascii);
    return string;
}

static json_t *resource_json(builder *b, const fcn_resource *r)
{
    json_t *object = json_object();
    put(b, object, "LUT", json_integer(r->lut));
    put(b, object, "FF", json_integer(r->ff));
    put(b, object, "DSP", json_integer(r->dsp));
    put(b, object, "BRAM", json_integer(r->bram));
    if (r->uram) /* only where weights live in URAM: every other report stays as it was */
        put(b, object, "URAM", json_integer(r->uram));
    return object;
}

/* Percentages of the platform's resources; null where the platform has none of a kind. */
static json_t *utilisation_json(builder *b, const fcn_resource *used, const fcn_resource *available)
{
    const char *keys[5] = {"LUT", "FF", "DSP", "BRAM", "URAM"};
    const int64_t u[5] = {used->lut, used->ff, used->dsp, used->bram, used->uram};
    const int64_t a[5] = {available->lut, available->ff, available->dsp, available->bram, available->uram};
    const int kinds = used->uram || available->uram ? 5 : 4; /* URAM on boards that have it */
    json_t *object = json_object();
    for (int i = 0; i < kinds; i++) {
        double percent = report_percent((double)u[i], (double)a[i]);
        put(b, object, keys[i], percent >= 0 ? real(percent) : json_null());
    }
    return object;
}

/* A 3-D tensor's depths (docs/MODEL-3D.md); 2-D reports stay as they were. */
static void put_depths(builder *b, json_t *object, int64_t depth_in, int64_t depth_out)
{
    if (depth_in == 1 && depth_out == 1)
        return;
    put(b, object, "depth_in", json_integer(depth_in));
    put(b, object, "depth_out", json_integer(depth_out));
}

static json_t *module_json(builder *b, const fcn_module_figures *m)
{
    json_t *object = json_object();
    put(b, object, "name", string_or_null(m->name));
    put(b, object, "rows_in", json_integer(m->rows_in));
    put(b, object, "cols_in", json_integer(m->cols_in));
    put(b, object, "channels_in", json_integer(m->channels_in));
    put(b, object, "rows_out", json_integer(m->rows_out));
    put(b, object, "cols_out", json_integer(m->cols_out));
    put(b, object, "channels_out", json_integer(m->channels_out));
    put_depths(b, object, m->depth_in, m->depth_out);
    put(b, object, "rate_in", real(m->rate_in));
    put(b, object, "rate_out", real(m->rate_out));
    put(b, object, "latency", json_integer(fcn_module_latency(m)));
    put(b, object, "pipeline_depth", json_integer(m->pipeline_depth));
    put(b, object, "resource", resource_json(b, &m->resource));
    return object;
}

static json_t *layer_json(builder *b, const fcn_layer *l, const fcn_layer_figures *f, double interval)
{
    const char *type = fcn_layer_type_name(l->type);
    json_t *object = json_object();
    put(b, object, "name", string_or_null(l->name));
    put(b, object, "type", json_string(type ? type : "UNKNOWN"));
    put(b, object, "rows_in", json_integer(l->rows));
    put(b, object, "cols_in", json_integer(l->cols));
    put(b, object, "channels_in", json_integer(l->channels));
    put(b, object, "rows_out", json_integer(f->rows_out));
    put(b, object, "cols_out", json_integer(f->cols_out));
    put(b, object, "channels_out", json_integer(f->channels_out));
    put_depths(b, object, l->depth, f->depth_out);
    /* The streams a layer has are its coarse factors (MODEL.md §3), also for single-coarse types. */
    put(b, object, "coarse_in", json_integer(f->streams_in));
    put(b, object, "coarse_out", json_integer(f->streams_out));
    put(b, object, "rate_in", real(f->rate_in));
    put(b, object, "rate_out", real(f->rate_out));
    put(b, object, "latency", real(f->latency));
    put(b, object, "interval_share", real(report_interval_share(f->latency, interval)));
    put(b, object, "pipeline_depth", json_integer(f->pipeline_depth));
    put(b, object, "workload_in", json_integer(f->workload_in));
    put(b, object, "workload_out", json_integer(f->workload_out));
    put(b, object, "size_in", json_integer(f->size_in));
    put(b, object, "size_out", json_integer(f->size_out));
    put(b, object, "operations", json_integer(f->operations));
    put(b, object, "weights", json_integer(f->weights));
    put(b, object, "biases", json_integer(f->biases));
    put(b, object, "resource", resource_json(b, &f->resource));
    json_t *modules = json_array();
    for (int i = 0; i < f->module_count && i < FCN_MAX_MODULES; i++)
        append(b, modules, module_json(b, &f->modules[i]));
    put(b, object, "modules", modules);
    return object;
}

/* Each tensor read from off-chip memory: the layer and port it feeds, and the layer that wrote it (null: the network input). */
static json_t *memory_inputs_json(builder *b, const fcn_partition_figures *p)
{
    json_t *list = json_array();
    for (int e = 0; p->edges && e < p->edge_count; e++) {
        const fcn_edge *edge = &p->edges[e];
        if (edge->from != -1)
            continue;
        json_t *input = json_object();
        put(b, input, "layer", string_or_null(edge->to >= 0 ? p->layers[edge->to].name : NULL));
        put(b, input, "port", json_integer(edge->port));
        put(b, input, "source", string_or_null(edge->source));
        append(b, list, input);
    }
    return list;
}

static json_t *partition_json(builder *b, const fcn_partition_figures *p, const fcn_platform *platform)
{
    json_t *object = json_object();
    put(b, object, "id", json_integer(p->id));
    put(b, object, "batch_size", json_integer(p->batch_size));
    put(b, object, "interval", real(p->interval));
    put(b, object, "pipeline_depth", json_integer(p->pipeline_depth));
    put(b, object, "latency_s", real(p->latency_s));
    put(b, object, "streams_in", json_integer(p->streams_in));
    put(b, object, "streams_out", json_integer(p->streams_out));
    put(b, object, "wr_factor", json_integer(p->wr_factor));
    put(b, object, "wr_layer", string_or_null(p->wr_layer));
    put(b, object, "size_wr", json_integer(p->size_wr));
    put(b, object, "bandwidth_in", real(p->bandwidth_in));
    put(b, object, "bandwidth_out", real(p->bandwidth_out));
    put(b, object, "workload_in", json_integer(p->workload_in));
    put(b, object, "workload_out", json_integer(p->workload_out));
    put(b, object, "memory_inputs", memory_inputs_json(b, p));
    put(b, object, "memory_outputs", json_integer(p->outputs));
    put(b, object, "operations", json_integer(p->operations));
    put(b, object, "resource", resource_json(b, &p->resource));
    int has_bottleneck = p->bottleneck >= 0 && p->bottleneck < p->layer_count && p->layers;
    put(b, object, "bottleneck", has_bottleneck ? string_or_null(p->layers[p->bottleneck].name) : json_null());
    if (platform) {
        put(b, object, "utilisation", utilisation_json(b, &p->resource, &platform->resource));
        double percent = report_percent(p->bandwidth_in + p->bandwidth_out, platform->mem_bandwidth_gbs);
        put(b, object, "bandwidth_utilisation", percent >= 0 ? real(percent) : json_null());
    }
    json_t *layers = json_array();
    for (int i = 0; i < p->layer_count && p->layers && p->figures; i++)
        append(b, layers, layer_json(b, &p->layers[i], &p->figures[i], p->interval));
    put(b, object, "layers", layers);
    return object;
}

static json_t *network_json(builder *b, const fcn_network_figures *n, const fcn_platform *platform)
{
    json_t *object = json_object();
    put(b, object, "partitions", json_integer(n->partition_count));
    put(b, object, "latency_s", real(n->latency_s));
    put(b, object, "throughput", real(n->throughput));
    put(b, object, "batch_size", json_integer(n->batch_size));
    put(b, object, "freq_mhz", real(n->freq_mhz));
    put(b, object, "reconf_time_s", real(n->reconf_time_s));
    put(b, object, "operations", json_integer(n->operations));
    /* Operations are per input, throughput is inputs per second. */
    put(b, object, "gops_per_s", real((double)n->operations * n->throughput / 1e9));
    put(b, object, "memory_usage_bytes", json_integer(n->memory_usage_bytes));
    put(b, object, "resource", resource_json(b, &n->resource));
    if (platform)
        put(b, object, "utilisation", utilisation_json(b, &n->resource, &platform->resource));
    return object;
}

static json_t *platform_json(builder *b, const fcn_platform *platform)
{
    json_t *object = json_object();
    put(b, object, "name", string_or_null(platform->name));
    put(b, object, "part", string_or_null(platform->part));
    put(b, object, "resource", resource_json(b, &platform->resource));
    put(b, object, "freq_mhz", real(platform->freq_mhz));
    put(b, object, "reconf_time_s", platform->reconf_time_s >= 0 ? real(platform->reconf_time_s) : json_null());
    put(b, object, "mem_bandwidth_gbs", real(platform->mem_bandwidth_gbs));
    return object;
}

static json_t *violations_json(builder *b, const fcn_violations *violations)
{
    json_t *list = json_array();
    for (int i = 0; i < violations->count; i++)
        append(b, list, string_or_null(violations->messages[i]));
    return list;
}

static json_t *report_json(builder *b, const fcn_network_figures *figures, const fcn_platform *platform,
                           const fcn_violations *violations)
{
    json_t *root = json_object();
    put(b, root, "network", network_json(b, figures, platform));
    if (platform)
        put(b, root, "platform", platform_json(b, platform));
    if (violations) {
        put(b, root, "fits", json_boolean(violations->count == 0));
        put(b, root, "violations", violations_json(b, violations));
    }
    json_t *partitions = json_array();
    for (int i = 0; i < figures->partition_count && figures->partitions; i++)
        append(b, partitions, partition_json(b, &figures->partitions[i], platform));
    put(b, root, "partitions", partitions);
    return root;
}

int report_write_json(FILE *out, const fcn_network_figures *figures, const fcn_platform *platform,
                      const fcn_violations *violations, fcn_error *err)
{
    builder b = {0};
    json_t *root = report_json(&b, figures, platform, violations);
    if (b.failed || !root) {
        json_decref(root);
        return fcn_fail(err, "out of memory building the JSON report");
    }
    errno = 0;
    int failed = json_dumpf(root, out, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) != 0 ||
                 fputc('\n', out) == EOF;
    json_decref(root);
    if (failed)
        return fcn_fail(err, "cannot write the report: %s", errno ? strerror(errno) : "write error");
    return 0;
}
