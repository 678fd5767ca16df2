/* Internal: filling an fcn_error. */
#ifndef FCN_ERROR_H
#define FCN_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#include "fpgaconvnet.h"

#if defined(__GNUC__)
#define FCN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define FCN_PRINTF(f, a)
#endif

/*
 * Sets err's message (err may be NULL) and returns -1, so callers can
 * `return fcn_fail(...)`; the message is fitted and escaped as below.
 */
int fcn_fail(fcn_error *err, const char *fmt, ...) FCN_PRINTF(2, 3);
/*
 * Copies a message of `length` bytes into out (`size` bytes): whole when it
 * fits, else its start (the file and the place) and its end (the reason)
 * joined by " ... ", cut between UTF-8 characters.
 */
void fcn_fit_message(char *out, size_t size, const char *text, size_t length);
/*
 * vsnprintf into out, control characters and bytes that are not UTF-8
 * written as \xNN, the result fitted as fcn_fit_message does however long.
 * fcn_fail and fcn_error_prefix do the same.
 */
void fcn_format_fitted(char *out, size_t size, const char *fmt, va_list ap);
/* Puts "prefix: " in front of err's message (fitted as above). */
void fcn_error_prefix(fcn_error *err, const char *fmt, ...) FCN_PRINTF(2, 3);

#endif
