/* Internal: the parts of fcn_validate. */
#ifndef FCN_VALIDATE_H
#define FCN_VALIDATE_H

#include "error.h"
#include "fpgaconvnet.h"

/* Appends one message to the list; -1 when out of memory. */
int violation_add(fcn_violations *v, const char *fmt, ...) FCN_PRINTF(2, 3);

/* That the partitions, in order, hold the model's layers exactly once with the model's dims. */
int validate_coverage(const fcn_network_figures *figures, const fcn_network *model, fcn_violations *v);

#endif
