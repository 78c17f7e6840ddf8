// The build step: DLA rules per layer, per-layer flags, partition into loadables, and each
// layer's precision written into the graph (Node::precision), the one place it is decided.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "dlasim/build_config.h"
#include "dlasim/work.h"
#include "hwmodels/dla_rules.h"
#include "hwmodels/trt_version.h"
#include "sim/ir/graph.h"
#include "sim/partition/partitioner.h"

namespace builder {

struct BuildResult {
  const hw::Platform* platform = nullptr;
  const hw::TrtVersion* trtVersion = nullptr;  // the version modelled (never null once built)
  bool dla = false;                        // built for a DLA core
  std::vector<hw::LayerVerdict> verdicts;  // per node (empty without DLA)
  std::vector<std::string> forcedGpu;      // per node: reason when --layerDeviceTypes forces GPU
  /// Per node: the precision TensorRT picks for it on the GPU (reported; GPU numerics stay
  /// FP32). FP32 for DLA layers.
  std::vector<dlasim::Precision> gpuPrecision;
  /// The format of each binding, inputs then outputs (one format each, no alternatives).
  std::vector<dlasim::IOFormat> bindingFormats;
  sim::Partition partition;
  std::vector<std::string> warnings;  // TensorRT-style lines, without the level
};

/// Checks every layer of `g` against the platform's DLA rules, partitions the graph and sets
/// each node's precision. `dynamicInputs` are the inputs declared with dynamic dimensions.
/// Calibration scales in `cfg` are applied to `g` first. Throws sim::Error for bad
/// configuration values and sim::VerdictError (its problems one per layer) when the build is
/// impossible (an unsupported layer without GPU fallback, or a standalone build with GPU layers
/// or non-DLA I/O formats).
BuildResult buildPlan(sim::Graph& g, const std::map<std::string, sim::Shape>& dynamicInputs,
                      const dlasim::BuildConfig& cfg);

/// Node::precision from a build: DLA layers in their placed precision, GPU layers in FP32.
void assignPrecisions(sim::Graph& g, const BuildResult& b);

/// The precision node i reports: its DLA precision, or TensorRT's pick on the GPU.
dlasim::Precision reportedPrecision(const sim::Graph& g, const BuildResult& b, size_t i);
/// Node i's work in its reported precision.
dlasim::LayerWork reportedWork(const sim::Graph& g, const BuildResult& b, size_t i);

/// The layer type TensorRT prints in [GpuLayer] lines.
std::string gpuLayerType(const sim::Node& n);

/// Why node i is not on the DLA: --layerDeviceTypes, every rule it broke, or the partitioner's
/// eviction (loadable or weight limits). Empty for DLA layers and GPU-only builds.
std::vector<hw::Violation> fallbackReasons(const sim::Graph& g, const BuildResult& b, size_t i);

}  // namespace builder
