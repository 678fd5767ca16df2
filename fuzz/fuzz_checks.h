/*
 * What a reader must do with any input, beyond not crashing: shared by the
 * libFuzzer targets (which abort when a check fails, so that the fuzzer keeps
 * the input) and tests/test_fuzz_regressions.c (which reports it).
 *
 * A rejected input must leave one non-empty line in fcn_error. An accepted
 * network must be one the model evaluates, the reports write, and the writer
 * writes in either form (0.1.1, newest) so that the reader reads it back to the same text.
 *
 * Every check returns 0, or -1 with the broken promise in `why`.
 */
#ifndef FCN_FUZZ_CHECKS_H
#define FCN_FUZZ_CHECKS_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpgaconvnet.h"

#define FUZZ_WHY_SIZE 1024

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static inline int fuzz_broken(char *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, FUZZ_WHY_SIZE, fmt, ap);
    va_end(ap);
    return -1;
}

/* A rejected input: the message is one line that names the file (`source`) and says something. */
static inline int fuzz_check_error(const char *reader, const char *source, const fcn_error *err, char *why)
{
    if (err->message[0] == '\0')
        return fuzz_broken(why, "%s failed with an empty error message", reader);
    if (!strstr(err->message, source))
        return fuzz_broken(why, "%s's error message does not name the file %s: %s", reader, source, err->message);
    for (const char *c = err->message; *c; c++)
        if ((unsigned char)*c < 0x20)
            return fuzz_broken(why, "%s's error message has control character 0x%02x: %s", reader,
                               (unsigned)(unsigned char)*c, err->message);
    return 0;
}

/* The model's figures of a valid network are finite, and latency and throughput are positive. */
static inline int fuzz_check_figures(const fcn_network_figures *f, char *why)
{
    if (!(f->latency_s > 0) || !isfinite(f->latency_s) || !(f->throughput > 0) || !isfinite(f->throughput))
        return fuzz_broken(why, "evaluation gives latency %g s and throughput %g", f->latency_s, f->throughput);
    for (int i = 0; i < f->partition_count; i++) {
        const fcn_partition_figures *p = &f->partitions[i];
        if (!(p->interval > 0) || !isfinite(p->interval) || !isfinite(p->bandwidth_in) || !isfinite(p->bandwidth_out))
            return fuzz_broken(why, "partition %d: interval %g, bandwidth in %g, out %g", i, p->interval,
                               p->bandwidth_in, p->bandwidth_out);
    }
    return 0;
}

/* The allocation-free summary must agree with the full evaluation. */
static inline int fuzz_check_summaries(const fcn_network *net, const fcn_eval_options *opts,
                                       const fcn_network_figures *f, char *why)
{
    for (int i = 0; i < net->partition_count; i++) {
        fcn_partition_figures s;
        fcn_partition_summary(&net->partitions[i], opts, &s);
        const fcn_partition_figures *e = &f->partitions[i];
        if (s.interval != e->interval || s.pipeline_depth != e->pipeline_depth || s.latency_s != e->latency_s ||
            s.operations != e->operations || memcmp(&s.resource, &e->resource, sizeof s.resource) != 0)
            return fuzz_broken(why, "partition %d: summary and evaluation disagree", i);
    }
    return 0;
}

/* Both report formats, to a sink; with a platform when one is given. */
static inline int fuzz_write_reports(const fcn_network_figures *f, const fcn_platform *platform, char *why)
{
    FILE *sink = fopen("/dev/null", "w");
    if (!sink)
        return 0; /* nowhere to write: nothing to learn about the reader */
    fcn_error err = {{0}};
    int rc = 0;
    if (fcn_report_write(sink, FCN_REPORT_TEXT, f, platform, &err) ||
        fcn_report_write(sink, FCN_REPORT_JSON, f, platform, &err))
        rc = fuzz_broken(why, "report of a valid network fails: %s", err.message);
    fclose(sink);
    return rc;
}

