/*
 * For readers that take only a path (fcn_platform_read, fcn_onnx_list_ops):
 * the fuzz input goes into an in-memory file (memfd), opened by its
 * /proc/self/fd name. No disk writes; one file, rewritten for each input.
 * Needs _GNU_SOURCE before any include.
 */
#ifndef FCN_FUZZ_MEMFD_H
#define FCN_FUZZ_MEMFD_H

#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* Puts the bytes in the harness's file and its name in path; -1 (errno set) on failure. */
static inline int fuzz_memfd_write(const uint8_t *data, size_t size, char *path, size_t path_size)
{
    static int fd = -1; /* the harness's one file; the library itself keeps no state */
    if (fd < 0)
        fd = memfd_create("fuzz_input", 0);
    if (fd < 0 || ftruncate(fd, 0) != 0)
        return -1;
    for (size_t done = 0; done < size;) {
        ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    snprintf(path, path_size, "/proc/self/fd/%d", fd);
    return 0;
}

#endif
