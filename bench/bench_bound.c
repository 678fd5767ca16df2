/*
 * Times the optimiser's bound (docs/OPTIMISER-BOUND.md): bench_bound PLATFORM MODEL.onnx...
 * Prints, per model, the median seconds of fcn_optimise_bound over 3 runs (throughput, batch 256,
 * allocation 0.8), the bound, what binds, the area-time bound (B x C / f + F) and the multipliers' terms
 * alone (what the bound was before the area-time term), the partitions term's latency and cut, and each
 * resource's share of the area-time term.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fpgaconvnet.h"

#define RUNS 3

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The bound's cycles per input with the multipliers' terms in place of the area-time term. */
static double multipliers_only(const fcn_bound *b)
{
    double most = b->limit_cycles[FCN_BOUND_PIXELS];
    for (int r = 0; r < FCN_BOUND_PIXELS; r++)
        most = b->multiplier_cycles[r] > most ? b->multiplier_cycles[r] : most;
    return most;
}

static int bench(const char *path, const fcn_platform *platform)
{
    fcn_error err;
    fcn_network *model = fcn_onnx_parse(path, NULL, &err);
    if (!model) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    fcn_optimise_options o;
    fcn_optimise_options_init(&o);
    fcn_bound b;
    double best = 0;
    for (int run = 0; run < RUNS; run++) {
        const double t0 = now_s();
        if (fcn_optimise_bound(model, platform, &o, &b, &err)) {
            fprintf(stderr, "%s: %s\n", path, err.message);
            fcn_network_free(model);
            return 1;
        }
        const double t = now_s() - t0;
        best = run == 0 || t < best ? t : best;
    }
    const double old_throughput = (double)b.batch_size /
                                  ((double)b.batch_size * multipliers_only(&b) / (platform->freq_mhz * 1e6) + b.forced_s);
    const double area_throughput = (double)b.batch_size / (b.compute_s + b.forced_s);
    printf("%s: %.3f s, bound %.5g inputs/s (%s binds), area-time %.5g, multipliers alone %.5g; partitions %.5g s "
           "(%d); cycles: area %.6g, multipliers %.6g; shares LUT %.2f FF %.2f DSP %.2f BRAM %.2f\n",
           path, best, b.throughput, b.partitions_bind ? "partitioning" : fcn_bound_limit_name(b.binds),
           area_throughput, old_throughput, b.partitions_s, b.partitions_count, b.area_cycles, multipliers_only(&b),
           b.area_share[FCN_BOUND_LUT], b.area_share[FCN_BOUND_FF], b.area_share[FCN_BOUND_DSP],
           b.area_share[FCN_BOUND_BRAM]);
    fcn_network_free(model);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_bound PLATFORM MODEL.onnx...\n");
        return 2;
    }
    fcn_platform platform;
    fcn_error err;
    if (fcn_platform_read(argv[1], &platform, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    int status = 0;
    for (int k = 2; k < argc; k++)
        status |= bench(argv[k], &platform);
    return status;
}
