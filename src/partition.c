/* Partitions (MODEL.md §4): squeeze insertion, interval, pipeline depth, latency, bandwidth, resources. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpgaconvnet.h"
#include "layers.h"
#include "resource.h"

/* The streams a partition's memory ports carry, and the word width they carry. */
#define PORT_WIDTH 64
#define PARTITION_DATA_WIDTH 16

static int64_t largest_factor_at_most(int64_t n, int64_t limit)
{
    for (int64_t f = limit < n ? limit : n; f > 1; f--)
        if (n % f == 0)
            return f;
    return 1;
}

/* Where a walk over the chain puts what it finds; chain and figures are NULL when only totals are wanted. */
typedef struct chain_sink {
    fcn_partition_figures *out;
    fcn_layer *chain;
    fcn_layer_figures *figures;
    int count;
} chain_sink;

static void sink_add(chain_sink *s, const fcn_layer *layer, const fcn_layer_figures *f)
{
    fcn_partition_figures *out = s->out;
    if (s->count == 0 || f->latency > out->interval) {
        out->interval = f->latency;
        out->bottleneck = s->count;
    }
    out->pipeline_depth += f->pipeline_depth;
    resource_add_scaled(&out->resource, &f->resource, 1);
    out->operations += f->operations;
    if (s->chain) {
        if (&s->chain[s->count] != layer) /* a squeeze is built in place */
            s->chain[s->count] = *layer;
        if (&s->figures[s->count] != f)
            s->figures[s->count] = *f;
    }
    s->count++;
}

/* A squeeze between a producer of `from` streams and a consumer of `to`, on a tensor of the given dims. */
static void sink_add_squeeze(chain_sink *s, int64_t rows, int64_t cols, int64_t channels, int64_t from, int64_t to)
{
    if (!s->chain) { /* totals only: the figures, without the layer (the hot path of a search) */
        fcn_layer_figures f;
        squeeze_figures(rows, cols, channels, from, to, 0, PARTITION_DATA_WIDTH, &f);
        sink_add(s, NULL, &f);
        return;
    }
    fcn_layer *squeeze = &s->chain[s->count];
    fcn_layer_init(squeeze, FCN_SQUEEZE);
    squeeze->rows = rows;
    squeeze->cols = cols;
    squeeze->channels = channels;
    squeeze->coarse_in = from;
    squeeze->coarse_out = to;
    squeeze->data_width = PARTITION_DATA_WIDTH;
    fcn_layer_evaluate(squeeze, &s->figures[s->count]);
    sink_add(s, squeeze, &s->figures[s->count]);
}

/* `cached`, when given, holds the figures of p->layers[i] at [i], so no layer is evaluated again. */
static void partition_walk(const fcn_partition *p, const fcn_eval_options *opts, const fcn_layer_figures *cached,
                           chain_sink *s)
{
    fcn_partition_figures *out = s->out;
    const int64_t max_streams = p->ports * (PORT_WIDTH / PARTITION_DATA_WIDTH);
    /* Two buffers taken in turn keep the previous layer's figures while the next is evaluated. */
    fcn_layer_figures buffers[2];
    const fcn_layer_figures *prev = NULL;
    int evaluated = 0;

    for (int i = 0; i < p->layer_count; i++) {
        const fcn_layer *l = &p->layers[i];
        if (l->type == FCN_SQUEEZE)
            continue; /* auxiliary: re-derived below */
        const fcn_layer_figures *f = cached ? &cached[i] : NULL;
        if (!cached) {
            fcn_layer_figures *slot = &buffers[evaluated++ & 1];
            fcn_layer_evaluate(l, slot);
            f = slot;
        }
        if (!prev) {
            out->streams_in = largest_factor_at_most(l->channels, f->streams_in < max_streams ? f->streams_in : max_streams);
            out->workload_in = f->workload_in;
            if (out->streams_in != f->streams_in)
                sink_add_squeeze(s, l->rows, l->cols, l->channels, out->streams_in, f->streams_in);
        } else if (prev->streams_out != f->streams_in) {
            sink_add_squeeze(s, prev->rows_out, prev->cols_out, prev->channels_out, prev->streams_out,
                             f->streams_in);
        }
        /* Only layers with weights can contribute any (and comparing names is not free). */
        if (f->weights && p->wr_layer && l->name && strcmp(l->name, p->wr_layer) == 0)
            out->size_wr = f->weights;
        sink_add(s, l, f);
        prev = f;
    }
    if (prev) {
        out->streams_out = largest_factor_at_most(
            prev->channels_out, prev->streams_out < max_streams ? prev->streams_out : max_streams);
        out->workload_out = prev->workload_out;
        if (out->streams_out != prev->streams_out)
            sink_add_squeeze(s, prev->rows_out, prev->cols_out, prev->channels_out, prev->streams_out,
                             out->streams_out);
    }
    out->layer_count = s->count;

    const double freq_hz = opts->freq_mhz * 1e6;
    const int64_t wr = out->wr_factor;
    out->latency_s = ((out->interval * (double)out->batch_size + (double)out->pipeline_depth) * (double)wr +
                      (double)((wr - 1) * out->size_wr)) / freq_hz;
    const double words_per_s = PARTITION_DATA_WIDTH * opts->freq_mhz / 8000.0;
    out->bandwidth_in = (double)out->workload_in / (out->interval * (double)out->streams_in) *
                        (double)out->streams_in * words_per_s;
    out->bandwidth_out = (double)out->workload_out / (out->interval * (double)out->streams_out) *
                         (double)out->streams_out * words_per_s;
}

