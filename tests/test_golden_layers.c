/*
 * Golden conformance of single layers: every case of data/golden/layers.json is
 * built from its type and parameters directly (not through the config reader,
 * so that this test stands on the model alone), checked, evaluated, and every
 * figure of its `expect` block compared, modules included.
 */
#include <stddef.h>

#include "golden_util.h"

#define LAYERS_PATH "data/golden/layers.json"

/* A pair [a, b], or a single integer meaning [a, a]. */
static int read_pair(const json_t *value, int64_t pair[2])
{
    if (json_is_integer(value)) {
        pair[0] = pair[1] = (int64_t)json_integer_value(value);
        return 0;
    }
    if (!json_is_array(value) || json_array_size(value) != 2 ||
        !json_is_integer(json_array_get(value, 0)) || !json_is_integer(json_array_get(value, 1)))
        return -1;
    pair[0] = (int64_t)json_integer_value(json_array_get(value, 0));
    pair[1] = (int64_t)json_integer_value(json_array_get(value, 1));
    return 0;
}

/* The int64 field a parameter name sets, or NULL. `coarse` is handled by the caller. */
static int64_t *count_field(fcn_layer *layer, const char *key)
{
    static const struct { const char *key; size_t offset; } fields[] = {
        {"rows_in", offsetof(fcn_layer, rows)},
        {"cols_in", offsetof(fcn_layer, cols)},
        {"channels_in", offsetof(fcn_layer, channels)},
        {"filters", offsetof(fcn_layer, filters)},
        {"pad_top", offsetof(fcn_layer, pad_top)},
        {"pad_right", offsetof(fcn_layer, pad_right)},
        {"pad_bottom", offsetof(fcn_layer, pad_bottom)},
        {"pad_left", offsetof(fcn_layer, pad_left)},
        {"groups", offsetof(fcn_layer, groups)},
        {"coarse_in", offsetof(fcn_layer, coarse_in)},
        {"coarse_out", offsetof(fcn_layer, coarse_out)},
        {"coarse_group", offsetof(fcn_layer, coarse_group)},
        {"fine", offsetof(fcn_layer, fine)},
        {"buffer_depth", offsetof(fcn_layer, buffer_depth)},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(key, fields[i].key) == 0)
            return (int64_t *)((char *)layer + fields[i].offset);
    return NULL;
}

/* The int field a parameter name sets (widths, has_bias), or NULL. */
static int *flag_field(fcn_layer *layer, const char *key)
{
    static const struct { const char *key; size_t offset; } fields[] = {
        {"data_width", offsetof(fcn_layer, data_width)},
        {"input_width", offsetof(fcn_layer, input_width)},
        {"output_width", offsetof(fcn_layer, output_width)},
        {"weight_width", offsetof(fcn_layer, weight_width)},
        {"acc_width", offsetof(fcn_layer, acc_width)},
        {"biases_width", offsetof(fcn_layer, biases_width)},
        {"has_bias", offsetof(fcn_layer, has_bias)},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(key, fields[i].key) == 0)
            return (int *)((char *)layer + fields[i].offset);
    return NULL;
}

static int has_filters(fcn_layer_type type)
{
    return type == FCN_CONVOLUTION || type == FCN_INNER_PRODUCT;
}

/* Sets the field that one golden parameter names. -1 if the name or value is not understood. */
static int apply_parameter(fcn_layer *layer, const char *key, const json_t *value)
{
    if (strcmp(key, "kernel_size") == 0)
        return read_pair(value, layer->kernel);
    if (strcmp(key, "stride") == 0)
        return read_pair(value, layer->stride);
    if (!json_is_integer(value))
        return -1;
    int64_t number = (int64_t)json_integer_value(value);
    if (strcmp(key, "coarse") == 0) {
        layer->coarse_in = layer->coarse_out = number;
        return 0;
    }
    if (strcmp(key, "channels_out") == 0) {
        /* Only the filter-bearing layers take it as a parameter; elsewhere it is derived. */
        if (has_filters(layer->type))
            layer->filters = number;
        return 0;
    }
    int64_t *count = count_field(layer, key);
    if (count) {
        *count = number;
        return 0;
    }
    int *flag = flag_field(layer, key);
    if (flag) {
        *flag = (int)number;
        return 0;
    }
    return -1;
}

/* Builds the case's layer; 0 on success, else the failure has been recorded. */
static int build_layer(const json_t *golden_case, fcn_layer *layer, char *name, size_t name_size)
{
    const char *where = golden_case_name(golden_case);
    const char *type_name = json_string_value(json_object_get(golden_case, "type"));
    fcn_layer_type type;
    if (!type_name || fcn_layer_type_from_name(type_name, &type) != 0) {
        golden_record(0, where, "type", "unknown layer type \"%s\"", type_name ? type_name : "");
        return -1;
    }
    fcn_layer_init(layer, type);
    snprintf(name, name_size, "%s", where);
    layer->name = name;

    const json_t *parameters = json_object_get(golden_case, "parameters");
    const char *key;
    json_t *value;
    int failed = 0;
    json_object_foreach((json_t *)parameters, key, value) {
        if (apply_parameter(layer, key, value) != 0) {
            golden_record(0, where, key, "parameter not understood by this test");
            failed = 1;
        }
    }
    return failed ? -1 : 0;
}

