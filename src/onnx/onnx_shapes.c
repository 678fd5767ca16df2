/*
 * Shape inference along the data path: the network input's dims (batch set
 * to 1), then each node in topological order. Besides ONNX's NCHW dims each
 * data tensor carries the dims the hardware streams (rows, cols, channels;
 * src/onnx/onnx_shapes_stream.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "onnx_attrs.h"
#include "onnx_fold.h"
#include "onnx_ops.h"
#include "onnx_patterns.h"
#include "onnx_quant.h"
#include "onnx_shapes.h"

typedef int (*infer_fn)(onnx_graph *g, int node, fcn_error *err);

static const struct {
    const char *op;
    infer_fn infer;
    int elementwise_only; /* inferred only for the all-nodes check: the hardware does not implement it */
} infer_table[] = {
    {"Conv", onnx_infer_conv, 0},
    {"MaxPool", onnx_infer_pool, 0},
    {"AveragePool", onnx_infer_average_pool, 0},
    {"GlobalAveragePool", onnx_infer_global_pool, 0},
    {"GlobalMaxPool", onnx_infer_global_pool, 0},
    {"Gemm", onnx_infer_gemm, 0},
    {"MatMul", onnx_infer_matmul, 0},
    {"BatchNormalization", onnx_infer_batch_norm, 0},
    {"Relu", onnx_infer_same, 0},
    {"Sigmoid", onnx_infer_same, 0},
    {"HardSigmoid", onnx_infer_same, 0},
    {"HardSwish", onnx_infer_same, 0},
    {"Clip", onnx_infer_clip, 0},
    {"Concat", onnx_infer_concat, 0},
    {"Dropout", onnx_infer_same, 0},
    {"Identity", onnx_infer_same, 0},
    {"Cast", onnx_infer_same, 0},
    {"Softmax", onnx_infer_same, 0},
    {"LogSoftmax", onnx_infer_same, 0},
    {"LRN", onnx_infer_same, 0},
    {"Flatten", onnx_infer_flatten, 0},
    {"Reshape", onnx_infer_reshape, 0},
    {"Squeeze", onnx_infer_squeeze, 0},
    {"Unsqueeze", onnx_infer_unsqueeze, 0},
    {"Transpose", onnx_infer_transpose, 0},
    {"Pad", onnx_infer_pad, 0},
    {"Resize", onnx_infer_resize, 0},
    {"Upsample", onnx_infer_resize, 0},
    {"ReduceMean", onnx_infer_reduce, 0},
    {"ReduceMax", onnx_infer_reduce, 0},
    /* Add, Mul and Sum of data tensors are ELTWISE layers (find_infer); of constants, only checked here. */
    {"Add", onnx_infer_broadcast, 1},
    {"Sub", onnx_infer_broadcast, 1},
    {"Mul", onnx_infer_broadcast, 1},
    {"Sum", onnx_infer_broadcast, 1},
    {"Div", onnx_infer_broadcast, 1},
    {"Tanh", onnx_infer_same, 1},
    {"LeakyRelu", onnx_infer_leaky_relu, 0},
    {"PRelu", onnx_infer_prelu, 0},
    {"Gelu", onnx_infer_gelu, 0},
    {"LayerNormalization", onnx_infer_layer_norm, 0},
    {"Slice", onnx_infer_slice, 0},
    {"Split", onnx_infer_split, 0},
};

static infer_fn find_infer(const onnx_graph *g, int node, int all_nodes)
{
    const onnx_node *n = &g->nodes[node];
    infer_fn pattern = onnx_pattern_infer(g, node);
    if (pattern)
        return pattern;
    if (n->role == ONNX_ROLE_BIAS_ADD)
        return onnx_infer_bias_add;
    if (n->role == ONNX_ROLE_LAYER && n->layer_type == FCN_ELTWISE)
        return onnx_infer_eltwise;
    if (n->role == ONNX_ROLE_SHAPE_ONLY && (strcmp(n->op, "Concat") == 0 || strcmp(n->op, "Sum") == 0))
        return onnx_infer_same; /* of one input */
    if (onnx_is_quantiser(n->proto))
        return onnx_infer_quant;
    if (!onnx_default_domain(n->proto))
        return NULL;
    for (size_t i = 0; i < sizeof infer_table / sizeof infer_table[0]; i++)
        if (strcmp(infer_table[i].op, n->op) == 0)
            return !infer_table[i].elementwise_only || all_nodes ? infer_table[i].infer : NULL;
    return NULL;
}

