/*
 * Partitions (MODEL.md §4, docs/MODEL-DAG.md §7-§8): a partition is a DAG of
 * layers in network order. One walk in that order inserts a squeeze on every
 * stream whose stream counts differ (between two layers, or at the
 * partition's memory inputs and outputs), and finds the interval (slowest
 * layer), the pipeline depth (longest path), workloads and bandwidth over all
 * memory inputs and outputs, resources and operations. On a chain every
 * figure is MODEL.md's.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "fpgaconvnet.h"
#include "layers.h"
#include "partition.h"
#include "resource.h"

/* The streams a partition's memory ports carry, and the word width they carry. */
#define PORT_WIDTH 64
#define PARTITION_DATA_WIDTH 16
/* Layers whose walk state fits on the stack; larger partitions take it from the heap. */
#define STACK_NODES 256

static int64_t largest_factor_at_most(int64_t n, int64_t limit)
{
    for (int64_t f = limit < n ? limit : n; f > 1; f--)
        if (n % f == 0)
            return f;
    return 1;
}

/* What the walk keeps of a layer once it has passed it: what its consumers need. */
typedef struct node_state {
    int64_t rows_out, cols_out, depth_out, channels_out, streams_out;
    int64_t depth;        /* the longest path's pipeline depth up to and including this layer */
    int inner_consumers;  /* input ports of later layers of this partition reading it */
    int read;             /* of those, how many the walk has passed: the next reader takes output port `read` */
    int slot;             /* its index in the built list */
} node_state;

/*
 * How a squeeze is named: "<a>_squeeze_<b>" between two layers,
 * "<b>_squeeze[_in<port>]" at an input, "squeeze_<a>[_out<port>]" at an
 * output (port -1: the layer has one). The names are written once the walk
 * is over, all into one block.
 */
typedef struct squeeze_naming {
    const char *a, *b;
    int port;
    size_t at; /* once named: the name's offset in the block of names */
} squeeze_naming;

/* Where a walk puts what it finds; chain, figures and edges are NULL when only totals are wanted. */
typedef struct walk {
    const fcn_partition *p;
    const fcn_layer_figures *cached;   /* figures of p->layers[i] at [i], or NULL */
    const fcn_network *net;            /* to name the producers of memory inputs; NULL in summaries */
    int base;                          /* the network order's index of p->layers[0] */
    fcn_partition_figures *out;
    node_state *nodes;
    int64_t max_streams;
    fcn_layer *chain;
    fcn_layer_figures *figures;
    fcn_edge *edges;
    squeeze_naming *naming;            /* at [i], how to name chain[i] if it is a squeeze */
    const fcn_layer_figures *current;  /* the figures of the layer being visited */
    fcn_layer_figures *spare;          /* where they move if they were in a slot a squeeze takes */
    const fcn_layer *squeeze;          /* a SQUEEZE layer as fcn_layer_init makes it, which squeezes start from */
    int count;
    int wr_index;                      /* the layer p->wr_layer names, or -1 */
} walk;

/*
 * A layer copied in two halves: one copy of its 400 bytes compiles to `rep movsq`, whose start-up
 * cost (as rep stos's: layers.h) was most of a whole evaluation's cost per layer beyond its summary.
 */
static inline void copy_layer(fcn_layer *to, const fcn_layer *from)
{
    const size_t half = sizeof *to / 2;
    memcpy(to, from, half);
    memcpy((char *)to + half, (const char *)from + half, sizeof *to - half);
}

/* The bytes of a layer's figures that matter: the modules a layer does not have are left unwritten. */
static size_t figures_bytes(const fcn_layer_figures *f)
{
    return offsetof(fcn_layer_figures, modules) + (size_t)f->module_count * sizeof f->modules[0];
}

/* The slowest element so far sets the interval. */
static void account_latency(walk *w, double latency)
{
    fcn_partition_figures *out = w->out;
    if (w->count == 0 || latency > out->interval) {
        out->interval = latency;
        out->bottleneck = w->count;
    }
}

/* The partition's totals take a layer's (or squeeze's) figures. */
static inline void account_figures(walk *w, const fcn_layer_figures *f)
{
    account_latency(w, f->latency);
    resource_add_scaled(&w->out->resource, &f->resource, 1);
    w->out->operations += f->operations;
}

