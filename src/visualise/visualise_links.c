/*
 * Tensors that cross partitions. A partition's memory input names the layer of an earlier
 * partition that wrote it (fcn_edge.source); that layer wrote it through one of its partition's
 * memory outputs, and a dashed edge joins the two ports. Partitions also run one after another on
 * the same device: the link from the partition just before is labelled "reconfigure", and when a
 * partition reads nothing of the one before it, a dotted edge keeps their order in the picture.
 * On a chain this is the one dashed "reconfigure" edge between consecutive partitions.
 */
#include <string.h>

#include "error.h"
#include "visualise.h"

/* The partition before `before` holding a layer named `name` (squeezes aside), its index in *layer; -1 if none. */
static int find_producer(const fcn_network_figures *f, int before, const char *name, int *layer)
{
    for (int q = before - 1; q >= 0; q--) {
        const fcn_partition_figures *p = &f->partitions[q];
        for (int i = 0; i < p->layer_count; i++)
            if (p->layers[i].type != FCN_SQUEEZE && p->layers[i].name && strcmp(p->layers[i].name, name) == 0) {
                *layer = i;
                return q;
            }
    }
    return -1;
}

/* The layer whose stream reaches `slot`, back through the squeezes in front of it. */
static int producer_of(const fcn_partition_figures *p, int slot)
{
    for (int hops = 0; slot >= 0 && p->layers[slot].type == FCN_SQUEEZE && hops < p->layer_count; hops++) {
        int from = -1;
        for (int e = 0; e < p->edge_count && from == -1; e++)
            if (p->edges[e].to == slot)
                from = p->edges[e].from;
        slot = from;
    }
    return slot;
}

/*
 * How many memory inputs read `source` before edge e of partition `reader`, from partition `after`
 * on. A layer's outputs go to its readers in network order (a SPLIT's ports, fcn_layer), so this
 * says which of its memory outputs the reader takes.
 */
static int reader_rank(const fcn_network_figures *f, int after, int reader, int e, const char *source)
{
    int rank = 0;
    for (int q = after + 1; q <= reader; q++) {
        const fcn_partition_figures *p = &f->partitions[q];
        const int end = q == reader ? e : p->edge_count;
        for (int k = 0; k < end; k++)
            rank += p->edges[k].from == -1 && p->edges[k].source && strcmp(p->edges[k].source, source) == 0;
    }
    return rank;
}

/* The memory edge of `p` carrying the rank-th output of `layer` (the last there is if fewer); -1 if none. */
static int output_edge(const fcn_partition_figures *p, int layer, int rank)
{
    int found = -1;
    for (int e = 0; e < p->edge_count; e++)
        if (p->edges[e].to == -1 && producer_of(p, p->edges[e].from) == layer) {
            found = e;
            if (rank-- == 0)
                break;
        }
    return found;
}

static int first_memory(const fcn_partition_figures *p, int inputs)
{
    for (int e = 0; e < p->edge_count; e++)
        if ((inputs ? p->edges[e].from : p->edges[e].to) == -1)
            return e;
    return -1;
}

static int dashed_edge(vis_builder *b, Agnode_t *tail, Agnode_t *head, const char *style, const char *label)
{
    Agedge_t *edge = agedge(b->root, tail, head, NULL, 1);
    if (!edge)
        return vis_out_of_memory(b);
    vis_set(edge, "style", style);
    vis_set(edge, "color", "gray50");
    if (label)
        vis_set(edge, "label", label);
    return 0;
}

/* The links into partition p; *from_previous says whether one came from partition p - 1. */
static int link_inputs(vis_builder *b, const fcn_network_figures *f, Agnode_t **const *ports, int p,
                       int *from_previous)
{
    const fcn_partition_figures *part = &f->partitions[p];
    for (int e = 0; e < part->edge_count; e++) {
        const char *source = part->edges[e].source;
        int layer = -1, q = part->edges[e].from == -1 && source ? find_producer(f, p, source, &layer) : -1;
        const int o = q >= 0 ? output_edge(&f->partitions[q], layer, reader_rank(f, q, p, e, source)) : -1;
        if (o < 0 || !ports[q][o] || !ports[p][e])
            continue; /* the input's label still names its source */
        const char *label = q == p - 1 && !*from_previous ? "reconfigure" : NULL;
        *from_previous |= q == p - 1;
        if (dashed_edge(b, ports[q][o], ports[p][e], "dashed", label))
            return -1;
    }
    return 0;
}

int vis_link_partitions(vis_builder *b, const fcn_network_figures *figures, Agnode_t **const *ports)
{
    for (int p = 1; p < figures->partition_count; p++) {
        int from_previous = 0;
        if (link_inputs(b, figures, ports, p, &from_previous))
            return -1;
        const int output = first_memory(&figures->partitions[p - 1], 0);
        const int input = first_memory(&figures->partitions[p], 1);
        if (!from_previous && output >= 0 && input >= 0 &&
            dashed_edge(b, ports[p - 1][output], ports[p][input], "dotted", "reconfigure"))
            return -1;
    }
    return 0;
}
