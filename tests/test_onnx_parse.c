/*
 * The ONNX parser against the golden data, on the project's copies of the
 * models (data/models):
 *  - lenet, tinyvgg, alexnet, vgg11: the parsed layers equal MODEL.parse.json's
 *    in order, type and every parameter, and the default configuration's
 *    figures (125 MHz) match its `expect`; they stay chains (no `inputs`);
 *  - vgg16, resnet18, resnet50, mobilenet_v2: every layer's input ports and
 *    output against ONNX's shapes (MODEL.shapes.json) of its node's inputs
 *    and output, each port reading the layer (or its SPLIT) that ONNX's
 *    graph says, the counts of layers, ELTWISE and SPLIT; and the shape
 *    inference, run on every node, agrees with ONNX's.
 */
#include <ctype.h>

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

/*
 * Parses data/models/MODEL.onnx and loads data/golden/MODEL.SUFFIX.json;
 * 0 when either fails (recorded, nothing left to release).
 */
static int parse_with_golden(const char *model, const char *suffix, fcn_network **net, json_t **golden)
{
    char path[128], golden_path[128];
    snprintf(path, sizeof path, "data/models/%s.onnx", model);
    snprintf(golden_path, sizeof golden_path, "data/golden/%s.%s.json", model, suffix);
    json_error_t jerr;
    fcn_error err = {{0}};
    *golden = json_load_file(golden_path, 0, &jerr);
    golden_record(*golden != NULL, model, golden_path, "cannot load: %s", jerr.text);
    *net = fcn_onnx_parse(path, NULL, &err);
    golden_record(*net != NULL, model, "fcn_onnx_parse", "failed: %s", err.message);
    if (*net && *golden)
        return 1;
    fcn_network_free(*net);
    json_decref(*golden);
    return 0;
}

