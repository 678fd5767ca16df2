/*
 * The 3-D fields of the configuration (docs/CONFIG.md "3-D layers", issue 15), in both forms:
 *  - a file in the newest upstream form, as upstream's 3-D layers write it (depth_in, depth_out,
 *    kernel_size and stride [rows, cols, depth], kernel_depth, stride_depth, pad_front, pad_back),
 *    reads to the layers it describes, as does its 0.1.1 twin (the same names, this project's
 *    extension);
 *  - both forms round-trip a 3-D network; the 0.1.1 form writes each 3-D field only where it is not
 *    its default, the newest form all of them on every layer of a 3-D network; a 2-D network's files
 *    carry none of them;
 *  - every bad value (depth 0, a negative pad, a 4-element kernel_size, a kernel_depth that
 *    disagrees with kernel_size, a wrong depth_out) gives one line naming file, partition, layer and
 *    field, in both forms.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config_compare.h"
#include "fpgaconvnet.h"

/*
 * A small C3D-style chain over a clip of 8 frames of 10x10 (rows x cols x depth x channels):
 * c: 3x3x3 convolution, stride 1x1x2 (rows, cols, depth), padded 1 (front 1, back 0):
 *    10x10x8x2 -> 10x10x4x4 (depth (8 + 1 + 0 - 3) / 2 + 1 = 4);
 * r: ReLU over 10x10x4x4;
 * p: 2x2x2 max pool, stride 2: -> 5x5x2x4;
 * f: inner product of the 5x5x2x4 clip -> 6.
 */
static const char clip_0_1_1[] =
    "{\"partition\": [{\"id\": 0, \"ports\": 1, \"batch_size\": 1, \"input_node\": \"c\", \"output_node\": \"f\","
    " \"weights_reloading_factor\": 1, \"weights_reloading_layer\": \"None\", \"layers\": ["
    "{\"name\": \"c\", \"type\": \"CONVOLUTION\", \"node_in\": \"c\", \"node_out\": \"r\", \"parameters\": {"
    " \"rows_in\": 10, \"cols_in\": 10, \"depth_in\": 8, \"channels_in\": 2, \"filters\": 4,"
    " \"kernel_size\": [3, 3], \"kernel_depth\": 3, \"stride\": [1, 1], \"stride_depth\": 2, \"pad_top\": 1,"
    " \"pad_right\": 1, \"pad_bottom\": 1, \"pad_left\": 1, \"pad_front\": 1, \"pad_back\": 0}},"
    "{\"name\": \"r\", \"type\": \"RELU\", \"node_in\": \"c\", \"node_out\": \"p\", \"parameters\": {"
    " \"rows_in\": 10, \"cols_in\": 10, \"depth_in\": 4, \"channels_in\": 4}},"
    "{\"name\": \"p\", \"type\": \"POOLING\", \"node_in\": \"r\", \"node_out\": \"f\", \"parameters\": {"
    " \"rows_in\": 10, \"cols_in\": 10, \"depth_in\": 4, \"channels_in\": 4, \"kernel_size\": [2, 2],"
    " \"stride\": [2, 2], \"kernel_depth\": 2, \"stride_depth\": 2}},"
    "{\"name\": \"f\", \"type\": \"INNER_PRODUCT\", \"node_in\": \"p\", \"node_out\": \"f\", \"parameters\": {"
    " \"rows_in\": 5, \"cols_in\": 5, \"depth_in\": 2, \"channels_in\": 4, \"filters\": 6}}]}]}";

