/*
 * The platform file's JSON form (CONFIG.md "Platform"): the optimisers'
 * (resources at the top level, "mem_bandwidth") or SAMO's (resources under
 * "resources", "bandwidth").
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "platform_read.h"

/* The number at `key`, spelt as a JSON integer, a real or a numeric string. */
static platform_value number_at(const json_t *object, const char *key, const char *path, fcn_error *err)
{
    platform_value v = {path, 0, 0, "", 0, 0};
    snprintf(v.name, sizeof v.name, "\"%s\"", key);
    const json_t *value = json_object_get(object, key);
    if (!value)
        return v;
    v.found = 1;
    if (json_is_number(value)) {
        v.value = json_number_value(value);
    } else if (json_is_string(value)) {
        const char *s = json_string_value(value);
        char *end;
        errno = 0;
        v.value = strtod(s, &end);
        if (end == s || *end != '\0' || errno != 0 || !isfinite(v.value))
            v.found = platform_fail(&v, err, ": expected a number, got \"%.40s\"", s);
    } else {
        v.found = platform_fail(&v, err, ": expected a number");
    }
    return v;
}

/*
 * The clock, in Hz: a zero or absurd value would silently become the default
 * or a latency of centuries, so it must be a clock an FPGA runs at.
 */
static int get_freq(const json_t *object, const char *path, double *freq_mhz, fcn_error *err)
{
    const platform_value v = number_at(object, "freq", path, err);
    const double hz = v.value;
    *freq_mhz = 0;
    if (v.found <= 0)
        return v.found;
    if (hz >= PLATFORM_MIN_FREQ_MHZ * 1e6 && hz <= PLATFORM_MAX_FREQ_MHZ * 1e6) {
        *freq_mhz = hz / 1e6;
        return 0;
    }
    if (hz >= PLATFORM_MIN_FREQ_MHZ && hz <= PLATFORM_MAX_FREQ_MHZ)
        return platform_fail(&v, err, " is in Hz: %g Hz is no FPGA clock (for %g MHz write %.0f)", hz, hz, hz * 1e6);
    return platform_fail(&v, err, " is in Hz and must be from %g to %g, got %g", PLATFORM_MIN_FREQ_MHZ * 1e6,
                         PLATFORM_MAX_FREQ_MHZ * 1e6, hz);
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

int platform_read_json(const json_t *root, const char *path, fcn_platform *out, fcn_error *err)
{
    if (!json_is_object(root))
        return fcn_fail(err, "%s: expected a JSON object describing a platform", path);
    const json_t *resources = json_object_get(root, "resources");
    if (resources && !json_is_object(resources))
        return fcn_fail(err, "%s: platform \"resources\": expected an object", path);
    if (!resources)
        resources = root;

    const char *bandwidth = json_object_get(root, "mem_bandwidth") ? "mem_bandwidth" : "bandwidth";
    fcn_resource *r = &out->resource;
    if (get_text(root, "name", path, out->name, sizeof out->name, err) ||
        get_text(root, "part", path, out->part, sizeof out->part, err) ||
        platform_resource(number_at(resources, "LUT", path, err), 1, &r->lut, err) ||
        platform_resource(number_at(resources, "FF", path, err), 1, &r->ff, err) ||
        platform_resource(number_at(resources, "DSP", path, err), 1, &r->dsp, err) ||
        platform_resource(number_at(resources, "BRAM", path, err), 1, &r->bram, err) ||
        platform_resource(number_at(resources, "URAM", path, err), 0, &r->uram, err) ||
        get_freq(root, path, &out->freq_mhz, err) ||
        platform_amount(number_at(root, "reconf_time", path, err), -1, &out->reconf_time_s, err) ||
        platform_bandwidth(number_at(root, bandwidth, path, err), 1.0, "1e6 GB/s", &out->mem_bandwidth_gbs, err) ||
        platform_amount(number_at(root, "mem_capacity", path, err), 0, &out->mem_capacity_bytes, err) ||
        platform_count(number_at(root, "ports", path, err), PLATFORM_DEFAULT_PORTS, &out->ports, err) ||
        platform_count(number_at(root, "port_width", path, err), PLATFORM_DEFAULT_PORT_WIDTH, &out->port_width, err))
        return -1;
    return 0;
}
