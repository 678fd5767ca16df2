/*
 * The text report: what a hardware engineer reads to see where the cycles and the resources go.
 * A headline block, then per partition a table of its layers (the bottleneck marked) and its
 * figures, then the network's totals. With a platform, resources and bandwidth are also given
 * against what the device has, and anything over 100% is flagged.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "layers.h"
#include "report.h"

#define CELL_SIZE 48
#define SOURCES_SIZE 160
#define NAME_WIDTH 28 /* layer names longer than this keep their tail, which tells layers apart */
#define KEY_WIDTH 18  /* the key column of "key  value" lines */
#define OVER_FLAG "  OVER"

/* ------------------------------------------------------------ numbers */

/* Puts thousands separators into the digits of `digits` (an optional '-', digits, optional fraction). */
static void group_digits(char *buf, size_t size, const char *digits)
{
    const char *start = digits[0] == '-' ? digits + 1 : digits;
    size_t integer = strcspn(start, ".");
    size_t at = 0;
    if (start != digits && at + 1 < size)
        buf[at++] = '-';
    for (size_t i = 0; i < integer && at + 1 < size; i++) {
        if (i > 0 && (integer - i) % 3 == 0 && at + 2 < size)
            buf[at++] = ',';
        buf[at++] = start[i];
    }
    for (const char *rest = start + integer; *rest && at + 1 < size; rest++)
        buf[at++] = *rest;
    buf[at] = '\0';
}

static const char *int_text(char *buf, size_t size, int64_t value)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%" PRId64, value);
    group_digits(buf, size, digits);
    return buf;
}

static const char *real_text(char *buf, size_t size, double value, int decimals)
{
    if (!isfinite(value)) {
        snprintf(buf, size, "%s", isnan(value) ? "nan" : value > 0 ? "inf" : "-inf");
        return buf;
    }
    if (fabs(value) >= 1e15) { /* beyond any sensible design: no point in grouping 20 digits */
        snprintf(buf, size, "%.4g", value);
        return buf;
    }
    char digits[64];
    snprintf(digits, sizeof digits, "%.*f", decimals, value);
    group_digits(buf, size, digits);
    return buf;
}

/* Cycles: whole numbers as such, fractional ones (a layer's latency may be) with one decimal. */
static const char *cycles_text(char *buf, size_t size, double cycles)
{
    int whole = isfinite(cycles) && fabs(cycles - round(cycles)) < 1e-6;
    return real_text(buf, size, whole ? round(cycles) : cycles, whole ? 0 : 1);
}

/* A quantity of any size, to about four significant digits: 0.0004172, 16, 360.2, 12,345.6. */
static const char *readable_text(char *buf, size_t size, double value)
{
    if (!isfinite(value) || fabs(value) >= 1000)
        return real_text(buf, size, value, 1);
    snprintf(buf, size, "%.4g", value);
    return buf;
}

/* A duration in the unit that keeps it readable: s, ms or us. */
static const char *time_text(char *buf, size_t size, double seconds)
{
    double magnitude = fabs(seconds);
    if (seconds == 0.0) {
        snprintf(buf, size, "0 s");
    } else if (!isfinite(seconds) || magnitude >= 1.0) {
        real_text(buf, size, seconds, 3);
        strncat(buf, " s", size - strlen(buf) - 1);
    } else if (magnitude >= 1e-6) {
        snprintf(buf, size, magnitude >= 1e-3 ? "%.3f ms" : "%.3f us", seconds * (magnitude >= 1e-3 ? 1e3 : 1e6));
    } else {
        snprintf(buf, size, "%.4g s", seconds);
    }
    return buf;
}

