/*
 * The rule-based optimiser, after SAMO's: in each partition, raise the folding
 * of the bottleneck layer (the one whose latency sets the interval; for a
 * squeeze, one of its two neighbours) one step at a time while the partition
 * fits. Around that, from the smallest design:
 * merge neighbours while the merged partition fits (optimise_pack.c), then try
 * every merge, weights-reloading step, boundary shift, split and port count,
 * each with its partitions' foldings raised again from 1, keeping what shortens
 * the latency. A chain partition's figures come from the chain tree as its
 * foldings change (optimise_chain.c), so a step costs a logarithm of its length.
 */
#include "optimise.h"

/* Fractional resource growth that counts as free, so a step that costs nothing is not divided by zero. */
#define FREE_GROWTH 1e-4
#define MAX_FOLD_STEPS 100000
/* Split points tried in one partition at most (the greedy pass's cost grows with their number). */
#define MAX_SPLIT_EDGES 64
/* Layers whose weights may move between BRAM and URAM for one step up (more are undone). */
#define MAX_MOVES 4

/* What trying a folding on one layer changes, to put it back. */
typedef struct layer_undo {
    int layer, partition;
    opt_fold fold;
    fcn_layer copy;
    fcn_layer_figures figures;
    fcn_partition_figures summary;
    unsigned char fits, placed;
    double latency_s;
    int misfits;
} layer_undo;

static void save(const opt_design *d, int i, int p, layer_undo *u)
{
    *u = (layer_undo){i, p, d->fold[i], d->layer[i], d->figures[i], d->summary[p], d->fits[p], d->placed[i],
                      d->latency_s, d->misfits};
}

static void undo(opt_design *d, const layer_undo *u)
{
    d->fold[u->layer] = u->fold;
    d->layer[u->layer] = u->copy;
    d->figures[u->layer] = u->figures;
    d->placed[u->layer] = u->placed;
    d->summary[u->partition] = u->summary;
    d->fits[u->partition] = u->fits;
    d->latency_s = u->latency_s;
    d->misfits = u->misfits;
}

/*
 * The slowest layer or squeeze of partition p: the summary's bottleneck counts the squeezes the
 * model inserts, found here as fcn_partition_summary_cached inserts them (through c, if it holds p).
 */
