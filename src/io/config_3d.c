/*
 * The 3-D fields of the configuration (docs/CONFIG.md "3-D layers", issue 15): a layer's depth and a
 * window's kernel, stride, dilation and padding over it.
 *
 * The newest upstream form (fpgaconvnet-model edfbeb6's Layer3D and ConvolutionLayer3D layer_info)
 * names them depth_in, depth_out, kernel_depth, stride_depth, pad_front and pad_back, and writes
 * kernel_size and stride as [rows, cols, depth]; it writes them for every layer of a 3-D network.
 * The 0.1.1 form takes the same names (this project's extension), each written only where it
 * differs from its default (depth 1, kernel, stride and dilation 1, no padding), so every 2-D file
 * is written as before. dilation_depth is this project's, beside dilation_rows and dilation_cols.
 * depth_in is read with the other input dims (src/io/config_read.c), depth_out checked as the other
 * declared outputs are.
 */
#include <jansson.h>

#include "config_fields.h"
#include "config_write.h"

/* kernel_depth beside kernel_size[2] (stride_depth beside stride[2]): the single field, the list's
 * third entry, or both when they agree. */
static void read_depth_entry(field_reader *r, const char *key, const char *list, const int64_t values[3], int count,
                             int64_t *out)
{
    int64_t single;
    const int given = field_int64(r, key, 1, &single);
    if (r->failed)
        return;
    if (given && count == 3 && single != values[2]) {
        config_fail_at(r->err, r->at, NULL, "%s %lld disagrees with %s[2] %lld", key, (long long)single, list,
                       (long long)values[2]);
        r->failed = 1;
        return;
    }
    if (given)
        *out = single;
    else if (count == 3)
        *out = values[2];
}

void config_read_window_3d(field_reader *r, fcn_layer *l, const int64_t kernel[3], int kernel_count,
                           const int64_t stride[3], int stride_count)
{
    read_depth_entry(r, "kernel_depth", "kernel_size", kernel, kernel_count, &l->kernel_depth);
    read_depth_entry(r, "stride_depth", "stride", stride, stride_count, &l->stride_depth);
    field_int64(r, "dilation_depth", 1, &l->dilation_depth);
    field_int64(r, "pad_front", 0, &l->pad_front);
    field_int64(r, "pad_back", 0, &l->pad_back);
}

/* ---------------------------------------------------------------- writing */

int config_layer_is_3d(const fcn_layer *l)
{
    return l->depth != 1 || l->kernel_depth != 1 || l->stride_depth != 1 || l->dilation_depth != 1 ||
           l->pad_front != 0 || l->pad_back != 0;
}

int config_network_is_3d(const fcn_network *net)
{
    for (int p = 0; p < net->partition_count; p++)
        for (int i = 0; i < net->partitions[p].layer_count; i++)
            if (config_layer_is_3d(&net->partitions[p].layers[i]))
                return 1;
    return 0;
}

int config_writes_depth(const builder *b, const chain_entry *e)
{
    if (b->format == FCN_CONFIG_NEWEST)
        return b->three_d;
    return e->layer->depth != 1 || e->figures->depth_out != 1;
}

/* A window over depth: the newest form's fields in a 3-D network, the 0.1.1 form's where not their defaults. */
void config_put_window_3d(builder *b, json_t *params, const fcn_layer *l)
{
    const int all = b->format == FCN_CONFIG_NEWEST && b->three_d;
    if (all || l->kernel_depth != 1)
        put_int(b, params, "kernel_depth", l->kernel_depth);
    if (all || l->stride_depth != 1)
        put_int(b, params, "stride_depth", l->stride_depth);
    if (all || l->pad_front != 0)
        put_int(b, params, "pad_front", l->pad_front);
    if (all || l->pad_back != 0)
        put_int(b, params, "pad_back", l->pad_back);
    if (l->dilation_depth != 1)
        put_int(b, params, "dilation_depth", l->dilation_depth);
}

json_t *config_window_list(const builder *b, int64_t rows, int64_t cols, int64_t depth)
{
    if (b->format == FCN_CONFIG_NEWEST && b->three_d)
        return json_pack("[III]", (json_int_t)rows, (json_int_t)cols, (json_int_t)depth);
    return pair(rows, cols);
}
