/* Whether a network is one the model can evaluate: its layers, their connections, names, weights reloading. */
#include <stdlib.h>
#include <string.h>

#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "fpgaconvnet.h"
#include "layers.h"
#include "name_index.h"

/* Input port `port` of b must take the tensor output port q of a produces. */
static int check_link(const fcn_layer *a, int q, const fcn_layer *b, int port, fcn_error *err)
{
    fcn_layer_figures f;
    fcn_layer_evaluate(a, &f);
    const int64_t channels = fcn_layer_port_channels(b, port);
    const int64_t rows = layer_port_rows(b, port), cols = layer_port_cols(b, port);
    const int64_t depth = layer_port_depth(b, port);
    const int64_t produced = fcn_layer_output_channels(a, q, f.channels_out);
    if (f.rows_out == rows && f.cols_out == cols && f.depth_out == depth && produced == channels)
        return 0;
    char where[32] = "", from[32] = "", in[DIMS_TEXT], out[DIMS_TEXT];
    if (b->ports_in > 1)
        snprintf(where, sizeof where, " of port %d", port);
    if (a->ports_out > 1)
        snprintf(from, sizeof from, " port %d", q);
    return fcn_fail(err, "input%s %s does not match the output%s %s of '%s'", where,
                    dims_text(in, rows, cols, depth, channels), from,
                    dims_text(out, f.rows_out, f.cols_out, f.depth_out, produced), a->name);
}

/* The network order: every layer, partition after partition. */
typedef struct flat_network {
    const fcn_layer **layers;
    int *partition;  /* each layer's partition index */
    int *consumers;  /* input ports reading each layer's output (counted as the check walks the order) */
    int count;
    name_index names; /* the names seen so far */
} flat_network;

/*
 * Each input port's producer must be an earlier layer (or the network input),
 * whose output it takes when both are in one partition: output port q for
 * the producer's q-th reader in network order (a SPLIT's or CHOP's). Across partitions
 * weights reloading changes what a producer writes (its output channels
 * times the factor), and fcn_validate checks the hand-over.
 */
static int check_inputs(const flat_network *flat, int index, fcn_error *err)
{
    const fcn_layer *l = flat->layers[index];
    for (int port = 0; port < l->ports_in; port++) {
        const int back = fcn_layer_input(l, port);
        if (back == 0 || (back == 1 && index == 0 && !l->inputs))
            continue; /* the network's input */
        if (back > index)
            return fcn_fail(err, "input port %d refers to a layer %d places back, before the network's first layer",
                            port, back);
        const fcn_layer *producer = flat->layers[index - back];
        const int q = flat->consumers[index - back]++;
        if (q >= producer->ports_out)
            continue; /* one reader too many: check_consumers says so */
        if (flat->partition[index - back] == flat->partition[index] && check_link(producer, q, l, port, err))
            return -1;
    }
    return 0;
}

static int check_layer(const fcn_network *net, flat_network *flat, int p, int i, int index, fcn_error *err)
{
    const fcn_layer *l = &net->partitions[p].layers[i];
    if (!l->name || !*l->name)
        return fcn_fail(err, "partition %lld, layer %d has no name", (long long)net->partitions[p].id, i);
    if (l->type == FCN_SQUEEZE)
        return fcn_fail(err, "partition %lld, layer '%s': squeeze layers are derived by the model; leave them out",
                        (long long)net->partitions[p].id, l->name);
    if (fcn_layer_check(l, err) || check_inputs(flat, index, err)) {
        fcn_error_prefix(err, "partition %lld, layer '%s'", (long long)net->partitions[p].id, l->name);
        return -1;
    }
    int taken = name_index_put(&flat->names, l->name, index);
    if (taken == -2)
        return fcn_fail(err, "out of memory checking the network");
    if (taken >= 0)
        return fcn_fail(err, "partition %lld: layer name '%s' is used twice", (long long)net->partitions[p].id,
                        l->name);
    return 0;
}

/* The tensors a partition writes to memory: output ports no later layer of the partition reads. */
static int partition_outputs(const fcn_partition *part, int *last)
{
    int outputs = 0;
    for (int i = 0; i < part->layer_count; i++) {
        int inner = 0;
        for (int j = i + 1; j < part->layer_count; j++)
            for (int port = 0; port < part->layers[j].ports_in; port++)
                inner += fcn_layer_input(&part->layers[j], port) == j - i;
        if (inner < part->layers[i].ports_out) {
            outputs += part->layers[i].ports_out - inner;
            *last = i;
        }
    }
    return outputs;
}

/*
 * MODEL-DAG §8.6 (G15): dividing the wr layer's filters divides every tensor
 * after it, so from the wr layer to the partition's single output there must
 * be one tensor: no SPLIT, ELTWISE or CONCAT, no other weighted layer, and
 * nothing that needs all of a pixel's channels (layer_follows_reloading).
 */
