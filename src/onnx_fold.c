/*
 * Size arithmetic evaluated at parse time. Exporters compute sizes from the
 * data's dims (Shape -> Gather/Slice -> Concat -> Resize's sizes; Reshape
 * targets; constants not folded by the exporter); ONNX's shape inference
 * evaluates them, and so does the parser: a node whose inputs are all
 * constants (or a Shape of a tensor of known dims) is evaluated here, in
 * topological order with the data path's inference (src/onnx_shapes.c), and
 * its output becomes a constant the graph owns. Such nodes are neither
 * layers nor unsupported; only a result that reaches the data path as data
 * is an error (there, as any constant is).
 *
 * Values are int64 or double (ONNX's types reduced to integer or real); the
 * batch dim of the network's data is 1, as everywhere in the parser. Sizes
 * are small: a constant of more than FOLD_MAX_ELEMENTS values is not read.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_attrs.h"
#include "onnx_fold.h"
#include "onnx_ops.h"
#include "onnx_shapes.h"

#define FOLD_MAX_ELEMENTS 65536
#define FOLD_MAX_INPUTS 8

typedef struct value {
    onnx_shape shape;
    int64_t count;
    int is_float;
    int64_t *ints;  /* count values, !is_float */
    double *reals;  /* count values, is_float */
} value;

typedef struct fold {
    onnx_graph *g;
    int node;
    value in[FOLD_MAX_INPUTS]; /* the inputs' values (count 0 and no arrays for an omitted one) */
    int present[FOLD_MAX_INPUTS];
    int inputs;
    value out;
    fcn_error *err;
} fold;

static void value_free(value *v)
{
    free(v->ints);
    free(v->reals);
    memset(v, 0, sizeof *v);
}

