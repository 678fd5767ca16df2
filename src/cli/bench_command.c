/*
 * `fpgaconvnet bench`: how long loading (or parsing) a file and evaluating its configuration take,
 * as JSON. Each figure is the median over runs of calls repeated until a run lasts RUN_S.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define DEFAULT_SECONDS 3.0
#define RUN_S 0.01
#define MIN_RUNS 5
#define MAX_RUNS 1001

static const char USAGE[] =
    "usage: fpgaconvnet bench CONFIG.json [--seconds S]\n"
    "       fpgaconvnet bench --model MODEL.onnx [--seconds S]\n"
    "\n"
    "Times, and prints as JSON: loading the configuration (or parsing the ONNX model into its\n"
    "default configuration), evaluating it whole once (fcn_network_evaluate_into, into figures whose\n"
    "memory the previous evaluation left: squeeze chain and every module's figures, from scratch),\n"
    "and its partitions' allocation-free summaries (fcn_partition_summary, what a search loop\n"
    "calls), each the median over runs; and evaluations per second.\n"
    "Times are in seconds, on a 125 MHz clock.\n"
    "\n"
    "options:\n"
    "  --model MODEL.onnx  time parsing an ONNX model instead of loading CONFIG.json\n"
    "  --seconds S         about how long to measure for, in all (default 3)\n"
    "  -h, --help          show this help\n";

enum { OPT_MODEL, OPT_SECONDS, OPT_HELP };
static const cli_option OPTIONS[] = {
    [OPT_MODEL] = {"model", 0, 1},
    [OPT_SECONDS] = {"seconds", 0, 1},
    [OPT_HELP] = {"help", 'h', 0},
};

typedef struct bench_request {
    const char *config, *model;
    double seconds;
    int help;
} bench_request;

typedef enum task { LOAD, EVALUATE, SUMMARY } task;

typedef struct bench_state {
    const bench_request *r;
    const fcn_network *net;
    fcn_eval_options opts;
    fcn_network_figures figures; /* each whole evaluation reuses the memory of the one before */
    int failed;
    volatile double sink; /* the results go somewhere, so no call can be left out */
} bench_state;

static void run_once(bench_state *b, task what)
{
    fcn_error err;
    if (what == LOAD) {
        fcn_network *net = b->r->model ? fcn_onnx_parse(b->r->model, NULL, &err) : fcn_network_read(b->r->config, &err);
        b->failed |= !net;
        fcn_network_free(net);
    } else if (what == EVALUATE) {
        if (fcn_network_evaluate_into(b->net, &b->opts, &b->figures, &err) == 0)
            b->sink += b->figures.latency_s;
        else
            b->failed = 1;
    } else {
        for (int p = 0; p < b->net->partition_count; p++) {
            fcn_partition_figures f;
            fcn_partition_summary(&b->net->partitions[p], &b->opts, &f);
            b->sink += f.latency_s;
        }
    }
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Seconds per call: calls repeated until a run lasts RUN_S, runs until `budget` seconds; the median run. */
static double time_per_call(bench_state *b, task what, double budget, int *runs_out)
{
    long reps = 1;
    for (;;) {
        double t0 = cli_now();
        for (long i = 0; i < reps; i++)
            run_once(b, what);
        double spent = cli_now() - t0;
        if (spent >= RUN_S || b->failed)
            break;
        reps = spent > 0 && RUN_S / spent < 1e6 ? (long)(reps * (RUN_S / spent) * 1.2) + 1 : reps * 10;
    }
    double runs[MAX_RUNS];
    int n = 0;
    for (double start = cli_now(); n < MAX_RUNS && (n < MIN_RUNS || cli_now() - start < budget) && !b->failed; n++) {
        double t0 = cli_now();
        for (long i = 0; i < reps; i++)
            run_once(b, what);
        runs[n] = (cli_now() - t0) / (double)reps;
    }
    *runs_out = n;
    if (n == 0)
        return 0;
    qsort(runs, (size_t)n, sizeof runs[0], compare_doubles);
    return runs[n / 2];
}

static int count_layers(const fcn_network *net)
{
    int n = 0;
    for (int p = 0; p < net->partition_count; p++)
        for (int i = 0; i < net->partitions[p].layer_count; i++)
            n += net->partitions[p].layers[i].type != FCN_SQUEEZE;
    return n;
}

static void print_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", (unsigned char)*s);
        else
            putchar(*s);
    }
    putchar('"');
}

