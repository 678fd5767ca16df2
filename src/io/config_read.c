/*
 * Reading the fpgaconvnet JSON configuration (CONFIG.md) into an fcn_network.
 *
 * The optimisers write this file through protobuf's JSON printer, which spells
 * int64 fields as strings and leaves out fields equal to their default, and
 * newer tools add fields this version does not know. So the reader accepts
 * integers in several spellings, takes MODEL.md's defaults for missing fields
 * and ignores unknown keys, but rejects anything it would have to guess about.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_fields.h"
#include "config_links.h"
#include "config_newest.h"
#include "json_file.h"
#include "error.h"

/* ---------------------------------------------------------------- layers */


/* Output dimensions a file declares (rows_out, cols_out, channels_out), checked once the network is valid. */
typedef struct declared_outputs {
    int64_t value[4];
    int given[4];
} declared_outputs;

/* channels_out at [2], where read_filters looks; depth_out (3-D layers) last. */
static const char *const output_fields[4] = {"rows_out", "cols_out", "channels_out", "depth_out"};

static int read_layer_type(const json_t *value, const place *at, fcn_layer_type *type, fcn_error *err)
{
    char found[64];
    if (!value)
        return config_fail_at(err, at, NULL, "missing \"type\"");
    if (json_is_string(value) && fcn_layer_type_from_name(json_string_value(value), type) == 0)
        return 0;
    int64_t number;
    if (json_is_string(value) && config_parse_decimal(json_string_value(value), &number) != DECIMAL_OK)
        return config_fail_at(err, at, "type", "unknown layer type %s", json_describe(value, found, sizeof found));
    if (config_read_integer(value, at, "type", INT64_MIN, INT64_MAX, &number, err))
        return -1;
    if (number < FCN_CONVOLUTION || number > FCN_SHUFFLE || !fcn_layer_type_name((fcn_layer_type)number))
        return config_fail_at(err, at, "type", "unknown layer type %lld", (long long)number);
    *type = (fcn_layer_type)number;
    return 0;
}

/* POOLING, RELU, BATCH_NORM: one `coarse` factor, which coarse_in and coarse_out must agree with. */
static void read_single_coarse(field_reader *r, fcn_layer *l, int has_in, int has_out)
{
    int64_t coarse;
    if (field_int64(r, "coarse", 1, &coarse)) {
        if (has_in && l->coarse_in != coarse) {
            config_fail_at(r->err, r->at, NULL, "coarse_in %lld disagrees with coarse %lld", (long long)l->coarse_in,
                    (long long)coarse);
            r->failed = 1;
        } else if (has_out && l->coarse_out != coarse) {
            config_fail_at(r->err, r->at, NULL, "coarse_out %lld disagrees with coarse %lld", (long long)l->coarse_out,
                    (long long)coarse);
            r->failed = 1;
        }
        l->coarse_in = l->coarse_out = coarse;
        return;
    }
    if (r->failed)
        return;
    if (has_in && has_out && l->coarse_in != l->coarse_out) {
        config_fail_at(r->err, r->at, NULL, "coarse_in %lld and coarse_out %lld differ; a %s layer has one coarse factor",
                (long long)l->coarse_in, (long long)l->coarse_out, fcn_layer_type_name(l->type));
        r->failed = 1;
    } else if (has_in) {
        l->coarse_out = l->coarse_in;
    } else if (has_out) {
        l->coarse_in = l->coarse_out;
    }
}

/* CONVOLUTION, INNER_PRODUCT: `filters`, else the declared channels_out. */
static void read_filters(field_reader *r, fcn_layer *l, const declared_outputs *d)
{
    int has_filters = field_int64(r, "filters", 1, &l->filters);
    if (r->failed)
        return;
    if (has_filters && d->given[2] && d->value[2] != l->filters) {
        config_fail_at(r->err, r->at, NULL, "filters %lld and channels_out %lld disagree", (long long)l->filters,
                (long long)d->value[2]);
        r->failed = 1;
    } else if (!has_filters && d->given[2]) {
        l->filters = d->value[2];
    } else if (!has_filters) {
        config_fail_at(r->err, r->at, NULL, "missing required parameter \"filters\" (or \"channels_out\")");
        r->failed = 1;
    }
}

