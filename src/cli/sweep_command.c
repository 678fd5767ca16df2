/*
 * `fpgaconvnet sweep`: the designs that trade throughput against latency and resources. One search
 * per batch size and resource allocation (latency at batch 1, throughput at larger batches); the
 * designs no other beats on all three at once form the Pareto front, written with every design and
 * plotted (docs/COMMANDS.md).
 */
#define _POSIX_C_SOURCE 200809L /* sysconf */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "optimise_output.h"
#include "sweep.h"
#include "text.h"

static const char USAGE[] =
    "usage: fpgaconvnet sweep MODEL.onnx --platform PLATFORM.json -o OUTDIR\n"
    "                         [--batch-sizes N,N,...] [--allocations F,F,...] [--time-limit S]\n"
    "                         [--seed S] [--threads N]\n"
    "\n"
    "Searches MODEL's configurations once per batch size and resource allocation (the lowest\n"
    "latency at batch 1, the highest throughput at larger batches) and keeps the designs that\n"
    "trade throughput against latency and resources: those no other design beats on all three\n"
    "(the Pareto front). Writes into OUTDIR (which must not exist, or be empty) sweep.csv (every\n"
    "design, `pareto` 1 on the front), design_K.json (the K-th search's configuration) and\n"
    "pareto.svg (throughput against latency, the front in red).\n"
    "\n"
    "options:\n"
    "  --platform FILE          the board (required): a JSON or TOML platform file\n"
    "  -o, --output OUTDIR      the output directory (required)\n"
    "  --batch-sizes LIST       comma-separated batch sizes (default 1,256; at most 6)\n"
    "  --allocations LIST       comma-separated shares of each resource a partition may use,\n"
    "                           each in (0, 1] (default 0.2,0.4,0.6,0.8; at most 6)\n"
    "  --time-limit S           seconds for the whole sweep, shared by its searches (default 40)\n"
    "  --seed S                 the random seed of every search (default 1)\n"
    "  --threads N              parallel searches within each (default: one a processor)\n"
    "  -h, --help               show this help\n";

enum { OPT_PLATFORM, OPT_OUTPUT, OPT_BATCHES, OPT_ALLOCATIONS, OPT_TIME, OPT_SEED, OPT_THREADS, OPT_HELP };
static const cli_option OPTIONS[] = {
    [OPT_PLATFORM] = {"platform", 0, 1}, [OPT_OUTPUT] = {"output", 'o', 1},
    [OPT_BATCHES] = {"batch-sizes", 0, 1}, [OPT_ALLOCATIONS] = {"allocations", 0, 1},
    [OPT_TIME] = {"time-limit", 0, 1},   [OPT_SEED] = {"seed", 0, 1},
    [OPT_THREADS] = {"threads", 0, 1},   [OPT_HELP] = {"help", 'h', 0},
};

typedef struct sweep_request {
    const char *model, *platform, *outdir;
    int64_t batches[SWEEP_MAX_VALUES];
    double allocations[SWEEP_MAX_VALUES];
    int batch_count, allocation_count;
    double time_limit_s;
    int64_t seed, threads;
    int help;
} sweep_request;

/* Splits a comma-separated list into at most SWEEP_MAX_VALUES items, each parsed by `one`; its count or -1. */
static int parse_list(const char *option, const char *text, void *out, size_t item,
                      int (*one)(const char *option, const char *text, void *out))
{
    char copy[256];
    if (strlen(text) >= sizeof copy)
        return cli_error(CLI_USAGE, "sweep: %s: the list is too long", option), -1;
    strcpy(copy, text);
    int count = 0;
    for (char *token = copy, *comma; token; token = comma ? comma + 1 : NULL, count++) {
        if ((comma = strchr(token, ',')) != NULL)
            *comma = '\0';
        if (count == SWEEP_MAX_VALUES)
            return cli_error(CLI_USAGE, "sweep: %s: at most %d values", option, SWEEP_MAX_VALUES), -1;
        if (one(option, token, (char *)out + (size_t)count * item))
            return -1;
    }
    return count;
}

static int one_batch(const char *option, const char *text, void *out)
{
    return cli_positive_count("sweep", option, text, MAX_BATCH_SIZE, out);
}

static int one_allocation(const char *option, const char *text, void *out)
{
    return cli_fraction("sweep", option, text, out);
}

