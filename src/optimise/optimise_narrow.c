/*
 * Narrowing a model's wide forks and joins to the board's memory ports, so that any block can be cut
 * across partitions (MODEL-DAG §8.1, §9: a partition reads and writes at most `ports` tensors).
 *
 * Why: an Inception block's SPLIT feeds four branches that meet again in one CONCAT. Four disjoint
 * paths run from the fork to the join, so every cut between them carries four tensors, and on a
 * 2-port board the whole block must sit in one partition, which may not fit. A SPLIT of n outputs is
 * the same as a chain of narrower SPLITs (each feeding a few consumers and the next SPLIT), and a
 * CONCAT or a sum/product of n inputs the same as a chain of narrower ones, each taking the previous
 * one's result on port 0 (channel order and values unchanged). With forks and joins at most `ports`
 * wide, each layer alone reads and writes at most `ports` tensors, so the start design always meets
 * the ports.
 *
 * The first SPLIT of a chain and the last join keep the model's names and places; the new layers are
 * `<split>_fan<k>` (placed just before the first consumer they feed) and `<join>_join<k>` (just after
 * their latest producer). Model layers keep their relative order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "optimise.h"

/* Model layer i sorts at i * PLACE; new layers at offsets within one PLACE (at most FCN_MAX_PORTS each way). */
#define PLACE 1024
#define FAN_OFFSET (PLACE / 2)

typedef struct narrow_node {
    fcn_layer layer;
    long long key;  /* the place in the new network order */
    int *producer;  /* [ports_in]: node index, or -1 for the network input */
    int owns_name, owns_channels; /* allocated by this step */
} narrow_node;

typedef struct narrowing {
    const opt_problem *pb;
    int width; /* the widest fork or join allowed */
    int count, capacity;
    narrow_node *node;
} narrowing;

static int joinable(const fcn_layer *l)
{
    return l->type == FCN_CONCAT || (l->type == FCN_ELTWISE && !l->eltwise_broadcast);
}

static int too_wide(const fcn_layer *l, int width)
{
    return (l->type == FCN_SPLIT && l->ports_out > width) || (joinable(l) && l->ports_in > width);
}

/* Whether any fork or join is wider than `width`. */
static int needs_narrowing(const opt_problem *pb, int width)
{
    for (int i = 0; i < pb->layer_count; i++)
        if (too_wide(&pb->model[i], width))
            return 1;
    return 0;
}

static int model_producer(const opt_problem *pb, int i, int port)
{
    const int back = fcn_layer_input(&pb->model[i], port);
    if (back == 0 || (i == 0 && back == 1 && !pb->model[i].inputs))
        return -1;
    return i - back;
}

/* A new node copying `from` (names and arrays borrowed until set), with room for `ports_in` producers. */
static int add_node(narrowing *n, const fcn_layer *from, int ports_in)
{
    if (n->count == n->capacity)
        return -1;
    narrow_node *node = &n->node[n->count];
    *node = (narrow_node){.layer = *from};
    node->producer = calloc((size_t)ports_in + 1, sizeof *node->producer);
    if (!node->producer)
        return -1;
    node->layer.ports_in = ports_in;
    return n->count++;
}

static int name_node(narrow_node *node, const char *base, const char *suffix, int k)
{
    size_t size = strlen(base) + strlen(suffix) + 24;
    char *name = malloc(size);
    if (!name)
        return -1;
    snprintf(name, size, "%s_%s%d", base, suffix, k);
    node->layer.name = name;
    node->owns_name = 1;
    return 0;
}

static int copy_model(narrowing *n)
{
    const opt_problem *pb = n->pb;
    for (int i = 0; i < pb->layer_count; i++) {
        if (add_node(n, &pb->model[i], pb->model[i].ports_in) != i)
            return -1;
        n->node[i].key = (long long)i * PLACE;
        for (int port = 0; port < pb->model[i].ports_in; port++)
            n->node[i].producer[port] = model_producer(pb, i, port);
    }
    return 0;
}

