/*
 * The optimiser's problem: the model's layers in network order (a chain, or a
 * DAG whose `inputs` keep their meaning under any cut into contiguous
 * partitions), who reads each layer, and what the options and the board allow.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "layers.h"
#include "optimise.h"

#define DEFAULT_FREQ_MHZ 125.0
#define THROUGHPUT_BATCH 256
#define MAX_BATCH 1000000000
/* Data moves through memory in 16-bit words (MODEL.md §4). */
#define WORD_BITS 16

static int check_options(const fcn_optimise_options *o, fcn_error *err)
{
    if (o->objective != FCN_OBJECTIVE_THROUGHPUT && o->objective != FCN_OBJECTIVE_LATENCY)
        return fcn_fail(err, "unknown objective %d", (int)o->objective);
    if (o->optimiser != FCN_OPTIMISER_AUTO && o->optimiser != FCN_OPTIMISER_GREEDY &&
        o->optimiser != FCN_OPTIMISER_ANNEALING)
        return fcn_fail(err, "unknown optimiser %d", (int)o->optimiser);
    if (!(o->resource_allocation > 0 && o->resource_allocation <= 1))
        return fcn_fail(err, "resource allocation %g is outside (0, 1]", o->resource_allocation);
    if (!(o->time_limit_s > 0) || !isfinite(o->time_limit_s))
        return fcn_fail(err, "time limit %g s is not a positive number of seconds", o->time_limit_s);
    if (o->batch_size < 0 || o->batch_size > MAX_BATCH)
        return fcn_fail(err, "batch size %lld is outside 1..%d", (long long)o->batch_size, MAX_BATCH);
    if (o->iterations < 0)
        return fcn_fail(err, "iterations %lld is negative", (long long)o->iterations);
    if (!(o->temperature_end > 0 && o->temperature_start > o->temperature_end) || !isfinite(o->temperature_start))
        return fcn_fail(err, "annealing temperatures %g to %g: the start must be above the end, the end above 0",
                        o->temperature_start, o->temperature_end);
    if (!(o->cooling_rate > 0 && o->cooling_rate < 1))
        return fcn_fail(err, "cooling rate %g is outside (0, 1)", o->cooling_rate);
    if (o->iterations_per_temperature < 1)
        return fcn_fail(err, "iterations per temperature %lld is below 1", (long long)o->iterations_per_temperature);
    if (!isfinite(o->freq_mhz) || !isfinite(o->reconf_time_s))
        return fcn_fail(err, "the clock and the reconfiguration time must be finite");
    return 0;
}

static int count_layers(const fcn_network *model)
{
    int n = 0;
    for (int p = 0; p < model->partition_count; p++)
        for (int i = 0; i < model->partitions[p].layer_count; i++)
            n += model->partitions[p].layers[i].type != FCN_SQUEEZE;
    return n;
}

/* A layer as the model has it: weights reloading undone (MODEL.md §4.6), every folding factor 1. */
static void append_model_layers(const fcn_partition *part, fcn_layer *out, int *n)
{
    int reloaded = 0;
    for (int i = 0; i < part->layer_count; i++) {
        fcn_layer l = part->layers[i];
        if (l.type == FCN_SQUEEZE)
            continue;
        if (reloaded)
            l.channels *= part->wr_factor;
        if (part->wr_layer && strcmp(l.name, part->wr_layer) == 0 && part->wr_factor > 1) {
            l.filters *= part->wr_factor;
            reloaded = 1;
        }
        l.coarse_in = l.coarse_out = l.coarse_group = l.fine = 1;
        out[(*n)++] = l;
    }
}

/* The producer of input port `port` of model layer i, or -1 for the network's input. */
static int producer(const opt_problem *pb, int i, int port)
{
    const int back = fcn_layer_input(&pb->model[i], port);
    if (back == 0 || (i == 0 && back == 1 && !pb->model[i].inputs))
        return -1;
    return i - back;
}

/*
 * Every port must take what its producer gives once weights reloading is
 * undone: the configuration's check only compares producers and consumers
 * within one partition.
 */
