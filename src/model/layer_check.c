/* Which layer parameters the model can evaluate: dimensions, divisibility, feasible folding, widths. */
#include <math.h>

#include "error.h"
#include "layers.h"

/* Figures beyond 2^53 lose integer precision in the doubles the model computes with. */
#define LARGEST_EXACT 9007199254740992.0

static int check_positive(const char *field, int64_t value, fcn_error *err)
{
    return value >= 1 ? 0 : fcn_fail(err, "%s must be at least 1, got %lld", field, (long long)value);
}

static int check_divides(const char *what, int64_t divisor, const char *of, int64_t value, fcn_error *err)
{
    if (value % divisor == 0)
        return 0;
    return fcn_fail(err, "%s %lld does not divide %s %lld", what, (long long)divisor, of, (long long)value);
}

/* Widths that size a BRAM must fit the 18 Kb block's shapes (1..36 bits). */
static int check_bram_width(const char *field, int width, fcn_error *err)
{
    if (width >= 1 && width <= 36)
        return 0;
    return fcn_fail(err, "%s %d is outside 1..36, the widths a BRAM can hold", field, width);
}

static int check_input(const fcn_layer *l, fcn_error *err)
{
    if (check_positive("rows_in", l->rows, err) || check_positive("cols_in", l->cols, err) ||
        check_positive("depth_in", l->depth, err) || check_positive("channels_in", l->channels, err) ||
        check_positive("coarse_in", l->coarse_in, err) || check_positive("coarse_out", l->coarse_out, err))
        return -1;
    char dims[DIMS_TEXT];
    if ((double)l->rows * (double)l->cols * (double)l->depth * (double)l->channels > LARGEST_EXACT)
        return fcn_fail(err, "input %s is too large to model", dims_text(dims, l->rows, l->cols, l->depth, l->channels));
    return check_divides("coarse_in", l->coarse_in, "channels_in", l->channels, err);
}

static int check_pads(const fcn_layer *l, fcn_error *err)
{
    const int64_t pads[] = {l->pad_top, l->pad_right, l->pad_bottom, l->pad_left};
    static const char *const pad_names[] = {"pad_top", "pad_right", "pad_bottom", "pad_left"};
    for (int i = 0; i < 4; i++)
        if (pads[i] < 0)
            return fcn_fail(err, "%s must not be negative, got %lld", pad_names[i], (long long)pads[i]);
    return 0;
}

/* The rows and cols a dilated kernel spans: dilation*(k-1)+1 (the kernel itself when dilation is 1). */
static int check_dilation(const fcn_layer *l, int64_t span[2], fcn_error *err)
{
    if (check_positive("dilation[0]", l->dilation[0], err) || check_positive("dilation[1]", l->dilation[1], err))
        return -1;
    for (int i = 0; i < 2; i++) {
        if ((double)l->dilation[i] * (double)l->kernel[i] > LARGEST_EXACT)
            return fcn_fail(err, "dilation %lld on a kernel of %lld is too large to model", (long long)l->dilation[i],
                            (long long)l->kernel[i]);
        span[i] = l->dilation[i] * (l->kernel[i] - 1) + 1;
    }
    return 0;
}

/*
 * The window over depth (docs/MODEL-3D.md): only CONVOLUTION and POOLING have
 * one; every other layer keeps the defaults, which mean "no window".
 */
static int check_depth_window(const fcn_layer *l, int has_window, fcn_error *err)
{
    if (!has_window) {
        if (l->kernel_depth != 1 || l->stride_depth != 1 || l->dilation_depth != 1 || l->pad_front || l->pad_back)
            return fcn_fail(err, "a %s layer has no window over depth (kernel_depth, stride_depth, dilation_depth "
                            "1, pad_front and pad_back 0)", fcn_layer_type_name(l->type));
        return 0;
    }
    if (check_positive("kernel_depth", l->kernel_depth, err) || check_positive("stride_depth", l->stride_depth, err) ||
        check_positive("dilation_depth", l->dilation_depth, err))
        return -1;
    if (l->pad_front < 0 || l->pad_back < 0)
        return fcn_fail(err, "%s must not be negative, got %lld", l->pad_front < 0 ? "pad_front" : "pad_back",
                        (long long)(l->pad_front < 0 ? l->pad_front : l->pad_back));
    const double padded = (double)l->depth + (double)l->pad_front + (double)l->pad_back;
    const double span = (double)l->dilation_depth * (double)(l->kernel_depth - 1) + 1;
    if (padded * (double)l->rows * (double)l->cols * (double)l->channels * span > LARGEST_EXACT)
        return fcn_fail(err, "a window of depth %lld over the padded depth %.0f is too large to model",
                        (long long)l->kernel_depth, padded);
    if (span > padded)
        return fcn_fail(err, "kernel_depth %lld (dilated: %.0f) is larger than the padded depth %.0f",
                        (long long)l->kernel_depth, span, padded);
    return 0;
}

