/* `fpgaconvnet visualise`: draws a configuration (or an ONNX model's default one) with graphviz. */
#define _POSIX_C_SOURCE 200809L /* close, unlink */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "error.h"
#include "file_write.h"
#include "text.h"

static const char USAGE[] =
    "usage: fpgaconvnet visualise CONFIG.json -o FILE [--detail modules|layers]\n"
    "       fpgaconvnet visualise --model MODEL.onnx [--no-fuse-bn] [--data-width N]\n"
    "                             [--weight-width N] -o FILE [--detail ...]\n"
    "\n"
    "Draws each partition as a cluster of its layers and the streams between them,\n"
    "squeeze layers included, each labelled with its dimensions, folding, latency and\n"
    "share of the partition's interval, and shaded by that share (the bottleneck is\n"
    "outlined in red; splits blue, joins green). Tensors that cross partitions go\n"
    "through memory: dashed edges from the writing partition to the reading one.\n"
    "The format follows FILE's extension: .png, .svg, .pdf, or .dot (graphviz source).\n"
    "\n"
    "options:\n"
    "  -o, --output FILE   the picture to write (required)\n"
    "  --detail DETAIL     modules (default): each layer a cluster of its module instances\n"
    "                      per stream, more than 16 alike drawn as one ('conv x256');\n"
    "                      layers: each layer one box\n"
    "  --model MODEL.onnx  draw the default configuration of an ONNX model (as\n"
    "                      'fpgaconvnet parse' writes it) instead of CONFIG.json\n"
    "  --no-fuse-bn        with --model: keep a BatchNormalization after a Conv as a\n"
    "                      BATCH_NORM layer instead of folding it into the Conv\n"
    "  --data-width N      with --model: every layer's data width, 1..36 (default 16; a\n"
    "                      quantised model's own types win)\n"
    "  --weight-width N    with --model: the weights' width of every convolution and inner\n"
    "                      product, 1..36 (default 16)\n"
    "  -h, --help          show this help\n";

enum { OPT_OUTPUT, OPT_DETAIL, OPT_MODEL, OPT_NO_FUSE_BN, OPT_DATA_WIDTH, OPT_WEIGHT_WIDTH, OPT_HELP };
static const cli_option OPTIONS[] = {
    [OPT_OUTPUT] = {"output", 'o', 1},
    [OPT_DETAIL] = {"detail", 0, 1},
    [OPT_MODEL] = {"model", 0, 1},
    [OPT_NO_FUSE_BN] = {"no-fuse-bn", 0, 0},
    [OPT_DATA_WIDTH] = {"data-width", 0, 1},
    [OPT_WEIGHT_WIDTH] = {"weight-width", 0, 1},
    [OPT_HELP] = {"help", 'h', 0},
};

typedef struct visualise_request {
    const char *config, *model, *output; /* exactly one of config and model */
    fcn_detail detail;
    cli_model_options parse; /* with --model */
    int help;
} visualise_request;

/* Applies one option; 0, or -1 after printing the usage error. */
static int apply_option(void *request, int option, const char *value)
{
    visualise_request *r = request;
    switch (option) {
    case OPT_OUTPUT: r->output = value; return 0;
    case OPT_MODEL: r->model = value; return 0;
    case OPT_NO_FUSE_BN: r->parse.keep_batch_norm = 1; return 0;
    case OPT_DATA_WIDTH: return cli_width("visualise", "--data-width", value, &r->parse.data_width);
    case OPT_WEIGHT_WIDTH: return cli_width("visualise", "--weight-width", value, &r->parse.weight_width);
    case OPT_HELP: r->help = 1; return 0;
    case OPT_DETAIL:
        if (strcmp(value, "modules") == 0)
            r->detail = FCN_DETAIL_MODULES;
        else if (strcmp(value, "layers") == 0)
            r->detail = FCN_DETAIL_LAYERS;
        else
            return cli_error(CLI_USAGE, "visualise: --detail: unknown detail '%s' (expected modules or layers)",
                             value),
                   -1;
        return 0;
    }
    return -1;
}

/* What the arguments must hold together; 0, or the exit status after printing the error. */
static int check_request(const visualise_request *r)
{
    if (r->help)
        return 0;
    if (r->config && r->model)
        return cli_error(CLI_USAGE, "visualise: give CONFIG.json or --model MODEL.onnx, not both");
    if (!r->config && !r->model)
        return cli_error(CLI_USAGE, "visualise: missing CONFIG.json or --model MODEL.onnx "
                                    "(see 'fpgaconvnet visualise --help')");
    if (!r->output)
        return cli_error(CLI_USAGE, "visualise: missing -o FILE (see 'fpgaconvnet visualise --help')");
    return cli_model_options_need_model("visualise", &r->parse, r->model);
}

/* 0, or the exit status after printing the error. */
static int parse_request(int argc, char **argv, visualise_request *r)
{
    *r = (visualise_request){.detail = FCN_DETAIL_MODULES};
    int status = cli_parse_arguments("visualise", argc, argv, OPTIONS, CLI_OPTION_COUNT(OPTIONS), &r->config,
                                     apply_option, r);
    return status ? status : check_request(r);
}