static int check_links(const opt_problem *pb, int *reads, fcn_error *err)
{
    for (int i = 0; i < pb->layer_count; i++)
        for (int port = 0; port < pb->model[i].ports_in; port++) {
            const int j = producer(pb, i, port);
            if (j < 0)
                continue;
            const fcn_layer *a = &pb->model[j], *b = &pb->model[i];
            const int q = reads[j]++; /* a's readers take its output ports in network order */
            fcn_layer_figures f;
            fcn_layer_evaluate(a, &f);
            const int64_t channels = fcn_layer_port_channels(b, port);
            const int64_t rows = layer_port_rows(b, port), cols = layer_port_cols(b, port);
            const int64_t depth = layer_port_depth(b, port);
            const int64_t given = q < a->ports_out ? fcn_layer_output_channels(a, q, f.channels_out) : f.channels_out;
            char taken_dims[DIMS_TEXT], given_dims[DIMS_TEXT];
            if (f.rows_out != rows || f.cols_out != cols || f.depth_out != depth || given != channels)
                return fcn_fail(err, "model: layer '%s' takes %s but '%s' gives %s", b->name,
                                dims_text(taken_dims, rows, cols, depth, channels), a->name,
                                dims_text(given_dims, f.rows_out, f.cols_out, f.depth_out, given));
        }
    return 0;
}

/* Only these layers keep one tensor flowing from a weights-reloading layer to the output (MODEL-DAG §8.6). */
static int continues_chain(const opt_problem *pb, int i)
{
    const fcn_layer *l = &pb->model[i];
    return i > 0 && layer_follows_reloading(l->type) && l->ports_in == 1 &&
           producer(pb, i, 0) == i - 1;
}

/* Who reads each layer (consumers, in network order) and the facts weights reloading depends on. */
static int index_consumers(opt_problem *pb, fcn_error *err)
{
    const size_t n = (size_t)pb->layer_count + 1;
    int ports = 0;
    for (int i = 0; i < pb->layer_count; i++)
        ports += pb->model[i].ports_in;
    pb->consumer_start = calloc(n + 1, sizeof *pb->consumer_start);
    pb->consumers = calloc((size_t)ports + 1, sizeof *pb->consumers);
    pb->chain_start = calloc(n, sizeof *pb->chain_start);
    pb->last_use = calloc(n, sizeof *pb->last_use);
    if (!pb->consumer_start || !pb->consumers || !pb->chain_start || !pb->last_use)
        return fcn_fail(err, "out of memory");
    for (int i = 0; i < pb->layer_count; i++)
        for (int port = 0; port < pb->model[i].ports_in; port++)
            if (producer(pb, i, port) >= 0)
                pb->consumer_start[producer(pb, i, port) + 1]++;
    for (int i = 0; i < pb->layer_count; i++)
        pb->consumer_start[i + 1] += pb->consumer_start[i];
    int *fill = pb->last_use; /* borrowed as a cursor, then filled for real */
    for (int i = 0; i < pb->layer_count; i++)
        fill[i] = pb->consumer_start[i];
    for (int i = 0; i < pb->layer_count; i++) /* consumers come out in network order */
        for (int port = 0; port < pb->model[i].ports_in; port++)
            if (producer(pb, i, port) >= 0)
                pb->consumers[fill[producer(pb, i, port)]++] = i;
    for (int i = 0; i < pb->layer_count; i++) {
        const int first = pb->consumer_start[i], count = pb->consumer_start[i + 1] - first;
        /* A port nobody reads is a network output: it always leaves its partition. */
        pb->last_use[i] = count < pb->model[i].ports_out ? INT_MAX : pb->consumers[first + count - 1];
        pb->chain_start[i] = continues_chain(pb, i) ? pb->chain_start[i - 1] : i;
    }
    return 0;
}

static fcn_eval_options eval_options(const fcn_optimise_options *o, const fcn_platform *platform)
{
    fcn_eval_options e = {DEFAULT_FREQ_MHZ, 0, o->batch_size};
    if (o->freq_mhz > 0)
        e.freq_mhz = o->freq_mhz;
    else if (platform->freq_mhz > 0)
        e.freq_mhz = platform->freq_mhz;
    if (o->reconf_time_s >= 0)
        e.reconf_time_s = o->reconf_time_s;
    else if (platform->reconf_time_s >= 0)
        e.reconf_time_s = platform->reconf_time_s;
    if (e.batch_size == 0)
        e.batch_size = o->objective == FCN_OBJECTIVE_THROUGHPUT ? THROUGHPUT_BATCH : 1;
    return e;
}

