/*
 * The dims the hardware streams (rows, cols, channels, channels fastest) of
 * each data tensor, beside ONNX's NCHW dims. Layers set them; shape-only
 * operators are dropped, so they pass them on unchanged.
 *
 * The model requires each layer's input dims to equal its producer's output
 * dims. A shape-only operator that gives the next layer other (rows, cols,
 * channels) than the last layer streams therefore cannot be dropped, even
 * when the elements keep their order: only an inner product takes any shape
 * of its elements (it keeps the dims streamed before a Flatten, 6x6x256
 * rather than 1x1x9216, as the reference does). Before the first layer there
 * is no producer to match: the layers after an order-keeping reshape of the
 * network input take its dims (all of them the same, src/onnx/onnx_layers.c).
 */
#include <stdio.h>

#include "onnx_patterns.h"
#include "onnx_shapes.h"

/* Streamed (HWC, or HWDC in a clip) data keeps its order under a reshape to the map S only if both are vectors
 * in effect, or the channels stay and the pixels are only regrouped. */
static int same_stream_order(const onnx_tensor *t, const onnx_shape *s)
{
    int64_t c = s->dims[1], elements = onnx_shape_elements(s), pixels = elements / c;
    int64_t streamed_pixels = t->rows * t->cols * t->depth;
    if (streamed_pixels * t->channels != elements)
        return 0;
    int from_plain = streamed_pixels == 1 || t->channels == 1, to_plain = pixels == 1 || c == 1;
    return (from_plain && to_plain) || (t->channels == c && streamed_pixels == pixels);
}

/* next_layer's answer when the output, past the dropped operators, feeds several nodes. */
#define BRANCHES (-2)

/*
 * The node that takes a node's output as a layer: past the shape-only and
 * tail operators downstream, the first that is anything else. -1 when none
 * is (the output ends the network) or when it takes the output as other than
 * data (an error of its own, found later); BRANCHES when the output feeds
 * several nodes on the way.
 */
static int next_layer(const onnx_graph *g, int node)
{
    for (int step = 0; step < g->node_count; step++) {
        const onnx_node *n = &g->nodes[node];
        int t = n->output_count > 0 ? n->outputs[0] : -1;
        if (t < 0 || g->tensors[t].consumer_count == 0)
            return -1;
        if (g->tensors[t].consumer_count > 1)
            return BRANCHES;
        int next = g->consumers[g->tensors[t].first_consumer];
        const onnx_node *c = &g->nodes[next];
        int as_data = 0;
        for (int k = 0; k < c->input_count; k++)
            as_data |= c->inputs[k] == t && onnx_reads_data(g, next, k);
        if (!as_data)
            return -1;
        if (c->role != ONNX_ROLE_SHAPE_ONLY && c->role != ONNX_ROLE_TAIL)
            return next;
        node = next;
    }
    return -1; /* unreachable in a sorted graph: each step moves downstream */
}

/* Whether a layer streams the node's input: past the shape-only and tail operators upstream, the data comes
 * from a node other than the network input. */
static int after_layer(const onnx_graph *g, int node)
{
    for (int step = 0; step < g->node_count; step++) {
        int t = g->nodes[node].data_input;
        int p = t >= 0 ? g->tensors[t].producer : -1;
        if (p < 0)
            return 0;
        if (g->nodes[p].role != ONNX_ROLE_SHAPE_ONLY && g->nodes[p].role != ONNX_ROLE_TAIL)
            return 1;
        node = p;
    }
    return 1; /* unreachable in a sorted graph: each step moves upstream */
}

typedef enum { STREAM_AS_NCHW, STREAM_KEPT } stream_verdict;

/* "15x18x6 (rows x cols x channels)", or with the depth between, "15x18x7x6 (rows x cols x depth x channels)". */
static const char *streamed_text(const onnx_tensor *t, char *buf, size_t size)
{
    if (t->depth > 1)
        snprintf(buf, size, "%lldx%lldx%lldx%lld (rows x cols x depth x channels)", (long long)t->rows,
                 (long long)t->cols, (long long)t->depth, (long long)t->channels);
    else
        snprintf(buf, size, "%lldx%lldx%lld (rows x cols x channels)", (long long)t->rows, (long long)t->cols,
                 (long long)t->channels);
    return buf;
}

/* "15x18x6", or "15x18x7x6" with a depth. */
static const char *dims_text(const onnx_tensor *t, char *buf, size_t size)
{
    if (t->depth > 1)
        snprintf(buf, size, "%lldx%lldx%lldx%lld", (long long)t->rows, (long long)t->cols, (long long)t->depth,
                 (long long)t->channels);
    else
        snprintf(buf, size, "%lldx%lldx%lld", (long long)t->rows, (long long)t->cols, (long long)t->channels);
    return buf;
}

