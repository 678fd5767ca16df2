/*
 * The picture as a graph: one cluster per partition with a port for every tensor it reads from or
 * writes to off-chip memory; in it, per layer, either a cluster of module instances
 * (FCN_DETAIL_MODULES) or one box (FCN_DETAIL_LAYERS), and an edge for every stream of the
 * partition's figures, so that branches and joins are drawn as the network has them. Node and
 * cluster names are built from indexes only ("p0_l3_conv_5"), so any layer name is safe: names
 * appear in labels alone, escaped.
 */
#include <stdlib.h>

#include "error.h"
#include "visualise.h"

static void set_defaults(Agraph_t *g)
{
    static const char *const graph[][2] = {
        {"rankdir", "TB"}, {"fontname", "Helvetica"}, {"fontsize", "11"}, {"nodesep", "0.12"},
        {"ranksep", "0.3"}, {"labeljust", "l"}, {"labelloc", "t"}, {"newrank", "true"}};
    static const char *const node[][2] = {
        {"shape", "box"}, {"style", "filled"}, {"fillcolor", "white"}, {"fontname", "Helvetica"},
        {"fontsize", "9"}, {"height", "0.25"}, {"margin", "0.06,0.02"}};
    static const char *const edge[][2] = {
        {"arrowsize", "0.5"}, {"fontname", "Helvetica"}, {"fontsize", "8"}, {"color", "gray30"}};
    for (size_t i = 0; i < sizeof graph / sizeof graph[0]; i++)
        agattr(g, AGRAPH, (char *)graph[i][0], (char *)graph[i][1]);
    for (size_t i = 0; i < sizeof node / sizeof node[0]; i++)
        agattr(g, AGNODE, (char *)node[i][0], (char *)node[i][1]);
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        agattr(g, AGEDGE, (char *)edge[i][0], (char *)edge[i][1]);
}

/* A partition as drawn so far: each layer's first and last stage, each memory edge's port. */
typedef struct drawn_partition {
    const fcn_partition_figures *p;
    int index;
    Agraph_t *cluster;
    vis_drawn *first, *last, *memory; /* layer_count, layer_count and edge_count entries */
} drawn_partition;

/* Figures from fcn_network_evaluate hold layers and edges; every edge has a layer of the partition at one end at least. */
static int check_partition(vis_builder *b, const fcn_partition_figures *p, int index)
{
    if ((p->layer_count > 0 && (!p->layers || !p->figures)) || (p->edge_count > 0 && !p->edges))
        return fcn_fail(b->err, "partition %d: no layers or edges to draw (a summary has none)", index);
    for (int e = 0; e < p->edge_count; e++) {
        const fcn_edge *edge = &p->edges[e];
        if (edge->from < -1 || edge->from >= p->layer_count || edge->to < -1 || edge->to >= p->layer_count ||
            (edge->from == -1 && edge->to == -1))
            return fcn_fail(b->err, "partition %d: edge %d (%d -> %d) is not between its layers and memory",
                            index, e, edge->from, edge->to);
    }
    return 0;
}

static int open_cluster(vis_builder *b, drawn_partition *d)
{
    char id[32];
    snprintf(id, sizeof id, "cluster_p%d", d->index);
    d->cluster = agsubg(b->root, id, 1);
    if (!d->cluster)
        return vis_out_of_memory(b);
    vis_text_clear(&b->text);
    vis_partition_label(&b->text, d->p);
    if (b->text.failed)
        return vis_out_of_memory(b);
    vis_set(d->cluster, "label", b->text.data);
    vis_set(d->cluster, "style", "rounded");
    vis_set(d->cluster, "color", "gray50");
    return 0;
}

/*
 * The port of memory edge e: where the partition reads a tensor from off-chip memory, named after
 * the layer that wrote it when that is an earlier partition's, or where it writes one. The first
 * of each kind is "p0_input" / "p0_output", as in a chain; the others are numbered on.
 */
