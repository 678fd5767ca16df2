/*
 * Laying out and rendering with libgvc, and reading graphviz's own error messages.
 *
 * Graphviz prints its errors and warnings on stderr unless the reporting level is raised to AGMAX,
 * in which case it keeps them in a temporary file that aglasterr() reads back. The level is
 * process-wide graphviz state: a capture raises it and puts back whatever it was.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "visualise.h"

void vis_capture_begin(vis_capture *capture)
{
    capture->saved_level = agseterr(AGMAX);
    agreseterrors();
}

void vis_capture_end(vis_capture *capture)
{
    agseterr(capture->saved_level);
}

void vis_capture_message(char *out, size_t size, const char *fallback)
{
    /* Only an error since the capture began counts: aglasterr alone may return an old warning. */
    char *message = agerrors() > 0 ? aglasterr() : NULL;
    snprintf(out, size, "%s", message && message[0] ? message : fallback);
    free(message);
    /* Graphviz ends its messages with a newline and sometimes puts one inside: one line for ours. */
    for (char *c = out; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '\t')
            *c = ' ';
    for (size_t n = strlen(out); n > 0 && out[n - 1] == ' '; n--)
        out[n - 1] = '\0';
}

static int graphviz_failure(fcn_error *err, const char *what)
{
    char message[384];
    vis_capture_message(message, sizeof message, "no message from graphviz");
    return fcn_fail(err, "graphviz cannot %s: %s", what, message);
}

/*
 * Rendering to memory, not to a FILE: graphviz's own writer exits the process when a write fails,
 * and the library must not; the caller writes the bytes and reports a failure itself.
 */
/*
 * Scales a laid-out png down to at most VIS_PNG_MAX_PIXELS (and cairo's 32767 a side) by setting the
 * drawing's size, which the renderer reads (the `size` attribute is read by the layout, before the
 * picture's extent is known). Returns the scale.
 */
static double fit_png(Agraph_t *graph)
{
    const boxf bb = GD_bb(graph);
    const double to_pixels = 96.0 / 72.0, width = (bb.UR.x - bb.LL.x) * to_pixels,
                 height = (bb.UR.y - bb.LL.y) * to_pixels;
    if (!(width > 0 && height > 0))
        return 1;
    double scale = sqrt(VIS_PNG_MAX_PIXELS / (width * height));
    if (32000 / width < scale)
        scale = 32000 / width;
    if (32000 / height < scale)
        scale = 32000 / height;
    if (scale >= 1)
        return 1;
    GD_drawing(graph)->size.x = (bb.UR.x - bb.LL.x) * scale;
    GD_drawing(graph)->size.y = (bb.UR.y - bb.LL.y) * scale;
    GD_drawing(graph)->filled = 0;
    return scale;
}

/*
 * Graphviz's png renderer does not survive running out of memory: when cairo cannot allocate the
 * bitmap it goes on drawing into none and crashes, and when its output buffer cannot grow it exits.
 * So the memory is asked for first, as one block: the bitmap, 4 bytes a pixel, and a quarter as much
 * again for the png being written (a diagram compresses well) and pango's caches. Only the allocator knows what the process may
 * still use (a ulimit, the overcommit policy), and asking it is cheap: the block is never touched.
 */
#define PNG_BYTES_PER_PIXEL 4
#define PNG_MEMORY_MARGIN 1.25

static int png_memory_check(Agraph_t *graph, double scale, fcn_error *err)
{
    const boxf bb = GD_bb(graph);
    const double pad = 2 * 4.0, to_pixels = 96.0 / 72.0; /* graphviz's default pad: 4 points a side */
    const double width = ceil(((bb.UR.x - bb.LL.x) * scale + pad) * to_pixels) + 1,
                 height = ceil(((bb.UR.y - bb.LL.y) * scale + pad) * to_pixels) + 1;
    const double bytes = width * height * PNG_BYTES_PER_PIXEL * PNG_MEMORY_MARGIN;
    if (!(bytes < (double)SIZE_MAX))
        return fcn_fail(err, "out of memory for a png of %.0f x %.0f pixels; an .svg needs far less", width, height);
    /* volatile: a block allocated and freed unused could be left out by the compiler. */
    void *volatile block = malloc((size_t)bytes);
    const int available = block != NULL;
    free(block);
    if (!available)
        return fcn_fail(err, "out of memory for a png of %.0f x %.0f pixels (%.0f MB to draw); an .svg needs far less",
                        width, height, bytes / 1e6);
    return 0;
}

int vis_render(Agraph_t *graph, const char *engine, const char *format, char **data, size_t *length, double *scale,
               fcn_error *err)
{
    *data = NULL;
    *length = 0;
    *scale = 1;
    GVC_t *gvc = gvContext();
    if (!gvc)
        return graphviz_failure(err, "start");
    int status = 0;
    if (gvLayout(gvc, graph, engine) != 0) {
        status = graphviz_failure(err, "lay out the picture");
    } else {
        const int png = strcmp(format, "png") == 0;
        if (png)
            *scale = fit_png(graph);
        char what[64];
        unsigned int size = 0;
        snprintf(what, sizeof what, "render %s", format);
        if (png && png_memory_check(graph, *scale, err)) {
            status = -1;
        } else if (gvRenderData(gvc, graph, format, data, &size) != 0 || !*data) {
            status = graphviz_failure(err, what);
            vis_render_free(*data);
            *data = NULL;
        }
        *length = size;
    }
    /* Also after a failed layout, which may have left half its records on the graph. */
    gvFreeLayout(gvc, graph);
    gvFreeContext(gvc);
    return status;
}

void vis_render_free(char *data)
{
    if (data)
        gvFreeRenderData(data);
}
