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

/*
 * Cairo's bitmaps stop at 32767 pixels a side; beyond, graphviz's png writer
 * scales the picture down itself and says so on stderr, which a library must
 * not do. A size limit in inches (at png's 96 dpi) makes the layout fit first.
 */
#define PNG_MAX_INCHES "340,340"

static int render_to_file(Agraph_t *graph, const char *format, const char *path, fcn_error *err)
{
    char *data;
    size_t length;
    if (strcmp(format, "png") == 0)
        agsafeset(graph, "size", PNG_MAX_INCHES, "");
    if (vis_render(graph, format, &data, &length, err)) {
        fcn_error_prefix(err, "%s", path);
        return -1;
    }
    int status = write_bytes(path, data, length, err);
    vis_render_free(data);
    return status;
}

int fcn_visualise(const fcn_network_figures *figures, const char *path, fcn_detail detail, fcn_error *err)
{
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
    Agraph_t *graph = vis_graph_build(figures, detail, err);
    if (!graph)
        fcn_error_prefix(err, "%s", path);
    else if (strcmp(format, "dot") == 0)
        status = write_dot(graph, path, err);
    else
        status = render_to_file(graph, format, path, err);
    if (graph)
        agclose(graph);
    vis_capture_end(&capture);
    return status;
}
