/*
 * Sliding-window operators: Conv, MaxPool, AveragePool and the global pools,
 * over an NCHW map (2 spatial axes, H and W) or, in a network whose input is
 * a clip, an NCDHW one (3 axes: D, H and W; docs/ONNX-OPERATORS.md "Video").
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
 * ONNX gives each attribute in its axes' order, and pads as the begins of
 * the axes, then their ends: [top, left, bottom, right] in 2-D, [front, top,
 * left, back, bottom, right] in 3-D (D first). The layer's rows are H, its
 * cols W and its depth D. The model computes a window's output with the
 * floor formula; a pool with ceil_mode=1 is represented by extra padding at
 * the end of each axis, just enough that the floor formula gives ONNX's
 * (ceil) output size.
 */
#include <stdio.h>
#include <string.h>

#include "onnx_attrs.h"
#include "onnx_shapes.h"

#define MAX_AXES 3

typedef struct window {
    int axes;          /* spatial axes: 2 (H, W) or 3 (D, H, W), in ONNX's order below */
    int64_t kernel[MAX_AXES], stride[MAX_AXES];
    int64_t pads[2 * MAX_AXES]; /* the axes' begins, then their ends */
    int64_t dilation[MAX_AXES];
} window;

/* A window of `axes` axes: kernel, stride and dilation 1, no padding. */
static window unit(int axes)
{
    window w = {axes, {1, 1, 1}, {1, 1, 1}, {0, 0, 0, 0, 0, 0}, {1, 1, 1}};
    return w;
}

/* What an axis a dilated kernel spans. */
static int64_t extent(const window *w, int axis)
{
    return w->dilation[axis] * (w->kernel[axis] - 1) + 1;
}

static int64_t pad_begin(const window *w, int axis) { return w->pads[axis]; }
static int64_t pad_end(const window *w, int axis) { return w->pads[w->axes + axis]; }

static int padded(const window *w)
{
    for (int i = 0; i < 2 * w->axes; i++)
        if (w->pads[i])
            return 1;
    return 0;
}

/* "3x3" (or "3x3x3") of count values. */
static const char *dims_text(const int64_t *values, int count, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < count && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%lld", i ? "x" : "", (long long)values[i]);
    return buf;
}

/* "[2, 2]" (or "[1, 2, 2]") of count values. */
static const char *list_text(const int64_t *values, int count, char *buf, size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "[");
    for (int i = 0; i < count && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%lld", i ? ", " : "", (long long)values[i]);
    if (used < size)
        snprintf(buf + used, size - used, "]");
    return buf;
}

/* An INTS attribute of one value per axis (kernel_shape, strides, dilations); 0 absent, 1 read, -1 error. */
static int read_per_axis(const onnx_graph *g, int node, const char *name, int axes, int64_t *out, fcn_error *err)
{
    const int64_t *values;
    size_t count;
    int found = onnx_attr_ints(g, node, name, &values, &count, err);
    if (found != 1)
        return found;
    if (count != (size_t)axes)
        return onnx_node_fail(g, node, err, "attribute '%s' has %zu values; a %d-D window needs %d", name, count, axes,
                              axes);
    for (int i = 0; i < axes; i++) {
        if (values[i] < 1 || values[i] > ONNX_MAX_DIM)
            return onnx_node_fail(g, node, err, "attribute '%s' has the value %lld; it must be in 1..%lld", name,
                                  (long long)values[i], (long long)ONNX_MAX_DIM);
        out[i] = values[i];
    }
    return 1;
}

/* A Conv's taps may be spaced (dilated); a pool's must not: the model has no dilated pooling. */
static int read_dilations(const onnx_graph *g, int node, window *w, fcn_error *err)
{
    if (read_per_axis(g, node, "dilations", w->axes, w->dilation, err) < 0)
        return -1;
    int dense = 1;
    for (int i = 0; i < w->axes; i++)
        dense &= w->dilation[i] == 1;
    char text[96];
    if (strcmp(g->nodes[node].op, "Conv") != 0 && !dense)
        return onnx_node_fail(g, node, err, "dilations %s are not supported (only 1)",
                              list_text(w->dilation, w->axes, text, sizeof text));
    return 0;
}

static int read_pads(const onnx_graph *g, int node, window *w, fcn_error *err)
{
    const int64_t *values;
    size_t count;
    int found = onnx_attr_ints(g, node, "pads", &values, &count, err);
    if (found != 1)
        return found;
    if (count != (size_t)(2 * w->axes))
        return onnx_node_fail(g, node, err, "attribute 'pads' has %zu values; a %d-D window needs %d", count, w->axes,
                              2 * w->axes);
    for (int i = 0; i < 2 * w->axes; i++) {
        if (values[i] < 0 || values[i] > ONNX_MAX_DIM)
            return onnx_node_fail(g, node, err, "attribute 'pads' has the value %lld; pads must be in 0..%lld",
                                  (long long)values[i], (long long)ONNX_MAX_DIM);
        w->pads[i] = values[i];
    }
    return 1;
}

