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
 * when a > 0).
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
    const int64_t *use;
} event;

static int by_time(const void *a, const void *b)
{
    const double x = ((const event *)a)->time, y = ((const event *)b)->time;
    return (x > y) - (x < y);
}

/*
 * Each partition's resources: the five, and the mix of them the area-time term weighs (§4): for
 * weights w of sum 1, sum_r w_r x resource r / budget r is at most 1 in any partition that fits.
 */
#define MIX OPT_RESOURCES
#define DIMS (OPT_RESOURCES + 1)
/* The mix is a sum of fractions: rounding must never refuse a partition that fits. */
#define MIX_SLACK 1e-9

/* What the sweep keeps: each layer's least resources so far, their prefix sums, each start's reach. */
typedef struct sweep {
    int n;
    const int64_t *budget;
    const double *mix;               /* the mix's weight of each resource, over its budget */
    int counted[OPT_RESOURCES];      /* no way takes a negative amount of it (§4) */
    double (*least)[DIMS];           /* [n] */
    unsigned char *has;              /* [n]: some way of the layer is within the time */
    double (*sum)[DIMS];             /* [n + 1]: over layers before i */
    int *missing;                    /* [n + 1]: layers before i without a way yet */
    int *reach;                      /* [n]: the largest b with [a, b) found to fit */
    double *table;                   /* [n * n]: T(a, b) at [a * n + b - 1]; -1 where nothing fits */
} sweep;

static void take(sweep *s, const event *e)
{
    double *least = s->least[e->layer];
    for (int r = 0; r < OPT_RESOURCES; r++)
        if (!s->has[e->layer] || (double)e->use[r] < least[r])
            least[r] = (double)e->use[r];
    double mix = 0;
    for (int r = 0; r < OPT_RESOURCES; r++)
        mix += s->mix[r] * (double)e->use[r];
    if (!s->has[e->layer] || mix < least[MIX])
        least[MIX] = mix;
    s->has[e->layer] = 1;
}

static void prefix_sums(sweep *s)
{
    for (int i = 0; i < s->n; i++) {
        for (int r = 0; r < DIMS; r++)
            s->sum[i + 1][r] = s->sum[i][r] + (s->has[i] ? s->least[i][r] : 0);
        s->missing[i + 1] = s->missing[i] + !s->has[i];
    }
}

static int fits(const sweep *s, int a, int b)
{
    if (s->missing[b] != s->missing[a])
        return 0;
    for (int r = 0; r < OPT_RESOURCES; r++)
        if (s->counted[r] && s->sum[b][r] - s->sum[a][r] > (double)s->budget[r])
            return 0;
    return s->sum[b][MIX] - s->sum[a][MIX] <= 1 + MIX_SLACK;
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
static void counted_resources(const bound_ways *ways, int counted[OPT_RESOURCES])
{
    for (int r = 0; r < OPT_RESOURCES; r++)
        counted[r] = 1;
    for (int64_t k = 0; k < ways->first[ways->layer_count]; k++)
        for (int r = 0; r < OPT_RESOURCES; r++)
            counted[r] &= ways->way[k].use[r] >= 0;
}

int bound_cuts(const bound_ways *ways, const int64_t budget[OPT_RESOURCES], const double weight[OPT_RESOURCES],
               double batch, double freq_hz, double reconf_s, bound_cut *out)
{
    const int n = ways->layer_count;
    if (n < 1 || n > MAX_LAYERS)
        return -1;
    const int64_t count = ways->first[n];
    event *events = malloc((size_t)(count > 0 ? count : 1) * sizeof *events);
    double mix[OPT_RESOURCES];
    sweep s = {.n = n, .budget = budget, .mix = mix};
    counted_resources(ways, s.counted);
    for (int r = 0; r < OPT_RESOURCES; r++)
        mix[r] = budget[r] > 0 && s.counted[r] ? weight[r] / (double)budget[r] : 0;
    s.least = calloc((size_t)n, sizeof *s.least);
    s.has = calloc((size_t)n, 1);
    s.sum = calloc((size_t)n + 1, sizeof *s.sum);
    s.missing = calloc((size_t)n + 1, sizeof *s.missing);
    s.reach = malloc((size_t)n * sizeof *s.reach);
    s.table = malloc((size_t)n * (size_t)n * sizeof *s.table);
    int status = -1;
    if (events && s.least && s.has && s.sum && s.missing && s.reach && s.table) {
        for (size_t k = 0; k < (size_t)n * (size_t)n; k++)
            s.table[k] = -1;
        for (int i = 0; i < n; i++) {
            s.has[i] = ways->first[i] == ways->first[i + 1]; /* a layer without ways counts nothing */
            s.reach[i] = i;
            for (int64_t k = ways->first[i]; k < ways->first[i + 1]; k++)
                events[k] = (event){ways->way[k].time, i, ways->way[k].use};
        }
        qsort(events, (size_t)count, sizeof *events, by_time);
        prefix_sums(&s);
        extend(&s, 0); /* runs of layers that count nothing take no time */
        for (int64_t k = 0; k < count;) {
            const double time = events[k].time;
            for (; k < count && events[k].time == time; k++)
                take(&s, &events[k]);
            prefix_sums(&s);
            extend(&s, time);
        }
        const pricing price = {batch, freq_hz, reconf_s};
        status = shortest_cut(&s, &price, out);
    }
    free(events);
    free(s.least);
    free(s.has);
    free(s.sum);
    free(s.missing);
    free(s.reach);
    free(s.table);
    return status;
}
