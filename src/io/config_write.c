/*
 * Writing the fpgaconvnet JSON configuration (CONFIG.md) in the form the
 * optimisers write and fpgaconvnet-hls reads: keys in the reference's order,
 * integers as JSON integers, and the squeeze layers the model derives
 * included, since the hardware flow builds them from the file.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "file_write.h"
#include "config_write.h"
#include "layers.h"

/* A partition's streams by producer and by consumer (edge indices in figure order), so each layer finds its own. */
typedef struct edge_lists {
    int *from_start, *from; /* the edges from layer i: from[from_start[i] .. from_start[i + 1]] */
    int *to_start, *to;     /* the edges into layer i */
} edge_lists;

json_t *config_stream_name(const char *from, const char *to, const char *end_name)
{
    if (!from || !to)
        return json_string(end_name);
    size_t size = strlen(from) + strlen(to) + 2;
    char *name = malloc(size);
    if (name)
        snprintf(name, size, "%s_%s", from, to);
    json_t *value = name ? json_string(name) : NULL;
    free(name);
    return value;
}

/* {"name": "<a>_<b>", "coarse": c}, or "in"/"out" at the partition's ends. */
static json_t *stream(builder *b, const char *from, const char *to, const char *end_name, int64_t coarse)
{
    json_t *stream = json_object();
    put(b, stream, "name", config_stream_name(from, to, end_name));
    put_int(b, stream, "coarse", coarse);
    return stream;
}

/* node_in / node_out: a name when there is one port (as chain files have it), else a list. */
static json_t *nodes(builder *b, const char *const *names, int count, const char *own)
{
    if (count == 1)
        return json_string(names[0] ? names[0] : own);
    json_t *list = json_array();
    for (int i = 0; i < count; i++)
        append(b, list, json_string(names[i] ? names[i] : own));
    return list;
}

static json_t *streams_in(builder *b, const chain_entry *e)
{
    json_t *list = json_array();
    for (int i = 0; i < e->in_count; i++)
        append(b, list, stream(b, e->in[i], e->layer->name, "in", e->layer->coarse_in));
    return list;
}

static json_t *streams_out(builder *b, const chain_entry *e)
{
    json_t *list = json_array();
    for (int i = 0; i < e->out_count; i++)
        append(b, list, stream(b, e->layer->name, e->out[i], "out", e->layer->coarse_out));
    return list;
}

json_t *config_int_list(builder *b, const int64_t *values, int count)
{
    json_t *list = json_array();
    for (int i = 0; i < count; i++)
        append(b, list, json_integer((json_int_t)values[i]));
    return list;
}

/*
 * The fields of today's 2-D layers (docs/MODEL-2D.md, src/io/config_read_2d.c),
 * each only where it differs from fcn_layer_init's default, so that every
 * other file is written as before; a RESIZE's scale, a CHOP's split, a PAD's
 * pads, a SHUFFLE's groups and a LEAKY_RELU's alpha always.
 */
static void put_2d(builder *b, json_t *params, const fcn_layer *l, int pool_type_field)
{
    if (l->use_uram)
        put(b, params, "use_uram", json_true());
    if (l->dsp_packing)
        put(b, params, "dsp_packing", json_true());
    if (l->use_lutram)
        put(b, params, "use_lutram", json_true());
    if ((l->type == FCN_CONVOLUTION || l->type == FCN_POOLING) && (l->dilation[0] != 1 || l->dilation[1] != 1)) {
        put_int(b, params, "dilation_rows", l->dilation[0]);
        put_int(b, params, "dilation_cols", l->dilation[1]);
    }
    switch (l->type) {
    case FCN_POOLING:
        if (pool_type_field && l->pool_type == FCN_POOL_AVG)
            put_string(b, params, "pool_type", "avg");
        break;
    case FCN_ELTWISE:
        if (l->eltwise_broadcast)
            put(b, params, "broadcast", json_true());
        break;
    case FCN_RESIZE: {
        json_t *scale = json_array(); /* upstream's repeated float: rows, cols, channels */
        append(b, scale, json_real((double)l->scale[0]));
        append(b, scale, json_real((double)l->scale[1]));
        append(b, scale, json_real(1.0));
        put(b, params, "scale", scale);
        if (l->resize_mode == FCN_RESIZE_BILINEAR)
            put_string(b, params, "resize_mode", "bilinear");
        break;
    }
    case FCN_CHOP:
        put(b, params, "split", config_int_list(b, l->port_channels, l->ports_out));
        if (l->port_offsets)
            put(b, params, "port_offsets", config_int_list(b, l->port_offsets, l->ports_out));
        break;
    case FCN_PAD:
        put_int(b, params, "pad_top", l->pad_top);
        put_int(b, params, "pad_right", l->pad_right);
        put_int(b, params, "pad_bottom", l->pad_bottom);
        put_int(b, params, "pad_left", l->pad_left);
        break;
    case FCN_SHUFFLE: put_int(b, params, "groups", l->groups); break;
    case FCN_LEAKY_RELU: put(b, params, "alpha", json_real(l->alpha)); break;
    default: break;
    }
}

