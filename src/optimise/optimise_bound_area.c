/*
 * The candidates of the bound's area-time term (docs/OPTIMISER-BOUND.md §2): every way a design may
 * hold each layer of the problem (each feasible folding, each weights-reloading factor that may apply
 * to it, each memory its weights may go in), with the model's own figures (fcn_layer_evaluate), kept
 * where no other way of the same layer costs less time x resource in every resource at once.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "optimise_bound.h"

#define MAX_DIVISORS 512 /* the divisors of any dimension a network has (numbers below 10^7 have at most 448) */

static const char *const RESOURCE_NAMES[OPT_RESOURCES] = {"LUT", "FF", "DSP", "BRAM", "URAM"};

typedef bound_way way;

typedef struct builder {
    const opt_problem *pb;
    way *ways; /* every layer's, in layer order */
    int64_t count, capacity;
    int64_t *first; /* [layers + 1]: layer i's ways are first[i] .. first[i+1]-1 */
    int out_of_memory;
} builder;

static void push(builder *b, way w)
{
    if (b->count == b->capacity) {
        const int64_t capacity = b->capacity ? 2 * b->capacity : 4096;
        way *more = realloc(b->ways, (size_t)capacity * sizeof *more);
        if (!more) {
            b->out_of_memory = 1;
            return;
        }
        b->ways = more;
        b->capacity = capacity;
    }
    b->ways[b->count++] = w;
}

/* The layer as folded, if the model accepts it: its figures. */
static void add_way(builder *b, const fcn_layer *l, int64_t wr)
{
    fcn_error err;
    if (fcn_layer_check(l, &err))
        return; /* no design holds it so: fcn_network_check rejects it */
    fcn_layer_figures f;
    fcn_layer_evaluate(l, &f);
    const fcn_resource *r = &f.resource;
    /* A weighted layer reloading its weights costs (wr - 1) x the weights it holds a batch (MODEL.md §4.7). */
    const double reload = wr > 1 ? (double)(wr - 1) * (double)f.weights : 0;
    push(b, (way){(double)wr * f.latency, {r->lut, r->ff, r->dsp, r->bram, r->uram}, wr, reload});
}

/* Every folding the optimiser's steps reach (optimise_fold.c), which is every one fcn_layer_check accepts. */
static void each_folding(builder *b, fcn_layer l, int64_t wr)
{
    int64_t group[MAX_DIVISORS], in[MAX_DIVISORS], out[MAX_DIVISORS], fine[OPT_FINE_VALUES];
    if (l.type != FCN_CONVOLUTION && l.type != FCN_INNER_PRODUCT) {
        l.coarse_group = l.fine = 1;
        const int n = opt_divisors(opt_coarse_in_span(&l), in, MAX_DIVISORS);
        for (int a = 0; a < n; a++) {
            l.coarse_in = l.coarse_out = in[a];
            add_way(b, &l, wr);
        }
        return;
    }
    const int conv = l.type == FCN_CONVOLUTION;
    const int groups = conv ? opt_divisors(l.groups, group, MAX_DIVISORS) : 1;
    const int fines = conv ? opt_fine_values(&l, fine) : 1;
    if (!conv)
        group[0] = fine[0] = 1;
    for (int g = 0; g < groups; g++) {
        l.coarse_group = group[g];
        const int ins = opt_divisors(l.channels / group[g], in, MAX_DIVISORS);
        const int outs = opt_divisors(l.filters / group[g], out, MAX_DIVISORS);
        for (int a = 0; a < ins; a++)
            for (int c = 0; c < outs; c++)
                for (int k = 0; k < fines; k++) {
                    l.coarse_in = in[a];
                    l.coarse_out = out[c];
                    l.fine = fine[k];
                    add_way(b, &l, wr);
                }
    }
}

/*
 * Where the weights may live: BRAM, and on a board with URAM also URAM (optimise_design.c's
 * evaluate_placed). Without URAM on the board, use_uram would put the weights (every weighted layer
 * has some) in URAM the board lacks: no design holds a layer so.
 */
static void each_placement(builder *b, fcn_layer l, int64_t wr)
{
    const int weighted = l.type == FCN_CONVOLUTION || l.type == FCN_INNER_PRODUCT;
    l.use_uram = 0;
    each_folding(b, l, wr);
    if (weighted && b->pb->have[OPT_URAM] > 0) {
        l.use_uram = 1;
        each_folding(b, l, wr);
    }
}

