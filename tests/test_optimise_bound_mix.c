/*
 * The search for the weighting of the resources that makes the bound's area-time term largest
 * (docs/OPTIMISER-BOUND.md §2.2, optimise_bound_mix.c and optimise_bound_lp.c), on terms made by hand:
 * the cutting-plane model's linear programme, and maxima that no move between two resources reaches.
 */
#include <string.h>

#include "check.h"
#include "optimise_bound.h"

/* The model's maximum of min(w0 + 0 w1, ...) for cuts given row by row. */
static void test_cut_model(void)
{
    const double one_hot[3 * 3] = {1, 0, 0, 0, 2, 0, 0, 0, 4}; /* min(w0, 2 w1, 4 w2): w0 = 2 w1 = 4 w2 */
    double w[3];
    CHECK_NEAR(bound_cut_model(one_hot, 3, 3, w), 4.0 / 7, 1e-12);
    CHECK_NEAR(w[0], 4.0 / 7, 1e-12);
    CHECK_NEAR(w[1], 2.0 / 7, 1e-12);
    CHECK_NEAR(w[2], 1.0 / 7, 1e-12);
    const double crossing[2 * 2] = {3, 1, 1, 3}; /* min(3 w0 + w1, w0 + 3 w1): 2 at the middle */
    CHECK_NEAR(bound_cut_model(crossing, 2, 2, w), 2, 1e-12);
    CHECK_NEAR(w[0], 0.5, 1e-12);
    const double dominant[2 * 2] = {3, 1, 4, 2}; /* the first cut is below the second everywhere: 3 at w0 = 1 */
    CHECK_NEAR(bound_cut_model(dominant, 2, 2, w), 3, 1e-12);
    CHECK_NEAR(w[0], 1, 1e-12);
    const double zero[2] = {0, 0};
    CHECK(bound_cut_model(zero, 1, 2, w) == 0 && w[0] == 0 && w[1] == 0);
}

/* A term of `layers` layers, layer i's candidates rows start[i] .. start[i+1]-1 of `cost`. */
static bound_area term(int layers, int *start, double (*cost)[OPT_RESOURCES])
{
    return (bound_area){.layer_count = layers, .start = start, .cost = cost};
}

/*
 * One layer whose three ways each cost one resource: min(w_LUT, 2 w_FF, 4 w_DSP), largest at
 * w = (4, 2, 1) / 7, 4/7. The best point of the grid is (16, 8, 6) / 30, 0.5333: moving weight
 * between two resources there only lowers one of the three, so the cutting planes are what find 4/7.
 */
static void test_three_resources(void)
{
    double cost[3][OPT_RESOURCES] = {{1, 0, 0, 0, 0}, {0, 2, 0, 0, 0}, {0, 0, 4, 0, 0}};
    int start[2] = {0, 3};
    const bound_area a = term(1, start, cost);
    double w[OPT_RESOURCES];
    CHECK_NEAR(bound_area_best(&a, 0x1f, NULL, w), 4.0 / 7, 1e-12);
    CHECK_NEAR(w[OPT_LUT], 4.0 / 7, 1e-9);
    CHECK_NEAR(w[OPT_DSP], 1.0 / 7, 1e-9);
    CHECK(w[OPT_BRAM] == 0 && w[OPT_URAM] == 0); /* nothing costs them: no weight */
    CHECK_NEAR(bound_area_value(&a, w), 4.0 / 7, 1e-12);
}

/* Five resources: min(w0, 2 w1, 4 w2, 3 w3, 5 w4) is largest at 1 / (1 + 1/2 + 1/4 + 1/3 + 1/5). */
static void test_five_resources(void)
{
    double cost[5][OPT_RESOURCES] = {{1, 0, 0, 0, 0}, {0, 2, 0, 0, 0}, {0, 0, 4, 0, 0}, {0, 0, 0, 3, 0},
                                     {0, 0, 0, 0, 5}};
    int start[2] = {0, 5};
    const bound_area a = term(1, start, cost);
    double w[OPT_RESOURCES];
    CHECK_NEAR(bound_area_best(&a, 0x1f, NULL, w), 1 / (1 + 0.5 + 0.25 + 1.0 / 3 + 0.2), 1e-12);
}

/*
 * Two layers, one costing LUT only (1), one FF only (2), and a third without candidates (it counts
 * nothing): w_LUT + 2 w_FF, largest all on FF. Limited to LUT (the mask), 1; from a start, at least it.
 */
static void test_mask_and_start(void)
{
    double cost[2][OPT_RESOURCES] = {{1, 0, 0, 0, 0}, {0, 2, 0, 0, 0}};
    int start[4] = {0, 1, 2, 2};
    const bound_area a = term(3, start, cost);
    double w[OPT_RESOURCES];
    CHECK_NEAR(bound_area_best(&a, 0x1f, NULL, w), 2, 1e-12);
    CHECK(w[OPT_FF] == 1);
    CHECK_NEAR(bound_area_best(&a, 1u << OPT_LUT, NULL, w), 1, 1e-12);
    CHECK(w[OPT_LUT] == 1 && w[OPT_FF] == 0);
    const double half[OPT_RESOURCES] = {0.5, 0.5, 0, 0, 0};
    CHECK_NEAR(bound_area_best(&a, 1u << OPT_LUT, half, w), 1.5, 1e-12); /* the start, better than the mask's best */
    CHECK(bound_area_best(&a, 1u << OPT_DSP, NULL, w) == 0); /* nothing costs DSP */
}

int main(void)
{
    test_cut_model();
    test_three_resources();
    test_five_resources();
    test_mask_and_start();
    return check_summary("test_optimise_bound_mix");
}
