/*
 * That a configuration's partitions, taken in order, hold each layer of the
 * model exactly once with the model's dimensions. A configuration carries
 * weights reloading applied (MODEL.md §4.6): from its weights-reloading layer
 * on, a partition's channels are divided by wr_factor, so they are multiplied
 * back before comparing. Connections count too: each layer's ports, where
 * each input port reads from (places back in the network order) and a
 * CONCAT's channels per port. The optimiser's chains of narrowed forks and joins are read back as the
 * model's layers first (validate_chains.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

typedef struct layer_list {
    int count;
    fcn_layer *layers;  /* shallow copies, as the model sees them */
    int64_t *partition; /* the id of the partition each comes from */
} layer_list;

static void append_layers(int64_t id, const fcn_layer *layers, int count, const char *wr_layer, int64_t wr_factor,
                          layer_list *list)
{
    int reloaded = 0;
    for (int i = 0; i < count; i++) {
        fcn_layer l = layers[i];
        if (l.type == FCN_SQUEEZE)
            continue;
        if (reloaded)
            l.channels *= wr_factor;
        if (wr_layer && strcmp(l.name, wr_layer) == 0) {
            l.filters *= wr_factor;
            reloaded = 1;
        }
        list->partition[list->count] = id;
        list->layers[list->count++] = l;
    }
}

static int allocate(layer_list *list, size_t total)
{
    *list = (layer_list){0};
    list->layers = malloc((total + 1) * sizeof *list->layers);
    list->partition = malloc((total + 1) * sizeof *list->partition);
    return list->layers && list->partition ? 0 : -1;
}

/* The configuration's layers from its evaluated chains, weights reloading undone. */
static int configuration_layers(const fcn_network_figures *figures, layer_list *list)
{
    size_t total = 0;
    for (int p = 0; p < figures->partition_count; p++)
        total += (size_t)figures->partitions[p].layer_count;
    if (allocate(list, total))
        return -1;
    for (int p = 0; p < figures->partition_count; p++) {
        const fcn_partition_figures *f = &figures->partitions[p];
        if (f->layers)
            append_layers(f->id, f->layers, f->layer_count, f->wr_layer, f->wr_factor, list);
    }
    return 0;
}

static int model_layers(const fcn_network *model, layer_list *list)
{
    size_t total = 0;
    for (int p = 0; p < model->partition_count; p++)
        total += (size_t)model->partitions[p].layer_count;
    if (allocate(list, total))
        return -1;
    for (int p = 0; p < model->partition_count; p++) {
        const fcn_partition *part = &model->partitions[p];
        append_layers(part->id, part->layers, part->layer_count, NULL, 1, list);
    }
    return 0;
}

static void release(layer_list *list)
{
    free(list->layers);
    free(list->partition);
}

/* The first field in which a configuration layer differs from the model's, or NULL; values in *got, *want. */
static const char *difference(const fcn_layer *a, const fcn_layer *b, int64_t *got, int64_t *want)
{
#define SAME(field, label)                                                                                     \
    if (a->field != b->field) {                                                                                \
        *got = a->field;                                                                                       \
        *want = b->field;                                                                                      \
        return label;                                                                                          \
    }
    SAME(rows, "rows_in")
    SAME(cols, "cols_in")
    SAME(channels, "channels_in")
    SAME(ports_in, "ports_in")
    SAME(ports_out, "ports_out")
    if (a->type == FCN_CONVOLUTION || a->type == FCN_INNER_PRODUCT) {
        SAME(filters, "filters")
    }
    if (a->type == FCN_CONVOLUTION || a->type == FCN_POOLING) {
        SAME(kernel[0], "kernel_size[0]")
        SAME(kernel[1], "kernel_size[1]")
        SAME(stride[0], "stride[0]")
        SAME(stride[1], "stride[1]")
        SAME(pad_top, "pad_top")
        SAME(pad_right, "pad_right")
        SAME(pad_bottom, "pad_bottom")
        SAME(pad_left, "pad_left")
    }
    if (a->type == FCN_CONVOLUTION) {
        SAME(groups, "groups")
    }
    /* Today's 2-D fields (docs/MODEL-2D.md). */
    if (a->type == FCN_CONVOLUTION || a->type == FCN_POOLING) {
        SAME(dilation[0], "dilation_rows")
        SAME(dilation[1], "dilation_cols")
    }
    if (a->type == FCN_POOLING) {
        SAME(pool_type, "pool_type (0 max, 1 avg)")
    }
    if (a->type == FCN_ELTWISE) {
        SAME(eltwise_broadcast, "broadcast")
    }
    if (a->type == FCN_RESIZE) {
        SAME(scale[0], "scale[0]")
        SAME(scale[1], "scale[1]")
        SAME(resize_mode, "resize_mode (0 nearest, 1 bilinear)")
    }
    if (a->type == FCN_PAD) {
        SAME(pad_top, "pad_top")
        SAME(pad_right, "pad_right")
        SAME(pad_bottom, "pad_bottom")
        SAME(pad_left, "pad_left")
    }
    if (a->type == FCN_SHUFFLE) {
        SAME(groups, "groups")
    }
#undef SAME
    return NULL;
}

