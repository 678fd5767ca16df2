/*
 * Bad ONNX input: every failure is one line naming the file, the place and
 * the problem, and nothing crashes (truncations at every length and byte
 * flips of a small model run under the sanitizers and valgrind too).
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "onnx_builder.h"

/* Parses bytes; the result must fail with a one-line message that contains `part`. */
static void expect_bytes_error(const void *bytes, size_t size, const fcn_parse_options *opts, const char *part)
{
    fcn_error err = {{0}};
    fcn_network *net = fcn_onnx_parse_buffer(bytes, size, "bad.onnx", opts, &err);
    CHECK(net == NULL);
    fcn_network_free(net);
    CHECK_MESSAGE(err.message, "bad.onnx: ");
    CHECK_MESSAGE(err.message, part);
    CHECK(strchr(err.message, '\n') == NULL);
}

static void expect_error(const onnx_builder *b, const char *part)
{
    size_t size;
    uint8_t *bytes = ob_pack(b, &size);
    expect_bytes_error(bytes, size, NULL, part);
    free(bytes);
}

/* x (1x3x8x8) -> Conv 4 3x3 (+bias) -> Relu -> Flatten -> Gemm 10 -> y: a valid model to spoil. */
static void base(onnx_builder *b, int64_t opset)
{
    ob_init(b, opset);
    ob_input(b, "x", 4, OB_DIMS(1, 3, 8, 8));
    ob_conv(b, "conv", "x", "c", 4, 3, 3, 1);
    ob_node(b, "Relu", "relu", OB_LIST("c"), OB_LIST("r"));
    ob_node(b, "Flatten", "flat", OB_LIST("r"), OB_LIST("f"));
    ob_gemm(b, "fc", "f", "y", 10, 144);
    ob_output(b, "y");
}

static Onnx__NodeProto *node_named(onnx_builder *b, const char *name)
{
    for (size_t i = 0; i < b->graph.n_node; i++)
        if (b->graph.node[i]->name && strcmp(b->graph.node[i]->name, name) == 0)
            return b->graph.node[i];
    return NULL;
}

static Onnx__TensorProto *initializer_named(onnx_builder *b, const char *name)
{
    for (size_t i = 0; i < b->graph.n_initializer; i++)
        if (strcmp(b->graph.initializer[i]->name, name) == 0)
            return b->graph.initializer[i];
    return NULL;
}

static Onnx__AttributeProto *attr_named(Onnx__NodeProto *node, const char *name)
{
    for (size_t i = 0; node && i < node->n_attribute; i++)
        if (strcmp(node->attribute[i]->name, name) == 0)
            return node->attribute[i];
    fprintf(stderr, "test model has no attribute %s\n", name);
    exit(2);
}

/* Writes bytes to a temporary file; returns its path (free it, unlink it). */
static char *temp_file(const void *bytes, size_t size)
{
    char *path = malloc(64);
    snprintf(path, 64, "/tmp/fcn_onnx_test_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || (size && write(fd, bytes, size) != (ssize_t)size)) {
        perror("temp file");
        exit(2);
    }
    close(fd);
    return path;
}

static void expect_file_error(const void *bytes, size_t size, const char *part)
{
    char *path = temp_file(bytes, size);
    fcn_error err = {{0}};
    fcn_network *net = fcn_onnx_parse(path, NULL, &err);
    CHECK(net == NULL);
    fcn_network_free(net);
    CHECK_MESSAGE(err.message, path);
    CHECK_MESSAGE(err.message, part);
    unlink(path);
    free(path);
}

static uint8_t *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *bytes = NULL;
    *size = 0;
    if (f && fseek(f, 0, SEEK_END) == 0) {
        long length = ftell(f);
        rewind(f);
        bytes = malloc(length > 0 ? (size_t)length : 1);
        if (bytes && length > 0)
            *size = fread(bytes, 1, (size_t)length, f);
    }
    if (f)
        fclose(f);
    return bytes;
}

/* Truncated and corrupt bytes, files that are not ONNX, empty files. */
static void not_onnx(void)
{
    size_t size;
    uint8_t *lenet = read_all("data/models/lenet.onnx", &size);
    CHECK(lenet && size > 100000);
    expect_bytes_error(lenet, 100000, NULL, "not an ONNX model, or a truncated or corrupt one");
    expect_file_error(lenet, 100000, "not an ONNX model, or a truncated or corrupt one");
    fcn_error err = {{0}};
    fcn_network *net = fcn_onnx_parse_buffer(lenet, size, "lenet", NULL, &err);
    CHECK(net != NULL);
    fcn_network_free(net);
    free(lenet);

    const char *json = "{\"partition\": [{\"id\": 0, \"layers\": []}]}";
    expect_bytes_error(json, strlen(json), NULL, "not an ONNX model");
    net = fcn_onnx_parse("data/bad/syntax.json", NULL, &err);
    CHECK(net == NULL);
    CHECK_MESSAGE(err.message, "data/bad/syntax.json: not an ONNX model");

    uint8_t noise[4096];
    uint32_t state = 12345;
    for (size_t i = 0; i < sizeof noise; i++) {
        state = state * 1103515245u + 12345u;
        noise[i] = (uint8_t)(state >> 24);
    }
    expect_bytes_error(noise, sizeof noise, NULL, "not an ONNX model");
    expect_bytes_error(noise, 0, NULL, "bad.onnx: empty file");
    expect_bytes_error(NULL, 0, NULL, "bad.onnx: empty file");
    expect_file_error(noise, 0, "empty file");

    /* Without an fcn_error the failure is only the NULL result. */
    CHECK(fcn_onnx_parse("data/models/missing.onnx", NULL, NULL) == NULL);
    CHECK(fcn_onnx_parse_buffer(noise, sizeof noise, NULL, NULL, NULL) == NULL);
    fcn_onnx_op *ops = NULL;
    int count = 0;
    CHECK(fcn_onnx_list_ops("data/bad/syntax.json", &ops, &count, NULL) == -1 && !ops && !count);

    net = fcn_onnx_parse("data/models/no-such-model.onnx", NULL, &err);
    CHECK(net == NULL);
    CHECK_MESSAGE(err.message, "data/models/no-such-model.onnx: cannot open: ");
    net = fcn_onnx_parse("data/models", NULL, &err);
    CHECK(net == NULL);
    CHECK_MESSAGE(err.message, "data/models: is a directory");
}

