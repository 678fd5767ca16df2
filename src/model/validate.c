/*
 * Whether an evaluated configuration fits and runs on a board: every
 * violation is listed (not just the first) with the figures that show it.
 * Partitions are DAGs (MODEL-DAG §8): a partition may read several tensors,
 * each written by any earlier partition, which its edges name.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layers.h"
#include "validate.h"

#define PARTITION_DATA_WIDTH 16

int violation_add(fcn_violations *v, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    char **grown = realloc(v->messages, (size_t)(v->count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    v->messages = grown;
    size_t size = strlen(text) + 1;
    if (!(v->messages[v->count] = malloc(size)))
        return -1;
    memcpy(v->messages[v->count++], text, size);
    return 0;
}

static int check_resources(const fcn_partition_figures *p, const fcn_platform *platform, double allocation,
                           fcn_violations *v)
{
    const char *const names[] = {"LUT", "FF", "DSP", "BRAM", "URAM"};
    const int64_t used[] = {p->resource.lut, p->resource.ff, p->resource.dsp, p->resource.bram, p->resource.uram};
    const int64_t have[] = {platform->resource.lut, platform->resource.ff, platform->resource.dsp,
                            platform->resource.bram, platform->resource.uram};
    for (int r = 0; r < 5; r++) {
        const double allowed = allocation * (double)have[r];
        if ((double)used[r] <= allowed)
            continue;
        if (have[r] == 0) { /* URAM on a board without: no percentage to give */
            if (violation_add(v, "partition %lld: %s %lld on a board that has none", (long long)p->id, names[r],
                              (long long)used[r]))
                return -1;
            continue;
        }
        if (violation_add(v, "partition %lld: %s %lld exceeds %.0f (%g of the platform's %lld; %.1f%% of the board)",
                (long long)p->id, names[r], (long long)used[r], allowed, allocation, (long long)have[r],
                100.0 * (double)used[r] / (double)have[r]))
            return -1;
    }
    return 0;
}

static int check_bandwidth(const fcn_partition_figures *p, const fcn_platform *platform, fcn_violations *v)
{
    const double needed = p->bandwidth_in + p->bandwidth_out;
    if (platform->mem_bandwidth_gbs <= 0 || needed <= platform->mem_bandwidth_gbs)
        return 0;
    return violation_add(v, "partition %lld: bandwidth %.4g GB/s (in %.4g + out %.4g) exceeds the platform's %.4g GB/s",
               (long long)p->id, needed, p->bandwidth_in, p->bandwidth_out, platform->mem_bandwidth_gbs);
}

/* Ports: the partition's own count, the streams they carry, and one port per tensor through memory (MODEL-DAG §9). */
static int check_ports(const fcn_partition_figures *p, const fcn_platform *platform, fcn_violations *v)
{
    if (p->ports > platform->ports &&
        violation_add(v, "partition %lld: uses %lld ports, the platform has %lld", (long long)p->id,
                      (long long)p->ports, (long long)platform->ports))
        return -1;
    if (p->inputs > platform->ports &&
        violation_add(v, "partition %lld: reads %d tensors from memory, the platform has %lld ports", (long long)p->id,
                      p->inputs, (long long)platform->ports))
        return -1;
    if (p->outputs > platform->ports &&
        violation_add(v, "partition %lld: writes %d tensors to memory, the platform has %lld ports",
                      (long long)p->id, p->outputs, (long long)platform->ports))
        return -1;
    const int64_t max_streams = p->ports * (platform->port_width / PARTITION_DATA_WIDTH);
    const int64_t streams = p->streams_in > p->streams_out ? p->streams_in : p->streams_out;
    if (streams > max_streams &&
        violation_add(v, "partition %lld: %lld streams exceed %lld ports x %lld bits / %d-bit words = %lld",
                      (long long)p->id, (long long)streams, (long long)p->ports, (long long)platform->port_width,
                      PARTITION_DATA_WIDTH, (long long)max_streams))
        return -1;
    return 0;
}

/*
 * After squeeze insertion every layer takes the streams its producer gives, and the partition's
 * memory tensors carry the streams its figures sum.
 */
