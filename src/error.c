#include "error.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How much of the start a message too long to keep whole keeps: the file and the place; the rest is its end. */
#define KEPT_HEAD 160

static int is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

void fcn_fit_message(char *out, size_t size, const char *text, size_t length)
{
    if (length < size) {
        memcpy(out, text, length + 1);
        return;
    }
    /* A long file name must not push the reason, at the end, out of the message: cut the middle. */
    static const char gap[] = " ... ";
    size_t head = KEPT_HEAD < size / 2 ? KEPT_HEAD : size / 4;
    while (head > 0 && is_continuation((unsigned char)text[head]))
        head--;
    size_t tail = size - 1 - head - (sizeof gap - 1);
    const char *end = text + length - tail;
    while (tail > 0 && is_continuation((unsigned char)*end)) {
        end++;
        tail--;
    }
    memcpy(out, text, head);
    memcpy(out + head, gap, sizeof gap - 1);
    memcpy(out + head + sizeof gap - 1, end, tail);
    out[head + sizeof gap - 1 + tail] = '\0';
}

/* Escaped (src/text.h) and fitted: whatever a name from a file holds, the message is one printable line. */
static void fit_escaped(char *out, size_t size, const char *text, size_t length)
{
    char stack[2048];
    size_t capacity = 4 * length + 1;
    char *escaped = capacity <= sizeof stack ? stack : malloc(capacity);
    if (!escaped) {
        fcn_fit_message(out, size, text, length);
        return;
    }
    text_escape(escaped, capacity, text);
    fcn_fit_message(out, size, escaped, strlen(escaped));
    if (escaped != stack)
        free(escaped);
}

void fcn_format_fitted(char *out, size_t size, const char *fmt, va_list ap)
{
    char small[sizeof(fcn_error){{0}}.message];
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        snprintf(out, size, "(a message that could not be formatted)");
    } else if ((size_t)n < sizeof small) {
        fit_escaped(out, size, small, (size_t)n);
    } else {
        char *whole = malloc((size_t)n + 1);
        if (whole && vsnprintf(whole, (size_t)n + 1, fmt, again) == n)
            fit_escaped(out, size, whole, (size_t)n);
        else
            fit_escaped(out, size, small, sizeof small - 1);
        free(whole);
    }
    va_end(again);
}

int fcn_fail(fcn_error *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        fcn_format_fitted(err->message, sizeof err->message, fmt, ap);
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
    char joined[2 * sizeof err->message + 2];
    int length = snprintf(joined, sizeof joined, "%s: %s", prefix, err->message);
    if (length >= 0)
        fit_escaped(err->message, sizeof err->message, joined, strlen(joined));
}
