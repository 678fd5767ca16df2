/*
 * Reading and writing configurations: round trips over every golden
 * configuration, and every way a file can be wrong, each with its message.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, for files the tests write */

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "config_compare.h"
#include "fpgaconvnet.h"

/* ----------------------------------------------------------- round trips */

/* The layer names of a written configuration, in order, against the golden chain (squeezes included). */
static void check_written_chain(const char *where, const char *text, const json_t *expect)
{
    json_t *doc = json_loads(text, 0, NULL);
    CHECK(doc != NULL);
    const json_t *partitions = json_object_get(doc, "partition");
    const json_t *want = json_object_get(expect, "partitions");
    CHECK_INT(json_array_size(partitions), json_array_size(want));
    for (size_t p = 0; p < json_array_size(partitions) && p < json_array_size(want); p++) {
        const json_t *layers = json_object_get(json_array_get(partitions, p), "layers");
        const json_t *names = json_object_get(json_array_get(want, p), "layers");
        int same = json_array_size(layers) == json_array_size(names);
        for (size_t i = 0; same && i < json_array_size(layers); i++)
            same = json_equal(json_object_get(json_array_get(layers, i), "name"), json_array_get(names, i));
        if (!same)
            fprintf(stderr, "%s: partition %zu: the written chain is not the golden one\n", where, p);
        CHECK(same);
    }
    json_decref(doc);
}

/* read -> write -> read gives the same network, and the written chain has the golden squeezes. */
static void round_trip(const char *where, const json_t *config, const json_t *expect)
{
    char *text = json_dumps(config, JSON_COMPACT);
    fcn_error err = {{0}};
    fcn_network *first = fcn_network_read_string(text, where, &err);
    free(text);
    if (!first)
        fprintf(stderr, "%s: %s\n", where, err.message);
    CHECK(first != NULL);
    if (!first)
        return;
    char *written = fcn_network_write_string(first, &err);
    CHECK(written != NULL);
    fcn_network *second = written ? fcn_network_read_string(written, "written", &err) : NULL;
    if (written && !second)
        fprintf(stderr, "%s: re-reading: %s\n", where, err.message);
    CHECK(second != NULL);
    if (second)
        CHECK(same_network(where, first, second));
    if (written && expect)
        check_written_chain(where, written, expect);

    /* Writing what was read back gives the same text: the form is stable. */
    char *again = second ? fcn_network_write_string(second, &err) : NULL;
    CHECK(again && written && strcmp(again, written) == 0);

    fcn_network *copy = fcn_network_clone(first);
    CHECK(copy && same_network(where, first, copy));
    fcn_network_free(copy);
    free(again);
    free(written);
    fcn_network_free(second);
    fcn_network_free(first);
}

static void round_trip_text(const char *where, const char *text)
{
    json_t *config = json_loads(text, 0, NULL);
    CHECK(config != NULL);
    round_trip(where, config, NULL);
    json_decref(config);
}

static void test_golden_round_trips(void)
{
    static const char *const models[] = {"alexnet", "lenet", "tinyvgg", "vgg11"};
    int cases = 0;
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
        char path[128];
        snprintf(path, sizeof path, "data/golden/%s.configs.json", models[m]);
        json_error_t jerr;
        json_t *golden = json_load_file(path, 0, &jerr);
        if (!golden)
            fprintf(stderr, "%s: %s\n", path, jerr.text);
        CHECK(golden != NULL);
        const json_t *list = json_object_get(golden, "cases");
        for (size_t i = 0; i < json_array_size(list); i++) {
            const json_t *c = json_array_get(list, i);
            char where[160];
            snprintf(where, sizeof where, "%s/%s", models[m], json_string_value(json_object_get(c, "name")));
            round_trip(where, json_object_get(c, "config"), json_object_get(c, "expect"));
            cases++;
        }
        json_decref(golden);
    }
    CHECK_INT(cases, 32);
}

/* A configuration without derived squeezes is written exactly as the reference writes it. */
static void test_default_configs_written_verbatim(void)
{
    static const char *const models[] = {"alexnet", "lenet", "tinyvgg", "vgg11"};
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
        char path[128];
        snprintf(path, sizeof path, "data/golden/%s.parse.json", models[m]);
        json_t *golden = json_load_file(path, 0, NULL);
        CHECK(golden != NULL);
        const json_t *config = json_object_get(golden, "default_config");
        char *text = json_dumps(config, 0);
        fcn_error err = {{0}};
        fcn_network *net = text ? fcn_network_read_string(text, path, &err) : NULL;
        if (!net)
            fprintf(stderr, "%s: %s\n", path, err.message);
        CHECK(net != NULL);
        char *written = net ? fcn_network_write_string(net, &err) : NULL;
        json_t *doc = written ? json_loads(written, 0, NULL) : NULL;
        if (!json_equal(doc, config))
            fprintf(stderr, "%s: written default_config differs from the golden one\n", path);
        CHECK(json_equal(doc, config));
        json_decref(doc);
        free(written);
        free(text);
        fcn_network_free(net);
        json_decref(golden);
    }
}