static inline int fuzz_check_evaluation(const fcn_network *net, const fcn_platform *platform, char *why)
{
    const fcn_eval_options opts = {200.0, 0.08, 0};
    fcn_network_figures figures;
    fcn_error err = {{0}};
    if (fcn_network_evaluate(net, &opts, &figures, &err))
        return fuzz_broken(why, "evaluation of a valid network fails: %s", err.message);
    int rc = fuzz_check_figures(&figures, why);
    if (rc == 0)
        rc = fuzz_check_summaries(net, &opts, &figures, why);
    if (rc == 0)
        rc = fuzz_write_reports(&figures, platform, why);
    fcn_network_figures_free(&figures);
    return rc;
}

/*
 * Written in `format`, read back and written again, the configuration is the same text; so is a
 * clone's; and read back from the newest form, the network writes 0.1.1's text as the original does.
 */
static inline int fuzz_round_trip_form(const fcn_network *net, fcn_config_format format, char *why)
{
    fcn_error err = {{0}};
    char *first = fcn_network_write_string_format(net, format, &err);
    if (!first)
        return fuzz_broken(why, "writing a valid network fails: %s", err.message);
    fcn_network *again = fcn_network_read_string(first, "<written>", &err);
    fcn_network *clone = fcn_network_clone(net);
    char *second = again ? fcn_network_write_string_format(again, format, &err) : NULL;
    char *cloned = clone ? fcn_network_write_string_format(clone, format, &err) : NULL;
    char *old = format == FCN_CONFIG_NEWEST ? fcn_network_write_string(net, &err) : NULL;
    char *old_again = format == FCN_CONFIG_NEWEST && again ? fcn_network_write_string(again, &err) : NULL;
    int rc = 0;
    if (!again)
        rc = fuzz_broken(why, "the reader rejects what the writer wrote: %s", err.message);
    else if (!second || strcmp(first, second) != 0)
        rc = fuzz_broken(why, "written, read and written again, the configuration changes");
    else if (!cloned || strcmp(first, cloned) != 0)
        rc = fuzz_broken(why, "a clone writes differently from its original");
    else if (format == FCN_CONFIG_NEWEST && (!old || !old_again || strcmp(old, old_again) != 0))
        rc = fuzz_broken(why, "read back from the newest form, the network is another");
    free(first);
    free(second);
    free(cloned);
    free(old);
    free(old_again);
    fcn_network_free(again);
    fcn_network_free(clone);
    return rc;
}

static inline int fuzz_check_round_trip(const fcn_network *net, char *why)
{
    int rc = fuzz_round_trip_form(net, FCN_CONFIG_0_1_1, why);
    return rc ? rc : fuzz_round_trip_form(net, FCN_CONFIG_NEWEST, why);
}

/* An accepted network: valid, evaluated, reported, written and read back. */
static inline int fuzz_check_network(const char *reader, const fcn_network *net, char *why)
{
    fcn_error err = {{0}};
    if (fcn_network_check(net, &err))
        return fuzz_broken(why, "%s accepts a network that fails its check: %s", reader, err.message);
    if (fuzz_check_evaluation(net, NULL, why) || fuzz_check_round_trip(net, why))
        return -1;
    return 0;
}

/* ------------------------------------------------------------- readers */

/* A configuration: the bytes up to the first NUL are the JSON text. */
static inline int fuzz_config_input(const unsigned char *data, size_t size, char *why)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    fcn_error err = {{0}};
    fcn_network *net = fcn_network_read_string(text, "fuzz.json", &err);
    free(text);
    int rc = net ? fuzz_check_network("fcn_network_read_string", net, why)
                 : fuzz_check_error("fcn_network_read_string", "fuzz.json", &err, why);
    fcn_network_free(net);
    return rc;
}