/* Every prefix of a valid model and every single-byte corruption: an error or a network, never a crash. */
static void mutations(void)
{
    onnx_builder b;
    base(&b, 11);
    size_t size;
    uint8_t *bytes = ob_pack(&b, &size);
    ob_free(&b);
    int failures = 0, parsed = 0;
    for (size_t cut = 0; cut < size; cut++) {
        fcn_error err = {{0}};
        fcn_network *net = fcn_onnx_parse_buffer(bytes, cut, "cut.onnx", NULL, &err);
        failures += net == NULL && strncmp(err.message, "cut.onnx: ", 10) == 0;
        parsed += net != NULL;
        fcn_network_free(net);
    }
    CHECK_INT(failures + parsed, (long long)size);
    CHECK_INT(parsed, 0);
    expect_bytes_error(bytes, size / 2, NULL, "truncated or corrupt");
    uint8_t *copy = malloc(size);
    const uint8_t flips[] = {0xff, 0x80, 0x01, 0x7f};
    int handled = 0;
    for (size_t i = 0; i < size; i++)
        for (size_t f = 0; f < sizeof flips; f++) {
            memcpy(copy, bytes, size);
            copy[i] ^= flips[f];
            fcn_error err = {{0}};
            fcn_network *net = fcn_onnx_parse_buffer(copy, size, "flip.onnx", NULL, &err);
            handled += net != NULL || strncmp(err.message, "flip.onnx: ", 11) == 0;
            fcn_network_free(net);
        }
    CHECK_INT(handled, (long long)(size * sizeof flips));
    printf("test_onnx_errors: %zu truncations and %zu corruptions handled\n", size, size * sizeof flips);
    free(copy);
    free(bytes);
}

/* The model, its opset and its graph's inputs. */
static void model_errors(void)
{
    onnx_builder b;
    base(&b, 11);
    b.model.graph = NULL;
    expect_error(&b, "bad.onnx: the model has no graph");
    ob_free(&b);

    const int64_t opsets[] = {6, 22};
    for (int i = 0; i < 2; i++) {
        base(&b, opsets[i]);
        expect_error(&b, opsets[i] == 6 ? "opset 6 of the default ONNX domain is not supported (7 to 21)"
                                        : "opset 22 of the default ONNX domain is not supported (7 to 21)");
        ob_free(&b);
    }
    base(&b, 0);
    expect_error(&b, "the model imports no opset of the default ONNX domain");
    ob_free(&b);

    base(&b, 11);
    b.graph.n_input = 0;
    expect_error(&b, "bad.onnx: the graph has no input");
    ob_free(&b);
    base(&b, 11);
    ob_input(&b, "z", 4, OB_DIMS(1, 3, 8, 8));
    expect_error(&b, "bad.onnx: the graph has 2 inputs ('x', 'z'); the hardware model takes exactly one");
    ob_free(&b);

    const struct {
        int rank;
        int64_t dims[4];
        const char *message;
    } inputs[] = {
        {-1, {0}, "bad.onnx: input 'x': missing input shape"},
        {4, {1, 3, 0, 8}, "input 'x': missing input shape (dimension 2 is unknown or not positive)"},
        {4, {1, -1, 8, 8}, "input 'x': missing input shape (dimension 1 is symbolic)"},
        {3, {1, 3, 8}, "input 'x' has 3 dimensions; the hardware model takes NCHW (4), NCDHW (5, a clip) or NK (2)"},
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        base(&b, 11);
        b.graph.input[0] = ob_value(&b, "x", inputs[i].rank, inputs[i].dims);
        expect_error(&b, inputs[i].message);
        ob_free(&b);
    }
}

