/*
 * Inner products (Gemm, MatMul by a constant, the Add of its bias),
 * BatchNormalization, and the operators whose output has their input's shape
 * (activations: Relu, Clip, Sigmoid, ...; Dropout, Identity, ...).
 */
#include <math.h>
#include <stdio.h>

#include "onnx_attrs.h"
#include "onnx_patterns.h"
#include "onnx_shapes.h"

/* A 0/1 flag attribute (transA, transB); -1 with the message otherwise. */
static int read_flag(const onnx_graph *g, int node, const char *name, int64_t *out, fcn_error *err)
{
    *out = 0;
    if (onnx_attr_int(g, node, name, out, err) < 0)
        return -1;
    if (*out != 0 && *out != 1)
        return onnx_node_fail(g, node, err, "attribute '%s' is %lld (expected 0 or 1)", name, (long long)*out);
    return 0;
}

/* A bias of `count` values: dims such as [N] or [1, N]. */
static int is_vector_of(const onnx_shape *s, int64_t count)
{
    if (onnx_shape_elements(s) != count)
        return 0;
    for (int i = 0; i + 1 < s->rank; i++)
        if (s->dims[i] != 1)
            return 0;
    return 1;
}

static int inner_product_bias(onnx_graph *g, int node, int input, int64_t filters, fcn_error *err)
{
    onnx_shape bs;
    char text[96];
    int bias = onnx_constant_input(g, node, input, "bias", &bs, err);
    if (bias < 0)
        return -1;
    if (!is_vector_of(&bs, filters))
        return onnx_node_fail(g, node, err, "bias '%s' is %s; expected %lld (one per output)", g->tensors[bias].name,
                              onnx_shape_text(&bs, text, sizeof text), (long long)filters);
    g->nodes[node].params.bias = bias;
    return 0;
}

/* Y = A' * B' + C with A' = A or its transpose: A' is 1 x K (the batch), B' is K x N. */
int onnx_infer_gemm(onnx_graph *g, int node, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_shape a, b;
    int64_t trans_a, trans_b;
    char text[96];
    if (onnx_data_shape(g, node, 2, 2, &a, err) || read_flag(g, node, "transA", &trans_a, err) ||
        read_flag(g, node, "transB", &trans_b, err))
        return -1;
    int weight = onnx_constant_input(g, node, 1, "weight", &b, err);
    if (weight < 0)
        return -1;
    int64_t rows = trans_a ? a.dims[1] : a.dims[0], features = trans_a ? a.dims[0] : a.dims[1];
    if (rows != 1)
        return onnx_node_fail(g, node, err, "its input is %s (transA=%lld); an inner product takes one vector per "
                              "batch item", onnx_shape_text(&a, text, sizeof text), (long long)trans_a);
    int64_t k = b.rank == 2 ? b.dims[trans_b ? 1 : 0] : -1, filters = b.rank == 2 ? b.dims[trans_b ? 0 : 1] : 0;
    if (k != features || filters < 1)
        return onnx_node_fail(g, node, err, "weight '%s' is %s (transB=%lld), which does not fit the input's %lld "
                              "features", g->tensors[weight].name, onnx_shape_text(&b, text, sizeof text),
                              (long long)trans_b, (long long)features);
    n->params.type = FCN_INNER_PRODUCT;
    n->params.weight = weight;
    n->params.filters = filters;
    if (onnx_node_input(g, node, 2) >= 0 && inner_product_bias(g, node, 2, filters, err))
        return -1;
    onnx_shape y = {2, {1, filters}};
    return onnx_set_output(g, node, &y, err);
}

/* A MatMul by a constant K x N weight, over an input whose dims other than the last are 1. */
int onnx_infer_matmul(onnx_graph *g, int node, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_shape a, b;
    char text[96];
    if (onnx_data_shape(g, node, 1, ONNX_MAX_RANK, &a, err))
        return -1;
    if (onnx_is_pointwise_matmul(g, node))
        return onnx_infer_pointwise_matmul(g, node, err);
    int weight = onnx_constant_input(g, node, 1, "weight", &b, err);
    if (weight < 0)
        return -1;
    int64_t features = a.dims[a.rank - 1];
    if (onnx_shape_elements(&a) != features)
        return onnx_node_fail(g, node, err, "its input is %s; an inner product needs a vector (every dim but the "
                              "last 1)", onnx_shape_text(&a, text, sizeof text));
    if (b.rank != 2 || b.dims[0] != features || b.dims[1] < 1)
        return onnx_node_fail(g, node, err, "weight '%s' is %s, which does not fit the input's %lld features",
                              g->tensors[weight].name, onnx_shape_text(&b, text, sizeof text), (long long)features);
    n->params.type = FCN_INNER_PRODUCT;
    n->params.weight = weight;
    n->params.filters = b.dims[1];
    onnx_shape y = a;
    if (y.rank == 1)
        y = (onnx_shape){2, {1, 1}};
    y.dims[y.rank - 1] = b.dims[1];
    return onnx_set_output(g, node, &y, err);
}

