/*
 * Multi-node patterns fused into one layer, found after every node is
 * classified. The pattern's last node is its layer node (role LAYER, its
 * data input the pattern's input x); the others become ONNX_ROLE_FUSED and
 * leave no trace, so x's several reads inside the pattern need no SPLIT.
 * Every tensor inside a pattern must feed only the pattern: a Sigmoid whose
 * output also feeds something else is left alone (and the Mul stays a join).
 *
 * What each pattern becomes:
 *  - SiLU / Swish: Mul(x, Sigmoid(x)), either operand order: SILU.
 *  - GELU, erf form (torch's export): Div(x, sqrt 2) or Mul(x, 1/sqrt 2),
 *    Erf, Add 1, Mul by x, Mul by 0.5 (the 0.5 applied last, to x, or to the
 *    1 + erf term): GELU. Tanh form: Pow(x, 3), Mul 0.044715, Add x, Mul
 *    sqrt(2/pi), Tanh, Add 1, then as the erf form: GELU. (The Gelu
 *    operator of opset 20 is a GELU layer of its own.)
 *  - LayerNorm's decomposition: ReduceMean(x), Sub(x, mean), Pow 2,
 *    ReduceMean, Add eps, Sqrt, Div, then an optional Mul by a constant
 *    (gamma) and Add of a constant (beta): LAYER_NORM. Its axes must be the
 *    streamed channels (checked with the shapes).
 *  - Channel shuffle: Reshape to [1,g,C/g,H,W], Transpose(0,2,1,3,4),
 *    Reshape back to [1,C,H,W]: SHUFFLE with g groups.
 *  - A Mul or Add of a constant that is per channel ([C], [C,1,1],
 *    [1,C,1,1] or a single value) on data (layer scale, affine): folded into
 *    the Conv, Gemm or MatMul before it when every tensor from that layer
 *    feeds only the affine (past shape-only operators, a MatMul's bias Add
 *    and other folds: a scale goes into the weights, a shift into the bias),
 *    and not --no-fuse-bn; an Add right after such an affine BATCH_NORM
 *    layer or a BatchNormalization layer joins it; otherwise a BATCH_NORM
 *    layer (a per-channel scale and shift is a batch norm's model). An Add
 *    of a constant after a MatMul by a constant stays its bias.
 */
#include <math.h>
#include <string.h>

#include "onnx_attrs.h"
#include "onnx_ops.h"
#include "onnx_patterns.h"

#define MAX_MEMBERS 12

static int is_op(const onnx_graph *g, int node, const char *op)
{
    return node >= 0 && strcmp(g->nodes[node].op, op) == 0 && onnx_default_domain(g->nodes[node].proto);
}

/* The node producing a tensor if it has the operator op and is in no pattern yet; -1 otherwise. */
static int producer_op(const onnx_graph *g, int tensor, const char *op)
{
    int p = tensor >= 0 ? g->tensors[tensor].producer : -1;
    return is_op(g, p, op) && g->nodes[p].role != ONNX_ROLE_FUSED && g->nodes[p].pattern == ONNX_PATTERN_NONE
               ? p : -1;
}

/* The tensor's one consumer, or -1 when it has none or several. */
static int only_consumer(const onnx_graph *g, int tensor)
{
    if (tensor < 0 || g->tensors[tensor].consumer_count != 1)
        return -1;
    return g->consumers[g->tensors[tensor].first_consumer];
}

/* The tensor's one consumer if it has the operator op and is in no pattern yet; -1 otherwise. */
static int next_op(const onnx_graph *g, int tensor, const char *op)
{
    int c = only_consumer(g, tensor);
    return is_op(g, c, op) && g->nodes[c].role != ONNX_ROLE_FUSED && g->nodes[c].pattern == ONNX_PATTERN_NONE
               ? c : -1;
}

static int output_of(const onnx_graph *g, int node)
{
    return g->nodes[node].output_count > 0 ? g->nodes[node].outputs[0] : -1;
}

/* A two-input node's operand other than `tensor`; -1 when it does not read tensor or has not two inputs. */
static int other_operand(const onnx_graph *g, int node, int tensor)
{
    const onnx_node *n = &g->nodes[node];
    if (n->input_count != 2)
        return -1;
    return n->inputs[0] == tensor ? n->inputs[1] : n->inputs[1] == tensor ? n->inputs[0] : -1;
}

/* Whether a tensor is a constant holding one value within tolerance of `value`. */
static int constant_near(const onnx_graph *g, int node, int tensor, double value, double tolerance)
{
    fcn_error scratch;
    double v;
    if (tensor < 0 || !g->tensors[tensor].is_constant ||
        onnx_constant_real(g, node, tensor, "constant", &v, &scratch))
        return 0;
    return fabs(v - value) <= tolerance;
}

