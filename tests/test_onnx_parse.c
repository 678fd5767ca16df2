/*
 * The ONNX parser against the golden data, on the project's copies of the
 * models (data/models):
 *  - lenet, tinyvgg, alexnet, vgg11: the parsed layers equal MODEL.parse.json's
 *    in order, type and every parameter, and the default configuration's
 *    figures (125 MHz) match its `expect`;
 *  - vgg16: each hardware layer's input and output dims equal ONNX's own
 *    shapes (MODEL.shapes.json) of the nodes it comes from;
 *  - resnet18, resnet50, mobilenet_v2: the one "unsupported" error listing
 *    Add (and Clip); and the shape inference, run on every node, agrees with
 *    ONNX's on all four of those networks.
 */
#include "golden_util.h"
#include "onnx_graph.h"
#include "onnx_load.h"
#include "onnx_ops.h"
#include "onnx_shapes.h"

/* A config parameter of the golden data, from the parsed layer; 0 and *known = 0 for an unknown key. */
static int64_t layer_parameter(const fcn_layer *l, const fcn_layer_figures *f, int64_t batch, const char *key,
                               int *known)
{
    const struct {
        const char *key;
        int64_t value;
    } fields[] = {
        {"buffer_depth", l->buffer_depth}, {"batch_size", batch}, {"rows_in", l->rows}, {"cols_in", l->cols},
        {"channels_in", l->channels}, {"rows_out", f->rows_out}, {"cols_out", f->cols_out},
        {"channels_out", f->channels_out}, {"coarse_in", l->coarse_in}, {"coarse_out", l->coarse_out},
        {"coarse", l->coarse_in}, {"coarse_group", l->coarse_group}, {"groups", l->groups}, {"fine", l->fine},
        {"filters", l->filters}, {"pad_top", l->pad_top}, {"pad_right", l->pad_right}, {"pad_left", l->pad_left},
        {"pad_bottom", l->pad_bottom}, {"data_width", l->data_width}, {"weight_width", l->weight_width},
        {"acc_width", l->acc_width}, {"input_width", l->input_width}, {"output_width", l->output_width},
        {"has_bias", l->has_bias}, {"biases_width", l->biases_width},
    };
    *known = 1;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(fields[i].key, key) == 0)
            return fields[i].value;
    *known = 0;
    return 0;
}

static void compare_pair(const char *where, const char *key, const int64_t got[2], const json_t *want)
{
    golden_record(json_array_size(want) == 2, where, key, "golden value is not a pair");
    char field[64];
    for (size_t i = 0; i < 2 && json_array_size(want) == 2; i++) {
        snprintf(field, sizeof field, "%s[%zu]", key, i);
        golden_int(where, field, got[i], json_array_get(want, i));
    }
}

/* Every parameter the golden layer lists, by name. */
static void compare_layer(const char *where, const fcn_layer *l, int64_t batch, const json_t *want)
{
    const char *type = json_string_value(json_object_get(want, "type"));
    golden_record(type && strcmp(type, fcn_layer_type_name(l->type)) == 0, where, "type", "got %s, expected %s",
                  fcn_layer_type_name(l->type), type ? type : "(none)");
    fcn_layer_figures f;
    fcn_layer_evaluate(l, &f);
    const char *key;
    json_t *value;
    json_object_foreach(json_object_get(want, "parameters"), key, value) {
        if (strcmp(key, "kernel_size") == 0) {
            compare_pair(where, key, l->kernel, value);
            continue;
        }
        if (strcmp(key, "stride") == 0) {
            compare_pair(where, key, l->stride, value);
            continue;
        }
        int known;
        int64_t got = layer_parameter(l, &f, batch, key, &known);
        golden_record(known, where, key, "a golden parameter the test does not know");
        if (known)
            golden_int(where, key, got, value);
    }
}

