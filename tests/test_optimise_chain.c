/*
 * The optimiser's chain tree (src/optimise/optimise_chain.c): a chain partition's summary kept as its
 * layers change gives fcn_partition_summary_cached's figures bit for bit, on random designs of the
 * bundled networks (their chain partitions) and on every board's limits; the greedy pass gives the
 * same designs, in the same number of steps, with it as with the walk alone; and the greedy pass's
 * work grows about linearly with a chain's length (counted, never timed).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "optimise.h"
#include "optimise_util.h"

#define ZCU102 "../examples/platforms/zcu102.json"
#define U250 "../examples/platforms/u250.json"

/* The first field in which two summaries differ, or NULL. */
static const char *summary_difference(const fcn_partition_figures *a, const fcn_partition_figures *b)
{
    if (a->id != b->id || a->batch_size != b->batch_size || a->ports != b->ports || a->wr_factor != b->wr_factor)
        return "id, batch size, ports or wr factor";
    if ((a->wr_layer == NULL) != (b->wr_layer == NULL) || (a->wr_layer && strcmp(a->wr_layer, b->wr_layer) != 0))
        return "wr_layer";
    if (a->interval != b->interval || a->bottleneck != b->bottleneck)
        return "interval or bottleneck";
    if (a->pipeline_depth != b->pipeline_depth || a->size_wr != b->size_wr)
        return "pipeline depth or size_wr";
    if (a->latency_s != b->latency_s)
        return "latency";
    if (a->streams_in != b->streams_in || a->streams_out != b->streams_out || a->inputs != b->inputs ||
        a->outputs != b->outputs || a->workload_in != b->workload_in || a->workload_out != b->workload_out)
        return "memory streams, tensors or workloads";
    if (a->bandwidth_in != b->bandwidth_in || a->bandwidth_out != b->bandwidth_out)
        return "bandwidth";
    if (memcmp(&a->resource, &b->resource, sizeof a->resource) != 0 || a->operations != b->operations)
        return "resources or operations";
    if (a->layer_count != b->layer_count || a->edge_count != b->edge_count)
        return "layer or edge count";
    return NULL;
}

/* Compares the tree's summary of the partition it holds with the walk's, in d->summary. */
static int check_chain(const opt_chain *c, const opt_design *d, const opt_problem *pb, const char *what)
{
    fcn_partition_figures mine;
    opt_chain_summary(c, d, pb, &mine);
    const char *diff = summary_difference(&mine, &d->summary[c->p]);
    CHECK(diff == NULL);
    if (diff)
        fprintf(stderr, "%s, partition %d (layers %d..%d): %s differs (%lld %lld %lld %lld / %lld %lld %lld %lld)\n", what, c->p, c->s, c->e - 1, diff,
        (long long)mine.id, (long long)mine.batch_size, (long long)mine.ports, (long long)mine.wr_factor,
        (long long)d->summary[c->p].id, (long long)d->summary[c->p].batch_size, (long long)d->summary[c->p].ports, (long long)d->summary[c->p].wr_factor);
    return diff == NULL;
}

/* Random cuts (about one a dozen layers), ports, weights reloading and foldings. */
static void random_design(opt_design *d, opt_problem *pb, opt_rng *rng)
{
    opt_smallest_design(d, pb);
    const int n = pb->layer_count;
    int parts = 0;
    for (int i = 1; i < n; i++)
        if (opt_rng_below(rng, 12) == 0)
            d->start[++parts] = i;
    d->start[++parts] = n;
    d->partition_count = parts;
    d->ports = 1 + opt_rng_below(rng, pb->max_ports);
    for (int p = 0; p < parts; p++) {
        const int64_t most = opt_max_wr(pb, opt_wr_layer(pb, d->start[p], d->start[p + 1]));
        d->wr[p] = opt_divisor_at_most(most, 1 + opt_rng_below(rng, most));
    }
    opt_design_refresh_all(d, pb);
    for (int i = 0; i < n; i++) {
        int params[4];
        const int count = opt_fold_parameters(d, i, params);
        for (int k = 0; k < count; k++)
            if (opt_rng_below(rng, 2))
                opt_fold_set(d, i, params[k], opt_fold_random(d, pb, i, params[k], rng));
    }
    opt_design_refresh_all(d, pb);
}

