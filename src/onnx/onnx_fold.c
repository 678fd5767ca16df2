/*
 * Size arithmetic evaluated at parse time. Exporters compute sizes from the
 * data's dims (Shape -> Gather/Slice -> Concat -> Resize's sizes; Reshape
 * targets; constants not folded by the exporter); ONNX's shape inference
 * evaluates them, and so does the parser: a node whose inputs are all
 * constants (or a Shape of a tensor of known dims) is evaluated here, in
 * topological order with the data path's inference (src/onnx/onnx_shapes.c), and
 * its output becomes a constant the graph owns. Such nodes are neither
 * layers nor unsupported; only a result that reaches the data path as data
 * is an error (there, as any constant is).
 *
 * Values are int64 or double (ONNX's types reduced to integer or real); the
 * batch dim of the network's data is 1, as everywhere in the parser. Sizes
 * are small: a constant of more than FOLD_MAX_ELEMENTS values is not read.
 */
#include <string.h>

#include "onnx_fold.h"
#include "onnx_fold_value.h"
#include "onnx_ops.h"
#include "onnx_shapes.h"

/* ---------------------------------------------------------------- the table */

typedef enum fold_kind {
    F_SHAPE, F_GATHER, F_SLICE, F_CONCAT, F_UNSQUEEZE, F_SQUEEZE, F_RESHAPE, F_FLATTEN, F_IDENTITY, F_CAST,
    F_BINARY, F_VARIADIC, F_WHERE, F_UNARY, F_CONSTANT_OF_SHAPE, F_EXPAND, F_RANGE
} fold_kind;

static const struct fold_entry {
    const char *op;
    fold_kind kind;
    int arg; /* the binary_op or unary_op */
} fold_table[] = {
    {"Shape", F_SHAPE, 0},       {"Gather", F_GATHER, 0},   {"Slice", F_SLICE, 0},
    {"Concat", F_CONCAT, 0},     {"Unsqueeze", F_UNSQUEEZE, 0}, {"Squeeze", F_SQUEEZE, 0},
    {"Reshape", F_RESHAPE, 0},   {"Flatten", F_FLATTEN, 0}, {"Identity", F_IDENTITY, 0},
    {"Cast", F_CAST, 0},         {"Add", F_BINARY, ADD},    {"Sub", F_BINARY, SUB},
    {"Mul", F_BINARY, MUL},      {"Div", F_BINARY, DIV},    {"Pow", F_BINARY, POW},
    {"Mod", F_BINARY, MOD},      {"Equal", F_BINARY, EQUAL}, {"Less", F_BINARY, LESS},
    {"Greater", F_BINARY, GREATER}, {"Sum", F_VARIADIC, ADD}, {"Max", F_VARIADIC, MAX},
    {"Min", F_VARIADIC, MIN},    {"Where", F_WHERE, 0},     {"Floor", F_UNARY, FLOOR},
    {"Ceil", F_UNARY, CEIL},     {"Sqrt", F_UNARY, SQRT},   {"Neg", F_UNARY, NEG},
    {"Abs", F_UNARY, ABS},       {"Reciprocal", F_UNARY, RECIPROCAL},
    {"ConstantOfShape", F_CONSTANT_OF_SHAPE, 0}, {"Expand", F_EXPAND, 0}, {"Range", F_RANGE, 0},
};

static const struct fold_entry *find_fold(const onnx_graph *g, int node)
{
    const onnx_node *n = &g->nodes[node];
    if (!onnx_default_domain(n->proto))
        return NULL;
    for (size_t i = 0; i < sizeof fold_table / sizeof fold_table[0]; i++)
        if (strcmp(fold_table[i].op, n->op) == 0)
            return &fold_table[i];
    return NULL;
}

int onnx_fold_knows(const onnx_graph *g, int node)
{
    return find_fold(g, node) != NULL;
}

/* The minimum inputs each kind reads (the rest are optional). */
static int required_inputs(fold_kind kind)
{
    switch (kind) {
    case F_SHAPE: case F_CONCAT: case F_UNSQUEEZE: case F_SQUEEZE: case F_FLATTEN: case F_IDENTITY: case F_CAST:
    case F_VARIADIC: case F_UNARY: case F_CONSTANT_OF_SHAPE: case F_SLICE: return 1;
    case F_GATHER: case F_RESHAPE: case F_BINARY: case F_EXPAND: return 2;
    case F_WHERE: case F_RANGE: return 3;
    }
    return 1;
}

static int evaluate(fold_state *f, const struct fold_entry *e)
{
    switch (e->kind) {
    case F_SHAPE: return fold_shape(f);
    case F_GATHER: return fold_gather(f);
    case F_SLICE: return fold_slice(f);
    case F_CONCAT: return fold_concat(f);
    case F_UNSQUEEZE: return fold_unsqueeze(f, 0);
    case F_SQUEEZE: return fold_unsqueeze(f, 1);
    case F_RESHAPE: return fold_reshape(f);
    case F_FLATTEN: return fold_flatten(f);
    case F_IDENTITY: return fold_same_values(f, &f->in[0].shape);
    case F_CAST: return fold_cast(f);
    case F_BINARY: return fold_binary(f, (binary_op)e->arg);
    case F_VARIADIC: return fold_variadic(f, (binary_op)e->arg);
    case F_WHERE: return fold_where(f);
    case F_UNARY: return fold_unary(f, (unary_op)e->arg);
    case F_CONSTANT_OF_SHAPE: return fold_constant_of_shape(f);
    case F_EXPAND: return fold_expand(f);
    case F_RANGE: return fold_range(f);
    }
    return 0;
}

/* Reads the inputs' values: 0, or 1 when some input is not a readable constant. Shape reads only dims. */
static int read_inputs(fold_state *f, const struct fold_entry *e)
{
    const onnx_node *n = &f->g->nodes[f->node];
    if (n->input_count < required_inputs(e->kind) || n->input_count > FOLD_MAX_INPUTS)
        return 1;
    f->inputs = n->input_count;
    if (e->kind == F_SHAPE) {
        int t = n->inputs[0];
        return t >= 0 && onnx_shape_of(f->g, t) && !f->g->tensors[t].blocked ? 0 : 1;
    }
    for (int k = 0; k < n->input_count; k++) {
        int t = n->inputs[k];
        if (t < 0) {
            if (k < required_inputs(e->kind))
                return 1;
            continue;
        }
        int rc = fold_read_constant(f->g, t, &f->in[k]);
        if (rc)
            return 1;
        f->present[k] = 1;
    }
    return 0;
}

int onnx_fold_node(onnx_graph *g, int node, fcn_error *err)
{
    const struct fold_entry *e = find_fold(g, node);
    const onnx_node *n = &g->nodes[node];
    if (!e || n->output_count < 1 || n->outputs[0] < 0)
        return 0;
    fold_state f = {.g = g, .node = node, .err = err};
    int rc = read_inputs(&f, e);
    if (rc == 0) {
        rc = evaluate(&f, e) ? -1 : fold_store_output(&f) ? -1 : 1;
    } else {
        rc = 0;
    }
    for (int k = 0; k < FOLD_MAX_INPUTS; k++)
        fold_value_free(&f.in[k]);
    fold_value_free(&f.out);
    return rc;
}
