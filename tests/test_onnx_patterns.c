/*
 * What each pattern graph of data/models/patterns (tests/data/gen/make_patterns.py)
 * becomes: the layer types and how many of each, and the parameters that carry
 * the pattern (a broadcasting join, a folded Pad's padding, a dilation, a resize
 * factor, a channel split's parts, a shuffle's groups, ...). Their shapes against
 * ONNX's are test_onnx_corpus's; their figures the model's tests'.
 *
 * A layer list is written as tokens: "TYPE=N" exactly N layers of TYPE, "TYPE+"
 * at least one, "!TYPE" none (types as fpgaconvnet.proto spells them).
 */
#define _POSIX_C_SOURCE 200809L /* scandir: every committed pattern has its expectations */

#include <dirent.h>
#include <stdlib.h>

#include "check.h"
#include "fpgaconvnet.h"

/* The first layer of TYPE in network order; NULL if none. */
static const fcn_layer *first_of(const fcn_network *net, fcn_layer_type type)
{
    for (int p = 0; p < net->partition_count; p++)
        for (int i = 0; i < net->partitions[p].layer_count; i++)
            if (net->partitions[p].layers[i].type == type)
                return &net->partitions[p].layers[i];
    return NULL;
}

static int count_of(const fcn_network *net, fcn_layer_type type)
{
    int n = 0;
    for (int p = 0; p < net->partition_count; p++)
        for (int i = 0; i < net->partitions[p].layer_count; i++)
            n += net->partitions[p].layers[i].type == type;
    return n;
}

static const fcn_layer *last_layer(const fcn_network *net)
{
    const fcn_partition *part = &net->partitions[net->partition_count - 1];
    return &part->layers[part->layer_count - 1];
}

/* Records a failed expectation about PATTERN. */
static void expect(int ok, const char *pattern, const char *what)
{
    check_count++;
    if (!ok) {
        check_failures++;
        fprintf(stderr, "test_onnx_patterns: %s: %s\n", pattern, what);
    }
}

/* Each token of SPEC ("CONVOLUTION=2 SILU+ !ELTWISE") holds for NET. */
static void expect_layers(const char *pattern, const fcn_network *net, const char *spec)
{
    char copy[256];
    snprintf(copy, sizeof copy, "%s", spec);
    for (char *token = strtok(copy, " "); token; token = strtok(NULL, " ")) {
        int none = token[0] == '!';
        const char *body = token + none;
        size_t len = strcspn(body, "=+");
        char name[64], what[160];
        snprintf(name, sizeof name, "%.*s", (int)len, body);
        fcn_layer_type type;
        if (fcn_layer_type_from_name(name, &type) != 0 || (!none && body[len] == '\0')) {
            expect(0, pattern, "a token the test does not know");
            continue;
        }
        int n = count_of(net, type);
        int ok = none ? n == 0 : body[len] == '+' ? n > 0 : n == atoi(body + len + 1);
        snprintf(what, sizeof what, "%d %s layers, expected %s", n, name, token);
        expect(ok, pattern, what);
    }
}

/* --- the parameters that carry each pattern */

static void eltwise_broadcast(const char *pattern, const fcn_network *net, int mul)
{
    const fcn_layer *l = first_of(net, FCN_ELTWISE);
    expect(l && l->eltwise_broadcast == 1, pattern, "the join does not broadcast");
    expect(l && l->eltwise_mul == mul, pattern, mul ? "the join is not a product" : "the join is not a sum");
    expect(l && l->ports_in == 2, pattern, "the join has not two ports");
}

static void se_mul(const char *pattern, const fcn_network *net)
{
    eltwise_broadcast(pattern, net, 1);
}

static void se_add(const char *pattern, const fcn_network *net)
{
    eltwise_broadcast(pattern, net, 0);
}