static int check_window(const fcn_layer *l, fcn_error *err)
{
    if (check_depth_window(l, 1, err))
        return -1;
    if (check_positive("kernel_size[0]", l->kernel[0], err) || check_positive("kernel_size[1]", l->kernel[1], err) ||
        check_positive("stride[0]", l->stride[0], err) || check_positive("stride[1]", l->stride[1], err))
        return -1;
    int64_t span[2] = {1, 1};
    if (check_pads(l, err) || check_dilation(l, span, err))
        return -1;
    const int64_t padded_rows = l->rows + l->pad_top + l->pad_bottom;
    const int64_t padded_cols = l->cols + l->pad_left + l->pad_right;
    /* The sliding window's line buffers and pipeline depth grow with the padded map times the kernel. */
    if ((double)padded_rows * (double)padded_cols * (double)l->channels * (double)span[0] * (double)span[1] >
        LARGEST_EXACT)
        return fcn_fail(err, "a %lldx%lld window over the padded %lldx%lldx%lld input is too large to model",
                        (long long)l->kernel[0], (long long)l->kernel[1], (long long)padded_rows,
                        (long long)padded_cols, (long long)l->channels);
    if (l->kernel[0] > padded_rows || l->kernel[1] > padded_cols)
        return fcn_fail(err, "kernel %lldx%lld is larger than the padded input %lldx%lld",
                        (long long)l->kernel[0], (long long)l->kernel[1], (long long)padded_rows,
                        (long long)padded_cols);
    if (span[0] > padded_rows || span[1] > padded_cols)
        return fcn_fail(err, "kernel %lldx%lld dilated by %lldx%lld spans %lldx%lld, more than the padded input "
                        "%lldx%lld", (long long)l->kernel[0], (long long)l->kernel[1], (long long)l->dilation[0],
                        (long long)l->dilation[1], (long long)span[0], (long long)span[1], (long long)padded_rows,
                        (long long)padded_cols);
    return 0;
}

static int check_weights(const fcn_layer *l, fcn_error *err)
{
    if (check_bram_width("weight_width", l->weight_width, err) || check_bram_width("acc_width", l->acc_width, err) ||
        check_positive("input_width", l->input_width, err) || check_positive("output_width", l->output_width, err))
        return -1;
    if (l->has_bias != 0 && l->has_bias != 1)
        return fcn_fail(err, "has_bias must be 0 or 1, got %d", l->has_bias);
    if (l->has_bias && check_bram_width("biases_width", l->biases_width, err))
        return -1;
    if (check_positive("filters", l->filters, err) ||
        check_divides("coarse_out", l->coarse_out, "filters", l->filters, err))
        return -1;
    double size = (double)l->rows * (double)l->cols * (double)l->depth * (double)l->channels * (double)l->filters *
                  (double)l->kernel[0] * (double)l->kernel[1] * (double)l->kernel_depth;
    if (size > LARGEST_EXACT)
        return fcn_fail(err, "layer is too large to model (%.3g operations)", size);
    return 0;
}

static int check_convolution(const fcn_layer *l, fcn_error *err)
{
    if (check_window(l, err) || check_weights(l, err) || check_bram_width("input_width", l->input_width, err) ||
        check_positive("groups", l->groups, err) || check_positive("coarse_group", l->coarse_group, err) ||
        check_positive("fine", l->fine, err))
        return -1;
    if (check_divides("groups", l->groups, "channels_in", l->channels, err) ||
        check_divides("groups", l->groups, "filters", l->filters, err) ||
        check_divides("coarse_group", l->coarse_group, "groups", l->groups, err) ||
        check_divides("coarse_in*coarse_group", l->coarse_in * l->coarse_group, "channels_in", l->channels, err) ||
        check_divides("coarse_out*coarse_group", l->coarse_out * l->coarse_group, "filters", l->filters, err))
        return -1;
    if (!fine_feasible(l, l->fine)) {
        if (l->kernel_depth > 1)
            return fcn_fail(err, "fine %lld is not feasible for a %lldx%lldx%lld kernel (1, k0 or k0*k1, each "
                            "times 1 or kernel_depth)", (long long)l->fine, (long long)l->kernel[0],
                            (long long)l->kernel[1], (long long)l->kernel_depth);
        return fcn_fail(err, "fine %lld is not feasible for a %lldx%lld kernel (1, k0 or k0*k1)",
                        (long long)l->fine, (long long)l->kernel[0], (long long)l->kernel[1]);
    }
    return 0;
}