/* Figures of the built chain's next slot, when the layer's were computed elsewhere (scratch, or a cache). */
static void add_figures(walk *w, const fcn_layer *layer, const fcn_layer_figures *f)
{
    account_figures(w, f);
    if (w->chain) {
        copy_layer(&w->chain[w->count], layer);
        if (f != &w->figures[w->count])
            memcpy(&w->figures[w->count], f, figures_bytes(f));
    }
    w->count++;
}

/* An edge inside the partition, or to memory: it has no source. */
static void add_edge(walk *w, int from, int to, int port)
{
    if (w->edges)
        w->edges[w->out->edge_count] = (fcn_edge){.from = from, .to = to, .port = port, .source_partition = -1};
    w->out->edge_count++;
}

/* An edge from memory, naming what wrote the tensor. */
static void add_memory_edge(walk *w, int to, int port, fcn_edge source)
{
    if (w->edges) {
        source.from = -1;
        source.to = to;
        source.port = port;
        w->edges[w->out->edge_count] = source;
    }
    w->out->edge_count++;
}

/* A squeeze of the built chain, named later (squeeze_naming): built in its slot, not copied there. */
static int64_t build_squeeze(walk *w, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t from,
                             int64_t to, const char *a, const char *b, int port)
{
    fcn_layer *squeeze = &w->chain[w->count];
    fcn_layer_figures *f = &w->figures[w->count];
    if (w->current == f) { /* the layer being visited was evaluated into this slot: it moves aside */
        memcpy(w->spare, f, figures_bytes(f));
        w->current = w->spare;
    }
    squeeze_figures(rows, cols, depth, channels, from, to, 0, PARTITION_DATA_WIDTH, f);
    copy_layer(squeeze, w->squeeze);
    squeeze->rows = rows;
    squeeze->cols = cols;
    squeeze->depth = depth;
    squeeze->channels = channels;
    squeeze->coarse_in = from;
    squeeze->coarse_out = to;
    squeeze->data_width = PARTITION_DATA_WIDTH;
    w->naming[w->count] = (squeeze_naming){.a = a, .b = b, .port = port};
    account_figures(w, f);
    w->count++;
    return f->pipeline_depth;
}

/* A squeeze between two stream counts: its figures in the built chain, or in a summary its latency. */
static inline int64_t add_squeeze(walk *w, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t from,
                                  int64_t to, const char *a, const char *b, int port)
{
    if (!w->chain) {
        /*
         * Totals only (the hot path of a search): a partition's squeeze has no buffer (buffer_depth 0),
         * so squeeze_figures gives it no resources, no operations and no pipeline depth, only its
         * latency (tests/test_partition.c compares the two paths on every bundled configuration).
         */
        account_latency(w, squeeze_latency(rows * cols * depth * channels, from, to));
        w->count++;
        return 0;
    }
    return build_squeeze(w, rows, cols, depth, channels, from, to, a, b, port);
}

static char *append(char *at, const char *text, size_t n)
{
    memcpy(at, text, n);
    return at + n;
}

static char *append_port(char *at, int port)
{
    char reversed[16];
    int n = 0;
    do
        reversed[n++] = (char)('0' + port % 10);
    while ((port /= 10) > 0);
    while (n > 0)
        *at++ = reversed[--n];
    return at;
}

/*
 * Memory of at least `bytes` at *block, holding *capacity: what it holds if that suffices (its
 * content is not kept), else a new allocation; -1 (and nothing held) if it cannot be had.
 */
static int reserve_block(char **block, size_t *capacity, size_t bytes)
{
    if (*block && *capacity >= bytes)
        return 0;
    free(*block);
    *block = malloc(bytes);
    *capacity = *block ? bytes : 0;
    return *block ? 0 : -1;
}

/* The longest a squeeze's name is beyond its layers' names: "_squeeze_in", a port's digits, the terminator. */
#define NAME_EXTRA 32

/*
 * Writes every squeeze's name into one block, which the figures own (`names`, of `names_bytes`,
 * reused if large enough, grown if not); each layer's name measured once. -1 if it cannot be had.
 */
