/*
 * For the platform tests: text written to a new temporary file whose name
 * ends in `suffix` (".json", ".toml", or "" so that the reader must tell the
 * form by the content), then read as a platform. Needs _DEFAULT_SOURCE
 * (mkstemps) before any include.
 */
#ifndef FCN_TEST_PLATFORM_FILE_H
#define FCN_TEST_PLATFORM_FILE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fpgaconvnet.h"

/* The file's path, valid until the next call; remove the file when done. */
static inline const char *temp_text_file(const char *text, size_t length, const char *suffix)
{
    static char path[96];
    snprintf(path, sizeof path, "/tmp/fcn_test_platform_XXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    CHECK(fd >= 0);
    if (fd < 0)
        return path;
    CHECK(write(fd, text, length) == (ssize_t)length);
    close(fd);
    return path;
}

/* fcn_platform_read of `text` in a file named "/tmp/fcn_test_platform_XXXXXX<suffix>". */
static inline int read_platform_text(const char *text, const char *suffix, fcn_platform *out, fcn_error *err)
{
    const char *path = temp_text_file(text, strlen(text), suffix);
    int rc = fcn_platform_read(path, out, err);
    remove(path);
    return rc;
}

#endif