const char *onnx_shape_text(const onnx_shape *s, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    if (s->rank == 0)
        snprintf(buf, size, "a scalar");
    for (int i = 0; i < s->rank && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%lld", i ? "x" : "", (long long)s->dims[i]);
    return buf;
}

/* Saturates rather than overflows: a corrupt file's dims must not wrap around. */
int64_t onnx_shape_elements(const onnx_shape *s)
{
    int64_t n = 1;
    for (int i = 0; i < s->rank; i++) {
        if (s->dims[i] > 0 && n > INT64_MAX / s->dims[i])
            return INT64_MAX;
        n *= s->dims[i];
    }
    return n;
}

int onnx_is_map(const onnx_graph *g, const onnx_shape *s)
{
    return s->rank == 4 || (s->rank == 5 && g->video);
}

int onnx_is_clip(const onnx_graph *g, int tensor)
{
    const onnx_shape *s = onnx_shape_of(g, tensor);
    return g->video && s && s->rank == 5;
}

void onnx_stream_map(const onnx_graph *g, const onnx_shape *s, onnx_tensor *t)
{
    if (!onnx_is_map(g, s)) {
        t->rows = t->cols = t->depth = 1;
        t->channels = onnx_shape_elements(s);
        return;
    }
    t->rows = s->dims[s->rank - 2];
    t->cols = s->dims[s->rank - 1];
    t->depth = s->rank == 5 ? s->dims[2] : 1;
    t->channels = s->dims[1];
}

const onnx_shape *onnx_shape_of(const onnx_graph *g, int tensor)
{
    return tensor >= 0 && g->tensors[tensor].has_shape ? &g->tensors[tensor].shape : NULL;
}

int onnx_data_shape(const onnx_graph *g, int node, int min_rank, int max_rank, onnx_shape *out, fcn_error *err)
{
    const onnx_node *n = &g->nodes[node];
    const onnx_shape *s = onnx_shape_of(g, n->data_input);
    if (!s)
        return onnx_node_fail(g, node, err, "the shape of its input '%s' is unknown",
                              n->data_input >= 0 ? g->tensors[n->data_input].name : "");
    if (s->rank < min_rank || s->rank > max_rank) {
        char text[96];
        if (min_rank == max_rank)
            return onnx_node_fail(g, node, err, "expects a %d-D input, got %s", min_rank,
                                  onnx_shape_text(s, text, sizeof text));
        return onnx_node_fail(g, node, err, "expects an input of %d to %d dimensions, got %s", min_rank,
                              max_rank, onnx_shape_text(s, text, sizeof text));
    }
    *out = *s;
    return 0;
}

int onnx_constant_input(const onnx_graph *g, int node, int i, const char *what, onnx_shape *shape,
                        fcn_error *err)
{
    int t = onnx_node_input(g, node, i);
    if (t < 0)
        return onnx_node_fail(g, node, err, "has no %s (input %d)", what, i);
    if (!g->tensors[t].is_constant)
        return onnx_node_fail(g, node, err, "its %s '%s' must be a constant (an initializer or a Constant node)",
                              what, g->tensors[t].name);
    *shape = g->tensors[t].shape;
    return t;
}

/* The file's own statement of a tensor's dims, where every one but the batch is a number. */
static int stated_shape(const Onnx__ValueInfoProto *info, onnx_shape *out)
{
    const Onnx__TypeProto *type = info ? info->type : NULL;
    if (!type || type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !type->tensor_type ||
        !type->tensor_type->shape || type->tensor_type->shape->n_dim > ONNX_MAX_RANK)
        return 0;
    const Onnx__TensorShapeProto *shape = type->tensor_type->shape;
    out->rank = (int)shape->n_dim;
    for (int i = 0; i < out->rank; i++) {
        const Onnx__TensorShapeProto__Dimension *d = shape->dim[i];
        int known = d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE && d->dim_value > 0;
        if (i > 0 && !known)
            return 0;
        out->dims[i] = 1; /* the batch */
        if (i > 0)
            out->dims[i] = d->dim_value;
    }
    return 1;
}

static int check_stated(const onnx_graph *g, int node, const onnx_tensor *t, fcn_error *err)
{
    onnx_shape stated;
    if (!stated_shape(t->info, &stated))
        return 0;
    int same = stated.rank == t->shape.rank;
    for (int i = 1; same && i < stated.rank; i++)
        same = stated.dims[i] == t->shape.dims[i];
    if (same)
        return 0;
    char a[96], b[96];
    return onnx_node_fail(g, node, err, "the file states output '%s' is %s, but it is %s", t->name,
                          onnx_shape_text(&stated, a, sizeof a), onnx_shape_text(&t->shape, b, sizeof b));
}

int onnx_set_output(onnx_graph *g, int node, const onnx_shape *shape, fcn_error *err)
{
    const onnx_node *n = &g->nodes[node];
    if (n->output_count < 1 || n->outputs[0] < 0)
        return onnx_node_fail(g, node, err, "has no output");
    onnx_tensor *out = &g->tensors[n->outputs[0]];
    char text[96];
    for (int i = 0; i < shape->rank; i++) {
        if (shape->dims[i] < 1)
            return onnx_node_fail(g, node, err, "its output would be %s", onnx_shape_text(shape, text, sizeof text));
        if (shape->dims[i] > ONNX_MAX_DIM)
            return onnx_node_fail(g, node, err, "its output would be %s, a dimension beyond %lld, the largest the "
                                  "configuration holds", onnx_shape_text(shape, text, sizeof text),
                                  (long long)ONNX_MAX_DIM);
    }
    if (onnx_shape_elements(shape) > ONNX_MAX_ELEMENTS)
        return onnx_node_fail(g, node, err, "its output is too large to model");
    out->shape = *shape;
    out->has_shape = 1;
    return check_stated(g, node, out, err) || onnx_set_stream(g, node, err) ? -1 : 0;
}

/* Constants' dims are what the file states; they are checked once here. */
static int init_constants(onnx_graph *g, fcn_error *err)
{
    for (int t = 0; t < g->tensor_count; t++) {
        onnx_tensor *tensor = &g->tensors[t];
        if (!tensor->is_constant)
            continue;
        if (onnx_constant_shape(&tensor->constant, &tensor->shape))
            return fcn_fail(err, "%s: constant '%.200s' has invalid dims (negative, more than %d of them, or "
                            "beyond %lld, the largest the configuration holds)", g->source, tensor->name,
                            ONNX_MAX_RANK, (long long)ONNX_MAX_DIM);
        tensor->has_shape = 1;
        if (tensor->transposed) { /* 2-D: onnx_mark_transposed_constants */
            int64_t rows = tensor->shape.dims[0];
            tensor->shape.dims[0] = tensor->shape.dims[1];
            tensor->shape.dims[1] = rows;
        }
    }
    return 0;
}

/* The network input: NCHW, NCDHW or NK, the batch (symbolic or not) taken as 1, every other dim known. */
static int init_input(onnx_graph *g, fcn_error *err)
{
    onnx_tensor *in = &g->tensors[g->input];
    const Onnx__TypeProto *type = in->info ? in->info->type : NULL;
    if (!type || type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !type->tensor_type ||
        !type->tensor_type->shape)
        return fcn_fail(err, "%s: input '%.200s': missing input shape", g->source, in->name);
    const Onnx__TensorShapeProto *shape = type->tensor_type->shape;
    if (shape->n_dim != 4 && shape->n_dim != 5 && shape->n_dim != 2)
        return fcn_fail(err, "%s: input '%.200s' has %zu dimensions; the hardware model takes NCHW (4), NCDHW (5, "
                        "a clip) or NK (2)", g->source, in->name, shape->n_dim);
    in->shape.rank = (int)shape->n_dim;
    in->shape.dims[0] = 1;
    for (int i = 1; i < in->shape.rank; i++) {
        const Onnx__TensorShapeProto__Dimension *d = shape->dim[i];
        if (d->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE || d->dim_value < 1)
            return fcn_fail(err, "%s: input '%.200s': missing input shape (dimension %d is %s)", g->source,
                            in->name, i, d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM
                                             ? "symbolic" : "unknown or not positive");
        if (d->dim_value > ONNX_MAX_DIM)
            return fcn_fail(err, "%s: input '%.200s': dimension %d is %lld, beyond %lld, the largest the "
                            "configuration holds", g->source, in->name, i, (long long)d->dim_value,
                            (long long)ONNX_MAX_DIM);
        in->shape.dims[i] = d->dim_value;
    }
    if (onnx_shape_elements(&in->shape) > ONNX_MAX_ELEMENTS)
        return fcn_fail(err, "%s: input '%.200s' is too large to model", g->source, in->name);
    in->has_shape = 1;
    in->on_path = 1;
    g->video = in->shape.rank == 5;
    onnx_stream_map(g, &in->shape, in);
    return 0;
}

/*
 * Whether a node is on the data path. Its inputs that are not data must then
 * be constants; a join's data inputs must all come from the network input
 * (a join of the data with a tensor computed from constants alone has no
 * producer layer for that port).
 */
static int node_on_path(const onnx_graph *g, int node, int *on_path, fcn_error *err)
{
    const onnx_node *n = &g->nodes[node];
    *on_path = n->data_input >= 0 && g->tensors[n->data_input].on_path;
    for (int k = 0; k < n->input_count; k++) {
        int t = n->inputs[k];
        if (t < 0 || t == n->data_input)
            continue;
        if (!onnx_reads_data(g, node, k) && g->tensors[t].on_path)
            return onnx_node_fail(g, node, err, "its input '%s' carries the network's data where the parser "
                                  "expects a constant", g->tensors[t].name);
        if (onnx_reads_data(g, node, k) && g->tensors[t].on_path != *on_path) {
            const char *a = g->tensors[n->data_input].name, *b = g->tensors[t].name;
            return onnx_node_fail(g, node, err, "its input '%s' comes from the network input but '%s' does not; "
                                  "every input of a join must carry the network's data", *on_path ? a : b,
                                  *on_path ? b : a);
        }
    }
    return 0;
}

/*
 * A node that fails makes its outputs blocked: what follows from them is not
 * inferred, and reported only if its operator is unsupported. BLOCKED_SIZE
 * marks sizes computed from blocked data (Shape and the arithmetic after it),
 * which would have been evaluated: they are not reported either.
 */
enum { BLOCKED_DATA = 1, BLOCKED_SIZE = 2 };

static void block_outputs(onnx_graph *g, int node, int how)
{
    const onnx_node *n = &g->nodes[node];
    for (int k = 0; k < n->output_count; k++)
        if (n->outputs[k] >= 0)
            g->tensors[n->outputs[k]].blocked = how;
}

/* The strongest blocking among the node's inputs (BLOCKED_DATA over BLOCKED_SIZE), 0 when none. */
static int inputs_blocked(const onnx_graph *g, int node)
{
    const onnx_node *n = &g->nodes[node];
    int how = 0;
    for (int k = 0; k < n->input_count; k++) {
        int b = n->inputs[k] >= 0 ? g->tensors[n->inputs[k]].blocked : 0;
        if (b == BLOCKED_DATA)
            return BLOCKED_DATA;
        how = b ? b : how;
    }
    return how;
}

/* Whether every input is a constant or a size that could not be computed. */
static int only_sizes(const onnx_graph *g, int node)
{
    const onnx_node *n = &g->nodes[node];
    for (int k = 0; k < n->input_count; k++) {
        const onnx_tensor *t = n->inputs[k] >= 0 ? &g->tensors[n->inputs[k]] : NULL;
        if (t && !t->is_constant && t->blocked != BLOCKED_SIZE)
            return 0;
    }
    return 1;
}

/* A node after one that failed: size arithmetic is passed over; anything else keeps its class (for the list). */
static void pass_over(onnx_graph *g, int node, int how, int *stamp, int *queue)
{
    onnx_node *n = &g->nodes[node];
    int is_size = onnx_fold_knows(g, node) &&
                  (strcmp(n->op, "Shape") == 0 || (how == BLOCKED_SIZE && only_sizes(g, node)));
    onnx_classify_node(g, node, stamp, queue);
    if (is_size)
        n->role = ONNX_ROLE_SIZE;
    block_outputs(g, node, is_size ? BLOCKED_SIZE : BLOCKED_DATA);
}

/* Keeps the node's message for the report (src/onnx/onnx_ops.c) and goes on with the next node. */
static int record_failure(onnx_graph *g, int node, const fcn_error *failure, int how, fcn_error *err)
{
    size_t size = strlen(failure->message) + 1;
    onnx_node *n = &g->nodes[node];
    free(n->failure);
    n->failure = malloc(size);
    if (!n->failure)
        return fcn_fail(err, "%s: out of memory", g->source);
    memcpy(n->failure, failure->message, size);
    block_outputs(g, node, how);
    return 0;
}

/*
 * A quantiser is checked on the data path and off it (a weight's): its own
 * checks say which scale, zero point or bit width is not a constant.
 */
static int walk_quantiser(onnx_graph *g, int node, fcn_error *err)
{
    fcn_error failure = {{0}};
    const onnx_node *n = &g->nodes[node];
    if (onnx_infer_quant(g, node, &failure))
        return record_failure(g, node, &failure, BLOCKED_DATA, err);
    if (g->tensors[n->inputs[0]].on_path)
        g->tensors[n->outputs[0]].on_path = 1;
    return 0;
}

/*
 * The layers the parser gives a depth (a clip's frames, docs/ONNX-OPERATORS.md "Video"): the newest
 * upstream's 3-D layers this project has. Any other layer over a map with depth is a node's error.
 */
static int takes_depth(fcn_layer_type type)
{
    switch (type) {
    case FCN_CONVOLUTION:
    case FCN_POOLING:
    case FCN_AVERAGE_POOLING:
    case FCN_INNER_PRODUCT:
    case FCN_BATCH_NORM:
    case FCN_RELU:
    case FCN_SIGMOID:
    case FCN_SILU:
    case FCN_HARD_SWISH:
    case FCN_ELTWISE: return 1;
    default: return 0;
    }
}

static int check_depth(const onnx_graph *g, int node, fcn_error *err)
{
    const onnx_node *n = &g->nodes[node];
    const onnx_tensor *in = &g->tensors[n->data_input];
    if (n->role != ONNX_ROLE_LAYER || in->depth <= 1 || takes_depth(n->layer_type))
        return 0;
    return onnx_node_fail(g, node, err, "a %s layer over a clip's %lld frames (depth) is not supported yet",
                          fcn_layer_type_name(n->layer_type), (long long)in->depth);
}

/* Sizes computed from constants become constants; anything else is classified again and inferred if on the path. */
static int walk_node(onnx_graph *g, int node, int *stamp, int *queue, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    fcn_error failure = {{0}};
    int fused = n->role == ONNX_ROLE_FUSED || n->pattern != ONNX_PATTERN_NONE; /* src/onnx/onnx_patterns.c */
    if (n->role == ONNX_ROLE_FUSED)
        return 0; /* its pattern's layer node infers the whole */
    int how = inputs_blocked(g, node);
    if (how == BLOCKED_DATA && fused) {
        block_outputs(g, node, BLOCKED_DATA); /* as its pattern, not reported */
        return 0;
    }
    if (how) {
        n->pattern = ONNX_PATTERN_NONE; /* size arithmetic after all: classified again as itself */
        pass_over(g, node, how, stamp, queue);
        return 0;
    }
    /* A pattern's layer node computed from constants alone (an Add of 1 to a Gathered size looks like an
     * affine) is size arithmetic after all. */
    int folded = onnx_fold_node(g, node, &failure);
    if (folded < 0) /* what follows from a size that could not be computed is no more reported */
        return record_failure(g, node, &failure, BLOCKED_SIZE, err);
    if (folded) {
        n->pattern = ONNX_PATTERN_NONE;
        n->role = ONNX_ROLE_SIZE;
        n->data_input = -1;
        n->joins = 0;
        return 0;
    }
    if (!fused) {
        onnx_classify_node(g, node, stamp, queue);
        if (onnx_per_channel_operand(g, node)) /* its constant may be computed only now */
            onnx_match_affine(g, node, g->keep_batch_norm);
    }
    if (n->role == ONNX_ROLE_UNSUPPORTED) {
        block_outputs(g, node, BLOCKED_DATA);
        return 0;
    }
    if (onnx_is_quantiser(n->proto))
        return walk_quantiser(g, node, err);
    int on_path;
    if (node_on_path(g, node, &on_path, &failure))
        return record_failure(g, node, &failure, BLOCKED_DATA, err);
    if (!on_path)
        return 0;
    infer_fn infer = find_infer(g, node, 0);
    if (!infer) {
        onnx_node_fail(g, node, &failure, "the parser cannot infer its shape");
        return record_failure(g, node, &failure, BLOCKED_DATA, err);
    }
    if (infer(g, node, &failure) || check_depth(g, node, &failure))
        return record_failure(g, node, &failure, BLOCKED_DATA, err);
    g->tensors[n->outputs[0]].on_path = 1;
    return 0;
}

/* Every node in topological order; then one message for every node that is unsupported or failed. */
static int infer_path(onnx_graph *g, fcn_error *err)
{
    size_t count = g->node_count ? (size_t)g->node_count : 1;
    int *stamp = calloc(count, sizeof *stamp), *queue = malloc(count * sizeof *queue);
    int rc = stamp && queue ? 0 : fcn_fail(err, "%s: out of memory inferring the shapes", g->source);
    for (int i = 0; i < g->node_count && rc == 0; i++)
        rc = walk_node(g, g->order[i], stamp, queue, err);
    free(stamp);
    free(queue);
    return rc ? rc : onnx_check_supported(g, err);
}

/* Whether every data input of a node has a known shape. */
static int data_shapes_known(const onnx_graph *g, int node)
{
    if (!onnx_shape_of(g, g->nodes[node].data_input))
        return 0;
    for (int k = 0; k < g->nodes[node].input_count; k++)
        if (onnx_reads_data(g, node, k) && !onnx_shape_of(g, g->nodes[node].inputs[k]))
            return 0;
    return 1;
}

static int infer_all(onnx_graph *g, fcn_error *err)
{
    for (int i = 0; i < g->node_count; i++) {
        int node = g->order[i];
        onnx_node *n = &g->nodes[node];
        int folded = onnx_fold_node(g, node, err);
        if (folded < 0)
            return -1;
        if (folded) {
            n->role = ONNX_ROLE_SIZE;
            continue;
        }
        infer_fn infer = find_infer(g, node, 1);
        if (n->role == ONNX_ROLE_CONSTANT || !infer || !data_shapes_known(g, node))
            continue;
        if (infer(g, node, err))
            return -1;
    }
    return 0;
}

int onnx_infer_shapes(onnx_graph *g, int all_nodes, fcn_error *err)
{
    if (init_constants(g, err) || init_input(g, err))
        return -1;
    return all_nodes ? infer_all(g, err) : infer_path(g, err);
}