/*
 * CONVOLUTION, POOLING: the sliding window. Pads are read by name (0.1.1 swapped left and right, D8).
 * kernel_size and stride may carry a third entry, the depth (the newest form's 3-D layers).
 */
static void read_window(field_reader *r, fcn_layer *l)
{
    int64_t kernel[3] = {1, 1, 1}, stride[3] = {1, 1, 1};
    const int kernels = field_window_dims(r, "kernel_size", 1, kernel);
    if (!kernels && !r->failed) {
        config_fail_at(r->err, r->at, NULL, "missing required parameter \"kernel_size\"");
        r->failed = 1;
    }
    const int strides = field_window_dims(r, "stride", 1, stride);
    if (kernels)
        memcpy(l->kernel, kernel, sizeof l->kernel);
    if (strides)
        memcpy(l->stride, stride, sizeof l->stride);
    config_read_window_3d(r, l, kernel, kernels, stride, strides);
    field_int64(r, "pad_top", 0, &l->pad_top);
    field_int64(r, "pad_right", 0, &l->pad_right);
    field_int64(r, "pad_bottom", 0, &l->pad_bottom);
    field_int64(r, "pad_left", 0, &l->pad_left);
}

static void read_weight_widths(field_reader *r, fcn_layer *l)
{
    field_int(r, "input_width", 1, &l->input_width);
    field_int(r, "output_width", 1, &l->output_width);
    field_int(r, "weight_width", 1, &l->weight_width);
    field_int(r, "acc_width", 1, &l->acc_width);
    field_int(r, "biases_width", 1, &l->biases_width);
    int64_t has_bias;
    if (field_ranged(r, "has_bias", 0, 1, &has_bias))
        l->has_bias = (int)has_bias;
}

/* CONCAT: each input port's channels, from channels_in_array; channels_in, if given, is their sum. */
static void read_port_channels(field_reader *r, fcn_layer *l, int has_channels, int has_ports)
{
    const json_t *list = r->object ? json_object_get(r->object, "channels_in_array") : NULL;
    char found[64];
    if (r->failed)
        return;
    if (!list) {
        config_fail_at(r->err, r->at, NULL, "missing required parameter \"channels_in_array\" (a CONCAT's input channels)");
        r->failed = 1;
        return;
    }
    if (!json_is_array(list) || json_array_size(list) < 1 || json_array_size(list) > FCN_MAX_PORTS) {
        config_fail_at(r->err, r->at, "channels_in_array", "expected 1..%d channel counts, got %s", FCN_MAX_PORTS,
                       json_describe(list, found, sizeof found));
        r->failed = 1;
        return;
    }
    const int n = (int)json_array_size(list);
    l->port_channels = calloc((size_t)n, sizeof *l->port_channels);
    if (!l->port_channels) {
        config_fail_at(r->err, r->at, NULL, "out of memory");
        r->failed = 1;
        return;
    }
    int64_t sum = 0;
    for (int i = 0; i < n; i++) {
        char field[48];
        snprintf(field, sizeof field, "channels_in_array[%d]", i);
        if (config_read_integer(json_array_get(list, (size_t)i), r->at, field, 1, FIELD_MAX, &l->port_channels[i],
                                r->err)) {
            r->failed = 1;
            return;
        }
        sum += l->port_channels[i];
    }
    if (has_channels && sum != l->channels) {
        config_fail_at(r->err, r->at, NULL, "channels_in %lld is not the sum %lld of channels_in_array",
                       (long long)l->channels, (long long)sum);
        r->failed = 1;
    }
    l->channels = sum;
    if (!r->failed && has_ports && l->ports_in != n) {
        config_fail_at(r->err, r->at, NULL, "ports_in %d disagrees with the %d entries of channels_in_array", l->ports_in,
                       n);
        r->failed = 1;
    }
    l->ports_in = n;
}

