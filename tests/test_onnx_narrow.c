/*
 * The optimiser on a block wider than the board's ports: a 4-branch Inception block (one SPLIT of four,
 * one CONCAT of four) on a 2-port board where the block does not fit in one partition. Four disjoint
 * paths join the fork to the join, so only narrowing them (optimise_narrow.c) lets a cut through
 * memory meet the ports. The result must validate, its layers read back as the model's; on one port
 * the "nothing fits" message must name the ports as the limit.
 *
 * `test_onnx_narrow --write FILE` writes the block as ONNX: tests/data/models/inception_block.onnx is
 * that file (cli_optimise_narrow.sh uses it), and the test checks it is still what this code builds.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fpgaconvnet.h"
#include "onnx_builder.h"

#define COMMITTED "data/models/inception_block.onnx"
/* The block's smallest BRAM is 62, its largest layer's 28: 0.8 x 50 = 40 holds each layer, not the block. */
#define BLOCK_BRAM 50

static void conv_padded(onnx_builder *b, const char *name, const char *in, const char *out, int64_t filters,
                        int64_t channels, int64_t k)
{
    Onnx__NodeProto *n = ob_conv(b, name, in, out, filters, channels, k, 1);
    const int64_t pad = k / 2;
    ob_attr_ints(b, n, "pads", 4, OB_DIMS(pad, pad, pad, pad));
}

/* x[1,8,16,16] -> stem -> {1x1; 1x1,3x3; 1x1,5x5; maxpool,1x1} -> Concat -> GlobalAveragePool -> Gemm. */
static void build_block(onnx_builder *b)
{
    ob_init(b, 13);
    ob_input(b, "x", 4, OB_DIMS(1, 8, 16, 16));
    conv_padded(b, "stem", "x", "s", 32, 8, 3);
    ob_node(b, "Relu", "stem_relu", OB_LIST("s"), OB_LIST("r"));
    conv_padded(b, "b1", "r", "o1", 16, 32, 1);
    conv_padded(b, "b2_reduce", "r", "t2", 16, 32, 1);
    conv_padded(b, "b2", "t2", "o2", 24, 16, 3);
    conv_padded(b, "b3_reduce", "r", "t3", 8, 32, 1);
    conv_padded(b, "b3", "t3", "o3", 8, 8, 5);
    Onnx__NodeProto *pool = ob_node(b, "MaxPool", "b4_pool", OB_LIST("r"), OB_LIST("t4"));
    ob_attr_ints(b, pool, "kernel_shape", 2, OB_DIMS(3, 3));
    ob_attr_ints(b, pool, "pads", 4, OB_DIMS(1, 1, 1, 1));
    conv_padded(b, "b4", "t4", "o4", 8, 32, 1);
    Onnx__NodeProto *cat = ob_node(b, "Concat", "cat", OB_LIST("o1", "o2", "o3", "o4"), OB_LIST("k"));
    ob_attr_int(b, cat, "axis", 1);
    ob_node(b, "GlobalAveragePool", "gap", OB_LIST("k"), OB_LIST("g"));
    ob_node(b, "Flatten", "flat", OB_LIST("g"), OB_LIST("f"));
    ob_gemm(b, "fc", "f", "y", 10, 56);
    ob_output(b, "y");
}

static fcn_platform board(int64_t ports, int64_t bram)
{
    fcn_platform p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "narrow");
    p.resource = (fcn_resource){53200, 106400, 220, bram, 0};
    p.freq_mhz = 100;
    p.reconf_time_s = 0.08;
    p.ports = ports;
    p.port_width = 64;
    return p;
}

static int count_named(const fcn_network *net, const char *part)
{
    int n = 0;
    for (int p = 0; p < net->partition_count; p++)
        for (int i = 0; i < net->partitions[p].layer_count; i++)
            n += strstr(net->partitions[p].layers[i].name, part) != NULL;
    return n;
}

