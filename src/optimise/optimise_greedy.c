/*
 * The rule-based optimiser, after SAMO's: in each partition, raise the folding
 * of the bottleneck layer (the one whose latency sets the interval; for a
 * squeeze, one of its two neighbours) one step at a time while the partition
 * fits. Around that, from the smallest design:
 * merge neighbours while the merged partition fits, then try every merge,
 * weights-reloading step, boundary shift, split and port count, each with its
 * partitions' foldings raised again from 1, keeping what shortens the latency.
 */
#include "layers.h"
#include "optimise.h"

/* Fractional resource growth that counts as free, so a step that costs nothing is not divided by zero. */
#define FREE_GROWTH 1e-4
#define MAX_FOLD_STEPS 100000

/* What trying a folding on one layer changes, to put it back. */
typedef struct layer_undo {
    int layer, partition;
    opt_fold fold;
    fcn_layer copy;
    fcn_layer_figures figures;
    fcn_partition_figures summary;
    unsigned char fits;
    double latency_s;
    int misfits;
} layer_undo;

static void save(const opt_design *d, int i, int p, layer_undo *u)
{
    *u = (layer_undo){i, p, d->fold[i], d->layer[i], d->figures[i], d->summary[p], d->fits[p], d->latency_s,
                      d->misfits};
}

static void undo(opt_design *d, const layer_undo *u)
{
    d->fold[u->layer] = u->fold;
    d->layer[u->layer] = u->copy;
    d->figures[u->layer] = u->figures;
    d->summary[u->partition] = u->summary;
    d->fits[u->partition] = u->fits;
    d->latency_s = u->latency_s;
    d->misfits = u->misfits;
}

/*
 * What sets a partition's interval: layer a, or the squeeze the model inserts between layers a and b
 * whose streams differ (a = -1: at input port `port` of b, from memory; b = -1: at a's output to memory).
 */
typedef enum { LAYER, SQUEEZE } element_kind;
typedef struct element {
    element_kind kind;
    int a, b, port;
} element;

/* The streams a memory port carries per tensor: partition.c's ports x 64-bit ports / 16-bit words. */
#define STREAMS_PER_PORT 4

/* The streams of a tensor of `channels` through memory, for a layer side with `streams` streams. */
static int64_t memory_streams(const opt_design *d, int64_t channels, int64_t streams)
{
    const int64_t limit = d->ports * STREAMS_PER_PORT;
    return opt_divisor_at_most(channels, streams < limit ? streams : limit);
}

/* A squeeze's latency where the streams differ; none where they do not. */
static double squeeze_between(int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t from, int64_t to)
{
    return from == to ? 0 : squeeze_latency(rows * cols * depth * channels, from, to);
}

/* Which output port of layer a feeds input port `port` of layer b: a's readers come in network order. */
static int producer_port(const opt_design *d, int a, int b, int port)
{
    int q = 0;
    for (int j = a + 1; j <= b; j++)
        for (int p = 0; p < (j == b ? port : d->layer[j].ports_in); p++)
            q += j - fcn_layer_input(&d->layer[j], p) == a;
    return q;
}

/* The channels on output port q of layer a (only a CHOP's ports differ). */
static int64_t output_channels(const opt_design *d, int a, int q)
{
    return fcn_layer_output_channels(&d->layer[a], q, d->figures[a].channels_out);
}

