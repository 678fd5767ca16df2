/*
 * From the inferred graph to the default configuration: one layer per node
 * that becomes one, in the order of the data path (a topological order),
 * every folding factor 1. A folded BatchNormalization gives its Conv a bias;
 * a MatMul's Add gives its inner product one; shape-only operators leave no
 * trace.
 *
 * Branches (docs/MODEL-DAG.md): every layer input port reads the output of
 * one layer, its "source", found past the operators that leave no layer. A
 * source read by several ports (Add(x, x) counts twice) gets a SPLIT named
 * "<source>_split" right after it ("input_split", first, for the network
 * input), and its readers read the split. A port's `inputs` entry counts the
 * layers back to what it reads; a layer with one port that reads the layer
 * just before it (or the network input, first) keeps `inputs` NULL, so a
 * chain is written exactly as before.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_fields.h"
#include "error.h"
#include "onnx_layers.h"
#include "onnx_names.h"
#include "onnx_patterns.h"

/* The parser must not write what the configuration's reader rejects. */
_Static_assert(ONNX_MAX_DIM == FIELD_MAX, "ONNX_MAX_DIM must be the configuration's FIELD_MAX");

static char *copy_text(const char *s)
{
    if (!s)
        return NULL;
    size_t size = strlen(s) + 1;
    char *copy = malloc(size);
    return copy ? memcpy(copy, s, size) : NULL;
}

/* The initializer a weight comes from (it may reach the node through Identity or Cast). */
static const char *tensor_name(const onnx_graph *g, int tensor)
{
    return tensor >= 0 ? g->tensors[tensor].origin : NULL;
}

/* A layer's parameters from its node; its input dims are those its data input streams. */
static void fill_layer(const onnx_graph *g, int node, fcn_layer *l)
{
    const onnx_node *n = &g->nodes[node];
    const onnx_tensor *in = &g->tensors[n->data_input];
    const onnx_layer_params *p = &n->params;
    fcn_layer_init(l, n->layer_type);
    l->rows = in->rows;
    l->cols = in->cols;
    l->depth = in->depth;
    l->channels = in->channels;
    if (n->layer_type == FCN_CONVOLUTION || n->layer_type == FCN_POOLING || n->layer_type == FCN_PAD) {
        memcpy(l->kernel, p->kernel, sizeof l->kernel);
        memcpy(l->stride, p->stride, sizeof l->stride);
        l->pad_top = p->pad_top;
        l->pad_left = p->pad_left;
        l->pad_bottom = p->pad_bottom;
        l->pad_right = p->pad_right;
    }
    if (n->layer_type == FCN_CONVOLUTION || n->layer_type == FCN_POOLING) { /* over depth: 1s and 0s in 2-D */
        l->kernel_depth = p->kernel_depth;
        l->stride_depth = p->stride_depth;
        l->dilation_depth = p->dilation_depth;
        l->pad_front = p->pad_front;
        l->pad_back = p->pad_back;
    }
    if (n->layer_type == FCN_CONVOLUTION || n->layer_type == FCN_INNER_PRODUCT) {
        l->filters = p->filters;
        l->groups = n->layer_type == FCN_CONVOLUTION ? p->groups : 1;
        l->has_bias = p->bias >= 0;
    }
    if (n->layer_type == FCN_PAD)
        l->kernel[0] = l->kernel[1] = l->stride[0] = l->stride[1] = 1;
    if (n->layer_type == FCN_CONVOLUTION && p->dilation[0] > 0) {
        l->dilation[0] = p->dilation[0];
        l->dilation[1] = p->dilation[1];
    }
    if (n->layer_type == FCN_POOLING)
        l->pool_type = p->pool_type;
    if (n->layer_type == FCN_RESIZE) {
        l->scale[0] = p->scale[0];
        l->scale[1] = p->scale[1];
        l->resize_mode = p->resize_mode;
    }
    l->eltwise_mul = n->layer_type == FCN_ELTWISE && strcmp(n->op, "Mul") == 0;
    l->eltwise_broadcast = n->layer_type == FCN_ELTWISE && p->eltwise_broadcast;
    if (n->layer_type == FCN_CLIP) {
        l->clip_min = p->clip_min;
        l->clip_max = p->clip_max;
    }
}

