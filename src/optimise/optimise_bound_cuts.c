/*
 * The bound's partition term (docs/OPTIMISER-BOUND.md §4): the least latency of any cut of the
 * network into contiguous partitions when each partition may hold each of its layers in any way
 * the model allows, each resource summed over the partition within what a partition may use.
 *
 * A partition of layers [a, b) that runs in `time` cycles per input (its interval times its
 * weights-reloading factor) needs, for each resource r, at least the sum over its layers of the
 * least of r among the layer's ways that take no longer than `time`; its shortest time T(a, b) is
 * the first at which every such sum is within the budget. T grows with b for a fixed a, and a
 * sweep over the ways in order of time finds every T(a, b) at once: as the time passes a way,
 * only its layer's least resources change, and each start a keeps the last end b that fits. The
 * best cut is then a shortest path: L(b) = min over a of L(a) + B x T(a, b) / f (+ reconfiguration
 * when a > 0). In a run, only its last weighted layer (and what follows it) may be held reloading
 * weights, so the layers before it count their ways without reloading; a reloading way's time adds
 * its reloads spread over the batch.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "optimise_bound.h"

/* Past this many layers the table T(a, b) would take too much memory: the term is left out. */
#define MAX_LAYERS 512

typedef struct event {
    double time;
    int layer;
    unsigned sets; /* bits 1 << FULL, 1 << ANY: the sets the way counts in */
    const bound_way *way;
} event;

static int by_time(const void *a, const void *b)
{
    const double x = ((const event *)a)->time, y = ((const event *)b)->time;
    return (x > y) - (x < y);
}

/*
 * A partition's weights-reloading factor wr_p falls in one of these classes, [lo, hi]: with wr_p >= lo
 * the layers before its reloading layer, whose latency is at most the interval, run wr_p >= lo times
 * in its time (§4). One sweep a class; each run's shortest time is the least over the classes.
 */
static const struct { int64_t lo, hi; } WR_CLASSES[] = {{1, 1}, {2, 3}, {4, 7}, {8, INT64_MAX}};
#define WR_CLASS_COUNT ((int)(sizeof WR_CLASSES / sizeof WR_CLASSES[0]))

/*
 * Each partition's resources: the five, and mixes of them (§4): for weights w of sum 1,
 * sum_r w_r x resource r / budget r is at most 1 in any partition that fits. The first mix is the
 * area-time term's weighting; the second weighs every counted resource alike; the third BRAM and URAM
 * alike (where the board has both: a layer's weights are in one or the other).
 */
#define MIX OPT_RESOURCES
#define MIXES 3
#define DIMS (OPT_RESOURCES + MIXES)
/* The mix is a sum of fractions: rounding must never refuse a partition that fits. */
#define MIX_SLACK 1e-9

/*
 * The two sets of ways a layer may take in a run: before the run's weights-reloading layer only its
 * versions without reloading (FULL), from that layer on any (ANY).
 */
enum { FULL, ANY, SETS };

/* Per set: each layer's least resources so far, their prefix sums, the layers still without a way. */
typedef struct least_set {
    double (*least)[DIMS];  /* [n] */
    unsigned char *has;     /* [n]: some way of the layer in the set is within the time */
    double (*sum)[DIMS];    /* [n + 1]: over layers before i */
    int *missing;           /* [n + 1]: layers before i without a way yet */
} least_set;

/* What the sweep keeps: both sets, each run's split, each start's reach, the table it fills. */
typedef struct sweep {
    int n;
    const int64_t *budget;
    double mix[MIXES][OPT_RESOURCES]; /* each mix's weight of each resource, over its budget */
    int counted[OPT_RESOURCES]; /* no way takes a negative amount of it */
    least_set set[SETS];
    int *last_weighted;         /* [n + 1]: the last weighted layer before i, or -1 */
    int *reach;                 /* [n]: the largest b with [a, b) found to fit */
    double *table;              /* [n * n]: T(a, b) at [a * n + b - 1]; -1 where nothing fits */
} sweep;

static void lower(least_set *set, int layer, const double v[DIMS])
{
    double *least = set->least[layer];
    for (int d = 0; d < DIMS; d++)
        if (!set->has[layer] || v[d] < least[d])
            least[d] = v[d];
    set->has[layer] = 1;
}

static void take(sweep *s, const event *e)
{
    double v[DIMS] = {0};
    for (int r = 0; r < OPT_RESOURCES; r++) {
        v[r] = (double)e->way->use[r];
        for (int m = 0; m < MIXES; m++)
            v[MIX + m] += s->mix[m][r] * v[r];
    }
    for (int k = 0; k < SETS; k++)
        if (e->sets & 1u << k)
            lower(&s->set[k], e->layer, v);
}

