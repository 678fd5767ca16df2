/*
 * Reading the newest upstream form of the configuration (fpgaconvnet-model edfbeb6's
 * fpgaconvnet.proto and save_all_partitions; docs/CONFIG.md "The newest form"): what it
 * adds to, or spells differently from, the 0.1.1 reader in config_read.c.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config_newest.h"

/* The widest ap_fixed the hardware flow can declare (Vivado HLS's default AP_INT_MAX_W). */
#define FIXED_POINT_MAX_WIDTH 1024

fcn_config_format config_detect_form(const json_t *first_partition)
{
    return json_object_get(first_partition, "input_nodes") || json_object_get(first_partition, "output_nodes")
               ? FCN_CONFIG_NEWEST : FCN_CONFIG_0_1_1;
}

/* ---------------------------------------------------------------- keys */

/* The keys one form has and the other has not, where they stand. */
static const struct {
    const char *key;
    config_level level;
    fcn_config_format form; /* the form it belongs to */
} form_keys[] = {
    {"input_node", AT_PARTITION, FCN_CONFIG_0_1_1},     {"output_node", AT_PARTITION, FCN_CONFIG_0_1_1},
    {"input_nodes", AT_PARTITION, FCN_CONFIG_NEWEST},   {"output_nodes", AT_PARTITION, FCN_CONFIG_NEWEST},
    {"node_in", AT_LAYER, FCN_CONFIG_0_1_1},            {"node_out", AT_LAYER, FCN_CONFIG_0_1_1},
    {"data_width", AT_PARAMETERS, FCN_CONFIG_0_1_1},    {"input_width", AT_PARAMETERS, FCN_CONFIG_0_1_1},
    {"output_width", AT_PARAMETERS, FCN_CONFIG_0_1_1},  {"weight_width", AT_PARAMETERS, FCN_CONFIG_0_1_1},
    {"acc_width", AT_PARAMETERS, FCN_CONFIG_0_1_1},
};

/*
 * A 0.1.1 file is read as leniently as before (keys it does not know are ignored), so only
 * the partition's node lists, which decide the form, are checked there; a newest file may
 * hold none of 0.1.1's links or widths, which would contradict its own.
 */
int config_check_form_keys(const json_t *object, config_level level, fcn_config_format form, const place *at,
                           fcn_error *err)
{
    for (size_t i = 0; i < sizeof form_keys / sizeof form_keys[0]; i++) {
        if (form_keys[i].level != level || form_keys[i].form == form || !json_object_get(object, form_keys[i].key))
            continue;
        if (form == FCN_CONFIG_NEWEST)
            return config_fail_at(err, at, form_keys[i].key, "a field of the 0.1.1 form, but the file is in the newest "
                                  "form (its first partition has input_nodes or output_nodes)");
        return config_fail_at(err, at, form_keys[i].key, "a field of the newest form, but the file is in the 0.1.1 form "
                              "(its first partition has neither input_nodes nor output_nodes)");
    }
    return 0;
}

/* --------------------------------------------------------------- types */

/* The newest numbering (fpgaconvnet.proto at edfbeb6), then this project's 19..25 as in fcn_layer_type. */
static const struct {
    int type;            /* an fcn_layer_type, or -1 where this project has no such layer */
    const char *missing; /* then its upstream name */
} newest_types[] = {
    [0] = {FCN_CONVOLUTION, NULL},      [1] = {FCN_POOLING, NULL},
    [2] = {-1, "ACTIVATION"},           [3] = {FCN_SQUEEZE, NULL},
    [4] = {FCN_INNER_PRODUCT, NULL},    [5] = {FCN_CONCAT, NULL},
    [6] = {FCN_BATCH_NORM, NULL},       [7] = {FCN_SPLIT, NULL},
    [8] = {FCN_ELTWISE, NULL},          [9] = {FCN_AVERAGE_POOLING, NULL},
    [10] = {-1, "CONVOLUTION_SPARSE"},  [11] = {FCN_RELU, NULL},
    [12] = {FCN_SILU, NULL},            [13] = {FCN_SIGMOID, NULL},
    [14] = {FCN_HARD_SIGMOID, NULL},    [15] = {FCN_HARD_SWISH, NULL},
    [16] = {FCN_RESIZE, NULL},          [17] = {FCN_CHOP, NULL},
    [18] = {-1, "THRESHOLDEDRELU"},     [19] = {FCN_CLIP, NULL},
    [20] = {FCN_PAD, NULL},             [21] = {FCN_LAYER_NORM, NULL},
    [22] = {FCN_GELU, NULL},            [23] = {FCN_LEAKY_RELU, NULL},
    [24] = {FCN_PRELU, NULL},           [25] = {FCN_SHUFFLE, NULL},
};

