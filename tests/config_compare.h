/*
 * Comparing networks field by field, for the configuration tests (test_config.c,
 * test_config_newest.c): the first difference is printed, naming the place.
 */
#ifndef FCN_TEST_CONFIG_COMPARE_H
#define FCN_TEST_CONFIG_COMPARE_H

#include <stdio.h>
#include <string.h>

#include "fpgaconvnet.h"

static inline int same_string(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Reports the first field in which two layers differ; 1 if they are identical. */
static inline int same_layer(const char *where, const fcn_layer *a, const fcn_layer *b)
{
    char at[256];
    snprintf(at, sizeof at, "%s: layer '%s'", where, a->name ? a->name : "?");
#define SAME_INT(field)                                                                                       \
    if (a->field != b->field) {                                                                               \
        fprintf(stderr, "%s: %s is %lld, then %lld\n", at, #field, (long long)a->field, (long long)b->field);   \
        return 0;                                                                                             \
    }
#define SAME_STRING(field)                                                                                    \
    if (!same_string(a->field, b->field)) {                                                                   \
        fprintf(stderr, "%s: %s is '%s', then '%s'\n", at, #field, a->field ? a->field : "(null)",             \
                b->field ? b->field : "(null)");                                                              \
        return 0;                                                                                             \
    }
    SAME_STRING(name)
    SAME_INT(type)
    SAME_INT(rows) SAME_INT(cols) SAME_INT(depth) SAME_INT(channels) SAME_INT(filters)
    SAME_INT(kernel_depth) SAME_INT(stride_depth) SAME_INT(dilation_depth) SAME_INT(pad_front) SAME_INT(pad_back)
    SAME_INT(kernel[0]) SAME_INT(kernel[1]) SAME_INT(stride[0]) SAME_INT(stride[1])
    SAME_INT(pad_top) SAME_INT(pad_right) SAME_INT(pad_bottom) SAME_INT(pad_left)
    SAME_INT(groups) SAME_INT(coarse_in) SAME_INT(coarse_out) SAME_INT(coarse_group) SAME_INT(fine)
    SAME_INT(data_width) SAME_INT(input_width) SAME_INT(output_width) SAME_INT(weight_width)
    SAME_INT(acc_width) SAME_INT(biases_width) SAME_INT(has_bias) SAME_INT(buffer_depth)
    SAME_INT(data_binary_point) SAME_INT(input_binary_point) SAME_INT(output_binary_point)
    SAME_INT(weight_binary_point) SAME_INT(acc_binary_point) SAME_INT(use_uram) SAME_INT(dsp_packing)
    SAME_INT(use_lutram)
    SAME_INT(ports_in) SAME_INT(ports_out) SAME_INT(eltwise_mul) SAME_INT(pool_type)
    for (int port = 0; port < a->ports_in; port++) /* the links: each port's producer */
        if (fcn_layer_input(a, port) != fcn_layer_input(b, port)) {
            fprintf(stderr, "%s: input port %d reads %d back, then %d\n", at, port, fcn_layer_input(a, port),
                    fcn_layer_input(b, port));
            return 0;
        }
    SAME_STRING(weights_path)
    SAME_STRING(bias_path)
    return 1;
}

static inline int same_partition(const char *where, const fcn_partition *a, const fcn_partition *b)
{
    char at[256];
    snprintf(at, sizeof at, "%s: partition %lld", where, (long long)a->id);
    SAME_INT(id) SAME_INT(ports) SAME_INT(batch_size) SAME_INT(wr_factor) SAME_INT(layer_count)
    SAME_STRING(wr_layer)
    SAME_STRING(input_node)
    SAME_STRING(output_node)
    for (int i = 0; i < a->layer_count; i++)
        if (!same_layer(where, &a->layers[i], &b->layers[i]))
            return 0;
    return 1;
}

static inline int same_network(const char *where, const fcn_network *a, const fcn_network *b)
{
    if (a->partition_count != b->partition_count) {
        fprintf(stderr, "%s: %d partitions, then %d\n", where, a->partition_count, b->partition_count);
        return 0;
    }
    for (int p = 0; p < a->partition_count; p++)
        if (!same_partition(where, &a->partitions[p], &b->partitions[p]))
            return 0;
    return 1;
}

/* Evaluated figures, exactly: the same network evaluates to the same numbers, whatever file it came from. */
static inline int same_resource(const char *at, const char *what, const fcn_resource *a, const fcn_resource *b)
{
    if (a->lut == b->lut && a->ff == b->ff && a->dsp == b->dsp && a->bram == b->bram && a->uram == b->uram)
        return 1;
    fprintf(stderr, "%s: %s differ\n", at, what);
    return 0;
}

static inline int same_figures(const char *where, const fcn_network_figures *a, const fcn_network_figures *b)
{
    char at[256];
    snprintf(at, sizeof at, "%s: figures", where);
    SAME_INT(latency_s) SAME_INT(throughput) SAME_INT(operations) SAME_INT(memory_usage_bytes)
    SAME_INT(partition_count)
    if (!same_resource(at, "resources", &a->resource, &b->resource))
        return 0;
    for (int p = 0; p < a->partition_count; p++) {
        const fcn_partition_figures *pa = &a->partitions[p], *pb = &b->partitions[p];
        snprintf(at, sizeof at, "%s: partition %d", where, p);
#define SAME_PART(field)                                                                                       \
    if (pa->field != pb->field) {                                                                              \
        fprintf(stderr, "%s: %s differs\n", at, #field);                                                       \
        return 0;                                                                                              \
    }
        SAME_PART(interval) SAME_PART(latency_s) SAME_PART(pipeline_depth) SAME_PART(bandwidth_in)
        SAME_PART(bandwidth_out) SAME_PART(streams_in) SAME_PART(streams_out) SAME_PART(size_wr)
        SAME_PART(inputs) SAME_PART(outputs) SAME_PART(layer_count) SAME_PART(edge_count)
        if (!same_resource(at, "resources", &pa->resource, &pb->resource))
            return 0;
        for (int i = 0; i < pa->layer_count; i++) {
            const fcn_layer_figures *fa = &pa->figures[i], *fb = &pb->figures[i];
            snprintf(at, sizeof at, "%s: partition %d, layer '%s'", where, p, pa->layers[i].name);
            if (fa->latency != fb->latency || fa->rate_in != fb->rate_in || fa->rows_out != fb->rows_out ||
                fa->channels_out != fb->channels_out || !same_resource(at, "resources", &fa->resource, &fb->resource)) {
                fprintf(stderr, "%s: figures differ\n", at);
                return 0;
            }
        }
#undef SAME_PART
    }
    return 1;
}

#undef SAME_INT
#undef SAME_STRING

#endif
