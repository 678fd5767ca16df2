/*
 * The bound's partitions term (src/optimise/optimise_bound_cuts.c, docs/OPTIMISER-BOUND.md §4),
 * worked by hand on layers of two or three ways: a partition's shortest time, the cut that a
 * reconfiguration's cost decides, layers that count nothing, the mix of resources that the
 * resources alone miss, a resource some way takes a negative amount of, weights reloading only at a
 * partition's last weighted layer and its cost, the layers before it running once a reload, ways too
 * large for any partition, and what makes it give up.
 */
#include <stdlib.h>

#include "check.h"
#include "optimise_bound.h"

#define MAX_WAYS 16

/* Ways laid out as bound_cuts reads them: layer i's at first[i] .. first[i+1]-1. */
typedef struct fixture {
    bound_ways ways;
    int64_t first[8];
    bound_way way[MAX_WAYS];
    unsigned char weighted[8];
} fixture;

static void start(fixture *f, int layers)
{
    f->ways = (bound_ways){.layer_count = layers, .first = f->first, .way = f->way, .weighted = f->weighted};
    for (int i = 0; i <= layers; i++)
        f->first[i] = f->weighted[i] = 0;
}

/* A way of layer i (layers are given in order) reloading weights wr times: its time, LUT, FF, reloads. */
static void add_version(fixture *f, int i, int64_t wr, double time, int64_t lut, int64_t ff, double reload)
{
    const int64_t k = f->first[i + 1]++;
    for (int j = i + 2; j <= f->ways.layer_count; j++)
        f->first[j] = f->first[i + 1];
    f->way[k] = (bound_way){time, {lut, ff, 0, 0, 0}, wr, reload};
}

static void add(fixture *f, int i, double time, int64_t lut, int64_t ff)
{
    add_version(f, i, 1, time, lut, ff, 0);
}

static const double LUT_ONLY[OPT_RESOURCES] = {1, 0, 0, 0, 0};

/*
 * Layer 0: 100 cycles with 2 LUT, or 50 with 6; layer 1: 80 with 3, or 40 with 7. With 8 LUT, one
 * partition needs 100 cycles (at 80, 6 + 3 > 8); two need 50 + 40 and a reconfiguration.
 */
static void two_layers(fixture *f)
{
    start(f, 2);
    add(f, 0, 100, 2, 0);
    add(f, 0, 50, 6, 0);
    add(f, 1, 80, 3, 0);
    add(f, 1, 40, 7, 0);
}

static void test_cut_by_reconfiguration(void)
{
    fixture f;
    two_layers(&f);
    const int64_t budget[OPT_RESOURCES] = {8, 100, 100, 100, 100};
    bound_cut cut;
    CHECK_INT(bound_cuts(&f.ways, budget, LUT_ONLY, 1, 1, 5, &cut), 0);
    CHECK_NEAR(cut.latency_s, 95, 1e-12); /* 50 + 40 + 5 < 100 */
    CHECK_INT(cut.partitions, 2);
    CHECK_INT(bound_cuts(&f.ways, budget, LUT_ONLY, 1, 1, 20, &cut), 0);
    CHECK_NEAR(cut.latency_s, 100, 1e-12); /* 50 + 40 + 20 > 100 */
    CHECK_INT(cut.partitions, 1);
    /* A batch of 4 at 2 Hz: each partition's cycles x 4 / 2. */
    CHECK_INT(bound_cuts(&f.ways, budget, LUT_ONLY, 4, 2, 5, &cut), 0);
    CHECK_NEAR(cut.latency_s, 185, 1e-12); /* (50 + 40) x 2 + 5 < 100 x 2 */
    /* With 10 LUT, one partition at 80 cycles (6 + 3). */
    const int64_t roomy[OPT_RESOURCES] = {10, 100, 100, 100, 100};
    CHECK_INT(bound_cuts(&f.ways, roomy, LUT_ONLY, 1, 1, 5, &cut), 0);
    CHECK_NEAR(cut.latency_s, 80, 1e-12);
    CHECK_INT(cut.partitions, 1);
    /* One partition only (an infinite reconfiguration): 100 with 8 LUT. */
    CHECK_INT(bound_cuts(&f.ways, budget, LUT_ONLY, 1, 1, INFINITY, &cut), 0);
    CHECK_NEAR(cut.latency_s, 100, 1e-12);
}

/* A layer without ways (a narrowed fork or join) takes no time and nothing: the same answers. */
static void test_layer_that_counts_nothing(void)
{
    fixture f;
    start(&f, 3);
    add(&f, 0, 100, 2, 0);
    add(&f, 0, 50, 6, 0);
    add(&f, 2, 80, 3, 0);
    add(&f, 2, 40, 7, 0);
    const int64_t budget[OPT_RESOURCES] = {8, 100, 100, 100, 100};
    bound_cut cut;
    CHECK_INT(bound_cuts(&f.ways, budget, LUT_ONLY, 1, 1, 5, &cut), 0);
    CHECK_NEAR(cut.latency_s, 95, 1e-12);
    /* Nothing but such layers: no time at all. */
    start(&f, 2);
    CHECK_INT(bound_cuts(&f.ways, budget, LUT_ONLY, 1, 1, 5, &cut), 0);
    CHECK_NEAR(cut.latency_s, 0, 1e-12);
    CHECK_INT(cut.partitions, 1);
}

