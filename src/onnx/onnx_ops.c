/*
 * The operators the hardware model covers, and the role each node takes:
 * a layer, folded into a neighbour, removed, or unsupported.
 *
 * What the operators of branching networks become (docs/MODEL-DAG.md, G10
 * and G11 settled as follows; today's 2-D operators: docs/ONNX-OPERATORS.md):
 *  - Add, Mul, Sum of data tensors of one shape: ELTWISE, one port per input
 *    in ONNX input order (eltwise_mul for Mul). A map (1xCxHxW) with one
 *    value per channel (1xCx1x1, squeeze-excite's scale) beside it: a
 *    broadcasting ELTWISE, the map moved to port 0 (the operators commute).
 *    Other shapes that differ are an error naming both. An Add of a constant
 *    is the MatMul bias case or unsupported, as is a Mul or Sum with a
 *    constant operand: a port streams data. Sum or Concat of one input: that
 *    input (no layer).
 *  - Concat along the channels (axis 1 or -3 of NCHW, 1 or -1 of a vector):
 *    CONCAT with each port's channels; any other axis is an error.
 *  - GlobalAveragePool, and AveragePool over the whole unpadded map:
 *    AVERAGE_POOLING (1x1 out). AveragePool of unpadded 1x1 windows stays
 *    (max) POOLING (one element's average is its maximum: the chain
 *    networks' AveragePool after AdaptiveAvgPool is unchanged). Any other
 *    AveragePool: POOLING with pool_type average (any kernel, stride, pads,
 *    ceil_mode, count_include_pad). GlobalMaxPool: POOLING with the map as
 *    its kernel, stride 1. ReduceMean / ReduceMax over H and W (keepdims 0
 *    or 1): AVERAGE_POOLING / that POOLING; other axes an error.
 *  - Conv's dilations go to the CONVOLUTION; a pool's must be 1.
 *  - Pad (zero, H and W only): folded into the padding of the Conv or pool
 *    that alone reads it, else a PAD layer; other modes, values or axes are
 *    errors.
 *  - Resize, Upsample: RESIZE by whole factors of H and W (nearest, or
 *    bilinear for linear); a fraction or a downsample is an error.
 *  - Size arithmetic (Shape, Gather, Slice, Concat, Unsqueeze, arithmetic,
 *    Cast, ConstantOfShape, Range, ... of constants; src/onnx/onnx_fold.c): nodes
 *    whose inputs are all constants are evaluated during shape inference,
 *    which classifies every node again just before inferring it; they are
 *    neither layers nor unsupported.
 *  - Clip: CLIP with its bounds (inputs 1 and 2 from opset 11, constants;
 *    attributes min and max before; absent: -inf / +inf). Sigmoid,
 *    HardSigmoid, HardSwish: SIGMOID, HARD_SIGMOID, HARD_SWISH (HardSigmoid's
 *    alpha and beta are not kept: the model's figures do not depend on them).
 *  - A tensor read by several layer ports gets a SPLIT (src/onnx/onnx_layers.c).
 *
 * The newer layer types (docs/ONNX-PATTERNS.md):
 *  - LeakyRelu: LEAKY_RELU with its alpha (default 0.01). PRelu: PRELU, its
 *    slope a constant per channel or one value. Gelu (opset 20): GELU.
 *  - LayerNormalization over each pixel's channels (the last axis of
 *    channels-last data, or a map of 1x1): LAYER_NORM; any other axis is an
 *    error.
 *  - Slice of the channels, step 1: CHOP with one output port (its channels
 *    and offset); each Slice of a tensor is a CHOP of its own, behind a
 *    SPLIT. Split of the channels: one CHOP, one port per output a layer
 *    reads, in network order with the offsets; unused outputs are dropped.
 *  - Multi-node patterns (SiLU, GELU, LayerNorm's decomposition, channel
 *    shuffle) and per-channel Mul/Add of constants: src/onnx/onnx_patterns.c.
 *    They take the constant operands an ELTWISE refuses above.
 *  - Transpose(0,2,3,1) and back (0,3,1,2) around per-pixel operators move
 *    nothing the hardware streams; a MatMul by a constant [C,K] between them
 *    is a 1x1 CONVOLUTION (src/onnx/onnx_shapes_channels.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "onnx_ops.h"
#include "onnx_patterns.h"
#include "onnx_quant.h"

typedef enum op_kind {
    KIND_UNSUPPORTED,
    KIND_LAYER,
    KIND_BATCH_NORM, /* folded into a Conv before it, or a BATCH_NORM layer */
    KIND_MATMUL,     /* an inner product when its weight is a constant */
    KIND_ADD,        /* the bias of a MatMul when it adds a constant to one, else a join */
    KIND_JOIN,       /* data tensors joined into one: ELTWISE or CONCAT, one port per input */
    KIND_CLIP,       /* a CLIP when its bounds are constants */
    KIND_SIZED,      /* a layer whose inputs after the first (pads, scales, sizes, axes) must be constants */
    KIND_SHAPE_ONLY,
    KIND_TAIL,       /* removed at the end of the network, unsupported elsewhere */
    KIND_CONSTANT
} op_kind;

