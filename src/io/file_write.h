/* Internal: writing a file whole or not at all. */
#ifndef FCN_FILE_WRITE_H
#define FCN_FILE_WRITE_H

#include <stddef.h>

#include "fpgaconvnet.h"

/*
 * Writes `length` bytes to a temporary file beside `path`, then renames it
 * over `path`: a full disk or a killed process leaves the old file (or none),
 * never half a new one. -1 with the message naming path on failure.
 */
int file_write_whole(const char *path, const char *data, size_t length, fcn_error *err);

/* write(2) until done: a signal or a short write must not cut the file. 0, or -1 with errno set. */
int file_write_all(int fd, const char *data, size_t length);

/*
 * Opens what writes to path: a new file "<path>.tmp-<pid>-<n><suffix>" beside it
 * (suffix "" or, for a writer that picks its format by extension, ".png"),
 * with the mode a new file gets (0666 less the umask), its name in *temp
 * (free it; rename it over path when complete); or, when path exists and is
 * not a regular file (a device, a pipe, /dev/stdout), path itself, with
 * *temp NULL. The descriptor, or -1 with errno set.
 */
int file_open_output(const char *path, const char *suffix, char **temp);

#endif