/* ------------------------------------------------------------- variants */

/* conv1 (8x8x4 -> 6x6x8) -> relu1 -> pool1 (-> 3x3x8) -> fc1 (-> 10); coarse 2 up to the pooling layer. */
static const char base_config[] =
    "{\"partition\": [{\"id\": 0, \"ports\": 1, \"batch_size\": 4, \"input_node\": \"conv1\","
    " \"output_node\": \"fc1\", \"weights_reloading_factor\": 1, \"weights_reloading_layer\": \"fc1\","
    " \"layers\": ["
    "{\"name\": \"conv1\", \"type\": \"CONVOLUTION\", \"node_in\": \"conv1\", \"node_out\": \"relu1\","
    " \"streams_in\": [{\"name\": \"in\", \"coarse\": 2}], \"streams_out\": [{\"name\": \"conv1_relu1\", \"coarse\": 2}],"
    " \"parameters\": {\"rows_in\": 8, \"cols_in\": 8, \"channels_in\": 4, \"rows_out\": 6, \"cols_out\": 6,"
    " \"channels_out\": 8, \"coarse_in\": 2, \"coarse_out\": 2, \"filters\": 8, \"kernel_size\": [3, 3],"
    " \"stride\": [1, 1], \"fine\": 3, \"has_bias\": 1},"
    " \"weights_path\": \"conv1.w\", \"bias_path\": \"conv1.b\"},"
    "{\"name\": \"relu1\", \"type\": \"RELU\", \"node_in\": \"conv1\", \"node_out\": \"pool1\","
    " \"streams_in\": [{\"name\": \"conv1_relu1\", \"coarse\": 2}],"
    " \"parameters\": {\"rows_in\": 6, \"cols_in\": 6, \"channels_in\": 8, \"coarse\": 2}},"
    "{\"name\": \"pool1\", \"type\": \"POOLING\", \"node_in\": \"relu1\", \"node_out\": \"fc1\","
    " \"parameters\": {\"rows_in\": 6, \"cols_in\": 6, \"channels_in\": 8, \"coarse_in\": 2, \"coarse_out\": 2,"
    " \"kernel_size\": [2, 2], \"stride\": [2, 2]}},"
    "{\"name\": \"fc1\", \"type\": \"INNER_PRODUCT\", \"node_in\": \"pool1\", \"node_out\": \"fc1\","
    " \"parameters\": {\"rows_in\": 3, \"cols_in\": 3, \"channels_in\": 8, \"channels_out\": 10}}"
    "]}]}";

static json_t *base(void)
{
    json_t *doc = json_loads(base_config, 0, NULL);
    CHECK(doc != NULL);
    return doc;
}

static json_t *partition0(json_t *doc)
{
    return json_array_get(json_object_get(doc, "partition"), 0);
}

static json_t *layer_of(json_t *doc, const char *name)
{
    json_t *layers = json_object_get(partition0(doc), "layers");
    for (size_t i = 0; i < json_array_size(layers); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(layers, i), "name")), name) == 0)
            return json_array_get(layers, i);
    return NULL;
}

static json_t *params_of(json_t *doc, const char *name)
{
    return json_object_get(layer_of(doc, name), "parameters");
}

/* Reads a document (and releases it); the network, or NULL with the message in err. */
static fcn_network *read_doc(json_t *doc, fcn_error *err)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    fcn_network *net = fcn_network_read_string(text, "t.json", err);
    free(text);
    return net;
}

/* The document must be rejected with a message containing `part`. */
static void expect_error(json_t *doc, const char *part)
{
    fcn_error err = {{0}};
    fcn_network *net = read_doc(doc, &err);
    CHECK(net == NULL);
    CHECK_MESSAGE(err.message, part);
    CHECK(strchr(err.message, '\n') == NULL);
    CHECK(strncmp(err.message, "t.json", 6) == 0);
    fcn_network_free(net);
}

static void expect_text_error(const char *text, const char *part)
{
    fcn_error err = {{0}};
    fcn_network *net = fcn_network_read_string(text, "t.json", &err);
    CHECK(net == NULL);
    CHECK_MESSAGE(err.message, part);
    fcn_network_free(net);
}

/* The document must read, to the same network as the base. */
static void expect_base(json_t *doc, const char *what)
{
    fcn_error err = {{0}};
    fcn_network *net = read_doc(doc, &err);
    fcn_network *want = read_doc(base(), &err);
    if (!net)
        fprintf(stderr, "%s: %s\n", what, err.message);
    CHECK(net != NULL && want != NULL);
    if (net && want)
        CHECK(same_network(what, want, net));
    fcn_network_free(net);
    fcn_network_free(want);
}

static json_t *with_param(const char *layer, const char *key, json_t *value)
{
    json_t *doc = base();
    json_object_set_new(params_of(doc, layer), key, value);
    return doc;
}

static json_t *without_param(const char *layer, const char *key)
{
    json_t *doc = base();
    json_object_del(params_of(doc, layer), key);
    return doc;
}