static const struct op_entry {
    const char *op;
    op_kind kind;
    fcn_layer_type type;
} op_table[] = {
    {"Conv", KIND_LAYER, FCN_CONVOLUTION},
    {"Gemm", KIND_LAYER, FCN_INNER_PRODUCT},
    {"MatMul", KIND_MATMUL, FCN_INNER_PRODUCT},
    {"MaxPool", KIND_LAYER, FCN_POOLING},
    /* AVERAGE_POOLING over the whole map; a 1x1 window is POOLING (src/onnx/onnx_shapes_window.c). */
    {"AveragePool", KIND_LAYER, FCN_AVERAGE_POOLING},
    {"GlobalAveragePool", KIND_LAYER, FCN_AVERAGE_POOLING},
    {"GlobalMaxPool", KIND_LAYER, FCN_POOLING},
    {"Relu", KIND_LAYER, FCN_RELU},
    {"Clip", KIND_CLIP, FCN_CLIP},
    {"Sigmoid", KIND_LAYER, FCN_SIGMOID},
    {"HardSigmoid", KIND_LAYER, FCN_HARD_SIGMOID},
    {"HardSwish", KIND_LAYER, FCN_HARD_SWISH},
    {"BatchNormalization", KIND_BATCH_NORM, FCN_BATCH_NORM},
    {"Add", KIND_ADD, FCN_ELTWISE},
    {"Mul", KIND_JOIN, FCN_ELTWISE},
    {"Sum", KIND_JOIN, FCN_ELTWISE},
    {"Concat", KIND_JOIN, FCN_CONCAT},
    {"Flatten", KIND_SHAPE_ONLY, FCN_SQUEEZE},
    {"Reshape", KIND_SHAPE_ONLY, FCN_SQUEEZE},
    {"Dropout", KIND_SHAPE_ONLY, FCN_SQUEEZE},
    {"Identity", KIND_SHAPE_ONLY, FCN_SQUEEZE},
    {"Transpose", KIND_SHAPE_ONLY, FCN_SQUEEZE},
    {"Squeeze", KIND_SHAPE_ONLY, FCN_SQUEEZE},
    {"Unsqueeze", KIND_SHAPE_ONLY, FCN_SQUEEZE},
    {"Cast", KIND_SHAPE_ONLY, FCN_SQUEEZE},
    {"Softmax", KIND_TAIL, FCN_SQUEEZE},
    {"LogSoftmax", KIND_TAIL, FCN_SQUEEZE},
    {"LRN", KIND_TAIL, FCN_SQUEEZE},
    {"Constant", KIND_CONSTANT, FCN_SQUEEZE},
    /* Folded into the window after it, or a PAD layer (src/onnx/onnx_shapes_pad.c). */
    {"Pad", KIND_SIZED, FCN_PAD},
    {"Resize", KIND_SIZED, FCN_RESIZE},
    {"Upsample", KIND_SIZED, FCN_RESIZE},
    /* Over H and W only: global pools (src/onnx/onnx_shapes_reduce.c). */
    {"ReduceMean", KIND_SIZED, FCN_AVERAGE_POOLING},
    {"ReduceMax", KIND_SIZED, FCN_POOLING},
    /* The newer layer types (src/onnx/onnx_patterns.c fuses the multi-node ones). */
    {"LeakyRelu", KIND_LAYER, FCN_LEAKY_RELU},
    {"PRelu", KIND_LAYER, FCN_PRELU},
    {"Gelu", KIND_LAYER, FCN_GELU},
    {"LayerNormalization", KIND_LAYER, FCN_LAYER_NORM},
    {"Slice", KIND_LAYER, FCN_CHOP},
    {"Split", KIND_LAYER, FCN_CHOP}, /* every output used: one CHOP port each */
};