/* Bytes, and in binary units once there are more than a thousand of them. */
static const char *bytes_text(char *buf, size_t size, int64_t bytes)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    char count[32];
    int_text(count, sizeof count, bytes);
    if (bytes < 1024) {
        snprintf(buf, size, "%s bytes", count);
        return buf;
    }
    double scaled = (double)bytes / 1024.0;
    int unit = 0;
    while (scaled >= 1024.0 && unit < 3) {
        scaled /= 1024.0;
        unit++;
    }
    snprintf(buf, size, "%s bytes (%.1f %s)", count, scaled, units[unit]);
    return buf;
}

static const char *percent_text(char *buf, size_t size, double percent)
{
    if (percent < 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f%%", percent);
    return buf;
}

/* A long name keeps its tail behind "...", so that the column stays NAME_WIDTH wide. */
static const char *name_text(char *buf, size_t size, const char *name, const char *indent)
{
    if (!name)
        name = "(unnamed)";
    size_t room = NAME_WIDTH - strlen(indent);
    size_t length = strlen(name);
    if (length <= room)
        snprintf(buf, size, "%s%s", indent, name);
    else
        snprintf(buf, size, "%s...%s", indent, name + length - (room - 3));
    return buf;
}

static const char *type_text(fcn_layer_type type)
{
    switch (type) {
    case FCN_CONVOLUTION: return "conv";
    case FCN_POOLING: return "pool";
    case FCN_RELU: return "relu";
    case FCN_SQUEEZE: return "squeeze";
    case FCN_INNER_PRODUCT: return "inner_product";
    case FCN_CONCAT: return "concat";
    case FCN_BATCH_NORM: return "batch_norm";
    case FCN_SPLIT: return "split";
    case FCN_ELTWISE: return "eltwise";
    case FCN_AVERAGE_POOLING: return "avg_pool";
    case FCN_SIGMOID: return "sigmoid";
    case FCN_HARD_SIGMOID: return "hard_sigmoid";
    case FCN_HARD_SWISH: return "hard_swish";
    case FCN_CLIP: return "clip";
    case FCN_SILU: return "silu";
    case FCN_RESIZE: return "resize";
    case FCN_CHOP: return "chop";
    case FCN_PAD: return "pad";
    case FCN_LAYER_NORM: return "layer_norm";
    case FCN_GELU: return "gelu";
    case FCN_LEAKY_RELU: return "leaky_relu";
    case FCN_PRELU: return "prelu";
    case FCN_SHUFFLE: return "shuffle";
    }
    return "unknown";
}

/* ------------------------------------------------------------- tables */

/* A grid of short cells, printed with every column as wide as its widest cell. */
typedef struct table {
    int columns, rows, capacity;
    const char *align; /* one 'l' or 'r' per column */
    char (*cells)[CELL_SIZE];
    unsigned char *rule_before; /* per row: draw a rule above it */
} table;

static int table_init(table *t, const char *align, int capacity)
{
    t->columns = (int)strlen(align);
    t->rows = 0;
    t->capacity = capacity;
    t->align = align;
    t->cells = calloc((size_t)capacity * (size_t)t->columns, sizeof *t->cells);
    t->rule_before = calloc((size_t)capacity, 1);
    return t->cells && t->rule_before ? 0 : -1;
}

static void table_free(table *t)
{
    free(t->cells);
    free(t->rule_before);
}

/* Starts a new row; returns its index (the caller sized the table, so there is room). */
static int table_row(table *t, int rule_before)
{
    int row = t->rows++;
    t->rule_before[row] = (unsigned char)(rule_before != 0);
    return row;
}

static void table_set(table *t, int row, int column, const char *fmt, ...) FCN_PRINTF(4, 5);
static void table_set(table *t, int row, int column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->cells[row * t->columns + column], CELL_SIZE, fmt, ap);
    va_end(ap);
}

static void table_set_row(table *t, int row, const char *const *texts)
{
    for (int c = 0; c < t->columns; c++)
        table_set(t, row, c, "%s", texts[c]);
}

static void print_rule(FILE *out, const char *indent, int width)
{
    fputs(indent, out);
    for (int i = 0; i < width; i++)
        fputc('-', out);
    fputc('\n', out);
}

