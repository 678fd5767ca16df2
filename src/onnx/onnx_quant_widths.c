/*
 * A quantised model's types onto its layers' widths (docs/ONNX-OPERATORS.md,
 * "Quantised models"); the types themselves: src/onnx/onnx_quant.c.
 *
 *  - data_width (a CONVOLUTION's or INNER_PRODUCT's input_width too): the type
 *    its data input carries, the widest over a join's inputs. A ReLU, Clip or
 *    max pool whose input no quantiser gives a type takes the type after it:
 *    they commute with a quantiser (both are monotonic), so the quantiser may
 *    act first. PyTorch exports a fused Conv+ReLU as DequantizeLinear, Conv,
 *    Relu, QuantizeLinear; upstream's parser (move_relu_after_quant) swaps the
 *    Relu and the QuantizeLinear for the same reason.
 *  - output_width: the type the quantiser after the layer gives its output
 *    (quant_next), past the nodes that fold into the layer (BatchNormalization,
 *    a MatMul's bias Add, affines), removed operators and those that commute.
 *  - weight_width, biases_width: the types of the weight and the bias (INT32
 *    in QDQ: 32).
 *  - acc_width, when the input or the weight is quantised: the bits a dot
 *    product of N terms of weight_width x input_width bits needs without
 *    overflow, weight_width + input_width + ceil(log2 N), where N is
 *    channels / groups x kernel rows x kernel cols (x kernel depth) for a CONVOLUTION and
 *    rows x cols (x depth) x channels for an INNER_PRODUCT; at most ONNX_ACC_WIDTH (32),
 *    the accumulator ONNX's integer operators (ConvInteger, QLinearConv) and
 *    onnxruntime use, which a QDQ model is defined against.
 *  - binary points: the type's (from a power-of-two scale), else width / 2
 *    (the newest upstream's FixedPoint(16, 8) at the default 16); the
 *    accumulator's: weight's + input's (a product's fraction bits).
 * The command line's widths (a float model's) are applied first, to every
 * layer; the quantisation then overrides what it gives: the model's own types
 * win. A layer without weights has one width, data_width: the only one its
 * figures and its configuration carry.
 */
#include "onnx_patterns.h"
#include "onnx_quant.h"

/* ReLU, Clip and max pooling commute with a quantiser (all are monotonic): the type after them holds before. */
static int commutes(const onnx_node *n)
{
    return n->role == ONNX_ROLE_LAYER && n->pattern == ONNX_PATTERN_NONE &&
           (n->layer_type == FCN_RELU || n->layer_type == FCN_CLIP ||
            (n->layer_type == FCN_POOLING && n->params.pool_type == FCN_POOL_MAX));
}

/* Whether the type the quantisers after a node's output give it passes to the node's data input. */
static int passes_back(const onnx_node *n)
{
    switch (n->role) {
    case ONNX_ROLE_SHAPE_ONLY:
    case ONNX_ROLE_FOLDED_PAD:
    case ONNX_ROLE_FOLDED_BN:
    case ONNX_ROLE_BIAS_ADD:
    case ONNX_ROLE_FOLDED_AFFINE: return 1;
    case ONNX_ROLE_LAYER: return commutes(n);
    default: return 0;
    }
}

static void widen(onnx_qtype *to, const onnx_qtype *from)
{
    if (from->bits > to->bits)
        *to = *from;
}

void onnx_quant_resolve(onnx_graph *g)
{
    for (int i = g->node_count - 1; i >= 0; i--) { /* consumers first */
        const onnx_node *n = &g->nodes[g->order[i]];
        int in = n->data_input, out = n->output_count > 0 ? n->outputs[0] : -1;
        if (in < 0 || out < 0)
            continue;
        if (onnx_is_quantiser(n->proto))
            widen(&g->tensors[in].quant_next, &g->tensors[out].quant);
        else if (passes_back(n))
            widen(&g->tensors[in].quant_next, &g->tensors[out].quant_next);
    }
}

static int binary_point(const onnx_qtype *q)
{
    return q->has_binary_point ? q->binary_point : q->bits / 2;
}

/* The smallest k with 2^k >= n. */
static int ceil_log2(int64_t n)
{
    int k = 0;
    while (k < 62 && ((int64_t)1 << k) < n)
        k++;
    return k;
}

