/*
 * Whether an evaluated configuration fits and runs on a board: every
 * violation is listed (not just the first) with the figures that show it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    const char *const names[] = {"LUT", "FF", "DSP", "BRAM"};
    const int64_t used[] = {p->resource.lut, p->resource.ff, p->resource.dsp, p->resource.bram};
    const int64_t have[] = {platform->resource.lut, platform->resource.ff, platform->resource.dsp,
                            platform->resource.bram};
    for (int r = 0; r < 4; r++) {
        const double allowed = allocation * (double)have[r];
        if ((double)used[r] <= allowed)
            continue;
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

static int check_ports(const fcn_partition_figures *p, const fcn_platform *platform, fcn_violations *v)
{
    if (p->ports > platform->ports &&
        violation_add(v, "partition %lld: uses %lld ports, the platform has %lld", (long long)p->id,
                      (long long)p->ports, (long long)platform->ports))
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

/* After squeeze insertion every layer must take the streams its predecessor gives. */
static int check_streams(const fcn_partition_figures *p, fcn_violations *v)
{
    if (!p->layers || !p->figures)
        return 0; /* a summary: no chain to look at */
    int64_t previous = p->streams_in;
    const char *from = "the partition's input";
    for (int i = 0; i < p->layer_count; i++) {
        const fcn_layer_figures *f = &p->figures[i];
        if (f->streams_in != previous &&
            violation_add(v, "partition %lld: layer '%s' takes %lld streams but %s gives %lld", (long long)p->id,
                p->layers[i].name, (long long)f->streams_in, from, (long long)previous))
            return -1;
        previous = f->streams_out;
        from = p->layers[i].name;
    }
    if (previous != p->streams_out &&
        violation_add(v, "partition %lld: its output has %lld streams but '%s' gives %lld", (long long)p->id,
            (long long)p->streams_out, from, (long long)previous))
        return -1;
    return 0;
}

/* The first or last layer of an evaluated chain that is not a derived squeeze; -1 if none. */
static int end_layer(const fcn_partition_figures *p, int last)
{
    if (!p->layers || !p->figures)
        return -1;
    for (int k = 0; k < p->layer_count; k++) {
        int i = last ? p->layer_count - 1 - k : k;
        if (p->layers[i].type != FCN_SQUEEZE)
            return i;
    }
    return -1;
}

/* One partition's output goes through memory to the next: same tensor (all wr_factor passes of it), same ports. */
static int check_handover(const fcn_partition_figures *a, const fcn_partition_figures *b, fcn_violations *v)
{
    int last = end_layer(a, 1), first = end_layer(b, 0);
    if (last < 0 || first < 0)
        return 0;
    const fcn_layer_figures *out = &a->figures[last];
    const fcn_layer *in = &b->layers[first];
    const int64_t channels = out->channels_out * a->wr_factor;
    if ((out->rows_out != in->rows || out->cols_out != in->cols || channels != in->channels) &&
        violation_add(v, "partition %lld: its input %lldx%lldx%lld is not the output %lldx%lldx%lld of partition %lld",
                      (long long)b->id, (long long)in->rows, (long long)in->cols, (long long)in->channels,
                      (long long)out->rows_out, (long long)out->cols_out, (long long)channels, (long long)a->id))
        return -1;
    if (a->ports != b->ports &&
        violation_add(v, "partition %lld: reads through %lld ports what partition %lld wrote through %lld",
                      (long long)b->id, (long long)b->ports, (long long)a->id, (long long)a->ports))
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
        failed = check_resources(p, platform, allocation, out) || check_bandwidth(p, platform, out) ||
                 check_ports(p, platform, out) || check_streams(p, out) ||
                 (i + 1 < figures->partition_count && check_handover(p, p + 1, out));
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