void config_put_extras(builder *b, json_t *params, const fcn_layer *l, int pool_type_field)
{
    if (l->type == FCN_CLIP && isfinite(l->clip_min)) /* JSON has no infinity: an unbounded side is left out */
        put(b, params, "clip_min", json_real(l->clip_min));
    if (l->type == FCN_CLIP && isfinite(l->clip_max))
        put(b, params, "clip_max", json_real(l->clip_max));
    put_2d(b, params, l, pool_type_field);
}

/* The fields upstream's multi-port layers carry (docs/MODEL-DAG.md §10), and this project's extras. */
static void put_ports(builder *b, json_t *params, const fcn_layer *l, const fcn_layer_figures *f)
{
    config_put_extras(b, params, l, 1);
    if (l->type != FCN_SPLIT && l->type != FCN_ELTWISE && l->type != FCN_CONCAT && l->type != FCN_CHOP)
        return;
    int64_t in[3][FCN_MAX_PORTS], out[3][FCN_MAX_PORTS];
    for (int p = 0; p < l->ports_in; p++) {
        in[0][p] = layer_port_rows(l, p);
        in[1][p] = layer_port_cols(l, p);
        in[2][p] = fcn_layer_port_channels(l, p);
    }
    for (int p = 0; p < l->ports_out; p++) {
        out[0][p] = f->rows_out;
        out[1][p] = f->cols_out;
        out[2][p] = fcn_layer_output_channels(l, p, f->channels_out);
    }
    put_int(b, params, "ports_in", l->ports_in);
    put_int(b, params, "ports_out", l->ports_out);
    static const char *const in_keys[3] = {"rows_in_array", "cols_in_array", "channels_in_array"};
    static const char *const out_keys[3] = {"rows_out_array", "cols_out_array", "channels_out_array"};
    for (int k = 0; k < 3; k++) {
        put(b, params, in_keys[k], config_int_list(b, in[k], l->ports_in));
        put(b, params, out_keys[k], config_int_list(b, out[k], l->ports_out));
    }
    if (l->type == FCN_ELTWISE)
        put_string(b, params, "op_type", l->eltwise_mul ? "mul" : "sum");
}

static void put_window(builder *b, json_t *params, const fcn_layer *l)
{
    put_int(b, params, "pad_top", l->pad_top);
    put_int(b, params, "pad_right", l->pad_right);
    put_int(b, params, "pad_left", l->pad_left);
    put_int(b, params, "pad_bottom", l->pad_bottom);
    put(b, params, "kernel_size", pair(l->kernel[0], l->kernel[1]));
    put(b, params, "stride", pair(l->stride[0], l->stride[1]));
    config_put_window_3d(b, params, l);
}

static void put_weight_widths(builder *b, json_t *params, const fcn_layer *l)
{
    put_int(b, params, "data_width", l->data_width);
    put_int(b, params, "weight_width", l->weight_width);
    put_int(b, params, "acc_width", l->acc_width);
    put_int(b, params, "input_width", l->input_width);
    put_int(b, params, "output_width", l->output_width);
    put_int(b, params, "has_bias", l->has_bias);
    put_int(b, params, "biases_width", l->biases_width);
}