/* The same chain as upstream's 3-D layers write it (lists as [rows, cols, depth], every field on every layer). */
static const char clip_newest[] =
    "{\"partition\": [{\"id\": 0, \"ports\": 1, \"batch_size\": 1, \"input_nodes\": [\"c\"], \"output_nodes\": [\"f\"],"
    " \"weights_reloading_factor\": 1, \"weights_reloading_layer\": \"None\", \"layers\": ["
    "{\"name\": \"c\", \"onnx_node\": \"c\", \"type\": 0, \"op_type\": \"dense\","
    " \"streams_in\": [{\"name\": \"in\", \"coarse\": 1, \"node\": \"c\"}], \"streams_out\": [{\"node\": \"r\"}],"
    " \"parameters\": {\"rows_in\": 10, \"cols_in\": 10, \"depth_in\": 8, \"channels_in\": 2, \"rows_out\": 10,"
    " \"cols_out\": 10, \"depth_out\": 4, \"channels_out\": 4, \"filters\": 4, \"kernel_size\": [3, 3, 3],"
    " \"kernel_rows\": 3, \"kernel_cols\": 3, \"kernel_depth\": 3, \"stride\": [1, 1, 2], \"stride_rows\": 1,"
    " \"stride_cols\": 1, \"stride_depth\": 2, \"pad_top\": 1, \"pad_right\": 1, \"pad_front\": 1,"
    " \"pad_bottom\": 1, \"pad_left\": 1, \"pad_back\": 0}},"
    "{\"name\": \"r\", \"type\": 11, \"streams_in\": [{\"node\": \"c\"}], \"streams_out\": [{\"node\": \"p\"}],"
    " \"parameters\": {\"rows_in\": 10, \"cols_in\": 10, \"depth_in\": 4, \"channels_in\": 4, \"depth_out\": 4}},"
    "{\"name\": \"p\", \"type\": 1, \"op_type\": \"max\", \"streams_in\": [{\"node\": \"r\"}],"
    " \"streams_out\": [{\"node\": \"f\"}], \"parameters\": {\"rows_in\": 10, \"cols_in\": 10, \"depth_in\": 4,"
    " \"channels_in\": 4, \"depth_out\": 2, \"kernel_size\": [2, 2, 2], \"stride\": [2, 2, 2], \"pad_front\": 0,"
    " \"pad_back\": 0}},"
    "{\"name\": \"f\", \"type\": 4, \"streams_in\": [{\"node\": \"p\"}], \"streams_out\": [{\"node\": \"f\"}],"
    " \"parameters\": {\"rows_in\": 5, \"cols_in\": 5, \"depth_in\": 2, \"channels_in\": 4, \"depth_out\": 1,"
    " \"filters\": 6}}]}]}";

static const char *const forms[2] = {clip_0_1_1, clip_newest};
static const char *const form_names[2] = {"0.1.1", "newest"};

static fcn_network *read_text(const char *text, const char *where)
{
    fcn_error err = {{0}};
    fcn_network *net = fcn_network_read_string(text, "t.json", &err);
    if (!net)
        fprintf(stderr, "%s: %s\n", where, err.message);
    CHECK(net != NULL);
    return net;
}

/* The chain's 3-D fields as the header comment gives them. */
static void check_clip(const fcn_network *net)
{
    const fcn_layer *l = net->partitions[0].layers;
    CHECK_INT(net->partitions[0].layer_count, 4);
    CHECK_INT(l[0].depth, 8);
    CHECK_INT(l[0].kernel[0], 3);
    CHECK_INT(l[0].kernel_depth, 3);
    CHECK_INT(l[0].stride[0], 1);
    CHECK_INT(l[0].stride_depth, 2);
    CHECK_INT(l[0].pad_front, 1);
    CHECK_INT(l[0].pad_back, 0);
    CHECK_INT(l[0].dilation_depth, 1);
    CHECK_INT(l[1].depth, 4);
    CHECK_INT(l[2].depth, 4);
    CHECK_INT(l[2].kernel_depth, 2);
    CHECK_INT(l[2].stride_depth, 2);
    CHECK_INT(l[3].depth, 2);
    fcn_layer_figures f;
    fcn_layer_evaluate(&l[0], &f);
    CHECK_INT(f.depth_out, 4); /* (8 + 1 + 0 - 3) / 2 + 1 */
    fcn_layer_evaluate(&l[2], &f);
    CHECK_INT(f.depth_out, 2);
    CHECK_INT(f.rows_out, 5);
}

static void test_both_forms_read(void)
{
    fcn_network *net[2];
    for (int i = 0; i < 2; i++) {
        net[i] = read_text(forms[i], form_names[i]);
        if (net[i])
            check_clip(net[i]);
    }
    if (net[0] && net[1])
        CHECK(same_network("the 0.1.1 and newest clips", net[0], net[1]));
    fcn_network_free(net[0]);
    fcn_network_free(net[1]);
}

/* Whether the written parameters of LAYER have KEY. */
static int written_has(const json_t *doc, const char *layer, const char *key)
{
    const json_t *layers = json_object_get(json_array_get(json_object_get(doc, "partition"), 0), "layers");
    for (size_t i = 0; i < json_array_size(layers); i++) {
        const json_t *l = json_array_get(layers, i);
        if (strcmp(json_string_value(json_object_get(l, "name")), layer) == 0)
            return json_object_get(json_object_get(l, "parameters"), key) != NULL;
    }
    return 0;
}

static const json_t *written_param(const json_t *doc, const char *layer, const char *key)
{
    const json_t *layers = json_object_get(json_array_get(json_object_get(doc, "partition"), 0), "layers");
    for (size_t i = 0; i < json_array_size(layers); i++) {
        const json_t *l = json_array_get(layers, i);
        if (strcmp(json_string_value(json_object_get(l, "name")), layer) == 0)
            return json_object_get(json_object_get(l, "parameters"), key);
    }
    return NULL;
}