/* The Add after a MatMul: its constant is the inner product's bias. */
int onnx_infer_bias_add(onnx_graph *g, int node, fcn_error *err)
{
    onnx_node *n = &g->nodes[node];
    onnx_node *matmul = &g->nodes[n->partner];
    onnx_shape x;
    if (onnx_data_shape(g, node, 1, ONNX_MAX_RANK, &x, err))
        return -1;
    int input = n->inputs[0] == n->data_input ? 1 : 0;
    if (inner_product_bias(g, node, input, matmul->params.filters, err))
        return -1;
    matmul->params.bias = n->params.bias;
    const onnx_shape *bs = onnx_shape_of(g, n->inputs[input]);
    if (bs->rank > x.rank) { /* broadcasting adds leading 1s */
        onnx_shape y = *bs;
        return onnx_set_output(g, node, &y, err);
    }
    return onnx_set_output(g, node, &x, err);
}

/* scale, B, mean and var: one value per channel. */
int onnx_infer_batch_norm(onnx_graph *g, int node, fcn_error *err)
{
    static const char *const names[] = {"scale", "B", "mean", "var"};
    onnx_node *n = &g->nodes[node];
    onnx_shape x, s;
    char text[96];
    if (onnx_data_shape(g, node, 2, g->video ? 5 : 4, &x, err))
        return -1;
    const onnx_tensor *in = &g->tensors[n->data_input];
    if (!onnx_is_map(g, &x) && in->rows * in->cols * in->depth != 1)
        return onnx_node_fail(g, node, err, "normalises a flattened %lldx%lldx%lld map per feature, which the "
                              "hardware's per-channel BATCH_NORM cannot do", (long long)in->rows,
                              (long long)in->cols, (long long)in->channels);
    for (int i = 0; i < 4; i++) {
        int t = onnx_constant_input(g, node, i + 1, names[i], &s, err);
        if (t < 0)
            return -1;
        if (s.rank != 1 || s.dims[0] != x.dims[1])
            return onnx_node_fail(g, node, err, "%s '%s' is %s; expected %lld (one per channel)", names[i],
                                  g->tensors[t].name, onnx_shape_text(&s, text, sizeof text), (long long)x.dims[1]);
        if (i == 1)
            n->params.bias = t;
    }
    n->params.type = FCN_BATCH_NORM;
    return onnx_set_output(g, node, &x, err);
}

int onnx_infer_same(onnx_graph *g, int node, fcn_error *err)
{
    onnx_shape x;
    if (onnx_data_shape(g, node, 0, ONNX_MAX_RANK, &x, err))
        return -1;
    return onnx_set_output(g, node, &x, err);
}

/*
 * One of Clip's bounds: from opset 11 its optional input `index`, a constant
 * (absent: unbounded); before, the attribute of the same name.
 */
static int clip_bound(const onnx_graph *g, int node, int index, const char *name, double unbounded, double *out,
                      fcn_error *err)
{
    *out = unbounded;
    if (g->opset < 11) {
        if (onnx_attr_float(g, node, name, out, err) < 0)
            return -1;
    } else {
        int t = onnx_node_input(g, node, index);
        if (t >= 0 && onnx_constant_real(g, node, t, name, out, err))
            return -1;
    }
    if (isnan(*out))
        return onnx_node_fail(g, node, err, "its %s is not a number", name);
    return 0;
}

/* A clamp to [min, max] (ReLU6 is Clip(0, 6)): the bounds go to the CLIP layer. */
int onnx_infer_clip(onnx_graph *g, int node, fcn_error *err)
{
    onnx_layer_params *p = &g->nodes[node].params;
    if (clip_bound(g, node, 1, "min", -INFINITY, &p->clip_min, err) ||
        clip_bound(g, node, 2, "max", INFINITY, &p->clip_max, err))
        return -1;
    p->type = FCN_CLIP;
    return onnx_infer_same(g, node, err);
}

/* Numpy broadcasting of every input whose shape is known (Add, Mul, ...: shapes only, for the check). */
int onnx_infer_broadcast(onnx_graph *g, int node, fcn_error *err)
{
    const onnx_node *n = &g->nodes[node];
    onnx_shape y = {0, {0}};
    for (int k = 0; k < n->input_count; k++) {
        const onnx_shape *s = onnx_shape_of(g, n->inputs[k]);
        if (!s)
            continue;
        onnx_shape r = {s->rank > y.rank ? s->rank : y.rank, {0}};
        for (int i = 0; i < r.rank; i++) {
            int64_t a = i < r.rank - y.rank ? 1 : y.dims[i - (r.rank - y.rank)];
            int64_t b = i < r.rank - s->rank ? 1 : s->dims[i - (r.rank - s->rank)];
            if (a != b && a != 1 && b != 1)
                return onnx_node_fail(g, node, err, "its inputs' shapes do not broadcast");
            r.dims[i] = a == 1 ? b : a;
        }
        y = r;
    }
    return onnx_set_output(g, node, &y, err);
}