static void partition_start(const fcn_partition *p, const fcn_eval_options *opts, fcn_partition_figures *out)
{
    *out = (fcn_partition_figures){0};
    out->id = p->id;
    out->wr_layer = p->wr_layer;
    out->batch_size = opts->batch_size > 0 ? opts->batch_size : p->batch_size;
    out->wr_factor = p->wr_factor;
    out->ports = p->ports;
}

void fcn_partition_summary(const fcn_partition *p, const fcn_eval_options *opts, fcn_partition_figures *out)
{
    partition_start(p, opts, out);
    chain_sink sink = {.out = out};
    partition_walk(p, opts, NULL, &sink);
}

void fcn_partition_summary_cached(const fcn_partition *p, const fcn_layer_figures *layer_figures,
                                  const fcn_eval_options *opts, fcn_partition_figures *out)
{
    partition_start(p, opts, out);
    chain_sink sink = {.out = out};
    partition_walk(p, opts, layer_figures, &sink);
}

static char *join_names(const char *a, const char *middle, const char *b)
{
    size_t n = strlen(a) + strlen(middle) + strlen(b) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", a, middle, b);
    return s;
}

/* Squeezes are named after their neighbours: "<a>_squeeze_<b>", "<first>_squeeze", "squeeze_<last>". */
static int name_squeezes(fcn_partition_figures *out)
{
    for (int i = 0; i < out->layer_count; i++) {
        fcn_layer *l = &out->layers[i];
        if (l->type != FCN_SQUEEZE)
            continue;
        const char *before = i > 0 ? out->layers[i - 1].name : NULL;
        const char *after = i + 1 < out->layer_count ? out->layers[i + 1].name : NULL;
        if (before && after)
            l->name = join_names(before, "_squeeze_", after);
        else if (after)
            l->name = join_names(after, "_squeeze", "");
        else
            l->name = join_names("squeeze_", before ? before : "", "");
        if (!l->name)
            return -1;
    }
    return 0;
}

int partition_evaluate(const fcn_partition *p, const fcn_eval_options *opts, fcn_partition_figures *out)
{
    partition_start(p, opts, out);
    /* At most one squeeze before each layer, plus one at the end. */
    const size_t capacity = 2 * (size_t)p->layer_count + 1;
    chain_sink sink = {.out = out};
    sink.chain = calloc(capacity, sizeof *sink.chain);
    sink.figures = calloc(capacity, sizeof *sink.figures);
    out->layers = sink.chain;
    out->figures = sink.figures;
    if (!sink.chain || !sink.figures)
        return -1;
    partition_walk(p, opts, NULL, &sink);
    return name_squeezes(out);
}

void partition_figures_release(fcn_partition_figures *f)
{
    if (f->layers)
        for (int i = 0; i < f->layer_count; i++)
            if (f->layers[i].type == FCN_SQUEEZE)
                free(f->layers[i].name);
    free(f->layers);
    free(f->figures);
    f->layers = NULL;
    f->figures = NULL;
}
