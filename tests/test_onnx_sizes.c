/*
 * Size arithmetic evaluated at parse time (src/onnx/onnx_fold.c) and Resize /
 * Upsample (src/onnx/onnx_shapes_resize.c) on small models built in C; the one
 * message that lists every failing node; --list-ops marking the nodes that
 * fail.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#include <unistd.h>

#include "onnx_fold.h"
#include "onnx_load.h"
#include "onnx_ops.h"
#include "onnx_parse_util.h"
#include "onnx_shapes.h"

static void expect_error(const onnx_builder *b, const char *part)
{
    expect_parse_error(b, "test.onnx", part);
}

/* A Constant node giving an INT64 scalar. */
static void scalar_constant(onnx_builder *b, const char *output, int64_t value)
{
    Onnx__NodeProto *n = ob_constant_ints(b, output, 1, OB_DIMS(value));
    n->attribute[0]->t->n_dims = 0;
}

/*
 * fcn_resnet50's sizes, not folded by the exporter: Shape(c)[0:2] joined
 * with (H x 2) twice, through Gather, Mul, Unsqueeze, Concat and Cast, as
 * Resize's sizes: 8x8 -> 16x16, a factor of 2, bilinear.
 */
static void resize_by_computed_sizes(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    conv_base(&b, 11);
    ob_node(&b, "Shape", "shape", OB_LIST("c"), OB_LIST("s"));
    ob_ints_initializer(&b, "zero", 1, OB_DIMS(0));
    ob_ints_initializer(&b, "two", 1, OB_DIMS(2));
    ob_node(&b, "Slice", "slice", OB_LIST("s", "zero", "two", "zero"), OB_LIST("nc"));
    scalar_constant(&b, "index", 2);
    ob_node(&b, "Gather", "gather", OB_LIST("s", "index"), OB_LIST("h"));
    ob_node(&b, "Mul", "twice", OB_LIST("h", "two_scalar"), OB_LIST("h2"));
    scalar_constant(&b, "two_scalar", 2); /* listed after its reader: the walk is topological */
    ob_attr_ints(&b, ob_node(&b, "Unsqueeze", "unsq", OB_LIST("h2"), OB_LIST("h2v")), "axes", 1, OB_DIMS(0));
    ob_attr_int(&b, ob_node(&b, "Concat", "hw", OB_LIST("h2v", "h2v"), OB_LIST("hw")), "axis", 0);
    ob_attr_int(&b, ob_node(&b, "Cast", "cast", OB_LIST("hw"), OB_LIST("hw64")), "to", 7);
    ob_attr_int(&b, ob_node(&b, "Concat", "sizes", OB_LIST("nc", "hw64"), OB_LIST("sz")), "axis", 0);
    Onnx__NodeProto *up = ob_node(&b, "Resize", "up", OB_LIST("c", "", "", "sz"), OB_LIST("y"));
    ob_attr_string(&b, up, "mode", "linear");
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 2);
    CHECK_INT(layer_at(net, 1)->type, FCN_RESIZE);
    CHECK_DIMS(layer_at(net, 1), 8, 8, 4);
    CHECK_INT(layer_at(net, 1)->scale[0], 2);
    CHECK_INT(layer_at(net, 1)->scale[1], 2);
    CHECK_INT(layer_at(net, 1)->resize_mode, FCN_RESIZE_BILINEAR);
    fcn_network_free(net);
    ob_free(&b);
}