json_t *config_parameters_start(builder *b, const chain_entry *e, int64_t batch_size)
{
    const fcn_layer *l = e->layer;
    const fcn_layer_figures *f = e->figures;
    json_t *params = json_object();
    put_int(b, params, "buffer_depth", l->buffer_depth);
    put_int(b, params, "batch_size", batch_size);
    const int depth = config_writes_depth(b, e); /* in the proto's order: rows, cols, depth, channels */
    put_int(b, params, "rows_in", l->rows);
    put_int(b, params, "cols_in", l->cols);
    if (depth)
        put_int(b, params, "depth_in", l->depth);
    put_int(b, params, "channels_in", l->channels);
    put_int(b, params, "rows_out", f->rows_out);
    put_int(b, params, "cols_out", f->cols_out);
    if (depth)
        put_int(b, params, "depth_out", f->depth_out);
    put_int(b, params, "channels_out", f->channels_out);
    put_int(b, params, "coarse_in", l->coarse_in);
    put_int(b, params, "coarse_out", l->coarse_out);
    return params;
}

/* The parameters block, in the order of the golden configurations. */
static json_t *parameters(builder *b, const chain_entry *e, int64_t batch_size)
{
    const fcn_layer *l = e->layer;
    const fcn_layer_figures *f = e->figures;
    json_t *params = config_parameters_start(b, e, batch_size);
    switch (l->type) {
    case FCN_CONVOLUTION:
        put_int(b, params, "coarse_group", l->coarse_group);
        put_int(b, params, "groups", l->groups);
        put_int(b, params, "fine", l->fine);
        put_int(b, params, "filters", l->filters);
        put_window(b, params, l);
        put_weight_widths(b, params, l);
        break;
    case FCN_INNER_PRODUCT:
        put_int(b, params, "filters", l->filters);
        put_weight_widths(b, params, l);
        break;
    case FCN_POOLING:
        put_int(b, params, "coarse", l->coarse_in);
        put_window(b, params, l);
        put_int(b, params, "data_width", l->data_width);
        break;
    case FCN_SQUEEZE:
        put_int(b, params, "data_width", l->data_width);
        break;
    default: /* RELU, BATCH_NORM, the multi-port layers, AVERAGE_POOLING and the activations: one coarse */
        put_int(b, params, "coarse", l->coarse_in);
        put_int(b, params, "data_width", l->data_width);
        break;
    }
    put_ports(b, params, l, f);
    return params;
}

static json_t *layer_json(builder *b, const chain_entry *e, int64_t batch_size)
{
    const fcn_layer *l = e->layer;
    json_t *layer = json_object();
    put_string(b, layer, "name", l->name);
    put_string(b, layer, "type", fcn_layer_type_name(l->type));
    /* At the partition's ends a layer names itself, as the reference writes it. */
    put(b, layer, "node_in", nodes(b, e->in, e->in_count, l->name));
    put(b, layer, "node_out", nodes(b, e->out, e->out_count, l->name));
    put(b, layer, "streams_in", streams_in(b, e));
    put(b, layer, "streams_out", streams_out(b, e));
    put(b, layer, "parameters", parameters(b, e, batch_size));
    if (l->weights_path)
        put_string(b, layer, "weights_path", l->weights_path);
    if (l->bias_path)
        put_string(b, layer, "bias_path", l->bias_path);
    return layer;
}

/*
 * The evaluated chain holds copies of the network's layers with squeezes in
 * between; the network's own layer is the source of the parameters (it is
 * the one that surely carries weights_path and bias_path).
 */
static const fcn_layer *source_layer(const fcn_partition *part, int *next_own, const fcn_layer *evaluated)
{
    if (*next_own < part->layer_count && evaluated->type != FCN_SQUEEZE &&
        strcmp(part->layers[*next_own].name, evaluated->name) == 0)
        return &part->layers[(*next_own)++];
    return evaluated;
}

/*
 * A squeeze's derived name ("<a>_squeeze_<b>") may be a layer's own, or an
 * earlier squeeze's of the partition; the reader rejects a file with a name
 * twice, so the first free "_N" is added. `earlier` holds the squeeze names
 * given so far in the partition.
 */
static char *unique_squeeze_name(const builder *b, name_index *earlier, const char *derived)
{
    size_t length = strlen(derived), size = length + 24;
    char *name = malloc(size);
    if (!name)
        return NULL;
    memcpy(name, derived, length + 1);
    for (long n = 2; name_index_get(&b->names, name) >= 0 || name_index_get(earlier, name) >= 0; n++)
        snprintf(name + length, size - length, "_%ld", n);
    if (name_index_put(earlier, name, 0) == -2) {
        free(name);
        return NULL;
    }
    return name;
}

