/* fcn_visualise: the picture's format from the file's extension, then build, render and write. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "error.h"
#include "visualise.h"

#define FORMATS "expected .png, .svg, .pdf or .dot"

/* "png", "svg", "pdf" or "dot" from the path's extension (any case), or NULL with the message. */
static const char *format_of(const char *path, fcn_error *err)
{
    static const char *const formats[] = {"png", "svg", "pdf", "dot"};
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    if (!dot || (slash && dot < slash) || !dot[1]) {
        fcn_fail(err, "%s: no extension to choose the picture's format by (" FORMATS ")", path);
        return NULL;
    }
    char extension[8] = {0};
    size_t n = strlen(dot + 1);
    for (size_t i = 0; i < n && i < sizeof extension - 1; i++)
        extension[i] = (char)tolower((unsigned char)dot[1 + i]);
    for (size_t i = 0; n < sizeof extension && i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(extension, formats[i]) == 0)
            return formats[i];
    fcn_fail(err, "%s: unknown picture format '%s' (" FORMATS ")", path, dot);
    return NULL;
}

static int write_bytes(const char *path, const char *data, size_t length, fcn_error *err)
{
    FILE *file = fopen(path, "wb");
    if (!file)
        return fcn_fail(err, "%s: cannot open for writing: %s", path, strerror(errno));
    int ok = fwrite(data, 1, length, file) == length;
    int saved = errno;
    if (fclose(file) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    return ok ? 0 : fcn_fail(err, "%s: cannot write: %s", path, strerror(saved));
}

/* The graph as dot source, before any layout: what a user would edit or feed to dot themselves. */
static int write_dot(Agraph_t *graph, const char *path, fcn_error *err)
{
    FILE *file = fopen(path, "w");
    if (!file)
        return fcn_fail(err, "%s: cannot open for writing: %s", path, strerror(errno));
    errno = 0;
    int ok = agwrite(graph, file) == 0 && !ferror(file);
    int saved = errno;
    if (fclose(file) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    return ok ? 0 : fcn_fail(err, "%s: cannot write: %s", path, saved ? strerror(saved) : "write error");
}

/* What was drawn other than asked, for the note. */
typedef struct drawing {
    const char *engine;
    int layers_for_modules; /* module nodes there would have been, when a box per layer was drawn instead */
    long long light_layout; /* dot's work, when the light layout was used */
    double scale;
} drawing;

/*
 * Cairo's bitmaps stop at 32767 pixels a side; beyond, graphviz's png writer scales the picture down
 * itself and says so on stderr, which a library must not do. The size limit in inches (at png's 96
 * dpi) makes dot's layout fit first; vis_render then keeps the pixels within VIS_PNG_MAX_PIXELS.
 */
#define PNG_MAX_INCHES "340,340"

static int render_to_file(Agraph_t *graph, const char *format, const char *path, drawing *how, fcn_error *err)
{
    char *data;
    size_t length;
    if (strcmp(format, "png") == 0)
        agsafeset(graph, "size", PNG_MAX_INCHES, "");
    if (vis_render(graph, how->engine, format, &data, &length, &how->scale, err)) {
        fcn_error_prefix(err, "%s", path);
        return -1;
    }
    int status = write_bytes(path, data, length, err);
    vis_render_free(data);
    return status;
}

/*
 * The graph at the detail asked, or a box per layer when module instances would be too many
 * nodes, laid out by dot, or by vis_place when dot would take too long. Counted before any layout.
 */
static Agraph_t *build_fitting(const fcn_network_figures *figures, fcn_detail detail, drawing *how, fcn_error *err)
{
    int layers = 0;
    for (int p = 0; p < figures->partition_count; p++)
        layers += figures->partitions[p].layer_count;
    if (detail == FCN_DETAIL_MODULES && layers > VIS_MAX_MODULE_LAYERS) {
        how->layers_for_modules = layers; /* not worth building the module graph to find it too large */
        detail = FCN_DETAIL_LAYERS;
    }
    Agraph_t *graph = vis_graph_build(figures, detail, err);
    long long work = graph ? vis_layout_work(graph) : 0;
    /* Module clusters need dot; in rows, or in such numbers, a box per layer says more. */
    if (graph && detail == FCN_DETAIL_MODULES && (agnnodes(graph) > VIS_MAX_MODULE_NODES || work > VIS_DOT_MAX_WORK)) {
        how->layers_for_modules = agnnodes(graph);
        agclose(graph);
        graph = vis_graph_build(figures, FCN_DETAIL_LAYERS, err);
        work = graph ? vis_layout_work(graph) : 0;
    }
    how->engine = "dot";
    if (graph && work > VIS_DOT_MAX_WORK) {
        how->light_layout = work;
        how->engine = "nop2";
        if (vis_place(graph, figures->partition_count, err)) {
            agclose(graph);
            return NULL;
        }
    }
    return graph;
}

static void write_note(const drawing *how, char *note, size_t size)
{
    if (!note || size == 0)
        return;
    note[0] = '\0';
    size_t used = 0;
    if (how->layers_for_modules)
        used += (size_t)snprintf(note + used, size - used, "a box per layer (module instances would be over %d nodes)",
                                 how->layers_for_modules);
    if (how->light_layout && used < size)
        used += (size_t)snprintf(note + used, size - used, "%slaid out in rows, not by dot (too many long edges)",
                                 used ? "; " : "");
    if (how->scale < VIS_PNG_NOTE_SCALE && used < size)
        snprintf(note + used, size - used, "%sscaled to %.0f%% to stay within %.0f megapixels", used ? "; " : "",
                 100 * how->scale, VIS_PNG_MAX_PIXELS / 1e6);
}

int fcn_visualise_fitted(const fcn_network_figures *figures, const char *path, fcn_detail detail, char *note,
                         size_t note_size, fcn_error *err)
{
    if (note && note_size)
        note[0] = '\0';
    if (!figures)
        return fcn_fail(err, "no figures to draw");
    if (!path)
        return fcn_fail(err, "no file to draw the picture in");
    if (detail != FCN_DETAIL_MODULES && detail != FCN_DETAIL_LAYERS)
        return fcn_fail(err, "%s: unknown detail %d", path, (int)detail);
    const char *format = format_of(path, err);
    if (!format)
        return -1;

    vis_capture capture;
    vis_capture_begin(&capture);
    int status = -1;
    drawing how = {.scale = 1};
    Agraph_t *graph = build_fitting(figures, detail, &how, err);
    if (!graph)
        fcn_error_prefix(err, "%s", path);
    else if (strcmp(format, "dot") == 0)
        status = write_dot(graph, path, err);
    else
        status = render_to_file(graph, format, path, &how, err);
    if (graph)
        agclose(graph);
    vis_capture_end(&capture);
    if (status == 0)
        write_note(&how, note, note_size);
    return status;
}

int fcn_visualise(const fcn_network_figures *figures, const char *path, fcn_detail detail, fcn_error *err)
{
    return fcn_visualise_fitted(figures, path, detail, NULL, 0, err);
}
