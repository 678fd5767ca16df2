/*
 * The TOML reader (src/io/toml.c): every kind of value, key and table the
 * platform files may use, the layout around them (comments, CRLF, a byte
 * order mark, positions), and each way a text is refused, with its message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "toml.h"

#define CHECK_TEXT(actual, expected)                                                                                   \
    do {                                                                                                               \
        const char *a_ = (actual), *e_ = (expected);                                                                   \
        check_count++;                                                                                                 \
        if (!a_ || strcmp(a_, e_) != 0) {                                                                              \
            check_failures++;                                                                                          \
            fprintf(stderr, "%s:%d: \"%s\", expected \"%s\"\n", __FILE__, __LINE__, a_ ? a_ : "(null)", e_);           \
        }                                                                                                              \
    } while (0)

static toml_value *parse(const char *text)
{
    fcn_error err = {{0}};
    toml_value *root = toml_parse(text, strlen(text), "t.toml", &err);
    if (!root)
        fprintf(stderr, "unexpected: %s\n", err.message);
    CHECK(root != NULL);
    return root;
}

/* The entry at a dotted path of bare keys ("a.b.c"), or NULL. */
static const toml_value *at(const toml_value *root, const char *path)
{
    char key[128];
    const toml_value *value = root;
    while (value && *path) {
        size_t length = strcspn(path, ".");
        snprintf(key, sizeof key, "%.*s", (int)length, path);
        value = toml_get(value, key);
        path += length + (path[length] == '.');
    }
    return value;
}

static int64_t integer(const toml_value *root, const char *path)
{
    const toml_value *value = at(root, path);
    CHECK(value && value->type == TOML_INTEGER);
    return value && value->type == TOML_INTEGER ? value->as.integer : -12345;
}

static double real(const toml_value *root, const char *path)
{
    const toml_value *value = at(root, path);
    CHECK(value && value->type == TOML_FLOAT);
    return value && value->type == TOML_FLOAT ? value->as.real : -12345.0;
}

static const char *string(const toml_value *root, const char *path)
{
    const toml_value *value = at(root, path);
    CHECK(value && value->type == TOML_STRING);
    return value && value->type == TOML_STRING ? value->as.string : "(none)";
}

static void expect_error_n(const char *text, size_t length, const char *message)
{
    fcn_error err = {{0}};
    toml_value *root = toml_parse(text, length, "t.toml", &err);
    CHECK(root == NULL);
    toml_free(root);
    CHECK_TEXT(err.message, message);
}

static void expect_error(const char *text, const char *message)
{
    expect_error_n(text, strlen(text), message);
}

static void test_scalars(void)
{
    toml_value *root = parse("basic = \"tab\\there \\\"quoted\\\" back\\\\slash \\b\\f\\n\\r\"\n"
                             "unicode = \"\\u00e9 \\U0001F600 \\u20AC\"\n"
                             "raw = \"caf\xC3\xA9\"\n"
                             "literal = 'C:\\no\\escapes \"here\"'\n"
                             "empty = \"\"\n"
                             "empty_literal = ''\n"
                             "int = 1_000_000\n"
                             "negative = -17\n"
                             "plus = +42\n"
                             "zero = 0\n"
                             "minus_zero = -0\n"
                             "max = 9223372036854775807\n"
                             "min = -9223372036854775808\n"
                             "planck = 6.626e-34\n"
                             "big = 1E6\n"
                             "signed_exponent = 5e+22\n"
                             "leading_zero_exponent = 1e06\n"
                             "half = -0.5\n"
                             "underscores = 224_617.445_991\n"
                             "tiny = 1e-400\n"
                             "yes = true\n"
                             "no = false\n");
    CHECK_TEXT(string(root, "basic"), "tab\there \"quoted\" back\\slash \b\f\n\r");
    CHECK_TEXT(string(root, "unicode"), "\xC3\xA9 \xF0\x9F\x98\x80 \xE2\x82\xAC");
    CHECK_TEXT(string(root, "raw"), "caf\xC3\xA9");
    CHECK_TEXT(string(root, "literal"), "C:\\no\\escapes \"here\"");
    CHECK_TEXT(string(root, "empty"), "");
    CHECK_TEXT(string(root, "empty_literal"), "");
    CHECK_INT(integer(root, "int"), 1000000);
    CHECK_INT(integer(root, "negative"), -17);
    CHECK_INT(integer(root, "plus"), 42);
    CHECK_INT(integer(root, "zero"), 0);
    CHECK_INT(integer(root, "minus_zero"), 0);
    CHECK(integer(root, "max") == INT64_MAX);
    CHECK(integer(root, "min") == INT64_MIN);
    CHECK(real(root, "planck") == 6.626e-34);
    CHECK(real(root, "big") == 1e6);
    CHECK(real(root, "signed_exponent") == 5e22);
    CHECK(real(root, "leading_zero_exponent") == 1e6);
    CHECK(real(root, "half") == -0.5);
    CHECK(real(root, "underscores") == 224617.445991);
    CHECK(real(root, "tiny") == 0.0); /* below the smallest double: rounds to 0, as strtod does */
    const toml_value *yes = toml_get(root, "yes"), *no = toml_get(root, "no");
    CHECK(yes && yes->type == TOML_BOOLEAN && yes->as.boolean == 1);
    CHECK(no && no->type == TOML_BOOLEAN && no->as.boolean == 0);
    CHECK_INT(root->count, 22);
    toml_free(root);
}

