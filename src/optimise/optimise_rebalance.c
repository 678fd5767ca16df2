/*
 * Rebalancing a partition's foldings (issue 14). The greedy pass raises the
 * bottleneck one step at a time, choosing among its steps by latency gained
 * per resource spent; a layer raised early may end faster than the final
 * interval needs, or hold the resource that stopped the pass. Here, the
 * interval fixed, each layer in turn takes the feasible folding whose latency
 * stays within it and which costs the least, each resource priced by how full
 * the partition is of it (the fuller, the dearer); the greedy pass then
 * raises the bottleneck again with what was freed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimise.h"

/* Rebalancing and raising again converge in a few rounds; a bound keeps a cycle finite. */
#define REBALANCE_ROUNDS 8
/*
 * Each jump searches a layer's whole feasible set: a few a partition keep the polish to a fraction of
 * a second on the largest bundled networks (unbounded, R(2+1)-D's 36 partitions took 9 s).
 */
#define JUMPS_PER_PARTITION 4
/* Enough for the feasible values of any folding factor (optimise_fold.c's divisor lists). */
#define MAX_VALUES 512

static void resource_vector(const fcn_resource *r, double v[OPT_RESOURCES])
{
    v[OPT_LUT] = (double)r->lut;
    v[OPT_FF] = (double)r->ff;
    v[OPT_DSP] = (double)r->dsp;
    v[OPT_BRAM] = (double)r->bram;
    v[OPT_URAM] = (double)r->uram;
}

/* A resource's price per unit: its share of the allowance to the fourth power, so the scarcest dominates. */
static void resource_prices(const opt_problem *pb, const double used[OPT_RESOURCES], double price[OPT_RESOURCES])
{
    for (int r = 0; r < OPT_RESOURCES; r++) {
        const double share = pb->limit[r] > 0 ? used[r] / pb->limit[r] : 0;
        price[r] = pb->limit[r] > 0 ? share * share * share * share / pb->limit[r] : 0;
    }
}

static double cost(const double price[OPT_RESOURCES], const double v[OPT_RESOURCES])
{
    double sum = 0;
    for (int r = 0; r < OPT_RESOURCES; r++)
        sum += price[r] * v[r];
    return sum;
}

/* What one layer's search needs and finds. */
typedef struct layer_search {
    int partition, layer;
    double interval;
    const double *used, *before, *price; /* the partition's resources, the layer's as it was, the prices */
    opt_fold best;
    double best_cost;
} layer_search;

/* Layer i with folding f, its figures derived (f is made feasible in place). */
static void try_fold(opt_search *s, opt_design *d, const layer_search *ls, opt_fold f)
{
    d->fold[ls->layer] = f;
    const opt_touch t = {ls->layer, ls->layer + 1, ls->partition, ls->partition, 0};
    opt_design_refresh(d, s->pb, &t);
}

/*
 * Whether the layer's current folding is within the interval; if so and it keeps the partition within
 * its allowance at a lower cost, it becomes the best.
 */
static int consider(const opt_search *s, const opt_design *d, layer_search *ls)
{
    const fcn_layer_figures *f = &d->figures[ls->layer];
    if (f->latency > ls->interval)
        return 0;
    double v[OPT_RESOURCES];
    resource_vector(&f->resource, v);
    for (int r = 0; r < OPT_RESOURCES; r++)
        if (ls->used[r] - ls->before[r] + v[r] > s->pb->limit[r])
            return 1;
    const double c = cost(ls->price, v);
    if (c < ls->best_cost) {
        ls->best_cost = c;
        ls->best = d->fold[ls->layer];
    }
    return 1;
}

/*
 * For one coarse_group and placement of the weights: every coarse_in and fine, each with the smallest
 * coarse_out that meets the interval (a larger one only costs more).
 */
static void search_group(opt_search *s, opt_design *d, layer_search *ls, int64_t group, int64_t place, int has_fine,
                         int has_out)
{
    const int i = ls->layer;
    int64_t in[MAX_VALUES], out[MAX_VALUES], fine[OPT_FINE_VALUES] = {1};
    try_fold(s, d, ls, (opt_fold){1, 1, group, 1, place});
    const int n_in = opt_fold_values(d, s->pb, i, 0, in, MAX_VALUES);
    const int n_out = has_out ? opt_fold_values(d, s->pb, i, 1, out, MAX_VALUES) : 0;
    const int n_fine = has_fine ? opt_fold_values(d, s->pb, i, 3, fine, OPT_FINE_VALUES) : 1;
    for (int a = 0; a < n_in; a++)
        for (int b = 0; b < n_fine; b++) {
            if (!has_out) {
                try_fold(s, d, ls, (opt_fold){in[a], in[a], group, fine[b], place});
                if (consider(s, d, ls))
                    return; /* one coarse factor: the first within the interval is the cheapest */
                continue;
            }
            for (int c = 0; c < n_out; c++) {
                try_fold(s, d, ls, (opt_fold){in[a], out[c], group, fine[b], place});
                if (consider(s, d, ls))
                    break;
            }
        }
}

