/* The words and colours of a picture: labels of layers and partitions, escaping, shading. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "visualise.h"

void vis_set(void *object, const char *name, const char *value)
{
    /* cgraph 2.43 takes char *, but only reads these strings (it keeps its own copies). */
    agsafeset(object, (char *)name, (char *)value, "");
}

static int text_reserve(vis_text *t, size_t extra)
{
    if (t->failed)
        return -1;
    if (t->length + extra + 1 <= t->capacity)
        return 0;
    size_t capacity = t->capacity ? t->capacity : 128;
    while (capacity < t->length + extra + 1)
        capacity *= 2;
    char *data = realloc(t->data, capacity);
    if (!data) {
        t->failed = 1;
        return -1;
    }
    t->data = data;
    t->capacity = capacity;
    return 0;
}

static void text_append(vis_text *t, const char *s, size_t n)
{
    if (text_reserve(t, n))
        return;
    memcpy(t->data + t->length, s, n);
    t->length += n;
    t->data[t->length] = '\0';
}

void vis_text_printf(vis_text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || text_reserve(t, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(t->data + t->length, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->length += (size_t)n;
}

/*
 * Graphviz reads "\N", "\n", "\l", ... in labels as escapes and "&...;" as entities, so a backslash
 * is doubled and an ampersand becomes "&amp;": a layer called "a\nb" or "x&lt;" shows as written.
 */
void vis_text_name(vis_text *t, const char *name)
{
    for (const char *c = name ? name : ""; *c; c++) {
        if (*c == '\\')
            text_append(t, "\\\\", 2);
        else if (*c == '&')
            text_append(t, "&amp;", 5);
        else
            text_append(t, c, 1);
    }
}

void vis_text_clear(vis_text *t)
{
    t->length = 0;
    if (t->data)
        t->data[0] = '\0';
}

void vis_text_free(vis_text *t)
{
    free(t->data);
    *t = (vis_text){0};
}

/* An integer with thousands separators: 153,600. */
static void text_count(vis_text *t, double value)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", value);
    const char *d = digits[0] == '-' ? digits + 1 : digits;
    if (d != digits)
        text_append(t, "-", 1);
    size_t n = strlen(d);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            text_append(t, ",", 1);
        text_append(t, d + i, 1);
    }
}

#define TIMES "\xC3\x97"  /* × */
#define ARROW "\xE2\x86\x92" /* → */
#define DOT " \xC2\xB7 "  /* · */
#define LINE "\\l"           /* graphviz: end of a left-aligned line */

static const char *type_word(fcn_layer_type type)
{
    switch (type) {
    case FCN_CONVOLUTION: return "convolution";
    case FCN_POOLING: return "pooling";
    case FCN_RELU: return "relu";
    case FCN_SQUEEZE: return "squeeze";
    case FCN_INNER_PRODUCT: return "inner product";
    case FCN_CONCAT: return "concat";
    case FCN_BATCH_NORM: return "batch norm";
    case FCN_SPLIT: return "split";
    case FCN_ELTWISE: return "eltwise";
    case FCN_AVERAGE_POOLING: return "average pooling";
    case FCN_SIGMOID: return "sigmoid";
    case FCN_HARD_SIGMOID: return "hard sigmoid";
    case FCN_HARD_SWISH: return "hard swish";
    case FCN_CLIP: return "clip";
    case FCN_SILU: return "silu";
    case FCN_RESIZE: return "resize";
    case FCN_CHOP: return "chop";
    case FCN_PAD: return "pad";
    case FCN_LAYER_NORM: return "layer norm";
    case FCN_GELU: return "gelu";
    case FCN_LEAKY_RELU: return "leaky relu";
    case FCN_PRELU: return "prelu";
    case FCN_SHUFFLE: return "channel shuffle";
    }
    return "layer";
}

