/* What several commands do alike: load the network, choose the clock, open the output. */
#include <errno.h>
#include <string.h>

#include "cli.h"

#define DEFAULT_FREQ_MHZ 125.0

fcn_network *cli_load_network(const char *config, const char *model, int64_t batch_size, int keep_batch_norm,
                              fcn_error *err)
{
    if (!model)
        return fcn_network_read(config, err);
    fcn_parse_options parse = {.batch_size = batch_size, .keep_batch_norm = keep_batch_norm};
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

FILE *cli_open_output(const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return stdout;
    FILE *out = fopen(path, "w");
    if (!out)
        cli_error(CLI_FAILURE, "cannot write '%s': %s", path, strerror(errno));
    return out;
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