/* Refolds one random layer of the partition c holds, by the walk and through the tree. */
static void refold_one(opt_chain *c, opt_design *d, opt_problem *pb, opt_rng *rng)
{
    const int i = c->s + (int)opt_rng_below(rng, c->e - c->s);
    int params[4];
    const int count = opt_fold_parameters(d, i, params);
    const int which = params[opt_rng_below(rng, count)];
    opt_touch t;
    if (opt_move_fold(d, i, which, opt_fold_random(d, pb, i, which, rng), &t))
        return;
    opt_design_refresh(d, pb, &t);
    opt_chain_update(c, d, pb, i);
}

/* Merges partition c->p with the next, by the walk, and grows the tree to match. */
static void merge_next(opt_chain *c, opt_design *d, opt_problem *pb)
{
    const int s = c->s, e = c->e;
    opt_touch t;
    if (opt_move_merge(d, pb, c->p, &t))
        return;
    opt_design_refresh(d, pb, &t);
    opt_chain_resize(c, d, pb, d->start[c->p + 1]);
    for (int i = s; i < e; i++) /* weights reloading may have changed them */
        opt_chain_update(c, d, pb, i);
}

/* Random designs of one network on one board: every chain partition, refolded and grown. */
static int compare_on(const fcn_network *model, const char *board, int64_t batch, const char *what)
{
    fcn_platform platform = load_platform(board);
    fcn_optimise_options o;
    fcn_optimise_options_init(&o);
    o.batch_size = batch;
    opt_problem pb;
    fcn_error err;
    if (opt_problem_init(&pb, model, &platform, &o, &err)) {
        fprintf(stderr, "%s: %s\n", what, err.message);
        CHECK(0);
        return 0;
    }
    opt_design d;
    opt_chain c;
    CHECK(opt_design_alloc(&d, &pb) == 0 && opt_chain_alloc(&c, pb.layer_count) == 0);
    opt_rng rng;
    opt_rng_seed(&rng, 7);
    int chains = 0;
    for (int round = 0; round < 4; round++) {
        random_design(&d, &pb, &rng);
        for (int p = 0; p < d.partition_count; p++) {
            if (!opt_chain_load(&c, &d, &pb, p))
                continue;
            chains++;
            int same = check_chain(&c, &d, &pb, what);
            for (int k = 0; k < 12 && same; k++) {
                refold_one(&c, &d, &pb, &rng);
                same = check_chain(&c, &d, &pb, what);
            }
            if (same && p + 1 < d.partition_count) {
                merge_next(&c, &d, &pb);
                if (opt_chain_valid(&c))
                    check_chain(&c, &d, &pb, what);
                opt_design_refresh_all(&d, &pb); /* a merge leaves the later partitions' ids as they were */
            }
        }
    }
    opt_chain_free(&c);
    opt_design_free(&d);
    opt_problem_free(&pb);
    return chains;
}

/* A chain of n ReLUs of 4 channels of 8x8, as bench/make_chain writes it; freed with free_chain. */
static fcn_network *relu_chain(int n)
{
    fcn_network *net = calloc(1, sizeof *net);
    fcn_partition *part = calloc(1, sizeof *part);
    fcn_layer *layers = calloc((size_t)n, sizeof *layers);
    char *names = calloc((size_t)n, 16);
    for (int i = 0; i < n; i++) {
        snprintf(names + 16 * i, 16, "relu%d", i);
        layers[i] = make_layer(names + 16 * i, FCN_RELU, 8, 4);
    }
    *part = (fcn_partition){.id = 0, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = n, .layers = layers};
    *net = (fcn_network){1, part};
    return net;
}

static void free_chain(fcn_network *net)
{
    free((char *)net->partitions[0].layers[0].name);
    free(net->partitions[0].layers);
    free(net->partitions);
    free(net);
}

/* The tree's figures are the walk's, on every chain partition the random designs make. */
static void test_summaries(void)
{
    const char *models[] = {"lenet", "tinyvgg", "alexnet", "vgg16", "resnet18", "mobilenet_v2"};
    const char *boards[] = {ZEDBOARD, ZC706, ZCU102, U250};
    int chains = 0;
    for (size_t m = 0; m < sizeof models / sizeof *models; m++) {
        fcn_network *model = load_model(models[m]);
        CHECK(model != NULL);
        for (size_t b = 0; model && b < sizeof boards / sizeof *boards; b++)
            chains += compare_on(model, boards[b], b % 2 ? 1 : 256, models[m]);
        fcn_network_free(model);
    }
    fcn_network *chain = relu_chain(40);
    chains += compare_on(chain, ZC706, 256, "relu chain");
    free_chain(chain);
    printf("%d chain partitions compared\n", chains);
    CHECK(chains > 150); /* the comparisons above were made, not skipped */
}