static double element_latency(const opt_design *d, const element *e)
{
    if (e->kind == LAYER)
        return d->figures[e->a].latency;
    if (e->a < 0) {
        const fcn_layer *l = &d->layer[e->b];
        const int64_t channels = fcn_layer_port_channels(l, e->port), to = d->figures[e->b].streams_in;
        return squeeze_between(layer_port_rows(l, e->port), layer_port_cols(l, e->port),
                               layer_port_depth(l, e->port), channels,
                               memory_streams(d, channels, to), to);
    }
    const fcn_layer_figures *f = &d->figures[e->a];
    /* An inner squeeze carries port `port` of its consumer; an output squeeze output port `port` of its producer. */
    const int q = e->b < 0 ? e->port : d->layer[e->a].type == FCN_CHOP ? producer_port(d, e->a, e->b, e->port) : 0;
    const int64_t channels = output_channels(d, e->a, q);
    const int64_t to = e->b >= 0 ? d->figures[e->b].streams_in : memory_streams(d, channels, f->streams_out);
    return squeeze_between(f->rows_out, f->cols_out, f->depth_out, channels, f->streams_out, to);
}

/* Counts the elements of partition p in the order partition.c adds them, until the target'th. */
typedef struct element_walk {
    int k, target, found;
    element hit;
} element_walk;

static void count_element(element_walk *w, element e)
{
    if (!w->found && w->k++ == w->target) {
        w->hit = e;
        w->found = 1;
    }
}

/* Layer i's input squeezes (per port, from a layer of the partition or from memory), then the layer. */
static void count_inputs(const opt_design *d, int s, int i, element_walk *w)
{
    const fcn_layer *l = &d->layer[i];
    const int64_t streams = d->figures[i].streams_in;
    for (int port = 0; port < l->ports_in; port++) {
        const int back = fcn_layer_input(l, port);
        if (back > 0 && back <= i - s) {
            if (d->figures[i - back].streams_out != streams)
                count_element(w, (element){SQUEEZE, i - back, i, port});
        } else if (memory_streams(d, fcn_layer_port_channels(l, port), streams) != streams) {
            count_element(w, (element){SQUEEZE, -1, i, port});
        }
    }
    count_element(w, (element){LAYER, i, -1, 0});
}

/* Layer i's output ports that no later layer of the partition reads, squeezed on their way to memory. */
static void count_outputs(const opt_design *d, const opt_problem *pb, int e, int i, element_walk *w)
{
    const fcn_layer_figures *f = &d->figures[i];
    for (int q = opt_inner_consumers(pb, i, e); q < d->layer[i].ports_out; q++)
        if (memory_streams(d, output_channels(d, i, q), f->streams_out) != f->streams_out)
            count_element(w, (element){SQUEEZE, i, -1, q});
}

/*
 * The slowest layer or squeeze of partition p: the summary's bottleneck counts the squeezes the
 * model inserts, found here as fcn_partition_summary_cached inserts them.
 */
static element bottleneck(const opt_design *d, const opt_problem *pb, int p)
{
    const int s = d->start[p], e = d->start[p + 1];
    element_walk w = {0, d->summary[p].bottleneck, 0, {LAYER, e - 1, -1, 0}};
    for (int i = s; i < e && !w.found; i++) {
        count_inputs(d, s, i, &w);
        count_outputs(d, pb, e, i, &w);
    }
    return w.hit;
}

/* The growth of the partition's resources, as fractions of what it may use, summed. */
static double growth(const opt_problem *pb, const fcn_resource *before, const fcn_resource *after)
{
    const double delta[OPT_RESOURCES] = {(double)(after->lut - before->lut), (double)(after->ff - before->ff),
                                         (double)(after->dsp - before->dsp), (double)(after->bram - before->bram),
                                         (double)(after->uram - before->uram)};
    double sum = 0;
    for (int r = 0; r < OPT_RESOURCES; r++)
        if (delta[r] > 0)
            sum += pb->limit[r] > 0 ? delta[r] / pb->limit[r] : 1;
    return sum;
}

/* Applies the steps up of layer i's parameters in `mask`; -1 (nothing changed) if one has no step up. */
static int apply_steps(opt_design *d, opt_problem *pb, int i, const int *params, int count, int mask)
{
    int64_t value[4];
    for (int k = 0; k < count; k++)
        if (mask & (1 << k) && !(value[k] = opt_fold_step(d, pb, i, params[k], 1)))
            return -1;
    for (int k = 0; k < count; k++)
        if (mask & (1 << k))
            opt_fold_set(d, i, params[k], value[k]);
    return 0;
}