static int name_squeezes(walk *w, char *names, size_t names_bytes)
{
    if (reserve_block(&names, &names_bytes, 256))
        return -1;
    size_t used = 0;
    int moved = 0; /* whether the block moved, so that the names written before must be pointed at again */
    for (int i = 0; i < w->count; i++) {
        if (w->chain[i].type != FCN_SQUEEZE)
            continue;
        squeeze_naming *n = &w->naming[i];
        const size_t la = n->a ? strlen(n->a) : 0, lb = n->b ? strlen(n->b) : 0;
        if (used + la + lb + NAME_EXTRA > names_bytes) { /* names are placed by offset until the block is final */
            const size_t grown = 2 * (used + la + lb + NAME_EXTRA);
            char *more = realloc(names, grown);
            if (!more) {
                free(names);
                return -1;
            }
            moved = 1; /* (perhaps in place; pointing again costs little) */
            names = more;
            names_bytes = grown;
        }
        char *const start = names + used;
        char *at = start;
        n->at = used;
        w->chain[i].name = start;
        if (n->a && n->b) {
            at = append(append(append(at, n->a, la), "_squeeze_", 9), n->b, lb);
        } else if (n->b) {
            at = append(at, n->b, lb);
            at = n->port >= 0 ? append(at, "_squeeze_in", 11) : append(at, "_squeeze", 8);
        } else {
            at = append(append(at, "squeeze_", 8), n->a, la);
            if (n->port >= 0)
                at = append(at, "_out", 4);
        }
        if (n->port >= 0 && !(n->a && n->b))
            at = append_port(at, n->port);
        *at++ = '\0';
        used += (size_t)(at - start);
    }
    w->out->names = names;
    w->out->names_bytes = names_bytes;
    for (int i = 0; moved && i < w->count; i++)
        if (w->chain[i].type == FCN_SQUEEZE)
            w->chain[i].name = names + w->naming[i].at;
    return 0;
}

/*
 * The layer of an earlier partition that wrote what input port `port` of
 * layer i reads, and that partition's index; no name and -1 for the network
 * input (and in summaries, which do not say).
 */
static fcn_edge memory_source(const walk *w, int i, int port)
{
    fcn_edge source = {.source_partition = -1};
    const int back = fcn_layer_input(&w->p->layers[i], port);
    int index = w->base + i - back;
    if (!w->net || back == 0 || index < 0)
        return source;
    for (int p = 0; p < w->net->partition_count; index -= w->net->partitions[p++].layer_count)
        if (index < w->net->partitions[p].layer_count) {
            source.source = w->net->partitions[p].layers[index].name;
            source.source_partition = p;
            break;
        }
    return source;
}

/* The streams a memory port carries for a tensor of `channels` that a layer takes (or gives) on `streams`. */
static int64_t memory_streams(const walk *w, int64_t channels, int64_t streams)
{
    return largest_factor_at_most(channels, streams < w->max_streams ? streams : w->max_streams);
}

/* A tensor read from off-chip memory into input port `port` of layer i: its streams, squeezed if need be. */
static int read_memory(walk *w, int i, int port, int64_t streams_in)
{
    const fcn_layer *l = &w->p->layers[i];
    fcn_partition_figures *out = w->out;
    const int64_t channels = fcn_layer_port_channels(l, port);
    const int64_t rows = layer_port_rows(l, port), cols = layer_port_cols(l, port);
    const int64_t depth = layer_port_depth(l, port);
    const int64_t streams = memory_streams(w, channels, streams_in);
    const int64_t workload = rows * cols * depth * channels;
    out->streams_in += streams;
    out->workload_in += workload;
    out->inputs++;
    const fcn_edge source = memory_source(w, i, port);
    if (streams == streams_in) {
        add_memory_edge(w, -2, port, source); /* -2: the layer, once added */
        return -1;
    }
    add_squeeze(w, rows, cols, depth, channels, streams, streams_in, NULL, l->name, l->ports_in > 1 ? port : -1);
    add_memory_edge(w, w->count - 1, 0, source);
    return w->count - 1;
}

/*
 * What input port `port` of layer i reads from layer j of this partition,
 * squeezed if need be: j's next output port in network order (a CHOP's ports
 * differ in channels).
 */