static void compare_figures(const char *where, const fcn_network_figures *got, const json_t *want)
{
    golden_real(where, "latency_s", got->latency_s, json_object_get(want, "latency_s"));
    golden_real(where, "throughput", got->throughput, json_object_get(want, "throughput"));
    golden_int(where, "batch_size", got->batch_size, json_object_get(want, "batch_size"));
    const json_t *p = json_array_get(json_object_get(want, "partitions"), 0);
    const fcn_partition_figures *pf = &got->partitions[0];
    golden_record(got->partition_count == 1 && p, where, "partitions", "expected one partition");
    if (got->partition_count != 1 || !p)
        return;
    golden_partition_figures(where, pf, p);
    /* The golden names are the reference's own; the chain's length (squeezes included) must agree. */
    const json_t *names = json_object_get(p, "layers");
    golden_record(pf->layer_count == (int)json_array_size(names), where, "chain length", "got %d, expected %zu",
                  pf->layer_count, json_array_size(names));
}

static void golden_model(const char *model)
{
    char path[128], golden_path[128];
    snprintf(path, sizeof path, "data/models/%s.onnx", model);
    snprintf(golden_path, sizeof golden_path, "data/golden/%s.parse.json", model);
    json_error_t jerr;
    json_t *golden = json_load_file(golden_path, 0, &jerr);
    golden_record(golden != NULL, model, golden_path, "cannot load: %s", jerr.text);
    fcn_error err = {{0}};
    fcn_network *net = fcn_onnx_parse(path, NULL, &err);
    golden_record(net != NULL, model, "fcn_onnx_parse", "failed: %s", err.message);
    if (!net || !golden) {
        fcn_network_free(net);
        json_decref(golden);
        return;
    }
    const fcn_partition *part = &net->partitions[0];
    const json_t *layers = json_object_get(golden, "layers");
    golden_record((size_t)part->layer_count == json_array_size(layers), model, "layers", "got %d, expected %zu",
                  part->layer_count, json_array_size(layers));
    for (size_t i = 0; i < json_array_size(layers) && i < (size_t)part->layer_count; i++) {
        char where[160];
        snprintf(where, sizeof where, "%s: layer %zu (%s)", model, i, part->layers[i].name);
        compare_layer(where, &part->layers[i], part->batch_size, json_array_get(layers, i));
    }
    CHECK_INT(net->partition_count, 1);
    CHECK_INT(part->batch_size, 1);
    CHECK_INT(part->wr_factor, 1);
    CHECK(part->wr_layer == NULL);
    CHECK(strcmp(part->input_node, part->layers[0].name) == 0);
    CHECK(strcmp(part->output_node, part->layers[part->layer_count - 1].name) == 0);

    fcn_eval_options opts = {.freq_mhz = 125.0, .reconf_time_s = 0.0, .batch_size = 0};
    fcn_network_figures figures;
    memset(&figures, 0, sizeof figures);
    int evaluated = fcn_network_evaluate(net, &opts, &figures, &err) == 0;
    golden_record(evaluated, model, "fcn_network_evaluate", "failed: %s", err.message);
    if (evaluated) {
        compare_figures(model, &figures, json_object_get(golden, "expect"));
        fcn_network_figures_free(&figures);
    }
    printf("test_onnx_parse: %s: %d layers compared\n", model, part->layer_count);
    fcn_network_free(net);
    json_decref(golden);
}

/* The streamed dims of an NCHW or NK shape from MODEL.shapes.json. */
static int shape_dims(const json_t *shape, int64_t dims[3])
{
    size_t rank = json_array_size(shape);
    if (rank != 4 && rank != 2)
        return 0;
    int64_t v[4] = {0};
    for (size_t i = 0; i < rank; i++)
        v[i] = (int64_t)json_integer_value(json_array_get(shape, i));
    dims[0] = rank == 4 ? v[2] : 1;
    dims[1] = rank == 4 ? v[3] : 1;
    dims[2] = v[1];
    return 1;
}

static int becomes_layer(const char *op)
{
    static const char *const ops[] = {"Conv", "Relu", "MaxPool", "AveragePool", "GlobalAveragePool", "Gemm",
                                      "MatMul", "BatchNormalization"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(op, ops[i]) == 0)
            return 1;
    return 0;
}

