// Runs a graph layer by layer with the reference kernels. Activations are freed after their
// last use, so peak memory is the weights plus the largest set of live activations.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kernels/numeric/dla_numerics.h"
#include "sim/ir/graph.h"
#include "sim/runtime/conv_groups.h"

namespace sim {

class Int8Path;

class Executor {
 public:
  /// Each layer computes in its Node::precision, emulated where not FP32 (design §4). FP16:
  /// activations enter and leave rounded to FP16 (nearest even, saturating at +-65504),
  /// convolution weights are rounded to FP16, sums are FP32, other constants are FP19 or FP16
  /// (kern::DlaNumerics). INT8: the integer pipeline (sim/runtime/int8_path.h): int8 codes with
  /// their tensor's scale (TensorInfo::quant), exact integer sums, requantisation by the platform's
  /// policy. `reference` = true ignores the precisions and runs everything in FP32. `fuse` =
  /// false runs every layer on its own (afterLayer then sees every layer's output, INT8 ones
  /// dequantised).
  explicit Executor(const Graph& g, bool reference = false, bool fuse = true);
  ~Executor();
  /// The platform's numerics (hw::Platform::numerics; value-initialised: the default
  /// platform's); call before prepare() and run().
  void setNumerics(const kern::DlaNumerics& numerics);
  /// Runs with the given inputs (by graph-input name); returns the graph outputs in order.
  /// Throws sim::Error when an input is missing or has the wrong type or shape.
  std::vector<Tensor> run(const std::map<std::string, Tensor>& inputs);
  /// Called after each layer runs (e.g. to time or inspect it); a fused group calls it once,
  /// for its last layer (runsWith), with nullptr for an output kept in a blocked layout.
  std::function<void(NodeId, const std::vector<Tensor*>& outputs)> afterLayer;
  /// The layer whose output holds node n's result: the last layer of n's fused group, the
  /// activation an INT8 element-wise layer computes with it (its own output stays empty), or n.
  NodeId runsWith(NodeId n) const;
  /// Keeps every tensor in plain NCHW (no oneDNN blocked layouts between fused groups), so that
  /// afterLayer sees every group's output; call before the first run.
  void keepPlainLayouts() { fusion_.blocked.assign(fusion_.blocked.size(), false); }
  /// Builds every prepared kernel (oneDNN plans with their own copy of the weights) now
  /// rather than on the first run.
  void prepare();
  /// Constants only prepared kernels read: after prepare() the caller may free them from the
  /// graph (e.g. Graph::tensors[t].value = Tensor()) to keep one copy of the weights in memory.
  std::vector<TensorId> constantsHeldByPlans() const;
  /// The largest total size of activations alive at once during the last run (bytes).
  size_t peakActivationBytes() const { return peakLive_; }

 private:
  const Graph& g_;
  std::vector<int> lastUse_;                  // node index of a tensor's last reader
  std::vector<std::shared_ptr<void>> state_;  // per-node prepared state
  FusionPlan fusion_;
  std::vector<std::shared_ptr<kern::ConvPlan>> groupPlans_;  // per conv group, built once
  std::vector<std::shared_ptr<kern::PoolPlan>> poolPlans_;   // per pooling stage
  std::vector<const kern::Layout*> layoutOf_;                // per blocked tensor: its layout
  std::vector<bool> planTried_;                              // per group
  bool reference_;                                           // everything in FP32
  std::map<std::pair<TensorId, Precision>, Tensor> reducedWeights_;  // rounded copies
  kern::DlaNumerics numerics_;
  std::unique_ptr<Int8Path> int8_;        // runs the INT8 layers
  std::map<TensorId, Tensor> constants_;  // FP16 layers' constants, as the DLA stores them
  Precision modeOf(NodeId n) const { return reference_ ? Precision::kFP32 : g_.nodes[n].precision; }
  const Tensor& reducedWeights(TensorId t, Precision mode);
  const Tensor& weightsFor(NodeId n, TensorId t);
  const Tensor& constantFor(NodeId reader, TensorId t);
  std::vector<bool> int8Nodes() const;
  void reduce(Tensor& t, TensorId id, Precision mode) const;
  /// The tensor an FP16 layer reads for t: rounded once per run when t comes from FP32.
  const Tensor& readAs(NodeId reader, TensorId t, std::vector<Tensor>& live,
                       std::vector<Tensor>& rounded);
  void roundOutputs(NodeId last, std::vector<Tensor>& live);
  void preparePlan(int k);
  void runGroup(int k, std::vector<Tensor>& live, std::vector<Tensor>& rounded, size_t& liveBytes);
  size_t peakLive_ = 0;
};

}  // namespace sim