static json_t *with_field(const char *layer, const char *key, json_t *value)
{
    json_t *doc = base();
    json_object_set_new(layer_of(doc, layer), key, value);
    return doc;
}

static json_t *with_partition_field(const char *key, json_t *value)
{
    json_t *doc = base();
    json_object_set_new(partition0(doc), key, value);
    return doc;
}

static void test_base_reads(void)
{
    fcn_error err = {{0}};
    fcn_network *net = fcn_network_read_string(base_config, "t.json", &err);
    if (!net)
        fprintf(stderr, "base: %s\n", err.message);
    CHECK(net != NULL);
    if (!net)
        return;
    CHECK_INT(net->partition_count, 1);
    const fcn_partition *p = &net->partitions[0];
    CHECK_INT(p->batch_size, 4);
    CHECK(same_string(p->wr_layer, "fc1"));
    CHECK_INT(p->layer_count, 4);
    const fcn_layer *conv = &p->layers[0], *relu = &p->layers[1], *pool = &p->layers[2], *fc = &p->layers[3];
    CHECK_INT(conv->type, FCN_CONVOLUTION);
    CHECK_INT(conv->filters, 8);
    CHECK_INT(conv->kernel[0], 3);
    CHECK_INT(conv->fine, 3);
    CHECK_INT(conv->has_bias, 1);
    CHECK(same_string(conv->weights_path, "conv1.w"));
    CHECK(same_string(conv->bias_path, "conv1.b"));
    CHECK_INT(relu->coarse_in, 2);
    CHECK_INT(relu->coarse_out, 2);
    CHECK_INT(pool->coarse_in, 2);
    CHECK_INT(pool->stride[1], 2);
    CHECK_INT(fc->filters, 10);
    CHECK_INT(fc->coarse_in, 1);
    CHECK_INT(fc->data_width, 16);
    fcn_network_free(net);
    round_trip_text("base", base_config);
}

static void test_syntax_errors(void)
{
    expect_text_error("{\n  \"partition\": [\n    {,\n", "t.json:3:6: ");
    expect_text_error("", "t.json:");
    expect_text_error("{\"partition\": [], \"partition\": []}", "duplicate");

    fcn_error err = {{0}};
    CHECK(fcn_network_read("data/bad/syntax.json", &err) == NULL);
    CHECK_MESSAGE(err.message, "data/bad/syntax.json:4:");
    CHECK(fcn_network_read("data/bad/no_such_file.json", &err) == NULL);
    CHECK_MESSAGE(err.message, "data/bad/no_such_file.json: cannot open: No such file or directory");
    CHECK(fcn_network_read("data/bad", &err) == NULL);
    CHECK_MESSAGE(err.message, "data/bad: cannot read: Is a directory");
    CHECK(fcn_network_read_string("{\"partition\": [{\"layers\": [{\"name\": \"a\\nb\", \"type\": \"X\"}]}]}",
                                  "x", &err) == NULL);
    CHECK_MESSAGE(err.message, "x: partition 0, layer 'a\\x0Ab', field 'type': unknown layer type \"X\"");
    CHECK(fcn_network_read_string(NULL, "x", &err) == NULL);
    CHECK_MESSAGE(err.message, "x: no text to read");
}

static void test_document_shape(void)
{
    expect_text_error("[1, 2]", "t.json: missing \"partition\" array");
    expect_text_error("{\"partitions\": []}", "t.json: missing \"partition\" array");
    expect_text_error("{\"partition\": {}}", "t.json: \"partition\": expected an array, got an object");
    expect_text_error("{\"partition\": []}", "t.json: \"partition\" is empty");
    expect_text_error("{\"partition\": [7]}", "t.json: partition 0: expected an object, got 7");
    expect_text_error("{\"partition\": [{\"id\": 3}]}", "t.json: partition 3: missing \"layers\" array");
    expect_text_error("{\"partition\": [{\"id\": 3, \"layers\": []}]}", "t.json: partition 3: \"layers\" is empty");
    expect_text_error("{\"partition\": [{\"layers\": 5}]}", "partition 0, field 'layers': expected an array, got 5");
    expect_text_error("{\"partition\": [{\"layers\": [true]}]}", "partition 0, layer 0: expected an object, got true");

    json_t *doc = base();
    json_object_del(layer_of(doc, "relu1"), "name");
    expect_error(doc, "t.json: partition 0, layer 1: missing \"name\"");
    expect_error(with_field("relu1", "name", json_integer(5)), "layer 1, field 'name': expected a layer name, got 5");
    doc = base();
    json_object_del(layer_of(doc, "relu1"), "type");
    expect_error(doc, "t.json: partition 0, layer 'relu1': missing \"type\"");
    expect_error(with_field("relu1", "parameters", json_string("x")),
                 "layer 'relu1', field 'parameters': expected an object, got \"x\"");
    expect_error(with_field("conv1", "weights_path", json_integer(1)),
                 "layer 'conv1', field 'weights_path': expected a string, got 1");
    expect_error(with_partition_field("input_node", json_false()),
                 "t.json: partition 0, field 'input_node': expected a string, got false");
}

