/* libFuzzer target: bytes as a platform file, read and then used for the utilisation in both reports. */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_checks.h"
#include "fuzz_memfd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64], why[FUZZ_WHY_SIZE];
    if (fuzz_memfd_write(data, size, path, sizeof path) != 0) {
        perror("fuzz_platform: memfd");
        abort();
    }
    if (fuzz_platform_file(path, why)) {
        fprintf(stderr, "fuzz_platform: %s\n", why);
        abort(); /* libFuzzer saves the input as a crash */
    }
    return 0;
}