/* What only some layer types carry: an eltwise's operation, a clip's bounds. */
static void read_extras(field_reader *r, fcn_layer *l)
{
    const char *op = l->type == FCN_ELTWISE ? field_string(r, "op_type") : NULL;
    if (op && strcmp(op, "mul") != 0 && strcmp(op, "sum") != 0 && strcmp(op, "add") != 0) {
        config_fail_at(r->err, r->at, "op_type", "expected \"sum\" or \"mul\", got \"%s\"", op);
        r->failed = 1;
    }
    l->eltwise_mul = op && strcmp(op, "mul") == 0;
    if (l->type != FCN_CLIP || !r->object)
        return;
    const char *const keys[2] = {"clip_min", "clip_max"};
    double *bounds[2] = {&l->clip_min, &l->clip_max};
    for (int i = 0; i < 2 && !r->failed; i++) {
        const json_t *v = json_object_get(r->object, keys[i]);
        char found[64];
        if (!v)
            continue;
        if (!json_is_number(v)) {
            config_fail_at(r->err, r->at, keys[i], "expected a number, got %s", json_describe(v, found, sizeof found));
            r->failed = 1;
            return;
        }
        *bounds[i] = json_number_value(v);
    }
}

/*
 * The parameters that apply to the layer's type; the others are left at their
 * defaults (the writer does not write them, so a round trip is exact).
 */
static void read_parameters(field_reader *r, fcn_layer *l, declared_outputs *d)
{
    field_int64(r, "buffer_depth", 0, &l->buffer_depth);
    const int has_ports = field_int(r, "ports_in", 1, &l->ports_in);
    const int has_ports_out = field_int(r, "ports_out", 1, &l->ports_out);
    /* A squeeze layer is dropped: what it gives is checked, but nothing is required of it. */
    void (*input_field)(field_reader *, const char *, int64_t, int64_t *) =
        l->type == FCN_SQUEEZE ? field_optional_int64 : field_require_int64;
    input_field(r, "rows_in", 1, &l->rows);
    input_field(r, "cols_in", 1, &l->cols);
    field_int64(r, "depth_in", 1, &l->depth); /* 3-D layers: absent is 1 */
    if (l->type == FCN_CONCAT)
        read_port_channels(r, l, field_int64(r, "channels_in", 1, &l->channels), has_ports);
    else
        input_field(r, "channels_in", 1, &l->channels);
    read_extras(r, l);
    for (int i = 0; i < 4; i++)
        d->given[i] = field_int64(r, output_fields[i], 1, &d->value[i]);
    int has_in = field_int64(r, "coarse_in", 1, &l->coarse_in);
    int has_out = field_int64(r, "coarse_out", 1, &l->coarse_out);
    field_int(r, "data_width", 1, &l->data_width);

    switch (l->type) {
    case FCN_CONVOLUTION:
        read_filters(r, l, d);
        field_int64(r, "coarse_group", 1, &l->coarse_group);
        field_int64(r, "groups", 1, &l->groups);
        field_int64(r, "fine", 1, &l->fine);
        read_window(r, l);
        read_weight_widths(r, l);
        break;
    case FCN_INNER_PRODUCT:
        read_filters(r, l, d);
        read_weight_widths(r, l);
        break;
    case FCN_POOLING:
        read_single_coarse(r, l, has_in, has_out);
        read_window(r, l);
        break;
    case FCN_SQUEEZE:
        break;
    default: /* RELU, BATCH_NORM, the multi-port layers, AVERAGE_POOLING, the activations, the 2-D layers */
        read_single_coarse(r, l, has_in, has_out);
        break;
    }
    config_read_2d(r, l, has_ports_out);
}

/* streams_in[0].coarse / streams_out[0].coarse are written for the hardware flow; the parameters are the truth. */
static int check_stream_coarse(const json_t *layer, const char *key, const char *coarse_name, int64_t coarse,
                               const place *at, fcn_error *err)
{
    const json_t *streams = json_object_get(layer, key);
    char found[64], field[64];
    if (!streams || (json_is_array(streams) && json_array_size(streams) == 0))
        return 0;
    if (!json_is_array(streams))
        return config_fail_at(err, at, key, "expected an array of streams, got %s", json_describe(streams, found, sizeof found));
    const json_t *first = json_array_get(streams, 0);
    snprintf(field, sizeof field, "%s[0]", key);
    if (!json_is_object(first))
        return config_fail_at(err, at, field, "expected an object, got %s", json_describe(first, found, sizeof found));
    const json_t *value = json_object_get(first, "coarse");
    if (!value)
        return 0;
    int64_t stream_coarse;
    snprintf(field, sizeof field, "%s[0].coarse", key);
    if (config_read_integer(value, at, field, 1, FIELD_MAX, &stream_coarse, err))
        return -1;
    if (stream_coarse != coarse)
        return config_fail_at(err, at, NULL, "%s coarse %lld disagrees with %s %lld", key, (long long)stream_coarse,
                       coarse_name, (long long)coarse);
    return 0;
}

