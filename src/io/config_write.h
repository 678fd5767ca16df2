/*
 * Internal: what the writers of the two configuration forms share (src/io/config_write.c writes
 * 0.1.1's form and walks the evaluated chain; src/io/config_write_newest.c writes the newest form's
 * partitions, layers and parameters).
 */
#ifndef FCN_CONFIG_WRITE_H
#define FCN_CONFIG_WRITE_H

#include <jansson.h>

#include "fpgaconvnet.h"
#include "name_index.h"

/*
 * Builds a document. jansson's setters accept a NULL value (and a NULL
 * container) and report failure, so the builder only remembers that one
 * happened and the caller checks once at the end.
 */
typedef struct builder {
    int failed;
    fcn_config_format format;
    name_index names; /* every layer name of the network, for the squeezes' names to avoid */
    /* The newest form: the partition being written, its node lists (filled layer by layer), inputs listed. */
    const fcn_partition *part;
    json_t *input_nodes, *output_nodes;
    int inputs;
    int three_d; /* some layer has a depth or a window over it: the newest form writes every layer's 3-D fields */
} builder;

/*
 * One written layer with its neighbours' names, port by port: NULL where a
 * port reads or writes off-chip memory in the chain files' way (the layer
 * then names itself), else the layer (or squeeze) at the other end.
 */
typedef struct chain_entry {
    const fcn_layer *layer;          /* the network's own layer, or a derived squeeze */
    const fcn_layer_figures *figures;
    const char *in[FCN_MAX_PORTS], *out[FCN_MAX_PORTS];
    int in_count, out_count;
    int reads_memory, writes_memory; /* some port reads (writes) off-chip memory */
} chain_entry;

static inline void put(builder *b, json_t *object, const char *key, json_t *value)
{
    if (json_object_set_new(object, key, value))
        b->failed = 1;
}

static inline void put_int(builder *b, json_t *object, const char *key, int64_t value)
{
    put(b, object, key, json_integer((json_int_t)value));
}

static inline void put_string(builder *b, json_t *object, const char *key, const char *value)
{
    put(b, object, key, json_string(value));
}

static inline void append(builder *b, json_t *array, json_t *value)
{
    if (json_array_append_new(array, value))
        b->failed = 1;
}

static inline json_t *pair(int64_t first, int64_t second)
{
    return json_pack("[II]", (json_int_t)first, (json_int_t)second);
}

/* A stream's name: "<from>_<to>", or end_name ("in", "out") at the partition's ends. */
json_t *config_stream_name(const char *from, const char *to, const char *end_name);
json_t *config_int_list(builder *b, const int64_t *values, int count);
/* A parameters object with what both forms write first: buffer_depth, batch_size, dimensions, coarse_in/out. */
json_t *config_parameters_start(builder *b, const chain_entry *e, int64_t batch_size);
/* The fields of today's 2-D layers and CLIP's bounds, each where it differs from its default; a POOLING's
   pool_type only if asked (the newest form says it in the layer's op_type). */
void config_put_extras(builder *b, json_t *params, const fcn_layer *l, int pool_type_field);
/* The partition's layers, squeezes derived and included, each written in b->format. */
json_t *config_layers_json(builder *b, const fcn_partition *part, const fcn_partition_figures *figures);

/* The 3-D fields (config_3d.c). */
int config_layer_is_3d(const fcn_layer *l);
int config_network_is_3d(const fcn_network *net);
/* Whether the layer's parameters carry depth_in and depth_out: every layer of a 3-D network in the newest
   form; in 0.1.1's, a layer whose depth in or out is not 1. */
int config_writes_depth(const builder *b, const chain_entry *e);
/* kernel_depth, stride_depth, pad_front, pad_back (all in a 3-D network's newest form, else those not their
   defaults) and dilation_depth (when not 1). */
void config_put_window_3d(builder *b, json_t *params, const fcn_layer *l);
/* kernel_size or stride: [rows, cols, depth] in a 3-D network's newest form, else [rows, cols]. */
json_t *config_window_list(const builder *b, int64_t rows, int64_t cols, int64_t depth);

/* The newest form (config_write_newest.c). */
json_t *config_newest_partition(builder *b, const fcn_partition *part, const fcn_partition_figures *figures);
json_t *config_newest_layer(builder *b, const chain_entry *e);

#endif
