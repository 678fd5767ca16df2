/*
 * What sets a partition's interval: its layers and the squeezes the model
 * inserts between layers whose streams differ (and at memory inputs and
 * outputs), listed layer by layer in the order fcn_partition_summary adds
 * them, so that an element's index is the summary's bottleneck index.
 */
#include "layers.h"
#include "optimise.h"

/* The streams a memory port carries per tensor: partition.c's ports x 64-bit ports / 16-bit words. */
#define STREAMS_PER_PORT 4

int64_t opt_memory_streams(const opt_design *d, int64_t channels, int64_t streams)
{
    const int64_t limit = d->ports * STREAMS_PER_PORT;
    return opt_divisor_at_most(channels, streams < limit ? streams : limit);
}

/* A squeeze's latency where the streams differ; none where they do not. */
static double squeeze_between(int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t from, int64_t to)
{
    return from == to ? 0 : squeeze_latency(rows * cols * depth * channels, from, to);
}

/* Which output port of layer a feeds input port `port` of layer b: a's readers come in network order. */
static int producer_port(const opt_design *d, int a, int b, int port)
{
    int q = 0;
    for (int j = a + 1; j <= b; j++)
        for (int p = 0; p < (j == b ? port : d->layer[j].ports_in); p++)
            q += j - fcn_layer_input(&d->layer[j], p) == a;
    return q;
}

int64_t opt_output_channels(const opt_design *d, int a, int q)
{
    return fcn_layer_output_channels(&d->layer[a], q, d->figures[a].channels_out);
}

double opt_element_latency(const opt_design *d, const opt_element *e)
{
    if (e->kind == OPT_LAYER)
        return d->figures[e->a].latency;
    if (e->a < 0) {
        const fcn_layer *l = &d->layer[e->b];
        const int64_t channels = fcn_layer_port_channels(l, e->port), to = d->figures[e->b].streams_in;
        return squeeze_between(layer_port_rows(l, e->port), layer_port_cols(l, e->port),
                               layer_port_depth(l, e->port), channels,
                               opt_memory_streams(d, channels, to), to);
    }
    const fcn_layer_figures *f = &d->figures[e->a];
    /* An inner squeeze carries port `port` of its consumer; an output squeeze output port `port` of its producer. */
    const int q = e->b < 0 ? e->port : d->layer[e->a].type == FCN_CHOP ? producer_port(d, e->a, e->b, e->port) : 0;
    const int64_t channels = opt_output_channels(d, e->a, q);
    const int64_t to = e->b >= 0 ? d->figures[e->b].streams_in : opt_memory_streams(d, channels, f->streams_out);
    return squeeze_between(f->rows_out, f->cols_out, f->depth_out, channels, f->streams_out, to);
}

/* Layer i's input squeezes (per port, from a layer of the partition or from memory), then the layer. */
static void visit_inputs(const opt_design *d, int s, int i, opt_element_visit *visit, void *user)
{
    const fcn_layer *l = &d->layer[i];
    const int64_t streams = d->figures[i].streams_in;
    for (int port = 0; port < l->ports_in; port++) {
        const int back = fcn_layer_input(l, port);
        if (back > 0 && back <= i - s) {
            if (d->figures[i - back].streams_out != streams)
                visit(user, &(opt_element){OPT_SQUEEZE, i - back, i, port});
        } else if (opt_memory_streams(d, fcn_layer_port_channels(l, port), streams) != streams) {
            visit(user, &(opt_element){OPT_SQUEEZE, -1, i, port});
        }
    }
    visit(user, &(opt_element){OPT_LAYER, i, -1, 0});
}

/* Layer i's output ports that no later layer of the partition reads, squeezed on their way to memory. */
static void visit_outputs(const opt_design *d, const opt_problem *pb, int e, int i, opt_element_visit *visit,
                          void *user)
{
    const fcn_layer_figures *f = &d->figures[i];
    for (int q = opt_inner_consumers(pb, i, e); q < d->layer[i].ports_out; q++)
        if (opt_memory_streams(d, opt_output_channels(d, i, q), f->streams_out) != f->streams_out)
            visit(user, &(opt_element){OPT_SQUEEZE, i, -1, q});
}

void opt_layer_elements(const opt_design *d, const opt_problem *pb, int s, int e, int i, opt_element_visit *visit,
                        void *user)
{
    visit_inputs(d, s, i, visit, user);
    visit_outputs(d, pb, e, i, visit, user);
}

void opt_element_count(void *user, const opt_element *e)
{
    opt_element_find *f = user;
    if (f->seen++ == f->target)
        f->hit = *e;
}