/* A picture drawn simpler than asked is no failure: said on standard output, as optimise says it. */
static int print_note(const char *path, const char *note)
{
    char shown[4096];
    text_escape(shown, sizeof shown, path);
    printf("%s: simplified to draw in seconds: %s\n", shown, note);
    return cli_close_output(stdout, NULL);
}

/* What the child draws, and where. */
typedef struct drawing_job {
    const fcn_network_figures *figures;
    const char *path;
    fcn_detail detail;
} drawing_job;

/* Child: draws, and says "ok <note>" or "failed <message>" on the pipe. */
static void draw_in_child(int out, void *user)
{
    const drawing_job *job = user;
    char note[256], line[1024];
    fcn_error err;
    int failed = fcn_visualise_fitted(job->figures, job->path, job->detail, note, sizeof note, &err);
    snprintf(line, sizeof line, "%s %s", failed ? "failed" : "ok", failed ? err.message : note);
    file_write_all(out, line, strlen(line));
}

/*
 * fcn_visualise_fitted in a child process: graphviz crashes when it runs out of memory where no
 * check made beforehand can tell (a thread pango cannot start, fontconfig's caches), and the command
 * must still end with one line. 0 with the note, or -1 with the message in err.
 */
static int visualise_apart(const drawing_job *job, char *note, size_t note_size, fcn_error *err)
{
    cli_child child;
    if (cli_run_child(draw_in_child, (void *)job, 0, 0, &child) != 0)
        return fcn_fail(err, "%s: cannot start drawing it: %s", job->path, strerror(errno));
    if (strncmp(child.said, "ok", 2) == 0) {
        snprintf(note, note_size, "%s", child.said + 2 + (child.said[2] == ' '));
        return 0;
    }
    if (strncmp(child.said, "failed ", 7) == 0) { /* the library's message, fitted and escaped already */
        const char *message = child.said + 7;
        size_t n = strlen(message);
        n = n < sizeof err->message ? n : sizeof err->message - 1;
        memcpy(err->message, message, n);
        err->message[n] = '\0';
        return -1;
    }
    if (WIFSIGNALED(child.status))
        return fcn_fail(err, "%s: graphviz crashed while drawing it (signal %d; out of memory?)", job->path,
                        WTERMSIG(child.status));
    return fcn_fail(err, "%s: graphviz stopped without drawing it", job->path);
}

/*
 * Draws into a temporary file beside the output (with its extension: the
 * format follows it), renamed over the output once complete: a failed or
 * killed drawing leaves the old picture, never half a new one.
 */
static int draw(const fcn_network_figures *figures, const visualise_request *r, char *note, size_t note_size,
                fcn_error *err)
{
    const char *slash = strrchr(r->output, '/'), *dot = strrchr(r->output, '.');
    const char *extension = dot && (!slash || dot > slash) ? dot : "";
    char *temp = NULL;
    if (*extension) { /* without one, the library refuses the name before writing anything */
        int fd = file_open_output(r->output, extension, &temp);
        if (fd < 0)
            return fcn_fail(err, "%s: cannot open for writing: %s", r->output, strerror(errno));
        close(fd);
    }
    const drawing_job job = {figures, temp ? temp : r->output, r->detail};
    int failed = visualise_apart(&job, note, note_size, err);
    const char *named = temp && failed ? strstr(err->message, temp) : NULL;
    if (named) { /* the message is about the user's file, not our temporary one */
        fcn_error said = *err;
        const char *rest = said.message + (named - err->message) + strlen(temp);
        fcn_fail(err, "%.*s%s%s", (int)(named - err->message), said.message, r->output, rest);
    }
    if (temp && !failed && rename(temp, r->output) != 0)
        failed = fcn_fail(err, "%s: cannot write: %s", r->output, strerror(errno));
    if (temp && failed)
        unlink(temp);
    free(temp);
    return failed;
}

static int run(const visualise_request *r)
{
    fcn_error err;
    fcn_network *net = cli_load_network(r->config, r->model, 0, &r->parse, &err);
    if (!net)
        return cli_error(CLI_FAILURE, "%s", err.message);
    /* The picture is in cycles, so the clock does not matter: the defaults do. */
    fcn_eval_options opts = cli_eval_options(-1, -1, 0, NULL);
    fcn_network_figures figures;
    char note[256];
    int status = 0;
    if (fcn_network_evaluate(net, &opts, &figures, &err))
        status = cli_error(CLI_FAILURE, "%s: %s", r->model ? r->model : r->config, err.message);
    else if (draw(&figures, r, note, sizeof note, &err))
        status = cli_error(CLI_FAILURE, "%s", err.message);
    else if (note[0])
        status = print_note(r->output, note);
    fcn_network_figures_free(&figures);
    fcn_network_free(net);
    return status;
}

int visualise_command(int argc, char **argv)
{
    visualise_request request;
    int status = parse_request(argc, argv, &request);
    if (status || request.help)
        return cli_usage_or_error(status, USAGE);
    return run(&request);
}