static void table_print(FILE *out, const table *t, const char *indent)
{
    int widths[16] = {0}, total = 0;
    for (int c = 0; c < t->columns && c < 16; c++) {
        for (int r = 0; r < t->rows; r++) {
            int length = (int)strlen(t->cells[r * t->columns + c]);
            widths[c] = length > widths[c] ? length : widths[c];
        }
        total += widths[c] + (c ? 2 : 0);
    }
    for (int r = 0; r < t->rows; r++) {
        if (t->rule_before[r])
            print_rule(out, indent, total);
        /* Trailing blanks are left out, so the line ends at the last non-empty cell. */
        int last = t->columns - 1;
        while (last > 0 && t->cells[r * t->columns + last][0] == '\0')
            last--;
        fputs(indent, out);
        for (int c = 0; c <= last && c < 16; c++) {
            const char *cell = t->cells[r * t->columns + c];
            int pad = widths[c] - (int)strlen(cell);
            if (c)
                fputs("  ", out);
            if (t->align[c] == 'r')
                fprintf(out, "%*s%s", pad, "", cell);
            else if (c == last)
                fputs(cell, out);
            else
                fprintf(out, "%s%*s", cell, pad, "");
        }
        fputc('\n', out);
    }
}

/* ------------------------------------------------------------ helpers */

static void key_value(FILE *out, const char *indent, const char *key, const char *fmt, ...) FCN_PRINTF(4, 5);
static void key_value(FILE *out, const char *indent, const char *key, const char *fmt, ...)
{
    fprintf(out, "%s%-*s", indent, KEY_WIDTH, key);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
}

static void heading(FILE *out, const char *title, char underline)
{
    fprintf(out, "%s\n", title);
    for (size_t i = 0; i < strlen(title); i++)
        fputc(underline, out);
    fputc('\n', out);
}

/* LUT, FF, DSP, BRAM, and URAM as a fifth value (shown only where a board or a design has URAM). */
static void resource_values(const fcn_resource *r, int64_t values[5])
{
    values[0] = r->lut;
    values[1] = r->ff;
    values[2] = r->dsp;
    values[3] = r->bram;
    values[4] = r->uram;
}

static const char *const RESOURCE_NAMES[5] = {"LUT", "FF", "DSP", "BRAM", "URAM"};

/* A table's four resource cells; a design's URAM, where it has any, beside its BRAM ("12 +4 URAM"). */
static void resource_cells(char cells[4][CELL_SIZE], const fcn_resource *r)
{
    int64_t values[5];
    resource_values(r, values);
    for (int k = 0; k < 4; k++)
        int_text(cells[k], CELL_SIZE, values[k]);
    if (values[4]) {
        char uram[CELL_SIZE];
        const size_t used = strlen(cells[3]);
        snprintf(cells[3] + used, CELL_SIZE - used, " +%s URAM", int_text(uram, sizeof uram, values[4]));
    }
}

/* "used / available (pct%)" per resource, aligned, flagging what does not fit. */
static int print_utilisation(FILE *out, const char *indent, const fcn_resource *used,
                             const fcn_platform *platform)
{
    int64_t u[5], a[5];
    resource_values(used, u);
    resource_values(&platform->resource, a);
    const int kinds = u[4] || a[4] ? 5 : 4;
    table t;
    if (table_init(&t, "lrlrrl", kinds)) {
        table_free(&t);
        return -1;
    }
    for (int i = 0; i < kinds; i++) {
        char used_text[CELL_SIZE], available_text[CELL_SIZE], pct[CELL_SIZE];
        double percent = report_percent((double)u[i], (double)a[i]);
        int row = table_row(&t, 0);
        const char *cells[6] = {RESOURCE_NAMES[i], int_text(used_text, sizeof used_text, u[i]), "/",
                                int_text(available_text, sizeof available_text, a[i]),
                                percent_text(pct, sizeof pct, percent), percent > 100 ? "OVER" : ""};
        table_set_row(&t, row, cells);
        if (percent >= 0)
            table_set(&t, row, 4, "(%s)", pct);
    }
    table_print(out, &t, indent);
    table_free(&t);
    return 0;
}