/* POOLING of TYPE with a K x K window, stride S and padding P on every side. */
static void pool(const char *pattern, const fcn_network *net, fcn_pool_type type, int64_t k, int64_t s, int64_t p)
{
    const fcn_layer *l = first_of(net, FCN_POOLING);
    expect(l && l->pool_type == type, pattern, type == FCN_POOL_AVG ? "not an average" : "not a maximum");
    expect(l && l->kernel[0] == k && l->kernel[1] == k, pattern, "the window's size");
    expect(l && l->stride[0] == s && l->stride[1] == s, pattern, "the window's stride");
    expect(l && l->pad_top == p && l->pad_left == p && l->pad_bottom == p && l->pad_right == p, pattern,
           "the window's padding");
}

static void avg_k3s1p1(const char *pattern, const fcn_network *net)
{
    pool(pattern, net, FCN_POOL_AVG, 3, 1, 1);
}

static void avg_k2s2(const char *pattern, const fcn_network *net)
{
    pool(pattern, net, FCN_POOL_AVG, 2, 2, 0);
}

static void max_k3s2p1(const char *pattern, const fcn_network *net)
{
    pool(pattern, net, FCN_POOL_MAX, 3, 2, 1);
}

/* ReduceMax over the whole map: a max pool whose window is the map. */
static void max_whole_map(const char *pattern, const fcn_network *net)
{
    const fcn_layer *l = first_of(net, FCN_POOLING);
    expect(l && l->pool_type == FCN_POOL_MAX, pattern, "not a maximum");
    expect(l && l->kernel[0] == l->rows && l->kernel[1] == l->cols, pattern, "the window is not the whole map");
}

/* The first layer of TYPE is padded by top, left, bottom, right. */
static void padded(const char *pattern, const fcn_network *net, fcn_layer_type type, int64_t t, int64_t l,
                   int64_t b, int64_t r)
{
    const fcn_layer *x = first_of(net, type);
    char what[128];
    snprintf(what, sizeof what, "%s's padding is not top %lld, left %lld, bottom %lld, right %lld",
             fcn_layer_type_name(type), (long long)t, (long long)l, (long long)b, (long long)r);
    expect(x && x->pad_top == t && x->pad_left == l && x->pad_bottom == b && x->pad_right == r, pattern, what);
}

static void conv_pad1(const char *pattern, const fcn_network *net)
{
    padded(pattern, net, FCN_CONVOLUTION, 1, 1, 1, 1);
}

static void conv_pad_bottom_right(const char *pattern, const fcn_network *net)
{
    padded(pattern, net, FCN_CONVOLUTION, 0, 0, 1, 1);
}

static void conv_pad2(const char *pattern, const fcn_network *net)
{
    padded(pattern, net, FCN_CONVOLUTION, 2, 2, 2, 2);
}

/* pads [0, 0, 2, 1, 0, 0, 0, 3]: rows 2 before, 0 after; columns 1 before, 3 after. */
static void pad_layer(const char *pattern, const fcn_network *net)
{
    padded(pattern, net, FCN_PAD, 2, 1, 0, 3);
}

static void dilation(const char *pattern, const fcn_network *net, int64_t d)
{
    for (int i = 0; i < net->partitions[0].layer_count; i++) {
        const fcn_layer *l = &net->partitions[0].layers[i];
        if (l->type == FCN_CONVOLUTION)
            expect(l->dilation[0] == d && l->dilation[1] == d, pattern, "a convolution's dilation");
    }
}

static void dilation2(const char *pattern, const fcn_network *net)
{
    dilation(pattern, net, 2);
}

static void dilation6(const char *pattern, const fcn_network *net)
{
    dilation(pattern, net, 6);
}

static void resize_by_2(const char *pattern, const fcn_network *net, fcn_resize_mode mode)
{
    const fcn_layer *l = first_of(net, FCN_RESIZE);
    expect(l && l->scale[0] == 2 && l->scale[1] == 2, pattern, "the resize is not by 2");
    expect(l && l->resize_mode == mode, pattern, mode == FCN_RESIZE_NEAREST ? "not nearest" : "not bilinear");
}

static void nearest2(const char *pattern, const fcn_network *net)
{
    resize_by_2(pattern, net, FCN_RESIZE_NEAREST);
}

