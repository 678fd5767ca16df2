/*
 * A design and its figures, kept layer by layer so that a move re-evaluates
 * only the layers whose parameters it changed, then sums its partitions again
 * with fcn_partition_summary_cached.
 */
#include <stdlib.h>
#include <string.h>

#include "optimise.h"

int64_t opt_divisor_at_most(int64_t n, int64_t limit)
{
    if (limit >= n)
        return n;
    for (int64_t f = limit; f > 1; f--)
        if (n % f == 0)
            return f;
    return 1;
}

int opt_design_alloc(opt_design *d, const opt_problem *pb)
{
    size_t n = (size_t)pb->layer_count + 1;
    *d = (opt_design){0};
    d->start = calloc(n + 1, sizeof *d->start);
    d->wr = calloc(n, sizeof *d->wr);
    d->fold = calloc(n, sizeof *d->fold);
    d->layer = calloc(n, sizeof *d->layer);
    d->figures = calloc(n, sizeof *d->figures);
    d->summary = calloc(n, sizeof *d->summary);
    d->fits = calloc(n, sizeof *d->fits);
    d->placed = calloc(n, sizeof *d->placed);
    if (!d->start || !d->wr || !d->fold || !d->layer || !d->figures || !d->summary || !d->fits || !d->placed) {
        opt_design_free(d);
        return -1;
    }
    return 0;
}

void opt_design_free(opt_design *d)
{
    free(d->start);
    free(d->wr);
    free(d->fold);
    free(d->layer);
    free(d->figures);
    free(d->summary);
    free(d->fits);
    free(d->placed);
    *d = (opt_design){0};
}

static void copy_partitions(opt_design *to, const opt_design *from, int lo, int hi)
{
    size_t n = (size_t)(hi - lo);
    memcpy(&to->wr[lo], &from->wr[lo], n * sizeof *to->wr);
    memcpy(&to->summary[lo], &from->summary[lo], n * sizeof *to->summary);
    memcpy(&to->fits[lo], &from->fits[lo], n * sizeof *to->fits);
}

void opt_design_copy_layers(opt_design *to, const opt_design *from, int lo, int hi)
{
    size_t n = (size_t)(hi - lo);
    memcpy(&to->fold[lo], &from->fold[lo], n * sizeof *to->fold);
    memcpy(&to->layer[lo], &from->layer[lo], n * sizeof *to->layer);
    memcpy(&to->figures[lo], &from->figures[lo], n * sizeof *to->figures);
    memcpy(&to->placed[lo], &from->placed[lo], n * sizeof *to->placed);
}

static void copy_structure(opt_design *to, const opt_design *from)
{
    to->partition_count = from->partition_count;
    to->ports = from->ports;
    memcpy(to->start, from->start, (size_t)(from->partition_count + 1) * sizeof *to->start);
    copy_partitions(to, from, 0, from->partition_count);
}

void opt_design_copy(opt_design *to, const opt_design *from, const opt_problem *pb)
{
    copy_structure(to, from);
    opt_design_copy_layers(to, from, 0, pb->layer_count);
    to->latency_s = from->latency_s;
    to->misfits = from->misfits;
}

void opt_design_sync(opt_design *to, const opt_design *from, const opt_touch *t)
{
    if (t->structure)
        copy_structure(to, from);
    else if (t->part_hi > t->part_lo)
        copy_partitions(to, from, t->part_lo, t->part_hi);
    if (t->layer_hi > t->layer_lo)
        opt_design_copy_layers(to, from, t->layer_lo, t->layer_hi);
    to->latency_s = from->latency_s;
    to->misfits = from->misfits;
}

