/*
 * A residual block built by hand, for the optimiser's and validation's tests (and its layer maker for
 * test_dag.c's own block):
 *
 *   conv0 -> split -> conv1 -> relu1 -> conv2 -> add -> relu2
 *                \__________________________/
 *
 * 8x8 maps; conv0 takes 4 channels and gives 8, which every later layer
 * keeps. The layers borrow their names (string literals) and the join's
 * `inputs` (in the struct, so the struct must not be copied).
 */
#ifndef RESIDUAL_BLOCK_H
#define RESIDUAL_BLOCK_H

#include "fpgaconvnet.h"

#define RESIDUAL_LAYERS 7

typedef struct residual_block {
    int add_inputs[2];
    fcn_layer layers[RESIDUAL_LAYERS];
    fcn_partition parts[RESIDUAL_LAYERS];
    fcn_network net;
} residual_block;

static inline fcn_layer residual_layer(fcn_layer_type type, const char *name, int64_t channels, int64_t filters)
{
    fcn_layer l;
    fcn_layer_init(&l, type);
    l.name = (char *)name;
    l.rows = l.cols = 8;
    l.channels = channels;
    if (type == FCN_CONVOLUTION) {
        l.filters = filters;
        l.kernel[0] = l.kernel[1] = 3;
        l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = 1;
    }
    return l;
}

/* The block cut into partitions at the layer indices `starts` (increasing, each above 0). */
static inline void residual_build(residual_block *b, const int *starts, int cuts)
{
    b->add_inputs[0] = 1; /* conv2 */
    b->add_inputs[1] = 4; /* the split's second port */
    b->layers[0] = residual_layer(FCN_CONVOLUTION, "conv0", 4, 8);
    b->layers[1] = residual_layer(FCN_SPLIT, "split", 8, 0);
    b->layers[1].ports_out = 2;
    b->layers[2] = residual_layer(FCN_CONVOLUTION, "conv1", 8, 8);
    b->layers[3] = residual_layer(FCN_RELU, "relu1", 8, 0);
    b->layers[4] = residual_layer(FCN_CONVOLUTION, "conv2", 8, 8);
    b->layers[5] = residual_layer(FCN_ELTWISE, "add", 8, 0);
    b->layers[5].ports_in = 2;
    b->layers[5].inputs = b->add_inputs;
    b->layers[6] = residual_layer(FCN_RELU, "relu2", 8, 0);
    for (int p = 0; p <= cuts; p++) {
        const int s = p == 0 ? 0 : starts[p - 1], e = p == cuts ? RESIDUAL_LAYERS : starts[p];
        b->parts[p] = (fcn_partition){.id = p, .ports = 1, .batch_size = 1, .wr_factor = 1,
                                      .layer_count = e - s, .layers = &b->layers[s]};
    }
    b->net = (fcn_network){.partition_count = cuts + 1, .partitions = b->parts};
}

#endif
