/* Internal to the command-line tool: the optimiser's bound (docs/OPTIMISER-BOUND.md) in words and in JSON. */
#ifndef FCN_CLI_BOUND_OUTPUT_H
#define FCN_CLI_BOUND_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

#include "fpgaconvnet.h"

/*
 * How close a design is to the bound, in (0, 1]: its throughput over the bound's, or (latency)
 * the bound's latency over its own. 0 when either is missing.
 */
double bound_ratio(const fcn_bound *b, int latency_objective, double objective);
/* What binds: "partitioning" where the partitions term gives the bound, else the limit's name. */
const char *bound_binds_name(const fcn_bound *b);
/* "106.3 inputs/s (DSP binds)" or "2.409 s (DSP binds)": the bound and what binds. */
void bound_summary(char *out, size_t size, const fcn_bound *b, int latency_objective);
/* The bound's section of a text report, with the ratio of the configuration reported (0: none). */
void bound_write_text(FILE *out, const fcn_bound *b, double allocation, double ratio);
/* Every figure of the bound, and the ratio (0: left out), as a JSON object. NULL when out of memory. */
json_t *bound_to_json(const fcn_bound *b, double allocation, double ratio);

#endif
