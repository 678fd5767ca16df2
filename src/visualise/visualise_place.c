/*
 * A light layout for pictures too large for dot. Dot's crossing minimisation and ranking grow with
 * every long edge (each becomes a chain of virtual nodes, one per rank it spans): a DenseNet's
 * concatenations of every earlier layer make tens of thousands of them, and dot runs for minutes.
 * Here the positions are computed directly: the partitions' clusters stacked top to bottom in order,
 * inside each the nodes on rows by longest path from the cluster's inputs (so parallel branches sit
 * side by side), left to right in the order they were drawn; edges are straight lines. Graphviz's
 * "nop2" engine then only draws. Linear in nodes and edges.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "visualise.h"

/* Points: Helvetica 9 averages under 5.2 points a character; a line of it is 11 high. */
#define CHAR_WIDTH 5.6
#define LINE_HEIGHT 11.0
#define NODE_MARGIN 9.0
#define ROW_GAP 18.0
#define COLUMN_GAP 12.0
#define CLUSTER_MARGIN 8.0
#define CLUSTER_GAP 24.0
#define CLUSTER_LINE 13.0

/* The longest line of a label (lines end at "\n", "\l", "\r" or a newline) and how many there are. */
static void label_extent(const char *label, int *longest, int *lines)
{
    *longest = 0;
    *lines = 1;
    int current = 0;
    for (const char *c = label ? label : ""; *c; c++) {
        const int escape = c[0] == '\\' && (c[1] == 'n' || c[1] == 'l' || c[1] == 'r');
        if (escape || *c == '\n') {
            *lines += c[escape ? 2 : 1] != '\0';
            current = 0;
            c += escape;
            continue;
        }
        if (((unsigned char)*c & 0xc0) != 0x80) /* a UTF-8 character counts once */
            current++;
        if (current > *longest)
            *longest = current;
    }
}

typedef struct placed {
    int rank;
    double width, height; /* points */
    double x, y;          /* the centre */
} placed;

typedef struct placement {
    Agraph_t *root;
    placed *at;     /* by AGSEQ of the node */
    double *row;    /* per rank: height of its tallest node, then its top */
    double *filled; /* per rank: how far right it is taken */
} placement;

static void size_node(Agnode_t *n, placed *p)
{
    int longest, lines;
    label_extent(agget(n, "label"), &longest, &lines);
    p->width = longest * CHAR_WIDTH + 2 * NODE_MARGIN;
    p->height = lines * LINE_HEIGHT + NODE_MARGIN;
    if (p->width < 54)
        p->width = 54;
    if (p->height < 18)
        p->height = 18;
}

/* Rows by longest path over the cluster's own edges, from nodes drawn earlier (back edges ignored). */
static int rank_cluster(placement *pl, Agraph_t *cluster)
{
    int ranks = 0;
    for (Agnode_t *n = agfstnode(cluster); n; n = agnxtnode(cluster, n)) {
        placed *p = &pl->at[AGSEQ(n)];
        p->rank = 0;
        /* Edges belong to the root graph: only those from this cluster's nodes count. */
        for (Agedge_t *e = agfstin(pl->root, n); e; e = agnxtin(pl->root, e)) {
            Agnode_t *tail = agtail(e);
            if (AGSEQ(tail) < AGSEQ(n) && agsubnode(cluster, tail, 0) && pl->at[AGSEQ(tail)].rank + 1 > p->rank)
                p->rank = pl->at[AGSEQ(tail)].rank + 1;
        }
        size_node(n, p);
        if (p->rank + 1 > ranks)
            ranks = p->rank + 1;
    }
    return ranks;
}

static void set_pos(Agnode_t *n, double x, double y, placed *p)
{
    char text[96];
    p->x = x;
    p->y = y;
    snprintf(text, sizeof text, "%.1f,%.1f", x, y);
    vis_set(n, "pos", text);
    snprintf(text, sizeof text, "%.3f", p->width / 72);
    vis_set(n, "width", text);
    snprintf(text, sizeof text, "%.3f", p->height / 72);
    vis_set(n, "height", text);
}

/* Places a cluster's nodes below `top` (graphviz's y grows upwards); returns its bottom. */
static double place_cluster(placement *pl, Agraph_t *cluster, double top)
{
    int longest, lines;
    label_extent(agget(cluster, "label"), &longest, &lines);
    const int ranks = rank_cluster(pl, cluster);
    for (int r = 0; r < ranks; r++)
        pl->row[r] = pl->filled[r] = 0;
    for (Agnode_t *n = agfstnode(cluster); n; n = agnxtnode(cluster, n)) {
        const placed *p = &pl->at[AGSEQ(n)];
        if (p->height > pl->row[p->rank])
            pl->row[p->rank] = p->height;
    }
    double y = top - CLUSTER_MARGIN - lines * CLUSTER_LINE, right = longest * CHAR_WIDTH * 11 / 9;
    for (int r = 0; r < ranks; r++) { /* each row's top */
        const double height = pl->row[r];
        pl->row[r] = y;
        y -= height + ROW_GAP;
    }
    for (Agnode_t *n = agfstnode(cluster); n; n = agnxtnode(cluster, n)) {
        placed *p = &pl->at[AGSEQ(n)];
        const double x = CLUSTER_MARGIN + pl->filled[p->rank] + p->width / 2;
        pl->filled[p->rank] += p->width + COLUMN_GAP;
        if (pl->filled[p->rank] > right)
            right = pl->filled[p->rank];
        set_pos(n, x, pl->row[p->rank] - p->height / 2, p);
    }
    const double bottom = y + ROW_GAP - CLUSTER_MARGIN;
    char text[128];
    snprintf(text, sizeof text, "0,%.1f,%.1f,%.1f", bottom, right + CLUSTER_MARGIN, top);
    vis_set(cluster, "bb", text);
    /* A label without a place is placed by graphviz's label search, which takes seconds for a thousand. */
    snprintf(text, sizeof text, "%.1f,%.1f", CLUSTER_MARGIN + longest * CHAR_WIDTH * 11 / 18,
             top - CLUSTER_MARGIN - lines * CLUSTER_LINE / 2);
    vis_set(cluster, "lp", text);
    return bottom;
}

