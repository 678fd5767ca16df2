/*
 * Internal to the optimiser: the problem (the model's layers in network order, the board's limits),
 * a design (foldings, partitions, weights reloading, ports) with its figures kept
 * layer by layer, and the moves and searches over designs.
 */
#ifndef FCN_OPTIMISE_H
#define FCN_OPTIMISE_H

#include "fpgaconvnet.h"
#include "optimise_random.h"

/*
 * Where a weighted layer's weights live on a board with URAM: as the layer alone would have them
 * (optimise_design.c's rule), or where its partition needs them (the greedy pass moves them when one
 * memory alone stops the bottleneck, the polish prices both).
 */
enum { OPT_PLACE_AUTO, OPT_PLACE_URAM, OPT_PLACE_BRAM };

/*
 * The folding factors of one layer, and where its weights live (OPT_PLACE_*; 0 = AUTO, so {1, 1, 1, 1}
 * is folding 1 placed by the rule). Layers with one coarse factor (all but CONVOLUTION,
 * INNER_PRODUCT) use coarse_in.
 */
typedef struct opt_fold {
    int64_t coarse_in, coarse_out, coarse_group, fine;
    int64_t place;
} opt_fold;

/* Folding 1, the weights placed by the rule: where every search starts a layer. */
#define OPT_FOLD_ONE ((opt_fold){1, 1, 1, 1, OPT_PLACE_AUTO})

/* The divisors of the numbers a search meets, computed once (optimise_fold.c). */
typedef struct opt_divisor_cache opt_divisor_cache;
opt_divisor_cache *opt_divisor_cache_new(void);
void opt_divisor_cache_free(opt_divisor_cache *cache);

/* What narrowing a model's forks and joins allocated (optimise_narrow.c); all NULL when nothing was narrowed. */
typedef struct opt_narrowed {
    int count, slots;
    fcn_layer *layers;  /* the narrowed model (the problem's `model`, freed with it) */
    int **inputs;       /* [count]: each layer's `inputs` */
    char **names;       /* [slots]: the names of the new layers */
    int64_t **channels; /* [slots]: the new CONCATs' port_channels */
} opt_narrowed;

/* The resources a partition must fit, in fcn_resource's order; URAM last (0 on most boards). */
enum { OPT_LUT, OPT_FF, OPT_DSP, OPT_BRAM, OPT_URAM, OPT_RESOURCES };

/* What stays fixed during a search (but for its counters and caches). */
typedef struct opt_problem {
    int layer_count;
    fcn_layer *model;         /* network order, the model's dims; strings and arrays borrowed from the caller's */
    int *last_weighted;       /* [i]: the last CONVOLUTION or INNER_PRODUCT at or before layer i, else -1 */
    int *consumer_start;      /* [i] .. [i+1]-1: where layer i's readers are in `consumers` */
    int *consumers;           /* the layers reading each layer, per input port, in network order */
    int *chain_start;         /* [i]: the first k such that each of k+1..i reads only its predecessor, not a join */
    int *last_use;            /* [i]: the last layer reading layer i; INT_MAX if a port of it is a network output */
    fcn_eval_options eval;    /* clock, reconfiguration time, batch size */
    double allocation;
    int64_t have[OPT_RESOURCES];  /* the platform's LUT, FF, DSP, BRAM, URAM */
    double limit[OPT_RESOURCES];  /* what a partition may use: allocation x have */
    double mem_bandwidth_gbs; /* 0: no limit */
    int64_t max_ports, port_width, words_per_port;
    int one_partition;
    int64_t layer_evaluations; /* counted as the search goes */
    int64_t layers_summed;    /* the work of summing partitions: layers walked, chain leaves set (tests) */
    opt_divisor_cache *divisors;
    opt_narrowed narrowed;
} opt_problem;

/*
 * A design and its figures. Partitions are contiguous ranges of the network order.
 * layer[i] is model layer i as partition p holds it: weights reloading applied
 * (the wr layer's filters and every later layer's channels divided by wr[p]),
 * fold[i] applied. figures[i] = fcn_layer_evaluate(&layer[i]) at all times.
 */
