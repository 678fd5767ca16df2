/*
 * Shape-only operators: Flatten, Reshape, Squeeze, Unsqueeze, Transpose. The
 * hardware does not implement them; they change the ONNX dims of the data it
 * streams, never its order (a Transpose that would is an error).
 */
#include <stdio.h>
#include <string.h>

#include "onnx_attrs.h"
#include "onnx_patterns.h"
#include "onnx_shapes.h"

int onnx_infer_flatten(onnx_graph *g, int node, fcn_error *err)
{
    onnx_shape x;
    int64_t axis = 1;
    if (onnx_data_shape(g, node, 0, ONNX_MAX_RANK, &x, err) || onnx_attr_int(g, node, "axis", &axis, err) < 0)
        return -1;
    if (axis < -x.rank || axis > x.rank)
        return onnx_node_fail(g, node, err, "attribute 'axis' is %lld, outside -%d..%d", (long long)axis, x.rank,
                              x.rank);
    if (axis < 0)
        axis += x.rank;
    onnx_shape y = {2, {1, 1}};
    for (int i = 0; i < x.rank; i++)
        y.dims[i < axis ? 0 : 1] *= x.dims[i];
    return onnx_set_output(g, node, &y, err);
}

/* Reshape's target: 0 copies the input's dim (unless allowzero), -1 takes what is left. */
int onnx_infer_reshape(onnx_graph *g, int node, fcn_error *err)
{
    onnx_shape x, y = {0, {0}};
    int64_t target[ONNX_MAX_RANK], allow_zero = 0;
    size_t count;
    char a[96], b[160];
    if (onnx_data_shape(g, node, 0, ONNX_MAX_RANK, &x, err) ||
        onnx_constant_ints(g, node, onnx_node_input(g, node, 1), "shape", target, ONNX_MAX_RANK, &count, err) ||
        onnx_attr_int(g, node, "allowzero", &allow_zero, err) < 0)
        return -1;
    int infer = -1;
    int64_t known = 1;
    y.rank = (int)count;
    for (int i = 0; i < y.rank; i++) {
        int64_t v = target[i];
        if (v == 0 && !allow_zero && i < x.rank)
            v = x.dims[i];
        if (v == -1 && infer < 0) {
            infer = i;
            continue;
        }
        if (v < 1 || v > ONNX_MAX_ELEMENTS)
            return onnx_node_fail(g, node, err, "its target shape has the value %lld at %d", (long long)target[i], i);
        y.dims[i] = v;
        /* Saturates past any real size (then nothing fits and the count check below fails); a dim the
         * configuration cannot hold is onnx_set_output's error. */
        known = known > ONNX_MAX_ELEMENTS / v ? ONNX_MAX_ELEMENTS + 1 : known * v;
    }
    int64_t total = onnx_shape_elements(&x);
    if (infer >= 0 && known > 0 && total % known == 0)
        y.dims[infer] = total / known;
    if ((infer >= 0 && (known <= 0 || total % known != 0)) || onnx_shape_elements(&y) != total) {
        size_t used = 0;
        for (size_t i = 0; i < count && used < sizeof b; i++)
            used += (size_t)snprintf(b + used, sizeof b - used, "%s%lld", i ? ", " : "", (long long)target[i]);
        return onnx_node_fail(g, node, err, "cannot reshape %s to [%s]", onnx_shape_text(&x, a, sizeof a), b);
    }
    return onnx_set_output(g, node, &y, err);
}

int onnx_read_axes(const onnx_graph *g, int node, int64_t input_from, int64_t axes[ONNX_MAX_RANK], size_t *count,
                   fcn_error *err)
{
    *count = 0;
    if (g->opset >= input_from) {
        int t = onnx_node_input(g, node, 1);
        return t < 0 ? 0 : onnx_constant_ints(g, node, t, "axes", axes, ONNX_MAX_RANK, count, err);
    }
    const int64_t *values;
    int found = onnx_attr_ints(g, node, "axes", &values, count, err);
    if (found < 0)
        return -1;
    if (found == 1 && *count > ONNX_MAX_RANK)
        return onnx_node_fail(g, node, err, "attribute 'axes' has %zu values, more than %d", *count, ONNX_MAX_RANK);
    if (found == 1 && *count)
        memcpy(axes, values, *count * sizeof *axes);
    return 0;
}

