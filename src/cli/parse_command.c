/* `fpgaconvnet parse`: turns an ONNX model into its default configuration, or lists its operators. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"


static const char USAGE[] =
    "usage: fpgaconvnet parse MODEL.onnx [-o CONFIG.json] [--batch-size N] [--no-fuse-bn]\n"
    "                         [--config-format 0.1.1|newest] [--data-width N] [--weight-width N]\n"
    "       fpgaconvnet parse MODEL.onnx --list-ops [-o FILE]\n"
    "\n"
    "Reads an ONNX model, infers every layer's dimensions and writes its default\n"
    "configuration (one partition, every folding factor 1) in the fpgaconvnet JSON form,\n"
    "ready for 'fpgaconvnet report' (or use 'fpgaconvnet report --model MODEL.onnx').\n"
    "Weights are not needed: tensors kept in absent external data files are fine.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE   write to FILE instead of standard output\n"
    "  --batch-size N      the partition's batch size (default 1)\n"
    "  --no-fuse-bn        keep a BatchNormalization after a Conv as a BATCH_NORM layer\n"
    "                      (by default it is folded into the Conv and costs nothing)\n"
    "  --config-format F   the configuration's form: 0.1.1 (default, fpgaconvnet-model 0.1.1's)\n"
    "                      or newest (upstream's newest: node lists, fixed-point types)\n"
    "  --data-width N      every layer's data width (a convolution's and an inner product's\n"
    "                      input and output widths too), 1..36 (default 16); a quantised\n"
    "                      model's own types win where it has them\n"
    "  --weight-width N    the weights' width of every convolution and inner product, 1..36\n"
    "                      (default 16; a quantised model's own types win)\n"
    "  --list-ops          list the model's operator types, how often each occurs, whether\n"
    "                      it is supported and what it becomes, instead of parsing\n"
    "  -h, --help          show this help\n";

enum { OPT_OUTPUT, OPT_BATCH, OPT_NO_FUSE_BN, OPT_LIST_OPS, OPT_FORMAT, OPT_DATA_WIDTH, OPT_WEIGHT_WIDTH, OPT_HELP };
static const cli_option OPTIONS[] = {
    [OPT_OUTPUT] = {"output", 'o', 1},      [OPT_BATCH] = {"batch-size", 0, 1},
    [OPT_NO_FUSE_BN] = {"no-fuse-bn", 0, 0}, [OPT_LIST_OPS] = {"list-ops", 0, 0},
    [OPT_FORMAT] = {"config-format", 0, 1}, [OPT_DATA_WIDTH] = {"data-width", 0, 1},
    [OPT_WEIGHT_WIDTH] = {"weight-width", 0, 1}, [OPT_HELP] = {"help", 'h', 0},
};

typedef struct parse_request {
    const char *model, *output;
    fcn_parse_options options;
    fcn_config_format format;
    int list_ops, format_given, help;
} parse_request;

/* Applies one option; 0, or -1 after printing the usage error. */
static int apply_option(void *request, int option, const char *value)
{
    parse_request *r = request;
    switch (option) {
    case OPT_OUTPUT: r->output = value; return 0;
    case OPT_BATCH: return cli_positive_count("parse", "--batch-size", value, MAX_BATCH_SIZE, &r->options.batch_size);
    case OPT_NO_FUSE_BN: r->options.keep_batch_norm = 1; return 0;
    case OPT_LIST_OPS: r->list_ops = 1; return 0;
    case OPT_FORMAT: r->format_given = 1; return cli_config_format("parse", value, &r->format);
    case OPT_DATA_WIDTH: return cli_width("parse", "--data-width", value, &r->options.data_width);
    case OPT_WEIGHT_WIDTH: return cli_width("parse", "--weight-width", value, &r->options.weight_width);
    case OPT_HELP: r->help = 1; return 0;
    }
    return -1;
}

