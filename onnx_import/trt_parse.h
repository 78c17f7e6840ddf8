// What TensorRT 8.4/8.5's ONNX parser (onnx-tensorrt release/8.4 and 8.5) knows about a value
// while it builds its network, and how many network layers it adds per ONNX node. dlasim folds
// shape computations that the parser builds as real layers (Shape, Gather, Concat on shapes),
// so the parser's view is tracked beside the IR: it gives the "(Unnamed Layer* N) [Shuffle]"
// names TensorRT prints (N counts every layer the parser has added, shape computations
// included; seed log).
#pragma once
#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

namespace onnx_import {

struct TrtValue {
  /// An initializer or a Constant node's output: the parser holds it as weights (it only
  /// becomes a layer, a Constant layer named after the value, where a tensor is needed).
  bool weights = false;
  /// Some dimension is -1 while parsing (a dynamic graph input reaches it); --shapes only
  /// sets the optimisation profile, the network stays dynamic.
  bool dynamicDims = false;
};

/// "(Unnamed Layer* 7) [Shuffle]": TensorRT's name of a layer the parser did not name.
std::string unnamedLayer(int index, const char* type);

/// Layers onnx-tensorrt's unsqueezeTensor adds: a Shuffle, preceded by Shape, Constant,
/// Concatenation, Constant and Gather layers computing the new shape when the input has a
/// dynamic dimension (6, the seed's "(Unnamed Layer* 7)" after Reshape_2 = layer 1).
inline int unsqueezeLayers(bool dynamicDims) {
  return dynamicDims ? 6 : 1;
}
/// squeezeTensor: Shape, Constant, Gather, then the Shuffle (seed: 12 after plugin 8).
inline int squeezeLayers(bool dynamicDims) {
  return dynamicDims ? 4 : 1;
}
/// broadcastTensor to a higher rank: Constant, Shape, Concatenation, then the Shuffle; one
/// Shuffle when the dimensions are known (seed: "71 + (Unnamed Layer* 16) [Shuffle]").
inline int broadcastLayers(bool dynamicDims) {
  return dynamicDims ? 4 : 1;
}

/// Network layers the parser adds for `node` when its importer does not say (see the .cpp for
/// each op); `in` describes its inputs (absent optional inputs default-constructed), `ranks`
/// their ranks.
int defaultParserLayers(const onnx::NodeProto& node, const std::vector<TrtValue>& in,
                        const std::vector<size_t>& ranks);

}  // namespace onnx_import
