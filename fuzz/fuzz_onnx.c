/*
 * libFuzzer target: bytes as an ONNX model, through fcn_onnx_parse_buffer
 * (with the default options and with --batch-size/--no-fuse-bn) and
 * fcn_onnx_list_ops; a model that parses goes on through everything
 * downstream: check, evaluation, reports, writing and reading back.
 */
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
        perror("fuzz_onnx: memfd");
        abort();
    }
    if (fuzz_onnx_input(data, size, path, why)) {
        fprintf(stderr, "fuzz_onnx: %s\n", why);
        abort(); /* libFuzzer saves the input as a crash */
    }
    return 0;
}