static int read_inner(walk *w, int i, int j, int64_t streams_in, int64_t *depth)
{
    node_state *n = &w->nodes[j];
    const fcn_layer *l = &w->p->layers[i];
    const fcn_layer *producer = &w->p->layers[j];
    int64_t d = n->depth;
    int from = n->slot;
    const int q = n->read++;
    if (n->streams_out != streams_in) {
        const int64_t channels = fcn_layer_output_channels(producer, q, n->channels_out);
        d += add_squeeze(w, n->rows_out, n->cols_out, n->depth_out, channels, n->streams_out, streams_in, producer->name,
                         l->name, -1);
        add_edge(w, from, w->count - 1, 0);
        from = w->count - 1;
    }
    if (d > *depth)
        *depth = d;
    return from;
}

/* The output ports of layer i that no later layer of the partition reads go to memory. */
static void write_memory(walk *w, int i, const fcn_layer_figures *f, int64_t depth)
{
    const fcn_layer *l = &w->p->layers[i];
    fcn_partition_figures *out = w->out;
    const int slot = w->nodes[i].slot;
    for (int q = w->nodes[i].inner_consumers; q < l->ports_out; q++) {
        const int64_t channels = fcn_layer_output_channels(l, q, f->channels_out);
        const int64_t streams = memory_streams(w, channels, f->streams_out);
        out->streams_out += streams;
        out->workload_out += f->rows_out * f->cols_out * f->depth_out * channels;
        out->outputs++;
        int from = slot;
        int64_t d = depth;
        if (streams != f->streams_out) {
            d += add_squeeze(w, f->rows_out, f->cols_out, f->depth_out, channels, f->streams_out, streams, l->name, NULL,
                             l->ports_out > 1 ? q : -1);
            add_edge(w, from, w->count - 1, 0);
            from = w->count - 1;
        }
        add_edge(w, from, -1, q);
        if (d > out->pipeline_depth)
            out->pipeline_depth = d;
    }
}

static void visit_layer(walk *w, int i)
{
    const fcn_layer_figures *f = w->current;
    const int64_t streams_in = f->streams_in; /* f may move while its inputs are read */
    const fcn_layer *l = &w->p->layers[i];
    int from[FCN_MAX_PORTS];
    int64_t depth = 0;
    const int first_edge = w->out->edge_count;
    for (int port = 0; port < l->ports_in; port++) {
        const int back = fcn_layer_input(l, port);
        from[port] = back > 0 && back <= i ? read_inner(w, i, i - back, streams_in, &depth)
                                           : read_memory(w, i, port, streams_in);
    }
    f = w->current; /* moved aside if a squeeze took its slot */
    const int slot = w->count;
    if (i == w->wr_index && f->weights)
        w->out->size_wr = f->weights;
    add_figures(w, l, f);
    w->current = NULL;
    for (int port = 0; port < l->ports_in; port++)
        if (from[port] != -1)
            add_edge(w, from[port], slot, port);
    for (int e = first_edge; w->edges && e < w->out->edge_count; e++)
        if (w->edges[e].to == -2)
            w->edges[e].to = slot;
    node_state *n = &w->nodes[i];
    n->rows_out = f->rows_out;
    n->cols_out = f->cols_out;
    n->depth_out = f->depth_out;
    n->channels_out = f->channels_out;
    n->streams_out = f->streams_out;
    n->depth = depth + f->pipeline_depth;
    n->slot = slot;
    write_memory(w, i, f, n->depth);
}

/*
 * How many squeezes the walk will put before layer i, if it takes coarse_in streams in (as every
 * layer type does): a guess, which only says where its figures are best computed. A wrong guess
 * costs a copy of them, not a figure (add_squeeze moves them aside, add_figures into their slot).
 */
static int squeezes_before(const walk *w, int i)
{
    const fcn_layer *l = &w->p->layers[i];
    int n = 0;
    for (int port = 0; port < l->ports_in; port++) {
        const int back = fcn_layer_input(l, port);
        if (back > 0 && back <= i)
            n += w->nodes[i - back].streams_out != l->coarse_in;
        else
            n += memory_streams(w, fcn_layer_port_channels(l, port), l->coarse_in) != l->coarse_in;
    }
    return n;
}