static int check_reloaded_path(const fcn_partition *part, fcn_error *err)
{
    const long long id = (long long)part->id;
    int at = -1;
    const int outputs = partition_outputs(part, &at);
    if (outputs != 1)
        return fcn_fail(err, "partition %lld: weights reloading layer '%s' needs the partition to have one output; "
                        "it has %d", id, part->wr_layer, outputs);
    for (;;) {
        const fcn_layer *l = &part->layers[at];
        if (l->type == FCN_CONVOLUTION || l->type == FCN_INNER_PRODUCT) {
            if (strcmp(l->name, part->wr_layer) == 0)
                return 0;
            return fcn_fail(err, "partition %lld: weights reloading layer '%s' is not the last weighted layer "
                            "before the partition's output ('%s' is)", id, part->wr_layer, l->name);
        }
        if (!layer_follows_reloading(l->type))
            return fcn_fail(err, "partition %lld: weights reloading layer '%s': the path to the partition's output "
                            "meets %s layer '%s'", id, part->wr_layer, fcn_layer_type_name(l->type), l->name);
        const int back = fcn_layer_input(l, 0);
        if (back < 1 || back > at)
            return fcn_fail(err, "partition %lld: weights reloading layer '%s' is not on the path to the "
                            "partition's output '%s'", id, part->wr_layer, part->layers[at].name);
        at -= back;
    }
}

static int check_weights_reloading(const fcn_partition *part, fcn_error *err)
{
    if (part->wr_factor < 1)
        return fcn_fail(err, "partition %lld: weights reloading factor must be at least 1, got %lld",
                        (long long)part->id, (long long)part->wr_factor);
    if (!part->wr_layer) {
        if (part->wr_factor == 1)
            return 0;
        return fcn_fail(err, "partition %lld: weights reloading factor %lld needs a weights reloading layer",
                        (long long)part->id, (long long)part->wr_factor);
    }
    for (int i = 0; i < part->layer_count; i++) {
        const fcn_layer *l = &part->layers[i];
        if (l->type == FCN_SQUEEZE || strcmp(l->name, part->wr_layer) != 0)
            continue;
        if (part->wr_factor > 1 && l->type != FCN_CONVOLUTION && l->type != FCN_INNER_PRODUCT)
            return fcn_fail(err, "partition %lld: weights reloading layer '%s' is a %s, which has no weights",
                            (long long)part->id, l->name, fcn_layer_type_name(l->type));
        return part->wr_factor > 1 ? check_reloaded_path(part, err) : 0;
    }
    return fcn_fail(err, "partition %lld: weights reloading layer '%s' is not in the partition",
                    (long long)part->id, part->wr_layer);
}

static int check_partition(const fcn_network *net, flat_network *flat, int p, int first, fcn_error *err)
{
    const fcn_partition *part = &net->partitions[p];
    if (part->batch_size < 1)
        return fcn_fail(err, "partition %lld: batch_size must be at least 1, got %lld", (long long)part->id,
                        (long long)part->batch_size);
    if (part->ports < 1)
        return fcn_fail(err, "partition %lld: ports must be at least 1, got %lld", (long long)part->id,
                        (long long)part->ports);
    if (part->layer_count < 1)
        return fcn_fail(err, "partition %lld has no layers", (long long)part->id);
    for (int i = 0; i < part->layer_count; i++)
        if (check_layer(net, flat, p, i, first + i, err))
            return -1;
    return check_weights_reloading(part, err);
}

/* Every output port is read exactly once; a layer nobody reads is a network output (one port). */
static int check_consumers(const fcn_network *net, const flat_network *flat, fcn_error *err)
{
    for (int i = 0; i < flat->count; i++) {
        const fcn_layer *l = flat->layers[i];
        const int n = flat->consumers[i];
        if (n == l->ports_out || (n == 0 && l->ports_out == 1))
            continue;
        const long long id = (long long)net->partitions[flat->partition[i]].id;
        if (l->type == FCN_SPLIT || l->type == FCN_CHOP)
            return fcn_fail(err, "partition %lld, layer '%s': a %s with %d output ports has %d consumers", id,
                            l->name, fcn_layer_type_name(l->type), l->ports_out, n);
        return fcn_fail(err, "partition %lld, layer '%s': its output is read by %d input ports; "
                        "a tensor read by several layers needs a SPLIT", id, l->name, n);
    }
    return 0;
}

static int check_flat(const fcn_network *net, flat_network *flat, fcn_error *err)
{
    for (int p = 0, first = 0; p < net->partition_count; first += net->partitions[p++].layer_count)
        if (check_partition(net, flat, p, first, err))
            return -1;
    return check_consumers(net, flat, err);
}

int fcn_network_check(const fcn_network *net, fcn_error *err)
{
    if (net->partition_count < 1)
        return fcn_fail(err, "the network has no partitions");
    flat_network flat = {0};
    for (int p = 0; p < net->partition_count; p++) {
        if (net->partitions[p].layer_count < 0 || net->partitions[p].layer_count > INT32_MAX / 2 - flat.count)
            return fcn_fail(err, "partition %lld: bad layer count", (long long)net->partitions[p].id);
        flat.count += net->partitions[p].layer_count;
    }
    const size_t n = (size_t)flat.count + 1;
    flat.layers = calloc(n, sizeof *flat.layers);
    flat.partition = calloc(n, sizeof *flat.partition);
    flat.consumers = calloc(n, sizeof *flat.consumers);
    int rc = flat.layers && flat.partition && flat.consumers && name_index_init(&flat.names, n) == 0
                 ? 0 : fcn_fail(err, "out of memory checking the network");
    for (int p = 0, k = 0; rc == 0 && p < net->partition_count; p++)
        for (int i = 0; i < net->partitions[p].layer_count; i++, k++) {
            flat.layers[k] = &net->partitions[p].layers[i];
            flat.partition[k] = p;
        }
    if (rc == 0)
        rc = check_flat(net, &flat, err);
    free(flat.layers);
    free(flat.partition);
    free(flat.consumers);
    name_index_free(&flat.names);
    return rc;
}
