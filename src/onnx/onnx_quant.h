/*
 * Internal: quantised models (docs/ONNX-OPERATORS.md, "Quantised models").
 * Their quantisers are removed from the layer graph; the fixed-point types
 * they give tensors become the widths and binary points of the layers
 * around them.
 */
#ifndef FCN_ONNX_QUANT_H
#define FCN_ONNX_QUANT_H

#include "onnx_graph.h"

/* The accumulator of ONNX's integer operators (ConvInteger, MatMulInteger, QLinearConv: int32) and FINN's default. */
#define ONNX_ACC_WIDTH 32

/*
 * Whether a node is a quantiser: QuantizeLinear or DequantizeLinear (the
 * default domain), Quant (IntQuant), BipolarQuant or Trunc (QONNX's
 * domains "qonnx.custom_op.general" and "finn.custom_op.general").
 */
int onnx_is_quantiser(const Onnx__NodeProto *node);

/*
 * A quantiser's inference (src/onnx/onnx_quant.c): its scale, zero point and
 * bit widths must be constants and its type one the parser knows; its output
 * gets its fixed-point type, and on the data path its input's dims. A
 * quantiser of a constant (a weight) leaves a constant (src/onnx/onnx_order.c).
 */
int onnx_infer_quant(onnx_graph *g, int node, fcn_error *err);

/*
 * The type a tensor carries: its quantiser's, found past the operators
 * removed on the way (shape-only, folded pads, size arithmetic); bits 0 when
 * nothing quantises it.
 */
onnx_qtype onnx_quant_of(const onnx_graph *g, int tensor);

/*
 * After inference (src/onnx/onnx_quant_widths.c): every tensor's quant_next,
 * the widest type the quantisers after it give it, past the operators that
 * leave no layer or fold into the one before and past ReLU, Clip and max
 * pooling, which commute with quantisation.
 */
void onnx_quant_resolve(onnx_graph *g);

/* Widths the command line gives a float model (fcn_parse_options); 0 keeps the default. */
typedef struct onnx_widths {
    int data_width, weight_width;
} onnx_widths;

/*
 * A layer's widths and binary points: the options' first, then the
 * quantisation's, which win where the model has them (docs/ONNX-OPERATORS.md).
 */
void onnx_quant_widths(const onnx_graph *g, int node, const onnx_widths *opts, fcn_layer *l);
/* A SPLIT's data width: the type the tensor it copies carries, else the options'. */
void onnx_quant_split_width(const onnx_graph *g, int tensor, const onnx_widths *opts, fcn_layer *l);

#endif