/* SAME_UPPER / SAME_LOWER: the output is ceil(input / stride); the odd pad goes at the end (UPPER) or the
 * beginning (LOWER). */
static void same_pads(const int64_t *in, window *w, int lower)
{
    for (int axis = 0; axis < w->axes; axis++) {
        int64_t out = (in[axis] + w->stride[axis] - 1) / w->stride[axis];
        int64_t total = (out - 1) * w->stride[axis] + extent(w, axis) - in[axis];
        if (total < 0)
            total = 0;
        int64_t small = total / 2, large = total - small;
        w->pads[axis] = lower ? large : small;
        w->pads[axis + w->axes] = lower ? small : large;
    }
}

static int apply_auto_pad(const onnx_graph *g, int node, const int64_t *in, window *w, fcn_error *err)
{
    const char *mode;
    size_t length;
    int found = onnx_attr_string(g, node, "auto_pad", &mode, &length, err);
    if (found < 0)
        return -1;
    if (found == 0 || onnx_attr_string_is(mode, length, "NOTSET"))
        return read_pads(g, node, w, err) < 0 ? -1 : 0;
    if (onnx_attr_string_is(mode, length, "VALID"))
        memset(w->pads, 0, sizeof w->pads);
    else if (onnx_attr_string_is(mode, length, "SAME_UPPER") || onnx_attr_string_is(mode, length, "SAME_LOWER"))
        same_pads(in, w, onnx_attr_string_is(mode, length, "SAME_LOWER"));
    else
        return onnx_node_fail(g, node, err, "attribute 'auto_pad' is '%.*s' (expected NOTSET, VALID, SAME_UPPER "
                              "or SAME_LOWER)", (int)(length > 40 ? 40 : length), mode);
    return 0;
}

/* A zero Pad before the window, dropped (src/onnx/onnx_shapes_pad.c, 2-D only): its pads added to the window's. */
static int add_folded_pads(const onnx_graph *g, int node, window *w, fcn_error *err)
{
    int64_t folded[4];
    if (w->axes != 2 || !onnx_folded_pads(g, node, folded))
        return 0;
    for (int i = 0; i < 4; i++) {
        w->pads[i] += folded[i];
        if (w->pads[i] > ONNX_MAX_DIM)
            return onnx_node_fail(g, node, err, "its pads and the Pad's before it exceed %lld", (long long)ONNX_MAX_DIM);
    }
    return 0;
}

/* Kernel (from the attribute, else `kernel` as given), strides, dilations, pads; w->axes set by the caller. */
static int read_window(const onnx_graph *g, int node, const onnx_shape *x, window *w, int kernel_required,
                       fcn_error *err)
{
    for (int i = 0; i < w->axes; i++)
        w->stride[i] = 1;
    memset(w->pads, 0, sizeof w->pads);
    int64_t kernel[MAX_AXES];
    memcpy(kernel, w->kernel, sizeof kernel);
    int found = read_per_axis(g, node, "kernel_shape", w->axes, kernel, err);
    if (found < 0)
        return -1;
    if (found == 0 && kernel_required)
        return onnx_node_fail(g, node, err, "attribute 'kernel_shape' is required");
    char a[96], b[96];
    if (found == 1 && !kernel_required && memcmp(kernel, w->kernel, (size_t)w->axes * sizeof kernel[0]) != 0)
        return onnx_node_fail(g, node, err, "attribute 'kernel_shape' %s disagrees with the weight's %s kernel",
                              list_text(kernel, w->axes, a, sizeof a), dims_text(w->kernel, w->axes, b, sizeof b));
    memcpy(w->kernel, kernel, sizeof kernel);
    if (read_per_axis(g, node, "strides", w->axes, w->stride, err) < 0 || read_dilations(g, node, w, err))
        return -1;
    return apply_auto_pad(g, node, x->dims + 2, w, err) || add_folded_pads(g, node, w, err) ? -1 : 0;
}

/* The floor formula of the model's sliding window; 0 when the kernel does not fit. */
static int64_t window_out(int64_t in, int64_t begin, int64_t end, int64_t kernel, int64_t stride)
{
    int64_t span = in + begin + end - kernel;
    return span < 0 ? 0 : span / stride + 1;
}

/* The padded input, axis by axis. */
static void padded_input(const onnx_shape *x, const window *w, int64_t *out)
{
    for (int axis = 0; axis < w->axes; axis++)
        out[axis] = x->dims[2 + axis] + pad_begin(w, axis) + pad_end(w, axis);
}

