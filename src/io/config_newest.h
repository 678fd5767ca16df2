/*
 * Internal: what reading the newest upstream form (fpgaconvnet-model edfbeb6, docs/CONFIG.md)
 * adds to the 0.1.1 reader: the form's detection, its type numbering, its links
 * (streams_in[].node / streams_out[].node), its fixed-point messages and its partition node lists.
 */
#ifndef FCN_CONFIG_NEWEST_H
#define FCN_CONFIG_NEWEST_H

#include <jansson.h>

#include "config_fields.h"
#include "config_links.h"
#include "fpgaconvnet.h"

/* The form of a document, told by its first partition: input_nodes or output_nodes make it the newest. */
fcn_config_format config_detect_form(const json_t *first_partition);

/* Where a key may stand: which object of the document. */
typedef enum { AT_PARTITION, AT_LAYER, AT_PARAMETERS } config_level;
/* The keys of the other form at this level are errors (a document holds one form, so links mean one thing). */
int config_check_form_keys(const json_t *object, config_level level, fcn_config_format form, const place *at,
                           fcn_error *err);

/* A layer's `type` in the newest numbering (names as in 0.1.1; ACTIVATION, CONVOLUTION_SPARSE, THRESHOLDEDRELU fail). */
int config_newest_type(const json_t *value, const place *at, fcn_layer_type *type, fcn_error *err);

/* node_in / node_out of a parsed layer from its streams' `node` (strings borrowed from the document). */
int config_newest_links(const json_t *layer, const place *at, parsed_layer *out, fcn_error *err);

/*
 * What the newest form adds to a layer's parameters (read after read_parameters): the fixed-point
 * messages, use_uram, kernel_rows/stride_rows and their kin, the layer's op_type, and what this
 * project does not model (streamed weights, block floating point, sparse convolutions).
 */
void config_newest_parameters(field_reader *params, const json_t *layer, fcn_layer *l);

/* How many entries a partition's input_nodes and output_nodes have. */
typedef struct partition_node_lists {
    int inputs, outputs;
} partition_node_lists;

/* input_nodes / output_nodes: the first input and the last output become input_node / output_node (copied). */
int config_newest_partition_nodes(const json_t *partition, const place *at, fcn_partition *out,
                                  partition_node_lists *lists, fcn_error *err);

/* The lists must count the layers that read (write) off-chip memory: one entry each. */
int config_newest_check_nodes(const parsed_layer *layers, int count, const config_names *names,
                              const partition_node_lists *lists, const place *at, fcn_error *err);

#endif
