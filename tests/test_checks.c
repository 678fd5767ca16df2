/* Every rejection of fcn_layer_check and fcn_network_check, each with its message. */
#include "check.h"
#include "fpgaconvnet.h"

static fcn_layer conv(void)
{
    fcn_layer l;
    fcn_layer_init(&l, FCN_CONVOLUTION);
    l.name = "c";
    l.rows = l.cols = 8;
    l.channels = 4;
    l.filters = 8;
    l.kernel[0] = l.kernel[1] = 3;
    return l;
}

static fcn_layer pointwise(fcn_layer_type type, const char *name)
{
    fcn_layer l;
    fcn_layer_init(&l, type);
    l.name = (char *)name;
    l.rows = l.cols = 6;
    l.channels = 8;
    return l;
}

static void expect_layer_error(const fcn_layer *l, const char *message)
{
    fcn_error err = {{0}};
    CHECK(fcn_layer_check(l, &err) == -1);
    CHECK_MESSAGE(err.message, message);
}

static void test_layer_errors(void)
{
    fcn_layer l = conv();
    fcn_error err;
    CHECK(fcn_layer_check(&l, &err) == 0);

    l = conv(); l.rows = 0;
    expect_layer_error(&l, "rows_in must be at least 1, got 0");
    l = conv(); l.channels = -3;
    expect_layer_error(&l, "channels_in must be at least 1, got -3");
    l = conv(); l.coarse_in = 3;
    expect_layer_error(&l, "coarse_in 3 does not divide channels_in 4");
    l = conv(); l.coarse_out = 3;
    expect_layer_error(&l, "coarse_out 3 does not divide filters 8");
    l = conv(); l.fine = 2;
    expect_layer_error(&l, "fine 2 is not feasible for a 3x3 kernel");
    l = conv(); l.kernel[1] = 1; l.fine = 3;
    CHECK(fcn_layer_check(&l, &err) == 0); /* a 3x1 kernel takes fine 3 */
    l.fine = 9;
    expect_layer_error(&l, "fine 9 is not feasible for a 3x1 kernel");
    l = conv(); l.groups = 3;
    expect_layer_error(&l, "groups 3 does not divide channels_in 4");
    l = conv(); l.groups = 4; l.filters = 6;
    expect_layer_error(&l, "groups 4 does not divide filters 6");
    l = conv(); l.groups = 2; l.coarse_group = 4;
    expect_layer_error(&l, "coarse_group 4 does not divide groups 2");
    l = conv(); l.groups = 2; l.coarse_group = 2; l.coarse_in = 4;
    expect_layer_error(&l, "coarse_in*coarse_group 8 does not divide channels_in 4");
    l = conv(); l.kernel[0] = 11;
    expect_layer_error(&l, "kernel 11x3 is larger than the padded input 8x8");
    l = conv(); l.kernel[0] = 10; l.pad_top = 1; l.pad_bottom = 1;
    CHECK(fcn_layer_check(&l, &err) == 0);
    l = conv(); l.pad_left = -1;
    expect_layer_error(&l, "pad_left must not be negative, got -1");
    l = conv(); l.stride[1] = 0;
    expect_layer_error(&l, "stride[1] must be at least 1, got 0");
    l = conv(); l.weight_width = 40;
    expect_layer_error(&l, "weight_width 40 is outside 1..36");
    l = conv(); l.acc_width = 0;
    expect_layer_error(&l, "acc_width 0 is outside 1..36");
    l = conv(); l.has_bias = 1; l.biases_width = 64;
    expect_layer_error(&l, "biases_width 64 is outside 1..36");
    l = conv(); l.has_bias = 2;
    expect_layer_error(&l, "has_bias must be 0 or 1, got 2");
    l = conv(); l.rows = l.cols = 1 << 20; l.channels = 1 << 14;
    expect_layer_error(&l, "too large to model");
    l = pointwise(FCN_POOLING, "p"); l.rows = l.cols = 1; l.channels = 1 << 20;
    l.kernel[0] = l.kernel[1] = 2147483647; l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = 1 << 30;
    expect_layer_error(&l, "a 2147483647x2147483647 window over the padded 2147483649x2147483649x1048576 input is too large to model");

    l = pointwise(FCN_RELU, "r"); l.coarse_in = 2; l.coarse_out = 4;
    expect_layer_error(&l, "coarse_in 2 and coarse_out 4 differ");
    l = pointwise(FCN_POOLING, "p"); l.kernel[0] = l.kernel[1] = 2; l.data_width = 0;
    expect_layer_error(&l, "data_width 0 is outside 1..36");
    l = pointwise(FCN_INNER_PRODUCT, "fc"); l.filters = 0;
    expect_layer_error(&l, "filters must be at least 1, got 0");
    l = pointwise(FCN_SQUEEZE, "s"); l.buffer_depth = -1;
    expect_layer_error(&l, "buffer_depth must not be negative");
    l = pointwise(FCN_CONCAT, "cat");
    expect_layer_error(&l, "a CONCAT layer needs each input port's channels");
    int64_t halves[2] = {4, 3};
    int two_inputs[2] = {1, 2};
    l = pointwise(FCN_CONCAT, "cat"); l.ports_in = 2; l.inputs = two_inputs; l.port_channels = halves;
    expect_layer_error(&l, "channels_in 8 is not the sum 7 of its input ports' channels");
    halves[1] = 4; l.coarse_in = l.coarse_out = 8;
    expect_layer_error(&l, "coarse 8 does not divide the 4 channels of input port 0");
    l = pointwise(FCN_ELTWISE, "add"); l.ports_in = 2;
    expect_layer_error(&l, "2 input ports need their inputs");
    l = pointwise(FCN_ELTWISE, "add"); l.ports_in = FCN_MAX_PORTS + 1; l.inputs = two_inputs;
    expect_layer_error(&l, "ports_in 65 is outside 1..64");
    l = pointwise(FCN_RELU, "r"); l.ports_out = 2;
    expect_layer_error(&l, "ports_out 2 is outside 1..1");
    two_inputs[1] = -1;
    l = pointwise(FCN_ELTWISE, "add"); l.ports_in = 2; l.inputs = two_inputs;
    expect_layer_error(&l, "input port 1 refers to a later layer");
}

