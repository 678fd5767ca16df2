/* Internal: ONNX bytes -> an unpacked ModelProto with a graph and a known opset. */
#ifndef FCN_ONNX_LOAD_H
#define FCN_ONNX_LOAD_H

#include "fpgaconvnet.h"
#include "onnx.pb-c.h"

/* The opsets of the default domain whose operators the parser knows. */
#define ONNX_OPSET_MIN 7
#define ONNX_OPSET_MAX 21

typedef struct onnx_model {
    Onnx__ModelProto *proto;
    int64_t opset; /* of the default domain ("" or "ai.onnx") */
} onnx_model;

/*
 * Reads a file (memory mapped, so the unpacked message is the only copy the
 * process keeps) and unpacks it. Messages start with `path`.
 */
int onnx_model_load(const char *path, onnx_model *out, fcn_error *err);
/* The same from bytes in memory; messages start with `source`. */
int onnx_model_unpack(const void *data, size_t size, const char *source, onnx_model *out, fcn_error *err);
void onnx_model_release(onnx_model *model);

#endif
