/*
 * Building small ONNX models in C for the parser's tests, with the
 * protobuf-c code generated from onnx.proto: a builder owns every allocation
 * and packs the model to bytes. Weights carry dims only (their data is
 * "external", as in the stripped models), which is all the parser reads.
 */
#ifndef FCN_TEST_ONNX_BUILDER_H
#define FCN_TEST_ONNX_BUILDER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"

typedef struct onnx_builder {
    Onnx__ModelProto model;
    Onnx__GraphProto graph;
    void **allocations;
    size_t allocation_count;
} onnx_builder;

static inline void *ob_alloc(onnx_builder *b, size_t size)
{
    void *p = calloc(1, size ? size : 1);
    void **grown = realloc(b->allocations, (b->allocation_count + 1) * sizeof *grown);
    if (!p || !grown) {
        fprintf(stderr, "onnx_builder: out of memory\n");
        exit(2);
    }
    b->allocations = grown;
    b->allocations[b->allocation_count++] = p;
    return p;
}

static inline char *ob_str(onnx_builder *b, const char *s)
{
    return strcpy(ob_alloc(b, strlen(s) + 1), s);
}

/* Appends to a protobuf-c repeated field (a pointer and a count). */
#define OB_PUSH(b, array, count, item)                                            \
    do {                                                                          \
        void *grown_ = ob_alloc((b), ((count) + 1) * sizeof *(array));           \
        if ((count))                                                              \
            memcpy(grown_, (array), (count) * sizeof *(array));                   \
        (array) = grown_;                                                         \
        (array)[(count)++] = (item);                                              \
    } while (0)

/* A model with one opset import of the default domain (none when opset is 0). */
static inline void ob_init(onnx_builder *b, int64_t opset)
{
    memset(b, 0, sizeof *b);
    onnx__model_proto__init(&b->model);
    onnx__graph_proto__init(&b->graph);
    b->model.has_ir_version = 1;
    b->model.ir_version = 8;
    b->model.graph = &b->graph;
    b->graph.name = ob_str(b, "test");
    if (opset > 0) {
        Onnx__OperatorSetIdProto *o = ob_alloc(b, sizeof *o);
        onnx__operator_set_id_proto__init(o);
        o->domain = ob_str(b, "");
        o->has_version = 1;
        o->version = opset;
        OB_PUSH(b, b->model.opset_import, b->model.n_opset_import, o);
    }
}

static inline void ob_free(onnx_builder *b)
{
    for (size_t i = 0; i < b->allocation_count; i++)
        free(b->allocations[i]);
    free(b->allocations);
    memset(b, 0, sizeof *b);
}

/* A tensor value's type: dims > 0 are values, -1 the symbol "N", 0 unknown; rank < 0 gives no shape. */
static inline Onnx__ValueInfoProto *ob_value(onnx_builder *b, const char *name, int rank, const int64_t *dims)
{
    Onnx__ValueInfoProto *v = ob_alloc(b, sizeof *v);
    onnx__value_info_proto__init(v);
    v->name = ob_str(b, name);
    Onnx__TypeProto *type = ob_alloc(b, sizeof *type);
    onnx__type_proto__init(type);
    Onnx__TypeProto__Tensor *tensor = ob_alloc(b, sizeof *tensor);
    onnx__type_proto__tensor__init(tensor);
    tensor->has_elem_type = 1;
    tensor->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    type->tensor_type = tensor;
    v->type = type;
    if (rank < 0)
        return v;
    Onnx__TensorShapeProto *shape = ob_alloc(b, sizeof *shape);
    onnx__tensor_shape_proto__init(shape);
    tensor->shape = shape;
    for (int i = 0; i < rank; i++) {
        Onnx__TensorShapeProto__Dimension *d = ob_alloc(b, sizeof *d);
        onnx__tensor_shape_proto__dimension__init(d);
        if (dims[i] > 0) {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            d->dim_value = dims[i];
        } else if (dims[i] < 0) {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            d->dim_param = ob_str(b, "N");
        }
        OB_PUSH(b, shape->dim, shape->n_dim, d);
    }
    return v;
}