static int copy_optional(const char *s, char **out, const place *at, fcn_error *err)
{
    if (!s)
        return 0;
    *out = config_strdup(s);
    return *out ? 0 : config_fail_at(err, at, NULL, "out of memory");
}

/* The layer's links: node_in / node_out (0.1.1), or its streams' nodes (newest). */
static int read_links(const json_t *obj, fcn_config_format form, const place *at, parsed_layer *out, fcn_error *err)
{
    if (form == FCN_CONFIG_NEWEST)
        return config_check_form_keys(obj, AT_LAYER, form, at, err) || config_newest_links(obj, at, out, err) ? -1 : 0;
    field_reader layer_fields = {obj, at, err, 0};
    out->node_in_count = field_nodes(&layer_fields, "node_in", out->node_in, FCN_MAX_PORTS);
    out->node_out_count = field_nodes(&layer_fields, "node_out", out->node_out, FCN_MAX_PORTS);
    return layer_fields.failed ? -1 : 0;
}

/* Fills `out` (zeroed by the caller) from the index-th layer of a partition; its strings are owned by out. */
static int read_layer(const json_t *obj, int index, place at, fcn_config_format form, parsed_layer *out,
                      declared_outputs *d, fcn_error *err)
{
    char found[64];
    at.layer_index = index;
    if (!json_is_object(obj))
        return config_fail_at(err, &at, NULL, "expected an object, got %s", json_describe(obj, found, sizeof found));
    const json_t *name = json_object_get(obj, "name");
    if (!name)
        return config_fail_at(err, &at, NULL, "missing \"name\"");
    if (!json_is_string(name) || json_string_length(name) == 0)
        return config_fail_at(err, &at, "name", "expected a layer name, got %s", json_describe(name, found, sizeof found));
    at.layer = json_string_value(name);

    fcn_layer_type type;
    if (form == FCN_CONFIG_NEWEST ? config_newest_type(json_object_get(obj, "type"), &at, &type, err)
                                  : read_layer_type(json_object_get(obj, "type"), &at, &type, err))
        return -1;
    fcn_layer_init(&out->layer, type);
    out->layer.name = config_strdup(at.layer);
    if (!out->layer.name)
        return config_fail_at(err, &at, NULL, "out of memory");

    if (read_links(obj, form, &at, out, err))
        return -1;
    field_reader layer_fields = {obj, &at, err, 0};
    const char *weights_path = field_string(&layer_fields, "weights_path");
    const char *bias_path = field_string(&layer_fields, "bias_path");
    if (layer_fields.failed)
        return -1;

    const json_t *params = json_object_get(obj, "parameters");
    if (params && !json_is_object(params))
        return config_fail_at(err, &at, "parameters", "expected an object, got %s", json_describe(params, found, sizeof found));
    if (form == FCN_CONFIG_NEWEST && config_check_form_keys(params, AT_PARAMETERS, form, &at, err))
        return -1;
    field_reader param_fields = {params, &at, err, 0};
    read_parameters(&param_fields, &out->layer, d);
    if (form == FCN_CONFIG_NEWEST && !param_fields.failed)
        config_newest_parameters(&param_fields, obj, &out->layer);
    if (param_fields.failed)
        return -1;
    out->has_ports_in = params && json_object_get(params, "ports_in");
    out->has_ports_out = params && json_object_get(params, "ports_out");

    if (type != FCN_SQUEEZE) /* dropped anyway: what it says about streams does not matter */
        if (check_stream_coarse(obj, "streams_in", "coarse_in", out->layer.coarse_in, &at, err) ||
            check_stream_coarse(obj, "streams_out", "coarse_out", out->layer.coarse_out, &at, err))
            return -1;
    if (copy_optional(weights_path, &out->layer.weights_path, &at, err) ||
        copy_optional(bias_path, &out->layer.bias_path, &at, err))
        return -1;
    return 0;
}

/* ------------------------------------------------------------ partitions */

static int is_squeeze(const parsed_layer *l) { return l->layer.type == FCN_SQUEEZE; }