/* Normalises axes against a rank and marks them; -1 (with the message) for one out of range or repeated. */
static int mark_axes(const onnx_graph *g, int node, const int64_t *axes, size_t count, int rank,
                     int marked[ONNX_MAX_RANK], fcn_error *err)
{
    memset(marked, 0, ONNX_MAX_RANK * sizeof *marked);
    for (size_t i = 0; i < count; i++) {
        int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
        if (axis < 0 || axis >= rank || marked[axis])
            return onnx_node_fail(g, node, err, "axis %lld is out of range or repeated (rank %d)", (long long)axes[i],
                                  rank);
        marked[axis] = 1;
    }
    return 0;
}

int onnx_infer_squeeze(onnx_graph *g, int node, fcn_error *err)
{
    onnx_shape x, y = {0, {0}};
    int64_t axes[ONNX_MAX_RANK];
    size_t count;
    int marked[ONNX_MAX_RANK];
    if (onnx_data_shape(g, node, 0, ONNX_MAX_RANK, &x, err) || onnx_read_axes(g, node, 13, axes, &count, err) ||
        mark_axes(g, node, axes, count, x.rank, marked, err))
        return -1;
    for (int i = 0; i < x.rank; i++) {
        int squeezed = count ? marked[i] : x.dims[i] == 1;
        if (squeezed && x.dims[i] != 1)
            return onnx_node_fail(g, node, err, "cannot squeeze axis %d of size %lld", i, (long long)x.dims[i]);
        if (!squeezed)
            y.dims[y.rank++] = x.dims[i];
    }
    return onnx_set_output(g, node, &y, err);
}

int onnx_infer_unsqueeze(onnx_graph *g, int node, fcn_error *err)
{
    onnx_shape x, y = {0, {0}};
    int64_t axes[ONNX_MAX_RANK];
    size_t count;
    int marked[ONNX_MAX_RANK];
    if (onnx_data_shape(g, node, 0, ONNX_MAX_RANK, &x, err) || onnx_read_axes(g, node, 13, axes, &count, err))
        return -1;
    if (count == 0)
        return onnx_node_fail(g, node, err, "has no axes");
    if ((size_t)x.rank + count > ONNX_MAX_RANK)
        return onnx_node_fail(g, node, err, "its output would have more than %d dims", ONNX_MAX_RANK);
    y.rank = x.rank + (int)count;
    if (mark_axes(g, node, axes, count, y.rank, marked, err))
        return -1;
    for (int i = 0, from = 0; i < y.rank; i++)
        y.dims[i] = marked[i] ? 1 : x.dims[from++];
    return onnx_set_output(g, node, &y, err);
}

/* A transpose moves data unless the dims it reorders are all 1: then the streamed order is the same. */
int onnx_infer_transpose(onnx_graph *g, int node, fcn_error *err)
{
    onnx_shape x, y = {0, {0}};
    const int64_t *perm = NULL;
    size_t count = 0;
    int64_t reversed[ONNX_MAX_RANK];
    if (onnx_data_shape(g, node, 0, ONNX_MAX_RANK, &x, err) || onnx_attr_ints(g, node, "perm", &perm, &count, err) < 0)
        return -1;
    if (!perm) {
        for (int i = 0; i < x.rank; i++)
            reversed[i] = x.rank - 1 - i;
        perm = reversed;
        count = (size_t)x.rank;
    }
    int seen[ONNX_MAX_RANK] = {0};
    int64_t last_moved = -1;
    int reorders = 0;
    if (count != (size_t)x.rank)
        return onnx_node_fail(g, node, err, "attribute 'perm' has %zu values for an input of rank %d", count, x.rank);
    y.rank = x.rank;
    for (int i = 0; i < x.rank; i++) {
        if (perm[i] < 0 || perm[i] >= x.rank || seen[perm[i]]++)
            return onnx_node_fail(g, node, err, "attribute 'perm' is not a permutation of 0..%d", x.rank - 1);
        y.dims[i] = x.dims[perm[i]];
        if (y.dims[i] != 1) {
            reorders |= perm[i] < last_moved;
            last_moved = perm[i];
        }
    }
    if (reorders && !onnx_layout_transpose(g, node, perm, count)) {
        char a[96];
        return onnx_node_fail(g, node, err, "transposing %s reorders the streamed data; only a transpose that "
                              "moves dims of size 1 is supported", onnx_shape_text(&x, a, sizeof a));
    }
    return onnx_set_output(g, node, &y, err);
}
