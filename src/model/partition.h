/* Internal: a partition's full evaluation, with its squeeze chain built and named. */
#ifndef FCN_PARTITION_H
#define FCN_PARTITION_H

#include "fpgaconvnet.h"

/* Fills `out` for net->partitions[index] and allocates its layers and edges; -1 on allocation failure (release it all the same). */
int partition_evaluate(const fcn_network *net, int index, const fcn_eval_options *opts, fcn_partition_figures *out);
void partition_figures_release(fcn_partition_figures *f);

#endif
