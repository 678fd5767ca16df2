/* The TOML reader's cursor, blanks, errors and strings (toml_scan.h); the tree is built in toml.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "toml_scan.h"

typedef struct buffer {
    char *data;
    size_t length, capacity;
} buffer;

/* ------------------------------------------------------------ the cursor */

place toml_here(const parser *p)
{
    return (place){p->line, p->column};
}

int toml_peek(const parser *p, size_t ahead)
{
    return p->pos + ahead < p->length ? p->text[p->pos + ahead] : -1;
}

/* Moves past one byte; UTF-8 continuation bytes do not move the column. */
void toml_step(parser *p)
{
    const unsigned char c = p->text[p->pos++];
    if (c == '\n') {
        p->line++;
        p->column = 1;
    } else if ((c & 0xC0) != 0x80) {
        p->column++;
    }
}

static void steps(parser *p, size_t n)
{
    while (n-- > 0)
        toml_step(p);
}

int toml_at_newline(const parser *p)
{
    return toml_peek(p, 0) == '\n' || (toml_peek(p, 0) == '\r' && toml_peek(p, 1) == '\n');
}

/* The UTF-8 character at the cursor: its length in bytes (0 if it is none) and code point. */
static size_t utf8_here(const parser *p, unsigned long *code_point)
{
    unsigned char bytes[5] = {0};
    for (size_t i = 0; i < 4 && p->pos + i < p->length; i++)
        bytes[i] = p->text[p->pos + i];
    return text_utf8_sequence(bytes, code_point);
}

/* What is at the cursor, for "expected ..., got <it>". */
static const char *describe(const parser *p, char *out, size_t size)
{
    const int c = toml_peek(p, 0);
    unsigned long code_point = 0;
    if (c < 0)
        return "the end of the file";
    if (toml_at_newline(p))
        return "the end of the line";
    if (c == '\r')
        return "a carriage return without a line feed";
    if (c > 0x20 && c < 0x7F)
        snprintf(out, size, "'%c'", c);
    else if (utf8_here(p, &code_point))
        snprintf(out, size, "U+%04lX", code_point);
    else
        snprintf(out, size, "the byte 0x%02X, not UTF-8", (unsigned)c);
    return out;
}

