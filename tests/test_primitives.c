/* Resource primitives and each module on hand-worked cases (MODEL.md §1, §2). */
#include "check.h"
#include "fpgaconvnet.h"
#include "modules.h"
#include "resource.h"

static void test_bram_memory(void)
{
    CHECK_INT(fcn_bram_memory(0, 16), 0);
    CHECK_INT(fcn_bram_memory(1000, 16), 1);   /* 16 bits fit the 18x1000 shape */
    CHECK_INT(fcn_bram_memory(1001, 16), 2);
    CHECK_INT(fcn_bram_memory(512, 36), 1);
    CHECK_INT(fcn_bram_memory(513, 36), 2);
    CHECK_INT(fcn_bram_memory(16000, 1), 1);
    CHECK_INT(fcn_bram_memory(16001, 1), 2);
    CHECK_INT(fcn_bram_memory(4000, 3), 1);    /* 3 bits take the 4x4000 shape */
    CHECK_INT(fcn_bram_memory(4001, 3), 2);
    CHECK_INT(fcn_bram_memory(10, 0), -1);
    CHECK_INT(fcn_bram_memory(10, 37), -1);
}

static void test_bram_stream(void)
{
    CHECK_INT(fcn_bram_stream(0, 16), 0);
    CHECK_INT(fcn_bram_stream(512, 16), 1);    /* exactly 512 deep: the 36-wide shape */
    CHECK_INT(fcn_bram_stream(513, 16), 1);    /* the 18x1000 shape */
    CHECK_INT(fcn_bram_stream(513, 36), 2);
    CHECK_INT(fcn_bram_stream(1001, 36), 4);   /* the 9x2000 shape */
    CHECK_INT(fcn_bram_stream(16000, 16), 16); /* the 1x16000 shape */
    CHECK_INT(fcn_bram_stream(20000, 16), 16); /* deeper than any shape: the deepest */
    CHECK_INT(fcn_bram_stream(15, 16), 1);
    CHECK_INT(fcn_bram_stream(10, 40), -1);
}

static void test_dsp_mult(void)
{
    CHECK_INT(fcn_dsp_mult(16, 16), 1);
    CHECK_INT(fcn_dsp_mult(24, 24), 1);
    CHECK_INT(fcn_dsp_mult(25, 24), 2);
    CHECK_INT(fcn_dsp_mult(48, 48), 2);
}

/* The integer paths agree with the reference's floor/ceil of log(x)/log(2) everywhere we can check. */
static void test_log2(void)
{
    int disagreements = 0;
    for (int64_t x = 1; x < (1 << 20); x++)
        disagreements += fcn_floor_log2(x) != floor(fcn_log2((double)x)) || fcn_ceil_log2(x) != ceil(fcn_log2((double)x));
    for (int k = 20; k < 53; k++)
        for (int64_t d = -2; d <= 2; d++) {
            const int64_t x = ((int64_t)1 << k) + d;
            disagreements += fcn_floor_log2(x) != floor(fcn_log2((double)x)) ||
                             fcn_ceil_log2(x) != ceil(fcn_log2((double)x));
        }
    for (int k = 0; k < 53; k++)
        for (int64_t d = -1; d <= 1; d++) {
            const int64_t x = ((int64_t)1 << k) + d;
            disagreements += x > 0 && fcn_log2_int(x) != fcn_log2((double)x);
        }
    CHECK_INT(disagreements, 0);
    CHECK_INT((int64_t)fcn_ceil_log2(48), 6);
    CHECK_INT((int64_t)fcn_floor_log2(48), 5);
    CHECK_INT((int64_t)fcn_ceil_log2(1), 0);
}

static void check_resource(const fcn_module_figures *m, int64_t lut, int64_t ff, int64_t dsp, int64_t bram)
{
    CHECK_INT(m->resource.lut, lut);
    CHECK_INT(m->resource.ff, ff);
    CHECK_INT(m->resource.dsp, dsp);
    CHECK_INT(m->resource.bram, bram);
}

