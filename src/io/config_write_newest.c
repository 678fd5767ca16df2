/*
 * Writing the newest upstream form of the configuration (fpgaconvnet-model edfbeb6's
 * save_all_partitions and layer_info; docs/CONFIG.md "The newest form"): the partition's
 * input_nodes/output_nodes, layers linked by their streams' `node`, widths as fixed-point
 * messages with their binary points, use_uram. The chain walked is config_write.c's.
 */
#include <jansson.h>

#include "config_write.h"

/* A stream's FIFO depth: the proto's default, which upstream's layers keep (the model gives such FIFOs no BRAM). */
#define STREAM_BUFFER_DEPTH 2

static json_t *newest_stream(builder *b, const char *from, const char *to, const char *end_name, int64_t coarse,
                             const char *node)
{
    json_t *stream = json_object();
    put(b, stream, "name", config_stream_name(from, to, end_name));
    put_int(b, stream, "coarse", coarse);
    put_int(b, stream, "buffer_depth", STREAM_BUFFER_DEPTH);
    put_string(b, stream, "node", node);
    return stream;
}

/* Each port's stream; `node` names the layer at the other end, or the layer itself for off-chip memory. */
static json_t *newest_streams(builder *b, const chain_entry *e, int inputs)
{
    const fcn_layer *l = e->layer;
    json_t *list = json_array();
    for (int i = 0; i < (inputs ? e->in_count : e->out_count); i++) {
        const char *other = inputs ? e->in[i] : e->out[i];
        append(b, list, inputs ? newest_stream(b, other, l->name, "in", l->coarse_in, other ? other : l->name)
                               : newest_stream(b, l->name, other, "out", l->coarse_out, other ? other : l->name));
    }
    return list;
}

static json_t *fixed_point(int width, int binary_point)
{
    return json_pack("{sisi}", "width", width, "binary_point", binary_point);
}

/* The fixed-point messages each type carries upstream (its layer_info), data_t on every layer. */
static void put_fixed_points(builder *b, json_t *params, const fcn_layer *l)
{
    const int weights = l->type == FCN_CONVOLUTION || l->type == FCN_INNER_PRODUCT;
    const int accumulates = weights || l->type == FCN_ELTWISE || l->type == FCN_AVERAGE_POOLING;
    const int in_out = weights || l->type == FCN_BATCH_NORM || l->type == FCN_HARD_SWISH;
    put(b, params, "data_t", fixed_point(l->data_width, l->data_binary_point));
    if (weights)
        put(b, params, "weight_t", fixed_point(l->weight_width, l->weight_binary_point));
    if (accumulates)
        put(b, params, "acc_t", fixed_point(l->acc_width, l->acc_binary_point));
    if (in_out) {
        put(b, params, "input_t", fixed_point(l->input_width, l->input_binary_point));
        put(b, params, "output_t", fixed_point(l->output_width, l->output_binary_point));
    }
}

/* A sliding window: each dimension both as a single field and in the list, as upstream writes them (with the
 * depth in a 3-D network, src/io/config_3d.c). */
static void put_window(builder *b, json_t *params, const fcn_layer *l)
{
    put_int(b, params, "pad_top", l->pad_top);
    put_int(b, params, "pad_right", l->pad_right);
    put_int(b, params, "pad_bottom", l->pad_bottom);
    put_int(b, params, "pad_left", l->pad_left);
    put_int(b, params, "kernel_rows", l->kernel[0]);
    put_int(b, params, "kernel_cols", l->kernel[1]);
    put(b, params, "kernel_size", config_window_list(b, l->kernel[0], l->kernel[1], l->kernel_depth));
    put_int(b, params, "stride_rows", l->stride[0]);
    put_int(b, params, "stride_cols", l->stride[1]);
    put(b, params, "stride", config_window_list(b, l->stride[0], l->stride[1], l->stride_depth));
    config_put_window_3d(b, params, l);
}

static int multi_port(fcn_layer_type type)
{
    return type == FCN_SPLIT || type == FCN_ELTWISE || type == FCN_CONCAT || type == FCN_CHOP;
}

