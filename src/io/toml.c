/*
 * A small, strict TOML reader (toml.h): one pass over the text, building the
 * tree as it goes. TOML's rule that a table is defined once is kept with
 * three marks on each table, as Python's tomllib keeps it: made by a
 * [header] (by_header), made or extended by dotted keys (by_dotted), and an
 * inline table (sealed). A header may not name a table marked either way,
 * dotted keys may not go through a table made by a header, and nothing may
 * be added to an inline table. (Dotted keys can only reach tables of the
 * section they are written in, so tomllib's check that they extend no table
 * of an earlier section needs no mark here.)
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "text.h"
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

/* One part of a dotted key, and a whole key. */
typedef struct key_part {
    char *name;
    place at;
} key_part;

typedef struct key_path {
    key_part parts[TOML_MAX_DEPTH];
    int count;
} key_path;

typedef struct buffer {
    char *data;
    size_t length, capacity;
} buffer;

#define NAME_SIZE 256 /* a table's dotted name in messages; longer ones are cut */

static toml_value *parse_value(parser *p, toml_value *parent);

/* ------------------------------------------------------------ the cursor */

static place here(const parser *p)
{
    return (place){p->line, p->column};
}

static int peek(const parser *p, size_t ahead)
{
    return p->pos + ahead < p->length ? p->text[p->pos + ahead] : -1;
}

/* Moves past one byte; UTF-8 continuation bytes do not move the column. */
static void step(parser *p)
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
        step(p);
}

