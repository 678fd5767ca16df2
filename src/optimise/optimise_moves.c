/*
 * Moves over the design space: a folding factor, a partition's weights
 * reloading factor, the ports, and the partitioning (split a partition at an
 * edge, merge neighbours, move the boundary between neighbours). Each changes
 * the design's parameters and says in an opt_touch what must be refreshed.
 * A weights-reloading factor stays with its layer when boundaries move: a
 * partition whose wr layer was another partition's keeps that factor, one with
 * a new wr layer starts at 1.
 */
#include <string.h>

#include "optimise.h"

/* Share of the moves of each kind; the rest change the ports. */
#define SHARE_FOLD 0.70
#define SHARE_WR 0.10
#define SHARE_PARTITIONING 0.17
/* A move steps to the neighbouring value this often, else jumps to any feasible one. */
#define SHARE_STEP 0.8
#define MAX_SHIFT 3

typedef struct wr_memory {
    int count;
    int layer[3];
    int64_t factor[3];
} wr_memory;

static void remember_wr(const opt_design *d, const opt_problem *pb, int p_lo, int p_hi, wr_memory *m)
{
    m->count = 0;
    for (int p = p_lo; p < p_hi && m->count < 3; p++) {
        m->layer[m->count] = opt_wr_layer(pb, d->start[p], d->start[p + 1]);
        m->factor[m->count++] = d->wr[p];
    }
}

static void restore_wr(opt_design *d, const opt_problem *pb, int p_lo, int p_hi, const wr_memory *m)
{
    for (int p = p_lo; p < p_hi; p++) {
        int w = opt_wr_layer(pb, d->start[p], d->start[p + 1]);
        d->wr[p] = 1;
        for (int k = 0; k < m->count; k++)
            if (w >= 0 && m->layer[k] == w)
                d->wr[p] = m->factor[k];
    }
}

/* Makes room for one more partition after p (gap > 0) or closes the one after p (gap < 0). */
static void shift_partitions(opt_design *d, int p, int gap)
{
    const int n = d->partition_count;
    if (gap > 0) {
        memmove(&d->start[p + 2], &d->start[p + 1], (size_t)(n - p) * sizeof *d->start);
        memmove(&d->wr[p + 2], &d->wr[p + 1], (size_t)(n - p - 1) * sizeof *d->wr);
        memmove(&d->summary[p + 2], &d->summary[p + 1], (size_t)(n - p - 1) * sizeof *d->summary);
        memmove(&d->fits[p + 2], &d->fits[p + 1], (size_t)(n - p - 1) * sizeof *d->fits);
    } else {
        memmove(&d->start[p + 1], &d->start[p + 2], (size_t)(n - p - 1) * sizeof *d->start);
        memmove(&d->wr[p + 1], &d->wr[p + 2], (size_t)(n - p - 2) * sizeof *d->wr);
        memmove(&d->summary[p + 1], &d->summary[p + 2], (size_t)(n - p - 2) * sizeof *d->summary);
        memmove(&d->fits[p + 1], &d->fits[p + 2], (size_t)(n - p - 2) * sizeof *d->fits);
    }
    d->partition_count += gap;
}

int opt_move_split(opt_design *d, const opt_problem *pb, int p, int edge, opt_touch *touch)
{
    const int s = d->start[p], t = d->start[p + 1];
    if (pb->one_partition || edge <= s || edge >= t)
        return -1;
    wr_memory m;
    remember_wr(d, pb, p, p + 1, &m);
    shift_partitions(d, p, 1);
    d->start[p + 1] = edge;
    restore_wr(d, pb, p, p + 2, &m);
    *touch = (opt_touch){s, t, p, p + 2, 1};
    return 0;
}

int opt_move_merge(opt_design *d, const opt_problem *pb, int p, opt_touch *touch)
{
    if (p < 0 || p + 1 >= d->partition_count)
        return -1;
    const int s = d->start[p], t = d->start[p + 2];
    wr_memory m;
    remember_wr(d, pb, p, p + 2, &m);
    shift_partitions(d, p, -1);
    restore_wr(d, pb, p, p + 1, &m);
    *touch = (opt_touch){s, t, p, p + 1, 1};
    return 0;
}

