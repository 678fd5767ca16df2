/* Internal: how the configuration reader connects a partition's layers (node_in / node_out). */
#ifndef FCN_CONFIG_LINKS_H
#define FCN_CONFIG_LINKS_H

#include "config_fields.h"
#include "fpgaconvnet.h"
#include "name_index.h"

/* A layer as the file gives it, with what the checks after parsing still need. */
typedef struct parsed_layer {
    fcn_layer layer; /* owns its strings until moved into the network */
    /* Borrowed from the document; a string is a list of one. */
    const char *node_in[FCN_MAX_PORTS], *node_out[FCN_MAX_PORTS];
    int node_in_count, node_out_count;
    int has_ports_in, has_ports_out; /* the parameters give them */
    int reads[FCN_MAX_PORTS];        /* linking: each named input's producer among the parsed layers, or -1 */
} parsed_layer;

/* The names a partition's links may take: its own parsed layers', and the earlier partitions' layers'. */
typedef struct config_names {
    name_index parsed;  /* name -> index among the partition's parsed layers (squeezes included) */
    name_index earlier; /* name -> network order index, for the partitions read before */
} config_names;

/* How the file's form names the links in messages: node_in/node_out (0.1.1), or the streams' nodes (newest). */
typedef struct link_words {
    const char *in_list, *in_item, *out_list, *out_item;
} link_words;
#define LINK_WORDS_0_1_1 ((link_words){"node_in", "node_in", "node_out", "node_out"})
#define LINK_WORDS_NEWEST ((link_words){"streams_in", "streams_in node", "streams_out", "streams_out node"})

/*
 * Sets the inputs and ports of the partition's layers (the file's order
 * without its squeezes, which must be a data-flow order) from their node_in
 * lists, read through squeezes: a name in this partition is a stream, a name
 * in an earlier partition a tensor from memory; the first layer's own or an
 * unknown name means the previous layer in network order (or the network
 * input), as chain files say. node_out lists must agree. Partitions before
 * `index` are already in net.
 */
int config_link_partition(parsed_layer *layers, int count, const fcn_network *net, int index,
                          const config_names *names, link_words words, const place *at, fcn_error *err);

#endif
