/*
 * Internal to the evaluator of size arithmetic (src/onnx/onnx_fold*.c): values,
 * reading constants into them, and the operators.
 */
#ifndef FCN_ONNX_FOLD_VALUE_H
#define FCN_ONNX_FOLD_VALUE_H

#include "onnx_graph.h"

#define FOLD_MAX_ELEMENTS 65536
#define FOLD_MAX_INPUTS 8

typedef struct fold_value {
    onnx_shape shape;
    int64_t count;
    int is_float;
    int64_t *ints;  /* count values, !is_float */
    double *reals;  /* count values, is_float */
} fold_value;

typedef struct fold_state {
    onnx_graph *g;
    int node;
    fold_value in[FOLD_MAX_INPUTS]; /* the inputs' values (count 0 and no arrays for an omitted one) */
    int present[FOLD_MAX_INPUTS];
    int inputs;
    fold_value out;
    fcn_error *err;
} fold_state;

typedef enum binary_op { ADD, SUB, MUL, DIV, POW, MAX, MIN, MOD, EQUAL, LESS, GREATER } binary_op;
typedef enum unary_op { FLOOR, CEIL, SQRT, NEG, ABS, RECIPROCAL } unary_op;

static inline double fold_real_at(const fold_value *v, int64_t i)
{
    return v->is_float ? v->reals[i] : (double)v->ints[i];
}

static inline int64_t fold_int_at(const fold_value *v, int64_t i)
{
    return v->is_float ? (int64_t)v->reals[i] : v->ints[i];
}

void fold_value_free(fold_value *v);
/* Room for a value of `shape`: 0, or 1 when too large to evaluate, -1 out of memory. */
int fold_value_alloc(fold_value *v, const onnx_shape *shape, int is_float);
/* A TensorProto's values: 0, or 1 when they cannot be read (stored elsewhere, too many, another type). */
int fold_read_tensor(const Onnx__TensorProto *t, const onnx_shape *shape, fold_value *v);
/* A constant tensor's values: 0, or 1 when they cannot be read. */
int fold_read_constant(const onnx_graph *g, int tensor, fold_value *v);
/* The computed value becomes the node's first output, a constant the graph owns; -1 with the message. */
int fold_store_output(fold_state *f);

/* The operators (src/onnx/onnx_fold_ops.c): each fills f->out from f->in; -1 with the message naming the node. */
int fold_shape(fold_state *f);
int fold_gather(fold_state *f);
int fold_slice(fold_state *f);
int fold_concat(fold_state *f);
int fold_unsqueeze(fold_state *f, int squeeze);
int fold_reshape(fold_state *f);
int fold_flatten(fold_state *f);
int fold_same_values(fold_state *f, const onnx_shape *s);
int fold_cast(fold_state *f);
int fold_binary(fold_state *f, binary_op op);
int fold_variadic(fold_state *f, binary_op op);
int fold_where(fold_state *f);
int fold_unary(fold_state *f, unary_op op);
int fold_constant_of_shape(fold_state *f);
int fold_expand(fold_state *f);
int fold_range(fold_state *f);

#endif
