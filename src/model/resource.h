/* Internal: resource primitives shared by the modules and layers. */
#ifndef FCN_RESOURCE_H
#define FCN_RESOURCE_H

#include "fpgaconvnet.h"

/* The reference's log2: log(x)/log(2.0) in double precision (MODEL.md, notation). */
double fcn_log2(double x);
/* fcn_log2 of an integer, and floor and ceil of it: the same figures, faster. */
double fcn_log2_int(int64_t x);
double fcn_floor_log2(int64_t x);
double fcn_ceil_log2(int64_t x);

/*
 * int(dot(u, c)): a linear resource model fitted to synthesis results,
 * truncated toward zero. Inline, so that a module's constant coefficients
 * fold into its code (the zeros vanish); the sums keep their order.
 */
static inline int64_t linear_model(const double *utilisation, const double *coefficients, int n)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += utilisation[i] * coefficients[i];
    return (int64_t)sum;
}

/* LUT and FF from their linear models over the same utilisation vector, in one pass. */
static inline void linear_lut_ff(fcn_resource *r, const double *utilisation, int n, const double *lut,
                                 const double *ff)
{
    /* Adding u*0 changes no finite sum, and most coefficients are 0: skip them. */
    double lut_sum = 0.0, ff_sum = 0.0;
    for (int i = 0; i < n; i++) {
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
        r->lut += fcn_lutram_queue(depth, width) * count;
    else
        r->bram += fcn_bram_memory(depth, width) * count;
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
