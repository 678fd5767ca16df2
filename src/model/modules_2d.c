/*
 * The modules of today's 2-D layers (docs/MODEL-2D.md gives each figure's
 * source): upstream fpgaconvnet-model's ReSize, Pad and Chop at HEAD
 * (edfbeb6) where it has them, this project's estimates otherwise. All
 * figures are per stream: `channels` is the stream's share.
 */
#include "modules.h"

#include "resource.h"

/* Upstream Pad.rsc's fixed figures, also this project's for ReSize's counters (upstream gives ReSize none). */
static const fcn_resource word_inserter = {.lut = 16, .ff = 35};

/*
 * Upsampling: each word is repeated scale[1] times along a row and each row
 * scale[0] times (upstream ReSize: dims, pipeline depth; its rate_in,
 * prod(scales), is the inverse of words in per word out, which this is).
 * Repeating a row needs it held: a RAM of cols*channels words when
 * scale[0] > 1; bilinear interpolation holds two rows and blends with
 * a + t*(b - a) on both rows and between them: three multipliers.
 */
void module_resize(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels,
                   const int64_t scale[2], fcn_resize_mode mode, int dw, int lutram)
{
    module_start(m, mode == FCN_RESIZE_BILINEAR ? "resize_bilinear" : "resize", rows, cols, depth, channels);
    m->rows_out = rows * scale[0];
    m->cols_out = cols * scale[1];
    m->rate_in = 1.0 / (double)(scale[0] * scale[1]);
    m->pipeline_depth = cols * depth * channels * (scale[0] - 1) + depth * channels * (scale[1] - 1);
    m->resource = word_inserter;
    const int64_t rows_held = mode == FCN_RESIZE_BILINEAR ? 2 : 1;
    if (scale[0] > 1)
        add_ram(&m->resource, rows_held * cols * depth * channels, dw, 1, lutram);
    if (mode == FCN_RESIZE_BILINEAR)
        m->resource.dsp = 3 * dsp_mult(dw, dw);
}

/* Zeros inserted around the map (upstream Pad: dims, rate_in, fixed 16 LUT and 35 FF, no pipeline depth). */
void module_pad(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, const int64_t pads[4])
{
    module_start(m, "pad", rows, cols, depth, channels);
    m->rows_out = rows + pads[0] + pads[2];
    m->cols_out = cols + pads[1] + pads[3];
    m->rate_in = (double)(rows * cols) / (double)(m->rows_out * m->cols_out);
    m->resource = word_inserter;
}

/*
 * Upstream ChopLayer: every input word read, channels_out of every
 * `channels` go to the port (rate_out = channels_out/channels); no resources
 * (it is wiring and a channel counter).
 */
void module_chop(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t channels_out)
{
    module_start(m, "chop", rows, cols, depth, channels);
    m->channels_out = channels_out;
    m->rate_out = (double)channels_out / (double)channels;
}

/*
 * Channel shuffle (this project's estimate): a pixel's channels are written
 * in order and read in the shuffled order, so a pixel is held before its
 * first word leaves (pipeline depth `channels`) and two pixels are held to
 * keep one word a cycle: a RAM of 2*channels words. Words cross streams:
 * each output stream selects among `coarse` RAMs (dw LUTs per input);
 * two address counters of ceil(log2(2*channels)) bits; an output register.
 */
void module_shuffle(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int64_t coarse,
                    int dw, int lutram)
{
    module_start(m, "shuffle", rows, cols, depth, channels);
    m->pipeline_depth = channels;
    const int64_t counters = 2 * (int64_t)fcn_ceil_log2(2 * channels);
    m->resource = (fcn_resource){.lut = counters + dw * coarse, .ff = counters + dw};
    add_ram(&m->resource, 2 * channels, dw, 1, lutram);
}

/*
 * Layer normalisation over a pixel's channels (this project's estimate): the
 * stream's words are held while the pixel's sum and sum of squares are
 * accumulated (pipeline depth `channels`; two pixels held: 2*channels words),
 * then (x - mean) * inv_std * gamma + beta leaves. Per stream: the square,
 * the normalising and the gamma multipliers (three dw x dw), gamma and beta
 * memories (channels words each), two accumulators of 2*dw + ceil(log2(C))
 * bits and a subtractor (LUT and FF alike).
 */
void module_layer_norm(fcn_module_figures *m, int64_t rows, int64_t cols, int64_t depth, int64_t channels, int dw,
                       int lutram)
{
    module_start(m, "layer_norm", rows, cols, depth, channels);
    m->pipeline_depth = channels;
    const int64_t logic = 2 * (2 * dw + (int64_t)fcn_ceil_log2(channels)) + dw;
    m->resource = (fcn_resource){.lut = logic, .ff = logic, .dsp = 3 * dsp_mult(dw, dw)};
    add_ram(&m->resource, 2 * channels, dw, 1, lutram); /* the pixels held */
    add_ram(&m->resource, channels, dw, 2, lutram);     /* gamma and beta */
}

/*
 * Once per layer: adding the streams' partial sums (coarse - 1 adders for
 * each of the two sums, as wide as the accumulators), mean and variance from
 * them (two dw x dw multipliers: by 1/C and mean^2) and the inverse square
 * root as a table of 2^min(dw,14) words, as the sigmoid's.
 */
fcn_resource layer_norm_statistics(int64_t channels, int64_t coarse, int dw, int lutram)
{
    const int64_t adders = 2 * (coarse - 1) * (2 * dw + (int64_t)fcn_ceil_log2(channels));
    fcn_resource r = {.lut = adders, .ff = adders, .dsp = 2 * dsp_mult(dw, dw)};
    add_ram(&r, (int64_t)1 << (dw < 14 ? dw : 14), dw, 1, lutram);
    return r;
}
