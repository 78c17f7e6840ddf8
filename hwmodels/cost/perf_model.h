// One inference of a placed graph as a timeline: host copies, GPU layers, DLA loadables with
// their submissions, layers and conversions, and the tensors handed between DLA and GPU (a GPU
// reformat plus a synchronisation per direction). Rows are in execution order and their times
// add up to the latency. Also the engine's size and memory pools.
#pragma once
#include <string>
#include <vector>

#include "dlasim/performance.h"
#include "hwmodels/cost/cost_context.h"

namespace hw {

struct PerfModel {
  std::vector<dlasim::TimingRow> rows;
  std::vector<dlasim::LoadableTiming> loadables;
  double h2dMs = 0, computeMs = 0, d2hMs = 0, enqueueMs = 0, dlaBusyMs = 0, gpuBusyMs = 0;
  int64_t dramBytes = 0;
};

/// `loadableNames`: TensorRT's ForeignNode names, per loadable.
PerfModel modelPerformance(const CostContext& ctx, const std::vector<std::string>& loadableNames);

/// Sizes of each loadable and of the engine; pools in bytes (0 = TensorRT's defaults).
dlasim::EngineMemory engineMemory(const CostContext& ctx,
                                  const std::vector<std::string>& loadableNames,
                                  int64_t localDramPool, int64_t globalDramPool);

/// One line per loadable whose needs exceed --memPoolSize's dlaLocalDRAM / dlaGlobalDRAM, as
/// TensorRT fails such builds; empty when all fit.
std::vector<std::string> poolProblems(const dlasim::EngineMemory& m);

/// The build's facts and pools from its configuration (bytes; 0 = default).
BuildFacts buildFacts(const dlasim::BuildConfig& cfg);
int64_t poolBytes(const dlasim::BuildConfig& cfg, const std::string& pool);
/// poolProblems of a freshly partitioned graph (the build's check).
std::vector<std::string> loadablePoolProblems(const sim::Graph& g, const sim::Partition& part,
                                              const Platform& p, const dlasim::BuildConfig& cfg);

}  // namespace hw