/* Graph structure: cycles, missing producers, duplicates, nothing left. */
static void graph_errors(void)
{
    onnx_builder b;
    base(&b, 11);
    ob_node(&b, "Relu", "loop_a", OB_LIST("loop_b"), OB_LIST("loop_c"));
    ob_node(&b, "Relu", "loop_b", OB_LIST("loop_c"), OB_LIST("loop_b"));
    expect_error(&b, "(Relu): the graph has a cycle through this node");
    ob_free(&b);

    base(&b, 11); /* a cycle on the data path itself: relu reads the Gemm's output */
    node_named(&b, "relu")->input[0] = ob_str(&b, "y");
    expect_error(&b, "the graph has a cycle through this node");
    ob_free(&b);

    base(&b, 11);
    node_named(&b, "relu")->input[0] = ob_str(&b, "nowhere");
    expect_error(&b, "bad.onnx: node 'relu' (Relu): input 'nowhere' is not produced by any node, initializer or "
                     "graph input");
    ob_free(&b);

    base(&b, 11); /* names hold any byte; the message stays one printable line */
    node_named(&b, "relu")->input[0] = ob_str(&b, "no\rwhere");
    node_named(&b, "relu")->name = ob_str(&b, "re\nlu\t");
    expect_error(&b, "bad.onnx: node 're\\x0Alu\\x09' (Relu): input 'no\\x0Dwhere' is not produced by any node");
    ob_free(&b);

    base(&b, 11);
    node_named(&b, "flat")->output[0] = ob_str(&b, "r");
    expect_error(&b, "node 'flat' (Flatten): output 'r' is also produced by another node");
    ob_free(&b);

    base(&b, 11);
    ob_weight(&b, "conv.weight", 1, OB_DIMS(4));
    expect_error(&b, "bad.onnx: initializer 'conv.weight' is given twice");
    ob_free(&b);

    base(&b, 11);
    ob_output(&b, "zz");
    expect_error(&b, "bad.onnx: graph output 'zz' is not produced by any node");
    ob_free(&b);

    ob_init(&b, 11);
    ob_input(&b, "x", 4, OB_DIMS(1, 3, 8, 8));
    ob_node(&b, "Identity", "id", OB_LIST("x"), OB_LIST("y"));
    ob_output(&b, "y");
    expect_error(&b, "bad.onnx: no layers left");
    ob_free(&b);
    ob_init(&b, 11);
    ob_input(&b, "x", 4, OB_DIMS(1, 3, 8, 8));
    ob_output(&b, "x");
    expect_error(&b, "bad.onnx: no layers left");
    ob_free(&b);

    base(&b, 11);
    Onnx__NodeProto *constant = ob_node(&b, "Constant", "k", NULL, OB_LIST("k_out"));
    ob_attr_int(&b, constant, "not_a_value", 1);
    expect_error(&b, "node 'k' (Constant): no value the parser can use");
    ob_free(&b);

    base(&b, 11);
    fcn_parse_options opts = {.batch_size = -1, .keep_batch_norm = 0};
    size_t size;
    uint8_t *bytes = ob_pack(&b, &size);
    expect_bytes_error(bytes, size, &opts, "bad.onnx: batch size must be in 1..2147483647, got -1");
    opts.batch_size = INT64_C(2147483648); /* the configuration could not hold it */
    expect_bytes_error(bytes, size, &opts, "bad.onnx: batch size must be in 1..2147483647, got 2147483648");
    free(bytes);
    ob_free(&b);
}

/* Unsupported operators: one message listing them all (cut after ten). */
static void unsupported(void)
{
    onnx_builder b;
    ob_init(&b, 11);
    ob_input(&b, "x", 2, OB_DIMS(1, 8));
    char in[16] = "x", out[16];
    for (int i = 0; i < 12; i++) {
        char name[16];
        snprintf(name, sizeof name, "s%d", i);
        snprintf(out, sizeof out, "t%d", i);
        ob_node(&b, "Erf", name, OB_LIST(in), OB_LIST(out));
        memcpy(in, out, sizeof in);
    }
    ob_output(&b, in);
    expect_error(&b, "bad.onnx: 12 unsupported nodes: s0 (Erf), s1 (Erf), s2 (Erf)");
    expect_error(&b, "s9 (Erf) and 2 more");
    ob_free(&b);

    base(&b, 11);
    node_named(&b, "relu")->op_type = ob_str(&b, "Softmax");
    expect_error(&b, "bad.onnx: 1 unsupported node: relu (Softmax: supported only at the end of the network)");
    ob_free(&b);

    ob_init(&b, 11);
    ob_input(&b, "x", 2, OB_DIMS(1, 8));
    ob_node(&b, "Relu", "r", OB_LIST("x"), OB_LIST("r"));
    ob_node(&b, "MatMul", "mm", OB_LIST("x", "r"), OB_LIST("y"));
    ob_output(&b, "y");
    expect_error(&b, "mm (MatMul: only a MatMul by a constant weight is supported)");
    ob_free(&b);

    base(&b, 11);
    Onnx__NodeProto *relu = node_named(&b, "relu");
    relu->op_type = ob_str(&b, "Dropout");
    OB_PUSH(&b, relu->output, relu->n_output, ob_str(&b, "mask"));
    ob_node(&b, "Relu", "use_mask", OB_LIST("mask"), OB_LIST("m"));
    expect_error(&b, "relu (Dropout: an output other than the first is used)");
    ob_free(&b);

    base(&b, 11);
    node_named(&b, "relu")->domain = ob_str(&b, "com.example");
    expect_error(&b, "1 unsupported node: relu (Relu)");
    ob_free(&b);
}

