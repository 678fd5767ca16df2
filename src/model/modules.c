/* The modules of MODEL.md §2, with the coefficients of their linear resource models. */
#include "modules.h"

#include <math.h>

#include "resource.h"

/* Linear model coefficients fitted by fpgaconvnet-model 0.1.1 to synthesis results. */
static const double sliding_window_lut[] = {2.8237269452240663, 0, 0, 0, 189.28066965353236};
static const double sliding_window_ff[] = {2.2412811014433096, 0, 0, 0, 268.9912287045314};
static const double fork_lut[] = {0.810999165259251};
static const double fork_ff[] = {1.3411598366755253};
static const double conv_lut[] = {463.1637645632311, 142.83476476224536, 0};
static const double conv_ff[] = {658.8505776447937, 164.64079782697917, 0};
static const double accum_lut[] = {0.020092171280126365, 0, 8.078144840943313,
                                   0.02301459343890422, 0.0038400241723048263, 0.04743935421668812};
static const double accum_ff[] = {0.016822299553116336, 0, 9.642558669866036, 0.0025609528029674348, 0,
                                  0.06233321802163449};
static const double accum_dsp[] = {3.1176946061982637e-06, 6.35983654546467e-05, 0, 0, 0, 0};
static const double glue_lut[] = {0, 0, 0, 0, 0, 0, 733.7549959216965, 0};
static const double glue_ff[] = {0, 0, 0, 0, 0, 0, 648.9383156606852, 0};
static const double pool_lut[] = {0, 267.444956382848, 0, 0, 0, 0};
static const double pool_ff[] = {0, 447.79831674652934, 0, 0, 0, 0};
static const double relu_lut[] = {1.8480138780712307, 1.5423404152241333};
static const double relu_ff[] = {1.9624755127569673, 1.915871335919626};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The larger of the cycles to consume the input and to produce the output, each truncated. */
int64_t fcn_module_latency(const fcn_module_figures *m)
{
    int64_t in = (int64_t)((double)(m->rows_in * m->cols_in * m->depth_in * m->channels_in) / m->rate_in);
    int64_t out = (int64_t)((double)(m->rows_out * m->cols_out * m->depth_out * m->channels_out) / m->rate_out);
    return in > out ? in : out;
}

/*
 * A dilated window (docs/MODEL-2D.md §dilation) spans d*(k-1)+1 rows and cols:
 * its line buffers hold d rows each and its column delays d words each, while
 * the window itself keeps k0 x k1 taps, so the logic is the dense window's.
 * A 3-D window (docs/MODEL-3D.md) streams depth inside cols: its line buffers
 * hold rows of cols x depth pixels, its column delays a column of depth
 * pixels, and k0 x k1 depth delays of d2 pixels each (upstream
 * SlidingWindow3D's tensor buffers). With dilation 1 and depth 1 every
 * figure is MODEL.md's.
 */
/*
 * `rows` FIFOs of `depth` words, each holding `taps` words of dw bits side by side: MODEL.md's BRAM
 * (a FIFO per tap, one word deeper), or with `lutram` and shallow by upstream's FIFO rule, LUTRAM
 * (newest upstream's SlidingWindow.buffer_estimate: docs/MODEL-WIDTHS.md).
 */
static inline void window_fifos(fcn_resource *r, int64_t rows, int64_t taps, int64_t depth, int dw, int lutram)
{
    if (lutram && fifo_shallow(depth, taps * dw))
        r->lut += rows * lutram_queue(depth, taps * dw);
    else
        r->bram += rows * taps * bram_stream(depth + 1, dw);
}

void module_sliding_window(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels,
                           const window_shape *w, int dw, int lutram)
{
    const int64_t k0 = w->kernel[0], k1 = w->kernel[1], k2 = w->kernel[2];
    const int64_t d0 = w->dilation[0], d1 = w->dilation[1], d2 = w->dilation[2];
    const int64_t span0 = d0 * (k0 - 1) + 1, span1 = d1 * (k1 - 1) + 1, span2 = d2 * (k2 - 1) + 1;
    module_start(m, "sliding_window", rows, cols, depth, channels);
    m->rows_out = div_by(rows - span0 + w->pad_top + w->pad_bottom, w->stride[0]) + 1;
    m->cols_out = div_by(cols - span1 + w->pad_left + w->pad_right, w->stride[1]) + 1;
    m->depth_out = div_by(depth - span2 + w->pad_front + w->pad_back, w->stride[2]) + 1;
    m->rate_out = (double)(m->rows_out * m->cols_out * m->depth_out) / (double)(rows * cols * depth);
    const int64_t padded_cols = cols + w->pad_left + w->pad_right;
    const int64_t padded_depth = depth + w->pad_front + w->pad_back;
    const int64_t column = padded_depth * channels; /* the words of one column of pixels */
    m->pipeline_depth = padded_cols * column * (span0 - 1) + column * k0 * d1 * (k1 - 1);

    const double u[] = {
        (double)(dw * k0 * k1 * k2),
        (double)(k0 * (k1 - 1)) * (dw + fcn_floor_log2(channels)),
        (double)(k1 - 1) * (dw + fcn_floor_log2(channels * cols)),
        (double)(k0 * (k1 - 1) + k0 * k1 * (k2 - 1)),
        (double)(k1 - 1 + k2 - 1),
    };
    linear_lut_ff(&m->resource, u, COUNT(u), sliding_window_lut, sliding_window_ff);
    window_fifos(&m->resource, 1, k0 - 1, d0 * padded_cols * column, dw, lutram); /* the line buffers */
    window_fifos(&m->resource, k0, k1 - 1, d1 * column, dw, lutram);              /* each row's columns */
    if (k2 > 1) {
        m->pipeline_depth += channels * k0 * k1 * d2 * (k2 - 1);
        window_fifos(&m->resource, k0 * k1, k2 - 1, d2 * channels, dw, lutram); /* each column's depth taps */
    }
}

