// ONNX ModelProto -> sim::Graph. Dynamic dimensions are fixed by `shapes` (trtexec's --shapes);
// nodes whose inputs are all constant are folded while importing, so Shape/Gather/Concat chains
// that compute reshape targets disappear and every tensor ends with a static shape. The graph is
// lowered but not fused: dlasim::Model::load runs the TensorRT-style passes (sim/passes) after.
#pragma once
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/ir/graph.h"

namespace onnx_import {

struct ImportOptions {
  /// Shapes for graph inputs (trtexec --shapes); required to fix dynamic dimensions.
  std::map<std::string, sim::Shape> shapes;
  /// Values for graph inputs that feed shape-like parameters (e.g. a Reshape target given as a
  /// graph input, as ONNX's node tests do): such inputs become constants.
  std::map<std::string, sim::Tensor> constantInputs;
  /// Receives warnings (e.g. a dynamic dimension defaulted to 1).
  std::function<void(const std::string&)> warn;
  /// Budget in bytes for constants (initializers, folded results); 0 = the default.
  int64_t maxMemoryBytes = 0;
};

struct ImportResult {
  sim::Graph graph;
  int opset = 0;
  std::string producer;
  /// Graph inputs that had dynamic dimensions in the file, with their declared shape
  /// (-1 for each dynamic dimension).
  std::map<std::string, sim::Shape> dynamicInputs;
  size_t onnxNodeCount = 0;
  /// Graph inputs and outputs the model declares float16: the IR holds their values as float
  /// (exactly), their bindings default to fp16:chw.
  std::set<std::string> halfBindings;
};

/// Reads and imports a model file. Throws sim::Error with a one-line message naming the file,
/// the node and the offending value.
ImportResult importModelFile(const std::string& path, const ImportOptions& options);

/// Imports a model already in memory (`baseDir` resolves external data).
ImportResult importModelBytes(const std::string& bytes, const std::string& baseDir,
                              const ImportOptions& options);

}  // namespace onnx_import
