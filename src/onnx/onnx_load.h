/* Internal: ONNX bytes -> an unpacked ModelProto with a graph and a known opset. */
#ifndef FCN_ONNX_LOAD_H
#define FCN_ONNX_LOAD_H

#include "fpgaconvnet.h"
#include "onnx.pb-c.h"

/* The opsets of the default domain whose operators the parser knows. */
#define ONNX_OPSET_MIN 7
#define ONNX_OPSET_MAX 21

/*
 * The most a model file may hold: protobuf's own limit for one message (its
 * reference implementation parses no more); larger weights go to external data.
 */
#define ONNX_MAX_FILE_SIZE (((size_t)1 << 31) - 1)
/* Levels of nested messages (a graph in a node's attribute is two more): protobuf's default limit. */
#define ONNX_MAX_NESTING 100

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

/*
 * The wire format walked without unpacking (src/onnx/onnx_wire.c): -1 with the
 * message when messages nest beyond ONNX_MAX_NESTING or the bytes are not a
 * protobuf message, so protobuf-c never recurses without bound.
 */
int onnx_check_wire(const void *data, size_t size, const char *source, fcn_error *err);
/* Whether the first bytes can begin a ModelProto: a field of ModelProto's with its wire type. */
int onnx_starts_like_model(const void *data, size_t size);

#endif