/* Weights whose dims disagree with the operator, and attributes of the wrong type or value. */
static void operator_errors(void)
{
    onnx_builder b;
    base(&b, 11);
    initializer_named(&b, "conv.weight")->dims[1] = 2;
    expect_error(&b, "bad.onnx: node 'conv' (Conv): weight 'conv.weight' is 4x2x3x3, which does not fit 3 input "
                     "channels in 1 group(s)");
    ob_free(&b);

    base(&b, 11);
    initializer_named(&b, "conv.bias")->dims[0] = 5;
    expect_error(&b, "node 'conv' (Conv): bias 'conv.bias' is 5; expected 4 (one per output channel)");
    ob_free(&b);

    base(&b, 11);
    initializer_named(&b, "fc.weight")->dims[1] = 100;
    expect_error(&b, "node 'fc' (Gemm): weight 'fc.weight' is 10x100 (transB=1), which does not fit the input's "
                     "144 features");
    ob_free(&b);

    base(&b, 11);
    ob_attr_float(&b, node_named(&b, "conv"), "strides", 2.0f);
    expect_error(&b, "node 'conv' (Conv): attribute 'strides' must be INTS, got FLOAT");
    ob_free(&b);

    base(&b, 11);
    ob_attr_ints(&b, node_named(&b, "conv"), "group", 1, OB_DIMS(1));
    expect_error(&b, "attribute 'group' must be INT, got INTS");
    ob_free(&b);

    base(&b, 11);
    ob_attr_ints(&b, node_named(&b, "conv"), "dilations", 2, OB_DIMS(2, 2));
    /* Dilated: the Conv's output shrinks (its 3x3 kernel spans 5x5), which the Gemm after it no longer fits. */
    expect_error(&b, "weight 'fc.weight' is 10x144 (transB=1), which does not fit the input's 64 features");
    ob_free(&b);

    base(&b, 11);
    ob_attr_string(&b, node_named(&b, "conv"), "auto_pad", "SAME");
    expect_error(&b, "attribute 'auto_pad' is 'SAME' (expected NOTSET, VALID, SAME_UPPER or SAME_LOWER)");
    ob_free(&b);

    base(&b, 11);
    attr_named(node_named(&b, "conv"), "kernel_shape")->ints[0] = 5;
    expect_error(&b, "attribute 'kernel_shape' [5, 3] disagrees with the weight's 3x3 kernel");
    ob_free(&b);

    base(&b, 11);
    ob_attr_ints(&b, node_named(&b, "conv"), "pads", 3, OB_DIMS(1, 1, 1));
    expect_error(&b, "attribute 'pads' has 3 values; a 2-D window needs 4");
    ob_free(&b);

    base(&b, 11);
    initializer_named(&b, "conv.weight")->dims[2] = 9;
    initializer_named(&b, "conv.weight")->dims[3] = 9;
    attr_named(node_named(&b, "conv"), "kernel_shape")->n_ints = 0; /* the kernel from the weight */
    attr_named(node_named(&b, "conv"), "kernel_shape")->name = ob_str(&b, "unused");
    expect_error(&b, "node 'conv' (Conv): its 9x9 kernel is larger than the padded 8x8 input");
    ob_free(&b);

    base(&b, 11);
    ob_node(&b, "BatchNormalization", "bn", OB_LIST("y", "fc.bias", "fc.bias", "fc.bias", "conv.bias"),
            OB_LIST("n"));
    b.graph.output[0]->name = ob_str(&b, "n");
    expect_error(&b, "node 'bn' (BatchNormalization): var 'conv.bias' is 4; expected 10 (one per channel)");
    ob_free(&b);
}

/* Pools, shape-only operators and the dims the file states. */
static void shape_errors(void)
{
    onnx_builder b;
    base(&b, 11);
    ob_node(&b, "MaxPool", "pool", OB_LIST("y"), OB_LIST("p"));
    b.graph.output[0]->name = ob_str(&b, "p");
    expect_error(&b, "node 'pool' (MaxPool): expects a 4-D input, got 1x10");
    ob_free(&b);

    ob_init(&b, 11);
    ob_input(&b, "x", 4, OB_DIMS(1, 3, 8, 8));
    Onnx__NodeProto *pool = ob_node(&b, "MaxPool", "pool", OB_LIST("x"), OB_LIST("y"));
    ob_output(&b, "y");
    expect_error(&b, "node 'pool' (MaxPool): attribute 'kernel_shape' is required");
    ob_attr_ints(&b, pool, "kernel_shape", 2, OB_DIMS(2, 2));
    ob_attr_int(&b, pool, "ceil_mode", 2);
    expect_error(&b, "attribute 'ceil_mode' is 2 (expected 0 or 1)");
    ob_free(&b);

    base(&b, 11);
    node_named(&b, "flat")->op_type = ob_str(&b, "Reshape");
    OB_PUSH(&b, node_named(&b, "flat")->input, node_named(&b, "flat")->n_input, ob_str(&b, "shape"));
    ob_ints_initializer(&b, "shape", 2, OB_DIMS(7, -1));
    expect_error(&b, "node 'flat' (Reshape): cannot reshape 1x4x6x6 to [7, -1]");
    initializer_named(&b, "shape")->int64_data[0] = (int64_t)1 << 40; /* products must not overflow (fuzzing) */
    OB_PUSH(&b, initializer_named(&b, "shape")->int64_data, initializer_named(&b, "shape")->n_int64_data,
            (int64_t)1 << 40);
    initializer_named(&b, "shape")->dims[0] = 3;
    expect_error(&b, "node 'flat' (Reshape): cannot reshape 1x4x6x6 to [1099511627776, -1, 1099511627776]");
    initializer_named(&b, "shape")->has_data_location = 1;
    initializer_named(&b, "shape")->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    expect_error(&b, "shape 'shape' is stored in an external data file, which the parser does not read");
    ob_free(&b);

    base(&b, 11); /* the data as the Gemm's second input, a constant as its first */
    node_named(&b, "fc")->input[0] = ob_str(&b, "fc.weight");
    node_named(&b, "fc")->input[1] = ob_str(&b, "f");
    expect_error(&b, "node 'fc' (Gemm): its input 'f' carries the network's data where the parser expects a "
                     "constant");
    ob_free(&b);

    base(&b, 11); /* 6x6x4 flattened, then reshaped to 16 channels of 3x3: another order */
    ob_constant_ints(&b, "shape", 4, OB_DIMS(1, 16, 3, 3));
    node_named(&b, "fc")->input[0] = ob_str(&b, "s");
    ob_node(&b, "Reshape", "unflat", OB_LIST("f", "shape"), OB_LIST("s"));
    initializer_named(&b, "fc.weight")->dims[1] = 16;
    node_named(&b, "fc")->op_type = ob_str(&b, "Conv");
    expect_error(&b, "node 'unflat' (Reshape): reshaping the streamed 6x6x4 (rows x cols x channels) to 1x16x3x3 "
                     "reorders the data");
    ob_free(&b);

    base(&b, 13);
    node_named(&b, "flat")->op_type = ob_str(&b, "Squeeze");
    OB_PUSH(&b, node_named(&b, "flat")->input, node_named(&b, "flat")->n_input, ob_str(&b, "axes"));
    ob_ints_initializer(&b, "axes", 1, OB_DIMS(1));
    expect_error(&b, "node 'flat' (Squeeze): cannot squeeze axis 1 of size 4");
    ob_free(&b);

    base(&b, 11);
    node_named(&b, "conv")->input[0] = ob_str(&b, "f2");
    ob_node(&b, "Flatten", "early", OB_LIST("x"), OB_LIST("f2"));
    expect_error(&b, "node 'conv' (Conv): expects a 4-D input, got 1x192");
    ob_free(&b);

    /* Dims ONNX accepts but the model cannot evaluate exactly: fcn_network_check's message, with the file. */
    ob_init(&b, 11);
    ob_input(&b, "x", 4, OB_DIMS(1, 1024, 16384, 16384));
    ob_conv(&b, "conv", "x", "y", 4096, 1024, 3, 0);
    ob_output(&b, "y");
    expect_error(&b, "bad.onnx: partition 0, layer 'conv': layer is too large to model");
    ob_free(&b);
    expect_bytes_error(NULL, 10, NULL, "bad.onnx: no data (NULL) for 10 bytes");

    base(&b, 11);
    ob_value_info(&b, "c", 4, OB_DIMS(-1, 4, 5, 5));
    expect_error(&b, "node 'conv' (Conv): the file states output 'c' is 1x4x5x5, but it is 1x4x6x6");
    ob_free(&b);
}

