/* Whole files into memory, bounded: what a reader that must look before it parses needs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "file_read.h"

/* Reads until the end, growing the buffer; 0, or an errno, or -1 when past max. */
static int read_stream(FILE *file, size_t max, char **data, size_t *length)
{
    size_t capacity = 4096;
    *data = malloc(capacity + 1);
    *length = 0;
    if (!*data)
        return ENOMEM;
    for (;;) {
        if (*length == capacity) {
            if (capacity > max)
                return -1;
            capacity *= 2;
            char *bigger = realloc(*data, capacity + 1);
            if (!bigger)
                return ENOMEM;
            *data = bigger;
        }
        size_t got = fread(*data + *length, 1, capacity - *length, file);
        *length += got;
        if (*length > max)
            return -1;
        if (got == 0)
            return ferror(file) ? (errno ? errno : EIO) : 0;
    }
}

char *file_read_all(const char *path, size_t max, size_t *length, fcn_error *err)
{
    const int from_stdin = strcmp(path, "-") == 0;
    const char *source = from_stdin ? "standard input" : path;
    FILE *file = from_stdin ? stdin : fopen(path, "rb");
    if (!file) {
        fcn_fail(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    errno = 0;
    char *data = NULL;
    int rc = read_stream(file, max, &data, length);
    if (!from_stdin)
        fclose(file);
    if (rc == 0) {
        data[*length] = '\0';
        return data;
    }
    free(data);
    if (rc < 0)
        fcn_fail(err, "%s: more than %zu bytes; refused", source, max);
    else
        fcn_fail(err, "%s: cannot read: %s", source, strerror(rc));
    return NULL;
}