static int build_layers(opt_problem *pb, const fcn_network *model, fcn_error *err)
{
    pb->layer_count = count_layers(model);
    pb->model = calloc((size_t)pb->layer_count + 1, sizeof *pb->model);
    pb->last_weighted = calloc((size_t)pb->layer_count + 1, sizeof *pb->last_weighted);
    if (!pb->model || !pb->last_weighted)
        return fcn_fail(err, "out of memory");
    int n = 0;
    for (int p = 0; p < model->partition_count; p++)
        append_model_layers(&model->partitions[p], pb->model, &n);
    int *reads = calloc((size_t)n + 1, sizeof *reads);
    if (!reads)
        return fcn_fail(err, "out of memory");
    const int rc = check_links(pb, reads, err);
    free(reads);
    if (rc || index_consumers(pb, err) || opt_narrow(pb, &pb->narrowed, err))
        return -1;
    if (pb->narrowed.layers) { /* the layers moved: who reads whom again */
        free(pb->consumer_start);
        free(pb->consumers);
        free(pb->chain_start);
        free(pb->last_use);
        free(pb->last_weighted);
        n = pb->layer_count;
        if (!(pb->last_weighted = calloc((size_t)n + 1, sizeof *pb->last_weighted)) || index_consumers(pb, err))
            return fcn_fail(err, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        fcn_layer_type t = pb->model[i].type;
        const int weighted = t == FCN_CONVOLUTION || t == FCN_INNER_PRODUCT;
        pb->last_weighted[i] = weighted ? i : i > 0 ? pb->last_weighted[i - 1] : -1;
    }
    return 0;
}

int opt_problem_init(opt_problem *pb, const fcn_network *model, const fcn_platform *platform,
                     const fcn_optimise_options *opts, fcn_error *err)
{
    *pb = (opt_problem){0};
    if (check_options(opts, err))
        return -1;
    if (fcn_network_check(model, err)) {
        fcn_error_prefix(err, "model");
        return -1;
    }
    if (!(pb->divisors = opt_divisor_cache_new())) {
        fcn_fail(err, "out of memory");
        return -1;
    }
    pb->max_ports = platform->ports > 0 ? platform->ports : 1;
    pb->one_partition = opts->no_reconfiguration;
    if (build_layers(pb, model, err)) {
        opt_problem_free(pb);
        return -1;
    }
    pb->eval = eval_options(opts, platform);
    const int64_t have[OPT_RESOURCES] = {platform->resource.lut, platform->resource.ff, platform->resource.dsp,
                                         platform->resource.bram, platform->resource.uram};
    pb->allocation = opts->resource_allocation;
    for (int r = 0; r < OPT_RESOURCES; r++) {
        pb->have[r] = have[r];
        pb->limit[r] = opts->resource_allocation * (double)have[r];
    }
    pb->mem_bandwidth_gbs = platform->mem_bandwidth_gbs;
    pb->port_width = platform->port_width;
    pb->words_per_port = platform->port_width / WORD_BITS;
    return 0;
}

void opt_problem_free(opt_problem *pb)
{
    free(pb->model);
    free(pb->last_weighted);
    free(pb->consumer_start);
    free(pb->consumers);
    free(pb->chain_start);
    free(pb->last_use);
    opt_divisor_cache_free(pb->divisors);
    opt_narrowed_free(&pb->narrowed);
    *pb = (opt_problem){0};
}

/*
 * MODEL-DAG §8.6 (as fcn_network_check enforces it): the layers after the
 * last weighted layer w must form a chain from w to the partition's end, and
 * every layer before w must be read entirely within the partition, so that
 * the partition has one output and dividing w's filters reaches nothing but it.
 */
int opt_wr_layer(const opt_problem *pb, int start, int end)
{
    const int w = pb->last_weighted[end - 1];
    if (w < start || pb->chain_start[end - 1] > w)
        return -1;
    for (int k = start; k < w; k++)
        if (pb->last_use[k] >= end)
            return -1;
    return w;
}

int opt_inner_consumers(const opt_problem *pb, int i, int end)
{
    int n = 0;
    for (int c = pb->consumer_start[i]; c < pb->consumer_start[i + 1] && pb->consumers[c] < end; c++)
        n++;
    return n;
}

int64_t opt_max_wr(const opt_problem *pb, int w)
{
    if (w < 0)
        return 1;
    const fcn_layer *l = &pb->model[w];
    int64_t groups = l->type == FCN_CONVOLUTION ? l->groups : 1;
    return l->filters / groups;
}