/*
 * Model layer i in every version a partition may hold (optimise_design.c's materialise): as the model
 * has it (wr 1); a weighted layer, as the partition's weights-reloading layer, with filters / wr for
 * each wr dividing filters / groups; a layer of the chain that follows its last weighted layer w, with
 * channels / wr for each wr w admits. A layer before the weights-reloading layer of its partition is
 * held as the model has it but runs wr times, which costs no less than wr 1: wr 1 covers it.
 */
static void each_version(builder *b, int i)
{
    const opt_problem *pb = b->pb;
    fcn_layer l = pb->model[i];
    each_placement(b, l, 1);
    const int weighted = l.type == FCN_CONVOLUTION || l.type == FCN_INNER_PRODUCT;
    const int w = weighted ? i : pb->last_weighted[i];
    if (w < 0 || (!weighted && pb->chain_start[i] > w))
        return;
    int64_t wr[MAX_DIVISORS];
    const int n = opt_divisors(opt_max_wr(pb, w), wr, MAX_DIVISORS);
    for (int k = 1; k < n; k++) { /* wr[0] is 1 */
        fcn_layer v = l;
        if (weighted)
            v.filters /= wr[k];
        else
            v.channels /= wr[k];
        each_placement(b, v, wr[k]);
    }
}

/*
 * Narrowing (optimise_narrow.c) replaces a wide fork or join by a chain of narrower ones, so the
 * problem's forks and joins need not be a configuration's: where it narrowed anything, they count
 * nothing here (a relaxation that holds for both).
 */
static int counts_nothing(const opt_problem *pb, const fcn_layer *l)
{
    return pb->narrowed.layers &&
           (l->type == FCN_SPLIT || l->type == FCN_CONCAT || l->type == FCN_ELTWISE);
}

/* What a partition may use of each resource: whole units of the allocation. */
static void budgets(const opt_problem *pb, double budget[OPT_RESOURCES])
{
    for (int r = 0; r < OPT_RESOURCES; r++)
        budget[r] = floor(pb->limit[r]);
}

/*
 * A resource of which some way takes a negative amount (a fitted linear model may give one) proves
 * nothing: a partition's sum no longer caps each term. Such a resource counts 0 everywhere.
 */
static void negative_resources(const builder *b, int negative[OPT_RESOURCES])
{
    for (int r = 0; r < OPT_RESOURCES; r++)
        negative[r] = 0;
    for (int64_t k = 0; k < b->count; k++)
        for (int r = 0; r < OPT_RESOURCES; r++)
            negative[r] |= b->ways[k].use[r] < 0;
}

/* A way's cost row, with its sum first so that qsort puts the cheapest first. */
typedef struct row {
    double sum;
    double cost[OPT_RESOURCES];
} row;

static int by_sum(const void *a, const void *b)
{
    const double x = ((const row *)a)->sum, y = ((const row *)b)->sum;
    return (x > y) - (x < y);
}

/*
 * Weighs layer i's ways by the budgets into rows; 0 when none fits (a way taking more of a resource
 * than a partition may use fits in no design). How many rows.
 */
static int64_t weigh(const builder *b, int i, const double budget[OPT_RESOURCES], const int negative[OPT_RESOURCES],
                     row *rows)
{
    int64_t n = 0;
    for (int64_t k = b->first[i]; k < b->first[i + 1]; k++) {
        const way *w = &b->ways[k];
        row *out = &rows[n];
        int fits = 1;
        out->sum = 0;
        for (int r = 0; r < OPT_RESOURCES; r++) {
            const int counted = !negative[r] && w->use[r] > 0;
            fits &= !counted || (double)w->use[r] <= budget[r];
            out->cost[r] = counted && budget[r] > 0 ? w->time * (double)w->use[r] / budget[r] : 0;
            out->sum += out->cost[r];
        }
        n += fits;
    }
    return n;
}

static int dominates(const row *a, const row *b)
{
    for (int r = 0; r < OPT_RESOURCES; r++)
        if (a->cost[r] > b->cost[r])
            return 0;
    return 1;
}

/*
 * Keeps the rows no other row is at most in every resource (for any w >= 0 the cheapest row is one
 * of them): in increasing sum order, a row can only be dominated by one before it. How many are kept.
 */
static int64_t pareto(row *rows, int64_t n)
{
    qsort(rows, (size_t)n, sizeof *rows, by_sum);
    int64_t kept = 0;
    for (int64_t k = 0; k < n; k++) {
        int beaten = 0;
        for (int64_t j = 0; j < kept && !beaten; j++)
            beaten = dominates(&rows[j], &rows[k]);
        if (!beaten)
            rows[kept++] = rows[k];
    }
    return kept;
}