int onnx_default_domain(const Onnx__NodeProto *node)
{
    return !node->domain || !*node->domain || strcmp(node->domain, "ai.onnx") == 0;
}

/* Quantisers (src/onnx/onnx_quant.c) leave no layer: their types become the widths of the layers around them. */
static const struct op_entry quantiser_entry = {"(a quantiser)", KIND_SHAPE_ONLY, FCN_SQUEEZE};

static const struct op_entry *find_op(const onnx_node *n)
{
    if (onnx_is_quantiser(n->proto))
        return &quantiser_entry;
    if (!onnx_default_domain(n->proto))
        return NULL;
    for (size_t i = 0; i < sizeof op_table / sizeof op_table[0]; i++)
        if (strcmp(op_table[i].op, n->op) == 0)
            return &op_table[i];
    return NULL;
}

static op_kind node_kind(const onnx_graph *g, int node)
{
    const struct op_entry *e = find_op(&g->nodes[node]);
    return e ? e->kind : KIND_UNSUPPORTED;
}

static int is_constant(const onnx_graph *g, int tensor)
{
    return tensor >= 0 && g->tensors[tensor].is_constant;
}

/* The node producing a tensor if it has the operator `op` and the tensor feeds nothing else; else -1. */
static int sole_producer(const onnx_graph *g, int tensor, const char *op)
{
    if (tensor < 0 || g->tensors[tensor].consumer_count != 1)
        return -1;
    int p = g->tensors[tensor].producer;
    return p >= 0 && strcmp(g->nodes[p].op, op) == 0 && onnx_default_domain(g->nodes[p].proto) ? p : -1;
}

static int is_inner_product_matmul(const onnx_graph *g, int node)
{
    return node >= 0 && g->nodes[node].input_count == 2 && is_constant(g, g->nodes[node].inputs[1]) &&
           !is_constant(g, g->nodes[node].inputs[0]);
}

/*
 * Softmax, LogSoftmax and LRN are dropped at the end of the network: everything
 * downstream must be shape-only or another such operator. `stamp` marks the
 * nodes this walk has seen (a cycle must not trap it), and is all zeros again
 * when it returns; `queue` has room for every node.
 */
static int at_tail(const onnx_graph *g, int start, int *stamp, int *queue)
{
    int head = 0, tail = 0, tail_only = 1;
    queue[tail++] = start;
    stamp[start] = 1;
    while (head < tail && tail_only) {
        const onnx_node *n = &g->nodes[queue[head++]];
        for (int k = 0; k < n->output_count && tail_only; k++) {
            const onnx_tensor *t = n->outputs[k] >= 0 ? &g->tensors[n->outputs[k]] : NULL;
            for (int c = 0; t && c < t->consumer_count && tail_only; c++) {
                int consumer = g->consumers[t->first_consumer + c];
                if (stamp[consumer])
                    continue;
                op_kind kind = node_kind(g, consumer);
                tail_only = kind == KIND_SHAPE_ONLY || kind == KIND_TAIL;
                if (tail_only) {
                    stamp[consumer] = 1;
                    queue[tail++] = consumer;
                }
            }
        }
    }
    for (int i = 0; i < tail; i++)
        stamp[queue[i]] = 0;
    return tail_only;
}