/* The written name of the i-th evaluated layer. */
static const char *chain_name(const fcn_partition_figures *figures, char *const *squeezes, int i)
{
    return squeezes[i] ? squeezes[i] : figures->layers[i].name;
}

/*
 * What a memory input is called in node_in: nothing (the layer names itself)
 * when the reader will take it as the previous layer in network order, which
 * is how chain files say it; else the layer of the earlier partition.
 */
static const char *memory_source(const fcn_partition *part, const fcn_partition_figures *figures,
                                 const edge_lists *lists, const fcn_edge *e)
{
    int to = e->to, port = e->port;
    if (figures->layers[to].type == FCN_SQUEEZE && lists->from_start[to] < lists->from_start[to + 1]) {
        /* an input's squeeze: the port it feeds */
        const fcn_edge *next = &figures->edges[lists->from[lists->from_start[to]]];
        to = next->to;
        port = next->port;
    }
    const fcn_layer *consumer = &figures->layers[to];
    int first = strcmp(consumer->name, part->layers[0].name) == 0;
    return first && port == 0 && fcn_layer_input(consumer, 0) == 1 ? NULL : e->source;
}

/* Each port's neighbour, from the evaluated streams: inputs by port, outputs inner consumers first. */
static void neighbours(const fcn_partition *part, const fcn_partition_figures *figures, const edge_lists *lists,
                       char *const *squeezes, int i, chain_entry *e)
{
    e->in_count = e->layer->type == FCN_SQUEEZE ? 1 : e->layer->ports_in;
    e->out_count = 0;
    for (int k = lists->to_start[i]; k < lists->to_start[i + 1]; k++) {
        const fcn_edge *edge = &figures->edges[lists->to[k]];
        if (edge->port < e->in_count)
            e->in[edge->port] = edge->from >= 0 ? chain_name(figures, squeezes, edge->from)
                                                : memory_source(part, figures, lists, edge);
        e->reads_memory |= edge->from < 0;
    }
    for (int k = lists->from_start[i]; k < lists->from_start[i + 1]; k++) {
        const fcn_edge *edge = &figures->edges[lists->from[k]];
        if (edge->to >= 0 && e->out_count < FCN_MAX_PORTS)
            e->out[e->out_count++] = chain_name(figures, squeezes, edge->to);
    }
    for (int k = lists->from_start[i]; k < lists->from_start[i + 1]; k++)
        if (figures->edges[lists->from[k]].to == -1 && e->out_count < FCN_MAX_PORTS)
            e->out[e->out_count++] = NULL;
    if (e->out_count == 0)
        e->out_count = 1; /* nothing reads it: a network output */
    for (int k = 0; k < e->out_count; k++)
        e->writes_memory |= e->out[k] == NULL;
}

static void append_chain(builder *b, json_t *list, const fcn_partition *part, const fcn_partition_figures *figures,
                         const edge_lists *lists, char *const *squeezes)
{
    int next_own = 0;
    for (int i = 0; i < figures->layer_count; i++) {
        fcn_layer renamed = figures->layers[i];
        renamed.name = squeezes[i];
        chain_entry e = {
            .layer = squeezes[i] ? &renamed : source_layer(part, &next_own, &figures->layers[i]),
            .figures = &figures->figures[i],
        };
        neighbours(part, figures, lists, squeezes, i, &e);
        append(b, list, b->format == FCN_CONFIG_NEWEST ? config_newest_layer(b, &e) : layer_json(b, &e, part->batch_size));
    }
}

/* Counting sort of the edges by one end (-1, memory, left out): stable, so each list keeps figure order. */
static void bucket_edges(const fcn_partition_figures *figures, int by_from, int *start, int *list)
{
    for (int i = 0; i <= figures->layer_count; i++)
        start[i] = 0;
    for (int k = 0; k < figures->edge_count; k++) {
        int end = by_from ? figures->edges[k].from : figures->edges[k].to;
        if (end >= 0)
            start[end + 1]++;
    }
    for (int i = 0; i < figures->layer_count; i++)
        start[i + 1] += start[i];
    int *next = start + figures->layer_count + 1; /* scratch: layer_count + 1 more ints */
    memcpy(next, start, (size_t)(figures->layer_count + 1) * sizeof *next);
    for (int k = 0; k < figures->edge_count; k++) {
        int end = by_from ? figures->edges[k].from : figures->edges[k].to;
        if (end >= 0)
            list[next[end]++] = k;
    }
}