static void check_validates(const fcn_network *net, const fcn_network *model, const fcn_platform *platform)
{
    fcn_error err = {{0}};
    fcn_eval_options eval = {100, 0.08, 1};
    fcn_network_figures figures;
    CHECK(fcn_network_evaluate(net, &eval, &figures, &err) == 0);
    fcn_validate_options check = {.resource_allocation = 0.8, .model = model};
    fcn_violations violations = {0};
    CHECK(fcn_validate(&figures, platform, &check, &violations, &err) == 0);
    CHECK_INT(violations.count, 0);
    for (int i = 0; i < violations.count; i++)
        fprintf(stderr, "  %s\n", violations.messages[i]);
    fcn_violations_free(&violations);
    fcn_network_figures_free(&figures);
}

/* Two ports: the block is cut through memory, its fork and join narrowed to chains of two. */
static void cut_across_ports(const fcn_network *model)
{
    const fcn_platform platform = board(2, BLOCK_BRAM);
    fcn_optimise_options o;
    fcn_optimise_options_init(&o);
    o.optimiser = FCN_OPTIMISER_GREEDY;
    o.seed = 1;
    fcn_error err = {{0}};
    fcn_network *net = fcn_optimise(model, &platform, &o, NULL, &err);
    CHECK(net != NULL);
    if (!net) {
        fprintf(stderr, "%s\n", err.message);
        return;
    }
    CHECK(net->partition_count > 1);
    CHECK_INT(count_named(net, "_split_fan"), 2);   /* the SPLIT of 4: itself and two more of 2 */
    CHECK_INT(count_named(net, "cat_join"), 2);     /* the CONCAT of 4: two links and itself */
    check_validates(net, model, &platform);
    fcn_network_free(net);
}

/* One port: the fork and the join must share a partition, which does not fit; the message says so. */
static void nothing_fits_on_one_port(const fcn_network *model)
{
    const fcn_platform platform = board(1, BLOCK_BRAM);
    fcn_optimise_options o;
    fcn_optimise_options_init(&o);
    fcn_error err = {{0}};
    fcn_network *net = fcn_optimise(model, &platform, &o, NULL, &err);
    CHECK(net == NULL);
    fcn_network_free(net);
    CHECK_MESSAGE(err.message, "nothing fits on narrow: with 1 memory port, a partition reads and writes at most 1 "
                               "tensor through memory, so layers 'stem_relu_split' to 'cat' must stay together");
    CHECK_MESSAGE(err.message, "must stay together, and even with every folding factor 1 and weights reloading "
                               "factor 1 they need BRAM 62, 22 (55%) more than the 40 allowed (0.8 of the platform's 50)");
    CHECK(strchr(err.message, '\n') == NULL);
}

/* The committed ONNX file is what build_block makes. */
static void committed_file(const uint8_t *bytes, size_t size)
{
    FILE *f = fopen(COMMITTED, "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    uint8_t *data = malloc(size + 1);
    size_t got = data ? fread(data, 1, size + 1, f) : 0;
    fclose(f);
    CHECK(got == size && memcmp(data, bytes, size) == 0);
    free(data);
}

int main(int argc, char **argv)
{
    onnx_builder b;
    build_block(&b);
    size_t size;
    uint8_t *bytes = ob_pack(&b, &size);
    if (argc == 3 && strcmp(argv[1], "--write") == 0) {
        FILE *f = fopen(argv[2], "wb");
        int ok = f && fwrite(bytes, 1, size, f) == size;
        ok = f && fclose(f) == 0 && ok;
        free(bytes);
        ob_free(&b);
        return ok ? 0 : 1;
    }
    fcn_error err = {{0}};
    fcn_network *model = fcn_onnx_parse_buffer(bytes, size, "inception_block", NULL, &err);
    CHECK(model != NULL);
    if (model) {
        cut_across_ports(model);
        nothing_fits_on_one_port(model);
    } else {
        fprintf(stderr, "%s\n", err.message);
    }
    committed_file(bytes, size);
    fcn_network_free(model);
    free(bytes);
    ob_free(&b);
    return check_summary("test_onnx_narrow");
}
