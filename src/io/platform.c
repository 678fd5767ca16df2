/*
 * Reading a platform file (CONFIG.md "Platform"): JSON or TOML, by the file's
 * extension, else by its first character; and the checks both forms share.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "file_read.h"
#include "json_file.h"
#include "platform_read.h"

int platform_fail(const platform_value *v, fcn_error *err, const char *fmt, ...)
{
    char what[sizeof((fcn_error *)0)->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (v->line > 0)
        return fcn_fail(err, "%s:%d:%d: platform %s%s", v->source, v->line, v->column, v->name, what);
    return fcn_fail(err, "%s: platform %s%s", v->source, v->name, what);
}

int platform_resource(platform_value v, int required, int64_t *out, fcn_error *err)
{
    *out = 0;
    if (v.found < 0)
        return -1;
    if (!v.found && required) {
        if (v.line > 0)
            return fcn_fail(err, "%s:%d:%d: platform lacks %s", v.source, v.line, v.column, v.name);
        return fcn_fail(err, "%s: platform lacks %s", v.source, v.name);
    }
    if (v.found && (v.value != floor(v.value) || v.value < required || v.value > 9.0e15))
        return platform_fail(&v, err, " must be a whole number from %d to 9e15, got %.17g", required, v.value);
    *out = (int64_t)v.value;
    return 0;
}

int platform_count(platform_value v, int64_t fallback, int64_t *out, fcn_error *err)
{
    *out = fallback;
    if (v.found <= 0)
        return v.found;
    if (v.value != floor(v.value) || v.value < 1 || v.value > 2147483647.0)
        return platform_fail(&v, err, " must be a whole number from 1 to 2147483647, got %.17g", v.value);
    *out = (int64_t)v.value;
    return 0;
}

int platform_amount(platform_value v, double fallback, double *out, fcn_error *err)
{
    *out = fallback;
    if (v.found <= 0)
        return v.found;
    if (!(v.value >= 0))
        return platform_fail(&v, err, " must not be negative, got %g", v.value);
    *out = v.value;
    return 0;
}

/* Zero would be a board that cannot read its input; a board without a bandwidth leaves the field out. */
int platform_bandwidth(platform_value v, double gbs_per_unit, const char *max_text, double *gbs, fcn_error *err)
{
    *gbs = 0;
    if (v.found <= 0)
        return v.found;
    if (!(v.value > 0) || v.value > PLATFORM_MAX_BANDWIDTH_GBS / gbs_per_unit)
        return platform_fail(&v, err, " must be more than 0 and at most %s, got %g (leave it out to check no "
                             "bandwidth)", max_text, v.value);
    *gbs = v.value * gbs_per_unit;
    return 0;
}

static int ends_with(const char *text, const char *suffix)
{
    const size_t length = strlen(text), n = strlen(suffix);
    if (length < n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = text[length - n + i];
        if ((c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != suffix[i])
            return 0;
    }
    return 1;
}

/* ".toml" decides; otherwise (standard input, other names) JSON is what starts with '{'. */
static int is_toml(const char *path, const char *text, size_t length)
{
    if (ends_with(path, ".toml"))
        return 1;
    size_t i = length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < length && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
        i++;
    return i == length || text[i] != '{';
}

/* A ".json" file is streamed, as before TOML; any other is read whole (bounded) to see which form it is. */
static int read_form(const char *path, fcn_platform *out, fcn_error *err)
{
    const char *source = strcmp(path, "-") == 0 ? "standard input" : path;
    json_t *root = NULL;
    if (ends_with(path, ".json")) {
        root = json_file_load(path, err);
    } else {
        size_t length = 0;
        char *text = file_read_all(path, PLATFORM_TEXT_MAX_SIZE, &length, err);
        if (!text)
            return -1;
        if (is_toml(path, text, length)) {
            const int rc = platform_read_toml(text, length, source, out, err);
            free(text);
            return rc;
        }
        root = json_text_load(text, length, source, err);
        free(text);
    }
    if (!root)
        return -1;
    const int rc = platform_read_json(root, source, out, err);
    json_decref(root);
    return rc;
}

/* Messages quote the file (jansson's "near '...'", a bad number): control characters there would break the line. */
static int one_line(fcn_error *err)
{
    if (err)
        for (char *c = err->message; *c; c++)
            if ((unsigned char)*c < 0x20)
                *c = '?';
    return -1;
}

int fcn_platform_read(const char *path, fcn_platform *out, fcn_error *err)
{
    if (!path || !out)
        return fcn_fail(err, "no platform file given");
    memset(out, 0, sizeof *out);
    if (read_form(path, out, err)) {
        memset(out, 0, sizeof *out);
        return one_line(err);
    }
    return 0;
}