static int at_newline(const parser *p)
{
    return peek(p, 0) == '\n' || (peek(p, 0) == '\r' && peek(p, 1) == '\n');
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
    const int c = peek(p, 0);
    unsigned long code_point = 0;
    if (c < 0)
        return "the end of the file";
    if (at_newline(p))
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

static int fail_at(parser *p, place at, const char *fmt, ...) FCN_PRINTF(3, 4);
static int fail_at(parser *p, place at, const char *fmt, ...)
{
    char what[sizeof((fcn_error *)0)->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return fcn_fail(p->err, "%s:%d:%d: %s", p->source, at.line, at.column, what);
}

static int fail_got(parser *p, const char *expected)
{
    char got[48];
    return fail_at(p, here(p), "expected %s, got %s", expected, describe(p, got, sizeof got));
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
        fail_at(p, here(p), "the byte 0x%02X in %s is not UTF-8", (unsigned)peek(p, 0), where);
    else if (c == '\r')
        fail_at(p, here(p), "a carriage return without a line feed in %s", where);
    else if ((c < 0x20 && c != '\t') || c == 0x7F)
        fail_at(p, here(p), "control character U+%04lX in %s%s", c, where, hint);
    else
        return length;
    return 0;
}

static void skip_spaces(parser *p)
{
    while (peek(p, 0) == ' ' || peek(p, 0) == '\t')
        step(p);
}

static int skip_comment(parser *p)
{
    if (peek(p, 0) != '#')
        return 0;
    step(p);
    while (peek(p, 0) >= 0 && !at_newline(p)) {
        size_t length = text_character(p, "a comment", "");
        if (length == 0)
            return -1;
        steps(p, length);
    }
    return 0;
}

static void take_newline(parser *p)
{
    if (peek(p, 0) == '\r')
        step(p);
    step(p);
}

/* Spaces, comments and line ends: what may stand between an array's items. */
static int skip_blank(parser *p)
{
    for (;;) {
        skip_spaces(p);
        if (skip_comment(p))
            return -1;
        if (!at_newline(p))
            return 0;
        take_newline(p);
    }
}

/* After a header or a key = value: only spaces and a comment before the line ends. */
static int end_of_line(parser *p)
{
    skip_spaces(p);
    if (skip_comment(p))
        return -1;
    if (peek(p, 0) < 0)
        return 0;
    if (!at_newline(p))
        return fail_got(p, "the end of the line");
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

static char *copy_text(const void *text, size_t length)
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
    const int letter = peek(p, 0);
    const int digits = letter == 'u' ? 4 : 8;
    step(p);
    unsigned long c = 0;
    for (int i = 0; i < digits; i++) {
        const int digit = hex_digit(peek(p, 0));
        if (digit < 0)
            return fail_at(p, at, "\\%c needs %d hexadecimal digits", letter, digits);
        c = c * 16 + (unsigned long)digit;
        step(p);
    }
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return fail_at(p, at, "\\%c%0*lX is not a Unicode character", letter, digits, c);
    if (c == 0)
        return fail_at(p, at, "\\%c%0*lX (U+0000) is not supported in a string", letter, digits, c);
    unsigned char bytes[4];
    return buffer_add(b, bytes, utf8_encode(c, bytes)) ? fail_at(p, at, "out of memory") : 0;
}

/* An escape in a basic string, the cursor on its backslash. */
static int parse_escape(parser *p, buffer *b)
{
    const place at = here(p);
    step(p);
    const int c = peek(p, 0);
    static const char letters[] = "btnfr\"\\", meanings[] = "\b\t\n\f\r\"\\";
    const char *known = c > 0 ? strchr(letters, c) : NULL;
    if (c == 'u' || c == 'U')
        return parse_unicode_escape(p, at, b);
    if (!known) {
        char got[48];
        if (c > 0x20 && c < 0x7F)
            return fail_at(p, at, "unknown escape \\%c", c);
        return fail_at(p, at, "unknown escape: a backslash before %s", describe(p, got, sizeof got));
    }
    step(p);
    return buffer_add(b, &meanings[known - letters], 1) ? fail_at(p, at, "out of memory") : 0;
}

/* A one-line basic ("...") or literal ('...') string, the cursor on its quote; *out is allocated. */
static int parse_string(parser *p, char **out)
{
    const place start = here(p);
    const int quote = peek(p, 0);
    if (peek(p, 1) == quote && peek(p, 2) == quote)
        return fail_at(p, start, "multi-line strings (%c%c%c) are not supported", quote, quote, quote);
    step(p);
    buffer b = {NULL, 0, 0};
    for (;;) {
        const int c = peek(p, 0);
        int rc = 0;
        if (c < 0 || at_newline(p)) {
            rc = fail_at(p, start, "unterminated string");
        } else if (c == quote) {
            step(p);
            break;
        } else if (c == '\\' && quote == '"') {
            rc = parse_escape(p, &b);
        } else {
            const size_t length = text_character(p, "a string", " (write it as an escape)");
            if (length == 0)
                rc = -1;
            else if (buffer_add(&b, p->text + p->pos, length))
                rc = fail_at(p, start, "out of memory");
            steps(p, length);
        }
        if (rc) {
            free(b.data);
            return -1;
        }
    }
    *out = b.data ? b.data : copy_text("", 0);
    return *out ? 0 : fail_at(p, start, "out of memory");
}

/* ---------------------------------------------------------------- tree */

const char *toml_type_name(toml_type type)
{
    switch (type) {
    case TOML_TABLE: return "a table";
    case TOML_ARRAY: return "an array";
    case TOML_STRING: return "a string";
    case TOML_INTEGER: return "an integer";
    case TOML_FLOAT: return "a float";
    default: return "a boolean";
    }
}

/* The entry `key` of a table the parser is building, or NULL. */
static toml_value *entry(const toml_value *table, const char *key)
{
    if (!table || table->type != TOML_TABLE || !key)
        return NULL;
    for (int i = 0; i < table->count; i++)
        if (strcmp(table->items[i]->key, key) == 0)
            return table->items[i];
    return NULL;
}

const toml_value *toml_get(const toml_value *table, const char *key)
{
    return entry(table, key);
}

void toml_free(toml_value *value)
{
    if (!value)
        return;
    for (int i = 0; i < value->count; i++)
        toml_free(value->items[i]);
    free(value->items);
    free(value->key);
    if (value->type == TOML_STRING)
        free(value->as.string);
    free(value);
}

static int is_bare(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* A table's dotted name, then `key` (may be NULL), as TOML writes it: bare parts bare, others quoted. */
static void dotted_name(const toml_value *table, const char *key, char *out, size_t size)
{
    if (table && table->parent) {
        dotted_name(table->parent, table->key, out, size);
    } else {
        out[0] = '\0';
    }
    if (!key)
        return;
    int bare = key[0] != '\0';
    for (const char *c = key; *c; c++)
        bare = bare && is_bare((unsigned char)*c);
    const size_t used = strlen(out);
    snprintf(out + used, size - used, bare ? "%s%s" : "%s\"%s\"", used ? "." : "", key);
}

static toml_value *new_value(parser *p, toml_type type, place at, const toml_value *parent)
{
    const int depth = parent ? parent->depth + 1 : 0;
    if (depth > TOML_MAX_DEPTH) {
        fail_at(p, at, "nested more than %d deep", TOML_MAX_DEPTH);
        return NULL;
    }
    toml_value *value = calloc(1, sizeof *value);
    if (!value) {
        fail_at(p, at, "out of memory");
        return NULL;
    }
    value->type = type;
    value->line = at.line;
    value->column = at.column;
    value->depth = depth;
    return value;
}

/* Adds `child` to a table or array; on failure the caller still owns it. */
static int append(parser *p, toml_value *container, toml_value *child)
{
    if (container->type == TOML_TABLE && container->count >= TOML_MAX_KEYS) {
        char name[NAME_SIZE];
        dotted_name(container, NULL, name, sizeof name);
        return fail_at(p, (place){child->line, child->column}, "more than %d keys in the table %s%s%s",
                       TOML_MAX_KEYS, name[0] ? "[" : "", name[0] ? name : "at the top", name[0] ? "]" : "");
    }
    if (container->count == container->capacity) {
        const int capacity = container->capacity ? 2 * container->capacity : 8;
        toml_value **items = realloc(container->items, (size_t)capacity * sizeof *items);
        if (!items)
            return fail_at(p, (place){child->line, child->column}, "out of memory");
        container->items = items;
        container->capacity = capacity;
    }
    child->parent = container;
    container->items[container->count++] = child;
    return 0;
}

/* A new table `part` in `owner`, the key's name moved into it. */
static toml_value *add_table(parser *p, toml_value *owner, key_part *part, place at)
{
    toml_value *table = new_value(p, TOML_TABLE, at, owner);
    if (!table)
        return NULL;
    table->key = part->name;
    part->name = NULL;
    if (append(p, owner, table)) {
        toml_free(table);
        return NULL;
    }
    return table;
}

/* An existing entry a header or dotted key goes through must be a table that can take more. */
static int open_for_path(parser *p, const toml_value *entry, const key_part *part)
{
    char name[NAME_SIZE];
    dotted_name(entry->parent, entry->key, name, sizeof name);
    if (entry->type != TOML_TABLE)
        return fail_at(p, part->at, "%s (line %d) is %s, not a table", name, entry->line, toml_type_name(entry->type));
    if (entry->sealed)
        return fail_at(p, part->at, "cannot add to %s, an inline table (line %d)", name, entry->line);
    return 0;
}

/* ---------------------------------------------------------------- keys */

static int parse_key_part(parser *p, key_part *out)
{
    out->at = here(p);
    out->name = NULL;
    if (peek(p, 0) == '"' || peek(p, 0) == '\'')
        return parse_string(p, &out->name);
    const size_t start = p->pos;
    while (is_bare(peek(p, 0)))
        step(p);
    if (p->pos == start)
        return fail_got(p, "a key");
    out->name = copy_text(p->text + start, p->pos - start);
    return out->name ? 0 : fail_at(p, out->at, "out of memory");
}

static void key_free(key_path *key)
{
    for (int i = 0; i < key->count; i++)
        free(key->parts[i].name);
    key->count = 0;
}

/* A bare, quoted or dotted key, and the spaces after it; on failure key_free still frees what was read. */
static int parse_key(parser *p, key_path *key)
{
    key->count = 0;
    for (;;) {
        if (key->count == TOML_MAX_DEPTH)
            return fail_at(p, here(p), "a key of more than %d parts", TOML_MAX_DEPTH);
        if (parse_key_part(p, &key->parts[key->count]))
            return -1;
        key->count++;
        skip_spaces(p);
        if (peek(p, 0) != '.')
            return 0;
        step(p);
        skip_spaces(p);
    }
}

/* The tables a dotted key's leading parts name, in `table`, made where missing. */
static toml_value *dotted_tables(parser *p, toml_value *table, key_path *key)
{
    for (int i = 0; i + 1 < key->count; i++) {
        key_part *part = &key->parts[i];
        toml_value *next = entry(table, part->name);
        if (!next) {
            next = add_table(p, table, part, part->at);
            if (!next)
                return NULL;
        } else {
            char name[NAME_SIZE];
            dotted_name(next->parent, next->key, name, sizeof name);
            if (open_for_path(p, next, part))
                return NULL;
            if (next->by_header) {
                fail_at(p, part->at, "cannot add to the table [%s] with dotted keys: its header is at line %d", name,
                        next->line);
                return NULL;
            }
            if (!next->by_dotted) { /* made by a header's path: from now on, defined by these keys */
                next->line = part->at.line;
                next->column = part->at.column;
            }
        }
        next->by_dotted = 1;
        table = next;
    }
    return table;
}

/* key = value into `table`. */
static int parse_key_value(parser *p, toml_value *table)
{
    key_path key;
    int rc = parse_key(p, &key);
    toml_value *owner = NULL, *value = NULL;
    if (rc == 0 && peek(p, 0) != '=')
        rc = fail_got(p, "'=' after the key");
    if (rc == 0) {
        step(p);
        skip_spaces(p);
        owner = dotted_tables(p, table, &key);
        rc = owner ? 0 : -1;
    }
    key_part *last = owner ? &key.parts[key.count - 1] : NULL;
    const toml_value *existing = last ? entry(owner, last->name) : NULL;
    if (existing) {
        char name[NAME_SIZE];
        dotted_name(owner, last->name, name, sizeof name);
        rc = fail_at(p, last->at, "duplicate key %s (first at line %d)", name, existing->line);
    }
    if (rc == 0) {
        value = parse_value(p, owner);
        rc = value ? 0 : -1;
    }
    if (rc == 0) {
        value->key = last->name;
        last->name = NULL;
        if (append(p, owner, value)) {
            toml_free(value);
            rc = -1;
        }
    }
    key_free(&key);
    return rc;
}

/* [a.b.c], the cursor on the '['. */
static int parse_header(parser *p)
{
    const place at = here(p);
    step(p);
    if (peek(p, 0) == '[')
        return fail_at(p, at, "arrays of tables ([[...]]) are not supported");
    skip_spaces(p);
    key_path key;
    int rc = parse_key(p, &key);
    if (rc == 0 && peek(p, 0) != ']')
        rc = fail_got(p, "']' after the table's name");
    if (rc == 0)
        step(p);
    toml_value *table = p->root;
    for (int i = 0; rc == 0 && i < key.count; i++) {
        key_part *part = &key.parts[i];
        const int last = i + 1 == key.count;
        toml_value *next = entry(table, part->name);
        char name[NAME_SIZE];
        if (!next) {
            next = add_table(p, table, part, at);
            rc = next ? 0 : -1;
        } else if (open_for_path(p, next, part)) {
            rc = -1;
        } else if (last) {
            dotted_name(next->parent, next->key, name, sizeof name);
            if (next->by_header)
                rc = fail_at(p, at, "duplicate table [%s] (first at line %d)", name, next->line);
            else if (next->by_dotted)
                rc = fail_at(p, at, "table [%s] was already defined by dotted keys at line %d", name, next->line);
            next->line = at.line;
            next->column = at.column;
        }
        if (rc == 0 && last)
            next->by_header = 1;
        table = next;
    }
    key_free(&key);
    if (rc == 0)
        p->table = table;
    return rc;
}

/* ---------------------------------------------------------------- values */

static toml_value *parse_array(parser *p, toml_value *parent)
{
    const place at = here(p);
    toml_value *array = new_value(p, TOML_ARRAY, at, parent);
    if (!array)
        return NULL;
    step(p);
    for (;;) {
        if (skip_blank(p))
            break;
        if (peek(p, 0) < 0) {
            fail_at(p, at, "unterminated array");
            break;
        }
        if (peek(p, 0) == ']') {
            step(p);
            return array;
        }
        toml_value *item = parse_value(p, array);
        if (!item)
            break;
        if (append(p, array, item)) {
            toml_free(item);
            break;
        }
        if (skip_blank(p))
            break;
        if (peek(p, 0) == ',') {
            step(p);
        } else if (peek(p, 0) != ']') {
            if (peek(p, 0) < 0)
                fail_at(p, at, "unterminated array");
            else
                fail_got(p, "',' or ']' in the array");
            break;
        }
    }
    toml_free(array);
    return NULL;
}

/* { a = 1, b.c = 2 }: on one line, no trailing comma, sealed once read. */
static toml_value *parse_inline_table(parser *p, toml_value *parent)
{
    const place at = here(p);
    toml_value *table = new_value(p, TOML_TABLE, at, parent);
    if (!table)
        return NULL;
    step(p);
    skip_spaces(p);
    int rc = 0;
    if (peek(p, 0) == '}')
        step(p);
    else
        for (;;) {
            rc = parse_key_value(p, table);
            if (rc)
                break;
            skip_spaces(p);
            const int c = peek(p, 0);
            if (c == '}') {
                step(p);
                break;
            }
            if (c == ',') {
                step(p);
                skip_spaces(p);
            }
            if (peek(p, 0) < 0 || at_newline(p)) {
                rc = fail_at(p, at, "unterminated inline table (an inline table is written on one line)");
                break;
            }
            if (c != ',') {
                rc = fail_got(p, "',' or '}' in the inline table");
                break;
            }
            if (peek(p, 0) == '}') {
                rc = fail_at(p, here(p), "a trailing comma is not allowed in an inline table");
                break;
            }
        }
    if (rc) {
        toml_free(table);
        return NULL;
    }
    table->sealed = 1;
    return table;
}

/* Digits with single underscores between them, copied without the underscores; 0 when none or misplaced. */
static int take_digits(const char *word, size_t length, size_t *i, char *clean, size_t *used)
{
    const size_t start = *i;
    for (; *i < length && ((word[*i] >= '0' && word[*i] <= '9') || word[*i] == '_'); (*i)++) {
        if (word[*i] != '_')
            clean[(*used)++] = word[*i];
        else if (*i == start || *i + 1 >= length || word[*i + 1] < '0' || word[*i + 1] > '9')
            return 0;
    }
    return *i > start;
}

/*
 * A decimal integer or float in TOML's grammar, into clean without underscores (with a
 * point and exponent for a float). 1: integer, 2: float, 0: not a number, -1: leading zeros.
 */
static int number_grammar(const char *word, size_t length, char *clean)
{
    size_t i = 0, used = 0;
    if (word[0] == '+' || word[0] == '-')
        clean[used++] = word[i++];
    const size_t digits = used;
    if (!take_digits(word, length, &i, clean, &used))
        return 0;
    const int leading_zero = clean[digits] == '0' && used - digits > 1;
    int kind = 1;
    if (i < length && word[i] == '.') {
        clean[used++] = word[i++];
        if (!take_digits(word, length, &i, clean, &used))
            return 0;
        kind = 2;
    }
    if (i < length && (word[i] == 'e' || word[i] == 'E')) {
        clean[used++] = word[i++];
        if (i < length && (word[i] == '+' || word[i] == '-'))
            clean[used++] = word[i++];
        if (!take_digits(word, length, &i, clean, &used))
            return 0;
        kind = 2;
    }
    clean[used] = '\0';
    return i != length ? 0 : leading_zero ? -1 : kind;
}

static int to_integer(parser *p, place at, const char *clean, int64_t *out)
{
    const int negative = clean[0] == '-';
    const char *digit = clean + (clean[0] == '-' || clean[0] == '+');
    const uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t value = 0;
    for (; *digit; digit++) {
        const unsigned d = (unsigned)(*digit - '0');
        if (value > (limit - d) / 10)
            return fail_at(p, at, "integer %.40s is out of range (64 bits: -9223372036854775808 to "
                           "9223372036854775807)", clean);
        value = value * 10 + d;
    }
    *out = !negative ? (int64_t)value : value == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)value;
    return 0;
}

/* strtod, whatever the locale's decimal point: TOML's '.' becomes the locale's, as jansson does. */
static int to_float(parser *p, place at, char *clean, double *out)
{
    const char point = localeconv()->decimal_point[0];
    char *dot = strchr(clean, '.');
    if (dot && point && point != '.')
        *dot = point;
    char *end;
    errno = 0;
    const double value = strtod(clean, &end);
    if (dot)
        *dot = '.';
    if (*end != '\0')
        return fail_at(p, at, "cannot read the float %.40s", clean);
    if (!isfinite(value))
        return fail_at(p, at, "float %.40s is out of range", clean);
    *out = value;
    return 0;
}

static int word_is(const char *word, size_t length, const char *text)
{
    return length == strlen(text) && memcmp(word, text, length) == 0;
}

static int is_word_character(int c)
{
    return is_bare(c) || c == '+' || c == '.' || c == ':';
}

/* 1979-05-27, 07:32:00 and the like. */
static int looks_like_date(const char *word, size_t length)
{
    if (word[0] < '0' || word[0] > '9')
        return 0;
    if (memchr(word, ':', length))
        return 1;
    for (size_t i = 0; i < 4; i++)
        if (i >= length || word[i] < '0' || word[i] > '9')
            return 0;
    return length > 4 && word[4] == '-';
}

/* true, false, an integer or a float: a run of the characters these are written with. */
static toml_value *parse_word(parser *p, toml_value *parent)
{
    const place at = here(p);
    const size_t start = p->pos;
    while (is_word_character(peek(p, 0)))
        step(p);
    const char *word = (const char *)p->text + start;
    const size_t length = p->pos - start;
    const size_t sign = length > 0 && (word[0] == '+' || word[0] == '-');
    const int shown = length > 40 ? 40 : (int)length;
    if (length == 0) {
        fail_got(p, "a value");
        return NULL;
    }
    if (word_is(word + sign, length - sign, "inf") || word_is(word + sign, length - sign, "nan")) {
        fail_at(p, at, "%.*s is not supported (a figure must be finite)", shown, word);
        return NULL;
    }
    if ((word[0] >= 'a' && word[0] <= 'z') || (word[0] >= 'A' && word[0] <= 'Z')) {
        if (!word_is(word, length, "true") && !word_is(word, length, "false")) {
            fail_at(p, at, "expected a value, got %.*s (a string is written in quotes)", shown, word);
            return NULL;
        }
        toml_value *value = new_value(p, TOML_BOOLEAN, at, parent);
        if (value)
            value->as.boolean = word[0] == 't';
        return value;
    }
    if (looks_like_date(word, length)) {
        fail_at(p, at, "dates and times are not supported");
        return NULL;
    }
    if (length - sign > 1 && word[sign] == '0' && strchr("xob", word[sign + 1])) {
        fail_at(p, at, "%.*s: hexadecimal, octal and binary integers are not supported", shown, word);
        return NULL;
    }
    char *clean = malloc(length + 1);
    if (!clean) {
        fail_at(p, at, "out of memory");
        return NULL;
    }
    const int kind = number_grammar(word, length, clean);
    toml_value *value = NULL;
    int64_t integer = 0;
    double real = 0;
    if (kind == 0)
        fail_at(p, at, "invalid number %.*s", shown, word);
    else if (kind < 0)
        fail_at(p, at, "%.*s: leading zeros are not allowed", shown, word);
    else if (kind == 1 ? to_integer(p, at, clean, &integer) == 0 : to_float(p, at, clean, &real) == 0)
        value = new_value(p, kind == 1 ? TOML_INTEGER : TOML_FLOAT, at, parent);
    if (value && kind == 1)
        value->as.integer = integer;
    else if (value)
        value->as.real = real;
    free(clean);
    return value;
}

static toml_value *parse_value(parser *p, toml_value *parent)
{
    const place at = here(p);
    const int c = peek(p, 0);
    if (c == '[')
        return parse_array(p, parent);
    if (c == '{')
        return parse_inline_table(p, parent);
    if (c != '"' && c != '\'')
        return parse_word(p, parent);
    char *text = NULL;
    if (parse_string(p, &text))
        return NULL;
    toml_value *value = new_value(p, TOML_STRING, at, parent);
    if (value)
        value->as.string = text;
    else
        free(text);
    return value;
}

/* ---------------------------------------------------------------- document */

toml_value *toml_parse(const char *text, size_t length, const char *source, fcn_error *err)
{
    parser p = {(const unsigned char *)text, length, 0, 1, 1, NULL, NULL, source ? source : "TOML", err};
    if (!text && length > 0) {
        fcn_fail(err, "%s: no text (NULL) for %zu bytes", p.source, length);
        return NULL;
    }
    if (length > INT_MAX) {
        fcn_fail(err, "%s: more than %d bytes; refused", p.source, INT_MAX);
        return NULL;
    }
    if (length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        p.pos = 3; /* a byte order mark: no character of the document */
    p.root = p.table = new_value(&p, TOML_TABLE, here(&p), NULL);
    if (!p.root)
        return NULL;
    p.root->by_header = 1; /* the top level is defined, and no header can name it */
    while (p.pos < p.length) {
        skip_spaces(&p);
        int rc = 0;
        if (peek(&p, 0) == '[')
            rc = parse_header(&p);
        else if (peek(&p, 0) >= 0 && peek(&p, 0) != '#' && !at_newline(&p))
            rc = parse_key_value(&p, p.table);
        if (rc || end_of_line(&p)) {
            toml_free(p.root);
            return NULL;
        }
    }
    return p.root;
}
