// What every part of the cost model reads: the placed graph, the platform's constants, the
// clocks, the build's facts (precisions enabled, sparsity, I/O formats, SRAM pool), and a few
// indexes over the graph computed once.
#pragma once
#include <vector>

#include "dlasim/build_config.h"
#include "dlasim/performance.h"
#include "dlasim/work.h"
#include "hwmodels/cost/clocks.h"
#include "hwmodels/trt_version.h"
#include "sim/ir/graph.h"
#include "sim/ir/io_format.h"
#include "sim/ir/partition.h"

namespace hw {

/// The build facts the model needs (a subset of dlasim::PlanSettings).
struct BuildFacts {
  const TrtVersion* version = nullptr;  // null: the default version (8.4)
  bool fp16 = false, int8 = false;
  dlasim::Sparsity sparsity = dlasim::Sparsity::kDisable;
  int64_t sramPoolBytes = 0;  // 0 = the platform's default
  std::vector<dlasim::IOFormat> inputFormats, outputFormats;
  // Facts taken while the plan still held its weights (a plan may free them after a run);
  // empty: computed from the graph.
  std::vector<bool> constants;           // per tensor: a build-time constant
  std::vector<bool> sparse;              // per node: a convolution that runs 2:4 sparse
  std::vector<dlasim::LayerWork> works;  // per node
};

/// The facts above, from a graph that holds its weights.
void takeGraphFacts(const sim::Graph& g, const Platform& p, BuildFacts* f);

struct CostContext {
  CostContext(const sim::Graph& g, const sim::Partition& part, const Platform& p,
              const BuildFacts& facts, const Clocks& clocks, int64_t batchScale);

  const sim::Graph& g;
  const sim::Partition& part;
  const Platform& platform;
  const CostParams& params;
  const TrtVersion& version;
  BuildFacts facts;
  Clocks clocks;
  int64_t batchScale = 1;
  int64_t sramBytes = 0;  // the managed SRAM pool, capped at the core's capacity
  std::vector<std::vector<sim::NodeId>> readers;  // per tensor
  std::vector<bool> graphOutput;                  // per tensor
  std::vector<int> inputIndex, outputIndex;       // per tensor: binding index or -1

  bool isConstant(sim::TensorId t) const { return facts.constants[size_t(t)]; }
  size_t indexOf(const sim::Node& n) const { return size_t(&n - g.nodes.data()); }

  /// Shape with its leading dimension multiplied by batchScale (activations only).
  sim::Shape scaled(sim::TensorId t) const;
  /// DLA cycles / GPU ops at the modelled clocks, in milliseconds.
  double dlaMs(double cycles) const { return cycles / (clocks.dlaMHz * 1e3); }
  /// The DRAM bandwidth one DLA core sustains (GB/s = bytes per microsecond / 1e3).
  double dlaDramGBs() const;
  double gpuDramGBs() const { return clocks.dramGBs * params.gpu.memoryEfficiency; }
  /// The I/O format asked for binding `t` (fp32:chw when none was given).
  dlasim::IOFormat formatOf(sim::TensorId t) const;
};

/// N, C, H, W of a shape as the DLA sees it: C, H, W are the last three dims, N the product of
/// the others (lower ranks fill from C).
struct Dims {
  int64_t n = 1, c = 1, h = 1, w = 1;
};
Dims dimsOf(const sim::Shape& s);

}  // namespace hw