static void test_keys(void)
{
    toml_value *root = parse("1234 = 1\n"
                             "bare-key_2 = 2\n"
                             "\"quoted key\" = 3\n"
                             "'literal.key' = 4\n"
                             "\"\" = 5\n"
                             "a . b.c = 6\n"
                             "site.\"google.com\" = true\n"
                             "\"\\u00e9\" = 7\n");
    CHECK_INT(integer(root, "1234"), 1);
    CHECK_INT(integer(root, "bare-key_2"), 2);
    const toml_value *value = toml_get(root, "quoted key");
    CHECK(value && value->as.integer == 3);
    value = toml_get(root, "literal.key"); /* one key with a dot in it */
    CHECK(value && value->as.integer == 4);
    value = toml_get(root, "");
    CHECK(value && value->as.integer == 5);
    CHECK_INT(integer(root, "a.b.c"), 6);
    value = toml_get(toml_get(root, "site"), "google.com");
    CHECK(value && value->type == TOML_BOOLEAN);
    value = toml_get(root, "\xC3\xA9");
    CHECK(value && value->as.integer == 7);
    /* What toml_get answers for what is no table. */
    CHECK(toml_get(NULL, "a") == NULL);
    CHECK(toml_get(toml_get(root, "1234"), "a") == NULL);
    CHECK(toml_get(root, NULL) == NULL);
    CHECK(toml_get(root, "missing") == NULL);
    toml_free(root);
}

static void test_tables(void)
{
    toml_value *root = parse("top = 0\n"
                             "[a.b.c]\n"
                             "x = 1\n"
                             "[a]  # a super-table, defined after its sub-table\n"
                             "y = 2\n"
                             "[ d . \"e f\" ]\n"
                             "z = 3\n"
                             "[fruit]\n"
                             "apple.color = \"red\"\n"
                             "apple.taste.sweet = true\n"
                             "[fruit.apple.texture]  # a sub-table of a table made by dotted keys\n"
                             "smooth = true\n"
                             "[empty]\n");
    CHECK_INT(integer(root, "top"), 0);
    CHECK_INT(integer(root, "a.b.c.x"), 1);
    CHECK_INT(integer(root, "a.y"), 2);
    CHECK_INT(integer(toml_get(toml_get(root, "d"), "e f"), "z"), 3);
    CHECK_TEXT(string(root, "fruit.apple.color"), "red");
    CHECK(at(root, "fruit.apple.taste.sweet") != NULL);
    CHECK(at(root, "fruit.apple.texture.smooth") != NULL);
    const toml_value *empty = toml_get(root, "empty");
    CHECK(empty && empty->type == TOML_TABLE && empty->count == 0);
    /* Positions: a table is where its header is, a value where it starts, in characters. */
    const toml_value *a = toml_get(root, "a");
    CHECK(a && a->line == 4 && a->column == 1);
    const toml_value *b = at(root, "a.b");
    CHECK(b && b->line == 2 && b->column == 1); /* made by the header [a.b.c] */
    const toml_value *x = at(root, "a.b.c.x");
    CHECK(x && x->line == 3 && x->column == 5);
    /* Entries keep the file's order. */
    CHECK_TEXT(root->items[0]->key, "top");
    CHECK_TEXT(root->items[1]->key, "a");
    CHECK_TEXT(root->items[4]->key, "empty");
    toml_free(root);
}

