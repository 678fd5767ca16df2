/*
 * What the ONNX reader refuses before decoding: messages nested beyond the
 * bound (protobuf-c would recurse until the stack overflows), files that do
 * not start like a model (/dev/zero), standard input as "-".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"

typedef struct bytes {
    uint8_t *data;
    size_t size;
} bytes;

static size_t put_varint(uint8_t *at, uint64_t v)
{
    size_t n = 0;
    do {
        at[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return n;
}

/* Wraps b as the length-delimited field `field` of a new message. */
static void wrap(bytes *b, unsigned field)
{
    uint8_t head[16];
    size_t n = put_varint(head, (uint64_t)field << 3 | 2);
    n += put_varint(head + n, b->size);
    uint8_t *data = malloc(b->size + n);
    CHECK(data != NULL);
    memcpy(data, head, n);
    if (b->size)
        memcpy(data + n, b->data, b->size);
    free(b->data);
    b->data = data;
    b->size += n;
}

/* A model whose graph's node has an attribute holding a graph, `levels` graphs deep. */
static bytes nested_model(int levels)
{
    enum { GRAPH_NODE = 1, NODE_ATTRIBUTE = 5, ATTRIBUTE_G = 6, MODEL_GRAPH = 7 };
    bytes b = {NULL, 0};
    for (int i = 1; i < levels; i++) { /* b is a graph: make it an attribute of a node of a graph */
        wrap(&b, ATTRIBUTE_G);
        wrap(&b, NODE_ATTRIBUTE);
        wrap(&b, GRAPH_NODE);
    }
    wrap(&b, MODEL_GRAPH);
    /* ir_version 8 first, as writers put it. */
    uint8_t *data = malloc(b.size + 2);
    CHECK(data != NULL);
    data[0] = 0x08;
    data[1] = 8;
    memcpy(data + 2, b.data, b.size);
    free(b.data);
    b.data = data;
    b.size += 2;
    return b;
}

static void expect_parse_error(const bytes *b, const char *part)
{
    fcn_error err = {{0}};
    fcn_network *net = fcn_onnx_parse_buffer(b->data, b->size, "nested.onnx", NULL, &err);
    CHECK(net == NULL);
    fcn_network_free(net);
    CHECK_MESSAGE(err.message, part);
}

static void nesting(void)
{
    /* 3,000 graphs deep: 9,000 levels of messages, about 30 kB. */
    bytes deep = nested_model(3000);
    expect_parse_error(&deep, "nested.onnx: messages nested more than 100 levels deep (graphs inside node "
                              "attributes); refused before decoding");
    free(deep.data);
    /* 30 graphs deep is within the bound: decoded, then refused for what it lacks, not for its depth. */
    bytes shallow = nested_model(30);
    fcn_error err = {{0}};
    CHECK(fcn_onnx_parse_buffer(shallow.data, shallow.size, "nested.onnx", NULL, &err) == NULL);
    CHECK(strstr(err.message, "levels deep") == NULL);
    CHECK(strstr(err.message, "opset") != NULL);
    free(shallow.data);
    /* The same bound applies to fcn_onnx_list_ops, which reads the file. */
}

static void not_a_model(void)
{
    fcn_error err = {{0}};
    CHECK(fcn_onnx_parse("/dev/zero", NULL, &err) == NULL);
    CHECK_MESSAGE(err.message, "/dev/zero: not an ONNX model (its first bytes are no field of a model)");
    /* A length prefix running past the end is caught by the walk, with the decoder's message. */
    const uint8_t truncated[] = {0x08, 0x08, 0x3a, 0x7f, 0x0a};
    bytes b = {(uint8_t *)truncated, sizeof truncated};
    expect_parse_error(&b, "nested.onnx: not an ONNX model, or a truncated or corrupt one (protobuf decoding "
                           "failed)");
}

int main(void)
{
    nesting();
    not_a_model();
    return check_summary("test_onnx_input");
}