/* x (1 x 1 x rows x 1) -> MaxPool (kernel, strides, pads as given) -> y. */
static void pool_model(onnx_builder *b, int64_t rows, int64_t kernel, int64_t stride, int64_t pad_top,
                       int64_t pad_bottom)
{
    ob_init(b, 11);
    ob_input(b, "x", 4, OB_DIMS(1, 1, rows, 1));
    Onnx__NodeProto *pool = ob_node(b, "MaxPool", "pool", OB_LIST("x"), OB_LIST("y"));
    ob_attr_ints(b, pool, "kernel_shape", 2, OB_DIMS(kernel, 1));
    ob_attr_ints(b, pool, "strides", 2, OB_DIMS(stride, 1));
    ob_attr_ints(b, pool, "pads", 4, OB_DIMS(pad_top, 0, pad_bottom, 0));
    ob_output(b, "y");
}

/*
 * Every dim, kernel, stride and pad the parser writes must be one the
 * configuration's reader takes back (at most 2^31 - 1; fuzzing found inputs
 * that parsed into configurations `report` then rejected).
 */
static void config_range_errors(void)
{
    const int64_t max = INT64_C(2147483647), beyond = INT64_C(2147483648);
    onnx_builder b;
    base(&b, 11);
    b.graph.input[0] = ob_value(&b, "x", 4, OB_DIMS(1, 3, beyond, 8));
    expect_error(&b, "bad.onnx: input 'x': dimension 2 is 2147483648, beyond 2147483647, the largest the "
                     "configuration holds");
    ob_free(&b);

    pool_model(&b, 1, 1, 1, 0, INT64_C(3000000000));
    expect_error(&b, "bad.onnx: node 'pool' (MaxPool): attribute 'pads' has the value 3000000000; pads must be in "
                     "0..2147483647");
    ob_free(&b);
    pool_model(&b, 4, 1, beyond, 0, 0);
    expect_error(&b, "node 'pool' (MaxPool): attribute 'strides' has the value 2147483648; it must be in "
                     "1..2147483647");
    ob_free(&b);
    pool_model(&b, 4, beyond, 1, 0, 0);
    expect_error(&b, "node 'pool' (MaxPool): attribute 'kernel_shape' has the value 2147483648; it must be in "
                     "1..2147483647");
    ob_free(&b);
    pool_model(&b, 1, 1, 1, max, max); /* pads in range, but the output is 2^32 - 1 rows */
    expect_error(&b, "bad.onnx: node 'pool' (MaxPool): its output would be 1x1x4294967295x1, a dimension beyond "
                     "2147483647, the largest the configuration holds");
    ob_free(&b);

    /* Padding enlarges the sliding window's buffers beyond what fcn_layer_check sees in the input. */
    ob_init(&b, 11);
    ob_input(&b, "x", 4, OB_DIMS(1, 1048576, 1, 1));
    Onnx__NodeProto *pool = ob_node(&b, "MaxPool", "pool", OB_LIST("x"), OB_LIST("y"));
    ob_attr_ints(&b, pool, "kernel_shape", 2, OB_DIMS(max, max));
    ob_attr_ints(&b, pool, "pads", 4, OB_DIMS(max / 2, max / 2, max / 2, max / 2));
    ob_output(&b, "y");
    expect_error(&b, "bad.onnx: node 'pool' (MaxPool): its 2147483647x2147483647 window over the padded "
                     "2147483647x2147483647x1048576 input is too large to model");
    ob_free(&b);
    ob_init(&b, 11);
    ob_input(&b, "x", 4, OB_DIMS(1, 1, 1, 1));
    Onnx__NodeProto *conv = ob_conv(&b, "conv", "x", "y", 1024, 1, 3, 0);
    ob_attr_ints(&b, conv, "pads", 4, OB_DIMS(1 << 24, 1 << 24, 1 << 24, 1 << 24));
    ob_attr_ints(&b, conv, "strides", 2, OB_DIMS(1 << 24, 1 << 24));
    ob_output(&b, "y");
    expect_error(&b, "bad.onnx: node 'conv' (Conv): its 3x3 window over the padded 33554433x33554433x1 input is too "
                     "large to model");
    ob_free(&b);

    ob_init(&b, 11); /* 2^32 elements are fine, one dim of them is not */
    ob_input(&b, "x", 4, OB_DIMS(1, 2, 65536, 32768));
    ob_node(&b, "Flatten", "flat", OB_LIST("x"), OB_LIST("f"));
    ob_node(&b, "Relu", "relu", OB_LIST("f"), OB_LIST("y"));
    ob_output(&b, "y");
    expect_error(&b, "node 'flat' (Flatten): its output would be 1x4294967296, a dimension beyond 2147483647");
    ob_free(&b);

    base(&b, 11);
    initializer_named(&b, "conv.weight")->dims[0] = beyond;
    expect_error(&b, "bad.onnx: constant 'conv.weight' has invalid dims (negative, more than 8 of them, or beyond "
                     "2147483647, the largest the configuration holds)");
    ob_free(&b);
}