/* Written in FORMAT and read back: the same network; the parsed document in *doc. */
static void round_trip(const fcn_network *net, fcn_config_format format, json_t **doc)
{
    fcn_error err = {{0}};
    char *text = fcn_network_write_string_format(net, format, &err);
    CHECK(text != NULL);
    *doc = text ? json_loads(text, 0, NULL) : NULL;
    fcn_network *back = text ? fcn_network_read_string(text, "written.json", &err) : NULL;
    if (text && !back)
        fprintf(stderr, "round trip: %s\n", err.message);
    CHECK(back != NULL);
    if (back)
        CHECK(same_network("written and read back", net, back));
    fcn_network_free(back);
    free(text);
}

static void test_round_trips(void)
{
    fcn_network *net = read_text(clip_0_1_1, "0.1.1");
    if (!net)
        return;
    json_t *doc = NULL;
    /* 0.1.1: each field where it is not its default. */
    round_trip(net, FCN_CONFIG_0_1_1, &doc);
    CHECK(written_has(doc, "c", "depth_in") && written_has(doc, "c", "kernel_depth"));
    CHECK(written_has(doc, "c", "stride_depth") && written_has(doc, "c", "pad_front"));
    CHECK(!written_has(doc, "c", "pad_back")); /* 0 */
    CHECK(!written_has(doc, "c", "dilation_depth")); /* 1 */
    CHECK(!written_has(doc, "p", "pad_front"));
    CHECK_INT(json_array_size(written_param(doc, "c", "kernel_size")), 2);
    CHECK_INT(json_integer_value(written_param(doc, "c", "depth_out")), 4);
    CHECK_INT(json_integer_value(written_param(doc, "f", "depth_in")), 2);
    CHECK(!written_has(doc, "f", "depth_out") || json_integer_value(written_param(doc, "f", "depth_out")) == 1);
    json_decref(doc);
    /* The newest form: every layer's depth, the lists [rows, cols, depth], every window field. */
    round_trip(net, FCN_CONFIG_NEWEST, &doc);
    const json_t *kernel = written_param(doc, "c", "kernel_size"), *stride = written_param(doc, "c", "stride");
    CHECK_INT(json_array_size(kernel), 3);
    CHECK_INT(json_integer_value(json_array_get(kernel, 2)), 3);
    CHECK_INT(json_integer_value(json_array_get(stride, 2)), 2);
    CHECK(written_has(doc, "p", "pad_back") && written_has(doc, "p", "kernel_depth"));
    CHECK_INT(json_integer_value(written_param(doc, "f", "depth_out")), 1);
    CHECK_INT(json_integer_value(written_param(doc, "r", "depth_in")), 4);
    json_decref(doc);

    /* A dilation over depth is this project's field, in both forms. */
    net->partitions[0].layers[0].dilation_depth = 2; /* extent 5: (8 + 1 - 5) / 2 + 1 = 3 frames */
    net->partitions[0].layers[1].depth = net->partitions[0].layers[2].depth = 3;
    net->partitions[0].layers[2].kernel_depth = 3;
    net->partitions[0].layers[2].stride_depth = 1;
    net->partitions[0].layers[3].depth = 1;
    for (int format = 0; format < 2; format++) {
        round_trip(net, format ? FCN_CONFIG_NEWEST : FCN_CONFIG_0_1_1, &doc);
        CHECK_INT(json_integer_value(written_param(doc, "c", "dilation_depth")), 2);
        json_decref(doc);
    }
    fcn_network_free(net);
}

/* A 2-D network's files carry no 3-D field in either form (every such file is written as before). */
static void test_2d_files_unchanged(void)
{
    static const char *const keys[] = {"depth_in", "depth_out", "kernel_depth", "stride_depth", "pad_front",
                                       "pad_back", "dilation_depth"};
    fcn_error err = {{0}};
    fcn_network *net = fcn_network_read("../examples/resnet18_zc706.json", &err);
    CHECK(net != NULL);
    for (int format = 0; net && format < 2; format++) {
        char *text = fcn_network_write_string_format(net, format ? FCN_CONFIG_NEWEST : FCN_CONFIG_0_1_1, &err);
        CHECK(text != NULL);
        for (size_t k = 0; text && k < sizeof keys / sizeof keys[0]; k++) {
            char quoted[40];
            snprintf(quoted, sizeof quoted, "\"%s\"", keys[k]);
            CHECK(strstr(text, quoted) == NULL);
        }
        free(text);
    }
    fcn_network_free(net);
}

/* ------------------------------------------------------------------ errors */