static void expect_network_error(fcn_partition *parts, int count, const char *message)
{
    fcn_network net = {.partition_count = count, .partitions = parts};
    fcn_error err = {{0}};
    CHECK(fcn_network_check(&net, &err) == -1);
    CHECK_MESSAGE(err.message, message);
}

static void test_network_errors(void)
{
    fcn_layer layers[2] = {conv(), pointwise(FCN_RELU, "r")};
    layers[1].channels = 8;
    fcn_partition p = {.id = 7, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 2, .layers = layers};
    fcn_network ok = {.partition_count = 1, .partitions = &p};
    fcn_error err;
    CHECK(fcn_network_check(&ok, &err) == 0 || (fprintf(stderr, "%s\n", err.message), 0));

    expect_network_error(&p, 0, "the network has no partitions");
    layers[1].cols = 5;
    expect_network_error(&p, 1, "partition 7, layer 'r': input 6x5x8 does not match the output 6x6x8 of 'c'");
    layers[1].cols = 6;
    layers[1].coarse_in = 3;
    expect_network_error(&p, 1, "partition 7, layer 'r': coarse_in 3 does not divide channels_in 8");
    layers[1].coarse_in = 1;
    layers[1].name = "c";
    expect_network_error(&p, 1, "partition 7: layer name 'c' is used twice");
    layers[1].name = "";
    expect_network_error(&p, 1, "partition 7, layer 1 has no name");
    layers[1].name = "r";

    p.batch_size = 0;
    expect_network_error(&p, 1, "partition 7: batch_size must be at least 1, got 0");
    p.batch_size = 1;
    p.ports = 0;
    expect_network_error(&p, 1, "partition 7: ports must be at least 1, got 0");
    p.ports = 1;
    p.wr_factor = 2;
    expect_network_error(&p, 1, "partition 7: weights reloading factor 2 needs a weights reloading layer");
    p.wr_layer = "nowhere";
    expect_network_error(&p, 1, "partition 7: weights reloading layer 'nowhere' is not in the partition");
    p.wr_layer = "r";
    expect_network_error(&p, 1, "partition 7: weights reloading layer 'r' is a RELU, which has no weights");
    p.wr_factor = 0;
    expect_network_error(&p, 1, "partition 7: weights reloading factor must be at least 1, got 0");
    p.wr_factor = 1;
    p.layer_count = 0;
    expect_network_error(&p, 1, "partition 7 has no layers");

    /* The same name in two partitions. */
    p.layer_count = 2;
    p.wr_layer = NULL;
    fcn_layer other = pointwise(FCN_RELU, "c");
    fcn_partition two[2] = {p, {.id = 8, .ports = 1, .batch_size = 1, .wr_factor = 1, .layer_count = 1, .layers = &other}};
    expect_network_error(two, 2, "partition 8: layer name 'c' is used twice");
}

int main(void)
{
    test_layer_errors();
    test_network_errors();
    return check_summary("test_checks");
}
