/*
 * Reading the fields of today's 2-D layers (docs/MODEL-2D.md, docs/CONFIG.md):
 * upstream's names where upstream has the field (CHOP's `split`, RESIZE's
 * `scale`, ELTWISE's `broadcast`, POOLING's `pool_type`), this project's
 * otherwise (`dilation_rows`/`dilation_cols`, `port_offsets`, `alpha`,
 * `resize_mode`). A missing field keeps fcn_layer_init's default.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_fields.h"

static void fail(field_reader *r, const char *field, const char *what, const json_t *value)
{
    char found[64];
    config_fail_at(r->err, r->at, field, "%s, got %s", what, json_describe(value, found, sizeof found));
    r->failed = 1;
}

/* A list of 1..FCN_MAX_PORTS integers of at least `min`, newly allocated into *out; its length, 0 if absent. */
static int field_list(field_reader *r, const char *key, int64_t min, int64_t **out)
{
    const json_t *list = r->failed || !r->object ? NULL : json_object_get(r->object, key);
    if (!list)
        return 0;
    if (!json_is_array(list) || json_array_size(list) < 1 || json_array_size(list) > FCN_MAX_PORTS) {
        char what[64];
        snprintf(what, sizeof what, "expected 1..%d integers", FCN_MAX_PORTS);
        fail(r, key, what, list);
        return 0;
    }
    const int n = (int)json_array_size(list);
    *out = calloc((size_t)n, sizeof **out);
    if (!*out) {
        config_fail_at(r->err, r->at, NULL, "out of memory");
        r->failed = 1;
        return 0;
    }
    for (int i = 0; i < n; i++) {
        char field[48];
        snprintf(field, sizeof field, "%s[%d]", key, i);
        if (config_read_integer(json_array_get(list, (size_t)i), r->at, field, min, FIELD_MAX, &(*out)[i], r->err)) {
            r->failed = 1;
            return 0;
        }
    }
    return n;
}

/* CHOP: `split` gives each output port's channels (and so ports_out); `port_offsets` where each starts. */
static void read_chop(field_reader *r, fcn_layer *l, int has_ports_out)
{
    const int n = field_list(r, "split", 1, &l->port_channels);
    if (r->failed)
        return;
    if (n == 0) {
        config_fail_at(r->err, r->at, NULL, "missing required parameter \"split\" (a CHOP's output channels)");
        r->failed = 1;
        return;
    }
    if (has_ports_out && l->ports_out != n) {
        config_fail_at(r->err, r->at, NULL, "ports_out %d disagrees with the %d entries of split", l->ports_out, n);
        r->failed = 1;
        return;
    }
    l->ports_out = n;
    const int offsets = field_list(r, "port_offsets", 0, &l->port_offsets);
    if (!r->failed && offsets && offsets != n) {
        config_fail_at(r->err, r->at, NULL, "port_offsets has %d entries, but split has %d", offsets, n);
        r->failed = 1;
    }
}

/* RESIZE: upstream's `scale` [rows, cols] or [rows, cols, channels] (channels 1), integers; `resize_mode`. */
static void read_resize(field_reader *r, fcn_layer *l)
{
    int64_t *scale = NULL;
    const int n = field_list(r, "scale", 1, &scale);
    if (!r->failed && n != 0 && n != 2 && !(n == 3 && scale[2] == 1)) {
        config_fail_at(r->err, r->at, "scale", "expected [rows, cols] or [rows, cols, 1]");
        r->failed = 1;
    }
    if (!r->failed && n) {
        l->scale[0] = scale[0];
        l->scale[1] = scale[1];
    }
    free(scale);
    int mode;
    if (field_choice(r, "resize_mode", "nearest", "bilinear", &mode))
        l->resize_mode = mode ? FCN_RESIZE_BILINEAR : FCN_RESIZE_NEAREST;
}

static void read_alpha(field_reader *r, fcn_layer *l)
{
    const json_t *v = r->failed || !r->object ? NULL : json_object_get(r->object, "alpha");
    if (!v)
        return;
    if (!json_is_number(v)) {
        fail(r, "alpha", "expected a number", v);
        return;
    }
    l->alpha = json_number_value(v);
}

static void read_pads(field_reader *r, fcn_layer *l)
{
    field_int64(r, "pad_top", 0, &l->pad_top);
    field_int64(r, "pad_right", 0, &l->pad_right);
    field_int64(r, "pad_bottom", 0, &l->pad_bottom);
    field_int64(r, "pad_left", 0, &l->pad_left);
}

/* Where the weights live and how multipliers share DSPs (docs/MODEL-WIDTHS.md): upstream's use_uram, ours. */
static void read_memory_and_packing(field_reader *r, fcn_layer *l)
{
    int choice;
    if (field_choice(r, "use_uram", "false", "true", &choice))
        l->use_uram = choice;
    if (field_choice(r, "dsp_packing", "false", "true", &choice))
        l->dsp_packing = choice;
}

void config_read_2d(field_reader *r, fcn_layer *l, int has_ports_out)
{
    if (!r->object)
        return;
    if (l->type == FCN_CONVOLUTION || l->type == FCN_INNER_PRODUCT)
        read_memory_and_packing(r, l);
    int choice;
    if (field_choice(r, "use_lutram", "false", "true", &choice)) /* any layer's buffers: MODEL-WIDTHS.md */
        l->use_lutram = choice;
    switch (l->type) {
    case FCN_CONVOLUTION:
    case FCN_POOLING:
        field_int64(r, "dilation_rows", 1, &l->dilation[0]);
        field_int64(r, "dilation_cols", 1, &l->dilation[1]);
        /* pool_type as upstream's Pool module names it; op_type as its GlobalPooling layer does. */
        if (l->type == FCN_POOLING && (field_choice(r, "pool_type", "max", "avg", &choice) ||
                                       field_choice(r, "op_type", "max", "avg", &choice)))
            l->pool_type = choice ? FCN_POOL_AVG : FCN_POOL_MAX;
        break;
    case FCN_ELTWISE:
        if (field_choice(r, "broadcast", "false", "true", &choice))
            l->eltwise_broadcast = choice;
        break;
    case FCN_CHOP: read_chop(r, l, has_ports_out); break;
    case FCN_RESIZE: read_resize(r, l); break;
    case FCN_PAD: read_pads(r, l); break;
    case FCN_SHUFFLE: field_int64(r, "groups", 1, &l->groups); break;
    case FCN_LEAKY_RELU: read_alpha(r, l); break;
    default: break;
    }
}
