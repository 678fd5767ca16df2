/* Reading typed fields of the configuration's JSON: integers in their several spellings, strings, pairs. */
#include "config_fields.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- messages */


/* "SOURCE: partition P[, layer 'L'][, field 'F']: what", and returns -1. */
int config_fail_at(fcn_error *err, const place *at, const char *field, const char *fmt, ...)
{
    if (!err)
        return -1;
    char what[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);

    char layer[160] = "", name[80] = "";
    if (at->layer)
        snprintf(layer, sizeof layer, ", layer '%.120s'", at->layer);
    else if (at->layer_index >= 0)
        snprintf(layer, sizeof layer, ", layer %d", at->layer_index);
    if (field)
        snprintf(name, sizeof name, ", field '%.60s'", field);
    return fcn_fail(err, "%.200s: partition %lld%s%s: %s", at->source, (long long)at->partition, layer, name, what);
}

/* A short one-line rendering of a JSON value, for "got ..." in messages. */
const char *json_describe(const json_t *value, char *buf, size_t size)
{
    switch (json_typeof(value)) {
    case JSON_STRING: {
        const char *s = json_string_value(value);
        size_t len = strlen(s);
        int n = snprintf(buf, size, "\"%.40s%s\"", s, len > 40 ? "..." : "");
        for (int i = 0; i < n && (size_t)i < size; i++)
            if ((unsigned char)buf[i] < 0x20)
                buf[i] = '?'; /* keep the message on one line */
        break;
    }
    case JSON_INTEGER:
        snprintf(buf, size, "%lld", (long long)json_integer_value(value));
        break;
    case JSON_REAL:
        snprintf(buf, size, "%g", json_real_value(value));
        break;
    case JSON_TRUE:
        snprintf(buf, size, "true");
        break;
    case JSON_FALSE:
        snprintf(buf, size, "false");
        break;
    case JSON_NULL:
        snprintf(buf, size, "null");
        break;
    case JSON_OBJECT:
        snprintf(buf, size, "an object");
        break;
    case JSON_ARRAY:
        snprintf(buf, size, "an array");
        break;
    }
    return buf;
}

char *config_strdup(const char *s)
{
    size_t size = strlen(s) + 1;
    char *copy = malloc(size);
    return copy ? memcpy(copy, s, size) : NULL;
}

/* ------------------------------------------------------------- integers */

/* A whole string of the form [+-]digits, as protobuf writes int64; no spaces, no exponent. */
decimal_status config_parse_decimal(const char *s, int64_t *out)
{
    int negative = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    if (!*s)
        return DECIMAL_INVALID;
    uint64_t value = 0;
    const uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return DECIMAL_INVALID;
        unsigned digit = (unsigned)(*s - '0');
        if (value > (limit - digit) / 10)
            return DECIMAL_RANGE;
        value = value * 10 + digit;
    }
    if (negative)
        *out = value == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)value;
    else
        *out = (int64_t)value;
    return DECIMAL_OK;
}

/* An integer spelt as a JSON integer, an integral real (16.0) or a decimal string ("16"), within [min, max]. */
int config_read_integer(const json_t *value, const place *at, const char *field, int64_t min, int64_t max,
                        int64_t *out, fcn_error *err)
{
    char found[64];
    int64_t v = 0;
    switch (json_typeof(value)) {
    case JSON_INTEGER:
        v = (int64_t)json_integer_value(value);
        break;
    case JSON_REAL: {
        double d = json_real_value(value);
        if (d != floor(d))
            return config_fail_at(err, at, field, "expected an integer, got %s", json_describe(value, found, sizeof found));
        if (fabs(d) >= 9.2e18)
            return config_fail_at(err, at, field, "%s is out of range", json_describe(value, found, sizeof found));
        v = (int64_t)d;
        break;
    }
    case JSON_STRING:
        switch (config_parse_decimal(json_string_value(value), &v)) {
        case DECIMAL_OK:
            break;
        case DECIMAL_INVALID:
            return config_fail_at(err, at, field, "expected an integer, got %s", json_describe(value, found, sizeof found));
        case DECIMAL_RANGE:
            return config_fail_at(err, at, field, "%s is out of range", json_describe(value, found, sizeof found));
        }
        break;
    default:
        return config_fail_at(err, at, field, "expected an integer, got %s", json_describe(value, found, sizeof found));
    }
    if (v < min) {
        if (min == 0)
            return config_fail_at(err, at, field, "must not be negative, got %lld", (long long)v);
        return config_fail_at(err, at, field, "must be at least %lld, got %lld", (long long)min, (long long)v);
    }
    if (v > max)
        return config_fail_at(err, at, field, "must be at most %lld, got %lld", (long long)max, (long long)v);
    *out = v;
    return 0;
}