/* Resize's scales (opset 13, nearest) and Upsample's (opset 9 input, opset 7 attribute). */
static void resize_by_scales(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    conv_base(&b, 13);
    ob_floats_initializer(&b, "scales", 4, (const float[]){1, 1, 3, 2});
    ob_node(&b, "Resize", "up", OB_LIST("c", "", "scales"), OB_LIST("y"));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_count(net), 2);
    CHECK_INT(layer_at(net, 1)->scale[0], 3);
    CHECK_INT(layer_at(net, 1)->scale[1], 2);
    CHECK_INT(layer_at(net, 1)->resize_mode, FCN_RESIZE_NEAREST);
    fcn_network_free(net);
    ob_free(&b);

    conv_base(&b, 10); /* Resize of opset 10: X, scales */
    ob_floats_initializer(&b, "scales", 4, (const float[]){1, 1, 2, 5});
    ob_node(&b, "Resize", "up", OB_LIST("c", "scales"), OB_LIST("y"));
    ob_output(&b, "y");
    net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_at(net, 1)->scale[0], 2);
    CHECK_INT(layer_at(net, 1)->scale[1], 5);
    fcn_network_free(net);
    ob_free(&b);

    conv_base(&b, 9);
    ob_floats_initializer(&b, "scales", 4, (const float[]){1, 1, 2, 2});
    ob_node(&b, "Upsample", "up", OB_LIST("c", "scales"), OB_LIST("y"));
    ob_output(&b, "y");
    net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_at(net, 1)->type, FCN_RESIZE);
    CHECK_INT(layer_at(net, 1)->scale[0], 2);
    fcn_network_free(net);
    ob_free(&b);

    conv_base(&b, 7);
    Onnx__NodeProto *up = ob_node(&b, "Upsample", "up", OB_LIST("c"), OB_LIST("y"));
    Onnx__AttributeProto *a = ob_attr(&b, up, "scales", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
    for (int i = 0; i < 4; i++)
        OB_PUSH(&b, a->floats, a->n_floats, i < 2 ? 1.0f : 4.0f);
    ob_output(&b, "y");
    net = parse_built(&b, NULL, &err);
    CHECK_INT(layer_at(net, 1)->scale[1], 4);
    fcn_network_free(net);
    ob_free(&b);
}

/* DeepLabV3's pooling branch: a 1x1 map resized to the 8x8 of the map beside it (sizes from Shape). */
static void resize_from_one_pixel(void)
{
    onnx_builder b;
    fcn_error err = {{0}};
    conv_base(&b, 11);
    ob_node(&b, "GlobalAveragePool", "pool", OB_LIST("c"), OB_LIST("p"));
    ob_node(&b, "Shape", "shape", OB_LIST("c"), OB_LIST("s"));
    ob_node(&b, "Resize", "up", OB_LIST("p", "", "", "s"), OB_LIST("u"));
    ob_node(&b, "Add", "join", OB_LIST("c", "u"), OB_LIST("y"));
    ob_output(&b, "y");
    fcn_network *net = parse_built(&b, NULL, &err);
    /* conv, split, pool, resize, add */
    CHECK_INT(layer_count(net), 5);
    CHECK_INT(layer_at(net, 3)->type, FCN_RESIZE);
    CHECK_DIMS(layer_at(net, 3), 1, 1, 4);
    CHECK_INT(layer_at(net, 3)->scale[0], 8);
    CHECK_INT(layer_at(net, 3)->scale[1], 8);
    CHECK_INT(layer_at(net, 4)->eltwise_broadcast, 0);
    fcn_network_free(net);
    ob_free(&b);
}

/* The values the parse computed for tensor `name` (the graph is walked as fcn_onnx_parse does). */
static int computed(const onnx_builder *b, const char *name, double *out, size_t max)
{
    size_t size, count = 0;
    uint8_t *bytes = ob_pack(b, &size);
    onnx_model m;
    onnx_graph g;
    fcn_error err = {{0}};
    memset(&g, 0, sizeof g);
    int ok = onnx_model_unpack(bytes, size, "test.onnx", &m, &err) == 0;
    if (ok && (onnx_graph_build(&g, m.proto->graph, m.opset, "test.onnx", 1, &err) || onnx_graph_sort(&g, &err) ||
               onnx_classify(&g, 0, &err) || onnx_infer_shapes(&g, 0, &err)))
        fprintf(stderr, "parse failed: %s\n", err.message);
    int t = ok ? onnx_graph_find(&g, name) : -1;
    int read = t >= 0 && onnx_constant_numbers(&g, t, out, max, &count) == 0;
    onnx_graph_release(&g);
    if (ok)
        onnx_model_release(&m);
    free(bytes);
    return read ? (int)count : -1;
}

