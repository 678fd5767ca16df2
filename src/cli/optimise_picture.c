/*
 * `fpgaconvnet optimise`'s topology.png, drawn so that the picture can never cost the result: in a
 * child process (graphviz may run out of memory and crash, or take long on a graph it finds hard)
 * that may spend only a few seconds, and no more than what is left of --time-limit when one was
 * given. fcn_visualise_fitted keeps a large network's picture to a second or two (a box per layer,
 * rows instead of dot, a png scaled down); when the png had to be scaled below half, topology.svg
 * keeps it at full size. A picture that is not drawn in time, or fails, is left out with one line on
 * stderr; the configuration, report and schedule stand. A simplified picture is no failure: one line
 * on stdout, with the summary, says how.
 */
#define _POSIX_C_SOURCE 200809L /* unlink, SIGXCPU */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file_write.h"
#include "optimise_output.h"

/*
 * The child may spend PICTURE_CPU_SECONDS of processor time (the kernel stops it beyond): drawing
 * takes about one on an idle machine. The wall-clock bound only catches a child that waits without
 * computing; it is generous because a loaded machine stretches the same work several times over.
 * Under a deadline both shrink to the time left, but never below PICTURE_MIN_SECONDS: a search that
 * used all of --time-limit still gets a small network's picture, which takes a fraction of that.
 */
#define PICTURE_CPU_SECONDS 8
#define PICTURE_SECONDS 30.0
#define PICTURE_MIN_SECONDS 1.0
/* A picture with more layers than this is drawn a box a layer: module clusters would be unreadable. */
#define MODULE_DETAIL_MAX_LAYERS 24
/* Below this scale a png's labels cannot be read: an svg is written too. */
#define SVG_BELOW_SCALE 0.5

/* What the child may spend; `by_deadline` when the time left, not the usual bound, set it. */
typedef struct picture_budget {
    double wall_s;
    int cpu_s, by_deadline;
} picture_budget;

static picture_budget budget_until(double deadline)
{
    picture_budget b = {PICTURE_SECONDS, PICTURE_CPU_SECONDS, 0};
    const double left = deadline - cli_now();
    if (deadline <= 0 || left >= PICTURE_SECONDS)
        return b;
    b.by_deadline = 1;
    b.wall_s = left > PICTURE_MIN_SECONDS ? left : PICTURE_MIN_SECONDS;
    /* Whole seconds (RLIMIT_CPU's unit), rounded up: the clock, not the processor, is what binds. */
    const int cpu = (int)b.wall_s + (b.wall_s > (int)b.wall_s);
    if (cpu < b.cpu_s)
        b.cpu_s = cpu;
    return b;
}

/* What the child draws. */
typedef struct picture_files {
    const fcn_network_figures *figures;
    const char *png, *svg;
} picture_files;

/* Child: draws, and reports each file on the pipe as "<name> ok <note>" or "<name> failed <message>". */
static void draw_in_child(int out, void *user)
{
    const picture_files *files = user;
    int layers = 0;
    for (int p = 0; p < files->figures->partition_count; p++)
        layers += files->figures->partitions[p].layer_count;
    const fcn_detail detail = layers <= MODULE_DETAIL_MAX_LAYERS ? FCN_DETAIL_MODULES : FCN_DETAIL_LAYERS;
    char note[256], line[1024];
    fcn_error err;
    int failed = fcn_visualise_fitted(files->figures, files->png, detail, note, sizeof note, &err);
    snprintf(line, sizeof line, "png %s %s\n", failed ? "failed" : "ok", failed ? err.message : note);
    if (file_write_all(out, line, strlen(line)) != 0)
        return;
    if (!failed && strstr(note, "scaled to ")) {
        const char *scaled = strstr(note, "scaled to ") + strlen("scaled to ");
        if (atof(scaled) < 100 * SVG_BELOW_SCALE) {
            failed = fcn_visualise_fitted(files->figures, files->svg, FCN_DETAIL_LAYERS, note, sizeof note, &err);
            snprintf(line, sizeof line, "svg %s\n", failed ? "failed" : "ok");
            file_write_all(out, line, strlen(line));
        }
    }
}

/* The rest of the child's line about `which` ("ok ..." or "failed ..."), without its newline; NULL if none. */
static const char *report_of(char *said, const char *which)
{
    char key[8];
    snprintf(key, sizeof key, "%s ", which);
    char *line = strstr(said, key);
    if (!line)
        return NULL;
    char *end = strchr(line, '\n');
    if (end)
        *end = '\0';
    return line + strlen(key);
}

/* The child's message names the file in the staging directory, which is gone by now: the line names topology.png. */
static const char *without_path(const char *message, const char *path)
{
    const size_t n = strlen(path);
    return strncmp(message, path, n) == 0 && strncmp(message + n, ": ", 2) == 0 ? message + n + 2 : message;
}

static void say_missing(const char *why)
{
    fprintf(stderr, "fpgaconvnet: topology.png is missing: %s; the configuration, report and schedule are written\n",
            why);
}

void write_picture(stage *st, const fcn_network_figures *figures, double deadline)
{
    const picture_budget budget = budget_until(deadline);
    char png[sizeof st->path + 32], svg[sizeof st->path + 32];
    picture_files files = {figures, stage_file(st, "topology.png", png, sizeof png),
                           stage_file(st, "topology.svg", svg, sizeof svg)};
    cli_child child;
    if (cli_run_child(draw_in_child, &files, budget.wall_s, budget.cpu_s, &child) != 0) {
        say_missing(strerror(errno));
        return;
    }
    char copy[sizeof child.said];
    memcpy(copy, child.said, sizeof copy);
    const char *png_report = report_of(child.said, "png"), *svg_report = report_of(copy, "svg");
    const int svg_ok = svg_report && strncmp(svg_report, "ok", 2) == 0;
    if (!svg_ok)
        unlink(svg);
    if (png_report && strncmp(png_report, "ok", 2) == 0) {
        const char *note = png_report + 2 + (png_report[2] == ' ');
        if (note[0]) /* not a problem: said with the summary, on stdout */
            printf("topology.png simplified to draw in seconds: %s%s\n", note, svg_ok ? "; full size in topology.svg" : "");
        return;
    }
    unlink(png);
    char why[96];
    if (png_report)
        say_missing(without_path(png_report + strlen("failed") + (png_report[6] == ' '), png));
    else if (!child.finished) {
        if (budget.by_deadline)
            snprintf(why, sizeof why, "drawing it took longer than the %.1f s --time-limit left for it", budget.wall_s);
        else
            snprintf(why, sizeof why, "drawing it took longer than %g s", budget.wall_s);
        say_missing(why);
    } else if (WIFSIGNALED(child.status) && (WTERMSIG(child.status) == SIGXCPU || WTERMSIG(child.status) == SIGKILL)) {
        snprintf(why, sizeof why, "drawing it took more than %d s of processor time", budget.cpu_s);
        say_missing(why);
    } else if (WIFSIGNALED(child.status)) {
        snprintf(why, sizeof why, "graphviz crashed while drawing it (signal %d; out of memory?)", WTERMSIG(child.status));
        say_missing(why);
    } else {
        say_missing("graphviz stopped without drawing it");
    }
}