/* The first input port whose producer or channels differ (both layers have `ports_in` ports); 0 when none. */
static int port_difference(const fcn_layer *a, const fcn_layer *b, char *label, size_t size, int64_t *got,
                           int64_t *want)
{
    for (int port = 0; port < a->ports_in; port++) {
        *got = fcn_layer_input(a, port);
        *want = fcn_layer_input(b, port);
        if (*got != *want) {
            snprintf(label, size, "input port %d's distance to its producer", port);
            return 1;
        }
        if (a->type == FCN_CONCAT && a->port_channels && b->port_channels &&
            (*got = a->port_channels[port]) != (*want = b->port_channels[port])) {
            snprintf(label, size, "input port %d channels", port);
            return 1;
        }
    }
    /* A CHOP's output ports (both have `ports_out`): which channels each takes. */
    for (int q = 0; a->type == FCN_CHOP && a->port_channels && b->port_channels && q < a->ports_out; q++) {
        if ((*got = a->port_channels[q]) != (*want = b->port_channels[q])) {
            snprintf(label, size, "output port %d channels", q);
            return 1;
        }
        *got = a->port_offsets ? a->port_offsets[q] : -1;
        *want = b->port_offsets ? b->port_offsets[q] : -1;
        if (a->port_offsets && b->port_offsets && *got != *want) {
            snprintf(label, size, "output port %d's first channel", q);
            return 1;
        }
    }
    return 0;
}

/* One violation for the first difference of configuration layer c from model layer m (the model's i+1'th). */
static int compare_layer(const fcn_layer *c, const fcn_layer *m, int i, long long partition, fcn_violations *v)
{
    int64_t got, want;
    char label[64];
    const char *field = difference(c, m, &got, &want);
    if (!field && port_difference(c, m, label, sizeof label, &got, &want))
        field = label;
    if (field && violation_add(v, "partition %lld: layer '%s' has %s %lld where the model's layer %d '%s' has %lld",
                               partition, c->name, field, (long long)got, i + 1, m->name, (long long)want))
        return -1;
    if (!field && c->type == FCN_LEAKY_RELU && c->alpha != m->alpha &&
        violation_add(v, "partition %lld: layer '%s' has alpha %g where the model's layer %d '%s' has %g", partition,
                      c->name, c->alpha, i + 1, m->name, m->alpha))
        return -1;
    return 0;
}

static int compare(const layer_list *config, const layer_list *model, fcn_violations *v)
{
    const int common = config->count < model->count ? config->count : model->count;
    for (int i = 0; i < common; i++) {
        const fcn_layer *c = &config->layers[i], *m = &model->layers[i];
        long long partition = (long long)config->partition[i];
        if (c->type != m->type) {
            if (violation_add(v, "partition %lld: layer '%s' is a %s where the model's layer %d '%s' is a %s",
                              partition, c->name, fcn_layer_type_name(c->type), i + 1, m->name,
                              fcn_layer_type_name(m->type)))
                return -1;
            continue;
        }
        if (compare_layer(c, m, i, partition, v))
            return -1;
    }
    for (int i = common; i < model->count; i++)
        if (violation_add(v, "the model's layer %d '%s' (%s) is not in any partition", i + 1, model->layers[i].name,
                          fcn_layer_type_name(model->layers[i].type)))
            return -1;
    for (int i = common; i < config->count; i++)
        if (violation_add(v, "partition %lld: layer '%s' is beyond the model's %d layers",
                          (long long)config->partition[i], config->layers[i].name, model->count))
            return -1;
    return 0;
}

int validate_coverage(const fcn_network_figures *figures, const fcn_network *model, fcn_violations *v)
{
    layer_list config = {0}, reference = {0};
    validate_chain_arrays chains = {0};
    int failed = configuration_layers(figures, &config) ||
                 validate_read_back_chains(config.layers, config.partition, &config.count, &chains) ||
                 model_layers(model, &reference) || compare(&config, &reference, v);
    validate_chain_arrays_free(&chains);
    release(&config);
    release(&reference);
    return failed ? -1 : 0;
}