static void folding(vis_text *t, const fcn_layer *l, const fcn_layer_figures *f)
{
    switch (l->type) {
    case FCN_CONVOLUTION:
        vis_text_printf(t, "coarse in %lld, out %lld", (long long)l->coarse_in, (long long)l->coarse_out);
        if (l->coarse_group > 1)
            vis_text_printf(t, ", group %lld", (long long)l->coarse_group);
        vis_text_printf(t, ", fine %lld", (long long)l->fine);
        if (l->dilation[0] > 1 || l->dilation[1] > 1)
            vis_text_printf(t, DOT "dilation %lld" TIMES "%lld", (long long)l->dilation[0], (long long)l->dilation[1]);
        return;
    case FCN_POOLING:
        vis_text_printf(t, "coarse %lld%s", (long long)f->streams_in, l->pool_type == FCN_POOL_AVG ? DOT "average" : "");
        if (l->dilation[0] > 1 || l->dilation[1] > 1)
            vis_text_printf(t, DOT "dilation %lld" TIMES "%lld", (long long)l->dilation[0], (long long)l->dilation[1]);
        return;
    case FCN_CHOP:
        vis_text_printf(t, "coarse %lld" DOT "channels", (long long)f->streams_in);
        for (int q = 0; q < l->ports_out; q++)
            vis_text_printf(t, "%s%lld", q ? " + " : " ", (long long)fcn_layer_output_channels(l, q, f->channels_out));
        return;
    case FCN_RESIZE:
        vis_text_printf(t, "coarse %lld" DOT "%s " TIMES "%lld" TIMES "%lld", (long long)f->streams_in,
                        l->resize_mode == FCN_RESIZE_BILINEAR ? "bilinear" : "nearest", (long long)l->scale[0],
                        (long long)l->scale[1]);
        return;
    case FCN_SHUFFLE:
        vis_text_printf(t, "coarse %lld" DOT "%lld groups", (long long)f->streams_in, (long long)l->groups);
        return;
    case FCN_INNER_PRODUCT:
        vis_text_printf(t, "coarse in %lld, out %lld", (long long)l->coarse_in, (long long)l->coarse_out);
        return;
    case FCN_SQUEEZE:
        vis_text_printf(t, "streams %lld " ARROW " %lld", (long long)f->streams_in, (long long)f->streams_out);
        return;
    case FCN_SPLIT:
        vis_text_printf(t, "coarse %lld" DOT "%d outputs", (long long)f->streams_in, l->ports_out);
        return;
    case FCN_ELTWISE:
        vis_text_printf(t, "coarse %lld" DOT "%s of %d inputs%s", (long long)f->streams_in,
                        l->eltwise_mul ? "product" : "sum", l->ports_in, l->eltwise_broadcast ? ", broadcast" : "");
        return;
    case FCN_CONCAT:
        vis_text_printf(t, "coarse %lld" DOT "%d inputs", (long long)f->streams_in, l->ports_in);
        return;
    default:
        vis_text_printf(t, "coarse %lld", (long long)f->streams_in);
        return;
    }
}

void vis_layer_label(vis_text *t, const fcn_layer *l, const fcn_layer_figures *f,
                     const fcn_partition_figures *p, int is_bottleneck)
{
    vis_text_name(t, l->name);
    vis_text_printf(t, " (%s)" LINE, type_word(l->type));
    const int has_depth = l->depth != 1 || f->depth_out != 1; /* a 3-D layer: depth first, as DxRxCxC */
    if (has_depth)
        vis_text_printf(t, "%lld" TIMES, (long long)l->depth);
    vis_text_printf(t, "%lld" TIMES "%lld" TIMES "%lld " ARROW " ", (long long)l->rows, (long long)l->cols,
                    (long long)l->channels);
    if (has_depth)
        vis_text_printf(t, "%lld" TIMES, (long long)f->depth_out);
    vis_text_printf(t, "%lld" TIMES "%lld" TIMES "%lld" LINE, (long long)f->rows_out, (long long)f->cols_out,
                    (long long)f->channels_out);
    folding(t, l, f);
    vis_text_printf(t, LINE);
    text_count(t, f->latency);
    const double share = p->interval > 0 ? f->latency / p->interval : 0;
    vis_text_printf(t, " cycles" DOT "%.1f%% of the interval", 100.0 * share);
    if (is_bottleneck)
        vis_text_printf(t, DOT "bottleneck");
    vis_text_printf(t, LINE);
}

void vis_memory_label(vis_text *t, const char *which, const char *source, int64_t streams)
{
    if (source) {
        vis_text_printf(t, "from ");
        vis_text_name(t, source);
        vis_text_printf(t, " (memory)");
    } else {
        vis_text_printf(t, "%s", which);
    }
    if (streams > 1)
        vis_text_printf(t, DOT "%lld streams", (long long)streams);
}

void vis_partition_label(vis_text *t, const fcn_partition_figures *p)
{
    vis_text_printf(t, "partition %lld" DOT "interval ", (long long)p->id);
    text_count(t, p->interval);
    vis_text_printf(t, " cycles" DOT "batch %lld", (long long)p->batch_size);
    if (p->wr_factor > 1) {
        vis_text_printf(t, DOT "weights reloading " TIMES "%lld on ", (long long)p->wr_factor);
        vis_text_name(t, p->wr_layer);
    }
}

void vis_shade(char colour[8], double share)
{
    /* Up to a light red, so that black text stays readable on the bottleneck. */
    const double clamped = isfinite(share) ? fmin(fmax(share, 0.0), 1.0) : 0.0;
    const int other = (int)lround(255.0 * (1.0 - 0.65 * clamped));
    snprintf(colour, 8, "#ff%02x%02x", other, other);
}