static int output_dims(const onnx_graph *g, int node, const onnx_shape *x, const window *w, int64_t *out,
                       fcn_error *err)
{
    for (int axis = 0; axis < w->axes; axis++) {
        out[axis] = window_out(x->dims[2 + axis], pad_begin(w, axis), pad_end(w, axis), extent(w, axis),
                               w->stride[axis]);
        if (out[axis] < 1) {
            int64_t spans[MAX_AXES], in[MAX_AXES];
            char a[96], b[96];
            for (int i = 0; i < w->axes; i++)
                spans[i] = extent(w, i);
            padded_input(x, w, in);
            return onnx_node_fail(g, node, err, "its %s kernel is larger than the padded %s input",
                                  dims_text(spans, w->axes, a, sizeof a), dims_text(in, w->axes, b, sizeof b));
        }
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
    if (!padded(w))
        return 0;
    int64_t in[MAX_AXES];
    padded_input(x, w, in);
    double size = (double)x->dims[1] * per_pixel;
    for (int axis = 0; axis < w->axes; axis++)
        size *= (double)in[axis];
    if (size <= 9007199254740992.0)
        return 0;
    char a[96], b[96];
    return onnx_node_fail(g, node, err, "its %s window over the padded %sx%lld input is too large to model",
                          dims_text(w->kernel, w->axes, a, sizeof a), dims_text(in, w->axes, b, sizeof b),
                          (long long)x->dims[1]);
}

/* The kernel's taps: the product of its extents. */
static double kernel_taps(const window *w)
{
    double taps = 1.0;
    for (int axis = 0; axis < w->axes; axis++)
        taps *= (double)w->kernel[axis];
    return taps;
}

/* Rows are H and cols W, the last two axes; depth is D, the first of three. */
static void set_window_params(onnx_node *n, fcn_layer_type type, const window *w)
{
    const int h = w->axes - 2, v = w->axes - 1, d = w->axes == 3 ? 0 : -1;
    onnx_layer_params *p = &n->params;
    p->type = type;
    p->kernel[0] = w->kernel[h];
    p->kernel[1] = w->kernel[v];
    p->stride[0] = w->stride[h];
    p->stride[1] = w->stride[v];
    p->pad_top = pad_begin(w, h);
    p->pad_left = pad_begin(w, v);
    p->pad_bottom = pad_end(w, h);
    p->pad_right = pad_end(w, v);
    p->dilation[0] = w->dilation[h];
    p->dilation[1] = w->dilation[v];
    p->kernel_depth = d < 0 ? 1 : w->kernel[d];
    p->stride_depth = d < 0 ? 1 : w->stride[d];
    p->dilation_depth = d < 0 ? 1 : w->dilation[d];
    p->pad_front = d < 0 ? 0 : pad_begin(w, d);
    p->pad_back = d < 0 ? 0 : pad_end(w, d);
}

/* The map a window slides over: NCHW, or NCDHW in a network whose input is a clip; its spatial axes. */
static int window_input(const onnx_graph *g, int node, onnx_shape *x, window *w, fcn_error *err)
{
    if (onnx_data_shape(g, node, 4, g->video ? 5 : 4, x, err))
        return -1;
    *w = unit(x->rank - 2);
    return 0;
}

/* The output map: the input's batch and rank, `channels`, the window's output dims. */
static onnx_shape output_map(const onnx_shape *x, int64_t channels, const int64_t *out)
{
    onnx_shape y = *x;
    y.dims[0] = 1;
    y.dims[1] = channels;
    for (int axis = 0; axis < x->rank - 2; axis++)
        y.dims[2 + axis] = out[axis];
    return y;
}

/* W is M x C/group x kH x kW (x kD first in 3-D: M x C/group x kD x kH x kW); B is M. */
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
    if (ws.rank != w->axes + 2)
        return onnx_node_fail(g, node, err, "weight '%s' is %s; a %d-D convolution's has %d dims", wname,
                              onnx_shape_text(&ws, text, sizeof text), w->axes, w->axes + 2);
    int64_t channels = x->dims[1], filters = ws.dims[0];
    if (channels % group != 0 || filters % group != 0 || ws.dims[1] != channels / group || filters < 1)
        return onnx_node_fail(g, node, err, "weight '%s' is %s, which does not fit %lld input channels in %lld "
                              "group(s) (expected Mx%lldx%skHxkW with M divisible by %lld)", wname,
                              onnx_shape_text(&ws, text, sizeof text), (long long)channels, (long long)group,
                              (long long)(channels % group ? 0 : channels / group), w->axes == 3 ? "kDx" : "",
                              (long long)group);
    for (int axis = 0; axis < w->axes; axis++) {
        if (ws.dims[2 + axis] < 1)
            return onnx_node_fail(g, node, err, "weight '%s' has an empty kernel", wname);
        w->kernel[axis] = ws.dims[2 + axis];
    }
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
    int64_t group = 1, out[MAX_AXES];
    window w;
    if (window_input(g, node, &x, &w, err) || onnx_attr_int(g, node, "group", &group, err) < 0)
        return -1;
    if (group < 1 || group > x.dims[1])
        return onnx_node_fail(g, node, err, "attribute 'group' is %lld; it must be in 1..%lld (the input channels)",
                              (long long)group, (long long)x.dims[1]);
    if (conv_weights(g, node, &x, group, &w, err) || read_window(g, node, &x, &w, 0, err) ||
        output_dims(g, node, &x, &w, out, err) ||
        check_padded_size(g, node, &x, &w, (double)n->params.filters * kernel_taps(&w), err))
        return -1;
    set_window_params(n, FCN_CONVOLUTION, &w);
    n->params.groups = group;
    onnx_shape y = output_map(&x, n->params.filters, out);
    return onnx_set_output(g, node, &y, err);
}