/* SPLIT s feeds at most width-1 consumers and a new SPLIT, which feeds the next ones, and so on. */
static int narrow_split(narrowing *n, int s)
{
    const opt_problem *pb = n->pb;
    const char *base = pb->model[s].name;
    int cur = s, served = 0, k = 1;
    int remaining = n->node[s].layer.ports_out;
    for (int c = pb->consumer_start[s]; c < pb->consumer_start[s + 1]; c++) {
        const int consumer = pb->consumers[c];
        if (c > pb->consumer_start[s] && pb->consumers[c - 1] == consumer)
            continue; /* each consumer's ports are taken together below */
        for (int port = 0; port < pb->model[consumer].ports_in; port++) {
            if (n->node[consumer].producer[port] != s)
                continue;
            if (served == n->width - 1 && remaining > 1) {
                int next = add_node(n, &pb->model[s], 1);
                if (next < 0 || name_node(&n->node[next], base, "fan", ++k))
                    return -1;
                n->node[next].producer[0] = cur;
                n->node[next].key = (long long)consumer * PLACE - FAN_OFFSET + k;
                n->node[cur].layer.ports_out = n->width;
                cur = next;
                served = 0;
            }
            n->node[consumer].producer[port] = cur;
            served++;
            remaining--;
        }
    }
    n->node[cur].layer.ports_out = served;
    return 0;
}

static long long latest_producer(const narrowing *n, const int *producer, int count)
{
    long long key = -PLACE;
    for (int p = 0; p < count; p++)
        if (producer[p] >= 0 && n->node[producer[p]].key > key)
            key = n->node[producer[p]].key;
    return key;
}

/* The ports [first, first+count) of join j's model layer become node `into`'s ports from `at` on. */
static void take_ports(narrowing *n, int j, const int *producer, int first, int count, int into, int at)
{
    narrow_node *node = &n->node[into];
    const fcn_layer *model = &n->pb->model[j];
    for (int p = 0; p < count; p++) {
        node->producer[at + p] = producer[first + p];
        if (model->type == FCN_CONCAT && model->port_channels) {
            node->layer.port_channels[at + p] = model->port_channels[first + p];
            node->layer.channels += model->port_channels[first + p];
        }
    }
}

static int new_join(narrowing *n, int j, int ports, int k)
{
    int node = add_node(n, &n->pb->model[j], ports);
    if (node < 0 || name_node(&n->node[node], n->pb->model[j].name, "join", k))
        return -1;
    fcn_layer *l = &n->node[node].layer;
    l->ports_out = 1;
    if (l->type == FCN_CONCAT && l->port_channels) {
        l->channels = 0;
        if (!(l->port_channels = calloc((size_t)ports, sizeof *l->port_channels)))
            return -1;
        n->node[node].owns_channels = 1;
    }
    return node;
}

/* Join j of n inputs: its first `width` inputs joined first, each next join taking the previous one and width-1 more. */
static int narrow_join(narrowing *n, int j)
{
    const int total = n->node[j].layer.ports_in;
    int *producer = malloc((size_t)total * sizeof *producer);
    if (!producer)
        return -1;
    memcpy(producer, n->node[j].producer, (size_t)total * sizeof *producer);
    int prev = -1, taken = 0, k = 0;
    while (total - taken > n->width - (prev >= 0)) {
        const int fresh = n->width - (prev >= 0);
        int node = new_join(n, j, n->width, ++k);
        if (node < 0) {
            free(producer);
            return -1;
        }
        if (prev >= 0)
            n->node[node].producer[0] = prev;
        if (prev >= 0 && n->node[node].layer.type == FCN_CONCAT && n->node[node].layer.port_channels) {
            n->node[node].layer.port_channels[0] = n->node[prev].layer.channels;
            n->node[node].layer.channels = n->node[prev].layer.channels;
        }
        take_ports(n, j, producer, taken, fresh, node, prev >= 0);
        n->node[node].key = latest_producer(n, n->node[node].producer, n->width) + 1;
        taken += fresh;
        prev = node;
    }
    /* The model's join keeps its name and place, and takes the last chain link and the rest. */
    narrow_node *last = &n->node[j];
    last->layer.ports_in = 1 + total - taken;
    last->producer[0] = prev;
    if (last->layer.type == FCN_CONCAT && last->layer.port_channels) {
        int64_t *channels = calloc((size_t)last->layer.ports_in, sizeof *channels);
        if (!channels) {
            free(producer);
            return -1;
        }
        channels[0] = n->node[prev].layer.channels;
        for (int p = 1; p < last->layer.ports_in; p++)
            channels[p] = n->pb->model[j].port_channels[taken + p - 1];
        last->layer.port_channels = channels;
        last->owns_channels = 1;
    }
    for (int p = 1; p < last->layer.ports_in; p++)
        last->producer[p] = producer[taken + p - 1];
    free(producer);
    return 0;
}