static void prefix_sums(sweep *s)
{
    for (int k = 0; k < SETS; k++) {
        least_set *set = &s->set[k];
        for (int i = 0; i < s->n; i++) {
            for (int d = 0; d < DIMS; d++)
                set->sum[i + 1][d] = set->sum[i][d] + (set->has[i] ? set->least[i][d] : 0);
            set->missing[i + 1] = set->missing[i] + !set->has[i];
        }
    }
}

/* Run [a, b) holds layers before its last weighted layer in their FULL ways, the rest in ANY. */
static int fits(const sweep *s, int a, int b)
{
    const int w = s->last_weighted[b], split = w >= a ? w : b;
    const least_set *full = &s->set[FULL], *any = &s->set[ANY];
    if (full->missing[split] - full->missing[a] + any->missing[b] - any->missing[split] != 0)
        return 0;
    double total[DIMS];
    for (int d = 0; d < DIMS; d++)
        total[d] = full->sum[split][d] - full->sum[a][d] + any->sum[b][d] - any->sum[split][d];
    for (int r = 0; r < OPT_RESOURCES; r++)
        if (s->counted[r] && total[r] > (double)s->budget[r])
            return 0;
    for (int m = 0; m < MIXES; m++)
        if (total[MIX + m] > 1 + MIX_SLACK)
            return 0;
    return 1;
}

/* Every start reaches as far as fits at `time`; each newly reached partition's T is `time`. */
static void extend(sweep *s, double time)
{
    for (int a = 0; a < s->n; a++)
        while (s->reach[a] < s->n && fits(s, a, s->reach[a] + 1)) {
            s->reach[a]++;
            s->table[(size_t)a * (size_t)s->n + (size_t)s->reach[a] - 1] = time;
        }
}

/* What the shortest path prices a partition at. */
typedef struct pricing {
    double batch, freq_hz, reconf_s;
} pricing;

/* The shortest path over the cuts; -1 when no cut fits. */
static int shortest_cut(const sweep *s, const pricing *in, bound_cut *out)
{
    const int n = s->n;
    double *best = malloc((size_t)(n + 1) * sizeof *best);
    int *from = malloc((size_t)(n + 1) * sizeof *from);
    if (!best || !from) {
        free(best);
        free(from);
        return -1;
    }
    best[0] = 0;
    for (int b = 1; b <= n; b++) {
        best[b] = -1;
        for (int a = 0; a < b; a++) {
            const double t = s->table[(size_t)a * (size_t)n + (size_t)b - 1];
            if (t < 0 || best[a] < 0 || (a > 0 && isinf(in->reconf_s))) /* infinite: one partition only */
                continue;
            const double latency = best[a] + in->batch * t / in->freq_hz + (a > 0 ? in->reconf_s : 0);
            if (best[b] < 0 || latency < best[b]) {
                best[b] = latency;
                from[b] = a;
            }
        }
    }
    int status = best[n] < 0 ? -1 : 0;
    if (!status) {
        out->latency_s = best[n];
        out->partitions = 0;
        for (int b = n; b > 0; b = from[b])
            out->partitions++;
    }
    free(best);
    free(from);
    return status;
}

/*
 * A resource of which some way takes a negative amount (a fitted linear model may give one) is not
 * counted: a partition's sum of it could shrink as it grows, and the sweep relies on its growing.
 */
/* The mixes' weights (see MIXES), each resource's over its budget; a resource not counted or of budget 0 has none. */
static void set_mixes(sweep *s, const double weight[OPT_RESOURCES])
{
    int mixable[OPT_RESOURCES], alike = 0;
    for (int r = 0; r < OPT_RESOURCES; r++)
        alike += mixable[r] = s->budget[r] > 0 && s->counted[r];
    const int memories = mixable[OPT_BRAM] && mixable[OPT_URAM];
    for (int r = 0; r < OPT_RESOURCES; r++) {
        const double per_unit = mixable[r] ? 1 / (double)s->budget[r] : 0;
        s->mix[0][r] = weight[r] * per_unit;
        s->mix[1][r] = per_unit / (alike > 0 ? alike : 1);
        s->mix[2][r] = memories && (r == OPT_BRAM || r == OPT_URAM) ? per_unit / 2 : 0;
    }
}

static void counted_resources(const bound_ways *ways, int counted[OPT_RESOURCES])
{
    for (int r = 0; r < OPT_RESOURCES; r++)
        counted[r] = 1;
    for (int64_t k = 0; k < ways->first[ways->layer_count]; k++)
        for (int r = 0; r < OPT_RESOURCES; r++)
            counted[r] &= ways->way[k].use[r] >= 0;
}

static int set_alloc(least_set *set, int n)
{
    set->least = calloc((size_t)n, sizeof *set->least);
    set->has = calloc((size_t)n, 1);
    set->sum = calloc((size_t)n + 1, sizeof *set->sum);
    set->missing = calloc((size_t)n + 1, sizeof *set->missing);
    return set->least && set->has && set->sum && set->missing ? 0 : -1;
}

static void set_free(least_set *set)
{
    free(set->least);
    free(set->has);
    free(set->sum);
    free(set->missing);
}

