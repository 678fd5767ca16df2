/*
 * Internal: a small, strict reader of the TOML (1.0) that platform files use
 * (CONFIG.md "Platform, TOML form"): [tables] and [dotted.tables], key = value
 * with bare, quoted and dotted keys, basic and literal one-line strings,
 * decimal integers, floats, booleans, arrays and inline tables, comments.
 * Refused with a message: multi-line strings, arrays of tables ([[...]]),
 * dates and times, hexadecimal/octal/binary integers, inf and nan, U+0000 in
 * a string, and whatever TOML itself forbids (duplicate keys and tables,
 * unknown escapes, integers beyond 64 bits, bad UTF-8, ...).
 */
#ifndef FCN_TOML_H
#define FCN_TOML_H

#include <stddef.h>
#include <stdint.h>

#include "fpgaconvnet.h"

/* Deeper nesting (tables in tables, arrays in arrays) is refused: it keeps the recursion bounded. */
#define TOML_MAX_DEPTH 64
/* More keys in one table are refused: finding a key is a linear search. */
#define TOML_MAX_KEYS 1024

typedef enum toml_type { TOML_TABLE, TOML_ARRAY, TOML_STRING, TOML_INTEGER, TOML_FLOAT, TOML_BOOLEAN } toml_type;

typedef struct toml_value {
    toml_type type;
    int line, column;          /* where it is written: a value's first character, a table's header or key */
    char *key;                 /* its name in its table; NULL for the root and for an array's items */
    struct toml_value *parent; /* NULL for the root */
    union {
        char *string; /* UTF-8, without U+0000 */
        int64_t integer;
        double real; /* finite */
        int boolean;
    } as;
    struct toml_value **items; /* a table's entries in the file's order, an array's items */
    int count, capacity, depth;
    /* How a table came to be: TOML lets each table be defined once (toml.c). */
    unsigned char by_header, by_dotted, sealed;
} toml_value;

/*
 * Parses `length` bytes (a UTF-8 byte order mark at the start is skipped);
 * `source` names the text in messages. The root table, to be released with
 * toml_free, or NULL with "<source>:<line>:<column>: <what>" in err (columns
 * count characters from 1).
 */
toml_value *toml_parse(const char *text, size_t length, const char *source, fcn_error *err);
void toml_free(toml_value *value);

/* The entry `key` of a table; NULL when absent or when `table` is NULL or no table. */
const toml_value *toml_get(const toml_value *table, const char *key);
/* "a table", "an integer", ...: for messages. */
const char *toml_type_name(toml_type type);

#endif
