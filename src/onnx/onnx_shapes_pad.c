/*
 * Pad: zero padding of H and W. When its output feeds only a Conv, MaxPool
 * or AveragePool (as its data, with explicit pads), the padding is folded
 * into that window's (the exporters' "Pad then AveragePool" of
 * count_include_pad, Inception's and DenseNet's pools); otherwise it is a
 * PAD layer. Other modes, a value other than 0, padding of N or C, or
 * cropping (negative pads) are errors.
 *
 * Pads come from the attribute `pads` before opset 11, then from input 1
 * (with the optional constant value as input 2 and, from opset 18, axes as
 * input 3); ONNX orders them [x1_begin, x2_begin, ..., x1_end, x2_end, ...].
 */
#include <string.h>

#include "onnx_attrs.h"
#include "onnx_fold.h"
#include "onnx_ops.h"
#include "onnx_shapes.h"

/* The pads of every axis (begin, end) into begin[] and end[]; -1 with the message. */
static int read_pads(const onnx_graph *g, int node, int rank, int64_t begin[ONNX_MAX_RANK],
                     int64_t end[ONNX_MAX_RANK], fcn_error *err)
{
    int64_t pads[2 * ONNX_MAX_RANK], axes[ONNX_MAX_RANK];
    size_t count = 0, axis_count = 0;
    memset(begin, 0, ONNX_MAX_RANK * sizeof *begin);
    memset(end, 0, ONNX_MAX_RANK * sizeof *end);
    if (g->opset < 11) {
        const int64_t *values;
        if (onnx_attr_ints(g, node, "pads", &values, &count, err) < 0)
            return -1;
        if (count > 2 * ONNX_MAX_RANK)
            return onnx_node_fail(g, node, err, "attribute 'pads' has %zu values", count);
        if (count)
            memcpy(pads, values, count * sizeof *pads);
    } else if (onnx_constant_ints(g, node, onnx_node_input(g, node, 1), "pads", pads, 2 * ONNX_MAX_RANK, &count,
                                  err)) {
        return -1;
    }
    int axes_input = onnx_node_input(g, node, 3);
    if (axes_input >= 0 &&
        onnx_constant_ints(g, node, axes_input, "axes", axes, ONNX_MAX_RANK, &axis_count, err))
        return -1;
    size_t axes_padded = axes_input >= 0 ? axis_count : (size_t)rank;
    if (count != 2 * axes_padded)
        return onnx_node_fail(g, node, err, "has %zu pads for %zu axes (expected %zu)", count, axes_padded,
                              2 * axes_padded);
    for (size_t i = 0; i < axes_padded; i++) {
        int64_t axis = axes_input >= 0 ? axes[i] : (int64_t)i;
        axis = axis < 0 ? axis + rank : axis;
        if (axis < 0 || axis >= rank)
            return onnx_node_fail(g, node, err, "axis %lld is out of range (rank %d)", (long long)axes[i], rank);
        begin[axis] = pads[i];
        end[axis] = pads[i + axes_padded];
    }
    return 0;
}

/* Mode "constant" with the value 0. */
static int check_zero_constant(const onnx_graph *g, int node, fcn_error *err)
{
    const char *mode;
    size_t length;
    int found = onnx_attr_string(g, node, "mode", &mode, &length, err);
    if (found < 0)
        return -1;
    if (found && !onnx_attr_string_is(mode, length, "constant"))
        return onnx_node_fail(g, node, err, "mode '%.*s' is not supported (only zero padding, mode 'constant')",
                              (int)(length > 40 ? 40 : length), mode);
    double value = 0;
    if (g->opset < 11) {
        if (onnx_attr_float(g, node, "value", &value, err) < 0)
            return -1;
    } else if (onnx_node_input(g, node, 2) >= 0) {
        double values[1];
        size_t count;
        if (onnx_constant_numbers(g, onnx_node_input(g, node, 2), values, 1, &count) || count > 1)
            return onnx_node_fail(g, node, err, "its constant value must be one number the parser can read");
        value = count ? values[0] : 0;
    }
    if (value != 0)
        return onnx_node_fail(g, node, err, "pads with the value %g; only zero padding is supported", value);
    return 0;
}