static void test_integer_spellings(void)
{
    expect_error(with_param("conv1", "coarse_in", json_string("abc")),
                 "t.json: partition 0, layer 'conv1', field 'coarse_in': expected an integer, got \"abc\"");
    expect_error(with_param("conv1", "coarse_in", json_real(1.5)),
                 "layer 'conv1', field 'coarse_in': expected an integer, got 1.5");
    expect_error(with_param("conv1", "coarse_in", json_true()), "field 'coarse_in': expected an integer, got true");
    expect_error(with_param("conv1", "coarse_in", json_object()),
                 "field 'coarse_in': expected an integer, got an object");
    expect_error(with_param("conv1", "rows_in", json_null()), "field 'rows_in': expected an integer, got null");
    expect_error(with_param("conv1", "rows_in", json_string(" 8")), "expected an integer, got \" 8\"");
    expect_error(with_param("conv1", "rows_in", json_string("8e0")), "expected an integer, got \"8e0\"");
    expect_error(with_param("conv1", "rows_in", json_string("")), "expected an integer, got \"\"");
    expect_error(with_param("conv1", "rows_in", json_string("99999999999999999999")),
                 "field 'rows_in': \"99999999999999999999\" is out of range");
    expect_error(with_param("conv1", "rows_in", json_real(1e30)), "field 'rows_in': 1e+30 is out of range");
    expect_error(with_param("conv1", "rows_in", json_integer(INT64_C(2147483648))),
                 "field 'rows_in': must be at most 2147483647, got 2147483648");
    expect_error(with_param("conv1", "kernel_size", json_integer(3)),
                 "field 'kernel_size': expected an array of 2 or 3 integers ([rows, cols] or [rows, cols, depth]), got 3");
    expect_error(with_param("conv1", "kernel_size", json_pack("[s,i]", "x", 3)),
                 "field 'kernel_size[0]': expected an integer, got \"x\"");
    expect_error(with_param("conv1", "has_bias", json_integer(2)), "field 'has_bias': must be at most 1, got 2");

    /* Accepted: integral reals, strings (as protobuf writes int64), signs. */
    expect_base(with_param("conv1", "rows_in", json_real(8.0)), "real 8.0");
    expect_base(with_param("conv1", "rows_in", json_string("+8")), "string +8");
    json_t *doc = base();
    json_t *layers = json_object_get(partition0(doc), "layers");
    size_t i;
    json_t *layer;
    json_array_foreach(layers, i, layer) {
        json_t *params = json_object_get(layer, "parameters");
        const char *key;
        json_t *value;
        json_object_foreach(params, key, value) {
            if (json_is_integer(value)) {
                char text[32];
                snprintf(text, sizeof text, "%lld", (long long)json_integer_value(value));
                json_object_set_new(params, key, json_string(text));
            } else if (json_is_array(value)) {
                json_t *pair = json_pack("[s,s]", "0", "0");
                for (size_t k = 0; k < 2; k++) {
                    char text[32];
                    snprintf(text, sizeof text, "%lld", (long long)json_integer_value(json_array_get(value, k)));
                    json_array_set_new(pair, k, json_string(text));
                }
                json_object_set_new(params, key, pair);
            }
        }
    }
    json_object_set_new(partition0(doc), "batch_size", json_string("4"));
    json_object_set_new(partition0(doc), "id", json_string("0"));
    expect_base(doc, "numbers as strings");
}

static void test_bounds(void)
{
    expect_error(with_param("conv1", "rows_in", json_integer(0)),
                 "layer 'conv1', field 'rows_in': must be at least 1, got 0");
    expect_error(with_param("relu1", "channels_in", json_integer(-8)),
                 "layer 'relu1', field 'channels_in': must be at least 1, got -8");
    expect_error(with_param("conv1", "pad_left", json_integer(-1)),
                 "layer 'conv1', field 'pad_left': must not be negative, got -1");
    expect_error(with_param("conv1", "stride", json_pack("[i,i]", 1, 0)),
                 "field 'stride[1]': must be at least 1, got 0");
    expect_error(with_param("conv1", "fine", json_integer(0)), "field 'fine': must be at least 1, got 0");
    expect_error(with_param("conv1", "weight_width", json_integer(0)), "field 'weight_width': must be at least 1");
    expect_error(with_param("pool1", "buffer_depth", json_integer(-1)), "field 'buffer_depth': must not be negative");
    expect_error(with_partition_field("batch_size", json_integer(0)),
                 "t.json: partition 0, field 'batch_size': must be at least 1, got 0");
    expect_error(with_partition_field("ports", json_string("two")),
                 "partition 0, field 'ports': expected an integer, got \"two\"");
    expect_error(with_partition_field("weights_reloading_factor", json_integer(0)),
                 "field 'weights_reloading_factor': must be at least 1, got 0");
    expect_error(with_partition_field("id", json_integer(-2)), "partition 0, field 'id': must not be negative, got -2");
}

