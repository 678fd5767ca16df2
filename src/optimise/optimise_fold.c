/*
 * The feasible values of each folding factor and weights-reloading factor
 * (MODEL.md §3, MODEL-DAG §1-§6): coarse factors divide the channels they
 * split, given the layer's dims in its partition (a CONCAT's, every input
 * port's channels); fine is 1, k0 or k0*k1 (1 or the longer
 * side for a 1xk kernel), each also times kernel_depth for a 3-D kernel
 * (docs/MODEL-3D.md); coarse_group divides groups.
 */
#include <stdlib.h>
#include <string.h>

#include "layers.h"
#include "optimise.h"

/* Enough for the divisors of any dimension a network has (numbers below 10^7 have at most 448). */
#define MAX_DIVISORS 512

typedef struct value_set {
    int count;
    int64_t value[MAX_DIVISORS];
} value_set;

/* The divisors of n in increasing order. */
static void divisors(int64_t n, value_set *set)
{
    int low = 0, high = 0;
    int64_t large[MAX_DIVISORS / 2];
    for (int64_t f = 1; f * f <= n && low < MAX_DIVISORS / 2 && high < MAX_DIVISORS / 2; f++) {
        if (n % f)
            continue;
        set->value[low++] = f;
        if (f != n / f)
            large[high++] = n / f;
    }
    for (int k = high - 1; k >= 0; k--)
        set->value[low++] = large[k];
    set->count = low;
}

/*
 * Divisor lists by number, computed once per search: a search asks for the divisors of the same few
 * channel counts millions of times.
 */
#define CACHE_SLOTS 1024 /* a power of 2 */
#define CACHE_POOL 65536

typedef struct cache_slot {
    int64_t n; /* 0: empty */
    int count, offset;
} cache_slot;

struct opt_divisor_cache {
    cache_slot slot[CACHE_SLOTS];
    int pool_used;
    int64_t pool[CACHE_POOL];
};

opt_divisor_cache *opt_divisor_cache_new(void)
{
    return calloc(1, sizeof(opt_divisor_cache));
}

void opt_divisor_cache_free(opt_divisor_cache *cache)
{
    free(cache);
}

/* The divisors of n, from the cache (filled on first use), or computed into `set` when the cache is full. */
static const int64_t *divisors_of(opt_divisor_cache *cache, int64_t n, int *count, value_set *set)
{
    uint64_t h = ((uint64_t)n * 0x9e3779b97f4a7c15u) >> 54;
    for (int probe = 0; cache && probe < CACHE_SLOTS; probe++) {
        cache_slot *slot = &cache->slot[(h + (uint64_t)probe) & (CACHE_SLOTS - 1)];
        if (slot->n == n) {
            *count = slot->count;
            return &cache->pool[slot->offset];
        }
        if (slot->n != 0)
            continue;
        divisors(n, set);
        if (cache->pool_used + set->count > CACHE_POOL)
            break;
        *slot = (cache_slot){n, set->count, cache->pool_used};
        for (int k = 0; k < set->count; k++)
            cache->pool[cache->pool_used++] = set->value[k];
        *count = set->count;
        return &cache->pool[slot->offset];
    }
    divisors(n, set);
    *count = set->count;
    return set->value;
}

/* The feasible fine factors in ascending order: the 2-D ones, and for a 3-D kernel each times kernel_depth. */
static void fine_values(const fcn_layer *l, value_set *set)
{
    const int64_t k0 = l->kernel[0], k1 = l->kernel[1];
    const int64_t planar[4] = {1, k0, k0 * k1, k0 > k1 ? k0 : k1};
    set->count = 0;
    for (int k = 0; k < 8; k++) {
        const int64_t c = planar[k % 4] * (k < 4 ? 1 : l->kernel_depth);
        if (!fine_feasible(l, c))
            continue;
        int at = set->count; /* where c goes, keeping the values ascending and distinct */
        while (at > 0 && set->value[at - 1] > c)
            at--;
        if (at > 0 && set->value[at - 1] == c)
            continue;
        memmove(&set->value[at + 1], &set->value[at], (size_t)(set->count - at) * sizeof set->value[0]);
        set->value[at] = c;
        set->count++;
    }
}

int opt_divisors(int64_t n, int64_t *out, int room)
{
    value_set set;
    divisors(n, &set);
    const int count = set.count < room ? set.count : room;
    memcpy(out, set.value, (size_t)count * sizeof *out);
    return count;
}

int opt_fine_values(const fcn_layer *l, int64_t out[OPT_FINE_VALUES])
{
    value_set set;
    fine_values(l, &set);
    memcpy(out, set.value, (size_t)set.count * sizeof *out);
    return set.count;
}

