/* The operators of size arithmetic (src/onnx/onnx_fold.c has the table): each computes f->out from f->in. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_attrs.h"
#include "onnx_fold_value.h"
#include "onnx_shapes.h"

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

static int fail(const fold_state *f, const char *what)
{
    return onnx_node_fail(f->g, f->node, f->err, "%s", what);
}

/* ---------------------------------------------------------------- operators */

int fold_shape(fold_state *f)
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
    if (fold_value_alloc(&f->out, &s, 0))
        return fail(f, "out of memory evaluating it");
    for (int64_t i = start; i < end; i++)
        f->out.ints[i - start] = x->dims[i];
    return 0;
}

/* Copies element `from` of `in` to element `to` of the output (same kind). */
static void copy_element(fold_state *f, const fold_value *in, int64_t from, int64_t to)
{
    if (f->out.is_float)
        f->out.reals[to] = fold_real_at(in, from);
    else
        f->out.ints[to] = fold_int_at(in, from);
}

int fold_gather(fold_state *f)
{
    const fold_value *data = &f->in[0], *indices = &f->in[1];
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
    if (fold_value_alloc(&f->out, &s, data->is_float))
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
static int int_list(fold_state *f, const char *name, int64_t opset, int input, int64_t *out, size_t *count)
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
    const fold_value *v = &f->in[input];
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

int fold_slice(fold_state *f)
{
    const fold_value *data = &f->in[0];
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
    if (fold_value_alloc(&f->out, &s, data->is_float))
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

int fold_concat(fold_state *f)
{
    int64_t axis_attr = 0;
    if (onnx_attr_int(f->g, f->node, "axis", &axis_attr, f->err) < 0)
        return -1;
    const fold_value *first = &f->in[0];
    int axis = normal_axis(axis_attr, first->shape.rank), is_float = 0;
    if (axis < 0)
        return fail(f, "its axis is out of range");
    onnx_shape s = first->shape;
    s.dims[axis] = 0;
    for (int k = 0; k < f->inputs; k++) {
        const fold_value *v = &f->in[k];
        if (v->shape.rank != s.rank)
            return fail(f, "its inputs differ in rank");
        for (int i = 0; i < s.rank; i++)
            if (i != axis && v->shape.dims[i] != s.dims[i])
                return fail(f, "its inputs differ in more than the axis it joins");
        s.dims[axis] += v->shape.dims[axis];
        is_float |= v->is_float;
    }
    if (fold_value_alloc(&f->out, &s, is_float))
        return fail(f, "its output is too large to evaluate");
    int64_t outer = 1, inner = 1, offset = 0;
    for (int i = 0; i < axis; i++)
        outer *= s.dims[i];
    for (int i = axis + 1; i < s.rank; i++)
        inner *= s.dims[i];
    for (int k = 0; k < f->inputs; k++) {
        const fold_value *v = &f->in[k];
        int64_t block = v->shape.dims[axis] * inner;
        for (int64_t o = 0; o < outer; o++)
            for (int64_t i = 0; i < block; i++)
                copy_element(f, v, o * block + i, o * s.dims[axis] * inner + offset + i);
        offset += block;
    }
    return 0;
}

/* The output keeps the input's values, in a new shape. */
int fold_same_values(fold_state *f, const onnx_shape *s)
{
    if (onnx_shape_elements(s) != f->in[0].count)
        return fail(f, "its output shape does not hold its input's values");
    f->out = f->in[0];
    f->out.shape = *s;
    memset(&f->in[0], 0, sizeof f->in[0]); /* moved */
    return 0;
}

int fold_unsqueeze(fold_state *f, int squeeze)
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
    return fold_same_values(f, &s);
}

int fold_reshape(fold_state *f)
{
    const fold_value *target = &f->in[1];
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
        known = known > FOLD_MAX_ELEMENTS ? known : known * v; /* past any value's count: no match below */
    }
    if (infer >= 0) {
        if (known == 0 || f->in[0].count % known != 0)
            return fail(f, "its target shape does not hold its input's values");
        s.dims[infer] = f->in[0].count / known;
    }
    return fold_same_values(f, &s);
}

int fold_flatten(fold_state *f)
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
    return fold_same_values(f, &s);
}

/* Cast: to a real type or to an integer one (truncating; BOOL is 0 or 1). */
int fold_cast(fold_state *f)
{
    int64_t to = -1; /* absent: the type stays */
    const fold_value *x = &f->in[0];
    if (onnx_attr_int(f->g, f->node, "to", &to, f->err) < 0)
        return -1;
    int is_float = to == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT || to == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE ||
                   to == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16 || to == ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16 ||
                   (to < 0 && x->is_float);
    if (fold_value_alloc(&f->out, &x->shape, is_float))
        return fail(f, "out of memory evaluating it");
    for (int64_t i = 0; i < x->count; i++) {
        if (is_float)
            f->out.reals[i] = fold_real_at(x, i);
        else if (to == ONNX__TENSOR_PROTO__DATA_TYPE__BOOL)
            f->out.ints[i] = fold_real_at(x, i) != 0;
        else if (x->is_float && !(fabs(x->reals[i]) < 9.2e18))
            return fail(f, "it casts a value beyond the integers");
        else
            f->out.ints[i] = fold_int_at(x, i);
    }
    return 0;
}


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

