// Explicit quantisation: ONNX QuantizeLinear / DequantizeLinear imported as TensorRT does. The
// Q/DQ nodes become no layers: an activation's Q/DQ pair becomes the tensor's INT8 scale
// (TensorInfo::quant), a DequantizeLinear on weights folds into float weights that keep the
// model's per-channel scales. A model imported so needs no calibration cache.
#pragma once
#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

#include "onnx_import/context.h"

namespace onnx_import {

/// Checks, before any node is imported, that every reader of a QuantizeLinear output is a
/// DequantizeLinear and that none is a graph output (dlasim keeps tensors in float and has no
/// INT8 model outputs). Errors name the node.
void checkQuantizeConsumers(const onnx::GraphProto& graph,
                            const std::vector<std::string>& nodeNames);

/// TensorRT's Q/DQ propagation: a scale crosses layers that commute with quantisation (max
/// pooling, ReLU, reshapes and transposes, identity), backwards from an output that has one
/// to an input that has none and forwards the other way, so that e.g. a convolution followed
/// by max pooling and a Q/DQ pair runs in INT8 as well. No-op without Q/DQ scales.
void propagateQuantization(sim::Graph& g);

/// Weights (input `input` of the node) quantised per channel by a DequantizeLinear must be so
/// along `axis`, the layer's output channels; otherwise an error naming the node.
void checkWeightAxis(NodeContext& ctx, int input, int64_t axis, const char* layer);

}  // namespace onnx_import
