/* Which layer parameters the model can evaluate: dimensions, divisibility, feasible folding, widths. */
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
        check_positive("channels_in", l->channels, err) || check_positive("coarse_in", l->coarse_in, err) ||
        check_positive("coarse_out", l->coarse_out, err))
        return -1;
    if ((double)l->rows * (double)l->cols * (double)l->channels > LARGEST_EXACT)
        return fcn_fail(err, "input %lldx%lldx%lld is too large to model", (long long)l->rows,
                        (long long)l->cols, (long long)l->channels);
    return check_divides("coarse_in", l->coarse_in, "channels_in", l->channels, err);
}

static int check_window(const fcn_layer *l, fcn_error *err)
{
    if (check_positive("kernel_size[0]", l->kernel[0], err) || check_positive("kernel_size[1]", l->kernel[1], err) ||
        check_positive("stride[0]", l->stride[0], err) || check_positive("stride[1]", l->stride[1], err))
        return -1;
    const int64_t pads[] = {l->pad_top, l->pad_right, l->pad_bottom, l->pad_left};
    static const char *const pad_names[] = {"pad_top", "pad_right", "pad_bottom", "pad_left"};
    for (int i = 0; i < 4; i++)
        if (pads[i] < 0)
            return fcn_fail(err, "%s must not be negative, got %lld", pad_names[i], (long long)pads[i]);
    const int64_t padded_rows = l->rows + l->pad_top + l->pad_bottom;
    const int64_t padded_cols = l->cols + l->pad_left + l->pad_right;
    /* The sliding window's line buffers and pipeline depth grow with the padded map times the kernel. */
    if ((double)padded_rows * (double)padded_cols * (double)l->channels * (double)l->kernel[0] *
            (double)l->kernel[1] > LARGEST_EXACT)
        return fcn_fail(err, "a %lldx%lld window over the padded %lldx%lldx%lld input is too large to model",
                        (long long)l->kernel[0], (long long)l->kernel[1], (long long)padded_rows,
                        (long long)padded_cols, (long long)l->channels);
    if (l->kernel[0] > padded_rows || l->kernel[1] > padded_cols)
        return fcn_fail(err, "kernel %lldx%lld is larger than the padded input %lldx%lld",
                        (long long)l->kernel[0], (long long)l->kernel[1], (long long)padded_rows,
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
    double size = (double)l->rows * (double)l->cols * (double)l->channels * (double)l->filters *
                  (double)l->kernel[0] * (double)l->kernel[1];
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
    if (!fine_feasible(l->kernel, l->fine))
        return fcn_fail(err, "fine %lld is not feasible for a %lldx%lld kernel (1, k0 or k0*k1)",
                        (long long)l->fine, (long long)l->kernel[0], (long long)l->kernel[1]);
    return 0;
}

static int check_same_coarse(const fcn_layer *l, fcn_error *err)
{
    if (l->coarse_in == l->coarse_out)
        return 0;
    return fcn_fail(err, "coarse_in %lld and coarse_out %lld differ; this layer has one coarse factor",
                    (long long)l->coarse_in, (long long)l->coarse_out);
}

/* One port each way, except where a multi-port layer has several; CONCAT knows each input's channels. */
static int check_ports(const fcn_layer *l, fcn_error *err)
{
    const int many_in = l->type == FCN_ELTWISE || l->type == FCN_CONCAT, many_out = l->type == FCN_SPLIT;
    if (l->ports_in < 1 || l->ports_in > (many_in ? FCN_MAX_PORTS : 1))
        return fcn_fail(err, "ports_in %d is outside 1..%d", l->ports_in, many_in ? FCN_MAX_PORTS : 1);
    if (l->ports_out < 1 || l->ports_out > (many_out ? FCN_MAX_PORTS : 1))
        return fcn_fail(err, "ports_out %d is outside 1..%d", l->ports_out, many_out ? FCN_MAX_PORTS : 1);
    if (l->ports_in > 1 && !l->inputs)
        return fcn_fail(err, "%d input ports need their inputs", l->ports_in);
    for (int p = 0; l->inputs && p < l->ports_in; p++)
        if (l->inputs[p] < 0)
            return fcn_fail(err, "input port %d refers to a later layer", p);
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
    if (check_input(l, err) || check_ports(l, err))
        return -1;
    switch (l->type) {
    case FCN_CONVOLUTION:
        return check_convolution(l, err);
    case FCN_INNER_PRODUCT:
        return check_weights(l, err);
    case FCN_POOLING:
        if (check_same_coarse(l, err) || check_window(l, err))
            return -1;
        return check_bram_width("data_width", l->data_width, err);
    case FCN_RELU:
        return check_same_coarse(l, err) || check_positive("data_width", l->data_width, err) ? -1 : 0;
    case FCN_BATCH_NORM:
        return check_same_coarse(l, err) || check_bram_width("data_width", l->data_width, err) ? -1 : 0;
    case FCN_SQUEEZE:
        if (l->buffer_depth < 0)
            return fcn_fail(err, "buffer_depth must not be negative, got %lld", (long long)l->buffer_depth);
        return check_bram_width("data_width", l->data_width, err);
    case FCN_SPLIT:
    case FCN_ELTWISE:
    case FCN_CONCAT:
    case FCN_AVERAGE_POOLING:
    case FCN_CLIP:
    case FCN_HARD_SWISH:
        return check_same_coarse(l, err) || check_positive("data_width", l->data_width, err) ? -1 : 0;
    case FCN_SIGMOID:
    case FCN_HARD_SIGMOID:
        return check_same_coarse(l, err) || check_bram_width("data_width", l->data_width, err) ? -1 : 0;
    }
    return fcn_fail(err, "unknown layer type %d", (int)l->type);
}