static void test_required_fields(void)
{
    expect_error(without_param("conv1", "rows_in"), "layer 'conv1': missing required parameter \"rows_in\"");
    expect_error(without_param("relu1", "channels_in"), "layer 'relu1': missing required parameter \"channels_in\"");
    expect_error(without_param("conv1", "kernel_size"), "layer 'conv1': missing required parameter \"kernel_size\"");
    expect_error(without_param("pool1", "kernel_size"), "layer 'pool1': missing required parameter \"kernel_size\"");
    json_t *doc = without_param("fc1", "channels_out");
    expect_error(doc, "layer 'fc1': missing required parameter \"filters\"");
    /* filters alone, or both in agreement, will do; disagreeing, not. */
    doc = without_param("fc1", "channels_out");
    json_object_set_new(params_of(doc, "fc1"), "filters", json_integer(10));
    expect_base(doc, "filters without channels_out");
    expect_base(with_param("fc1", "filters", json_integer(10)), "filters and channels_out");
    expect_error(with_param("conv1", "filters", json_integer(16)),
                 "layer 'conv1': filters 16 and channels_out 8 disagree");
    /* INNER_PRODUCT has no kernel: one given is ignored. */
    expect_base(with_param("fc1", "kernel_size", json_pack("[i,i]", 5, 5)), "fc kernel ignored");
}

static void test_layer_types(void)
{
    expect_error(with_field("relu1", "type", json_string("FOO")),
                 "t.json: partition 0, layer 'relu1', field 'type': unknown layer type \"FOO\"");
    expect_error(with_field("relu1", "type", json_string("relu")), "unknown layer type \"relu\"");
    expect_error(with_field("relu1", "type", json_integer(26)), "layer 'relu1', field 'type': unknown layer type 26");
    expect_error(with_field("relu1", "type", json_integer(-1)), "unknown layer type -1");
    expect_error(with_field("relu1", "type", json_string("18")), "unknown layer type 18");
    expect_error(with_field("relu1", "type", json_real(2.5)), "field 'type': expected an integer, got 2.5");
    expect_error(with_field("relu1", "type", json_string("CONCAT")),
                 "layer 'relu1': missing required parameter \"channels_in_array\" (a CONCAT's input channels)");
    expect_error(with_param("relu1", "ports_out", json_integer(2)),
                 "layer 'relu1': ports_out 2 is outside 1..1");
    json_t *split = with_field("relu1", "type", json_integer(7));
    json_object_set_new(json_object_get(layer_of(split, "relu1"), "parameters"), "ports_out", json_integer(2));
    expect_error(split, "partition 0, layer 'relu1': a SPLIT with 2 output ports has 1 consumers");
    /* Enum numbers, as numbers or strings. */
    json_t *doc = base();
    json_object_set_new(layer_of(doc, "conv1"), "type", json_integer(0));
    json_object_set_new(layer_of(doc, "relu1"), "type", json_string("2"));
    json_object_set_new(layer_of(doc, "pool1"), "type", json_integer(1));
    json_object_set_new(layer_of(doc, "fc1"), "type", json_real(4.0));
    expect_base(doc, "enum numbers");
}

static void test_coarse_factors(void)
{
    /* From fcn_layer_check, through fcn_network_check: the layer is named. */
    /* (streams_in would disagree first) */
    expect_error(with_param("conv1", "coarse_in", json_integer(3)), "layer 'conv1': streams_in coarse 2");
    json_t *doc = with_param("conv1", "coarse_in", json_integer(3));
    json_object_del(layer_of(doc, "conv1"), "streams_in");
    expect_error(doc, "t.json: partition 0, layer 'conv1': coarse_in 3 does not divide channels_in 4");

    /* One coarse factor for POOLING, RELU, BATCH_NORM. */
    expect_error(with_param("relu1", "coarse_in", json_integer(4)), "layer 'relu1': coarse_in 4 disagrees with coarse 2");
    expect_error(with_param("relu1", "coarse_out", json_integer(1)), "layer 'relu1': coarse_out 1 disagrees with coarse 2");
    expect_error(with_param("pool1", "coarse_out", json_integer(4)),
                 "layer 'pool1': coarse_in 2 and coarse_out 4 differ; a POOLING layer has one coarse factor");
    doc = without_param("pool1", "coarse_out");
    expect_base(doc, "coarse_in alone");
    doc = without_param("pool1", "coarse_in");
    json_object_del(params_of(doc, "pool1"), "coarse_out");
    json_object_set_new(params_of(doc, "pool1"), "coarse", json_string("2"));
    expect_base(doc, "coarse alone");

    /* Stream entries must agree with the parameters. */
    doc = base();
    json_object_set_new(json_array_get(json_object_get(layer_of(doc, "conv1"), "streams_out"), 0), "coarse",
                        json_integer(4));
    expect_error(doc, "t.json: partition 0, layer 'conv1': streams_out coarse 4 disagrees with coarse_out 2");
    doc = base();
    json_object_set_new(json_array_get(json_object_get(layer_of(doc, "relu1"), "streams_in"), 0), "coarse",
                        json_integer(1));
    expect_error(doc, "layer 'relu1': streams_in coarse 1 disagrees with coarse_in 2");
    doc = base();
    json_object_set_new(json_array_get(json_object_get(layer_of(doc, "relu1"), "streams_in"), 0), "coarse",
                        json_string("x"));
    expect_error(doc, "layer 'relu1', field 'streams_in[0].coarse': expected an integer, got \"x\"");
    expect_error(with_field("relu1", "streams_in", json_integer(1)),
                 "layer 'relu1', field 'streams_in': expected an array of streams, got 1");
    expect_base(with_field("relu1", "streams_in", json_array()), "empty streams");
}

