/*
 * `fpgaconvnet report`: evaluates a configuration (or the default configuration of an ONNX model)
 * and writes its report, as text or JSON.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bound_output.h"
#include "cli.h"

static const char USAGE[] =
    "usage: fpgaconvnet report CONFIG.json [--platform FILE] [--freq MHZ] [--reconf-time S]\n"
    "                          [--batch-size N] [--format text|json] [-o FILE]\n"
    "                          [--bound [--resource-allocation F]]\n"
    "       fpgaconvnet report --model MODEL.onnx [--no-fuse-bn] [--data-width N] [--weight-width N]\n"
    "                          [OPTIONS...]\n"
    "\n"
    "Evaluates a configuration (the fpgaconvnet JSON form) with the fpgaConvNet model and\n"
    "reports latency, throughput, resources and bandwidth per partition and layer.\n"
    "\n"
    "options:\n"
    "  --model MODEL.onnx  evaluate the default configuration of an ONNX model (as\n"
    "                      'fpgaconvnet parse' writes it) instead of CONFIG.json\n"
    "  --no-fuse-bn        with --model: keep a BatchNormalization after a Conv as a\n"
    "                      BATCH_NORM layer instead of folding it into the Conv\n"
    "  --data-width N      with --model: every layer's data width, 1..36 (default 16; a\n"
    "                      quantised model's own types win)\n"
    "  --weight-width N    with --model: the weights' width of every convolution and inner\n"
    "                      product, 1..36 (default 16)\n"
    "  --platform FILE     a platform file (JSON or TOML): adds utilisation against its\n"
    "                      resources and bandwidth, and gives the defaults of --freq and\n"
    "                      --reconf-time\n"
    "  --freq MHZ          clock frequency (default: the platform's, else 125)\n"
    "  --reconf-time S     seconds to reconfigure between partitions (default: the\n"
    "                      platform's, else 0)\n"
    "  --batch-size N      batch size for every partition (default: each partition's own)\n"
    "  --bound             with --platform: the most any configuration of the network\n"
    "                      reaches on the board (docs/OPTIMISER-BOUND.md), what binds, and\n"
    "                      this configuration's share of it\n"
    "  --resource-allocation F  with --bound: the fraction of each resource a partition may\n"
    "                      use, in (0, 1] (default 0.8, as optimise)\n"
    "  --format FORMAT     text (default) or json\n"
    "  -o, --output FILE   write the report to FILE instead of standard output\n"
    "  -h, --help          show this help\n";

enum {
    OPT_PLATFORM, OPT_FREQ, OPT_RECONF, OPT_BATCH, OPT_FORMAT, OPT_OUTPUT, OPT_MODEL, OPT_NO_FUSE_BN, OPT_DATA_WIDTH,
    OPT_WEIGHT_WIDTH, OPT_BOUND, OPT_ALLOCATION, OPT_HELP
};
static const cli_option OPTIONS[] = {
    [OPT_PLATFORM] = {"platform", 0, 1},   [OPT_FREQ] = {"freq", 0, 1},
    [OPT_RECONF] = {"reconf-time", 0, 1}, [OPT_BATCH] = {"batch-size", 0, 1},
    [OPT_FORMAT] = {"format", 0, 1},       [OPT_OUTPUT] = {"output", 'o', 1},
    [OPT_MODEL] = {"model", 0, 1},         [OPT_NO_FUSE_BN] = {"no-fuse-bn", 0, 0},
    [OPT_DATA_WIDTH] = {"data-width", 0, 1}, [OPT_WEIGHT_WIDTH] = {"weight-width", 0, 1},
    [OPT_BOUND] = {"bound", 0, 0},         [OPT_ALLOCATION] = {"resource-allocation", 0, 1},
    [OPT_HELP] = {"help", 'h', 0},
};

typedef struct report_request {
    const char *config, *model, *platform, *output; /* exactly one of config and model */
    double freq_mhz, reconf_time_s; /* < 0: not given */
    int64_t batch_size;             /* 0: not given */
    fcn_report_format format;
    cli_model_options parse; /* with --model */
    int bound;                /* --bound */
    double allocation;        /* 0: not given */
    int help;
} report_request;

/* Applies one option; 0, or -1 after printing the usage error. */
static int apply_option(void *request, int option, const char *value)
{
    report_request *r = request;
    switch (option) {
    case OPT_PLATFORM: r->platform = value; return 0;
    case OPT_FREQ: return cli_positive_real("report", "--freq", value, &r->freq_mhz);
    case OPT_RECONF: return cli_nonnegative_real("report", "--reconf-time", value, &r->reconf_time_s);
    case OPT_BATCH: return cli_positive_count("report", "--batch-size", value, MAX_BATCH_SIZE, &r->batch_size);
    case OPT_OUTPUT: r->output = value; return 0;
    case OPT_MODEL: r->model = value; return 0;
    case OPT_NO_FUSE_BN: r->parse.keep_batch_norm = 1; return 0;
    case OPT_DATA_WIDTH: return cli_width("report", "--data-width", value, &r->parse.data_width);
    case OPT_WEIGHT_WIDTH: return cli_width("report", "--weight-width", value, &r->parse.weight_width);
    case OPT_HELP: r->help = 1; return 0;
    case OPT_BOUND: r->bound = 1; return 0;
    case OPT_ALLOCATION: return cli_fraction("report", "--resource-allocation", value, &r->allocation);
    case OPT_FORMAT:
        if (strcmp(value, "text") == 0)
            r->format = FCN_REPORT_TEXT;
        else if (strcmp(value, "json") == 0)
            r->format = FCN_REPORT_JSON;
        else
            return cli_error(CLI_USAGE, "report: --format: unknown format '%s' (expected text or json)", value),
                   -1;
        return 0;
    }
    return -1;
}

