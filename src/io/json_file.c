/* JSON documents from files or standard input: bounded, byte order mark skipped, errors with line and column. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "json_file.h"

typedef struct bounded_reader {
    FILE *file;
    size_t total;
    int too_large, error;
} bounded_reader;

static size_t read_bounded(void *buffer, size_t size, void *data)
{
    bounded_reader *r = data;
    size_t got = fread(buffer, 1, size, r->file);
    if (got == 0 && ferror(r->file))
        r->error = errno ? errno : EIO;
    if (r->total == 0 && got >= 3 && memcmp(buffer, "\xEF\xBB\xBF", 3) == 0) {
        memmove(buffer, (char *)buffer + 3, got - 3);
        got -= 3;
        r->total += 3;
    }
    r->total += got;
    if (r->total > JSON_FILE_MAX_SIZE) {
        r->too_large = 1;
        return (size_t)-1;
    }
    return got;
}

/* jansson's complaint as "<source>:<line>:<column>: <what>". */
static void parse_failed(const char *source, const json_error_t *jerr, fcn_error *err)
{
    if (jerr->line > 0)
        fcn_fail(err, "%s:%d:%d: %s", source, jerr->line, jerr->column, jerr->text);
    else
        fcn_fail(err, "%s: %s", source, jerr->text);
}

json_t *json_text_load(const char *text, size_t length, const char *source, fcn_error *err)
{
    if (length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        length -= 3;
    }
    json_error_t jerr;
    json_t *root = json_loadb(text, length, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        parse_failed(source, &jerr, err);
    return root;
}

json_t *json_file_load(const char *path, fcn_error *err)
{
    int from_stdin = strcmp(path, "-") == 0;
    const char *source = from_stdin ? "standard input" : path;
    FILE *file = from_stdin ? stdin : fopen(path, "rb");
    if (!file) {
        fcn_fail(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    json_error_t jerr;
    bounded_reader reader = {file, 0, 0, 0};
    json_t *root = json_load_callback(read_bounded, &reader, JSON_REJECT_DUPLICATES, &jerr);
    if (!from_stdin)
        fclose(file);
    if (root)
        return root;
    if (reader.too_large)
        fcn_fail(err, "%s: more than %zu bytes; refused", source, JSON_FILE_MAX_SIZE);
    else if (reader.error)
        fcn_fail(err, "%s: cannot read: %s", source, strerror(reader.error));
    else
        parse_failed(source, &jerr, err);
    return NULL;
}
