/* Shared by the layer tests: check a hand-made layer and evaluate it, or expect its check to fail. */
#ifndef FCN_LAYER_TEST_UTIL_H
#define FCN_LAYER_TEST_UTIL_H

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"

/* Checks the layer and evaluates it (zeroed figures, and a message, if the check fails). */
static inline fcn_layer_figures evaluate(const fcn_layer *l)
{
    fcn_error err = {{0}};
    fcn_layer_figures f;
    memset(&f, 0, sizeof f);
    CHECK(fcn_layer_check(l, &err) == 0);
    if (err.message[0])
        fprintf(stderr, "unexpected: %s\n", err.message);
    else
        fcn_layer_evaluate(l, &f);
    return f;
}

static inline void expect_invalid(const fcn_layer *l, const char *part)
{
    fcn_error err = {{0}};
    CHECK(fcn_layer_check(l, &err) == -1);
    CHECK_MESSAGE(err.message, part);
}

#endif
