/* Internal: layer names from ONNX node names. */
#ifndef FCN_ONNX_NAMES_H
#define FCN_ONNX_NAMES_H

#include "onnx_graph.h"

/*
 * The layer name of a node: its name, else its first output's, else its
 * operator; characters other than [A-Za-z0-9_] become '_'; a leading digit
 * gets the lowercase operator and '_' in front ("conv_12"); "_1", "_2", ...
 * is appended while the name is among names[0..count). Newly allocated
 * (NULL when out of memory).
 */
char *onnx_layer_name(const onnx_graph *g, int node, char *const *names, int count);

#endif