/*
 * Every edge a straight line from the bottom of its tail to the top of its head, its label beside the
 * middle: an edge left to graphviz is routed, and its label placed by a search that takes seconds
 * for a few thousand.
 */
static void draw_edges(placement *pl)
{
    char text[256];
    for (Agnode_t *n = agfstnode(pl->root); n; n = agnxtnode(pl->root, n))
        for (Agedge_t *e = agfstout(pl->root, n); e; e = agnxtout(pl->root, e)) {
            const placed *a = &pl->at[AGSEQ(n)], *b = &pl->at[AGSEQ(aghead(e))];
            const double x0 = a->x, y0 = a->y - a->height / 2, x3 = b->x, y3 = b->y + b->height / 2;
            /* The line stops short of the head by the arrow's length (arrowsize 0.5: 5 points). */
            const double dx = x3 - x0, dy = y3 - y0, length = sqrt(dx * dx + dy * dy);
            const double stop = length > 10 ? 5 / length : 0, x2 = x3 - dx * stop, y2 = y3 - dy * stop;
            snprintf(text, sizeof text, "e,%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f", x3, y3, x0, y0,
                     x0 + (x2 - x0) / 3, y0 + (y2 - y0) / 3, x0 + 2 * (x2 - x0) / 3, y0 + 2 * (y2 - y0) / 3, x2, y2);
            vis_set(e, "pos", text);
            const char *label = agget(e, "label");
            if (!label || !label[0])
                continue;
            snprintf(text, sizeof text, "%.1f,%.1f", (x0 + x3) / 2 + 14, (y0 + y3) / 2);
            vis_set(e, "lp", text);
        }
}

int vis_place(Agraph_t *root, int clusters, fcn_error *err)
{
    int nodes = 0;
    for (Agnode_t *n = agfstnode(root); n; n = agnxtnode(root, n))
        if ((int)AGSEQ(n) + 1 > nodes)
            nodes = (int)AGSEQ(n) + 1;
    placement pl = {.root = root};
    pl.at = calloc((size_t)nodes + 1, sizeof *pl.at);
    pl.row = calloc((size_t)nodes + 1, sizeof *pl.row);
    pl.filled = calloc((size_t)nodes + 1, sizeof *pl.filled);
    int status = pl.at && pl.row && pl.filled ? 0 : fcn_fail(err, "out of memory laying out the picture");
    double top = 0;
    char id[32];
    for (int p = 0; status == 0 && p < clusters; p++) {
        snprintf(id, sizeof id, "cluster_p%d", p);
        Agraph_t *cluster = agsubg(root, id, 0);
        if (cluster)
            top = place_cluster(&pl, cluster, top) - CLUSTER_GAP;
    }
    draw_edges(&pl);
    free(pl.at);
    free(pl.row);
    free(pl.filled);
    return status;
}

long long vis_layout_work(Agraph_t *root)
{
    /*
     * Dot ranks every node (longest path, here over edges from nodes drawn earlier) and adds a virtual
     * node for each rank an edge spans beyond the next: its ordering works on all of them.
     */
    int nodes = 0;
    for (Agnode_t *n = agfstnode(root); n; n = agnxtnode(root, n))
        if ((int)AGSEQ(n) + 1 > nodes)
            nodes = (int)AGSEQ(n) + 1;
    int *rank = calloc((size_t)nodes + 1, sizeof *rank);
    if (!rank)
        return LLONG_MAX;
    long long work = 0;
    for (Agnode_t *n = agfstnode(root); n; n = agnxtnode(root, n)) {
        work++;
        for (Agedge_t *e = agfstin(root, n); e; e = agnxtin(root, e))
            if (AGSEQ(agtail(e)) < AGSEQ(n) && rank[AGSEQ(agtail(e))] + 1 > rank[AGSEQ(n)])
                rank[AGSEQ(n)] = rank[AGSEQ(agtail(e))] + 1;
    }
    for (Agnode_t *n = agfstnode(root); n; n = agnxtnode(root, n))
        for (Agedge_t *e = agfstout(root, n); e; e = agnxtout(root, e)) {
            const int span = rank[AGSEQ(aghead(e))] - rank[AGSEQ(n)];
            work += span > 1 ? span - 1 : 0;
        }
    free(rank);
    return work;
}