typedef struct opt_design {
    int partition_count;
    int64_t ports;
    int *start;                     /* [layers + 1]: partition p holds start[p] .. start[p+1]-1 */
    int64_t *wr;                    /* [layers]: per partition */
    opt_fold *fold;                 /* [layers] */
    fcn_layer *layer;               /* [layers] */
    fcn_layer_figures *figures;     /* [layers] */
    unsigned char *placed;          /* [layers]: the fold's place that layer[i] and figures[i] were derived with */
    fcn_partition_figures *summary; /* [layers]: per partition */
    unsigned char *fits;            /* [layers]: per partition */
    double latency_s;               /* the network's */
    int misfits;                    /* partitions that do not fit */
} opt_design;

/*
 * What a move changed: layers [layer_lo, layer_hi) to derive again, partitions [part_lo, part_hi) to
 * sum again. `structure`: boundaries, count or ports changed, so a sync copies every partition's entries.
 */
typedef struct opt_touch {
    int layer_lo, layer_hi;
    int part_lo, part_hi;
    int structure;
} opt_touch;

/* A chain partition's summary kept as its layers change (optimise_chain.c, below). */
typedef struct opt_chain opt_chain;

/*
 * Where layer i's weights may live, into places: BRAM and URAM for a weighted layer on a board with
 * URAM, else only by the rule (optimise_design.c). How many.
 */
int opt_placements(const opt_problem *pb, int i, int64_t places[2]);

/* ---- problem (optimise_problem.c) */
int opt_problem_init(opt_problem *pb, const fcn_network *model, const fcn_platform *platform,
                     const fcn_optimise_options *opts, fcn_error *err);
void opt_problem_free(opt_problem *pb);
/*
 * The weights-reloading layer of the partition of layers start..end-1 (its last CONVOLUTION or
 * INNER_PRODUCT), or -1 when it has none or may not reload weights (MODEL-DAG §8.6).
 */
int opt_wr_layer(const opt_problem *pb, int start, int end);
/* How many input ports of layers before `end` read layer i. */
int opt_inner_consumers(const opt_problem *pb, int i, int end);
/* The largest weights-reloading factor layer w admits: filters / groups (1 for a layer without weights). */
int64_t opt_max_wr(const opt_problem *pb, int w);

/*
 * Replaces every SPLIT wider than the ports by a chain of narrower ones, and every CONCAT or
 * (non-broadcasting) ELTWISE likewise, so that each layer alone meets the ports (optimise_narrow.c).
 * Nothing changes without reconfiguration, with one port, or when nothing is wider.
 */
int opt_narrow(opt_problem *pb, opt_narrowed *out, fcn_error *err);
void opt_narrowed_free(opt_narrowed *n);

/* ---- designs (optimise_design.c) */
int opt_design_alloc(opt_design *d, const opt_problem *pb);
void opt_design_free(opt_design *d);
/* Copies everything; both were allocated for the same problem. */
void opt_design_copy(opt_design *to, const opt_design *from, const opt_problem *pb);
/* Copies layers lo..hi-1 (folding, parameters, figures). */
void opt_design_copy_layers(opt_design *to, const opt_design *from, int lo, int hi);
/* Copies what `touch` names, as a move changed it in `from`. */
void opt_design_sync(opt_design *to, const opt_design *from, const opt_touch *touch);
/* Re-derives the touched layers (re-evaluating those whose parameters changed) and partitions, and the totals. */
void opt_design_refresh(opt_design *d, opt_problem *pb, const opt_touch *touch);
/* Re-derives layers lo..hi-1 of partition p, whose wr layer is w (re-evaluating those whose parameters changed). */
void opt_design_materialise(opt_design *d, opt_problem *pb, int p, int w, int lo, int hi);
/* Sums partition p again: from c when it holds p as a chain, else by fcn_partition_summary_cached's walk. */
void opt_design_sum(opt_design *d, opt_problem *pb, int p, const opt_chain *c);
/* The network's latency and misfits from the partitions' summaries. */
void opt_design_totals(opt_design *d, const opt_problem *pb);
/* opt_design_sum, then the totals. */
void opt_design_settle(opt_design *d, opt_problem *pb, int p, const opt_chain *c);
/* Everything, from fold, start, wr and ports. */
void opt_design_refresh_all(opt_design *d, opt_problem *pb);
/* The partition holding layer i. */
int opt_partition_of(const opt_design *d, int i);
/* A touch of every layer and partition. */
opt_touch opt_touch_all(const opt_design *d, const opt_problem *pb);
/* The largest divisor of n that is at most limit (at least 1). */
int64_t opt_divisor_at_most(int64_t n, int64_t limit);