static void compare_module(const char *where, const char *module_name,
                           const fcn_module_figures *got, const json_t *want)
{
    char field[96];
#define MODULE_FIELD(name) (snprintf(field, sizeof field, "module %s %s", module_name, name), field)
    golden_int(where, MODULE_FIELD("rows_in"), got->rows_in, json_object_get(want, "rows_in"));
    golden_int(where, MODULE_FIELD("cols_in"), got->cols_in, json_object_get(want, "cols_in"));
    golden_int(where, MODULE_FIELD("channels_in"), got->channels_in,
               json_object_get(want, "channels_in"));
    golden_int(where, MODULE_FIELD("rows_out"), got->rows_out, json_object_get(want, "rows_out"));
    golden_int(where, MODULE_FIELD("cols_out"), got->cols_out, json_object_get(want, "cols_out"));
    golden_int(where, MODULE_FIELD("channels_out"), got->channels_out,
               json_object_get(want, "channels_out"));
    golden_real(where, MODULE_FIELD("rate_in"), got->rate_in, json_object_get(want, "rate_in"));
    golden_real(where, MODULE_FIELD("rate_out"), got->rate_out, json_object_get(want, "rate_out"));
    golden_int(where, MODULE_FIELD("latency"), fcn_module_latency(got), json_object_get(want, "latency"));
    golden_int(where, MODULE_FIELD("pipeline_depth"), got->pipeline_depth,
               json_object_get(want, "pipeline_depth"));
    golden_resource(where, MODULE_FIELD("resource"), got->resource,
                    json_object_get(want, "resource"));
#undef MODULE_FIELD
}

static const fcn_module_figures *find_module(const fcn_layer_figures *figures, const char *name)
{
    for (int i = 0; i < figures->module_count && i < FCN_MAX_MODULES; i++)
        if (figures->modules[i].name && strcmp(figures->modules[i].name, name) == 0)
            return &figures->modules[i];
    return NULL;
}

static void compare_modules(const char *where, const fcn_layer_figures *got, const json_t *want)
{
    if (!json_is_object(want)) {
        golden_record(0, where, "modules", "golden modules missing");
        return;
    }
    golden_record(got->module_count == (int)json_object_size(want), where, "module_count",
                  "got %d, expected %d", got->module_count, (int)json_object_size(want));
    const char *name;
    json_t *module;
    json_object_foreach((json_t *)want, name, module) {
        const fcn_module_figures *found = find_module(got, name);
        golden_record(found != NULL, where, "modules", "no module named \"%s\"", name);
        if (found)
            compare_module(where, name, found, module);
    }
}

static void compare_layer(const char *where, const fcn_layer_figures *got, const json_t *want)
{
    golden_int(where, "rows_out", got->rows_out, json_object_get(want, "rows_out"));
    golden_int(where, "cols_out", got->cols_out, json_object_get(want, "cols_out"));
    golden_int(where, "channels_out", got->channels_out, json_object_get(want, "channels_out"));
    golden_real(where, "rate_in", got->rate_in, json_object_get(want, "rate_in"));
    golden_real(where, "rate_out", got->rate_out, json_object_get(want, "rate_out"));
    golden_real(where, "latency", got->latency, json_object_get(want, "latency"));
    golden_int(where, "pipeline_depth", got->pipeline_depth,
               json_object_get(want, "pipeline_depth"));
    golden_int(where, "workload_in", got->workload_in, json_object_get(want, "workload_in"));
    golden_int(where, "workload_out", got->workload_out, json_object_get(want, "workload_out"));
    golden_int(where, "size_in", got->size_in, json_object_get(want, "size_in"));
    golden_int(where, "size_out", got->size_out, json_object_get(want, "size_out"));
    golden_resource(where, "resource", got->resource, json_object_get(want, "resource"));
    golden_int(where, "operations", got->operations, json_object_get(want, "operations"));
    const json_t *sizes = json_object_get(want, "parameters_size");
    if (sizes) {
        golden_int(where, "parameters_size.weights", got->weights,
                   json_object_get(sizes, "weights"));
        golden_int(where, "parameters_size.bias", got->biases, json_object_get(sizes, "bias"));
    }
    compare_modules(where, got, json_object_get(want, "modules"));
}

/* Runs one case; returns 1 if it passed. */
static int run_case(const json_t *golden_case)
{
    int failures_before = check_failures;
    const char *where = golden_case_name(golden_case);
    fcn_layer layer;
    char name[128];
    if (build_layer(golden_case, &layer, name, sizeof name) != 0)
        return 0;

    fcn_error err = {{0}};
    int valid = fcn_layer_check(&layer, &err) == 0;
    golden_record(valid, where, "fcn_layer_check", "rejected: %s", err.message);
    if (!valid)
        return 0;

    fcn_layer_figures figures;
    memset(&figures, 0, sizeof figures);
    fcn_layer_evaluate(&layer, &figures);
    compare_layer(where, &figures, json_object_get(golden_case, "expect"));
    return check_failures == failures_before;
}

int main(void)
{
    json_t *cases = golden_load_cases(LAYERS_PATH);
    CHECK(cases != NULL);
    if (!cases)
        return check_summary("test_golden_layers");
    CHECK_INT(json_array_size(cases), 320);

    size_t passed = 0;
    size_t index;
    json_t *golden_case;
    json_array_foreach(cases, index, golden_case)
        passed += (size_t)run_case(golden_case);
    printf("test_golden_layers: %zu of %zu cases pass\n", passed, json_array_size(cases));

    json_decref(cases);
    return golden_summary("test_golden_layers");
}