/* A two-input node that multiplies (or divides, for Div) `tensor` by a constant near value: 1. */
static int scales_by(const onnx_graph *g, int node, int tensor, double value)
{
    int c = other_operand(g, node, tensor);
    if (is_op(g, node, "Div"))
        return g->nodes[node].inputs[0] == tensor && constant_near(g, node, c, value, 1e-3 * fabs(value));
    return constant_near(g, node, c, value, 1e-3 * fabs(value));
}

static void fuse(onnx_graph *g, int layer, fcn_layer_type type, onnx_pattern pattern, int x, const int *members,
                 int count)
{
    onnx_node *n = &g->nodes[layer];
    n->role = ONNX_ROLE_LAYER;
    n->layer_type = type;
    n->pattern = pattern;
    n->data_input = x;
    n->joins = 0;
    n->unsupported_why = NULL;
    n->partner = count > 0 ? members[0] : -1;
    for (int i = 0; i < count; i++) {
        onnx_node *m = &g->nodes[members[i]];
        m->role = ONNX_ROLE_FUSED;
        m->layer_type = type;
        m->partner = layer;
        m->data_input = -1;
        m->joins = 0;
        m->unsupported_why = NULL;
    }
}

/* Mul(x, Sigmoid(x)): SILU. */
static void match_silu(onnx_graph *g, int mul)
{
    const onnx_node *n = &g->nodes[mul];
    for (int k = 0; k < 2 && n->input_count == 2; k++) {
        int s = producer_op(g, n->inputs[k], "Sigmoid");
        int x = s >= 0 ? g->nodes[s].inputs[0] : -1;
        if (s >= 0 && x >= 0 && x == n->inputs[1 - k] && only_consumer(g, n->inputs[k]) == mul) {
            fuse(g, mul, FCN_SILU, ONNX_PATTERN_SILU, x, &s, 1);
            return;
        }
    }
}

/* A Mul of `tensor` by a constant 0.5 that is its only consumer; -1 otherwise. */
static int halving(const onnx_graph *g, int tensor)
{
    int m = next_op(g, tensor, "Mul");
    return m >= 0 && scales_by(g, m, tensor, 0.5) ? m : -1;
}

/*
 * GELU's common end, from `one_plus` = 1 + erf(...) (or 1 + tanh(...)):
 * times x and times 0.5, the 0.5 applied to either factor or to the product.
 * Adds the nodes to members; returns the pattern's last node or -1.
 */
static int match_gelu_end(const onnx_graph *g, int x, int one_plus, int *members, int *count)
{
    int t = output_of(g, one_plus), half = halving(g, t);
    if (half >= 0) {
        members[(*count)++] = half;
        t = output_of(g, half);
    }
    int product = next_op(g, t, "Mul");
    int other = product >= 0 ? other_operand(g, product, t) : -1;
    if (other < 0)
        return -1;
    if (other != x) {
        int m = producer_op(g, other, "Mul");
        if (half >= 0 || m < 0 || only_consumer(g, other) != product || other_operand(g, m, x) < 0 ||
            !scales_by(g, m, x, 0.5))
            return -1;
        members[(*count)++] = m;
        half = m;
    }
    if (half >= 0)
        return product;
    half = halving(g, output_of(g, product));
    if (half < 0)
        return -1;
    members[(*count)++] = product;
    return half;
}

/* Erf(x / sqrt 2) (or of x times 1/sqrt 2) + 1, then the common end: GELU. */
static void match_gelu_erf(onnx_graph *g, int erf)
{
    int in = g->nodes[erf].input_count == 1 ? g->nodes[erf].inputs[0] : -1;
    int scale = only_consumer(g, in) == erf ? g->tensors[in].producer : -1, x = -1;
    if (scale < 0 || g->nodes[scale].role == ONNX_ROLE_FUSED || g->nodes[scale].input_count != 2)
        return;
    for (int k = 0; k < 2 && x < 0; k++) {
        int cand = g->nodes[scale].inputs[k];
        if ((is_op(g, scale, "Div") && scales_by(g, scale, cand, sqrt(2.0))) ||
            (is_op(g, scale, "Mul") && scales_by(g, scale, cand, 1.0 / sqrt(2.0))))
            x = cand;
    }
    int add = x >= 0 ? next_op(g, output_of(g, erf), "Add") : -1;
    if (add < 0 || !constant_near(g, add, other_operand(g, add, output_of(g, erf)), 1.0, 1e-6))
        return;
    int members[MAX_MEMBERS] = {scale, erf, add}, count = 3;
    int last = match_gelu_end(g, x, add, members, &count);
    if (last >= 0)
        fuse(g, last, FCN_GELU, ONNX_PATTERN_GELU, x, members, count);
}

