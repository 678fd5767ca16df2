/*
 * Indexing an ONNX graph: one tensor per name (initializers, graph inputs,
 * node outputs), each node's inputs and outputs as tensor indices, who
 * produces and who consumes each tensor, and the network input.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "onnx_attrs.h"
#include "onnx_graph.h"

/* FNV-1a: names are short and few; any decent spread will do. */
static size_t name_hash(const char *name)
{
    size_t h = (size_t)2166136261u;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * (size_t)16777619u;
    return h;
}

static size_t find_slot(const onnx_graph *g, const char *name)
{
    size_t mask = g->slot_count - 1, i = name_hash(name) & mask;
    while (g->slots[i] >= 0 && strcmp(g->tensors[g->slots[i]].name, name) != 0)
        i = (i + 1) & mask;
    return i;
}

int onnx_graph_find(const onnx_graph *g, const char *name)
{
    return g->slots ? g->slots[find_slot(g, name)] : -1;
}

/* Adds a tensor of a name not yet known; returns its index. The capacity was counted beforehand. */
static int add_tensor(onnx_graph *g, const char *name)
{
    size_t slot = find_slot(g, name);
    int index = g->tensor_count++;
    onnx_tensor *t = &g->tensors[index];
    memset(t, 0, sizeof *t);
    t->name = name;
    t->producer = -1;
    g->slots[slot] = index;
    return index;
}

const char *onnx_node_label(const onnx_graph *g, int node, char *buf, size_t size)
{
    const Onnx__NodeProto *n = g->nodes[node].proto;
    if (n->name && *n->name)
        return n->name;
    if (n->n_output > 0 && n->output[0] && *n->output[0])
        return n->output[0];
    snprintf(buf, size, "#%d", node);
    return buf;
}