/* 0, or the exit status after printing the error. */
static int parse_request(int argc, char **argv, report_request *r)
{
    *r = (report_request){.freq_mhz = -1, .reconf_time_s = -1, .format = FCN_REPORT_TEXT};
    int status = cli_parse_arguments("report", argc, argv, OPTIONS, CLI_OPTION_COUNT(OPTIONS), &r->config,
                                     apply_option, r);
    if (status || r->help)
        return status;
    if (r->config && r->model)
        return cli_error(CLI_USAGE, "report: give CONFIG.json or --model MODEL.onnx, not both");
    if (!r->config && !r->model)
        return cli_error(CLI_USAGE, "report: missing CONFIG.json or --model MODEL.onnx "
                                    "(see 'fpgaconvnet report --help')");
    if (r->bound && !r->platform)
        return cli_error(CLI_USAGE, "report: --bound needs --platform");
    if (r->allocation > 0 && !r->bound)
        return cli_error(CLI_USAGE, "report: --resource-allocation needs --bound");
    return cli_model_options_need_model("report", &r->parse, r->model);
}

/* The report as JSON with the bound as one more member ("bound"): 0, or -1 with the message. */
static int write_json_with_bound(FILE *out, const fcn_network_figures *figures, const fcn_platform *platform,
                                 json_t *bound, fcn_error *err)
{
    char *text = NULL;
    size_t length = 0;
    FILE *memory = open_memstream(&text, &length);
    int status = memory ? fcn_report_write(memory, FCN_REPORT_JSON, figures, platform, err) : -1;
    if (memory && fclose(memory))
        status = -1;
    json_t *root = status == 0 ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (!root || json_object_set(root, "bound", bound) ||
        json_dumpf(root, out, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) || fputc('\n', out) == EOF) {
        if (status == 0)
            snprintf(err->message, sizeof err->message, "cannot write the report with its bound");
        status = -1;
    }
    json_decref(root);
    return status;
}

/* The report, and with a bound (may be NULL) its section or member. 0, or -1 with the message. */
static int write_figures(FILE *out, const report_request *r, const fcn_network_figures *figures,
                         const fcn_platform *platform, const fcn_bound *bound, fcn_error *err)
{
    const double allocation = r->allocation > 0 ? r->allocation : 0.8;
    const double ratio = bound ? bound_ratio(bound, 0, figures->throughput) : 0;
    if (bound && r->format == FCN_REPORT_JSON) {
        json_t *member = bound_to_json(bound, allocation, ratio);
        const int status = member ? write_json_with_bound(out, figures, platform, member, err) : -1;
        json_decref(member);
        return status;
    }
    if (fcn_report_write(out, r->format, figures, platform, err))
        return -1;
    if (bound)
        bound_write_text(out, bound, allocation, ratio);
    return 0;
}

/* Writes to -o's file (or "-" / nothing: standard output); the exit status. */
static int write_report(const report_request *r, const fcn_network_figures *figures, const fcn_platform *platform,
                        const fcn_bound *bound)
{
    cli_output out;
    if (cli_output_open(&out, r->output))
        return CLI_FAILURE;
    fcn_error err = {{0}};
    if (write_figures(out.file, r, figures, platform, bound, &err)) {
        const char *where = out.file == stdout ? "standard output" : r->output;
        cli_output_finish(&out, 1);
        return cli_error(CLI_FAILURE, "%s: %s", where, err.message[0] ? err.message : "out of memory");
    }
    return cli_output_finish(&out, 0);
}

/* The bound of the network at the report's clock, reconfiguration time and batch; 0, or the exit status. */
static int find_bound(const report_request *r, const fcn_network *net, const fcn_platform *platform,
                      const fcn_network_figures *figures, fcn_bound *bound)
{
    fcn_optimise_options o;
    fcn_optimise_options_init(&o);
    o.batch_size = figures->batch_size;
    o.freq_mhz = figures->freq_mhz;
    o.reconf_time_s = figures->reconf_time_s;
    if (r->allocation > 0)
        o.resource_allocation = r->allocation;
    fcn_error err;
    if (fcn_optimise_bound(net, platform, &o, bound, &err))
        return cli_error(CLI_FAILURE, "%s: %s", r->model ? r->model : r->config, err.message);
    return 0;
}

static int run(const report_request *r)
{
    fcn_error err;
    fcn_platform platform;
    if (r->platform && fcn_platform_read(r->platform, &platform, &err))
        return cli_error(CLI_FAILURE, "%s", err.message);
    fcn_network *net = cli_load_network(r->config, r->model, r->batch_size, &r->parse, &err);
    if (!net)
        return cli_error(CLI_FAILURE, "%s", err.message);
    fcn_eval_options opts = cli_eval_options(r->freq_mhz, r->reconf_time_s, r->batch_size, r->platform ? &platform : NULL);
    fcn_network_figures figures;
    int status = 0;
    fcn_bound bound;
    if (fcn_network_evaluate(net, &opts, &figures, &err))
        status = cli_error(CLI_FAILURE, "%s: %s", r->model ? r->model : r->config, err.message);
    else if (!(r->bound && (status = find_bound(r, net, &platform, &figures, &bound))))
        status = write_report(r, &figures, r->platform ? &platform : NULL, r->bound ? &bound : NULL);
    fcn_network_figures_free(&figures);
    fcn_network_free(net);
    return status;
}

int report_command(int argc, char **argv)
{
    report_request request;
    int status = parse_request(argc, argv, &request);
    if (status || request.help)
        return cli_usage_or_error(status, USAGE);
    return run(&request);
}