static json_t *newest_parameters(builder *b, const chain_entry *e)
{
    const fcn_layer *l = e->layer;
    json_t *params = config_parameters_start(b, e, b->part->batch_size);
    if (fcn_layer_has_one_coarse(l))
        put_int(b, params, "coarse", l->coarse_in);
    if (l->type == FCN_CONVOLUTION) {
        put_int(b, params, "coarse_group", l->coarse_group);
        put_int(b, params, "groups", l->groups);
        put_int(b, params, "fine", l->fine);
    }
    if (l->type == FCN_CONVOLUTION || l->type == FCN_INNER_PRODUCT)
        put_int(b, params, "filters", l->filters);
    if (l->type == FCN_CONVOLUTION || l->type == FCN_POOLING)
        put_window(b, params, l);
    put_fixed_points(b, params, l);
    if (l->type == FCN_CONVOLUTION || l->type == FCN_INNER_PRODUCT) {
        put_int(b, params, "has_bias", l->has_bias);
        put_int(b, params, "biases_width", l->biases_width);
    }
    if (multi_port(l->type)) {
        put_int(b, params, "ports_in", l->ports_in);
        put_int(b, params, "ports_out", l->ports_out);
    }
    if (l->type == FCN_CONCAT)
        put(b, params, "channels_in_array", config_int_list(b, l->port_channels, l->ports_in));
    if (l->type == FCN_CONVOLUTION || l->type == FCN_INNER_PRODUCT) {
        put(b, params, "use_uram", json_boolean(l->use_uram));
        put_int(b, params, "stream_weights", 0); /* weights on chip: the model has no other place for them */
    }
    config_put_extras(b, params, l, 0);
    return params;
}

/* The layer's op_type as upstream's writer sets it; NULL where it sets none. */
static const char *op_type(const fcn_layer *l)
{
    switch (l->type) {
    case FCN_CONVOLUTION: return "dense";
    case FCN_POOLING: return l->pool_type == FCN_POOL_AVG ? "avg" : "max";
    case FCN_AVERAGE_POOLING: return "avg";
    case FCN_ELTWISE: return l->eltwise_mul ? "mul" : "add";
    case FCN_RELU: return "ReLU";
    case FCN_SIGMOID: return "Sigmoid";
    case FCN_HARD_SIGMOID: return "HardSigmoid";
    case FCN_HARD_SWISH: return "HardSwish";
    default: return NULL;
    }
}

/* The model node a layer stands for: its own name; a squeeze's neighbour in the partition (upstream's rule). */
static const char *onnx_node(const chain_entry *e)
{
    if (e->layer->type != FCN_SQUEEZE)
        return e->layer->name;
    if (!e->reads_memory && e->in[0])
        return e->in[0];
    return e->out[0] ? e->out[0] : e->layer->name;
}

json_t *config_newest_layer(builder *b, const chain_entry *e)
{
    const fcn_layer *l = e->layer;
    const fcn_partition *part = b->part;
    json_t *layer = json_object();
    put_string(b, layer, "name", l->name);
    put_string(b, layer, "onnx_node", onnx_node(e));
    put_string(b, layer, "type", fcn_layer_type_name(l->type));
    if (op_type(l))
        put_string(b, layer, "op_type", op_type(l));
    put(b, layer, "streams_in", newest_streams(b, e, 1));
    put(b, layer, "streams_out", newest_streams(b, e, 0));
    put(b, layer, "parameters", newest_parameters(b, e));
    if (l->weights_path)
        put_string(b, layer, "weights_path", l->weights_path);
    if (l->bias_path)
        put_string(b, layer, "bias_path", l->bias_path);
    /* The node lists name the model nodes whose tensors cross off-chip memory, as upstream's do (by tensor). */
    if (e->reads_memory)
        append(b, b->input_nodes, json_string(b->inputs++ == 0 && part->input_node ? part->input_node : onnx_node(e)));
    if (e->writes_memory)
        append(b, b->output_nodes, json_string(onnx_node(e)));
    return layer;
}

json_t *config_newest_partition(builder *b, const fcn_partition *part, const fcn_partition_figures *figures)
{
    json_t *p = json_object();
    put_int(b, p, "id", part->id);
    put_int(b, p, "ports", part->ports);
    put_int(b, p, "batch_size", part->batch_size);
    /* Filled as the layers are written; held here too, so that a failed insertion cannot free them early. */
    b->part = part;
    b->inputs = 0;
    b->input_nodes = json_array();
    b->output_nodes = json_array();
    put(b, p, "input_nodes", json_incref(b->input_nodes));
    put(b, p, "output_nodes", json_incref(b->output_nodes));
    put_int(b, p, "weights_reloading_factor", part->wr_factor);
    put_string(b, p, "weights_reloading_layer", part->wr_layer ? part->wr_layer : "None");
    put(b, p, "layers", config_layers_json(b, part, figures));
    /* The partition's first layer reads memory and its last writes it: input_node first, output_node last. */
    const size_t outputs = json_array_size(b->output_nodes);
    if (part->output_node && outputs && json_array_set_new(b->output_nodes, outputs - 1, json_string(part->output_node)))
        b->failed = 1;
    json_decref(b->input_nodes);
    json_decref(b->output_nodes);
    b->input_nodes = b->output_nodes = NULL;
    return p;
}
