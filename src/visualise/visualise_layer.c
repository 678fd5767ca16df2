/*
 * One layer of the picture: a box (FCN_DETAIL_LAYERS) or a cluster of its module instances
 * (FCN_DETAIL_MODULES), shaded by the layer's share of the interval. Where a network branches or
 * joins must show at a glance in a picture of hundreds of layers, so a SPLIT and an ELTWISE or
 * CONCAT get outlines of their own colour and, as boxes, shapes that widen or narrow downwards.
 */
#include "error.h"
#include "visualise.h"

/* What the layer being drawn needs for its label and its names. */
typedef struct layer_place {
    const fcn_partition_figures *partition;
    int partition_index, index;
} layer_place;

int vis_out_of_memory(vis_builder *b)
{
    return fcn_fail(b->err, "out of memory drawing the picture");
}

Agnode_t *vis_add_node(Agraph_t *parent, const char *id, const char *label)
{
    Agnode_t *node = agnode(parent, (char *)id, 1);
    if (node)
        vis_set(node, "label", label);
    return node;
}

/* The outline of a layer where the network branches (blue) or joins (green); NULL for others. */
static const char *branch_colour(fcn_layer_type type)
{
    switch (type) {
    case FCN_SPLIT:
    case FCN_CHOP: return "#1f5fa8";
    case FCN_ELTWISE:
    case FCN_CONCAT: return "#2e7d32";
    default: return NULL;
    }
}

/* The layer's shading, a branch or join's outline and, for the bottleneck, a heavy red outline instead. */
static void style_layer(void *object, const layer_place *at, const fcn_layer *l, const fcn_layer_figures *f,
                        const char *style)
{
    const double interval = at->partition->interval;
    char colour[8];
    vis_shade(colour, interval > 0 ? f->latency / interval : 0);
    vis_set(object, "style", style);
    vis_set(object, "fillcolor", colour);
    const char *outline = branch_colour(l->type);
    if (at->index == at->partition->bottleneck) {
        vis_set(object, "penwidth", "2.5");
        vis_set(object, "color", "#b00000");
    } else if (outline) {
        vis_set(object, "penwidth", "2");
        vis_set(object, "color", outline);
    }
}

/* A stage's nodes: one per instance, or one "name ×N" for more than VIS_MAX_INSTANCES. */
static int draw_stage(vis_builder *b, Agraph_t *parent, const char *id, const vis_stage *stage, vis_drawn *out)
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
        out->nodes[0] = vis_add_node(parent, id, label);
        return out->nodes[0] ? 0 : vis_out_of_memory(b);
    }
    for (int i = 0; i < out->node_count; i++) {
        snprintf(node_id, sizeof node_id, "%s_%d", id, i);
        out->nodes[i] = vis_add_node(parent, node_id, stage->module);
        if (!out->nodes[i])
            return vis_out_of_memory(b);
    }
    return 0;
}

static int layer_label(vis_builder *b, const layer_place *at)
{
    const fcn_partition_figures *p = at->partition;
    vis_text_clear(&b->text);
    vis_layer_label(&b->text, &p->layers[at->index], &p->figures[at->index], p, at->index == p->bottleneck);
    return b->text.failed ? vis_out_of_memory(b) : 0;
}

/* A cluster of the layer's module instances, stage after stage. */
static int draw_modules(vis_builder *b, Agraph_t *parent, const layer_place *at, vis_drawn *first,
                        vis_drawn *last)
{
    const fcn_layer *l = &at->partition->layers[at->index];
    const fcn_layer_figures *f = &at->partition->figures[at->index];
    char id[64];
    snprintf(id, sizeof id, "cluster_p%d_l%d", at->partition_index, at->index);
    Agraph_t *cluster = agsubg(parent, id, 1);
    if (!cluster || layer_label(b, at))
        return cluster ? -1 : vis_out_of_memory(b);
    vis_set(cluster, "label", b->text.data);
    style_layer(cluster, at, l, f, l->type == FCN_SQUEEZE ? "filled,rounded,dashed" : "filled,rounded");

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
static int draw_box(vis_builder *b, Agraph_t *parent, const layer_place *at, vis_drawn *drawn)
{
    const fcn_layer *l = &at->partition->layers[at->index];
    const fcn_layer_figures *f = &at->partition->figures[at->index];
    char id[64];
    snprintf(id, sizeof id, "p%d_l%d", at->partition_index, at->index);
    if (layer_label(b, at))
        return -1;
    *drawn = (vis_drawn){.stage = vis_box_stage(f->streams_in, f->streams_out), .node_count = 1};
    drawn->nodes[0] = vis_add_node(parent, id, b->text.data);
    if (!drawn->nodes[0])
        return vis_out_of_memory(b);
    vis_set(drawn->nodes[0], "fontsize", "10");
    /* Cut corners take room from the label's first and last lines. */
    vis_set(drawn->nodes[0], "margin", branch_colour(l->type) ? "0.2,0.06" : "0.12,0.06");
    style_layer(drawn->nodes[0], at, l, f, branch_colour(l->type) ? "filled,diagonals" : "filled,rounded");
    return 0;
}

int vis_draw_layer(vis_builder *b, Agraph_t *parent, const fcn_partition_figures *p, int partition_index,
                   int index, vis_drawn *first, vis_drawn *last)
{
    const layer_place at = {p, partition_index, index};
    if (b->detail == FCN_DETAIL_MODULES)
        return draw_modules(b, parent, &at, first, last);
    if (draw_box(b, parent, &at, first))
        return -1;
    *last = *first;
    return 0;
}
