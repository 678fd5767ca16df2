/*
 * Today's 2-D layers (docs/MODEL-2D.md): RESIZE, PAD, CHOP, SHUFFLE and
 * LAYER_NORM. Each has one coarse factor, carried by every port, and one
 * module per stream.
 */
#include "layers.h"
#include "resource.h"

/* One module per stream, whose dims are the layer's output dims (channels per stream times coarse). */
static void per_stream(const fcn_layer *l, fcn_layer_figures *out)
{
    const fcn_module_figures *m = &out->modules[0];
    out->rows_out = m->rows_out;
    out->cols_out = m->cols_out;
    out->depth_out = m->depth_out;
    out->channels_out = m->channels_out * l->coarse_in;
    out->streams_in = out->streams_out = l->coarse_in;
    out->module_count = 1;
    resource_add_scaled(&out->resource, &m->resource, l->coarse_in);
}

void resize_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    module_resize(&out->modules[0], l->rows, l->cols, l->depth, div_by(l->channels, l->coarse_in), l->scale,
                  l->resize_mode, l->data_width, l->use_lutram);
    per_stream(l, out);
}

void pad_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    const int64_t pads[4] = {l->pad_top, l->pad_right, l->pad_bottom, l->pad_left};
    module_pad(&out->modules[0], l->rows, l->cols, l->depth, div_by(l->channels, l->coarse_in), pads);
    per_stream(l, out);
}

/*
 * Output port q carries port_channels[q] of the input's channels; the
 * figures' channels_out is port 0's, as upstream's channels_out(0), and the
 * rate out is port 0's share. Every port carries `coarse` streams.
 */
void chop_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    module_chop(&out->modules[0], l->rows, l->cols, l->depth, div_by(l->channels, l->coarse_in),
                l->port_channels[0] / l->coarse_in);
    per_stream(l, out);
}

void shuffle_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    module_shuffle(&out->modules[0], l->rows, l->cols, l->depth, div_by(l->channels, l->coarse_in), l->coarse_in,
                   l->data_width, l->use_lutram);
    per_stream(l, out);
}

void layer_norm_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    module_layer_norm(&out->modules[0], l->rows, l->cols, l->depth, div_by(l->channels, l->coarse_in), l->data_width,
                      l->use_lutram);
    per_stream(l, out);
    const fcn_resource shared = layer_norm_statistics(l->channels, l->coarse_in, l->data_width, l->use_lutram);
    resource_add_scaled(&out->resource, &shared, 1);
}