/* 0, or the exit status after printing the error. */
static int parse_request_args(int argc, char **argv, parse_request *r)
{
    *r = (parse_request){0};
    int status = cli_parse_arguments("parse", argc, argv, OPTIONS, CLI_OPTION_COUNT(OPTIONS), &r->model,
                                     apply_option, r);
    if (status || r->help)
        return status;
    if (!r->model)
        return cli_error(CLI_USAGE, "parse: missing MODEL.onnx (see 'fpgaconvnet parse --help')");
    /* The operator list does not depend on them: accepting them silently would suggest it does. */
    if (r->list_ops && (r->options.batch_size || r->options.keep_batch_norm || r->format_given))
        return cli_error(CLI_USAGE, "parse: --list-ops takes none of --batch-size, --no-fuse-bn, --config-format");
    if (r->list_ops && (r->options.data_width || r->options.weight_width))
        return cli_error(CLI_USAGE, "parse: --list-ops takes neither --data-width nor --weight-width");
    return 0;
}

/* "Add, Clip": the unsupported operator types, for the summary line. */
static void unsupported_names(const fcn_onnx_op *ops, int count, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < count && used < size; i++) {
        if (ops[i].supported)
            continue;
        int n = snprintf(out + used, size - used, "%s%s", used ? ", " : "", ops[i].op_type);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static void print_op_table(FILE *out, const char *model, const fcn_onnx_op *ops, int count)
{
    int width = (int)strlen("operator"), unsupported = 0, nodes = 0;
    for (int i = 0; i < count; i++) {
        int length = (int)strlen(ops[i].op_type);
        width = length > width ? length : width;
        unsupported += !ops[i].supported;
        nodes += ops[i].count;
    }
    fprintf(out, "%-*s  %6s  %-9s  %s\n", width, "operator", "count", "supported", "becomes");
    for (int i = 0; i < count; i++)
        fprintf(out, "%-*s  %6d  %-9s  %s\n", width, ops[i].op_type, ops[i].count, ops[i].supported ? "yes" : "no",
                ops[i].becomes ? ops[i].becomes : "");
    fprintf(out, "%s: %d nodes, %d operator types, ", model, nodes, count);
    if (unsupported == 0) {
        fprintf(out, "all supported\n");
        return;
    }
    char names[512];
    unsupported_names(ops, count, names, sizeof names);
    fprintf(out, "%d unsupported (%s)\n", unsupported, names);
}

/* The operator table: informational, so unsupported operators do not make it fail. */
static int list_ops(const parse_request *r)
{
    fcn_error err;
    fcn_onnx_op *ops = NULL;
    int count = 0;
    if (fcn_onnx_list_ops(r->model, &ops, &count, &err))
        return cli_error(CLI_FAILURE, "%s", err.message);
    cli_output out;
    int status = cli_output_open(&out, r->output);
    if (!status) {
        print_op_table(out.file, r->model, ops, count);
        status = cli_output_finish(&out, 0);
    }
    free(ops);
    return status;
}

/* To -o's file through the library's writer, or to standard output ("-" or no -o). */
static int write_config(const parse_request *r, const fcn_network *net)
{
    fcn_error err;
    if (r->output && strcmp(r->output, "-") != 0)
        return fcn_network_write_format(net, r->output, r->format, &err) ? cli_error(CLI_FAILURE, "%s", err.message)
                                                                          : 0;
    char *json = fcn_network_write_string_format(net, r->format, &err);
    if (!json)
        return cli_error(CLI_FAILURE, "%s", err.message);
    /* A configuration is larger than stdio's buffer: a failed write may leave nothing for the flush to fail on. */
    errno = 0;
    int failed = fputs(json, stdout) == EOF;
    int saved = errno;
    free(json);
    if (failed)
        return cli_error(CLI_FAILURE, "cannot write standard output: %s", saved ? strerror(saved) : "write error");
    return cli_close_output(stdout, r->output);
}

static int parse_model(const parse_request *r)
{
    fcn_error err;
    fcn_network *net = fcn_onnx_parse(r->model, &r->options, &err);
    if (!net)
        return cli_error(CLI_FAILURE, "%s", err.message);
    int status = write_config(r, net);
    fcn_network_free(net);
    return status;
}

int parse_command(int argc, char **argv)
{
    parse_request request;
    int status = parse_request_args(argc, argv, &request);
    if (status || request.help)
        return cli_usage_or_error(status, USAGE);
    return request.list_ops ? list_ops(&request) : parse_model(&request);
}
