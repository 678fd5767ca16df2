/* The nodes in topological order (files may list them in any order), and cycles found by name. */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "onnx_graph.h"
#include "onnx_ops.h"
#include "onnx_quant.h"

/*
 * After Kahn's algorithm the nodes left over are on a cycle or downstream of
 * one. Every one of them has a left-over predecessor, so walking predecessors
 * node_count times must end inside a cycle.
 */
static int node_on_cycle(const onnx_graph *g, const int *pending, int start)
{
    int u = start;
    for (int step = 0; step < g->node_count; step++) {
        const onnx_node *n = &g->nodes[u];
        for (int k = 0; k < n->input_count; k++) {
            int t = n->inputs[k];
            int p = t >= 0 ? g->tensors[t].producer : -1;
            if (p >= 0 && pending[p] > 0) {
                u = p;
                break;
            }
        }
    }
    return u;
}

/*
 * Exporters sometimes pass a weight through Identity or Cast (shared or
 * converted parameters), and quantised models through their quantisers
 * (src/onnx/onnx_quant.c): the output is then as constant as the input, with its
 * dims. Cast and the quantisers change the values (a dequantised weight's
 * are its integers); only dims are read from weights, and
 * integer constants (shapes, axes) are read from whichever integer type they
 * were stored as.
 */
static void propagate_constants(onnx_graph *g)
{
    for (int i = 0; i < g->node_count; i++) {
        const onnx_node *n = &g->nodes[g->order[i]];
        int passes = onnx_default_domain(n->proto) && (strcmp(n->op, "Identity") == 0 || strcmp(n->op, "Cast") == 0);
        if (!passes && !onnx_is_quantiser(n->proto))
            continue;
        int in = n->input_count > 0 ? n->inputs[0] : -1, out = n->output_count > 0 ? n->outputs[0] : -1;
        if (in < 0 || out < 0 || !g->tensors[in].is_constant)
            continue;
        g->tensors[out].is_constant = 1;
        g->tensors[out].constant = g->tensors[in].constant;
        g->tensors[out].origin = g->tensors[in].origin;
    }
}

/*
 * The ready nodes, smallest index first: the sort then keeps the file's
 * order wherever it is already topological (exporters list nodes as the
 * model's forward pass runs them, one branch after the other), so network
 * order reads as the model does instead of interleaving parallel branches.
 */
typedef struct ready_heap {
    int *items;
    int count;
} ready_heap;

static void heap_push(ready_heap *h, int node)
{
    int i = h->count++;
    while (i > 0 && h->items[(i - 1) / 2] > node) {
        h->items[i] = h->items[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->items[i] = node;
}

static int heap_pop(ready_heap *h)
{
    int top = h->items[0], last = h->items[--h->count], i = 0;
    for (;;) {
        int child = 2 * i + 1;
        if (child >= h->count)
            break;
        if (child + 1 < h->count && h->items[child + 1] < h->items[child])
            child++;
        if (h->items[child] >= last)
            break;
        h->items[i] = h->items[child];
        i = child;
    }
    if (h->count > 0)
        h->items[i] = last;
    return top;
}

/* Kahn's algorithm: a node is ready once every producer of its inputs is placed. Returns the nodes placed. */
static int place_nodes(onnx_graph *g, int *pending, ready_heap *ready)
{
    for (int i = 0; i < g->node_count; i++)
        for (int k = 0; k < g->nodes[i].input_count; k++) {
            int t = g->nodes[i].inputs[k];
            if (t >= 0 && g->tensors[t].producer >= 0)
                pending[i]++;
        }
    for (int i = 0; i < g->node_count; i++)
        if (pending[i] == 0)
            heap_push(ready, i);
    int placed = 0;
    while (ready->count > 0) {
        int node = heap_pop(ready);
        const onnx_node *n = &g->nodes[node];
        g->order[placed++] = node;
        for (int k = 0; k < n->output_count; k++) {
            if (n->outputs[k] < 0)
                continue;
            const onnx_tensor *t = &g->tensors[n->outputs[k]];
            for (int c = 0; c < t->consumer_count; c++) {
                int consumer = g->consumers[t->first_consumer + c];
                if (--pending[consumer] == 0)
                    heap_push(ready, consumer);
            }
        }
    }
    return placed;
}

int onnx_graph_sort(onnx_graph *g, fcn_error *err)
{
    size_t n = g->node_count ? (size_t)g->node_count : 1;
    int *pending = calloc(n, sizeof *pending);
    ready_heap ready = {malloc(n * sizeof *ready.items), 0};
    if (!pending || !ready.items) {
        free(pending);
        free(ready.items);
        return fcn_fail(err, "%s: out of memory ordering the graph", g->source);
    }
    int rc = 0;
    if (place_nodes(g, pending, &ready) == g->node_count) {
        propagate_constants(g);
    } else {
        int start = 0;
        while (pending[start] == 0)
            start++;
        rc = onnx_node_fail(g, node_on_cycle(g, pending, start), err, "the graph has a cycle through this node");
    }
    free(pending);
    free(ready.items);
    return rc;
}
