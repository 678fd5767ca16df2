/*
 * Shapes of the fused patterns and the newer layer types, and channels-last
 * data.
 *
 * Channels last: the hardware streams rows, cols, then channels fastest,
 * which is the memory order of [1,H,W,C]. A Transpose(0,2,3,1) of [1,C,H,W]
 * data therefore moves nothing: its output is marked channels_last and keeps
 * streaming rows=H, cols=W, channels=C, as does every per-pixel operator on
 * it (LayerNorm over the last axis, GELU, a MatMul by a constant [C,K] on the
 * last axis, which is a 1x1 CONVOLUTION with K filters, its bias Add), until
 * a Transpose(0,3,1,2) gives [1,C,H,W] again (ConvNeXt's blocks and
 * LayerNorm2d).
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "onnx_attrs.h"
#include "onnx_patterns.h"
#include "onnx_quant.h"
#include "onnx_shapes.h"

static const int64_t to_last[4] = {0, 2, 3, 1}, to_first[4] = {0, 3, 1, 2};

static int is_perm(const onnx_graph *g, int node, const int64_t *expected)
{
    const int64_t *perm = NULL;
    size_t count = 0;
    fcn_error scratch;
    return strcmp(g->nodes[node].op, "Transpose") == 0 &&
           onnx_attr_ints(g, node, "perm", &perm, &count, &scratch) == 1 && count == 4 &&
           memcmp(perm, expected, sizeof to_last) == 0;
}

/* Operators that work on each pixel's channels alone, whatever the layout: they may take [1,H,W,C] data. */
static int per_pixel(const onnx_graph *g, int node)
{
    static const char *const ops[] = {"MatMul", "LayerNormalization", "Gelu", "Relu", "Sigmoid", "LeakyRelu",
                                      "PRelu", "Clip", "HardSigmoid", "HardSwish", "Identity", "Dropout", "Cast"};
    const onnx_node *n = &g->nodes[node];
    switch (n->role) {
    case ONNX_ROLE_FUSED:
    case ONNX_ROLE_BIAS_ADD:
    case ONNX_ROLE_FOLDED_AFFINE: return 1;
    case ONNX_ROLE_LAYER:
    case ONNX_ROLE_SHAPE_ONLY:
        if (n->pattern != ONNX_PATTERN_NONE)
            return n->pattern != ONNX_PATTERN_SHUFFLE;
        if (n->joins && n->layer_type == FCN_ELTWISE)
            return 1; /* its other inputs must be channels-last too: the shapes check */
        for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
            if (strcmp(n->op, ops[i]) == 0)
                return 1;
        return onnx_is_quantiser(n->proto);
    default: return 0;
    }
}

/*
 * Whether the data a Transpose(0,2,3,1) gives reaches only per-pixel
 * operators before a Transpose(0,3,1,2) brings it back: anything else (a
 * Flatten, an inner product) would see the [1,H,W,C] order.
 */
static int frame_closes(const onnx_graph *g, int transpose)
{
    char *marked = calloc((size_t)g->tensor_count + 1, 1);
    int closes = marked != NULL, seen = 0;
    if (marked)
        marked[g->nodes[transpose].outputs[0]] = 1;
    for (int i = 0; closes && i < g->node_count; i++) {
        int node = g->order[i];
        const onnx_node *n = &g->nodes[node];
        seen |= node == transpose;
        int reads = 0;
        for (int k = 0; seen && node != transpose && k < n->input_count; k++)
            reads |= n->inputs[k] >= 0 && marked[n->inputs[k]];
        if (!reads || is_perm(g, node, to_first))
            continue;
        if (!per_pixel(g, node) || n->output_count < 1 || n->outputs[0] < 0)
            closes = 0;
        else
            marked[n->outputs[0]] = 1;
    }
    free(marked);
    return closes;
}

int onnx_layout_transpose(const onnx_graph *g, int node, const int64_t *perm, size_t count)
{
    const onnx_node *n = &g->nodes[node];
    const onnx_tensor *in = n->data_input >= 0 ? &g->tensors[n->data_input] : NULL;
    if (!in || !in->has_shape || in->shape.rank != 4 || count != 4 || !perm || n->output_count < 1 ||
        n->outputs[0] < 0)
        return 0;
    if (in->channels_last)
        return memcmp(perm, to_first, sizeof to_first) == 0;
    return memcmp(perm, to_last, sizeof to_last) == 0 && frame_closes(g, node);
}

