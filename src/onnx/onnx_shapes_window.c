/*
 * Sliding-window operators: Conv, MaxPool, AveragePool and the global pools.
 *
 * The model's POOLING takes the maximum or the average (pool_type) of each
 * window; its AVERAGE_POOLING averages the whole map (one value per
 * channel). An AveragePool is AVERAGE_POOLING when its window is the
 * unpadded map, max POOLING when its window is one unpadded element (the
 * average of one value is its maximum: the chain networks' 1x1 AveragePool
 * stays what it always was), and average POOLING otherwise, whatever its
 * count_include_pad (the model's figures do not depend on what the padding
 * counts for). A Conv's dilations space its taps; its output size is that
 * of the dilated kernel's extent. A pool's dilations must be 1.
 *
 * ONNX gives pads as [x1_begin, x2_begin, x1_end, x2_end], that is
 * [top, left, bottom, right]. The model computes a window's output with the
 * floor formula; a pool with ceil_mode=1 is represented by extra padding at
 * the bottom and right, just enough that the floor formula gives ONNX's
 * (ceil) output size.
 */
#include <stdio.h>
#include <string.h>

#include "onnx_attrs.h"
#include "onnx_shapes.h"

typedef struct window {
    int64_t kernel[2], stride[2];
    int64_t pads[4]; /* top, left, bottom, right */
    int64_t dilation[2];
} window;

/* The rows (axis 0) or cols a dilated kernel spans. */
static int64_t extent(const window *w, int axis)
{
    return w->dilation[axis] * (w->kernel[axis] - 1) + 1;
}

/* A 2-element INTS attribute (kernel_shape, strides, dilations); 0 absent, 1 read, -1 error. */
static int read_pair(const onnx_graph *g, int node, const char *name, int64_t out[2], fcn_error *err)
{
    const int64_t *values;
    size_t count;
    int found = onnx_attr_ints(g, node, name, &values, &count, err);
    if (found != 1)
        return found;
    if (count != 2)
        return onnx_node_fail(g, node, err, "attribute '%s' has %zu values; a 2-D window needs 2", name, count);
    for (int i = 0; i < 2; i++) {
        if (values[i] < 1 || values[i] > ONNX_MAX_DIM)
            return onnx_node_fail(g, node, err, "attribute '%s' has the value %lld; it must be in 1..%lld", name,
                                  (long long)values[i], (long long)ONNX_MAX_DIM);
        out[i] = values[i];
    }
    return 1;
}

/* A Conv's taps may be spaced (dilated); a pool's must not: the model has no dilated pooling. */
static int read_dilations(const onnx_graph *g, int node, int64_t dilations[2], fcn_error *err)
{
    dilations[0] = dilations[1] = 1;
    if (read_pair(g, node, "dilations", dilations, err) < 0)
        return -1;
    if (strcmp(g->nodes[node].op, "Conv") != 0 && (dilations[0] != 1 || dilations[1] != 1))
        return onnx_node_fail(g, node, err, "dilations [%lld, %lld] are not supported (only 1)",
                              (long long)dilations[0], (long long)dilations[1]);
    return 0;
}

static int read_pads(const onnx_graph *g, int node, int64_t pads[4], fcn_error *err)
{
    const int64_t *values;
    size_t count;
    int found = onnx_attr_ints(g, node, "pads", &values, &count, err);
    if (found != 1)
        return found;
    if (count != 4)
        return onnx_node_fail(g, node, err, "attribute 'pads' has %zu values; a 2-D window needs 4", count);
    for (int i = 0; i < 4; i++) {
        if (values[i] < 0 || values[i] > ONNX_MAX_DIM)
            return onnx_node_fail(g, node, err, "attribute 'pads' has the value %lld; pads must be in 0..%lld",
                                  (long long)values[i], (long long)ONNX_MAX_DIM);
        pads[i] = values[i];
    }
    return 1;
}

/* SAME_UPPER / SAME_LOWER: the output is ceil(input / stride); the odd pad goes at the end (UPPER) or the
 * beginning (LOWER). */
static void same_pads(const int64_t in[2], window *w, int lower)
{
    for (int axis = 0; axis < 2; axis++) {
        int64_t out = (in[axis] + w->stride[axis] - 1) / w->stride[axis];
        int64_t total = (out - 1) * w->stride[axis] + extent(w, axis) - in[axis];
        if (total < 0)
            total = 0;
        int64_t small = total / 2, large = total - small;
        w->pads[axis] = lower ? large : small;
        w->pads[axis + 2] = lower ? small : large;
    }
}

