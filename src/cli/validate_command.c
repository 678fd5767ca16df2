/*
 * `fpgaconvnet validate`: does a configuration fit and run on a board? Lists every violation.
 * Exit 0 when valid, 1 when there are violations, 2 on unreadable input or bad usage.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define CLI_UNREADABLE 2

static const char USAGE[] =
    "usage: fpgaconvnet validate CONFIG.json --platform PLATFORM.json [--model MODEL.onnx]\n"
    "                            [--resource-allocation F] [--freq MHZ]\n"
    "\n"
    "Checks a configuration against a board and lists every violation: each partition's\n"
    "LUT/FF/DSP/BRAM against F x the platform's, memory bandwidth in + out against the\n"
    "platform's, ports and streams, tensors handed from one partition to the next and,\n"
    "with --model, that the partitions cover the model's layers exactly once with its\n"
    "dimensions (weights reloading accounted for). Foldings are checked on loading.\n"
    "Exit status: 0 valid, 1 violations, 2 unreadable input.\n"
    "\n"
    "options:\n"
    "  --platform FILE            the board (required): a JSON or TOML platform file\n"
    "  --model MODEL.onnx         the ONNX model the configuration implements\n"
    "  --resource-allocation F    fraction of each resource a partition may use, in (0, 1]\n"
    "                             (default 1)\n"
    "  --freq MHZ                 clock for the bandwidth (default: the platform's, else 125)\n"
    "  -h, --help                 show this help\n";

enum { OPT_PLATFORM, OPT_MODEL, OPT_ALLOCATION, OPT_FREQ, OPT_HELP };
static const cli_option OPTIONS[] = {
    [OPT_PLATFORM] = {"platform", 0, 1},
    [OPT_MODEL] = {"model", 0, 1},
    [OPT_ALLOCATION] = {"resource-allocation", 0, 1},
    [OPT_FREQ] = {"freq", 0, 1},
    [OPT_HELP] = {"help", 'h', 0},
};

typedef struct validate_request {
    const char *config, *platform, *model;
    double allocation, freq_mhz;
    int help;
} validate_request;

/* Applies one option; 0, or -1 after printing the usage error. */
static int apply_option(void *request, int option, const char *value)
{
    validate_request *r = request;
    switch (option) {
    case OPT_PLATFORM: r->platform = value; return 0;
    case OPT_MODEL: r->model = value; return 0;
    case OPT_HELP: r->help = 1; return 0;
    case OPT_FREQ: return cli_positive_real("validate", "--freq", value, &r->freq_mhz);
    case OPT_ALLOCATION: return cli_fraction("validate", "--resource-allocation", value, &r->allocation);
    }
    return -1;
}

/* 0, or the exit status after printing the error. */
static int parse_request(int argc, char **argv, validate_request *r)
{
    *r = (validate_request){.allocation = 1.0, .freq_mhz = -1};
    int status = cli_parse_arguments("validate", argc, argv, OPTIONS, CLI_OPTION_COUNT(OPTIONS), &r->config,
                                     apply_option, r);
    if (status || r->help)
        return status;
    if (!r->config)
        return cli_error(CLI_USAGE, "validate: missing CONFIG.json (see 'fpgaconvnet validate --help')");
    if (!r->platform)
        return cli_error(CLI_USAGE, "validate: missing --platform PLATFORM.json");
    return 0;
}

static int report_violations(const validate_request *r, const fcn_platform *platform, const fcn_violations *v)
{
    if (v->count == 0) {
        printf("valid: %s fits %s\n", r->config, platform->name[0] ? platform->name : r->platform);
        return 0;
    }
    printf("%d violation%s of %s on %s:\n", v->count, v->count == 1 ? "" : "s", r->config,
           platform->name[0] ? platform->name : r->platform);
    for (int i = 0; i < v->count; i++)
        printf("  %s\n", v->messages[i]);
    return CLI_FAILURE;
}

static int run(const validate_request *r)
{
    fcn_error err;
    fcn_platform platform;
    if (fcn_platform_read(r->platform, &platform, &err))
        return cli_error(CLI_UNREADABLE, "%s", err.message);
    fcn_network *net = fcn_network_read(r->config, &err);
    if (!net)
        return cli_error(CLI_UNREADABLE, "%s", err.message);
    fcn_network *model = r->model ? fcn_onnx_parse(r->model, NULL, &err) : NULL;
    int status = 0;
    if (r->model && !model) {
        status = cli_error(CLI_UNREADABLE, "%s", err.message);
    } else {
        fcn_eval_options opts = cli_eval_options(r->freq_mhz, -1, 0, &platform);
        fcn_network_figures figures;
        fcn_validate_options check = {.resource_allocation = r->allocation, .model = model};
        fcn_violations violations = {0};
        if (fcn_network_evaluate(net, &opts, &figures, &err) ||
            fcn_validate(&figures, &platform, &check, &violations, &err))
            status = cli_error(CLI_UNREADABLE, "%s: %s", r->config, err.message);
        else
            status = report_violations(r, &platform, &violations);
        fcn_violations_free(&violations);
        fcn_network_figures_free(&figures);
    }
    fcn_network_free(model);
    fcn_network_free(net);
    return status;
}

int validate_command(int argc, char **argv)
{
    validate_request request;
    int status = parse_request(argc, argv, &request);
    if (status || request.help)
        return cli_usage_or_error(status, USAGE);
    return run(&request);
}
