// Per-layer build flags (--layerPrecisions, --layerOutputTypes, --layerDeviceTypes) resolved to
// the layers they name, with trtexec's semantics: "*" alone is the default for every layer no
// other entry names, later entries override earlier ones, a name matching nothing is skipped
// with a warning, and precisions / output types count only with --precisionConstraints set.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "dlasim/build_config.h"
#include "sim/ir/graph.h"

namespace builder {

struct LayerRequests {
  std::vector<std::optional<dlasim::Precision>> precision, outputType;  // per node
  std::vector<std::optional<dlasim::Device>> device;                    // per node
  std::vector<std::string> warnings;  // TensorRT-style lines, without the level
};

LayerRequests resolveLayerFlags(const sim::Graph& g, const dlasim::BuildConfig& cfg);

/// Whether `name` (a flag's layer name, possibly with one '*') names node `n`: its layer name,
/// an ONNX node fused into it, or (when `byOnnxNode`) the ONNX node it came from.
bool namesLayer(const std::string& name, const sim::Node& n, bool byOnnxNode);

}  // namespace builder
