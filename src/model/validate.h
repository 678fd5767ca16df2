/* Internal: the parts of fcn_validate. */
#ifndef FCN_VALIDATE_H
#define FCN_VALIDATE_H

#include "error.h"
#include "fpgaconvnet.h"

/* Appends one message to the list; -1 when out of memory. */
int violation_add(fcn_violations *v, const char *fmt, ...) FCN_PRINTF(2, 3);

/* That the partitions, in order, hold the model's layers exactly once with the model's dims. */
int validate_coverage(const fcn_network_figures *figures, const fcn_network *model, fcn_violations *v);

/* What reading chains back allocated: each kept layer's `inputs`, each read-back CONCAT's port_channels. */
typedef struct validate_chain_arrays {
    int count;
    int **inputs;
    int64_t **channels;
} validate_chain_arrays;

/*
 * Reads the optimiser's chains of narrowed forks and joins (`s_fan<k>`, `j_join<k>`, optimise_narrow.c)
 * back as the model's single layers, in place: `count` shrinks, layers and partition ids move up,
 * `inputs` and port_channels point into `owned`. -1 when out of memory.
 */
int validate_read_back_chains(fcn_layer *layers, int64_t *partition, int *count, validate_chain_arrays *owned);
void validate_chain_arrays_free(validate_chain_arrays *owned);

#endif