static void test_chain(void)
{
    expect_error(with_field("relu1", "node_in", json_string("pool1")),
                 "t.json: partition 0: layer 'relu1' reads 'pool1', which is listed after it (layers must be in "
                 "data-flow order; a cycle cannot be modelled)");
    expect_error(with_field("conv1", "node_out", json_string("pool1")),
                 "broken link: layer 'conv1' has node_out 'pool1', which does not read it");
    expect_error(with_field("relu1", "node_in", json_string("fc9")),
                 "layer 'relu1' has node_in 'fc9', which is no layer of this or an earlier partition");
    /* The partition's ends may name anything; a missing node is taken from the file's order. */
    expect_base(with_field("conv1", "node_in", json_string("input")), "first node_in");
    expect_base(with_field("fc1", "node_out", json_string("output")), "last node_out");
    json_t *doc = base();
    json_object_del(layer_of(doc, "relu1"), "node_in");
    json_object_del(layer_of(doc, "relu1"), "node_out");
    expect_base(doc, "no nodes");
    /* Newer files give node lists. */
    expect_base(with_field("relu1", "node_in", json_pack("[s]", "conv1")), "node list");
    expect_error(with_field("relu1", "node_in", json_pack("[s,s]", "conv1", "pool1")),
                 "layer 'relu1': a RELU layer has one input, but node_in names 2");
    expect_error(with_field("relu1", "node_in", json_pack("[i]", 4)), "field 'node_in[0]': expected a layer name, got 4");
    expect_error(with_field("relu1", "node_out", json_real(0.5)), "field 'node_out': expected a string, got 0.5");
    /* Dimensions that do not follow from the previous layer (fcn_network_check). */
    doc = with_param("relu1", "rows_in", json_integer(5));
    json_object_set_new(params_of(doc, "pool1"), "rows_in", json_integer(5));
    expect_error(doc, "t.json: partition 0, layer 'relu1': input 5x6x8 does not match the output 6x6x8 of 'conv1'");
}

static void test_declared_outputs(void)
{
    expect_error(with_param("conv1", "rows_out", json_integer(7)),
                 "t.json: partition 0, layer 'conv1', field 'rows_out': declared 7, but the layer computes 6");
    expect_error(with_param("pool1", "cols_out", json_integer(4)),
                 "layer 'pool1', field 'cols_out': declared 4, but the layer computes 3");
    expect_error(with_param("relu1", "channels_out", json_integer(4)),
                 "layer 'relu1', field 'channels_out': declared 4, but the layer computes 8");
    expect_base(with_param("relu1", "channels_out", json_integer(8)), "right declared output");
}

static void test_names_and_weights_reloading(void)
{
    expect_error(with_field("pool1", "name", json_string("relu1")), "t.json: partition 0: duplicate layer name 'relu1'");
    expect_error(with_partition_field("weights_reloading_layer", json_string("nope")),
                 "t.json: weights reloading layer 'nope' is not in partition 0");
    json_t *doc = with_partition_field("weights_reloading_layer", json_string("nope"));
    json_object_set_new(partition0(doc), "id", json_integer(3));
    expect_error(doc, "t.json: weights reloading layer 'nope' is not in partition 3");
    /* "None", null or missing: no weights reloading layer. */
    fcn_error err = {{0}};
    fcn_network *net = read_doc(with_partition_field("weights_reloading_layer", json_string("None")), &err);
    CHECK(net && net->partitions[0].wr_layer == NULL);
    fcn_network_free(net);
    doc = base();
    json_object_del(partition0(doc), "weights_reloading_layer");
    net = read_doc(doc, &err);
    CHECK(net && net->partitions[0].wr_layer == NULL);
    fcn_network_free(net);

    /* Across partitions. */
    doc = base();
    json_t *list = json_object_get(doc, "partition");
    json_t *second = json_deep_copy(partition0(doc));
    json_object_set_new(second, "id", json_integer(1));
    json_array_append_new(list, second);
    expect_error(doc, "t.json: partition 1: duplicate layer name 'conv1' (also in partition 0)");
}