void module_fork(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int dw)
{
    (void)dw;
    module_start(m, "fork", rows, cols, depth, channels);
    const double u[] = {fcn_ceil_log2(channels * rows * cols * depth)};
    linear_lut_ff(&m->resource, u, COUNT(u), fork_lut, fork_ff);
}

void module_conv(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t filters,
                 int64_t fine, const int64_t kernel[3], int64_t groups, int weight_width, int dw)
{
    const int64_t window = kernel[0] * kernel[1] * kernel[2];
    module_start(m, "conv", rows, cols, depth, channels);
    m->channels_out = div_by(filters, groups);
    m->rate_in = (double)(fine * groups) / (double)(window * filters);
    m->rate_out = (double)fine / (double)window;
    m->pipeline_depth = fine;
    const double u[] = {fcn_log2_int(filters), fcn_log2_int(cols * rows * depth), fcn_log2_int(channels)};
    linear_lut_ff(&m->resource, u, COUNT(u), conv_lut, conv_ff);
    m->resource.dsp = fine * dsp_mult(weight_width, dw);
}

/* Accum's figures from its parameter vector, shared with Bias, which reuses Accum's coefficients. */
static inline void accum_like_resources(fcn_module_figures *m, const double u[6])
{
    linear_lut_ff(&m->resource, u, 6, accum_lut, accum_ff);
}

void module_accum(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t filters,
                  int64_t groups, int acc_dw, int lutram)
{
    module_start(m, "accum", rows, cols, depth, channels);
    m->channels_in = div_by(channels * filters, groups);
    m->channels_out = filters;
    m->rate_out = (double)groups / (double)channels;
    m->pipeline_depth = div_by(channels * filters, groups * groups);
    /* A 3-D map's column counter runs over cols x depth (docs/MODEL-3D.md). */
    const double u[] = {(double)filters, (double)groups, acc_dw, (double)(cols * depth), (double)rows,
                        (double)channels};
    accum_like_resources(m, u);
    m->resource.dsp = linear_model(u, accum_dsp, COUNT(u));
    add_ram(&m->resource, div_by(filters, groups), acc_dw, 1, lutram);
}

void module_glue(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t filters,
                 int64_t coarse_in, int64_t coarse_out, int acc_width, int dw)
{
    module_start(m, "glue", rows, cols, depth, filters);
    const double u[] = {(double)(cols * depth), (double)rows, (double)channels, dw, acc_width,
                        (double)filters, (double)coarse_in, (double)coarse_out};
    linear_lut_ff(&m->resource, u, COUNT(u), glue_lut, glue_ff);
}

void module_bias(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t filters,
                 int biases_width, int dw)
{
    (void)channels;
    module_start(m, "bias", rows, cols, depth, filters);
    const double u[] = {(double)filters, 1, dw, (double)(cols * depth), (double)rows, 1};
    accum_like_resources(m, u);
    m->resource.dsp = dsp_mult(biases_width, dw);
}

/*
 * Max or average over the window. Upstream's Pool module (HEAD) has one model
 * for both; averaging also scales the sum by 1/(k0*k1): a dw x dw multiplier
 * (docs/MODEL-2D.md, average pooling).
 */
void module_pool(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels,
                 const int64_t kernel[3], fcn_pool_type pool_type, int dw)
{
    module_start(m, pool_type == FCN_POOL_AVG ? "avg_pool" : "pool", rows, cols, depth, channels);
    /* A 3-D window's depth taps count as more columns of taps (docs/MODEL-3D.md). */
    const double u[] = {(double)kernel[0], (double)(kernel[1] * kernel[2]), (double)(cols * depth), (double)rows,
                        (double)channels, dw};
    linear_lut_ff(&m->resource, u, COUNT(u), pool_lut, pool_ff);
    if (pool_type == FCN_POOL_AVG)
        m->resource.dsp = dsp_mult(dw, dw);
}

