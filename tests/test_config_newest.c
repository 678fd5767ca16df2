/*
 * The newest upstream form of the configuration (docs/CONFIG.md): its files read to the same
 * networks and figures as their 0.1.1 twins, both forms round-trip, and every way a newest file
 * can be wrong gives its exact message.
 *
 * The twins under data/configs/newest/ are the writer's newest form of the golden lenet and
 * alexnet configurations and of examples/resnet18_zc706.json (a branching network in 26
 * partitions). After a deliberate change to the writer, FCN_WRITE_FIXTURES=1 rewrites them.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config_compare.h"
#include "fpgaconvnet.h"

static const fcn_eval_options options = {.freq_mhz = 125, .reconf_time_s = 0.08, .batch_size = 0};

/* ---------------------------------------------------------------- twins */

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *text = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        rewind(f);
        text = size >= 0 ? malloc((size_t)size + 1) : NULL;
        if (text && fread(text, 1, (size_t)size, f) == (size_t)size)
            text[size] = '\0';
        else if (text) {
            free(text);
            text = NULL;
        }
    }
    fclose(f);
    return text;
}

/* The fixture reads to the twin's network and figures; the writer writes the fixture byte for byte. */
static void check_twin(const char *where, const fcn_network *twin, const char *fixture)
{
    fcn_error err = {{0}};
    if (getenv("FCN_WRITE_FIXTURES"))
        CHECK(fcn_network_write_format(twin, fixture, FCN_CONFIG_NEWEST, &err) == 0);
    char *text = read_text(fixture);
    CHECK(text != NULL);
    fcn_network *newest = text ? fcn_network_read_string(text, fixture, &err) : NULL;
    if (text && !newest)
        fprintf(stderr, "%s: %s\n", where, err.message);
    CHECK(newest != NULL);
    if (!newest) {
        free(text);
        return;
    }
    CHECK(same_network(where, twin, newest));
    fcn_network_figures a, b;
    CHECK(fcn_network_evaluate(twin, &options, &a, &err) == 0);
    CHECK(fcn_network_evaluate(newest, &options, &b, &err) == 0);
    CHECK(same_figures(where, &a, &b));
    fcn_network_figures_free(&a);
    fcn_network_figures_free(&b);

    char *written = fcn_network_write_string_format(twin, FCN_CONFIG_NEWEST, &err);
    if (!written || strcmp(written, text) != 0)
        fprintf(stderr, "%s: the writer's newest form is not %s (FCN_WRITE_FIXTURES=1 rewrites it)\n", where, fixture);
    CHECK(written && strcmp(written, text) == 0);
    /* Back in 0.1.1's form, the newest file is the twin's 0.1.1 file. */
    char *old_twin = fcn_network_write_string(twin, &err), *old_newest = fcn_network_write_string(newest, &err);
    CHECK(old_twin && old_newest && strcmp(old_twin, old_newest) == 0);
    free(old_twin);
    free(old_newest);
    free(written);
    free(text);
    fcn_network_free(newest);
}

static void test_golden_twins(void)
{
    static const char *const models[] = {"lenet", "alexnet"};
    int twins = 0;
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
        char path[128];
        snprintf(path, sizeof path, "data/golden/%s.configs.json", models[m]);
        json_t *golden = json_load_file(path, 0, NULL);
        CHECK(golden != NULL);
        const json_t *cases = json_object_get(golden, "cases");
        for (size_t i = 0; i < json_array_size(cases); i++) {
            const json_t *c = json_array_get(cases, i);
            const char *name = json_string_value(json_object_get(c, "name"));
            char *text = json_dumps(json_object_get(c, "config"), JSON_COMPACT);
            fcn_error err = {{0}};
            fcn_network *twin = text ? fcn_network_read_string(text, name, &err) : NULL;
            CHECK(twin != NULL);
            char fixture[160];
            snprintf(fixture, sizeof fixture, "data/configs/newest/%s.json", name);
            if (twin)
                check_twin(name, twin, fixture);
            twins += twin != NULL;
            fcn_network_free(twin);
            free(text);
        }
        json_decref(golden);
    }
    CHECK_INT(twins, 16);
}

