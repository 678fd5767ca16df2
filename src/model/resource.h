/* Internal: resource primitives shared by the modules and layers. */
#ifndef FCN_RESOURCE_H
#define FCN_RESOURCE_H

#include <math.h>

#include "fpgaconvnet.h"

/*
 * The primitives every module calls are here, inline (the public fcn_bram_memory, fcn_bram_stream,
 * fcn_dsp_mult and fcn_lutram_queue of resource.c are these): a call each cost more than most of them.
 */
static inline int64_t resource_ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* The 18 Kb block's aspect ratios, narrowest first. */
static const struct { int width; int64_t depth; } bram_shapes[] = {
    {1, 16000}, {2, 8000}, {4, 4000}, {9, 2000}, {18, 1000}, {36, 512},
};

#define BRAM_SHAPES ((int)(sizeof bram_shapes / sizeof bram_shapes[0]))

/* fcn_bram_memory. */
static inline int64_t bram_memory(int64_t depth, int width)
{
    if (width < 1 || width > FCN_MAX_WIDTH)
        return -1;
    if (depth <= 0)
        return 0;
    int shape = 0;
    while (bram_shapes[shape].width < width)
        shape++;
    return resource_ceil_div(depth, bram_shapes[shape].depth);
}

/* fcn_bram_stream. */
static inline int64_t bram_stream(int64_t depth, int width)
{
    if (width < 1 || width > FCN_MAX_WIDTH)
        return -1;
    if (depth <= 0)
        return 0;
    /* Shapes are listed deepest first, so walk backwards for "shallowest deeper than depth". */
    int shape = 0;
    if (depth <= bram_shapes[0].depth) {
        shape = BRAM_SHAPES - 1;
        while (bram_shapes[shape].depth < depth)
            shape--;
    }
    return resource_ceil_div(width, bram_shapes[shape].width);
}

/* fcn_dsp_mult. */
static inline int64_t dsp_mult(int a, int b) { return resource_ceil_div((int64_t)a + b, 48); }

/*
 * fcn_lutram_queue: newest upstream's queue_lutram_resource_model (LUTRAM_CONF_DEPTH: 32 words of
 * 16 bits, 64 of 8): the shallowest of the two shapes at least as deep as the buffer, 64-word units
 * beyond; one bit more than the word (upstream's width+1: the valid flag).
 */
static inline int64_t lutram_queue(int64_t depth, int64_t width)
{
    if (depth <= 0 || width <= 0)
        return 0;
    const int64_t unit_depth = depth <= 32 ? 32 : 64, unit_width = depth <= 32 ? 16 : 8;
    return resource_ceil_div(width + 1, unit_width) * resource_ceil_div(depth, unit_depth);
}

/* The reference's log2: log(x)/log(2.0) in double precision (MODEL.md, notation). */
static inline double fcn_log2(double x) { return log(x) / log(2.0); }

static inline int64_t floor_log2_exact(int64_t x)
{
#if defined(__GNUC__)
    return 63 - __builtin_clzll((unsigned long long)x);
#else
    int64_t k = 0;
    while (x >>= 1)
        k++;
    return k;
#endif
}

static inline int exact_power(int64_t x) { return x > 0 && x <= ((int64_t)1 << 28) && (x & (x - 1)) == 0; }

/* fcn_log2 of an integer, and floor and ceil of it: the same figures, faster. */
static inline double fcn_log2_int(int64_t x)
{
    /* log(2^k)/log(2.0) is exactly k up to 2^28 (MODEL.md, notation), so no logarithm is needed there. */
    if (exact_power(x))
        return (double)floor_log2_exact(x);
    return fcn_log2((double)x);
}

/*
 * floor and ceil of fcn_log2 for a positive integer, without a logarithm.
 * Below 2^40 and away from powers of two, log(x)/log(2) is further from an
 * integer than its rounding error, so the integer answer is the reference's
 * (from 2^48 on, 2^k - 1 already rounds to k); a power of two up to 2^28 gives
 * exactly k (fcn_log2_int); elsewhere the reference's own form decides.
 */
static inline int integer_path(int64_t x) { return x > 0 && x < ((int64_t)1 << 40) && (x & (x - 1)) != 0; }

static inline double fcn_floor_log2(int64_t x)
{
    if (integer_path(x) || exact_power(x))
        return (double)floor_log2_exact(x);
    return floor(fcn_log2((double)x));
}

static inline double fcn_ceil_log2(int64_t x)
{
    if (exact_power(x))
        return (double)floor_log2_exact(x);
    if (integer_path(x))
        return (double)(floor_log2_exact(x) + 1);
    return ceil(fcn_log2((double)x));
}

