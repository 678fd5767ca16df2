/*
 * The optimiser's polish (src/optimise/optimise_rebalance.c): rebalancing a partition keeps its
 * interval and its fit and frees what a layer holds beyond the interval's need (worked by hand on
 * a two-layer partition); a jump makes a layer faster within the allowance, or changes nothing
 * when nothing is fast enough; polishing never makes the best design slower, and it stays valid.
 */
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "optimise.h"
#include "optimise_util.h"

typedef struct fixture {
    fcn_network *model;
    fcn_platform platform;
    fcn_optimise_options opts;
    opt_problem pb;
    opt_search s;
} fixture;

static int fixture_open(fixture *f, const char *model, const char *platform)
{
    fcn_error err;
    memset(f, 0, sizeof *f);
    f->model = load_model(model);
    f->platform = load_platform(platform);
    fcn_optimise_options_init(&f->opts);
    f->opts.iterations = 2000;
    if (!f->model || opt_problem_init(&f->pb, f->model, &f->platform, &f->opts, &err)) {
        fprintf(stderr, "%s\n", f->model ? err.message : "no model");
        CHECK(0);
        return -1;
    }
    if (opt_search_init(&f->s, &f->pb, &f->opts)) {
        CHECK(0);
        return -1;
    }
    opt_smallest_design(&f->s.cur, &f->pb); /* where every search starts (opt_search_run) */
    return 0;
}

static void fixture_close(fixture *f)
{
    opt_search_free(&f->s);
    opt_problem_free(&f->pb);
    fcn_network_free(f->model);
}

/* Every layer's figures are its parameters' (the design keeps them so at all times). */
static void check_figures_current(const opt_design *d, const opt_problem *pb)
{
    for (int i = 0; i < pb->layer_count; i++) {
        fcn_layer_figures fresh;
        fcn_layer_evaluate(&d->layer[i], &fresh);
        CHECK(fresh.latency == d->figures[i].latency);
        CHECK(memcmp(&fresh.resource, &d->figures[i].resource, sizeof fresh.resource) == 0);
    }
}

/* The first partition of `d` that holds a CONVOLUTION followed by a RELU, merged into one if need be. */
static int conv_relu_partition(opt_design *d, opt_problem *pb, int *conv)
{
    for (int i = 0; i + 1 < pb->layer_count; i++)
        if (pb->model[i].type == FCN_CONVOLUTION && pb->model[i + 1].type == FCN_RELU) {
            const int p = opt_partition_of(d, i);
            if (opt_partition_of(d, i + 1) != p) {
                opt_touch t;
                CHECK(opt_move_merge(d, pb, p, &t) == 0);
                opt_design_refresh(d, pb, &t);
            }
            opt_touch t;
            CHECK(opt_move_wr(d, pb, p, 1, &t) == 0); /* the smallest design reloads weights: not here */
            opt_design_refresh(d, pb, &t);
            *conv = i;
            return p;
        }
    return -1;
}

/*
 * LeNet's first convolution and its ReLU in one partition without weights reloading, the ReLU at its
 * widest coarse: the
 * convolution at folding 1 sets the interval, so the ReLU needs only the smallest coarse factor
 * whose latency rows x cols x channels / coarse is within it.
 */