/* A branching network over many partitions: memory streams name earlier partitions' layers. */
static void test_branching_twin(void)
{
    fcn_error err = {{0}};
    fcn_network *twin = fcn_network_read("../examples/resnet18_zc706.json", &err);
    CHECK(twin != NULL);
    if (!twin)
        return;
    CHECK(twin->partition_count > 1);
    check_twin("resnet18_zc706", twin, "data/configs/newest/resnet18_zc706.json");
    fcn_network_free(twin);
}

/* ------------------------------------------------------- a hand-written pair */

/*
 * conv (6x6x2 -> 4x4x4, coarse_out 2) -> relu -> pool (2x2/2 -> 2x2x4) -> fc (-> 5), in both forms,
 * each type by number: 0.1.1 numbers RELU 2, the newest 11.
 */
static const char twin_0_1_1[] =
    "{\"partition\": [{\"id\": 0, \"ports\": 1, \"batch_size\": 2, \"input_node\": \"c\", \"output_node\": \"f\","
    " \"weights_reloading_factor\": 1, \"weights_reloading_layer\": \"None\", \"layers\": ["
    "{\"name\": \"c\", \"type\": 0, \"node_in\": \"c\", \"node_out\": \"r\", \"parameters\": {\"rows_in\": 6,"
    " \"cols_in\": 6, \"channels_in\": 2, \"coarse_out\": 2, \"filters\": 4, \"kernel_size\": [3, 3],"
    " \"weight_width\": 8, \"acc_width\": 24}, \"weights_path\": \"c.w\"},"
    "{\"name\": \"r\", \"type\": 2, \"node_in\": \"c\", \"node_out\": \"p\", \"parameters\": {\"rows_in\": 4,"
    " \"cols_in\": 4, \"channels_in\": 4, \"coarse\": 2, \"data_width\": 12}},"
    "{\"name\": \"p\", \"type\": 1, \"node_in\": \"r\", \"node_out\": \"f\", \"parameters\": {\"rows_in\": 4,"
    " \"cols_in\": 4, \"channels_in\": 4, \"coarse\": 2, \"kernel_size\": [2, 2], \"stride\": [2, 2]}},"
    "{\"name\": \"f\", \"type\": 4, \"node_in\": \"p\", \"node_out\": \"f\", \"parameters\": {\"rows_in\": 2,"
    " \"cols_in\": 2, \"channels_in\": 4, \"filters\": 5}}]}]}";

static const char twin_newest[] =
    "{\"partition\": [{\"id\": 0, \"ports\": 1, \"batch_size\": 2, \"input_nodes\": [\"c\"], \"output_nodes\": [\"f\"],"
    " \"weights_reloading_factor\": 1, \"weights_reloading_layer\": \"None\", \"layers\": ["
    "{\"name\": \"c\", \"onnx_node\": \"c\", \"type\": 0, \"op_type\": \"dense\","
    " \"streams_in\": [{\"name\": \"in\", \"coarse\": 1, \"buffer_depth\": 2, \"node\": \"c\"}],"
    " \"streams_out\": [{\"name\": \"c_r\", \"coarse\": 2, \"node\": \"r\"}],"
    " \"parameters\": {\"rows_in\": 6, \"cols_in\": 6, \"channels_in\": 2, \"coarse_out\": 2, \"filters\": 4,"
    " \"kernel_size\": [3, 3], \"kernel_rows\": 3, \"kernel_cols\": 3, \"stride_rows\": 1,"
    " \"weight_t\": {\"width\": 8, \"binary_point\": 8}, \"acc_t\": {\"width\": 24, \"binary_point\": 8},"
    " \"use_uram\": false, \"stream_weights\": 0}, \"weights_path\": \"c.w\"},"
    "{\"name\": \"r\", \"type\": 11, \"op_type\": \"ReLU\", \"streams_in\": [{\"node\": \"c\"}],"
    " \"streams_out\": [{\"node\": \"p\"}], \"parameters\": {\"rows_in\": 4, \"cols_in\": 4, \"channels_in\": 4,"
    " \"coarse\": 2, \"data_t\": {\"width\": 12, \"binary_point\": 8}}},"
    "{\"name\": \"p\", \"type\": 1, \"op_type\": \"max\", \"streams_in\": [{\"node\": \"r\"}],"
    " \"streams_out\": [{\"node\": \"f\"}], \"parameters\": {\"rows_in\": 4, \"cols_in\": 4, \"channels_in\": 4,"
    " \"coarse\": 2, \"kernel_size\": [2, 2], \"stride_rows\": 2, \"stride_cols\": 2}},"
    "{\"name\": \"f\", \"type\": 4, \"streams_in\": [{\"node\": \"p\"}], \"streams_out\": [{\"name\": \"out\","
    " \"node\": \"f\"}], \"parameters\": {\"rows_in\": 2, \"cols_in\": 2, \"channels_in\": 4, \"filters\": 5}}]}]}";