/* A weight's or bias's name as the layer's path: the configuration is JSON, which holds only UTF-8. */
static int copy_path(const onnx_graph *g, int node, int tensor, const char *what, char **path, fcn_error *err)
{
    const char *name = tensor_name(g, tensor);
    if (!onnx_is_utf8(name))
        return onnx_node_fail(g, node, err, "%s tensor name is not valid UTF-8", what);
    *path = copy_text(name);
    return *path || !name ? 0 : fcn_fail(err, "%s: out of memory", g->source);
}

static int set_paths(const onnx_graph *g, int node, fcn_layer *l, fcn_error *err)
{
    const onnx_node *n = &g->nodes[node];
    if (n->layer_type != FCN_CONVOLUTION && n->layer_type != FCN_INNER_PRODUCT)
        return 0;
    return copy_path(g, node, n->params.weight, "weight", &l->weights_path, err) ||
           copy_path(g, node, n->params.bias, "bias", &l->bias_path, err) ? -1 : 0;
}

/* A BatchNormalization folded into its Conv: the Conv gains a bias (the BN's B when it had none). */
static int fold_batch_norm(const onnx_graph *g, int node, fcn_layer *conv, fcn_error *err)
{
    conv->has_bias = 1;
    return conv->bias_path ? 0 : copy_path(g, node, g->nodes[node].params.bias, "bias", &conv->bias_path, err);
}

/*
 * A per-channel Mul or Add of a constant folded into the layer before it
 * (src/onnx/onnx_patterns.c): a convolution's or inner product's weights absorb a
 * scale, its bias a shift (it gains one); a BATCH_NORM already has both.
 */
static int fold_affine(const onnx_graph *g, int node, fcn_layer *into, fcn_error *err)
{
    if (g->nodes[node].params.bias < 0 || into->type == FCN_BATCH_NORM)
        return 0;
    return fold_batch_norm(g, node, into, err);
}

/* What building the partition keeps track of; the per-node tables have one more entry, for the network input. */
typedef struct builder {
    const onnx_graph *g;
    const onnx_widths *widths; /* the options' */
    fcn_partition *part;
    name_index names; /* the names given so far, for uniqueness (borrowed from the layers) */
    int *source;     /* per tensor: the node whose layer's output it carries, g->node_count for the input, -1 */
    int *first_read; /* per source: the first tensor a layer port reads it as, -1 while unread */
    int *readers;    /* per source: the layer input ports that read it */
    int *layer;      /* per source: its layer's index, -1 before it is added (the input has none) */
    int count;       /* layers added so far */
    int *output_of;  /* per tensor: which output of its source it carries (a Split's CHOP has several) */
    uint64_t *outputs_read; /* per source: a Split's outputs read so far, one bit each */
    int *ports_given;       /* per source: a Split's CHOP ports given to readers so far */
} builder;

/* A Split's CHOP: one output port per output a layer reads, not one tensor SPLIT to all its readers. */
static int splits_channels(const onnx_graph *g, int s)
{
    return s < g->node_count && g->nodes[s].layer_type == FCN_CHOP && strcmp(g->nodes[s].op, "Split") == 0;
}

/* Whether source s gets a SPLIT after it: several layer ports read its one output. */
static int needs_split(const builder *b, int s)
{
    return b->readers[s] > 1 && !splits_channels(b->g, s);
}

static int on_path(const onnx_graph *g, const onnx_node *n)
{
    return n->data_input >= 0 && g->tensors[n->data_input].on_path;
}

/* Each data tensor's source: a layer node's output is its own; the other nodes pass their data input's on. */
static void trace_sources(builder *b)
{
    const onnx_graph *g = b->g;
    for (int t = 0; t < g->tensor_count; t++)
        b->source[t] = b->output_of[t] = -1;
    b->source[g->input] = g->node_count;
    b->output_of[g->input] = 0;
    for (int i = 0; i < g->node_count; i++) {
        int node = g->order[i];
        const onnx_node *n = &g->nodes[node];
        int out = n->output_count > 0 ? n->outputs[0] : -1;
        if (out < 0 || !on_path(g, n))
            continue;
        b->source[out] = n->role == ONNX_ROLE_LAYER ? node : b->source[n->data_input];
        b->output_of[out] = n->role == ONNX_ROLE_LAYER ? 0 : b->output_of[n->data_input];
        for (int k = 1; splits_channels(g, node) && k < n->output_count; k++)
            if (n->outputs[k] >= 0) {
                b->source[n->outputs[k]] = node;
                b->output_of[n->outputs[k]] = k;
            }
    }
}