/* A squeeze layer in the file is auxiliary: the network is the same with or without it. */
static void test_squeeze_layers(void)
{
    json_t *doc = base();
    json_t *layers = json_object_get(partition0(doc), "layers");
    json_t *squeeze = json_pack("{s:s, s:s, s:s, s:s, s:{s:i, s:i, s:i, s:i, s:i}}", "name", "pool1_squeeze_fc1",
                                "type", "SQUEEZE", "node_in", "pool1", "node_out", "fc1", "parameters", "rows_in", 3,
                                "cols_in", 3, "channels_in", 8, "coarse_in", 2, "coarse_out", 1);
    json_array_insert_new(layers, 3, squeeze);
    json_object_set_new(layer_of(doc, "pool1"), "node_out", json_string("pool1_squeeze_fc1"));
    json_object_set_new(layer_of(doc, "fc1"), "node_in", json_string("pool1_squeeze_fc1"));
    json_t *copy = json_deep_copy(doc);
    expect_base(doc, "squeeze in the file");

    /* The squeeze is gone: naming it as the weights reloading layer is an error. */
    json_object_set_new(partition0(copy), "weights_reloading_layer", json_string("pool1_squeeze_fc1"));
    expect_error(copy, "weights reloading layer 'pool1_squeeze_fc1' is not in partition 0");

    doc = base();
    layers = json_object_get(partition0(doc), "layers");
    json_array_insert_new(layers, 0, json_pack("{s:s, s:i, s:{s:i, s:i, s:i}}", "name", "sq", "type", 3,
                                               "parameters", "rows_in", 8, "cols_in", 8, "channels_in", 4));
    json_array_append_new(layers, json_pack("{s:s, s:s, s:{s:i, s:i, s:i}}", "name", "sq2", "type", "SQUEEZE",
                                            "parameters", "rows_in", 1, "cols_in", 1, "channels_in", 10));
    expect_base(doc, "squeezes at the ends");

    /* Nothing is required of a squeeze, but what it gives must be well formed. */
    doc = base();
    layers = json_object_get(partition0(doc), "layers");
    json_array_insert_new(layers, 1, json_pack("{s:s, s:s}", "name", "sq", "type", "SQUEEZE"));
    expect_base(doc, "bare squeeze");
    doc = base();
    layers = json_object_get(partition0(doc), "layers");
    json_array_insert_new(layers, 1, json_pack("{s:s, s:s, s:{s:s}}", "name", "sq", "type", "SQUEEZE",
                                               "parameters", "coarse_in", "two"));
    expect_error(doc, "layer 'sq', field 'coarse_in': expected an integer, got \"two\"");

    doc = base();
    layers = json_object_get(partition0(doc), "layers");
    json_array_clear(layers);
    json_array_append_new(layers, json_pack("{s:s, s:s, s:{s:i, s:i, s:i}}", "name", "sq", "type", "SQUEEZE",
                                            "parameters", "rows_in", 1, "cols_in", 1, "channels_in", 10));
    expect_error(doc, "t.json: partition 0: has no layers besides squeeze layers");

    /* Written files carry the derived squeezes, and read back to the same network. */
    fcn_error err = {{0}};
    fcn_network *net = fcn_network_read_string(base_config, "t.json", &err);
    char *text = net ? fcn_network_write_string(net, &err) : NULL;
    CHECK(text != NULL);
    if (text) {
        CHECK_MESSAGE(text, "\"name\": \"pool1_squeeze_fc1\"");
        CHECK_MESSAGE(text, "\"type\": \"SQUEEZE\"");
        CHECK_MESSAGE(text, "\"name\": \"pool1_pool1_squeeze_fc1\"");
    }
    free(text);
    fcn_network_free(net);
}

/* Everything a file may leave out takes MODEL.md's default. */
static void test_defaults(void)
{
    const char *minimal =
        "{\"partition\": [{\"layers\": ["
        "{\"name\": \"c\", \"type\": \"CONVOLUTION\", \"parameters\": {\"rows_in\": \"5\", \"cols_in\": 5,"
        " \"channels_in\": 2, \"channels_out\": 3, \"kernel_size\": [3, 3]}},"
        "{\"name\": \"b\", \"type\": \"BATCH_NORM\", \"parameters\": {\"rows_in\": 3, \"cols_in\": 3,"
        " \"channels_in\": 3, \"unknown_field\": {\"x\": 1}}, \"future_field\": [1]}"
        "]}], \"version\": 2}";
    fcn_error err = {{0}};
    fcn_network *net = fcn_network_read_string(minimal, "min.json", &err);
    if (!net)
        fprintf(stderr, "minimal: %s\n", err.message);
    CHECK(net != NULL);
    if (!net)
        return;
    const fcn_partition *p = &net->partitions[0];
    CHECK_INT(p->id, 0);
    CHECK_INT(p->ports, 1);
    CHECK_INT(p->batch_size, 1);
    CHECK_INT(p->wr_factor, 1);
    CHECK(p->wr_layer == NULL);
    CHECK(same_string(p->input_node, "c"));
    CHECK(same_string(p->output_node, "b"));
    fcn_layer want;
    fcn_layer_init(&want, FCN_CONVOLUTION);
    want.name = "c";
    want.rows = want.cols = 5;
    want.channels = 2;
    want.filters = 3;
    want.kernel[0] = want.kernel[1] = 3;
    CHECK(same_layer("minimal", &want, &p->layers[0]));
    fcn_layer_init(&want, FCN_BATCH_NORM);
    want.name = "b";
    want.rows = want.cols = want.channels = 3;
    CHECK(same_layer("minimal", &want, &p->layers[1]));
    round_trip_text("minimal", minimal);
    fcn_network_free(net);
}