#define CHECK_VALUES(b, name, ...)                                                    \
    do {                                                                              \
        const double want_[] = {__VA_ARGS__};                                         \
        double got_[16] = {0};                                                        \
        int n_ = (int)(sizeof want_ / sizeof want_[0]);                               \
        CHECK_INT(computed((b), (name), got_, 16), n_);                               \
        for (int i_ = 0; i_ < n_; i_++)                                               \
            CHECK(got_[i_] == want_[i_]);                                             \
    } while (0)

/* Arithmetic the evaluator covers, each value hand-checked; the data path (a Conv) parses beside it. */
static void evaluated_arithmetic(void)
{
    onnx_builder b;
    conv_base(&b, 13);
    ob_output(&b, "c");
    ob_node(&b, "Shape", "shape", OB_LIST("c"), OB_LIST("s"));               /* [1, 4, 8, 8] */
    ob_ints_initializer(&b, "k", 1, OB_DIMS(3));
    ob_node(&b, "Div", "div", OB_LIST("s", "k"), OB_LIST("q"));               /* [0, 1, 2, 2]: truncated */
    ob_node(&b, "Sub", "sub", OB_LIST("s", "q"), OB_LIST("r"));               /* [1, 3, 6, 6] */
    ob_ints_initializer(&b, "six", 1, OB_DIMS(6));
    ob_node(&b, "Equal", "eq", OB_LIST("r", "six"), OB_LIST("is6"));          /* [0, 0, 1, 1] */
    ob_node(&b, "Where", "where", OB_LIST("is6", "s", "r"), OB_LIST("w"));    /* [1, 3, 8, 8] */
    ob_ints_initializer(&b, "starts", 1, OB_DIMS(-3));
    ob_ints_initializer(&b, "ends", 1, OB_DIMS(INT64_MAX));
    ob_node(&b, "Slice", "tail", OB_LIST("w", "starts", "ends"), OB_LIST("t")); /* [3, 8, 8] */
    scalar_constant(&b, "zero", 0);
    scalar_constant(&b, "five", 5);
    scalar_constant(&b, "two", 2);
    ob_node(&b, "Range", "range", OB_LIST("zero", "five", "two"), OB_LIST("seq")); /* [0, 2, 4] */
    ob_ints_initializer(&b, "three", 1, OB_DIMS(3));
    ob_node(&b, "ConstantOfShape", "zeros", OB_LIST("three"), OB_LIST("z"));  /* float [0, 0, 0] */
    ob_ints_initializer(&b, "two_by_three", 2, OB_DIMS(2, 3));
    ob_node(&b, "Expand", "expand", OB_LIST("seq", "two_by_three"), OB_LIST("e")); /* 2x3: [0, 2, 4, 0, 2, 4] */
    ob_attr_int(&b, ob_node(&b, "Cast", "cast", OB_LIST("seq"), OB_LIST("seqf")), "to", 1);
    ob_node(&b, "Add", "add", OB_LIST("z", "seqf"), OB_LIST("sum"));          /* [0, 2, 4] */
    ob_node(&b, "Sqrt", "sqrt", OB_LIST("sum"), OB_LIST("root"));            /* [0, 1.41.., 2] */
    ob_node(&b, "Ceil", "ceil", OB_LIST("root"), OB_LIST("up"));             /* [0, 2, 2] */
    ob_ints_initializer(&b, "shape_3x2", 2, OB_DIMS(3, -1));
    ob_node(&b, "Reshape", "rs", OB_LIST("e", "shape_3x2"), OB_LIST("e32"));  /* 3x2 */
    scalar_constant(&b, "one", 1);
    ob_attr_int(&b, ob_node(&b, "Gather", "col", OB_LIST("e32", "one"), OB_LIST("g")), "axis", 1); /* [2, 0, 4] */
    ob_attr_int(&b, ob_node(&b, "Concat", "cat", OB_LIST("g", "t"), OB_LIST("cat")), "axis", 0);
    ob_attr_ints(&b, ob_node(&b, "Squeeze", "sq", OB_LIST("cat"), OB_LIST("sq")), "axes", 0, NULL);
    ob_node(&b, "Shape", "input_shape", OB_LIST("x"), OB_LIST("xs")); /* the input's batch "N" is 1 */
    Onnx__NodeProto *part = ob_node(&b, "Shape", "input_hw", OB_LIST("x"), OB_LIST("xhw"));
    ob_attr_int(&b, part, "start", -2);                               /* opset 15's start: [8, 8] */
    CHECK_VALUES(&b, "xs", 1, 3, 8, 8);
    CHECK_VALUES(&b, "xhw", 8, 8);
    CHECK_VALUES(&b, "s", 1, 4, 8, 8);
    CHECK_VALUES(&b, "q", 0, 1, 2, 2);
    CHECK_VALUES(&b, "r", 1, 3, 6, 6);
    CHECK_VALUES(&b, "is6", 0, 0, 1, 1);
    CHECK_VALUES(&b, "w", 1, 3, 8, 8);
    CHECK_VALUES(&b, "t", 3, 8, 8);
    CHECK_VALUES(&b, "seq", 0, 2, 4);
    CHECK_VALUES(&b, "e", 0, 2, 4, 0, 2, 4);
    CHECK_VALUES(&b, "sum", 0, 2, 4);
    CHECK_VALUES(&b, "up", 0, 2, 2);
    CHECK_VALUES(&b, "g", 2, 0, 4);
    CHECK_VALUES(&b, "cat", 2, 0, 4, 3, 8, 8);
    CHECK_VALUES(&b, "sq", 2, 0, 4, 3, 8, 8);
    ob_free(&b);
}

