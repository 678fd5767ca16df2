/*
 * Connecting a configuration's layers: node_in / node_out, a name or a list
 * of names, read through the squeeze layers the file may contain (the model
 * derives its own). See config_links.h for the rules.
 */
#include <stdlib.h>
#include <string.h>

#include "config_links.h"

typedef enum { FROM_BOUNDARY, FROM_INNER, FROM_EARLIER } producer_kind;

typedef struct producer {
    producer_kind kind;
    int index; /* FROM_INNER: into the parsed layers; FROM_EARLIER: in network order */
} producer;

/* What layer `self` reads when its node_in says `name`: going back through squeezes (at most `count` of them). */
static producer resolve_back(const parsed_layer *layers, int count, const config_names *names, int self,
                             const char *name)
{
    for (int hops = 0; hops <= count; hops++) {
        int k = name_index_get(&names->parsed, name);
        if (k == self)
            break;
        if (k < 0) {
            int g = name_index_get(&names->earlier, name);
            return g < 0 ? (producer){FROM_BOUNDARY, -1} : (producer){FROM_EARLIER, g};
        }
        if (layers[k].layer.type != FCN_SQUEEZE)
            return (producer){FROM_INNER, k};
        if (layers[k].node_in_count == 0)
            break;
        self = k; /* a squeeze naming itself is a boundary too */
        name = layers[k].node_in[0];
    }
    return (producer){FROM_BOUNDARY, -1};
}

/* The non-squeeze layer a node_out name reaches going forward through squeezes; -1 for none. */
static int resolve_forward(const parsed_layer *layers, int count, const name_index *parsed, const char *name)
{
    for (int hops = 0; hops <= count; hops++) {
        int k = name_index_get(parsed, name);
        if (k < 0 || layers[k].layer.type != FCN_SQUEEZE)
            return k;
        if (layers[k].node_out_count == 0 || strcmp(layers[k].node_out[0], name) == 0)
            return -1;
        name = layers[k].node_out[0];
    }
    return -1;
}

static int multi_input(fcn_layer_type type) { return type == FCN_ELTWISE || type == FCN_CONCAT; }

typedef struct link_context {
    parsed_layer *layers;
    int count;
    const fcn_network *net;
    int partition, base; /* base: network order's index of the partition's first layer */
    int *position;       /* each parsed layer's place among the partition's non-squeeze layers */
    const place *at;
    fcn_error *err;
    const config_names *names;
    link_words words;
} link_context;

/* The distance back to what input port `port` of parsed layer k reads. */
static int port_input(const link_context *c, int k, int port, int *back)
{
    const parsed_layer *l = &c->layers[k];
    const int pos = c->position[k];
    if (l->node_in_count == 0) {
        *back = 1; /* a chain: the previous layer (or what the partition reads) */
        return 0;
    }
    const char *name = l->node_in[port];
    producer from = resolve_back(c->layers, c->count, c->names, k, name);
    c->layers[k].reads[port] = from.kind == FROM_INNER ? from.index : -1;
    switch (from.kind) {
    case FROM_INNER:
        if (c->position[from.index] >= pos)
            return config_fail_at(c->err, c->at, NULL,
                                  "layer '%s' reads '%s', which is listed after it (layers must be in data-flow order; "
                                  "a cycle cannot be modelled)", l->layer.name, c->layers[from.index].layer.name);
        *back = pos - c->position[from.index];
        return 0;
    case FROM_EARLIER:
        *back = c->base + pos - from.index;
        return 0;
    case FROM_BOUNDARY:
        break;
    }
    if (pos != 0 || port != 0)
        return config_fail_at(c->err, c->at, NULL,
                              "layer '%s' has %s '%s', which is no layer of this or an earlier partition "
                              "(only a partition's first layer reads the previous partition's output unnamed)",
                              l->layer.name, c->words.in_item, name);
    *back = 1;
    return 0;
}

