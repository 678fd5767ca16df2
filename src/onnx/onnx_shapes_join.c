/*
 * Joins of data tensors: Add, Mul and Sum become ELTWISE, Concat becomes
 * CONCAT. Every input is a port of its own (classification made sure none is
 * a constant), and every port streams the same rows and cols, except a
 * broadcasting ELTWISE's ports after the first, which carry one value per
 * channel (1xCx1x1 beside a 1xCxHxW map); the hardware concatenates only
 * along the channels.
 */
#include <stdio.h>

#include "onnx_attrs.h"
#include "onnx_shapes.h"

/* A join's inputs: no more than a layer's ports, each of known shape; the first one's shape into x. */
static int join_inputs(const onnx_graph *g, int node, onnx_shape *x, fcn_error *err)
{
    const onnx_node *n = &g->nodes[node];
    if (n->input_count > FCN_MAX_PORTS)
        return onnx_node_fail(g, node, err, "joins %d inputs; a layer has at most %d ports", n->input_count,
                              FCN_MAX_PORTS);
    for (int k = 1; k < n->input_count; k++)
        if (!onnx_shape_of(g, n->inputs[k]))
            return onnx_node_fail(g, node, err, "the shape of its input '%s' is unknown",
                                  n->inputs[k] >= 0 ? g->tensors[n->inputs[k]].name : "");
    return onnx_data_shape(g, node, 0, ONNX_MAX_RANK, x, err);
}

/* "'name' (1x64x56x56)" of input k, for messages. */
static const char *input_text(const onnx_graph *g, int node, int k, char *buf, size_t size)
{
    char shape[96];
    int t = g->nodes[node].inputs[k];
    snprintf(buf, size, "'%.150s' (%s)", g->tensors[t].name, onnx_shape_text(&g->tensors[t].shape, shape, sizeof shape));
    return buf;
}

/* Dims equal except perhaps `skip` (-1: none). */
static int same_dims(const onnx_shape *a, const onnx_shape *b, int skip)
{
    if (a->rank != b->rank)
        return 0;
    for (int i = 1; i < a->rank; i++) /* the batch is 1 in both */
        if (i != skip && a->dims[i] != b->dims[i])
            return 0;
    return 1;
}

/*
 * Each port streams what its producer gives; a join's ports share the
 * layer's rows and cols (and, for ELTWISE, channels), so the streamed dims
 * must agree as the ONNX dims do.
 */
static int same_stream(const onnx_graph *g, int node, int k, int channels_too, fcn_error *err)
{
    const onnx_tensor *a = &g->tensors[g->nodes[node].inputs[0]], *b = &g->tensors[g->nodes[node].inputs[k]];
    if (a->rows == b->rows && a->cols == b->cols && a->depth == b->depth &&
        (!channels_too || a->channels == b->channels))
        return 0;
    return onnx_node_fail(g, node, err, "its inputs '%.150s' and '%.150s' stream %lldx%lldx%lld and %lldx%lldx%lld "
                          "(rows x cols x channels), which one layer's ports cannot take", a->name, b->name,
                          (long long)a->rows, (long long)a->cols, (long long)a->channels, (long long)b->rows,
                          (long long)b->cols, (long long)b->channels);
}

/* A tensor of one value per channel of the map `big`: 1xCx1x1, as squeeze-excite's scale. */
static int per_channel_of(const onnx_shape *small, const onnx_shape *big)
{
    return big->rank == 4 && small->rank == 4 && small->dims[1] == big->dims[1] && small->dims[2] == 1 &&
           small->dims[3] == 1 && (big->dims[2] > 1 || big->dims[3] > 1);
}

/*
 * Broadcasting: one input is the map, every other one value per channel of
 * it (squeeze-excite's x * scale). The map goes to port 0 (Add, Mul and Sum
 * commute), and the layer is a broadcasting ELTWISE. 1 when it is such a
 * join, 0 when it is not.
 */
static int broadcast_join(onnx_graph *g, int node)
{
    onnx_node *n = &g->nodes[node];
    int big = -1;
    for (int k = 0; k < n->input_count; k++) {
        const onnx_shape *s = onnx_shape_of(g, n->inputs[k]);
        if (s->rank == 4 && (s->dims[2] > 1 || s->dims[3] > 1)) {
            if (big >= 0)
                return 0;
            big = k;
        }
    }
    if (big < 0)
        return 0;
    const onnx_shape *map = onnx_shape_of(g, n->inputs[big]);
    for (int k = 0; k < n->input_count; k++) {
        const onnx_tensor *t = &g->tensors[n->inputs[k]];
        if (k != big && (!per_channel_of(&t->shape, map) || t->rows != 1 || t->cols != 1 ||
                         t->channels != map->dims[1]))
            return 0;
    }
    int first = n->inputs[0];
    n->inputs[0] = n->inputs[big];
    n->inputs[big] = first;
    n->data_input = n->inputs[0];
    n->params.eltwise_broadcast = 1;
    return 1;
}