int fold_binary(fold_state *f, binary_op op)
{
    const fold_value *a = &f->in[0], *b = &f->in[1];
    onnx_shape s;
    int is_float = a->is_float || b->is_float, compare = op == EQUAL || op == LESS || op == GREATER;
    if (broadcast_shape(&a->shape, &b->shape, &s))
        return fail(f, "its inputs' shapes do not broadcast");
    if (fold_value_alloc(&f->out, &s, is_float && !compare))
        return fail(f, "its output is too large to evaluate");
    for (int64_t i = 0; i < f->out.count; i++) {
        int64_t ia = broadcast_index(&s, &a->shape, i), ib = broadcast_index(&s, &b->shape, i);
        if (is_float) {
            double r = real_binary(op, fold_real_at(a, ia), fold_real_at(b, ib));
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
int fold_variadic(fold_state *f, binary_op op)
{
    if (f->inputs == 1)
        return fold_same_values(f, &f->in[0].shape);
    fold_value acc = f->in[0];
    memset(&f->in[0], 0, sizeof f->in[0]); /* moved */
    for (int k = 1; k < f->inputs; k++) {
        fold_state pair = {.g = f->g, .node = f->node, .err = f->err, .inputs = 2};
        pair.in[0] = acc;
        pair.in[1] = f->in[k]; /* borrowed */
        int rc = fold_binary(&pair, op);
        fold_value_free(&acc);
        if (rc) {
            fold_value_free(&pair.out);
            return rc;
        }
        acc = pair.out;
    }
    f->out = acc;
    return 0;
}

int fold_where(fold_state *f)
{
    const fold_value *c = &f->in[0], *x = &f->in[1], *y = &f->in[2];
    onnx_shape cx, s;
    if (broadcast_shape(&c->shape, &x->shape, &cx) || broadcast_shape(&cx, &y->shape, &s))
        return fail(f, "its inputs' shapes do not broadcast");
    if (fold_value_alloc(&f->out, &s, x->is_float || y->is_float))
        return fail(f, "its output is too large to evaluate");
    for (int64_t i = 0; i < f->out.count; i++) {
        int pick_x = fold_real_at(c, broadcast_index(&s, &c->shape, i)) != 0;
        const fold_value *v = pick_x ? x : y;
        copy_element(f, v, broadcast_index(&s, &v->shape, i), i);
    }
    return 0;
}


int fold_unary(fold_state *f, unary_op op)
{
    const fold_value *x = &f->in[0];
    int is_float = x->is_float || op == SQRT || op == RECIPROCAL;
    if (fold_value_alloc(&f->out, &x->shape, is_float))
        return fail(f, "out of memory evaluating it");
    for (int64_t i = 0; i < x->count; i++) {
        double r = fold_real_at(x, i);
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
        else if ((op == NEG || op == ABS) && x->ints[i] == INT64_MIN)
            return fail(f, "its integer arithmetic overflows");
        else
            f->out.ints[i] = op == NEG ? -x->ints[i] : op == ABS && x->ints[i] < 0 ? -x->ints[i] : x->ints[i];
    }
    return 0;
}

/* A shape given as a value: a list of non-negative integers. */
static int shape_from(fold_state *f, const fold_value *v, onnx_shape *s)
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

int fold_constant_of_shape(fold_state *f)
{
    onnx_shape s;
    fold_value fill = {{0, {0}}, 1, 1, NULL, (double[]){0.0}};
    fold_value read = {{0, {0}}, 0, 0, NULL, NULL};
    if (shape_from(f, &f->in[0], &s))
        return -1;
    const Onnx__AttributeProto *a = onnx_attr_find(f->g->nodes[f->node].proto, "value");
    if (a && a->t) {
        onnx_shape one = {1, {1}};
        if (fold_read_tensor(a->t, &one, &read) || read.count != 1) {
            fold_value_free(&read);
            return fail(f, "its attribute 'value' is not one number");
        }
    }
    const fold_value *v = read.count ? &read : &fill;
    int rc = fold_value_alloc(&f->out, &s, v->is_float);
    for (int64_t i = 0; rc == 0 && i < f->out.count; i++)
        copy_element(f, v, 0, i);
    fold_value_free(&read);
    return rc ? fail(f, "its output is too large to evaluate") : 0;
}

int fold_expand(fold_state *f)
{
    onnx_shape target, s;
    const fold_value *x = &f->in[0];
    if (shape_from(f, &f->in[1], &target))
        return -1;
    if (broadcast_shape(&x->shape, &target, &s))
        return fail(f, "its input does not broadcast to its shape");
    if (fold_value_alloc(&f->out, &s, x->is_float))
        return fail(f, "its output is too large to evaluate");
    for (int64_t i = 0; i < f->out.count; i++)
        copy_element(f, x, broadcast_index(&s, &x->shape, i), i);
    return 0;
}

int fold_range(fold_state *f)
{
    const fold_value *start = &f->in[0], *limit = &f->in[1], *delta = &f->in[2];
    if (start->count != 1 || limit->count != 1 || delta->count != 1 || fold_real_at(delta, 0) == 0)
        return fail(f, "its start, limit and delta must be single numbers, delta not 0");
    int is_float = start->is_float || limit->is_float || delta->is_float;
    double count = ceil((fold_real_at(limit, 0) - fold_real_at(start, 0)) / fold_real_at(delta, 0));
    if (!(count < FOLD_MAX_ELEMENTS))
        return fail(f, "its output is too large to evaluate");
    onnx_shape s = {1, {count > 0 ? (int64_t)count : 0}};
    if (fold_value_alloc(&f->out, &s, is_float))
        return fail(f, "out of memory evaluating it");
    for (int64_t i = 0; i < s.dims[0]; i++) {
        if (is_float)
            f->out.reals[i] = fold_real_at(start, 0) + (double)i * fold_real_at(delta, 0);
        else if (__builtin_mul_overflow(i, delta->ints[0], &f->out.ints[i]) ||
                 __builtin_add_overflow(f->out.ints[i], start->ints[0], &f->out.ints[i]))
            return fail(f, "its integer arithmetic overflows");
    }
    return 0;
}
