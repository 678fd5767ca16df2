/*
 * Which module instances a layer has, and which instances of neighbouring stages are joined by a
 * stream. An instance is numbered by its coordinates on the axes its stage spans (group, input
 * stream, output stream); two instances are joined when they agree on every axis both span, so a
 * fork (group, in) feeds every conv (group, in, out) of its input stream and a glue (group, out)
 * gathers every accum (group, in, out) of its output stream. Between layers only the stream
 * matters: output stream k of one layer is input stream k of the next.
 */
#include "error.h"
#include "visualise.h"

static vis_axes axes(int64_t group, int64_t in, int64_t out)
{
    return (vis_axes){{group, in, out}};
}

static vis_stage module(const char *name, vis_axes view, int out_axis)
{
    return (vis_stage){.module = name, .in = view, .out = view, .out_axis = out_axis};
}

vis_stage vis_box_stage(int64_t streams_in, int64_t streams_out)
{
    return (vis_stage){.in = axes(0, streams_in, 0), .out = axes(0, streams_out, 0), .out_axis = VIS_IN,
                       .single = 1};
}

int64_t vis_axes_count(const vis_axes *a)
{
    int64_t count = 1;
    for (int i = 0; i < VIS_AXES; i++)
        if (a->size[i] > 0)
            count *= a->size[i];
    return count;
}

/* Sliding window, fork, conv, accum, glue, bias (MODEL.md §3): the figures' module order. */
static void convolution_plan(const fcn_layer *l, int has_window, vis_plan *plan)
{
    const int64_t cg = has_window ? l->coarse_group : 1, ci = l->coarse_in, co = l->coarse_out;
    int n = 0;
    if (has_window)
        plan->stages[n++] = module("sliding_window", axes(cg, ci, 0), VIS_OUT);
    plan->stages[n++] = module("fork", axes(cg, ci, 0), VIS_OUT);
    plan->stages[n++] = module("conv", axes(cg, ci, co), VIS_OUT);
    plan->stages[n++] = module("accum", axes(cg, ci, co), VIS_OUT);
    plan->stages[n++] = module("glue", axes(cg, 0, co), VIS_OUT);
    if (l->has_bias)
        plan->stages[n++] = module("bias", axes(cg, 0, co), VIS_OUT);
    plan->count = n;
}

void vis_plan_modules(const fcn_layer *l, const fcn_layer_figures *f, vis_plan *plan)
{
    *plan = (vis_plan){0};
    switch (l->type) {
    case FCN_CONVOLUTION: convolution_plan(l, 1, plan); return;
    case FCN_INNER_PRODUCT: convolution_plan(l, 0, plan); return;
    case FCN_SQUEEZE:
        plan->stages[0] = vis_box_stage(f->streams_in, f->streams_out);
        plan->stages[0].module = "squeeze";
        plan->count = 1;
        return;
    default:
        break;
    }
    /* One instance of each of the layer's modules per coarse stream. */
    for (int m = 0; m < f->module_count && m < FCN_MAX_MODULES; m++)
        plan->stages[m] = module(f->modules[m].name, axes(0, f->streams_in, 0), VIS_IN);
    plan->count = f->module_count;
}

/* An instance's coordinate on each axis its view spans (the last axis varies fastest). */
static void coordinates(const vis_axes *a, int64_t index, int64_t out[VIS_AXES])
{
    for (int i = VIS_AXES - 1; i >= 0; i--) {
        int64_t size = a->size[i] > 0 ? a->size[i] : 1;
        out[i] = index % size;
        index /= size;
    }
}

/* The axes the two sides are compared on: pairs (from axis, to axis); their count. */
static int compared_axes(const vis_stage *from, const vis_stage *to, int within, int pairs[VIS_AXES][2])
{
    int n = 0;
    if (within) {
        for (int i = 0; i < VIS_AXES; i++)
            if (from->out.size[i] > 0 && to->in.size[i] > 0)
                pairs[n][0] = pairs[n][1] = i, n++;
        return n;
    }
    const int64_t out = from->out.size[from->out_axis], in = to->in.size[VIS_IN];
    /* Stream k meets stream k; unequal counts (never after squeeze insertion) meet all to all. */
    if (out > 0 && out == in) {
        pairs[0][0] = from->out_axis;
        pairs[0][1] = VIS_IN;
        n = 1;
    }
    return n;
}

static int joined(const vis_stage *from, int64_t x, const vis_stage *to, int64_t y, int pairs[][2], int n)
{
    int64_t a[VIS_AXES], b[VIS_AXES];
    coordinates(&from->out, x, a);
    coordinates(&to->in, y, b);
    for (int i = 0; i < n; i++)
        if (a[pairs[i][0]] != b[pairs[i][1]])
            return 0;
    return 1;
}

static int add_edge(Agraph_t *graph, Agnode_t *tail, Agnode_t *head, int64_t multiplicity, fcn_error *err)
{
    Agedge_t *edge = agedge(graph, tail, head, NULL, 1);
    if (!edge)
        return fcn_fail(err, "out of memory drawing the picture");
    if (multiplicity > 1) {
        char label[32];
        snprintf(label, sizeof label, "\xC3\x97%lld", (long long)multiplicity); /* "×N" */
        vis_set(edge, "label", label);
    }
    return 0;
}

/*
 * Every stream between the stages. The relation is regular: each `to` instance is fed by
 * count(from)/shared instances and each `from` instance feeds count(to)/shared. A collapsed side
 * (one node for many instances) gets one edge per node of the other side, labelled with how many
 * streams it stands for.
 */
int vis_connect(Agraph_t *graph, const vis_drawn *from, const vis_drawn *to, int within, fcn_error *err)
{
    int pairs[VIS_AXES][2];
    const int n = compared_axes(&from->stage, &to->stage, within, pairs);
    int64_t shared = 1;
    for (int i = 0; i < n; i++)
        shared *= from->stage.out.size[pairs[i][0]];
    const int64_t a = vis_axes_count(&from->stage.out), b = vis_axes_count(&to->stage.in);
    const int from_collapsed = from->node_count != a, to_collapsed = to->node_count != b;

    if (from_collapsed && to_collapsed)
        return add_edge(graph, from->nodes[0], to->nodes[0], a * b / shared, err);
    if (from_collapsed) {
        for (int y = 0; y < to->node_count; y++)
            if (add_edge(graph, from->nodes[0], to->nodes[y], a / shared, err))
                return -1;
        return 0;
    }
    if (to_collapsed) {
        for (int x = 0; x < from->node_count; x++)
            if (add_edge(graph, from->nodes[x], to->nodes[0], b / shared, err))
                return -1;
        return 0;
    }
    for (int x = 0; x < from->node_count; x++)
        for (int y = 0; y < to->node_count; y++)
            if (joined(&from->stage, x, &to->stage, y, pairs, n) &&
                add_edge(graph, from->nodes[x], to->nodes[y], 1, err))
                return -1;
    return 0;
}