/* The partition (by id) holding the layer at a network order index: for a message, so a scan will do. */
static long long partition_of(const fcn_network *net, int index)
{
    int p = 0;
    while (p + 1 < net->partition_count && index >= net->partitions[p].layer_count)
        index -= net->partitions[p++].layer_count;
    return (long long)net->partitions[p].id;
}

/*
 * Names must be unique in the whole network: within this partition, and
 * against the partitions read before. Fills names->parsed.
 */
static int check_unique_names(const parsed_layer *layers, int count, const fcn_network *net, config_names *names,
                              const place *at, fcn_error *err)
{
    for (int i = 0; i < count; i++) {
        const char *name = layers[i].layer.name;
        int earlier = name_index_get(&names->earlier, name);
        if (earlier >= 0)
            return config_fail_at(err, at, NULL, "duplicate layer name '%s' (also in partition %lld)", name,
                                  partition_of(net, earlier));
        int taken = name_index_put(&names->parsed, name, i);
        if (taken == -2)
            return config_fail_at(err, at, NULL, "out of memory");
        if (taken >= 0)
            return config_fail_at(err, at, NULL, "duplicate layer name '%s'", name);
    }
    return 0;
}

/* After a partition is read: its layers' names become earlier names for the next ones. */
static int add_earlier_names(const fcn_network *net, int index, config_names *names, const place *at,
                             fcn_error *err)
{
    int base = 0;
    for (int p = 0; p < index; p++)
        base += net->partitions[p].layer_count;
    const fcn_partition *part = &net->partitions[index];
    for (int i = 0; i < part->layer_count; i++)
        if (name_index_put(&names->earlier, part->layers[i].name, base + i) == -2)
            return config_fail_at(err, at, NULL, "out of memory");
    return 0;
}

static int read_partition_fields(const json_t *obj, place *at, fcn_config_format form, fcn_partition *out,
                                 partition_node_lists *lists, fcn_error *err)
{
    char found[64];
    if (!json_is_object(obj))
        return config_fail_at(err, at, NULL, "expected an object, got %s", json_describe(obj, found, sizeof found));
    field_reader r = {obj, at, err, 0};
    /* protobuf leaves out an id of 0; the index is the natural default for the others. */
    out->id = at->partition;
    field_ranged(&r, "id", 0, FIELD_MAX, &out->id);
    if (r.failed)
        return -1;
    at->partition = out->id;
    if (config_check_form_keys(obj, AT_PARTITION, form, at, err) ||
        (form == FCN_CONFIG_NEWEST && config_newest_partition_nodes(obj, at, out, lists, err)))
        return -1;
    out->ports = out->batch_size = out->wr_factor = 1;
    field_int64(&r, "ports", 1, &out->ports);
    field_int64(&r, "batch_size", 1, &out->batch_size);
    field_int64(&r, "weights_reloading_factor", 1, &out->wr_factor);
    const char *wr_layer = field_string(&r, "weights_reloading_layer");
    const char *input_node = field_string(&r, "input_node");
    const char *output_node = field_string(&r, "output_node");
    if (r.failed)
        return -1;
    if ((wr_layer && strcmp(wr_layer, "None") != 0 && copy_optional(wr_layer, &out->wr_layer, at, err)) ||
        copy_optional(input_node, &out->input_node, at, err) ||
        copy_optional(output_node, &out->output_node, at, err))
        return -1;
    return 0;
}

/* Moves the non-squeeze layers into out->layers (already sized), with their declared outputs. */
static void keep_chain(parsed_layer *layers, const declared_outputs *decl, int count, fcn_partition *out,
                       declared_outputs *kept)
{
    for (int i = 0; i < count; i++) {
        if (is_squeeze(&layers[i]))
            continue;
        kept[out->layer_count] = decl[i];
        out->layers[out->layer_count++] = layers[i].layer;
        memset(&layers[i].layer, 0, sizeof layers[i].layer); /* moved: not released below */
    }
}

static int contains_layer(const fcn_partition *p, const char *name)
{
    for (int i = 0; i < p->layer_count; i++)
        if (strcmp(p->layers[i].name, name) == 0)
            return 1;
    return 0;
}

