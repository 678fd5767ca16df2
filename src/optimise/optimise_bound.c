/*
 * The model's upper bound on throughput for a network and a board (docs/OPTIMISER-BOUND.md): every
 * design's partitions together spend at least a batch times the cycles per input that the layers'
 * latency x resources allow on the board (the area-time term, optimise_bound_area.c and
 * optimise_bound_mix.c; the multipliers' cheapest resources alone, the term it replaced, are kept
 * beside it) and one pixel a cycle allows, plus the reconfigurations and weights reloading that the
 * weights force. Each term relaxes a constraint of the model, so no design the model allows does better.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "layers.h"
#include "optimise_bound.h"
#include "resource.h"

/* A mix of resources binds when it beats every limit alone by more than this share (else rounding decides). */
#define TIE 1e-9

static const char *const LIMIT_NAMES[FCN_BOUND_LIMITS] = {"LUT", "FF", "DSP", "BRAM", "pixel rate"};

const char *fcn_bound_limit_name(fcn_bound_limit limit)
{
    return (int)limit >= 0 && limit < FCN_BOUND_LIMITS ? LIMIT_NAMES[limit] : NULL;
}

/* Multipliers that share a DSP by operand width (MODEL-WIDTHS.md): fcn_dsp_packed's divisor. */
static double packed_per_dsp(const fcn_layer *l)
{
    if (!l->dsp_packing)
        return 1;
    return (double)fcn_dsp_packed(4, 1, l->weight_width, l->input_width) == 1 ? 4
           : fcn_dsp_packed(2, 1, l->weight_width, l->input_width) == 1 ? 2
                                                                         : 1;
}

/* The most words one block of a weights memory holds at `width`: the deepest RAM that takes one block. */
static int64_t words_per_block(int64_t (*blocks)(int64_t depth, int width), int width)
{
    int64_t low = 1, high = 2;
    while (blocks(high, width) == 1)
        high *= 2;
    while (high - low > 1) { /* blocks(low) is 1, blocks(high) is not */
        const int64_t mid = low + (high - low) / 2;
        *(blocks(mid, width) == 1 ? &low : &high) = mid;
    }
    return low;
}

/* The most bits one block holds at any width a layer may have. */
static double bits_per_block(int64_t (*blocks)(int64_t depth, int width))
{
    double most = 0;
    for (int width = 1; width <= FCN_MAX_WIDTH; width++)
        most = fmax(most, (double)(words_per_block(blocks, width) * width));
    return most;
}

/* What a partition may use of resource r: whole units of the allocation. */
static double budget(const opt_problem *pb, int r)
{
    return floor(pb->limit[r]);
}

static bound_memory memory_of(const opt_problem *pb)
{
    if (budget(pb, OPT_URAM) < 1)
        return (bound_memory){0, budget(pb, OPT_BRAM)};
    return (bound_memory){1, budget(pb, OPT_BRAM) * bits_per_block(fcn_bram_memory) +
                                 budget(pb, OPT_URAM) * bits_per_block(fcn_uram_memory)};
}

/*
 * A convolution or inner product: its MACs per input and, per multiplier (a conv module instance
 * times fine), a DSP (packed), a weights memory of one block at least, and the LUT and FF of the
 * smallest conv module (one filter; the instance serves its kernel's taps, k0 x k1 x kernel_depth,
 * as multipliers at most).
 */
static void weighted_layer(const fcn_layer *l, const fcn_layer_figures *f, const bound_memory *memory, bound_layer *b)
{
    const int conv = l->type == FCN_CONVOLUTION;
    const int64_t kernel[3] = {l->kernel[0], l->kernel[1], l->kernel_depth}, unit[3] = {1, 1, 1};
    const int64_t outputs = f->rows_out * f->cols_out * f->depth_out;
    fcn_module_figures m;
    module_conv(&m, f->rows_out, f->cols_out, f->depth_out, 1, 1, 1, conv ? kernel : unit, 1, l->weight_width,
                l->input_width);
    const double taps = conv ? (double)(kernel[0] * kernel[1] * kernel[2]) : 1;
    b->weights = f->weights;
    b->macs = (double)f->weights * (double)outputs;
    b->max_wr = conv ? l->filters / l->groups : l->filters;
    b->cost[FCN_BOUND_LUT] = (double)m.resource.lut / taps;
    b->cost[FCN_BOUND_FF] = (double)m.resource.ff / taps;
    b->cost[FCN_BOUND_DSP] = (double)fcn_dsp_mult(l->weight_width, l->input_width) / packed_per_dsp(l);
    /*
     * A grouped convolution may have more multipliers than weights, whose memories are then empty; with
     * use_lutram, memories shallow enough take LUTs instead of BRAM. Neither counts here.
     */
    if ((conv && l->groups > 1) || l->use_lutram)
        return;
    b->cost[FCN_BOUND_BRAM] = 1;
    b->memory = memory->in_bits ? (double)f->weights * l->weight_width
                                : (double)f->weights / (double)words_per_block(fcn_bram_memory, l->weight_width);
}