/* The evaluated chain's length; 0 for figures without a chain (fcn_partition_summary's). */
static int chain_length(const fcn_partition_figures *p)
{
    return p->layers && p->figures && p->layer_count > 0 ? p->layer_count : 0;
}

static const char *bottleneck_name(const fcn_partition_figures *p)
{
    if (p->bottleneck >= 0 && p->bottleneck < chain_length(p))
        return p->layers[p->bottleneck].name;
    return NULL;
}

/* The slowest layer after the bottleneck: how much faster the partition gets by fixing the bottleneck. */
static int runner_up(const fcn_partition_figures *p)
{
    int best = -1;
    for (int i = 0; i < chain_length(p); i++)
        if (i != p->bottleneck && (best < 0 || p->figures[i].latency > p->figures[best].latency))
            best = i;
    return best;
}

/* ---------------------------------------------------------- sections */

static void print_headline(FILE *out, const fcn_network_figures *n, const fcn_platform *platform)
{
    char a[64], b[64], c[64];
    heading(out, "fpgaConvNet report", '=');
    key_value(out, "", "partitions", "%d", n->partition_count);
    key_value(out, "", "batch size", "%s", int_text(a, sizeof a, n->batch_size));
    key_value(out, "", "clock", "%g MHz", n->freq_mhz);
    key_value(out, "", "reconfiguration", "%s per switch between partitions",
              time_text(a, sizeof a, n->reconf_time_s));
    if (platform) {
        key_value(out, "", "platform", "%s (%s)", platform->name[0] ? platform->name : "unnamed",
                  platform->part[0] ? platform->part : "part not given");
        if (platform->mem_bandwidth_gbs > 0)
            key_value(out, "", "memory bandwidth", "%g GB/s", platform->mem_bandwidth_gbs);
    }
    key_value(out, "", "latency", "%s for the batch", time_text(a, sizeof a, n->latency_s));
    key_value(out, "", "throughput", "%s inputs/s", readable_text(a, sizeof a, n->throughput));
    double gop = (double)n->operations / 1e9;
    key_value(out, "", "operations", "%s per input (%s GOP, %s GOP/s)", int_text(a, sizeof a, n->operations),
              readable_text(b, sizeof b, gop), readable_text(c, sizeof c, gop * n->throughput));
    key_value(out, "", "memory", "%s", bytes_text(a, sizeof a, n->memory_usage_bytes));
}

static void layer_row(table *t, const fcn_partition_figures *p, int i)
{
    const fcn_layer *l = &p->layers[i];
    const fcn_layer_figures *f = &p->figures[i];
    char name[CELL_SIZE], latency[CELL_SIZE], share[CELL_SIZE], r[4][CELL_SIZE];
    resource_cells(r, &f->resource);
    /* Squeezes are the model's plumbing between layers, so they are indented under the layers. */
    name_text(name, sizeof name, l->name, l->type == FCN_SQUEEZE ? "  " : "");
    percent_text(share, sizeof share, 100.0 * report_interval_share(f->latency, p->interval));
    cycles_text(latency, sizeof latency, f->latency);
    int row = table_row(t, 0);
    const char *cells[12] = {i == p->bottleneck ? "*" : "", name, type_text(l->type), "", "", "",
                             latency, share, r[0], r[1], r[2], r[3]};
    table_set_row(t, row, cells);
    char dims[DIMS_TEXT];
    table_set(t, row, 3, "%s", dims_text(dims, l->rows, l->cols, l->depth, l->channels));
    table_set(t, row, 4, "%s", dims_text(dims, f->rows_out, f->cols_out, f->depth_out, f->channels_out));
    table_set(t, row, 5, "%" PRId64 "/%" PRId64, f->streams_in, f->streams_out);
}

