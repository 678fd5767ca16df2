/*
 * The parser on every committed export of a torchvision network
 * (data/models/torchvision, tests/data/gen/export_torchvision.py), every
 * pattern graph (data/models/patterns, tests/data/gen/make_patterns.py) and
 * every video network and 3-D graph (data/models/video, the video networks
 * of export_torchvision.py and tests/data/gen/make_video.py), against ONNX's
 * own shape inference (MODEL.shapes.json next to each model,
 * tests/data/gen/shapes_json.py):
 *  - each model parses;
 *  - every layer named after an ONNX node gives that node's output shape
 *    (rows, cols, depth, channels; NHWC tensors between ConvNeXt's
 *    Transposes read as such, a [N, K] tensor as 1x1x1xK, ShuffleNet's
 *    [N, G, C/G, H, W] as H x W x 1 x C, a clip's [N, C, D, H, W] as
 *    H x W x D x C); layers the parser adds (SPLIT, ...) are not ONNX's and
 *    are only counted;
 *  - in a video network, every such layer also takes its node's input shape
 *    (the fields the parser sets: rows, cols, depth, channels; an inner
 *    product the same number of elements, as it keeps the dims streamed
 *    before a Flatten);
 *  - every port that reads the network input takes the input's shape, and
 *    the last layer gives the graph output's shape;
 * and the models that are not streaming CNNs (patterns/bad_*.onnx,
 * torchvision/vit_*.onnx) fail with one line naming the nodes at fault, and
 * `--list-ops` does not call them supported.
 *
 * The parser checks each port's dims against its producer's output when it
 * builds the network, so outputs that agree with ONNX's mean inputs do too.
 */
#define _POSIX_C_SOURCE 200809L /* scandir, alphasort: every committed model, none listed by hand */

#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>

#include "check.h"
#include "fpgaconvnet.h"

/* The one vision transformer committed (tests/data/gen/commit_torchvision.sh). */
#define VIT_MODEL "vit_b_16_opset17.onnx"

typedef struct dims {
    int64_t rows, cols, depth, channels;
} dims;

/* One model's tally, printed on one line. */
typedef struct tally {
    int compared, added, mismatches;
} tally;

/* Records a failed check about MODEL, printing "test_onnx_corpus: MODEL: what". */
static void fail(const char *model, const char *fmt, const char *a, const char *b)
{
    check_count++;
    check_failures++;
    fprintf(stderr, "test_onnx_corpus: %s: ", model);
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
}