static int apply_option(void *request, int option, const char *value)
{
    sweep_request *r = request;
    switch (option) {
    case OPT_PLATFORM: r->platform = value; return 0;
    case OPT_OUTPUT: r->outdir = value; return 0;
    case OPT_BATCHES:
        r->batch_count = parse_list("--batch-sizes", value, r->batches, sizeof r->batches[0], one_batch);
        return r->batch_count < 0 ? -1 : 0;
    case OPT_ALLOCATIONS:
        r->allocation_count =
            parse_list("--allocations", value, r->allocations, sizeof r->allocations[0], one_allocation);
        return r->allocation_count < 0 ? -1 : 0;
    case OPT_TIME: return cli_positive_real("sweep", "--time-limit", value, &r->time_limit_s);
    case OPT_SEED: return cli_positive_count("sweep", "--seed", value, INT64_MAX, &r->seed);
    case OPT_THREADS: return cli_positive_count("sweep", "--threads", value, FCN_MAX_THREADS, &r->threads);
    case OPT_HELP: r->help = 1; return 0;
    }
    return -1;
}

static int parse_request(int argc, char **argv, sweep_request *r)
{
    *r = (sweep_request){.batches = {1, 256}, .batch_count = 2, .allocations = {0.2, 0.4, 0.6, 0.8},
                         .allocation_count = 4, .time_limit_s = 40, .seed = 1};
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    r->threads = online < 1 ? 1 : online > FCN_MAX_THREADS ? FCN_MAX_THREADS : online;
    int status = cli_parse_arguments("sweep", argc, argv, OPTIONS, CLI_OPTION_COUNT(OPTIONS), &r->model,
                                     apply_option, r);
    if (status || r->help)
        return status;
    if (!r->model)
        return cli_error(CLI_USAGE, "sweep: missing MODEL.onnx (see 'fpgaconvnet sweep --help')");
    if (!r->platform)
        return cli_error(CLI_USAGE, "sweep: missing --platform PLATFORM.json");
    if (!r->outdir)
        return cli_error(CLI_USAGE, "sweep: missing -o OUTDIR");
    return 0;
}

/* The largest share of any of the board's resources a design's partitions use. */
static double resource_share(const fcn_resource *r, const fcn_platform *platform)
{
    const double used[] = {(double)r->lut, (double)r->ff, (double)r->dsp, (double)r->bram, (double)r->uram};
    const double have[] = {(double)platform->resource.lut, (double)platform->resource.ff,
                           (double)platform->resource.dsp, (double)platform->resource.bram,
                           (double)platform->resource.uram};
    double share = 0;
    for (int k = 0; k < 5; k++)
        if (have[k] > 0 && used[k] / have[k] > share)
            share = used[k] / have[k];
    return share;
}

/* One search: its design written into the stage as design_K.json and its figures into *p. 0 or the exit status. */
static int search_point(const sweep_request *r, const fcn_network *model, const fcn_platform *platform, stage *st,
                        int k, sweep_point *p, fcn_error *why)
{
    fcn_optimise_options o;
    fcn_optimise_options_init(&o);
    o.objective = p->batch_size == 1 ? FCN_OBJECTIVE_LATENCY : FCN_OBJECTIVE_THROUGHPUT;
    o.batch_size = p->batch_size;
    o.resource_allocation = p->allocation;
    o.time_limit_s = r->time_limit_s / (r->batch_count * r->allocation_count);
    o.seed = (uint64_t)r->seed;
    o.threads = (int)r->threads;
    fcn_error err;
    fcn_network *net = fcn_optimise(model, platform, &o, NULL, &err);
    if (!net) { /* nothing fits at this allocation: the point is left out, and the first reason kept */
        if (!why->message[0])
            *why = err;
        return 0;
    }
    char file[64], path[sizeof st->path + 80];
    snprintf(file, sizeof file, "design_%d.json", k + 1);
    fcn_network_figures f;
    const fcn_eval_options eval = cli_eval_options(0, -1, p->batch_size, platform);
    int status = fcn_network_write(net, stage_file(st, file, path, sizeof path), &err) ||
                         fcn_network_evaluate(net, &eval, &f, &err)
                     ? cli_error(CLI_FAILURE, "%s", err.message)
                     : 0;
    if (!status) {
        p->found = 1;
        p->latency_s = f.latency_s;
        p->throughput = f.throughput;
        p->partitions = f.partition_count;
        p->resource = f.resource;
        p->share = resource_share(&f.resource, platform);
        fcn_network_figures_free(&f);
    }
    fcn_network_free(net);
    return status;
}

