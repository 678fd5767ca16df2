/* Internal: each layer type's modules and resources (MODEL.md §3); src/model/layer.c does what they share. */
#ifndef FCN_LAYERS_H
#define FCN_LAYERS_H

#include "fpgaconvnet.h"
#include "modules.h"

/* Keeps a rarely taken path out of its caller's loop where the compiler knows how. */
#if defined(__GNUC__)
#define FCN_NOINLINE __attribute__((noinline))
#else
#define FCN_NOINLINE
#endif

/*
 * Each fills out->modules (in pipeline order), module_count, the output dims,
 * streams, resources, operations and parameter sizes. The rate chain,
 * latency, pipeline depth and workloads are then derived by layer.c.
 */
void convolution_layer(const fcn_layer *l, fcn_layer_figures *out);
void inner_product_layer(const fcn_layer *l, fcn_layer_figures *out);
void pooling_layer(const fcn_layer *l, fcn_layer_figures *out);
void relu_layer(const fcn_layer *l, fcn_layer_figures *out);
void batch_norm_layer(const fcn_layer *l, fcn_layer_figures *out);
void split_layer(const fcn_layer *l, fcn_layer_figures *out);
void eltwise_layer(const fcn_layer *l, fcn_layer_figures *out);
void concat_layer(const fcn_layer *l, fcn_layer_figures *out);
void average_pooling_layer(const fcn_layer *l, fcn_layer_figures *out);
/* CLIP, SIGMOID, HARD_SIGMOID, HARD_SWISH, SILU, GELU, LEAKY_RELU, PRELU. */
void activation_layer(const fcn_layer *l, fcn_layer_figures *out);
/* Today's 2-D layers (docs/MODEL-2D.md): src/model/layer_2d.c. */
void resize_layer(const fcn_layer *l, fcn_layer_figures *out);
void pad_layer(const fcn_layer *l, fcn_layer_figures *out);
void chop_layer(const fcn_layer *l, fcn_layer_figures *out);
void shuffle_layer(const fcn_layer *l, fcn_layer_figures *out);
void layer_norm_layer(const fcn_layer *l, fcn_layer_figures *out);
/*
 * Zeroes the figures before the modules, field by field: a memset of this
 * size becomes `rep stos`, whose start-up cost was a sixth of a summary's
 * time on AMD EPYC (every layer of every evaluation passes here).
 */
static inline void layer_figures_clear(fcn_layer_figures *f)
{
    f->rows_out = f->cols_out = f->channels_out = 0;
    f->depth_out = 1;
    f->streams_in = f->streams_out = 0;
    f->rate_in = f->rate_out = f->latency = 0.0;
    f->pipeline_depth = f->workload_in = f->workload_out = f->size_in = f->size_out = 0;
    f->resource = (fcn_resource){0};
    f->operations = f->weights = f->biases = 0;
    f->module_count = 0;
}

/*
 * What fcn_layer_evaluate must clear: the figures the layer functions add to or may leave (a fully
 * connected layer's depth_out); every other field before the modules is set by each layer function
 * (dims, streams, module count) or by the derivation that follows (rates, latency, depth, workloads).
 */
static inline void layer_figures_start(fcn_layer_figures *f)
{
    f->depth_out = 1;
    f->resource = (fcn_resource){0};
    f->operations = f->weights = f->biases = 0;
}

/*
 * A squeeze's latency: the larger of the cycles to take its tensor in over coarse_in streams and
 * out over coarse_out (its one module runs at rate 1).
 */
static inline double squeeze_latency(int64_t workload, int64_t coarse_in, int64_t coarse_out)
{
    const double in = (double)workload / (double)coarse_in, out = (double)workload / (double)coarse_out;
    return in > out ? in : out;
}

/* A SQUEEZE layer's complete figures: squeeze_figures', with use_lutram's buffer (docs/MODEL-WIDTHS.md). */
void squeeze_layer(const fcn_layer *l, fcn_layer_figures *out);
/* A squeeze's complete figures (it needs no rate chain): fcn_layer_evaluate's answer for a SQUEEZE layer. */
void squeeze_figures(int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t coarse_in,
                     int64_t coarse_out, int64_t buffer_depth, int data_width, fcn_layer_figures *out);

/*
 * The dims input port p takes: port 0 and every port of a layer that does not
 * broadcast take rows x cols; a broadcasting ELTWISE's later ports 1 x 1.
 */
static inline int64_t layer_port_rows(const fcn_layer *l, int port)
{
    return l->type == FCN_ELTWISE && l->eltwise_broadcast && port > 0 ? 1 : l->rows;
}
static inline int64_t layer_port_cols(const fcn_layer *l, int port)
{
    return l->type == FCN_ELTWISE && l->eltwise_broadcast && port > 0 ? 1 : l->cols;
}
static inline int64_t layer_port_depth(const fcn_layer *l, int port)
{
    return l->type == FCN_ELTWISE && l->eltwise_broadcast && port > 0 ? 1 : l->depth;
}

/* A tensor's dims as messages and reports write them: RxCxCh, or DxRxCxCh when it has depth (docs/MODEL-3D.md). */
#define DIMS_TEXT 96
const char *dims_text(char out[DIMS_TEXT], int64_t rows, int64_t cols, int64_t depth, int64_t channels);

/*
 * Whether a layer may lie on the path from a weights reloading layer to its
 * partition's output (MODEL-DAG §8.6): it sees a tensor of filters/wr_factor
 * channels at a time, so nothing that branches or joins (SPLIT, CHOP,
 * ELTWISE, CONCAT), and nothing that needs every channel of a pixel at once
 * (LAYER_NORM, SHUFFLE: docs/MODEL-2D.md).
 */
static inline int layer_follows_reloading(fcn_layer_type type)
{
    return type != FCN_SPLIT && type != FCN_CHOP && type != FCN_ELTWISE && type != FCN_CONCAT &&
           type != FCN_LAYER_NORM && type != FCN_SHUFFLE;
}

/* The sliding window of a convolution or pooling layer (inline: built in place, not returned through memory). */
static inline window_shape layer_window(const fcn_layer *l)
{
    return (window_shape){.kernel = {l->kernel[0], l->kernel[1], l->kernel_depth},
                          .stride = {l->stride[0], l->stride[1], l->stride_depth},
                          .dilation = {l->dilation[0], l->dilation[1], l->dilation_depth},
                          .pad_top = l->pad_top, .pad_right = l->pad_right,
                          .pad_bottom = l->pad_bottom, .pad_left = l->pad_left,
                          .pad_front = l->pad_front, .pad_back = l->pad_back};
}

/*
 * Whether fine is feasible for a layer's kernel: {1, k0, k0*k1}, or {1, max} for a 1xk or kx1 kernel; a 3-D
 * kernel also each of those times kernel_depth.
 */
int fine_feasible(const fcn_layer *l, int64_t fine);

#endif
