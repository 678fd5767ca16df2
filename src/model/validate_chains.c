/*
 * The optimiser narrows a fork or join wider than the board's ports into a chain (optimise_narrow.c):
 * SPLIT `s` feeds some consumers and `s_fan2`, which feeds more and `s_fan3`, ...; CONCAT or ELTWISE `j`
 * takes `j_join<k>`, which takes `j_join<k-1>`, ... on port 0. Each chain computes the model's one
 * layer, so before comparing a configuration with its model the chain is read back as that layer:
 * the fans' consumers read `s`, `j` takes every chain link's other inputs in order, and the chain's
 * other layers drop out. Only layers named so are read back: a model's own SPLIT of a SPLIT, or
 * CONCAT of a CONCAT, stays as it is.
 */
#include <stdlib.h>
#include <string.h>

#include "validate.h"

/* Whether `name` is `base` + `suffix` + digits. */
static int named_after(const char *name, const char *base, const char *suffix)
{
    const size_t b = strlen(base), s = strlen(suffix);
    if (strncmp(name, base, b) != 0 || strncmp(name + b, suffix, s) != 0 || !name[b + s])
        return 0;
    for (const char *c = name + b + s; *c; c++)
        if (*c < '0' || *c > '9')
            return 0;
    return 1;
}

/* The producer of input port `port` of layer i: an index, or -1 for the network input. */
static int producer_of(const fcn_layer *layers, int i, int port)
{
    const int back = fcn_layer_input(&layers[i], port);
    if (back == 0 || back > i || (i == 0 && !layers[i].inputs))
        return -1;
    return i - back;
}

static int same_join(const fcn_layer *a, const fcn_layer *b)
{
    if (a->type != b->type || a->ports_out != 1)
        return 0;
    return a->type == FCN_CONCAT ||
           (a->type == FCN_ELTWISE && !a->eltwise_broadcast && a->eltwise_mul == b->eltwise_mul);
}

typedef struct chains {
    fcn_layer *layers;
    int count;
    int *root;      /* [i]: the layer i stands for (itself, or the SPLIT its fan continues) */
    char *dropped;  /* [i]: a fan or join link read back into another layer */
    int **ports;    /* [i]: the producers of a read-back join's ports, or NULL */
    int64_t **channels;
} chains;

static void read_back_fans(chains *c)
{
    for (int i = 0; i < c->count; i++) {
        fcn_layer *l = &c->layers[i];
        const int p = l->type == FCN_SPLIT && l->ports_in == 1 ? producer_of(c->layers, i, 0) : -1;
        if (p < 0 || c->layers[p].type != FCN_SPLIT)
            continue;
        const int r = c->root[p];
        if (!named_after(l->name, c->layers[r].name, "_fan"))
            continue;
        c->root[i] = r;
        c->dropped[i] = 1;
        c->layers[r].ports_out += l->ports_out - 1;
    }
}

/* How many ports join j takes once its chain is read back (links dropped as they are found). */
static int join_width(chains *c, int j, const char *name)
{
    const fcn_layer *l = &c->layers[j];
    const int p = producer_of(c->layers, j, 0);
    if (p < 0 || !same_join(&c->layers[p], l) || !named_after(c->layers[p].name, name, "_join"))
        return l->ports_in;
    c->dropped[p] = 1;
    return join_width(c, p, name) + l->ports_in - 1;
}

/* Fills the ports of join j's read-back chain from `at`; returns the next free place. */
static int join_ports(const chains *c, int j, const char *name, int *ports, int64_t *channels, int at)
{
    const fcn_layer *l = &c->layers[j];
    const int p = producer_of(c->layers, j, 0);
    int first = 0;
    if (p >= 0 && c->dropped[p] && same_join(&c->layers[p], l) && named_after(c->layers[p].name, name, "_join")) {
        at = join_ports(c, p, name, ports, channels, at);
        first = 1;
    }
    for (int port = first; port < l->ports_in; port++, at++) {
        ports[at] = producer_of(c->layers, j, port);
        channels[at] = fcn_layer_port_channels(l, port);
    }
    return at;
}