/* An unpadded window of one element: its average is its maximum, and it stays the max POOLING it always was. */
static int unit_window(const window *w)
{
    return kernel_taps(w) == 1.0 && !padded(w);
}

/*
 * ceil_mode: ONNX (like PyTorch) rounds the output up, but drops a last
 * window that would start in the end padding. The extra padding this takes
 * therefore ends within the last window: the end pad stays below the kernel
 * or at what it was, both within ONNX_MAX_DIM.
 */
static int64_t ceil_out(int64_t in, int64_t begin, int64_t end, int64_t kernel, int64_t stride)
{
    int64_t span = in + begin + end - kernel;
    if (span < 0)
        return 0;
    int64_t out = (span + stride - 1) / stride + 1;
    if ((out - 1) * stride >= in + begin)
        out--;
    return out;
}

static void add_ceil_padding(const onnx_shape *x, window *w)
{
    for (int axis = 0; axis < w->axes; axis++) {
        int64_t in = x->dims[2 + axis];
        int64_t want = ceil_out(in, pad_begin(w, axis), pad_end(w, axis), w->kernel[axis], w->stride[axis]);
        int64_t extra = (want - 1) * w->stride[axis] + w->kernel[axis] - (in + pad_begin(w, axis) + pad_end(w, axis));
        if (want >= 1 && extra > 0)
            w->pads[w->axes + axis] += extra;
    }
}

int onnx_infer_pool(onnx_graph *g, int node, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_shape x;
    int64_t ceil_mode = 0, out[MAX_AXES];
    window w;
    if (window_input(g, node, &x, &w, err) || read_window(g, node, &x, &w, 1, err) ||
        onnx_attr_int(g, node, "ceil_mode", &ceil_mode, err) < 0)
        return -1;
    if (ceil_mode != 0 && ceil_mode != 1)
        return onnx_node_fail(g, node, err, "attribute 'ceil_mode' is %lld (expected 0 or 1)", (long long)ceil_mode);
    if (ceil_mode)
        add_ceil_padding(&x, &w);
    if (output_dims(g, node, &x, &w, out, err) || check_padded_size(g, node, &x, &w, 1.0, err))
        return -1;
    set_window_params(n, FCN_POOLING, &w);
    n->params.pool_type = n->layer_type == FCN_POOLING && strcmp(n->op, "AveragePool") == 0 && !unit_window(&w)
                              ? FCN_POOL_AVG : FCN_POOL_MAX;
    onnx_shape y = output_map(&x, x.dims[1], out);
    return onnx_set_output(g, node, &y, err);
}

/*
 * A pool whose kernel is the whole map: kernel HxW (DxHxW) and stride 1 give
 * POOLING's one-element output (GlobalMaxPool); AVERAGE_POOLING gives it by
 * definition.
 */
int onnx_infer_global_pool(onnx_graph *g, int node, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_shape x;
    window w;
    if (window_input(g, node, &x, &w, err))
        return -1;
    const int64_t ones[MAX_AXES] = {1, 1, 1};
    memcpy(w.kernel, x.dims + 2, (size_t)w.axes * sizeof w.kernel[0]);
    set_window_params(n, n->layer_type, &w);
    onnx_shape y = output_map(&x, x.dims[1], ones);
    return onnx_set_output(g, node, &y, err);
}

/* AveragePool: over the whole map, over one element, or windowed (see the top of the file). */
int onnx_infer_average_pool(onnx_graph *g, int node, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_shape x;
    window w;
    if (window_input(g, node, &x, &w, err) || read_window(g, node, &x, &w, 1, err))
        return -1;
    if (!padded(&w) && memcmp(w.kernel, x.dims + 2, (size_t)w.axes * sizeof w.kernel[0]) == 0) {
        n->layer_type = FCN_AVERAGE_POOLING;
        return onnx_infer_global_pool(g, node, err);
    }
    n->layer_type = FCN_POOLING;
    return onnx_infer_pool(g, node, err);
}