static opt_element bottleneck(const opt_design *d, const opt_problem *pb, int p, const opt_chain *c)
{
    if (c && opt_chain_valid(c))
        return opt_chain_element(c, d, pb, d->summary[p].bottleneck);
    const int s = d->start[p], e = d->start[p + 1];
    opt_element_find find = {d->summary[p].bottleneck, 0, {OPT_LAYER, e - 1, -1, 0}};
    for (int i = s; i < e && find.seen <= find.target; i++)
        opt_layer_elements(d, pb, s, e, i, opt_element_count, &find);
    return find.hit;
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

/*
 * A choice of steps: which layer, which of its parameters. `blocked`: the memory (1 << OPT_BRAM or
 * 1 << OPT_URAM) that alone stopped some step that would have gained.
 */
typedef struct choice {
    int layer, mask;
    double score;
    unsigned blocked;
} choice;

/* The one memory that a partition's figures overrun while every other resource fits: its bit, else 0. */
static unsigned memory_overrun(const opt_problem *pb, const fcn_resource *r)
{
    const double used[OPT_RESOURCES] = {(double)r->lut, (double)r->ff, (double)r->dsp, (double)r->bram,
                                        (double)r->uram};
    unsigned over = 0;
    for (int k = 0; k < OPT_RESOURCES; k++)
        if (used[k] > pb->limit[k])
            over |= 1u << k;
    return over == 1u << OPT_BRAM || over == 1u << OPT_URAM ? over : 0;
}

/* Re-derives layer i of partition p after its folding changed, and the partition (through c if it holds p). */
static void refresh_layer(opt_search *s, opt_design *d, int p, int i, opt_chain *c)
{
    if (!c) {
        const opt_touch touch = {i, i + 1, p, p + 1, 0};
        opt_design_refresh(d, s->pb, &touch);
        return;
    }
    opt_design_materialise(d, s->pb, p, c->w, i, i + 1);
    opt_chain_update(c, d, s->pb, i);
    opt_design_settle(d, s->pb, p, c);
}

/* Tries every combination of steps up of layer i against the bottleneck's latency; keeps the best in `best`. */
static void try_layer(opt_search *s, opt_design *d, int p, const opt_element *e, int i, opt_chain *c, choice *best)
{
    const double latency = opt_element_latency(d, e);
    const fcn_resource before = d->summary[p].resource;
    int params[4];
    const int count = opt_fold_parameters(d, i, params);
    for (int mask = 1; mask < 1 << count; mask++) {
        layer_undo u;
        save(d, i, p, &u);
        const int applied = apply_steps(d, s->pb, i, params, count, mask) == 0;
        if (applied) {
            s->iterations++;
            refresh_layer(s, d, p, i, c);
            double gain = (latency - opt_element_latency(d, e)) / latency;
            double score = gain / (growth(s->pb, &before, &d->summary[p].resource) + FREE_GROWTH);
            if (d->fits[p] && gain > 0 && score > best->score)
                *best = (choice){i, mask, score, best->blocked};
            else if (!d->fits[p] && gain > 0)
                best->blocked |= memory_overrun(s->pb, &d->summary[p].resource);
        }
        undo(d, &u);
        if (applied && c)
            opt_chain_update(c, d, s->pb, i);
    }
}

/* The larger of the partition's BRAM and URAM, each as a share of what it may use. */
static double memory_share(const opt_problem *pb, const fcn_resource *r)
{
    const double bram = (double)r->bram / pb->limit[OPT_BRAM];
    const double uram = pb->limit[OPT_URAM] > 0 ? (double)r->uram / pb->limit[OPT_URAM] : 0;
    return bram > uram ? bram : uram;
}

/*
 * What moving a layer's weights out of memory `from` (its figures' resources `was`, then `moved`)
 * does for partition p, using `used`: the share of `from` freed over the share of the other taken;
 * 0 where it frees nothing, overruns the other, or leaves the fuller of the two no emptier (so that
 * no two such moves undo each other).
 */
static double move_score(const opt_problem *pb, const fcn_resource *used, const fcn_resource *was,
                         const fcn_resource *moved, int from)
{
    const int to = from == OPT_BRAM ? OPT_URAM : OPT_BRAM;
    fcn_resource after = *used;
    after.bram += moved->bram - was->bram;
    after.uram += moved->uram - was->uram;
    double freed[OPT_RESOURCES] = {0};
    freed[OPT_BRAM] = (double)(used->bram - after.bram);
    freed[OPT_URAM] = (double)(used->uram - after.uram);
    const double in_to = (double)(to == OPT_URAM ? after.uram : after.bram);
    if (freed[from] <= 0 || in_to > pb->limit[to] || memory_share(pb, &after) >= memory_share(pb, used))
        return 0;
    const double taken = freed[to] < 0 ? -freed[to] / pb->limit[to] : 1e-12;
    return freed[from] / pb->limit[from] / taken;
}

/*
 * A step of partition p's bottleneck gains but overruns memory `from` (BRAM or URAM) alone: the
 * weighted layer whose weights, in the other memory, score best (move_score); -1 if none helps.
 */
static int move_memory(opt_search *s, opt_design *d, int p, int from)
{
    opt_problem *pb = s->pb;
    if (pb->limit[OPT_URAM] <= 0)
        return -1;
    int chosen = -1;
    double best_score = 0;
    for (int i = d->start[p]; i < d->start[p + 1]; i++) {
        int64_t places[2];
        if (opt_placements(pb, i, places) < 2 || d->layer[i].use_uram != (from == OPT_URAM))
            continue;
        fcn_layer l = d->layer[i];
        l.use_uram = !l.use_uram;
        fcn_layer_figures f;
        fcn_layer_evaluate(&l, &f);
        pb->layer_evaluations++;
        const double score = move_score(pb, &d->summary[p].resource, &d->figures[i].resource, &f.resource, from);
        if (score > best_score) {
            best_score = score;
            chosen = i;
        }
    }
    return chosen;
}

/* The best steps up of the bottleneck element e (of a bottleneck squeeze, of either neighbour). */
static choice best_steps(opt_search *s, opt_design *d, int p, const opt_element *e, opt_chain *c)
{
    choice best = {-1, 0, 0, 0};
    if (e->a >= 0)
        try_layer(s, d, p, e, e->a, c, &best);
    if (e->kind == OPT_SQUEEZE && e->b >= 0)
        try_layer(s, d, p, e, e->b, c, &best);
    return best;
}

/*
 * No step up of e fits, but one would with more of the memory `blocked` says: up to MAX_MOVES layers'
 * weights move to the other memory (move_memory) until a step fits. If none does, every move is
 * undone, so that no memory is spent where it buys nothing. The best steps then.
 */
static choice steps_after_moves(opt_search *s, opt_design *d, int p, const opt_element *e, opt_chain *c,
                                unsigned blocked)
{
    int moved[MAX_MOVES];
    int64_t was[MAX_MOVES];
    int count = 0;
    choice best = {-1, 0, 0, blocked};
    while (best.layer < 0 && best.blocked && count < MAX_MOVES) {
        const int from = best.blocked & 1u << OPT_BRAM ? OPT_BRAM : OPT_URAM;
        const int i = move_memory(s, d, p, from);
        if (i < 0)
            break;
        moved[count] = i;
        was[count++] = d->fold[i].place;
        d->fold[i].place = from == OPT_BRAM ? OPT_PLACE_URAM : OPT_PLACE_BRAM;
        refresh_layer(s, d, p, i, c);
        best = best_steps(s, d, p, e, c);
    }
    if (best.layer >= 0)
        return best;
    while (count-- > 0) {
        d->fold[moved[count]].place = was[count];
        refresh_layer(s, d, p, moved[count], c);
    }
    return best;
}

/*
 * Raises the folding of the bottleneck layer (or of a neighbour of a bottleneck squeeze) by the
 * steps that gain the most latency per resource spent; 0 if nothing helps.
 */
static int raise_bottleneck(opt_search *s, opt_design *d, int p, opt_chain *c)
{
    const opt_element e = bottleneck(d, s->pb, p, c);
    choice best = best_steps(s, d, p, &e, c);
    if (best.layer < 0 && best.blocked && !s->rule_placement)
        best = steps_after_moves(s, d, p, &e, c, best.blocked);
    if (best.layer < 0) {
        if (s->jumps_left <= 0)
            return 0; /* the search's steps; opt_polish looks further, a few times a partition */
        s->jumps_left--;
        /* No step up fits: a folding further away may (fewer fine taps, more coarse streams). */
        const double latency = opt_element_latency(d, &e);
        const int jumped = (e.a >= 0 && opt_jump(s, d, p, e.a, latency)) ||
                           (e.kind == OPT_SQUEEZE && e.b >= 0 && opt_jump(s, d, p, e.b, latency));
        if (c && e.a >= 0) /* opt_jump refolds by the walk: the tree takes what it may have changed */
            opt_chain_update(c, d, s->pb, e.a);
        if (c && e.kind == OPT_SQUEEZE && e.b >= 0)
            opt_chain_update(c, d, s->pb, e.b);
        return jumped;
    }
    int params[4];
    const int count = opt_fold_parameters(d, best.layer, params);
    apply_steps(d, s->pb, best.layer, params, count, best.mask);
    refresh_layer(s, d, p, best.layer, c);
    return 1;
}

/* The chain tree holding partition p of d, or NULL where the walk must sum it. */
static opt_chain *chain_of(opt_search *s, const opt_design *d, int p)
{
    return !s->walk_only && opt_chain_load(&s->chain, d, s->pb, p) ? &s->chain : NULL;
}

void opt_fold_up(opt_search *s, opt_design *d, int p)
{
    opt_chain *c = chain_of(s, d, p);
    for (int k = 0; k < MAX_FOLD_STEPS && raise_bottleneck(s, d, p, c); k++)
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

/*
 * Splits partition p at each of its edges (or, past MAX_SPLIT_EDGES, at that many spread evenly), until
 * one shortens the latency; 1 if one did. None can when a reconfiguration alone takes as long as the
 * partition: the two halves add it to their own latencies.
 */
static int try_splits(opt_search *s, int p)
{
    const int first = s->cur.start[p] + 1, edges = s->cur.start[p + 1] - first;
    if (s->pb->eval.reconf_time_s >= s->cur.summary[p].latency_s)
        return 0;
    const int count = edges < MAX_SPLIT_EDGES ? edges : MAX_SPLIT_EDGES;
    for (int k = 0; k < count && !s->stopped; k++) {
        const int edge = first + (int)((int64_t)k * edges / count);
        if (try_composite(s, SPLIT, p, edge, 0))
            return 1;
    }
    return 0;
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
        improved |= try_splits(s, p);
    if (!s->stopped)
        improved |= try_composite(s, PORTS_UP, 0, 0, 1) || try_composite(s, PORTS_DOWN, 0, 0, 1);
    opt_search_should_stop(s);
    return improved;
}

void opt_greedy(opt_search *s)
{
    opt_design_copy(&s->cand, &s->cur, s->pb);
    opt_pack(s);
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
