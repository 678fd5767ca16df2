/* Whether a network is one the model can evaluate: its layers, their chain, names, weights reloading. */
#include <string.h>

#include "error.h"
#include "fpgaconvnet.h"

static int layer_name_taken(const fcn_network *net, int partition, int layer)
{
    const char *name = net->partitions[partition].layers[layer].name;
    for (int p = 0; p <= partition; p++) {
        const fcn_partition *part = &net->partitions[p];
        int end = p == partition ? layer : part->layer_count;
        for (int i = 0; i < end; i++)
            if (part->layers[i].name && strcmp(part->layers[i].name, name) == 0)
                return 1;
    }
    return 0;
}

/* A layer's input must be the tensor its predecessor produces. */
static int check_link(const fcn_layer *a, const fcn_layer *b, fcn_error *err)
{
    fcn_layer_figures f;
    fcn_layer_evaluate(a, &f);
    if (f.rows_out == b->rows && f.cols_out == b->cols && f.channels_out == b->channels)
        return 0;
    return fcn_fail(err, "input %lldx%lldx%lld does not match the output %lldx%lldx%lld of '%s'",
                    (long long)b->rows, (long long)b->cols, (long long)b->channels, (long long)f.rows_out,
                    (long long)f.cols_out, (long long)f.channels_out, a->name);
}

static int check_layer(const fcn_network *net, int p, int i, const fcn_layer *prev, fcn_error *err)
{
    const fcn_layer *l = &net->partitions[p].layers[i];
    if (!l->name || !*l->name)
        return fcn_fail(err, "partition %lld, layer %d has no name", (long long)net->partitions[p].id, i);
    if (fcn_layer_check(l, err) || (prev && check_link(prev, l, err))) {
        fcn_error_prefix(err, "partition %lld, layer '%s'", (long long)net->partitions[p].id, l->name);
        return -1;
    }
    if (layer_name_taken(net, p, i))
        return fcn_fail(err, "partition %lld: layer name '%s' is used twice", (long long)net->partitions[p].id,
                        l->name);
    return 0;
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
        return 0;
    }
    return fcn_fail(err, "partition %lld: weights reloading layer '%s' is not in the partition",
                    (long long)part->id, part->wr_layer);
}

static int check_partition(const fcn_network *net, int p, fcn_error *err)
{
    const fcn_partition *part = &net->partitions[p];
    if (part->batch_size < 1)
        return fcn_fail(err, "partition %lld: batch_size must be at least 1, got %lld", (long long)part->id,
                        (long long)part->batch_size);
    if (part->ports < 1)
        return fcn_fail(err, "partition %lld: ports must be at least 1, got %lld", (long long)part->id,
                        (long long)part->ports);
    const fcn_layer *prev = NULL;
    for (int i = 0; i < part->layer_count; i++) {
        if (part->layers[i].type == FCN_SQUEEZE)
            continue; /* auxiliary: the model re-derives them */
        if (check_layer(net, p, i, prev, err))
            return -1;
        prev = &part->layers[i];
    }
    if (!prev)
        return fcn_fail(err, "partition %lld has no layers", (long long)part->id);
    return check_weights_reloading(part, err);
}

int fcn_network_check(const fcn_network *net, fcn_error *err)
{
    if (net->partition_count < 1)
        return fcn_fail(err, "the network has no partitions");
    for (int p = 0; p < net->partition_count; p++)
        if (check_partition(net, p, err))
            return -1;
    return 0;
}
