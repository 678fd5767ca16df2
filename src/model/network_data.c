/* The network as plain data: deep copy and release. */
#include <stdlib.h>
#include <string.h>

#include "fpgaconvnet.h"

/* strdup is POSIX, not C11. NULL stays NULL; *ok is cleared when a copy fails. */
static char *copy_string(const char *s, int *ok)
{
    if (!s)
        return NULL;
    size_t size = strlen(s) + 1;
    char *copy = malloc(size);
    if (!copy) {
        *ok = 0;
        return NULL;
    }
    return memcpy(copy, s, size);
}

void fcn_layer_release(fcn_layer *layer)
{
    free(layer->name);
    free(layer->weights_path);
    free(layer->bias_path);
    free(layer->inputs);
    free(layer->port_channels);
    free(layer->port_offsets);
    layer->name = layer->weights_path = layer->bias_path = NULL;
    layer->inputs = NULL;
    layer->port_channels = NULL;
    layer->port_offsets = NULL;
}

static void *copy_array(const void *from, size_t size, int *ok)
{
    if (!from || size == 0)
        return NULL;
    void *copy = malloc(size);
    if (!copy) {
        *ok = 0;
        return NULL;
    }
    return memcpy(copy, from, size);
}

int fcn_layer_copy(fcn_layer *to, const fcn_layer *from)
{
    int ok = 1;
    *to = *from;
    to->name = copy_string(from->name, &ok);
    to->weights_path = copy_string(from->weights_path, &ok);
    to->bias_path = copy_string(from->bias_path, &ok);
    const size_t ports = from->ports_in > 0 ? (size_t)from->ports_in : 0;
    to->inputs = copy_array(from->inputs, ports * sizeof *from->inputs, &ok);
    const size_t groups = from->type == FCN_CHOP ? (size_t)(from->ports_out > 0 ? from->ports_out : 0) : ports;
    to->port_channels = copy_array(from->port_channels, groups * sizeof *from->port_channels, &ok);
    to->port_offsets = copy_array(from->port_offsets, groups * sizeof *from->port_offsets, &ok);
    return ok ? 0 : -1;
}

static void partition_release(fcn_partition *p)
{
    for (int i = 0; i < p->layer_count; i++)
        fcn_layer_release(&p->layers[i]);
    free(p->layers);
    free(p->wr_layer);
    free(p->input_node);
    free(p->output_node);
}

void fcn_network_free(fcn_network *net)
{
    if (!net)
        return;
    for (int i = 0; i < net->partition_count; i++)
        partition_release(&net->partitions[i]);
    free(net->partitions);
    free(net);
}

/* Copies `from` into the zeroed `to`; on failure `to` holds what was copied, for partition_release. */
static int partition_copy(fcn_partition *to, const fcn_partition *from)
{
    int ok = 1;
    to->id = from->id;
    to->ports = from->ports;
    to->batch_size = from->batch_size;
    to->wr_factor = from->wr_factor;
    to->wr_layer = copy_string(from->wr_layer, &ok);
    to->input_node = copy_string(from->input_node, &ok);
    to->output_node = copy_string(from->output_node, &ok);
    if (from->layer_count > 0) {
        to->layers = calloc((size_t)from->layer_count, sizeof *to->layers);
        if (!to->layers)
            return -1;
    }
    for (int i = 0; i < from->layer_count; i++) {
        if (fcn_layer_copy(&to->layers[i], &from->layers[i]))
            ok = 0;
        to->layer_count = i + 1; /* so that a failure releases exactly what exists */
    }
    return ok ? 0 : -1;
}

fcn_network *fcn_network_clone(const fcn_network *net)
{
    if (!net)
        return NULL;
    fcn_network *copy = calloc(1, sizeof *copy);
    if (!copy)
        return NULL;
    if (net->partition_count > 0) {
        copy->partitions = calloc((size_t)net->partition_count, sizeof *copy->partitions);
        if (!copy->partitions) {
            free(copy);
            return NULL;
        }
    }
    for (int i = 0; i < net->partition_count; i++) {
        copy->partition_count = i + 1;
        if (partition_copy(&copy->partitions[i], &net->partitions[i])) {
            fcn_network_free(copy);
            return NULL;
        }
    }
    return copy;
}
