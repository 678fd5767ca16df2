/* Internal to the command-line tool: what the commands share. */
#ifndef FCN_CLI_H
#define FCN_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "fpgaconvnet.h"

/* Exit statuses: a failure of the work itself, and a command line that makes no sense. */
#define CLI_FAILURE 1
#define CLI_USAGE 2

/* The largest --batch-size: keeps the model's word counts far from int64 overflow. */
#define MAX_BATCH_SIZE 1000000000

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* Prints "fpgaconvnet: <message>" as exactly one line on stderr; returns `status`. */
int cli_error(int status, const char *fmt, ...) CLI_PRINTF(2, 3);

/* One option a command accepts: "--long-name" and maybe "-s". */
typedef struct cli_option {
    const char *long_name; /* without the dashes */
    char short_name;       /* 0 for none */
    int takes_value;
} cli_option;

/* Walks a command's arguments (argv[0] is the command's name). */
typedef struct cli_parser {
    int argc;
    char **argv;
    int next;
    int options_done; /* after "--", everything is positional */
    const cli_option *options;
    int option_count;
} cli_parser;

#define CLI_POSITIONAL (-1)
#define CLI_END (-2)
#define CLI_BAD (-3)

#define CLI_OPTION_COUNT(options) ((int)(sizeof(options) / sizeof((options)[0])))

void cli_parser_init(cli_parser *p, int argc, char **argv, const cli_option *options, int option_count);
/*
 * The next argument: the index of the option found (with its value, for options that take one,
 * given as "--name VALUE", "--name=VALUE", "-s VALUE" or "-sVALUE"), CLI_POSITIONAL with the
 * argument in *value, CLI_END, or CLI_BAD after printing the usage error.
 */
int cli_next(cli_parser *p, const char **value);

/* Applies one option to a command's request; 0, or -1 after printing the usage error. */
typedef int (*cli_apply_option)(void *request, int option, const char *value);
/*
 * A command's whole argument loop: options go to `apply`, the one positional argument to
 * *positional (NULL until given; a second one is an error). 0, or CLI_USAGE after printing the error.
 */
int cli_parse_arguments(const char *command, int argc, char **argv, const cli_option *options, int option_count,
                        const char **positional, cli_apply_option apply, void *request);
/* The exit status of a command that stops after parsing: `status` if it failed, else 0 after printing the help. */
int cli_usage_or_error(int status, const char *usage);

/* Number parsers for option values; on a bad value they print the usage error and return -1. */
int cli_positive_real(const char *command, const char *option, const char *text, double *out);
int cli_nonnegative_real(const char *command, const char *option, const char *text, double *out);
/* A share of something: a number in (0, 1]. */
int cli_fraction(const char *command, const char *option, const char *text, double *out);
int cli_positive_count(const char *command, const char *option, const char *text, int64_t max, int64_t *out);
/* --config-format's value: 0.1.1 or newest (docs/CONFIG.md). */
int cli_config_format(const char *command, const char *text, fcn_config_format *out);

/* How a model is parsed: --no-fuse-bn, --data-width, --weight-width (0: not given). */
typedef struct cli_model_options {
    int keep_batch_norm, data_width, weight_width;
} cli_model_options;

/* --data-width N or --weight-width N: a width from 1 to FCN_MAX_WIDTH into *out; -1 after printing the usage error. */
int cli_width(const char *command, const char *option, const char *text, int *out);
/* They shape a parsed model: without `model`, the usage error naming the first one given; else 0. */
int cli_model_options_need_model(const char *command, const cli_model_options *m, const char *model);
/* The configuration file, or (with `model`) the default configuration of an ONNX model; `m` may be NULL. */
fcn_network *cli_load_network(const char *config, const char *model, int64_t batch_size, const cli_model_options *m,
                              fcn_error *err);
/* The model's options: the command line first (freq <= 0, reconf < 0: not given), then the platform, then defaults. */
fcn_eval_options cli_eval_options(double freq_mhz, double reconf_time_s, int64_t batch_size,
                                  const fcn_platform *platform);
/* A command's -o: standard output, or a file written whole or not at all (src/cli/common.c). */
typedef struct cli_output {
    FILE *file;
    const char *path;
    char *temp; /* the temporary file beside path, renamed over it by cli_output_finish */
} cli_output;
/* Standard output for NULL or "-", else a temporary file beside path; 0, or the exit status after the error. */
int cli_output_open(cli_output *o, const char *path);
/*
 * Completes the output: the temporary file replaces path unless the command
 * `failed` (it then reported why) or writing failed; 0, or the exit status.
 */
int cli_output_finish(cli_output *o, int failed);
/* Closes a file opened with fopen (or flushes standard output); 0, or the exit status after the error. */
int cli_close_output(FILE *out, const char *path);

/* A model's file name without its directory and extension: it names configurations and plots. */
void cli_model_name(const char *path, char *out, size_t size);

/* Seconds on a clock that only moves forward (CLOCK_MONOTONIC): for durations and deadlines. */
double cli_now(void);

/* What a child process (cli_run_child) said on its pipe, and how it ended. */
typedef struct cli_child {
    char said[2048]; /* NUL-terminated; what did not fit is dropped */
    int finished;    /* it ended by itself within the time allowed (else it was killed) */
    int status;      /* its status from waitpid */
} cli_child;
/*
 * Runs work(out, user) in a child process (src/cli/child.c) that reports by writing to `out` and
 * exits; its stderr goes to /dev/null. Waits until it ends or wall_s seconds pass (0: no bound), then
 * kills it; cpu_s > 0 bounds its processor time too. 0, or -1 with errno when it could not be started.
 */
int cli_run_child(void (*work)(int out, void *user), void *user, double wall_s, int cpu_s, cli_child *result);

#endif
