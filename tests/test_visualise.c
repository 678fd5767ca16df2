/*
 * fcn_visualise: every golden configuration of vgg11 and alexnet drawn as SVG names every layer
 * (squeezes included) and shows the module instances its folding implies; PNG, PDF and dot
 * output; names graphviz would misread; a residual block drawn with its branch and join, whole
 * and cut in two partitions; every error path.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, fork, setenv: a directory for the pictures, a broken graphviz */

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "golden_util.h"
#include "residual_block.h"

#define MAX_INSTANCES 16 /* more are drawn as one node "conv ×N" */
#define TIMES "\xC3\x97"

static char dir[64];

static char *read_whole(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    char *data = NULL;
    size_t length = 0, capacity = 0, got;
    do {
        if (length + 65536 > capacity) {
            capacity = 2 * capacity + 65536;
            char *grown = realloc(data, capacity + 1);
            if (!grown)
                break;
            data = grown;
        }
        got = fread(data + length, 1, capacity - length, file);
        length += got;
    } while (got > 0);
    fclose(file);
    if (data)
        data[length] = '\0';
    if (size)
        *size = length;
    return data;
}

static int occurrences(const char *text, const char *part)
{
    int n = 0;
    for (const char *at = strstr(text, part); at; at = strstr(at + 1, part))
        n++;
    return n;
}

/* A name as graphviz writes it in SVG text. */
static void svg_escape(const char *name, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (const char *c = name; *c && n + 8 < size; c++) {
        const char *entity = *c == '&' ? "&amp;" : *c == '<' ? "&lt;" : *c == '>' ? "&gt;" : *c == '"' ? "&quot;"
                           : *c == '\'' ? "&#39;" : *c == '-' ? "&#45;" : NULL;
        if (entity)
            n += (size_t)snprintf(out + n, size - n, "%s", entity);
        else
            out[n++] = *c, out[n] = '\0';
    }
}

/* The module instances the folding implies, in pipeline order: names and counts; their number. */
static int expected_modules(const fcn_layer *l, const fcn_layer_figures *f, const char *names[6], int64_t counts[6])
{
    const int64_t ci = l->coarse_in, co = l->coarse_out, cg = l->coarse_group, c = f->streams_in;
    int n = 0;
#define MODULE(name, count) (names[n] = (name), counts[n] = (count), n++)
    switch (l->type) {
    case FCN_CONVOLUTION:
        MODULE("sliding_window", ci * cg), MODULE("fork", ci * cg), MODULE("conv", ci * co * cg);
        MODULE("accum", ci * co * cg), MODULE("glue", co * cg);
        if (l->has_bias)
            MODULE("bias", co * cg);
        break;
    case FCN_INNER_PRODUCT:
        MODULE("fork", ci), MODULE("conv", ci * co), MODULE("accum", ci * co), MODULE("glue", co);
        if (l->has_bias)
            MODULE("bias", co);
        break;
    case FCN_POOLING: MODULE("sliding_window", c), MODULE("pool", c); break;
    case FCN_RELU: MODULE("relu", c); break;
    case FCN_BATCH_NORM: MODULE("batch_norm", c); break;
    case FCN_SQUEEZE: MODULE("squeeze", 1); break;
    default: break;
    }
#undef MODULE
    return n;
}

/* Instances drawn one by one (nodes "p0_l3_conv_5"), or one node "p0_l3_conv" labelled "conv ×N". */
static void check_module(const char *where, const char *svg, int p, int l, const char *name, int64_t count)
{
    char title[96], label[96];
    /* Edges have titles too ("p0_l3_conv_5&#45;&gt;..."): only nodes count. */
    snprintf(title, sizeof title, "class=\"node\">\n<title>p%d_l%d_%s_", p, l, name);
    int drawn = occurrences(svg, title);
    if (count <= MAX_INSTANCES && count > 1) {
        golden_record(drawn == count, where, name, "%d instances drawn, the folding implies %lld", drawn,
                      (long long)count);
        return;
    }
    snprintf(title, sizeof title, "class=\"node\">\n<title>p%d_l%d_%s</title>", p, l, name);
    golden_record(drawn == 0 && occurrences(svg, title) == 1, where, name, "not drawn as one node");
    if (count > 1) {
        snprintf(label, sizeof label, ">%s " TIMES "%lld</text>", name, (long long)count);
        golden_record(strstr(svg, label) != NULL, where, name, "no label \"%s ×%lld\"", name, (long long)count);
    }
}

