/*
 * Resource primitives of MODEL.md §1: BRAM as RAM and as FIFO, DSP multipliers, linear models; URAM,
 * packed DSPs and LUTRAM (docs/MODEL-WIDTHS.md).
 */
#include "resource.h"

#include <math.h>

/* The 18 Kb block's aspect ratios, narrowest first. */
static const struct { int width; int64_t depth; } bram_shapes[] = {
    {1, 16000}, {2, 8000}, {4, 4000}, {9, 2000}, {18, 1000}, {36, 512},
};

#define BRAM_SHAPES ((int)(sizeof bram_shapes / sizeof bram_shapes[0]))

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t fcn_bram_memory(int64_t depth, int width)
{
    if (width < 1 || width > 36)
        return -1;
    if (depth <= 0)
        return 0;
    int shape = 0;
    while (bram_shapes[shape].width < width)
        shape++;
    return ceil_div(depth, bram_shapes[shape].depth);
}

int64_t fcn_bram_stream(int64_t depth, int width)
{
    if (width < 1 || width > 36)
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
    return ceil_div(width, bram_shapes[shape].width);
}

int64_t fcn_dsp_mult(int a, int b)
{
    return ceil_div((int64_t)a + b, 48);
}

/* UltraRAM's aspect ratios when cascaded (newest upstream's URAM_EXT_CONF), narrowest first. */
static const struct { int width; int64_t depth; } uram_shapes[] = {
    {1, 262144}, {2, 131072}, {4, 65536}, {9, 32768}, {18, 16384}, {36, 8192}, {72, 4096},
};

#define URAM_SHAPES ((int)(sizeof uram_shapes / sizeof uram_shapes[0]))

int64_t fcn_uram_memory(int64_t depth, int width)
{
    if (width < 1)
        return -1;
    if (depth <= 0)
        return 0;
    int shape = 0;
    while (shape < URAM_SHAPES - 1 && uram_shapes[shape].width < width)
        shape++;
    return ceil_div(width, uram_shapes[shape].width) * ceil_div(depth, uram_shapes[shape].depth);
}

int64_t fcn_dsp_packed(int64_t multipliers, int64_t dsp_each, int a, int b)
{
    const int64_t per_dsp = a <= 4 && b <= 4 ? 4 : a <= 8 && b <= 8 ? 2 : 1;
    return ceil_div(multipliers * dsp_each, per_dsp);
}

/*
 * Newest upstream's queue_lutram_resource_model (LUTRAM_CONF_DEPTH: 32 words of 16 bits, 64 of 8): the
 * shallowest of the two shapes at least as deep as the buffer, 64-word units beyond; one bit more than
 * the word (upstream's width+1: the valid flag).
 */
int64_t fcn_lutram_queue(int64_t depth, int64_t width)
{
    if (depth <= 0 || width <= 0)
        return 0;
    const int64_t unit_depth = depth <= 32 ? 32 : 64, unit_width = depth <= 32 ? 16 : 8;
    return ceil_div(width + 1, unit_width) * ceil_div(depth, unit_depth);
}

static int64_t floor_log2_exact(int64_t x)
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

double fcn_log2(double x)
{
    return log(x) / log(2.0);
}

static int exact_power(int64_t x) { return x > 0 && x <= ((int64_t)1 << 28) && (x & (x - 1)) == 0; }

double fcn_log2_int(int64_t x)
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
static int integer_path(int64_t x) { return x > 0 && x < ((int64_t)1 << 40) && (x & (x - 1)) != 0; }

double fcn_floor_log2(int64_t x)
{
    if (integer_path(x) || exact_power(x))
        return (double)floor_log2_exact(x);
    return floor(fcn_log2((double)x));
}

double fcn_ceil_log2(int64_t x)
{
    if (exact_power(x))
        return (double)floor_log2_exact(x);
    if (integer_path(x))
        return (double)(floor_log2_exact(x) + 1);
    return ceil(fcn_log2((double)x));
}
