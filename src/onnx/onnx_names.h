/* Internal: layer names from ONNX node names, and ONNX text (any bytes) made fit for paths and messages. */
#ifndef FCN_ONNX_NAMES_H
#define FCN_ONNX_NAMES_H

#include "name_index.h"
#include "onnx_graph.h"

/*
 * The layer name of a node: its name, else its first output's, else its
 * operator; characters other than [A-Za-z0-9_] become '_'; a leading digit
 * gets the lowercase operator and '_' in front ("conv_12"); "_1", "_2", ...
 * is appended while the name is in `taken`. Newly allocated (NULL when out
 * of memory); the caller adds it to `taken`.
 */
char *onnx_layer_name(const onnx_graph *g, int node, const name_index *taken);
/* `base` with "_1", "_2", ... appended while the name is in `taken`; newly allocated (NULL when out of
 * memory). For the layers no node names: "<producer>_split". */
char *onnx_unique_name(const char *base, const name_index *taken);

/* Whether text is valid UTF-8 (as JSON, hence the configuration, requires): no overlong forms, surrogates or
 * code points beyond U+10FFFF. NULL counts as valid. */
int onnx_is_utf8(const char *text);

/* Makes text one printable line in place: control characters (C0, DEL, C1, U+2028/U+2029) and every byte
 * that is not part of valid UTF-8 become '?'. */
void onnx_scrub_text(char *text);

#endif