static int write_csv(stage *st, const sweep_point *points, int count)
{
    char path[sizeof st->path + 32];
    FILE *out = fopen(stage_file(st, "sweep.csv", path, sizeof path), "w");
    if (!out)
        return cli_error(CLI_FAILURE, "cannot write '%s'", path);
    fprintf(out, "design,batch_size,resource_allocation,objective,found,throughput,latency_s,resource_share,"
                 "partitions,lut,ff,dsp,bram,uram,pareto\n");
    for (int k = 0; k < count; k++) {
        const sweep_point *p = &points[k];
        fprintf(out, "%d,%lld,%.6g,%s,%d,%.10g,%.10g,%.6g,%d,%lld,%lld,%lld,%lld,%lld,%d\n", k + 1,
                (long long)p->batch_size, p->allocation, p->batch_size == 1 ? "latency" : "throughput", p->found,
                p->throughput, p->latency_s, p->share, p->partitions, (long long)p->resource.lut,
                (long long)p->resource.ff, (long long)p->resource.dsp, (long long)p->resource.bram,
                (long long)p->resource.uram, p->pareto);
    }
    return cli_close_output(out, path);
}

static int write_plot(stage *st, const sweep_point *points, int count, const char *path_of_model, const char *board)
{
    char path[sizeof st->path + 32], title[600], model[256];
    cli_model_name(path_of_model, model, sizeof model);
    FILE *out = fopen(stage_file(st, "pareto.svg", path, sizeof path), "w");
    if (!out)
        return cli_error(CLI_FAILURE, "cannot write '%s'", path);
    snprintf(title, sizeof title, "%s on %s: throughput against latency (red: the Pareto front)", model, board);
    int failed = sweep_plot_svg(out, points, count, title);
    int closed = cli_close_output(out, path);
    return failed ? cli_error(CLI_FAILURE, "cannot write '%s'", path) : closed;
}

static void print_front(const sweep_request *r, const sweep_point *points, int count, const char *board)
{
    int found = 0, front = 0;
    for (int k = 0; k < count; k++) {
        found += points[k].found;
        front += points[k].pareto;
    }
    char model[1024], shown_board[1024], outdir[4096];
    text_escape(model, sizeof model, r->model);
    text_escape(shown_board, sizeof shown_board, board);
    text_escape(outdir, sizeof outdir, r->outdir);
    printf("%s on %s: %d search%s, %d design%s fit, %d on the Pareto front; wrote %s/\n", model, shown_board, count,
           count == 1 ? "" : "es", found, found == 1 ? "" : "s", front, outdir);
    printf("design  batch  allocation  throughput (inputs/s)  latency (s)  resource share  partitions\n");
    for (int k = 0; k < count; k++)
        if (points[k].pareto)
            printf("%6d  %5lld  %10.2f  %21.6g  %11.6g  %13.1f%%  %10d\n", k + 1, (long long)points[k].batch_size,
                   points[k].allocation, points[k].throughput, points[k].latency_s, 100 * points[k].share,
                   points[k].partitions);
}

static int sweep(const sweep_request *r)
{
    fcn_error err;
    fcn_platform platform;
    if (fcn_platform_read(r->platform, &platform, &err))
        return cli_error(CLI_FAILURE, "%s", err.message);
    fcn_network *model = cli_load_network(NULL, r->model, 0, NULL, &err);
    if (!model)
        return cli_error(CLI_FAILURE, "%s", err.message);
    sweep_point points[SWEEP_MAX_VALUES * SWEEP_MAX_VALUES];
    int count = 0;
    for (int b = 0; b < r->batch_count; b++)
        for (int a = 0; a < r->allocation_count; a++)
            points[count++] = (sweep_point){.batch_size = r->batches[b], .allocation = r->allocations[a]};
    stage st;
    int status = stage_open(&st, r->outdir), found = 0;
    fcn_error why = {{0}};
    for (int k = 0; k < count && !status; k++) {
        status = search_point(r, model, &platform, &st, k, &points[k], &why);
        found += points[k].found;
    }
    if (!status && found == 0)
        status = cli_error(CLI_FAILURE, "%s: no design fits at any of the allocations: %s", r->model, why.message);
    const char *board = platform.name[0] ? platform.name : r->platform;
    if (!status) {
        sweep_mark_front(points, count);
        status = write_csv(&st, points, count);
    }
    if (!status)
        status = write_plot(&st, points, count, r->model, board);
    if (!status)
        status = stage_commit(&st);
    if (status)
        stage_abandon(&st);
    else
        print_front(r, points, count, board);
    fcn_network_free(model);
    return status;
}

int sweep_command(int argc, char **argv)
{
    sweep_request request;
    int status = parse_request(argc, argv, &request);
    if (status || request.help)
        return cli_usage_or_error(status, USAGE);
    return sweep(&request);
}
