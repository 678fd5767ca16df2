/*
 * The optimiser's bound holds (docs/OPTIMISER-BOUND.md): each premise it rests on, checked against
 * every feasible folding of every layer of the bundled networks, and no design the optimiser finds
 * for a bundled problem above it.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "modules.h"
#include "optimise_util.h"

#define U250 "../examples/platforms/u250.json"
#define BUDGET 20000

static int premise_failures, premise_foldings;

#define PREMISE(cond)                                                                               \
    do {                                                                                            \
        if (!(cond) && premise_failures++ < 5)                                                      \
            fprintf(stderr, "%s: %s ci %lld co %lld cg %lld fine %lld\n", l->name, #cond,          \
                    (long long)l->coarse_in, (long long)l->coarse_out, (long long)l->coarse_group, \
                    (long long)l->fine);                                                            \
    } while (0)

/* The words one BRAM block holds at a width (MODEL.md §1). */
static double bram_words(int width)
{
    return width <= 1 ? 16000 : width <= 2 ? 8000 : width <= 4 ? 4000 : width <= 9 ? 2000 : width <= 18 ? 1000 : 512;
}

/* What the bound assumes of one folding of a layer (§2, §3 of the doc). */
static void check_folding(const fcn_layer *l)
{
    fcn_error err;
    if (fcn_layer_check(l, &err))
        return;
    fcn_layer_figures f;
    fcn_layer_evaluate(l, &f);
    premise_foldings++;
    PREMISE(f.latency >= (double)(l->rows * l->cols * l->depth) * (1 - 1e-12));
    PREMISE(f.resource.lut >= 0 && f.resource.ff >= 0 && f.resource.dsp >= 0 && f.resource.bram >= 0 &&
            f.resource.uram >= 0);
    if (l->type != FCN_CONVOLUTION && l->type != FCN_INNER_PRODUCT)
        return;
    const int conv = l->type == FCN_CONVOLUTION;
    const int64_t instances = l->coarse_in * l->coarse_out * l->coarse_group;
    const double multipliers = (double)(instances * l->fine);
    const int64_t outputs = f.rows_out * f.cols_out * f.depth_out;
    PREMISE(f.latency >= (double)outputs * (1 - 1e-12));
    PREMISE(f.latency * multipliers >= (double)f.weights * (double)outputs * (1 - 1e-12));
    PREMISE((double)f.resource.dsp >= multipliers * (double)fcn_dsp_mult(l->weight_width, l->input_width));
    const int64_t kernel[3] = {l->kernel[0], l->kernel[1], l->kernel_depth}, unit[3] = {1, 1, 1};
    fcn_module_figures m;
    module_conv(&m, f.rows_out, f.cols_out, f.depth_out, 1, 1, 1, conv ? kernel : unit, 1, l->weight_width,
                l->input_width);
    PREMISE(f.resource.lut >= instances * m.resource.lut);
    PREMISE(f.resource.ff >= instances * m.resource.ff);
    PREMISE(!conv || l->fine <= kernel[0] * kernel[1] * kernel[2]);
    if ((conv && l->groups > 1) || l->use_lutram)
        return;
    PREMISE((double)f.resource.bram >= multipliers);
    PREMISE((double)f.resource.bram >= (double)f.weights / bram_words(l->weight_width) * (1 - 1e-12));
    fcn_layer in_uram = *l; /* a board with URAM: a block of either memory per multiplier */
    in_uram.use_uram = 1;
    fcn_layer_evaluate(&in_uram, &f);
    PREMISE((double)(f.resource.bram + f.resource.uram) >= multipliers);
}

static void divisors(int64_t n, int64_t *out, int *count)
{
    *count = 0;
    for (int64_t d = 1; d <= n && *count < 512; d++)
        if (n % d == 0)
            out[(*count)++] = d;
}