static void test_arrays_and_inline_tables(void)
{
    toml_value *root = parse("ints = [1, 2, 3]\n"
                             "mixed = [ \"a\", 1.5, [true, false], {x = 1} ]\n"
                             "multi = [\n"
                             "  1,  # one\n"
                             "\n"
                             "  2,  # two, and a trailing comma\n"
                             "]\n"
                             "empty = []\n"
                             "point = { x = 1, y.z = 2 }\n"
                             "nested = { a = { b = [] } }\n"
                             "empty_table = {}\n");
    const toml_value *ints = toml_get(root, "ints");
    CHECK(ints && ints->type == TOML_ARRAY && ints->count == 3 && ints->items[2]->as.integer == 3);
    const toml_value *mixed = toml_get(root, "mixed");
    CHECK(mixed && mixed->count == 4);
    if (mixed && mixed->count == 4) {
        CHECK(mixed->items[0]->type == TOML_STRING);
        CHECK(mixed->items[1]->type == TOML_FLOAT);
        CHECK(mixed->items[2]->type == TOML_ARRAY && mixed->items[2]->count == 2);
        CHECK_INT(integer(mixed->items[3], "x"), 1);
        CHECK(mixed->items[0]->key == NULL);
    }
    const toml_value *multi = toml_get(root, "multi");
    CHECK(multi && multi->count == 2 && multi->items[1]->as.integer == 2 && multi->items[1]->line == 6);
    const toml_value *empty = toml_get(root, "empty");
    CHECK(empty && empty->type == TOML_ARRAY && empty->count == 0);
    CHECK_INT(integer(root, "point.x"), 1);
    CHECK_INT(integer(root, "point.y.z"), 2);
    const toml_value *b = at(root, "nested.a.b");
    CHECK(b && b->type == TOML_ARRAY && b->count == 0);
    const toml_value *table = toml_get(root, "empty_table");
    CHECK(table && table->type == TOML_TABLE && table->count == 0);
    CHECK_TEXT(toml_type_name(TOML_TABLE), "a table");
    CHECK_TEXT(toml_type_name(TOML_ARRAY), "an array");
    CHECK_TEXT(toml_type_name(TOML_STRING), "a string");
    CHECK_TEXT(toml_type_name(TOML_INTEGER), "an integer");
    CHECK_TEXT(toml_type_name(TOML_FLOAT), "a float");
    CHECK_TEXT(toml_type_name(TOML_BOOLEAN), "a boolean");
    toml_free(root);
}

static void test_layout(void)
{
    /* CRLF line ends, a byte order mark, tabs, comments, no final line end. */
    toml_value *root =
        parse("\xEF\xBB\xBF# comment\r\n\r\n[t]\t# after a header\r\n\tk\t=\t'v'  # after a value\r\nn = 2");
    CHECK_TEXT(string(root, "t.k"), "v");
    CHECK_INT(integer(root, "t.n"), 2);
    const toml_value *n = at(root, "t.n");
    CHECK(n && n->line == 5 && n->column == 5);
    const toml_value *k = at(root, "t.k");
    CHECK(k && k->line == 4 && k->column == 6); /* a tab is one column */
    toml_free(root);

    /* Columns count characters, not bytes; a byte order mark is none. */
    root = parse("\xEF\xBB\xBF\"\xC3\xA9\xC3\xA9\" = 1  # \xE2\x82\xAC\n");
    const toml_value *value = toml_get(root, "\xC3\xA9\xC3\xA9");
    CHECK(value && value->line == 1 && value->column == 8);
    toml_free(root);

    root = parse("");
    CHECK(root && root->type == TOML_TABLE && root->count == 0);
    toml_free(root);
    root = parse("  # only a comment\n\n\t\n");
    CHECK(root && root->count == 0);
    toml_free(root);
    fcn_error err = {{0}};
    root = toml_parse(NULL, 0, NULL, &err);
    CHECK(root && root->count == 0);
    toml_free(root);
}