static int read_back_joins(chains *c)
{
    for (int j = c->count - 1; j >= 0; j--) {
        fcn_layer *l = &c->layers[j];
        if (c->dropped[j] || (l->type != FCN_CONCAT && l->type != FCN_ELTWISE))
            continue;
        const int width = join_width(c, j, l->name);
        if (width == l->ports_in)
            continue;
        c->ports[j] = malloc((size_t)width * sizeof *c->ports[j]);
        c->channels[j] = malloc((size_t)width * sizeof *c->channels[j]);
        if (!c->ports[j] || !c->channels[j])
            return -1;
        join_ports(c, j, l->name, c->ports[j], c->channels[j], 0);
        l->ports_in = width;
        if (l->type == FCN_CONCAT)
            l->port_channels = c->channels[j];
    }
    return 0;
}

/* The kept layers in order, each port's distance counted again among them. */
static int compact(chains *c, int *place, int64_t *partition, int **inputs)
{
    int kept = 0;
    for (int i = 0; i < c->count; i++)
        place[i] = c->dropped[i] ? -1 : kept++;
    for (int i = 0; i < c->count; i++) {
        if (c->dropped[i])
            continue;
        fcn_layer *l = &c->layers[i];
        int *in = inputs[place[i]] = malloc((size_t)l->ports_in * sizeof *in);
        if (!in)
            return -1;
        for (int port = 0; port < l->ports_in; port++) {
            int p = c->ports[i] ? c->ports[i][port] : producer_of(c->layers, i, port);
            /* The network input keeps the configuration's own way of saying so (0, or none on the first layer). */
            in[port] = p >= 0 ? place[i] - place[c->root[p]] : c->ports[i] ? 0 : fcn_layer_input(l, port);
        }
        l->inputs = in;
        c->layers[place[i]] = *l;
        partition[place[i]] = partition[i];
    }
    return kept;
}

int validate_read_back_chains(fcn_layer *layers, int64_t *partition, int *count, validate_chain_arrays *owned)
{
    chains c = {.layers = layers, .count = *count};
    *owned = (validate_chain_arrays){0};
    int has_chain = 0;
    for (int i = 0; i < c.count && !has_chain; i++) {
        const char *under = strrchr(layers[i].name, '_');
        has_chain = under && (strncmp(under, "_fan", 4) == 0 || strncmp(under, "_join", 5) == 0);
    }
    if (!has_chain)
        return 0;
    c.root = malloc((size_t)c.count * sizeof *c.root);
    c.dropped = calloc((size_t)c.count, 1);
    c.ports = calloc((size_t)c.count, sizeof *c.ports);
    c.channels = calloc((size_t)c.count, sizeof *c.channels);
    int *place = malloc((size_t)c.count * sizeof *place);
    int status = c.root && c.dropped && c.ports && c.channels && place ? 0 : -1;
    owned->inputs = calloc((size_t)c.count, sizeof *owned->inputs);
    owned->count = c.count;
    if (status == 0 && !owned->inputs)
        status = -1;
    for (int i = 0; status == 0 && i < c.count; i++)
        c.root[i] = i;
    if (status == 0) {
        read_back_fans(&c);
        status = read_back_joins(&c);
    }
    int kept = status == 0 ? compact(&c, place, partition, owned->inputs) : -1;
    if (kept >= 0)
        *count = kept;
    owned->channels = c.channels;
    for (int i = 0; c.ports && i < c.count; i++)
        free(c.ports[i]);
    free(c.ports);
    free(c.root);
    free(c.dropped);
    free(place);
    return kept < 0 ? -1 : 0;
}

void validate_chain_arrays_free(validate_chain_arrays *owned)
{
    for (int i = 0; i < owned->count; i++) {
        free(owned->inputs ? owned->inputs[i] : NULL);
        free(owned->channels ? owned->channels[i] : NULL);
    }
    free(owned->inputs);
    free(owned->channels);
    *owned = (validate_chain_arrays){0};
}