static int by_key(const void *a, const void *b)
{
    const narrow_node *x = *(const narrow_node *const *)a, *y = *(const narrow_node *const *)b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* The layers in key order, each port's `inputs` counted back in that order. */
static int lay_out(narrowing *n, opt_problem *pb, opt_narrowed *out)
{
    narrow_node **order = malloc((size_t)n->count * sizeof *order);
    int *place = malloc((size_t)n->count * sizeof *place);
    out->layers = calloc((size_t)n->count + 1, sizeof *out->layers);
    out->inputs = calloc((size_t)n->count + 1, sizeof *out->inputs);
    if (!order || !place || !out->layers || !out->inputs) {
        free(order);
        free(place);
        return -1;
    }
    for (int i = 0; i < n->count; i++)
        order[i] = &n->node[i];
    qsort(order, (size_t)n->count, sizeof *order, by_key);
    for (int i = 0; i < n->count; i++)
        place[order[i] - n->node] = i;
    out->count = n->count;
    int status = 0;
    for (int i = 0; i < n->count && status == 0; i++) {
        narrow_node *node = order[i];
        fcn_layer *l = &out->layers[i];
        *l = node->layer;
        const int first = node->producer[0];
        /* One port reading the layer before (or the network input, on the first layer): no `inputs`, as a chain. */
        if (l->ports_in == 1 && (first < 0 ? i == 0 : place[first] == i - 1)) {
            l->inputs = NULL;
            continue;
        }
        l->inputs = out->inputs[i] = calloc((size_t)l->ports_in, sizeof *l->inputs);
        if (!l->inputs)
            status = -1;
        for (int port = 0; l->inputs && port < l->ports_in; port++)
            l->inputs[port] = node->producer[port] < 0 ? 0 : i - place[node->producer[port]];
    }
    free(order);
    free(place);
    if (status)
        return -1;
    pb->model = out->layers;
    pb->layer_count = n->count;
    return 0;
}

/* Hands the names and port_channels this step made to `out` (or frees them, when it has no room); frees the producer lists. */
static void settle(narrowing *n, opt_narrowed *out)
{
    for (int i = 0; n->node && i < n->count; i++) {
        narrow_node *node = &n->node[i];
        free(node->producer);
        if (node->owns_name && out->names)
            out->names[i] = node->layer.name;
        else if (node->owns_name)
            free(node->layer.name);
        if (node->owns_channels && out->channels)
            out->channels[i] = node->layer.port_channels;
        else if (node->owns_channels)
            free(node->layer.port_channels);
    }
    free(n->node);
}

int opt_narrow(opt_problem *pb, opt_narrowed *out, fcn_error *err)
{
    *out = (opt_narrowed){0};
    /* With one port a fork must share its partition with its readers anyway: narrowing would not help. */
    const int width = pb->max_ports < FCN_MAX_PORTS ? (int)pb->max_ports : FCN_MAX_PORTS;
    if (pb->one_partition || width < 2 || !needs_narrowing(pb, width))
        return 0;
    narrowing n = {.pb = pb, .width = width};
    int extra = 0;
    for (int i = 0; i < pb->layer_count; i++)
        extra += pb->model[i].ports_in + pb->model[i].ports_out;
    n.capacity = pb->layer_count + extra;
    n.node = calloc((size_t)n.capacity, sizeof *n.node);
    out->names = calloc((size_t)n.capacity, sizeof *out->names);
    out->channels = calloc((size_t)n.capacity, sizeof *out->channels);
    out->slots = n.capacity;
    int status = n.node && out->names && out->channels && !copy_model(&n) ? 0 : -1;
    for (int i = 0; status == 0 && i < pb->layer_count; i++)
        if (pb->model[i].type == FCN_SPLIT && pb->model[i].ports_out > width)
            status = narrow_split(&n, i);
    for (int i = 0; status == 0 && i < pb->layer_count; i++)
        if (joinable(&pb->model[i]) && pb->model[i].ports_in > width)
            status = narrow_join(&n, i);
    fcn_layer *model = pb->model;
    if (status == 0)
        status = lay_out(&n, pb, out);
    settle(&n, out);
    if (pb->model != model)
        free(model);
    if (status)
        return fcn_fail(err, "out of memory narrowing the model's forks and joins to %d ports", width);
    return 0;
}

void opt_narrowed_free(opt_narrowed *n)
{
    for (int i = 0; i < n->slots; i++) {
        free(n->names ? n->names[i] : NULL);
        free(n->channels ? n->channels[i] : NULL);
    }
    for (int i = 0; i < n->count; i++)
        free(n->inputs ? n->inputs[i] : NULL);
    free(n->names);
    free(n->channels);
    free(n->inputs);
    /* n->layers is the problem's model, freed with it. */
    *n = (opt_narrowed){0};
}
