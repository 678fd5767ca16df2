/*
 * From the inferred graph to the default configuration: one layer per node
 * that becomes one, in the order of the data path, every folding factor 1.
 * A folded BatchNormalization gives its Conv a bias; a MatMul's Add gives its
 * inner product one; shape-only operators leave no trace.
 */
#include <stdlib.h>
#include <string.h>

#include "config_fields.h"
#include "error.h"
#include "onnx_layers.h"
#include "onnx_names.h"

/* The parser must not write what the configuration's reader rejects. */
_Static_assert(ONNX_MAX_DIM == FIELD_MAX, "ONNX_MAX_DIM must be the configuration's FIELD_MAX");

static char *copy_text(const char *s)
{
    if (!s)
        return NULL;
    size_t size = strlen(s) + 1;
    char *copy = malloc(size);
    return copy ? memcpy(copy, s, size) : NULL;
}

/* The initializer a weight comes from (it may reach the node through Identity or Cast). */
static const char *tensor_name(const onnx_graph *g, int tensor)
{
    return tensor >= 0 ? g->tensors[tensor].origin : NULL;
}

/* A layer's parameters from its node; its input dims are those its data input streams. */
static void fill_layer(const onnx_graph *g, int node, fcn_layer *l)
{
    const onnx_node *n = &g->nodes[node];
    const onnx_tensor *in = &g->tensors[n->data_input];
    const onnx_layer_params *p = &n->params;
    fcn_layer_init(l, n->layer_type);
    l->rows = in->rows;
    l->cols = in->cols;
    l->channels = in->channels;
    if (n->layer_type == FCN_CONVOLUTION || n->layer_type == FCN_POOLING) {
        memcpy(l->kernel, p->kernel, sizeof l->kernel);
        memcpy(l->stride, p->stride, sizeof l->stride);
        l->pad_top = p->pad_top;
        l->pad_left = p->pad_left;
        l->pad_bottom = p->pad_bottom;
        l->pad_right = p->pad_right;
    }
    if (n->layer_type == FCN_CONVOLUTION || n->layer_type == FCN_INNER_PRODUCT) {
        l->filters = p->filters;
        l->groups = n->layer_type == FCN_CONVOLUTION ? p->groups : 1;
        l->has_bias = p->bias >= 0;
    }
}

/* A weight's or bias's name as the layer's path: the configuration is JSON, which holds only UTF-8. */
static int copy_path(const onnx_graph *g, int node, int tensor, const char *what, char **path, fcn_error *err)
{
    const char *name = tensor_name(g, tensor);
    if (!onnx_is_utf8(name))
        return onnx_node_fail(g, node, err, "%s tensor name is not valid UTF-8", what);
    *path = copy_text(name);
    return *path || !name ? 0 : fcn_fail(err, "%s: out of memory", g->source);
}

static int set_paths(const onnx_graph *g, int node, fcn_layer *l, fcn_error *err)
{
    const onnx_node *n = &g->nodes[node];
    if (n->layer_type != FCN_CONVOLUTION && n->layer_type != FCN_INNER_PRODUCT)
        return 0;
    return copy_path(g, node, n->params.weight, "weight", &l->weights_path, err) ||
           copy_path(g, node, n->params.bias, "bias", &l->bias_path, err) ? -1 : 0;
}

/* A BatchNormalization folded into its Conv: the Conv gains a bias (the BN's B when it had none). */
static int fold_batch_norm(const onnx_graph *g, int node, fcn_layer *conv, fcn_error *err)
{
    conv->has_bias = 1;
    return conv->bias_path ? 0 : copy_path(g, node, g->nodes[node].params.bias, "bias", &conv->bias_path, err);
}

static int add_layers(const onnx_graph *g, fcn_partition *part, int *layer_of, fcn_error *err)
{
    char **names = calloc((size_t)part->layer_count + 1, sizeof *names);
    if (!names)
        return fcn_fail(err, "%s: out of memory", g->source);
    int count = 0, rc = 0;
    for (int i = 0; i < g->node_count && rc == 0; i++) {
        int node = g->order[i];
        const onnx_node *n = &g->nodes[node];
        if (n->data_input < 0 || !g->tensors[n->data_input].on_path)
            continue;
        if (n->role == ONNX_ROLE_FOLDED_BN && layer_of[n->partner] >= 0)
            rc = fold_batch_norm(g, node, &part->layers[layer_of[n->partner]], err);
        if (n->role != ONNX_ROLE_LAYER || rc)
            continue;
        fcn_layer *l = &part->layers[count];
        fill_layer(g, node, l);
        l->name = names[count] = onnx_layer_name(g, node, names, count);
        layer_of[node] = count++;
        rc = l->name ? set_paths(g, node, l, err) : fcn_fail(err, "%s: out of memory", g->source);
    }
    free(names);
    if (rc == 0 && count != part->layer_count)
        rc = fcn_fail(err, "%s: out of memory", g->source);
    return rc;
}

static int count_layers(const onnx_graph *g)
{
    int count = 0;
    for (int i = 0; i < g->node_count; i++) {
        const onnx_node *n = &g->nodes[i];
        count += n->role == ONNX_ROLE_LAYER && n->data_input >= 0 && g->tensors[n->data_input].on_path;
    }
    return count;
}

static int fill_partition(const onnx_graph *g, fcn_partition *part, int64_t batch_size, fcn_error *err)
{
    part->id = 0;
    part->ports = 1;
    part->batch_size = batch_size;
    part->wr_factor = 1;
    part->layers = calloc((size_t)part->layer_count, sizeof *part->layers);
    int *layer_of = malloc((size_t)(g->node_count ? g->node_count : 1) * sizeof *layer_of);
    if (!part->layers || !layer_of) {
        free(layer_of);
        return fcn_fail(err, "%s: out of memory", g->source);
    }
    for (int i = 0; i < g->node_count; i++)
        layer_of[i] = -1;
    int rc = add_layers(g, part, layer_of, err);
    free(layer_of);
    if (rc)
        return -1;
    part->input_node = copy_text(part->layers[0].name);
    part->output_node = copy_text(part->layers[part->layer_count - 1].name);
    return part->input_node && part->output_node ? 0 : fcn_fail(err, "%s: out of memory", g->source);
}

fcn_network *onnx_build_network(const onnx_graph *g, int64_t batch_size, fcn_error *err)
{
    int count = count_layers(g);
    if (count == 0) {
        fcn_fail(err, "%s: no layers left: the graph has no operator the hardware implements on its data path",
                 g->source);
        return NULL;
    }
    fcn_network *net = calloc(1, sizeof *net);
    if (net)
        net->partitions = calloc(1, sizeof *net->partitions);
    if (!net || !net->partitions) {
        free(net);
        fcn_fail(err, "%s: out of memory", g->source);
        return NULL;
    }
    net->partition_count = 1;
    net->partitions[0].layer_count = count;
    if (fill_partition(g, &net->partitions[0], batch_size, err)) {
        fcn_network_free(net);
        return NULL;
    }
    if (fcn_network_check(net, err)) {
        fcn_error_prefix(err, "%s", g->source);
        fcn_network_free(net);
        return NULL;
    }
    return net;
}