/* Whether any tensor of the partition has a depth. */
static int has_depth(const fcn_partition_figures *p)
{
    for (int i = 0; i < chain_length(p); i++)
        if (p->layers[i].depth != 1 || p->figures[i].depth_out != 1)
            return 1;
    return 0;
}

static int print_layer_table(FILE *out, const fcn_partition_figures *p)
{
    table t;
    if (table_init(&t, "lllrrrrrrrrr", chain_length(p) + 2)) {
        table_free(&t);
        return -1;
    }
    static const char *const header[12] = {"", "layer", "type", "in RxCxC", "out RxCxC", "coarse",
                                           "cycles", "%interval", "LUT", "FF", "DSP", "BRAM"};
    table_set_row(&t, table_row(&t, 0), header);
    if (has_depth(p)) { /* a video network's tensors: depth first (docs/MODEL-3D.md) */
        table_set(&t, 0, 3, "in DxRxCxC");
        table_set(&t, 0, 4, "out DxRxCxC");
    }
    for (int i = 0; i < chain_length(p); i++)
        layer_row(&t, p, i);
    char r[4][CELL_SIZE];
    resource_cells(r, &p->resource);
    const char *total[12] = {"", "total", "", "", "", "", "", "", r[0], r[1], r[2], r[3]};
    table_set_row(&t, table_row(&t, 1), total);
    table_print(out, &t, "  ");
    table_free(&t);
    return 0;
}

static void print_bottleneck(FILE *out, const fcn_partition_figures *p)
{
    const char *name = bottleneck_name(p);
    if (!name)
        return;
    char cycles[64];
    fprintf(out, "  * bottleneck: %s (%s cycles, 100%% of the interval)", name,
            cycles_text(cycles, sizeof cycles, p->interval));
    int next = runner_up(p);
    if (next >= 0 && p->layers[next].name)
        fprintf(out, "; next slowest: %s (%.1f%%)", p->layers[next].name,
                100.0 * report_interval_share(p->figures[next].latency, p->interval));
    fputc('\n', out);
}

static void print_bandwidth(FILE *out, const fcn_partition_figures *p, const fcn_platform *platform)
{
    char in[64], out_text[64], total_text[64];
    readable_text(in, sizeof in, p->bandwidth_in);
    readable_text(out_text, sizeof out_text, p->bandwidth_out);
    double total = p->bandwidth_in + p->bandwidth_out;
    double percent = platform ? report_percent(total, platform->mem_bandwidth_gbs) : -1;
    if (percent < 0) {
        key_value(out, "  ", "bandwidth", "%s GB/s in, %s GB/s out", in, out_text);
        return;
    }
    key_value(out, "  ", "bandwidth", "%s GB/s in, %s GB/s out: %s of %g GB/s (%.1f%%)%s", in, out_text,
              readable_text(total_text, sizeof total_text, total), platform->mem_bandwidth_gbs, percent,
              percent > 100 ? OVER_FLAG : "");
}

/* A branching partition reads and writes several tensors: say which, and who wrote the inputs. */
static void print_memory_tensors(FILE *out, const fcn_partition_figures *p)
{
    if (p->inputs <= 1 && p->outputs <= 1)
        return;
    char sources[SOURCES_SIZE] = "";
    size_t used = 0;
    for (int e = 0; p->edges && e < p->edge_count && used + 1 < sizeof sources; e++) {
        if (p->edges[e].from != -1)
            continue;
        int n = snprintf(sources + used, sizeof sources - used, "%s%s", used ? ", " : "",
                         p->edges[e].source ? p->edges[e].source : "the network input");
        used = n < 0 ? sizeof sources : used + (size_t)n;
    }
    if (used >= sizeof sources)
        memcpy(sources + sizeof sources - 4, "...", 4);
    key_value(out, "  ", "memory tensors", "%d in (from %s), %d out", p->inputs, sources, p->outputs);
}

