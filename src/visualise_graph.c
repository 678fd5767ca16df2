/*
 * The picture as a graph: one cluster per partition between its memory ports; in it, per layer,
 * either a cluster of module instances (FCN_DETAIL_MODULES) or one box (FCN_DETAIL_LAYERS), shaded
 * by the layer's share of the interval. Node and cluster names are built from indexes only
 * ("p0_l3_conv_5"), so any layer name is safe: names appear in labels alone, escaped.
 */
#include <string.h>

#include "error.h"
#include "visualise.h"

typedef struct builder {
    Agraph_t *root;
    fcn_detail detail;
    vis_text text; /* scratch for labels */
    fcn_error *err;
} builder;

/* What the layer being drawn needs for its label and its names. */
typedef struct layer_place {
    const fcn_partition_figures *partition;
    int partition_index, index;
} layer_place;

static int out_of_memory(builder *b)
{
    return fcn_fail(b->err, "out of memory drawing the picture");
}

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

static Agnode_t *add_node(Agraph_t *parent, const char *id, const char *label)
{
    Agnode_t *node = agnode(parent, (char *)id, 1);
    if (node)
        vis_set(node, "label", label);
    return node;
}

/* The layer's shading and, for the bottleneck, a heavy red outline. */
static void style_layer(void *object, const layer_place *at, const fcn_layer_figures *f, const char *style)
{
    const double interval = at->partition->interval;
    char colour[8];
    vis_shade(colour, interval > 0 ? f->latency / interval : 0);
    vis_set(object, "style", style);
    vis_set(object, "fillcolor", colour);
    if (at->index == at->partition->bottleneck) {
        vis_set(object, "penwidth", "2.5");
        vis_set(object, "color", "#b00000");
    }
}

/* A stage's nodes: one per instance, or one "name ×N" for more than VIS_MAX_INSTANCES. */
static int draw_stage(builder *b, Agraph_t *parent, const char *id, const vis_stage *stage, vis_drawn *out)
{
    const int64_t count = vis_axes_count(&stage->in);
    out->stage = *stage;
    out->node_count = stage->single || count > VIS_MAX_INSTANCES ? 1 : (int)count;
    char node_id[96], label[64];
    if (out->node_count == 1) {
        if (count > 1 && !stage->single)
            snprintf(label, sizeof label, "%s \xC3\x97%lld", stage->module, (long long)count);
        else
            snprintf(label, sizeof label, "%s", stage->module);
        out->nodes[0] = add_node(parent, id, label);
        return out->nodes[0] ? 0 : out_of_memory(b);
    }
    for (int i = 0; i < out->node_count; i++) {
        snprintf(node_id, sizeof node_id, "%s_%d", id, i);
        out->nodes[i] = add_node(parent, node_id, stage->module);
        if (!out->nodes[i])
            return out_of_memory(b);
    }
    return 0;
}

static int layer_label(builder *b, const layer_place *at)
{
    const fcn_partition_figures *p = at->partition;
    vis_text_clear(&b->text);
    vis_layer_label(&b->text, &p->layers[at->index], &p->figures[at->index], p, at->index == p->bottleneck);
    return b->text.failed ? out_of_memory(b) : 0;
}

/* A cluster of the layer's module instances, stage after stage. */
static int draw_modules(builder *b, Agraph_t *parent, const layer_place *at, vis_drawn *first, vis_drawn *last)
{
    const fcn_layer *l = &at->partition->layers[at->index];
    const fcn_layer_figures *f = &at->partition->figures[at->index];
    char id[64];
    snprintf(id, sizeof id, "cluster_p%d_l%d", at->partition_index, at->index);
    Agraph_t *cluster = agsubg(parent, id, 1);
    if (!cluster || layer_label(b, at))
        return cluster ? -1 : out_of_memory(b);
    vis_set(cluster, "label", b->text.data);
    style_layer(cluster, at, f, l->type == FCN_SQUEEZE ? "filled,rounded,dashed" : "filled,rounded");

    vis_plan plan;
    vis_plan_modules(l, f, &plan);
    vis_drawn previous = {0}, current;
    for (int s = 0; s < plan.count; s++) {
        snprintf(id, sizeof id, "p%d_l%d_%s", at->partition_index, at->index, plan.stages[s].module);
        if (draw_stage(b, cluster, id, &plan.stages[s], &current))
            return -1;
        if (s == 0)
            *first = current;
        else if (vis_connect(b->root, &previous, &current, 1, b->err))
            return -1;
        previous = current;
    }
    *last = previous;
    return plan.count > 0 ? 0 : fcn_fail(b->err, "layer '%s' has no modules to draw", l->name ? l->name : "");
}