/* FORM's clip with LAYER's parameter KEY set to VALUE (or removed, VALUE NULL), as text. */
static char *edited(int form, const char *layer, const char *key, json_t *value)
{
    json_t *doc = json_loads(forms[form], 0, NULL);
    CHECK(doc != NULL);
    json_t *layers = json_object_get(json_array_get(json_object_get(doc, "partition"), 0), "layers");
    for (size_t i = 0; i < json_array_size(layers); i++) {
        json_t *l = json_array_get(layers, i);
        json_t *params = json_object_get(l, "parameters");
        if (strcmp(json_string_value(json_object_get(l, "name")), layer) != 0)
            continue;
        if (value)
            json_object_set_new(params, key, value);
        else
            json_object_del(params, key);
    }
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return text;
}

/* In both forms, the edit gives exactly MESSAGE, on one line. */
static void expect_both(const char *layer, const char *key, json_t *value, const char *message)
{
    for (int form = 0; form < 2; form++) {
        char *text = edited(form, layer, key, json_deep_copy(value));
        fcn_error err = {{0}};
        fcn_network *net = text ? fcn_network_read_string(text, "t.json", &err) : NULL;
        CHECK(net == NULL);
        if (strcmp(err.message, message) != 0)
            fprintf(stderr, "%s form: got '%s'\n  expected '%s'\n", form_names[form], err.message, message);
        CHECK(strcmp(err.message, message) == 0);
        CHECK(strchr(err.message, '\n') == NULL);
        fcn_network_free(net);
        free(text);
    }
    json_decref(value);
}

static void test_errors(void)
{
    expect_both("c", "depth_in", json_integer(0),
                "t.json: partition 0, layer 'c', field 'depth_in': must be at least 1, got 0");
    expect_both("r", "depth_in", json_string("four"),
                "t.json: partition 0, layer 'r', field 'depth_in': expected an integer, got \"four\"");
    expect_both("c", "pad_front", json_integer(-1),
                "t.json: partition 0, layer 'c', field 'pad_front': must not be negative, got -1");
    expect_both("p", "pad_back", json_integer(-2),
                "t.json: partition 0, layer 'p', field 'pad_back': must not be negative, got -2");
    expect_both("c", "kernel_size", json_pack("[iiii]", 3, 3, 3, 3),
                "t.json: partition 0, layer 'c', field 'kernel_size': expected an array of 2 or 3 integers "
                "([rows, cols] or [rows, cols, depth]), got 4 of them");
    expect_both("p", "stride", json_pack("[i]", 2),
                "t.json: partition 0, layer 'p', field 'stride': expected an array of 2 or 3 integers "
                "([rows, cols] or [rows, cols, depth]), got 1 of them");
    expect_both("c", "kernel_size", json_pack("[iii]", 3, 3, 0),
                "t.json: partition 0, layer 'c', field 'kernel_size[2]': must be at least 1, got 0");
    expect_both("c", "kernel_depth", json_integer(0),
                "t.json: partition 0, layer 'c', field 'kernel_depth': must be at least 1, got 0");
    expect_both("p", "stride_depth", json_integer(0),
                "t.json: partition 0, layer 'p', field 'stride_depth': must be at least 1, got 0");
    expect_both("c", "dilation_depth", json_integer(0),
                "t.json: partition 0, layer 'c', field 'dilation_depth': must be at least 1, got 0");
    /* The single field and the list's depth must agree (the 0.1.1 clip's list has none: it gains one). */
    expect_both("c", "kernel_size", json_pack("[iii]", 3, 3, 2),
                "t.json: partition 0, layer 'c': kernel_depth 3 disagrees with kernel_size[2] 2");
    expect_both("c", "depth_out", json_integer(5),
                "t.json: partition 0, layer 'c', field 'depth_out': declared 5, but the layer computes 4");
}

/* The window's depth from the single field, the list, or both: each reads, to the same layer. */
static void test_list_or_single(void)
{
    char *text = edited(1, "p", "kernel_depth", json_integer(2)); /* agrees with kernel_size[2] */
    fcn_network *net = text ? read_text(text, "list and single") : NULL;
    if (net)
        CHECK_INT(net->partitions[0].layers[2].kernel_depth, 2);
    fcn_network_free(net);
    free(text);
    /* No depth in the list nor beside it: 1 (a 1-deep window, stride 2 over 4 frames: still 2 out). */
    text = edited(1, "p", "kernel_size", json_pack("[ii]", 2, 2));
    net = text ? read_text(text, "no kernel depth") : NULL;
    if (net) {
        CHECK_INT(net->partitions[0].layers[2].kernel_depth, 1);
        CHECK_INT(net->partitions[0].layers[2].stride_depth, 2);
    }
    fcn_network_free(net);
    free(text);
}

int main(void)
{
    test_both_forms_read();
    test_round_trips();
    test_2d_files_unchanged();
    test_errors();
    test_list_or_single();
    return check_summary("test_config_3d");
}
