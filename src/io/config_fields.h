/* Internal: reading typed fields of the configuration's JSON, with messages that say where. */
#ifndef FCN_CONFIG_FIELDS_H
#define FCN_CONFIG_FIELDS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* No field may exceed this, so that products of a few fields cannot overflow int64 later on. */
#define FIELD_MAX INT64_C(2147483647)

/* Where in the document a problem lies; it becomes the message's prefix. */
typedef struct place {
    const char *source;
    int64_t partition; /* its id, or its index until the id is known */
    const char *layer; /* NULL at partition level */
    int layer_index;   /* names a layer whose name is not known yet; -1 for none */
} place;

/*
 * Reads the fields of one JSON object. The first failure is kept in err and
 * every later read is skipped, so a run of reads needs one check at its end.
 */
typedef struct field_reader {
    const json_t *object; /* may be NULL: every field is then absent */
    const place *at;
    fcn_error *err;
    int failed;
} field_reader;

typedef enum { DECIMAL_OK, DECIMAL_INVALID, DECIMAL_RANGE } decimal_status;

/* A decimal integer with an optional sign and nothing else. */
decimal_status config_parse_decimal(const char *s, int64_t *out);
/* "SOURCE: partition P[, layer 'L'][, field 'F']: what"; returns -1. */
int config_fail_at(fcn_error *err, const place *at, const char *field, const char *fmt, ...) FCN_PRINTF(4, 5);
const char *json_describe(const json_t *value, char *buf, size_t size);
char *config_strdup(const char *s);
int config_read_integer(const json_t *value, const place *at, const char *field, int64_t min, int64_t max,
                        int64_t *out, fcn_error *err);
int field_ranged(field_reader *r, const char *key, int64_t min, int64_t max, int64_t *out);
int field_int64(field_reader *r, const char *key, int64_t min, int64_t *out);
int field_int(field_reader *r, const char *key, int64_t min, int *out);
void field_require_int64(field_reader *r, const char *key, int64_t min, int64_t *out);
void field_optional_int64(field_reader *r, const char *key, int64_t min, int64_t *out);
/* kernel_size or stride: [rows, cols] or [rows, cols, depth]; how many (2 or 3), 0 when absent or after a failure. */
int field_window_dims(field_reader *r, const char *key, int64_t min, int64_t out[3]);
const char *field_string(field_reader *r, const char *key);
/* One of two words (or its number 0/1, or false/true): *out 0 or 1; 1 if present and read. */
int field_choice(field_reader *r, const char *key, const char *zero, const char *one, int *out);
/* A layer name or a list of them (node_in, node_out): how many, into names; 0 when absent or empty. */
int field_nodes(field_reader *r, const char *key, const char **names, int capacity);

/* The fields of today's 2-D layers and fields (src/io/config_read_2d.c); has_ports_out: the file gives ports_out. */
struct fcn_layer;
void config_read_2d(field_reader *r, struct fcn_layer *l, int has_ports_out);

/*
 * The 3-D fields (src/io/config_3d.c), in either form: a window's kernel_depth, stride_depth,
 * dilation_depth, pad_front and pad_back; kernel[2] and stride[2] the depth entries of kernel_size and
 * stride when they have 3 (kernel_count, stride_count), which the single fields must agree with.
 */
void config_read_window_3d(field_reader *r, struct fcn_layer *l, const int64_t kernel[3], int kernel_count,
                           const int64_t stride[3], int stride_count);

#endif