/* Errors: a fold that cannot be evaluated, scales that are not whole, a downsample, a mode, a constant as data. */
static void size_errors(void)
{
    onnx_builder b;
    conv_base(&b, 11);
    ob_node(&b, "Shape", "shape", OB_LIST("c"), OB_LIST("s"));
    ob_ints_initializer(&b, "nine", 1, OB_DIMS(9));
    ob_node(&b, "Gather", "g", OB_LIST("s", "nine"), OB_LIST("h"));
    ob_node(&b, "Reshape", "r", OB_LIST("c", "h"), OB_LIST("y"));
    ob_output(&b, "y");
    expect_error(&b, "test.onnx: node 'g' (Gather): an index is out of range");
    ob_free(&b);

    conv_base(&b, 13);
    ob_output(&b, "c");
    ob_node(&b, "Shape", "shape", OB_LIST("c"), OB_LIST("s"));
    ob_ints_initializer(&b, "zero", 1, OB_DIMS(0));
    ob_node(&b, "Div", "div", OB_LIST("s", "zero"), OB_LIST("q"));
    /* What follows from the size it could not compute (an unsupported-looking Gather, a Reshape) is not reported. */
    ob_node(&b, "Gather", "g", OB_LIST("q", "zero"), OB_LIST("qg"));
    ob_node(&b, "Reshape", "r", OB_LIST("c", "qg"), OB_LIST("y"));
    ob_output(&b, "y");
    expect_error(&b, "test.onnx: node 'div' (Div): its integer arithmetic overflows or divides by zero");
    ob_free(&b);

    conv_base(&b, 13);
    ob_floats_initializer(&b, "scales", 4, (const float[]){1, 1, 1.5f, 1.5f});
    ob_node(&b, "Resize", "up", OB_LIST("c", "", "scales"), OB_LIST("y"));
    ob_output(&b, "y");
    expect_error(&b, "test.onnx: node 'up' (Resize): resizes 1x4x8x8 to 1x4x12x12; only an upsample of the rows and "
                     "columns by whole factors is supported");
    ob_free(&b);

    conv_base(&b, 13);
    ob_floats_initializer(&b, "scales", 4, (const float[]){1, 1, 0.5f, 0.5f});
    ob_node(&b, "Resize", "up", OB_LIST("c", "", "scales"), OB_LIST("y"));
    ob_output(&b, "y");
    expect_error(&b, "node 'up' (Resize): resizes 1x4x8x8 to 1x4x4x4");
    ob_free(&b);

    conv_base(&b, 13);
    ob_floats_initializer(&b, "scales", 4, (const float[]){1, 1, 2, 2});
    ob_attr_string(&b, ob_node(&b, "Resize", "up", OB_LIST("c", "", "scales"), OB_LIST("y")), "mode", "cubic");
    ob_output(&b, "y");
    expect_error(&b, "node 'up' (Resize): mode 'cubic' is not supported (nearest or linear)");
    ob_free(&b);

    conv_base(&b, 13);
    ob_node(&b, "Resize", "up", OB_LIST("c", "", "x"), OB_LIST("y"));
    ob_output(&b, "y");
    expect_error(&b, "test.onnx: 1 unsupported node: up (Resize: its inputs after the first must be constants");
    ob_free(&b);

    /* A computed size that reaches the data path as data is an error there, as any constant is. */
    conv_base(&b, 13);
    ob_node(&b, "Shape", "shape", OB_LIST("c"), OB_LIST("s"));
    ob_node(&b, "Cast", "cast", OB_LIST("s"), OB_LIST("sf"));
    ob_attr_int(&b, ob_node(&b, "Concat", "cat", OB_LIST("c", "sf"), OB_LIST("y")), "axis", 1);
    ob_output(&b, "y");
    expect_error(&b, "test.onnx: 1 unsupported node: cat (Concat: an input is a constant; only data tensors can be "
                     "joined)");
    ob_free(&b);
}

