/*
 * A chain partition's summary kept up to date as its layers change (issue 14: the greedy pass's cost).
 * fcn_partition_summary walks every layer of a partition, so a search that refolds one layer at a time
 * pays the partition's length for each step. On a chain (every layer reads only its predecessor and
 * only the last writes to memory) each figure of the summary is a sum over layers, a first maximum
 * over the walk's elements (layers and squeezes), or read from the first and last layer; so a segment
 * tree over the layers, each leaf holding its layer's elements, gives every figure after a change of
 * one layer in O(log n), the same figures as the walk, bit for bit (tests/test_optimise_chain.c
 * compares them). A partition that is not a chain counts a "break" and is left to the walk.
 */
#include <stdlib.h>
#include <string.h>

#include "layers.h"
#include "optimise.h"
#include "partition.h"
#include "resource.h"

/* fcn_partition_summary's word on memory: 16-bit words. */

int opt_chain_alloc(opt_chain *c, int layers)
{
    *c = (opt_chain){.p = -1};
    c->leaves = 1;
    while (c->leaves < layers)
        c->leaves *= 2;
    c->node = calloc(2 * (size_t)c->leaves, sizeof *c->node);
    return c->node ? 0 : -1;
}

void opt_chain_free(opt_chain *c)
{
    free(c->node);
    *c = (opt_chain){.p = -1};
}

/* Whether layer i keeps partition s..e-1 a chain: one input, its predecessor's; one output, read next. */
static int chain_link(const opt_design *d, const opt_problem *pb, int s, int e, int i)
{
    const fcn_layer *l = &d->layer[i];
    if (l->ports_in != 1 || (i > s && fcn_layer_input(l, 0) != 1) || d->figures[i].pipeline_depth < 0)
        return 0;
    return i == e - 1 ? l->ports_out >= 1 : l->ports_out == 1 && opt_inner_consumers(pb, i, e) == 1;
}

typedef struct leaf_walk {
    const opt_design *d;
    opt_chain_node *n;
} leaf_walk;

/* The walk's rule: the first element sets the interval, a later one only if strictly slower. */
static void add_element(void *user, const opt_element *e)
{
    leaf_walk *w = user;
    const double latency = opt_element_latency(w->d, e);
    if (w->n->count == 0 || latency > w->n->slowest) {
        w->n->slowest = latency;
        w->n->slowest_at = w->n->count;
    }
    w->n->count++;
}

static void set_leaf(opt_chain *c, const opt_design *d, const opt_problem *pb, int i)
{
    opt_chain_node *n = &c->node[c->leaves + i];
    *n = (opt_chain_node){0};
    if (i < c->s || i >= c->e)
        return;
    leaf_walk w = {d, n};
    opt_layer_elements(d, pb, c->s, c->e, i, add_element, &w);
    const fcn_layer_figures *f = &d->figures[i];
    const char *name = d->layer[i].name;
    n->breaks = !chain_link(d, pb, c->s, c->e, i);
    n->resource = f->resource;
    n->operations = f->operations;
    n->depth = f->pipeline_depth;
    if (f->weights && c->w >= 0 && name && pb->model[c->w].name && strcmp(name, pb->model[c->w].name) == 0)
        n->size_wr = f->weights;
}

static void combine(opt_chain_node *to, const opt_chain_node *l, const opt_chain_node *r)
{
    const int right_slower = r->count > 0 && (l->count == 0 || r->slowest > l->slowest);
    to->slowest = right_slower ? r->slowest : l->slowest;
    to->slowest_at = right_slower ? l->count + r->slowest_at : l->slowest_at;
    to->count = l->count + r->count;
    to->breaks = l->breaks + r->breaks;
    to->resource = l->resource;
    resource_add_scaled(&to->resource, &r->resource, 1);
    to->operations = l->operations + r->operations;
    to->depth = l->depth + r->depth;
    to->size_wr = r->size_wr ? r->size_wr : l->size_wr; /* the walk keeps the last layer that matches */
}

static void update_leaf(opt_chain *c, const opt_design *d, opt_problem *pb, int i)
{
    set_leaf(c, d, pb, i);
    pb->layers_summed++;
    for (int k = (c->leaves + i) / 2; k >= 1; k /= 2)
        combine(&c->node[k], &c->node[2 * k], &c->node[2 * k + 1]);
}