int toml_fail_at(parser *p, place at, const char *fmt, ...)
{
    char what[sizeof((fcn_error *)0)->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return fcn_fail(p->err, "%s:%d:%d: %s", p->source, at.line, at.column, what);
}

int toml_fail_got(parser *p, const char *expected)
{
    char got[48];
    return toml_fail_at(p, toml_here(p), "expected %s, got %s", expected, describe(p, got, sizeof got));
}

/*
 * One character of a string or a comment: UTF-8, and no control character
 * but tab; `hint` ends the message about a control character. Its length; 0 on error.
 */
static size_t text_character(parser *p, const char *where, const char *hint)
{
    unsigned long c = 0;
    const size_t length = utf8_here(p, &c);
    if (length == 0)
        toml_fail_at(p, toml_here(p), "the byte 0x%02X in %s is not UTF-8", (unsigned)toml_peek(p, 0), where);
    else if (c == '\r')
        toml_fail_at(p, toml_here(p), "a carriage return without a line feed in %s", where);
    else if ((c < 0x20 && c != '\t') || c == 0x7F)
        toml_fail_at(p, toml_here(p), "control character U+%04lX in %s%s", c, where, hint);
    else
        return length;
    return 0;
}

void toml_skip_spaces(parser *p)
{
    while (toml_peek(p, 0) == ' ' || toml_peek(p, 0) == '\t')
        toml_step(p);
}

static int skip_comment(parser *p)
{
    if (toml_peek(p, 0) != '#')
        return 0;
    toml_step(p);
    while (toml_peek(p, 0) >= 0 && !toml_at_newline(p)) {
        size_t length = text_character(p, "a comment", "");
        if (length == 0)
            return -1;
        steps(p, length);
    }
    return 0;
}

static void take_newline(parser *p)
{
    if (toml_peek(p, 0) == '\r')
        toml_step(p);
    toml_step(p);
}

/* Spaces, comments and line ends: what may stand between an array's items. */
int toml_skip_blank(parser *p)
{
    for (;;) {
        toml_skip_spaces(p);
        if (skip_comment(p))
            return -1;
        if (!toml_at_newline(p))
            return 0;
        take_newline(p);
    }
}

/* After a header or a key = value: only spaces and a comment before the line ends. */
int toml_end_of_line(parser *p)
{
    toml_skip_spaces(p);
    if (skip_comment(p))
        return -1;
    if (toml_peek(p, 0) < 0)
        return 0;
    if (!toml_at_newline(p))
        return toml_fail_got(p, "the end of the line");
    take_newline(p);
    return 0;
}

/* ---------------------------------------------------------------- text */

static int buffer_add(buffer *b, const void *bytes, size_t n)
{
    if (b->length + n + 1 > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 16;
        while (capacity < b->length + n + 1)
            capacity *= 2;
        char *data = realloc(b->data, capacity);
        if (!data)
            return -1;
        b->data = data;
        b->capacity = capacity;
    }
    memcpy(b->data + b->length, bytes, n);
    b->length += n;
    b->data[b->length] = '\0';
    return 0;
}

char *toml_copy_text(const void *text, size_t length)
{
    char *copy = malloc(length + 1);
    if (copy) {
        memcpy(copy, text, length);
        copy[length] = '\0';
    }
    return copy;
}

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static size_t utf8_encode(unsigned long c, unsigned char out[4])
{
    if (c < 0x80) {
        out[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (unsigned char)(0xC0 | (c >> 6));
        out[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (c >> 12));
        out[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (c >> 18));
    out[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

/* \uXXXX or \UXXXXXXXX, the cursor on the u or U. */
static int parse_unicode_escape(parser *p, place at, buffer *b)
{
    const int letter = toml_peek(p, 0);
    const int digits = letter == 'u' ? 4 : 8;
    toml_step(p);
    unsigned long c = 0;
    for (int i = 0; i < digits; i++) {
        const int digit = hex_digit(toml_peek(p, 0));
        if (digit < 0)
            return toml_fail_at(p, at, "\\%c needs %d hexadecimal digits", letter, digits);
        c = c * 16 + (unsigned long)digit;
        toml_step(p);
    }
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return toml_fail_at(p, at, "\\%c%0*lX is not a Unicode character", letter, digits, c);
    if (c == 0)
        return toml_fail_at(p, at, "\\%c%0*lX (U+0000) is not supported in a string", letter, digits, c);
    unsigned char bytes[4];
    return buffer_add(b, bytes, utf8_encode(c, bytes)) ? toml_fail_at(p, at, "out of memory") : 0;
}

/* An escape in a basic string, the cursor on its backslash. */
static int parse_escape(parser *p, buffer *b)
{
    const place at = toml_here(p);
    toml_step(p);
    const int c = toml_peek(p, 0);
    static const char letters[] = "btnfr\"\\", meanings[] = "\b\t\n\f\r\"\\";
    const char *known = c > 0 ? strchr(letters, c) : NULL;
    if (c == 'u' || c == 'U')
        return parse_unicode_escape(p, at, b);
    if (!known) {
        char got[48];
        if (c > 0x20 && c < 0x7F)
            return toml_fail_at(p, at, "unknown escape \\%c", c);
        return toml_fail_at(p, at, "unknown escape: a backslash before %s", describe(p, got, sizeof got));
    }
    toml_step(p);
    return buffer_add(b, &meanings[known - letters], 1) ? toml_fail_at(p, at, "out of memory") : 0;
}

/* A one-line basic ("...") or literal ('...') string, the cursor on its quote; *out is allocated. */
int toml_parse_string(parser *p, char **out)
{
    const place start = toml_here(p);
    const int quote = toml_peek(p, 0);
    if (toml_peek(p, 1) == quote && toml_peek(p, 2) == quote)
        return toml_fail_at(p, start, "multi-line strings (%c%c%c) are not supported", quote, quote, quote);
    toml_step(p);
    buffer b = {NULL, 0, 0};
    for (;;) {
        const int c = toml_peek(p, 0);
        int rc = 0;
        if (c < 0 || toml_at_newline(p)) {
            rc = toml_fail_at(p, start, "unterminated string");
        } else if (c == quote) {
            toml_step(p);
            break;
        } else if (c == '\\' && quote == '"') {
            rc = parse_escape(p, &b);
        } else {
            const size_t length = text_character(p, "a string", " (write it as an escape)");
            if (length == 0)
                rc = -1;
            else if (buffer_add(&b, p->text + p->pos, length))
                rc = toml_fail_at(p, start, "out of memory");
            steps(p, length);
        }
        if (rc) {
            free(b.data);
            return -1;
        }
    }
    *out = b.data ? b.data : toml_copy_text("", 0);
    return *out ? 0 : toml_fail_at(p, start, "out of memory");
}

