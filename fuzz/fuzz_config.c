/* libFuzzer target: bytes as a JSON configuration, through the reader and, when accepted, everything downstream. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[FUZZ_WHY_SIZE];
    if (fuzz_config_input(data, size, why)) {
        fprintf(stderr, "fuzz_config: %s\n", why);
        abort(); /* libFuzzer saves the input as a crash */
    }
    return 0;
}
