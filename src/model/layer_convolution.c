/* Convolution and inner product layers (MODEL.md §3): sliding window, fork, conv, accum, glue, bias. */
#include "layers.h"
#include "resource.h"

enum { SLIDING_WINDOW, FORK, CONV, ACCUM, GLUE, BIAS };

/* The 2-D rule over rows and cols: {1, k0, k0*k1}, or {1, max} for a 1xk or kx1 kernel. */
static int fine_feasible_2d(int64_t k0, int64_t k1, int64_t fine)
{
    if (fine == 1)
        return 1;
    if (k0 == 1 || k1 == 1)
        return fine == (k0 > k1 ? k0 : k1);
    return fine == k0 || fine == k0 * k1;
}

/* A 3-D kernel's depth taps are all unrolled or none: fine = f or k2*f, f feasible in 2-D (docs/MODEL-3D.md). */
int fine_feasible(const fcn_layer *l, int64_t fine)
{
    const int64_t k0 = l->kernel[0], k1 = l->kernel[1], k2 = l->kernel_depth;
    if (fine_feasible_2d(k0, k1, fine))
        return 1;
    return k2 > 1 && fine % k2 == 0 && fine_feasible_2d(k0, k1, fine / k2);
}

/* The conv modules' resources, their multipliers packed into DSPs by operand width if asked (MODEL-WIDTHS.md). */
static inline void add_multipliers(fcn_resource *r, const fcn_module_figures *conv, int64_t instances,
                                   const fcn_layer *l)
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
static inline void add_weights_memory(fcn_resource *r, const fcn_layer *l, double depth, int64_t banks)
{
    if (l->use_uram)
        r->uram += fcn_uram_memory((int64_t)depth, l->weight_width) * banks;
    else
        add_ram(r, (int64_t)depth, l->weight_width, banks, l->use_lutram);
}

void convolution_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    const int64_t ci = l->coarse_in, co = l->coarse_out, cg = l->coarse_group;
    const int64_t channels = div_by(l->channels, ci * cg);
    const int64_t filters = div_by(l->filters, co * cg);
    const int64_t groups = div_by(l->groups, cg);
    const window_shape window = layer_window(l);
    fcn_module_figures *m = out->modules;

    module_sliding_window(&m[SLIDING_WINDOW], l->rows, l->cols, l->depth, channels, &window, l->input_width,
                          l->use_lutram);
    const int64_t rows = m[SLIDING_WINDOW].rows_out, cols = m[SLIDING_WINDOW].cols_out;
    const int64_t depth = m[SLIDING_WINDOW].depth_out;
    module_fork(&m[FORK], rows, cols, depth, channels, l->input_width);
    module_conv(&m[CONV], rows, cols, depth, channels, filters, l->fine, window.kernel, groups, l->weight_width,
                l->input_width);
    module_accum(&m[ACCUM], rows, cols, depth, channels, filters, groups, l->acc_width, l->use_lutram);
    module_glue(&m[GLUE], rows, cols, depth, 1, div_by(l->filters, cg), ci, co, l->acc_width, l->output_width);
    module_bias(&m[BIAS], rows, cols, depth, 1, l->filters, l->biases_width, l->output_width);
    out->module_count = 6;

    out->rows_out = rows;
    out->cols_out = cols;
    out->depth_out = depth;
    out->channels_out = l->filters;
    out->streams_in = ci;
    out->streams_out = co;

    fcn_resource total = out->resource, *r = &total; /* summed in a local: the module stores cannot touch it */
    const int64_t taps = l->kernel[0] * l->kernel[1] * l->kernel_depth;
    if (taps != 1)
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
        add_ram(r, div_by(l->filters, co), l->biases_width, co, l->use_lutram);
    }
    const double weights_depth = (double)l->filters / (double)l->groups * (double)l->channels *
                                 (double)taps / (double)(l->fine * ci * co * cg);
    add_weights_memory(r, l, weights_depth, ci * co * cg * l->fine);

    out->resource = total;
    out->operations = taps * l->channels * l->filters * rows * cols * depth;
    out->weights = l->channels * div_by(l->filters, l->groups) * taps;
    out->biases = l->has_bias ? l->filters : 0;
}

void inner_product_layer(const fcn_layer *l, fcn_layer_figures *out)
{
    const int64_t ci = l->coarse_in, co = l->coarse_out;
    const int64_t n = l->rows * l->cols * l->depth * l->channels;
    const int64_t unit_kernel[3] = {1, 1, 1};
    fcn_module_figures *m = out->modules;

    module_fork(&m[0], l->rows, l->cols, l->depth, div_by(l->channels, ci), l->input_width);
    module_conv(&m[1], 1, 1, 1, div_by(n, ci), div_by(l->filters, co), 1, unit_kernel, 1, l->weight_width,
                l->input_width);
    module_accum(&m[2], 1, 1, 1, div_by(n, ci), div_by(l->filters, co), 1, l->acc_width, l->use_lutram);
    module_glue(&m[3], 1, 1, 1, n, l->filters, ci, co, l->acc_width, l->output_width);
    module_bias(&m[4], 1, 1, 1, n, l->filters, l->biases_width, l->output_width);
    out->module_count = 5;

    out->rows_out = 1;
    out->cols_out = 1;
    out->channels_out = l->filters;
    out->streams_in = ci;
    out->streams_out = co;

    fcn_resource total = out->resource, *r = &total; /* summed in a local: the module stores cannot touch it */
    resource_add_scaled(r, &m[0].resource, ci);
    add_multipliers(r, &m[1], ci * co, l);
    if (div_by(n, ci) != 1) {
        fcn_resource accum = m[2].resource;
        accum.bram = 0;
        resource_add_scaled(r, &accum, ci * co);
        r->bram += m[2].resource.bram * co;
    }
    if (ci != 1)
        resource_add_scaled(r, &m[3].resource, 1);
    if (l->has_bias) {
        resource_add_scaled(r, &m[4].resource, co);
        const double bias_depth = (double)(l->filters * l->rows * l->cols * l->depth) / (double)co;
        add_ram(r, (int64_t)bias_depth, l->biases_width, co, l->use_lutram);
    }
    const double weights_depth = (double)(l->filters * n) / (double)(ci * co);
    add_weights_memory(r, l, weights_depth, ci * co);

    out->resource = total;
    out->operations = n * l->filters;
    out->weights = n * l->filters;
    out->biases = l->has_bias ? l->filters : 0;
}