int onnx_output_channels_last(const onnx_graph *g, int node)
{
    const onnx_node *n = &g->nodes[node];
    const onnx_tensor *in = n->data_input >= 0 ? &g->tensors[n->data_input] : NULL;
    const onnx_tensor *out = &g->tensors[n->outputs[0]];
    if (!in || out->shape.rank != 4)
        return 0;
    if (strcmp(n->op, "Transpose") == 0 && n->role == ONNX_ROLE_SHAPE_ONLY) {
        const int64_t *perm = NULL;
        size_t count = 0;
        fcn_error scratch;
        if (onnx_attr_ints(g, node, "perm", &perm, &count, &scratch) == 1 && onnx_layout_transpose(g, node, perm, count))
            return !in->channels_last;
    }
    return in->channels_last && in->shape.rank == 4;
}

/* The axis of a tensor that the hardware streams as its channels: the last of [1,H,W,C] data, else 1. */
static int channel_axis(const onnx_tensor *t)
{
    return t->channels_last ? 3 : t->shape.rank >= 2 ? 1 : 0;
}

int onnx_is_pointwise_matmul(const onnx_graph *g, int node)
{
    const onnx_node *n = &g->nodes[node];
    const onnx_tensor *in = n->data_input >= 0 ? &g->tensors[n->data_input] : NULL;
    return in && in->channels_last && in->has_shape && in->shape.rank == 4;
}

int onnx_infer_pointwise_matmul(onnx_graph *g, int node, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_shape x = g->tensors[n->data_input].shape, w;
    char text[96];
    int weight = onnx_constant_input(g, node, 1, "weight", &w, err);
    if (weight < 0)
        return -1;
    if (w.rank != 2 || w.dims[0] != x.dims[3])
        return onnx_node_fail(g, node, err, "weight '%s' is %s, which does not fit the %lld channels of its "
                              "channels-last input", g->tensors[weight].name, onnx_shape_text(&w, text, sizeof text),
                              (long long)x.dims[3]);
    n->layer_type = FCN_CONVOLUTION;
    n->params.type = FCN_CONVOLUTION;
    n->params.kernel[0] = n->params.kernel[1] = n->params.stride[0] = n->params.stride[1] = 1;
    n->params.groups = 1;
    n->params.filters = w.dims[1];
    n->params.weight = weight;
    x.dims[3] = w.dims[1];
    return onnx_set_output(g, node, &x, err);
}

int onnx_infer_leaky_relu(onnx_graph *g, int node, fcn_error *err)
{
    double alpha = 0.01; /* ONNX's default */
    if (onnx_attr_float(g, node, "alpha", &alpha, err) < 0)
        return -1;
    g->nodes[node].params.alpha = alpha;
    return onnx_infer_same(g, node, err);
}

/* A constant's dims, numpy-aligned to the data's rank, are all 1 but perhaps on the streamed channel axis. */
static int per_channel(const onnx_tensor *data, const onnx_shape *c)
{
    if (c->rank > data->shape.rank)
        return 0;
    int axis = channel_axis(data), offset = data->shape.rank - c->rank;
    for (int i = 0; i < c->rank; i++)
        if (c->dims[i] != 1 && (i + offset != axis || c->dims[i] != data->shape.dims[axis]))
            return 0;
    return 1;
}

int onnx_per_channel_operand(const onnx_graph *g, int node)
{
    const onnx_node *n = &g->nodes[node];
    if (n->input_count != 2 || n->inputs[0] < 0 || n->inputs[1] < 0)
        return 0;
    int k = g->tensors[n->inputs[0]].is_constant ? 0 : 1;
    const onnx_tensor *c = &g->tensors[n->inputs[k]], *data = &g->tensors[n->inputs[1 - k]];
    return c->is_constant && !data->is_constant && c->has_shape && data->has_shape && data->on_path &&
           per_channel(data, &c->shape);
}

