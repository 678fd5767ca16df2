/* Files written whole or not at all: a temporary file beside the target, renamed over it once complete. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "file_write.h"

int file_write_all(int fd, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t wrote = write(fd, data, length);
        if (wrote < 0 && errno == EINTR)
            continue;
        if (wrote <= 0)
            return -1;
        data += wrote;
        length -= (size_t)wrote;
    }
    return 0;
}

/* Names tried before giving up: only writers of the same path in the same process can take them. */
#define TEMP_TRIES 1000

int file_open_output(const char *path, const char *suffix, char **temp)
{
    struct stat st;
    *temp = NULL;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return open(path, O_WRONLY | O_TRUNC);
    size_t size = strlen(path) + strlen(suffix) + 48;
    char *name = malloc(size);
    if (!name) {
        errno = ENOMEM;
        return -1;
    }
    for (int n = 0; n < TEMP_TRIES; n++) {
        snprintf(name, size, "%s.tmp-%ld-%d%s", path, (long)getpid(), n, suffix);
        /* O_EXCL: never another file, nor a link planted under that name. */
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd >= 0) {
            *temp = name;
            return fd;
        }
        if (errno != EEXIST)
            break;
    }
    int e = errno;
    free(name);
    errno = e;
    return -1;
}

int file_write_whole(const char *path, const char *data, size_t length, fcn_error *err)
{
    char *temp;
    int fd = file_open_output(path, "", &temp);
    if (fd < 0)
        return fcn_fail(err, "%s: cannot open for writing: %s", path, strerror(errno));
    int failed = file_write_all(fd, data, length);
    int e = errno;
    if (close(fd) != 0 && !failed) {
        failed = 1;
        e = errno;
    }
    if (temp && !failed && rename(temp, path) != 0) {
        failed = 1;
        e = errno;
    }
    if (temp && failed)
        unlink(temp);
    free(temp);
    return failed ? fcn_fail(err, "%s: cannot write: %s", path, strerror(e)) : 0;
}