static int measure(const bench_request *r, const fcn_network *net)
{
    bench_state b = {.r = r, .net = net, .opts = cli_eval_options(-1, -1, 0, NULL)};
    const double share = r->seconds / 3;
    int load_runs, evaluate_runs, summary_runs;
    const double load = time_per_call(&b, LOAD, share, &load_runs);
    const double evaluate = time_per_call(&b, EVALUATE, share, &evaluate_runs);
    const double summary = time_per_call(&b, SUMMARY, share, &summary_runs);
    fcn_network_figures_free(&b.figures);
    if (b.failed)
        return cli_error(CLI_FAILURE, "bench: %s: failed while timing", r->model ? r->model : r->config);
    printf("{\n  \"file\": ");
    print_json_string(r->model ? r->model : r->config);
    printf(",\n  \"kind\": \"%s\",\n  \"partitions\": %d,\n  \"layers\": %d,\n", r->model ? "model" : "configuration",
           net->partition_count, count_layers(net));
    printf("  \"%s\": %.6g,\n", r->model ? "parse_s" : "load_s", load);
    printf("  \"evaluate_s\": %.6g,\n  \"summary_s\": %.6g,\n", evaluate, summary);
    printf("  \"evaluations_per_s\": %.6g,\n  \"summary_evaluations_per_s\": %.6g,\n", 1 / evaluate, 1 / summary);
    printf("  \"runs\": {\"%s\": %d, \"evaluate\": %d, \"summary\": %d},\n", r->model ? "parse" : "load", load_runs,
           evaluate_runs, summary_runs);
    printf("  \"freq_mhz\": %g\n}\n", b.opts.freq_mhz);
    return cli_close_output(stdout, NULL);
}

/* Applies one option; 0, or -1 after printing the usage error. */
static int apply_option(void *request, int option, const char *value)
{
    bench_request *r = request;
    switch (option) {
    case OPT_MODEL: r->model = value; return 0;
    case OPT_SECONDS: return cli_positive_real("bench", "--seconds", value, &r->seconds);
    case OPT_HELP: r->help = 1; return 0;
    }
    return -1;
}

/* 0, or the exit status after printing the error. */
static int parse_request(int argc, char **argv, bench_request *r)
{
    *r = (bench_request){.seconds = DEFAULT_SECONDS};
    int status = cli_parse_arguments("bench", argc, argv, OPTIONS, CLI_OPTION_COUNT(OPTIONS), &r->config,
                                     apply_option, r);
    if (status || r->help)
        return status;
    if (r->config && r->model)
        return cli_error(CLI_USAGE, "bench: give CONFIG.json or --model MODEL.onnx, not both");
    if (!r->config && !r->model)
        return cli_error(CLI_USAGE,
                         "bench: missing CONFIG.json or --model MODEL.onnx (see 'fpgaconvnet bench --help')");
    return 0;
}

int bench_command(int argc, char **argv)
{
    bench_request r;
    int status = parse_request(argc, argv, &r);
    if (status || r.help)
        return cli_usage_or_error(status, USAGE);
    fcn_error err;
    fcn_network *net = cli_load_network(r.config, r.model, 0, NULL, &err);
    if (!net)
        return cli_error(CLI_FAILURE, "%s", err.message);
    status = measure(&r, net);
    fcn_network_free(net);
    return status;
}
