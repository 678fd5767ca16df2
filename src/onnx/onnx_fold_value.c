/* The evaluator's values: constants read from TensorProtos or computed ones, and results stored in the graph. */
#include <stdlib.h>
#include <string.h>

#include "onnx_attrs.h"
#include "onnx_fold.h"
#include "onnx_fold_value.h"
#include "onnx_shapes.h"

void fold_value_free(fold_value *v)
{
    free(v->ints);
    free(v->reals);
    memset(v, 0, sizeof *v);
}

/*
 * A value's dims with 0 taken as 1, saturated past FOLD_MAX_ELEMENTS: an
 * empty tensor of huge other dims would make the operators' products of dims
 * overflow, though it holds nothing.
 */
static int64_t nominal_elements(const onnx_shape *s)
{
    int64_t n = 1;
    for (int i = 0; i < s->rank && n <= FOLD_MAX_ELEMENTS; i++)
        n *= s->dims[i] > 1 ? s->dims[i] : 1;
    return n;
}

int fold_value_alloc(fold_value *v, const onnx_shape *shape, int is_float)
{
    int64_t count = onnx_shape_elements(shape);
    memset(v, 0, sizeof *v);
    if (count > FOLD_MAX_ELEMENTS || nominal_elements(shape) > FOLD_MAX_ELEMENTS)
        return 1;
    v->shape = *shape;
    v->count = count;
    v->is_float = is_float;
    if (is_float)
        v->reals = calloc((size_t)(count ? count : 1), sizeof *v->reals);
    else
        v->ints = calloc((size_t)(count ? count : 1), sizeof *v->ints);
    return (is_float ? (void *)v->reals : (void *)v->ints) ? 0 : -1;
}

/* ---------------------------------------------------------------- reading constants */

static int is_real_type(int32_t type)
{
    return type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT || type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE;
}

/* The byte width of an element stored as raw_data; 0 for a type the evaluator does not read. */
static int raw_width(int32_t type)
{
    switch (type) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL:
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8: return 1;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT16:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16: return 2;
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32: return 4;
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64: return 8;
    default: return 0;
    }
}

static int is_signed_type(int32_t type)
{
    return type == ONNX__TENSOR_PROTO__DATA_TYPE__INT8 || type == ONNX__TENSOR_PROTO__DATA_TYPE__INT16 ||
           type == ONNX__TENSOR_PROTO__DATA_TYPE__INT32 || type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
}

/* One little-endian element of raw_data. */
static void raw_element(const uint8_t *p, int32_t type, int width, int64_t *i, double *r)
{
    uint64_t bits = 0;
    for (int b = width - 1; b >= 0; b--)
        bits = (bits << 8) | p[b];
    if (type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT) {
        uint32_t low = (uint32_t)bits;
        float f;
        memcpy(&f, &low, sizeof f);
        *r = f;
    } else if (type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE) {
        memcpy(r, &bits, sizeof *r);
    } else if (is_signed_type(type) && width < 8 && (bits >> (8 * width - 1)) & 1) {
        *i = (int64_t)(bits | (~(uint64_t)0 << (8 * width))); /* sign-extended */
    } else {
        *i = (int64_t)bits;
    }
}

/* The typed field that holds a TensorProto's values when it has no raw_data. */
static int typed_elements(const Onnx__TensorProto *t, fold_value *v)
{
    int32_t type = t->data_type;
    size_t n = (size_t)v->count;
    if (type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT && t->n_float_data == n) {
        for (size_t i = 0; i < n; i++)
            v->reals[i] = t->float_data[i];
    } else if (type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE && t->n_double_data == n) {
        memcpy(v->reals, t->double_data, n * sizeof *v->reals);
    } else if (type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 && t->n_int64_data == n) {
        memcpy(v->ints, t->int64_data, n * sizeof *v->ints);
    } else if ((type == ONNX__TENSOR_PROTO__DATA_TYPE__UINT32 || type == ONNX__TENSOR_PROTO__DATA_TYPE__UINT64) &&
               t->n_uint64_data == n) {
        for (size_t i = 0; i < n; i++)
            v->ints[i] = (int64_t)t->uint64_data[i];
    } else if (!is_real_type(type) && type != ONNX__TENSOR_PROTO__DATA_TYPE__INT64 && t->n_int32_data == n) {
        for (size_t i = 0; i < n; i++)
            v->ints[i] = t->int32_data[i];
    } else {
        return 1;
    }
    return 0;
}