static void bound_layer_of(const fcn_layer *l, const bound_memory *memory, bound_layer *b)
{
    fcn_layer_figures f;
    fcn_layer_evaluate(l, &f);
    *b = (bound_layer){.pixels = (double)(l->rows * l->cols * l->depth), .max_wr = 1};
    if (l->type != FCN_CONVOLUTION && l->type != FCN_INNER_PRODUCT)
        return;
    weighted_layer(l, &f, memory, b);
    b->pixels = fmax(b->pixels, (double)(f.rows_out * f.cols_out * f.depth_out));
}

/* What a design may spend of limit r: the allocation's whole units; BRAM and URAM blocks together. */
static double limit_budget(const opt_problem *pb, int r)
{
    return r == FCN_BOUND_BRAM ? budget(pb, OPT_BRAM) + budget(pb, OPT_URAM) : budget(pb, r);
}

/*
 * Cycles per input the multipliers' cheapest resources force (§2.3 of the doc), each limit's into
 * multiplier_cycles, and one pixel a cycle's into limit_cycles.
 */
static int multiplier_cycles(const opt_problem *pb, const bound_layer *layers, const char *board, fcn_bound *out,
                             fcn_error *err)
{
    for (int i = 0; i < pb->layer_count; i++) {
        const bound_layer *b = &layers[i];
        for (int r = 0; r < FCN_BOUND_PIXELS; r++) {
            if (b->macs <= 0 || b->cost[r] <= 0)
                continue;
            if (limit_budget(pb, r) < 1)
                return fcn_fail(err, "nothing fits on %s: layer '%s' needs %s for its multipliers and %g of the "
                                "platform's %lld allows none", board, pb->model[i].name, LIMIT_NAMES[r],
                                pb->allocation, (long long)pb->have[r]);
            out->multiplier_cycles[r] += b->cost[r] * b->macs / limit_budget(pb, r);
        }
        out->limit_cycles[FCN_BOUND_PIXELS] = fmax(out->limit_cycles[FCN_BOUND_PIXELS], b->pixels);
    }
    return 0;
}

/* The resources the area-time term weighs for limit r: BRAM's blocks are BRAM and URAM (§2.1). */
static unsigned limit_mask(int r)
{
    return r == FCN_BOUND_BRAM ? 1u << OPT_BRAM | 1u << OPT_URAM : 1u << r;
}

/*
 * Each limit's area-time term (BRAM's the best split between BRAM and URAM, from the share of each
 * block the allocation allows, as §2.3 counts them) and the best weighting of them all, started from
 * the largest limit's: area_cycles is at least each of limit_cycles. Each resource's share of it is
 * its weight (§2.2): where weightings tie, the largest limit's, which ties go to in LUT, FF, DSP,
 * BRAM order.
 */
static void area_cycles(const opt_problem *pb, const bound_area *area, fcn_bound *out, double w[OPT_RESOURCES])
{
    double start[OPT_RESOURCES], blocks[OPT_RESOURCES] = {0};
    const double bram = floor(pb->limit[OPT_BRAM]), uram = floor(pb->limit[OPT_URAM]);
    blocks[OPT_BRAM] = bram + uram > 0 ? bram / (bram + uram) : 1;
    blocks[OPT_URAM] = 1 - blocks[OPT_BRAM];
    double most = -1;
    for (int r = 0; r < FCN_BOUND_PIXELS; r++) {
        out->limit_cycles[r] = bound_area_best(area, limit_mask(r), r == FCN_BOUND_BRAM ? blocks : NULL, w);
        if (out->limit_cycles[r] > most) {
            most = out->limit_cycles[r];
            memcpy(start, w, sizeof start);
        }
    }
    out->area_cycles = bound_area_best(area, (1u << OPT_RESOURCES) - 1, start, w);
    if (out->area_cycles <= most * (1 + TIE)) /* no mix beats the largest limit: it binds, whole */
        memcpy(w, start, sizeof start);
    for (int r = 0; r < OPT_RESOURCES && out->area_cycles > 0; r++)
        out->area_share[r < OPT_URAM ? r : FCN_BOUND_BRAM] += w[r];
}

