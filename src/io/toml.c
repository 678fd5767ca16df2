/*
 * A small, strict TOML reader (toml.h): one pass over the text, building the
 * tree as it goes (the cursor, blanks, errors and strings: toml_scan.c). TOML's rule that a table is defined once is kept with
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "toml.h"
#include "toml_scan.h"

/* One part of a dotted key, and a whole key. */
typedef struct key_part {
    char *name;
    place at;
} key_part;

typedef struct key_path {
    key_part parts[TOML_MAX_DEPTH];
    int count;
} key_path;


#define NAME_SIZE 256 /* a table's dotted name in messages; longer ones are cut */

static toml_value *parse_value(parser *p, toml_value *parent);

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
        toml_fail_at(p, at, "nested more than %d deep", TOML_MAX_DEPTH);
        return NULL;
    }
    toml_value *value = calloc(1, sizeof *value);
    if (!value) {
        toml_fail_at(p, at, "out of memory");
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
        return toml_fail_at(p, (place){child->line, child->column}, "more than %d keys in the table %s%s%s",
                       TOML_MAX_KEYS, name[0] ? "[" : "", name[0] ? name : "at the top", name[0] ? "]" : "");
    }
    if (container->count == container->capacity) {
        const int capacity = container->capacity ? 2 * container->capacity : 8;
        toml_value **items = realloc(container->items, (size_t)capacity * sizeof *items);
        if (!items)
            return toml_fail_at(p, (place){child->line, child->column}, "out of memory");
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
        return toml_fail_at(p, part->at, "%s (line %d) is %s, not a table", name, entry->line, toml_type_name(entry->type));
    if (entry->sealed)
        return toml_fail_at(p, part->at, "cannot add to %s, an inline table (line %d)", name, entry->line);
    return 0;
}

/* ---------------------------------------------------------------- keys */