static int apply_auto_pad(const onnx_graph *g, int node, const int64_t in[2], window *w, fcn_error *err)
{
    const char *mode;
    size_t length;
    int found = onnx_attr_string(g, node, "auto_pad", &mode, &length, err);
    if (found < 0)
        return -1;
    if (found == 0 || onnx_attr_string_is(mode, length, "NOTSET"))
        return read_pads(g, node, w->pads, err) < 0 ? -1 : 0;
    if (onnx_attr_string_is(mode, length, "VALID"))
        memset(w->pads, 0, sizeof w->pads);
    else if (onnx_attr_string_is(mode, length, "SAME_UPPER") || onnx_attr_string_is(mode, length, "SAME_LOWER"))
        same_pads(in, w, onnx_attr_string_is(mode, length, "SAME_LOWER"));
    else
        return onnx_node_fail(g, node, err, "attribute 'auto_pad' is '%.*s' (expected NOTSET, VALID, SAME_UPPER "
                              "or SAME_LOWER)", (int)(length > 40 ? 40 : length), mode);
    return 0;
}

/* Kernel (from the attribute, else `kernel` as given), strides, dilations, pads. */
static int read_window(const onnx_graph *g, int node, const onnx_shape *x, window *w, int kernel_required,
                       fcn_error *err)
{
    w->stride[0] = w->stride[1] = 1;
    memset(w->pads, 0, sizeof w->pads);
    int64_t kernel[2] = {w->kernel[0], w->kernel[1]};
    int found = read_pair(g, node, "kernel_shape", kernel, err);
    if (found < 0)
        return -1;
    if (found == 0 && kernel_required)
        return onnx_node_fail(g, node, err, "attribute 'kernel_shape' is required");
    if (found == 1 && !kernel_required && (kernel[0] != w->kernel[0] || kernel[1] != w->kernel[1]))
        return onnx_node_fail(g, node, err, "attribute 'kernel_shape' [%lld, %lld] disagrees with the weight's "
                              "%lldx%lld kernel", (long long)kernel[0], (long long)kernel[1],
                              (long long)w->kernel[0], (long long)w->kernel[1]);
    w->kernel[0] = kernel[0];
    w->kernel[1] = kernel[1];
    if (read_pair(g, node, "strides", w->stride, err) < 0 || read_dilations(g, node, w->dilation, err))
        return -1;
    const int64_t in[2] = {x->dims[2], x->dims[3]};
    int64_t folded[4];
    if (apply_auto_pad(g, node, in, w, err))
        return -1;
    if (onnx_folded_pads(g, node, folded)) /* a Pad before it, dropped (src/onnx/onnx_shapes_pad.c) */
        for (int i = 0; i < 4; i++) {
            w->pads[i] += folded[i];
            if (w->pads[i] > ONNX_MAX_DIM)
                return onnx_node_fail(g, node, err, "its pads and the Pad's before it exceed %lld",
                                      (long long)ONNX_MAX_DIM);
        }
    return 0;
}

/* The floor formula of the model's sliding window; 0 when the kernel does not fit. */
static int64_t window_out(int64_t in, int64_t pad_begin, int64_t pad_end, int64_t kernel, int64_t stride)
{
    int64_t span = in + pad_begin + pad_end - kernel;
    return span < 0 ? 0 : span / stride + 1;
}

static int output_dims(const onnx_graph *g, int node, const onnx_shape *x, const window *w, int64_t out[2],
                       fcn_error *err)
{
    for (int axis = 0; axis < 2; axis++) {
        out[axis] = window_out(x->dims[2 + axis], w->pads[axis], w->pads[axis + 2], extent(w, axis),
                               w->stride[axis]);
        if (out[axis] < 1)
            return onnx_node_fail(g, node, err, "its %lldx%lld kernel is larger than the padded %lldx%lld input",
                                  (long long)extent(w, 0), (long long)extent(w, 1),
                                  (long long)(x->dims[2] + w->pads[0] + w->pads[2]),
                                  (long long)(x->dims[3] + w->pads[1] + w->pads[3]));
    }
    return 0;
}

/*
 * fcn_layer_check bounds a layer's products of dims by 2^53 (past it the
 * model's figures overflow or lose precision), but from the unpadded input;
 * the sliding window's buffers and a Conv's output span the padded map, and
 * padding (up to ONNX_MAX_DIM a side) can make that far larger. `per_pixel`
 * is the work per padded input element: filters x kernel for a Conv, 1 for a
 * pool (whose kernel fits in the padded map anyway). Unpadded, the input
 * bounds all of it and fcn_layer_check's own test is the one that applies.
 */