static void test_string_errors(void)
{
    expect_error("a = \"abc", "t.toml:1:5: unterminated string");
    expect_error("a = \"abc\nb = 1", "t.toml:1:5: unterminated string");
    expect_error("a = 'abc\r\n", "t.toml:1:5: unterminated string");
    expect_error("a = \"\\q\"", "t.toml:1:6: unknown escape \\q");
    expect_error("a = \"\\e\"", "t.toml:1:6: unknown escape \\e"); /* TOML 1.1's; not 1.0's */
    expect_error("a = \"\\ \"", "t.toml:1:6: unknown escape: a backslash before U+0020");
    expect_error("a = \"\\", "t.toml:1:6: unknown escape: a backslash before the end of the file");
    expect_error("a = \"\\u12\"", "t.toml:1:6: \\u needs 4 hexadecimal digits");
    expect_error("a = \"\\U0001F60\"", "t.toml:1:6: \\U needs 8 hexadecimal digits");
    expect_error("a = \"\\uD800\"", "t.toml:1:6: \\uD800 is not a Unicode character");
    expect_error("a = \"\\U00110000\"", "t.toml:1:6: \\U00110000 is not a Unicode character");
    expect_error("a = \"\\u0000\"", "t.toml:1:6: \\u0000 (U+0000) is not supported in a string");
    expect_error("a = \"\x01\"", "t.toml:1:6: control character U+0001 in a string (write it as an escape)");
    expect_error("a = '\x7F'", "t.toml:1:6: control character U+007F in a string (write it as an escape)");
    expect_error("a = \"x\ry\"", "t.toml:1:7: a carriage return without a line feed in a string");
    expect_error("a = \"\xFF\"", "t.toml:1:6: the byte 0xFF in a string is not UTF-8");
    expect_error("a = \"\xC3\"", "t.toml:1:6: the byte 0xC3 in a string is not UTF-8");
    expect_error("a = \"\xED\xA0\x80\"", "t.toml:1:6: the byte 0xED in a string is not UTF-8"); /* a surrogate */
    expect_error("# \x7F", "t.toml:1:3: control character U+007F in a comment");
    expect_error("a = 1 # \x80", "t.toml:1:9: the byte 0x80 in a comment is not UTF-8");
    expect_error_n("a = \"x\0\"", 8, "t.toml:1:7: control character U+0000 in a string (write it as an escape)");
    expect_error("a = \"\"\"x\"\"\"", "t.toml:1:5: multi-line strings (\"\"\") are not supported");
    expect_error("a = '''x'''", "t.toml:1:5: multi-line strings (''') are not supported");
    expect_error("\"\"\"k\"\"\" = 1", "t.toml:1:1: multi-line strings (\"\"\") are not supported");
}

static void test_number_errors(void)
{
    expect_error("a = 9223372036854775808",
                 "t.toml:1:5: integer 9223372036854775808 is out of range (64 bits: -9223372036854775808 to "
                 "9223372036854775807)");
    expect_error("a = -9_223_372_036_854_775_809",
                 "t.toml:1:5: integer -9223372036854775809 is out of range (64 bits: -9223372036854775808 to "
                 "9223372036854775807)");
    expect_error("a = 1e999", "t.toml:1:5: float 1e999 is out of range");
    expect_error("a = -1.5e+400", "t.toml:1:5: float -1.5e+400 is out of range");
    expect_error("a = inf", "t.toml:1:5: inf is not supported (a figure must be finite)");
    expect_error("a = -nan", "t.toml:1:5: -nan is not supported (a figure must be finite)");
    expect_error("a = 0x1F", "t.toml:1:5: 0x1F: hexadecimal, octal and binary integers are not supported");
    expect_error("a = 0o17", "t.toml:1:5: 0o17: hexadecimal, octal and binary integers are not supported");
    expect_error("a = 0b101", "t.toml:1:5: 0b101: hexadecimal, octal and binary integers are not supported");
    expect_error("a = 012", "t.toml:1:5: 012: leading zeros are not allowed");
    expect_error("a = -00.5", "t.toml:1:5: -00.5: leading zeros are not allowed");
    expect_error("a = 1__000", "t.toml:1:5: invalid number 1__000");
    expect_error("a = 1_", "t.toml:1:5: invalid number 1_");
    expect_error("a = _1", "t.toml:1:5: invalid number _1");
    expect_error("a = 1_.5", "t.toml:1:5: invalid number 1_.5");
    expect_error("a = 1.", "t.toml:1:5: invalid number 1.");
    expect_error("a = .5", "t.toml:1:5: invalid number .5");
    expect_error("a = 1e", "t.toml:1:5: invalid number 1e");
    expect_error("a = 1e+", "t.toml:1:5: invalid number 1e+");
    expect_error("a = 1.5.2", "t.toml:1:5: invalid number 1.5.2");
    expect_error("a = 12abc", "t.toml:1:5: invalid number 12abc");
    expect_error("a = +", "t.toml:1:5: invalid number +");
    expect_error("a = 1979-05-27", "t.toml:1:5: dates and times are not supported");
    expect_error("a = 07:32:00", "t.toml:1:5: dates and times are not supported");
    expect_error("a = yes", "t.toml:1:5: expected a value, got yes (a string is written in quotes)");
    expect_error("a = truex", "t.toml:1:5: expected a value, got truex (a string is written in quotes)");
    expect_error("a = @", "t.toml:1:5: expected a value, got '@'");
    expect_error("a =", "t.toml:1:4: expected a value, got the end of the file");
    expect_error("a = \n", "t.toml:1:5: expected a value, got the end of the line");
}