/* Outputs after the first (Dropout's mask, MaxPool's indices, BatchNormalization's running stats). */
static int extra_outputs_used(const onnx_graph *g, const onnx_node *n)
{
    for (int k = 1; k < n->output_count; k++)
        if (n->outputs[k] >= 0 && g->tensors[n->outputs[k]].consumer_count > 0)
            return 1;
    return 0;
}

/* An Add of a constant to a MatMul by a constant weight is that inner product's bias. */
static int classify_bias_add(onnx_graph *g, int i)
{
    onnx_node *n = &g->nodes[i];
    for (int k = 0; k < 2 && n->input_count == 2; k++) {
        int matmul = sole_producer(g, n->inputs[k], "MatMul");
        if (is_inner_product_matmul(g, matmul) && is_constant(g, n->inputs[1 - k])) {
            n->role = ONNX_ROLE_BIAS_ADD;
            n->partner = matmul;
            n->data_input = n->inputs[k];
            return 1;
        }
    }
    return 0;
}

/*
 * A join streams each input through a port of its own, so every input must
 * be data: a constant operand (a scale, an offset) would need a layer the
 * model does not have.
 */
static void classify_join(onnx_graph *g, int i)
{
    onnx_node *n = &g->nodes[i];
    int is_add = strcmp(n->op, "Add") == 0;
    if (n->input_count == 1 && n->inputs[0] >= 0 && (strcmp(n->op, "Concat") == 0 || strcmp(n->op, "Sum") == 0)) {
        n->role = ONNX_ROLE_SHAPE_ONLY; /* a join of one tensor is that tensor */
        return;
    }
    if (n->input_count < 2) {
        n->unsupported_why = "a join needs at least two inputs";
        return;
    }
    for (int k = 0; k < n->input_count; k++) {
        if (n->inputs[k] < 0) {
            n->unsupported_why = "an input is omitted";
            return;
        }
        if (is_constant(g, n->inputs[k])) {
            n->unsupported_why = is_add ? "an Add of a constant is supported only as the bias of a MatMul by a "
                                          "constant weight"
                                        : "an input is a constant; only data tensors can be joined";
            return;
        }
    }
    n->role = ONNX_ROLE_LAYER;
    n->joins = 1;
}

/* Clip's bounds: attributes before opset 11, then optional inputs, which must be constants. */
static void classify_clip(onnx_graph *g, int i)
{
    onnx_node *n = &g->nodes[i];
    for (int k = 1; k < n->input_count; k++)
        if (n->inputs[k] >= 0 && !is_constant(g, n->inputs[k])) {
            n->unsupported_why = "its min and max must be constants";
            return;
        }
    n->role = ONNX_ROLE_LAYER;
}

/* Pad's pads, Resize's scales and sizes, a reduction's axes: constants, given or computed from known dims. */
static void classify_sized(onnx_graph *g, int i)
{
    onnx_node *n = &g->nodes[i];
    for (int k = 1; k < n->input_count; k++)
        if (n->inputs[k] >= 0 && !is_constant(g, n->inputs[k])) {
            n->unsupported_why = "its inputs after the first must be constants (or sizes computed from known dims)";
            return;
        }
    n->role = ONNX_ROLE_LAYER;
}