int fold_read_tensor(const Onnx__TensorProto *t, const onnx_shape *shape, fold_value *v)
{
    int width = raw_width(t->data_type);
    if (!width || (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL))
        return 1;
    int rc = fold_value_alloc(v, shape, is_real_type(t->data_type));
    if (rc)
        return rc;
    if (t->has_raw_data) {
        if (t->raw_data.len != (size_t)v->count * (size_t)width)
            return 1;
        for (int64_t i = 0; i < v->count; i++)
            raw_element(t->raw_data.data + i * width, t->data_type, width, v->is_float ? NULL : &v->ints[i],
                        v->is_float ? &v->reals[i] : NULL);
        return 0;
    }
    return typed_elements(t, v);
}

/* A constant tensor's values: 0, or 1 when they cannot be read (stored elsewhere, too many, another type). */
int fold_read_constant(const onnx_graph *g, int tensor, fold_value *v)
{
    const onnx_tensor *t = &g->tensors[tensor];
    onnx_shape shape;
    memset(v, 0, sizeof *v);
    if (!t->is_constant || onnx_constant_shape(&t->constant, &shape))
        return 1;
    if (t->constant.tensor) {
        int rc = fold_read_tensor(t->constant.tensor, &shape, v);
        if (rc)
            fold_value_free(v);
        return rc;
    }
    int rc = fold_value_alloc(v, &shape, t->constant.is_float);
    if (rc)
        return rc;
    if ((size_t)v->count != t->constant.count) {
        fold_value_free(v);
        return 1;
    }
    for (int64_t i = 0; i < v->count; i++) {
        if (v->is_float)
            v->reals[i] = t->constant.floats[i];
        else
            v->ints[i] = t->constant.ints[i];
    }
    return 0;
}

/* The computed value becomes the node's first output, a constant the graph owns. */
int fold_store_output(fold_state *f)
{
    onnx_graph *g = f->g;
    const fold_value *v = &f->out;
    onnx_tensor *t = &g->tensors[g->nodes[f->node].outputs[0]];
    int64_t *dims = onnx_graph_alloc(g, (size_t)(v->shape.rank ? v->shape.rank : 1) * sizeof *dims);
    void *data = onnx_graph_alloc(g, (size_t)(v->count ? v->count : 1) * (v->is_float ? sizeof(float)
                                                                                     : sizeof(int64_t)));
    if (!dims || !data)
        return onnx_node_fail(g, f->node, f->err, "out of memory evaluating it");
    memcpy(dims, v->shape.dims, (size_t)v->shape.rank * sizeof *dims);
    const char *origin = t->is_constant && t->origin ? t->origin : t->name; /* a Cast of a weight keeps its name */
    t->constant = (onnx_constant){.count = (size_t)v->count, .rank = v->shape.rank, .dims = dims,
                                  .is_float = v->is_float};
    if (v->is_float) {
        float *reals = data;
        for (int64_t i = 0; i < v->count; i++)
            reals[i] = (float)v->reals[i];
        t->constant.floats = reals;
    } else {
        memcpy(data, v->ints, (size_t)v->count * sizeof *v->ints);
        t->constant.ints = data;
    }
    t->is_constant = 1;
    t->origin = origin;
    t->shape = v->shape;
    t->has_shape = 1;
    return 0;
}

int onnx_constant_numbers(const onnx_graph *g, int tensor, double *out, size_t max, size_t *count)
{
    fold_value v;
    *count = 0;
    if (tensor < 0 || fold_read_constant(g, tensor, &v))
        return 1;
    int rc = (size_t)v.count > max;
    for (int64_t i = 0; !rc && i < v.count; i++)
        out[i] = fold_real_at(&v, i);
    if (!rc)
        *count = (size_t)v.count;
    fold_value_free(&v);
    return rc;
}
