/* Resource primitives of MODEL.md §1: BRAM as RAM and as FIFO, DSP multipliers, linear models. */
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

double fcn_log2(double x)
{
    return log(x) / log(2.0);
}

int64_t linear_model(const double *utilisation, const double *coefficients, int n)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += utilisation[i] * coefficients[i];
    return (int64_t)sum;
}