/* Whether two tensors stream the same dims (rows, cols, depth, channels). */
static int same_streamed_dims(const onnx_tensor *a, const onnx_tensor *b)
{
    return a->rows == b->rows && a->cols == b->cols && a->depth == b->depth && a->channels == b->channels;
}

/*
 * The tensor the node reads as data through its k-th input, -1 when that
 * input is not data. A fused pattern's layer node reads the pattern's input,
 * which need not be among its own (GELU's last Mul reads x through others).
 */
static int data_read(const onnx_graph *g, int node, int k)
{
    if (g->nodes[node].pattern != ONNX_PATTERN_NONE)
        return k == 0 ? g->nodes[node].data_input : -1;
    return onnx_reads_data(g, node, k) ? g->nodes[node].inputs[k] : -1;
}

/*
 * Counts each source's readers. All read it with the same dims (a SPLIT
 * gives each the same tensor): only a reshape of the network input, before
 * any layer, could make two differ.
 */
static int count_readers(builder *b, int node, fcn_error *err)
{
    const onnx_graph *g = b->g;
    for (int k = 0; k < g->nodes[node].input_count; k++) {
        int t = data_read(g, node, k);
        if (t < 0 || b->source[t] < 0)
            continue;
        int s = b->source[t], first = b->first_read[s];
        if (splits_channels(g, s)) { /* each output its own channels, read by one port */
            uint64_t bit = (uint64_t)1 << b->output_of[t];
            if (b->outputs_read[s] & bit)
                return onnx_node_fail(g, s, err, "its output %d is read by several layer inputs; each output of "
                                      "its CHOP feeds one", b->output_of[t]);
            b->outputs_read[s] |= bit;
            b->readers[s]++;
            continue;
        }
        if (first >= 0 && !same_streamed_dims(&g->tensors[first], &g->tensors[t]))
            return onnx_node_fail(g, node, err, "reads '%s' as %lldx%lldx%lld (rows x cols x channels) where "
                                  "another layer reads it as %lldx%lldx%lld", g->tensors[t].name,
                                  (long long)g->tensors[t].rows, (long long)g->tensors[t].cols,
                                  (long long)g->tensors[t].channels, (long long)g->tensors[first].rows,
                                  (long long)g->tensors[first].cols, (long long)g->tensors[first].channels);
        if (first < 0)
            b->first_read[s] = t;
        b->readers[s]++;
    }
    return 0;
}

/* The layers to add: one per layer node, one SPLIT per source read more than once. -1 with the message. */
static int plan_layers(builder *b, fcn_error *err)
{
    const onnx_graph *g = b->g;
    int count = 0;
    trace_sources(b);
    for (int i = 0; i < g->node_count; i++) {
        const onnx_node *n = &g->nodes[g->order[i]];
        if (n->role != ONNX_ROLE_LAYER || !on_path(g, n))
            continue;
        if (count_readers(b, g->order[i], err))
            return -1;
        count++;
    }
    for (int s = 0; s <= g->node_count; s++) {
        count += needs_split(b, s);
        if (b->readers[s] <= FCN_MAX_PORTS)
            continue;
        if (s < g->node_count)
            return onnx_node_fail(g, s, err, "its output is read by %d layer inputs; a SPLIT has at most %d outputs",
                                  b->readers[s], FCN_MAX_PORTS);
        return fcn_fail(err, "%s: input '%.200s' is read by %d layer inputs; a SPLIT has at most %d outputs",
                        g->source, g->tensors[g->input].name, b->readers[s], FCN_MAX_PORTS);
    }
    return count;
}

/* The layer a reader of source s reads: the source's SPLIT right after it, if any; -1 for the network input. */
static int feed(const builder *b, int s)
{
    int split = needs_split(b, s);
    if (s == b->g->node_count)
        return split ? 0 : -1;
    return b->layer[s] + split;
}

/*
 * A Split's CHOP gives its output ports in network order: the next port goes
 * to this reader, with the channels of the output it reads and where they
 * start (the outputs before it, read or not, take the channels before).
 */
static void give_chop_port(builder *b, int s, int t)
{
    const onnx_graph *g = b->g;
    const onnx_node *n = &g->nodes[s];
    fcn_layer *chop = &b->part->layers[b->layer[s]];
    int q = b->ports_given[s]++, k = b->output_of[t];
    int64_t offset = 0;
    for (int j = 0; j < k; j++)
        offset += n->outputs[j] >= 0 ? g->tensors[n->outputs[j]].channels : 0;
    chop->port_channels[q] = g->tensors[n->outputs[k]].channels;
    chop->port_offsets[q] = offset;
}