int onnx_node_fail(const onnx_graph *g, int node, fcn_error *err, const char *fmt, ...)
{
    if (!err)
        return -1;
    char what[sizeof err->message], label[32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return fcn_fail(err, "%s: node '%.200s' (%.64s): %s", g->source, onnx_node_label(g, node, label, sizeof label),
                    g->nodes[node].op, what);
}

int onnx_node_input(const onnx_graph *g, int node, int i)
{
    const onnx_node *n = &g->nodes[node];
    return i < n->input_count ? n->inputs[i] : -1;
}

int onnx_reads_data(const onnx_graph *g, int node, int i)
{
    const onnx_node *n = &g->nodes[node];
    int t = onnx_node_input(g, node, i);
    return t >= 0 && (t == n->data_input || (n->joins && !g->tensors[t].is_constant));
}

static int allocate(onnx_graph *g, const Onnx__GraphProto *p, fcn_error *err)
{
    size_t names = p->n_initializer + p->n_input, indices = 0;
    for (size_t i = 0; i < p->n_node; i++) {
        names += p->node[i]->n_output;
        indices += p->node[i]->n_input + p->node[i]->n_output;
    }
    if (p->n_node > (size_t)(1 << 28) || names > (size_t)(1 << 28) || indices > (size_t)(1 << 28))
        return fcn_fail(err, "%s: the graph is too large (%zu nodes)", g->source, p->n_node);
    size_t slots = 16;
    while (slots < 2 * names)
        slots *= 2;
    g->tensor_capacity = (int)names;
    g->tensors = calloc(names ? names : 1, sizeof *g->tensors);
    g->slots = malloc(slots * sizeof *g->slots);
    g->nodes = calloc(p->n_node ? p->n_node : 1, sizeof *g->nodes);
    g->indices = malloc((indices ? indices : 1) * sizeof *g->indices);
    g->consumers = malloc((indices ? indices : 1) * sizeof *g->consumers);
    g->order = malloc((p->n_node ? p->n_node : 1) * sizeof *g->order);
    if (!g->tensors || !g->slots || !g->nodes || !g->indices || !g->consumers || !g->order)
        return fcn_fail(err, "%s: out of memory indexing the graph", g->source);
    g->slot_count = slots;
    for (size_t i = 0; i < slots; i++)
        g->slots[i] = -1;
    return 0;
}

static int add_initializers(onnx_graph *g, const Onnx__GraphProto *p, fcn_error *err)
{
    for (size_t i = 0; i < p->n_initializer; i++) {
        const Onnx__TensorProto *t = p->initializer[i];
        if (!t->name || !*t->name)
            return fcn_fail(err, "%s: initializer %zu has no name", g->source, i);
        if (onnx_graph_find(g, t->name) >= 0)
            return fcn_fail(err, "%s: initializer '%.200s' is given twice", g->source, t->name);
        onnx_tensor *tensor = &g->tensors[add_tensor(g, t->name)];
        tensor->is_constant = 1;
        tensor->constant.tensor = t;
        tensor->origin = t->name;
    }
    return 0;
}

/* Graph inputs that are not initializers are the network's inputs (IR < 4 lists initializers as inputs too). */
static int add_inputs(onnx_graph *g, const Onnx__GraphProto *p, fcn_error *err)
{
    for (size_t i = 0; i < p->n_input; i++) {
        const Onnx__ValueInfoProto *v = p->input[i];
        if (!v->name || !*v->name)
            return fcn_fail(err, "%s: graph input %zu has no name", g->source, i);
        int index = onnx_graph_find(g, v->name);
        if (index >= 0 && g->tensors[index].is_constant) {
            g->tensors[index].info = v;
            continue;
        }
        if (index >= 0)
            return fcn_fail(err, "%s: graph input '%.200s' is listed twice", g->source, v->name);
        index = add_tensor(g, v->name);
        g->tensors[index].info = v;
        g->input = index;
        g->input_count++;
    }
    return 0;
}

int onnx_graph_check_input(const onnx_graph *g, fcn_error *err)
{
    if (g->input_count == 0)
        return fcn_fail(err, "%s: the graph has no input (every graph input is an initializer)", g->source);
    if (g->input_count == 1)
        return 0;
    char names[200] = "";
    size_t used = 0;
    for (size_t i = 0; i < g->proto->n_input && used < sizeof names; i++) {
        const onnx_tensor *t = &g->tensors[onnx_graph_find(g, g->proto->input[i]->name)];
        if (!t->is_constant)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s'%.60s'", used ? ", " : "", t->name);
    }
    return fcn_fail(err, "%s: the graph has %d inputs (%s); the hardware model takes exactly one", g->source,
                    g->input_count, names);
}

/* Node outputs first, so that inputs can name tensors produced by nodes listed later. */
static int add_outputs(onnx_graph *g, const Onnx__GraphProto *p, size_t *used, fcn_error *err)
{
    for (int i = 0; i < g->node_count; i++) {
        onnx_node *n = &g->nodes[i];
        const Onnx__NodeProto *proto = p->node[i];
        n->proto = proto;
        n->op = proto->op_type ? proto->op_type : "";
        n->data_input = n->partner = -1;
        n->params.weight = n->params.bias = -1;
        n->params.kernel_depth = n->params.stride_depth = n->params.dilation_depth = 1;
        if (!*n->op)
            return fcn_fail(err, "%s: node %d has no op_type", g->source, i);
        n->outputs = g->indices + *used;
        n->output_count = (int)proto->n_output;
        *used += proto->n_output;
        for (int k = 0; k < n->output_count; k++) {
            const char *name = proto->output[k] ? proto->output[k] : "";
            n->outputs[k] = -1;
            if (!*name)
                continue; /* an omitted optional output */
            int index = onnx_graph_find(g, name);
            if (index >= 0 && g->tensors[index].producer >= 0)
                return onnx_node_fail(g, i, err, "output '%.200s' is also produced by another node", name);
            if (index >= 0)
                return onnx_node_fail(g, i, err, "output '%.200s' has the name of a graph input or initializer",
                                      name);
            index = add_tensor(g, name);
            g->tensors[index].producer = i;
            n->outputs[k] = index;
        }
        if (strcmp(n->op, "Constant") == 0 && n->output_count > 0 && n->outputs[0] >= 0 &&
            (!proto->domain || !*proto->domain || strcmp(proto->domain, "ai.onnx") == 0)) {
            onnx_tensor *t = &g->tensors[n->outputs[0]];
            if (onnx_constant_from_node(g, i, &t->constant, err))
                return -1;
            t->is_constant = 1;
            t->origin = t->name;
        }
    }
    return 0;
}

static int add_node_inputs(onnx_graph *g, const Onnx__GraphProto *p, size_t *used, fcn_error *err)
{
    for (int i = 0; i < g->node_count; i++) {
        onnx_node *n = &g->nodes[i];
        n->inputs = g->indices + *used;
        n->input_count = (int)p->node[i]->n_input;
        *used += p->node[i]->n_input;
        for (int k = 0; k < n->input_count; k++) {
            const char *name = p->node[i]->input[k] ? p->node[i]->input[k] : "";
            n->inputs[k] = *name ? onnx_graph_find(g, name) : -1;
            if (*name && n->inputs[k] < 0)
                return onnx_node_fail(g, i, err, "input '%.200s' is not produced by any node, initializer or "
                                                 "graph input", name);
        }
    }
    return 0;
}

/* Shapes the file states (graph outputs, value_info): checks for the parser's inference, never required. */
static int add_value_info(onnx_graph *g, const Onnx__GraphProto *p, fcn_error *err)
{
    for (size_t i = 0; i < p->n_output; i++) {
        const char *name = p->output[i]->name ? p->output[i]->name : "";
        int index = onnx_graph_find(g, name);
        if (index < 0)
            return fcn_fail(err, "%s: graph output '%.200s' is not produced by any node", g->source, name);
        if (!g->tensors[index].info)
            g->tensors[index].info = p->output[i];
    }
    for (size_t i = 0; i < p->n_value_info; i++) {
        int index = p->value_info[i]->name ? onnx_graph_find(g, p->value_info[i]->name) : -1;
        if (index >= 0 && !g->tensors[index].info)
            g->tensors[index].info = p->value_info[i];
    }
    return 0;
}

/* Groups the consumers by tensor (counting sort), so each tensor's readers are one slice of g->consumers. */
static void index_consumers(onnx_graph *g)
{
    for (int i = 0; i < g->node_count; i++)
        for (int k = 0; k < g->nodes[i].input_count; k++)
            if (g->nodes[i].inputs[k] >= 0)
                g->tensors[g->nodes[i].inputs[k]].consumer_count++;
    int start = 0;
    for (int t = 0; t < g->tensor_count; t++) {
        g->tensors[t].first_consumer = start;
        start += g->tensors[t].consumer_count;
        g->tensors[t].consumer_count = 0;
    }
    for (int i = 0; i < g->node_count; i++)
        for (int k = 0; k < g->nodes[i].input_count; k++) {
            onnx_tensor *t = g->nodes[i].inputs[k] >= 0 ? &g->tensors[g->nodes[i].inputs[k]] : NULL;
            if (t)
                g->consumers[t->first_consumer + t->consumer_count++] = i;
        }
}

int onnx_graph_build(onnx_graph *g, const Onnx__GraphProto *proto, int64_t opset, const char *source,
                     int require_input, fcn_error *err)
{
    memset(g, 0, sizeof *g);
    g->source = source;
    g->proto = proto;
    g->opset = opset;
    g->input = -1;
    if (allocate(g, proto, err))
        return -1;
    g->node_count = (int)proto->n_node;
    size_t used = 0;
    if (add_initializers(g, proto, err) || add_inputs(g, proto, err) ||
        (require_input && onnx_graph_check_input(g, err)) || add_outputs(g, proto, &used, err) ||
        add_node_inputs(g, proto, &used, err) || add_value_info(g, proto, err))
        return -1;
    index_consumers(g);
    return 0;
}

void *onnx_graph_alloc(onnx_graph *g, size_t size)
{
    if (g->owned_count == g->owned_capacity) {
        int capacity = g->owned_capacity ? 2 * g->owned_capacity : 64;
        void **grown = realloc(g->owned, (size_t)capacity * sizeof *grown);
        if (!grown)
            return NULL;
        g->owned = grown;
        g->owned_capacity = capacity;
    }
    void *p = calloc(1, size ? size : 1);
    if (p)
        g->owned[g->owned_count++] = p;
    return p;
}

void onnx_graph_release(onnx_graph *g)
{
    for (int i = 0; i < g->owned_count; i++)
        free(g->owned[i]);
    free(g->owned);
    for (int i = 0; g->nodes && i < g->node_count; i++)
        free(g->nodes[i].failure);
    free(g->tensors);
    free(g->slots);
    free(g->nodes);
    free(g->indices);
    free(g->consumers);
    free(g->order);
    memset(g, 0, sizeof *g);
}