/* The largest term gives cycles_per_input; what binds is the pixel rate, or the resource of the largest share. */
static void bind(fcn_bound *out)
{
    double most = out->limit_cycles[FCN_BOUND_PIXELS];
    out->binds = FCN_BOUND_PIXELS;
    if (out->area_cycles > most) {
        most = out->area_cycles;
        out->binds = FCN_BOUND_LUT;
        for (int r = 1; r < FCN_BOUND_PIXELS; r++)
            if (out->area_share[r] > out->area_share[out->binds])
                out->binds = (fcn_bound_limit)r;
    }
    for (int r = 0; r < FCN_BOUND_PIXELS; r++)
        if (out->multiplier_cycles[r] > most) { /* never, while limit_cycles holds them (tested) */
            most = out->multiplier_cycles[r];
            out->binds = (fcn_bound_limit)r;
        }
    out->cycles_per_input = most;
}

/* The partitions term (§4 of the doc); left at 0 where it cannot be had (too many layers). */
static void partitions_term(const opt_problem *pb, const bound_ways *ways, const double weight[OPT_RESOURCES],
                            fcn_bound *out)
{
    int64_t budget[OPT_RESOURCES];
    for (int r = 0; r < OPT_RESOURCES; r++)
        budget[r] = (int64_t)floor(pb->limit[r]);
    bound_cut cut;
    const double reconf_s = pb->one_partition ? INFINITY : pb->eval.reconf_time_s;
    if (bound_cuts(ways, budget, weight, (double)pb->eval.batch_size, pb->eval.freq_mhz * 1e6, reconf_s, &cut) == 0) {
        out->partitions_s = cut.latency_s;
        out->partitions_count = cut.partitions;
    }
}

/* The area-time term (§2.1, §2.2 of the doc) and, from every term, the cycles per input and what binds. */
static int area_term(const opt_problem *pb, const char *board, fcn_bound *out, fcn_error *err)
{
    bound_area area;
    bound_ways ways;
    if (bound_area_build(pb, board, &area, &ways, err))
        return -1;
    double weight[OPT_RESOURCES];
    area_cycles(pb, &area, out, weight);
    bound_area_free(&area);
    bind(out);
    partitions_term(pb, &ways, weight, out);
    bound_ways_free(&ways);
    return 0;
}

/*
 * The multipliers' terms and the forced term first: each says why nothing fits in its own words,
 * where the area-time term, which also proves it, would only name a layer's least resources.
 */
static int bound_problem(const opt_problem *pb, const char *board, fcn_bound *out, fcn_error *err)
{
    bound_layer *layers = calloc((size_t)pb->layer_count + 1, sizeof *layers);
    if (!layers)
        return fcn_fail(err, "out of memory");
    const bound_memory memory = memory_of(pb);
    for (int i = 0; i < pb->layer_count; i++)
        bound_layer_of(&pb->model[i], &memory, &layers[i]);
    int status = multiplier_cycles(pb, layers, board, out, err);
    if (!status)
        status = bound_forced(pb, layers, &memory, board, &out->forced_s, &out->forced_partitions,
                              &out->forced_reloads, err);
    free(layers);
    if (status || area_term(pb, board, out, err))
        return -1;
    const double freq_hz = pb->eval.freq_mhz * 1e6;
    out->batch_size = pb->eval.batch_size;
    out->compute_s = (double)out->batch_size * out->cycles_per_input / freq_hz;
    out->latency_s = out->compute_s + out->forced_s;
    if (out->partitions_s > out->latency_s) {
        out->latency_s = out->partitions_s;
        out->partitions_bind = 1;
    }
    out->throughput = (double)out->batch_size / out->latency_s;
    return 0;
}

int fcn_optimise_bound(const fcn_network *model, const fcn_platform *platform, const fcn_optimise_options *opts,
                       fcn_bound *out, fcn_error *err)
{
    if (!model || !platform || !opts || !out)
        return fcn_fail(err, "fcn_optimise_bound needs a model, a platform, options and a result");
    *out = (fcn_bound){0};
    opt_problem pb;
    if (opt_problem_init(&pb, model, platform, opts, err))
        return -1;
    const int status = bound_problem(&pb, platform->name[0] ? platform->name : "the platform", out, err);
    opt_problem_free(&pb);
    return status;
}