static void test_hand_written_twins(void)
{
    fcn_error err = {{0}};
    fcn_network *old = fcn_network_read_string(twin_0_1_1, "old.json", &err);
    CHECK(old != NULL);
    fcn_network *net = fcn_network_read_string(twin_newest, "new.json", &err);
    if (!net)
        fprintf(stderr, "newest twin: %s\n", err.message);
    CHECK(net != NULL);
    if (!old || !net) {
        fcn_network_free(old);
        fcn_network_free(net);
        return;
    }
    CHECK(same_network("hand-written twins", old, net));
    const fcn_layer *l = net->partitions[0].layers;
    CHECK_INT(net->partitions[0].layer_count, 4);
    CHECK_INT(l[1].type, FCN_RELU); /* 11 in the newest numbering */
    CHECK_INT(l[1].data_width, 12);
    CHECK_INT(l[0].weight_width, 8);
    CHECK_INT(l[0].acc_width, 24);
    CHECK_INT(l[2].stride[0], 2); /* stride_rows alone */
    CHECK_INT(l[2].stride[1], 2);
    CHECK(same_string(net->partitions[0].input_node, "c"));
    CHECK(same_string(net->partitions[0].output_node, "f"));
    fcn_network_figures a, b;
    CHECK(fcn_network_evaluate(old, &options, &a, &err) == 0);
    CHECK(fcn_network_evaluate(net, &options, &b, &err) == 0);
    CHECK(same_figures("hand-written twins", &a, &b));
    fcn_network_figures_free(&a);
    fcn_network_figures_free(&b);
    fcn_network_free(old);
    fcn_network_free(net);
}

/* ---------------------------------------------------------- round trips */

/* Binary points and use_uram: carried by the newest form, not by 0.1.1's (which has no field for them). */
static void test_round_trips(void)
{
    fcn_error err = {{0}};
    fcn_network *net = fcn_network_read_string(twin_newest, "new.json", &err);
    CHECK(net != NULL);
    if (!net)
        return;
    fcn_layer *conv = &net->partitions[0].layers[0], *relu = &net->partitions[0].layers[1];
    conv->input_binary_point = 5;
    conv->output_binary_point = -3;
    conv->weight_binary_point = 7;
    conv->acc_binary_point = 20;
    conv->data_binary_point = 1;
    conv->use_uram = 1;
    relu->data_binary_point = 0;
    char *newest = fcn_network_write_string_format(net, FCN_CONFIG_NEWEST, &err);
    CHECK(newest && strstr(newest, "\"use_uram\": true") && strstr(newest, "\"binary_point\": -3"));
    fcn_network *back = newest ? fcn_network_read_string(newest, "back.json", &err) : NULL;
    CHECK(back && same_network("newest round trip", net, back));
    char *again = back ? fcn_network_write_string_format(back, FCN_CONFIG_NEWEST, &err) : NULL;
    CHECK(again && newest && strcmp(again, newest) == 0);

    char *old = fcn_network_write_string_format(net, FCN_CONFIG_0_1_1, &err);
    char *old_default = fcn_network_write_string(net, &err);
    CHECK(old && old_default && strcmp(old, old_default) == 0);
    /* 0.1.1's form carries use_uram as this project's extension (as dilation), where it is set; no binary point. */
    CHECK(old && !strstr(old, "binary_point") && strstr(old, "\"use_uram\": true"));
    fcn_network *old_back = old ? fcn_network_read_string(old, "old.json", &err) : NULL;
    CHECK(old_back && old_back->partitions[0].layers[0].use_uram == 1 &&
          old_back->partitions[0].layers[0].input_binary_point == 8);
    fcn_network_free(old_back);
    free(old);
    free(old_default);
    free(again);
    fcn_network_free(back);
    free(newest);
    fcn_network_free(net);

    fcn_config_format format;
    CHECK(fcn_config_format_from_name("newest", &format) == 0 && format == FCN_CONFIG_NEWEST);
    CHECK(fcn_config_format_from_name("0.1.1", &format) == 0 && format == FCN_CONFIG_0_1_1);
    CHECK(fcn_config_format_from_name("0.1", &format) == -1);
    CHECK(fcn_config_format_from_name(NULL, &format) == -1);
    CHECK(fcn_network_write_string_format(NULL, (fcn_config_format)7, &err) == NULL);
    CHECK_MESSAGE(err.message, "cannot write the configuration: unknown format 7");
}