/* The cube of x: Pow(x, 3), or x * x * x as two Muls. Adds the nodes to members; x or -1. */
static int cube_of(const onnx_graph *g, int tensor, int *members, int *count)
{
    int p = producer_op(g, tensor, "Pow");
    if (p >= 0 && g->nodes[p].input_count == 2 && constant_near(g, p, g->nodes[p].inputs[1], 3.0, 1e-6)) {
        members[(*count)++] = p;
        return g->nodes[p].inputs[0];
    }
    int outer = producer_op(g, tensor, "Mul");
    for (int k = 0; outer >= 0 && k < 2; k++) {
        int square = producer_op(g, g->nodes[outer].inputs[k], "Mul");
        int x = g->nodes[outer].inputs[1 - k];
        if (square >= 0 && g->nodes[square].inputs[0] == x && g->nodes[square].inputs[1] == x &&
            only_consumer(g, g->nodes[outer].inputs[k]) == outer) {
            members[(*count)++] = square;
            members[(*count)++] = outer;
            return x;
        }
    }
    return -1;
}

/* Tanh(sqrt(2/pi) * (x + 0.044715 x^3)) + 1, then the common end: GELU. */
static void match_gelu_tanh(onnx_graph *g, int tanh_node)
{
    int in = g->nodes[tanh_node].input_count == 1 ? g->nodes[tanh_node].inputs[0] : -1;
    int outer = producer_op(g, in, "Mul");
    if (outer < 0 || only_consumer(g, in) != tanh_node || g->nodes[outer].input_count != 2)
        return;
    int members[MAX_MEMBERS], count = 0;
    for (int k = 0; k < 2; k++) {
        int sum_t = g->nodes[outer].inputs[k], sum = producer_op(g, sum_t, "Add");
        if (sum < 0 || only_consumer(g, sum_t) != outer || !scales_by(g, outer, sum_t, 0.7978845608028654 /* sqrt(2 / pi) */) ||
            g->nodes[sum].input_count != 2)
            continue;
        for (int j = 0; j < 2; j++) {
            int cubic_t = g->nodes[sum].inputs[j], x = g->nodes[sum].inputs[1 - j];
            int cubic = producer_op(g, cubic_t, "Mul");
            count = 0;
            if (cubic < 0 || only_consumer(g, cubic_t) != sum || g->nodes[cubic].input_count != 2)
                continue;
            for (int i = 0; i < 2; i++) {
                int cube_t = g->nodes[cubic].inputs[i];
                if (!constant_near(g, cubic, g->nodes[cubic].inputs[1 - i], 0.044715, 1e-5) ||
                    only_consumer(g, cube_t) != cubic || cube_of(g, cube_t, members, &count) != x)
                    continue;
                members[count++] = cubic;
                members[count++] = sum;
                members[count++] = outer;
                members[count++] = tanh_node;
                int add = next_op(g, output_of(g, tanh_node), "Add");
                if (add < 0 || !constant_near(g, add, other_operand(g, add, output_of(g, tanh_node)), 1.0, 1e-6))
                    return;
                members[count++] = add;
                int last = match_gelu_end(g, x, add, members, &count);
                if (last >= 0)
                    fuse(g, last, FCN_GELU, ONNX_PATTERN_GELU, x, members, count);
                return;
            }
        }
    }
}

/* An optional Mul or Add of a constant after `node`, its only consumer; -1 when there is none. */
static int constant_step(const onnx_graph *g, int node, const char *op)
{
    int t = output_of(g, node), next = next_op(g, t, op);
    int c = next >= 0 ? other_operand(g, next, t) : -1;
    return c >= 0 && g->tensors[c].is_constant ? next : -1;
}