/*
 * Three layers of 10 cycles, each with 9 LUT or 9 FF, 10 of each allowed: each resource's least is
 * 0, but any choice puts 18 of one resource in a partition of all three. The even mix of LUT and FF
 * (0.45 a layer) sees it: two partitions, 20 cycles.
 */
static void test_mix(void)
{
    fixture f;
    start(&f, 3);
    for (int i = 0; i < 3; i++) {
        add(&f, i, 10, 9, 0);
        add(&f, i, 10, 0, 9);
    }
    const int64_t budget[OPT_RESOURCES] = {10, 10, 100, 100, 100};
    const double even[OPT_RESOURCES] = {0.5, 0.5, 0, 0, 0};
    bound_cut cut;
    CHECK_INT(bound_cuts(&f.ways, budget, LUT_ONLY, 1, 1, 0, &cut), 0);
    CHECK_NEAR(cut.latency_s, 10, 1e-12); /* LUT alone: all three fit */
    CHECK_INT(bound_cuts(&f.ways, budget, even, 1, 1, 0, &cut), 0);
    CHECK_NEAR(cut.latency_s, 20, 1e-12);
    CHECK_INT(cut.partitions, 2);
}

/* A resource some way takes a negative amount of is not counted: it cannot refuse a partition. */
static void test_negative_resource(void)
{
    fixture f;
    two_layers(&f);
    f.way[0].use[OPT_LUT] = -1; /* 100 cycles with -1 LUT */
    const int64_t budget[OPT_RESOURCES] = {1, 100, 100, 100, 100};
    bound_cut cut;
    CHECK_INT(bound_cuts(&f.ways, budget, LUT_ONLY, 1, 1, 5, &cut), 0);
    CHECK_NEAR(cut.latency_s, 50, 1e-12); /* LUT counts nothing: the fastest ways (50, 40) in one partition */
    CHECK_INT(cut.partitions, 1);
}

/*
 * Two weighted layers of 10 cycles, each 9 LUT as it is or 2 reloading its weights twice; 10 LUT.
 * In one partition only the second may reload: 9 + 2 > 10, so two partitions, 20 cycles (each
 * layer alone, reloading). Were the second not weighted, both could: one partition of 10 cycles.
 * A reload of 40 cycles a batch adds 40 / B cycles an input to the way that reloads.
 */
static void test_only_the_last_weighted_layer_reloads(void)
{
    fixture f;
    start(&f, 2);
    for (int i = 0; i < 2; i++) {
        f.weighted[i] = 1;
        add(&f, i, 10, 9, 0);
        add_version(&f, i, 2, 10, 2, 0, 0);
    }
    const int64_t budget[OPT_RESOURCES] = {10, 100, 100, 100, 100};
    bound_cut cut;
    CHECK_INT(bound_cuts(&f.ways, budget, LUT_ONLY, 1, 1, 0, &cut), 0);
    CHECK_NEAR(cut.latency_s, 20, 1e-12);
    CHECK_INT(cut.partitions, 2);
    f.weighted[1] = 0; /* the first is the last weighted layer: it and what follows may reload */
    CHECK_INT(bound_cuts(&f.ways, budget, LUT_ONLY, 1, 1, 0, &cut), 0);
    CHECK_NEAR(cut.latency_s, 10, 1e-12);
    CHECK_INT(cut.partitions, 1);
    /* One layer that fits 5 LUT only reloading, 40 cycles a batch: 10 + 40 / B cycles an input. */
    start(&f, 1);
    f.weighted[0] = 1;
    add(&f, 0, 10, 9, 0);
    add_version(&f, 0, 2, 10, 2, 0, 40);
    const int64_t small[OPT_RESOURCES] = {5, 100, 100, 100, 100};
    CHECK_INT(bound_cuts(&f.ways, small, LUT_ONLY, 4, 1, 0, &cut), 0);
    CHECK_NEAR(cut.latency_s, 4 * 20, 1e-12);
    CHECK_INT(bound_cuts(&f.ways, small, LUT_ONLY, 40, 1, 0, &cut), 0);
    CHECK_NEAR(cut.latency_s, 40 * 11, 1e-12);
}

/*
 * A partition that reloads weights wr times runs its layers before the reloading layer wr times
 * over. Layer 0: 10 cycles, 4 LUT, no reloading version; layer 1 (the last weighted): 10 cycles and
 * 9 LUT, or reloading twice, 2 x 5 cycles and 2 LUT; 10 LUT. Together only layer 1's reloading
 * version fits (4 + 2), so layer 0 runs twice: 20 cycles, not 10; apart, 10 + 10 and a
 * reconfiguration of 5.
 */
