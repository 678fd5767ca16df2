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

/*
 * The area-time term (§2 of the doc): for each layer, the ways a design may hold it (a folding, a
 * weights-reloading factor, where its weights live) that no other way beats in every resource, each
 * as cost[r] = wr x latency x (resource r it takes) / (what a partition may use of r), OPT_* order.
 */
typedef struct bound_area {
    int layer_count;
    int *start;                    /* [layers + 1]: layer i's candidates are start[i] .. start[i+1]-1 */
    double (*cost)[OPT_RESOURCES]; /* [candidates] */
} bound_area;

/* One way of holding a layer, before the budgets weigh it: its weights-reloading factor x latency, and what it takes. */
typedef struct bound_way {
    double time;
    int64_t use[OPT_RESOURCES];
    int64_t wr;    /* the weights-reloading factor of the version */
    double reload; /* cycles a batch spends reloading its weights: (wr - 1) x its weights, if weighted */
} bound_way;

/* Every way of every layer, unpruned: layer i's are way[first[i]] .. way[first[i+1]-1] (none: it counts nothing). */
typedef struct bound_ways {
    int layer_count;
    int64_t *first;
    bound_way *way;
    unsigned char *weighted; /* [layers]: a CONVOLUTION or INNER_PRODUCT (that counts) */
} bound_ways;

/*
 * Fills `area` for the problem, and `ways` (may be NULL) with every way before the pruning; -1 when
 * some layer has no way to fit (the message names it and `board`).
 */
int bound_area_build(const opt_problem *pb, const char *board, bound_area *area, bound_ways *ways, fcn_error *err);
void bound_area_free(bound_area *area);
void bound_ways_free(bound_ways *ways);

/* The partitions term (§4 of the doc): the least latency of any cut, and its partitions. */
typedef struct bound_cut {
    double latency_s;
    int partitions;
} bound_cut;

/*
 * The least latency, in seconds, of a batch of `batch` through any cut of the layers into contiguous
 * partitions, each holding each of its layers in one of its `ways` and, for every resource, their
 * sum within `budget` and their mix by `weight` (>= 0, sum 1; a resource of budget 0 is not mixed)
 * within the whole, each partition taking `batch` x its slowest way's time cycles at `freq_hz`
 * and each after the first `reconf_s` more (optimise_bound_cuts.c). -1 when the network has too many
 * layers for the table (the term is then left out), no cut fits, or memory runs out.
 */
int bound_cuts(const bound_ways *ways, const int64_t budget[OPT_RESOURCES], const double weight[OPT_RESOURCES],
               double batch, double freq_hz, double reconf_s, bound_cut *out);

/* The term at weighting w: the sum over layers of the cheapest candidate's cost . w. */
double bound_area_value(const bound_area *area, const double w[OPT_RESOURCES]);

/*
 * The largest min_k cuts[k] . w over w >= 0 with sum w <= 1 (`count` cuts of `dims` non-negative
 * entries, row by row), into w, and that maximum; -1 when out of memory (optimise_bound_lp.c).
 */
double bound_cut_model(const double *cuts, int count, int dims, double *w);

/*
 * The largest term over weightings w >= 0 of sum 1 on the resources in `mask` (bits 1 << OPT_*; 0
 * elsewhere), into w, and its value: the best of `start` (may be NULL), a grid and cutting planes
 * (optimise_bound_mix.c). Every w gives a bound; the search only makes it tighter.
 */
double bound_area_best(const bound_area *area, unsigned mask, const double *start, double w[OPT_RESOURCES]);

#endif