static void check_svg(const char *where, const fcn_network_figures *figures, const char *svg)
{
    int bottlenecks = 0;
    for (int p = 0; p < figures->partition_count; p++) {
        const fcn_partition_figures *part = &figures->partitions[p];
        for (int l = 0; l < part->layer_count; l++) {
            char escaped[512], named[600], place[700];
            svg_escape(part->layers[l].name, escaped, sizeof escaped);
            snprintf(named, sizeof named, ">%s (", escaped);
            snprintf(place, sizeof place, "%s: partition %d, layer '%s'", where, p, part->layers[l].name);
            golden_record(strstr(svg, named) != NULL, place, "label", "the SVG does not name the layer");
            const char *names[6];
            int64_t counts[6];
            int n = expected_modules(&part->layers[l], &part->figures[l], names, counts);
            for (int m = 0; m < n; m++)
                check_module(place, svg, p, l, names[m], counts[m]);
        }
        bottlenecks++;
    }
    golden_record(occurrences(svg, " bottleneck</text>") == bottlenecks, where, "bottleneck",
                  "one bottleneck per partition expected");
}

/* Reads and evaluates a configuration; the network, or NULL after recording why. */
static fcn_network *evaluate_text(const char *text, const char *where, fcn_network_figures *figures)
{
    fcn_error err = {{0}};
    fcn_network *net = fcn_network_read_string(text, where, &err);
    golden_record(net != NULL, where, "read", "%s", err.message);
    fcn_eval_options opts = {125.0, 0.0, 0};
    if (net && fcn_network_evaluate(net, &opts, figures, &err)) {
        golden_record(0, where, "evaluate", "%s", err.message);
        fcn_network_figures_free(figures);
        fcn_network_free(net);
        return NULL;
    }
    return net;
}

static void release(fcn_network *net, fcn_network_figures *figures)
{
    fcn_network_figures_free(figures);
    fcn_network_free(net);
}

static int run_case(const char *model, const json_t *golden_case)
{
    int failures_before = check_failures;
    char where[160], path[128];
    snprintf(where, sizeof where, "%s/%s", model, golden_case_name(golden_case));
    char *text = json_dumps(json_object_get(golden_case, "config"), JSON_COMPACT);
    fcn_network_figures figures_storage, *figures = &figures_storage;
    fcn_network *net = text ? evaluate_text(text, where, figures) : NULL;
    free(text);
    if (!net)
        return 0;
    fcn_error err = {{0}};
    snprintf(path, sizeof path, "%s/%s.svg", dir, golden_case_name(golden_case));
    int rc = fcn_visualise(figures, path, FCN_DETAIL_MODULES, &err);
    golden_record(rc == 0, where, "fcn_visualise", "%s", err.message);
    char *svg = rc == 0 ? read_whole(path, NULL) : NULL;
    golden_record(rc != 0 || svg != NULL, where, "svg", "cannot read %s back", path);
    if (svg)
        check_svg(where, figures, svg);
    free(svg);
    remove(path);
    release(net, figures);
    return check_failures == failures_before;
}