/* One greedy search of `model` on `board`, by the tree or by the walk alone. */
static void greedy(const fcn_network *model, const char *board, int dp, int walk_only, opt_problem *pb, opt_search *s)
{
    fcn_platform platform = load_platform(board);
    static fcn_optimise_options o;
    fcn_optimise_options_init(&o);
    o.optimiser = FCN_OPTIMISER_GREEDY;
    o.time_limit_s = 1e6;
    o.partition_by_dp = dp;
    fcn_error err;
    CHECK(opt_problem_init(pb, model, &platform, &o, &err) == 0);
    CHECK(opt_search_init(s, pb, &o) == 0);
    s->walk_only = walk_only;
    if (opt_search_run(s, &platform, &err))
        fprintf(stderr, "%s\n", err.message);
}

/* Whether the greedy pass takes the same steps to the same design with the tree as with the walk. */
static void compare_greedy(const fcn_network *model, const char *board, int dp, const char *what)
{
    opt_problem pb[2];
    opt_search s[2];
    greedy(model, board, dp, 0, &pb[0], &s[0]);
    greedy(model, board, dp, 1, &pb[1], &s[1]);
    const opt_snapshot *x = &s[0].best, *y = &s[1].best;
    const int same = x->latency_s == y->latency_s && x->partition_count == y->partition_count &&
                     x->ports == y->ports && s[0].iterations == s[1].iterations &&
                     memcmp(x->start, y->start, (size_t)(x->partition_count + 1) * sizeof *x->start) == 0 &&
                     memcmp(x->wr, y->wr, (size_t)x->partition_count * sizeof *x->wr) == 0 &&
                     memcmp(x->fold, y->fold, (size_t)pb[0].layer_count * sizeof *x->fold) == 0;
    CHECK(same);
    if (!same)
        fprintf(stderr, "%s on %s: the tree's design differs from the walk's\n", what, board);
    for (int k = 0; k < 2; k++) {
        opt_search_free(&s[k]);
        opt_problem_free(&pb[k]);
    }
}

static void test_same_designs(void)
{
    const char *models[] = {"lenet", "tinyvgg", "alexnet", "vgg16", "resnet18"};
    const char *boards[] = {ZEDBOARD, ZC706, U250};
    for (size_t m = 0; m < sizeof models / sizeof *models; m++) {
        fcn_network *model = load_model(models[m]);
        for (size_t b = 0; model && b < sizeof boards / sizeof *boards; b++)
            compare_greedy(model, boards[b], (int)((m + b) % 2), models[m]);
        fcn_network_free(model);
    }
    fcn_network *chain = relu_chain(60);
    compare_greedy(chain, ZC706, 0, "relu chain");
    compare_greedy(chain, ZEDBOARD, 1, "relu chain");
    free_chain(chain);
}

/* The reference: merge p and p + 1 of cand, sum the design again by the walk, keep it in cur or undo it. */
static void pack_one_at_a_time(opt_search *s)
{
    opt_design *d = &s->cand;
    for (int p = 0; p + 1 < d->partition_count;) {
        opt_touch t;
        opt_move_merge(d, s->pb, p, &t);
        s->iterations++;
        opt_design_refresh(d, s->pb, &t);
        if (d->misfits == 0 && d->latency_s <= s->cur.latency_s) {
            opt_design_sync(&s->cur, d, &t);
        } else {
            opt_design_sync(d, &s->cur, &t);
            p++;
        }
    }
}

