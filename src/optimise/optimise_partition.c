/*
 * Partitioning by dynamic programming over cut points (issue 14): the
 * greedy pass's merging packs neighbours left to right, which on deep
 * networks can leave many small partitions. Here every run of layers that
 * fits is priced as a partition of its own (the smallest weights-reloading
 * factor that fits at folding 1, then its foldings raised bottleneck first,
 * as the greedy pass does), and the cuts whose partitions' latencies and
 * reconfigurations sum to the least are kept. Latencies of separate
 * partitions add up (MODEL.md §5), so the best set of cuts is a shortest
 * path over the cut points. Long networks are cut only at evenly spread
 * points, few enough that the pricing's cost stops growing with the layers.
 */
#include <stdlib.h>

#include "optimise.h"

/* Cut points priced at most: past this many, evenly spread ones (the cost grows with their square). */
#define MAX_CUT_POINTS 256
/*
 * Where every run fits, pricing m cut points over n layers refolds about m^2 n / 6 layers: at most
 * this many m^2 n, so that the cost stops growing with the network (issue 14). Every network of up to
 * 160 layers keeps all its cut points; 1,000 layers get 64, 4,000 get 32.
 */
#define CUT_WORK ((int64_t)1 << 22)
#define MIN_CUT_POINTS 16

/* Every cut point 0..n, or as many as the limits above allow, evenly, with the first and last. */
static int cut_points(int n, int *out)
{
    int count = n + 1 <= MAX_CUT_POINTS ? n + 1 : MAX_CUT_POINTS;
    while (count > MIN_CUT_POINTS && (int64_t)count * count * n > CUT_WORK)
        count--;
    for (int k = 0; k < count; k++)
        out[k] = (int)((int64_t)k * n / (count - 1));
    return count;
}

/* Lays d out as partitions at the given cuts, each with the largest weights-reloading factor, folding 1. */
static void lay_out(opt_design *d, opt_problem *pb, const int *cuts, int parts, int64_t ports)
{
    d->partition_count = parts;
    d->ports = ports;
    for (int p = 0; p <= parts; p++)
        d->start[p] = cuts[p];
    for (int i = 0; i < pb->layer_count; i++)
        d->fold[i] = OPT_FOLD_ONE;
    for (int p = 0; p < parts; p++)
        d->wr[p] = opt_max_wr(pb, opt_wr_layer(pb, d->start[p], d->start[p + 1]));
    opt_design_refresh_all(d, pb);
}

/* Lowers partition p's reloading factor while it fits at folding 1, then raises its foldings. */
static void settle(opt_search *s, opt_design *d, int p)
{
    for (int64_t wr; d->fits[p] && (wr = opt_wr_step(d, s->pb, p, -1)) > 0;) {
        opt_touch t;
        const int64_t before = d->wr[p];
        opt_move_wr(d, s->pb, p, wr, &t);
        opt_design_refresh(d, s->pb, &t);
        if (!d->fits[p]) {
            opt_move_wr(d, s->pb, p, before, &t);
            opt_design_refresh(d, s->pb, &t);
            break;
        }
    }
    opt_fold_up(s, d, p);
}

/*
 * Lays out layers a..b-1 as partition p of d (the largest weights-reloading factor, folding 1), cut
 * there from the rest: only that partition's layers and sums are derived, since its price is all
 * that is read (the other partitions' entries, and the network's totals, are left as they were).
 */
static int lay_out_run(opt_design *d, opt_problem *pb, int a, int b, int64_t ports)
{
    const int n = pb->layer_count, p = a > 0;
    d->partition_count = p + 1 + (b < n);
    d->ports = ports;
    d->start[0] = 0;
    d->start[p] = a;
    d->start[p + 1] = b;
    d->start[d->partition_count] = n;
    const int w = opt_wr_layer(pb, a, b);
    d->wr[p] = opt_max_wr(pb, w);
    for (int i = a; i < b; i++)
        d->fold[i] = OPT_FOLD_ONE;
    opt_design_materialise(d, pb, p, w, a, b);
    opt_design_sum(d, pb, p, NULL);
    return p;
}

/* The latency of the layers from a to b as one partition, or -1 if they do not fit; `wr` its factor. */
static double price(opt_search *s, opt_design *d, int a, int b, int64_t *wr)
{
    const int p = lay_out_run(d, s->pb, a, b, s->cur.ports);
    if (!d->fits[p])
        return -1;
    settle(s, d, p);
    *wr = d->wr[p];
    return d->fits[p] ? d->summary[p].latency_s : -1;
}

/*
 * Prices every run between cut points and lays the cheapest cuts out in s->cand with their
 * foldings raised; takes it into cur if its latency is shorter. 1 if taken.
 */
int opt_partition_dp(opt_search *s)
{
    opt_problem *pb = s->pb;
    const int n = pb->layer_count;
    if (pb->one_partition || n < 2)
        return 0;
    int *b = malloc(((size_t)n + 1) * sizeof *b); /* the cut points */
    int m = b ? cut_points(n, b) : -1;
    double *best = m > 0 ? malloc((size_t)m * sizeof *best) : NULL;
    int *from = m > 0 ? malloc((size_t)m * sizeof *from) : NULL;
    int taken = 0;
    if (!best || !from)
        goto done;
    best[0] = 0;
    for (int j = 1; j < m; j++) {
        best[j] = -1;
        for (int i = j - 1; i >= 0 && !opt_search_should_stop(s); i--) {
            int64_t wr;
            if (best[i] < 0)
                continue;
            s->iterations++;
            const double cost = price(s, &s->cand, b[i], b[j], &wr);
            if (cost < 0)
                break; /* a longer run fits no better */
            const double total = best[i] + cost + (i > 0 ? pb->eval.reconf_time_s : 0);
            if (best[j] < 0 || total < best[j]) {
                best[j] = total;
                from[j] = i;
            }
        }
        if (s->stopped)
            goto done;
    }
    if (best[m - 1] < 0)
        goto done;
    int cuts_count = 0;
    for (int j = m - 1; j > 0; j = from[j])
        cuts_count++;
    int *cuts = malloc(((size_t)cuts_count + 1) * sizeof *cuts);
    if (!cuts)
        goto done;
    cuts[cuts_count] = n;
    for (int j = m - 1, k = cuts_count; j > 0; j = from[j])
        cuts[--k] = b[from[j]];
    opt_design *d = &s->cand;
    lay_out(d, pb, cuts, cuts_count, s->cur.ports);
    free(cuts);
    for (int p = 0; p < d->partition_count && !s->stopped; p++)
        settle(s, d, p);
    if (!s->stopped && d->misfits == 0 && d->latency_s < s->cur.latency_s) {
        opt_design_copy(&s->cur, d, pb);
        opt_search_note(s);
        taken = 1;
    }
done:
    opt_design_copy(&s->cand, &s->cur, pb);
    free(b);
    free(best);
    free(from);
    return taken;
}