void onnx_classify_node(onnx_graph *g, int i, int *stamp, int *queue)
{
    int keep_batch_norm = g->keep_batch_norm;
    onnx_node *n = &g->nodes[i];
    const struct op_entry *e = find_op(n);
    n->role = ONNX_ROLE_UNSUPPORTED;
    n->unsupported_why = NULL;
    n->data_input = n->input_count > 0 ? n->inputs[0] : -1;
    n->joins = 0;
    n->partner = -1;
    if (!e)
        return;
    if (e->kind != KIND_CONSTANT && strcmp(n->op, "Split") != 0 && extra_outputs_used(g, n)) {
        n->unsupported_why = "an output other than the first is used";
        return;
    }
    n->layer_type = e->type;
    switch (e->kind) {
    case KIND_UNSUPPORTED: return;
    case KIND_LAYER: n->role = ONNX_ROLE_LAYER; return;
    case KIND_SHAPE_ONLY: n->role = ONNX_ROLE_SHAPE_ONLY; return;
    case KIND_CONSTANT: n->role = ONNX_ROLE_CONSTANT; return;
    case KIND_BATCH_NORM:
        n->partner = keep_batch_norm ? -1 : sole_producer(g, n->data_input, "Conv");
        n->role = n->partner >= 0 ? ONNX_ROLE_FOLDED_BN : ONNX_ROLE_LAYER;
        return;
    case KIND_MATMUL:
        if (is_inner_product_matmul(g, i))
            n->role = ONNX_ROLE_LAYER;
        else
            n->unsupported_why = "only a MatMul by a constant weight is supported";
        return;
    case KIND_ADD:
        if (!classify_bias_add(g, i))
            classify_join(g, i);
        return;
    case KIND_JOIN: classify_join(g, i); return;
    case KIND_CLIP: classify_clip(g, i); return;
    case KIND_SIZED: classify_sized(g, i); return;
    case KIND_TAIL:
        if (at_tail(g, i, stamp, queue))
            n->role = ONNX_ROLE_TAIL;
        else
            n->unsupported_why = "supported only at the end of the network";
        return;
    }
}

int onnx_classify(onnx_graph *g, int keep_batch_norm, fcn_error *err)
{
    size_t n = g->node_count ? (size_t)g->node_count : 1;
    int *stamp = calloc(n, sizeof *stamp), *queue = malloc(n * sizeof *queue);
    if (!stamp || !queue) {
        free(stamp);
        free(queue);
        return fcn_fail(err, "%s: out of memory classifying the nodes", g->source);
    }
    g->keep_batch_norm = keep_batch_norm;
    onnx_mark_transposed_constants(g);
    for (int i = 0; i < g->node_count; i++)
        onnx_classify_node(g, i, stamp, queue);
    onnx_fuse_patterns(g, keep_batch_norm);
    free(stamp);
    free(queue);
    return 0;
}

/* Enough to see what is missing; more would not fit one line. */
#define MAX_LISTED 10

/* Whether a node is reported: unsupported, or its inference failed. */
static int fails(const onnx_node *n)
{
    return n->role == ONNX_ROLE_UNSUPPORTED || n->failure;
}

/* A failure's message without the "<source>: node '<label>' (<Op>): " that the list gives once. */
static const char *failure_reason(const onnx_graph *g, int node, char *prefix, size_t size)
{
    const onnx_node *n = &g->nodes[node];
    char label[32];
    int len = snprintf(prefix, size, "%s: node '%.200s' (%.64s): ", g->source,
                       onnx_node_label(g, node, label, sizeof label), n->op);
    if (len > 0 && (size_t)len < size && strncmp(n->failure, prefix, (size_t)len) == 0)
        return n->failure + len;
    return n->failure;
}

int onnx_check_supported(const onnx_graph *g, fcn_error *err)
{
    int total = 0, failed = -1;
    for (int i = 0; i < g->node_count; i++)
        if (fails(&g->nodes[i])) {
            total++;
            failed = g->nodes[i].failure ? i : failed;
        }
    if (total == 0)
        return 0;
    if (total == 1 && failed >= 0)
        return fcn_fail(err, "%s", g->nodes[failed].failure);
    /* The list is cut to fit the one-line message, with a count of the rest. */
    char list[sizeof err->message] = "", prefix[400];
    size_t used = 0, reserved = 64 + strlen(g->source);
    size_t room = reserved < sizeof list ? sizeof list - reserved : 0;
    int listed = 0;
    for (int i = 0; i < g->node_count && listed < MAX_LISTED; i++) {
        const onnx_node *n = &g->nodes[i];
        if (!fails(n))
            continue;
        const char *why = n->failure ? failure_reason(g, i, prefix, sizeof prefix) : n->unsupported_why;
        char label[32], entry[600];
        int len = snprintf(entry, sizeof entry, "%s%.200s (%.64s%s%.300s)", listed ? ", " : "",
                           onnx_node_label(g, i, label, sizeof label), n->op, why ? ": " : "", why ? why : "");
        if (len < 0 || used + (size_t)len >= room)
            break;
        memcpy(list + used, entry, (size_t)len + 1);
        used += (size_t)len;
        listed++;
    }
    if (listed < total)
        return fcn_fail(err, "%s: %d unsupported nodes: %s and %d more", g->source, total, list, total - listed);
    return fcn_fail(err, "%s: %d unsupported node%s: %s", g->source, total, total == 1 ? "" : "s", list);
}

