/* Internal: reading a whole file, or standard input, into memory. */
#ifndef FCN_FILE_READ_H
#define FCN_FILE_READ_H

#include <stddef.h>

#include "fpgaconvnet.h"

/*
 * The bytes of the file at path ("-": standard input, named "standard input"
 * in messages), NUL-terminated (free them), their count in *length. NULL on
 * failure with "<path>: cannot open: <why>", "<source>: cannot read: <why>"
 * or, past `max` bytes (an endless pipe must not take all memory),
 * "<source>: more than <max> bytes; refused".
 */
char *file_read_all(const char *path, size_t max, size_t *length, fcn_error *err);

#endif
