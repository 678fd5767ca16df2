/*
 * Layers of branching networks (docs/MODEL-DAG.md §2-§6): SPLIT, ELTWISE,
 * CONCAT, AVERAGE_POOLING and the activations beyond ReLU. Each has one
 * coarse factor, carried by every port.
 */
#include "layers.h"
#include "resource.h"

static void one_coarse(const fcn_layer *l, int64_t rows_out, int64_t cols_out, int64_t depth_out,
                       fcn_layer_figures *out)
{
    out->rows_out = rows_out;
    out->cols_out = cols_out;
    out->depth_out = depth_out;
    out->channels_out = l->channels;
    out->streams_in = out->streams_out = l->coarse_in;
    out->module_count = 1;
}

/* A fork per stream; its figures ignore the fan-out, as upstream's (G4). */
void split_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    one_coarse(l, l->rows, l->cols, l->depth, out);
    module_fork(&out->modules[0], l->rows, l->cols, l->depth, div_by(l->channels, l->coarse_in), l->data_width);
    resource_add_scaled(&out->resource, &out->modules[0].resource, l->coarse_in);
}

void eltwise_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    one_coarse(l, l->rows, l->cols, l->depth, out);
    const int broadcast_ports = l->eltwise_broadcast ? l->ports_in - 1 : 0;
    module_eltwise(&out->modules[0], l->rows, l->cols, l->depth, div_by(l->channels, l->coarse_in), l->eltwise_mul,
                   broadcast_ports, l->data_width, l->use_lutram);
    resource_add_scaled(&out->resource, &out->modules[0].resource, l->coarse_in);
}

/*
 * The ports are read in turn, port p for c_p of every C words out, so the
 * layer takes rows*cols*C words in and out whatever the split: one module
 * over all channels (G2).
 */
void concat_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    one_coarse(l, l->rows, l->cols, l->depth, out);
    const int64_t channels = div_by(l->channels, l->coarse_in);
    module_concat(&out->modules[0], l->rows, l->cols, l->depth, channels, channels);
}

void average_pooling_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    one_coarse(l, 1, 1, 1, out);
    module_average_pool(&out->modules[0], l->rows, l->cols, l->depth, div_by(l->channels, l->coarse_in));
    resource_add_scaled(&out->resource, &out->modules[0].resource, l->coarse_in);
}

void activation_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    one_coarse(l, l->rows, l->cols, l->depth, out);
    module_activation(&out->modules[0], l->type, l->rows, l->cols, l->depth, div_by(l->channels, l->coarse_in),
                      l->data_width, l->use_lutram);
    resource_add_scaled(&out->resource, &out->modules[0].resource, l->coarse_in);
}
