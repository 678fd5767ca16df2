/*
 * Internal to the TOML reader: the cursor over the text, blanks and comments, errors naming
 * "<source>:<line>:<column>", and strings (src/io/toml_scan.c); the tree is built by src/io/toml.c.
 */
#ifndef FCN_TOML_SCAN_H
#define FCN_TOML_SCAN_H

#include <stddef.h>

#include "error.h"
#include "toml.h"

typedef struct place {
    int line, column;
} place;

typedef struct parser {
    const unsigned char *text;
    size_t length, pos;
    int line, column; /* of text[pos]; columns count characters */
    toml_value *root, *table; /* the document, and where key = value lines go */
    const char *source;
    fcn_error *err;
} parser;

/* Where the cursor is; the byte `ahead` of it (-1 past the end); one byte on (columns count characters). */
place toml_here(const parser *p);
int toml_peek(const parser *p, size_t ahead);
void toml_step(parser *p);
/* Whether a line ends at the cursor (LF or CRLF). */
int toml_at_newline(const parser *p);
/* Fails with "<source>:<line>:<column>: <what>" at `at`; "expected <what>, got <what is there>". Return -1. */
int toml_fail_at(parser *p, place at, const char *fmt, ...) FCN_PRINTF(3, 4);
int toml_fail_got(parser *p, const char *expected);
/* Spaces and tabs; blanks (spaces, comments, line ends) between an array's items; a line's end after a
 * header or key = value (only spaces and a comment may stand before it). -1 on a bad comment or garbage. */
void toml_skip_spaces(parser *p);
int toml_skip_blank(parser *p);
int toml_end_of_line(parser *p);
/* A NUL-terminated copy of `length` bytes; NULL without memory. */
char *toml_copy_text(const void *text, size_t length);
/* A one-line basic ("...") or literal ('...') string, the cursor on its quote; *out is allocated. */
int toml_parse_string(parser *p, char **out);

#endif