int opt_partition_of(const opt_design *d, int i)
{
    int lo = 0, hi = d->partition_count - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (d->start[mid] <= i)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* Only these differ between the versions of one model layer that a design can hold. */
static int same_parameters(const fcn_layer *a, const fcn_layer *b)
{
    return a->type == b->type && a->channels == b->channels && a->filters == b->filters &&
           a->coarse_in == b->coarse_in && a->coarse_out == b->coarse_out && a->coarse_group == b->coarse_group &&
           a->fine == b->fine;
}

/* The folding, made feasible for the layer's dims in its partition (weights reloading shrinks them). */
static void apply_fold(fcn_layer *l, opt_fold *f)
{
    switch (l->type) {
    case FCN_CONVOLUTION:
        f->coarse_group = opt_divisor_at_most(l->groups, f->coarse_group);
        f->coarse_in = opt_divisor_at_most(l->channels / f->coarse_group, f->coarse_in);
        f->coarse_out = opt_divisor_at_most(l->filters / f->coarse_group, f->coarse_out);
        break;
    case FCN_INNER_PRODUCT:
        f->coarse_group = f->fine = 1;
        f->coarse_in = opt_divisor_at_most(l->channels, f->coarse_in);
        f->coarse_out = opt_divisor_at_most(l->filters, f->coarse_out);
        break;
    default:
        f->coarse_group = f->fine = 1;
        f->coarse_in = f->coarse_out = opt_divisor_at_most(opt_coarse_in_span(l), f->coarse_in);
        break;
    }
    l->coarse_in = f->coarse_in;
    l->coarse_out = f->coarse_out;
    l->coarse_group = f->coarse_group;
    l->fine = f->fine;
}

/*
 * Where a weighted layer's weights live, on a board with URAM (docs/MODEL-WIDTHS.md): where `place`
 * says, or by the rule: in URAM when the share of the board's URAM they take is no larger than the
 * share of its BRAM they free, else in BRAM, so that neither memory runs out first for want of using
 * the other. Both placements are the model's own figures. A board without URAM keeps every weight in
 * BRAM.
 */
static void evaluate_placed(fcn_layer *l, fcn_layer_figures *f, opt_problem *pb, int64_t place)
{
    const int weighted = l->type == FCN_CONVOLUTION || l->type == FCN_INNER_PRODUCT;
    const int may_use_uram = weighted && pb->have[OPT_URAM] > 0;
    l->use_uram = may_use_uram && place == OPT_PLACE_URAM;
    fcn_layer_evaluate(l, f);
    pb->layer_evaluations++;
    if (!may_use_uram || place != OPT_PLACE_AUTO || f->resource.bram <= 0)
        return;
    fcn_layer_figures in_uram;
    l->use_uram = 1;
    fcn_layer_evaluate(l, &in_uram);
    pb->layer_evaluations++;
    const double freed = (double)(f->resource.bram - in_uram.resource.bram);
    if ((double)in_uram.resource.uram * (double)pb->have[OPT_BRAM] <= freed * (double)pb->have[OPT_URAM])
        *f = in_uram;
    else
        l->use_uram = 0;
}

int opt_placements(const opt_problem *pb, int i, int64_t places[2])
{
    const fcn_layer_type type = pb->model[i].type;
    if ((type != FCN_CONVOLUTION && type != FCN_INNER_PRODUCT) || pb->have[OPT_URAM] <= 0) {
        places[0] = OPT_PLACE_AUTO;
        return 1;
    }
    places[0] = OPT_PLACE_BRAM;
    places[1] = OPT_PLACE_URAM;
    return 2;
}

/* Weights reloading divides the wr layer's filters and the channels of the chain that follows it to the output. */
static void materialise(opt_design *d, opt_problem *pb, int i, int w, int64_t wr)
{
    fcn_layer l = pb->model[i];
    if (w >= 0 && wr > 1) {
        if (i == w)
            l.filters /= wr;
        else if (i > w)
            l.channels /= wr;
    }
    apply_fold(&l, &d->fold[i]);
    if (same_parameters(&l, &d->layer[i]) && d->placed[i] == d->fold[i].place)
        return;
    evaluate_placed(&l, &d->figures[i], pb, d->fold[i].place);
    d->layer[i] = l;
    d->placed[i] = (unsigned char)d->fold[i].place;
}

static void summarise(opt_design *d, opt_problem *pb, int p)
{
    const int s = d->start[p], e = d->start[p + 1], w = opt_wr_layer(pb, s, e);
    pb->layers_summed += e - s;
    fcn_partition view = {.id = p, .ports = d->ports, .batch_size = pb->eval.batch_size, .wr_factor = d->wr[p],
                          .wr_layer = w >= 0 ? pb->model[w].name : NULL, .layer_count = e - s,
                          .layers = &d->layer[s]};
    fcn_partition_summary_cached(&view, &d->figures[s], &pb->eval, &d->summary[p]);
    d->fits[p] = (unsigned char)opt_partition_fits(pb, &d->summary[p]);
}

void opt_design_totals(opt_design *d, const opt_problem *pb)
{
    double latency = (d->partition_count - 1) * pb->eval.reconf_time_s;
    int misfits = 0;
    for (int p = 0; p < d->partition_count; p++) {
        latency += d->summary[p].latency_s;
        misfits += !d->fits[p];
    }
    d->latency_s = latency;
    d->misfits = misfits;
}

void opt_design_materialise(opt_design *d, opt_problem *pb, int p, int w, int lo, int hi)
{
    for (int i = lo; i < hi; i++)
        materialise(d, pb, i, w, d->wr[p]);
}

void opt_design_sum(opt_design *d, opt_problem *pb, int p, const opt_chain *c)
{
    if (c && c->p == p && opt_chain_valid(c)) {
        opt_chain_summary(c, d, pb, &d->summary[p]);
        d->fits[p] = (unsigned char)opt_partition_fits(pb, &d->summary[p]);
    } else {
        summarise(d, pb, p);
    }
}

void opt_design_settle(opt_design *d, opt_problem *pb, int p, const opt_chain *c)
{
    opt_design_sum(d, pb, p, c);
    opt_design_totals(d, pb);
}

void opt_design_refresh(opt_design *d, opt_problem *pb, const opt_touch *t)
{
    if (t->layer_hi > t->layer_lo) {
        for (int p = opt_partition_of(d, t->layer_lo); p < d->partition_count && d->start[p] < t->layer_hi; p++) {
            const int s = d->start[p], e = d->start[p + 1];
            const int lo = s > t->layer_lo ? s : t->layer_lo, hi = e < t->layer_hi ? e : t->layer_hi;
            opt_design_materialise(d, pb, p, opt_wr_layer(pb, s, e), lo, hi);
        }
    }
    for (int p = t->part_lo; p < t->part_hi; p++)
        summarise(d, pb, p);
    opt_design_totals(d, pb);
}

opt_touch opt_touch_all(const opt_design *d, const opt_problem *pb)
{
    return (opt_touch){0, pb->layer_count, 0, d->partition_count, 1};
}

void opt_design_refresh_all(opt_design *d, opt_problem *pb)
{
    opt_touch all = opt_touch_all(d, pb);
    opt_design_refresh(d, pb, &all);
}