static int64_t gcd(int64_t a, int64_t b)
{
    while (b) {
        const int64_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

/*
 * What every coarse_in must divide: a convolution's channels per group of
 * coarse_group; a CONCAT's input ports' channels, a CHOP's input and output
 * ports' (their common divisors); the channels otherwise (the one-coarse
 * layers of docs/MODEL-2D.md among them).
 */
int64_t opt_coarse_in_span(const fcn_layer *l)
{
    if (l->type == FCN_CONVOLUTION)
        return l->channels / l->coarse_group;
    if ((l->type != FCN_CONCAT && l->type != FCN_CHOP) || !l->port_channels)
        return l->channels;
    const int ports = l->type == FCN_CHOP ? l->ports_out : l->ports_in;
    int64_t g = l->type == FCN_CHOP ? l->channels : 0;
    for (int p = 0; p < ports; p++)
        g = gcd(l->port_channels[p], g);
    return g > 0 ? g : 1;
}

/* The values parameter `which` of layer i can take in its partition, in increasing order. */
static const int64_t *feasible_values(const opt_design *d, opt_problem *pb, int i, int which, int *count,
                                      value_set *set)
{
    const fcn_layer *l = &d->layer[i];
    const int64_t group = l->type == FCN_CONVOLUTION ? l->coarse_group : 1;
    switch (which) {
    case 0: return divisors_of(pb->divisors, opt_coarse_in_span(l), count, set);
    case 1: return divisors_of(pb->divisors, l->filters / group, count, set);
    case 2: return divisors_of(pb->divisors, l->groups, count, set);
    default:
        fine_values(l, set);
        *count = set->count;
        return set->value;
    }
}

static int64_t current_value(const opt_design *d, int i, int which)
{
    const opt_fold *f = &d->fold[i];
    const int64_t v[4] = {f->coarse_in, f->coarse_out, f->coarse_group, f->fine};
    return v[which];
}

int opt_fold_parameters(const opt_design *d, int i, int out[4])
{
    const fcn_layer *l = &d->layer[i];
    int n = 0;
    switch (l->type) {
    case FCN_CONVOLUTION:
        out[n++] = 0;
        out[n++] = 1;
        if (l->groups > 1)
            out[n++] = 2;
        if (l->kernel[0] * l->kernel[1] > 1)
            out[n++] = 3;
        return n;
    case FCN_INNER_PRODUCT:
        out[n++] = 0;
        out[n++] = 1;
        return n;
    default:
        out[n++] = 0;
        return n;
    }
}

/* The next value of the increasing list above (dir > 0) or below `current`; 0 if none. */
static int64_t next_in(const int64_t *values, int count, int64_t current, int dir)
{
    if (dir > 0) {
        for (int k = 0; k < count; k++)
            if (values[k] > current)
                return values[k];
    } else {
        for (int k = count - 1; k >= 0; k--)
            if (values[k] < current)
                return values[k];
    }
    return 0;
}

int64_t opt_fold_step(const opt_design *d, opt_problem *pb, int i, int which, int dir)
{
    value_set set;
    int count;
    const int64_t *values = feasible_values(d, pb, i, which, &count, &set);
    return next_in(values, count, current_value(d, i, which), dir);
}

int opt_fold_values(const opt_design *d, opt_problem *pb, int i, int which, int64_t *out, int max)
{
    value_set set;
    int count;
    const int64_t *values = feasible_values(d, pb, i, which, &count, &set);
    if (count > max)
        count = max;
    memcpy(out, values, (size_t)count * sizeof *out);
    return count;
}

int64_t opt_fold_random(const opt_design *d, opt_problem *pb, int i, int which, opt_rng *rng)
{
    value_set set;
    int count;
    const int64_t *values = feasible_values(d, pb, i, which, &count, &set);
    return values[opt_rng_below(rng, count)];
}

void opt_fold_set(opt_design *d, int i, int which, int64_t value)
{
    opt_fold *f = &d->fold[i];
    switch (which) {
    case 0: f->coarse_in = value; break;
    case 1: f->coarse_out = value; break;
    case 2: f->coarse_group = value; break;
    default: f->fine = value; break;
    }
    if (d->layer[i].type != FCN_CONVOLUTION && d->layer[i].type != FCN_INNER_PRODUCT)
        f->coarse_out = f->coarse_in;
}

void opt_fold_reset(opt_design *d, int p_lo, int p_hi)
{
    for (int i = d->start[p_lo]; i < d->start[p_hi]; i++)
        d->fold[i] = OPT_FOLD_ONE;
}

int64_t opt_wr_step(const opt_design *d, opt_problem *pb, int p, int dir)
{
    const int w = opt_wr_layer(pb, d->start[p], d->start[p + 1]);
    if (w < 0)
        return 0;
    value_set set;
    int count;
    const int64_t *values = divisors_of(pb->divisors, opt_max_wr(pb, w), &count, &set);
    return next_in(values, count, d->wr[p], dir);
}
