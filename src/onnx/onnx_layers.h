/* Internal: the default configuration of an inferred ONNX graph. */
#ifndef FCN_ONNX_LAYERS_H
#define FCN_ONNX_LAYERS_H

#include "onnx_graph.h"

/*
 * One partition (id 0, one port, wr_factor 1, no weights reloading layer),
 * every folding factor 1 and width 16, checked with fcn_network_check (whose
 * message is prefixed with the file name). NULL on failure.
 */
fcn_network *onnx_build_network(const onnx_graph *g, int64_t batch_size, fcn_error *err);

#endif