/* Every folding of a layer (infeasible ones are skipped by check_folding). */
static void check_every_folding(fcn_layer l)
{
    static int64_t ci[512], co[512], cg[512];
    int nci, nco, ncg;
    divisors(l.channels, ci, &nci);
    if (l.type != FCN_CONVOLUTION && l.type != FCN_INNER_PRODUCT) {
        for (int a = 0; a < nci; a++) {
            l.coarse_in = l.coarse_out = ci[a];
            check_folding(&l);
        }
        return;
    }
    divisors(l.filters, co, &nco);
    divisors(l.type == FCN_CONVOLUTION ? l.groups : 1, cg, &ncg);
    const int64_t taps = l.type == FCN_CONVOLUTION ? l.kernel[0] * l.kernel[1] * l.kernel_depth : 1;
    for (int g = 0; g < ncg; g++)
        for (int a = 0; a < nci; a++)
            for (int b = 0; b < nco; b++)
                for (int64_t fine = 1; fine <= taps; fine++) {
                    l.coarse_group = cg[g];
                    l.coarse_in = ci[a];
                    l.coarse_out = co[b];
                    l.fine = fine;
                    check_folding(&l);
                }
}

/* Every layer of a bundled network, as parsed and (lutram) with its shallow memories in LUTRAM. */
static void test_premises(const char *name, int lutram)
{
    fcn_network *model = load_model(name);
    CHECK(model != NULL);
    for (int p = 0; model && p < model->partition_count; p++)
        for (int i = 0; i < model->partitions[p].layer_count; i++) {
            fcn_layer l = model->partitions[p].layers[i];
            l.use_lutram = lutram;
            check_every_folding(l);
        }
    CHECK_INT(premise_failures, 0);
    fcn_network_free(model);
}

/* 3-D layers (docs/MODEL-3D.md): a 3x3x3 convolution over 4 frames, padded, one strided, and a 3-D pool. */
static void test_premises_3d(void)
{
    const int before = premise_foldings;
    fcn_layer l;
    fcn_layer_init(&l, FCN_CONVOLUTION);
    l.name = (char *)"conv3d";
    l.rows = l.cols = 8;
    l.depth = 4;
    l.channels = 8;
    l.filters = 12;
    l.kernel[0] = l.kernel[1] = l.kernel_depth = 3;
    l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = l.pad_front = l.pad_back = 1;
    check_every_folding(l);
    l.stride[0] = l.stride[1] = l.stride_depth = 2;
    l.use_lutram = 1;
    check_every_folding(l);
    fcn_layer_init(&l, FCN_POOLING);
    l.name = (char *)"pool3d";
    l.rows = l.cols = 8;
    l.depth = 4;
    l.channels = 8;
    l.kernel[0] = l.kernel[1] = l.kernel_depth = 2;
    l.stride[0] = l.stride[1] = l.stride_depth = 2;
    check_every_folding(l);
    CHECK(premise_foldings - before > 100); /* coarse 4 x 4 x fine 6, twice, and the pool's */
    CHECK_INT(premise_failures, 0);
}

/*
 * The area-time term is never looser than the multipliers' terms it replaced (§2.3: each limit's
 * dominates the multipliers' of the same resource) and its mix is at least each limit.
 */
static void check_terms(const fcn_bound *b, const char *name, const char *board)
{
    for (int r = 0; r < FCN_BOUND_PIXELS; r++) {
        CHECK(b->limit_cycles[r] >= b->multiplier_cycles[r] * (1 - 1e-12));
        CHECK(b->area_cycles >= b->limit_cycles[r]);
        if (b->limit_cycles[r] < b->multiplier_cycles[r] * (1 - 1e-12))
            fprintf(stderr, "%s on %s: %s %.17g below the multipliers' %.17g\n", name, board,
                    fcn_bound_limit_name((fcn_bound_limit)r), b->limit_cycles[r], b->multiplier_cycles[r]);
    }
    double share = 0;
    for (int r = 0; r < FCN_BOUND_PIXELS; r++)
        share += b->area_share[r];
    CHECK_NEAR(share, 1, 1e-9);
    CHECK(b->cycles_per_input >= b->area_cycles && b->cycles_per_input >= b->limit_cycles[FCN_BOUND_PIXELS]);
}

/* The bound's terms on bound_bench.sh's networks and boards (the optimiser's table), without designs. */
static void test_terms_on_boards(void)
{
    const char *boards[] = {"zc706", "zcu102", "zcu104", "u250"};
    const char *models[] = {"alexnet", "vgg16", "resnet18", "resnet50", "mobilenet_v2"};
    for (int k = 0; k < 4; k++) {
        char path[128];
        snprintf(path, sizeof path, "../examples/platforms/%s.toml", boards[k]);
        fcn_platform platform = load_platform(path);
        for (int m = 0; m < 5; m++) {
            fcn_network *model = load_model(models[m]);
            fcn_optimise_options o;
            fcn_optimise_options_init(&o);
            fcn_bound bound;
            fcn_error err;
            CHECK(model && fcn_optimise_bound(model, &platform, &o, &bound, &err) == 0);
            if (model)
                check_terms(&bound, models[m], boards[k]);
            fcn_network_free(model);
        }
    }
}