static int draw_memory(vis_builder *b, drawn_partition *d, int e, int ordinal)
{
    const fcn_edge *edge = &d->p->edges[e];
    const int input = edge->from == -1;
    const char *which = input ? "input" : "output";
    const int64_t streams = input ? d->p->figures[edge->to].streams_in : d->p->figures[edge->from].streams_out;
    char id[48];
    if (ordinal == 0)
        snprintf(id, sizeof id, "p%d_%s", d->index, which);
    else
        snprintf(id, sizeof id, "p%d_%s_%d", d->index, which, ordinal);
    vis_text_clear(&b->text);
    vis_memory_label(&b->text, which, input ? edge->source : NULL, streams);
    if (b->text.failed)
        return vis_out_of_memory(b);
    vis_drawn *drawn = &d->memory[e];
    *drawn = (vis_drawn){.stage = vis_box_stage(streams, streams), .node_count = 1};
    drawn->nodes[0] = vis_add_node(d->cluster, id, b->text.data);
    if (!drawn->nodes[0])
        return vis_out_of_memory(b);
    vis_set(drawn->nodes[0], "style", "filled,rounded");
    vis_set(drawn->nodes[0], "fillcolor", "#dde6f3");
    return 0;
}

/* The ports of the memory inputs, or of the outputs, in edge order. */
static int draw_memories(vis_builder *b, drawn_partition *d, int inputs)
{
    int ordinal = 0;
    for (int e = 0; e < d->p->edge_count; e++)
        if ((inputs ? d->p->edges[e].from : d->p->edges[e].to) == -1 && draw_memory(b, d, e, ordinal++))
            return -1;
    return 0;
}

static int draw_layers(vis_builder *b, drawn_partition *d)
{
    for (int l = 0; l < d->p->layer_count; l++)
        if (vis_draw_layer(b, d->cluster, d->p, d->index, l, &d->first[l], &d->last[l]))
            return -1;
    return 0;
}

/* Every stream: into a layer's first stage (whichever input port it feeds), out of its last. */
static int connect_edges(vis_builder *b, const drawn_partition *d)
{
    for (int e = 0; e < d->p->edge_count; e++) {
        const fcn_edge *edge = &d->p->edges[e];
        const vis_drawn *from = edge->from == -1 ? &d->memory[e] : &d->last[edge->from];
        const vis_drawn *to = edge->to == -1 ? &d->memory[e] : &d->first[edge->to];
        if (vis_connect(b->root, from, to, 0, b->err))
            return -1;
    }
    return 0;
}

/* A partition's cluster: inputs first and outputs last, so that dot keeps a chain's order; ports[e] for memory edges. */
static int draw_partition(vis_builder *b, const fcn_partition_figures *p, int index, Agnode_t **ports)
{
    drawn_partition d = {.p = p, .index = index};
    if (check_partition(b, p, index) || open_cluster(b, &d))
        return -1;
    const size_t count = 2 * (size_t)p->layer_count + (size_t)p->edge_count;
    vis_drawn *all = calloc(count > 0 ? count : 1, sizeof *all);
    if (!all)
        return vis_out_of_memory(b);
    d.first = all;
    d.last = all + p->layer_count;
    d.memory = d.last + p->layer_count;
    const int failed = draw_memories(b, &d, 1) || draw_layers(b, &d) || draw_memories(b, &d, 0) ||
                       connect_edges(b, &d);
    for (int e = 0; !failed && e < p->edge_count; e++)
        ports[e] = d.memory[e].nodes[0]; /* NULL for edges between layers */
    free(all);
    return failed ? -1 : 0;
}

static int build(vis_builder *b, const fcn_network_figures *figures, Agnode_t ***ports)
{
    set_defaults(b->root);
    for (int p = 0; p < figures->partition_count; p++) {
        const int edges = figures->partitions[p].edge_count;
        ports[p] = calloc(edges > 0 ? (size_t)edges : 1, sizeof *ports[p]);
        if (!ports[p])
            return vis_out_of_memory(b);
        if (draw_partition(b, &figures->partitions[p], p, ports[p]))
            return -1;
    }
    return vis_link_partitions(b, figures, ports);
}

Agraph_t *vis_graph_build(const fcn_network_figures *figures, fcn_detail detail, fcn_error *err)
{
    vis_builder b = {.detail = detail, .err = err};
    const int count = figures->partition_count > 0 ? figures->partition_count : 1;
    Agnode_t ***ports = calloc((size_t)count, sizeof *ports);
    b.root = ports ? agopen("fpgaconvnet", Agdirected, NULL) : NULL;
    if (!b.root) {
        free(ports);
        fcn_fail(err, "out of memory drawing the picture");
        return NULL;
    }
    const int failed = build(&b, figures, ports);
    for (int p = 0; p < figures->partition_count; p++)
        free(ports[p]);
    free(ports);
    vis_text_free(&b.text);
    if (failed) {
        agclose(b.root);
        return NULL;
    }
    return b.root;
}