/* Why layer i fits no design: the least any of its ways takes of each resource, against the budgets. */
static int fail_layer(const builder *b, int i, const double budget[OPT_RESOURCES], const char *board, fcn_error *err)
{
    int64_t least[OPT_RESOURCES];
    for (int r = 0; r < OPT_RESOURCES; r++) {
        least[r] = INT64_MAX;
        for (int64_t k = b->first[i]; k < b->first[i + 1]; k++)
            least[r] = b->ways[k].use[r] < least[r] ? b->ways[k].use[r] : least[r];
    }
    char needs[256], allows[256];
    size_t at = 0, at_allows = 0;
    const int resources = b->pb->have[OPT_URAM] > 0 ? OPT_RESOURCES : OPT_URAM;
    for (int r = 0; r < resources; r++) {
        const char *sep = r == 0 ? "" : r + 1 == resources ? " and " : ", ";
        at += (size_t)snprintf(needs + at, sizeof needs - at, "%s%lld %s", sep, (long long)least[r], RESOURCE_NAMES[r]);
        at_allows += (size_t)snprintf(allows + at_allows, sizeof allows - at_allows, "%s%.0f", sep, budget[r]);
    }
    return fcn_fail(err, "nothing fits on %s: no folding of layer '%s' (with any weights reloading) fits %g of the "
                    "platform: the least any takes is %s, of %s allowed", board, b->pb->model[i].name,
                    b->pb->allocation, needs, allows);
}

/* Every layer's ways weighed and pruned into `area`. */
static int keep_candidates(const builder *b, const char *board, bound_area *area, fcn_error *err)
{
    const int n = b->pb->layer_count;
    double budget[OPT_RESOURCES];
    int negative[OPT_RESOURCES];
    budgets(b->pb, budget);
    negative_resources(b, negative);
    row *rows = malloc((size_t)(b->count > 0 ? b->count : 1) * sizeof *rows);
    area->cost = malloc((size_t)(b->count > 0 ? b->count : 1) * sizeof *area->cost);
    area->start = calloc((size_t)n + 1, sizeof *area->start);
    int status = rows && area->cost && area->start ? 0 : fcn_fail(err, "out of memory");
    int64_t kept = 0;
    for (int i = 0; i < n && !status; i++) {
        area->start[i] = (int)kept;
        const int64_t ways = b->first[i + 1] - b->first[i];
        const int64_t fitting = weigh(b, i, budget, negative, rows);
        if (ways > 0 && fitting == 0) {
            status = fail_layer(b, i, budget, board, err);
            break;
        }
        const int64_t front = pareto(rows, fitting);
        for (int64_t k = 0; k < front; k++)
            memcpy(area->cost[kept + k], rows[k].cost, sizeof rows[k].cost);
        kept += front;
    }
    if (!status)
        area->start[n] = (int)kept;
    free(rows);
    return status;
}

int bound_area_build(const opt_problem *pb, const char *board, bound_area *area, bound_ways *ways, fcn_error *err)
{
    *area = (bound_area){.layer_count = pb->layer_count};
    if (ways)
        *ways = (bound_ways){.layer_count = pb->layer_count};
    builder b = {.pb = pb, .first = calloc((size_t)pb->layer_count + 1, sizeof *b.first)};
    for (int i = 0; b.first && i < pb->layer_count && !b.out_of_memory; i++) {
        b.first[i] = b.count;
        if (!counts_nothing(pb, &pb->model[i]))
            each_version(&b, i);
    }
    int status;
    if (!b.first || b.out_of_memory || b.count > INT_MAX)
        status = fcn_fail(err, "out of memory");
    else {
        b.first[pb->layer_count] = b.count;
        status = keep_candidates(&b, board, area, err);
    }
    if (ways && !status && !(ways->weighted = calloc((size_t)pb->layer_count + 1, 1)))
        status = fcn_fail(err, "out of memory");
    if (ways && !status) { /* handed over, not freed */
        ways->way = b.ways;
        ways->first = b.first;
        for (int i = 0; i < pb->layer_count; i++)
            ways->weighted[i] = !counts_nothing(pb, &pb->model[i]) &&
                                (pb->model[i].type == FCN_CONVOLUTION || pb->model[i].type == FCN_INNER_PRODUCT);
    } else {
        free(b.ways);
        free(b.first);
    }
    if (status)
        bound_area_free(area);
    return status;
}

void bound_ways_free(bound_ways *ways)
{
    free(ways->way);
    free(ways->first);
    free(ways->weighted);
    ways->way = NULL;
    ways->first = NULL;
    ways->weighted = NULL;
}

void bound_area_free(bound_area *area)
{
    free(area->start);
    free(area->cost);
    area->start = NULL;
    area->cost = NULL;
}
