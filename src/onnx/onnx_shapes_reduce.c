/*
 * ReduceMean and ReduceMax over the rows and columns of an NCHW map (MnasNet's
 * and ShuffleNet's "x.mean([2, 3])"), or over the depth, rows and columns of
 * a clip's NCDHW map ("x.mean([2, 3, 4])"): a global pool, AVERAGE_POOLING
 * for the mean and POOLING with the map as its kernel for the maximum (as
 * GlobalMaxPool). keepdims 1 gives 1xCx1x1 (1xCx1x1x1), 0 gives 1xC. Any other axes are
 * an error (a mean over the channels is part of a LayerNorm, elsewhere).
 * Axes are an attribute, or from opset 18 an input, which must be constant.
 */
#include <string.h>

#include "onnx_attrs.h"
#include "onnx_shapes.h"

int onnx_infer_reduce(onnx_graph *g, int node, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_shape x;
    int64_t axes[ONNX_MAX_RANK], keep = 1, noop = 0;
    size_t count;
    if (onnx_data_shape(g, node, 1, ONNX_MAX_RANK, &x, err) || onnx_read_axes(g, node, 18, axes, &count, err) ||
        onnx_attr_int(g, node, "keepdims", &keep, err) < 0 ||
        onnx_attr_int(g, node, "noop_with_empty_axes", &noop, err) < 0)
        return -1;
    if (keep != 0 && keep != 1)
        return onnx_node_fail(g, node, err, "attribute 'keepdims' is %lld (expected 0 or 1)", (long long)keep);
    if (count == 0 && noop) { /* reduces nothing */
        n->role = ONNX_ROLE_SHAPE_ONLY;
        return onnx_infer_same(g, node, err);
    }
    int marked[ONNX_MAX_RANK] = {0};
    for (size_t i = 0; i < count; i++) {
        int64_t axis = axes[i] < 0 ? axes[i] + x.rank : axes[i];
        if (axis < 0 || axis >= x.rank)
            return onnx_node_fail(g, node, err, "axis %lld is out of range (rank %d)", (long long)axes[i], x.rank);
        marked[axis] = 1;
    }
    /* Every spatial axis, none of N and C: H and W of NCHW, D, H and W of a clip's NCDHW. */
    int spatial = onnx_is_map(g, &x) && count > 0 && !marked[0] && !marked[1];
    for (int axis = 2; spatial && axis < x.rank; axis++)
        spatial = marked[axis];
    if (!spatial) {
        char text[96];
        if (x.rank == 5 && g->video)
            return onnx_node_fail(g, node, err, "reduces %s over other axes than the depth, rows and columns (2, 3 "
                                  "and 4 of NCDHW), which is not supported", onnx_shape_text(&x, text, sizeof text));
        return onnx_node_fail(g, node, err, "reduces %s over other axes than the rows and columns (2 and 3 of "
                              "NCHW), which is not supported", onnx_shape_text(&x, text, sizeof text));
    }
    n->params.type = n->layer_type;
    n->params.kernel[0] = x.dims[x.rank - 2];
    n->params.kernel[1] = x.dims[x.rank - 1];
    n->params.kernel_depth = x.rank == 5 ? x.dims[2] : 1;
    n->params.stride[0] = n->params.stride[1] = 1;
    n->params.dilation[0] = n->params.dilation[1] = 1;
    n->params.pool_type = FCN_POOL_MAX;
    onnx_shape y = {2, {1, x.dims[1]}};
    if (keep) { /* the input's rank, every spatial dim 1 */
        y = x;
        for (int axis = 2; axis < x.rank; axis++)
            y.dims[axis] = 1;
    }
    return onnx_set_output(g, node, &y, err);
}