static void golden_cases(void)
{
    const char *models[] = {"alexnet", "vgg11"};
    for (int m = 0; m < 2; m++) {
        char path[96];
        snprintf(path, sizeof path, "data/golden/%s.configs.json", models[m]);
        json_t *cases = golden_load_cases(path);
        CHECK(cases != NULL && json_array_size(cases) > 0);
        size_t index, passed = 0;
        json_t *golden_case;
        json_array_foreach(cases, index, golden_case)
            passed += (size_t)run_case(models[m], golden_case);
        printf("test_visualise: %s: %zu of %zu configurations drawn as their folding implies\n", models[m], passed,
               json_array_size(cases));
        json_decref(cases);
    }
}

/* Names graphviz would read as escapes, entities or markup; coarse 2 in, 4 out; a squeeze 4 -> 2; a batch norm. */
static const char WEIRD[] =
    "{\"partition\": [{\"id\": 0, \"batch_size\": 1, \"input_node\": \"c\\\\1 & <x> \\\"q\\\"\","
    " \"output_node\": \"bn-1 'x'\", \"layers\": ["
    " {\"name\": \"c\\\\1 & <x> \\\"q\\\"\", \"type\": \"CONVOLUTION\", \"node_in\": \"c\\\\1 & <x> \\\"q\\\"\","
    "  \"node_out\": \"&#215;\\\\nR\", \"parameters\": {\"rows_in\": 8, \"cols_in\": 8, \"channels_in\": 4,"
    "  \"filters\": 8, \"kernel_size\": [3, 3], \"coarse_in\": 2, \"coarse_out\": 4, \"fine\": 9, \"has_bias\": 1}},"
    " {\"name\": \"&#215;\\\\nR\", \"type\": \"RELU\", \"node_in\": \"c\\\\1 & <x> \\\"q\\\"\","
    "  \"node_out\": \"bn-1 'x'\", \"parameters\": {\"rows_in\": 6, \"cols_in\": 6, \"channels_in\": 8,"
    "  \"coarse\": 2}},"
    " {\"name\": \"bn-1 'x'\", \"type\": \"BATCH_NORM\", \"node_in\": \"&#215;\\\\nR\", \"node_out\": \"bn-1 'x'\","
    "  \"parameters\": {\"rows_in\": 6, \"cols_in\": 6, \"channels_in\": 8, \"coarse\": 2}}]}]}";

static char *draw(const fcn_network_figures *figures, const char *file, fcn_detail detail, size_t *size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    fcn_error err = {{0}};
    int rc = fcn_visualise(figures, path, detail, &err);
    CHECK_MESSAGE(rc == 0 ? "ok" : err.message, "ok");
    char *data = rc == 0 ? read_whole(path, size) : NULL;
    CHECK(rc != 0 || data != NULL);
    remove(path);
    return data;
}

