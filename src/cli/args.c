/* Option parsing and error printing shared by the commands. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "text.h"

int cli_error(int status, const char *fmt, ...)
{
    fcn_error formatted;
    va_list ap;
    va_start(ap, fmt);
    fcn_format_fitted(formatted.message, sizeof formatted.message, fmt, ap);
    va_end(ap);
    /*
     * The promise is one line, whatever a file name or a library message
     * holds: control characters and bytes that are not UTF-8 show as \xNN.
     */
    char message[4 * sizeof formatted.message];
    text_escape(message, sizeof message, formatted.message);
    fprintf(stderr, "fpgaconvnet: %s\n", message);
    return status;
}

void cli_parser_init(cli_parser *p, int argc, char **argv, const cli_option *options, int option_count)
{
    *p = (cli_parser){argc, argv, 1, 0, options, option_count};
}

static int find_long(const cli_parser *p, const char *name, size_t length)
{
    for (int i = 0; i < p->option_count; i++)
        if (strlen(p->options[i].long_name) == length && strncmp(p->options[i].long_name, name, length) == 0)
            return i;
    return -1;
}

static int find_short(const cli_parser *p, char name)
{
    for (int i = 0; i < p->option_count; i++)
        if (p->options[i].short_name && p->options[i].short_name == name)
            return i;
    return -1;
}

/* "<command>: <before> '<argument, up to any '='>'<after> (see ...)" */
static int usage_error(const cli_parser *p, const char *before, const char *argument, const char *after)
{
    int length = (int)strcspn(argument, "=");
    cli_error(CLI_USAGE, "%s: %s '%.*s'%s (see 'fpgaconvnet %s --help')", p->argv[0], before, length, argument,
              after, p->argv[0]);
    return CLI_BAD;
}

int cli_next(cli_parser *p, const char **value)
{
    *value = NULL;
    if (p->next >= p->argc)
        return CLI_END;
    const char *arg = p->argv[p->next++];
    if (!p->options_done && strcmp(arg, "--") == 0) {
        p->options_done = 1;
        return cli_next(p, value);
    }
    /* "-" alone is an argument (conventionally standard input or output), not an option. */
    if (p->options_done || arg[0] != '-' || arg[1] == '\0') {
        *value = arg;
        return CLI_POSITIONAL;
    }
    int index;
    const char *inline_value = NULL;
    if (arg[1] == '-') {
        const char *name = arg + 2, *equals = strchr(name, '=');
        index = find_long(p, name, equals ? (size_t)(equals - name) : strlen(name));
        inline_value = equals ? equals + 1 : NULL;
    } else {
        index = find_short(p, arg[1]);
        inline_value = arg[2] ? arg + 2 : NULL;
    }
    if (index < 0)
        return usage_error(p, "unknown option", arg, "");
    if (!p->options[index].takes_value) {
        if (inline_value)
            return usage_error(p, "option", arg, " takes no value");
        return index;
    }
    if (inline_value) {
        *value = inline_value;
    } else if (p->next < p->argc) {
        *value = p->argv[p->next++];
    } else {
        return usage_error(p, "missing value for option", arg, "");
    }
    return index;
}

int cli_parse_arguments(const char *command, int argc, char **argv, const cli_option *options, int option_count,
                        const char **positional, cli_apply_option apply, void *request)
{
    cli_parser parser;
    cli_parser_init(&parser, argc, argv, options, option_count);
    const char *value;
    for (int found; (found = cli_next(&parser, &value)) != CLI_END;) {
        if (found == CLI_BAD)
            return CLI_USAGE;
        if (found == CLI_POSITIONAL && *positional)
            return cli_error(CLI_USAGE, "%s: unexpected argument '%s' (see 'fpgaconvnet %s --help')", command, value,
                             command);
        if (found == CLI_POSITIONAL)
            *positional = value;
        else if (apply(request, found, value))
            return CLI_USAGE;
    }
    return 0;
}

int cli_usage_or_error(int status, const char *usage)
{
    if (status)
        return status;
    fputs(usage, stdout);
    return 0;
}

/* A whole string that is a finite number. */
static int parse_real(const char *text, double *out)
{
    if (!text[0] || isspace((unsigned char)text[0]))
        return -1;
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(value))
        return -1;
    *out = value;
    return 0;
}

int cli_positive_real(const char *command, const char *option, const char *text, double *out)
{
    if (parse_real(text, out) || !(*out > 0)) {
        cli_error(CLI_USAGE, "%s: %s: '%s' is not a positive number", command, option, text);
        return -1;
    }
    return 0;
}

int cli_nonnegative_real(const char *command, const char *option, const char *text, double *out)
{
    if (parse_real(text, out) || !(*out >= 0)) {
        cli_error(CLI_USAGE, "%s: %s: '%s' is not a number >= 0", command, option, text);
        return -1;
    }
    if (*out == 0)
        *out = 0; /* no "-0" in reports */
    return 0;
}

int cli_fraction(const char *command, const char *option, const char *text, double *out)
{
    if (cli_positive_real(command, option, text, out))
        return -1;
    if (*out > 1) {
        cli_error(CLI_USAGE, "%s: %s: %s is outside (0, 1]", command, option, text);
        return -1;
    }
    return 0;
}

int cli_config_format(const char *command, const char *text, fcn_config_format *out)
{
    if (fcn_config_format_from_name(text, out) == 0)
        return 0;
    cli_error(CLI_USAGE, "%s: --config-format: unknown format '%s' (expected 0.1.1 or newest)", command, text);
    return -1;
}

int cli_positive_count(const char *command, const char *option, const char *text, int64_t max, int64_t *out)
{
    char *end;
    errno = 0;
    long long value = isdigit((unsigned char)text[0]) ? strtoll(text, &end, 10) : 0;
    if (!isdigit((unsigned char)text[0]) || *end != '\0' || errno == ERANGE || value < 1 || value > max) {
        cli_error(CLI_USAGE, "%s: %s: '%s' is not an integer from 1 to %lld", command, option, text,
                  (long long)max);
        return -1;
    }
    *out = value;
    return 0;
}