/* vgg16 parses fully: each layer's input is its predecessor's ONNX output, its output its own node's. */
static void vgg16_layers(void)
{
    fcn_error err = {{0}};
    fcn_network *net = fcn_onnx_parse("data/models/vgg16.onnx", NULL, &err);
    json_t *golden = json_load_file("data/golden/vgg16.shapes.json", 0, NULL);
    golden_record(net && golden, "vgg16", "parse", "failed: %s", err.message);
    if (!net || !golden) {
        fcn_network_free(net);
        json_decref(golden);
        return;
    }
    const fcn_partition *part = &net->partitions[0];
    int64_t previous[3] = {224, 224, 3};
    int layer = 0;
    size_t index;
    json_t *node;
    json_array_foreach(json_object_get(golden, "nodes"), index, node) {
        const char *op = json_string_value(json_object_get(node, "op_type"));
        int64_t out[3] = {0, 0, 0};
        if (!op || !becomes_layer(op))
            continue;
        if (layer >= part->layer_count) {
            layer++;
            continue;
        }
        const fcn_layer *l = &part->layers[layer++];
        fcn_layer_figures f;
        fcn_layer_evaluate(l, &f);
        const char *where = json_string_value(json_object_get(node, "name"));
        CHECK(shape_dims(json_object_get(json_array_get(json_object_get(node, "outputs"), 0), "shape"), out));
        golden_record(l->rows == previous[0] && l->cols == previous[1] && l->channels == previous[2], where,
                      "input", "got %lldx%lldx%lld", (long long)l->rows, (long long)l->cols, (long long)l->channels);
        golden_record(f.rows_out == out[0] && f.cols_out == out[1] && f.channels_out == out[2], where, "output",
                      "got %lldx%lldx%lld, ONNX says %lldx%lldx%lld", (long long)f.rows_out, (long long)f.cols_out,
                      (long long)f.channels_out, (long long)out[0], (long long)out[1], (long long)out[2]);
        memcpy(previous, out, sizeof previous);
    }
    CHECK_INT(layer, part->layer_count);
    CHECK_INT(part->layer_count, 37); /* 13 Conv, 15 Relu, 5 MaxPool, 1 AveragePool, 3 Gemm */
    printf("test_onnx_parse: vgg16: %d layers' dims compared with ONNX's shapes\n", layer);
    fcn_network_free(net);
    json_decref(golden);
}

/* The shape inference on every node (the hardware's operators and elementwise ones) against ONNX's. */
static void all_shapes(const char *model)
{
    char path[128], golden_path[128];
    snprintf(path, sizeof path, "data/models/%s.onnx", model);
    snprintf(golden_path, sizeof golden_path, "data/golden/%s.shapes.json", model);
    fcn_error err = {{0}};
    onnx_model m;
    onnx_graph g;
    memset(&g, 0, sizeof g);
    json_t *golden = json_load_file(golden_path, 0, NULL);
    int ok = golden && onnx_model_load(path, &m, &err) == 0;
    ok = ok && onnx_graph_build(&g, m.proto->graph, m.opset, path, 1, &err) == 0 && onnx_graph_sort(&g, &err) == 0 &&
         onnx_classify(&g, 0, &err) == 0 && onnx_infer_shapes(&g, 1, &err) == 0;
    golden_record(ok, model, "shape inference", "failed: %s", err.message);
    int compared = 0, missing = 0;
    size_t index;
    json_t *node;
    json_array_foreach(ok ? json_object_get(golden, "nodes") : NULL, index, node) {
        const json_t *output = json_array_get(json_object_get(node, "outputs"), 0);
        const char *name = json_string_value(json_object_get(output, "name"));
        const json_t *shape = json_object_get(output, "shape");
        int t = name ? onnx_graph_find(&g, name) : -1;
        if (t < 0 || !g.tensors[t].has_shape) {
            missing++;
            golden_record(0, model, name ? name : "?", "no shape inferred");
            continue;
        }
        const onnx_shape *s = &g.tensors[t].shape;
        int same = (size_t)s->rank == json_array_size(shape);
        for (int i = 0; same && i < s->rank; i++)
            same = s->dims[i] == (int64_t)json_integer_value(json_array_get(shape, (size_t)i));
        char text[96];
        golden_record(same, model, name, "inferred %s", onnx_shape_text(s, text, sizeof text));
        compared++;
    }
    CHECK(compared > 0);
    CHECK_INT(missing, 0);
    printf("test_onnx_parse: %s: %d node shapes agree with ONNX's\n", model, compared);
    onnx_graph_release(&g);
    if (ok || m.proto)
        onnx_model_release(&m);
    json_decref(golden);
}