static int parse_key_part(parser *p, key_part *out)
{
    out->at = toml_here(p);
    out->name = NULL;
    if (toml_peek(p, 0) == '"' || toml_peek(p, 0) == '\'')
        return toml_parse_string(p, &out->name);
    const size_t start = p->pos;
    while (is_bare(toml_peek(p, 0)))
        toml_step(p);
    if (p->pos == start)
        return toml_fail_got(p, "a key");
    out->name = toml_copy_text(p->text + start, p->pos - start);
    return out->name ? 0 : toml_fail_at(p, out->at, "out of memory");
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
            return toml_fail_at(p, toml_here(p), "a key of more than %d parts", TOML_MAX_DEPTH);
        if (parse_key_part(p, &key->parts[key->count]))
            return -1;
        key->count++;
        toml_skip_spaces(p);
        if (toml_peek(p, 0) != '.')
            return 0;
        toml_step(p);
        toml_skip_spaces(p);
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
                toml_fail_at(p, part->at, "cannot add to the table [%s] with dotted keys: its header is at line %d", name,
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
    if (rc == 0 && toml_peek(p, 0) != '=')
        rc = toml_fail_got(p, "'=' after the key");
    if (rc == 0) {
        toml_step(p);
        toml_skip_spaces(p);
        owner = dotted_tables(p, table, &key);
        rc = owner ? 0 : -1;
    }
    key_part *last = owner ? &key.parts[key.count - 1] : NULL;
    const toml_value *existing = last ? entry(owner, last->name) : NULL;
    if (existing) {
        char name[NAME_SIZE];
        dotted_name(owner, last->name, name, sizeof name);
        rc = toml_fail_at(p, last->at, "duplicate key %s (first at line %d)", name, existing->line);
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
    const place at = toml_here(p);
    toml_step(p);
    if (toml_peek(p, 0) == '[')
        return toml_fail_at(p, at, "arrays of tables ([[...]]) are not supported");
    toml_skip_spaces(p);
    key_path key;
    int rc = parse_key(p, &key);
    if (rc == 0 && toml_peek(p, 0) != ']')
        rc = toml_fail_got(p, "']' after the table's name");
    if (rc == 0)
        toml_step(p);
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
                rc = toml_fail_at(p, at, "duplicate table [%s] (first at line %d)", name, next->line);
            else if (next->by_dotted)
                rc = toml_fail_at(p, at, "table [%s] was already defined by dotted keys at line %d", name, next->line);
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
    const place at = toml_here(p);
    toml_value *array = new_value(p, TOML_ARRAY, at, parent);
    if (!array)
        return NULL;
    toml_step(p);
    for (;;) {
        if (toml_skip_blank(p))
            break;
        if (toml_peek(p, 0) < 0) {
            toml_fail_at(p, at, "unterminated array");
            break;
        }
        if (toml_peek(p, 0) == ']') {
            toml_step(p);
            return array;
        }
        toml_value *item = parse_value(p, array);
        if (!item)
            break;
        if (append(p, array, item)) {
            toml_free(item);
            break;
        }
        if (toml_skip_blank(p))
            break;
        if (toml_peek(p, 0) == ',') {
            toml_step(p);
        } else if (toml_peek(p, 0) != ']') {
            if (toml_peek(p, 0) < 0)
                toml_fail_at(p, at, "unterminated array");
            else
                toml_fail_got(p, "',' or ']' in the array");
            break;
        }
    }
    toml_free(array);
    return NULL;
}

/* { a = 1, b.c = 2 }: on one line, no trailing comma, sealed once read. */
static toml_value *parse_inline_table(parser *p, toml_value *parent)
{
    const place at = toml_here(p);
    toml_value *table = new_value(p, TOML_TABLE, at, parent);
    if (!table)
        return NULL;
    toml_step(p);
    toml_skip_spaces(p);
    int rc = 0;
    if (toml_peek(p, 0) == '}')
        toml_step(p);
    else
        for (;;) {
            rc = parse_key_value(p, table);
            if (rc)
                break;
            toml_skip_spaces(p);
            const int c = toml_peek(p, 0);
            if (c == '}') {
                toml_step(p);
                break;
            }
            if (c == ',') {
                toml_step(p);
                toml_skip_spaces(p);
            }
            if (toml_peek(p, 0) < 0 || toml_at_newline(p)) {
                rc = toml_fail_at(p, at, "unterminated inline table (an inline table is written on one line)");
                break;
            }
            if (c != ',') {
                rc = toml_fail_got(p, "',' or '}' in the inline table");
                break;
            }
            if (toml_peek(p, 0) == '}') {
                rc = toml_fail_at(p, toml_here(p), "a trailing comma is not allowed in an inline table");
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
            return toml_fail_at(p, at, "integer %.40s is out of range (64 bits: -9223372036854775808 to "
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
        return toml_fail_at(p, at, "cannot read the float %.40s", clean);
    if (!isfinite(value))
        return toml_fail_at(p, at, "float %.40s is out of range", clean);
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
    const place at = toml_here(p);
    const size_t start = p->pos;
    while (is_word_character(toml_peek(p, 0)))
        toml_step(p);
    const char *word = (const char *)p->text + start;
    const size_t length = p->pos - start;
    const size_t sign = length > 0 && (word[0] == '+' || word[0] == '-');
    const int shown = length > 40 ? 40 : (int)length;
    if (length == 0) {
        toml_fail_got(p, "a value");
        return NULL;
    }
    if (word_is(word + sign, length - sign, "inf") || word_is(word + sign, length - sign, "nan")) {
        toml_fail_at(p, at, "%.*s is not supported (a figure must be finite)", shown, word);
        return NULL;
    }
    if ((word[0] >= 'a' && word[0] <= 'z') || (word[0] >= 'A' && word[0] <= 'Z')) {
        if (!word_is(word, length, "true") && !word_is(word, length, "false")) {
            toml_fail_at(p, at, "expected a value, got %.*s (a string is written in quotes)", shown, word);
            return NULL;
        }
        toml_value *value = new_value(p, TOML_BOOLEAN, at, parent);
        if (value)
            value->as.boolean = word[0] == 't';
        return value;
    }
    if (looks_like_date(word, length)) {
        toml_fail_at(p, at, "dates and times are not supported");
        return NULL;
    }
    if (length - sign > 1 && word[sign] == '0' && strchr("xob", word[sign + 1])) {
        toml_fail_at(p, at, "%.*s: hexadecimal, octal and binary integers are not supported", shown, word);
        return NULL;
    }
    char *clean = malloc(length + 1);
    if (!clean) {
        toml_fail_at(p, at, "out of memory");
        return NULL;
    }
    const int kind = number_grammar(word, length, clean);
    toml_value *value = NULL;
    int64_t integer = 0;
    double real = 0;
    if (kind == 0)
        toml_fail_at(p, at, "invalid number %.*s", shown, word);
    else if (kind < 0)
        toml_fail_at(p, at, "%.*s: leading zeros are not allowed", shown, word);
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
    const place at = toml_here(p);
    const int c = toml_peek(p, 0);
    if (c == '[')
        return parse_array(p, parent);
    if (c == '{')
        return parse_inline_table(p, parent);
    if (c != '"' && c != '\'')
        return parse_word(p, parent);
    char *text = NULL;
    if (toml_parse_string(p, &text))
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
    p.root = p.table = new_value(&p, TOML_TABLE, toml_here(&p), NULL);
    if (!p.root)
        return NULL;
    p.root->by_header = 1; /* the top level is defined, and no header can name it */
    while (p.pos < p.length) {
        toml_skip_spaces(&p);
        int rc = 0;
        if (toml_peek(&p, 0) == '[')
            rc = parse_header(&p);
        else if (toml_peek(&p, 0) >= 0 && toml_peek(&p, 0) != '#' && !toml_at_newline(&p))
            rc = parse_key_value(&p, p.table);
        if (rc || toml_end_of_line(&p)) {
            toml_free(p.root);
            return NULL;
        }
    }
    return p.root;
}
