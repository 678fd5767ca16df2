#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int fcn_fail(fcn_error *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void fcn_error_prefix(fcn_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    /* Room for both parts, so the compiler can see nothing is cut before the final copy. */
    char joined[2 * sizeof err->message + 2];
    snprintf(joined, sizeof joined, "%s: %s", prefix, err->message);
    size_t len = strlen(joined);
    if (len >= sizeof err->message)
        len = sizeof err->message - 1;
    memcpy(err->message, joined, len);
    err->message[len] = '\0';
}
