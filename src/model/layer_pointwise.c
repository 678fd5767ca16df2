/* Layers whose output has the input's shape (MODEL.md §3): ReLU, BatchNorm, Squeeze. */

#include "layers.h"
#include "resource.h"

static void same_shape(const fcn_layer *l, fcn_layer_figures *out)
{
    out->rows_out = l->rows;
    out->cols_out = l->cols;
    out->depth_out = l->depth;
    out->channels_out = l->channels;
    out->streams_in = l->coarse_in;
    out->streams_out = l->coarse_out;
    out->module_count = 1;
}

void relu_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    same_shape(l, out);
    module_relu(&out->modules[0], l->rows, l->cols, l->depth, div_by(l->channels, l->coarse_in), l->data_width);
    resource_add_scaled(&out->resource, &out->modules[0].resource, l->coarse_in);
}

void batch_norm_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    const int64_t coarse = l->coarse_in;
    same_shape(l, out);
    module_batch_norm(&out->modules[0], l->rows, l->cols, l->depth, div_by(l->channels, coarse));
    resource_add_scaled(&out->resource, &out->modules[0].resource, coarse);
    add_ram(&out->resource, div_by(l->channels, coarse), l->data_width, coarse, l->use_lutram);
}

/*
 * A squeeze is evaluated complete here, without the rate chain: its one
 * module runs at rate 1, so its latency is simply the larger of the cycles to
 * take the tensor in over coarse_in streams and out over coarse_out. Partitions
 * insert many of them, so they stay cheap.
 */
void squeeze_figures(int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t coarse_in,
                     int64_t coarse_out, int64_t buffer_depth, int data_width, fcn_layer_figures *out)
{
    layer_figures_clear(out);
    out->rows_out = rows;
    out->cols_out = cols;
    out->depth_out = depth;
    out->channels_out = channels;
    out->streams_in = coarse_in;
    out->streams_out = coarse_out;
    out->rate_in = out->rate_out = 1.0;
    const int64_t pixels = rows * cols * depth;
    out->workload_in = out->workload_out = pixels * channels;
    out->size_in = pixels * (channels / coarse_in);
    out->size_out = pixels * (channels / coarse_out);
    out->latency = squeeze_latency(out->workload_in, coarse_in, coarse_out);
    out->resource.bram = bram_stream(buffer_depth, data_width) * coarse_in;
    out->module_count = 1;
    module_squeeze(&out->modules[0], rows, cols, depth, channels);
}

/* A configuration's SQUEEZE: with use_lutram, a buffer shallow by upstream's FIFO rule is in LUTRAM. */
void squeeze_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    squeeze_figures(l->rows, l->cols, l->depth, l->channels, l->coarse_in, l->coarse_out, l->buffer_depth,
                    l->data_width, out);
    if (l->use_lutram && fifo_shallow(l->buffer_depth, l->data_width)) {
        out->resource.bram = 0; /* the buffer was its only resource */
        out->resource.lut = lutram_queue(l->buffer_depth, l->data_width) * l->coarse_in;
    }
}