/*
 * The linear models are written out term by term (up to LINEAR_TERMS, a loop beyond): inlined with a
 * module's constant coefficients, each term's test and every zero term fold away at -O2 as well (a
 * loop is unrolled only at -O3). The sums keep their order.
 */
#define LINEAR_TERMS 8

/*
 * int(dot(u, c)): a linear resource model fitted to synthesis results,
 * truncated toward zero. Inline, so that a module's constant coefficients
 * fold into its code (the zeros vanish); the sums keep their order.
 */
static inline int64_t linear_model(const double *utilisation, const double *coefficients, int n)
{
    double sum = 0.0;
#define LINEAR_TERM(k)                                  \
    if ((k) < n)                                        \
        sum += utilisation[k] * coefficients[k];
    LINEAR_TERM(0) LINEAR_TERM(1) LINEAR_TERM(2) LINEAR_TERM(3)
    LINEAR_TERM(4) LINEAR_TERM(5) LINEAR_TERM(6) LINEAR_TERM(7)
#undef LINEAR_TERM
    for (int i = LINEAR_TERMS; i < n; i++)
        sum += utilisation[i] * coefficients[i];
    return (int64_t)sum;
}

/* LUT and FF from their linear models over the same utilisation vector, in one pass. */
static inline void linear_lut_ff(fcn_resource *r, const double *utilisation, int n, const double *lut,
                                 const double *ff)
{
    /* Adding u*0 changes no finite sum, and most coefficients are 0: skip them. */
    double lut_sum = 0.0, ff_sum = 0.0;
#define LINEAR_TERM(k)                                  \
    if ((k) < n) {                                      \
        if (lut[k] != 0.0)                              \
            lut_sum += utilisation[k] * lut[k];         \
        if (ff[k] != 0.0)                               \
            ff_sum += utilisation[k] * ff[k];           \
    }
    LINEAR_TERM(0) LINEAR_TERM(1) LINEAR_TERM(2) LINEAR_TERM(3)
    LINEAR_TERM(4) LINEAR_TERM(5) LINEAR_TERM(6) LINEAR_TERM(7)
#undef LINEAR_TERM
    for (int i = LINEAR_TERMS; i < n; i++) {
        if (lut[i] != 0.0)
            lut_sum += utilisation[i] * lut[i];
        if (ff[i] != 0.0)
            ff_sum += utilisation[i] * ff[i];
    }
    r->lut = (int64_t)lut_sum;
    r->ff = (int64_t)ff_sum;
}

static inline void resource_add_scaled(fcn_resource *sum, const fcn_resource *r, int64_t times)
{
    sum->lut += r->lut * times;
    sum->ff += r->ff * times;
    sum->dsp += r->dsp * times;
    sum->bram += r->bram * times;
    sum->uram += r->uram * times;
}

/*
 * Newest upstream's rules (edfbeb6, tools/resource_analytical_model.bram_array_resource_model) under
 * which a buffer takes no BRAM, and so LUTRAM with use_lutram (docs/MODEL-WIDTHS.md): a FIFO of at
 * most 32 words or at most 1,024 bits, a RAM of fewer than 1,024 bits.
 */
static inline int fifo_shallow(int64_t depth, int64_t width) { return depth <= 32 || depth * width <= 1024; }
static inline int ram_shallow(int64_t depth, int64_t width) { return depth * width < 1024; }

/* `count` memories of `depth` words of `width` bits: in LUTRAM if `in_lutram`, else BRAM as MODEL.md's RAM. */
static inline void add_memory(fcn_resource *r, int64_t depth, int width, int64_t count, int in_lutram)
{
    if (in_lutram)
        r->lut += lutram_queue(depth, width) * count;
    else
        r->bram += bram_memory(depth, width) * count;
}

/* `count` RAMs: in LUTRAM where `lutram` is set and they are shallow, else BRAM. */
static inline void add_ram(fcn_resource *r, int64_t depth, int width, int64_t count, int lutram)
{
    add_memory(r, depth, width, count, lutram && ram_shallow(depth, width));
}

/* Each resource the larger of the two: a network's (or a design's) is the most any partition uses. */
static inline void resource_max(fcn_resource *into, const fcn_resource *r)
{
    into->lut = r->lut > into->lut ? r->lut : into->lut;
    into->ff = r->ff > into->ff ? r->ff : into->ff;
    into->dsp = r->dsp > into->dsp ? r->dsp : into->dsp;
    into->bram = r->bram > into->bram ? r->bram : into->bram;
    into->uram = r->uram > into->uram ? r->uram : into->uram;
}

#endif