/* (x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps) [* gamma] [+ beta]: LAYER_NORM. From the Div. */
static void match_layer_norm(onnx_graph *g, int div)
{
    const onnx_node *d = &g->nodes[div];
    if (d->input_count != 2)
        return;
    int centred = d->inputs[0], sub = producer_op(g, centred, "Sub");
    int sqrt_node = producer_op(g, d->inputs[1], "Sqrt");
    if (sub < 0 || sqrt_node < 0 || g->nodes[sub].input_count != 2 || only_consumer(g, d->inputs[1]) != div ||
        g->tensors[centred].consumer_count != 2)
        return;
    int x = g->nodes[sub].inputs[0], mean = producer_op(g, g->nodes[sub].inputs[1], "ReduceMean");
    int eps = producer_op(g, g->nodes[sqrt_node].inputs[0], "Add");
    if (mean < 0 || g->nodes[mean].inputs[0] != x || only_consumer(g, g->nodes[sub].inputs[1]) != sub || eps < 0 ||
        only_consumer(g, output_of(g, eps)) != sqrt_node || g->nodes[eps].input_count != 2)
        return;
    int variance = -1;
    for (int k = 0; k < 2 && variance < 0; k++)
        if (g->tensors[g->nodes[eps].inputs[1 - k]].is_constant)
            variance = producer_op(g, g->nodes[eps].inputs[k], "ReduceMean");
    int square = variance >= 0 ? producer_op(g, g->nodes[variance].inputs[0], "Pow") : -1;
    if (square < 0 || only_consumer(g, output_of(g, variance)) != eps ||
        only_consumer(g, output_of(g, square)) != variance || g->nodes[square].inputs[0] != centred ||
        g->nodes[square].input_count != 2 || !constant_near(g, square, g->nodes[square].inputs[1], 2.0, 1e-6))
        return;
    int members[MAX_MEMBERS] = {mean, sub, square, variance, eps, sqrt_node}, count = 6, last = div;
    int gamma = constant_step(g, last, "Mul");
    if (gamma >= 0) {
        members[count++] = last;
        last = gamma;
    }
    int beta = constant_step(g, last, "Add");
    if (beta >= 0) {
        members[count++] = last;
        last = beta;
    }
    fuse(g, last, FCN_LAYER_NORM, ONNX_PATTERN_LAYER_NORM, x, members, count);
}

/* Reshape, Transpose(0,2,1,3,4), Reshape: SHUFFLE (the groups are read with the shapes). From the Transpose. */
static void match_shuffle(onnx_graph *g, int transpose)
{
    static const int64_t swap[5] = {0, 2, 1, 3, 4};
    const int64_t *perm = NULL;
    size_t count = 0;
    fcn_error scratch;
    if (g->nodes[transpose].input_count != 1 ||
        onnx_attr_ints(g, transpose, "perm", &perm, &count, &scratch) != 1 || count != 5 ||
        memcmp(perm, swap, sizeof swap) != 0)
        return;
    int in = g->nodes[transpose].inputs[0], first = producer_op(g, in, "Reshape");
    int last = next_op(g, output_of(g, transpose), "Reshape");
    if (first < 0 || last < 0 || only_consumer(g, in) != transpose || g->nodes[first].input_count < 1)
        return;
    int members[2] = {first, transpose};
    fuse(g, last, FCN_SHUFFLE, ONNX_PATTERN_SHUFFLE, g->nodes[first].inputs[0], members, 2);
}

/* A constant whose dims are all 1 but perhaps one: per channel once broadcast (checked with the shapes). */
static int per_channel_constant(const onnx_graph *g, int tensor)
{
    onnx_shape s;
    if (tensor < 0 || !g->tensors[tensor].is_constant || onnx_constant_shape(&g->tensors[tensor].constant, &s))
        return 0;
    int wide = 0;
    for (int i = 0; i < s.rank; i++)
        wide += s.dims[i] != 1;
    return wide <= 1;
}

/*
 * The layer node an affine on `data` folds into: past shape-only operators,
 * bias Adds and other folds, each tensor feeding only the next, a Conv, Gemm
 * or MatMul (unless keep_batch_norm), or a BATCH_NORM layer when the affine
 * is right after it. -1 when there is none.
 */
static int fold_target(const onnx_graph *g, int data, int keep_batch_norm)
{
    for (int t = data, step = 0; t >= 0 && step < g->node_count; step++) {
        int p = g->tensors[t].producer;
        if (p < 0 || g->tensors[t].consumer_count != 1)
            return -1;
        const onnx_node *n = &g->nodes[p];
        switch (n->role) {
        case ONNX_ROLE_SHAPE_ONLY: t = n->data_input; continue;
        case ONNX_ROLE_BIAS_ADD:
        case ONNX_ROLE_FOLDED_BN:
        case ONNX_ROLE_FOLDED_AFFINE: return keep_batch_norm ? -1 : n->partner;
        case ONNX_ROLE_LAYER:
            if ((n->pattern == ONNX_PATTERN_AFFINE || is_op(g, p, "BatchNormalization")) && t == data)
                return p;
            if (!keep_batch_norm && n->pattern == ONNX_PATTERN_NONE &&
                (is_op(g, p, "Conv") || is_op(g, p, "Gemm") || is_op(g, p, "MatMul")))
                return p;
            return -1;
        default: return -1;
        }
    }
    return -1;
}

