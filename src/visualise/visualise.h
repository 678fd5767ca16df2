/*
 * Internal: pictures of evaluated figures (fcn_visualise). visualise_stages.c says which module
 * instances a layer has and how they connect, visualise_layer.c draws one layer, visualise_graph.c
 * builds the cgraph graph of the partitions from their edges, visualise_links.c joins a tensor an
 * earlier partition wrote to the partition reading it, visualise_label.c writes the labels,
 * visualise_render.c lays out and renders with libgvc, and visualise.c ties them together.
 */
#ifndef FCN_VISUALISE_H
#define FCN_VISUALISE_H

#include <gvc.h>

#include "error.h"
#include "fpgaconvnet.h"

/* More instances of one module than this are drawn as one node "conv ×N". */
#define VIS_MAX_INSTANCES 16

/*
 * The axes a stage's instances span: the coarse group, the input streams (coarse_in, or the single
 * coarse factor of a pointwise layer) and the output streams (coarse_out).
 */
enum { VIS_GROUP, VIS_IN, VIS_OUT, VIS_AXES };

/* Instances along each axis; 0 where the view does not span that axis. */
typedef struct vis_axes {
    int64_t size[VIS_AXES];
} vis_axes;

/*
 * One module of a layer, its instances, or one box standing for a whole layer, a squeeze or a
 * partition's memory port. Instances connect to the previous stage through `in` and to the next
 * through `out`; for a module the two views are the same.
 */
typedef struct vis_stage {
    const char *module;  /* a module name, or NULL for a box labelled by its owner */
    vis_axes in, out;
    int out_axis;        /* the axis of `out` that carries the layer's output streams */
    int single;          /* always one node (a squeeze, a layer box, a port), whatever the counts */
} vis_stage;

/* A layer's stages in pipeline order. */
typedef struct vis_plan {
    int count;
    vis_stage stages[FCN_MAX_MODULES];
} vis_plan;

/* The module instances of a layer as fcn_layer_evaluate models it (FCN_DETAIL_MODULES). */
void vis_plan_modules(const fcn_layer *layer, const fcn_layer_figures *figures, vis_plan *plan);
/* A one-node stage carrying `streams_in` in and `streams_out` out (a layer box, a port). */
vis_stage vis_box_stage(int64_t streams_in, int64_t streams_out);
/* Instances in a view: the product of its axes. */
int64_t vis_axes_count(const vis_axes *axes);

/* A stage as drawn: its nodes (one when collapsed). */
typedef struct vis_drawn {
    vis_stage stage;
    int node_count;
    Agnode_t *nodes[VIS_MAX_INSTANCES];
} vis_drawn;

/* Edges between consecutive stages of one layer (`within`), or from one layer's last to the next's first. */
int vis_connect(Agraph_t *graph, const vis_drawn *from, const vis_drawn *to, int within, fcn_error *err);

/* Sets an attribute, declaring it with an empty default if the graph has none yet. */
void vis_set(void *object, const char *name, const char *value);

/* A growing string; on allocation failure it is marked failed and stops growing. */
typedef struct vis_text {
    char *data;
    size_t length, capacity;
    int failed;
} vis_text;

void vis_text_printf(vis_text *t, const char *fmt, ...) FCN_PRINTF(2, 3);
/* Appends a name so that graphviz shows it as written (escape sequences and entities disarmed). */
void vis_text_name(vis_text *t, const char *name);
/* Empties the text, keeping its buffer. */
void vis_text_clear(vis_text *t);
void vis_text_free(vis_text *t);

/* The label of a layer: name, type, dimensions, folding, latency and share of the interval. */
void vis_layer_label(vis_text *t, const fcn_layer *layer, const fcn_layer_figures *figures,
                     const fcn_partition_figures *partition, int is_bottleneck);
/* A memory port's label: "input", "from <source> (memory)" or "output", and its streams. */
void vis_memory_label(vis_text *t, const char *which, const char *source, int64_t streams);
/* The label of a partition's cluster. */
void vis_partition_label(vis_text *t, const fcn_partition_figures *partition);
/* The fill colour of a layer: white at 0 of the interval to red at all of it ("#rrggbb"). */
void vis_shade(char colour[8], double share);

/* What drawing needs throughout: the graph, the detail, scratch text for labels, where errors go. */
typedef struct vis_builder {
    Agraph_t *root;
    fcn_detail detail;
    vis_text text;
    fcn_error *err;
} vis_builder;

/* Fails with the picture's out-of-memory message: -1. */
int vis_out_of_memory(vis_builder *b);
/* A node with a label, or NULL when cgraph runs out of memory. */
Agnode_t *vis_add_node(Agraph_t *parent, const char *id, const char *label);
/*
 * Draws layer `index` of partition `partition_index` in `parent`: one box, or a cluster of module
 * instances. `first` and `last` are its stages that edges enter and leave by.
 */
int vis_draw_layer(vis_builder *b, Agraph_t *parent, const fcn_partition_figures *p, int partition_index,
                   int index, vis_drawn *first, vis_drawn *last);
/*
 * Dashed edges from the memory output an earlier partition wrote a tensor through to each memory
 * input that reads it; ports[p][e] is the node drawn for memory edge e of partition p (NULL for
 * edges between layers).
 */
int vis_link_partitions(vis_builder *b, const fcn_network_figures *figures, Agnode_t **const *ports);

/*
 * How much work dot's layout would be: nodes plus, for each edge, how far apart its ends were drawn
 * (dot adds a virtual node for each rank an edge spans). Above VIS_DOT_MAX_WORK, vis_place lays out.
 */
long long vis_layout_work(Agraph_t *root);
/* Positions for every node of `clusters` partition clusters and their bounding boxes (visualise_place.c). */
int vis_place(Agraph_t *root, int clusters, fcn_error *err);

/* Limits that keep any picture to a second or two (measured on ResNet-50 and a DenseNet-121-sized network). */
#define VIS_MAX_MODULE_NODES 1500
#define VIS_MAX_MODULE_LAYERS 400 /* each layer is a node or more */
#define VIS_DOT_MAX_WORK 2000
#define VIS_PNG_MAX_PIXELS 12000000.0
/* A png scaled below this has labels too small to read: worth a note. */
#define VIS_PNG_NOTE_SCALE 0.5

/* The picture as a cgraph graph (free with agclose), or NULL with the message in err. */
Agraph_t *vis_graph_build(const fcn_network_figures *figures, fcn_detail detail, fcn_error *err);

/*
 * Graphviz reports problems through a process-wide error channel that prints to stderr by default.
 * A capture keeps them from being printed for its duration and lets the last one be read.
 */
typedef struct vis_capture {
    agerrlevel_t saved_level;
} vis_capture;

void vis_capture_begin(vis_capture *capture);
void vis_capture_end(vis_capture *capture);
/* Graphviz's last error since the capture began, on one line, or `fallback`. */
void vis_capture_message(char *out, size_t size, const char *fallback);

/*
 * Lays `graph` out with `engine` ("dot", or "nop2" after vis_place) and renders it in `format`
 * ("png", "svg", "pdf") to memory. A png larger than VIS_PNG_MAX_PIXELS is scaled down to it
 * (rasterising costs time by the pixel); *scale says by how much (1: not).
 */
int vis_render(Agraph_t *graph, const char *engine, const char *format, char **data, size_t *length, double *scale,
               fcn_error *err);
void vis_render_free(char *data);

#endif