/* The window that takes the padding instead: the only reader of the output, a Conv or pool with explicit pads. */
static int folding_window(const onnx_graph *g, int node)
{
    int t = g->nodes[node].outputs[0];
    const onnx_tensor *out = &g->tensors[t];
    if (out->consumer_count != 1)
        return -1;
    int c = g->consumers[out->first_consumer];
    const onnx_node *w = &g->nodes[c];
    int window = strcmp(w->op, "Conv") == 0 || strcmp(w->op, "MaxPool") == 0 || strcmp(w->op, "AveragePool") == 0;
    if (!window || !onnx_default_domain(w->proto) || w->input_count < 1 || w->inputs[0] != t)
        return -1;
    for (int k = 1; k < w->input_count; k++)
        if (w->inputs[k] == t)
            return -1;
    const Onnx__AttributeProto *a = onnx_attr_find(w->proto, "auto_pad");
    if (a && !(a->s.len == 0 || onnx_attr_string_is((const char *)a->s.data, a->s.len, "NOTSET")))
        return -1;
    for (size_t i = 0; i < g->proto->n_output; i++) /* a graph output must keep its padded dims */
        if (g->proto->output[i]->name && strcmp(g->proto->output[i]->name, out->name) == 0)
            return -1;
    return c;
}

int onnx_infer_pad(onnx_graph *g, int node, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_shape x;
    int64_t begin[ONNX_MAX_RANK], end[ONNX_MAX_RANK];
    if (onnx_is_clip(g, n->data_input))
        return onnx_node_fail(g, node, err, "pads a clip (NCDHW): a Pad of the frames, or one folded into a 3-D "
                              "window, is not supported yet (a 3-D Conv's or pool's own pads are)");
    if (onnx_data_shape(g, node, 4, 4, &x, err) || check_zero_constant(g, node, err) ||
        read_pads(g, node, x.rank, begin, end, err))
        return -1;
    for (int i = 0; i < 4; i++) {
        if (begin[i] < 0 || end[i] < 0)
            return onnx_node_fail(g, node, err, "crops (negative pads), which is not supported");
        if (i < 2 && (begin[i] || end[i]))
            return onnx_node_fail(g, node, err, "pads the %s; only the rows and columns (H and W) can be padded",
                                  i ? "channels" : "batch");
        if (begin[i] > ONNX_MAX_DIM || end[i] > ONNX_MAX_DIM)
            return onnx_node_fail(g, node, err, "pads by more than %lld", (long long)ONNX_MAX_DIM);
    }
    n->params.type = FCN_PAD;
    n->params.pad_top = begin[2];
    n->params.pad_left = begin[3];
    n->params.pad_bottom = end[2];
    n->params.pad_right = end[3];
    if (n->output_count > 0 && n->outputs[0] >= 0 && folding_window(g, node) >= 0) {
        /* Dropped: the window reads the unpadded map with these pads added to its own. */
        onnx_tensor *out = &g->tensors[n->outputs[0]], *in = &g->tensors[n->data_input];
        n->role = ONNX_ROLE_FOLDED_PAD;
        out->shape = x;
        out->has_shape = 1;
        out->rows = in->rows;
        out->cols = in->cols;
        out->depth = in->depth;
        out->channels = in->channels;
        return 0;
    }
    onnx_shape y = {4, {1, x.dims[1], x.dims[2] + begin[2] + end[2], x.dims[3] + begin[3] + end[3]}};
    return onnx_set_output(g, node, &y, err);
}

int onnx_folded_pads(const onnx_graph *g, int node, int64_t pads[4])
{
    int t = g->nodes[node].data_input;
    int p = t >= 0 ? g->tensors[t].producer : -1;
    if (p < 0 || g->nodes[p].role != ONNX_ROLE_FOLDED_PAD)
        return 0;
    const onnx_layer_params *q = &g->nodes[p].params;
    pads[0] = q->pad_top;
    pads[1] = q->pad_left;
    pads[2] = q->pad_bottom;
    pads[3] = q->pad_right;
    return 1;
}
