/* Internal: reading a JSON document from a file or standard input, for the configuration and platform readers. */
#ifndef FCN_JSON_FILE_H
#define FCN_JSON_FILE_H

#include <jansson.h>

#include "fpgaconvnet.h"

/* A JSON file larger than this is refused while reading (an endless pipe must not take all memory). */
#define JSON_FILE_MAX_SIZE (((size_t)1 << 31) - 1)

/*
 * Parses the file at path ("-": standard input, named "standard input" in
 * messages) with duplicate keys rejected; a UTF-8 byte order mark at the
 * start is skipped (RFC 8259 lets a parser ignore it). NULL on failure with
 * "<source>:<line>:<column>: <what>" or "<source>: cannot open/read: <why>".
 */
json_t *json_file_load(const char *path, fcn_error *err);
/* The same from `length` bytes in memory, named `source` in messages. */
json_t *json_text_load(const char *text, size_t length, const char *source, fcn_error *err);

#endif