static int check_same_coarse(const fcn_layer *l, fcn_error *err)
{
    if (l->coarse_in == l->coarse_out)
        return 0;
    return fcn_fail(err, "coarse_in %lld and coarse_out %lld differ; this layer has one coarse factor",
                    (long long)l->coarse_in, (long long)l->coarse_out);
}

/* One coarse factor, and a data width a BRAM can hold where the layer keeps a memory. */
static int check_single(const fcn_layer *l, int bram, fcn_error *err)
{
    if (check_same_coarse(l, err))
        return -1;
    return bram ? check_bram_width("data_width", l->data_width, err)
                : check_positive("data_width", l->data_width, err);
}

static int check_pooling(const fcn_layer *l, fcn_error *err)
{
    if (l->pool_type != FCN_POOL_MAX && l->pool_type != FCN_POOL_AVG)
        return fcn_fail(err, "pool_type %d is neither max (0) nor avg (1)", (int)l->pool_type);
    if (check_same_coarse(l, err) || check_window(l, err))
        return -1;
    return check_bram_width("data_width", l->data_width, err);
}

static int check_eltwise(const fcn_layer *l, fcn_error *err)
{
    if (l->eltwise_broadcast != 0 && l->eltwise_broadcast != 1)
        return fcn_fail(err, "eltwise_broadcast must be 0 or 1, got %d", l->eltwise_broadcast);
    /* A broadcast port's values are held in a memory while port 0 streams. */
    return check_single(l, l->eltwise_broadcast, err);
}

static int check_resize(const fcn_layer *l, fcn_error *err)
{
    if (check_positive("scale[0]", l->scale[0], err) || check_positive("scale[1]", l->scale[1], err))
        return -1;
    if (l->resize_mode != FCN_RESIZE_NEAREST && l->resize_mode != FCN_RESIZE_BILINEAR)
        return fcn_fail(err, "resize_mode %d is neither nearest (0) nor bilinear (1)", (int)l->resize_mode);
    if ((double)l->rows * (double)l->cols * (double)l->channels * (double)l->scale[0] * (double)l->scale[1] >
        LARGEST_EXACT)
        return fcn_fail(err, "output of %lldx%lld scaled by %lldx%lld is too large to model", (long long)l->rows,
                        (long long)l->cols, (long long)l->scale[0], (long long)l->scale[1]);
    return check_single(l, 1, err); /* the rows it holds: a RAM */
}

static int check_pad(const fcn_layer *l, fcn_error *err)
{
    if (check_pads(l, err))
        return -1;
    const double rows = (double)l->rows + (double)l->pad_top + (double)l->pad_bottom;
    const double cols = (double)l->cols + (double)l->pad_left + (double)l->pad_right;
    if (rows * cols * (double)l->channels > LARGEST_EXACT)
        return fcn_fail(err, "padded output %.0fx%.0fx%lld is too large to model", rows, cols, (long long)l->channels);
    return check_single(l, 0, err);
}

/* Each output port: its channels, where they start, and the coarse factor that must divide them. */
static int check_chop(const fcn_layer *l, fcn_error *err)
{
    if (check_single(l, 0, err))
        return -1;
    if (!l->port_channels)
        return fcn_fail(err, "a CHOP layer needs each output port's channels");
    int64_t sum = 0;
    for (int q = 0; q < l->ports_out; q++) {
        const int64_t c = l->port_channels[q], offset = l->port_offsets ? l->port_offsets[q] : sum;
        if (c < 1)
            return fcn_fail(err, "output port %d has %lld channels", q, (long long)c);
        if (c % l->coarse_in != 0)
            return fcn_fail(err, "coarse %lld does not divide the %lld channels of output port %d",
                            (long long)l->coarse_in, (long long)c, q);
        if (offset < 0 || c > l->channels || offset > l->channels - c)
            return fcn_fail(err, "output port %d takes channels %lld..%lld, outside the %lld channels in", q,
                            (long long)offset, (long long)(offset + c - 1), (long long)l->channels);
        sum += c;
    }
    if (sum > l->channels)
        return fcn_fail(err, "its output ports take %lld channels, more than the %lld channels in", (long long)sum,
                        (long long)l->channels);
    return 0;
}