/* The partition's ends, when the file does not name them: its first and last layers. */
static int default_ends(fcn_partition *p, const place *at, fcn_error *err)
{
    if (!p->input_node && copy_optional(p->layers[0].name, &p->input_node, at, err))
        return -1;
    if (!p->output_node && copy_optional(p->layers[p->layer_count - 1].name, &p->output_node, at, err))
        return -1;
    return 0;
}

/*
 * Reads partitions[index] into net->partitions[index] (zeroed), and sets
 * *declared to the declared outputs of its layers (allocated; the caller
 * frees it, also on failure).
 */
static int read_partition(const json_t *obj, int index, const char *source, fcn_config_format form,
                          fcn_network *net, declared_outputs **declared, name_index *earlier, fcn_error *err)
{
    fcn_partition *out = &net->partitions[index];
    place at = {source, index, NULL, -1};
    partition_node_lists lists = {0, 0};
    if (read_partition_fields(obj, &at, form, out, &lists, err))
        return -1;

    const json_t *layers = json_object_get(obj, "layers");
    char found[64];
    if (!layers)
        return config_fail_at(err, &at, NULL, "missing \"layers\" array");
    if (!json_is_array(layers))
        return config_fail_at(err, &at, "layers", "expected an array, got %s", json_describe(layers, found, sizeof found));
    size_t size = json_array_size(layers);
    if (size == 0)
        return config_fail_at(err, &at, NULL, "\"layers\" is empty");
    if (size > INT32_MAX / 2)
        return config_fail_at(err, &at, NULL, "too many layers (%zu)", size);
    const int count = (int)size;

    parsed_layer *parsed = calloc(size, sizeof *parsed);
    declared_outputs *decl = calloc(size, sizeof *decl);
    *declared = calloc(size, sizeof **declared);
    out->layers = calloc(size, sizeof *out->layers);
    config_names names = {.earlier = *earlier};
    int rc = parsed && decl && *declared && out->layers && name_index_init(&names.parsed, size) == 0
                 ? 0 : config_fail_at(err, &at, NULL, "out of memory");
    for (int i = 0; rc == 0 && i < count; i++)
        rc = read_layer(json_array_get(layers, (size_t)i), i, at, form, &parsed[i], &decl[i], err);
    if (rc == 0)
        rc = check_unique_names(parsed, count, net, &names, &at, err);
    if (rc == 0)
        rc = config_link_partition(parsed, count, net, index, &names,
                                   form == FCN_CONFIG_NEWEST ? LINK_WORDS_NEWEST : LINK_WORDS_0_1_1, &at, err);
    if (rc == 0 && form == FCN_CONFIG_NEWEST)
        rc = config_newest_check_nodes(parsed, count, &names, &lists, &at, err);
    name_index_free(&names.parsed); /* its keys are the parsed layers' names, moved or released below */
    if (rc == 0) {
        keep_chain(parsed, decl, count, out, *declared);
        if (out->layer_count == 0)
            rc = config_fail_at(err, &at, NULL, "has no layers besides squeeze layers");
    }
    if (rc == 0 && out->wr_layer && !contains_layer(out, out->wr_layer))
        rc = fcn_fail(err, "%s: weights reloading layer '%s' is not in partition %lld", source, out->wr_layer,
                      (long long)out->id);
    if (rc == 0)
        rc = default_ends(out, &at, err);
    if (rc == 0)
        rc = add_earlier_names(net, index, &names, &at, err);
    *earlier = names.earlier; /* it may have grown */

    for (int i = 0; parsed && i < count; i++)
        fcn_layer_release(&parsed[i].layer);
    free(parsed);
    free(decl);
    return rc;
}

/* ---------------------------------------------------------------- network */

/* Declared output dimensions must be what the model computes from the inputs and parameters. */
static int check_declared_outputs(const fcn_network *net, declared_outputs *const *declared, const char *source,
                                  fcn_error *err)
{
    for (int p = 0; p < net->partition_count; p++) {
        const fcn_partition *part = &net->partitions[p];
        for (int i = 0; i < part->layer_count; i++) {
            const declared_outputs *d = &declared[p][i];
            if (!d->given[0] && !d->given[1] && !d->given[2] && !d->given[3])
                continue;
            fcn_layer_figures f;
            fcn_layer_evaluate(&part->layers[i], &f);
            const int64_t computed[4] = {f.rows_out, f.cols_out, f.channels_out, f.depth_out};
            for (int k = 0; k < 4; k++)
                if (d->given[k] && d->value[k] != computed[k]) {
                    place at = {source, part->id, part->layers[i].name, -1};
                    return config_fail_at(err, &at, output_fields[k], "declared %lld, but the layer computes %lld",
                                   (long long)d->value[k], (long long)computed[k]);
                }
        }
    }
    return 0;
}

