/*
 * Internal to the optimiser's bound (docs/OPTIMISER-BOUND.md): what each layer of the problem asks
 * of the board, whatever its folding, and the cheapest cut into partitions that its weights allow.
 */
#ifndef FCN_OPTIMISE_BOUND_H
#define FCN_OPTIMISE_BOUND_H

#include "optimise.h"

/* One model layer, as the bound sees it. */
typedef struct bound_layer {
    double macs;                 /* multiply-accumulates per input (0 without weights) */
    double pixels;               /* the most of its input and output pixels: a layer takes one a cycle at most */
    double cost[FCN_BOUND_PIXELS]; /* what each multiplier needs at least, in fcn_bound_limit's order */
    int64_t weights;             /* its weights (0 without) */
    int64_t max_wr;              /* the largest weights-reloading factor it admits (filters / groups) */
    double memory;               /* what its weights take at least of bound_memory's capacity (0: not counted) */
} bound_layer;

/*
 * On-chip memory for weights: without URAM, BRAM blocks of the layer's width; with URAM, bits, as
 * each layer's weights may go in either (docs/OPTIMISER-BOUND.md §3).
 */
typedef struct bound_memory {
    int in_bits;
    double capacity; /* what a partition may use: blocks, or bits */
} bound_memory;

/*
 * The cheapest reconfigurations and weights reloading that let every partition hold its weights
 * (§3 of the doc), in seconds: into *seconds, with the partitions and how many reload. -1 when no
 * cut holds them, with the message (naming the board `board`).
 */
int bound_forced(const opt_problem *pb, const bound_layer *layers, const bound_memory *memory, const char *board,
                 double *seconds,
                 int *partitions, int *reloads, fcn_error *err);

#endif
