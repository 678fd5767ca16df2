/*
 * Comparison helpers shared by the golden conformance tests. Each mismatch is
 * one line naming the case, the field, what we got and what the golden data
 * expects; the counters are check.h's, so check_summary covers them too.
 *
 * Tolerances are those of tests/data/golden/README.md: reals within a relative
 * 1e-9, integers exact, except that a LUT, FF or DSP figure may be off by one
 * where a linear model's dot product lands within 1e-9 of an integer (BRAM is
 * block arithmetic, never a linear model, so it gets no allowance). Those
 * tolerated off-by-ones are counted (golden_tolerated) and reported, so that a
 * model that leans on the allowance shows it.
 */
#ifndef FCN_TEST_GOLDEN_UTIL_H
#define FCN_TEST_GOLDEN_UTIL_H

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"

#define GOLDEN_REL_TOL 1e-9

/* Resource differences of exactly one that the tolerance let through. */
static int golden_tolerated;

/* Records one check; on failure prints "case: field: message". */
static inline void golden_record(int ok, const char *where, const char *field, const char *fmt,
                                 ...)
{
    check_count++;
    if (ok)
        return;
    check_failures++;
    fprintf(stderr, "%s: %s: ", where, field);
    va_list args;
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
}

static inline int golden_near(double got, double expected)
{
    return fabs(got - expected) <= GOLDEN_REL_TOL * fmax(fabs(expected), 1e-300);
}

static inline void golden_real(const char *where, const char *field, double got,
                               const json_t *expected)
{
    if (!json_is_number(expected)) {
        golden_record(0, where, field, "golden value missing or not a number");
        return;
    }
    double want = json_number_value(expected);
    golden_record(golden_near(got, want), where, field, "got %.17g, expected %.17g", got, want);
}

/* An integral golden value; reals are accepted when they hold an integer (1.0). */
static inline int golden_integral(const json_t *value, int64_t *out)
{
    if (json_is_integer(value)) {
        *out = (int64_t)json_integer_value(value);
        return 1;
    }
    if (json_is_real(value)) {
        double real = json_real_value(value);
        if (real == floor(real) && fabs(real) < 9.0e18) {
            *out = (int64_t)real;
            return 1;
        }
    }
    return 0;
}

static inline void golden_int(const char *where, const char *field, int64_t got,
                              const json_t *expected)
{
    int64_t want;
    if (!golden_integral(expected, &want)) {
        golden_record(0, where, field, "golden value missing or not an integer");
        return;
    }
    golden_record(got == want, where, field, "got %" PRId64 ", expected %" PRId64, got, want);
}

/*
 * One resource figure: exact, or, for the linear-model kinds (LUT, FF, DSP), off
 * by one (counted and noted). BRAM comes from exact block arithmetic: no allowance.
 */
static inline void golden_resource_item(const char *where, const char *field, const char *kind,
                                        int64_t got, const json_t *expected)
{
    int64_t want;
    if (!golden_integral(expected, &want)) {
        golden_record(0, where, field, "%s: golden value missing or not an integer", kind);
        return;
    }
    int64_t diff = got > want ? got - want : want - got;
    int64_t allowed = strcmp(kind, "BRAM") == 0 ? 0 : 1;
    if (diff == 1 && allowed) {
        golden_tolerated++;
        fprintf(stderr, "%s: %s: %s: note: got %" PRId64 ", expected %" PRId64
                " (tolerated off-by-one)\n", where, field, kind, got, want);
    }
    golden_record(diff <= allowed, where, field, "%s: got %" PRId64 ", expected %" PRId64, kind,
                  got, want);
}

static inline void golden_resource(const char *where, const char *field, fcn_resource got,
                                   const json_t *expected)
{
    if (!json_is_object(expected)) {
        golden_record(0, where, field, "golden resource missing");
        return;
    }
    golden_resource_item(where, field, "LUT", got.lut, json_object_get(expected, "LUT"));
    golden_resource_item(where, field, "FF", got.ff, json_object_get(expected, "FF"));
    golden_resource_item(where, field, "DSP", got.dsp, json_object_get(expected, "DSP"));
    golden_resource_item(where, field, "BRAM", got.bram, json_object_get(expected, "BRAM"));
}

/* Loads a golden file's `cases` array (a new reference), or prints why not and returns NULL. */
static inline json_t *golden_load_cases(const char *path)
{
    json_error_t error;
    json_t *root = json_load_file(path, 0, &error);
    if (!root) {
        fprintf(stderr, "%s:%d:%d: %s\n", path, error.line, error.column, error.text);
        return NULL;
    }
    json_t *cases = json_object_get(root, "cases");
    if (!json_is_array(cases)) {
        fprintf(stderr, "%s: no \"cases\" array\n", path);
        json_decref(root);
        return NULL;
    }
    json_incref(cases);
    json_decref(root);
    return cases;
}