/* The largest dims the configuration holds parse, and the configuration written reads back. */
static void config_range_limit(void)
{
    onnx_builder b;
    pool_model(&b, INT64_C(2147483647), 2, 2, 0, 0);
    size_t size;
    uint8_t *bytes = ob_pack(&b, &size);
    fcn_error err = {{0}};
    fcn_network *net = fcn_onnx_parse_buffer(bytes, size, "limit.onnx", NULL, &err);
    char *json = net ? fcn_network_write_string(net, &err) : NULL;
    fcn_network *again = json ? fcn_network_read_string(json, "limit.json", &err) : NULL;
    CHECK(again != NULL);
    CHECK_INT(again ? again->partitions[0].layers[0].rows : 0, INT64_C(2147483647));
    if (!again)
        fprintf(stderr, "limit: %s\n", err.message);
    fcn_network_free(again);
    free(json);
    fcn_network_free(net);
    free(bytes);
    ob_free(&b);
}

/* Renames a tensor everywhere a node reads it, and the initializer of that name. */
static void rename_tensor(onnx_builder *b, const char *from, const char *to)
{
    for (size_t i = 0; i < b->graph.n_node; i++)
        for (size_t k = 0; k < b->graph.node[i]->n_input; k++)
            if (strcmp(b->graph.node[i]->input[k], from) == 0)
                b->graph.node[i]->input[k] = ob_str(b, to);
    initializer_named(b, from)->name = ob_str(b, to);
}

/*
 * Tensor names become weights_path and bias_path, and the configuration is
 * JSON, which holds only UTF-8: a name that is not is an error when parsing,
 * not when writing. Names in messages show control characters and bytes
 * that are not UTF-8 as '?', even where a message cuts a name.
 */
static void utf8_errors(void)
{
    onnx_builder b;
    base(&b, 11);
    rename_tensor(&b, "conv.weight", "w\xff");
    expect_error(&b, "bad.onnx: node 'conv' (Conv): weight tensor name is not valid UTF-8");
    ob_free(&b);

    const char *bad_names[] = {"b\xc0\xaf" /* overlong '/' */, "b\xed\xa0\x80" /* a surrogate */,
                               "b\xf4\x90\x80\x80" /* beyond U+10FFFF */, "b\xe2\x82" /* cut short */};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        base(&b, 11);
        rename_tensor(&b, "fc.bias", bad_names[i]);
        expect_error(&b, "bad.onnx: node 'fc' (Gemm): bias tensor name is not valid UTF-8");
        ob_free(&b);
    }

    ob_init(&b, 11); /* a Conv without bias takes the folded BatchNormalization's B as its bias */
    ob_input(&b, "x", 4, OB_DIMS(1, 3, 8, 8));
    ob_conv(&b, "conv", "x", "c", 4, 3, 3, 0);
    ob_weight(&b, "bn.\x80", 1, OB_DIMS(4));
    ob_node(&b, "BatchNormalization", "bn", OB_LIST("c", "bn.\x80", "bn.\x80", "bn.\x80", "bn.\x80"),
            OB_LIST("y"));
    ob_output(&b, "y");
    expect_error(&b, "bad.onnx: node 'bn' (BatchNormalization): bias tensor name is not valid UTF-8");
    ob_free(&b);

    base(&b, 11);
    rename_tensor(&b, "conv.weight", "w\xff");
    /* each byte shown as \xNN: a stray byte, a C0 control, NEL (C1), U+2028, the three bytes of a surrogate */
    node_named(&b, "conv")->name = ob_str(&b, "co\xffn\x01v\xc2\x85\xe2\x80\xa8\xed\xa0\x80.\xc3\xa9");
    expect_error(&b, "bad.onnx: node 'co\\xFFn\\x01v\\xC2\\x85\\xE2\\x80\\xA8\\xED\\xA0\\x80.\xc3\xa9' (Conv): weight tensor "
                     "name is not valid UTF-8");
    ob_free(&b);

    char long_name[220]; /* 199 letters and an 'é' that the message cuts after its first byte */
    memset(long_name, 'a', 199);
    snprintf(long_name + 199, sizeof long_name - 199, "\xc3\xa9");
    base(&b, 11);
    node_named(&b, "relu")->input[0] = ob_str(&b, "nowhere");
    node_named(&b, "relu")->name = ob_str(&b, long_name);
    expect_error(&b, "aaaa\\xC3' (Relu): input 'nowhere' is not produced by any node");
    ob_free(&b);
}

/*
 * The layer chain needs each layer's input dims to be its predecessor's
 * output dims: a dropped Reshape that regroups the streamed map is an error at
 * the Reshape, unless an inner product takes the data (it takes any shape)
 * or no layer comes before it (src/onnx/onnx_shapes_stream.c).
 */