static int check_per_channel(const onnx_graph *g, int node, int constant, const char *what, fcn_error *err)
{
    const onnx_tensor *data = &g->tensors[g->nodes[node].data_input];
    const onnx_shape *c = onnx_shape_of(g, constant);
    char a[96], b[96];
    if (per_channel(data, c))
        return 0;
    return onnx_node_fail(g, node, err, "its %s '%s' is %s; expected one value per channel of its %s input (%lld "
                          "channels) or a single value", what, g->tensors[constant].name,
                          onnx_shape_text(c, a, sizeof a), onnx_shape_text(&data->shape, b, sizeof b),
                          (long long)data->channels);
}

/* PRelu's slope: a constant per channel or one value. */
int onnx_infer_prelu(onnx_graph *g, int node, fcn_error *err)
{
    onnx_shape s;
    int slope = onnx_constant_input(g, node, 1, "slope", &s, err);
    if (slope < 0 || onnx_data_shape(g, node, 1, ONNX_MAX_RANK, &s, err) || check_per_channel(g, node, slope,
                                                                                               "slope", err))
        return -1;
    return onnx_infer_same(g, node, err);
}

int onnx_infer_gelu(onnx_graph *g, int node, fcn_error *err)
{
    const char *text = NULL;
    size_t length = 0;
    int found = onnx_attr_string(g, node, "approximate", &text, &length, err);
    if (found < 0)
        return -1;
    if (found && !onnx_attr_string_is(text, length, "none") && !onnx_attr_string_is(text, length, "tanh"))
        return onnx_node_fail(g, node, err, "attribute 'approximate' is '%.*s' (expected 'none' or 'tanh')",
                              (int)(length > 40 ? 40 : length), text);
    return onnx_infer_same(g, node, err);
}

/* Normalising the dims from `axis` on must be normalising each pixel's channels, as LAYER_NORM does. */
static int check_normalised(const onnx_graph *g, int node, int64_t axis, fcn_error *err)
{
    const onnx_tensor *in = &g->tensors[g->nodes[node].data_input];
    int rank = in->shape.rank;
    char text[96];
    if (axis < -rank || axis >= rank)
        return onnx_node_fail(g, node, err, "its axis %lld is outside -%d..%d", (long long)axis, rank, rank - 1);
    if (axis < 0)
        axis += rank;
    int64_t inner = 1;
    for (int i = (int)axis; i < rank; i++)
        inner *= in->shape.dims[i];
    if (inner == in->channels && onnx_shape_elements(&in->shape) == inner * in->rows * in->cols)
        return 0;
    return onnx_node_fail(g, node, err, "normalises %s from axis %lld on, not the %lld channels of each pixel the "
                          "hardware streams (%lldx%lldx%lld rows x cols x channels)",
                          onnx_shape_text(&in->shape, text, sizeof text), (long long)axis, (long long)in->channels,
                          (long long)in->rows, (long long)in->cols, (long long)in->channels);
}

int onnx_infer_layer_norm(onnx_graph *g, int node, fcn_error *err)
{
    int64_t axis = -1;
    onnx_shape x;
    if (onnx_data_shape(g, node, 1, ONNX_MAX_RANK, &x, err) || onnx_attr_int(g, node, "axis", &axis, err) < 0 ||
        check_normalised(g, node, axis, err))
        return -1;
    return onnx_infer_same(g, node, err);
}

/* The decomposition's ReduceMean (the pattern's first node): its axes must be the trailing ones. */
static int infer_layer_norm_pattern(onnx_graph *g, int node, fcn_error *err)
{
    int mean = g->nodes[node].partner;
    int64_t axes[ONNX_MAX_RANK];
    size_t count = 0;
    const int64_t *values = NULL;
    onnx_shape x;
    if (onnx_data_shape(g, node, 1, ONNX_MAX_RANK, &x, err))
        return -1;
    if (onnx_node_input(g, mean, 1) >= 0) { /* opset 18 */
        if (onnx_constant_ints(g, mean, onnx_node_input(g, mean, 1), "axes", axes, ONNX_MAX_RANK, &count, err))
            return -1;
    } else {
        if (onnx_attr_ints(g, mean, "axes", &values, &count, err) < 0)
            return -1;
        if (count > ONNX_MAX_RANK)
            count = ONNX_MAX_RANK;
        if (count)
            memcpy(axes, values, count * sizeof *axes);
    }
    int64_t first = x.rank;
    for (size_t i = 0; i < count; i++) {
        int64_t a = axes[i] < 0 ? axes[i] + x.rank : axes[i];
        first = a < first ? a : first;
    }
    if (count == 0 || first + (int64_t)count != x.rank)
        return onnx_node_fail(g, mean, err, "the mean of a LayerNorm pattern must be over the last axes of %s",
                              onnx_shape_text(&x, (char[96]){0}, 96));
    if (check_normalised(g, node, first, err))
        return -1;
    return onnx_infer_same(g, node, err);
}