static int check_streams(const fcn_partition_figures *p, fcn_violations *v)
{
    if (!p->layers || !p->figures || !p->edges)
        return 0; /* a summary: no layers to look at */
    int64_t into = 0, out_of = 0;
    for (int k = 0; k < p->edge_count; k++) {
        const fcn_edge *e = &p->edges[k];
        if (e->from < 0) {
            into += p->figures[e->to].streams_in;
        } else if (e->to < 0) {
            out_of += p->figures[e->from].streams_out;
        } else {
            const int64_t given = p->figures[e->from].streams_out, taken = p->figures[e->to].streams_in;
            if (given != taken &&
                violation_add(v, "partition %lld: layer '%s' takes %lld streams but '%s' gives %lld",
                              (long long)p->id, p->layers[e->to].name, (long long)taken, p->layers[e->from].name,
                              (long long)given))
                return -1;
        }
    }
    if (into != p->streams_in &&
        violation_add(v, "partition %lld: its layers take %lld streams from memory but its inputs carry %lld",
                      (long long)p->id, (long long)into, (long long)p->streams_in))
        return -1;
    if (out_of != p->streams_out &&
        violation_add(v, "partition %lld: its layers give %lld streams to memory but its outputs carry %lld",
                      (long long)p->id, (long long)out_of, (long long)p->streams_out))
        return -1;
    return 0;
}

/* Where a layer of the evaluated network is: partition index and layer index, or -1s. */
typedef struct place {
    int partition, layer;
} place;

static place find_layer(const fcn_network_figures *figures, const char *name)
{
    for (int q = 0; q < figures->partition_count; q++) {
        const fcn_partition_figures *f = &figures->partitions[q];
        for (int i = 0; f->layers && i < f->layer_count; i++)
            if (f->layers[i].type != FCN_SQUEEZE && f->layers[i].name && strcmp(f->layers[i].name, name) == 0)
                return (place){q, i};
    }
    return (place){-1, -1};
}

/*
 * The channels a producer writes to memory: all wr_factor passes of its output when weights
 * reloading divides it (from its partition's wr layer on, MODEL.md §4.6).
 */
static int64_t written_channels(const fcn_partition_figures *a, int layer)
{
    const int64_t channels = a->figures[layer].channels_out;
    if (a->wr_factor <= 1 || !a->wr_layer)
        return channels;
    for (int i = 0; i <= layer; i++)
        if (a->layers[i].type != FCN_SQUEEZE && strcmp(a->layers[i].name, a->wr_layer) == 0)
            return channels * a->wr_factor;
    return channels;
}

/*
 * Which output port of the layer at `at` the memory edge `edge` of partition
 * i reads: its outputs to memory are its last ports, read in network order
 * (each exactly once, as fcn_network_check requires), so a read's rank among
 * all the memory reads of that layer gives the port.
 */
static int written_port(const fcn_network_figures *figures, place at, int i, int edge)
{
    const fcn_partition_figures *b = &figures->partitions[i];
    const char *source = b->edges[edge].source;
    int total = 0, rank = 0;
    for (int j = at.partition + 1; j < figures->partition_count; j++) {
        const fcn_partition_figures *r = &figures->partitions[j];
        for (int k = 0; r->edges && k < r->edge_count; k++) {
            const fcn_edge *e = &r->edges[k];
            if (e->from >= 0 || e->source_partition != at.partition || !e->source || strcmp(e->source, source) != 0)
                continue;
            total++;
            rank += j < i || (j == i && k < edge);
        }
    }
    return figures->partitions[at.partition].layers[at.layer].ports_out - total + rank;
}

/* The layer an input edge feeds: its target, or past the squeeze the model put in front of it. */
static const char *reader_name(const fcn_partition_figures *b, const fcn_edge *e)
{
    if (b->layers[e->to].type != FCN_SQUEEZE)
        return b->layers[e->to].name;
    for (int k = 0; k < b->edge_count; k++)
        if (b->edges[k].from == e->to && b->edges[k].to >= 0)
            return b->layers[b->edges[k].to].name;
    return b->layers[e->to].name;
}

/* Whether an earlier input edge of b already came from partition `from` (ports are compared once). */
static int seen_partition(const fcn_partition_figures *b, int edge, int from)
{
    for (int k = 0; k < edge; k++)
        if (b->edges[k].from < 0 && b->edges[k].source_partition == from)
            return 1;
    return 0;
}