static int has_weights(const fcn_layer *l)
{
    return l->type == FCN_CONVOLUTION || l->type == FCN_INNER_PRODUCT;
}

static void apply_options(const onnx_widths *opts, fcn_layer *l)
{
    /* Widths chosen for today's hardware: its shallow buffers in LUTRAM as newest upstream's (MODEL-WIDTHS.md). */
    if (opts->data_width || opts->weight_width)
        l->use_lutram = 1;
    if (opts->data_width) {
        l->data_width = opts->data_width;
        l->data_binary_point = opts->data_width / 2;
    }
    if (!has_weights(l))
        return;
    if (opts->data_width) {
        l->input_width = l->output_width = opts->data_width;
        l->input_binary_point = l->output_binary_point = opts->data_width / 2;
    }
    if (opts->weight_width) {
        l->weight_width = opts->weight_width;
        l->weight_binary_point = opts->weight_width / 2;
    }
    /* Widths chosen for today's hardware: its multipliers share DSPs as newest upstream's do (MODEL-WIDTHS.md). */
    if (opts->data_width || opts->weight_width)
        l->dsp_packing = 1;
}

/* The widest type of the data the node reads (a fused pattern's layer node reads the pattern's input). */
static onnx_qtype input_type(const onnx_graph *g, int node)
{
    const onnx_node *n = &g->nodes[node];
    onnx_qtype widest = onnx_quant_of(g, n->data_input);
    for (int k = 0; n->pattern == ONNX_PATTERN_NONE && k < n->input_count; k++)
        if (onnx_reads_data(g, node, k)) {
            onnx_qtype q = onnx_quant_of(g, n->inputs[k]);
            widen(&widest, &q);
        }
    return widest;
}

/* Terms summed for one output: channels / groups x kernel, or the whole input of an inner product. */
static int64_t dot_terms(const fcn_layer *l)
{
    if (l->type == FCN_INNER_PRODUCT)
        return l->rows * l->cols * l->depth * l->channels;
    return l->channels / (l->groups > 0 ? l->groups : 1) * l->kernel[0] * l->kernel[1] * l->kernel_depth;
}

static void set_accumulator(fcn_layer *l)
{
    int bits = l->weight_width + l->input_width + ceil_log2(dot_terms(l));
    l->acc_width = bits < ONNX_ACC_WIDTH ? bits : ONNX_ACC_WIDTH;
    l->acc_binary_point = l->weight_binary_point + l->input_binary_point;
}

void onnx_quant_widths(const onnx_graph *g, int node, const onnx_widths *opts, fcn_layer *l)
{
    const onnx_node *n = &g->nodes[node];
    const onnx_qtype none = {0};
    if (opts)
        apply_options(opts, l);
    onnx_qtype in = input_type(g, node);
    onnx_qtype out = n->output_count > 0 && n->outputs[0] >= 0 ? g->tensors[n->outputs[0]].quant_next : none;
    if (!in.bits && commutes(n))
        in = out;
    if (in.bits) {
        l->data_width = in.bits;
        l->data_binary_point = binary_point(&in);
        l->use_lutram = 1; /* a quantised layer's shallow buffers are in LUTRAM (MODEL-WIDTHS.md) */
    }
    if (!has_weights(l))
        return;
    if (in.bits) {
        l->input_width = in.bits;
        l->input_binary_point = binary_point(&in);
    }
    if (out.bits) {
        l->output_width = out.bits;
        l->output_binary_point = binary_point(&out);
    }
    onnx_qtype weight = onnx_quant_of(g, n->params.weight), bias = onnx_quant_of(g, n->params.bias);
    if (weight.bits) {
        l->weight_width = weight.bits;
        l->weight_binary_point = binary_point(&weight);
    }
    if (bias.bits)
        l->biases_width = bias.bits;
    if (in.bits || weight.bits) {
        set_accumulator(l);
        l->dsp_packing = 1; /* a quantised layer's multipliers share DSPs (MODEL-WIDTHS.md) */
        l->use_lutram = 1;
    }
}

void onnx_quant_split_width(const onnx_graph *g, int tensor, const onnx_widths *opts, fcn_layer *l)
{
    onnx_qtype q = onnx_quant_of(g, tensor);
    if (opts)
        apply_options(opts, l);
    if (q.bits) {
        l->data_width = q.bits;
        l->data_binary_point = binary_point(&q);
        l->use_lutram = 1;
    }
}
