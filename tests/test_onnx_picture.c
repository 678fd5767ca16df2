/*
 * Pictures of large networks in seconds (fcn_visualise_fitted). A DenseNet-121-shaped network (each
 * layer of a block concatenates every earlier one: hundreds of long edges) made dot run for minutes;
 * it is now laid out in rows, module detail becomes a box per layer, and the note says so. A small
 * network is drawn as asked, with no note.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "onnx_builder.h"

static void conv(onnx_builder *b, const char *name, const char *in, int64_t filters, int64_t channels, int64_t k)
{
    Onnx__NodeProto *n = ob_conv(b, name, in, name, filters, channels, k, 1);
    const int64_t pad = k / 2;
    ob_attr_ints(b, n, "pads", 4, OB_DIMS(pad, pad, pad, pad));
}

/* Dense blocks of `layers[]` layers (Concat of all earlier maps, ReLU, 1x1 conv, 3x3 conv), max-pool transitions. */
static void build_dense(onnx_builder *b, const int *layers, int blocks)
{
    ob_init(b, 13);
    ob_input(b, "x", 4, OB_DIMS(1, 16, 16, 16));
    char feature[64][32], cur[32] = "x", name[48];
    int64_t channels = 16;
    for (int k = 0; k < blocks; k++) {
        int count = 0;
        snprintf(feature[count++], sizeof feature[0], "%s", cur);
        for (int l = 0; l <= layers[k] && count < 64; l++) {
            const char *in = feature[0];
            if (count > 1) {
                const char *inputs[65];
                for (int i = 0; i < count; i++)
                    inputs[i] = feature[i];
                inputs[count] = NULL;
                snprintf(name, sizeof name, "cat%d_%d", k, l);
                ob_attr_int(b, ob_node(b, "Concat", name, inputs, OB_LIST(name)), "axis", 1);
                in = b->graph.node[b->graph.n_node - 1]->output[0];
            }
            snprintf(name, sizeof name, "relu%d_%d", k, l);
            ob_node(b, "Relu", name, OB_LIST(in), OB_LIST(name));
            char reduce[48];
            snprintf(reduce, sizeof reduce, "reduce%d_%d", k, l);
            if (l == layers[k]) { /* transition */
                conv(b, reduce, name, channels / 2, channels, 1);
                snprintf(cur, sizeof cur, "pool%d", k);
                Onnx__NodeProto *pool = ob_node(b, "MaxPool", cur, OB_LIST(reduce), OB_LIST(cur));
                ob_attr_ints(b, pool, "kernel_shape", 2, OB_DIMS(2, 2));
                ob_attr_ints(b, pool, "strides", 2, OB_DIMS(2, 2));
                channels /= 2;
                break;
            }
            conv(b, reduce, name, 32, channels, 1);
            snprintf(feature[count], sizeof feature[0], "grow%d_%d", k, l);
            conv(b, feature[count++], reduce, 8, 32, 3);
            channels += 8;
        }
    }
    ob_node(b, "GlobalAveragePool", "gap", OB_LIST(cur), OB_LIST("g"));
    ob_node(b, "Flatten", "flat", OB_LIST("g"), OB_LIST("f"));
    ob_gemm(b, "fc", "f", "y", 10, channels);
    ob_output(b, "y");
}

/* The figures borrow the network's names: *net must outlive them. */
static fcn_network_figures *evaluate(const int *layers, int blocks, int *layer_count, fcn_network **out)
{
    onnx_builder b;
    build_dense(&b, layers, blocks);
    size_t size;
    uint8_t *bytes = ob_pack(&b, &size);
    fcn_error err = {{0}};
    fcn_network *net = *out = fcn_onnx_parse_buffer(bytes, size, "dense", NULL, &err);
    free(bytes);
    ob_free(&b);
    CHECK(net != NULL);
    if (!net) {
        fprintf(stderr, "%s\n", err.message);
        return NULL;
    }
    *layer_count = 0;
    for (int p = 0; p < net->partition_count; p++)
        *layer_count += net->partitions[p].layer_count;
    fcn_eval_options eval = {125, 0, 1};
    fcn_network_figures *figures = malloc(sizeof *figures);
    CHECK(figures && fcn_network_evaluate(net, &eval, figures, &err) == 0);
    return figures;
}

/*
 * The note says which light path the drawing took (a box per layer, rows instead of dot): that is what
 * keeps it to seconds, and what is checked here. Its speed is measured, not tested: README's figures.
 */
static void draw(const fcn_network_figures *figures, const char *path, fcn_detail detail, const char *want_note)
{
    char note[256];
    fcn_error err = {{0}};
    int status = fcn_visualise_fitted(figures, path, detail, note, sizeof note, &err);
    CHECK(status == 0);
    if (status)
        fprintf(stderr, "%s\n", err.message);
    if (want_note)
        CHECK_MESSAGE(note, want_note);
    else
        CHECK(note[0] == '\0');
    CHECK(access(path, F_OK) == 0);
}

int main(void)
{
    char dir[64], path[128];
    snprintf(dir, sizeof dir, "/tmp/fcn_test_picture_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    /* DenseNet-121's blocks: about 400 layers, each block's concatenations reaching back over all of it. */
    const int densenet121[4] = {6, 12, 24, 16}, small[1] = {2};
    int layers = 0;
    fcn_network *net = NULL;
    fcn_network_figures *big = evaluate(densenet121, 4, &layers, &net);
    CHECK(layers > 300);
    if (layers <= 300)
        fprintf(stderr, "%d layers\n", layers);
    if (big) {
        snprintf(path, sizeof path, "%s/dense.svg", dir);
        draw(big, path, FCN_DETAIL_LAYERS, "laid out in rows, not by dot (too many long edges)");
        snprintf(path, sizeof path, "%s/dense.png", dir);
        draw(big, path, FCN_DETAIL_MODULES, "a box per layer (module instances would be");
        unlink(path);
        snprintf(path, sizeof path, "%s/dense.svg", dir);
        unlink(path);
        fcn_network_figures_free(big);
        free(big);
    }
    fcn_network_free(net);
    fcn_network_figures *little = evaluate(small, 1, &layers, &net);
    if (little) {
        snprintf(path, sizeof path, "%s/small.svg", dir);
        draw(little, path, FCN_DETAIL_MODULES, NULL);
        unlink(path);
        fcn_network_figures_free(little);
        free(little);
    }
    fcn_network_free(net);
    rmdir(dir);
    return check_summary("test_onnx_picture");
}
