/*
 * The weighting of the resources that makes the bound's area-time term largest (docs/OPTIMISER-BOUND.md
 * §2). The term is a sum over layers of a minimum of linear functions of w: concave and piecewise
 * linear on the simplex. Any w gives a valid bound, so the search only makes it tighter: the best of a
 * start point, a grid over the simplex, and Kelley's cutting planes from there, which end at the maximum.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimise_bound.h"

#define GRID_POINTS 500 /* about as many grid points, whatever the number of resources */
#define MAX_CUTS 400    /* cutting planes at most (a few tens reach the maximum on the bundled networks) */
#define GAIN 1e-12      /* the share of the model's maximum within which a point is the maximum */

/* The term at w, and into g the sum of the cheapest candidates' cost vectors (g . w is the term). */
static double area_value(const bound_area *area, const double w[OPT_RESOURCES], double g[OPT_RESOURCES])
{
    double total = 0;
    memset(g, 0, OPT_RESOURCES * sizeof *g);
    for (int i = 0; i < area->layer_count; i++) {
        int cheapest = -1; /* a layer without candidates counts nothing */
        double least = 0;
        for (int k = area->start[i]; k < area->start[i + 1]; k++) {
            const double *c = area->cost[k];
            const double v = c[0] * w[0] + c[1] * w[1] + c[2] * w[2] + c[3] * w[3] + c[4] * w[4];
            if (cheapest < 0 || v < least) {
                cheapest = k;
                least = v;
            }
        }
        total += least;
        for (int r = 0; cheapest >= 0 && r < OPT_RESOURCES; r++)
            g[r] += area->cost[cheapest][r];
    }
    return total;
}

double bound_area_value(const bound_area *area, const double w[OPT_RESOURCES])
{
    double g[OPT_RESOURCES];
    return area_value(area, w, g);
}

/* Whether some candidate costs something of resource r. */
static int costs_any(const bound_area *area, int r)
{
    for (int k = 0; k < area->start[area->layer_count]; k++)
        if (area->cost[k][r] > 0)
            return 1;
    return 0;
}

/* The search's state: the resources it weighs, and the best weighting so far. */
typedef struct search {
    const bound_area *area;
    int dims[OPT_RESOURCES], count;
    double best_w[OPT_RESOURCES], best;
} search;

/* The term at w, kept if it is the best so far; with `cut`, the sum of the cheapest candidates' costs there. */
static double try_w(search *s, const double w[OPT_RESOURCES], double *cut)
{
    double g[OPT_RESOURCES];
    const double v = area_value(s->area, w, g);
    for (int d = 0; cut && d < s->count; d++)
        cut[d] = g[s->dims[d]];
    if (v > s->best) {
        s->best = v;
        memcpy(s->best_w, w, sizeof s->best_w);
    }
    return v;
}

/* Every point of the simplex over the search's resources whose weights are multiples of 1/steps. */
static void grid(search *s, double w[OPT_RESOURCES], int dim, int left, int steps)
{
    if (dim == s->count - 1) {
        w[s->dims[dim]] = (double)left / steps;
        try_w(s, w, NULL);
        return;
    }
    for (int k = 0; k <= left; k++) {
        w[s->dims[dim]] = (double)k / steps;
        grid(s, w, dim + 1, left - k, steps);
    }
}

/* The points of a grid of `steps` over `dims` resources: C(steps + dims - 1, dims - 1). */
static double grid_size(int steps, int dims)
{
    double n = 1;
    for (int k = 1; k < dims; k++)
        n = n * (steps + k) / k;
    return n;
}

/*
 * Kelley's cutting planes: A(w) <= g . w for the sum g of the cheapest candidates' costs at any point
 * (A is a sum of minima of linear functions of w), so the largest min_k g_k . w over the cuts so far
 * (bound_cut_model) is at least A's maximum. Its maximiser, where A is evaluated, gives the next cut,
 * until A there reaches the model's maximum: then that w is A's maximum. A is piecewise linear, so
 * finitely many cuts suffice; past MAX_CUTS the best point so far stands (every w gives a bound).
 */
static void cutting_planes(search *s)
{
    double *cuts = malloc((size_t)MAX_CUTS * OPT_RESOURCES * sizeof *cuts);
    if (!cuts)
        return; /* the grid's best stands */
    double w[OPT_RESOURCES], x[OPT_RESOURCES];
    memcpy(w, s->best_w, sizeof w); /* the best point so far, and each resource alone */
    try_w(s, w, cuts);
    int count = 1;
    for (int d = 0; d < s->count; d++) {
        memset(w, 0, sizeof w);
        w[s->dims[d]] = 1;
        try_w(s, w, &cuts[count++ * s->count]);
    }
    while (count < MAX_CUTS) {
        const double model = bound_cut_model(cuts, count, s->count, x);
        double sum = 0;
        for (int d = 0; d < s->count; d++)
            sum += x[d];
        if (!(model > 0) || !(sum > 0))
            break;
        memset(w, 0, sizeof w);
        for (int d = 0; d < s->count; d++)
            w[s->dims[d]] = x[d] / sum;
        if (try_w(s, w, &cuts[count++ * s->count]) >= model * (1 - GAIN))
            break; /* the model's maximum is reached: no w does better */
    }
    free(cuts);
}

double bound_area_best(const bound_area *area, unsigned mask, const double *start, double w[OPT_RESOURCES])
{
    search s = {.area = area};
    for (int r = 0; r < OPT_RESOURCES; r++)
        if ((mask & (1u << r)) && costs_any(area, r)) /* weight on a resource nothing costs only lowers the term */
            s.dims[s.count++] = r;
    double x[OPT_RESOURCES] = {0};
    memset(w, 0, OPT_RESOURCES * sizeof *w);
    if (s.count == 0)
        return 0;
    if (start)
        try_w(&s, start, NULL);
    int steps = 1;
    while (s.count > 1 && grid_size(steps + 1, s.count) <= GRID_POINTS)
        steps++;
    grid(&s, x, 0, steps, steps);
    if (s.count > 1)
        cutting_planes(&s);
    /* The weights sum to 1 but for rounding: divided by their sum, they give a bound exactly. */
    double sum = 0;
    for (int r = 0; r < OPT_RESOURCES; r++)
        sum += s.best_w[r];
    for (int r = 0; r < OPT_RESOURCES && sum > 0; r++)
        w[r] = s.best_w[r] / sum;
    return sum > 0 ? bound_area_value(area, w) : 0;
}