/* A choice of steps: which layer, which of its parameters. */
typedef struct choice {
    int layer, mask;
    double score;
} choice;

/* Tries every combination of steps up of layer i against the bottleneck's latency; keeps the best in `best`. */
static void try_layer(opt_search *s, opt_design *d, int p, const element *e, int i, choice *best)
{
    const double latency = element_latency(d, e);
    const fcn_resource before = d->summary[p].resource;
    const opt_touch touch = {i, i + 1, p, p + 1, 0};
    int params[4];
    const int count = opt_fold_parameters(d, i, params);
    for (int mask = 1; mask < 1 << count; mask++) {
        layer_undo u;
        save(d, i, p, &u);
        if (apply_steps(d, s->pb, i, params, count, mask) == 0) {
            s->iterations++;
            opt_design_refresh(d, s->pb, &touch);
            double gain = (latency - element_latency(d, e)) / latency;
            double score = gain / (growth(s->pb, &before, &d->summary[p].resource) + FREE_GROWTH);
            if (d->fits[p] && gain > 0 && score > best->score)
                *best = (choice){i, mask, score};
        }
        undo(d, &u);
    }
}

/*
 * Raises the folding of the bottleneck layer (or of a neighbour of a bottleneck squeeze) by the
 * steps that gain the most latency per resource spent; 0 if nothing helps.
 */
static int raise_bottleneck(opt_search *s, opt_design *d, int p)
{
    const element e = bottleneck(d, s->pb, p);
    choice best = {-1, 0, 0};
    if (e.a >= 0)
        try_layer(s, d, p, &e, e.a, &best);
    if (e.kind == SQUEEZE && e.b >= 0)
        try_layer(s, d, p, &e, e.b, &best);
    if (best.layer < 0) {
        if (!s->polishing)
            return 0; /* the search's steps; opt_polish looks further */
        /* No step up fits: a folding further away may (fewer fine taps, more coarse streams). */
        const double latency = element_latency(d, &e);
        return (e.a >= 0 && opt_jump(s, d, p, e.a, latency)) ||
               (e.kind == SQUEEZE && e.b >= 0 && opt_jump(s, d, p, e.b, latency));
    }
    int params[4];
    const int count = opt_fold_parameters(d, best.layer, params);
    apply_steps(d, s->pb, best.layer, params, count, best.mask);
    const opt_touch touch = {best.layer, best.layer + 1, p, p + 1, 0};
    opt_design_refresh(d, s->pb, &touch);
    return 1;
}

void opt_fold_up(opt_search *s, opt_design *d, int p)
{
    for (int k = 0; k < MAX_FOLD_STEPS && raise_bottleneck(s, d, p); k++)
        if (k % 64 == 63 && opt_search_should_stop(s))
            return;
}

void opt_refold(opt_search *s, opt_design *d, opt_touch *t, int keep_folding)
{
    t->layer_lo = d->start[t->part_lo];
    t->layer_hi = d->start[t->part_hi];
    if (!keep_folding)
        opt_fold_reset(d, t->part_lo, t->part_hi);
    opt_design_refresh(d, s->pb, t);
    for (int q = t->part_lo; q < t->part_hi && d->misfits == 0; q++)
        opt_fold_up(s, d, q);
}

typedef enum composite { MERGE, WR_DOWN, WR_UP, SHIFT_BACK, SHIFT_ON, SPLIT, PORTS_UP, PORTS_DOWN } composite;

