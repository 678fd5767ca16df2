/*
 * Internal: the platform file's two forms (CONFIG.md "Platform"), JSON
 * (platform_json.c) and TOML (platform_toml.c), and the checks they share
 * (platform.c), so that a figure wrong in either form is refused alike.
 */
#ifndef FCN_PLATFORM_READ_H
#define FCN_PLATFORM_READ_H

#include <jansson.h>
#include <stdint.h>

#include "error.h"

/* A platform file not named ".json" is read whole, and refused past this: a board is a few hundred bytes. */
#define PLATFORM_TEXT_MAX_SIZE ((size_t)1 << 20)

/* The clock a board may give (MHz): a zero or absurd one would become the default or a latency of centuries. */
#define PLATFORM_MIN_FREQ_MHZ 1.0
#define PLATFORM_MAX_FREQ_MHZ 1e4
/* The most memory bandwidth a board may give (GB/s). */
#define PLATFORM_MAX_BANDWIDTH_GBS 1e6
/* What a board that gives no ports or port width has. */
#define PLATFORM_DEFAULT_PORTS 1
#define PLATFORM_DEFAULT_PORT_WIDTH 64

/*
 * A figure as a form found it, for the checks below: "<source>[:<line>:<column>]:
 * platform <name> <what>" names it in messages.
 */
typedef struct platform_value {
    const char *source; /* the file */
    int line, column;   /* the value's place; where absent, its table's; 0 where the form tells none (JSON) */
    char name[96];      /* "DSP" (JSON), [resources] DSP (TOML) */
    int found;          /* 1: read into value; 0: absent; -1: unreadable, err says why */
    double value;
} platform_value;

/* Fails with the value's place and name, then `fmt` (" must ...", ": expected ..."). */
int platform_fail(const platform_value *v, fcn_error *err, const char *fmt, ...) FCN_PRINTF(3, 4);
/* A resource count, a whole number from `required` (1: LUT, FF, DSP, BRAM, which must be there; 0: URAM) to 9e15. */
int platform_resource(platform_value v, int required, int64_t *out, fcn_error *err);
/* ports, port_width: a whole number from 1 to 2147483647; `fallback` when absent. */
int platform_count(platform_value v, int64_t fallback, int64_t *out, fcn_error *err);
/* Seconds, bytes: not negative; `fallback` when absent. */
int platform_amount(platform_value v, double fallback, double *out, fcn_error *err);
/*
 * A memory bandwidth in a unit of `gbs_per_unit` GB/s, more than 0 and at most
 * PLATFORM_MAX_BANDWIDTH_GBS (`max_text`: that limit in the unit, for the message); into GB/s, 0 when absent.
 */
int platform_bandwidth(platform_value v, double gbs_per_unit, const char *max_text, double *gbs, fcn_error *err);

int platform_read_json(const json_t *root, const char *path, fcn_platform *out, fcn_error *err);
int platform_read_toml(const char *text, size_t length, const char *source, fcn_platform *out, fcn_error *err);

#endif