/* Each data input a port, in ONNX input order: how many layers back its source's feed is (0: the network input). */
static int connect_ports(builder *b, int node, fcn_layer *l, fcn_error *err)
{
    const onnx_graph *g = b->g;
    int back[FCN_MAX_PORTS], ports = 0;
    for (int k = 0; k < g->nodes[node].input_count && ports < FCN_MAX_PORTS; k++) {
        int t = data_read(g, node, k);
        if (t < 0)
            continue;
        int s = b->source[t];
        if (s >= 0 && splits_channels(g, s))
            give_chop_port(b, s, t);
        int from = s >= 0 ? feed(b, s) : -1; /* every data tensor has a source: shape inference saw to it */
        back[ports++] = from < 0 ? 0 : b->count - from;
    }
    l->ports_in = ports;
    if (ports == 1 && (back[0] == 1 || (back[0] == 0 && b->count == 0)))
        return 0; /* a chain link */
    l->inputs = malloc((size_t)ports * sizeof *l->inputs);
    if (!l->inputs)
        return fcn_fail(err, "%s: out of memory", g->source);
    memcpy(l->inputs, back, (size_t)ports * sizeof *l->inputs);
    return 0;
}

/* A CONCAT's ports each stream their own channels; the layer's are their sum. */
static int concat_channels(const builder *b, int node, fcn_layer *l, fcn_error *err)
{
    const onnx_graph *g = b->g;
    l->port_channels = malloc((size_t)l->ports_in * sizeof *l->port_channels);
    if (!l->port_channels)
        return fcn_fail(err, "%s: out of memory", g->source);
    l->channels = 0;
    for (int k = 0, p = 0; k < g->nodes[node].input_count && p < l->ports_in; k++)
        if (onnx_reads_data(g, node, k)) {
            l->port_channels[p] = g->tensors[g->nodes[node].inputs[k]].channels;
            l->channels += l->port_channels[p++];
        }
    return 0;
}

/* The SPLIT after source s's layer (or first, for the network input), with the dims its readers take. */
static int add_split(builder *b, int s, fcn_error *err)
{
    const onnx_graph *g = b->g;
    const onnx_tensor *t = &g->tensors[b->first_read[s]];
    fcn_layer *l = &b->part->layers[b->count];
    const char *producer = s == g->node_count ? "input" : b->part->layers[b->layer[s]].name;
    char *base = malloc(strlen(producer) + sizeof "_split");
    fcn_layer_init(l, FCN_SPLIT);
    onnx_quant_split_width(g, b->first_read[s], b->widths, l);
    l->rows = t->rows;
    l->cols = t->cols;
    l->depth = t->depth;
    l->channels = t->channels;
    l->ports_out = b->readers[s];
    if (base)
        strcat(strcpy(base, producer), "_split");
    l->name = base ? onnx_unique_name(base, &b->names) : NULL;
    free(base);
    if (!l->name || name_index_put(&b->names, l->name, b->count) == -2)
        return fcn_fail(err, "%s: out of memory", g->source);
    b->count++;
    return 0;
}

static int add_layer(builder *b, int node, fcn_error *err)
{
    const onnx_graph *g = b->g;
    fcn_layer *l = &b->part->layers[b->count];
    fill_layer(g, node, l);
    onnx_quant_widths(g, node, b->widths, l);
    l->name = onnx_layer_name(g, node, &b->names);
    if (!l->name || name_index_put(&b->names, l->name, b->count) == -2)
        return fcn_fail(err, "%s: out of memory", g->source);
    if (set_paths(g, node, l, err) || connect_ports(b, node, l, err) ||
        (l->type == FCN_CONCAT && concat_channels(b, node, l, err)) || onnx_fill_pattern_layer(g, node, l, err))
        return -1;
    if (splits_channels(g, node)) {
        l->ports_out = b->readers[node] > 0 ? b->readers[node] : 1;
        l->port_channels = calloc((size_t)l->ports_out, sizeof *l->port_channels);
        l->port_offsets = calloc((size_t)l->ports_out, sizeof *l->port_offsets);
        if (!l->port_channels || !l->port_offsets)
            return fcn_fail(err, "%s: out of memory", g->source);
    }
    b->layer[node] = b->count++;
    return needs_split(b, node) ? add_split(b, node, err) : 0;
}