/* One box with the layer's label. */
static int draw_box(builder *b, Agraph_t *parent, const layer_place *at, vis_drawn *drawn)
{
    const fcn_layer_figures *f = &at->partition->figures[at->index];
    char id[64];
    snprintf(id, sizeof id, "p%d_l%d", at->partition_index, at->index);
    if (layer_label(b, at))
        return -1;
    *drawn = (vis_drawn){.stage = vis_box_stage(f->streams_in, f->streams_out), .node_count = 1};
    drawn->nodes[0] = add_node(parent, id, b->text.data);
    if (!drawn->nodes[0])
        return out_of_memory(b);
    vis_set(drawn->nodes[0], "fontsize", "10");
    vis_set(drawn->nodes[0], "margin", "0.12,0.06");
    style_layer(drawn->nodes[0], at, f, "filled,rounded");
    return 0;
}

/* A partition's memory port: where its input streams come from or its output streams go. */
static int draw_port(builder *b, Agraph_t *parent, int partition_index, const char *which, int64_t streams,
                     vis_drawn *drawn)
{
    char id[32], label[64];
    snprintf(id, sizeof id, "p%d_%s", partition_index, which);
    if (streams > 1)
        snprintf(label, sizeof label, "%s \xC2\xB7 %lld streams", which, (long long)streams);
    else
        snprintf(label, sizeof label, "%s", which);
    *drawn = (vis_drawn){.stage = vis_box_stage(streams, streams), .node_count = 1};
    drawn->nodes[0] = add_node(parent, id, label);
    if (!drawn->nodes[0])
        return out_of_memory(b);
    vis_set(drawn->nodes[0], "style", "filled,rounded");
    vis_set(drawn->nodes[0], "fillcolor", "#dde6f3");
    return 0;
}

static int draw_partition(builder *b, const fcn_partition_figures *p, int index, vis_drawn ports[2])
{
    char id[32];
    snprintf(id, sizeof id, "cluster_p%d", index);
    Agraph_t *cluster = agsubg(b->root, id, 1);
    if (!cluster)
        return out_of_memory(b);
    vis_text_clear(&b->text);
    vis_partition_label(&b->text, p);
    if (b->text.failed)
        return out_of_memory(b);
    vis_set(cluster, "label", b->text.data);
    vis_set(cluster, "style", "rounded");
    vis_set(cluster, "color", "gray50");

    vis_drawn previous, first, last;
    if (draw_port(b, cluster, index, "input", p->streams_in, &ports[0]))
        return -1;
    previous = ports[0];
    for (int l = 0; l < p->layer_count; l++) {
        const layer_place at = {p, index, l};
        int failed = b->detail == FCN_DETAIL_LAYERS ? draw_box(b, cluster, &at, &first)
                                                    : draw_modules(b, cluster, &at, &first, &last);
        if (b->detail == FCN_DETAIL_LAYERS)
            last = first;
        if (failed || vis_connect(b->root, &previous, &first, 0, b->err))
            return -1;
        previous = last;
    }
    if (draw_port(b, cluster, index, "output", p->streams_out, &ports[1]))
        return -1;
    return vis_connect(b->root, &previous, &ports[1], 0, b->err);
}

/* Partitions run one after another on the same device: a dashed edge gives the order and the layout. */
static int link_partitions(builder *b, const vis_drawn *output, const vis_drawn *input)
{
    Agedge_t *edge = agedge(b->root, output->nodes[0], input->nodes[0], NULL, 1);
    if (!edge)
        return out_of_memory(b);
    vis_set(edge, "style", "dashed");
    vis_set(edge, "color", "gray50");
    vis_set(edge, "label", "reconfigure");
    return 0;
}

static int build(builder *b, const fcn_network_figures *figures)
{
    set_defaults(b->root);
    vis_drawn ports[2], previous_output;
    for (int p = 0; p < figures->partition_count; p++) {
        if (draw_partition(b, &figures->partitions[p], p, ports))
            return -1;
        if (p > 0 && link_partitions(b, &previous_output, &ports[0]))
            return -1;
        previous_output = ports[1];
    }
    return 0;
}

Agraph_t *vis_graph_build(const fcn_network_figures *figures, fcn_detail detail, fcn_error *err)
{
    builder b = {.detail = detail, .err = err};
    b.root = agopen("fpgaconvnet", Agdirected, NULL);
    if (!b.root) {
        fcn_fail(err, "out of memory drawing the picture");
        return NULL;
    }
    int failed = build(&b, figures);
    vis_text_free(&b.text);
    if (failed) {
        agclose(b.root);
        return NULL;
    }
    return b.root;
}