/* ---------------------------------------------------------------- writing */

static char *temp_path(void)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/fcn_test_config_XXXXXX");
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    return path;
}

static void test_write_file(void)
{
    fcn_error err = {{0}};
    fcn_network *net = fcn_network_read_string(base_config, "t.json", &err);
    CHECK(net != NULL);
    const char *path = temp_path();
    CHECK(fcn_network_write(net, path, &err) == 0);
    fcn_network *back = fcn_network_read(path, &err);
    CHECK(back && same_network("file", net, back));
    fcn_network_free(back);
    remove(path);

    CHECK(fcn_network_write(net, "/nonexistent-dir/x.json", &err) == -1);
    CHECK_MESSAGE(err.message, "/nonexistent-dir/x.json: cannot open for writing: No such file or directory");

    /* An invalid network is not written. */
    net->partitions[0].layers[0].coarse_in = 3;
    CHECK(fcn_network_write_string(net, &err) == NULL);
    CHECK_MESSAGE(err.message, "cannot write an invalid configuration: partition 0, layer 'conv1'");
    CHECK(fcn_network_write(net, path, &err) == -1);
    CHECK_MESSAGE(err.message, path);
    CHECK(fcn_network_write_string(NULL, &err) == NULL);
    CHECK_MESSAGE(err.message, "no network to write");
    CHECK(fcn_network_write(net, NULL, &err) == -1);
    fcn_network_free(net);

    fcn_network_free(NULL);
    CHECK(fcn_network_clone(NULL) == NULL);
    CHECK(fcn_network_read(NULL, &err) == NULL);
    CHECK(fcn_network_read_string("{", "x", NULL) == NULL); /* err may be NULL */
}

/* The key order of a written layer is the reference's. */
static void test_written_form(void)
{
    fcn_error err = {{0}};
    fcn_network *net = fcn_network_read_string(base_config, "t.json", &err);
    char *text = net ? fcn_network_write_string(net, &err) : NULL;
    CHECK(text != NULL);
    if (text) {
        const char *keys[] = {"\"id\": 0", "\"ports\": 1", "\"batch_size\": 4", "\"input_node\": \"conv1\"",
                              "\"output_node\": \"fc1\"", "\"weights_reloading_factor\": 1",
                              "\"weights_reloading_layer\": \"fc1\"", "\"layers\"", "\"name\": \"conv1\"",
                              "\"type\": \"CONVOLUTION\"", "\"node_in\": \"conv1\"", "\"node_out\": \"relu1\"",
                              "\"streams_in\"", "\"name\": \"in\"", "\"streams_out\"", "\"parameters\"",
                              "\"buffer_depth\": 0", "\"batch_size\": 4", "\"rows_in\": 8", "\"rows_out\": 6",
                              "\"coarse_in\": 2", "\"coarse_out\": 2", "\"coarse_group\": 1", "\"groups\": 1",
                              "\"fine\": 3", "\"filters\": 8", "\"pad_top\": 0", "\"pad_right\": 0",
                              "\"pad_left\": 0", "\"pad_bottom\": 0", "\"kernel_size\"", "\"stride\"",
                              "\"data_width\": 16", "\"weight_width\": 16", "\"acc_width\": 16",
                              "\"input_width\": 16", "\"output_width\": 16", "\"has_bias\": 1",
                              "\"biases_width\": 16", "\"weights_path\": \"conv1.w\"", "\"bias_path\": \"conv1.b\"",
                              "\"name\": \"relu1\""};
        const char *at = text;
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            const char *found = strstr(at, keys[i]);
            if (!found)
                fprintf(stderr, "written form: %s missing or out of order\n", keys[i]);
            CHECK(found != NULL);
            if (found)
                at = found;
        }
        CHECK(strstr(text, "\n  \"partition\": [\n") != NULL); /* indent 2 */
        CHECK(strstr(text, "\"name\": \"out\"") != NULL);
    }
    free(text);
    fcn_network_free(net);
}

int main(void)
{
    test_golden_round_trips();
    test_default_configs_written_verbatim();
    test_base_reads();
    test_syntax_errors();
    test_document_shape();
    test_integer_spellings();
    test_bounds();
    test_required_fields();
    test_layer_types();
    test_coarse_factors();
    test_chain();
    test_declared_outputs();
    test_names_and_weights_reloading();
    test_squeeze_layers();
    test_defaults();
    test_write_file();
    test_written_form();
    return check_summary("test_config");
}