static void print_partition_figures(FILE *out, const fcn_partition_figures *p, const fcn_platform *platform)
{
    char a[64], b[64];
    key_value(out, "  ", "interval", "%s cycles", cycles_text(a, sizeof a, p->interval));
    key_value(out, "  ", "pipeline depth", "%s cycles", int_text(a, sizeof a, p->pipeline_depth));
    key_value(out, "  ", "latency", "%s (batch %s)", time_text(a, sizeof a, p->latency_s),
              int_text(b, sizeof b, p->batch_size));
    key_value(out, "  ", "streams", "%" PRId64 " in, %" PRId64 " out", p->streams_in, p->streams_out);
    print_memory_tensors(out, p);
    if (p->wr_layer && p->wr_factor > 1)
        key_value(out, "  ", "weights reloading", "x%" PRId64 " on %s (%s weights per reload)", p->wr_factor,
                  p->wr_layer, int_text(a, sizeof a, p->size_wr));
    else if (p->wr_layer)
        key_value(out, "  ", "weights reloading", "none (factor 1, layer %s)", p->wr_layer);
    else
        key_value(out, "  ", "weights reloading", "none");
    print_bandwidth(out, p, platform);
    key_value(out, "  ", "operations", "%s per input", int_text(a, sizeof a, p->operations));
}

static int print_partition(FILE *out, const fcn_partition_figures *p, const fcn_platform *platform)
{
    char title[96], layers[32];
    int squeezes = 0, count = chain_length(p);
    for (int i = 0; i < count; i++)
        squeezes += p->layers[i].type == FCN_SQUEEZE;
    snprintf(layers, sizeof layers, "%d layer%s", count - squeezes, count - squeezes == 1 ? "" : "s");
    snprintf(title, sizeof title, "Partition %" PRId64 " (%s, %d squeeze%s)", p->id, layers, squeezes,
             squeezes == 1 ? "" : "s");
    fputc('\n', out);
    heading(out, title, '-');
    if (print_layer_table(out, p))
        return -1;
    print_bottleneck(out, p);
    fputc('\n', out);
    print_partition_figures(out, p, platform);
    if (platform) {
        fprintf(out, "  resources (used / available):\n");
        if (print_utilisation(out, "    ", &p->resource, platform))
            return -1;
    }
    return 0;
}