static void test_names_and_formats(void)
{
    fcn_network_figures figures_storage, *figures = &figures_storage;
    fcn_network *net = evaluate_text(WEIRD, "weird", figures);
    if (!net)
        return;
    size_t size = 0;
    char *svg = draw(figures, "weird.svg", FCN_DETAIL_MODULES, &size);
    if (svg) {
        CHECK(strstr(svg, ">c\\1 &amp; &lt;x&gt; &quot;q&quot; (convolution)</text>") != NULL);
        CHECK(strstr(svg, ">&amp;#215;\\nR (relu)</text>") != NULL);
        CHECK(strstr(svg, ">bn&#45;1 &#39;x&#39; (batch norm)</text>") != NULL);
        CHECK(strstr(svg, ">8" TIMES "8" TIMES "4 \xE2\x86\x92 6" TIMES "6" TIMES "8</text>") != NULL);
        CHECK(strstr(svg, ">coarse in 2, out 4, fine 9</text>") != NULL);
        CHECK(strstr(svg, ">streams 4 \xE2\x86\x92 2</text>") != NULL);
        CHECK(strstr(svg, ">input " "\xC2\xB7" " 2 streams</text>") != NULL);
        check_svg("weird", figures, svg);
    }
    free(svg);
    svg = draw(figures, "weird.SVG", FCN_DETAIL_LAYERS, NULL);
    if (svg) {
        CHECK(strstr(svg, "<title>p0_l0</title>") && strstr(svg, "<title>p0_l2</title>"));
        CHECK(!strstr(svg, "<title>p0_l0_conv"));
        CHECK(strstr(svg, ">" TIMES "4</text>") != NULL); /* conv to squeeze: 4 streams */
    }
    free(svg);
    char *png = draw(figures, "weird.png", FCN_DETAIL_MODULES, &size);
    CHECK(png && size > 8 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
    free(png);
    char *pdf = draw(figures, "weird.pdf", FCN_DETAIL_LAYERS, &size);
    CHECK(pdf && size > 5 && memcmp(pdf, "%PDF-", 5) == 0);
    free(pdf);
    char *dot = draw(figures, "weird.dot", FCN_DETAIL_MODULES, &size);
    CHECK(dot && strncmp(dot, "digraph", 7) == 0 && strstr(dot, "cluster_p0_l2") && !strstr(dot, "pos="));
    CHECK(dot && strstr(dot, "c\\\\1 &amp; <x> \\\"q\\\" (convolution)"));
    free(dot);
    release(net, figures);
}

/*
 * The residual block of residual_block.h, the split carrying 2 streams, so that squeezes come in
 * after conv0 (1 -> 2) and on the skip before the add (2 -> 1). Cut before conv2 (`cut` 1), the
 * skip and relu1's output cross to partition 1 through memory.
 */
static int residual_evaluate(residual_block *r, int cut, fcn_network_figures *figures)
{
    static const int starts[1] = {4};
    residual_build(r, starts, cut);
    r->layers[1].coarse_in = r->layers[1].coarse_out = 2;
    r->layers[2].coarse_in = 2;
    fcn_error err = {{0}};
    fcn_eval_options opts = {125.0, 0.0, 0};
    int rc = fcn_network_check(&r->net, &err) || fcn_network_evaluate(&r->net, &opts, figures, &err) ? -1 : 0;
    CHECK_MESSAGE(rc == 0 ? "ok" : err.message, "ok");
    return rc;
}

/* The index in the figures of the layer named `name`, or -1. */
static int figure_index(const fcn_partition_figures *p, const char *name)
{
    for (int i = 0; i < p->layer_count; i++)
        if (strcmp(p->layers[i].name, name) == 0)
            return i;
    return -1;
}

/* Whether the dot source has an edge from layer box `from` to layer box `to` of partition p. */
static int has_edge(const char *dot, const fcn_partition_figures *p, int partition, const char *from,
                    const char *to)
{
    char edge[96];
    snprintf(edge, sizeof edge, "p%d_l%d -> p%d_l%d", partition, figure_index(p, from), partition,
             figure_index(p, to));
    return strstr(dot, edge) != NULL;
}

static void test_residual(void)
{
    residual_block r;
    fcn_network_figures figures;
    if (residual_evaluate(&r, 0, &figures))
        return;
    const fcn_partition_figures *p = &figures.partitions[0];
    char *dot = draw(&figures, "residual.dot", FCN_DETAIL_LAYERS, NULL);
    if (dot) {
        CHECK(has_edge(dot, p, 0, "conv0_squeeze_split", "split"));
        CHECK(has_edge(dot, p, 0, "split", "conv1")); /* the branch */
        CHECK(has_edge(dot, p, 0, "split", "split_squeeze_add")); /* the skip */
        CHECK(has_edge(dot, p, 0, "conv2", "add") && has_edge(dot, p, 0, "split_squeeze_add", "add")); /* the join */
        CHECK(has_edge(dot, p, 0, "add", "relu2"));
        CHECK(!has_edge(dot, p, 0, "relu1", "add") && !has_edge(dot, p, 0, "split", "add"));
        CHECK(strstr(dot, "p0_input -> p0_l0") && strstr(dot, "-> p0_output") && !strstr(dot, "p0_input_1"));
        CHECK_INT(occurrences(dot, "style=\"filled,diagonals\""), 2); /* the split and the join */
        CHECK(strstr(dot, "color=\"#1f5fa8\"") && strstr(dot, "color=\"#2e7d32\""));
        CHECK(strstr(dot, "coarse 2 \xC2\xB7 2 outputs") && strstr(dot, "coarse 1 \xC2\xB7 sum of 2 inputs"));
    }
    free(dot);
    /* Module instances: the split's two forks feed conv1's two windows and the skip's squeeze; the add's one eltwise takes both. */
    dot = draw(&figures, "residual_modules.dot", FCN_DETAIL_MODULES, NULL);
    if (dot) {
        char edge[96];
        const int split = figure_index(p, "split"), add = figure_index(p, "add");
        snprintf(edge, sizeof edge, "p0_l%d_fork_1 -> p0_l%d_sliding_window_1", split, figure_index(p, "conv1"));
        CHECK(strstr(dot, edge) != NULL);
        snprintf(edge, sizeof edge, "p0_l%d_fork_1 -> p0_l%d_squeeze", split, figure_index(p, "split_squeeze_add"));
        CHECK(strstr(dot, edge) != NULL);
        snprintf(edge, sizeof edge, "-> p0_l%d_eltwise", add);
        CHECK_INT(occurrences(dot, edge), 2);
    }
    free(dot);
    fcn_network_figures_free(&figures);
}

/* Cut in two: partition 1 reads relu1's output and the skip, each named, each linked to the output that wrote it. */
static void test_residual_partitions(void)
{
    residual_block r;
    fcn_network_figures figures;
    if (residual_evaluate(&r, 1, &figures))
        return;
    CHECK_INT(figures.partitions[0].outputs, 2);
    CHECK_INT(figures.partitions[1].inputs, 2);
    char *dot = draw(&figures, "residual2.dot", FCN_DETAIL_LAYERS, NULL);
    if (dot) {
        CHECK(strstr(dot, "label=\"from relu1 (memory)\"") && strstr(dot, "label=\"from split (memory)\""));
        CHECK(strstr(dot, "p0_output_1") && strstr(dot, "p1_input_1") && !strstr(dot, "p1_output_1"));
        /* Partition 0 writes the skip first (the split comes before relu1); partition 1 reads relu1's first (conv2 before add). */
        CHECK(strstr(dot, "p0_output -> p1_input_1") && strstr(dot, "p0_output_1 -> p1_input\t"));
        CHECK_INT(occurrences(dot, "reconfigure"), 1);
        CHECK_INT(occurrences(dot, "style=dashed"), 2);
    }
    free(dot);
    char *svg = draw(&figures, "residual2.svg", FCN_DETAIL_MODULES, NULL);
    if (svg) {
        CHECK(strstr(svg, ">from split (memory)</text>") != NULL);
        check_svg("residual2", &figures, svg);
    }
    free(svg);
    fcn_network_figures_free(&figures);
}

static void expect_failure(const fcn_network_figures *figures, const char *path, fcn_detail detail,
                           const char *part)
{
    fcn_error err = {{0}};
    CHECK_INT(fcn_visualise(figures, path, detail, &err), -1);
    CHECK_MESSAGE(err.message, part);
    CHECK(!strchr(err.message, '\n'));
}

/*
 * Graphviz without its plugins cannot lay anything out: its own message must come through, and no
 * file be made. Graphviz reads GVBINDIR (where its plugins are) once per process, at its first use,
 * so a child forked before this process first draws, with GVBINDIR pointing nowhere, draws; it
 * sends its message back through a pipe.
 */
static void test_graphviz_failure(const fcn_network_figures *figures)
{
    char path[128], message[sizeof(fcn_error)] = {0};
    snprintf(path, sizeof path, "%s/broken.svg", dir);
    int ends[2];
    CHECK(pipe(ends) == 0);
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        close(ends[0]);
        setenv("GVBINDIR", "/nonexistent-fcn-dir", 1);
        fcn_error err = {{0}};
        if (fcn_visualise(figures, path, FCN_DETAIL_MODULES, &err) == 0)
            snprintf(err.message, sizeof err.message, "no failure");
        ssize_t written = write(ends[1], err.message, strlen(err.message));
        _exit(written > 0 ? 0 : 1);
    }
    close(ends[1]);
    size_t length = 0;
    for (ssize_t got; length + 1 < sizeof message && (got = read(ends[0], message + length, sizeof message - 1 - length)) > 0;)
        length += (size_t)got;
    close(ends[0]);
    int status;
    CHECK(child > 0 && waitpid(child, &status, 0) == child);
    CHECK_MESSAGE(message, "broken.svg: graphviz cannot lay out the picture: Layout type: \"dot\" not recognized");
    CHECK(access(path, F_OK) != 0);
}

