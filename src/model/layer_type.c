/* Layer type names, as the protobuf enum of fpgaconvnet.proto spells them, and the defaults of MODEL.md. */
#include "fpgaconvnet.h"

#include <math.h>
#include <string.h>

static const char *const type_names[] = {
    [FCN_CONVOLUTION] = "CONVOLUTION", [FCN_POOLING] = "POOLING", [FCN_RELU] = "RELU",
    [FCN_SQUEEZE] = "SQUEEZE", [FCN_INNER_PRODUCT] = "INNER_PRODUCT", [FCN_CONCAT] = "CONCAT",
    [FCN_BATCH_NORM] = "BATCH_NORM", [FCN_SPLIT] = "SPLIT", [FCN_ELTWISE] = "ELTWISE",
    [FCN_AVERAGE_POOLING] = "AVERAGE_POOLING", [FCN_SIGMOID] = "SIGMOID", [FCN_HARD_SIGMOID] = "HARD_SIGMOID",
    [FCN_HARD_SWISH] = "HARD_SWISH", [FCN_CLIP] = "CLIP", [FCN_SILU] = "SILU", [FCN_RESIZE] = "RESIZE",
    [FCN_CHOP] = "CHOP", [FCN_PAD] = "PAD", [FCN_LAYER_NORM] = "LAYER_NORM", [FCN_GELU] = "GELU",
    [FCN_LEAKY_RELU] = "LEAKY_RELU", [FCN_PRELU] = "PRELU", [FCN_SHUFFLE] = "SHUFFLE",
};

#define TYPE_COUNT ((int)(sizeof type_names / sizeof type_names[0]))

const char *fcn_layer_type_name(fcn_layer_type type)
{
    return (int)type >= 0 && (int)type < TYPE_COUNT ? type_names[type] : NULL;
}

int fcn_layer_type_from_name(const char *name, fcn_layer_type *type)
{
    for (int i = 0; i < TYPE_COUNT; i++)
        if (type_names[i] && strcmp(name, type_names[i]) == 0) {
            *type = (fcn_layer_type)i;
            return 0;
        }
    return -1;
}

void fcn_layer_init(fcn_layer *layer, fcn_layer_type type)
{
    memset(layer, 0, sizeof *layer);
    layer->type = type;
    layer->kernel[0] = layer->kernel[1] = 1;
    layer->stride[0] = layer->stride[1] = 1;
    layer->groups = layer->coarse_in = layer->coarse_out = layer->coarse_group = layer->fine = 1;
    layer->data_width = layer->input_width = layer->output_width = 16;
    layer->weight_width = layer->acc_width = layer->biases_width = 16;
    /* Half the bits are fraction bits, as newest upstream's FixedPoint(16, 8). */
    layer->data_binary_point = layer->input_binary_point = layer->output_binary_point = 8;
    layer->weight_binary_point = layer->acc_binary_point = 8;
    layer->ports_in = layer->ports_out = 1;
    layer->clip_min = -INFINITY;
    layer->clip_max = INFINITY;
    layer->dilation[0] = layer->dilation[1] = 1;
    layer->depth = layer->kernel_depth = layer->stride_depth = layer->dilation_depth = 1;
    layer->scale[0] = layer->scale[1] = 1;
    layer->alpha = 0.01;
}