/* ---- what sets a partition's interval (optimise_elements.c) */
/*
 * A layer, or the squeeze the model inserts between layers a and b whose streams differ (a = -1: at
 * input port `port` of b, from memory; b = -1: at output port `port` of a, to memory).
 */
typedef enum { OPT_LAYER, OPT_SQUEEZE } opt_element_kind;
typedef struct opt_element {
    opt_element_kind kind;
    int a, b, port;
} opt_element;
typedef void opt_element_visit(void *user, const opt_element *e);
/*
 * Layer i's elements as partition s..e-1 holds it, in the order fcn_partition_summary counts them
 * (its input squeezes, the layer, its output squeezes to memory): the summary's bottleneck indexes them.
 */
void opt_layer_elements(const opt_design *d, const opt_problem *pb, int s, int e, int i, opt_element_visit *visit,
                        void *user);
double opt_element_latency(const opt_design *d, const opt_element *e);
/* The streams a tensor of `channels` takes through memory, from a layer side with `streams` streams. */
int64_t opt_memory_streams(const opt_design *d, int64_t channels, int64_t streams);
/* The channels on output port q of layer a (only a CHOP's ports differ). */
int64_t opt_output_channels(const opt_design *d, int a, int q);
/* A visitor that keeps the target'th element it is shown (counting in `seen`). */
typedef struct opt_element_find {
    int target, seen;
    opt_element hit;
} opt_element_find;
void opt_element_count(void *user, const opt_element *e);

/* ---- a chain partition's summary, kept as its layers change (optimise_chain.c) */
typedef struct opt_chain_node {
    double slowest;          /* the slowest element's latency */
    int count, slowest_at;   /* elements; the first slowest one's index among them */
    int breaks;              /* layers that do not keep the partition a chain */
    fcn_resource resource;
    int64_t operations, depth;
    int64_t size_wr;         /* the weights-reloading layer's weights, 0 if it is not here */
} opt_chain_node;
struct opt_chain {
    int leaves;              /* a power of two, at least the layers */
    opt_chain_node *node;    /* [2 * leaves]: 1 the root, leaves + i layer i's (empty outside the partition) */
    int p, s, e, w;          /* the partition held (-1: none), its layers s..e-1, its wr layer */
};
int opt_chain_alloc(opt_chain *c, int layers);
void opt_chain_free(opt_chain *c);
/* Holds partition p of d; 1 if it is a chain (else its summary is the walk's to make). */
int opt_chain_load(opt_chain *c, const opt_design *d, opt_problem *pb, int p);
int opt_chain_valid(const opt_chain *c);
/* After layer i's figures changed. */
void opt_chain_update(opt_chain *c, const opt_design *d, opt_problem *pb, int i);
/* The partition held now ends before layer e (d->start need not say so yet); 1 if still a chain. */
int opt_chain_resize(opt_chain *c, const opt_design *d, opt_problem *pb, int e);
/* fcn_partition_summary_cached's figures of the partition held, valid only if it is a chain. */
void opt_chain_summary(const opt_chain *c, const opt_design *d, const opt_problem *pb, fcn_partition_figures *out);
/* The index'th element of the partition held, the summary's bottleneck's numbering. */
opt_element opt_chain_element(const opt_chain *c, const opt_design *d, const opt_problem *pb, int index);

/* ---- constraints (optimise_constraints.c) */
/* Whether partition p's figures satisfy every limit. */
int opt_partition_fits(const opt_problem *pb, const fcn_partition_figures *f);
/* The smallest design: every folding 1, each layer its own partition, the largest wr factors, one port. */
void opt_smallest_design(opt_design *d, opt_problem *pb);
/* Fails, naming the platform's resource the smallest design exceeds and by how much, if nothing fits. */
int opt_check_smallest(const opt_design *smallest, const opt_problem *pb, const char *platform, fcn_error *err);

