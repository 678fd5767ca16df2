/*
 * make_weights IN.onnx OUT.onnx: writes a copy of a stripped model (its weights
 * in external data files that are not shipped) with every external initializer
 * stored inline again, as zeros of the right size. The parser's benchmark needs
 * a model as large as the real one: VGG16 grows to about 550 MB.
 *
 * The zeros come from calloc and are streamed to the file while packing, so the
 * program itself never holds the big copy in memory (untouched calloc pages
 * stay unmapped).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"

/* Bytes per element of an ONNX data type; 0 for those without a fixed size (STRING, UNDEFINED). */
static size_t element_size(int32_t data_type)
{
    switch (data_type) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8:
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
    case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL: return 1;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16:
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT16:
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16:
    case ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16: return 2;
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32: return 4;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64:
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
    case ONNX__TENSOR_PROTO__DATA_TYPE__COMPLEX64: return 8;
    case ONNX__TENSOR_PROTO__DATA_TYPE__COMPLEX128: return 16;
    default: return 0;
    }
}

/* The whole file in a malloc'd buffer; NULL after printing why. */
static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "make_weights: %s: cannot open: %s\n", path, strerror(errno));
        return NULL;
    }
    uint8_t *data = NULL;
    long length = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (length >= 0 && fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)length + 1)) != NULL &&
        fread(data, 1, (size_t)length, f) == (size_t)length) {
        *size = (size_t)length;
    } else {
        fprintf(stderr, "make_weights: %s: cannot read\n", path);
        free(data);
        data = NULL;
    }
    fclose(f);
    return data;
}

/* Replaces a tensor's external data by inline zeros; the bytes added, or -1 after printing why. */
static int64_t inline_zeros(Onnx__TensorProto *tensor)
{
    size_t bytes = element_size(tensor->data_type);
    for (size_t d = 0; d < tensor->n_dims; d++) {
        if (tensor->dims[d] < 0 || (tensor->dims[d] > 0 && bytes > SIZE_MAX / (size_t)tensor->dims[d])) {
            fprintf(stderr, "make_weights: initializer '%s': bad dims\n", tensor->name);
            return -1;
        }
        bytes *= (size_t)tensor->dims[d];
    }
    if (element_size(tensor->data_type) == 0) {
        fprintf(stderr, "make_weights: initializer '%s': data type %d has no fixed size\n", tensor->name,
                (int)tensor->data_type);
        return -1;
    }
    /* calloc(0) may return NULL; one spare byte keeps the empty tensor apart from failure. */
    uint8_t *zeros = calloc(bytes + 1, 1);
    if (!zeros) {
        fprintf(stderr, "make_weights: out of memory for initializer '%s'\n", tensor->name);
        return -1;
    }
    for (size_t e = 0; e < tensor->n_external_data; e++)
        onnx__string_string_entry_proto__free_unpacked(tensor->external_data[e], NULL);
    free(tensor->external_data);
    tensor->external_data = NULL;
    tensor->n_external_data = 0;
    free(tensor->has_raw_data ? tensor->raw_data.data : NULL);
    tensor->has_raw_data = 1;
    tensor->raw_data = (ProtobufCBinaryData){bytes, zeros};
    tensor->has_data_location = 1;
    tensor->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__DEFAULT;
    return (int64_t)bytes;
}

static int is_external(const Onnx__TensorProto *tensor)
{
    return tensor->n_external_data > 0 ||
           (tensor->has_data_location && tensor->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL);
}

/* Packs straight into the output file, so the packed model is never in memory. */
typedef struct file_buffer {
    ProtobufCBuffer base;
    FILE *file;
    int failed;
} file_buffer;

static void append_to_file(ProtobufCBuffer *buffer, size_t length, const uint8_t *data)
{
    file_buffer *out = (file_buffer *)buffer;
    if (!out->failed && fwrite(data, 1, length, out->file) != length)
        out->failed = 1;
}

static int write_model(const Onnx__ModelProto *model, const char *path)
{
    file_buffer out = {{append_to_file}, fopen(path, "wb"), 0};
    if (!out.file) {
        fprintf(stderr, "make_weights: %s: cannot open for writing: %s\n", path, strerror(errno));
        return -1;
    }
    onnx__model_proto__pack_to_buffer(model, &out.base);
    if (fclose(out.file) != 0 || out.failed) {
        fprintf(stderr, "make_weights: %s: cannot write\n", path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: make_weights IN.onnx OUT.onnx\n");
        return 2;
    }
    size_t size;
    uint8_t *data = read_file(argv[1], &size);
    if (!data)
        return 1;
    Onnx__ModelProto *model = onnx__model_proto__unpack(NULL, size, data);
    free(data);
    if (!model || !model->graph) {
        fprintf(stderr, "make_weights: %s: not an ONNX model\n", argv[1]);
        if (model)
            onnx__model_proto__free_unpacked(model, NULL);
        return 1;
    }
    int64_t added = 0;
    int inlined = 0, status = 0;
    for (size_t i = 0; i < model->graph->n_initializer && status == 0; i++) {
        Onnx__TensorProto *tensor = model->graph->initializer[i];
        if (!is_external(tensor))
            continue;
        int64_t bytes = inline_zeros(tensor);
        status = bytes < 0;
        added += bytes;
        inlined++;
    }
    if (status == 0)
        status = write_model(model, argv[2]) != 0;
    if (status == 0)
        printf("%s: %d initializers written inline, %.1f MB of zeros\n", argv[2], inlined, (double)added / 1e6);
    onnx__model_proto__free_unpacked(model, NULL);
    return status;
}