/* The parser's layer name of a node (src/onnx/onnx_names.c): [A-Za-z0-9_] kept, anything else '_'. */
static void layer_name_of(const char *node, char *out, size_t size)
{
    snprintf(out, size, "%s", node);
    for (char *c = out; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_')
            *c = '_';
}

static int64_t dim_at(const json_t *shape, size_t i)
{
    return (int64_t)json_integer_value(json_array_get(shape, i));
}

/*
 * A shapes.json entry {"shape": [...], "layout"?} as streamed rows x cols x depth x channels; 0 if it has no
 * such reading. In a video network (its input a clip) a 5-D tensor is NCDHW.
 */
static int entry_dims(const json_t *entry, int video, dims *d)
{
    const json_t *shape = json_object_get(entry, "shape");
    const char *layout = json_string_value(json_object_get(entry, "layout"));
    size_t rank = json_array_size(shape);
    if (rank == 4 && layout && strcmp(layout, "NHWC") == 0)
        *d = (dims){dim_at(shape, 1), dim_at(shape, 2), 1, dim_at(shape, 3)};
    else if (rank == 4)
        *d = (dims){dim_at(shape, 2), dim_at(shape, 3), 1, dim_at(shape, 1)};
    else if (rank == 2)
        *d = (dims){1, 1, 1, dim_at(shape, 1)};
    else if (rank == 5 && video)
        *d = (dims){dim_at(shape, 3), dim_at(shape, 4), dim_at(shape, 2), dim_at(shape, 1)};
    else if (rank == 5) /* a channel shuffle's groups: [N, G, C/G, H, W] or its transpose */
        *d = (dims){dim_at(shape, 3), dim_at(shape, 4), 1, dim_at(shape, 1) * dim_at(shape, 2)};
    else
        return 0;
    return 1;
}

static int same_dims(dims a, dims b)
{
    return a.rows == b.rows && a.cols == b.cols && a.depth == b.depth && a.channels == b.channels;
}

static int64_t elements(dims d)
{
    return d.rows * d.cols * d.depth * d.channels;
}

/* "RxCxC", or "RxCxDxC" (rows x cols x depth x channels) when there is a depth. */
static const char *dims_text(dims d, char *out, size_t size)
{
    if (d.depth == 1)
        snprintf(out, size, "%lldx%lldx%lld", (long long)d.rows, (long long)d.cols, (long long)d.channels);
    else
        snprintf(out, size, "%lldx%lldx%lldx%lld", (long long)d.rows, (long long)d.cols, (long long)d.depth,
                 (long long)d.channels);
    return out;
}

/* The node of shapes.json whose parser name is NAME; NULL if none. */
static const json_t *node_named(const json_t *nodes, const char *name)
{
    size_t i;
    json_t *node;
    char sanitised[512];
    json_array_foreach(nodes, i, node) {
        const char *own = json_string_value(json_object_get(node, "name"));
        layer_name_of(own ? own : "", sanitised, sizeof sanitised);
        if (own && *own && strcmp(sanitised, name) == 0)
            return node;
    }
    return NULL;
}

/* The output entry of TENSOR in shapes.json; NULL if no node gives it. */
static const json_t *tensor_entry(const json_t *nodes, const char *tensor)
{
    size_t i, k;
    json_t *node, *output;
    json_array_foreach(nodes, i, node) {
        json_array_foreach(json_object_get(node, "outputs"), k, output) {
            const char *name = json_string_value(json_object_get(output, "name"));
            if (name && strcmp(name, tensor) == 0)
                return output;
        }
    }
    return NULL;
}

/* A layer named after NODE gives NODE's (first) output; a CHOP's ports each take a part of its channels. */
static void compare_layer(const char *model, const fcn_layer *l, const json_t *node, int video, tally *t)
{
    const json_t *entry = json_array_get(json_object_get(node, "outputs"), 0);
    dims want, got;
    fcn_layer_figures f;
    fcn_layer_evaluate(l, &f);
    got = (dims){f.rows_out, f.cols_out, f.depth_out, f.channels_out};
    char a[64], b[64], where[600];
    snprintf(where, sizeof where, "layer '%s' (%s)", l->name, fcn_layer_type_name(l->type));
    t->compared++;
    if (!entry_dims(entry, video, &want)) {
        t->mismatches++;
        fail(model, "%s: ONNX's output of its node has no rows x cols x channels reading%s", where, "");
        return;
    }
    if (l->type == FCN_CHOP) { /* rows and cols as ONNX says; the ports' channels its outputs' */
        int64_t sum = 0;
        for (int q = 0; q < l->ports_out; q++)
            sum += fcn_layer_output_channels(l, q, f.channels_out);
        got.channels = want.channels;
        if (sum > l->channels)
            got.channels = sum;
    }
    if (!same_dims(got, want)) {
        t->mismatches++;
        char message[700];
        snprintf(message, sizeof message, "%s: gives %s", where, dims_text(got, a, sizeof a));
        fail(model, "%s, ONNX says %s", message, dims_text(want, b, sizeof b));
    }
}

/* The shape entry of TENSOR: a node's output or the graph input; NULL if neither. */
static const json_t *any_tensor_entry(const json_t *shapes, const char *tensor)
{
    const json_t *input = json_array_get(json_object_get(shapes, "graph_inputs"), 0);
    const char *name = json_string_value(json_object_get(input, "name"));
    if (name && strcmp(name, tensor) == 0)
        return input;
    return tensor_entry(json_object_get(shapes, "nodes"), tensor);
}

/* A video network's layer named after NODE takes NODE's data input (the fields the parser sets). */
static void compare_layer_input(const char *model, const fcn_layer *l, const json_t *node, const json_t *shapes,
                                tally *t)
{
    const char *tensor = json_string_value(json_array_get(json_object_get(node, "inputs"), 0));
    const json_t *entry = tensor ? any_tensor_entry(shapes, tensor) : NULL;
    dims want, got = {l->rows, l->cols, l->depth, l->channels};
    char a[64], b[64], where[600];
    snprintf(where, sizeof where, "layer '%s' (%s) takes %s", l->name, fcn_layer_type_name(l->type),
             dims_text(got, a, sizeof a));
    t->compared++;
    if (!entry || !entry_dims(entry, 1, &want)) {
        t->mismatches++;
        fail(model, "%s: ONNX's input of its node has no rows x cols x depth x channels reading%s", where, "");
        return;
    }
    if (l->type == FCN_INNER_PRODUCT ? elements(got) != elements(want) : !same_dims(got, want)) {
        t->mismatches++;
        fail(model, "%s, ONNX's input is %s", where, dims_text(want, b, sizeof b));
    }
}

/* Every port reading the network input takes its shape. */
static void compare_inputs(const char *model, const fcn_partition *part, const json_t *shapes, int video, tally *t)
{
    dims want, got;
    char a[64], b[64];
    if (!entry_dims(json_array_get(json_object_get(shapes, "graph_inputs"), 0), video, &want)) {
        fail(model, "shapes.json has no NCHW graph input%s%s", "", "");
        return;
    }
    for (int i = 0; i < part->layer_count; i++) {
        const fcn_layer *l = &part->layers[i];
        for (int p = 0; p < l->ports_in; p++) {
            if (!(i == 0 && !l->inputs) && !(l->inputs && l->inputs[p] == 0))
                continue;
            got = (dims){l->rows, l->cols, l->depth, fcn_layer_port_channels(l, p)};
            t->compared++;
            if (!same_dims(got, want)) {
                t->mismatches++;
                char where[600];
                snprintf(where, sizeof where, "layer '%s' reads the input as %s", l->name,
                         dims_text(got, a, sizeof a));
                fail(model, "%s, ONNX's is %s", where, dims_text(want, b, sizeof b));
            }
        }
    }
}

/* The last layer gives the graph output (Softmax and shape-only nodes after it change nothing). */
static void compare_output(const char *model, const fcn_partition *part, const json_t *shapes, int video, tally *t)
{
    const char *name = json_string_value(json_array_get(json_object_get(shapes, "graph_outputs"), 0));
    const json_t *entry = name ? tensor_entry(json_object_get(shapes, "nodes"), name) : NULL;
    dims want, got;
    char a[64], b[64];
    if (!entry || !entry_dims(entry, video, &want)) {
        fail(model, "shapes.json has no rows x cols x channels for the graph output%s%s", "", "");
        return;
    }
    fcn_layer_figures f;
    fcn_layer_evaluate(&part->layers[part->layer_count - 1], &f);
    got = (dims){f.rows_out, f.cols_out, f.depth_out, f.channels_out};
    t->compared++;
    if (!same_dims(got, want)) {
        t->mismatches++;
        fail(model, "the last layer gives %s, ONNX's output is %s", dims_text(got, a, sizeof a),
             dims_text(want, b, sizeof b));
    }
}

/* DIR/NAME.onnx parses and agrees with DIR/NAME.shapes.json. */
static void corpus_model(const char *dir, const char *name)
{
    char path[512], shapes_path[512], model[300];
    snprintf(model, sizeof model, "%s/%s", dir, name);
    snprintf(path, sizeof path, "data/models/%s.onnx", model);
    snprintf(shapes_path, sizeof shapes_path, "data/models/%s.shapes.json", model);
    json_error_t jerr;
    json_t *shapes = json_load_file(shapes_path, 0, &jerr);
    if (!shapes) {
        fail(model, "cannot load %s: %s", shapes_path, jerr.text);
        return;
    }
    fcn_error err = {{0}};
    fcn_network *net = fcn_onnx_parse(path, NULL, &err);
    check_count++;
    if (!net) {
        fail(model, "parse failed: %s%s", err.message, "");
        check_count--; /* fail() counted it */
        json_decref(shapes);
        return;
    }
    tally t = {0, 0, 0};
    const json_t *nodes = json_object_get(shapes, "nodes");
    const json_t *input = json_array_get(json_object_get(shapes, "graph_inputs"), 0);
    const int video = json_array_size(json_object_get(input, "shape")) == 5; /* a clip: 5-D tensors are NCDHW */
    for (int pi = 0; pi < net->partition_count; pi++) {
        const fcn_partition *part = &net->partitions[pi];
        for (int i = 0; i < part->layer_count; i++) {
            const json_t *node = node_named(nodes, part->layers[i].name);
            if (node && part->layers[i].type != FCN_SPLIT) {
                compare_layer(model, &part->layers[i], node, video, &t);
                if (video)
                    compare_layer_input(model, &part->layers[i], node, shapes, &t);
            } else {
                t.added++;
            }
        }
    }
    CHECK(t.compared > 0);
    compare_inputs(model, &net->partitions[0], shapes, video, &t);
    compare_output(model, &net->partitions[net->partition_count - 1], shapes, video, &t);
    printf("test_onnx_corpus: %s: %d layers, %d shapes compared with ONNX's, %d layers of the parser's own, "
           "%d mismatches\n", model, net->partitions[0].layer_count, t.compared, t.added, t.mismatches);
    fcn_network_free(net);
    json_decref(shapes);
}

/* A model that is not a streaming CNN: one line, naming each of NODES; --list-ops says it is not all supported. */
static void rejected_model(const char *file, const char *const *nodes, size_t count)
{
    char path[512];
    snprintf(path, sizeof path, "data/models/%s", file);
    fcn_error err = {{0}};
    fcn_network *net = fcn_onnx_parse(path, NULL, &err);
    CHECK(net == NULL);
    fcn_network_free(net);
    CHECK(strchr(err.message, '\n') == NULL);
    CHECK_MESSAGE(err.message, path);
    for (size_t i = 0; i < count; i++)
        CHECK_MESSAGE(err.message, nodes[i]);
    fcn_onnx_op *ops = NULL;
    int op_count = 0, unsupported = 0;
    if (fcn_onnx_list_ops(path, &ops, &op_count, &err) == 0)
        for (int i = 0; i < op_count; i++)
            unsupported += !ops[i].supported;
    else
        unsupported = 1; /* listing failed with the parse's error: not "all supported" either */
    CHECK(unsupported > 0);
    free(ops);
    printf("test_onnx_corpus: %s rejected: %s\n", file, err.message);
}

static int onnx_file(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return n > 5 && strcmp(e->d_name + n - 5, ".onnx") == 0;
}

/* Models that must not parse: the pattern errors and the vision transformers. */
static int expected_to_fail(const char *name)
{
    return strncmp(name, "bad_", 4) == 0 || strncmp(name, "vit_", 4) == 0;
}

/* Every model in data/models/DIR but the failing ones; how many. */
static int corpus_dir(const char *dir)
{
    char path[256];
    snprintf(path, sizeof path, "data/models/%s", dir);
    struct dirent **entries = NULL;
    int n = scandir(path, &entries, onnx_file, alphasort), models = 0;
    CHECK(n > 0);
    for (int i = 0; i < n; i++) {
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(strlen(entries[i]->d_name) - 5), entries[i]->d_name);
        if (!expected_to_fail(name)) {
            corpus_model(dir, name);
            models++;
        }
        free(entries[i]);
    }
    free(entries);
    return models;
}