static void append_layers(builder *b, json_t *list, const fcn_partition *part, const fcn_partition_figures *figures,
                          char *const *squeezes)
{
    const size_t starts = 2 * ((size_t)figures->layer_count + 1), edges = (size_t)figures->edge_count + 1;
    edge_lists lists = {malloc(starts * sizeof(int)), malloc(edges * sizeof(int)), malloc(starts * sizeof(int)),
                        malloc(edges * sizeof(int))};
    if (!lists.from_start || !lists.from || !lists.to_start || !lists.to) {
        b->failed = 1;
    } else {
        bucket_edges(figures, 1, lists.from_start, lists.from);
        bucket_edges(figures, 0, lists.to_start, lists.to);
        append_chain(b, list, part, figures, &lists, squeezes);
    }
    free(lists.from_start);
    free(lists.from);
    free(lists.to_start);
    free(lists.to);
}

json_t *config_layers_json(builder *b, const fcn_partition *part, const fcn_partition_figures *figures)
{
    json_t *list = json_array();
    char **squeezes = calloc((size_t)figures->layer_count + 1, sizeof *squeezes);
    name_index earlier;
    if (name_index_init(&earlier, (size_t)figures->layer_count - (size_t)part->layer_count))
        b->failed = 1;
    for (int i = 0; squeezes && !b->failed && i < figures->layer_count; i++)
        if (figures->layers[i].type == FCN_SQUEEZE &&
            !(squeezes[i] = unique_squeeze_name(b, &earlier, figures->layers[i].name)))
            b->failed = 1;
    if (squeezes && !b->failed)
        append_layers(b, list, part, figures, squeezes);
    else
        b->failed = 1;
    for (int i = 0; squeezes && i < figures->layer_count; i++)
        free(squeezes[i]);
    free(squeezes);
    name_index_free(&earlier);
    return list;
}

static json_t *partition_json(builder *b, const fcn_partition *part, const fcn_partition_figures *figures)
{
    if (b->format == FCN_CONFIG_NEWEST)
        return config_newest_partition(b, part, figures);
    json_t *p = json_object();
    put_int(b, p, "id", part->id);
    put_int(b, p, "ports", part->ports);
    put_int(b, p, "batch_size", part->batch_size);
    put_string(b, p, "input_node", part->input_node ? part->input_node : part->layers[0].name);
    put_string(b, p, "output_node", part->output_node ? part->output_node : part->layers[part->layer_count - 1].name);
    put_int(b, p, "weights_reloading_factor", part->wr_factor);
    put_string(b, p, "weights_reloading_layer", part->wr_layer ? part->wr_layer : "None");
    put(b, p, "layers", config_layers_json(b, part, figures));
    return p;
}

/* Whether jansson takes the text: JSON holds only UTF-8, and names may come from elsewhere (an ONNX file). */
static int is_utf8(const char *text)
{
    if (!text)
        return 1;
    json_t *value = json_string(text);
    json_decref(value);
    if (value)
        return 1;
    value = json_string_nocheck(text); /* succeeds when the refusal was not for want of memory */
    json_decref(value);
    return value == NULL;
}

/* Text the document cannot hold is the caller's mistake, not a lack of memory: say which. */
static int check_texts(const fcn_network *net, fcn_error *err)
{
    for (int p = 0; p < net->partition_count; p++) {
        const fcn_partition *part = &net->partitions[p];
        const char *bad = !is_utf8(part->input_node) ? "input_node" : !is_utf8(part->output_node) ? "output_node"
                          : !is_utf8(part->wr_layer) ? "weights_reloading_layer" : NULL;
        for (int i = 0; !bad && i < part->layer_count; i++) {
            const fcn_layer *l = &part->layers[i];
            bad = !is_utf8(l->name) ? "name" : !is_utf8(l->weights_path) ? "weights_path"
                  : !is_utf8(l->bias_path) ? "bias_path" : NULL;
            if (bad) /* by index: the name itself may be the bad text */
                return fcn_fail(err, "cannot write the configuration: partition %lld, layer %d: its %s is not valid "
                                "UTF-8, which JSON requires", (long long)part->id, i, bad);
        }
        if (bad)
            return fcn_fail(err, "cannot write the configuration: partition %lld: its %s is not valid UTF-8, "
                            "which JSON requires", (long long)part->id, bad);
    }
    return 0;
}

