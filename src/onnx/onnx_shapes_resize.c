/*
 * Resize and Upsample: RESIZE by integer factors of the rows and columns
 * (scale = output / input), nearest or bilinear ("linear"). The output dims
 * come from `sizes`, else from `scales` (floor(input x scale), as ONNX
 * computes them); either may be computed at parse time from the data's dims
 * (src/onnx/onnx_fold.c: fcn_resnet50's Shape -> Slice -> Concat). The batch and
 * channels must stay; a factor that is not a whole number, or below 1 (a
 * downsample), is an error. A 1x1 map resized to HxW (DeepLabV3's pooling
 * branch) is a factor of H and W.
 *
 * Inputs: Upsample opset 7-8 has the attribute `scales`, 9 the input 1;
 * Resize opset 10 has scales as input 1, from 11 roi, scales and sizes as
 * inputs 1, 2 and 3 (an empty tensor or an omitted input is absent).
 */
#include <math.h>
#include <string.h>

#include "onnx_attrs.h"
#include "onnx_fold.h"
#include "onnx_shapes.h"

/* Input k's numbers: 1 read (count may be 0: an empty tensor), 0 absent, -1 with the message. */
static int numbers(const onnx_graph *g, int node, int k, const char *what, double *out, size_t *count,
                   fcn_error *err)
{
    int t = onnx_node_input(g, node, k);
    *count = 0;
    if (t < 0)
        return 0;
    if (onnx_constant_numbers(g, t, out, ONNX_MAX_RANK, count))
        return onnx_node_fail(g, node, err, "its %s '%s' must be a constant list of numbers the parser can read "
                              "(given, or computed from known dims)", what, g->tensors[t].name);
    return 1;
}

/* The output dims from sizes or scales; -1 with the message. */
static int resize_output(const onnx_graph *g, int node, const onnx_shape *x, onnx_shape *y, fcn_error *err)
{
    double scales[ONNX_MAX_RANK], sizes[ONNX_MAX_RANK];
    size_t n_scales = 0, n_sizes = 0;
    int is_upsample = strcmp(g->nodes[node].op, "Upsample") == 0;
    if (is_upsample && g->opset < 9) {
        const Onnx__AttributeProto *a = onnx_attr_find(g->nodes[node].proto, "scales");
        n_scales = a && a->n_floats <= ONNX_MAX_RANK ? a->n_floats : 0;
        for (size_t i = 0; i < n_scales; i++)
            scales[i] = a->floats[i];
    } else if (is_upsample || g->opset < 11) {
        if (numbers(g, node, 1, "scales", scales, &n_scales, err) < 0)
            return -1;
    } else if (numbers(g, node, 2, "scales", scales, &n_scales, err) < 0 ||
               numbers(g, node, 3, "sizes", sizes, &n_sizes, err) < 0) {
        return -1;
    }
    *y = *x;
    if (n_sizes == (size_t)x->rank) {
        for (int i = 1; i < x->rank; i++)
            y->dims[i] = (int64_t)sizes[i];
        return 0;
    }
    if (n_scales == (size_t)x->rank) {
        for (int i = 1; i < x->rank; i++) {
            double d = floor((double)x->dims[i] * scales[i]);
            y->dims[i] = d >= 1 && d <= (double)ONNX_MAX_DIM ? (int64_t)d : 0;
        }
        return 0;
    }
    return onnx_node_fail(g, node, err, "has neither scales nor sizes for its %d dims", x->rank);
}

static int resize_mode(const onnx_graph *g, int node, fcn_resize_mode *mode, fcn_error *err)
{
    const char *text;
    size_t length;
    int found = onnx_attr_string(g, node, "mode", &text, &length, err);
    *mode = FCN_RESIZE_NEAREST;
    if (found < 0)
        return -1;
    if (!found || onnx_attr_string_is(text, length, "nearest"))
        return 0;
    if (onnx_attr_string_is(text, length, "linear") || onnx_attr_string_is(text, length, "bilinear")) {
        *mode = FCN_RESIZE_BILINEAR;
        return 0;
    }
    return onnx_node_fail(g, node, err, "mode '%.*s' is not supported (nearest or linear)",
                          (int)(length > 40 ? 40 : length), text);
}

int onnx_infer_resize(onnx_graph *g, int node, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_shape x, y;
    char a[96], b[96];
    if (onnx_is_clip(g, n->data_input))
        return onnx_node_fail(g, node, err, "resizes a clip (NCDHW): a RESIZE over a clip's frames is not supported "
                              "yet");
    if (onnx_data_shape(g, node, 4, 4, &x, err) || resize_mode(g, node, &n->params.resize_mode, err) ||
        resize_output(g, node, &x, &y, err))
        return -1;
    int whole = y.dims[1] == x.dims[1];
    for (int axis = 0; axis < 2; axis++) {
        int64_t in = x.dims[2 + axis], out = y.dims[2 + axis];
        whole = whole && out >= in && in > 0 && out % in == 0;
        n->params.scale[axis] = whole ? out / in : 0;
    }
    if (!whole)
        return onnx_node_fail(g, node, err, "resizes %s to %s; only an upsample of the rows and columns by whole "
                              "factors is supported", onnx_shape_text(&x, a, sizeof a),
                              onnx_shape_text(&y, b, sizeof b));
    n->params.type = FCN_RESIZE;
    return onnx_set_output(g, node, &y, err);
}
