/*
 * Resource primitives of MODEL.md §1: BRAM as RAM and as FIFO, DSP multipliers, linear models; URAM,
 * packed DSPs and LUTRAM (docs/MODEL-WIDTHS.md).
 */
#include "resource.h"

#include <math.h>

static int64_t ceil_div(int64_t a, int64_t b) { return resource_ceil_div(a, b); }

int64_t fcn_bram_memory(int64_t depth, int width) { return bram_memory(depth, width); }

int64_t fcn_bram_stream(int64_t depth, int width) { return bram_stream(depth, width); }

int64_t fcn_dsp_mult(int a, int b) { return dsp_mult(a, b); }

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

int64_t fcn_lutram_queue(int64_t depth, int64_t width) { return lutram_queue(depth, width); }