static void walk_partition(walk *w, const fcn_eval_options *opts)
{
    const fcn_partition *p = w->p;
    fcn_partition_figures *out = w->out;
    w->max_streams = p->ports * (PORT_WIDTH / PARTITION_DATA_WIDTH);
    for (int i = 0; i < p->layer_count; i++) { /* a layer's producers come before it: already cleared */
        const fcn_layer *l = &p->layers[i];
        w->nodes[i].inner_consumers = w->nodes[i].read = 0;
        if (!l->inputs) { /* every port reads the layer before (fcn_layer_input): a chain's case */
            if (i >= 1)
                w->nodes[i - 1].inner_consumers += l->ports_in;
            continue;
        }
        for (int port = 0; port < l->ports_in; port++) {
            const int back = l->inputs[port];
            if (back > 0 && back <= i)
                w->nodes[i - back].inner_consumers++;
        }
    }
    /*
     * The layer whose weights reload: names are unique (fcn_network_check), and it is most often
     * the partition's last with weights, so the search runs from the end.
     */
    w->wr_index = -1;
    for (int i = p->layer_count - 1; i >= 0 && p->wr_layer; i--)
        if (p->layers[i].name && strcmp(p->layers[i].name, p->wr_layer) == 0) {
            w->wr_index = i;
            break;
        }
    fcn_layer_figures scratch, spare;
    w->spare = &spare;
    for (int i = 0; i < p->layer_count; i++) {
        if (w->cached) {
            w->current = &w->cached[i];
        } else {
            /* A whole evaluation computes a layer's figures in the slot they will take, saving a copy. */
            fcn_layer_figures *f = w->chain ? &w->figures[w->count + squeezes_before(w, i)] : &scratch;
            fcn_layer_evaluate(&p->layers[i], f);
            w->current = f;
        }
        visit_layer(w, i);
    }
    out->layer_count = w->count;
    partition_latency_bandwidth(out, opts->freq_mhz);
}

void partition_latency_bandwidth(fcn_partition_figures *out, double freq_mhz)
{
    const double freq_hz = freq_mhz * 1e6;
    const int64_t wr = out->wr_factor;
    out->latency_s = ((out->interval * (double)out->batch_size + (double)out->pipeline_depth) * (double)wr +
                      (double)((wr - 1) * out->size_wr)) / freq_hz;
    /* Summed over the memory tensors; written as MODEL.md's expression, which one tensor gives exactly. */
    const double words_per_s = PARTITION_DATA_WIDTH * freq_mhz / 8000.0;
    if (out->inputs)
        out->bandwidth_in = (double)out->workload_in / (out->interval * (double)out->streams_in) *
                            (double)out->streams_in * words_per_s;
    if (out->outputs)
        out->bandwidth_out = (double)out->workload_out / (out->interval * (double)out->streams_out) *
                             (double)out->streams_out * words_per_s;
}

/*
 * The figures start empty, field by field: zeroing the whole struct at once compiles to `rep stos`,
 * whose start-up cost is most of what it does at this size (layers.h, layer_figures_clear).
 */
static void partition_start(const fcn_partition *p, const fcn_eval_options *opts, fcn_partition_figures *out)
{
    out->id = p->id;
    out->wr_layer = p->wr_layer;
    out->batch_size = opts->batch_size > 0 ? opts->batch_size : p->batch_size;
    out->ports = p->ports;
    out->interval = 0.0;
    out->pipeline_depth = 0;
    out->latency_s = 0.0;
    out->streams_in = out->streams_out = 0;
    out->wr_factor = p->wr_factor;
    out->size_wr = 0;
    out->bandwidth_in = out->bandwidth_out = 0.0;
    out->workload_in = out->workload_out = 0;
    out->inputs = out->outputs = 0;
    out->resource = (fcn_resource){0};
    out->operations = 0;
    out->bottleneck = 0;
    out->layer_count = 0;
    out->layers = NULL;
    out->figures = NULL;
    out->edge_count = 0;
    out->edges = NULL;
    out->names = NULL;
    out->block_bytes = out->names_bytes = 0;
}

/* A walk over p into out, for a summary (no chain): every field set, one by one (see partition_start). */
static void walk_start(walk *w, const fcn_partition *p, fcn_partition_figures *out, node_state *nodes)
{
    w->p = p;
    w->cached = NULL;
    w->net = NULL;
    w->base = 0;
    w->out = out;
    w->nodes = nodes;
    w->max_streams = 0;
    w->chain = NULL;
    w->figures = NULL;
    w->edges = NULL;
    w->naming = NULL;
    w->current = NULL;
    w->spare = NULL;
    w->squeeze = NULL;
    w->count = 0;
    w->wr_index = -1;
}