static void test_structure_errors(void)
{
    expect_error("a = 1 2", "t.toml:1:7: expected the end of the line, got '2'");
    expect_error("a = \"x\" y", "t.toml:1:9: expected the end of the line, got 'y'");
    expect_error("[t] x", "t.toml:1:5: expected the end of the line, got 'x'");
    expect_error("a = 1\rb = 2", "t.toml:1:6: expected the end of the line, got a carriage return without a line feed");
    expect_error_n("a = 1\0", 6, "t.toml:1:6: expected the end of the line, got U+0000");
    expect_error("a = 1\n\xEF\xBB\xBF"
                 "b = 2",
                 "t.toml:2:1: expected a key, got U+FEFF");
    expect_error("\xFF = 1", "t.toml:1:1: expected a key, got the byte 0xFF, not UTF-8");
    expect_error("a", "t.toml:1:2: expected '=' after the key, got the end of the file");
    expect_error("a b = 1", "t.toml:1:3: expected '=' after the key, got 'b'");
    expect_error("= 1", "t.toml:1:1: expected a key, got '='");
    expect_error("a. = 1", "t.toml:1:4: expected a key, got '='");
    expect_error("[a", "t.toml:1:3: expected ']' after the table's name, got the end of the file");
    expect_error("[]", "t.toml:1:2: expected a key, got ']'");
    expect_error("[[a]]", "t.toml:1:1: arrays of tables ([[...]]) are not supported");
    expect_error("a = [1, 2", "t.toml:1:5: unterminated array");
    expect_error("a = [1,\n2\n", "t.toml:1:5: unterminated array");
    expect_error("a = [1 2]", "t.toml:1:8: expected ',' or ']' in the array, got '2'");
    expect_error("a = [1,,2]", "t.toml:1:8: expected a value, got ','");
    expect_error("a = {x = 1", "t.toml:1:5: unterminated inline table (an inline table is written on one line)");
    expect_error("a = {x = 1,\ny = 2}",
                 "t.toml:1:5: unterminated inline table (an inline table is written on one line)");
    expect_error("a = {x = 1,}", "t.toml:1:12: a trailing comma is not allowed in an inline table");
    expect_error("a = {x = 1 y = 2}", "t.toml:1:12: expected ',' or '}' in the inline table, got 'y'");
}