static inline void ob_input(onnx_builder *b, const char *name, int rank, const int64_t *dims)
{
    Onnx__ValueInfoProto *v = ob_value(b, name, rank, dims);
    OB_PUSH(b, b->graph.input, b->graph.n_input, v);
}

static inline void ob_output(onnx_builder *b, const char *name)
{
    Onnx__ValueInfoProto *v = ob_alloc(b, sizeof *v);
    onnx__value_info_proto__init(v);
    v->name = ob_str(b, name);
    OB_PUSH(b, b->graph.output, b->graph.n_output, v);
}

static inline void ob_value_info(onnx_builder *b, const char *name, int rank, const int64_t *dims)
{
    Onnx__ValueInfoProto *v = ob_value(b, name, rank, dims);
    OB_PUSH(b, b->graph.value_info, b->graph.n_value_info, v);
}

static inline Onnx__TensorProto *ob_tensor(onnx_builder *b, const char *name, int rank, const int64_t *dims)
{
    Onnx__TensorProto *t = ob_alloc(b, sizeof *t);
    onnx__tensor_proto__init(t);
    t->name = ob_str(b, name);
    for (int i = 0; i < rank; i++)
        OB_PUSH(b, t->dims, t->n_dims, dims[i]);
    t->has_data_type = 1;
    t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    return t;
}

/* A FLOAT initializer whose data is "external" (not there), like the stripped models' weights. */
static inline Onnx__TensorProto *ob_weight(onnx_builder *b, const char *name, int rank, const int64_t *dims)
{
    Onnx__TensorProto *t = ob_tensor(b, name, rank, dims);
    t->has_data_location = 1;
    t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    OB_PUSH(b, b->graph.initializer, b->graph.n_initializer, t);
    return t;
}

/* An INT64 vector tensor (not added to the graph). */
static inline Onnx__TensorProto *ob_ints_tensor(onnx_builder *b, const char *name, int count, const int64_t *values)
{
    int64_t dims[1] = {count};
    Onnx__TensorProto *t = ob_tensor(b, name, 1, dims);
    t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
    for (int i = 0; i < count; i++)
        OB_PUSH(b, t->int64_data, t->n_int64_data, values[i]);
    return t;
}

static inline void ob_ints_initializer(onnx_builder *b, const char *name, int count, const int64_t *values)
{
    Onnx__TensorProto *t = ob_ints_tensor(b, name, count, values);
    OB_PUSH(b, b->graph.initializer, b->graph.n_initializer, t);
}

/* A FLOAT vector initializer with its values (Resize's scales, Pad's value). */
static inline void ob_floats_initializer(onnx_builder *b, const char *name, int count, const float *values)
{
    int64_t dims[1] = {count};
    Onnx__TensorProto *t = ob_tensor(b, name, 1, dims);
    for (int i = 0; i < count; i++)
        OB_PUSH(b, t->float_data, t->n_float_data, values[i]);
    OB_PUSH(b, b->graph.initializer, b->graph.n_initializer, t);
}

/* A node; inputs and outputs are NULL-terminated lists ("" for an omitted optional input). */
static inline Onnx__NodeProto *ob_node(onnx_builder *b, const char *op, const char *name, const char *const *inputs,
                                const char *const *outputs)
{
    Onnx__NodeProto *n = ob_alloc(b, sizeof *n);
    onnx__node_proto__init(n);
    n->op_type = ob_str(b, op);
    if (name)
        n->name = ob_str(b, name);
    for (int i = 0; inputs && inputs[i]; i++)
        OB_PUSH(b, n->input, n->n_input, ob_str(b, inputs[i]));
    for (int i = 0; outputs && outputs[i]; i++)
        OB_PUSH(b, n->output, n->n_output, ob_str(b, outputs[i]));
    OB_PUSH(b, b->graph.node, b->graph.n_node, n);
    return n;
}

#define OB_LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

