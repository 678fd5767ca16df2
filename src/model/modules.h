/*
 * Internal: the hardware modules of MODEL.md §2. Each function fills one
 * module instance's figures (dims, rates, latency, pipeline depth,
 * resources) from its constructor arguments; `lutram` is the layer's
 * use_lutram (shallow buffers in LUTRAM: docs/MODEL-WIDTHS.md).
 */
#ifndef FCN_MODULES_H
#define FCN_MODULES_H

#include "fpgaconvnet.h"

/*
 * a / b for the positive divisors of a valid layer (coarse factors, groups, strides), without a
 * division when b is 1, as most are: the same quotient (b <= 1 only ever means b == 1 here).
 */
static inline int64_t div_by(int64_t a, int64_t b) { return b <= 1 ? a : a / b; }

typedef struct window_shape {
    int64_t kernel[3], stride[3], dilation[3]; /* rows, cols, depth; dilation: spacing of the taps (1: dense) */
    int64_t pad_top, pad_right, pad_bottom, pad_left, pad_front, pad_back;
} window_shape;

/*
 * Dims in = out, rates 1, no pipeline depth, no resources: what a module is
 * unless it says otherwise. Field by field, as a compound literal compiles to
 * `rep stos`, slow to start on some CPUs, in every module of every evaluation.
 */
static inline void module_start(fcn_module_figures *m, const char *name, int64_t rows, int64_t cols, int64_t depth,
                                int64_t channels)
{
    m->name = name;
    m->rows_in = m->rows_out = rows;
    m->cols_in = m->cols_out = cols;
    m->depth_in = m->depth_out = depth;
    m->channels_in = m->channels_out = channels;
    m->rate_in = m->rate_out = 1.0;
    m->pipeline_depth = 0;
    m->resource = (fcn_resource){0}; /* five words: plain stores, not rep stos */
}

void module_sliding_window(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels,
                           const window_shape *w, int dw, int lutram);
void module_fork(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int dw);
void module_conv(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t filters,
                 int64_t fine, const int64_t kernel[3], int64_t groups, int weight_width, int dw);
void module_accum(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t filters,
                  int64_t groups, int acc_dw, int lutram);
void module_glue(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t filters,
                 int64_t coarse_in, int64_t coarse_out, int acc_width, int dw);
void module_bias(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t filters,
                 int biases_width, int dw);
void module_pool(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels,
                 const int64_t kernel[3], fcn_pool_type pool_type, int dw);
void module_relu(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int dw);
void module_batch_norm(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels);
void module_squeeze(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels);
void module_eltwise(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int multiply,
                    int broadcast_ports, int dw, int lutram);
void module_concat(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t port_channels, int64_t channels);
void module_average_pool(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels);
void module_activation(fcn_module_figures *m, fcn_layer_type type, int64_t rows, int64_t cols, int64_t depth,
                       int64_t channels, int dw, int lutram);

/* Today's 2-D layers (docs/MODEL-2D.md): src/model/modules_2d.c. */
void module_resize(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels,
                   const int64_t scale[2], fcn_resize_mode mode, int dw, int lutram);
void module_pad(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, const int64_t pads[4]);
void module_chop(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t channels_out);
void module_shuffle(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t coarse,
                    int dw, int lutram);
void module_layer_norm(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int dw,
                       int lutram);
/* What a LAYER_NORM shares across its streams: combining their sums, the inverse square root. */
fcn_resource layer_norm_statistics(int64_t channels, int64_t coarse, int dw, int lutram);

#endif