/* ---- folding (optimise_fold.c) */
/* The folding parameters of layer i that can change: 0 coarse_in, 1 coarse_out, 2 coarse_group, 3 fine. */
int opt_fold_parameters(const opt_design *d, int i, int out[4]);
/* The next feasible value of parameter `which` of layer i above (dir > 0) or below (dir < 0) the current; 0 if none. */
int64_t opt_fold_step(const opt_design *d, opt_problem *pb, int i, int which, int dir);
/* The feasible values of parameter `which` of layer i, ascending, into out (at most max); how many. */
int opt_fold_values(const opt_design *d, opt_problem *pb, int i, int which, int64_t *out, int max);
/* A random feasible value of parameter `which` of layer i. */
int64_t opt_fold_random(const opt_design *d, opt_problem *pb, int i, int which, opt_rng *rng);
/*
 * What coarse_in of a layer must divide: its channels per group, or for a CONCAT the greatest common
 * divisor of its ports' channels (every port carries the one coarse factor).
 */
int64_t opt_coarse_in_span(const fcn_layer *l);
/* The divisors of n in increasing order into out, at most `room` of them (512 hold any dimension's); how many. */
int opt_divisors(int64_t n, int64_t *out, int room);
/* The feasible fine factors of a layer's kernel in increasing order (at most OPT_FINE_VALUES); how many. */
#define OPT_FINE_VALUES 8
int opt_fine_values(const fcn_layer *l, int64_t out[OPT_FINE_VALUES]);
/* Sets parameter `which` of fold[i] (the rest is repaired by the refresh). */
void opt_fold_set(opt_design *d, int i, int which, int64_t value);
/* Every folding of partitions [p_lo, p_hi) back to 1. */
void opt_fold_reset(opt_design *d, int p_lo, int p_hi);
/* The next feasible weights-reloading factor of partition p above/below the current; 0 if none. */
int64_t opt_wr_step(const opt_design *d, opt_problem *pb, int p, int dir);

/* ---- structural moves (optimise_moves.c); each fills `touch` and returns 0, or -1 if it does not apply */
int opt_move_split(opt_design *d, const opt_problem *pb, int p, int edge, opt_touch *touch);
int opt_move_merge(opt_design *d, const opt_problem *pb, int p, opt_touch *touch);
/* Moves the boundary between p and p+1 by `shift` layers (negative: towards p's start). */
int opt_move_shift(opt_design *d, const opt_problem *pb, int p, int shift, opt_touch *touch);
int opt_move_wr(opt_design *d, const opt_problem *pb, int p, int64_t wr, opt_touch *touch);
int opt_move_ports(opt_design *d, const opt_problem *pb, int64_t ports, opt_touch *touch);
int opt_move_fold(opt_design *d, int i, int which, int64_t value, opt_touch *touch);
/* A random move of any kind; -1 when the one drawn does not apply. */
int opt_move_random(opt_design *d, opt_problem *pb, opt_rng *rng, opt_touch *touch);

/* ---- searches (optimise_search.c, optimise_greedy.c, optimise_anneal.c) */

/* A design's parameters alone: enough to rebuild it with opt_design_refresh_all. */
typedef struct opt_snapshot {
    int partition_count;
    int64_t ports;
    int *start;
    int64_t *wr;
    opt_fold *fold;
    double latency_s;
    fcn_resource resource; /* max over partitions */
} opt_snapshot;

/* What parallel searches share (optimise_threads.c): the stop flag, the best so far, the progress. */
typedef struct opt_shared opt_shared;
/* Whether some search or the callback asked every search to stop. */
int opt_shared_stopped(opt_shared *shared);

typedef struct opt_search {
    opt_problem *pb;
    const fcn_optimise_options *opts;
    opt_shared *shared; /* NULL for a search alone */
    opt_design cur, cand; /* the accepted design, and the one a move is tried on */
    opt_snapshot best;
    opt_rng rng;
    double start_time, deadline;
    double start_objective; /* the smallest design's */
    int64_t iterations;
    int stopped, stopped_by_time;
    int partition_by_dp; /* the greedy pass also tries opt_partition_dp's cuts (a second strategy) */
    int rule_placement;  /* weights only where each layer's rule puts them: no memory moves (a third) */
    int jumps_left; /* in opt_polish: how many more times a bottleneck no step up helps may jump (opt_jump) */
    opt_chain chain; /* the partition the greedy pass refolds or packs, when it is a chain */
    int walk_only;   /* tests: every summary by the walk, to compare with the chain's */
} opt_search;