/* 1 if the field is present and read, 0 if absent or after a failure. */
int field_ranged(field_reader *r, const char *key, int64_t min, int64_t max, int64_t *out)
{
    if (r->failed)
        return 0;
    const json_t *value = json_object_get(r->object, key);
    if (!value)
        return 0;
    if (config_read_integer(value, r->at, key, min, max, out, r->err)) {
        r->failed = 1;
        return 0;
    }
    return 1;
}

int field_int64(field_reader *r, const char *key, int64_t min, int64_t *out)
{
    return field_ranged(r, key, min, FIELD_MAX, out);
}

int field_int(field_reader *r, const char *key, int64_t min, int *out)
{
    int64_t value = 0;
    if (!field_ranged(r, key, min, FIELD_MAX, &value))
        return 0;
    *out = (int)value;
    return 1;
}

void field_require_int64(field_reader *r, const char *key, int64_t min, int64_t *out)
{
    if (!field_int64(r, key, min, out) && !r->failed) {
        config_fail_at(r->err, r->at, NULL, "missing required parameter \"%s\"", key);
        r->failed = 1;
    }
}

void field_optional_int64(field_reader *r, const char *key, int64_t min, int64_t *out)
{
    field_int64(r, key, min, out);
}

/* kernel_size or stride: [rows, cols], or [rows, cols, depth] (the newest form's 3-D layers); how many, 0 if absent. */
int field_window_dims(field_reader *r, const char *key, int64_t min, int64_t out[3])
{
    if (r->failed)
        return 0;
    const json_t *value = json_object_get(r->object, key);
    if (!value)
        return 0;
    char found[64];
    const size_t count = json_is_array(value) ? json_array_size(value) : 0;
    if (count != 2 && count != 3) {
        if (json_is_array(value))
            snprintf(found, sizeof found, "%zu of them", count);
        else
            json_describe(value, found, sizeof found);
        config_fail_at(r->err, r->at, key, "expected an array of 2 or 3 integers ([rows, cols] or [rows, cols, depth]), "
                       "got %s", found);
        r->failed = 1;
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        char field[64];
        snprintf(field, sizeof field, "%s[%zu]", key, i);
        if (config_read_integer(json_array_get(value, i), r->at, field, min, FIELD_MAX, &out[i], r->err)) {
            r->failed = 1;
            return 0;
        }
    }
    return (int)count;
}

/* A string field; NULL if absent (or JSON null), and r->failed if it is something else. */
const char *field_string(field_reader *r, const char *key)
{
    if (r->failed)
        return NULL;
    const json_t *value = json_object_get(r->object, key);
    if (!value || json_is_null(value))
        return NULL;
    if (json_is_string(value))
        return json_string_value(value);
    char found[64];
    config_fail_at(r->err, r->at, key, "expected a string, got %s", json_describe(value, found, sizeof found));
    r->failed = 1;
    return NULL;
}

/* One of two words (or its number 0/1, or false/true); 1 if present and read. */
int field_choice(field_reader *r, const char *key, const char *zero, const char *one, int *out)
{
    const json_t *v = r->failed || !r->object ? NULL : json_object_get(r->object, key);
    if (!v)
        return 0;
    char what[96];
    snprintf(what, sizeof what, "expected \"%s\" or \"%s\"", zero, one);
    if (json_is_string(v) && (strcmp(json_string_value(v), zero) == 0 || strcmp(json_string_value(v), one) == 0)) {
        *out = strcmp(json_string_value(v), one) == 0;
        return 1;
    }
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return 1;
    }
    if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
        *out = (int)json_integer_value(v);
        return 1;
    }
    char found[64];
    config_fail_at(r->err, r->at, key, "%s, got %s", what, json_describe(v, found, sizeof found));
    r->failed = 1;
    return 0;
}

/* node_in / node_out: a string, or (newer files) a list holding at most one string. */
int field_nodes(field_reader *r, const char *key, const char **names, int capacity)
{
    if (r->failed)
        return 0;
    const json_t *value = json_object_get(r->object, key);
    if (!json_is_array(value)) {
        names[0] = field_string(r, key);
        return names[0] ? 1 : 0;
    }
    char found[64], field[80];
    if (json_array_size(value) > (size_t)capacity) {
        config_fail_at(r->err, r->at, key, "expected at most %d layer names, got %zu", capacity,
                       json_array_size(value));
        r->failed = 1;
        return 0;
    }
    int n = (int)json_array_size(value);
    for (int i = 0; i < n; i++) {
        const json_t *name = json_array_get(value, (size_t)i);
        if (!json_is_string(name)) {
            snprintf(field, sizeof field, "%s[%d]", key, i);
            config_fail_at(r->err, r->at, field, "expected a layer name, got %s", json_describe(name, found, sizeof found));
            r->failed = 1;
            return 0;
        }
        names[i] = json_string_value(name);
    }
    return n;
}