static void bilinear2(const char *pattern, const fcn_network *net)
{
    resize_by_2(pattern, net, FCN_RESIZE_BILINEAR);
}

/* The channel split's output ports take PARTS channels between them, in some order, none twice. */
static void chop_parts(const char *pattern, const fcn_network *net, const int64_t *parts, int count)
{
    int64_t seen[FCN_MAX_PORTS] = {0};
    int ports = 0, matched = 0;
    for (int p = 0; p < net->partition_count; p++)
        for (int i = 0; i < net->partitions[p].layer_count; i++) {
            const fcn_layer *l = &net->partitions[p].layers[i];
            for (int q = 0; l->type == FCN_CHOP && q < l->ports_out && ports < FCN_MAX_PORTS; q++)
                seen[ports++] = fcn_layer_output_channels(l, q, 0);
        }
    for (int k = 0; k < count; k++)
        for (int q = 0; q < ports; q++)
            if (seen[q] == parts[k]) {
                seen[q] = -1;
                matched++;
                break;
            }
    expect(ports == count && matched == count, pattern, "the channel split's parts");
}

static void halves_shuffled(const char *pattern, const fcn_network *net)
{
    const fcn_layer *shuffle = first_of(net, FCN_SHUFFLE), *chop = first_of(net, FCN_CHOP);
    int64_t half = chop ? chop->channels / 2 : 0;
    const int64_t parts[] = {half, half};
    chop_parts(pattern, net, parts, 2);
    expect(shuffle && shuffle->groups == 2, pattern, "the shuffle's groups");
}

static void split_3_4_5(const char *pattern, const fcn_network *net)
{
    const int64_t parts[] = {3, 4, 5};
    chop_parts(pattern, net, parts, 3);
}

static void leaky_alpha(const char *pattern, const fcn_network *net)
{
    const fcn_layer *l = first_of(net, FCN_LEAKY_RELU);
    expect(l && fabs(l->alpha - 0.1) < 1e-6, pattern, "LeakyRelu's alpha");
}

/* The residual Add joins two full maps: no broadcasting. */
static void convnext(const char *pattern, const fcn_network *net)
{
    const fcn_layer *l = first_of(net, FCN_ELTWISE);
    expect(l && !l->eltwise_broadcast && !l->eltwise_mul, pattern, "the residual join");
}

static void ends_in_classifier(const char *pattern, const fcn_network *net)
{
    expect(last_layer(net)->type == FCN_INNER_PRODUCT, pattern, "the last layer is not the classifier");
}

typedef void (*field_check)(const char *pattern, const fcn_network *net);