#define NEWEST_TYPE_COUNT ((int64_t)(sizeof newest_types / sizeof newest_types[0]))

static int missing_type(int number, const place *at, fcn_error *err)
{
    return config_fail_at(err, at, "type", "%s (%d in the newest numbering) is a layer type this project does not model",
                          newest_types[number].missing, number);
}

int config_newest_type(const json_t *value, const place *at, fcn_layer_type *type, fcn_error *err)
{
    char found[64];
    if (!value)
        return config_fail_at(err, at, NULL, "missing \"type\"");
    int64_t number;
    if (json_is_string(value) && config_parse_decimal(json_string_value(value), &number) != DECIMAL_OK) {
        for (int i = 0; i < NEWEST_TYPE_COUNT; i++)
            if (newest_types[i].missing && strcmp(json_string_value(value), newest_types[i].missing) == 0)
                return missing_type(i, at, err);
        if (fcn_layer_type_from_name(json_string_value(value), type) == 0)
            return 0;
        return config_fail_at(err, at, "type", "unknown layer type %s", json_describe(value, found, sizeof found));
    }
    if (config_read_integer(value, at, "type", INT64_MIN, INT64_MAX, &number, err))
        return -1;
    if (number < 0 || number >= NEWEST_TYPE_COUNT)
        return config_fail_at(err, at, "type", "unknown layer type %lld in the newest numbering", (long long)number);
    if (newest_types[number].type < 0)
        return missing_type((int)number, at, err);
    *type = (fcn_layer_type)newest_types[number].type;
    return 0;
}

/* --------------------------------------------------------------- links */

/* obj[key]: an array of 1..max entries (its length in *count), or NULL after the failure. */
static const json_t *listed(const json_t *obj, const char *key, size_t max, const char *expected, const char *missing,
                            const place *at, int *count, fcn_error *err)
{
    const json_t *list = json_object_get(obj, key);
    char found[64];
    if (!list) {
        config_fail_at(err, at, NULL, "missing \"%s\"%s", key, missing);
        return NULL;
    }
    if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > max) {
        config_fail_at(err, at, key, "expected %s, got %s", expected,
                       json_is_array(list) ? "an empty array" : json_describe(list, found, sizeof found));
        return NULL;
    }
    *count = (int)json_array_size(list);
    return list;
}

/* The `node` of each stream of streams_in or streams_out: the layer at its other end, or the layer itself. */
static int stream_nodes(const json_t *layer, const char *key, const char *other_end, const place *at,
                        const char **names, int *count, fcn_error *err)
{
    char found[64], field[48], expected[32], missing[80];
    snprintf(expected, sizeof expected, "1..%d streams", FCN_MAX_PORTS);
    snprintf(missing, sizeof missing, " (the newest form links layers by %s[].node)", key);
    const json_t *streams = listed(layer, key, FCN_MAX_PORTS, expected, missing, at, count, err);
    if (!streams)
        return -1;
    for (int i = 0; i < *count; i++) {
        const json_t *stream = json_array_get(streams, (size_t)i);
        snprintf(field, sizeof field, "%s[%d]", key, i);
        if (!json_is_object(stream))
            return config_fail_at(err, at, field, "expected an object, got %s", json_describe(stream, found, sizeof found));
        const json_t *node = json_object_get(stream, "node");
        if (!node)
            return config_fail_at(err, at, field, "missing \"node\" (the layer %s)", other_end);
        snprintf(field, sizeof field, "%s[%d].node", key, i);
        if (!json_is_string(node))
            return config_fail_at(err, at, field, "expected a layer name, got %s", json_describe(node, found, sizeof found));
        names[i] = json_string_value(node);
    }
    return 0;
}

int config_newest_links(const json_t *layer, const place *at, parsed_layer *out, fcn_error *err)
{
    return stream_nodes(layer, "streams_in", "it comes from", at, out->node_in, &out->node_in_count, err) ||
                   stream_nodes(layer, "streams_out", "it goes to", at, out->node_out, &out->node_out_count, err)
               ? -1 : 0;
}

/* ---------------------------------------------------------- parameters */

static void fail(field_reader *r, const char *field, const char *fmt, ...) FCN_PRINTF(3, 4);

