/*
 * The cutting-plane model of the bound's area-time term (optimise_bound_mix.c, docs/OPTIMISER-BOUND.md
 * §2.2): the largest min_k g_k . w over w >= 0 with sum w <= 1, a linear programme of a few variables
 * (t and the weights) and one row a cut, solved with a dense simplex tableau. Bland's rule (the
 * lowest index enters, ties leave by the lowest index) keeps the many degenerate rows (right-hand
 * side 0) from cycling.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimise_bound.h"

#define EPS 1e-12         /* on cuts scaled to at most 1 */
#define MAX_PIVOTS 100000 /* far more than a few variables need: a guard, after which the tableau stands */

typedef struct tableau {
    int rows, cols; /* rows: the cuts, the weights' sum, the objective last; cols: variables, slacks, right-hand side */
    double *a;
    int *basis;
} tableau;

static double *at(const tableau *t, int i, int j)
{
    return &t->a[(size_t)i * (size_t)t->cols + (size_t)j];
}

/* Row k: t - g_k . w + slack = 0; then sum w + slack = 1; the objective row maximises t. */
static void fill(tableau *t, const double *cuts, int count, int dims, double scale)
{
    const int n = dims + 1, rhs = t->cols - 1;
    for (int k = 0; k < count; k++) {
        for (int j = 0; j < dims; j++)
            *at(t, k, j) = -cuts[k * dims + j] / scale;
        *at(t, k, dims) = 1;
    }
    for (int j = 0; j < dims; j++)
        *at(t, count, j) = 1;
    *at(t, count, rhs) = 1;
    for (int i = 0; i <= count; i++) {
        *at(t, i, n + i) = 1;
        t->basis[i] = n + i;
    }
    *at(t, count + 1, dims) = -1;
}

static void pivot(tableau *t, int row, int col)
{
    const double p = *at(t, row, col);
    for (int j = 0; j < t->cols; j++)
        *at(t, row, j) /= p;
    for (int i = 0; i < t->rows; i++) {
        const double f = *at(t, i, col);
        if (i == row || f == 0)
            continue;
        for (int j = 0; j < t->cols; j++)
            *at(t, i, j) -= f * *at(t, row, j);
    }
    t->basis[row] = col;
}

/* The leaving row for entering column `col`: the least ratio, ties to the lowest basic index; -1 if none. */
static int leaving(const tableau *t, int col)
{
    const int rhs = t->cols - 1;
    int best = -1;
    double least = 0;
    for (int i = 0; i < t->rows - 1; i++) {
        const double a = *at(t, i, col);
        if (a <= EPS)
            continue;
        const double ratio = *at(t, i, rhs) / a;
        if (best < 0 || ratio < least - EPS || (ratio <= least + EPS && t->basis[i] < t->basis[best])) {
            best = i;
            least = ratio;
        }
    }
    return best;
}

static void solve(tableau *t)
{
    const int objective = t->rows - 1, variables = t->cols - 1;
    for (int step = 0; step < MAX_PIVOTS; step++) {
        int col = -1;
        for (int j = 0; j < variables && col < 0; j++)
            if (*at(t, objective, j) < -EPS)
                col = j;
        const int row = col < 0 ? -1 : leaving(t, col);
        if (row < 0) /* optimal (or, which the weights' sum rules out, unbounded) */
            return;
        pivot(t, row, col);
    }
}

double bound_cut_model(const double *cuts, int count, int dims, double *w)
{
    double scale = 0;
    for (int k = 0; k < count * dims; k++)
        scale = fmax(scale, cuts[k]);
    memset(w, 0, (size_t)dims * sizeof *w);
    if (!(scale > 0))
        return 0;
    tableau t = {count + 2, dims + 1 + count + 1 + 1, NULL, NULL};
    t.a = calloc((size_t)t.rows * (size_t)t.cols, sizeof *t.a);
    t.basis = calloc((size_t)t.rows, sizeof *t.basis);
    double best = -1; /* out of memory: no proposal */
    if (t.a && t.basis) {
        fill(&t, cuts, count, dims, scale);
        solve(&t);
        for (int i = 0; i < t.rows - 1; i++)
            if (t.basis[i] < dims)
                w[t.basis[i]] = *at(&t, i, t.cols - 1);
        best = *at(&t, t.rows - 1, t.cols - 1) * scale;
    }
    free(t.a);
    free(t.basis);
    return best;
}