static void golden_model(const char *model)
{
    fcn_network *net;
    json_t *golden;
    fcn_error err = {{0}};
    if (!parse_with_golden(model, "parse", &net, &golden))
        return;
    const fcn_partition *part = &net->partitions[0];
    const json_t *layers = json_object_get(golden, "layers");
    golden_record((size_t)part->layer_count == json_array_size(layers), model, "layers", "got %d, expected %zu",
                  part->layer_count, json_array_size(layers));
    for (size_t i = 0; i < json_array_size(layers) && i < (size_t)part->layer_count; i++) {
        char where[160];
        snprintf(where, sizeof where, "%s: layer %zu (%s)", model, i, part->layers[i].name);
        compare_layer(where, &part->layers[i], part->batch_size, json_array_get(layers, i));
        golden_record(!part->layers[i].inputs && part->layers[i].ports_in == 1 && part->layers[i].ports_out == 1,
                      where, "inputs", "a chain's layer has ports or inputs");
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
                                      "MatMul", "BatchNormalization", "Add", "Clip", "Concat"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(op, ops[i]) == 0)
            return 1;
    return 0;
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

/* --- branching networks against ONNX's shapes (MODEL.shapes.json): per layer, per port */

/* The golden node that produces a tensor; NULL for the network input and initializers. */
static const json_t *golden_producer(const json_t *nodes, const char *tensor)
{
    size_t i, j;
    json_t *node, *output;
    json_array_foreach(nodes, i, node) {
        json_array_foreach(json_object_get(node, "outputs"), j, output) {
            const char *name = json_string_value(json_object_get(output, "name"));
            if (name && strcmp(name, tensor) == 0)
                return node;
        }
    }
    return NULL;
}

static const char *node_op(const json_t *node)
{
    const char *op = node ? json_string_value(json_object_get(node, "op_type")) : NULL;
    return op ? op : "";
}

static const char *node_name(const json_t *node)
{
    const char *name = node ? json_string_value(json_object_get(node, "name")) : NULL;
    return name ? name : "";
}

static int shape_only(const char *op)
{
    return strcmp(op, "Flatten") == 0 || strcmp(op, "Reshape") == 0 || strcmp(op, "Identity") == 0 ||
           strcmp(op, "Dropout") == 0;
}

/* What the parser streams: the network input ("input" in these models), or any node's output but a Constant's. */
static int is_data(const json_t *nodes, const char *tensor)
{
    const json_t *producer = golden_producer(nodes, tensor);
    return strcmp(tensor, "input") == 0 || (producer && strcmp(node_op(producer), "Constant") != 0);
}

/* The node whose layer a tensor comes from, past the shape-only nodes; NULL for the network input. */
static const json_t *source_node(const json_t *nodes, const char *tensor)
{
    const json_t *p = golden_producer(nodes, tensor);
    while (p && shape_only(node_op(p)))
        p = golden_producer(nodes, json_string_value(json_array_get(json_object_get(p, "inputs"), 0)));
    return p;
}

/* The parser's layer name of a node (src/onnx/onnx_names.c): [A-Za-z0-9_] kept, anything else '_'. */
static void layer_name_of(const json_t *node, char *out, size_t size)
{
    snprintf(out, size, "%s", node ? node_name(node) : "input");
    for (char *c = out; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_')
            *c = '_';
}

/* The streamed dims of a tensor as ONNX gives them; the network input of these models is 224x224x3. */
static int tensor_dims(const json_t *nodes, const char *tensor, int64_t dims[3])
{
    const json_t *p = golden_producer(nodes, tensor);
    size_t j;
    json_t *output;
    if (!p) {
        dims[0] = dims[1] = 224;
        dims[2] = 3;
        return strcmp(tensor, "input") == 0;
    }
    json_array_foreach(json_object_get(p, "outputs"), j, output)
        if (strcmp(json_string_value(json_object_get(output, "name")), tensor) == 0)
            return shape_dims(json_object_get(output, "shape"), dims);
    return 0;
}

/* The layer (index) port p of layer i reads; -1 for the network input. */
static int port_producer(const fcn_partition *part, int i, int p)
{
    const fcn_layer *l = &part->layers[i];
    if (!l->inputs && i == 0)
        return -1;
    int back = fcn_layer_input(l, p);
    return back == 0 ? -1 : i - back;
}

/* The source layer's name behind a producer: a SPLIT stands for the layer before it, or the input. */
static const char *source_layer(const fcn_partition *part, int producer)
{
    if (producer >= 0 && part->layers[producer].type == FCN_SPLIT)
        producer--;
    return producer >= 0 ? part->layers[producer].name : "input";
}

/* Input ports of the golden graph's layers that read a node's output (or the input, for NULL). */
static int golden_readers(const json_t *nodes, const json_t *source)
{
    int readers = 0;
    size_t i, k;
    json_t *node, *input;
    json_array_foreach(nodes, i, node) {
        if (!becomes_layer(node_op(node)))
            continue;
        json_array_foreach(json_object_get(node, "inputs"), k, input) {
            const char *tensor = json_string_value(input);
            readers += tensor && is_data(nodes, tensor) && source_node(nodes, tensor) == source;
        }
    }
    return readers;
}

/* A SPLIT: right after its source, named after it, the source's dims, one output per golden reader. */
static void check_split(const char *where, const fcn_partition *part, int i, const json_t *nodes)
{
    const fcn_layer *l = &part->layers[i];
    char expected[300];
    snprintf(expected, sizeof expected, "%s_split", i > 0 ? part->layers[i - 1].name : "input");
    golden_record(strcmp(l->name, expected) == 0, where, "name", "expected %s", expected);
    int64_t dims[3] = {224, 224, 3};
    const json_t *source = NULL;
    if (i > 0) {
        fcn_layer_figures f;
        fcn_layer_evaluate(&part->layers[i - 1], &f);
        dims[0] = f.rows_out, dims[1] = f.cols_out, dims[2] = f.channels_out;
        size_t k;
        json_t *node;
        char name[300];
        json_array_foreach(nodes, k, node) {
            layer_name_of(node, name, sizeof name);
            if (strcmp(name, part->layers[i - 1].name) == 0)
                source = node;
        }
    }
    golden_record(l->rows == dims[0] && l->cols == dims[1] && l->channels == dims[2], where, "dims",
                  "got %lldx%lldx%lld", (long long)l->rows, (long long)l->cols, (long long)l->channels);
    int readers = 0;
    for (int j = i + 1; j < part->layer_count; j++)
        for (int p = 0; p < part->layers[j].ports_in; p++)
            readers += port_producer(part, j, p) == i;
    golden_record(readers == l->ports_out && readers == golden_readers(nodes, source), where, "ports_out",
                  "%d outputs, %d readers, ONNX has %d", l->ports_out, readers, golden_readers(nodes, source));
}

/* Input port p reads `tensor`: its dims (an inner product's only in number), and the layer that gives them. */
static void check_port(const char *where, const fcn_partition *part, int i, int p, const json_t *nodes,
                       const char *tensor)
{
    const fcn_layer *l = &part->layers[i];
    int64_t want[3] = {0, 0, 0}, channels = fcn_layer_port_channels(l, p);
    char field[32], source[300];
    snprintf(field, sizeof field, "port %d", p);
    golden_record(tensor_dims(nodes, tensor, want), where, field, "no ONNX shape for '%s'", tensor);
    int same = l->type == FCN_INNER_PRODUCT ? l->rows * l->cols * channels == want[0] * want[1] * want[2]
                                            : l->rows == want[0] && l->cols == want[1] && channels == want[2];
    golden_record(same, where, field, "takes %lldx%lldx%lld, ONNX's '%s' is %lldx%lldx%lld", (long long)l->rows,
                  (long long)l->cols, (long long)channels, tensor, (long long)want[0], (long long)want[1],
                  (long long)want[2]);
    layer_name_of(source_node(nodes, tensor), source, sizeof source);
    const char *got = source_layer(part, port_producer(part, i, p));
    golden_record(strcmp(got, source) == 0, where, field, "reads '%s', ONNX says '%s'", got, source);
}

/* A layer from a node: its output, and each data input of the node as a port, in order. */
static void check_node_layer(const char *where, const fcn_partition *part, int i, const json_t *nodes)
{
    const fcn_layer *l = &part->layers[i];
    const json_t *node = NULL, *candidate;
    char name[300];
    size_t k;
    json_array_foreach(nodes, k, candidate) {
        layer_name_of(candidate, name, sizeof name);
        if (strcmp(name, l->name) == 0)
            node = candidate;
    }
    golden_record(node != NULL, where, "node", "no ONNX node of this name");
    if (!node)
        return;
    int64_t out[3] = {0, 0, 0};
    fcn_layer_figures f;
    fcn_layer_evaluate(l, &f);
    shape_dims(json_object_get(json_array_get(json_object_get(node, "outputs"), 0), "shape"), out);
    golden_record(f.rows_out == out[0] && f.cols_out == out[1] && f.channels_out == out[2], where, "output",
                  "got %lldx%lldx%lld, ONNX says %lldx%lldx%lld", (long long)f.rows_out, (long long)f.cols_out,
                  (long long)f.channels_out, (long long)out[0], (long long)out[1], (long long)out[2]);
    int port = 0;
    json_t *input;
    json_array_foreach(json_object_get(node, "inputs"), k, input) {
        const char *tensor = json_string_value(input);
        if (!tensor || !is_data(nodes, tensor))
            continue;
        if (port < l->ports_in)
            check_port(where, part, i, port, nodes, tensor);
        port++;
    }
    golden_record(port == l->ports_in, where, "ports_in", "%d, ONNX's node has %d data inputs", l->ports_in, port);
}

/* A model parses; every layer agrees with ONNX's graph and shapes; so many layers, ELTWISE and SPLIT. */
static void dag_model(const char *model, int layers, int eltwise, int splits)
{
    fcn_network *net;
    json_t *golden;
    if (!parse_with_golden(model, "shapes", &net, &golden))
        return;
    const fcn_partition *part = &net->partitions[0];
    const json_t *nodes = json_object_get(golden, "nodes");
    int counts[20] = {0}, golden_layers = 0;
    for (int i = 0; i < part->layer_count; i++) {
        char where[300];
        snprintf(where, sizeof where, "%s: layer %d (%s)", model, i, part->layers[i].name);
        if (part->layers[i].type == FCN_SPLIT)
            check_split(where, part, i, nodes);
        else
            check_node_layer(where, part, i, nodes);
        counts[part->layers[i].type]++;
    }
    size_t k;
    json_t *node;
    json_array_foreach(nodes, k, node)
        golden_layers += becomes_layer(node_op(node));
    CHECK_INT(part->layer_count, layers);
    CHECK_INT(part->layer_count - counts[FCN_SPLIT], golden_layers);
    CHECK_INT(counts[FCN_ELTWISE], eltwise);
    CHECK_INT(counts[FCN_SPLIT], splits);
    printf("test_onnx_parse: %s: %d layers (%d ELTWISE, %d SPLIT) agree with ONNX's graph and shapes\n", model,
           part->layer_count, counts[FCN_ELTWISE], counts[FCN_SPLIT]);
    fcn_network_free(net);
    json_decref(golden);
}

static void list_ops(void)
{
    fcn_onnx_op *ops = NULL;
    int count = 0;
    fcn_error err = {{0}};
    CHECK(fcn_onnx_list_ops("data/models/resnet18.onnx", &ops, &count, &err) == 0);
    const char *expected[] = {"Conv", "Relu", "MaxPool", "Add", "GlobalAveragePool", "Flatten", "Gemm"};
    const char *becomes[] = {"CONVOLUTION", "RELU", "POOLING", "ELTWISE", "AVERAGE_POOLING", "removed (shape only)",
                             "INNER_PRODUCT"};
    const int counts[] = {20, 17, 1, 8, 1, 1, 1};
    CHECK_INT(count, 7);
    for (int i = 0; i < count && i < 7; i++) {
        CHECK(strcmp(ops[i].op_type, expected[i]) == 0);
        CHECK_INT(ops[i].count, counts[i]);
        CHECK_INT(ops[i].supported, 1);
        CHECK(strcmp(ops[i].becomes, becomes[i]) == 0);
    }
    free(ops);
    CHECK(fcn_onnx_list_ops("data/models/mobilenet_v2.onnx", &ops, &count, &err) == 0);
    int seen = 0;
    for (int i = 0; i < count; i++)
        if (strcmp(ops[i].op_type, "Constant") == 0)
            seen += ops[i].supported && ops[i].count == 70;
        else if (strcmp(ops[i].op_type, "Clip") == 0)
            seen += ops[i].supported && ops[i].count == 35 && strcmp(ops[i].becomes, "CLIP") == 0;
    CHECK_INT(seen, 2);
    free(ops);
    CHECK(fcn_onnx_list_ops("data/models/vgg16.onnx", &ops, &count, &err) == 0);
    for (int i = 0; i < count; i++)
        if (strcmp(ops[i].op_type, "AveragePool") == 0)
            CHECK(strstr(ops[i].becomes, "AVERAGE_POOLING") && strstr(ops[i].becomes, "or POOLING"));
    free(ops);
    CHECK(fcn_onnx_list_ops("data/models/missing.onnx", &ops, &count, &err) == -1);
    CHECK_MESSAGE(err.message, "data/models/missing.onnx: cannot open");
    CHECK(ops == NULL && count == 0);
}

int main(void)
{
    for (size_t m = 0; m < GOLDEN_CONFIG_MODEL_COUNT; m++)
        golden_model(golden_config_model(m));
    const char *const shaped[] = {"vgg16", "resnet18", "resnet50", "mobilenet_v2"};
    for (size_t m = 0; m < sizeof shaped / sizeof shaped[0]; m++)
        all_shapes(shaped[m]);
    dag_model("vgg16", 37, 0, 0);
    dag_model("resnet18", 48 + 8, 8, 8);     /* 20 Conv, 17 Relu, 8 Add, MaxPool, GlobalAveragePool, Gemm */
    dag_model("resnet50", 121 + 16, 16, 16); /* 53 Conv, 49 Relu, 16 Add, MaxPool, GlobalAveragePool, Gemm */
    dag_model("mobilenet_v2", 99 + 10, 10, 10); /* 52 Conv, 35 Clip, 10 Add, GlobalAveragePool, Gemm */
    list_ops();
    return golden_summary("test_onnx_parse");
}
