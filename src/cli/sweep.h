/* Internal to `fpgaconvnet sweep`: the designs of a sweep, their Pareto front and its plot. */
#ifndef FCN_CLI_SWEEP_H
#define FCN_CLI_SWEEP_H

#include <stdint.h>
#include <stdio.h>

#include "fpgaconvnet.h"

/* The most batch sizes and allocations a sweep takes (their product is the number of searches). */
#define SWEEP_MAX_VALUES 6

/* One search of the sweep and, when it found one, its design's figures. */
typedef struct sweep_point {
    int64_t batch_size;
    double allocation;
    int found;            /* the search found a design that fits */
    double throughput;    /* inputs/s at batch_size */
    double latency_s;     /* of one batch */
    double share;         /* the largest share of any of the board's resources the design uses */
    int partitions;
    fcn_resource resource; /* the most any partition uses */
    int pareto;           /* no other design is at least as good on all three and better on one */
} sweep_point;

/* Marks the points on the front: highest throughput, lowest latency, smallest resource share. */
void sweep_mark_front(sweep_point *points, int count);
/* The plot of throughput against latency (both logarithmic), the front joined and filled. -1 on a write error. */
int sweep_plot_svg(FILE *out, const sweep_point *points, int count, const char *title);

#endif