/* A Mul or Add of a per-channel constant: folded into the layer before it, or a BATCH_NORM layer. */
static int infer_affine(onnx_graph *g, int node, fcn_error *err)
{
    const onnx_node *n = &g->nodes[node];
    onnx_shape x;
    int constant = n->inputs[0] == n->data_input ? n->inputs[1] : n->inputs[0];
    if (onnx_data_shape(g, node, 1, ONNX_MAX_RANK, &x, err) ||
        check_per_channel(g, node, constant, strcmp(n->op, "Mul") == 0 ? "scale" : "shift", err))
        return -1;
    return onnx_set_output(g, node, &x, err);
}

/* The target of Reshape `node` with the tensor x reshaped: 0 copies, -1 takes the rest. */
static int reshape_target(const onnx_graph *g, int node, const onnx_shape *x, onnx_shape *y, fcn_error *err)
{
    size_t count = 0;
    if (onnx_constant_ints(g, node, onnx_node_input(g, node, 1), "shape", y->dims, ONNX_MAX_RANK, &count, err))
        return -1;
    y->rank = (int)count;
    int64_t known = 1;
    int infer = -1;
    for (int i = 0; i < y->rank; i++) {
        if (y->dims[i] == 0 && i < x->rank)
            y->dims[i] = x->dims[i];
        if (y->dims[i] == -1 && infer < 0)
            infer = i;
        else if (y->dims[i] < 1 || y->dims[i] > ONNX_MAX_DIM || known > ONNX_MAX_ELEMENTS / y->dims[i])
            return onnx_node_fail(g, node, err, "its target shape has the value %lld at %d", (long long)y->dims[i], i);
        else
            known *= y->dims[i];
    }
    if (infer >= 0)
        y->dims[infer] = onnx_shape_elements(x) / known;
    return 0;
}

/* Reshape [1,C,H,W] to [1,g,C/g,H,W], swap the two, reshape back: SHUFFLE with g groups. */
static int infer_shuffle(onnx_graph *g, int node, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_shape x, split, back;
    char a[96], b[96];
    if (onnx_data_shape(g, node, 4, 4, &x, err) || reshape_target(g, n->partner, &x, &split, err) ||
        reshape_target(g, node, &x, &back, err))
        return -1;
    int fits = split.rank == 5 && split.dims[0] == 1 && split.dims[1] * split.dims[2] == x.dims[1] &&
               split.dims[3] == x.dims[2] && split.dims[4] == x.dims[3];
    if (!fits)
        return onnx_node_fail(g, n->partner, err, "reshapes %s to %s, which is not a channel shuffle's "
                              "[1, groups, channels/groups, H, W]", onnx_shape_text(&x, a, sizeof a),
                              onnx_shape_text(&split, b, sizeof b));
    if (back.rank != 4 || memcmp(back.dims, x.dims, sizeof x.dims[0] * 4) != 0)
        return onnx_node_fail(g, node, err, "reshapes the shuffled channels to %s, not back to %s",
                              onnx_shape_text(&back, b, sizeof b), onnx_shape_text(&x, a, sizeof a));
    n->params.groups = split.dims[1];
    return onnx_set_output(g, node, &x, err);
}