/* ---------------------------------------------------------------- errors */

/*
 * twin_newest with one value changed: in the partition (layer NULL), in a layer (object NULL), or in
 * an object of a layer ("parameters", "streams_in[0]", ...); a NULL value removes the key.
 */
static json_t *edit(const char *layer, const char *object, const char *key, json_t *value)
{
    json_t *doc = json_loads(twin_newest, 0, NULL), *target = json_array_get(json_object_get(doc, "partition"), 0);
    const json_t *layers = json_object_get(target, "layers");
    for (size_t i = 0; layer && i < json_array_size(layers); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(layers, i), "name")), layer) == 0)
            target = json_array_get(layers, i);
    if (object && strncmp(object, "streams_", 8) == 0) /* "streams_in[0]": the stream's object */
        target = json_array_get(json_object_get(target, strncmp(object, "streams_in", 10) == 0 ? "streams_in"
                                                                                             : "streams_out"),
                                (size_t)(strchr(object, '[')[1] - '0'));
    else if (object)
        target = json_object_get(target, object);
    if (value)
        json_object_set_new(target, key, value);
    else
        json_object_del(target, key);
    return doc;
}

/* The document must be rejected with exactly this message. */
static void expect(json_t *doc, const char *message)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    fcn_error err = {{0}};
    fcn_network *net = fcn_network_read_string(text, "t.json", &err);
    free(text);
    CHECK(net == NULL);
    if (strcmp(err.message, message) != 0)
        fprintf(stderr, "got:      %s\nexpected: %s\n", err.message, message);
    CHECK(strcmp(err.message, message) == 0);
    fcn_network_free(net);
}

static void test_type_errors(void)
{
    expect(edit("r", NULL, "type", json_integer(2)), "t.json: partition 0, layer 'r', field 'type': ACTIVATION (2 in the "
           "newest numbering) is a layer type this project does not model");
    expect(edit("r", NULL, "type", json_integer(10)), "t.json: partition 0, layer 'r', field 'type': CONVOLUTION_SPARSE "
           "(10 in the newest numbering) is a layer type this project does not model");
    expect(edit("r", NULL, "type", json_string("THRESHOLDEDRELU")), "t.json: partition 0, layer 'r', field 'type': "
           "THRESHOLDEDRELU (18 in the newest numbering) is a layer type this project does not model");
    expect(edit("r", NULL, "type", json_integer(26)),
           "t.json: partition 0, layer 'r', field 'type': unknown layer type 26 in the newest numbering");
    expect(edit("r", NULL, "type", json_integer(-1)),
           "t.json: partition 0, layer 'r', field 'type': unknown layer type -1 in the newest numbering");
    expect(edit("r", NULL, "type", json_string("RELU6")), "t.json: partition 0, layer 'r', field 'type': unknown layer "
           "type \"RELU6\"");
    expect(edit("r", NULL, "type", json_true()),
           "t.json: partition 0, layer 'r', field 'type': expected an integer, got true");
    expect(edit("r", NULL, "type", NULL), "t.json: partition 0, layer 'r': missing \"type\"");
    /* 2 is RELU in 0.1.1's numbering: a newest file means ACTIVATION by it, so RELU's name reads as RELU. */
    fcn_error err = {{0}};
    json_t *doc = edit("r", NULL, "type", json_string("11"));
    char *text = json_dumps(doc, 0);
    fcn_network *net = fcn_network_read_string(text, "t.json", &err);
    CHECK(net && net->partitions[0].layers[1].type == FCN_RELU);
    fcn_network_free(net);
    free(text);
    json_decref(doc);
}