/* The document, or NULL with err filled. */
static json_t *network_json(const fcn_network *net, fcn_config_format format, fcn_error *err)
{
    if (!net) {
        fcn_fail(err, "no network to write");
        return NULL;
    }
    if (fcn_network_check(net, err)) {
        fcn_error_prefix(err, "cannot write an invalid configuration");
        return NULL;
    }
    if (check_texts(net, err))
        return NULL;
    /* Only the chain and the output dimensions are used, which the options do not change. */
    const fcn_eval_options opts = {125.0, 0.0, 0};
    fcn_network_figures figures;
    if (fcn_network_evaluate(net, &opts, &figures, err))
        return NULL;
    builder b = {.format = format, .three_d = config_network_is_3d(net)};
    size_t layers = 0;
    for (int p = 0; p < net->partition_count; p++)
        layers += (size_t)net->partitions[p].layer_count;
    b.failed = name_index_init(&b.names, layers) != 0;
    for (int p = 0; p < net->partition_count && !b.failed; p++)
        for (int i = 0; i < net->partitions[p].layer_count; i++)
            b.failed |= name_index_put(&b.names, net->partitions[p].layers[i].name, 0) == -2;
    json_t *root = json_object();
    json_t *partitions = json_array();
    for (int i = 0; i < net->partition_count && !b.failed; i++)
        append(&b, partitions, partition_json(&b, &net->partitions[i], &figures.partitions[i]));
    put(&b, root, "partition", partitions);
    fcn_network_figures_free(&figures);
    name_index_free(&b.names);
    if (b.failed) {
        json_decref(root);
        fcn_fail(err, "out of memory writing the configuration");
        return NULL;
    }
    return root;
}

#define DUMP_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)

int fcn_config_format_from_name(const char *name, fcn_config_format *out)
{
    if (name && strcmp(name, "0.1.1") == 0)
        *out = FCN_CONFIG_0_1_1;
    else if (name && strcmp(name, "newest") == 0)
        *out = FCN_CONFIG_NEWEST;
    else
        return -1;
    return 0;
}

char *fcn_network_write_string_format(const fcn_network *net, fcn_config_format format, fcn_error *err)
{
    if (format != FCN_CONFIG_0_1_1 && format != FCN_CONFIG_NEWEST) {
        fcn_fail(err, "cannot write the configuration: unknown format %d", (int)format);
        return NULL;
    }
    json_t *root = network_json(net, format, err);
    if (!root)
        return NULL;
    /* Dumped into our own buffer so that free() releases it whatever allocator jansson was given. */
    size_t size = json_dumpb(root, NULL, 0, DUMP_FLAGS);
    char *text = size ? malloc(size + 2) : NULL;
    if (text && json_dumpb(root, text, size, DUMP_FLAGS) == size) {
        text[size] = '\n';
        text[size + 1] = '\0';
    } else {
        free(text);
        text = NULL;
        fcn_fail(err, "out of memory writing the configuration");
    }
    json_decref(root);
    return text;
}

char *fcn_network_write_string(const fcn_network *net, fcn_error *err)
{
    return fcn_network_write_string_format(net, FCN_CONFIG_0_1_1, err);
}

int fcn_network_write_format(const fcn_network *net, const char *path, fcn_config_format format, fcn_error *err)
{
    if (!path)
        return fcn_fail(err, "no file to write the configuration to");
    char *text = fcn_network_write_string_format(net, format, err);
    if (!text) {
        fcn_error_prefix(err, "%s", path);
        return -1;
    }
    int rc = file_write_whole(path, text, strlen(text), err);
    free(text);
    return rc;
}

int fcn_network_write(const fcn_network *net, const char *path, fcn_error *err)
{
    return fcn_network_write_format(net, path, FCN_CONFIG_0_1_1, err);
}
