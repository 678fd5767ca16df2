/* Layers whose output has the input's shape (MODEL.md §3): ReLU, BatchNorm, Squeeze. */
#include "layers.h"
#include "resource.h"

static void same_shape(const fcn_layer *l, fcn_layer_figures *out)
{
    out->rows_out = l->rows;
    out->cols_out = l->cols;
    out->channels_out = l->channels;
    out->streams_in = l->coarse_in;
    out->streams_out = l->coarse_out;
    out->module_count = 1;
}

void relu_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    same_shape(l, out);
    module_relu(&out->modules[0], l->rows, l->cols, l->channels / l->coarse_in, l->data_width);
    resource_add_scaled(&out->resource, &out->modules[0].resource, l->coarse_in);
}

void batch_norm_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    const int64_t coarse = l->coarse_in;
    same_shape(l, out);
    module_batch_norm(&out->modules[0], l->rows, l->cols, l->channels / coarse);
    resource_add_scaled(&out->resource, &out->modules[0].resource, coarse);
    out->resource.bram += fcn_bram_memory(l->channels / coarse, l->data_width) * coarse;
}

void squeeze_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    same_shape(l, out);
    module_squeeze(&out->modules[0], l->rows, l->cols, l->channels);
    out->resource.bram = fcn_bram_stream(l->buffer_depth, l->data_width) * l->coarse_in;
}
