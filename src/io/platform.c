/*
 * Reading a platform description (CONFIG.md "Platform"), in the optimisers'
 * form (resources at the top level, "mem_bandwidth") or SAMO's (resources
 * under "resources", "bandwidth").
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json_file.h"

/* A number spelt as a JSON integer, a real or a numeric string; 0 if absent, 1 if read, -1 on error. */
static int get_number(const json_t *object, const char *key, const char *path, double *out, fcn_error *err)
{
    const json_t *value = json_object_get(object, key);
    if (!value)
        return 0;
    if (json_is_number(value)) {
        *out = json_number_value(value);
        return 1;
    }
    if (json_is_string(value)) {
        const char *s = json_string_value(value);
        char *end;
        errno = 0;
        double d = strtod(s, &end);
        if (end != s && *end == '\0' && errno == 0 && isfinite(d)) {
            *out = d;
            return 1;
        }
        return fcn_fail(err, "%s: platform \"%s\": expected a number, got \"%.40s\"", path, key, s);
    }
    return fcn_fail(err, "%s: platform \"%s\": expected a number", path, key);
}

/* An optional whole number >= 1 (ports, port_width); `fallback` when absent. */
static int get_count(const json_t *object, const char *key, const char *path, int64_t fallback, int64_t *out,
                     fcn_error *err)
{
    double value = 0;
    int found = get_number(object, key, path, &value, err);
    if (found < 0)
        return -1;
    if (!found) {
        *out = fallback;
        return 0;
    }
    if (value != floor(value) || value < 1 || value > 2147483647.0)
        return fcn_fail(err, "%s: platform \"%s\" must be a whole number from 1 to 2147483647, got %.17g", path,
                        key, value);
    *out = (int64_t)value;
    return 0;
}

/*
 * The clock, in Hz: a zero or absurd value would silently become the default
 * or a latency of centuries, so it must be a clock an FPGA runs at.
 */
#define MIN_FREQ_HZ 1e6
#define MAX_FREQ_HZ 1e10

static int get_freq(const json_t *object, const char *path, double *freq_mhz, fcn_error *err)
{
    double hz = 0;
    int found = get_number(object, "freq", path, &hz, err);
    if (found <= 0) {
        *freq_mhz = 0;
        return found;
    }
    if (hz >= MIN_FREQ_HZ && hz <= MAX_FREQ_HZ) {
        *freq_mhz = hz / 1e6;
        return 0;
    }
    if (hz >= 1 && hz <= 10000)
        return fcn_fail(err, "%s: platform \"freq\" is in Hz: %g Hz is no FPGA clock (for %g MHz write %.0f)", path,
                        hz, hz, hz * 1e6);
    return fcn_fail(err, "%s: platform \"freq\" is in Hz and must be from %g to %g, got %g", path, MIN_FREQ_HZ,
                    MAX_FREQ_HZ, hz);
}

/* Memory bandwidth in GB/s: absent means unchecked; zero would be a board that cannot read its input. */
static int get_bandwidth(const json_t *object, const char *key, const char *path, double *out, fcn_error *err)
{
    double value = 0;
    int found = get_number(object, key, path, &value, err);
    if (found <= 0) {
        *out = 0;
        return found;
    }
    if (!(value > 0) || value > 1e6)
        return fcn_fail(err, "%s: platform \"%s\" must be more than 0 and at most 1e6 GB/s, got %g (leave it out "
                        "to check no bandwidth)", path, key, value);
    *out = value;
    return 0;
}

/* An optional amount >= 0 (seconds, GB/s, bytes); `fallback` when absent. */
static int get_amount(const json_t *object, const char *key, const char *path, double fallback, double *out,
                      fcn_error *err)
{
    double value = 0;
    int found = get_number(object, key, path, &value, err);
    if (found < 0)
        return -1;
    if (!found) {
        *out = fallback;
        return 0;
    }
    if (!(value >= 0))
        return fcn_fail(err, "%s: platform \"%s\" must not be negative, got %g", path, key, value);
    *out = value;
    return 0;
}

/* A required resource count: a whole number >= 1. */
static int get_resource(const json_t *resources, const char *key, const char *path, int64_t *out, fcn_error *err)
{
    double value = 0;
    int found = get_number(resources, key, path, &value, err);
    if (found < 0)
        return -1;
    if (!found)
        return fcn_fail(err, "%s: platform lacks \"%s\"", path, key);
    if (value != floor(value) || value < 1 || value > 9.0e15)
        return fcn_fail(err, "%s: platform \"%s\" must be a whole number from 1 to 9e15, got %.17g", path, key,
                        value);
    *out = (int64_t)value;
    return 0;
}

static int get_text(const json_t *object, const char *key, const char *path, char *out, size_t size, fcn_error *err)
{
    const json_t *value = json_object_get(object, key);
    out[0] = '\0';
    if (!value)
        return 0;
    if (!json_is_string(value))
        return fcn_fail(err, "%s: platform \"%s\": expected a string", path, key);
    snprintf(out, size, "%s", json_string_value(value));
    return 0;
}

static int read_platform(const json_t *root, const char *path, fcn_platform *out, fcn_error *err)
{
    if (!json_is_object(root))
        return fcn_fail(err, "%s: expected a JSON object describing a platform", path);
    const json_t *resources = json_object_get(root, "resources");
    if (resources && !json_is_object(resources))
        return fcn_fail(err, "%s: platform \"resources\": expected an object", path);
    if (!resources)
        resources = root;

    const char *bandwidth = json_object_get(root, "mem_bandwidth") ? "mem_bandwidth" : "bandwidth";
    if (get_text(root, "name", path, out->name, sizeof out->name, err) ||
        get_text(root, "part", path, out->part, sizeof out->part, err) ||
        get_resource(resources, "LUT", path, &out->resource.lut, err) ||
        get_resource(resources, "FF", path, &out->resource.ff, err) ||
        get_resource(resources, "DSP", path, &out->resource.dsp, err) ||
        get_resource(resources, "BRAM", path, &out->resource.bram, err) ||
        get_freq(root, path, &out->freq_mhz, err) ||
        get_amount(root, "reconf_time", path, -1, &out->reconf_time_s, err) ||
        get_bandwidth(root, bandwidth, path, &out->mem_bandwidth_gbs, err) ||
        get_amount(root, "mem_capacity", path, 0, &out->mem_capacity_bytes, err) ||
        get_count(root, "ports", path, 1, &out->ports, err) ||
        get_count(root, "port_width", path, 64, &out->port_width, err))
        return -1;
    return 0;
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
    json_t *root = json_file_load(path, err);
    if (!root)
        return one_line(err);
    int rc = read_platform(root, path, out, err);
    json_decref(root);
    if (rc) {
        memset(out, 0, sizeof *out);
        return one_line(err);
    }
    return 0;
}
