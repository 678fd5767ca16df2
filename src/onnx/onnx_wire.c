/*
 * A look at an ONNX file's protobuf wire format before protobuf-c unpacks it.
 *
 * protobuf-c recurses once per level of nested messages and has no limit of
 * its own, so a small file whose node attributes nest graphs thousands of
 * levels deep (legal: If and Loop bodies) would overflow the stack inside
 * the unpacker. The walk below follows the same descriptors with a depth
 * bound, so the unpacker is only handed what it can take. It reads tags and
 * lengths only: a tensor's bytes are skipped, not read.
 */
#include <string.h>

#include "error.h"
#include "onnx_load.h"

typedef enum wire_type { WIRE_VARINT = 0, WIRE_64BIT = 1, WIRE_LENGTH = 2, WIRE_32BIT = 5 } wire_type;

typedef enum scan_result { SCAN_OK, SCAN_CORRUPT, SCAN_TOO_DEEP } scan_result;

/* A varint at *at (at most 10 bytes, within end); advances *at. 0 if it runs past the end or is too long. */
static int read_varint(const uint8_t **at, const uint8_t *end, uint64_t *value)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 70 && *at < end; shift += 7) {
        uint8_t byte = *(*at)++;
        v |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *value = v;
            return 1;
        }
    }
    return 0;
}

static scan_result scan_message(const ProtobufCMessageDescriptor *desc, const uint8_t *at, const uint8_t *end,
                                int depth)
{
    if (depth > ONNX_MAX_NESTING)
        return SCAN_TOO_DEEP;
    while (at < end) {
        uint64_t tag, length;
        if (!read_varint(&at, end, &tag) || (tag >> 3) == 0 || (tag >> 3) > UINT32_MAX)
            return SCAN_CORRUPT;
        switch ((wire_type)(tag & 7)) {
        case WIRE_VARINT:
            if (!read_varint(&at, end, &length))
                return SCAN_CORRUPT;
            break;
        case WIRE_64BIT:
        case WIRE_32BIT: {
            size_t width = (tag & 7) == WIRE_64BIT ? 8 : 4;
            if ((size_t)(end - at) < width)
                return SCAN_CORRUPT;
            at += width;
            break;
        }
        case WIRE_LENGTH: {
            if (!read_varint(&at, end, &length) || length > (uint64_t)(end - at))
                return SCAN_CORRUPT;
            const ProtobufCFieldDescriptor *field = protobuf_c_message_descriptor_get_field(desc, (unsigned)(tag >> 3));
            if (field && field->type == PROTOBUF_C_TYPE_MESSAGE) {
                scan_result r = scan_message(field->descriptor, at, at + length, depth + 1);
                if (r != SCAN_OK)
                    return r;
            }
            at += length;
            break;
        }
        default: /* groups, which protobuf-c does not take either */
            return SCAN_CORRUPT;
        }
    }
    return SCAN_OK;
}

int onnx_check_wire(const void *data, size_t size, const char *source, fcn_error *err)
{
    const uint8_t *at = data;
    switch (scan_message(&onnx__model_proto__descriptor, at, at + size, 1)) {
    case SCAN_OK: return 0;
    case SCAN_TOO_DEEP:
        return fcn_fail(err, "%s: messages nested more than %d levels deep (graphs inside node attributes); "
                        "refused before decoding", source, ONNX_MAX_NESTING);
    case SCAN_CORRUPT: break;
    }
    return fcn_fail(err, "%s: not an ONNX model, or a truncated or corrupt one (protobuf decoding failed)", source);
}

int onnx_starts_like_model(const void *data, size_t size)
{
    const uint8_t *at = data;
    uint64_t tag;
    if (!read_varint(&at, at + size, &tag))
        return size < 10; /* too short to tell: the whole read decides */
    unsigned wire = (unsigned)(tag & 7);
    if ((tag >> 3) == 0 || (tag >> 3) > UINT32_MAX || (wire != WIRE_VARINT && wire != WIRE_LENGTH))
        return 0;
    const ProtobufCFieldDescriptor *field =
        protobuf_c_message_descriptor_get_field(&onnx__model_proto__descriptor, (unsigned)(tag >> 3));
    if (!field)
        return 0;
    /* ir_version and model_version are varints; every other field of ModelProto is length-delimited. */
    int is_varint = field->type == PROTOBUF_C_TYPE_INT64;
    return is_varint == (wire == WIRE_VARINT);
}
