/* Internal: filling an fcn_error. */
#ifndef FCN_ERROR_H
#define FCN_ERROR_H

#include "fpgaconvnet.h"

#if defined(__GNUC__)
#define FCN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define FCN_PRINTF(f, a)
#endif

/* Sets err's message (err may be NULL) and returns -1, so callers can `return fcn_fail(...)`. */
int fcn_fail(fcn_error *err, const char *fmt, ...) FCN_PRINTF(2, 3);
/* Puts "prefix: " in front of err's message. */
void fcn_error_prefix(fcn_error *err, const char *fmt, ...) FCN_PRINTF(2, 3);

#endif