static void test_graphviz_failure_first(void)
{
    fcn_network_figures figures;
    fcn_network *net = evaluate_text(WEIRD, "weird", &figures);
    if (!net)
        return;
    test_graphviz_failure(&figures);
    release(net, &figures);
}

static void test_errors(void)
{
    fcn_network_figures figures_storage, *figures = &figures_storage;
    fcn_network *net = evaluate_text(WEIRD, "weird", figures);
    if (!net)
        return;
    char path[128], message[256];
    snprintf(path, sizeof path, "%s/x.gif", dir);
    snprintf(message, sizeof message, "%s: unknown picture format '.gif' (expected .png, .svg, .pdf or .dot)", path);
    expect_failure(figures, path, FCN_DETAIL_MODULES, message);
    expect_failure(figures, "a.dir/picture", FCN_DETAIL_MODULES, "a.dir/picture: no extension");
    expect_failure(figures, "picture.", FCN_DETAIL_MODULES, "picture.: no extension");
    expect_failure(figures, "x.svgz", FCN_DETAIL_MODULES, "unknown picture format '.svgz'");
    const char *unwritable[] = {"/nonexistent-fcn-dir/x.svg", "/nonexistent-fcn-dir/x.png",
                                "/nonexistent-fcn-dir/x.dot"};
    for (int i = 0; i < 3; i++) {
        snprintf(message, sizeof message, "%s: cannot open for writing: No such file or directory", unwritable[i]);
        expect_failure(figures, unwritable[i], FCN_DETAIL_LAYERS, message);
    }
    expect_failure(NULL, "x.svg", FCN_DETAIL_MODULES, "no figures to draw");
    expect_failure(figures, NULL, FCN_DETAIL_MODULES, "no file to draw the picture in");
    expect_failure(figures, "x.svg", (fcn_detail)42, "x.svg: unknown detail 42");
    /* Figures not made by fcn_network_evaluate: an edge to no layer, a summary without edges. */
    snprintf(path, sizeof path, "%s/x.svg", dir);
    fcn_partition_figures *p = &figures->partitions[0];
    const fcn_edge saved = p->edges[1];
    p->edges[1].to = p->layer_count;
    expect_failure(figures, path, FCN_DETAIL_LAYERS, "x.svg: partition 0: edge 1 (0 -> 4) is not between its layers and memory");
    p->edges[1] = (fcn_edge){.from = -1, .to = -1};
    expect_failure(figures, path, FCN_DETAIL_MODULES, "partition 0: edge 1 (-1 -> -1) is not between");
    p->edges[1] = saved;
    fcn_edge *edges = p->edges;
    p->edges = NULL;
    expect_failure(figures, path, FCN_DETAIL_LAYERS, "x.svg: partition 0: no layers or edges to draw (a summary has none)");
    p->edges = edges;
    CHECK(access(path, F_OK) != 0);

    release(net, figures);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/fcn_test_visualise_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_graphviz_failure_first(); /* before anything here uses graphviz */
    test_names_and_formats();
    test_residual();
    test_residual_partitions();
    test_errors();
    golden_cases();
    rmdir(dir);
    return golden_summary("test_visualise");
}
