/* `fpgaconvnet schedule`: the partitions' schedule for fpgaconvnet-hls and its runtime, as CSV. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char USAGE[] =
    "usage: fpgaconvnet schedule CONFIG.json [-o scheduler.csv] [--header]\n"
    "\n"
    "Writes one row per partition in execution order: partition id, ports in, ports out,\n"
    "input address, output address, input dependence, output dependence, weights\n"
    "reloading factor, batch size, input size, output size, weights size (integers,\n"
    "comma-separated). Addresses are byte offsets of two ping-pong buffers in off-chip\n"
    "memory; sizes are in words per input.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE   write to FILE instead of standard output\n"
    "  --header            start with a header row\n"
    "  -h, --help          show this help\n";

enum { OPT_OUTPUT, OPT_HEADER, OPT_HELP };
static const cli_option OPTIONS[] = {
    [OPT_OUTPUT] = {"output", 'o', 1},
    [OPT_HEADER] = {"header", 0, 0},
    [OPT_HELP] = {"help", 'h', 0},
};

static int emit(const char *output, const fcn_schedule_row *rows, int count, int header)
{
    cli_output out;
    if (cli_output_open(&out, output))
        return CLI_FAILURE;
    fcn_error err;
    if (fcn_schedule_write(out.file, rows, count, header, &err)) {
        /* One line for one failure: the writer's reason, not a second "cannot write". */
        cli_output_finish(&out, 1);
        return cli_error(CLI_FAILURE, "%s: %s", output && strcmp(output, "-") ? output : "standard output",
                         err.message);
    }
    return cli_output_finish(&out, 0);
}

static int write_schedule(const char *config, const char *output, int header)
{
    fcn_error err;
    fcn_network *net = fcn_network_read(config, &err);
    if (!net)
        return cli_error(CLI_FAILURE, "%s", err.message);
    fcn_eval_options opts = cli_eval_options(-1, -1, 0, NULL);
    fcn_network_figures figures;
    int status = 0;
    fcn_schedule_row *rows = NULL;
    if (fcn_network_evaluate(net, &opts, &figures, &err)) {
        status = cli_error(CLI_FAILURE, "%s: %s", config, err.message);
    } else if (!(rows = calloc((size_t)figures.partition_count, sizeof *rows))) {
        status = cli_error(CLI_FAILURE, "out of memory");
    } else {
        fcn_schedule(&figures, rows);
        status = emit(output, rows, figures.partition_count, header);
    }
    free(rows);
    fcn_network_figures_free(&figures);
    fcn_network_free(net);
    return status;
}

int schedule_command(int argc, char **argv)
{
    const char *config = NULL, *output = NULL, *value;
    int header = 0;
    cli_parser parser;
    cli_parser_init(&parser, argc, argv, OPTIONS, CLI_OPTION_COUNT(OPTIONS));
    for (int found; (found = cli_next(&parser, &value)) != CLI_END;) {
        switch (found) {
        case CLI_BAD: return CLI_USAGE;
        case OPT_HELP: fputs(USAGE, stdout); return 0;
        case OPT_OUTPUT: output = value; break;
        case OPT_HEADER: header = 1; break;
        case CLI_POSITIONAL:
            if (config)
                return cli_error(CLI_USAGE, "schedule: unexpected argument '%s' (see 'fpgaconvnet schedule --help')",
                                 value);
            config = value;
            break;
        }
    }
    if (!config)
        return cli_error(CLI_USAGE, "schedule: missing CONFIG.json (see 'fpgaconvnet schedule --help')");
    return write_schedule(config, output, header);
}
