/*
 * `fpgaconvnet optimise`: searches for the configuration of an ONNX model that best meets the
 * objective on a board, and writes it with its report, schedule, picture and search log.
 */
#define _POSIX_C_SOURCE 200809L /* isatty, fileno, sigaction */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bound_output.h"
#include "optimise_output.h"
#include "text.h"

#define MAX_ITERATIONS 1000000000000LL
#define PROGRESS_EVERY_S 0.1
/*
 * A --time-limit given bounds the picture too, which is drawn by this long after the limit (counted
 * from the command's start): the other files take a fraction of it for all but the largest networks,
 * and someone who gives a limit wants the command to end by it, picture or not.
 */
#define OUTPUTS_AFTER_LIMIT_S 1.5

static const char USAGE[] =
    "usage: fpgaconvnet optimise MODEL.onnx --platform PLATFORM.json -o OUTDIR\n"
    "                            [--objective throughput|latency] [--optimiser auto|greedy|annealing]\n"
    "                            [--batch-size N] [--resource-allocation F] [--seed S]\n"
    "                            [--time-limit S] [--iterations N] [--no-reconfiguration]\n"
    "                            [--freq MHZ] [--reconf-time S] [--threads N] [--no-fuse-bn] [--quiet]\n"
    "                            [--data-width N] [--weight-width N] [--config-format 0.1.1|newest]\n"
    "\n"
    "Searches the foldings, weights reloading, partitions and ports of MODEL's configurations\n"
    "for the one with the highest throughput (or lowest latency) whose every partition fits the\n"
    "board, and writes into OUTDIR (which must not exist, or be empty): MODEL.json (the\n"
    "configuration), report.json, scheduler.csv, topology.png and optimiser.csv (the search's\n"
    "progress). MODEL may also be a configuration (.json) of the network.\n"
    "\n"
    "options:\n"
    "  --platform FILE            the board (required): a JSON or TOML platform file\n"
    "  -o, --output OUTDIR        the output directory (required)\n"
    "  --objective OBJ            throughput (default) or latency\n"
    "  --optimiser ALG            auto (default: greedy, then annealing), greedy or annealing\n"
    "  --batch-size N             inputs per batch (default 256 for throughput, 1 for latency)\n"
    "  --resource-allocation F    fraction of each resource a partition may use, in (0, 1]\n"
    "                             (default 0.8)\n"
    "  --seed S                   the random seed (default 1): the same seed gives the same design\n"
    "  --time-limit S             stop after S seconds (default 30); a search cut short by it\n"
    "                             depends on the machine's speed. Given, it bounds the picture\n"
    "                             too: topology.png is left out unless drawn by S + 1.5 s from\n"
    "                             the start (it is always allowed 1 s)\n"
    "  --iterations N             stop after N designs proposed, greedy trials included\n"
    "                             (default: when the annealing schedules end by themselves)\n"
    "  --no-reconfiguration       one partition: the whole network on the board at once\n"
    "  --threads N                threads of independent searches, two a thread, seeded S, S+1,\n"
    "                             ..., each thread taking the next as one ends, the best kept\n"
    "                             (default: one a processor); the same seed and N give the same\n"
    "                             design\n"
    "  --freq MHZ                 clock (default: the platform's, else 125)\n"
    "  --reconf-time S            seconds per reconfiguration (default: the platform's, else 0)\n"
    "  --no-fuse-bn               keep a BatchNormalization after a Conv as a layer\n"
    "  --data-width N             every layer's data width, 1..36 (default 16; a quantised\n"
    "                             model's own types win)\n"
    "  --weight-width N           the weights' width of every convolution and inner product,\n"
    "                             1..36 (default 16)\n"
    "  --quiet                    no progress line on standard error\n"
    "  --config-format F          MODEL.json's form: 0.1.1 (default) or newest (docs/CONFIG.md)\n"
    "  -h, --help                 show this help\n";