int opt_move_shift(opt_design *d, const opt_problem *pb, int p, int shift, opt_touch *touch)
{
    if (p < 0 || p + 1 >= d->partition_count || shift == 0)
        return -1;
    const int s = d->start[p], t = d->start[p + 2], edge = d->start[p + 1] + shift;
    if (edge <= s || edge >= t)
        return -1;
    wr_memory m;
    remember_wr(d, pb, p, p + 2, &m);
    d->start[p + 1] = edge;
    restore_wr(d, pb, p, p + 2, &m);
    *touch = (opt_touch){s, t, p, p + 2, 1};
    return 0;
}

int opt_move_wr(opt_design *d, const opt_problem *pb, int p, int64_t wr, opt_touch *touch)
{
    const int w = opt_wr_layer(pb, d->start[p], d->start[p + 1]);
    if (w < 0 || wr < 1 || wr == d->wr[p])
        return -1;
    d->wr[p] = wr;
    /* Only the wr layer and what follows it change; the layers before are as they were. */
    *touch = (opt_touch){w, d->start[p + 1], p, p + 1, 0};
    return 0;
}

int opt_move_ports(opt_design *d, const opt_problem *pb, int64_t ports, opt_touch *touch)
{
    if (ports < 1 || ports > pb->max_ports || ports == d->ports)
        return -1;
    d->ports = ports;
    *touch = (opt_touch){0, 0, 0, d->partition_count, 1};
    return 0;
}

int opt_move_fold(opt_design *d, int i, int which, int64_t value, opt_touch *touch)
{
    const opt_fold *f = &d->fold[i];
    const int64_t current[4] = {f->coarse_in, f->coarse_out, f->coarse_group, f->fine};
    if (value < 1 || value == current[which])
        return -1;
    opt_fold_set(d, i, which, value);
    const int p = opt_partition_of(d, i);
    *touch = (opt_touch){i, i + 1, p, p + 1, 0};
    return 0;
}

static int random_direction(opt_rng *rng)
{
    return opt_rng_below(rng, 2) ? 1 : -1;
}

static int random_fold(opt_design *d, opt_problem *pb, opt_rng *rng, opt_touch *touch)
{
    const int i = (int)opt_rng_below(rng, pb->layer_count);
    int params[4];
    const int count = opt_fold_parameters(d, i, params);
    const int which = params[opt_rng_below(rng, count)];
    const int64_t value = opt_rng_unit(rng) < SHARE_STEP ? opt_fold_step(d, pb, i, which, random_direction(rng))
                                                         : opt_fold_random(d, pb, i, which, rng);
    return opt_move_fold(d, i, which, value, touch);
}

static int random_wr(opt_design *d, opt_problem *pb, opt_rng *rng, opt_touch *touch)
{
    const int p = (int)opt_rng_below(rng, d->partition_count);
    const int64_t wr = opt_wr_step(d, pb, p, random_direction(rng));
    return opt_move_wr(d, pb, p, wr, touch);
}

static int random_partitioning(opt_design *d, const opt_problem *pb, opt_rng *rng, opt_touch *touch)
{
    const int P = d->partition_count;
    switch (opt_rng_below(rng, 3)) {
    case 0: {
        const int p = (int)opt_rng_below(rng, P), size = d->start[p + 1] - d->start[p];
        return size < 2 ? -1 : opt_move_split(d, pb, p, d->start[p] + 1 + (int)opt_rng_below(rng, size - 1), touch);
    }
    case 1:
        return P < 2 ? -1 : opt_move_merge(d, pb, (int)opt_rng_below(rng, P - 1), touch);
    default: {
        if (P < 2)
            return -1;
        const int shift = (1 + (int)opt_rng_below(rng, MAX_SHIFT)) * random_direction(rng);
        return opt_move_shift(d, pb, (int)opt_rng_below(rng, P - 1), shift, touch);
    }
    }
}

int opt_move_random(opt_design *d, opt_problem *pb, opt_rng *rng, opt_touch *touch)
{
    const double kind = opt_rng_unit(rng);
    if (kind < SHARE_FOLD)
        return random_fold(d, pb, rng, touch);
    if (kind < SHARE_FOLD + SHARE_WR)
        return random_wr(d, pb, rng, touch);
    if (kind < SHARE_FOLD + SHARE_WR + SHARE_PARTITIONING)
        return pb->one_partition ? random_fold(d, pb, rng, touch) : random_partitioning(d, pb, rng, touch);
    if (pb->max_ports < 2)
        return random_fold(d, pb, rng, touch);
    return opt_move_ports(d, pb, 1 + opt_rng_below(rng, pb->max_ports), touch);
}