static void stream_errors(void)
{
    onnx_builder b;
    ob_init(&b, 13);
    ob_input(&b, "x", 4, OB_DIMS(1, 4, 4, 4));
    ob_conv(&b, "conv", "x", "c", 8, 4, 1, 0);
    ob_ints_initializer(&b, "shape", 4, OB_DIMS(1, 8, 2, 8));
    ob_node(&b, "Reshape", "reshape", OB_LIST("c", "shape"), OB_LIST("r"));
    Onnx__NodeProto *pool = ob_node(&b, "MaxPool", "pool", OB_LIST("r"), OB_LIST("y"));
    ob_attr_ints(&b, pool, "kernel_shape", 2, OB_DIMS(2, 2));
    ob_output(&b, "y");
    expect_error(&b, "bad.onnx: node 'reshape' (Reshape): reshaping the streamed 4x4x8 (rows x cols x channels) to "
                     "1x8x2x8 regroups it as 2x8x8, which the layer chain cannot represent: the next layer, 'pool' "
                     "(MaxPool), must take the 4x4x8 the layer before gives (only an inner product takes any shape)");
    node_named(&b, "pool")->input[0] = ob_str(&b, "i"); /* through more shape-only operators, to a Relu */
    node_named(&b, "pool")->op_type = ob_str(&b, "Relu");
    node_named(&b, "pool")->n_attribute = 0;
    ob_node(&b, "Identity", "id", OB_LIST("r"), OB_LIST("d"));
    ob_node(&b, "Dropout", "drop", OB_LIST("d"), OB_LIST("i"));
    expect_error(&b, "node 'reshape' (Reshape): reshaping the streamed 4x4x8 (rows x cols x channels) to 1x8x2x8 "
                     "regroups it as 2x8x8, which the layer chain cannot represent: the next layer, 'pool' (Relu)");
    ob_free(&b);

    ob_init(&b, 13); /* a vector in effect stays one, but as 1x10x1 */
    ob_input(&b, "x", 2, OB_DIMS(1, 16));
    ob_gemm(&b, "fc", "x", "g", 10, 16);
    ob_ints_initializer(&b, "shape", 4, OB_DIMS(1, 1, 1, 10));
    ob_node(&b, "Reshape", "row", OB_LIST("g", "shape"), OB_LIST("r"));
    ob_conv(&b, "conv", "r", "y", 2, 1, 1, 0);
    ob_output(&b, "y");
    expect_error(&b, "node 'row' (Reshape): reshaping the streamed 1x1x10 (rows x cols x channels) to 1x1x1x10 "
                     "regroups it as 1x10x1, which the layer chain cannot represent: the next layer, 'conv' (Conv), "
                     "must take the 1x1x10 the layer before gives");
    ob_free(&b);
}

/* x (1x3x8x8) -> Conv a (4, 3x3) -> A (1x4x6x6); x -> Conv b (4, k x k) -> B; op(A, B) -> y. */
static void join_base(onnx_builder *b, const char *op, int64_t k)
{
    ob_init(b, 13);
    ob_input(b, "x", 4, OB_DIMS(1, 3, 8, 8));
    ob_conv(b, "a", "x", "A", 4, 3, 3, 0);
    ob_conv(b, "b", "x", "B", 4, 3, k, 0);
    ob_node(b, op, "join", OB_LIST("A", "B"), OB_LIST("y"));
    ob_output(b, "y");
}

/* Joins the hardware cannot make: broadcasting, constant operands, other axes, data from elsewhere. */
static void join_errors(void)
{
    onnx_builder b;
    join_base(&b, "Add", 1);
    expect_error(&b, "bad.onnx: node 'join' (Add): its inputs 'A' (1x4x6x6) and 'B' (1x4x8x8) differ in shape; the "
                     "hardware joins tensors of one shape, without broadcasting");
    ob_free(&b);

    join_base(&b, "Add", 3);
    ob_weight(&b, "offset", 4, OB_DIMS(1, 4, 6, 6)); /* per element: a per-channel one is a BATCH_NORM */
    node_named(&b, "join")->input[1] = ob_str(&b, "offset");
    expect_error(&b, "bad.onnx: 1 unsupported node: join (Add: an Add of a constant is supported only as the bias of "
                     "a MatMul by a constant weight)");
    node_named(&b, "join")->op_type = ob_str(&b, "Mul");
    expect_error(&b, "bad.onnx: 1 unsupported node: join (Mul: an input is a constant; only data tensors can be "
                     "joined)");
    ob_free(&b);

    join_base(&b, "Concat", 3);
    ob_attr_int(&b, node_named(&b, "join"), "axis", 2);
    expect_error(&b, "bad.onnx: node 'join' (Concat): concatenates 1x4x6x6 along axis 2; the hardware concatenates "
                     "only channels (axis 1 of an NCHW map or of a vector)");
    attr_named(node_named(&b, "join"), "axis")->i = -1;
    expect_error(&b, "node 'join' (Concat): concatenates 1x4x6x6 along axis 3");
    attr_named(node_named(&b, "join"), "axis")->i = 4;
    expect_error(&b, "node 'join' (Concat): attribute 'axis' is 4, outside -4..3");
    attr_named(node_named(&b, "join"), "axis")->name = ob_str(&b, "axes");
    expect_error(&b, "node 'join' (Concat): attribute 'axis' is required");
    ob_free(&b);

    join_base(&b, "Concat", 1);
    ob_attr_int(&b, node_named(&b, "join"), "axis", 1);
    expect_error(&b, "node 'join' (Concat): its inputs 'A' (1x4x6x6) and 'B' (1x4x8x8) differ in more than their "
                     "channels");
    ob_free(&b);

    join_base(&b, "Add", 3); /* B computed from constants alone: not the network's data */
    ob_weight(&b, "k", 4, OB_DIMS(1, 4, 6, 6));
    ob_node(&b, "Relu", "off_path", OB_LIST("k"), OB_LIST("K"));
    node_named(&b, "join")->input[1] = ob_str(&b, "K");
    expect_error(&b, "bad.onnx: node 'join' (Add): its input 'A' comes from the network input but 'K' does not; "
                     "every input of a join must carry the network's data");
    ob_free(&b);
}