/*
 * Every failing node in one line: a Resize whose factor is not whole, an
 * unsupported operator on another branch; the nodes after the Resize
 * (a Relu, and the sizes computed from its output) are not reported.
 */
static void one_line_for_all(void)
{
    onnx_builder b;
    conv_base(&b, 13);
    ob_floats_initializer(&b, "scales", 4, (const float[]){1, 1, 1.5f, 1.5f});
    ob_node(&b, "Resize", "up", OB_LIST("c", "", "scales"), OB_LIST("u"));
    ob_node(&b, "Relu", "relu", OB_LIST("u"), OB_LIST("r"));
    ob_node(&b, "Shape", "shape", OB_LIST("r"), OB_LIST("s"));
    ob_node(&b, "Reshape", "flat", OB_LIST("r", "s"), OB_LIST("y1"));
    ob_node(&b, "Erf", "erf", OB_LIST("c"), OB_LIST("e"));
    ob_node(&b, "MatMul", "mm", OB_LIST("e", "e"), OB_LIST("y2"));
    ob_output(&b, "y1");
    ob_output(&b, "y2");
    expect_error(&b, "test.onnx: 3 unsupported nodes: up (Resize: resizes 1x4x8x8 to 1x4x12x12; only an upsample of "
                     "the rows and columns by whole factors is supported), erf (Erf), mm (MatMul: only a MatMul by a "
                     "constant weight is supported)");

    /* --list-ops runs the same checks: the Resize is marked unsupported, the Shape evaluated. */
    char path[] = "/tmp/test_onnx_sizes_XXXXXX";
    int fd = mkstemp(path);
    size_t size;
    uint8_t *bytes = ob_pack(&b, &size);
    CHECK(fd >= 0 && write(fd, bytes, size) == (ssize_t)size);
    if (fd >= 0)
        close(fd);
    free(bytes);
    fcn_onnx_op *ops = NULL;
    int count = 0, seen = 0;
    fcn_error err = {{0}};
    CHECK(fcn_onnx_list_ops(path, &ops, &count, &err) == 0);
    for (int i = 0; i < count; i++) {
        if (strcmp(ops[i].op_type, "Resize") == 0)
            seen += !ops[i].supported && strcmp(ops[i].becomes, "unsupported") == 0;
        if (strcmp(ops[i].op_type, "Conv") == 0)
            seen += ops[i].supported;
        if (strcmp(ops[i].op_type, "Shape") == 0)
            seen += ops[i].supported && strcmp(ops[i].becomes, "evaluated (size arithmetic)") == 0;
    }
    CHECK_INT(seen, 3);
    free(ops);
    unlink(path);
    ob_free(&b);
}

int main(void)
{
    resize_by_computed_sizes();
    resize_by_scales();
    resize_from_one_pixel();
    evaluated_arithmetic();
    size_errors();
    one_line_for_all();
    return check_summary("test_onnx_sizes");
}