/* Summaries allocate nothing unless the partition is large; if that fails, the figures say "infinitely slow". */
static void summarise(const fcn_partition *p, const fcn_layer_figures *cached, const fcn_eval_options *opts,
                      fcn_partition_figures *out)
{
    partition_start(p, opts, out);
    node_state stack[STACK_NODES];
    walk w;
    walk_start(&w, p, out, stack);
    w.cached = cached;
    if (p->layer_count > STACK_NODES && !(w.nodes = malloc((size_t)p->layer_count * sizeof *w.nodes))) {
        out->interval = out->latency_s = INFINITY;
        return;
    }
    walk_partition(&w, opts);
    if (w.nodes != stack)
        free(w.nodes);
}

void fcn_partition_summary(const fcn_partition *p, const fcn_eval_options *opts, fcn_partition_figures *out)
{
    summarise(p, NULL, opts, out);
}

void fcn_partition_summary_cached(const fcn_partition *p, const fcn_layer_figures *layer_figures,
                                  const fcn_eval_options *opts, fcn_partition_figures *out)
{
    summarise(p, layer_figures, opts, out);
}

/* Rounds a block's offset up so that what follows it is aligned for any type. */
static size_t aligned(size_t bytes)
{
    const size_t a = _Alignof(max_align_t);
    return (bytes + a - 1) / a * a;
}

void partition_squeeze_template(fcn_layer *squeeze)
{
    fcn_layer_init(squeeze, FCN_SQUEEZE);
    squeeze->data_width = PARTITION_DATA_WIDTH;
}

/*
 * The built chain, its figures, edges, the walk's state and the squeezes'
 * naming come from one allocation, left unzeroed: the walk writes every entry
 * it counts, and nothing reads past the counts (zeroing them was half of a
 * whole evaluation's time). The blocks `out` holds from an earlier evaluation
 * are reused if large enough (fcn_network_evaluate_into).
 */
int partition_evaluate(const fcn_network *net, int index, const fcn_eval_options *opts, const fcn_layer *squeeze,
                       fcn_partition_figures *out)
{
    const fcn_partition *p = &net->partitions[index];
    char *block = (char *)out->layers, *names = out->names;
    size_t block_bytes = out->block_bytes, names_bytes = out->names_bytes;
    partition_start(p, opts, out);
    /* At most one squeeze on each input port and each output port. */
    size_t ports = 0;
    for (int i = 0; i < p->layer_count; i++)
        ports += (size_t)p->layers[i].ports_in + (size_t)p->layers[i].ports_out;
    const size_t capacity = (size_t)p->layer_count + ports;
    const size_t chain_bytes = aligned(capacity * sizeof(fcn_layer));
    const size_t figures_bytes = aligned(capacity * sizeof(fcn_layer_figures));
    const size_t edges_bytes = aligned(2 * ports * sizeof(fcn_edge));
    const size_t nodes_bytes = aligned(((size_t)p->layer_count + 1) * sizeof(node_state));
    if (reserve_block(&block, &block_bytes,
                      chain_bytes + figures_bytes + edges_bytes + nodes_bytes + capacity * sizeof(squeeze_naming))) {
        free(names);
        return -1;
    }
    out->block_bytes = block_bytes;
    walk w;
    walk_start(&w, p, out, NULL);
    w.net = net;
    w.squeeze = squeeze;
    for (int i = 0; i < index; i++)
        w.base += net->partitions[i].layer_count;
    w.chain = (fcn_layer *)block;
    w.figures = (fcn_layer_figures *)(block + chain_bytes);
    w.edges = (fcn_edge *)(block + chain_bytes + figures_bytes);
    w.nodes = (node_state *)(block + chain_bytes + figures_bytes + edges_bytes);
    w.naming = (squeeze_naming *)(block + chain_bytes + figures_bytes + edges_bytes + nodes_bytes);
    out->layers = w.chain;
    out->figures = w.figures;
    out->edges = w.edges;
    walk_partition(&w, opts);
    return name_squeezes(&w, names, names_bytes);
}

void partition_figures_release(fcn_partition_figures *f)
{
    free(f->layers); /* the block that holds figures and edges too */
    free(f->names);
    f->layers = NULL;
    f->figures = NULL;
    f->edges = NULL;
    f->names = NULL;
    f->block_bytes = f->names_bytes = 0;
}