/* Slice's starts, ends, axes and steps: inputs from opset 10, attributes before. */
static int slice_values(const onnx_graph *g, int node, int index, const char *name, int64_t *out, size_t *count,
                        fcn_error *err)
{
    *count = 0;
    if (g->opset >= 10) {
        int t = onnx_node_input(g, node, index);
        return t < 0 ? 0 : onnx_constant_ints(g, node, t, name, out, ONNX_MAX_RANK, count, err);
    }
    const int64_t *values = NULL;
    if (onnx_attr_ints(g, node, name, &values, count, err) < 0)
        return -1;
    if (*count > ONNX_MAX_RANK)
        return onnx_node_fail(g, node, err, "attribute '%s' has %zu values, more than %d", name, *count, ONNX_MAX_RANK);
    if (*count)
        memcpy(out, values, *count * sizeof *out);
    return 0;
}

/* ONNX's clamping of a Slice bound to 0..dim (negative counts from the end). */
static int64_t slice_bound(int64_t v, int64_t dim)
{
    if (v < 0)
        v += dim;
    return v < 0 ? 0 : v > dim ? dim : v;
}

/* A Slice of the streamed channels, step 1: a CHOP taking one group of consecutive channels. */
int onnx_infer_slice(onnx_graph *g, int node, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_shape x;
    int64_t starts[ONNX_MAX_RANK], ends[ONNX_MAX_RANK], axes[ONNX_MAX_RANK], steps[ONNX_MAX_RANK];
    size_t count, ends_count, axes_count, steps_count;
    if (onnx_data_shape(g, node, 1, ONNX_MAX_RANK, &x, err) || slice_values(g, node, 1, "starts", starts, &count, err) ||
        slice_values(g, node, 2, "ends", ends, &ends_count, err) ||
        slice_values(g, node, 3, "axes", axes, &axes_count, err) ||
        slice_values(g, node, 4, "steps", steps, &steps_count, err))
        return -1;
    if (ends_count != count || (axes_count && axes_count != count) || (steps_count && steps_count != count))
        return onnx_node_fail(g, node, err, "its starts, ends, axes and steps differ in length");
    const onnx_tensor *in = &g->tensors[n->data_input];
    int channel = channel_axis(in);
    onnx_shape y = x;
    char text[96];
    for (size_t i = 0; i < count; i++) {
        int64_t axis = axes_count ? axes[i] : (int64_t)i;
        if (axis < 0)
            axis += x.rank;
        if (axis < 0 || axis >= x.rank)
            return onnx_node_fail(g, node, err, "axis %lld is outside the input's %d dims", (long long)axes[i], x.rank);
        int64_t from = slice_bound(starts[i], x.dims[axis]), to = slice_bound(ends[i], x.dims[axis]);
        if (steps_count && steps[i] != 1)
            return onnx_node_fail(g, node, err, "slices with step %lld; the hardware's CHOP takes consecutive "
                                  "channels", (long long)steps[i]);
        if (from == 0 && to == x.dims[axis])
            continue; /* the whole axis */
        if (axis != channel)
            return onnx_node_fail(g, node, err, "slices %s along axis %lld; the hardware's CHOP slices only the "
                                  "channels (axis %d)", onnx_shape_text(&x, text, sizeof text), (long long)axis,
                                  channel);
        n->params.chop_offset = from;
        y.dims[axis] = to - from;
    }
    n->params.chop_channels = y.dims[channel];
    return onnx_set_output(g, node, &y, err);
}

/* Split's sizes: attribute `split` before opset 13, then input 1; else equal parts (num_outputs from 18). */
static int split_sizes(const onnx_graph *g, int node, int64_t dim, int64_t *sizes, fcn_error *err)
{
    const onnx_node *n = &g->nodes[node];
    size_t count = 0;
    const int64_t *values = NULL;
    if (g->opset >= 13 && onnx_node_input(g, node, 1) >= 0) {
        if (onnx_constant_ints(g, node, onnx_node_input(g, node, 1), "split", sizes, FCN_MAX_PORTS, &count, err))
            return -1;
    } else if (g->opset < 13) {
        if (onnx_attr_ints(g, node, "split", &values, &count, err) < 0)
            return -1;
        if (count > FCN_MAX_PORTS)
            return onnx_node_fail(g, node, err, "splits into %zu parts; a CHOP has at most %d outputs", count,
                                  FCN_MAX_PORTS);
        if (count)
            memcpy(sizes, values, count * sizeof *sizes);
    }
    int64_t sum = 0;
    for (size_t k = 0; k < count; k++)
        sum += sizes[k] > 0 && sizes[k] <= dim ? sizes[k] : dim + 1;
    if (count && (count != (size_t)n->output_count || sum != dim))
        return onnx_node_fail(g, node, err, "its split sizes do not give %d outputs summing to %lld", n->output_count,
                              (long long)dim);
    if (count == 0) { /* equal parts; ONNX gives the last one what is left */
        int64_t part = (dim + n->output_count - 1) / n->output_count;
        for (int k = 0; k < n->output_count; k++)
            sizes[k] = k + 1 < n->output_count ? part : dim - part * (n->output_count - 1);
        if (sizes[n->output_count - 1] < 1)
            return onnx_node_fail(g, node, err, "cannot split %lld channels into %d parts", (long long)dim,
                                  n->output_count);
    }
    return 0;
}

