/* The ONNX parser's entry points: load, index, order, classify, infer, build (src/onnx/onnx_graph.h). */
#include <stdlib.h>

#include "error.h"
#include "onnx_layers.h"
#include "onnx_load.h"
#include "onnx_names.h"
#include "onnx_ops.h"
#include "onnx_quant.h"
#include "onnx_shapes.h"

/* Names in a file may hold any byte, and messages cut them anywhere; a message stays one printable line. */
static void scrub_message(fcn_error *err)
{
    if (err)
        onnx_scrub_text(err->message);
}

/* A width the options give: 0 (keep the default) or one the model's memories hold. */
static int check_width(const char *source, const char *what, int width, fcn_error *err)
{
    if (width >= 0 && width <= FCN_MAX_WIDTH)
        return 0;
    return fcn_fail(err, "%s: %s must be in 1..%d (0 keeps the default), got %d", source, what, FCN_MAX_WIDTH,
                    width);
}

static fcn_network *parse_model(const onnx_model *model, const char *source, const fcn_parse_options *opts,
                                fcn_error *err)
{
    int64_t batch_size = opts && opts->batch_size > 0 ? opts->batch_size : 1;
    int keep_batch_norm = opts ? opts->keep_batch_norm : 0;
    const onnx_widths widths = {opts ? opts->data_width : 0, opts ? opts->weight_width : 0};
    if (opts && (opts->batch_size < 0 || opts->batch_size > ONNX_MAX_DIM)) {
        fcn_fail(err, "%s: batch size must be in 1..%lld, got %lld", source, (long long)ONNX_MAX_DIM,
                 (long long)opts->batch_size);
        return NULL;
    }
    if (check_width(source, "data width", widths.data_width, err) ||
        check_width(source, "weight width", widths.weight_width, err))
        return NULL;
    onnx_graph g;
    fcn_network *net = NULL;
    if (onnx_graph_build(&g, model->proto->graph, model->opset, source, 1, err) == 0 &&
        onnx_graph_sort(&g, err) == 0 &&
        onnx_classify(&g, keep_batch_norm, err) == 0 && onnx_infer_shapes(&g, 0, err) == 0) {
        onnx_quant_resolve(&g);
        net = onnx_build_network(&g, batch_size, &widths, err);
    }
    onnx_graph_release(&g);
    if (!net)
        scrub_message(err);
    return net;
}

fcn_network *fcn_onnx_parse(const char *path, const fcn_parse_options *opts, fcn_error *err)
{
    onnx_model model;
    if (onnx_model_load(path, &model, err)) {
        scrub_message(err);
        return NULL;
    }
    fcn_network *net = parse_model(&model, path, opts, err);
    onnx_model_release(&model);
    return net;
}

fcn_network *fcn_onnx_parse_buffer(const void *data, size_t size, const char *source,
                                   const fcn_parse_options *opts, fcn_error *err)
{
    onnx_model model;
    if (!source)
        source = "(buffer)";
    if (onnx_model_unpack(data, size, source, &model, err)) {
        scrub_message(err);
        return NULL;
    }
    fcn_network *net = parse_model(&model, source, opts, err);
    onnx_model_release(&model);
    return net;
}

int fcn_onnx_list_ops(const char *path, fcn_onnx_op **ops, int *count, fcn_error *err)
{
    if (ops)
        *ops = NULL;
    if (count)
        *count = 0;
    if (!ops || !count)
        return fcn_fail(err, "fcn_onnx_list_ops: ops and count must not be NULL");
    onnx_model model;
    if (onnx_model_load(path, &model, err)) {
        scrub_message(err);
        return -1;
    }
    onnx_graph g;
    int rc = onnx_graph_build(&g, model.proto->graph, model.opset, path, 0, err);
    if (rc == 0)
        rc = onnx_graph_sort(&g, err);
    if (rc == 0)
        rc = onnx_classify(&g, 0, err);
    /* The parser's own checks mark the nodes that fail; a model without one input is listed as classified. */
    if (rc == 0 && g.input_count == 1)
        onnx_infer_shapes(&g, 0, NULL);
    if (rc == 0)
        rc = onnx_list_ops(&g, ops, count, err);
    onnx_graph_release(&g);
    onnx_model_release(&model);
    if (rc)
        scrub_message(err);
    return rc;
}
