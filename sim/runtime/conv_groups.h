// Runtime fusion for FP32 execution: a convolution with constant weights runs together with the
// point-wise layers oneDNN can apply in its output stage (a residual Add, then ReLU / leaky ReLU
// / Clip), and tensors that only flow from such convolutions into others stay in oneDNN's
// blocked layout instead of being reordered to NCHW and back. The IR is not changed: DLA rules,
// placement and reports still see every layer.
#pragma once
#include <memory>
#include <vector>

#include "kernels/conv.h"
#include "kernels/pool.h"
#include "sim/ir/graph.h"

namespace sim {

/// A convolution with its fused point-wise layers, or (pool >= 0) a 2-D pooling layer run by
/// oneDNN so that it can read and write the same blocked layouts.
struct ConvGroup {
  NodeId conv = -1, add = -1, act = -1, pool = -1;
  NodeId last = -1;               // the group runs at this node's turn
  TensorId residual = kNoTensor;  // the Add's other operand
  kern::ConvPostOps post;
};

struct FusionPlan {
  std::vector<int> groupOf;  // per node: index into groups, -1 when run on its own
  std::vector<ConvGroup> groups;
  std::vector<bool> blocked;  // per tensor: kept in the producing group's output layout
};

/// With `byPrecision`, layers of different precisions (Node::precision) never fuse. `fuse` =
/// false gives a plan in which every layer runs on its own. Nodes marked in `exclude` (run by
/// another path, e.g. the INT8 pipeline) join no group.
FusionPlan planFusion(const Graph& g, bool fuse = true, bool byPrecision = true,
                      const std::vector<bool>* exclude = nullptr);

/// Convolution parameters of a Convolution node.
kern::ConvParams convParams(const Graph& g, const Node& n);
/// Pooling parameters of a 2-D Pooling node.
kern::PoolParams poolParams(const Graph& g, const Node& n);

}  // namespace sim