enum {
    OPT_PLATFORM, OPT_OUTPUT, OPT_OBJECTIVE, OPT_OPTIMISER, OPT_BATCH, OPT_ALLOCATION, OPT_SEED, OPT_TIME,
    OPT_ITERATIONS, OPT_NO_RECONF, OPT_FREQ, OPT_RECONF, OPT_NO_FUSE_BN, OPT_QUIET, OPT_FORMAT, OPT_DATA_WIDTH,
    OPT_WEIGHT_WIDTH, OPT_THREADS, OPT_HELP
};
static const cli_option OPTIONS[] = {
    [OPT_PLATFORM] = {"platform", 0, 1},      [OPT_OUTPUT] = {"output", 'o', 1},
    [OPT_OBJECTIVE] = {"objective", 0, 1},    [OPT_OPTIMISER] = {"optimiser", 0, 1},
    [OPT_BATCH] = {"batch-size", 0, 1},       [OPT_ALLOCATION] = {"resource-allocation", 0, 1},
    [OPT_SEED] = {"seed", 0, 1},              [OPT_TIME] = {"time-limit", 0, 1},
    [OPT_ITERATIONS] = {"iterations", 0, 1},  [OPT_NO_RECONF] = {"no-reconfiguration", 0, 0},
    [OPT_FREQ] = {"freq", 0, 1},              [OPT_RECONF] = {"reconf-time", 0, 1},
    [OPT_NO_FUSE_BN] = {"no-fuse-bn", 0, 0},  [OPT_QUIET] = {"quiet", 0, 0},
    [OPT_FORMAT] = {"config-format", 0, 1},   [OPT_DATA_WIDTH] = {"data-width", 0, 1},
    [OPT_WEIGHT_WIDTH] = {"weight-width", 0, 1}, [OPT_THREADS] = {"threads", 0, 1},
    [OPT_HELP] = {"help", 'h', 0},
};

typedef struct optimise_request {
    const char *model, *platform, *outdir;
    fcn_optimise_options options;
    fcn_config_format format;
    cli_model_options parse; /* for an ONNX model */
    int quiet, help;
    int time_limit_given; /* else the search's default limit bounds the search alone, as it always has */
} optimise_request;

/* Any 64-bit unsigned number. */
static int parse_seed(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long value = isdigit((unsigned char)text[0]) ? strtoull(text, &end, 10) : 0;
    if (!isdigit((unsigned char)text[0]) || *end != '\0' || errno == ERANGE) {
        cli_error(CLI_USAGE, "optimise: --seed: '%s' is not a whole number from 0 to %llu", text,
                  (unsigned long long)UINT64_MAX);
        return -1;
    }
    *out = (uint64_t)value;
    return 0;
}

/* Applies one option; 0, or -1 after printing the usage error. */
static int apply_option(void *request, int option, const char *value)
{
    optimise_request *r = request;
    fcn_optimise_options *o = &r->options;
    switch (option) {
    case OPT_PLATFORM: r->platform = value; return 0;
    case OPT_OUTPUT: r->outdir = value; return 0;
    case OPT_OBJECTIVE:
        if (fcn_objective_from_name(value, &o->objective) == 0)
            return 0;
        return cli_error(CLI_USAGE, "optimise: --objective: unknown objective '%s' (expected throughput or latency)",
                         value), -1;
    case OPT_OPTIMISER:
        if (fcn_optimiser_from_name(value, &o->optimiser) == 0)
            return 0;
        return cli_error(CLI_USAGE, "optimise: --optimiser: unknown optimiser '%s' (expected auto, greedy or "
                                    "annealing)", value), -1;
    case OPT_BATCH: return cli_positive_count("optimise", "--batch-size", value, MAX_BATCH_SIZE, &o->batch_size);
    case OPT_ALLOCATION:
        return cli_fraction("optimise", "--resource-allocation", value, &o->resource_allocation);
    case OPT_SEED: return parse_seed(value, &o->seed);
    case OPT_TIME:
        r->time_limit_given = 1;
        return cli_positive_real("optimise", "--time-limit", value, &o->time_limit_s);
    case OPT_ITERATIONS: return cli_positive_count("optimise", "--iterations", value, MAX_ITERATIONS, &o->iterations);
    case OPT_NO_RECONF: o->no_reconfiguration = 1; return 0;
    case OPT_FREQ: return cli_positive_real("optimise", "--freq", value, &o->freq_mhz);
    case OPT_RECONF: return cli_nonnegative_real("optimise", "--reconf-time", value, &o->reconf_time_s);
    case OPT_NO_FUSE_BN: r->parse.keep_batch_norm = 1; return 0;
    case OPT_DATA_WIDTH: return cli_width("optimise", "--data-width", value, &r->parse.data_width);
    case OPT_WEIGHT_WIDTH: return cli_width("optimise", "--weight-width", value, &r->parse.weight_width);
    case OPT_QUIET: r->quiet = 1; return 0;
    case OPT_THREADS: {
        int64_t n;
        if (cli_positive_count("optimise", "--threads", value, FCN_MAX_THREADS, &n))
            return -1;
        o->threads = (int)n;
        return 0;
    }
    case OPT_FORMAT: return cli_config_format("optimise", value, &r->format);
    case OPT_HELP: r->help = 1; return 0;
    }
    return -1;
}

/* One search a processor that is online, at least one. */
static int processors(void)
{
    const long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > FCN_MAX_THREADS ? FCN_MAX_THREADS : (int)n;
}