static void fail(field_reader *r, const char *field, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    config_fail_at(r->err, r->at, field, "%s", what);
    r->failed = 1;
}

/* A fixed_point message {width, binary_point} into a width and its binary point. */
static void read_fixed_point(field_reader *r, const char *key, int *width, int *binary_point)
{
    const json_t *message = r->failed ? NULL : json_object_get(r->object, key);
    char found[64], field[48];
    if (!message)
        return;
    if (!json_is_object(message)) {
        fail(r, key, "expected {\"width\": W, \"binary_point\": B}, got %s", json_describe(message, found, sizeof found));
        return;
    }
    const json_t *w = json_object_get(message, "width"), *b = json_object_get(message, "binary_point");
    if (!w || !b) {
        fail(r, key, "missing \"%s\"", w ? "binary_point" : "width");
        return;
    }
    int64_t value[2];
    snprintf(field, sizeof field, "%s.width", key);
    if (config_read_integer(w, r->at, field, 1, FIXED_POINT_MAX_WIDTH, &value[0], r->err)) {
        r->failed = 1;
        return;
    }
    snprintf(field, sizeof field, "%s.binary_point", key);
    if (config_read_integer(b, r->at, field, -FIXED_POINT_MAX_WIDTH, FIXED_POINT_MAX_WIDTH, &value[1], r->err)) {
        r->failed = 1;
        return;
    }
    *width = (int)value[0];
    *binary_point = (int)value[1];
}

static void read_fixed_points(field_reader *r, fcn_layer *l)
{
    read_fixed_point(r, "data_t", &l->data_width, &l->data_binary_point);
    read_fixed_point(r, "input_t", &l->input_width, &l->input_binary_point);
    read_fixed_point(r, "output_t", &l->output_width, &l->output_binary_point);
    read_fixed_point(r, "weight_t", &l->weight_width, &l->weight_binary_point);
    read_fixed_point(r, "acc_t", &l->acc_width, &l->acc_binary_point);
}

/* kernel_rows beside kernel_size[0] and their kin: the list, when given, and the single field must agree. */
static void read_single(field_reader *r, const char *key, const char *list, int index, int64_t *value)
{
    int64_t single;
    const int list_given = json_object_get(r->object, list) != NULL;
    if (!field_int64(r, key, 1, &single))
        return;
    if (!list_given) {
        *value = single;
    } else if (single != *value) {
        config_fail_at(r->err, r->at, NULL, "%s %lld disagrees with %s[%d] %lld", key, (long long)single, list, index,
                       (long long)*value);
        r->failed = 1;
    }
}

/* What upstream's newest layers may be that this project does not model: rejected, never half-read. */
static const struct {
    const char *key;
    int64_t modelled; /* the one value this project models */
    const char *what;
} unmodelled[] = {
    {"stream_weights", 0, "weights streamed from off-chip memory"},
};

static void reject_unmodelled(field_reader *r)
{
    for (size_t i = 0; i < sizeof unmodelled / sizeof unmodelled[0] && !r->failed; i++) {
        int64_t value;
        if (field_ranged(r, unmodelled[i].key, 0, FIELD_MAX, &value) && value != unmodelled[i].modelled) {
            config_fail_at(r->err, r->at, unmodelled[i].key, "%s are not modelled by this project (got %lld)",
                           unmodelled[i].what, (long long)value);
            r->failed = 1;
        }
    }
    int block_floating_point;
    if (field_choice(r, "block_floating_point", "false", "true", &block_floating_point) && block_floating_point) {
        config_fail_at(r->err, r->at, "block_floating_point", "block floating point is not modelled by this project");
        r->failed = 1;
    }
}

/* The layer's op_type: a pooling's operation, an eltwise's, a convolution's kind; informative elsewhere. */
static void read_op_type(field_reader *layer_fields, fcn_layer *l)
{
    const char *op = field_string(layer_fields, "op_type");
    int choice;
    if (!op)
        return;
    switch (l->type) {
    case FCN_CONVOLUTION:
        if (strcmp(op, "dense") != 0)
            fail(layer_fields, "op_type", "\"%s\" is not modelled by this project (only \"dense\" convolutions are)", op);
        break;
    case FCN_POOLING:
        if (field_choice(layer_fields, "op_type", "max", "avg", &choice))
            l->pool_type = choice ? FCN_POOL_AVG : FCN_POOL_MAX;
        break;
    case FCN_AVERAGE_POOLING:
        if (strcmp(op, "avg") != 0)
            fail(layer_fields, "op_type", "\"%s\" is not modelled by this project (an AVERAGE_POOLING averages: \"avg\")",
                 op);
        break;
    case FCN_ELTWISE:
        if (strcmp(op, "add") != 0 && strcmp(op, "sum") != 0 && strcmp(op, "mul") != 0)
            fail(layer_fields, "op_type", "expected \"add\" or \"mul\", got \"%s\"", op);
        l->eltwise_mul = strcmp(op, "mul") == 0;
        break;
    default: /* upstream writes an activation's own type name here ("ReLU"), which the type already says */
        break;
    }
}