/* Branching networks: one error listing every unsupported node. */
static void unsupported_model(const char *model, int count, const char *first, const char *also)
{
    char path[128], expected[200];
    snprintf(path, sizeof path, "data/models/%s.onnx", model);
    snprintf(expected, sizeof expected, "%s: %d unsupported nodes: ", path, count);
    fcn_error err = {{0}};
    fcn_network *net = fcn_onnx_parse(path, NULL, &err);
    CHECK(net == NULL);
    fcn_network_free(net);
    CHECK_MESSAGE(err.message, expected);
    CHECK_MESSAGE(err.message, first);
    if (also)
        CHECK_MESSAGE(err.message, also);
    CHECK(strchr(err.message, '\n') == NULL);
    printf("test_onnx_parse: %s: %s\n", model, err.message);
}

static void list_ops(void)
{
    fcn_onnx_op *ops = NULL;
    int count = 0;
    fcn_error err = {{0}};
    CHECK(fcn_onnx_list_ops("data/models/resnet18.onnx", &ops, &count, &err) == 0);
    const char *expected[] = {"Conv", "Relu", "MaxPool", "Add", "GlobalAveragePool", "Flatten", "Gemm"};
    const int counts[] = {20, 17, 1, 8, 1, 1, 1};
    CHECK_INT(count, 7);
    for (int i = 0; i < count && i < 7; i++) {
        CHECK(strcmp(ops[i].op_type, expected[i]) == 0);
        CHECK_INT(ops[i].count, counts[i]);
        CHECK_INT(ops[i].supported, strcmp(expected[i], "Add") != 0);
    }
    if (count == 7) {
        CHECK(strcmp(ops[0].becomes, "CONVOLUTION") == 0);
        CHECK(strcmp(ops[3].becomes, "unsupported") == 0);
        CHECK(strcmp(ops[4].becomes, "POOLING") == 0);
        CHECK(strcmp(ops[5].becomes, "removed (shape only)") == 0);
        CHECK(strcmp(ops[6].becomes, "INNER_PRODUCT") == 0);
    }
    free(ops);
    CHECK(fcn_onnx_list_ops("data/models/mobilenet_v2.onnx", &ops, &count, &err) == 0);
    for (int i = 0; i < count; i++)
        if (strcmp(ops[i].op_type, "Constant") == 0)
            CHECK(ops[i].supported && ops[i].count == 70);
        else if (strcmp(ops[i].op_type, "Clip") == 0)
            CHECK(!ops[i].supported && ops[i].count == 35);
    free(ops);
    CHECK(fcn_onnx_list_ops("data/models/missing.onnx", &ops, &count, &err) == -1);
    CHECK_MESSAGE(err.message, "data/models/missing.onnx: cannot open");
    CHECK(ops == NULL && count == 0);
}

int main(void)
{
    for (size_t m = 0; m < GOLDEN_CONFIG_MODEL_COUNT; m++)
        golden_model(golden_config_model(m));
    vgg16_layers();
    const char *const shaped[] = {"vgg16", "resnet18", "resnet50", "mobilenet_v2"};
    for (size_t m = 0; m < sizeof shaped / sizeof shaped[0]; m++)
        all_shapes(shaped[m]);
    unsupported_model("resnet18", 8, "/layer1/layer1.0/Add (Add)", NULL);
    unsupported_model("resnet50", 16, "/layer1/layer1.0/Add (Add)", "and 6 more");
    unsupported_model("mobilenet_v2", 45, "/features/features.0/features.0.2/Clip (Clip)", "/features/features.3/Add (Add)");
    list_ops();
    return golden_summary("test_onnx_parse");
}