/* A pool of x (1x3x6x6) with the given op, kernel and pads. */
static void average_base(onnx_builder *b, int64_t k, int64_t pad)
{
    ob_init(b, 13);
    ob_input(b, "x", 4, OB_DIMS(1, 3, 6, 6));
    Onnx__NodeProto *avg = ob_node(b, "AveragePool", "avg", OB_LIST("x"), OB_LIST("y"));
    ob_attr_ints(b, avg, "kernel_shape", 2, OB_DIMS(k, k));
    ob_attr_ints(b, avg, "pads", 4, OB_DIMS(pad, pad, pad, pad));
    ob_output(b, "y");
}

/* AveragePool other than over the whole map or one element; Clip bounds that are not constant numbers. */
static void average_and_clip_errors(void)
{
    onnx_builder b;
    /* Windowed averages are POOLING layers now (tests/test_onnx_layers2d.c). */
    average_base(&b, 9, 1);
    expect_error(&b, "node 'avg' (AveragePool): its 9x9 kernel is larger than the padded 8x8 input");
    ob_free(&b);

    ob_init(&b, 13);
    ob_input(&b, "x", 4, OB_DIMS(1, 3, 6, 6));
    ob_node(&b, "Relu", "relu", OB_LIST("x"), OB_LIST("r"));
    ob_node(&b, "Clip", "clip", OB_LIST("x", "r"), OB_LIST("y"));
    ob_output(&b, "y");
    expect_error(&b, "bad.onnx: 1 unsupported node: clip (Clip: its min and max must be constants)");
    ob_weight(&b, "low", 0, NULL);
    node_named(&b, "clip")->input[1] = ob_str(&b, "low");
    expect_error(&b, "bad.onnx: node 'clip' (Clip): min 'low' is stored in an external data file, which the parser "
                     "does not read");
    ob_weight(&b, "pair", 1, OB_DIMS(2));
    node_named(&b, "clip")->input[1] = ob_str(&b, "pair");
    expect_error(&b, "node 'clip' (Clip): min 'pair' must be a single value");
    ob_ints_initializer(&b, "six", 1, OB_DIMS(6));
    node_named(&b, "clip")->input[1] = ob_str(&b, "");
    OB_PUSH(&b, node_named(&b, "clip")->input, node_named(&b, "clip")->n_input, ob_str(&b, "six"));
    Onnx__TensorProto *nan = ob_tensor(&b, "nan", 0, NULL);
    OB_PUSH(&b, nan->float_data, nan->n_float_data, NAN);
    OB_PUSH(&b, b.graph.initializer, b.graph.n_initializer, nan);
    node_named(&b, "clip")->input[1] = ob_str(&b, "nan");
    expect_error(&b, "node 'clip' (Clip): its min is not a number");
    ob_free(&b);
}

/* Fan-out beyond a SPLIT's ports; a regrouping reshape read by several nodes; one tensor read as two shapes. */
static void branch_errors(void)
{
    onnx_builder b;
    ob_init(&b, 13);
    ob_input(&b, "x", 4, OB_DIMS(1, 3, 6, 6));
    for (int i = 0; i < FCN_MAX_PORTS + 1; i++) {
        char name[16];
        snprintf(name, sizeof name, "r%d", i);
        ob_node(&b, "Relu", name, OB_LIST("x"), OB_LIST(name));
        ob_output(&b, name);
    }
    expect_error(&b, "bad.onnx: input 'x' is read by 65 layer inputs; a SPLIT has at most 64 outputs");
    ob_conv(&b, "conv", "x", "c", 3, 3, 1, 0);
    for (size_t i = 0; i < b.graph.n_node - 1; i++)
        b.graph.node[i]->input[0] = ob_str(&b, "c");
    expect_error(&b, "bad.onnx: node 'conv' (Conv): its output is read by 65 layer inputs; a SPLIT has at most 64 "
                     "outputs");
    ob_free(&b);

    ob_init(&b, 13);
    ob_input(&b, "x", 4, OB_DIMS(1, 3, 6, 6));
    ob_conv(&b, "conv", "x", "c", 4, 3, 1, 0);
    ob_ints_initializer(&b, "shape", 4, OB_DIMS(1, 4, 3, 12));
    ob_node(&b, "Reshape", "reshape", OB_LIST("c", "shape"), OB_LIST("s"));
    ob_node(&b, "Relu", "r1", OB_LIST("s"), OB_LIST("y1"));
    ob_node(&b, "Relu", "r2", OB_LIST("s"), OB_LIST("y2"));
    ob_output(&b, "y1");
    ob_output(&b, "y2");
    expect_error(&b, "bad.onnx: node 'reshape' (Reshape): reshaping the streamed 6x6x4 (rows x cols x channels) to "
                     "1x4x3x12 feeds several nodes, which must all take the 6x6x4 the layer before gives");
    node_named(&b, "reshape")->input[0] = ob_str(&b, "x"); /* before any layer: the reshape is the input's dims */
    node_named(&b, "conv")->input[0] = ob_str(&b, "x");
    ob_ints_initializer(&b, "shape3", 4, OB_DIMS(1, 3, 3, 12));
    node_named(&b, "reshape")->input[1] = ob_str(&b, "shape3");
    node_named(&b, "r2")->input[0] = ob_str(&b, "x");
    expect_error(&b, "bad.onnx: node 'r1' (Relu): reads 's' as 3x12x3 (rows x cols x channels) where another layer "
                     "reads it as 6x6x3");
    ob_free(&b);
}

int main(void)
{
    not_onnx();
    mutations();
    model_errors();
    graph_errors();
    unsupported();
    operator_errors();
    shape_errors();
    config_range_errors();
    config_range_limit();
    utf8_errors();
    stream_errors();
    join_errors();
    average_and_clip_errors();
    branch_errors();
    return check_summary("test_onnx_errors");
}
