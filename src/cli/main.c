/* The fpgaconvnet tool: finds the command named by the first argument and hands it the rest. */
#define _POSIX_C_SOURCE 200809L /* getrlimit */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli.h"

/*
 * Every command: its name and what it does. Its entry point is NAME_command(argc, argv), in its own
 * file, with argv[0] the command's name; it returns the exit status. Adding a command is one line here.
 */
#define FCN_COMMANDS(X) \
    X(parse, "turn an ONNX model into its default configuration, or list its operators") \
    X(report, "evaluate a configuration and report its performance and resources") \
    X(visualise, "draw a configuration's partitions, layers and modules with graphviz") \
    X(validate, "check that a configuration fits and runs on a board, listing every violation") \
    X(schedule, "write the partitions' schedule for the hardware flow (CSV)") \
    X(optimise, "search for the configuration that best meets an objective on a board") \
    X(sweep, "the designs that trade throughput against latency and resources (Pareto front)") \
    X(bench, "time loading, parsing and evaluating (JSON)")

#define DECLARE_COMMAND(name, summary) int name##_command(int argc, char **argv);
FCN_COMMANDS(DECLARE_COMMAND)

typedef struct command {
    const char *name, *summary;
    int (*run)(int argc, char **argv);
} command;

#define COMMAND_ENTRY(name, summary) {#name, summary, name##_command},
static const command COMMANDS[] = {FCN_COMMANDS(COMMAND_ENTRY)};
#define COMMAND_COUNT ((int)(sizeof COMMANDS / sizeof COMMANDS[0]))

static int print_help(void)
{
    printf("usage: fpgaconvnet COMMAND [ARGS...]\n"
           "       fpgaconvnet --help | --version\n"
           "\n"
           "The fpgaConvNet performance and resource model.\n"
           "\n"
           "commands:\n");
    for (int i = 0; i < COMMAND_COUNT; i++)
        printf("  %-12s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    printf("\n'fpgaconvnet COMMAND --help' describes a command.\n");
    return 0;
}

static const command *find_command(const char *name)
{
    for (int i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(COMMANDS[i].name, name) == 0)
            return &COMMANDS[i];
    return NULL;
}

/*
 * Under a limit on address space (ulimit -v), one malloc arena for every thread. glibc gives each new
 * thread its own arena, a 64 MB reservation of address space: under the limit the optimiser's threads
 * retry it on every malloc, and when one gets it the limit is spent on nothing, so that a search which
 * needs 40 MB failed, now and then, "out of memory" under 90 MB (tests/cli_memory.sh).
 */
static void share_one_arena_under_a_memory_limit(void)
{
#ifdef __GLIBC__
    struct rlimit limit;
    if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        mallopt(M_ARENA_MAX, 1);
#endif
}

int main(int argc, char **argv)
{
    share_one_arena_under_a_memory_limit();
    if (argc < 2)
        return cli_error(CLI_USAGE, "no command given (see 'fpgaconvnet --help')");
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0)
        return print_help();
    if (strcmp(name, "--version") == 0) {
        printf("fpgaconvnet %s\n", FCN_VERSION);
        return 0;
    }
    const command *found = find_command(name);
    if (!found)
        return cli_error(CLI_USAGE, "unknown %s '%s' (see 'fpgaconvnet --help')",
                         name[0] == '-' ? "option" : "command", name);
    return found->run(argc - 1, argv + 1);
}