int onnx_infer_eltwise(onnx_graph *g, int node, fcn_error *err)
{
    onnx_shape x;
    char a[240], b[240];
    if (join_inputs(g, node, &x, err))
        return -1;
    int differ = 0;
    for (int k = 1; k < g->nodes[node].input_count; k++)
        differ |= !same_dims(&x, onnx_shape_of(g, g->nodes[node].inputs[k]), -1);
    if (differ && broadcast_join(g, node)) {
        g->nodes[node].params.type = FCN_ELTWISE;
        return onnx_set_output(g, node, onnx_shape_of(g, g->nodes[node].inputs[0]), err);
    }
    for (int k = 1; k < g->nodes[node].input_count; k++) {
        const int clips = onnx_is_clip(g, g->nodes[node].inputs[0]) || onnx_is_clip(g, g->nodes[node].inputs[k]);
        if (!same_dims(&x, onnx_shape_of(g, g->nodes[node].inputs[k]), -1) && clips)
            return onnx_node_fail(g, node, err, "its inputs %s and %s differ in shape; the hardware joins clips of one "
                                  "shape (a broadcast over a clip, as a 3-D squeeze-excite's 1xCx1x1x1, is not "
                                  "supported yet)", input_text(g, node, 0, a, sizeof a),
                                  input_text(g, node, k, b, sizeof b));
        if (!same_dims(&x, onnx_shape_of(g, g->nodes[node].inputs[k]), -1))
            return onnx_node_fail(g, node, err, "its inputs %s and %s differ in shape; the hardware joins tensors "
                                  "of one shape, without broadcasting (but for one value per channel, 1xCx1x1, beside "
                                  "a 1xCxHxW map)",
                                  input_text(g, node, 0, a, sizeof a), input_text(g, node, k, b, sizeof b));
        if (same_stream(g, node, k, 1, err))
            return -1;
    }
    g->nodes[node].params.type = FCN_ELTWISE;
    return onnx_set_output(g, node, &x, err);
}

/* The axis Concat joins along, normalised; the hardware's is the channels: axis 1 of NCHW or NK. */
static int concat_axis(const onnx_graph *g, int node, const onnx_shape *x, fcn_error *err)
{
    int64_t axis = 0;
    char text[96];
    int found = onnx_attr_int(g, node, "axis", &axis, err);
    if (found < 0)
        return -1;
    if (found == 0)
        return onnx_node_fail(g, node, err, "attribute 'axis' is required");
    if (axis < -x->rank || axis >= x->rank)
        return onnx_node_fail(g, node, err, "attribute 'axis' is %lld, outside -%d..%d", (long long)axis, x->rank,
                              x->rank - 1);
    if (axis < 0)
        axis += x->rank;
    if (axis == 1 && x->rank == 5 && g->video)
        return onnx_node_fail(g, node, err, "concatenates the channels of %s, a clip (NCDHW): a CONCAT over a "
                              "clip's frames is not supported yet", onnx_shape_text(x, text, sizeof text));
    if (axis != 1 || (x->rank != 4 && x->rank != 2))
        return onnx_node_fail(g, node, err, "concatenates %s along axis %lld; the hardware concatenates only "
                              "channels (axis 1 of an NCHW map or of a vector)", onnx_shape_text(x, text, sizeof text),
                              (long long)axis);
    return 0;
}

int onnx_infer_concat(onnx_graph *g, int node, fcn_error *err)
{
    onnx_shape x;
    char a[240], b[240];
    if (join_inputs(g, node, &x, err) || concat_axis(g, node, &x, err))
        return -1;
    onnx_shape y = x;
    for (int k = 1; k < g->nodes[node].input_count; k++) {
        const onnx_shape *s = onnx_shape_of(g, g->nodes[node].inputs[k]);
        if (!same_dims(&x, s, 1))
            return onnx_node_fail(g, node, err, "its inputs %s and %s differ in more than their channels",
                                  input_text(g, node, 0, a, sizeof a), input_text(g, node, k, b, sizeof b));
        if (same_stream(g, node, k, 0, err))
            return -1;
        y.dims[1] += s->dims[1]; /* at most FCN_MAX_PORTS dims of ONNX_MAX_DIM: no overflow */
    }
    g->nodes[node].params.type = FCN_CONCAT;
    return onnx_set_output(g, node, &y, err);
}