/*
 * A Split of the streamed channels: one CHOP, an output port per output that
 * a layer reads (src/onnx/onnx_layers.c gives the ports in network order, each
 * with its offset). Every output's dims are set, each checked as the first.
 */
int onnx_infer_split(onnx_graph *g, int node, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_shape x;
    int64_t axis = 0, sizes[FCN_MAX_PORTS];
    if (onnx_data_shape(g, node, 1, ONNX_MAX_RANK, &x, err) || onnx_attr_int(g, node, "axis", &axis, err) < 0)
        return -1;
    if (n->output_count < 1 || n->output_count > FCN_MAX_PORTS)
        return onnx_node_fail(g, node, err, "has %d outputs; a CHOP has 1 to %d", n->output_count, FCN_MAX_PORTS);
    int channel = channel_axis(&g->tensors[n->data_input]);
    char text[96];
    if ((axis < 0 ? axis + x.rank : axis) != channel)
        return onnx_node_fail(g, node, err, "splits %s along axis %lld; the hardware's CHOP splits only the channels "
                              "(axis %d)", onnx_shape_text(&x, text, sizeof text), (long long)axis, channel);
    if (split_sizes(g, node, x.dims[channel], sizes, err))
        return -1;
    /* onnx_set_output sets the first output: each output takes its place in turn. */
    int first = n->outputs[0], rc = 0;
    for (int k = 0; k < n->output_count && rc == 0; k++) {
        onnx_shape y = x;
        int t = k == 0 ? first : n->outputs[k];
        y.dims[channel] = sizes[k];
        n->outputs[0] = t;
        if (t >= 0) {
            rc = onnx_set_output(g, node, &y, err);
            g->tensors[t].on_path = 1;
        }
    }
    n->outputs[0] = first;
    return rc;
}

onnx_infer_fn onnx_pattern_infer(const onnx_graph *g, int node)
{
    switch ((onnx_pattern)g->nodes[node].pattern) {
    case ONNX_PATTERN_SILU:
    case ONNX_PATTERN_GELU: return onnx_infer_same;
    case ONNX_PATTERN_LAYER_NORM: return infer_layer_norm_pattern;
    case ONNX_PATTERN_AFFINE: return infer_affine;
    case ONNX_PATTERN_SHUFFLE: return infer_shuffle;
    case ONNX_PATTERN_NONE: break;
    }
    return NULL;
}

int onnx_fill_pattern_layer(const onnx_graph *g, int node, fcn_layer *l, fcn_error *err)
{
    const onnx_node *n = &g->nodes[node];
    switch (n->layer_type) {
    case FCN_LEAKY_RELU: l->alpha = n->params.alpha; return 0;
    case FCN_SHUFFLE: l->groups = n->params.groups; return 0;
    case FCN_CHOP:
        if (strcmp(n->op, "Split") == 0)
            return 0; /* its ports, in network order: src/onnx/onnx_layers.c */
        l->port_channels = malloc(sizeof *l->port_channels);
        l->port_offsets = malloc(sizeof *l->port_offsets);
        if (!l->port_channels || !l->port_offsets)
            return fcn_fail(err, "%s: out of memory", g->source);
        l->port_channels[0] = n->params.chop_channels;
        l->port_offsets[0] = n->params.chop_offset;
        return 0;
    default: return 0;
    }
}