/* The cheapest folding of layer i within the interval, set; its resources replace the old in `used`. */
static int cheapest_within(opt_search *s, opt_design *d, layer_search *ls, double used[OPT_RESOURCES])
{
    const int i = ls->layer;
    const opt_fold was = d->fold[i];
    double before[OPT_RESOURCES], price[OPT_RESOURCES];
    resource_vector(&d->figures[i].resource, before);
    resource_prices(s->pb, used, price);
    ls->before = before;
    ls->price = price;
    ls->best = was;
    /* The folding as it is wins ties, if it is within the interval at all (a jump's is not). */
    ls->best_cost = d->figures[i].latency <= ls->interval ? cost(price, before) : INFINITY;
    int params[4];
    const int count = opt_fold_parameters(d, i, params);
    int has[4] = {0};
    for (int k = 0; k < count; k++)
        has[params[k]] = 1;
    int64_t groups[MAX_VALUES] = {1};
    const int n_groups = has[2] ? opt_fold_values(d, s->pb, i, 2, groups, MAX_VALUES) : 1;
    int64_t places[2] = {OPT_PLACE_AUTO};
    const int n_places = s->rule_placement ? 1 : opt_placements(s->pb, i, places);
    for (int g = 0; g < n_groups; g++)
        for (int k = 0; k < n_places; k++)
            search_group(s, d, ls, groups[g], places[k], has[3], has[1]);
    try_fold(s, d, ls, ls->best);
    double after[OPT_RESOURCES];
    resource_vector(&d->figures[i].resource, after);
    for (int r = 0; r < OPT_RESOURCES; r++)
        used[r] += after[r] - before[r];
    return memcmp(&d->fold[i], &was, sizeof was) != 0;
}

int opt_rebalance(opt_search *s, opt_design *d, int p)
{
    const int start = d->start[p], end = d->start[p + 1];
    const double interval = d->summary[p].interval;
    double used[OPT_RESOURCES];
    resource_vector(&d->summary[p].resource, used);
    const size_t bytes = (size_t)(end - start) * sizeof(opt_fold);
    opt_fold *saved = malloc(bytes);
    if (!saved)
        return 0; /* a pass that cannot undo itself is not tried */
    memcpy(saved, &d->fold[start], bytes);
    int changed = 0;
    layer_search ls = {.partition = p, .interval = interval, .used = used};
    for (int i = start; i < end; i++) {
        ls.layer = i;
        changed |= cheapest_within(s, d, &ls, used);
    }
    if (changed) { /* else every layer is back as it was, its figures with it: nothing to sum again */
        const opt_touch whole = {start, end, p, p + 1, 0};
        opt_design_refresh(d, s->pb, &whole);
        if (!d->fits[p] || d->summary[p].interval > interval) {
            /* A squeeze the new streams need is slower, or the bandwidth or ports refuse: as it was. */
            memcpy(&d->fold[start], saved, bytes);
            opt_design_refresh(d, s->pb, &whole);
            changed = 0;
        }
    }
    free(saved);
    return changed;
}

void opt_polish(opt_search *s)
{
    opt_search_restore_best(s, &s->cur);
    for (int p = 0; p < s->cur.partition_count && !s->stopped; p++) {
        s->jumps_left = JUMPS_PER_PARTITION;
        opt_fold_up(s, &s->cur, p);
        for (int round = 0; round < REBALANCE_ROUNDS && !s->stopped && opt_rebalance(s, &s->cur, p); round++)
            opt_fold_up(s, &s->cur, p);
    }
    s->jumps_left = 0;
    opt_search_note(s);
}

int opt_jump(opt_search *s, opt_design *d, int p, int i, double latency)
{
    const opt_fold was = d->fold[i];
    double used[OPT_RESOURCES];
    resource_vector(&d->summary[p].resource, used);
    /* Strictly faster: the largest latency below the bottleneck's. */
    layer_search ls = {.partition = p, .layer = i, .interval = latency * (1 - 1e-12), .used = used};
    const opt_touch t = {i, i + 1, p, p + 1, 0};
    if (cheapest_within(s, d, &ls, used) && d->figures[i].latency < latency) {
        opt_design_refresh(d, s->pb, &t);
        if (d->fits[p])
            return 1;
    }
    d->fold[i] = was; /* nothing faster fits, or not the bandwidth or the ports */
    opt_design_refresh(d, s->pb, &t);
    return 0;
}
