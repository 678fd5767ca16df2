/*
 * Internal: the optimiser's pseudo-random numbers, xoshiro256** seeded through
 * splitmix64. Kept in the search's state (no global state), so a seed gives the
 * same sequence on every machine and in every thread.
 */
#ifndef FCN_OPTIMISE_RANDOM_H
#define FCN_OPTIMISE_RANDOM_H

#include <stdint.h>

typedef struct opt_rng {
    uint64_t s[4];
} opt_rng;

static inline uint64_t opt_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static inline void opt_rng_seed(opt_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = opt_splitmix64(&seed);
}

static inline uint64_t opt_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t opt_rng_next(opt_rng *r)
{
    uint64_t *s = r->s;
    const uint64_t result = opt_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = opt_rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n) for n >= 1 (the bias of the modulo is below 2^-40 for the n a search uses). */
static inline int64_t opt_rng_below(opt_rng *r, int64_t n)
{
    return (int64_t)(opt_rng_next(r) % (uint64_t)n);
}

/* Uniform in [0, 1). */
static inline double opt_rng_unit(opt_rng *r)
{
    return (double)(opt_rng_next(r) >> 11) * 0x1.0p-53;
}

#endif