/* A platform file: read, then used for the utilisation in both reports. */
static inline int fuzz_platform_file(const char *path, char *why)
{
    fcn_platform platform;
    fcn_error err = {{0}};
    if (fcn_platform_read(path, &platform, &err))
        return fuzz_check_error("fcn_platform_read", path, &err, why);
    /* A small valid network, to report against the platform. */
    static const char network[] =
        "{\"partition\": [{\"layers\": ["
        "{\"name\": \"conv\", \"type\": \"CONVOLUTION\", \"parameters\": {\"rows_in\": 8, \"cols_in\": 8,"
        " \"channels_in\": 2, \"filters\": 4, \"kernel_size\": [3, 3], \"coarse_in\": 2, \"coarse_out\": 2}},"
        "{\"name\": \"relu\", \"type\": \"RELU\", \"parameters\": {\"rows_in\": 6, \"cols_in\": 6,"
        " \"channels_in\": 4}}]}]}";
    fcn_network *net = fcn_network_read_string(network, "platform network", &err);
    if (!net)
        return fuzz_broken(why, "the fixed network for platform reports is rejected: %s", err.message);
    int rc = fuzz_check_evaluation(net, &platform, why);
    fcn_network_free(net);
    return rc;
}

/* --------------------------------------------------------------- ONNX */

/* The parser's options: the batch size reaches every partition; keeping BatchNormalization, or narrower
 * widths, still give a model. */
static inline int fuzz_onnx_options(const unsigned char *data, size_t size, char *why)
{
    const fcn_parse_options opts = {.batch_size = 4, .keep_batch_norm = 1, .data_width = 8, .weight_width = 4};
    fcn_error err = {{0}};
    fcn_network *net = fcn_onnx_parse_buffer(data, size, "fuzz.onnx", &opts, &err);
    if (!net)
        return fuzz_check_error("fcn_onnx_parse_buffer (batch 4, keep BN, widths 8 and 4)", "fuzz.onnx", &err, why);
    int rc = fuzz_check_network("fcn_onnx_parse_buffer (batch 4, keep BN, widths 8 and 4)", net, why);
    for (int i = 0; rc == 0 && i < net->partition_count; i++)
        if (net->partitions[i].batch_size != 4)
            rc = fuzz_broken(why, "--batch-size 4 gives partition %d batch size %lld", i,
                             (long long)net->partitions[i].batch_size);
    fcn_network_free(net);
    return rc;
}

/* The operator list of `path`; when the model parsed (`parsed`), every operator in it is supported. */
static inline int fuzz_onnx_list_ops(const char *path, int parsed, char *why)
{
    fcn_onnx_op *ops = NULL;
    int count = -1;
    fcn_error err = {{0}};
    if (fcn_onnx_list_ops(path, &ops, &count, &err)) {
        if (parsed)
            return fuzz_broken(why, "the model parses, but listing its operators fails: %s", err.message);
        return fuzz_check_error("fcn_onnx_list_ops", path, &err, why);
    }
    int rc = count < 0 || (count > 0 && !ops) ? fuzz_broken(why, "fcn_onnx_list_ops gives %d operators", count) : 0;
    for (int i = 0; rc == 0 && i < count; i++) {
        const fcn_onnx_op *op = &ops[i];
        if (memchr(op->op_type, '\0', sizeof op->op_type) == NULL || op->count < 1 || !op->becomes)
            rc = fuzz_broken(why, "fcn_onnx_list_ops: operator %d is malformed", i);
        else if (parsed && !op->supported)
            rc = fuzz_broken(why, "the model parses, but its operator %s is listed as unsupported", op->op_type);
    }
    free(ops);
    return rc;
}

/* An ONNX model: `data` in memory, and `path` a file holding the same bytes for the entry points that take one. */
static inline int fuzz_onnx_input(const unsigned char *data, size_t size, const char *path, char *why)
{
    fcn_error err = {{0}};
    fcn_network *net = fcn_onnx_parse_buffer(data, size, "fuzz.onnx", NULL, &err);
    int rc = net ? fuzz_check_network("fcn_onnx_parse_buffer", net, why)
                 : fuzz_check_error("fcn_onnx_parse_buffer", "fuzz.onnx", &err, why);
    if (rc == 0 && net)
        rc = fuzz_onnx_options(data, size, why);
    if (rc == 0)
        rc = fuzz_onnx_list_ops(path, net != NULL, why);
    fcn_network_free(net);
    return rc;
}

#endif