/*
 * A dropped operator's output whose NCHW dims differ from the streamed ones
 * (out's rows, cols, depth and channels, for now). Its order kept, the next
 * layer takes the new dims when no layer streams into it; an inner product
 * keeps the streamed dims; anything else cannot follow it.
 */
static int check_reshape(const onnx_graph *g, int node, const onnx_tensor *out, stream_verdict *verdict,
                         fcn_error *err)
{
    const onnx_shape *s = &out->shape;
    int next = next_layer(g, node), same_order = same_stream_order(out, s);
    const onnx_node *consumer = next >= 0 ? &g->nodes[next] : NULL;
    char text[96], label[32], streamed[128], dims[96], as_dims[96];
    *verdict = STREAM_AS_NCHW;
    if (same_order && ((!consumer && next != BRANCHES) || !after_layer(g, node)))
        return 0;
    streamed_text(out, streamed, sizeof streamed);
    dims_text(out, dims, sizeof dims);
    if (next == BRANCHES)
        return onnx_node_fail(g, node, err, "reshaping the streamed %s to %s feeds several nodes, which must all "
                              "take the %s the layer before gives", streamed, onnx_shape_text(s, text, sizeof text),
                              dims);
    if (consumer && consumer->role == ONNX_ROLE_LAYER && consumer->layer_type == FCN_INNER_PRODUCT) {
        *verdict = STREAM_KEPT;
        return 0;
    }
    if (!same_order)
        return onnx_node_fail(g, node, err, "reshaping the streamed %s to %s reorders the data, which the hardware "
                              "cannot do", streamed, onnx_shape_text(s, text, sizeof text));
    onnx_tensor as = {0};
    onnx_stream_map(g, s, &as);
    return onnx_node_fail(g, node, err, "reshaping the streamed %s to %s regroups it as %s, which the layer chain "
                          "cannot represent: the next layer, '%.100s' (%.64s), must take the %s the layer before "
                          "gives (only an inner product takes any shape)", streamed,
                          onnx_shape_text(s, text, sizeof text), dims_text(&as, as_dims, sizeof as_dims),
                          onnx_node_label(g, next, label, sizeof label), consumer->op, dims);
}

/* Layers whose output is their input, element for element, stream what they take (a Relu after a kept Flatten). */
static int streams_through(fcn_layer_type type)
{
    switch (type) {
    case FCN_RELU:
    case FCN_BATCH_NORM:
    case FCN_CLIP:
    case FCN_SIGMOID:
    case FCN_HARD_SIGMOID:
    case FCN_HARD_SWISH:
    case FCN_SILU:
    case FCN_GELU:
    case FCN_LEAKY_RELU:
    case FCN_PRELU:
    case FCN_LAYER_NORM:
    case FCN_ELTWISE: return 1;
    default: return 0;
    }
}

/* Whether T streams what S holds (a channels-last [1,H,W,C] read as such). */
static int streams_shape(const onnx_graph *g, const onnx_tensor *t, const onnx_shape *s)
{
    if (t->channels_last)
        return t->rows == s->dims[1] && t->cols == s->dims[2] && t->channels == s->dims[3] && t->depth == 1;
    onnx_tensor as = {0};
    onnx_stream_map(g, s, &as);
    return t->rows == as.rows && t->cols == as.cols && t->depth == as.depth && t->channels == as.channels;
}

int onnx_set_stream(onnx_graph *g, int node, fcn_error *err)
{
    const onnx_node *n = &g->nodes[node];
    onnx_tensor *out = &g->tensors[n->outputs[0]];
    const onnx_shape *s = &out->shape;
    int makes_layer = n->role == ONNX_ROLE_LAYER && !streams_through(n->layer_type);
    const onnx_tensor *in = n->data_input >= 0 ? &g->tensors[n->data_input] : NULL;
    /* [1,H,W,C] streams as rows=H, cols=W, channels=C (src/onnx/onnx_shapes_channels.c) */
    out->channels_last = onnx_output_channels_last(g, node);
    if (!makes_layer && in && in->rows > 0) {
        out->rows = in->rows;
        out->cols = in->cols;
        out->depth = in->depth;
        out->channels = in->channels;
        if (!onnx_is_map(g, s) || streams_shape(g, out, s))
            return 0;
        stream_verdict verdict = STREAM_AS_NCHW;
        if (n->role != ONNX_ROLE_UNSUPPORTED && check_reshape(g, node, out, &verdict, err))
            return -1;
        if (verdict == STREAM_KEPT)
            return 0;
    }
    /* A layer's output (or a map): NCHW (NCDHW) dims; an inner product's, or anything else, streams as a vector. */
    onnx_stream_map(g, s, out);
    if (makes_layer && n->layer_type == FCN_INNER_PRODUCT) {
        out->channels = onnx_shape_elements(s);
        out->rows = out->cols = out->depth = 1;
    } else if (out->channels_last) {
        out->rows = s->dims[1];
        out->cols = s->dims[2];
        out->channels = s->dims[3];
    }
    return 0;
}