static void test_link_errors(void)
{
    json_t *stream = json_pack("{ss}", "node", "ghost");
    expect(edit("r", NULL, "streams_in", json_pack("[o]", stream)),
           "t.json: partition 0: layer 'r' has streams_in node 'ghost', which is no layer of this or an earlier "
           "partition (only a partition's first layer reads the previous partition's output unnamed)");
    expect(edit("r", "streams_out[0]", "node", json_string("f")),
           "t.json: partition 0: broken link: layer 'r' has streams_out node 'f', which does not read it");
    expect(edit("r", "streams_out[0]", "node", json_string("r")),
           "t.json: partition 0: broken link: layer 'p' reads 'r', whose streams_out does not name it");
    expect(edit("r", NULL, "streams_in", json_pack("[{ss}{ss}]", "node", "c", "node", "p")),
           "t.json: partition 0: layer 'r': a RELU layer has one input, but streams_in names 2");
    expect(edit("r", NULL, "streams_in", NULL),
           "t.json: partition 0, layer 'r': missing \"streams_in\" (the newest form links layers by streams_in[].node)");
    expect(edit("r", NULL, "streams_out", json_array()),
           "t.json: partition 0, layer 'r', field 'streams_out': expected 1..64 streams, got an empty array");
    expect(edit("r", NULL, "streams_in", json_string("c")),
           "t.json: partition 0, layer 'r', field 'streams_in': expected 1..64 streams, got \"c\"");
    expect(edit("r", NULL, "streams_in", json_pack("[i]", 3)),
           "t.json: partition 0, layer 'r', field 'streams_in[0]': expected an object, got 3");
    expect(edit("r", "streams_in[0]", "node", NULL),
           "t.json: partition 0, layer 'r', field 'streams_in[0]': missing \"node\" (the layer it comes from)");
    expect(edit("r", "streams_out[0]", "node", NULL),
           "t.json: partition 0, layer 'r', field 'streams_out[0]': missing \"node\" (the layer it goes to)");
    expect(edit("r", "streams_in[0]", "node", json_integer(1)),
           "t.json: partition 0, layer 'r', field 'streams_in[0].node': expected a layer name, got 1");
    expect(edit("c", "streams_in[0]", "coarse", json_integer(2)),
           "t.json: partition 0, layer 'c': streams_in coarse 2 disagrees with coarse_in 1");
}

static void test_node_list_errors(void)
{
    expect(edit(NULL, NULL, "input_nodes", json_pack("[ss]", "c", "x")),
           "t.json: partition 0, field 'input_nodes': has 2 entries, but 1 layer reads off-chip memory (a streams_in "
           "node naming the layer itself or no layer of the partition)");
    expect(edit(NULL, NULL, "output_nodes", json_pack("[ss]", "r", "f")),
           "t.json: partition 0, field 'output_nodes': has 2 entries, but 1 layer writes off-chip memory (a streams_out "
           "node naming the layer itself or no layer of the partition)");
    expect(edit(NULL, NULL, "output_nodes", NULL), "t.json: partition 0: missing \"output_nodes\"");
    expect(edit(NULL, NULL, "input_nodes", json_array()),
           "t.json: partition 0, field 'input_nodes': expected a list of one or more names, got an empty array");
    expect(edit(NULL, NULL, "output_nodes", json_string("f")),
           "t.json: partition 0, field 'output_nodes': expected a list of one or more names, got \"f\"");
    expect(edit(NULL, NULL, "input_nodes", json_pack("[i]", 0)),
           "t.json: partition 0, field 'input_nodes[0]': expected a name, got 0");
}

static void test_form_errors(void)
{
    expect(edit(NULL, NULL, "input_node", json_string("c")), "t.json: partition 0, field 'input_node': a field of the "
           "0.1.1 form, but the file is in the newest form (its first partition has input_nodes or output_nodes)");
    expect(edit("r", NULL, "node_in", json_string("c")), "t.json: partition 0, layer 'r', field 'node_in': a field of "
           "the 0.1.1 form, but the file is in the newest form (its first partition has input_nodes or output_nodes)");
    expect(edit("r", "parameters", "data_width", json_integer(8)), "t.json: partition 0, layer 'r', field "
           "'data_width': a field of the 0.1.1 form, but the file is in the newest form (its first partition has "
           "input_nodes or output_nodes)");
    /* A 0.1.1 file whose second partition is in the newest form. */
    json_t *doc = json_loads(twin_0_1_1, 0, NULL);
    json_t *second = json_deep_copy(json_array_get(json_object_get(doc, "partition"), 0));
    json_object_set_new(second, "id", json_integer(1));
    json_object_set_new(second, "output_nodes", json_pack("[s]", "f"));
    json_array_append_new(json_object_get(doc, "partition"), second);
    expect(doc, "t.json: partition 1, field 'output_nodes': a field of the newest form, but the file is in the 0.1.1 "
           "form (its first partition has neither input_nodes nor output_nodes)");
}