static int check_padded_size(const onnx_graph *g, int node, const onnx_shape *x, const window *w, double per_pixel,
                             fcn_error *err)
{
    if (w->pads[0] == 0 && w->pads[1] == 0 && w->pads[2] == 0 && w->pads[3] == 0)
        return 0;
    const double rows = (double)(x->dims[2] + w->pads[0] + w->pads[2]);
    const double cols = (double)(x->dims[3] + w->pads[1] + w->pads[3]);
    if (rows * cols * (double)x->dims[1] * per_pixel <= 9007199254740992.0)
        return 0;
    return onnx_node_fail(g, node, err, "its %lldx%lld window over the padded %.0fx%.0fx%lld input is too large to "
                          "model", (long long)w->kernel[0], (long long)w->kernel[1], rows, cols,
                          (long long)x->dims[1]);
}

static void set_window_params(onnx_node *n, fcn_layer_type type, const window *w)
{
    n->params.type = type;
    n->params.kernel[0] = w->kernel[0];
    n->params.kernel[1] = w->kernel[1];
    n->params.stride[0] = w->stride[0];
    n->params.stride[1] = w->stride[1];
    n->params.pad_top = w->pads[0];
    n->params.pad_left = w->pads[1];
    n->params.pad_bottom = w->pads[2];
    n->params.pad_right = w->pads[3];
    n->params.dilation[0] = w->dilation[0];
    n->params.dilation[1] = w->dilation[1];
}

/* W is M x C/group x kH x kW; B is M. */
static int conv_weights(const onnx_graph *g, int node, const onnx_shape *x, int64_t group, window *w,
                        fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_shape ws, bs;
    char text[96];
    int weight = onnx_constant_input(g, node, 1, "weight", &ws, err);
    if (weight < 0)
        return -1;
    const char *wname = g->tensors[weight].name;
    if (ws.rank != 4)
        return onnx_node_fail(g, node, err, "weight '%s' is %s; a 2-D convolution's has 4 dims", wname,
                              onnx_shape_text(&ws, text, sizeof text));
    int64_t channels = x->dims[1], filters = ws.dims[0];
    if (channels % group != 0 || filters % group != 0 || ws.dims[1] != channels / group || filters < 1)
        return onnx_node_fail(g, node, err, "weight '%s' is %s, which does not fit %lld input channels in %lld "
                              "group(s) (expected Mx%lldxkHxkW with M divisible by %lld)", wname,
                              onnx_shape_text(&ws, text, sizeof text), (long long)channels, (long long)group,
                              (long long)(channels % group ? 0 : channels / group), (long long)group);
    if (ws.dims[2] < 1 || ws.dims[3] < 1)
        return onnx_node_fail(g, node, err, "weight '%s' has an empty kernel", wname);
    w->kernel[0] = ws.dims[2];
    w->kernel[1] = ws.dims[3];
    n->params.weight = weight;
    n->params.filters = filters;
    if (onnx_node_input(g, node, 2) < 0)
        return 0;
    int bias = onnx_constant_input(g, node, 2, "bias", &bs, err);
    if (bias < 0)
        return -1;
    if (bs.rank != 1 || bs.dims[0] != filters)
        return onnx_node_fail(g, node, err, "bias '%s' is %s; expected %lld (one per output channel)",
                              g->tensors[bias].name, onnx_shape_text(&bs, text, sizeof text), (long long)filters);
    n->params.bias = bias;
    return 0;
}

int onnx_infer_conv(onnx_graph *g, int node, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_shape x;
    int64_t group = 1, out[2];
    window w;
    if (onnx_data_shape(g, node, 4, 4, &x, err) || onnx_attr_int(g, node, "group", &group, err) < 0)
        return -1;
    if (group < 1 || group > x.dims[1])
        return onnx_node_fail(g, node, err, "attribute 'group' is %lld; it must be in 1..%lld (the input channels)",
                              (long long)group, (long long)x.dims[1]);
    if (conv_weights(g, node, &x, group, &w, err) || read_window(g, node, &x, &w, 0, err) ||
        output_dims(g, node, &x, &w, out, err) ||
        check_padded_size(g, node, &x, &w, (double)n->params.filters * (double)w.kernel[0] * (double)w.kernel[1],
                          err))
        return -1;
    set_window_params(n, FCN_CONVOLUTION, &w);
    n->params.groups = group;
    onnx_shape y = {4, {1, n->params.filters, out[0], out[1]}};
    return onnx_set_output(g, node, &y, err);
}