/* A case's name, for messages. */
static inline const char *golden_case_name(const json_t *golden_case)
{
    const char *name = json_string_value(json_object_get(golden_case, "name"));
    return name ? name : "(unnamed case)";
}

/* The models whose configuration cases live in data/golden/MODEL.configs.json. */
#define GOLDEN_CONFIG_MODEL_COUNT 4
static inline const char *golden_config_model(size_t index)
{
    static const char *const models[GOLDEN_CONFIG_MODEL_COUNT] = {"lenet", "tinyvgg", "alexnet",
                                                                  "vgg11"};
    return index < GOLDEN_CONFIG_MODEL_COUNT ? models[index] : NULL;
}

/* Compares a chain's layer names, in order; reports the first that differs. */
static inline void golden_layer_names(const char *where, const char *field,
                                      const char *const *got, size_t got_count,
                                      const json_t *expected)
{
    if (!json_is_array(expected)) {
        golden_record(0, where, field, "golden layer names missing");
        return;
    }
    size_t want_count = json_array_size(expected);
    size_t common = got_count < want_count ? got_count : want_count;
    for (size_t i = 0; i < common; i++) {
        const char *want = json_string_value(json_array_get(expected, i));
        const char *have = got[i] ? got[i] : "(null)";
        if (!want || strcmp(have, want) != 0) {
            golden_record(0, where, field, "layer %zu is \"%s\", expected \"%s\"", i, have,
                          want ? want : "(not a string)");
            return;
        }
    }
    if (got_count != want_count) {
        int has_extra = got_count > want_count;
        const char *first = has_extra ? got[common]
                                      : json_string_value(json_array_get(expected, common));
        golden_record(0, where, field, "%zu layers, expected %zu (first %s: \"%s\")", got_count,
                      want_count, has_extra ? "extra" : "missing", first ? first : "(null)");
        return;
    }
    golden_record(1, where, field, "ok");
}

/* A partition's figures against the golden ones (all but its layer names, which callers compare their way). */
static inline void golden_partition_figures(const char *where, const fcn_partition_figures *got, const json_t *want)
{
    golden_real(where, "interval", got->interval, json_object_get(want, "interval"));
    golden_int(where, "pipeline_depth", got->pipeline_depth, json_object_get(want, "pipeline_depth"));
    golden_real(where, "latency_s", got->latency_s, json_object_get(want, "latency_s"));
    golden_int(where, "streams_in", got->streams_in, json_object_get(want, "streams_in"));
    golden_int(where, "streams_out", got->streams_out, json_object_get(want, "streams_out"));
    golden_int(where, "size_wr", got->size_wr, json_object_get(want, "size_wr"));
    golden_real(where, "bandwidth_in", got->bandwidth_in, json_object_get(want, "bandwidth_in"));
    golden_real(where, "bandwidth_out", got->bandwidth_out, json_object_get(want, "bandwidth_out"));
    golden_resource(where, "resource", got->resource, json_object_get(want, "resource"));
    golden_int(where, "operations", got->operations, json_object_get(want, "operations"));
}

/* Runs `run_case` on every case of every golden configs file; prints pass counts per model and in all. */
static inline void golden_run_config_cases(const char *test_name, int (*run_case)(const char *, const json_t *))
{
    size_t passed = 0, total = 0;
    for (size_t m = 0; m < GOLDEN_CONFIG_MODEL_COUNT; m++) {
        const char *model = golden_config_model(m);
        char path[128];
        snprintf(path, sizeof path, "data/golden/%s.configs.json", model);
        json_t *cases = golden_load_cases(path);
        CHECK(cases != NULL);
        if (!cases)
            continue;
        CHECK(json_array_size(cases) > 0);
        size_t model_passed = 0, index;
        json_t *golden_case;
        json_array_foreach(cases, index, golden_case)
            model_passed += (size_t)run_case(model, golden_case);
        printf("%s: %s: %zu of %zu cases pass\n", test_name, model, model_passed, json_array_size(cases));
        passed += model_passed;
        total += json_array_size(cases);
        json_decref(cases);
    }
    printf("%s: %zu of %zu cases pass\n", test_name, passed, total);
}

/* Prints how many off-by-one resources were tolerated, then the check summary. */
static inline int golden_summary(const char *test_name)
{
    printf("%s: %d resource figures tolerated off by one\n", test_name, golden_tolerated);
    return check_summary(test_name);
}

#endif