/* A Mul or Add of data and a per-channel constant: folded, or a BATCH_NORM layer. */
void onnx_match_affine(onnx_graph *g, int node, int keep_batch_norm)
{
    onnx_node *n = &g->nodes[node];
    if (n->role == ONNX_ROLE_BIAS_ADD || n->role == ONNX_ROLE_FUSED || n->pattern != ONNX_PATTERN_NONE ||
        n->input_count != 2 || n->inputs[0] < 0 || n->inputs[1] < 0 ||
        (!is_op(g, node, "Mul") && !is_op(g, node, "Add")))
        return;
    int k = g->tensors[n->inputs[0]].is_constant ? 0 : 1;
    int constant = n->inputs[k], data = n->inputs[1 - k];
    if (data < 0 || g->tensors[data].is_constant || !per_channel_constant(g, constant))
        return;
    int target = fold_target(g, data, keep_batch_norm);
    fuse(g, node, FCN_BATCH_NORM, ONNX_PATTERN_AFFINE, data, NULL, 0);
    n->params.bias = is_op(g, node, "Add") ? constant : -1;
    if (target >= 0) {
        n->role = ONNX_ROLE_FOLDED_AFFINE;
        n->partner = target;
    }
}

void onnx_mark_transposed_constants(onnx_graph *g)
{
    for (int i = 0; i < g->node_count; i++) {
        int node = g->order[i];
        const onnx_node *n = &g->nodes[node];
        const int64_t *perm = NULL;
        size_t count = 0;
        fcn_error scratch;
        if (!is_op(g, node, "Transpose") || n->input_count != 1 || n->output_count < 1 || n->outputs[0] < 0 ||
            n->inputs[0] < 0 || !g->tensors[n->inputs[0]].is_constant ||
            onnx_attr_ints(g, node, "perm", &perm, &count, &scratch) < 0)
            continue;
        onnx_shape s;
        const onnx_tensor *in = &g->tensors[n->inputs[0]];
        if (onnx_constant_shape(&in->constant, &s) || s.rank != 2 || in->transposed ||
            (perm && (count != 2 || perm[0] != 1 || perm[1] != 0)))
            continue;
        onnx_tensor *out = &g->tensors[n->outputs[0]];
        out->is_constant = 1;
        out->constant = in->constant;
        out->origin = in->origin;
        out->transposed = 1;
    }
}

void onnx_fuse_patterns(onnx_graph *g, int keep_batch_norm)
{
    for (int i = 0; i < g->node_count; i++) {
        int node = g->order[i];
        if (g->nodes[node].role == ONNX_ROLE_FUSED || g->nodes[node].pattern != ONNX_PATTERN_NONE)
            continue;
        if (is_op(g, node, "Mul"))
            match_silu(g, node);
        else if (is_op(g, node, "Erf"))
            match_gelu_erf(g, node);
        else if (is_op(g, node, "Tanh"))
            match_gelu_tanh(g, node);
        else if (is_op(g, node, "Div"))
            match_layer_norm(g, node);
        else if (is_op(g, node, "Transpose"))
            match_shuffle(g, node);
    }
    /* After the others, which hold constant Muls and Adds of their own (GELU's 0.5, LayerNorm's gamma). */
    for (int i = 0; i < g->node_count; i++) {
        int node = g->order[i];
        if (g->nodes[node].role != ONNX_ROLE_FUSED && g->nodes[node].pattern == ONNX_PATTERN_NONE)
            onnx_match_affine(g, node, keep_batch_norm);
    }
}

const char *onnx_pattern_becomes(const onnx_node *n)
{
    if (n->role == ONNX_ROLE_FOLDED_AFFINE)
        return "folded into the layer before it (a per-channel scale or shift)";
    if (n->role == ONNX_ROLE_LAYER && n->pattern == ONNX_PATTERN_AFFINE)
        return "BATCH_NORM (a per-channel scale or shift)";
    if (n->role != ONNX_ROLE_FUSED)
        return NULL;
    switch (n->layer_type) {
    case FCN_SILU: return "part of a SILU (x * sigmoid(x))";
    case FCN_GELU: return "part of a GELU";
    case FCN_LAYER_NORM: return "part of a LAYER_NORM";
    case FCN_SHUFFLE: return "part of a SHUFFLE";
    default: return "part of a fused layer";
    }
}