void config_newest_parameters(field_reader *params, const json_t *layer, fcn_layer *l)
{
    if (params->object) {
        reject_unmodelled(params);
        read_fixed_points(params, l);
        int use_uram;
        if ((l->type == FCN_CONVOLUTION || l->type == FCN_INNER_PRODUCT) &&
            field_choice(params, "use_uram", "false", "true", &use_uram))
            l->use_uram = use_uram;
        if (l->type == FCN_CONVOLUTION || l->type == FCN_POOLING) {
            read_single(params, "kernel_rows", "kernel_size", 0, &l->kernel[0]);
            read_single(params, "kernel_cols", "kernel_size", 1, &l->kernel[1]);
            read_single(params, "stride_rows", "stride", 0, &l->stride[0]);
            read_single(params, "stride_cols", "stride", 1, &l->stride[1]);
        }
    }
    if (params->failed)
        return;
    field_reader layer_fields = {layer, params->at, params->err, 0};
    read_op_type(&layer_fields, l);
    params->failed = layer_fields.failed;
}

/* ----------------------------------------------------------- partitions */

/* input_nodes or output_nodes: one or more names; the first (or the last), copied into *kept. */
static int node_list(const json_t *partition, const char *key, int last, const place *at, char **kept, int *count,
                     fcn_error *err)
{
    char found[64], field[48];
    const json_t *list = listed(partition, key, INT32_MAX / 2, "a list of one or more names", "", at, count, err);
    if (!list)
        return -1;
    for (int i = 0; i < *count; i++) {
        const json_t *name = json_array_get(list, (size_t)i);
        snprintf(field, sizeof field, "%s[%d]", key, i);
        if (!json_is_string(name))
            return config_fail_at(err, at, field, "expected a name, got %s", json_describe(name, found, sizeof found));
    }
    *kept = config_strdup(json_string_value(json_array_get(list, last ? (size_t)*count - 1 : 0)));
    return *kept ? 0 : config_fail_at(err, at, NULL, "out of memory");
}

int config_newest_partition_nodes(const json_t *partition, const place *at, fcn_partition *out,
                                  partition_node_lists *lists, fcn_error *err)
{
    return node_list(partition, "input_nodes", 0, at, &out->input_node, &lists->inputs, err) ||
                   node_list(partition, "output_nodes", 1, at, &out->output_node, &lists->outputs, err)
               ? -1 : 0;
}

/* Whether a layer's streams on one side reach off-chip memory: a node naming the layer itself, or none of the partition. */
static int touches_memory(const char *const *nodes, int count, const char *self, const config_names *names)
{
    for (int i = 0; i < count; i++)
        if (strcmp(nodes[i], self) == 0 || name_index_get(&names->parsed, nodes[i]) < 0)
            return 1;
    return 0;
}

int config_newest_check_nodes(const parsed_layer *layers, int count, const config_names *names,
                              const partition_node_lists *lists, const place *at, fcn_error *err)
{
    int reads = 0, writes = 0;
    for (int k = 0; k < count; k++) {
        reads += touches_memory(layers[k].node_in, layers[k].node_in_count, layers[k].layer.name, names);
        writes += touches_memory(layers[k].node_out, layers[k].node_out_count, layers[k].layer.name, names);
    }
    if (reads != lists->inputs)
        return config_fail_at(err, at, "input_nodes", "has %d %s, but %d %s off-chip memory (a streams_in node naming "
                              "the layer itself or no layer of the partition)", lists->inputs,
                              lists->inputs == 1 ? "entry" : "entries", reads, reads == 1 ? "layer reads" : "layers read");
    if (writes != lists->outputs)
        return config_fail_at(err, at, "output_nodes", "has %d %s, but %d %s off-chip memory (a streams_out node naming "
                              "the layer itself or no layer of the partition)", lists->outputs,
                              lists->outputs == 1 ? "entry" : "entries", writes,
                              writes == 1 ? "layer writes" : "layers write");
    return 0;
}