/* An optimised design never beats the bound: throughput below it, latency above. */
static void check_problem(const char *name, const char *board, fcn_objective objective)
{
    fcn_network *model = load_model(name);
    fcn_platform platform = load_platform(board);
    fcn_optimise_options o;
    fcn_optimise_options_init(&o);
    o.objective = objective;
    o.iterations = BUDGET;
    fcn_error err;
    fcn_bound bound;
    fcn_optimise_stats stats;
    fcn_network *net = model ? fcn_optimise(model, &platform, &o, &stats, &err) : NULL;
    CHECK(net != NULL);
    CHECK(model && fcn_optimise_bound(model, &platform, &o, &bound, &err) == 0);
    if (net && objective == FCN_OBJECTIVE_THROUGHPUT)
        CHECK(stats.objective <= bound.throughput);
    if (net && objective == FCN_OBJECTIVE_LATENCY)
        CHECK(stats.objective >= bound.latency_s);
    if (model)
        check_terms(&bound, name, board);
    if (net)
        printf("%s on %s: %.4g of the bound (%s binds)\n", name, board,
               objective == FCN_OBJECTIVE_THROUGHPUT ? stats.objective / bound.throughput
                                                     : bound.latency_s / stats.objective,
               fcn_bound_limit_name(bound.binds));
    fcn_network_free(net);
    fcn_network_free(model);
}

/* The bundled problems (bench/run_bench.sh's), and a URAM board. */
static void test_designs_below(void)
{
    const char *both[] = {"tinyvgg", "alexnet", "vgg16"};
    for (int k = 0; k < 3; k++)
        for (int b = 0; b < 2; b++) {
            check_problem(both[k], b ? ZEDBOARD : ZC706, FCN_OBJECTIVE_THROUGHPUT);
            check_problem(both[k], b ? ZEDBOARD : ZC706, FCN_OBJECTIVE_LATENCY);
        }
    check_problem("lenet", ZEDBOARD, FCN_OBJECTIVE_THROUGHPUT);
    check_problem("resnet18", ZC706, FCN_OBJECTIVE_THROUGHPUT);
    check_problem("mobilenet_v2", ZC706, FCN_OBJECTIVE_THROUGHPUT);
    check_problem("resnet18", U250, FCN_OBJECTIVE_THROUGHPUT);
}

/* The configurations in examples/, optimised earlier, below the bound of their network on their board. */
static void test_examples_below(void)
{
    const char *configs[] = {"../examples/resnet18_zc706.json", "../examples/mobilenet_v3_small_zc706.json"};
    fcn_platform platform = load_platform(ZC706);
    for (int k = 0; k < 2; k++) {
        fcn_error err;
        fcn_network *net = fcn_network_read(configs[k], &err);
        CHECK(net != NULL);
        if (!net)
            continue;
        fcn_optimise_options o;
        fcn_optimise_options_init(&o);
        fcn_bound bound;
        fcn_network_figures figures;
        fcn_eval_options eval = {platform.freq_mhz, platform.reconf_time_s, 256};
        CHECK(fcn_optimise_bound(net, &platform, &o, &bound, &err) == 0);
        CHECK(fcn_network_evaluate(net, &eval, &figures, &err) == 0);
        CHECK(figures.throughput <= bound.throughput);
        fcn_network_figures_free(&figures);
        fcn_network_free(net);
    }
}

int main(void)
{
    const char *models[] = {"lenet", "tinyvgg", "alexnet", "vgg16", "resnet18", "mobilenet_v2"};
    for (int k = 0; k < 6; k++)
        test_premises(models[k], 0);
    test_premises("lenet", 1);
    test_premises("mobilenet_v2", 1);
    test_premises_3d();
    test_terms_on_boards();
    test_designs_below();
    test_examples_below();
    return check_summary("test_optimise_bound_designs");
}