int opt_chain_load(opt_chain *c, const opt_design *d, opt_problem *pb, int p)
{
    const int old_s = c->s, old_e = c->e;
    c->p = -1;
    c->s = c->e = 0;
    for (int i = old_s; i < old_e; i++)
        update_leaf(c, d, pb, i);
    c->p = p;
    c->s = d->start[p];
    c->e = d->start[p + 1];
    c->w = opt_wr_layer(pb, c->s, c->e);
    for (int i = c->s; i < c->e; i++)
        update_leaf(c, d, pb, i);
    return opt_chain_valid(c);
}

int opt_chain_valid(const opt_chain *c)
{
    return c->p >= 0 && c->node[1].breaks == 0;
}

void opt_chain_update(opt_chain *c, const opt_design *d, opt_problem *pb, int i)
{
    update_leaf(c, d, pb, i);
    if (i + 1 < c->e)
        update_leaf(c, d, pb, i + 1); /* its input squeeze reads i's streams */
}

int opt_chain_resize(opt_chain *c, const opt_design *d, opt_problem *pb, int e)
{
    const int old_e = c->e, old_w = c->w;
    c->e = e;
    c->w = opt_wr_layer(pb, c->s, e);
    const int lo = (e < old_e ? e : old_e) - 1, hi = e > old_e ? e : old_e;
    for (int i = lo > c->s ? lo : c->s; i < hi; i++)
        update_leaf(c, d, pb, i);
    if (c->w != old_w) {
        if (old_w >= c->s && old_w < e)
            update_leaf(c, d, pb, old_w);
        if (c->w >= 0)
            update_leaf(c, d, pb, c->w);
    }
    return opt_chain_valid(c);
}

opt_element opt_chain_element(const opt_chain *c, const opt_design *d, const opt_problem *pb, int index)
{
    int k = 1;
    while (k < c->leaves) {
        k *= 2;
        if (index >= c->node[k].count) {
            index -= c->node[k].count;
            k++;
        }
    }
    opt_element_find find = {index, 0, {OPT_LAYER, c->e - 1, -1, 0}};
    opt_layer_elements(d, pb, c->s, c->e, k - c->leaves, opt_element_count, &find);
    return find.hit;
}

/* The tensors partition s..e-1 reads from memory (layer s's inputs) and writes (layer e-1's outputs). */
static void memory_figures(const opt_chain *c, const opt_design *d, const opt_problem *pb, fcn_partition_figures *out)
{
    const fcn_layer *first = &d->layer[c->s];
    for (int port = 0; port < first->ports_in; port++) {
        const int64_t channels = fcn_layer_port_channels(first, port);
        out->streams_in += opt_memory_streams(d, channels, d->figures[c->s].streams_in);
        out->workload_in += layer_port_rows(first, port) * layer_port_cols(first, port) *
                            layer_port_depth(first, port) * channels;
        out->inputs++;
    }
    const int last = c->e - 1;
    const fcn_layer_figures *f = &d->figures[last];
    for (int q = opt_inner_consumers(pb, last, c->e); q < d->layer[last].ports_out; q++) {
        const int64_t channels = opt_output_channels(d, last, q);
        out->streams_out += opt_memory_streams(d, channels, f->streams_out);
        out->workload_out += f->rows_out * f->cols_out * f->depth_out * channels;
        out->outputs++;
    }
}

void opt_chain_summary(const opt_chain *c, const opt_design *d, const opt_problem *pb, fcn_partition_figures *out)
{
    const opt_chain_node *root = &c->node[1];
    *out = (fcn_partition_figures){.id = c->p, .wr_layer = c->w >= 0 ? pb->model[c->w].name : NULL,
                                   .batch_size = pb->eval.batch_size, .wr_factor = d->wr[c->p], .ports = d->ports,
                                   .interval = root->slowest, .bottleneck = root->slowest_at,
                                   .resource = root->resource, .operations = root->operations,
                                   .size_wr = root->size_wr, .layer_count = root->count};
    memory_figures(c, d, pb, out);
    out->pipeline_depth = out->outputs > 0 && root->depth > 0 ? root->depth : 0;
    out->edge_count = root->count + out->outputs; /* each layer's input, each output, and each squeeze's */
    partition_latency_bandwidth(out, pb->eval.freq_mhz); /* fcn_partition_summary's own, bit for bit */
}
