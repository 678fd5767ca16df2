/*
 * The greedy pass's memory move (src/optimise/optimise_greedy.c): on a board with URAM, where BRAM
 * alone stops the bottleneck's step up, the weights of the layer that frees the most BRAM for the
 * URAM it takes move to URAM, and the raising goes on. AlexNet's five convolutions in one partition
 * of the U250: each layer alone keeps its weights in BRAM (a URAM block a bank is dearer), so the
 * raising stopped at an interval of 399,300 cycles with URAM empty; moving layers' weights to URAM
 * (each move kept only if a step up then fits) lets it reach 199,650.
 */
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "optimise.h"
#include "optimise_util.h"

#define U250 "../examples/platforms/u250.toml"

/* With rule_placement (the second round of searches on a board with URAM) nothing moves. */
static void test_convolutions_move_to_uram(int rule_placement)
{
    fcn_network *model = load_model("alexnet");
    fcn_platform platform = load_platform(U250);
    fcn_optimise_options opts;
    fcn_optimise_options_init(&opts);
    opt_problem pb;
    opt_search s;
    fcn_error err;
    if (!model || opt_problem_init(&pb, model, &platform, &opts, &err)) {
        CHECK(0);
        fcn_network_free(model);
        return;
    }
    CHECK_INT(opt_search_init(&s, &pb, &opts), 0);
    s.rule_placement = rule_placement;
    opt_design *d = &s.cur;
    opt_smallest_design(d, &pb);
    /* Layers 0 .. 11: the features up to the last convolution's ReLU. */
    int last_relu = -1, convolutions = 0;
    for (int i = 0; i < pb.layer_count && convolutions < 5; i++)
        if (pb.model[i].type == FCN_CONVOLUTION && ++convolutions == 5)
            last_relu = i + 1;
    CHECK(last_relu > 0 && pb.model[last_relu].type == FCN_RELU);
    opt_touch t;
    while (d->start[1] <= last_relu) {
        CHECK_INT(opt_move_merge(d, &pb, 0, &t), 0);
        opt_design_refresh(d, &pb, &t);
    }
    CHECK_INT(d->start[1], last_relu + 1);
    CHECK_INT(opt_move_wr(d, &pb, 0, 1, &t), 0);
    opt_design_refresh(d, &pb, &t);
    CHECK(d->fits[0]);
    opt_fold_up(&s, d, 0);
    CHECK(d->fits[0]);
    int moved = 0;
    for (int i = 0; i <= last_relu; i++)
        if (d->fold[i].place == OPT_PLACE_URAM) {
            CHECK_INT(d->layer[i].use_uram, 1);
            moved++;
        }
    if (rule_placement) {
        CHECK_INT(moved, 0);
        CHECK(d->summary[0].interval == 399300);
    } else {
        CHECK(moved > 0);
        CHECK(d->summary[0].resource.uram > 0);
        CHECK(d->summary[0].resource.uram <= pb.limit[OPT_URAM]);
        CHECK(d->summary[0].interval <= 199650);
    }
    /* The figures are the layers' own. */
    for (int i = 0; i <= last_relu; i++) {
        fcn_layer_figures fresh;
        fcn_layer_evaluate(&d->layer[i], &fresh);
        CHECK(memcmp(&fresh.resource, &d->figures[i].resource, sizeof fresh.resource) == 0);
    }
    opt_search_free(&s);
    opt_problem_free(&pb);
    fcn_network_free(model);
}

int main(void)
{
    test_convolutions_move_to_uram(0);
    test_convolutions_move_to_uram(1);
    return check_summary("test_optimise_memory");
}
