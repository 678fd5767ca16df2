/* The Pareto front of a sweep's designs, and its plot as SVG (throughput against latency). */
#include <math.h>
#include <stdlib.h>

#include "sweep.h"
#include "text.h"

#define WIDTH 720
#define HEIGHT 480
#define LEFT 90
#define RIGHT 30
#define TOP 50
#define BOTTOM 60

/* Whether a is at least as good as b on all three, and better on one. */
static int dominates(const sweep_point *a, const sweep_point *b)
{
    const int no_worse = a->throughput >= b->throughput && a->latency_s <= b->latency_s && a->share <= b->share;
    const int better = a->throughput > b->throughput || a->latency_s < b->latency_s || a->share < b->share;
    return no_worse && better;
}

void sweep_mark_front(sweep_point *points, int count)
{
    for (int i = 0; i < count; i++) {
        points[i].pareto = points[i].found;
        for (int j = 0; j < count && points[i].pareto; j++)
            if (j != i && points[j].found && dominates(&points[j], &points[i]))
                points[i].pareto = 0;
    }
}

/* A logarithmic axis over whole decades that hold [lo, hi]. */
typedef struct axis {
    double lo, hi; /* log10 of its ends */
} axis;

static axis decades(double lo, double hi)
{
    axis a = {floor(log10(lo)), ceil(log10(hi))};
    if (a.hi <= a.lo)
        a.hi = a.lo + 1;
    return a;
}

static double x_of(const axis *x, double v)
{
    return LEFT + (log10(v) - x->lo) / (x->hi - x->lo) * (WIDTH - LEFT - RIGHT);
}

static double y_of(const axis *y, double v)
{
    return HEIGHT - BOTTOM - (log10(v) - y->lo) / (y->hi - y->lo) * (HEIGHT - TOP - BOTTOM);
}

static void grid(FILE *out, const axis *x, const axis *y)
{
    for (double d = x->lo; d <= x->hi; d++) {
        const double px = x_of(x, pow(10, d));
        fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n", px, TOP, px,
                HEIGHT - BOTTOM);
        fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g s</text>\n", px, HEIGHT - BOTTOM + 18,
                pow(10, d));
    }
    for (double d = y->lo; d <= y->hi; d++) {
        const double py = y_of(y, pow(10, d));
        fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", LEFT, py,
                WIDTH - RIGHT, py);
        fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", LEFT - 6, py + 4, pow(10, d));
    }
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">latency of a batch</text>\n",
            (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 15);
    fprintf(out, "<text x=\"20\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 20 %d)\">throughput "
                 "(inputs/s)</text>\n", (TOP + HEIGHT - BOTTOM) / 2, (TOP + HEIGHT - BOTTOM) / 2);
}

static int by_latency(const void *a, const void *b)
{
    const sweep_point *p = *(const sweep_point *const *)a, *q = *(const sweep_point *const *)b;
    return (p->latency_s > q->latency_s) - (p->latency_s < q->latency_s);
}

/* The front's points joined in order of latency. */
static void front_line(FILE *out, const sweep_point *points, int count, const axis *x, const axis *y)
{
    const sweep_point *front[SWEEP_MAX_VALUES * SWEEP_MAX_VALUES];
    int n = 0;
    for (int i = 0; i < count; i++)
        if (points[i].pareto)
            front[n++] = &points[i];
    qsort(front, (size_t)n, sizeof front[0], by_latency);
    fprintf(out, "<polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"1.5\" points=\"");
    for (int i = 0; i < n; i++)
        fprintf(out, "%s%.1f,%.1f", i ? " " : "", x_of(x, front[i]->latency_s), y_of(y, front[i]->throughput));
    fprintf(out, "\"/>\n");
}

int sweep_plot_svg(FILE *out, const sweep_point *points, int count, const char *title)
{
    double lat_lo = INFINITY, lat_hi = 0, tp_lo = INFINITY, tp_hi = 0;
    for (int i = 0; i < count; i++)
        if (points[i].found) {
            lat_lo = fmin(lat_lo, points[i].latency_s);
            lat_hi = fmax(lat_hi, points[i].latency_s);
            tp_lo = fmin(tp_lo, points[i].throughput);
            tp_hi = fmax(tp_hi, points[i].throughput);
        }
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
                 "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", WIDTH, HEIGHT);
    char shown[512];
    text_escape(shown, sizeof shown, title);
    fprintf(out, "<text x=\"%d\" y=\"25\" text-anchor=\"middle\" font-size=\"15\">", WIDTH / 2);
    for (const char *c = shown; *c; c++) /* XML's reserved characters */
        fputs(*c == '<' ? "&lt;" : *c == '>' ? "&gt;" : *c == '&' ? "&amp;" : (char[2]){*c, 0}, out);
    fprintf(out, "</text>\n");
    if (tp_hi > 0) {
        const axis x = decades(lat_lo, lat_hi), y = decades(tp_lo, tp_hi);
        grid(out, &x, &y);
        front_line(out, points, count, &x, &y);
        for (int i = 0; i < count; i++) {
            const sweep_point *p = &points[i];
            if (!p->found)
                continue;
            const double px = x_of(&x, p->latency_s), py = y_of(&y, p->throughput);
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\" stroke=\"%s\"/>\n", px, py,
                    p->pareto ? "#c0392b" : "white", p->pareto ? "#c0392b" : "#777");
            fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#444\">batch %lld, %.0f%%</text>\n",
                    px + 7, py - 6, (long long)p->batch_size, 100 * p->share);
        }
    }
    fprintf(out, "</svg>\n");
    return ferror(out) ? -1 : 0;
}