int main(void)
{
    int torchvision = corpus_dir("torchvision"), patterns = corpus_dir("patterns"), video = corpus_dir("video");
    printf("test_onnx_corpus: %d torchvision exports, %d pattern graphs, %d video networks and 3-D graphs\n",
           torchvision, patterns, video);
    CHECK(torchvision >= 30);
    CHECK(patterns >= 40);
    CHECK(video >= 31); /* R3D-18, MC3-18, R(2+1)D-18 in two forms each, C3D, 24 graphs of 3-D patterns */

    /* What the parser cannot model in 3-D yet: one line naming the node and why. */
    static const struct {
        const char *file, *message;
    } video_errors[] = {
        {"video/bad_pad3d.onnx", "node 'pad1' (Pad): pads a clip (NCDHW)"},
        {"video/bad_concat3d.onnx", "node 'concat1' (Concat): concatenates the channels of 1x4x4x16x15, a clip "
                                    "(NCDHW): a CONCAT over a clip's frames is not supported yet"},
        {"video/bad_leakyrelu3d.onnx", "node 'leakyrelu1' (LeakyRelu): a LEAKY_RELU layer over a clip's 5 frames "
                                       "(depth) is not supported yet"},
        {"video/bad_reducemean3d_time.onnx", "node 'reducemean1' (ReduceMean): reduces 1x4x4x11x10 over other axes "
                                             "than the depth, rows and columns (2, 3 and 4 of NCDHW)"},
        {"video/bad_squeeze_excite3d.onnx", "node 'mul1' (Mul): its inputs 'relu1' (1x6x7x13x20) and 'sigmoid1' "
                                            "(1x6x1x1x1) differ in shape; the hardware joins clips of one shape (a "
                                            "broadcast over a clip, as a 3-D squeeze-excite's 1xCx1x1x1, is not "
                                            "supported yet)"},
        {"video/bad_resize3d.onnx", "node 'resize1' (Resize): resizes a clip (NCDHW): a RESIZE over a clip's frames "
                                    "is not supported yet"},
        {"video/bad_reshape3d.onnx", "node 'reshape1' (Reshape): reshaping the streamed 12x13x6x4 (rows x cols x "
                                     "depth x channels) to 1x24x12x13 reorders the data"},
    };
    for (size_t i = 0; i < sizeof video_errors / sizeof video_errors[0]; i++)
        rejected_model(video_errors[i].file, &video_errors[i].message, 1);

    /* q.k^T and attention.v multiply two data tensors; the Softmax is inside the network. */
    const char *const attention[] = {"unsupported nodes: ", "matmul4 (MatMul", "matmul5 (MatMul",
                                     "softmax1 (Softmax"};
    rejected_model("patterns/bad_attention.onnx", attention, 4);
    const char *const reflect[] = {"pad1", "reflect"};
    rejected_model("patterns/bad_pad_reflect.onnx", reflect, 2);
    /* A whole vision transformer: many nodes, the first ones listed (which come first depends on what
       else the parser takes), a count of the rest. */
    const char *const vit[] = {"unsupported nodes: "};
    rejected_model("torchvision/" VIT_MODEL, vit, 1);
    return check_summary("test_onnx_corpus");
}