static void test_rebalance_by_hand(void)
{
    fixture f;
    if (fixture_open(&f, "lenet", ZEDBOARD))
        return;
    opt_design *d = &f.s.cur;
    int conv = 0;
    const int p = conv_relu_partition(d, &f.pb, &conv);
    CHECK(p >= 0);
    const int relu = conv + 1;
    const fcn_layer *r = &d->layer[relu];
    const int64_t words = r->rows * r->cols * r->channels;
    opt_fold_set(d, relu, 0, r->channels);
    opt_touch t = {relu, relu + 1, p, p + 1, 0};
    opt_design_refresh(d, &f.pb, &t);
    CHECK(d->fits[p]);
    const double interval = d->summary[p].interval;
    CHECK(interval == d->figures[conv].latency); /* the convolution is the bottleneck */
    int64_t expect = 0;
    for (int64_t c = 1; c <= r->channels && !expect; c++)
        if (r->channels % c == 0 && (double)words / (double)c <= interval)
            expect = c;
    CHECK(expect > 0 && expect < r->channels);
    const int64_t lut_before = d->summary[p].resource.lut;
    CHECK_INT(opt_rebalance(&f.s, d, p), 1);
    CHECK_INT(d->fold[relu].coarse_in, expect);
    CHECK(d->summary[p].interval == interval);
    CHECK(d->summary[p].resource.lut < lut_before);
    CHECK(d->fits[p]);
    check_figures_current(d, &f.pb);
    /* Nothing more to free: a second pass changes nothing and says so. */
    CHECK_INT(opt_rebalance(&f.s, d, p), 0);
    CHECK_INT(d->fold[relu].coarse_in, expect);
    fixture_close(&f);
}

/* After the greedy pass, every partition rebalanced keeps its interval and its fit. */
static void test_rebalance_keeps_the_design(const char *model, const char *platform)
{
    fixture f;
    if (fixture_open(&f, model, platform))
        return;
    opt_greedy(&f.s);
    opt_design *d = &f.s.cur;
    for (int p = 0; p < d->partition_count; p++) {
        const double interval = d->summary[p].interval;
        opt_rebalance(&f.s, d, p);
        CHECK(d->fits[p]);
        CHECK(d->summary[p].interval <= interval);
    }
    check_figures_current(d, &f.pb);
    fixture_close(&f);
}

/*
 * From the smallest design, every convolution can jump to a faster folding that fits; nothing is
 * faster than no time at all, so a jump below 0 cycles changes nothing.
 */
static void test_jump(const char *model, const char *platform)
{
    fixture f;
    if (fixture_open(&f, model, platform))
        return;
    opt_design *d = &f.s.cur;
    int convolutions = 0;
    for (int i = 0; i < f.pb.layer_count; i++) {
        if (d->layer[i].type != FCN_CONVOLUTION)
            continue;
        const int p = opt_partition_of(d, i);
        const opt_fold was = d->fold[i];
        CHECK_INT(opt_jump(&f.s, d, p, i, 0), 0);
        CHECK(memcmp(&d->fold[i], &was, sizeof was) == 0);
        const double latency = d->figures[i].latency;
        CHECK_INT(opt_jump(&f.s, d, p, i, latency), 1);
        CHECK(d->figures[i].latency < latency);
        CHECK(d->fits[p]);
        convolutions++;
    }
    CHECK(convolutions > 0);
    check_figures_current(d, &f.pb);
    fixture_close(&f);
}

/*
 * Polishing the greedy pass's best never makes it slower, and the result still verifies; on LeNet,
 * whose greedy pass the iteration budget cuts short, it is faster.
 */
static void test_polish(const char *model, const char *platform, int expect_faster)
{
    fixture f;
    if (fixture_open(&f, model, platform))
        return;
    opt_greedy(&f.s);
    const double before = f.s.best.latency_s;
    opt_polish(&f.s);
    CHECK(f.s.best.latency_s <= before);
    if (expect_faster)
        CHECK(f.s.best.latency_s < before);
    CHECK_INT(f.s.jumps_left, 0);
    fcn_optimise_stats stats = {0};
    fcn_error err;
    fcn_network *net = opt_search_result(&f.s, &f.platform, &stats, &err);
    CHECK(net != NULL);
    if (!net)
        fprintf(stderr, "%s\n", err.message);
    fcn_network_free(net);
    fixture_close(&f);
}

int main(void)
{
    test_rebalance_by_hand();
    test_rebalance_keeps_the_design("lenet", ZEDBOARD);
    test_rebalance_keeps_the_design("alexnet", ZC706);
    test_jump("lenet", ZEDBOARD);
    test_jump("alexnet", ZC706);
    test_polish("lenet", ZEDBOARD, 1);
    test_polish("resnet18", ZC706, 0);
    return check_summary("test_optimise_rebalance");
}
