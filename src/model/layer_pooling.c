/* Max and average pooling layer (MODEL.md §3, docs/MODEL-2D.md): a sliding window and a pool per coarse stream. */
#include "layers.h"
#include "resource.h"

void pooling_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    const int64_t coarse = l->coarse_in;
    const int64_t channels = div_by(l->channels, coarse);
    const window_shape window = layer_window(l);
    fcn_module_figures *m = out->modules;

    module_sliding_window(&m[0], l->rows, l->cols, l->depth, channels, &window, l->data_width, l->use_lutram);
    module_pool(&m[1], m[0].rows_out, m[0].cols_out, m[0].depth_out, channels, window.kernel, l->pool_type,
                l->data_width);
    out->module_count = 2;

    out->rows_out = m[0].rows_out;
    out->cols_out = m[0].cols_out;
    out->depth_out = m[0].depth_out;
    out->channels_out = l->channels;
    out->streams_in = out->streams_out = coarse;
    resource_add_scaled(&out->resource, &m[0].resource, coarse);
    resource_add_scaled(&out->resource, &m[1].resource, coarse);
}
