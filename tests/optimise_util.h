/* For the optimiser's tests: the bundled models and boards, loaded with their errors printed. */
#ifndef FCN_TEST_OPTIMISE_UTIL_H
#define FCN_TEST_OPTIMISE_UTIL_H

#include <stdio.h>
#include <string.h>

#include "fpgaconvnet.h"

#define ZEDBOARD "../examples/platforms/zedboard.json"
#define ZC706 "../examples/platforms/zc706.json"

static inline fcn_platform load_platform(const char *path)
{
    fcn_platform p;
    fcn_error err;
    memset(&p, 0, sizeof p);
    if (fcn_platform_read(path, &p, &err))
        fprintf(stderr, "%s\n", err.message);
    return p;
}

/* tests/data/models/NAME.onnx's default configuration. */
static inline fcn_network *load_model(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "data/models/%s.onnx", name);
    fcn_error err;
    fcn_network *net = fcn_onnx_parse(path, NULL, &err);
    if (!net)
        fprintf(stderr, "%s\n", err.message);
    return net;
}

/* A layer of `type` with square rows x rows inputs of `channels` channels; `name` is borrowed. */
static inline fcn_layer make_layer(const char *name, fcn_layer_type type, int64_t rows, int64_t channels)
{
    fcn_layer l;
    fcn_layer_init(&l, type);
    l.name = (char *)name;
    l.rows = l.cols = rows;
    l.channels = channels;
    return l;
}

#endif