/* 0, or the exit status after printing the error. */
static int parse_request(int argc, char **argv, optimise_request *r)
{
    *r = (optimise_request){0};
    fcn_optimise_options_init(&r->options);
    r->options.threads = processors();
    int status = cli_parse_arguments("optimise", argc, argv, OPTIONS, CLI_OPTION_COUNT(OPTIONS), &r->model,
                                     apply_option, r);
    if (status || r->help)
        return status;
    if (!r->model)
        return cli_error(CLI_USAGE, "optimise: missing MODEL.onnx (see 'fpgaconvnet optimise --help')");
    if (!r->platform)
        return cli_error(CLI_USAGE, "optimise: missing --platform PLATFORM.json");
    if (!r->outdir)
        return cli_error(CLI_USAGE, "optimise: missing -o OUTDIR");
    return 0;
}

/* What the progress callback writes to: the search log, and the terminal when there is one. */
typedef struct progress_sink {
    FILE *csv;
    const char *unit;
    int terminal, printed, latency;
    double last_printed;
    const fcn_bound *bound; /* NULL when there is none */
} progress_sink;

/*
 * Ctrl-C or SIGTERM ends the search, not the command: the best design so far is written into OUTDIR
 * as usual, and no OUTDIR.tmp-* is left behind. A second signal ends the command at once (the
 * handler is reset to the default by SA_RESETHAND). The flag is the one state a signal may touch.
 */
static volatile sig_atomic_t stop_requested;

static void request_stop(int signal_number)
{
    (void)signal_number;
    stop_requested = 1;
}

static void catch_stop_signals(struct sigaction *saved_int, struct sigaction *saved_term)
{
    struct sigaction on_stop;
    memset(&on_stop, 0, sizeof on_stop);
    on_stop.sa_handler = request_stop;
    on_stop.sa_flags = SA_RESETHAND;
    sigemptyset(&on_stop.sa_mask);
    sigaction(SIGINT, &on_stop, saved_int);
    sigaction(SIGTERM, &on_stop, saved_term);
}