/* The tensor one input edge of partition i reads: written by an earlier partition, as it wrote it. */
static int check_input(const fcn_network_figures *figures, int i, int edge, fcn_violations *v)
{
    const fcn_partition_figures *b = &figures->partitions[i];
    const fcn_edge *e = &b->edges[edge];
    const place at = find_layer(figures, e->source);
    const char *reader = reader_name(b, e);
    if (at.partition < 0)
        return violation_add(v, "partition %lld: layer '%s' reads '%s', which no partition holds", (long long)b->id,
                             reader, e->source);
    const fcn_partition_figures *a = &figures->partitions[at.partition];
    if (at.partition >= i)
        return violation_add(v, "partition %lld: layer '%s' reads '%s' of partition %lld, which does not run before it",
                             (long long)b->id, reader, e->source, (long long)a->id);
    const fcn_layer_figures *out = &a->figures[at.layer];
    const fcn_layer *in = &b->layers[e->to];
    const fcn_layer *producer = &a->layers[at.layer];
    const int64_t given = producer->type == FCN_CHOP
                              ? fcn_layer_output_channels(producer, written_port(figures, at, i, edge), out->channels_out)
                              : written_channels(a, at.layer);
    const int64_t taken = fcn_layer_port_channels(in, e->port);
    const int64_t rows = layer_port_rows(in, e->port), cols = layer_port_cols(in, e->port);
    const int64_t depth = layer_port_depth(in, e->port);
    char taken_dims[DIMS_TEXT], given_dims[DIMS_TEXT];
    if ((out->rows_out != rows || out->cols_out != cols || out->depth_out != depth || given != taken) &&
        violation_add(v, "partition %lld: its input %s is not the output %s of partition %lld ('%s' reads '%s')",
                      (long long)b->id, dims_text(taken_dims, rows, cols, depth, taken),
                      dims_text(given_dims, out->rows_out, out->cols_out, out->depth_out, given), (long long)a->id,
                      reader, e->source))
        return -1;
    if (a->ports != b->ports && !seen_partition(b, edge, at.partition) &&
        violation_add(v, "partition %lld: reads through %lld ports what partition %lld wrote through %lld",
                      (long long)b->id, (long long)b->ports, (long long)a->id, (long long)a->ports))
        return -1;
    return 0;
}

/* Every tensor partition i reads from memory (but the network's input) is one an earlier partition wrote. */
static int check_handover(const fcn_network_figures *figures, int i, fcn_violations *v)
{
    const fcn_partition_figures *b = &figures->partitions[i];
    if (!b->layers || !b->figures || !b->edges)
        return 0;
    for (int k = 0; k < b->edge_count; k++)
        if (b->edges[k].from < 0 && b->edges[k].source && check_input(figures, i, k, v))
            return -1;
    return 0;
}

int fcn_validate(const fcn_network_figures *figures, const fcn_platform *platform, const fcn_validate_options *opts,
                 fcn_violations *out, fcn_error *err)
{
    *out = (fcn_violations){0};
    double allocation = opts && opts->resource_allocation != 0 ? opts->resource_allocation : 1.0;
    if (!(allocation > 0 && allocation <= 1))
        return fcn_fail(err, "resource allocation %g is outside (0, 1]", allocation);
    int failed = 0;
    for (int i = 0; i < figures->partition_count && !failed; i++) {
        const fcn_partition_figures *p = &figures->partitions[i];
        failed = check_handover(figures, i, out) || check_resources(p, platform, allocation, out) ||
                 check_bandwidth(p, platform, out) || check_ports(p, platform, out) || check_streams(p, out);
    }
    if (!failed && opts && opts->model)
        failed = validate_coverage(figures, opts->model, out);
    if (failed) {
        fcn_violations_free(out);
        return fcn_fail(err, "out of memory validating the configuration");
    }
    return 0;
}

void fcn_violations_free(fcn_violations *violations)
{
    if (!violations)
        return;
    for (int i = 0; i < violations->count; i++)
        free(violations->messages[i]);
    free(violations->messages);
    *violations = (fcn_violations){0};
}