/* Where the time goes, partition by partition, and the largest design the device must hold. */
static int print_totals(FILE *out, const fcn_network_figures *n, const fcn_platform *platform)
{
    table t;
    if (table_init(&t, "rrrrrrrrr", n->partition_count + 1)) {
        table_free(&t);
        return -1;
    }
    static const char *const header[9] = {"partition", "batch", "interval", "latency", "share",
                                          "LUT", "FF", "DSP", "BRAM"};
    table_set_row(&t, table_row(&t, 0), header);
    for (int i = 0; i < n->partition_count; i++) {
        const fcn_partition_figures *p = &n->partitions[i];
        char cells[9][CELL_SIZE];
        resource_cells(cells + 5, &p->resource);
        snprintf(cells[0], CELL_SIZE, "%" PRId64, p->id);
        int_text(cells[1], CELL_SIZE, p->batch_size);
        cycles_text(cells[2], CELL_SIZE, p->interval);
        time_text(cells[3], CELL_SIZE, p->latency_s);
        percent_text(cells[4], CELL_SIZE, report_percent(p->latency_s, n->latency_s));
        const char *row[9];
        for (int k = 0; k < 9; k++)
            row[k] = cells[k];
        table_set_row(&t, table_row(&t, 0), row);
    }
    fputc('\n', out);
    heading(out, "Network totals", '-');
    table_print(out, &t, "  ");
    table_free(&t);

    char a[64], b[64], c[64], d[64];
    fputc('\n', out);
    if (n->partition_count > 1) {
        double reconf = (n->partition_count - 1) * n->reconf_time_s;
        key_value(out, "  ", "reconfiguration", "%d x %s = %s (%s of the latency)", n->partition_count - 1,
                  time_text(a, sizeof a, n->reconf_time_s), time_text(b, sizeof b, reconf),
                  percent_text(c, sizeof c, report_percent(reconf, n->latency_s)));
    }
    key_value(out, "  ", "latency", "%s", time_text(a, sizeof a, n->latency_s));
    key_value(out, "  ", "throughput", "%s inputs/s", readable_text(a, sizeof a, n->throughput));
    if (platform) {
        fprintf(out, "  resources, the most any partition uses (used / available):\n");
        return print_utilisation(out, "    ", &n->resource, platform);
    }
    char e[CELL_SIZE] = "", uram[CELL_SIZE + 8] = "";
    if (n->resource.uram)
        snprintf(uram, sizeof uram, ", %s URAM", int_text(e, sizeof e, n->resource.uram));
    key_value(out, "  ", "resources", "%s LUT, %s FF, %s DSP, %s BRAM%s (the most any partition uses)",
              int_text(a, sizeof a, n->resource.lut), int_text(b, sizeof b, n->resource.ff),
              int_text(c, sizeof c, n->resource.dsp), int_text(d, sizeof d, n->resource.bram), uram);
    return 0;
}

/* Whether the configuration fits the board, first thing after the headline, with every reason it does not. */
static void print_fit(FILE *out, const fcn_platform *platform, const fcn_violations *violations)
{
    const char *board = platform->name[0] ? platform->name : "the platform";
    if (violations->count == 0) {
        key_value(out, "", "fits", "yes, on %s", board);
        return;
    }
    key_value(out, "", "fits", "NO: %d violation%s on %s", violations->count, violations->count == 1 ? "" : "s",
              board);
    for (int i = 0; i < violations->count; i++)
        fprintf(out, "  ! %s\n", violations->messages[i]);
}

int report_write_text(FILE *out, const fcn_network_figures *figures, const fcn_platform *platform,
                      const fcn_violations *violations, fcn_error *err)
{
    print_headline(out, figures, platform);
    if (platform && violations)
        print_fit(out, platform, violations);
    for (int i = 0; i < figures->partition_count; i++)
        if (print_partition(out, &figures->partitions[i], platform))
            return fcn_fail(err, "out of memory writing the report");
    if (print_totals(out, figures, platform))
        return fcn_fail(err, "out of memory writing the report");
    return 0;
}

/* ------------------------------------------------------------ dispatch */

int fcn_report_write(FILE *out, fcn_report_format format, const fcn_network_figures *figures,
                     const fcn_platform *platform, fcn_error *err)
{
    if (!out || !figures)
        return fcn_fail(err, "no %s to write the report %s", out ? "figures" : "stream", out ? "from" : "to");
    if (figures->partition_count > 0 && !figures->partitions)
        return fcn_fail(err, "the figures have %d partitions but no partition figures",
                        figures->partition_count);
    if (format != FCN_REPORT_TEXT && format != FCN_REPORT_JSON)
        return fcn_fail(err, "unknown report format %d", (int)format);
    fcn_violations violations = {0};
    if (platform && fcn_validate(figures, platform, NULL, &violations, err))
        return -1;
    const fcn_violations *found = platform ? &violations : NULL;
    int failed = format == FCN_REPORT_TEXT ? report_write_text(out, figures, platform, found, err)
                                           : report_write_json(out, figures, platform, found, err);
    fcn_violations_free(&violations);
    if (failed)
        return -1;
    errno = 0;
    if (fflush(out) != 0 || ferror(out))
        return fcn_fail(err, "cannot write the report: %s", errno ? strerror(errno) : "write error");
    return 0;
}