/* An unpadded 1x1 window: its average is its maximum, and it stays the max POOLING it always was. */
static int unit_window(const window *w)
{
    return w->kernel[0] == 1 && w->kernel[1] == 1 && !w->pads[0] && !w->pads[1] && !w->pads[2] && !w->pads[3];
}

/*
 * ceil_mode: ONNX (like PyTorch) rounds the output up, but drops a last
 * window that would start in the bottom/right padding. The extra padding
 * this takes therefore ends within the last window: the bottom/right pad
 * stays below the kernel or at what it was, both within ONNX_MAX_DIM.
 */
static int64_t ceil_out(int64_t in, int64_t pad_begin, int64_t pad_end, int64_t kernel, int64_t stride)
{
    int64_t span = in + pad_begin + pad_end - kernel;
    if (span < 0)
        return 0;
    int64_t out = (span + stride - 1) / stride + 1;
    if ((out - 1) * stride >= in + pad_begin)
        out--;
    return out;
}

int onnx_infer_pool(onnx_graph *g, int node, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_shape x;
    int64_t ceil_mode = 0, out[2];
    window w = {{1, 1}, {1, 1}, {0, 0, 0, 0}, {1, 1}};
    if (onnx_data_shape(g, node, 4, 4, &x, err) || read_window(g, node, &x, &w, 1, err) ||
        onnx_attr_int(g, node, "ceil_mode", &ceil_mode, err) < 0)
        return -1;
    if (ceil_mode != 0 && ceil_mode != 1)
        return onnx_node_fail(g, node, err, "attribute 'ceil_mode' is %lld (expected 0 or 1)", (long long)ceil_mode);
    for (int axis = 0; ceil_mode && axis < 2; axis++) {
        int64_t want = ceil_out(x.dims[2 + axis], w.pads[axis], w.pads[axis + 2], w.kernel[axis], w.stride[axis]);
        int64_t extra = (want - 1) * w.stride[axis] + w.kernel[axis] -
                        (x.dims[2 + axis] + w.pads[axis] + w.pads[axis + 2]);
        if (want >= 1 && extra > 0)
            w.pads[axis + 2] += extra;
    }
    if (output_dims(g, node, &x, &w, out, err) || check_padded_size(g, node, &x, &w, 1.0, err))
        return -1;
    set_window_params(n, FCN_POOLING, &w);
    n->params.pool_type = n->layer_type == FCN_POOLING && strcmp(n->op, "AveragePool") == 0 && !unit_window(&w)
                              ? FCN_POOL_AVG : FCN_POOL_MAX;
    onnx_shape y = {4, {1, x.dims[1], out[0], out[1]}};
    return onnx_set_output(g, node, &y, err);
}

/*
 * A pool whose kernel is the whole map: kernel HxW and stride 1 give POOLING's
 * 1x1 output (GlobalMaxPool); AVERAGE_POOLING gives it by definition.
 */
int onnx_infer_global_pool(onnx_graph *g, int node, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_shape x;
    if (onnx_data_shape(g, node, 4, 4, &x, err))
        return -1;
    window w = {{x.dims[2], x.dims[3]}, {1, 1}, {0, 0, 0, 0}, {1, 1}};
    set_window_params(n, n->layer_type, &w);
    onnx_shape y = {4, {1, x.dims[1], 1, 1}};
    return onnx_set_output(g, node, &y, err);
}

/* AveragePool: over the whole map, over one element, or windowed (see the top of the file). */
int onnx_infer_average_pool(onnx_graph *g, int node, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_shape x;
    window w = {{1, 1}, {1, 1}, {0, 0, 0, 0}, {1, 1}};
    if (onnx_data_shape(g, node, 4, 4, &x, err) || read_window(g, node, &x, &w, 1, err))
        return -1;
    int unpadded = w.pads[0] == 0 && w.pads[1] == 0 && w.pads[2] == 0 && w.pads[3] == 0;
    if (unpadded && w.kernel[0] == x.dims[2] && w.kernel[1] == x.dims[3]) {
        n->layer_type = FCN_AVERAGE_POOLING;
        return onnx_infer_global_pool(g, node, err);
    }
    n->layer_type = FCN_POOLING;
    return onnx_infer_pool(g, node, err);
}