static void test_fixed_point_errors(void)
{
    expect(edit("r", "parameters", "data_t", json_pack("{sisi}", "width", 0, "binary_point", 0)),
           "t.json: partition 0, layer 'r', field 'data_t.width': must be at least 1, got 0");
    expect(edit("c", "parameters", "acc_t", json_pack("{sisi}", "width", 1025, "binary_point", 8)),
           "t.json: partition 0, layer 'c', field 'acc_t.width': must be at most 1024, got 1025");
    expect(edit("c", "parameters", "input_t", json_pack("{sisi}", "width", 16, "binary_point", -2000)),
           "t.json: partition 0, layer 'c', field 'input_t.binary_point': must be at least -1024, got -2000");
    expect(edit("c", "parameters", "output_t", json_pack("{si}", "width", 16)),
           "t.json: partition 0, layer 'c', field 'output_t': missing \"binary_point\"");
    expect(edit("c", "parameters", "weight_t", json_pack("{si}", "binary_point", 4)),
           "t.json: partition 0, layer 'c', field 'weight_t': missing \"width\"");
    expect(edit("c", "parameters", "weight_t", json_integer(16)),
           "t.json: partition 0, layer 'c', field 'weight_t': expected {\"width\": W, \"binary_point\": B}, got 16");
    expect(edit("c", "parameters", "data_t", json_pack("{sssi}", "width", "x", "binary_point", 4)),
           "t.json: partition 0, layer 'c', field 'data_t.width': expected an integer, got \"x\"");
    /* A width the model cannot build is the model's check, named as the model names it. */
    expect(edit("p", "parameters", "data_t", json_pack("{sisi}", "width", 40, "binary_point", 20)),
           "t.json: partition 0, layer 'p': data_width 40 is outside 1..36, the widths a BRAM can hold");
}

static void test_unmodelled(void)
{
    expect(edit("c", "parameters", "stream_weights", json_integer(512)),
           "t.json: partition 0, layer 'c', field 'stream_weights': weights streamed from off-chip memory are not "
           "modelled by this project (got 512)");
    expect(edit("c", "parameters", "block_floating_point", json_true()),
           "t.json: partition 0, layer 'c', field 'block_floating_point': block floating point is not modelled by "
           "this project");
    expect(edit("c", "parameters", "use_uram", json_string("yes")),
           "t.json: partition 0, layer 'c', field 'use_uram': expected \"false\" or \"true\", got \"yes\"");
    expect(edit("c", NULL, "op_type", json_string("sparse")),
           "t.json: partition 0, layer 'c', field 'op_type': \"sparse\" is not modelled by this project (only "
           "\"dense\" convolutions are)");
    expect(edit("p", NULL, "op_type", json_string("min")),
           "t.json: partition 0, layer 'p', field 'op_type': expected \"max\" or \"avg\", got \"min\"");
    expect(edit("p", NULL, "op_type", json_integer(1)),
           "t.json: partition 0, layer 'p', field 'op_type': expected a string, got 1");
    expect(edit("c", "parameters", "kernel_rows", json_integer(5)),
           "t.json: partition 0, layer 'c': kernel_rows 5 disagrees with kernel_size[0] 3");
    expect(edit("c", "parameters", "kernel_cols", json_integer(0)),
           "t.json: partition 0, layer 'c', field 'kernel_cols': must be at least 1, got 0");
}