static int on_progress(const fcn_optimise_progress *p, void *user)
{
    progress_sink *sink = user;
    const fcn_resource *r = &p->best_resource;
    fprintf(sink->csv, "%.3f,%.6g,%.10g,%.10g,%lld,%lld,%lld,%lld,%d,%lld,%s\n", p->elapsed_s, p->temperature,
            p->current_objective, p->best_objective, (long long)r->lut, (long long)r->ff, (long long)r->dsp,
            (long long)r->bram, p->best_partitions, (long long)p->iterations, p->phase);
    const int done = strcmp(p->phase, "done") == 0;
    if (sink->terminal && (done || p->elapsed_s - sink->last_printed >= PROGRESS_EVERY_S)) {
        char best[64], ratio[32] = "";
        snprintf(best, sizeof best, "%.5g %s", p->best_objective, sink->unit);
        if (sink->bound)
            snprintf(ratio, sizeof ratio, "  %.3f of bound", bound_ratio(sink->bound, sink->latency, p->best_objective));
        fprintf(stderr, "\r%7.1f s  %-9s  T %-9.3g  best %-20s%s  %.3g designs/s  %d partition%s   ", p->elapsed_s,
                p->phase, p->temperature, best, ratio, p->elapsed_s > 0 ? (double)p->iterations / p->elapsed_s : 0.0,
                p->best_partitions, p->best_partitions == 1 ? "" : "s");
        fflush(stderr);
        sink->last_printed = p->elapsed_s;
        sink->printed = 1;
    }
    if (done && sink->printed)
        fputc('\n', stderr);
    return stop_requested != 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void print_summary(const optimise_request *r, const fcn_network *net, const fcn_optimise_stats *stats,
                          const char *name, const fcn_platform *platform, const fcn_bound *bound)
{
    const int latency = r->options.objective == FCN_OBJECTIVE_LATENCY;
    /* Names come from files: a newline or an escape sequence in one must not break or colour the line. */
    char shown_name[1024], board[1024], outdir[4096];
    text_escape(shown_name, sizeof shown_name, name);
    text_escape(board, sizeof board, platform->name[0] ? platform->name : r->platform);
    text_escape(outdir, sizeof outdir, r->outdir);
    printf("%s on %s: %s %.6g %s, %d partition%s, %.2f s%s\n", shown_name, board, latency ? "latency" : "throughput",
           stats->objective, latency ? "s" : "inputs/s", net->partition_count, net->partition_count == 1 ? "" : "s",
           stats->elapsed_s,
           stop_requested ? " (stopped by a signal)" : stats->stopped_by_time ? " (time limit)" : "");
    if (bound) {
        char summary[128];
        bound_summary(summary, sizeof summary, bound, latency);
        printf("bound %s: the design reaches %.3f of it\n", summary, bound_ratio(bound, latency, stats->objective));
    }
    char searches[48] = "";
    if (stats->searches > 1)
        snprintf(searches, sizeof searches, " in %d searches", stats->searches);
    printf("searched %lld designs%s, %lld layer evaluations (%.3g per second); wrote %s/\n",
           (long long)stats->iterations, searches, (long long)stats->layer_evaluations,
           stats->elapsed_s > 0 ? (double)stats->layer_evaluations / stats->elapsed_s : 0.0, outdir);
}

/* The search, with its log in the stage; the result or NULL after printing the error. */
static fcn_network *search(const optimise_request *r, stage *st, const fcn_network *model,
                           const fcn_platform *platform, const fcn_bound *bound, fcn_optimise_stats *stats)
{
    char path[sizeof st->path + 32];
    const int latency = r->options.objective == FCN_OBJECTIVE_LATENCY;
    progress_sink sink = {.terminal = !r->quiet && isatty(fileno(stderr)), .unit = latency ? "s" : "inputs/s",
                          .latency = latency, .bound = bound};
    if (!(sink.csv = fopen(stage_file(st, "optimiser.csv", path, sizeof path), "w"))) {
        cli_error(CLI_FAILURE, "cannot write '%s'", path);
        return NULL;
    }
    const char *objective = r->options.objective == FCN_OBJECTIVE_LATENCY ? "latency_s" : "throughput";
    fprintf(sink.csv, "elapsed_s,temperature,current_%s,best_%s,best_lut,best_ff,best_dsp,best_bram,partitions,"
                      "iterations,phase\n", objective, objective);
    fcn_optimise_options options = r->options;
    options.progress = on_progress;
    options.user = &sink;
    fcn_error err;
    fcn_network *net = fcn_optimise(model, platform, &options, stats, &err);
    int closed = cli_close_output(sink.csv, path);
    if (!net)
        cli_error(CLI_FAILURE, "%s: %s", r->model, err.message);
    if (net && closed) {
        fcn_network_free(net);
        return NULL;
    }
    return net;
}

/* The model: an ONNX file, or a configuration of the network. NULL after printing the error. */
static fcn_network *load_model(const optimise_request *r)
{
    fcn_error err;
    fcn_network *model = ends_with(r->model, ".json") ? fcn_network_read(r->model, &err)
                                                       : cli_load_network(NULL, r->model, 0, &r->parse, &err);
    if (!model)
        cli_error(CLI_FAILURE, "%s", err.message);
    return model;
}

/* `started`: when the command started (cli_now()), which --time-limit counts from. */
static int search_and_write(const optimise_request *r, double started)
{
    fcn_error err;
    fcn_platform platform;
    if (fcn_platform_read(r->platform, &platform, &err))
        return cli_error(CLI_FAILURE, "%s", err.message);
    fcn_network *model = load_model(r);
    if (!model)
        return CLI_FAILURE;
    stage st;
    int status = stage_open(&st, r->outdir);
    fcn_network *net = NULL;
    fcn_optimise_stats stats;
    char name[200];
    cli_model_name(r->model, name, sizeof name);
    /* Without a bound (it proves nothing fits: the search says why) the outputs leave it out. */
    fcn_bound bound;
    const fcn_bound *known = fcn_optimise_bound(model, &platform, &r->options, &bound, &err) ? NULL : &bound;
    if (!status && !(net = search(r, &st, model, &platform, known, &stats)))
        status = CLI_FAILURE;
    if (!status) {
        /* The files are evaluated as the search evaluated the design. */
        fcn_eval_options opts = cli_eval_options(r->options.freq_mhz, r->options.reconf_time_s, 0, &platform);
        const double picture_deadline =
            r->time_limit_given ? started + r->options.time_limit_s + OUTPUTS_AFTER_LIMIT_S : 0;
        status = write_outputs(&st, name, net, r->format, &platform, &opts, picture_deadline);
        if (!status && known)
            status = write_bound(&st, known, r->options.resource_allocation,
                                 bound_ratio(known, r->options.objective == FCN_OBJECTIVE_LATENCY, stats.objective));
    }
    if (!status)
        status = stage_commit(&st);
    if (status)
        stage_abandon(&st);
    else
        print_summary(r, net, &stats, name, &platform, known);
    fcn_network_free(net);
    fcn_network_free(model);
    return status;
}

static int run(const optimise_request *r, double started)
{
    struct sigaction saved_int, saved_term;
    catch_stop_signals(&saved_int, &saved_term);
    int status = search_and_write(r, started);
    sigaction(SIGINT, &saved_int, NULL);
    sigaction(SIGTERM, &saved_term, NULL);
    return status;
}

int optimise_command(int argc, char **argv)
{
    const double started = cli_now();
    optimise_request request;
    int status = parse_request(argc, argv, &request);
    if (status || request.help)
        return cli_usage_or_error(status, USAGE);
    return run(&request, started);
}