static int add_layers(builder *b, fcn_error *err)
{
    const onnx_graph *g = b->g;
    int rc = b->readers[g->node_count] > 1 ? add_split(b, g->node_count, err) : 0;
    for (int i = 0; i < g->node_count && rc == 0; i++) {
        int node = g->order[i];
        const onnx_node *n = &g->nodes[node];
        if (!on_path(g, n))
            continue;
        if (n->role == ONNX_ROLE_FOLDED_BN && b->layer[n->partner] >= 0)
            rc = fold_batch_norm(g, node, &b->part->layers[b->layer[n->partner]], err);
        else if (n->role == ONNX_ROLE_FOLDED_AFFINE && b->layer[n->partner] >= 0)
            rc = fold_affine(g, node, &b->part->layers[b->layer[n->partner]], err);
        else if (n->role == ONNX_ROLE_LAYER)
            rc = add_layer(b, node, err);
    }
    if (rc == 0 && b->count != b->part->layer_count)
        rc = fcn_fail(err, "%s: internal error: %d layers planned, %d added", g->source, b->part->layer_count,
                      b->count);
    return rc;
}

static void builder_free(builder *b)
{
    name_index_free(&b->names);
    free(b->source);
    free(b->first_read);
    free(b->readers);
    free(b->layer);
    free(b->output_of);
    free(b->outputs_read);
    free(b->ports_given);
}

static int builder_init(builder *b, const onnx_graph *g, const onnx_widths *widths, fcn_partition *part,
                        fcn_error *err)
{
    size_t tensors = g->tensor_count ? (size_t)g->tensor_count : 1, sources = (size_t)g->node_count + 1;
    *b = (builder){.g = g, .widths = widths, .part = part};
    b->source = malloc(tensors * sizeof *b->source);
    b->first_read = malloc(sources * sizeof *b->first_read);
    b->readers = calloc(sources, sizeof *b->readers);
    b->layer = malloc(sources * sizeof *b->layer);
    b->output_of = malloc(tensors * sizeof *b->output_of);
    b->outputs_read = calloc(sources, sizeof *b->outputs_read);
    b->ports_given = calloc(sources, sizeof *b->ports_given);
    if (!b->source || !b->first_read || !b->readers || !b->layer || !b->output_of || !b->outputs_read ||
        !b->ports_given)
        return fcn_fail(err, "%s: out of memory", g->source);
    for (size_t s = 0; s < sources; s++)
        b->first_read[s] = b->layer[s] = -1;
    return 0;
}

/* Plans, allocates and adds the partition's layers. */
static int fill_layers(builder *b, fcn_error *err)
{
    int count = plan_layers(b, err);
    if (count < 0)
        return -1;
    if (count == 0)
        return fcn_fail(err, "%s: no layers left: the graph has no operator the hardware implements on its data "
                        "path", b->g->source);
    b->part->layers = calloc((size_t)count, sizeof *b->part->layers);
    if (!b->part->layers || name_index_init(&b->names, (size_t)count))
        return fcn_fail(err, "%s: out of memory", b->g->source);
    b->part->layer_count = count; /* only now: releasing the partition walks its layers */
    return add_layers(b, err);
}

static int fill_partition(const onnx_graph *g, fcn_partition *part, int64_t batch_size, const onnx_widths *widths,
                          fcn_error *err)
{
    part->id = 0;
    part->ports = 1;
    part->batch_size = batch_size;
    part->wr_factor = 1;
    builder b;
    int rc = builder_init(&b, g, widths, part, err) || fill_layers(&b, err) ? -1 : 0;
    builder_free(&b);
    if (rc)
        return -1;
    part->input_node = copy_text(part->layers[0].name);
    part->output_node = copy_text(part->layers[part->layer_count - 1].name);
    return part->input_node && part->output_node ? 0 : fcn_fail(err, "%s: out of memory", g->source);
}

fcn_network *onnx_build_network(const onnx_graph *g, int64_t batch_size, const onnx_widths *widths, fcn_error *err)
{
    fcn_network *net = calloc(1, sizeof *net);
    if (net)
        net->partitions = calloc(1, sizeof *net->partitions);
    if (!net || !net->partitions) {
        free(net);
        fcn_fail(err, "%s: out of memory", g->source);
        return NULL;
    }
    net->partition_count = 1;
    if (fill_partition(g, &net->partitions[0], batch_size, widths, err)) {
        fcn_network_free(net);
        return NULL;
    }
    if (fcn_network_check(net, err)) {
        fcn_error_prefix(err, "%s", g->source);
        fcn_network_free(net);
        return NULL;
    }
    return net;
}