/* opt_pack's design (through the tree) is the one-at-a-time merges', bit for bit. */
static void compare_pack(const fcn_network *model, const char *board, int64_t batch, const char *what)
{
    fcn_platform platform = load_platform(board);
    fcn_optimise_options o;
    fcn_optimise_options_init(&o);
    o.batch_size = batch;
    o.time_limit_s = 1e6;
    opt_problem pb[2];
    opt_search s[2];
    fcn_error err;
    for (int k = 0; k < 2; k++) {
        CHECK(opt_problem_init(&pb[k], model, &platform, &o, &err) == 0);
        CHECK(opt_search_init(&s[k], &pb[k], &o) == 0);
        opt_smallest_design(&s[k].cur, &pb[k]);
        opt_design_copy(&s[k].cand, &s[k].cur, &pb[k]);
    }
    opt_pack(&s[0]);
    pack_one_at_a_time(&s[1]);
    const opt_design *x = &s[0].cur, *y = &s[1].cur;
    int same = x->partition_count == y->partition_count && x->latency_s == y->latency_s &&
               x->misfits == y->misfits && s[0].iterations == s[1].iterations &&
               memcmp(x->start, y->start, (size_t)(x->partition_count + 1) * sizeof *x->start) == 0 &&
               memcmp(x->wr, y->wr, (size_t)x->partition_count * sizeof *x->wr) == 0;
    for (int p = 0; same && p < x->partition_count; p++)
        same = x->summary[p].latency_s == y->summary[p].latency_s && x->fits[p] == y->fits[p];
    for (int i = 0; same && i < pb[0].layer_count; i++)
        same = x->figures[i].latency == y->figures[i].latency && x->layer[i].channels == y->layer[i].channels &&
               x->layer[i].filters == y->layer[i].filters;
    CHECK(same);
    if (!same)
        fprintf(stderr, "%s on %s, batch %lld: packed into %d partitions (%.17g s), one at a time %d (%.17g s)\n",
                what, board, (long long)batch, x->partition_count, x->latency_s, y->partition_count, y->latency_s);
    for (int k = 0; k < 2; k++) {
        opt_search_free(&s[k]);
        opt_problem_free(&pb[k]);
    }
}

static void test_pack(void)
{
    const char *models[] = {"lenet", "tinyvgg", "alexnet", "vgg16", "resnet18", "resnet50", "mobilenet_v2"};
    const char *boards[] = {ZEDBOARD, ZC706, ZCU102, U250};
    for (size_t m = 0; m < sizeof models / sizeof *models; m++) {
        fcn_network *model = load_model(models[m]);
        for (size_t b = 0; model && b < sizeof boards / sizeof *boards; b++) {
            compare_pack(model, boards[b], 256, models[m]);
            compare_pack(model, boards[b], 1, models[m]);
        }
        fcn_network_free(model);
    }
    fcn_network *chain = relu_chain(300);
    compare_pack(chain, ZEDBOARD, 256, "relu chain");
    compare_pack(chain, ZC706, 1, "relu chain");
    free_chain(chain);
}

/* The greedy pass's designs and summed layers on a chain of n ReLUs (reconfiguration `reconf` s). */
static void chain_work(int n, double reconf, int64_t *designs, int64_t *summed)
{
    fcn_network *chain = relu_chain(n);
    fcn_platform platform = load_platform(ZC706);
    fcn_optimise_options o;
    fcn_optimise_options_init(&o);
    o.optimiser = FCN_OPTIMISER_GREEDY;
    o.time_limit_s = 1e6;
    o.reconf_time_s = reconf;
    opt_problem pb;
    opt_search s;
    fcn_error err;
    CHECK(opt_problem_init(&pb, chain, &platform, &o, &err) == 0);
    CHECK(opt_search_init(&s, &pb, &o) == 0);
    CHECK(opt_search_run(&s, &platform, &err) == 0);
    *designs = s.iterations;
    *summed = pb.layers_summed;
    opt_search_free(&s);
    opt_problem_free(&pb);
    free_chain(chain);
}

/*
 * Ten times the layers costs at most twice ten times the designs and summing work (the tree's
 * updates cost a logarithm more each; the split points tried per partition are bounded). Before
 * the tree and the bounds, the designs grew with the square of the layers and the work with the cube.
 */
static void test_scaling(void)
{
    const double reconf[] = {-1, 0}; /* the board's 82.55 ms (no split can pay), and none (splits tried) */
    for (int r = 0; r < 2; r++) {
        int64_t designs[2], summed[2];
        chain_work(50, reconf[r], &designs[0], &summed[0]);
        chain_work(500, reconf[r], &designs[1], &summed[1]);
        CHECK(designs[0] > 50 && summed[0] > 50);
        printf("reconfiguration %g s: designs %lld -> %lld, layers summed %lld -> %lld\n", reconf[r],
               (long long)designs[0], (long long)designs[1], (long long)summed[0], (long long)summed[1]);
        CHECK(designs[1] <= 20 * designs[0]);
        CHECK(summed[1] <= 20 * summed[0]);
    }
}

int main(void)
{
    test_summaries();
    test_same_designs();
    test_pack();
    test_scaling();
    return check_summary("test_optimise_chain");
}
