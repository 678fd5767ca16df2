/*
 * The weighting of the resources that makes the bound's area-time term largest (docs/OPTIMISER-BOUND.md
 * §2). The term is a sum over layers of a minimum of linear functions of w: concave and piecewise
 * linear on the simplex. Any w gives a valid bound, so the search need not be exact; it takes the best
 * of a start point, a grid over the simplex, and a local refinement that moves weight between two
 * resources at a time (a golden-section search on each segment, exact for a concave function of one
 * variable) until no pair gains.
 */
#include <math.h>
#include <string.h>

#include "optimise_bound.h"

#define GRID_POINTS 500   /* about as many grid points, whatever the number of resources */
#define GOLDEN_STEPS 48   /* shrinks a segment to 0.618^48, below 10^-9 of it */
#define MAX_SWEEPS 40     /* of every pair; the refinement stops earlier when a sweep gains nothing */
#define GAIN 1e-12        /* a sweep gains when it raises the best by this share */

double bound_area_value(const bound_area *area, const double w[OPT_RESOURCES])
{
    double total = 0;
    for (int i = 0; i < area->layer_count; i++) {
        double least = INFINITY;
        for (int k = area->start[i]; k < area->start[i + 1]; k++) {
            const double *c = area->cost[k];
            least = fmin(least, c[0] * w[0] + c[1] * w[1] + c[2] * w[2] + c[3] * w[3] + c[4] * w[4]);
        }
        if (area->start[i + 1] > area->start[i]) /* a layer without candidates counts nothing */
            total += least;
    }
    return total;
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

static double try_w(search *s, const double w[OPT_RESOURCES])
{
    const double v = bound_area_value(s->area, w);
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
        try_w(s, w);
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

/* w's weight moved by t from resource j to resource i. */
static void shifted(const double w[OPT_RESOURCES], int i, int j, double t, double out[OPT_RESOURCES])
{
    memcpy(out, w, OPT_RESOURCES * sizeof *out);
    out[i] += t;
    out[j] -= t;
}

/* The best of the segment through the best w that trades resource j for i (golden section). */
static void refine_pair(search *s, int i, int j)
{
    double w[OPT_RESOURCES], x[OPT_RESOURCES];
    memcpy(w, s->best_w, sizeof w);
    const double phi = (sqrt(5.0) - 1) / 2;
    double lo = -w[i], hi = w[j];
    double a = hi - phi * (hi - lo), b = lo + phi * (hi - lo);
    shifted(w, i, j, a, x);
    double fa = try_w(s, x);
    shifted(w, i, j, b, x);
    double fb = try_w(s, x);
    for (int step = 0; step < GOLDEN_STEPS; step++) {
        if (fa < fb) { /* concave: the maximum is right of a */
            lo = a;
            a = b;
            fa = fb;
            b = lo + phi * (hi - lo);
            shifted(w, i, j, b, x);
            fb = try_w(s, x);
        } else {
            hi = b;
            b = a;
            fb = fa;
            a = hi - phi * (hi - lo);
            shifted(w, i, j, a, x);
            fa = try_w(s, x);
        }
    }
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
        try_w(&s, start);
    int steps = 1;
    while (s.count > 1 && grid_size(steps + 1, s.count) <= GRID_POINTS)
        steps++;
    grid(&s, x, 0, steps, steps);
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
        const double before = s.best;
        for (int a = 0; a < s.count; a++)
            for (int b = a + 1; b < s.count; b++)
                refine_pair(&s, s.dims[a], s.dims[b]);
        if (s.best <= before * (1 + GAIN))
            break;
    }
    /* The weights sum to 1 but for rounding: divided by their sum, they give a bound exactly. */
    double sum = 0;
    for (int r = 0; r < OPT_RESOURCES; r++)
        sum += s.best_w[r];
    for (int r = 0; r < OPT_RESOURCES && sum > 0; r++)
        w[r] = s.best_w[r] / sum;
    return sum > 0 ? bound_area_value(area, w) : 0;
}
