/* What every layer shares (MODEL.md §3): the balanced rate chain, latency, pipeline depth, workloads. */
#include <math.h>
#include <stdio.h>

#include "layers.h"

/* A tensor's dims as messages and reports write them (layers.h). */
const char *dims_text(char out[DIMS_TEXT], int64_t rows, int64_t cols, int64_t depth, int64_t channels)
{
    if (depth == 1)
        snprintf(out, DIMS_TEXT, "%lldx%lldx%lld", (long long)rows, (long long)cols, (long long)channels);
    else
        snprintf(out, DIMS_TEXT, "%lldx%lldx%lldx%lld", (long long)depth, (long long)rows, (long long)cols,
                 (long long)channels);
    return out;
}

/*
 * A module cannot consume faster than its predecessor produces, nor produce
 * faster than its successor consumes: walk the chain from the end, pushing
 * each mismatch forward (slowing successors) or backward (slowing
 * predecessors), keeping every module's own out/in ratio. The two pushes are
 * out of line: inlined, their loops cost the common case (nothing to push)
 * more than the calls cost the layers that push.
 */
/* A successor consuming faster than module m-1 produces: slowed, and its successors in turn while they are faster. */
FCN_NOINLINE static void push_forward(double *in, double *out, const double *ratio, int m, int n)
{
    for (int j = m; j < n && in[j] > out[j - 1]; j++) {
        in[j] = out[j - 1];
        out[j] = in[j] * ratio[j];
    }
}

/* Module m consuming slower than module m-1 produces: the predecessors slowed, in turn while they are faster. */
FCN_NOINLINE static void push_backward(double *in, double *out, const double *ratio, int m)
{
    for (int j = m; j >= 1 && in[j] < out[j - 1]; j--) {
        out[j - 1] = in[j];
        in[j - 1] = ratio[j - 1] == 1.0 ? out[j - 1] : out[j - 1] / ratio[j - 1];
    }
}

/* The rate chain balanced (see push_forward), with the pipeline depth summed in the same pass over the modules. */
static void layer_derive(const fcn_layer *l, fcn_layer_figures *f)
{
    const int n = f->module_count;
    const fcn_module_figures *modules = f->modules;
    double in[FCN_MAX_MODULES], out[FCN_MAX_MODULES], ratio[FCN_MAX_MODULES];
    int64_t pipeline_depth = 0;
    double rate_in, rate_out;
    if (n <= 1) { /* one module: nothing to balance, no ratio needed */
        pipeline_depth = modules[0].pipeline_depth;
        rate_in = fabs(modules[0].rate_in);
        rate_out = fabs(modules[0].rate_out);
    } else {
        for (int i = 0; i < n; i++) {
            pipeline_depth += modules[i].pipeline_depth;
            in[i] = fabs(modules[i].rate_in);
            out[i] = fabs(modules[i].rate_out);
            ratio[i] = in[i] == 1.0 ? out[i] : out[i] / in[i]; /* the same value; most modules take 1 word a cycle */
        }
        for (int m = n - 1; m >= 1; m--) {
            if (in[m] > out[m - 1])
                push_forward(in, out, ratio, m, n);
            else if (in[m] < out[m - 1])
                push_backward(in, out, ratio, m);
        }
        rate_in = in[0];
        rate_out = out[n - 1];
    }
    f->pipeline_depth = pipeline_depth;
    f->rate_in = rate_in;
    f->rate_out = rate_out;

    const int64_t pixels_in = l->rows * l->cols * l->depth, pixels_out = f->rows_out * f->cols_out * f->depth_out;
    const int64_t streams_in = f->streams_in, streams_out = f->streams_out, channels_out = f->channels_out;
    const int64_t workload_in = pixels_in * l->channels, workload_out = pixels_out * channels_out;
    f->workload_in = workload_in;
    f->workload_out = workload_out;
    f->size_in = pixels_in * div_by(l->channels, streams_in);
    f->size_out = pixels_out * div_by(channels_out, streams_out);
    double latency_in = (double)workload_in / (rate_in * (double)streams_in);
    double latency_out = (double)workload_out / (rate_out * (double)streams_out);
    f->latency = latency_in > latency_out ? latency_in : latency_out;
}

void fcn_layer_evaluate(const fcn_layer *l, fcn_layer_figures *out)
{
    /* Each module fills its own entry, and each layer function its dims: only sums and defaults need clearing. */
    layer_figures_start(out);
    switch (l->type) {
    case FCN_CONVOLUTION: convolution_layer(l, out); break;
    case FCN_INNER_PRODUCT: inner_product_layer(l, out); break;
    case FCN_POOLING: pooling_layer(l, out); break;
    case FCN_RELU: relu_layer(l, out); break;
    case FCN_BATCH_NORM: batch_norm_layer(l, out); break;
    case FCN_SQUEEZE:
        squeeze_layer(l, out);
        return;
    case FCN_SPLIT: split_layer(l, out); break;
    case FCN_ELTWISE: eltwise_layer(l, out); break;
    case FCN_CONCAT: concat_layer(l, out); break;
    case FCN_AVERAGE_POOLING: average_pooling_layer(l, out); break;
    case FCN_CLIP:
    case FCN_SIGMOID:
    case FCN_HARD_SIGMOID:
    case FCN_HARD_SWISH:
    case FCN_SILU:
    case FCN_GELU:
    case FCN_LEAKY_RELU:
    case FCN_PRELU: activation_layer(l, out); break;
    case FCN_RESIZE: resize_layer(l, out); break;
    case FCN_PAD: pad_layer(l, out); break;
    case FCN_CHOP: chop_layer(l, out); break;
    case FCN_SHUFFLE: shuffle_layer(l, out); break;
    case FCN_LAYER_NORM: layer_norm_layer(l, out); break;
    default: layer_figures_clear(out); return; /* rejected by fcn_layer_check */
    }
    layer_derive(l, out);
}
