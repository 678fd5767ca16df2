/* Convolution and inner product layers (MODEL.md §3): sliding window, fork, conv, accum, glue, bias. */
#include "layers.h"
#include "resource.h"

enum { SLIDING_WINDOW, FORK, CONV, ACCUM, GLUE, BIAS };

int fine_feasible(const int64_t kernel[2], int64_t fine)
{
    const int64_t k0 = kernel[0], k1 = kernel[1];
    if (fine == 1)
        return 1;
    if (k0 == 1 || k1 == 1)
        return fine == (k0 > k1 ? k0 : k1);
    return fine == k0 || fine == k0 * k1;
}

/* The conv modules' resources, their multipliers packed into DSPs by operand width if asked (MODEL-WIDTHS.md). */
static void add_multipliers(fcn_resource *r, const fcn_module_figures *conv, int64_t instances, const fcn_layer *l)
{
    fcn_resource logic = conv->resource;
    logic.dsp = 0;
    resource_add_scaled(r, &logic, instances);
    r->dsp += l->dsp_packing ? fcn_dsp_packed(instances, conv->resource.dsp, l->weight_width, l->input_width)
                             : instances * conv->resource.dsp;
}

/*
 * The weights' memory: `banks` RAMs of `depth` words, in BRAM, with use_uram in URAM (whatever their
 * size, as newest upstream's stream_rsc), or with use_lutram and shallow in LUTRAM (MODEL-WIDTHS.md).
 */
static void add_weights_memory(fcn_resource *r, const fcn_layer *l, double depth, int64_t banks)
{
    if (l->use_uram)
        r->uram += fcn_uram_memory((int64_t)depth, l->weight_width) * banks;
    else
        add_ram(r, (int64_t)depth, l->weight_width, banks, l->use_lutram);
}

void convolution_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    const int64_t ci = l->coarse_in, co = l->coarse_out, cg = l->coarse_group;
    const int64_t channels = l->channels / (ci * cg);
    const int64_t filters = l->filters / (co * cg);
    const int64_t groups = l->groups / cg;
    const window_shape window = layer_window(l);
    fcn_module_figures *m = out->modules;

    module_sliding_window(&m[SLIDING_WINDOW], l->rows, l->cols, channels, &window, l->input_width, l->use_lutram);
    const int64_t rows = m[SLIDING_WINDOW].rows_out, cols = m[SLIDING_WINDOW].cols_out;
    module_fork(&m[FORK], rows, cols, channels, l->input_width);
    module_conv(&m[CONV], rows, cols, channels, filters, l->fine, l->kernel, groups, l->weight_width,
                l->input_width);
    module_accum(&m[ACCUM], rows, cols, channels, filters, groups, l->acc_width, l->use_lutram);
    module_glue(&m[GLUE], rows, cols, 1, l->filters / cg, ci, co, l->acc_width, l->output_width);
    module_bias(&m[BIAS], rows, cols, 1, l->filters, l->biases_width, l->output_width);
    out->module_count = 6;

    out->rows_out = rows;
    out->cols_out = cols;
    out->channels_out = l->filters;
    out->streams_in = ci;
    out->streams_out = co;

    fcn_resource *r = &out->resource;
    if (l->kernel[0] != 1 || l->kernel[1] != 1)
        resource_add_scaled(r, &m[SLIDING_WINDOW].resource, ci * cg);
    if (co != 1)
        resource_add_scaled(r, &m[FORK].resource, ci * cg);
    add_multipliers(r, &m[CONV], ci * co * cg, l);
    if (channels != 1) {
        fcn_resource accum = m[ACCUM].resource;
        accum.bram = 0;
        resource_add_scaled(r, &accum, ci * co * cg);
        r->bram += m[ACCUM].resource.bram * co * cg;
    }
    if (ci != 1)
        resource_add_scaled(r, &m[GLUE].resource, cg);
    if (l->has_bias) {
        resource_add_scaled(r, &m[BIAS].resource, co);
        add_ram(r, l->filters / co, l->biases_width, co, l->use_lutram);
    }
    const double weights_depth = (double)l->filters / (double)l->groups * (double)l->channels *
                                 (double)(l->kernel[0] * l->kernel[1]) / (double)(l->fine * ci * co * cg);
    add_weights_memory(r, l, weights_depth, ci * co * cg * l->fine);

    out->operations = l->kernel[0] * l->kernel[1] * l->channels * l->filters * rows * cols;
    out->weights = l->channels * (l->filters / l->groups) * l->kernel[0] * l->kernel[1];
    out->biases = l->has_bias ? l->filters : 0;
}

void inner_product_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    const int64_t ci = l->coarse_in, co = l->coarse_out;
    const int64_t n = l->rows * l->cols * l->channels;
    const int64_t unit_kernel[2] = {1, 1};
    fcn_module_figures *m = out->modules;

    module_fork(&m[0], l->rows, l->cols, l->channels / ci, l->input_width);
    module_conv(&m[1], 1, 1, n / ci, l->filters / co, 1, unit_kernel, 1, l->weight_width, l->input_width);
    module_accum(&m[2], 1, 1, n / ci, l->filters / co, 1, l->acc_width, l->use_lutram);
    module_glue(&m[3], 1, 1, n, l->filters, ci, co, l->acc_width, l->output_width);
    module_bias(&m[4], 1, 1, n, l->filters, l->biases_width, l->output_width);
    out->module_count = 5;

    out->rows_out = 1;
    out->cols_out = 1;
    out->channels_out = l->filters;
    out->streams_in = ci;
    out->streams_out = co;

    fcn_resource *r = &out->resource;
    resource_add_scaled(r, &m[0].resource, ci);
    add_multipliers(r, &m[1], ci * co, l);
    if (n / ci != 1) {
        fcn_resource accum = m[2].resource;
        accum.bram = 0;
        resource_add_scaled(r, &accum, ci * co);
        r->bram += m[2].resource.bram * co;
    }
    if (ci != 1)
        resource_add_scaled(r, &m[3].resource, 1);
    if (l->has_bias) {
        resource_add_scaled(r, &m[4].resource, co);
        const double bias_depth = (double)(l->filters * l->rows * l->cols) / (double)co;
        add_ram(r, (int64_t)bias_depth, l->biases_width, co, l->use_lutram);
    }
    const double weights_depth = (double)(l->filters * n) / (double)(ci * co);
    add_weights_memory(r, l, weights_depth, ci * co);

    out->operations = n * l->filters;
    out->weights = n * l->filters;
    out->biases = l->has_bias ? l->filters : 0;
}
