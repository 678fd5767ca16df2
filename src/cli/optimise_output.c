/*
 * `fpgaconvnet optimise`'s output directory: every file is written into a
 * staging directory beside OUTDIR, which is renamed to OUTDIR only when all
 * are written, so a failure never leaves an OUTDIR that looks complete.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, rmdir, unlink */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bound_output.h"
#include "optimise_output.h"

static int is_empty_directory(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir)
        return 0;
    int empty = 1;
    for (struct dirent *e; empty && (e = readdir(dir));)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(dir);
    return empty;
}

int stage_open(stage *st, const char *outdir)
{
    memset(st, 0, sizeof *st);
    st->outdir = outdir;
    struct stat info;
    if (stat(outdir, &info) == 0) {
        if (!S_ISDIR(info.st_mode))
            return cli_error(CLI_FAILURE, "cannot write '%s': it exists and is not a directory", outdir);
        if (!is_empty_directory(outdir))
            return cli_error(CLI_FAILURE, "cannot write '%s': it exists and is not empty (give a new directory)",
                             outdir);
    }
    size_t length = strlen(outdir);
    while (length > 1 && outdir[length - 1] == '/')
        length--;
    if (length + 16 > sizeof st->path)
        return cli_error(CLI_FAILURE, "cannot write '%s': the path is too long", outdir);
    snprintf(st->path, sizeof st->path, "%.*s.tmp-XXXXXX", (int)length, outdir);
    if (!mkdtemp(st->path)) {
        int saved = errno;
        st->path[0] = '\0';
        return cli_error(CLI_FAILURE, "cannot write '%s': %s", outdir, strerror(saved));
    }
    /* mkdtemp keeps the directory private; OUTDIR gets the permissions any new directory would. */
    mode_t mask = umask(0);
    umask(mask);
    chmod(st->path, 0777 & ~mask);
    return 0;
}

const char *stage_file(stage *st, const char *name, char *buffer, size_t size)
{
    if (st->file_count < STAGE_MAX_FILES)
        snprintf(st->files[st->file_count++], sizeof st->files[0], "%s", name);
    snprintf(buffer, size, "%s/%s", st->path, name);
    return buffer;
}

int stage_commit(stage *st)
{
    if (rename(st->path, st->outdir) != 0) {
        int saved = errno;
        stage_abandon(st);
        return cli_error(CLI_FAILURE, "cannot write '%s': %s", st->outdir, strerror(saved));
    }
    st->path[0] = '\0';
    return 0;
}

void stage_abandon(stage *st)
{
    if (!st->path[0])
        return;
    char file[sizeof st->path + sizeof st->files[0] + 1];
    for (int i = 0; i < st->file_count; i++) {
        snprintf(file, sizeof file, "%s/%s", st->path, st->files[i]);
        unlink(file);
    }
    rmdir(st->path);
    st->path[0] = '\0';
}

static int write_report(stage *st, const fcn_network_figures *figures, const fcn_platform *platform)
{
    char path[sizeof st->path + 32];
    FILE *out = fopen(stage_file(st, "report.json", path, sizeof path), "w");
    if (!out)
        return cli_error(CLI_FAILURE, "cannot write '%s': %s", path, strerror(errno));
    fcn_error err;
    if (fcn_report_write(out, FCN_REPORT_JSON, figures, platform, &err)) {
        fclose(out);
        return cli_error(CLI_FAILURE, "%s: %s", path, err.message);
    }
    return cli_close_output(out, path);
}

static int write_schedule(stage *st, const fcn_network_figures *figures)
{
    char path[sizeof st->path + 32];
    fcn_schedule_row *rows = calloc((size_t)figures->partition_count, sizeof *rows);
    if (!rows)
        return cli_error(CLI_FAILURE, "out of memory");
    fcn_schedule(figures, rows);
    FILE *out = fopen(stage_file(st, "scheduler.csv", path, sizeof path), "w");
    int status = CLI_FAILURE;
    fcn_error err;
    if (!out) {
        cli_error(CLI_FAILURE, "cannot write '%s': %s", path, strerror(errno));
    } else if (fcn_schedule_write(out, rows, figures->partition_count, 0, &err)) {
        fclose(out);
        cli_error(CLI_FAILURE, "%s: %s", path, err.message);
    } else {
        status = cli_close_output(out, path);
    }
    free(rows);
    return status;
}

int write_outputs(stage *st, const char *name, const fcn_network *net, fcn_config_format format,
                  const fcn_platform *platform, const fcn_eval_options *opts, double picture_deadline)
{
    char path[sizeof st->path + sizeof st->files[0] + 2], file[sizeof st->files[0]];
    snprintf(file, sizeof file, "%s.json", name);
    fcn_error err;
    if (fcn_network_write_format(net, stage_file(st, file, path, sizeof path), format, &err))
        return cli_error(CLI_FAILURE, "%s", err.message);
    fcn_network_figures figures;
    if (fcn_network_evaluate(net, opts, &figures, &err))
        return cli_error(CLI_FAILURE, "%s", err.message);
    int status = write_report(st, &figures, platform);
    if (!status)
        status = write_schedule(st, &figures);
    if (!status)
        write_picture(st, &figures, picture_deadline); /* never fails the command: it says when the picture is missing */
    fcn_network_figures_free(&figures);
    return status;
}

int write_bound(stage *st, const fcn_bound *bound, double allocation, double ratio)
{
    char path[sizeof st->path + 32];
    json_t *o = bound_to_json(bound, allocation, ratio);
    if (!o)
        return cli_error(CLI_FAILURE, "out of memory");
    const int failed = json_dump_file(o, stage_file(st, "bound.json", path, sizeof path),
                                      JSON_INDENT(2) | JSON_REAL_PRECISION(17)) != 0;
    json_decref(o);
    return failed ? cli_error(CLI_FAILURE, "cannot write '%s'", path) : 0;
}
