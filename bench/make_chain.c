/*
 * Writes an ONNX model of N Relu nodes in a chain (1x4x8x8), for measuring how
 * reading scales with the size of a model: bench/scale_bench.sh.
 *
 *     make_chain N OUT.onnx
 */
#include <stdio.h>
#include <stdlib.h>

#include "onnx.pb-c.h"

static Onnx__ValueInfoProto *value(const char *name)
{
    static int64_t dims[] = {1, 4, 8, 8};
    Onnx__ValueInfoProto *v = calloc(1, sizeof *v);
    Onnx__TypeProto *type = calloc(1, sizeof *type);
    Onnx__TypeProto__Tensor *tensor = calloc(1, sizeof *tensor);
    Onnx__TensorShapeProto *shape = calloc(1, sizeof *shape);
    Onnx__TensorShapeProto__Dimension **dim = calloc(4, sizeof *dim);
    onnx__value_info_proto__init(v);
    onnx__type_proto__init(type);
    onnx__type_proto__tensor__init(tensor);
    onnx__tensor_shape_proto__init(shape);
    for (int i = 0; i < 4; i++) {
        dim[i] = calloc(1, sizeof **dim);
        onnx__tensor_shape_proto__dimension__init(dim[i]);
        dim[i]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        dim[i]->dim_value = dims[i];
    }
    shape->n_dim = 4;
    shape->dim = dim;
    tensor->has_elem_type = 1;
    tensor->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    tensor->shape = shape;
    type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    type->tensor_type = tensor;
    v->name = (char *)name;
    v->type = type;
    return v;
}

int main(int argc, char **argv)
{
    long n = argc == 3 ? strtol(argv[1], NULL, 10) : 0;
    if (n < 1) {
        fprintf(stderr, "usage: make_chain N OUT.onnx\n");
        return 2;
    }
    char **names = calloc((size_t)n + 1, sizeof *names);
    Onnx__NodeProto **nodes = calloc((size_t)n, sizeof *nodes);
    for (long i = 0; i <= n; i++) {
        names[i] = malloc(32);
        snprintf(names[i], 32, i ? "t%ld" : "x", i);
    }
    static char *op = "Relu";
    for (long i = 0; i < n; i++) {
        nodes[i] = calloc(1, sizeof **nodes);
        onnx__node_proto__init(nodes[i]);
        nodes[i]->n_input = nodes[i]->n_output = 1;
        nodes[i]->input = &names[i];
        nodes[i]->output = &names[i + 1];
        nodes[i]->name = names[i + 1];
        nodes[i]->op_type = op;
    }
    Onnx__GraphProto graph;
    onnx__graph_proto__init(&graph);
    graph.name = "chain";
    graph.n_node = (size_t)n;
    graph.node = nodes;
    Onnx__ValueInfoProto *in = value(names[0]), *out = value(names[n]);
    graph.n_input = graph.n_output = 1;
    graph.input = &in;
    graph.output = &out;
    Onnx__OperatorSetIdProto opset;
    onnx__operator_set_id_proto__init(&opset);
    opset.domain = "";
    opset.has_version = 1;
    opset.version = 13;
    Onnx__OperatorSetIdProto *opsets[] = {&opset};
    Onnx__ModelProto model;
    onnx__model_proto__init(&model);
    model.has_ir_version = 1;
    model.ir_version = 8;
    model.graph = &graph;
    model.n_opset_import = 1;
    model.opset_import = opsets;
    size_t size = onnx__model_proto__get_packed_size(&model);
    uint8_t *bytes = malloc(size);
    onnx__model_proto__pack(&model, bytes);
    FILE *f = fopen(argv[2], "wb");
    if (!f || fwrite(bytes, 1, size, f) != size || fclose(f) != 0) {
        fprintf(stderr, "make_chain: cannot write %s\n", argv[2]);
        return 1;
    }
    return 0; /* the process ends: its allocations go with it */
}