static int check_shuffle(const fcn_layer *l, fcn_error *err)
{
    if (check_positive("groups", l->groups, err) || check_divides("groups", l->groups, "channels_in", l->channels, err))
        return -1;
    return check_single(l, 1, err);
}

static int check_leaky_relu(const fcn_layer *l, fcn_error *err)
{
    if (!isfinite(l->alpha))
        return fcn_fail(err, "alpha must be a finite number");
    return check_single(l, 0, err);
}

/* One port each way, except where a multi-port layer has several; CONCAT knows each input's channels. */
static int check_ports(const fcn_layer *l, fcn_error *err)
{
    const int many_in = l->type == FCN_ELTWISE || l->type == FCN_CONCAT;
    const int many_out = l->type == FCN_SPLIT || l->type == FCN_CHOP;
    if (l->ports_in < 1 || l->ports_in > (many_in ? FCN_MAX_PORTS : 1))
        return fcn_fail(err, "ports_in %d is outside 1..%d", l->ports_in, many_in ? FCN_MAX_PORTS : 1);
    if (l->ports_out < 1 || l->ports_out > (many_out ? FCN_MAX_PORTS : 1))
        return fcn_fail(err, "ports_out %d is outside 1..%d", l->ports_out, many_out ? FCN_MAX_PORTS : 1);
    if (l->ports_in > 1 && !l->inputs)
        return fcn_fail(err, "%d input ports need their inputs", l->ports_in);
    for (int p = 0; l->inputs && p < l->ports_in; p++)
        if (l->inputs[p] < 0)
            return fcn_fail(err, "input port %d refers to a later layer", p);
    if (l->eltwise_broadcast && l->type != FCN_ELTWISE)
        return fcn_fail(err, "eltwise_broadcast is set on a %s layer; only an ELTWISE broadcasts",
                        fcn_layer_type_name(l->type));
    if (l->type != FCN_CONCAT)
        return 0;
    if (!l->port_channels)
        return fcn_fail(err, "a CONCAT layer needs each input port's channels");
    int64_t sum = 0;
    for (int p = 0; p < l->ports_in; p++) {
        if (l->port_channels[p] < 1)
            return fcn_fail(err, "input port %d has %lld channels", p, (long long)l->port_channels[p]);
        if (l->port_channels[p] % l->coarse_in != 0)
            return fcn_fail(err, "coarse %lld does not divide the %lld channels of input port %d",
                            (long long)l->coarse_in, (long long)l->port_channels[p], p);
        sum += l->port_channels[p];
    }
    if (sum != l->channels)
        return fcn_fail(err, "channels_in %lld is not the sum %lld of its input ports' channels",
                        (long long)l->channels, (long long)sum);
    return 0;
}

int fcn_layer_check(const fcn_layer *l, fcn_error *err)
{
    if (check_input(l, err) || check_ports(l, err) ||
        (l->type != FCN_CONVOLUTION && l->type != FCN_POOLING && check_depth_window(l, 0, err)))
        return -1;
    switch (l->type) {
    case FCN_CONVOLUTION:
        return check_convolution(l, err);
    case FCN_INNER_PRODUCT:
        return check_weights(l, err);
    case FCN_POOLING:
        return check_pooling(l, err);
    case FCN_RELU:
        return check_single(l, 0, err);
    case FCN_BATCH_NORM:
        return check_single(l, 1, err);
    case FCN_SQUEEZE:
        if (l->buffer_depth < 0)
            return fcn_fail(err, "buffer_depth must not be negative, got %lld", (long long)l->buffer_depth);
        return check_bram_width("data_width", l->data_width, err);
    case FCN_ELTWISE:
        return check_eltwise(l, err);
    case FCN_RESIZE:
        return check_resize(l, err);
    case FCN_PAD:
        return check_pad(l, err);
    case FCN_CHOP:
        return check_chop(l, err);
    case FCN_SHUFFLE:
        return check_shuffle(l, err);
    case FCN_LEAKY_RELU:
        return check_leaky_relu(l, err);
    case FCN_SPLIT:
    case FCN_CONCAT:
    case FCN_AVERAGE_POOLING:
    case FCN_CLIP:
    case FCN_HARD_SWISH:
    case FCN_SILU:
    case FCN_GELU:
        return check_single(l, 0, err);
    /* Those that keep a table or a memory per stream. */
    case FCN_SIGMOID:
    case FCN_HARD_SIGMOID:
    case FCN_PRELU:
    case FCN_LAYER_NORM:
        return check_single(l, 1, err);
    }
    return fcn_fail(err, "unknown layer type %d", (int)l->type);
}
