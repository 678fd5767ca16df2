/*
 * The greedy pass's first step: from the smallest design (each layer, or block, its own partition),
 * merge neighbours left to right while the merged partition fits at folding 1 and the network is no
 * slower. Merging one partition at a time, shifting every later partition and summing the growing
 * one again each time, cost the square of the layers (issue 14). Here the design is built in
 * s->cand from the left: partitions 0..open-1 are closed, `open` grows, and the rest are still the
 * smallest design's (s->cur's, untouched until the end), whose summaries are read where they are.
 * The open partition is summed through the chain tree where it is a chain, so a merge costs its new
 * layers and one pass over the partitions' latencies (the network's latency is their sum in order,
 * added up exactly as opt_design_totals does). The designs accepted are the one-at-a-time merges',
 * bit for bit (tests/test_optimise_chain.c compares the two).
 */
#include "optimise.h"

typedef struct packing {
    opt_search *s;
    const opt_design *src; /* the smallest design */
    opt_design *d;         /* partitions 0..open: the design being built */
    opt_chain *c;          /* holds the open partition; NULL where it is not a chain */
    int open, next;        /* next: src's first partition not yet merged or closed */
    double latency;        /* the network's latency, as accepted last */
} packing;

/*
 * The latency and misfits of d's partitions 0..open (the open one merged with src's `next`) followed
 * by src's after `next`, as opt_design_totals sums them.
 */
static double pack_latency(const packing *k, int *misfits)
{
    const int parts = k->open + 1 + k->src->partition_count - (k->next + 1);
    double latency = (parts - 1) * k->s->pb->eval.reconf_time_s;
    *misfits = 0;
    for (int q = 0; q <= k->open; q++) {
        latency += k->d->summary[q].latency_s;
        *misfits += !k->d->fits[q];
    }
    for (int q = k->next + 1; q < k->src->partition_count; q++) {
        latency += k->src->summary[q].latency_s;
        *misfits += !k->src->fits[q];
    }
    return latency;
}

/* Makes src's partition `next` the open partition of d, as it is in src. */
static void open_next(packing *k)
{
    opt_design *d = k->d;
    const opt_design *src = k->src;
    const int q = k->next++, p = k->open, s = src->start[q], e = src->start[q + 1];
    d->start[p] = s;
    d->start[p + 1] = e;
    d->wr[p] = src->wr[q];
    d->summary[p] = src->summary[q];
    d->fits[p] = src->fits[q];
    opt_design_copy_layers(d, src, s, e);
    k->c = !k->s->walk_only && opt_chain_load(&k->s->chain, d, k->s->pb, p) ? &k->s->chain : NULL;
}

/* Whether weights reloading (layer w, factor wr) divides any of layers s..e-1. */
static int divides(int w, int64_t wr, int e)
{
    return w >= 0 && w < e && wr > 1;
}

/*
 * Merges src's partition `next` into the open partition, with opt_move_merge's weights reloading (the
 * factor of whichever part's wr layer the merged partition keeps, the later part's first; else 1).
 * Keeps it if the design fits and is no slower; 1 if kept, else the open partition is as it was.
 */
static int absorb_next(packing *k)
{
    opt_design *d = k->d;
    const opt_design *src = k->src;
    opt_problem *pb = k->s->pb;
    const int p = k->open, s = d->start[p], e = d->start[p + 1], t = src->start[k->next + 1];
    const int w_before = opt_wr_layer(pb, s, e), w_next = opt_wr_layer(pb, e, t), w = opt_wr_layer(pb, s, t);
    const int64_t wr_before = d->wr[p];
    const int64_t wr = w >= 0 && w == w_next ? src->wr[k->next] : w >= 0 && w == w_before ? wr_before : 1;
    /* p's own layers keep their dims unless the weights reloading dividing them changed */
    const int keep = (w == w_before && wr == wr_before) || (!divides(w_before, wr_before, e) && !divides(w, wr, e));
    const fcn_partition_figures summary = d->summary[p];
    const unsigned char fits = d->fits[p];
    opt_design_copy_layers(d, src, e, t);
    d->start[p + 1] = t;
    d->wr[p] = wr;
    opt_design_materialise(d, pb, p, w, keep ? e : s, t);
    if (k->c) {
        opt_chain_resize(k->c, d, pb, t);
        for (int i = s; i < e && !keep; i++)
            opt_chain_update(k->c, d, pb, i);
    }
    opt_design_sum(d, pb, p, k->c);
    k->s->iterations++;
    int misfits;
    const double latency = pack_latency(k, &misfits);
    if (misfits == 0 && latency <= k->latency) {
        k->latency = latency;
        k->next++;
        return 1;
    }
    d->start[p + 1] = e;
    d->wr[p] = wr_before;
    if (!keep)
        opt_design_materialise(d, pb, p, w_before, s, e);
    d->summary[p] = summary;
    d->fits[p] = fits;
    return 0;
}

void opt_pack(opt_search *s)
{
    opt_design *d = &s->cand;
    const opt_design *src = &s->cur;
    packing k = {s, src, d, NULL, 0, 0, src->latency_s};
    d->ports = src->ports;
    open_next(&k);
    while (k.next < src->partition_count && !opt_search_should_stop(s))
        if (!absorb_next(&k)) {
            k.open++;
            open_next(&k);
        }
    while (k.next < src->partition_count) { /* stopped: the rest as they are */
        k.open++;
        open_next(&k);
    }
    d->partition_count = k.open + 1;
    opt_design_totals(d, s->pb);
    opt_design_copy(&s->cur, d, s->pb);
}