/* The layers whose op_type says their operation: a max pool turned average, an eltwise's product. */
static void test_op_types(void)
{
    fcn_error err = {{0}};
    json_t *doc = edit("p", NULL, "op_type", json_string("avg"));
    char *text = json_dumps(doc, 0);
    fcn_network *net = fcn_network_read_string(text, "t.json", &err);
    CHECK(net && net->partitions[0].layers[2].pool_type == FCN_POOL_AVG);
    char *written = net ? fcn_network_write_string_format(net, FCN_CONFIG_NEWEST, &err) : NULL;
    CHECK(written && strstr(written, "\"op_type\": \"avg\"") && !strstr(written, "pool_type"));
    free(written);
    fcn_network_free(net);
    free(text);
    json_decref(doc);

    /* An ELTWISE, an AVERAGE_POOLING: c -> split -> (r, identity) -> mul -> gap. */
#define ELTWISE                                                                                               \
        "{\"partition\": [{\"input_nodes\": [\"s\"], \"output_nodes\": [\"g\"], \"layers\": [" \
        "{\"name\": \"s\", \"type\": \"SPLIT\", \"streams_in\": [{\"node\": \"s\"}]," \
        " \"streams_out\": [{\"node\": \"r\"}, {\"node\": \"m\"}], \"parameters\": {\"rows_in\": 4, \"cols_in\": 4," \
        " \"channels_in\": 2, \"ports_out\": 2}}," \
        "{\"name\": \"r\", \"type\": 13, \"streams_in\": [{\"node\": \"s\"}], \"streams_out\": [{\"node\": \"m\"}]," \
        " \"parameters\": {\"rows_in\": 4, \"cols_in\": 4, \"channels_in\": 2}}," \
        "{\"name\": \"m\", \"type\": 8, \"op_type\": \"%s\", \"streams_in\": [{\"node\": \"s\"}, {\"node\": \"r\"}]," \
        " \"streams_out\": [{\"node\": \"g\"}], \"parameters\": {\"rows_in\": 4, \"cols_in\": 4, \"channels_in\": 2," \
        " \"ports_in\": 2}}," \
        "{\"name\": \"g\", \"type\": 9, \"op_type\": \"%s\", \"streams_in\": [{\"node\": \"m\"}]," \
        " \"streams_out\": [{\"node\": \"g\"}], \"parameters\": {\"rows_in\": 4, \"cols_in\": 4, \"channels_in\": 2}}" \
        "]}]}"
    char doc_text[2048];
    snprintf(doc_text, sizeof doc_text, ELTWISE, "mul", "avg");
    net = fcn_network_read_string(doc_text, "e.json", &err);
    if (!net)
        fprintf(stderr, "eltwise: %s\n", err.message);
    CHECK(net != NULL);
    if (net) {
        const fcn_layer *m = &net->partitions[0].layers[2];
        CHECK_INT(m->eltwise_mul, 1);
        CHECK_INT(m->ports_in, 2);
        CHECK(m->inputs && m->inputs[0] == 2 && m->inputs[1] == 1);
        CHECK_INT(net->partitions[0].layers[1].type, FCN_SIGMOID);
        CHECK_INT(net->partitions[0].layers[3].type, FCN_AVERAGE_POOLING);
        written = fcn_network_write_string_format(net, FCN_CONFIG_NEWEST, &err);
        CHECK(written && strstr(written, "\"op_type\": \"mul\"") && strstr(written, "\"op_type\": \"Sigmoid\""));
        free(written);
    }
    fcn_network_free(net);
    snprintf(doc_text, sizeof doc_text, ELTWISE, "add", "avg");
    net = fcn_network_read_string(doc_text, "e.json", &err);
    CHECK(net && net->partitions[0].layers[2].eltwise_mul == 0);
    fcn_network_free(net);
    snprintf(doc_text, sizeof doc_text, ELTWISE, "sub", "avg");
    CHECK(fcn_network_read_string(doc_text, "e.json", &err) == NULL);
    CHECK(strcmp(err.message, "e.json: partition 0, layer 'm', field 'op_type': expected \"add\" or \"mul\", got "
                 "\"sub\"") == 0);
    snprintf(doc_text, sizeof doc_text, ELTWISE, "add", "max");
    CHECK(fcn_network_read_string(doc_text, "e.json", &err) == NULL);
    CHECK(strcmp(err.message, "e.json: partition 0, layer 'g', field 'op_type': \"max\" is not modelled by this "
                 "project (an AVERAGE_POOLING averages: \"avg\")") == 0);
}

int main(void)
{
    test_golden_twins();
    test_branching_twin();
    test_hand_written_twins();
    test_round_trips();
    test_type_errors();
    test_link_errors();
    test_node_list_errors();
    test_form_errors();
    test_fixed_point_errors();
    test_unmodelled();
    test_op_types();
    return check_summary("test_config_newest");
}