static int read_partitions(const json_t *list, const char *source, fcn_network *net, declared_outputs **declared,
                           fcn_error *err)
{
    const fcn_config_format form = config_detect_form(json_array_get(list, 0));
    name_index earlier;
    if (name_index_init(&earlier, 64))
        return fcn_fail(err, "%s: out of memory", source);
    int rc = 0;
    for (int i = 0; rc == 0 && i < net->partition_count; i++)
        rc = read_partition(json_array_get(list, (size_t)i), i, source, form, net, &declared[i], &earlier, err);
    name_index_free(&earlier);
    if (rc)
        return -1;
    if (fcn_network_check(net, err)) {
        fcn_error_prefix(err, "%s", source);
        return -1;
    }
    return check_declared_outputs(net, declared, source, err);
}

static fcn_network *read_document(const json_t *root, const char *source, fcn_error *err)
{
    const json_t *list = json_object_get(root, "partition");
    if (!json_is_object(root) || !list) {
        fcn_fail(err, "%s: missing \"partition\" array", source);
        return NULL;
    }
    char found[64];
    if (!json_is_array(list)) {
        fcn_fail(err, "%s: \"partition\": expected an array, got %s", source, json_describe(list, found, sizeof found));
        return NULL;
    }
    size_t count = json_array_size(list);
    if (count == 0 || count > INT32_MAX / 2) {
        fcn_fail(err, "%s: \"partition\" is empty", source);
        return NULL;
    }

    fcn_network *net = calloc(1, sizeof *net);
    declared_outputs **declared = calloc(count, sizeof *declared);
    if (net)
        net->partitions = calloc(count, sizeof *net->partitions);
    int rc;
    if (!net || !net->partitions || !declared) {
        rc = fcn_fail(err, "%s: out of memory", source);
    } else {
        net->partition_count = (int)count; /* zeroed partitions release cleanly */
        rc = read_partitions(list, source, net, declared, err);
    }
    for (size_t i = 0; declared && i < count; i++)
        free(declared[i]);
    free(declared);
    if (rc) {
        fcn_network_free(net);
        return NULL;
    }
    return net;
}

/* Names from the document may hold control characters; a message stays on one line. */
static fcn_network *one_line(fcn_network *net, fcn_error *err)
{
    if (!net && err)
        for (char *c = err->message; *c; c++)
            if ((unsigned char)*c < 0x20)
                *c = '?';
    return net;
}

/* "FILE:LINE:COL: what" for a document that is not JSON. */
static void syntax_error(const json_error_t *jerr, const char *source, fcn_error *err)
{
    if (jerr->line > 0)
        fcn_fail(err, "%s:%d:%d: %s", source, jerr->line, jerr->column, jerr->text);
    else
        fcn_fail(err, "%s: %s", source, jerr->text);
}

/* Duplicate keys would make a field's value depend on which one the parser kept. */
#define LOAD_FLAGS JSON_REJECT_DUPLICATES

fcn_network *fcn_network_read_string(const char *json, const char *source, fcn_error *err)
{
    if (!source)
        source = "<string>";
    if (!json) {
        fcn_fail(err, "%s: no text to read", source);
        return NULL;
    }
    json_error_t jerr;
    json_t *root = json_loads(json, LOAD_FLAGS, &jerr);
    if (!root) {
        syntax_error(&jerr, source, err);
        return one_line(NULL, err);
    }
    fcn_network *net = read_document(root, source, err);
    json_decref(root);
    return one_line(net, err);
}

fcn_network *fcn_network_read(const char *path, fcn_error *err)
{
    if (!path) {
        fcn_fail(err, "no configuration file given");
        return NULL;
    }
    json_t *root = json_file_load(path, err);
    if (!root)
        return one_line(NULL, err);
    fcn_network *net = read_document(root, strcmp(path, "-") == 0 ? "standard input" : path, err);
    json_decref(root);
    return one_line(net, err);
}