static const struct {
    const char *pattern;
    const char *layers;
    field_check fields;
} patterns[] = {
    {"se_mul_big_first", "CONVOLUTION=4 RELU=2 SPLIT=1 AVERAGE_POOLING=1 SIGMOID=1 ELTWISE=1", se_mul},
    {"se_mul_small_first", "CONVOLUTION=4 RELU=2 SPLIT=1 AVERAGE_POOLING=1 SIGMOID=1 ELTWISE=1", se_mul},
    {"se_hardsigmoid", "CONVOLUTION=4 RELU=2 SPLIT=1 AVERAGE_POOLING=1 HARD_SIGMOID=1 ELTWISE=1", se_mul},
    {"broadcast_add", "CONVOLUTION=2 SPLIT=1 AVERAGE_POOLING=1 ELTWISE=1", se_add},
    {"reducemean_keepdims1", "CONVOLUTION=2 RELU=1 AVERAGE_POOLING=1", NULL},
    {"reducemean_keepdims0", "CONVOLUTION=1 RELU=1 AVERAGE_POOLING=1 INNER_PRODUCT=1", NULL},
    {"reducemax", "CONVOLUTION=1 RELU=1 POOLING=1 INNER_PRODUCT=1 !AVERAGE_POOLING", max_whole_map},
    {"avgpool_k3s1p1_exclude_pad", "CONVOLUTION=2 RELU=1 POOLING=1 !AVERAGE_POOLING !PAD", avg_k3s1p1},
    {"avgpool_k3s1p1_include_pad", "CONVOLUTION=2 RELU=1 POOLING=1 !AVERAGE_POOLING !PAD", avg_k3s1p1},
    {"avgpool_k2s2", "CONVOLUTION=2 RELU=1 POOLING=1 !AVERAGE_POOLING", avg_k2s2},
    {"pad_conv", "CONVOLUTION=1 !PAD", conv_pad1},
    {"pad_conv_asymmetric", "CONVOLUTION=1 !PAD", conv_pad_bottom_right},
    {"pad_conv_opset10", "CONVOLUTION=1 !PAD", conv_pad2},
    {"pad_maxpool", "CONVOLUTION=1 RELU=1 POOLING=1 !PAD", max_k3s2p1},
    {"pad_avgpool", "CONVOLUTION=2 RELU=1 POOLING=1 !PAD", avg_k3s1p1},
    {"pad_relu", "CONVOLUTION=1 PAD=1 RELU=1", pad_layer},
    {"conv_dilation2", "CONVOLUTION=1 RELU=1", dilation2},
    {"conv_dilation6", "CONVOLUTION=2 RELU=1", dilation6},
    {"resize_nearest_scales", "CONVOLUTION=2 RELU=1 RESIZE=1", nearest2},
    {"resize_nearest_scales_opset11", "CONVOLUTION=2 RELU=1 RESIZE=1", nearest2},
    {"resize_bilinear_sizes_slice", "CONVOLUTION=2 RELU=2 RESIZE=1 ELTWISE=1 SPLIT=1", bilinear2},
    {"resize_bilinear_sizes_gather", "CONVOLUTION=2 RELU=2 RESIZE=1 ELTWISE=1 SPLIT=1", bilinear2},
    {"upsample_opset9", "CONVOLUTION=2 RELU=1 RESIZE=1", nearest2},
    {"size_reshape", "CONVOLUTION=1 RELU=1 INNER_PRODUCT=1", NULL},
    {"size_expand", "CONVOLUTION=1 RELU=1 !ELTWISE", NULL},
    {"size_range", "CONVOLUTION=1 RELU=1 AVERAGE_POOLING=1 INNER_PRODUCT=1", NULL},
    {"split_attribute_shuffle", "CONVOLUTION=4 RELU=3 CHOP+ SHUFFLE=1", halves_shuffled},
    {"split_input_shuffle", "CONVOLUTION=4 RELU=3 CHOP+ SHUFFLE=1", halves_shuffled},
    {"slice_channels_shuffle", "CONVOLUTION=4 RELU=3 CHOP+ SHUFFLE=1", halves_shuffled},
    {"slice_channels_computed", "CONVOLUTION=4 RELU=3 CHOP+ SHUFFLE=1", halves_shuffled},
    {"split_unequal", "CONVOLUTION=3 RELU=3 CHOP+ CONCAT=1", split_3_4_5},
    {"layernorm_opset17", "CONVOLUTION=2 LAYER_NORM=1 !ELTWISE", NULL},
    {"layernorm_decomposed", "CONVOLUTION=2 LAYER_NORM=1 !ELTWISE", NULL},
    {"gelu_erf", "CONVOLUTION=2 GELU=1 !ELTWISE !SPLIT", NULL},
    {"gelu_tanh", "CONVOLUTION=2 GELU=1 !ELTWISE !SPLIT", NULL},
    {"silu", "CONVOLUTION=2 SILU=1 !SIGMOID !ELTWISE !SPLIT", NULL},
    {"silu_sigmoid_first", "CONVOLUTION=2 SILU=1 !SIGMOID !ELTWISE !SPLIT", NULL},
    {"leakyrelu", "CONVOLUTION=2 LEAKY_RELU=1", leaky_alpha},
    {"prelu", "CONVOLUTION=2 PRELU=2", NULL},
    {"channel_affine_after_conv", "CONVOLUTION=1 RELU=1 !ELTWISE", NULL},
    {"channel_affine_after_relu", "CONVOLUTION=2 RELU=1 !ELTWISE", NULL},
    {"convnext_block_opset17", "CONVOLUTION=4 LAYER_NORM=1 GELU=1 ELTWISE=1 SPLIT=1 !INNER_PRODUCT", convnext},
    {"convnext_block_decomposed", "CONVOLUTION=4 LAYER_NORM=1 GELU=1 ELTWISE=1 SPLIT=1 !INNER_PRODUCT", convnext},
    {"concat_one_input", "CONVOLUTION=1 RELU=1 !CONCAT", NULL},
    {"softmax_end", "CONVOLUTION=1 RELU=1 AVERAGE_POOLING=1 INNER_PRODUCT=1", ends_in_classifier},
    {"logsoftmax_end", "CONVOLUTION=1 RELU=1 AVERAGE_POOLING=1 INNER_PRODUCT=1", ends_in_classifier},
};