/*
 * Whether a way alone takes more of a counted resource, or of the mix, than a partition may use: no
 * partition holds it (the others' counted resources add to it, none negative).
 */
static int too_large(const sweep *s, const bound_way *v)
{
    double mix[MIXES] = {0};
    for (int r = 0; r < OPT_RESOURCES; r++) {
        if (s->counted[r] && (double)v->use[r] > (double)s->budget[r])
            return 1;
        for (int m = 0; m < MIXES; m++)
            mix[m] += s->mix[m][r] * (double)v->use[r];
    }
    for (int m = 0; m < MIXES; m++)
        if (mix[m] > 1 + MIX_SLACK)
            return 1;
    return 0;
}

/*
 * The ways a partition of reloading factor in class c may hold, as events in time order: a way
 * without reloading in both sets, in a class of lo > 1 at lo times its time (it runs that often); a
 * reloading version of a factor in the class in ANY only, its time counting its reloads spread over
 * the batch (a partition's latency adds (wr - 1) x the reloading layer's weights to B x wr x its
 * interval). Ways too large for any partition are left out: otherwise one could be a layer's least
 * of one resource while it takes more than the whole of another. How many, in `out`.
 */
static int64_t events_in_order(const sweep *s, const bound_ways *ways, double batch, int c, event *out)
{
    const int64_t lo = WR_CLASSES[c].lo, hi = WR_CLASSES[c].hi;
    int64_t count = 0;
    for (int i = 0; i < ways->layer_count; i++)
        for (int64_t k = ways->first[i]; k < ways->first[i + 1]; k++) {
            const bound_way *v = &ways->way[k];
            if (too_large(s, v))
                continue;
            if (v->wr == 1)
                out[count++] = (event){(double)lo * v->time, i, 1u << FULL | 1u << ANY, v};
            else if (v->wr >= lo && v->wr <= hi)
                out[count++] = (event){v->time + v->reload / batch, i, 1u << ANY, v};
        }
    qsort(out, (size_t)count, sizeof *out, by_time);
    return count;
}

/* Fills the table: each run's shortest time over `count` events. */
static void sweep_events(sweep *s, const bound_ways *ways, const event *events, int64_t count)
{
    const int n = s->n;
    s->last_weighted[0] = -1;
    for (int i = 0; i < n; i++) {
        s->last_weighted[i + 1] = ways->weighted[i] ? i : s->last_weighted[i];
        s->reach[i] = i;
        for (int k = 0; k < SETS; k++)
            s->set[k].has[i] = ways->first[i] == ways->first[i + 1]; /* a layer without ways counts nothing */
    }
    for (size_t k = 0; k < (size_t)n * (size_t)n; k++)
        s->table[k] = -1;
    prefix_sums(s);
    extend(s, 0); /* runs of layers that count nothing take no time */
    for (int64_t k = 0; k < count;) {
        const double time = events[k].time;
        for (; k < count && events[k].time == time; k++)
            take(s, &events[k]);
        prefix_sums(s);
        extend(s, time);
    }
}

int bound_cuts(const bound_ways *ways, const int64_t budget[OPT_RESOURCES], const double weight[OPT_RESOURCES],
               double batch, double freq_hz, double reconf_s, bound_cut *out)
{
    const int n = ways->layer_count;
    if (n < 1 || n > MAX_LAYERS)
        return -1;
    sweep s = {.n = n, .budget = budget};
    counted_resources(ways, s.counted);
    set_mixes(&s, weight);
    const int64_t count = ways->first[n];
    event *events = malloc((size_t)(count > 0 ? count : 1) * sizeof *events);
    const int ready = set_alloc(&s.set[FULL], n) == 0 && set_alloc(&s.set[ANY], n) == 0;
    s.last_weighted = malloc(((size_t)n + 1) * sizeof *s.last_weighted);
    s.reach = malloc((size_t)n * sizeof *s.reach);
    s.table = malloc((size_t)n * (size_t)n * sizeof *s.table);
    double *least = malloc((size_t)n * (size_t)n * sizeof *least);
    int status = -1;
    if (events && ready && s.last_weighted && s.reach && s.table && least) {
        for (int c = 0; c < WR_CLASS_COUNT; c++) {
            sweep_events(&s, ways, events, events_in_order(&s, ways, batch, c, events));
            for (size_t k = 0; k < (size_t)n * (size_t)n; k++)
                if (c == 0 || (s.table[k] >= 0 && (least[k] < 0 || s.table[k] < least[k])))
                    least[k] = s.table[k];
        }
        double *swap = s.table;
        s.table = least;
        least = swap;
        const pricing price = {batch, freq_hz, reconf_s};
        status = shortest_cut(&s, &price, out);
    }
    free(least);
    free(events);
    set_free(&s.set[FULL]);
    set_free(&s.set[ANY]);
    free(s.last_weighted);
    free(s.reach);
    free(s.table);
    return status;
}
