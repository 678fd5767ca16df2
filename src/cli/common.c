/* What several commands do alike: load the network, choose the clock, open the output. */
#define _POSIX_C_SOURCE 200809L /* fdopen, clock_gettime */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "file_write.h"

#define DEFAULT_FREQ_MHZ 125.0

int cli_width(const char *command, const char *option, const char *text, int *out)
{
    int64_t width;
    if (cli_positive_count(command, option, text, FCN_MAX_WIDTH, &width))
        return -1;
    *out = (int)width;
    return 0;
}

int cli_model_options_need_model(const char *command, const cli_model_options *m, const char *model)
{
    const char *given = m->keep_batch_norm ? "--no-fuse-bn" : m->data_width ? "--data-width"
                        : m->weight_width  ? "--weight-width" : NULL;
    if (model || !given)
        return 0;
    return cli_error(CLI_USAGE, "%s: %s applies only with --model", command, given);
}

fcn_network *cli_load_network(const char *config, const char *model, int64_t batch_size, const cli_model_options *m,
                              fcn_error *err)
{
    if (!model)
        return fcn_network_read(config, err);
    const cli_model_options none = {0, 0, 0};
    if (!m)
        m = &none;
    fcn_parse_options parse = {.batch_size = batch_size, .keep_batch_norm = m->keep_batch_norm,
                               .data_width = m->data_width, .weight_width = m->weight_width};
    return fcn_onnx_parse(model, &parse, err);
}

fcn_eval_options cli_eval_options(double freq_mhz, double reconf_time_s, int64_t batch_size,
                                  const fcn_platform *platform)
{
    fcn_eval_options opts = {DEFAULT_FREQ_MHZ, 0.0, batch_size};
    if (freq_mhz > 0)
        opts.freq_mhz = freq_mhz;
    else if (platform && platform->freq_mhz > 0)
        opts.freq_mhz = platform->freq_mhz;
    if (reconf_time_s >= 0)
        opts.reconf_time_s = reconf_time_s;
    else if (platform && platform->reconf_time_s >= 0)
        opts.reconf_time_s = platform->reconf_time_s;
    return opts;
}

/*
 * A file is written under a temporary name beside it and renamed over it once
 * complete, so a full disk or a killed process never leaves half a file in
 * place of the old one.
 */
int cli_output_open(cli_output *o, const char *path)
{
    o->path = path;
    o->temp = NULL;
    o->file = stdout;
    if (!path || strcmp(path, "-") == 0)
        return 0;
    int fd = file_open_output(path, "", &o->temp);
    if (fd < 0 || !(o->file = fdopen(fd, "w"))) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            if (o->temp)
                unlink(o->temp);
        }
        free(o->temp);
        o->temp = NULL;
        o->file = NULL;
        return cli_error(CLI_FAILURE, "cannot write '%s': %s", path, strerror(e));
    }
    return 0;
}

int cli_output_finish(cli_output *o, int failed)
{
    int status = 0;
    if (o->file == stdout) {
        status = failed ? CLI_FAILURE : cli_close_output(stdout, NULL);
    } else if (o->file) {
        int write_failed = ferror(o->file);
        errno = 0;
        if (fclose(o->file) != 0)
            write_failed = 1;
        if (!failed && write_failed)
            status = cli_error(CLI_FAILURE, "cannot write '%s': %s", o->path, errno ? strerror(errno) : "write error");
        else if (!failed && o->temp && rename(o->temp, o->path) != 0)
            status = cli_error(CLI_FAILURE, "cannot write '%s': %s", o->path, strerror(errno));
        else if (failed)
            status = CLI_FAILURE;
        if (status && o->temp)
            unlink(o->temp);
    }
    free(o->temp);
    o->temp = NULL;
    o->file = NULL;
    return status;
}

int cli_close_output(FILE *out, const char *path)
{
    errno = 0;
    if (out == stdout) {
        /* A full disk can fail an earlier buffered write that fflush alone no longer reports. */
        if (fflush(stdout) != 0 || ferror(stdout))
            return cli_error(CLI_FAILURE, "cannot write standard output: %s", errno ? strerror(errno) : "write error");
        return 0;
    }
    int failed = ferror(out);
    if (fclose(out) != 0 || failed)
        return cli_error(CLI_FAILURE, "cannot write '%s': %s", path, errno ? strerror(errno) : "write error");
    return 0;
}

double cli_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void cli_model_name(const char *path, char *out, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    int length = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    snprintf(out, size, "%.*s", length, base);
}
