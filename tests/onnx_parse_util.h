/*
 * Parsing the models tests/onnx_builder.h builds, and reading the layers
 * back: shared by the parser's tests of small models.
 */
#ifndef FCN_TEST_ONNX_PARSE_UTIL_H
#define FCN_TEST_ONNX_PARSE_UTIL_H

#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "onnx_builder.h"

/* The built model parsed as "test.onnx"; NULL (the message printed) on failure. */
static inline fcn_network *parse_built(const onnx_builder *b, const fcn_parse_options *opts, fcn_error *err)
{
    size_t size;
    uint8_t *bytes = ob_pack(b, &size);
    fcn_network *net = fcn_onnx_parse_buffer(bytes, size, "test.onnx", opts, err);
    free(bytes);
    if (!net)
        fprintf(stderr, "parse failed: %s\n", err->message);
    return net;
}

/* Parsing the built model, named `source`, must fail with one line that contains `part`. */
static inline void expect_parse_error(const onnx_builder *b, const char *source, const char *part)
{
    fcn_error err = {{0}};
    size_t size;
    uint8_t *bytes = ob_pack(b, &size);
    fcn_network *net = fcn_onnx_parse_buffer(bytes, size, source, NULL, &err);
    free(bytes);
    CHECK(net == NULL);
    fcn_network_free(net);
    CHECK_MESSAGE(err.message, part);
    CHECK(strchr(err.message, '\n') == NULL);
}

/* A layer's input dims. */
#define CHECK_DIMS(layer, r, c, ch)                                                   \
    do {                                                                              \
        CHECK_INT((layer)->rows, r);                                                  \
        CHECK_INT((layer)->cols, c);                                                  \
        CHECK_INT((layer)->channels, ch);                                             \
    } while (0)

/* x (1x3x8x8) -> Conv 4 3x3 pads 1 -> c (1x4x8x8): the start of many small test models. */
static inline void conv_base(onnx_builder *b, int64_t opset)
{
    ob_init(b, opset);
    ob_input(b, "x", 4, OB_DIMS(-1, 3, 8, 8));
    ob_attr_ints(b, ob_conv(b, "conv", "x", "c", 4, 3, 3, 1), "pads", 4, OB_DIMS(1, 1, 1, 1));
}

static inline int layer_count(const fcn_network *net)
{
    return net ? net->partitions[0].layer_count : -1;
}

static inline const fcn_layer *layer_at(const fcn_network *net, int i)
{
    static fcn_layer none; /* read-only stand-in when the parse failed, so checks fail without crashing */
    return net && i < net->partitions[0].layer_count ? &net->partitions[0].layers[i] : &none;
}

#endif
