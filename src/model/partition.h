/* Internal: a partition's full evaluation, with its squeeze chain built and named. */
#ifndef FCN_PARTITION_H
#define FCN_PARTITION_H

#include "fpgaconvnet.h"

/*
 * Fills `out` for net->partitions[index] and allocates its layers and edges (reusing what `out` holds);
 * -1 on allocation failure (release it all the same). Its squeezes start as copies of `squeeze`, a
 * SQUEEZE layer from partition_squeeze_template.
 */
int partition_evaluate(const fcn_network *net, int index, const fcn_eval_options *opts, const fcn_layer *squeeze,
                       fcn_partition_figures *out);
/* The layer every inserted squeeze starts from: fcn_layer_init's SQUEEZE at the partitions' data width. */
void partition_squeeze_template(fcn_layer *squeeze);
void partition_figures_release(fcn_partition_figures *f);
/*
 * A partition's latency and bandwidths (MODEL.md §4.7) from its interval, pipeline depth, batch size,
 * weights reloading, workloads and streams: the one place both the walk and the optimiser's chain
 * tree (src/optimise/optimise_chain.c) take them from.
 */
void partition_latency_bandwidth(fcn_partition_figures *out, double freq_mhz);

#endif