/* Room for a value of `shape`; 0, or 1 when too large to evaluate, -1 out of memory. */
static int value_alloc(value *v, const onnx_shape *shape, int is_float)
{
    int64_t count = onnx_shape_elements(shape);
    memset(v, 0, sizeof *v);
    if (count > FOLD_MAX_ELEMENTS)
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

static double real_at(const value *v, int64_t i)
{
    return v->is_float ? v->reals[i] : (double)v->ints[i];
}

static int64_t int_at(const value *v, int64_t i)
{
    return v->is_float ? (int64_t)v->reals[i] : v->ints[i];
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
static int typed_elements(const Onnx__TensorProto *t, value *v)
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

static int read_tensor_proto(const Onnx__TensorProto *t, const onnx_shape *shape, value *v)
{
    int width = raw_width(t->data_type);
    if (!width || (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL))
        return 1;
    int rc = value_alloc(v, shape, is_real_type(t->data_type));
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
static int read_constant(const onnx_graph *g, int tensor, value *v)
{
    const onnx_tensor *t = &g->tensors[tensor];
    onnx_shape shape;
    memset(v, 0, sizeof *v);
    if (!t->is_constant || onnx_constant_shape(&t->constant, &shape))
        return 1;
    if (t->constant.tensor) {
        int rc = read_tensor_proto(t->constant.tensor, &shape, v);
        if (rc)
            value_free(v);
        return rc;
    }
    int rc = value_alloc(v, &shape, t->constant.is_float);
    if (rc)
        return rc;
    if ((size_t)v->count != t->constant.count) {
        value_free(v);
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
static int store_output(fold *f)
{
    onnx_graph *g = f->g;
    const value *v = &f->out;
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

/* ---------------------------------------------------------------- index arithmetic */

/* The position in `in` (broadcast numpy-style to `out`) of the element at flat position `flat` of `out`. */
static int64_t broadcast_index(const onnx_shape *out, const onnx_shape *in, int64_t flat)
{
    int64_t index = 0, stride = 1;
    for (int i = out->rank - 1, j = in->rank - 1; i >= 0; i--, j--) {
        int64_t coord = flat % out->dims[i];
        flat /= out->dims[i];
        if (j < 0)
            continue;
        if (in->dims[j] != 1)
            index += coord * stride;
        stride *= in->dims[j];
    }
    return index;
}

/* Numpy broadcasting of a and b into out; -1 when they do not broadcast. */
static int broadcast_shape(const onnx_shape *a, const onnx_shape *b, onnx_shape *out)
{
    out->rank = a->rank > b->rank ? a->rank : b->rank;
    for (int i = 0; i < out->rank; i++) {
        int64_t x = i < out->rank - a->rank ? 1 : a->dims[i - (out->rank - a->rank)];
        int64_t y = i < out->rank - b->rank ? 1 : b->dims[i - (out->rank - b->rank)];
        if (x != y && x != 1 && y != 1)
            return -1;
        out->dims[i] = x == 1 ? y : x;
    }
    return 0;
}

/* An axis attribute or value normalised against a rank; -1 when out of range. */
static int normal_axis(int64_t axis, int rank)
{
    if (axis < 0)
        axis += rank;
    return axis < 0 || axis >= rank ? -1 : (int)axis;
}

static int fail(const fold *f, const char *what)
{
    return onnx_node_fail(f->g, f->node, f->err, "%s", what);
}

/* ---------------------------------------------------------------- operators */

static int fold_shape(fold *f)
{
    const onnx_shape *x = onnx_shape_of(f->g, f->g->nodes[f->node].inputs[0]);
    int64_t start = 0, end = x->rank;
    if (onnx_attr_int(f->g, f->node, "start", &start, f->err) < 0 ||
        onnx_attr_int(f->g, f->node, "end", &end, f->err) < 0)
        return -1;
    start = start < 0 ? start + x->rank : start;
    end = end < 0 ? end + x->rank : end;
    start = start < 0 ? 0 : start > x->rank ? x->rank : start;
    end = end < start ? start : end > x->rank ? x->rank : end;
    onnx_shape s = {1, {end - start}};
    if (value_alloc(&f->out, &s, 0))
        return fail(f, "out of memory evaluating it");
    for (int64_t i = start; i < end; i++)
        f->out.ints[i - start] = x->dims[i];
    return 0;
}

/* Copies element `from` of `in` to element `to` of the output (same kind). */
static void copy_element(fold *f, const value *in, int64_t from, int64_t to)
{
    if (f->out.is_float)
        f->out.reals[to] = real_at(in, from);
    else
        f->out.ints[to] = int_at(in, from);
}

static int fold_gather(fold *f)
{
    const value *data = &f->in[0], *indices = &f->in[1];
    int64_t axis_attr = 0;
    if (onnx_attr_int(f->g, f->node, "axis", &axis_attr, f->err) < 0)
        return -1;
    int axis = normal_axis(axis_attr, data->shape.rank);
    if (axis < 0 || indices->is_float || data->shape.rank + indices->shape.rank - 1 > ONNX_MAX_RANK)
        return fail(f, "its axis or indices do not fit its data");
    onnx_shape s = {0, {0}};
    int64_t outer = 1, inner = 1, size = data->shape.dims[axis];
    for (int i = 0; i < axis; i++)
        s.dims[s.rank++] = data->shape.dims[i], outer *= data->shape.dims[i];
    for (int i = 0; i < indices->shape.rank; i++)
        s.dims[s.rank++] = indices->shape.dims[i];
    for (int i = axis + 1; i < data->shape.rank; i++)
        s.dims[s.rank++] = data->shape.dims[i], inner *= data->shape.dims[i];
    if (value_alloc(&f->out, &s, data->is_float))
        return fail(f, "its output is too large to evaluate");
    for (int64_t o = 0, to = 0; o < outer; o++)
        for (int64_t k = 0; k < indices->count; k++) {
            int64_t index = indices->ints[k] < 0 ? indices->ints[k] + size : indices->ints[k];
            if (index < 0 || index >= size)
                return fail(f, "an index is out of range");
            for (int64_t i = 0; i < inner; i++)
                copy_element(f, data, (o * size + index) * inner + i, to++);
        }
    return 0;
}

/* A list of integers: an attribute before `opset`, else input `input` (absent: *count 0). */
static int int_list(fold *f, const char *name, int64_t opset, int input, int64_t *out, size_t *count)
{
    *count = 0;
    if (f->g->opset < opset) {
        const int64_t *values;
        int found = onnx_attr_ints(f->g, f->node, name, &values, count, f->err);
        if (found < 0)
            return -1;
        if (*count > ONNX_MAX_RANK)
            return fail(f, "a list attribute has too many values");
        if (found == 1 && *count)
            memcpy(out, values, *count * sizeof *out);
        return 0;
    }
    if (input >= f->inputs || !f->present[input])
        return 0;
    const value *v = &f->in[input];
    if (v->is_float || v->shape.rank > 1 || v->count > ONNX_MAX_RANK)
        return fail(f, "an axes, starts, ends or steps input is not a short list of integers");
    *count = (size_t)v->count;
    memcpy(out, v->ints, *count * sizeof *out);
    return 0;
}

/* Slice's bounds on one axis, clamped as ONNX does; its element count. */
static int64_t slice_axis(int64_t dim, int64_t start, int64_t end, int64_t step, int64_t *first)
{
    start = start < 0 ? start + dim : start;
    end = end < 0 ? end + dim : end;
    if (step > 0) {
        start = start < 0 ? 0 : start > dim ? dim : start;
        end = end < 0 ? 0 : end > dim ? dim : end;
        *first = start;
        return end > start ? (end - start + step - 1) / step : 0;
    }
    start = start < 0 ? -1 : start > dim - 1 ? dim - 1 : start;
    end = end < -1 ? -1 : end > dim - 1 ? dim - 1 : end;
    *first = start;
    return start > end ? (start - end + (-step) - 1) / (-step) : 0;
}

static int fold_slice(fold *f)
{
    const value *data = &f->in[0];
    int64_t starts[ONNX_MAX_RANK], ends[ONNX_MAX_RANK], axes[ONNX_MAX_RANK], steps[ONNX_MAX_RANK];
    size_t n_starts, n_ends, n_axes, n_steps;
    if (int_list(f, "starts", 10, 1, starts, &n_starts) || int_list(f, "ends", 10, 2, ends, &n_ends) ||
        int_list(f, "axes", 10, 3, axes, &n_axes) || int_list(f, "steps", 10, 4, steps, &n_steps))
        return -1;
    if (n_ends != n_starts || (n_axes && n_axes != n_starts) || (n_steps && n_steps != n_starts))
        return fail(f, "its starts, ends, axes and steps differ in length");
    int64_t first[ONNX_MAX_RANK], step[ONNX_MAX_RANK];
    onnx_shape s = data->shape;
    for (int i = 0; i < s.rank; i++)
        first[i] = 0, step[i] = 1;
    for (size_t k = 0; k < n_starts; k++) {
        int axis = normal_axis(n_axes ? axes[k] : (int64_t)k, s.rank);
        int64_t st = n_steps ? steps[k] : 1;
        if (axis < 0 || st == 0)
            return fail(f, "an axis is out of range or a step is 0");
        step[axis] = st;
        s.dims[axis] = slice_axis(data->shape.dims[axis], starts[k], ends[k], st, &first[axis]);
    }
    if (value_alloc(&f->out, &s, data->is_float))
        return fail(f, "out of memory evaluating it");
    for (int64_t o = 0; o < f->out.count; o++) {
        int64_t rest = o, index = 0, stride = 1;
        for (int i = s.rank - 1; i >= 0; i--) {
            int64_t coord = rest % s.dims[i];
            rest /= s.dims[i];
            index += (first[i] + coord * step[i]) * stride;
            stride *= data->shape.dims[i];
        }
        copy_element(f, data, index, o);
    }
    return 0;
}

static int fold_concat(fold *f)
{
    int64_t axis_attr = 0;
    if (onnx_attr_int(f->g, f->node, "axis", &axis_attr, f->err) < 0)
        return -1;
    const value *first = &f->in[0];
    int axis = normal_axis(axis_attr, first->shape.rank), is_float = 0;
    if (axis < 0)
        return fail(f, "its axis is out of range");
    onnx_shape s = first->shape;
    s.dims[axis] = 0;
    for (int k = 0; k < f->inputs; k++) {
        const value *v = &f->in[k];
        if (v->shape.rank != s.rank)
            return fail(f, "its inputs differ in rank");
        for (int i = 0; i < s.rank; i++)
            if (i != axis && v->shape.dims[i] != s.dims[i])
                return fail(f, "its inputs differ in more than the axis it joins");
        s.dims[axis] += v->shape.dims[axis];
        is_float |= v->is_float;
    }
    if (value_alloc(&f->out, &s, is_float))
        return fail(f, "its output is too large to evaluate");
    int64_t outer = 1, inner = 1, offset = 0;
    for (int i = 0; i < axis; i++)
        outer *= s.dims[i];
    for (int i = axis + 1; i < s.rank; i++)
        inner *= s.dims[i];
    for (int k = 0; k < f->inputs; k++) {
        const value *v = &f->in[k];
        int64_t block = v->shape.dims[axis] * inner;
        for (int64_t o = 0; o < outer; o++)
            for (int64_t i = 0; i < block; i++)
                copy_element(f, v, o * block + i, o * s.dims[axis] * inner + offset + i);
        offset += block;
    }
    return 0;
}

/* The output keeps the input's values, in a new shape. */
static int same_values(fold *f, const onnx_shape *s)
{
    if (onnx_shape_elements(s) != f->in[0].count)
        return fail(f, "its output shape does not hold its input's values");
    f->out = f->in[0];
    f->out.shape = *s;
    memset(&f->in[0], 0, sizeof f->in[0]); /* moved */
    return 0;
}

static int fold_unsqueeze(fold *f, int squeeze)
{
    int64_t axes[ONNX_MAX_RANK];
    size_t count;
    const onnx_shape *x = &f->in[0].shape;
    if (int_list(f, "axes", 13, 1, axes, &count))
        return -1;
    int rank = squeeze ? x->rank : x->rank + (int)count, marked[ONNX_MAX_RANK] = {0};
    if (rank > ONNX_MAX_RANK || (!squeeze && count == 0))
        return fail(f, "its axes do not fit its input");
    for (size_t i = 0; i < count; i++) {
        int axis = normal_axis(axes[i], rank);
        if (axis < 0 || marked[axis])
            return fail(f, "an axis is out of range or repeated");
        marked[axis] = 1;
    }
    onnx_shape s = {0, {0}};
    for (int i = 0, from = 0; i < rank; i++) {
        if (!squeeze) {
            s.dims[s.rank++] = marked[i] ? 1 : x->dims[from++];
            continue;
        }
        int drop = count ? marked[i] : x->dims[i] == 1;
        if (drop && x->dims[i] != 1)
            return fail(f, "it squeezes an axis whose size is not 1");
        if (!drop)
            s.dims[s.rank++] = x->dims[i];
    }
    return same_values(f, &s);
}

static int fold_reshape(fold *f)
{
    const value *target = &f->in[1];
    int64_t allow_zero = 0, known = 1;
    if (onnx_attr_int(f->g, f->node, "allowzero", &allow_zero, f->err) < 0)
        return -1;
    if (target->is_float || target->shape.rank != 1 || target->count > ONNX_MAX_RANK)
        return fail(f, "its target shape is not a short list of integers");
    onnx_shape s = {(int)target->count, {0}};
    int infer = -1;
    for (int i = 0; i < s.rank; i++) {
        int64_t v = target->ints[i];
        if (v == 0 && !allow_zero)
            v = i < f->in[0].shape.rank ? f->in[0].shape.dims[i] : -2;
        if (v == -1 && infer < 0) {
            infer = i;
            continue;
        }
        if (v < 0 || v > FOLD_MAX_ELEMENTS)
            return fail(f, "its target shape is invalid");
        s.dims[i] = v;
        known *= v;
    }
    if (infer >= 0) {
        if (known == 0 || f->in[0].count % known != 0)
            return fail(f, "its target shape does not hold its input's values");
        s.dims[infer] = f->in[0].count / known;
    }
    return same_values(f, &s);
}

static int fold_flatten(fold *f)
{
    int64_t axis = 1;
    const onnx_shape *x = &f->in[0].shape;
    if (onnx_attr_int(f->g, f->node, "axis", &axis, f->err) < 0)
        return -1;
    if (axis < 0)
        axis += x->rank;
    if (axis < 0 || axis > x->rank)
        return fail(f, "its axis is out of range");
    onnx_shape s = {2, {1, 1}};
    for (int i = 0; i < x->rank; i++)
        s.dims[i < axis ? 0 : 1] *= x->dims[i];
    return same_values(f, &s);
}

/* Cast: to a real type or to an integer one (truncating; BOOL is 0 or 1). */
static int fold_cast(fold *f)
{
    int64_t to = -1; /* absent: the type stays */
    const value *x = &f->in[0];
    if (onnx_attr_int(f->g, f->node, "to", &to, f->err) < 0)
        return -1;
    int is_float = to == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT || to == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE ||
                   to == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16 || to == ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16 ||
                   (to < 0 && x->is_float);
    if (value_alloc(&f->out, &x->shape, is_float))
        return fail(f, "out of memory evaluating it");
    for (int64_t i = 0; i < x->count; i++) {
        if (is_float)
            f->out.reals[i] = real_at(x, i);
        else if (to == ONNX__TENSOR_PROTO__DATA_TYPE__BOOL)
            f->out.ints[i] = real_at(x, i) != 0;
        else if (x->is_float && !(fabs(x->reals[i]) < 9.2e18))
            return fail(f, "it casts a value beyond the integers");
        else
            f->out.ints[i] = int_at(x, i);
    }
    return 0;
}

typedef enum binary_op { ADD, SUB, MUL, DIV, POW, MAX, MIN, MOD, EQUAL, LESS, GREATER } binary_op;

/* One integer result; -1 on overflow or division by zero. */
static int int_binary(binary_op op, int64_t a, int64_t b, int64_t *out)
{
    switch (op) {
    case ADD: return __builtin_add_overflow(a, b, out) ? -1 : 0;
    case SUB: return __builtin_sub_overflow(a, b, out) ? -1 : 0;
    case MUL: return __builtin_mul_overflow(a, b, out) ? -1 : 0;
    case DIV:
        if (b == 0 || (a == INT64_MIN && b == -1))
            return -1;
        *out = a / b; /* truncated, as ONNX's integer Div */
        return 0;
    case MOD:
        if (b == 0 || (a == INT64_MIN && b == -1))
            return -1;
        *out = a % b;
        if (*out != 0 && ((*out < 0) != (b < 0))) /* fmod=0: the sign of the divisor */
            *out += b;
        return 0;
    case POW: {
        double p = pow((double)a, (double)b);
        if (!(fabs(p) < 9.2e18))
            return -1;
        *out = (int64_t)p;
        return 0;
    }
    case MAX: *out = a > b ? a : b; return 0;
    case MIN: *out = a < b ? a : b; return 0;
    case EQUAL: *out = a == b; return 0;
    case LESS: *out = a < b; return 0;
    case GREATER: *out = a > b; return 0;
    }
    return -1;
}

static double real_binary(binary_op op, double a, double b)
{
    switch (op) {
    case ADD: return a + b;
    case SUB: return a - b;
    case MUL: return a * b;
    case DIV: return a / b;
    case MOD: return fmod(a, b);
    case POW: return pow(a, b);
    case MAX: return a > b ? a : b;
    case MIN: return a < b ? a : b;
    case EQUAL: return a == b;
    case LESS: return a < b;
    case GREATER: return a > b;
    }
    return 0;
}

static int fold_binary(fold *f, binary_op op)
{
    const value *a = &f->in[0], *b = &f->in[1];
    onnx_shape s;
    int is_float = a->is_float || b->is_float, compare = op == EQUAL || op == LESS || op == GREATER;
    if (broadcast_shape(&a->shape, &b->shape, &s))
        return fail(f, "its inputs' shapes do not broadcast");
    if (value_alloc(&f->out, &s, is_float && !compare))
        return fail(f, "its output is too large to evaluate");
    for (int64_t i = 0; i < f->out.count; i++) {
        int64_t ia = broadcast_index(&s, &a->shape, i), ib = broadcast_index(&s, &b->shape, i);
        if (is_float) {
            double r = real_binary(op, real_at(a, ia), real_at(b, ib));
            if (compare)
                f->out.ints[i] = (int64_t)r;
            else
                f->out.reals[i] = r;
        } else if (int_binary(op, a->ints[ia], b->ints[ib], &f->out.ints[i])) {
            return fail(f, "its integer arithmetic overflows or divides by zero");
        }
    }
    return 0;
}

/* Sum, Max, Min of any number of inputs: pairwise. */
static int fold_variadic(fold *f, binary_op op)
{
    if (f->inputs == 1)
        return same_values(f, &f->in[0].shape);
    value acc = f->in[0];
    memset(&f->in[0], 0, sizeof f->in[0]); /* moved */
    for (int k = 1; k < f->inputs; k++) {
        fold pair = {.g = f->g, .node = f->node, .err = f->err, .inputs = 2};
        pair.in[0] = acc;
        pair.in[1] = f->in[k]; /* borrowed */
        int rc = fold_binary(&pair, op);
        value_free(&acc);
        if (rc) {
            value_free(&pair.out);
            return rc;
        }
        acc = pair.out;
    }
    f->out = acc;
    return 0;
}

static int fold_where(fold *f)
{
    const value *c = &f->in[0], *x = &f->in[1], *y = &f->in[2];
    onnx_shape cx, s;
    if (broadcast_shape(&c->shape, &x->shape, &cx) || broadcast_shape(&cx, &y->shape, &s))
        return fail(f, "its inputs' shapes do not broadcast");
    if (value_alloc(&f->out, &s, x->is_float || y->is_float))
        return fail(f, "its output is too large to evaluate");
    for (int64_t i = 0; i < f->out.count; i++) {
        int pick_x = real_at(c, broadcast_index(&s, &c->shape, i)) != 0;
        const value *v = pick_x ? x : y;
        copy_element(f, v, broadcast_index(&s, &v->shape, i), i);
    }
    return 0;
}

typedef enum unary_op { FLOOR, CEIL, SQRT, NEG, ABS, RECIPROCAL } unary_op;

static int fold_unary(fold *f, unary_op op)
{
    const value *x = &f->in[0];
    int is_float = x->is_float || op == SQRT || op == RECIPROCAL;
    if (value_alloc(&f->out, &x->shape, is_float))
        return fail(f, "out of memory evaluating it");
    for (int64_t i = 0; i < x->count; i++) {
        double r = real_at(x, i);
        switch (op) {
        case FLOOR: r = floor(r); break;
        case CEIL: r = ceil(r); break;
        case SQRT: r = sqrt(r); break;
        case NEG: r = -r; break;
        case ABS: r = fabs(r); break;
        case RECIPROCAL: r = 1.0 / r; break;
        }
        if (is_float)
            f->out.reals[i] = r;
        else
            f->out.ints[i] = op == NEG ? -x->ints[i] : op == ABS ? llabs(x->ints[i]) : x->ints[i];
    }
    return 0;
}

/* A shape given as a value: a list of non-negative integers. */
static int shape_from(fold *f, const value *v, onnx_shape *s)
{
    if (v->is_float || v->shape.rank != 1 || v->count > ONNX_MAX_RANK)
        return fail(f, "its shape input is not a short list of integers");
    s->rank = (int)v->count;
    for (int i = 0; i < s->rank; i++) {
        if (v->ints[i] < 0 || v->ints[i] > ONNX_MAX_DIM)
            return fail(f, "its shape input has a negative or too large dim");
        s->dims[i] = v->ints[i];
    }
    return 0;
}

static int fold_constant_of_shape(fold *f)
{
    onnx_shape s;
    value fill = {{0, {0}}, 1, 1, NULL, (double[]){0.0}};
    value read = {{0, {0}}, 0, 0, NULL, NULL};
    if (shape_from(f, &f->in[0], &s))
        return -1;
    const Onnx__AttributeProto *a = onnx_attr_find(f->g->nodes[f->node].proto, "value");
    if (a && a->t) {
        onnx_shape one = {1, {1}};
        if (read_tensor_proto(a->t, &one, &read) || read.count != 1) {
            value_free(&read);
            return fail(f, "its attribute 'value' is not one number");
        }
    }
    const value *v = read.count ? &read : &fill;
    int rc = value_alloc(&f->out, &s, v->is_float);
    for (int64_t i = 0; rc == 0 && i < f->out.count; i++)
        copy_element(f, v, 0, i);
    value_free(&read);
    return rc ? fail(f, "its output is too large to evaluate") : 0;
}

static int fold_expand(fold *f)
{
    onnx_shape target, s;
    const value *x = &f->in[0];
    if (shape_from(f, &f->in[1], &target))
        return -1;
    if (broadcast_shape(&x->shape, &target, &s))
        return fail(f, "its input does not broadcast to its shape");
    if (value_alloc(&f->out, &s, x->is_float))
        return fail(f, "its output is too large to evaluate");
    for (int64_t i = 0; i < f->out.count; i++)
        copy_element(f, x, broadcast_index(&s, &x->shape, i), i);
    return 0;
}

static int fold_range(fold *f)
{
    const value *start = &f->in[0], *limit = &f->in[1], *delta = &f->in[2];
    if (start->count != 1 || limit->count != 1 || delta->count != 1 || real_at(delta, 0) == 0)
        return fail(f, "its start, limit and delta must be single numbers, delta not 0");
    int is_float = start->is_float || limit->is_float || delta->is_float;
    double count = ceil((real_at(limit, 0) - real_at(start, 0)) / real_at(delta, 0));
    if (!(count < FOLD_MAX_ELEMENTS))
        return fail(f, "its output is too large to evaluate");
    onnx_shape s = {1, {count > 0 ? (int64_t)count : 0}};
    if (value_alloc(&f->out, &s, is_float))
        return fail(f, "out of memory evaluating it");
    for (int64_t i = 0; i < s.dims[0]; i++) {
        if (is_float)
            f->out.reals[i] = real_at(start, 0) + (double)i * real_at(delta, 0);
        else
            f->out.ints[i] = start->ints[0] + i * delta->ints[0];
    }
    return 0;
}

/* ---------------------------------------------------------------- the table */

typedef enum fold_kind {
    F_SHAPE, F_GATHER, F_SLICE, F_CONCAT, F_UNSQUEEZE, F_SQUEEZE, F_RESHAPE, F_FLATTEN, F_IDENTITY, F_CAST,
    F_BINARY, F_VARIADIC, F_WHERE, F_UNARY, F_CONSTANT_OF_SHAPE, F_EXPAND, F_RANGE
} fold_kind;

static const struct fold_entry {
    const char *op;
    fold_kind kind;
    int arg; /* the binary_op or unary_op */
} fold_table[] = {
    {"Shape", F_SHAPE, 0},       {"Gather", F_GATHER, 0},   {"Slice", F_SLICE, 0},
    {"Concat", F_CONCAT, 0},     {"Unsqueeze", F_UNSQUEEZE, 0}, {"Squeeze", F_SQUEEZE, 0},
    {"Reshape", F_RESHAPE, 0},   {"Flatten", F_FLATTEN, 0}, {"Identity", F_IDENTITY, 0},
    {"Cast", F_CAST, 0},         {"Add", F_BINARY, ADD},    {"Sub", F_BINARY, SUB},
    {"Mul", F_BINARY, MUL},      {"Div", F_BINARY, DIV},    {"Pow", F_BINARY, POW},
    {"Mod", F_BINARY, MOD},      {"Equal", F_BINARY, EQUAL}, {"Less", F_BINARY, LESS},
    {"Greater", F_BINARY, GREATER}, {"Sum", F_VARIADIC, ADD}, {"Max", F_VARIADIC, MAX},
    {"Min", F_VARIADIC, MIN},    {"Where", F_WHERE, 0},     {"Floor", F_UNARY, FLOOR},
    {"Ceil", F_UNARY, CEIL},     {"Sqrt", F_UNARY, SQRT},   {"Neg", F_UNARY, NEG},
    {"Abs", F_UNARY, ABS},       {"Reciprocal", F_UNARY, RECIPROCAL},
    {"ConstantOfShape", F_CONSTANT_OF_SHAPE, 0}, {"Expand", F_EXPAND, 0}, {"Range", F_RANGE, 0},
};

static const struct fold_entry *find_fold(const onnx_graph *g, int node)
{
    const onnx_node *n = &g->nodes[node];
    if (!onnx_default_domain(n->proto))
        return NULL;
    for (size_t i = 0; i < sizeof fold_table / sizeof fold_table[0]; i++)
        if (strcmp(fold_table[i].op, n->op) == 0)
            return &fold_table[i];
    return NULL;
}

int onnx_fold_knows(const onnx_graph *g, int node)
{
    return find_fold(g, node) != NULL;
}

/* The minimum inputs each kind reads (the rest are optional). */
static int required_inputs(fold_kind kind)
{
    switch (kind) {
    case F_SHAPE: case F_CONCAT: case F_UNSQUEEZE: case F_SQUEEZE: case F_FLATTEN: case F_IDENTITY: case F_CAST:
    case F_VARIADIC: case F_UNARY: case F_CONSTANT_OF_SHAPE: case F_SLICE: return 1;
    case F_GATHER: case F_RESHAPE: case F_BINARY: case F_EXPAND: return 2;
    case F_WHERE: case F_RANGE: return 3;
    }
    return 1;
}

static int evaluate(fold *f, const struct fold_entry *e)
{
    switch (e->kind) {
    case F_SHAPE: return fold_shape(f);
    case F_GATHER: return fold_gather(f);
    case F_SLICE: return fold_slice(f);
    case F_CONCAT: return fold_concat(f);
    case F_UNSQUEEZE: return fold_unsqueeze(f, 0);
    case F_SQUEEZE: return fold_unsqueeze(f, 1);
    case F_RESHAPE: return fold_reshape(f);
    case F_FLATTEN: return fold_flatten(f);
    case F_IDENTITY: return same_values(f, &f->in[0].shape);
    case F_CAST: return fold_cast(f);
    case F_BINARY: return fold_binary(f, (binary_op)e->arg);
    case F_VARIADIC: return fold_variadic(f, (binary_op)e->arg);
    case F_WHERE: return fold_where(f);
    case F_UNARY: return fold_unary(f, (unary_op)e->arg);
    case F_CONSTANT_OF_SHAPE: return fold_constant_of_shape(f);
    case F_EXPAND: return fold_expand(f);
    case F_RANGE: return fold_range(f);
    }
    return 0;
}

/* Reads the inputs' values: 0, or 1 when some input is not a readable constant. Shape reads only dims. */
static int read_inputs(fold *f, const struct fold_entry *e)
{
    const onnx_node *n = &f->g->nodes[f->node];
    if (n->input_count < required_inputs(e->kind) || n->input_count > FOLD_MAX_INPUTS)
        return 1;
    f->inputs = n->input_count;
    if (e->kind == F_SHAPE) {
        int t = n->inputs[0];
        return t >= 0 && onnx_shape_of(f->g, t) && !f->g->tensors[t].blocked ? 0 : 1;
    }
    for (int k = 0; k < n->input_count; k++) {
        int t = n->inputs[k];
        if (t < 0) {
            if (k < required_inputs(e->kind))
                return 1;
            continue;
        }
        int rc = read_constant(f->g, t, &f->in[k]);
        if (rc)
            return 1;
        f->present[k] = 1;
    }
    return 0;
}

int onnx_fold_node(onnx_graph *g, int node, fcn_error *err)
{
    const struct fold_entry *e = find_fold(g, node);
    const onnx_node *n = &g->nodes[node];
    if (!e || n->output_count < 1 || n->outputs[0] < 0)
        return 0;
    fold f = {.g = g, .node = node, .err = err};
    int rc = read_inputs(&f, e);
    if (rc == 0) {
        rc = evaluate(&f, e) ? -1 : store_output(&f) ? -1 : 1;
    } else {
        rc = 0;
    }
    for (int k = 0; k < FOLD_MAX_INPUTS; k++)
        value_free(&f.in[k]);
    value_free(&f.out);
    return rc;
}

int onnx_constant_numbers(const onnx_graph *g, int tensor, double *out, size_t max, size_t *count)
{
    value v;
    *count = 0;
    if (tensor < 0 || read_constant(g, tensor, &v))
        return 1;
    int rc = (size_t)v.count > max;
    for (int64_t i = 0; !rc && i < v.count; i++)
        out[i] = real_at(&v, i);
    if (!rc)
        *count = (size_t)v.count;
    value_free(&v);
    return rc;
}