static int set_ports(const link_context *c, int k)
{
    parsed_layer *l = &c->layers[k];
    fcn_layer *layer = &l->layer;
    const int named = l->node_in_count;
    if (named > 1 && !multi_input(layer->type))
        return config_fail_at(c->err, c->at, NULL, "layer '%s': a %s layer has one input, but %s names %d",
                              layer->name, fcn_layer_type_name(layer->type), c->words.in_list, named);
    const int ports = named > 1 ? named : 1;
    if ((l->has_ports_in || layer->type == FCN_CONCAT) && layer->ports_in != ports)
        return config_fail_at(c->err, c->at, NULL, "layer '%s': ports_in %d, but %s names %d %s", layer->name,
                              layer->ports_in, c->words.in_list, ports, ports == 1 ? "input" : "inputs");
    layer->ports_in = ports;
    if (layer->type == FCN_SPLIT && !l->has_ports_out) /* a CHOP's ports are its `split` list's */
        layer->ports_out = l->node_out_count > 1 ? l->node_out_count : 1;
    int backs[FCN_MAX_PORTS];
    for (int port = 0; port < ports; port++)
        if (port_input(c, k, port, &backs[port]))
            return -1;
    if (ports == 1 && backs[0] == 1)
        return 0; /* a chain link: no inputs array */
    layer->inputs = malloc((size_t)ports * sizeof *layer->inputs);
    if (!layer->inputs)
        return config_fail_at(c->err, c->at, NULL, "out of memory");
    memcpy(layer->inputs, backs, (size_t)ports * sizeof *backs);
    return 0;
}

/* Whether parsed layer k reads parsed layer q (on some port), by its node_in. */
static int reads(const link_context *c, int k, int q)
{
    const parsed_layer *l = &c->layers[k];
    if (l->node_in_count == 0)
        return c->position[k] == c->position[q] + 1;
    for (int port = 0; port < l->node_in_count; port++)
        if (l->reads[port] == q)
            return 1;
    return 0;
}

/* Whether the node_out of parsed layer q names k (or says nothing). */
static int names_out(const link_context *c, int q, int k)
{
    const parsed_layer *l = &c->layers[q];
    if (l->node_out_count == 0)
        return 1;
    for (int i = 0; i < l->node_out_count; i++)
        if (resolve_forward(c->layers, c->count, &c->names->parsed, l->node_out[i]) == k)
            return 1;
    return 0;
}

/* node_in and node_out must tell the same story inside the partition (after set_ports resolved node_in). */
static int check_mirrors(const link_context *c)
{
    for (int k = 0; k < c->count; k++) {
        const parsed_layer *l = &c->layers[k];
        if (l->layer.type == FCN_SQUEEZE)
            continue;
        for (int port = 0; port < l->node_in_count; port++) {
            const int from = l->reads[port];
            if (from >= 0 && !names_out(c, from, k))
                return config_fail_at(c->err, c->at, NULL, "broken link: layer '%s' reads '%s', whose %s does not name it",
                                      l->layer.name, c->layers[from].layer.name, c->words.out_list);
        }
        for (int i = 0; i < l->node_out_count; i++) {
            int to = resolve_forward(c->layers, c->count, &c->names->parsed, l->node_out[i]);
            if (to >= 0 && to != k && !reads(c, to, k))
                return config_fail_at(c->err, c->at, NULL, "broken link: layer '%s' has %s '%s', which does not read it",
                                      l->layer.name, c->words.out_item, c->layers[to].layer.name);
        }
    }
    return 0;
}

int config_link_partition(parsed_layer *layers, int count, const fcn_network *net, int index,
                          const config_names *names, link_words words, const place *at, fcn_error *err)
{
    link_context c = {layers, count, net, index, 0, NULL, at, err, names, words};
    for (int p = 0; p < index; p++)
        c.base += net->partitions[p].layer_count;
    c.position = calloc((size_t)count + 1, sizeof *c.position);
    if (!c.position)
        return config_fail_at(err, at, NULL, "out of memory");
    for (int i = 0, pos = 0; i < count; i++)
        c.position[i] = layers[i].layer.type == FCN_SQUEEZE ? -1 : pos++;
    int rc = 0;
    for (int k = 0; rc == 0 && k < count; k++)
        if (layers[k].layer.type != FCN_SQUEEZE)
            rc = set_ports(&c, k);
    if (rc == 0)
        rc = check_mirrors(&c);
    free(c.position);
    return rc;
}