static void pattern_layers(size_t k)
{
    char path[256];
    snprintf(path, sizeof path, "data/models/patterns/%s.onnx", patterns[k].pattern);
    fcn_error err = {{0}};
    fcn_network *net = fcn_onnx_parse(path, NULL, &err);
    check_count++;
    if (!net) {
        check_failures++;
        fprintf(stderr, "test_onnx_patterns: %s: parse failed: %s\n", patterns[k].pattern, err.message);
        return;
    }
    expect_layers(patterns[k].pattern, net, patterns[k].layers);
    if (patterns[k].fields)
        patterns[k].fields(patterns[k].pattern, net);
    fcn_network_figures figures;
    fcn_eval_options opts = {.freq_mhz = 125.0, .reconf_time_s = 0.0, .batch_size = 0};
    int evaluated = fcn_network_evaluate(net, &opts, &figures, &err) == 0;
    expect(evaluated, patterns[k].pattern, err.message);
    if (evaluated)
        fcn_network_figures_free(&figures);
    fcn_network_free(net);
}

/* A pattern that is an error: one line naming the node and saying why. */
static void pattern_error(const char *pattern, const char *node, const char *why)
{
    char path[256];
    snprintf(path, sizeof path, "data/models/patterns/%s.onnx", pattern);
    fcn_error err = {{0}};
    fcn_network *net = fcn_onnx_parse(path, NULL, &err);
    CHECK(net == NULL);
    fcn_network_free(net);
    CHECK(strchr(err.message, '\n') == NULL);
    CHECK_MESSAGE(err.message, path);
    CHECK_MESSAGE(err.message, node);
    CHECK_MESSAGE(err.message, why);
}

static int onnx_file(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return n > 5 && strcmp(e->d_name + n - 5, ".onnx") == 0 && strncmp(e->d_name, "bad_", 4) != 0;
}

/* Every pattern graph committed is in the table above (a new one must say what it becomes). */
static void all_listed(void)
{
    struct dirent **entries = NULL;
    int n = scandir("data/models/patterns", &entries, onnx_file, alphasort);
    CHECK(n > 0);
    for (int i = 0; i < n; i++) {
        int listed = 0;
        for (size_t k = 0; k < sizeof patterns / sizeof patterns[0]; k++)
            listed |= strlen(patterns[k].pattern) + 5 == strlen(entries[i]->d_name) &&
                      strncmp(patterns[k].pattern, entries[i]->d_name, strlen(patterns[k].pattern)) == 0;
        expect(listed, entries[i]->d_name, "no expectations in test_onnx_patterns.c");
        free(entries[i]);
    }
    free(entries);
}

int main(void)
{
    all_listed();
    for (size_t k = 0; k < sizeof patterns / sizeof patterns[0]; k++)
        pattern_layers(k);
    pattern_error("bad_pad_reflect", "pad1", "reflect");
    pattern_error("bad_resize_fractional", "resize1", "Resize");
    pattern_error("bad_attention", "matmul4", "MatMul");
    return check_summary("test_onnx_patterns");
}
