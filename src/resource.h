/* Internal: resource primitives shared by the modules and layers. */
#ifndef FCN_RESOURCE_H
#define FCN_RESOURCE_H

#include "fpgaconvnet.h"

/* The reference's log2: log(x)/log(2.0) in double precision (MODEL.md, notation). */
double fcn_log2(double x);

/* int(dot(u, c)): a linear resource model fitted to synthesis results, truncated toward zero. */
int64_t linear_model(const double *utilisation, const double *coefficients, int n);

static inline void resource_add_scaled(fcn_resource *sum, const fcn_resource *r, int64_t times)
{
    sum->lut += r->lut * times;
    sum->ff += r->ff * times;
    sum->dsp += r->dsp * times;
    sum->bram += r->bram * times;
}

#endif
