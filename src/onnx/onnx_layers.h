/* Internal: the default configuration of an inferred ONNX graph. */
#ifndef FCN_ONNX_LAYERS_H
#define FCN_ONNX_LAYERS_H

#include "onnx_graph.h"
#include "onnx_quant.h"

/*
 * One partition (id 0, one port, wr_factor 1, no weights reloading layer),
 * every folding factor 1, widths from `widths` and the model's quantisation
 * (onnx_quant_resolve done; src/onnx/onnx_quant_widths.c), else 16, checked
 * with fcn_network_check (whose message is prefixed with the file name). NULL
 * on failure.
 */
fcn_network *onnx_build_network(const onnx_graph *g, int64_t batch_size, const onnx_widths *widths, fcn_error *err);

#endif
