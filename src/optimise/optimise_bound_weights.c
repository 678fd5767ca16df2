/*
 * The reconfigurations and weights reloading that the weights force (docs/OPTIMISER-BOUND.md §3):
 * every partition holds its layers' weights on the chip, its last weighted layer's divided by the
 * weights-reloading factor where the partition may reload (opt_wr_layer), which costs
 * (wr - 1) x its weights as written cycles; each partition after the first costs a reconfiguration.
 * The cheapest cut of the network order into partitions that hold their weights, by dynamic
 * programming over the cut points.
 */
#include <math.h>
#include <stdlib.h>

#include "error.h"
#include "optimise_bound.h"

/* Past this many steps the forced term is left out (0 is always a lower bound): a tenth of a second or so. */
#define STEP_BUDGET 30000000LL
/* Memories are compared with this much slack in favour of fitting, so rounding never raises the bound. */
#define SLACK (1 + 1e-12)

/* The smallest divisor of n that is at least x, or 0 when x > n. */
static int64_t divisor_at_least(int64_t n, double x)
{
    int64_t best = 0;
    for (int64_t f = 1; f * f <= n; f++)
        if (n % f == 0) {
            if ((double)f * SLACK >= x && (!best || f < best))
                best = f;
            if ((double)(n / f) * SLACK >= x && (!best || n / f < best))
                best = n / f;
        }
    return best;
}

/* Whether weights taking `used` exceed what a partition may hold. */
static int over(double used, const bound_memory *memory)
{
    return used > memory->capacity * SLACK;
}

/*
 * The smallest weights-reloading factor that fits layer w's weights in what the rest of its
 * partition (`pre`) leaves; 1 when they fit whole, 0 when no factor (or no reloading) fits them.
 */
static int64_t reload_factor(const bound_layer *w, double pre, const bound_memory *memory, int may_reload)
{
    if (!over(pre + w->memory, memory))
        return 1;
    const double left = memory->capacity * SLACK - pre;
    return may_reload && left > 0 ? divisor_at_least(w->max_wr, w->memory / left) : 0;
}

typedef struct cut_table {
    double *cost;   /* [e]: the cheapest forced seconds for layers 0..e-1, INFINITY when none */
    int *from;      /* [e]: where its last partition starts */
    int64_t *wr;    /* [e]: that partition's reloading factor */
} cut_table;

/* The cheapest last partition ending at e (layers s..e-1), over s; -1 when the step budget is spent. */
static int best_last_partition(const opt_problem *pb, const bound_layer *layers, const bound_memory *memory,
                               int e, cut_table *t, int64_t *steps)
{
    const int w = pb->last_weighted[e - 1];
    int may_reload = w >= 0 && pb->chain_start[e - 1] <= w;
    const double freq_hz = pb->eval.freq_mhz * 1e6;
    double pre = 0;
    t->cost[e] = INFINITY;
    for (int s = e - 1; s >= 0; s--) {
        if (++*steps > STEP_BUDGET)
            return -1;
        if (s != w)
            pre += layers[s].memory;
        if (s < w && pb->last_use[s] >= e) /* opt_wr_layer: a layer before w read past the partition */
            may_reload = 0;
        if (over(pre, memory)) /* and so for every earlier start */
            break;
        if ((pb->one_partition && s > 0) || isinf(t->cost[s]))
            continue;
        const int64_t wr = w >= s ? reload_factor(&layers[w], pre, memory, may_reload) : 1;
        if (!wr)
            continue;
        const double reload_s = wr > 1 ? (double)(wr - 1) * (double)(layers[w].weights / wr) / freq_hz : 0;
        const double cost = t->cost[s] + (s > 0 ? pb->eval.reconf_time_s : 0) + reload_s;
        if (cost < t->cost[e]) {
            t->cost[e] = cost;
            t->from[e] = s;
            t->wr[e] = wr;
        }
    }
    return 0;
}

/* Why no cut holds the weights: a layer whose weights alone do not fit, or the network in one partition. */
static int fail_weights(const opt_problem *pb, const bound_layer *layers, const bound_memory *memory,
                        const char *board, fcn_error *err)
{
    const char *unit = memory->in_bits ? "bits of BRAM and URAM" : "BRAM blocks";
    for (int i = 0; i < pb->layer_count && !pb->one_partition; i++) {
        const double need = layers[i].memory / (double)layers[i].max_wr;
        if (over(need, memory))
            return fcn_fail(err, "nothing fits on %s: the %lld weights of layer '%s' need at least %.4g %s even "
                            "reloaded %lld times, more than the %.0f the allocation allows",
                            board, (long long)layers[i].weights, pb->model[i].name, need, unit,
                            (long long)layers[i].max_wr, memory->capacity);
    }
    return fcn_fail(err, "nothing fits on %s in one partition: the network's weights need more than the %.0f %s "
                    "the allocation allows, even with weights reloading", board, memory->capacity, unit);
}

/* The partitions of the cheapest cut, and how many reload weights. */
static void count_cut(const cut_table *t, int n, int *partitions, int *reloads)
{
    *partitions = *reloads = 0;
    for (int e = n; e > 0; e = t->from[e]) {
        ++*partitions;
        *reloads += t->wr[e] > 1;
    }
}

static int fill_table(const opt_problem *pb, const bound_layer *layers, const bound_memory *memory,
                      cut_table *t)
{
    const int n = pb->layer_count;
    int64_t steps = 0;
    t->cost[0] = 0;
    for (int e = 1; e <= n; e++) {
        if (pb->one_partition && e < n) {
            t->cost[e] = INFINITY;
            continue;
        }
        if (best_last_partition(pb, layers, memory, e, t, &steps))
            return -1;
    }
    return 0;
}

int bound_forced(const opt_problem *pb, const bound_layer *layers, const bound_memory *memory, const char *board,
                 double *seconds, int *partitions, int *reloads, fcn_error *err)
{
    const int n = pb->layer_count;
    double all = 0;
    for (int i = 0; i < n; i++)
        all += layers[i].memory;
    *seconds = 0;
    *partitions = 1;
    *reloads = 0;
    if (!over(all, memory)) /* one partition holds every weight: nothing is forced */
        return 0;
    cut_table t = {calloc((size_t)n + 1, sizeof *t.cost), calloc((size_t)n + 1, sizeof *t.from),
                   calloc((size_t)n + 1, sizeof *t.wr)};
    int status = 0;
    if (!t.cost || !t.from || !t.wr)
        status = fcn_fail(err, "out of memory");
    else if (fill_table(pb, layers, memory, &t) == 0) { /* else the budget ran out: nothing forced, still a bound */
        if (isinf(t.cost[n]))
            status = fail_weights(pb, layers, memory, board, err);
        else {
            *seconds = t.cost[n];
            count_cut(&t, n, partitions, reloads);
        }
    }
    free(t.cost);
    free(t.from);
    free(t.wr);
    return status;
}