static void test_definition_errors(void)
{
    expect_error("a = 1\na = 2", "t.toml:2:1: duplicate key a (first at line 1)");
    expect_error("[t]\nk = 1\n[u]\n[t.v]\n[t]\n\"k\" = 2", "t.toml:5:1: duplicate table [t] (first at line 1)");
    expect_error("[t]\nk = 1\nk = 2", "t.toml:3:1: duplicate key t.k (first at line 2)");
    expect_error("[t.\"a b\"]\nk = 1\nk = 2", "t.toml:3:1: duplicate key t.\"a b\".k (first at line 2)");
    expect_error("a.b = 1\na.b = 2", "t.toml:2:3: duplicate key a.b (first at line 1)");
    expect_error("a = {x = 1, x = 2}", "t.toml:1:13: duplicate key x (first at line 1)");
    expect_error("a = 1\n[a]", "t.toml:2:2: a (line 1) is an integer, not a table");
    expect_error("[a]\nb = [1]\n[a.b.c]", "t.toml:3:4: a.b (line 2) is an array, not a table");
    expect_error("a = 1\na.b = 2", "t.toml:2:1: a (line 1) is an integer, not a table");
    expect_error("a = {x = 1}\na.y = 2", "t.toml:2:1: cannot add to a, an inline table (line 1)");
    expect_error("a = {x = 1}\n[a.b]", "t.toml:2:2: cannot add to a, an inline table (line 1)");
    expect_error("a = {x = 1}\n[a]", "t.toml:2:2: cannot add to a, an inline table (line 1)");
    expect_error("a = {b = {c = 1}, b.d = 2}", "t.toml:1:19: cannot add to b, an inline table (line 1)");
    /* A table made by dotted keys is defined by them; a header cannot define it again. */
    expect_error("[a]\nb.c = 1\n[a.b]", "t.toml:3:1: table [a.b] was already defined by dotted keys at line 2");
    expect_error("[a.b.c]\n[a]\nb.d = 1\n[a.b]",
                 "t.toml:4:1: table [a.b] was already defined by dotted keys at line 3");
    /* Nor can dotted keys add to a table a header defined. */
    expect_error("[a.b]\n[a]\nb.c = 1",
                 "t.toml:3:1: cannot add to the table [a.b] with dotted keys: its header is at line 1");
}

static void test_limits(void)
{
    /* Nesting: the 64th array is the deepest taken. */
    char text[400];
    int n = snprintf(text, sizeof text, "a = ");
    for (int i = 0; i < 64; i++)
        text[n++] = '[';
    for (int i = 0; i < 64; i++)
        text[n++] = ']';
    text[n] = '\0';
    toml_value *root = parse(text);
    toml_free(root);
    n = snprintf(text, sizeof text, "a = ");
    for (int i = 0; i < 65; i++)
        text[n++] = '[';
    text[n] = '\0';
    expect_error(text, "t.toml:1:69: nested more than 64 deep");

    n = 0;
    for (int i = 0; i < 65; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "%sk", i ? "." : "");
    snprintf(text + n, sizeof text - (size_t)n, " = 1");
    expect_error(text, "t.toml:1:129: a key of more than 64 parts");
    snprintf(text + n - 2, sizeof text - (size_t)n + 2, " = 1"); /* 64 parts: 63 tables and the value */
    root = parse(text);
    CHECK(root && root->items[0]->items[0]->depth == 2);
    toml_free(root);
    text[0] = '[';
    n = 1;
    for (int i = 0; i < 64; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "%sk", i ? "." : "");
    snprintf(text + n, sizeof text - (size_t)n, "]\nx = 1"); /* 64 tables: the value would be the 65th level */
    expect_error(text, "t.toml:2:5: nested more than 64 deep");

    /* Keys in one table. */
    char *many = malloc(16 * 1100);
    CHECK(many != NULL);
    if (!many)
        return;
    size_t used = 0;
    for (int i = 0; i < TOML_MAX_KEYS; i++)
        used += (size_t)sprintf(many + used, "k%d = 1\n", i);
    root = parse(many);
    CHECK(root && root->count == TOML_MAX_KEYS);
    toml_free(root);
    sprintf(many + used, "one_more = 1\n");
    expect_error(many, "t.toml:1025:12: more than 1024 keys in the table at the top");
    used = (size_t)sprintf(many, "[t]\n");
    for (int i = 0; i <= TOML_MAX_KEYS; i++)
        used += (size_t)sprintf(many + used, "k%d = 1\n", i);
    expect_error(many, "t.toml:1026:9: more than 1024 keys in the table [t]");
    free(many);

    fcn_error err = {{0}};
    CHECK(toml_parse(NULL, 3, "t.toml", &err) == NULL);
    CHECK_TEXT(err.message, "t.toml: no text (NULL) for 3 bytes");
    /* No fcn_error to fill: still refused, and nothing written anywhere. */
    CHECK(toml_parse("a = ", 4, NULL, NULL) == NULL);
    toml_free(NULL);
}

int main(void)
{
    test_scalars();
    test_keys();
    test_tables();
    test_arrays_and_inline_tables();
    test_layout();
    test_string_errors();
    test_number_errors();
    test_structure_errors();
    test_definition_errors();
    test_limits();
    return check_summary("test_toml");
}