static void test_layers_before_the_reloading_layer_run_again(void)
{
    fixture f;
    start(&f, 2);
    f.weighted[1] = 1;
    add(&f, 0, 10, 4, 0);
    add(&f, 1, 10, 9, 0);
    add_version(&f, 1, 2, 10, 2, 0, 0);
    const int64_t budget[OPT_RESOURCES] = {10, 100, 100, 100, 100};
    bound_cut cut;
    CHECK_INT(bound_cuts(&f.ways, budget, LUT_ONLY, 1, 1, 5, &cut), 0);
    CHECK_NEAR(cut.latency_s, 20, 1e-12);
    CHECK_INT(cut.partitions, 1);
    /* Apart, layer 1 fits without reloading: 10 + 1 + 10 with a reconfiguration of 1, still more. */
    CHECK_INT(bound_cuts(&f.ways, budget, LUT_ONLY, 1, 1, 1, &cut), 0);
    CHECK_NEAR(cut.latency_s, 20, 1e-12);
    CHECK_INT(cut.partitions, 1);
    /* Reloading 8 times (8 x 1.25 cycles): layer 0 runs 8 times, 80 cycles; apart 21 is better. */
    start(&f, 2);
    f.weighted[1] = 1;
    add(&f, 0, 10, 4, 0);
    add(&f, 1, 10, 9, 0);
    add_version(&f, 1, 8, 10, 2, 0, 0);
    CHECK_INT(bound_cuts(&f.ways, budget, LUT_ONLY, 1, 1, 1, &cut), 0);
    CHECK_NEAR(cut.latency_s, 21, 1e-12);
    CHECK_INT(cut.partitions, 2);
}

/*
 * A way that alone takes more of a resource than a partition may use is in no design, so it is not a
 * layer's least of another resource either. One layer: 10 cycles with 2 LUT and 200 FF, 10 cycles
 * with 50 LUT and 5 FF, or 20 cycles with 3 and 3; 10 LUT and 100 FF (the mix weighs DSP, which none
 * takes). The least LUT and the least FF within 10 cycles would fit, but neither way does: 20.
 */
static void test_way_too_large(void)
{
    fixture f;
    start(&f, 1);
    add(&f, 0, 10, 2, 200);
    add(&f, 0, 10, 50, 5);
    add(&f, 0, 20, 3, 3);
    const int64_t budget[OPT_RESOURCES] = {10, 100, 100, 100, 100};
    const double dsp_only[OPT_RESOURCES] = {0, 0, 1, 0, 0};
    bound_cut cut;
    CHECK_INT(bound_cuts(&f.ways, budget, dsp_only, 1, 1, 0, &cut), 0);
    CHECK_NEAR(cut.latency_s, 20, 1e-12);
}

/*
 * The mix that weighs every resource alike. Two layers, each 10 cycles with 2 LUT and 90 FF or with
 * 9 LUT and 15 FF, or 20 cycles with 3 and 3; 10 LUT and 100 FF and nothing else, the area-time
 * weighting on DSP (which none takes). Within 10 cycles the least LUT (2 + 2) and the least FF (15 + 15) fit, but no
 * pair of ways does, and each way takes more than half of the two resources on average (0.55,
 * 0.525): the alike mix refuses it, so one partition takes 20 cycles (two would take 10 + 5 + 10).
 */
static void test_mix_alike(void)
{
    fixture f;
    start(&f, 2);
    for (int i = 0; i < 2; i++) {
        add(&f, i, 10, 2, 90);
        add(&f, i, 10, 9, 15);
        add(&f, i, 20, 3, 3);
    }
    const int64_t budget[OPT_RESOURCES] = {10, 100, 0, 0, 0}; /* the mix weighs the resources there are */
    const double dsp_only[OPT_RESOURCES] = {0, 0, 1, 0, 0};
    bound_cut cut;
    CHECK_INT(bound_cuts(&f.ways, budget, dsp_only, 1, 1, 5, &cut), 0);
    CHECK_NEAR(cut.latency_s, 20, 1e-12);
    CHECK_INT(cut.partitions, 1);
}

/* No cut when a layer fits nowhere; none past the table's size. */
static void test_gives_up(void)
{
    fixture f;
    two_layers(&f);
    const int64_t tight[OPT_RESOURCES] = {2, 100, 100, 100, 100};
    bound_cut cut;
    CHECK_INT(bound_cuts(&f.ways, tight, LUT_ONLY, 1, 1, 5, &cut), -1); /* layer 1 takes at least 3 */
    int64_t *first = calloc(514, sizeof *first);
    bound_ways many = {.layer_count = 513, .first = first, .way = f.way};
    const int64_t budget[OPT_RESOURCES] = {8, 100, 100, 100, 100};
    CHECK_INT(bound_cuts(&many, budget, LUT_ONLY, 1, 1, 5, &cut), -1);
    many.layer_count = 0;
    CHECK_INT(bound_cuts(&many, budget, LUT_ONLY, 1, 1, 5, &cut), -1);
    free(first);
}

int main(void)
{
    test_cut_by_reconfiguration();
    test_layer_that_counts_nothing();
    test_mix();
    test_negative_resource();
    test_only_the_last_weighted_layer_reloads();
    test_layers_before_the_reloading_layer_run_again();
    test_way_too_large();
    test_mix_alike();
    test_gives_up();
    return check_summary("test_optimise_bound_cuts");
}