/* What the nodes of one role become, for --list-ops. */
static const char *role_becomes(const onnx_node *n)
{
    const char *pattern = onnx_pattern_becomes(n);
    if (pattern)
        return pattern;
    switch (n->role) {
    case ONNX_ROLE_LAYER:
        if (strcmp(n->op, "AveragePool") == 0)
            return "AVERAGE_POOLING (a window over the whole map) or POOLING (an average window; max of a 1x1 one)";
        if (strcmp(n->op, "MatMul") == 0)
            return "INNER_PRODUCT, or a 1x1 CONVOLUTION on channels-last data";
        return fcn_layer_type_name(n->layer_type);
    case ONNX_ROLE_FOLDED_BN: return "folded into the Conv";
    case ONNX_ROLE_BIAS_ADD: return "bias of the MatMul's INNER_PRODUCT";
    case ONNX_ROLE_SHAPE_ONLY:
        return onnx_is_quantiser(n->proto) ? "removed (quantiser: its type gives the layers' widths)"
                                           : "removed (shape only)";
    case ONNX_ROLE_TAIL: return "removed (at the end of the network)";
    case ONNX_ROLE_CONSTANT: return "constant (an input of other nodes)";
    case ONNX_ROLE_SIZE: return "evaluated (size arithmetic)";
    case ONNX_ROLE_FOLDED_PAD: return "folded into the next window's padding";
    case ONNX_ROLE_FUSED:
    case ONNX_ROLE_FOLDED_AFFINE: /* onnx_pattern_becomes */
    case ONNX_ROLE_UNSUPPORTED: break;
    }
    return "unsupported";
}

/* Adds node n to its operator's entry; a type whose nodes differ says so. */
static void count_node(fcn_onnx_op *op, const onnx_node *n, int first)
{
    int supported = !fails(n);
    const char *becomes = supported ? role_becomes(n) : "unsupported";
    op->count++;
    if (first) {
        op->supported = supported;
        op->becomes = becomes;
    } else if (op->supported && !supported) {
        op->supported = 0;
        op->becomes = "unsupported (some nodes)";
    } else if (!op->supported && supported) {
        op->becomes = "unsupported (some nodes)";
    } else if (supported && strcmp(op->becomes, becomes) != 0) {
        op->becomes = strcmp(n->op, "BatchNormalization") == 0 ? "folded into the Conv, or BATCH_NORM"
                                                                 : "varies (see the nodes)";
    }
}

int onnx_list_ops(const onnx_graph *g, fcn_onnx_op **ops, int *count, fcn_error *err)
{
    *ops = NULL;
    *count = 0;
    fcn_onnx_op *list = calloc(g->node_count ? (size_t)g->node_count : 1, sizeof *list);
    if (!list)
        return fcn_fail(err, "%s: out of memory listing the operators", g->source);
    int types = 0;
    for (int i = 0; i < g->node_count; i++) {
        const onnx_node *n = &g->nodes[i];
        char op_type[sizeof list->op_type];
        snprintf(op_type, sizeof op_type, "%s", n->op);
        int t = 0;
        while (t < types && strcmp(list[t].op_type, op_type) != 0)
            t++;
        if (t == types) {
            memcpy(list[t].op_type, op_type, sizeof op_type);
            types++;
        }
        count_node(&list[t], n, list[t].count == 0);
    }
    *ops = list;
    *count = types;
    return 0;
}