static int apply_composite(opt_search *s, composite kind, int p, int arg, opt_touch *t)
{
    opt_design *d = &s->cand;
    opt_problem *pb = s->pb;
    switch (kind) {
    case MERGE: return opt_move_merge(d, pb, p, t);
    case WR_DOWN: return opt_move_wr(d, pb, p, opt_wr_step(d, pb, p, -1), t);
    case WR_UP: return opt_move_wr(d, pb, p, opt_wr_step(d, pb, p, 1), t);
    case SHIFT_BACK: return opt_move_shift(d, pb, p, -1, t);
    case SHIFT_ON: return opt_move_shift(d, pb, p, 1, t);
    case SPLIT: return opt_move_split(d, pb, p, arg, t);
    case PORTS_UP: return opt_move_ports(d, pb, d->ports + 1, t);
    case PORTS_DOWN: return opt_move_ports(d, pb, d->ports - 1, t);
    }
    return -1;
}

/*
 * Tries one move on cand with its partitions' foldings raised again (from 1, unless `keep_folding`);
 * takes it into cur if the network's latency is shorter. 1 when taken.
 */
static int try_composite(opt_search *s, composite kind, int p, int arg, int keep_folding)
{
    opt_design *d = &s->cand;
    opt_touch t;
    if (apply_composite(s, kind, p, arg, &t))
        return 0;
    s->iterations++;
    opt_refold(s, d, &t, keep_folding);
    if (d->misfits == 0 && d->latency_s < s->cur.latency_s) {
        opt_design_sync(&s->cur, d, &t);
        opt_search_note(s);
        return 1;
    }
    opt_design_sync(d, &s->cur, &t);
    return 0;
}

/* Merges neighbours, left to right, while the merged partition fits at folding 1 and is no slower. */
static void pack(opt_search *s)
{
    opt_design *d = &s->cand;
    for (int p = 0; p + 1 < d->partition_count && !opt_search_should_stop(s);) {
        opt_touch t;
        opt_move_merge(d, s->pb, p, &t);
        s->iterations++;
        opt_design_refresh(d, s->pb, &t);
        if (d->misfits == 0 && d->latency_s <= s->cur.latency_s) {
            opt_design_sync(&s->cur, d, &t);
        } else {
            opt_design_sync(d, &s->cur, &t);
            p++;
        }
    }
}

/* Every move once; 1 if any shortened the latency. */
static int improve(opt_search *s)
{
    int improved = 0;
    for (int p = 0; p + 1 < s->cur.partition_count && !s->stopped; p++)
        improved |= try_composite(s, MERGE, p, 0, 0);
    for (int p = 0; p < s->cur.partition_count && !s->stopped; p++)
        improved |= try_composite(s, WR_DOWN, p, 0, 0) || try_composite(s, WR_UP, p, 0, 0);
    for (int p = 0; p + 1 < s->cur.partition_count && !s->stopped; p++)
        improved |= try_composite(s, SHIFT_BACK, p, 0, 0) || try_composite(s, SHIFT_ON, p, 0, 0);
    for (int p = 0; p < s->cur.partition_count && !s->stopped; p++)
        for (int edge = s->cur.start[p] + 1; edge < s->cur.start[p + 1] && !s->stopped; edge++)
            if (try_composite(s, SPLIT, p, edge, 0))
                improved = 1;
    if (!s->stopped)
        improved |= try_composite(s, PORTS_UP, 0, 0, 1) || try_composite(s, PORTS_DOWN, 0, 0, 1);
    opt_search_should_stop(s);
    return improved;
}

void opt_greedy(opt_search *s)
{
    opt_design_copy(&s->cand, &s->cur, s->pb);
    pack(s);
    for (int p = 0; p < s->cur.partition_count && !s->stopped; p++)
        opt_fold_up(s, &s->cur, p);
    opt_design_copy(&s->cand, &s->cur, s->pb);
    opt_search_note(s);
    if (!s->stopped && s->partition_by_dp)
        opt_partition_dp(s);
    opt_search_report(s, "greedy", 0);
    while (!s->stopped && improve(s))
        opt_search_report(s, "greedy", 0);
}
