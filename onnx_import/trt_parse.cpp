// Layer counts of onnx-tensorrt 8.4/8.5's importers. The counts of Reshape, Relu, Conv,
// InstanceNormalization (3-D input), Shape and Mul/Add with a lower-rank constant reproduce the
// seed log's numbering ("(Unnamed Layer* 7)", 12, 16, 19, 29 in ModelGN); the others follow
// the importers' structure (a Constant layer for each weights input a tensor is made of, a
// broadcast Shuffle for each lower-rank operand, one layer for the op) and are not checked
// against a real log.
#include "onnx_import/trt_parse.h"

#include <algorithm>

namespace onnx_import {

std::string unnamedLayer(int index, const char* type) {
  return "(Unnamed Layer* " + std::to_string(index) + ") [" + type + "]";
}

namespace {

bool isOneOf(const std::string& op, std::initializer_list<const char*> ops) {
  return std::any_of(ops.begin(), ops.end(), [&](const char* o) { return op == o; });
}

// Constant layers made for weights inputs, plus a broadcast per lower-rank operand.
int operandLayers(const std::vector<TrtValue>& in, const std::vector<size_t>& ranks,
                  bool broadcast) {
  size_t maxRank = 0;
  for (size_t r : ranks) maxRank = std::max(maxRank, r);
  int n = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    n += in[i].weights ? 1 : 0;
    if (broadcast && i < ranks.size() && ranks[i] < maxRank)
      n += broadcastLayers(in[i].dynamicDims);
  }
  return n;
}

}  // namespace

int defaultParserLayers(const onnx::NodeProto& node, const std::vector<TrtValue>& in,
                        const std::vector<size_t>& ranks) {
  const std::string& op = node.op_type();
  const bool dyn = !in.empty() && in[0].dynamicDims;
  const bool dataWeights = !in.empty() && in[0].weights;
  // Weights are read as such (kernels, shapes, axes, pads), never made into layers.
  if (op == "Constant") return 0;
  if (isOneOf(op, {"Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Equal", "Greater",
                   "Less", "And", "Or", "Where", "PRelu"}))
    return operandLayers(in, ranks, true) + std::max<int>(1, int(in.size()) - 1);
  if (op == "Mean")  // the sum chain, then a division by a Constant count
    return operandLayers(in, ranks, true) + std::max<int>(1, int(in.size()) - 1) + 2;
  if (isOneOf(op, {"Gather", "Concat"})) return operandLayers(in, ranks, false) + 1;
  if (op == "Unsqueeze") return (dataWeights ? 1 : 0) + unsqueezeLayers(dyn);
  if (op == "Squeeze") return (dataWeights ? 1 : 0) + squeezeLayers(dyn);
  // flattenTensor: the outer product is gathered from a Shape layer when it is dynamic; the
  // inner one is a known value, added as a Constant next to it before the Concatenation.
  if (op == "Flatten") return (dataWeights ? 1 : 0) + (dyn ? 6 : 1);
  if (op == "Split") return (dataWeights ? 1 : 0) + std::max(1, node.output_size());
  return (dataWeights ? 1 : 0) + 1;
}

}  // namespace onnx_import