static inline Onnx__AttributeProto *ob_attr(onnx_builder *b, Onnx__NodeProto *n, const char *name,
                                     Onnx__AttributeProto__AttributeType type)
{
    Onnx__AttributeProto *a = ob_alloc(b, sizeof *a);
    onnx__attribute_proto__init(a);
    a->name = ob_str(b, name);
    a->has_type = 1;
    a->type = type;
    OB_PUSH(b, n->attribute, n->n_attribute, a);
    return a;
}

static inline void ob_attr_int(onnx_builder *b, Onnx__NodeProto *n, const char *name, int64_t value)
{
    Onnx__AttributeProto *a = ob_attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = 1;
    a->i = value;
}

static inline void ob_attr_float(onnx_builder *b, Onnx__NodeProto *n, const char *name, float value)
{
    Onnx__AttributeProto *a = ob_attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = 1;
    a->f = value;
}

static inline void ob_attr_ints(onnx_builder *b, Onnx__NodeProto *n, const char *name, int count, const int64_t *values)
{
    Onnx__AttributeProto *a = ob_attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    for (int i = 0; i < count; i++)
        OB_PUSH(b, a->ints, a->n_ints, values[i]);
}

static inline void ob_attr_string(onnx_builder *b, Onnx__NodeProto *n, const char *name, const char *value)
{
    Onnx__AttributeProto *a = ob_attr(b, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    a->has_s = 1;
    a->s.len = strlen(value);
    a->s.data = (uint8_t *)ob_str(b, value);
}

/* A Constant node giving an INT64 vector as `output`. */
static inline Onnx__NodeProto *ob_constant_ints(onnx_builder *b, const char *output, int count, const int64_t *values)
{
    Onnx__NodeProto *n = ob_node(b, "Constant", NULL, NULL, OB_LIST(output));
    Onnx__AttributeProto *a = ob_attr(b, n, "value", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
    a->t = ob_ints_tensor(b, output, count, values);
    return n;
}

/* The packed model (free it); exits on failure, as a test cannot go on. */
static inline uint8_t *ob_pack(const onnx_builder *b, size_t *size)
{
    *size = onnx__model_proto__get_packed_size(&b->model);
    uint8_t *bytes = malloc(*size ? *size : 1);
    if (!bytes) {
        fprintf(stderr, "onnx_builder: out of memory\n");
        exit(2);
    }
    onnx__model_proto__pack(&b->model, bytes);
    return bytes;
}

/* Shorthands for the common nodes. */
#define OB_DIMS(...) ((const int64_t[]){__VA_ARGS__})

static inline Onnx__NodeProto *ob_conv(onnx_builder *b, const char *name, const char *in, const char *out,
                                int64_t filters, int64_t channels, int64_t k, int with_bias)
{
    char w[128], bias[128];
    snprintf(w, sizeof w, "%s.weight", name);
    snprintf(bias, sizeof bias, "%s.bias", name);
    ob_weight(b, w, 4, OB_DIMS(filters, channels, k, k));
    if (with_bias)
        ob_weight(b, bias, 1, OB_DIMS(filters));
    Onnx__NodeProto *n = with_bias ? ob_node(b, "Conv", name, OB_LIST(in, w, bias), OB_LIST(out))
                                   : ob_node(b, "Conv", name, OB_LIST(in, w), OB_LIST(out));
    ob_attr_ints(b, n, "kernel_shape", 2, OB_DIMS(k, k));
    return n;
}

static inline Onnx__NodeProto *ob_gemm(onnx_builder *b, const char *name, const char *in, const char *out,
                                int64_t filters, int64_t features)
{
    char w[128], bias[128];
    snprintf(w, sizeof w, "%s.weight", name);
    snprintf(bias, sizeof bias, "%s.bias", name);
    ob_weight(b, w, 2, OB_DIMS(filters, features));
    ob_weight(b, bias, 1, OB_DIMS(filters));
    Onnx__NodeProto *n = ob_node(b, "Gemm", name, OB_LIST(in, w, bias), OB_LIST(out));
    ob_attr_int(b, n, "transB", 1);
    return n;
}

#endif
