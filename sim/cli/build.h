// The "build" step of a run: DLA rules per layer, partition into loadables, placement log.
#pragma once
#include <vector>

#include "hwmodels/dla_rules.h"
#include "onnx_import/importer.h"
#include "sim/cli/log.h"
#include "sim/cli/options.h"
#include "sim/partition/partitioner.h"
#include "sim/runtime/executor.h"

namespace sim::cli {

struct BuildResult {
  const hw::Platform* platform = nullptr;
  bool dla = false;                        // --useDLACore given
  std::vector<hw::LayerVerdict> verdicts;  // per node (empty without DLA)
  std::vector<std::string> forcedGpu;      // per node: reason when --layerDeviceTypes forces GPU
  Partition partition;
};

/// Checks every layer against the platform's DLA rules and partitions the graph. Throws
/// sim::Error (exit 2) for bad flag values and sim::VerdictError (exit 1) when the build is
/// impossible (an unsupported layer without --allowGPUFallback, or --buildDLAStandalone with
/// GPU layers or non-DLA I/O formats).
BuildResult buildPlan(const onnx_import::ImportResult& model, const Options& o, Log* log);

/// TensorRT's placement block ("Layers Running on DLA/GPU") and one fallback warning per layer.
void printPlacement(const Graph& g, const BuildResult& b, Log& log);

/// The precision each layer computes in: DLA layers in their placed precision (FP16 / INT8),
/// GPU layers in FP32. Counts go to fp16 / int8.
std::vector<Numeric> layerNumerics(const Graph& g, const BuildResult& b, int* fp16, int* int8);

/// With --sparsity: how many DLA convolutions can run with 2:4 structured sparsity, and why not.
void printSparsity(const Graph& g, const BuildResult& b, Log& log);

/// The layer type TensorRT prints in [GpuLayer] lines.
std::string gpuLayerType(const Node& n);

}  // namespace sim::cli