void module_relu(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int dw)
{
    module_start(m, "relu", rows, cols, depth, channels);
    const double u[] = {dw, fcn_ceil_log2(channels * rows * cols * depth)};
    linear_lut_ff(&m->resource, u, COUNT(u), relu_lut, relu_ff);
}

void module_batch_norm(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels)
{
    module_start(m, "batch_norm", rows, cols, depth, channels);
    m->resource.dsp = 1;
}

void module_squeeze(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels)
{
    module_start(m, "squeeze", rows, cols, depth, channels);
}

/*
 * Modules of the multi-port layers and the other activations
 * (docs/MODEL-DAG.md §2-§6). Where upstream has no fitted model, their
 * figures are fixed per instance; the document says which version each
 * follows.
 */

/*
 * Later upstream (e29a78b and HEAD): 49 LUT, 23 FF, and a DSP when it
 * multiplies. Each broadcast port's channels per stream are held in a RAM
 * while port 0 streams (docs/MODEL-2D.md, broadcasting eltwise).
 */
void module_eltwise(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int multiply,
                    int broadcast_ports, int dw, int lutram)
{
    module_start(m, "eltwise", rows, cols, depth, channels);
    m->resource = (fcn_resource){.lut = 49, .ff = 23, .dsp = multiply ? 1 : 0};
    /* Upstream's EltWise holds them in a FIFO ("channel buffer"): its FIFO rule decides LUTRAM. */
    if (broadcast_ports > 0)
        add_memory(&m->resource, channels, dw, broadcast_ports, lutram && fifo_shallow(channels, dw));
}

/* Port p's share of the output is its channels over the sum (9a8daeb, per port: G2); no resources (G5). */
void module_concat(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t port_channels, int64_t channels)
{
    module_start(m, "concat", rows, cols, depth, port_channels);
    m->channels_out = channels;
    m->rate_in = (double)port_channels / (double)channels;
}

/* One word out per rows*cols words in (G9); 1 LUT and 1 FF as 9a8daeb's placeholder. */
void module_average_pool(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels)
{
    module_start(m, "average_pool", rows, cols, depth, channels);
    m->rows_out = m->cols_out = m->depth_out = 1;
    m->rate_out = 1.0 / (double)(rows * cols * depth);
    m->resource = (fcn_resource){.lut = 1, .ff = 1};
}

/* A table of 2^min(dw,14) words: the sigmoid's (this project's estimate, docs/MODEL-DAG.md). */
static void add_activation_table(fcn_resource *r, int dw, int lutram)
{
    add_ram(r, (int64_t)1 << (dw < 14 ? dw : 14), dw, 1, lutram);
}

/*
 * Clip and Sigmoid-like activations. CLIP is upstream's ReLU (Clip maps to
 * ReLU there); HARD_SWISH is HEAD's Hardswish module; SILU HEAD's only SiLU
 * figures (Activation3D.rsc: 16 LUT, 35 FF, 4 DSP); GELU those plus the
 * multiplier of its sigmoid approximation x*sigmoid(1.702x). The others have
 * no upstream figures: ReLU's model plus what each adds (this project's
 * estimates, docs/MODEL-DAG.md and docs/MODEL-2D.md): SIGMOID a table,
 * HARD_SIGMOID a multiplier, LEAKY_RELU the multiplier by alpha, PRELU that
 * and its slopes' memory (a word per channel of the stream, as batch norm's).
 */
void module_activation(fcn_module_figures *m, fcn_layer_type type, int64_t rows, int64_t cols, int64_t depth,
                       int64_t channels, int dw, int lutram)
{
    if (type == FCN_HARD_SWISH || type == FCN_SILU || type == FCN_GELU) {
        static const char *const names[] = {[FCN_HARD_SWISH] = "hard_swish", [FCN_SILU] = "silu", [FCN_GELU] = "gelu"};
        module_start(m, names[type], rows, cols, depth, channels);
        m->resource = (fcn_resource){.lut = 16, .ff = 35, .dsp = type == FCN_HARD_SWISH ? 5 : 4};
        if (type == FCN_GELU)
            m->resource.dsp += dsp_mult(dw, dw);
        return;
    }
    module_relu(m, rows, cols, depth, channels, dw);
    switch (type) {
    case FCN_CLIP: m->name = "clip"; break;
    case FCN_SIGMOID:
        m->name = "sigmoid";
        add_activation_table(&m->resource, dw, lutram);
        break;
    case FCN_HARD_SIGMOID:
        m->name = "hard_sigmoid";
        m->resource.dsp = dsp_mult(dw, dw);
        break;
    case FCN_LEAKY_RELU:
        m->name = "leaky_relu";
        m->resource.dsp = dsp_mult(dw, dw);
        break;
    case FCN_PRELU:
        m->name = "prelu";
        m->resource.dsp = dsp_mult(dw, dw);
        add_ram(&m->resource, channels, dw, 1, lutram);
        break;
    default: break;
    }
}
