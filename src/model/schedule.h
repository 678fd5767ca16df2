/* Internal: how the schedule lays a network's tensors out in off-chip memory, shared with its totals. */
#ifndef FCN_SCHEDULE_H
#define FCN_SCHEDULE_H

#include "fpgaconvnet.h"

/*
 * Whether each partition reads at most one tensor, written by the partition
 * just before it (or the network input), and writes at most one: the two
 * ping-pong buffers of a chain then suffice.
 */
int schedule_is_chain(const fcn_network_figures *figures);
/* Otherwise every partition writes a buffer of its own after the input's: their bytes in all. */
int64_t schedule_dag_bytes(const fcn_network_figures *figures);

#endif