static void test_sliding_window(void)
{
    /* 5x5x2, 3x3 kernel, stride 1, pad 1 all round. */
    const window_shape w = {.kernel = {3, 3, 1}, .stride = {1, 1, 1}, .dilation = {1, 1, 1}, .pad_top = 1, .pad_right = 1, .pad_bottom = 1, .pad_left = 1};
    fcn_module_figures m;
    module_sliding_window(&m, 5, 5, 1, 2, &w, 16, 0);
    CHECK_INT(m.rows_out, 5);
    CHECK_INT(m.cols_out, 5);
    CHECK_NEAR(m.rate_out, 1.0, 1e-12);
    CHECK_INT(m.pipeline_depth, (5 + 2) * 2 * 2 + 2 * 3 * 2);
    CHECK_INT(fcn_module_latency(&m), 50);
    /* u = [144, 102, 38, 6, 2]: LUT 785.18, FF 860.73; BRAM 2 line buffers of 15 words + 6 of 3 words. */
    check_resource(&m, 785, 860, 0, 8);

    /* 7x6 with stride 2 and asymmetric pads: rows (7-3+0+1)/2+1 = 3, cols (6-3+2+0)/2+1 = 3. */
    const window_shape s = {.kernel = {3, 3, 1}, .stride = {2, 2, 1}, .dilation = {1, 1, 1}, .pad_bottom = 1, .pad_left = 2};
    module_sliding_window(&m, 7, 6, 1, 1, &s, 16, 0);
    CHECK_INT(m.rows_out, 3);
    CHECK_INT(m.cols_out, 3);
    CHECK_NEAR(m.rate_out, 9.0 / 42.0, 1e-12);
    CHECK_INT(m.pipeline_depth, (6 + 2) * 1 * 2 + 1 * 3 * 2);
}

static void test_fork_conv_accum(void)
{
    fcn_module_figures m;
    module_fork(&m, 4, 4, 1, 3, 16);
    check_resource(&m, 4, 8, 0, 0); /* u = [ceil(log2 48) = 6] */
    CHECK_INT(fcn_module_latency(&m), 48);

    const int64_t k[3] = {3, 3, 1};
    module_conv(&m, 4, 4, 1, 2, 8, 3, k, 1, 16, 16);
    CHECK_INT(m.channels_out, 8);
    CHECK_NEAR(m.rate_in, 1.0 / 24.0, 1e-12);
    CHECK_NEAR(m.rate_out, 1.0 / 3.0, 1e-12);
    CHECK_INT(m.pipeline_depth, 3);
    CHECK_INT(fcn_module_latency(&m), 768);
    check_resource(&m, 1960, 2635, 3, 0); /* u = [3, 4, 1] */

    module_accum(&m, 4, 4, 1, 2, 8, 1, 32, 0);
    CHECK_INT(m.channels_in, 16);
    CHECK_INT(m.channels_out, 8);
    CHECK_NEAR(m.rate_out, 0.5, 1e-12);
    CHECK_INT(m.pipeline_depth, 16);
    CHECK_INT(fcn_module_latency(&m), 256);
    check_resource(&m, 258, 308, 0, 1); /* u = [8, 1, 32, 4, 4, 2]; 8 words of 32 bits */
}

static void test_glue_bias_pool_relu(void)
{
    fcn_module_figures m;
    module_glue(&m, 2, 2, 1, 1, 16, 4, 2, 32, 16);
    CHECK_INT(m.channels_in, 16);
    CHECK_INT(fcn_module_latency(&m), 64);
    check_resource(&m, 2935, 2595, 0, 0);

    module_bias(&m, 2, 2, 1, 1, 16, 16, 16);
    CHECK_INT(m.channels_out, 16);
    check_resource(&m, 129, 154, 1, 0); /* Accum's coefficients, u = [16, 1, 16, 2, 2, 1] */

    const int64_t k[3] = {2, 2, 1};
    module_pool(&m, 3, 3, 1, 4, k, FCN_POOL_MAX, 16);
    check_resource(&m, 534, 895, 0, 0);

    module_relu(&m, 8, 8, 1, 4, 8);
    check_resource(&m, 27, 31, 0, 0); /* u = [8, ceil(log2 256) = 8] */

    module_batch_norm(&m, 8, 8, 1, 4);
    check_resource(&m, 0, 0, 1, 0);
    module_squeeze(&m, 8, 8, 1, 4);
    check_resource(&m, 0, 0, 0, 0);
    CHECK_INT(fcn_module_latency(&m), 256);
}

int main(void)
{
    test_bram_memory();
    test_bram_stream();
    test_dsp_mult();
    test_log2();
    test_sliding_window();
    test_fork_conv_accum();
    test_glue_bias_pool_relu();
    return check_summary("test_primitives");
}