int opt_search_init(opt_search *s, opt_problem *pb, const fcn_optimise_options *opts);
void opt_search_free(opt_search *s);
/* Seconds on a monotonic clock. */
double opt_now(void);
/* Whether the search must stop: the time limit has passed, or the callback asked. Reads the clock. */
int opt_search_should_stop(opt_search *s);
/* Keeps cur as the best design if it fits and is better. */
void opt_search_note(opt_search *s);
/* Rebuilds the best design into d. */
void opt_search_restore_best(opt_search *s, opt_design *d);
/* Hands the callback where the search stands; sets s->stopped when it asks to stop. */
void opt_search_report(opt_search *s, const char *phase, double temperature);
/* The objective's value (throughput or latency) of a network latency. */
double opt_objective(const opt_search *s, double latency_s);

void opt_greedy(opt_search *s);
/*
 * Merges neighbours, left to right, while the merged partition fits at folding 1 and the design is no
 * slower (optimise_pack.c): from cur, into cur.
 */
void opt_pack(opt_search *s);
/* Raises partition p's foldings, its bottleneck first, while it fits (the greedy pass's step). */
void opt_fold_up(opt_search *s, opt_design *d, int p);
/*
 * The end of every search (optimise_rebalance.c): the best design, each partition's foldings raised
 * again where a bottleneck may jump (opt_jump), then rebalanced (opt_rebalance) and raised again while
 * that frees resources. No partition gets slower.
 */
void opt_polish(opt_search *s);
/*
 * Cuts the network at block boundaries by dynamic programming over the partitions' latencies
 * (optimise_partition.c); takes the design into cur if it is faster. 1 if taken.
 */
int opt_partition_dp(opt_search *s);
/*
 * After a move: widens `t` to whole partitions and raises their foldings again, bottleneck
 * first, as the greedy pass does (from 1, unless keep_folding).
 */
void opt_refold(opt_search *s, opt_design *d, opt_touch *t, int keep_folding);
void opt_anneal(opt_search *s);
/*
 * Partition p's foldings chosen again for its interval: each layer takes the folding that spends the
 * least of the partition's scarcest resources while its latency stays within the interval
 * (optimise_rebalance.c). 1 if it freed resources; the interval never grows.
 */
int opt_rebalance(opt_search *s, opt_design *d, int p);
/*
 * Layer i of partition p takes the cheapest folding, priced as opt_rebalance prices them, that is
 * faster than `latency` and keeps the partition within its allowance, however far from its current
 * one (the greedy pass's steps are one value up). 1 if it found one; else nothing changes.
 */
int opt_jump(opt_search *s, opt_design *d, int p, int i, double latency);


/*
 * One search: from the smallest design (which must fit: else the message), greedy and/or annealing as
 * the options say, ending with the progress report "done" (optimise.c).
 */
int opt_search_run(opt_search *s, const fcn_platform *platform, fcn_error *err);
/* The best design of a search as a verified configuration, its objective in stats (optimise.c). */
fcn_network *opt_search_result(opt_search *s, const fcn_platform *platform, fcn_optimise_stats *stats,
                               fcn_error *err);
/* fcn_optimise with opts->threads > 1 searches, seeds seed, seed + 1, ... (optimise_threads.c). */
fcn_network *opt_optimise_threads(const fcn_network *model, const fcn_platform *platform,
                                  const fcn_optimise_options *opts, fcn_optimise_stats *stats, fcn_error *err);

/* ---- the result (optimise_result.c) */
/* The design as a configuration that owns its strings. NULL when out of memory. */
fcn_network *opt_design_network(const opt_design *d, const opt_problem *pb);
/* That a result passes fcn_network_check and fcn_validate with the search's allocation. */
int opt_verify(const fcn_network *net, const opt_problem *pb, const fcn_platform *platform, fcn_error *err);

#endif
