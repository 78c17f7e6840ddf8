// Runs a graph layer by layer with the reference kernels. Every activation of a run lives in
// one arena planned at prepare() from the tensors' lifetimes (sim/runtime/arena.h): a run
// allocates only the graph outputs it returns, and buffers whose lifetimes do not overlap
// share memory.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kernels/numeric/dla_numerics.h"
#include "sim/ir/graph.h"
#include "sim/runtime/arena.h"
#include "sim/runtime/buffers.h"
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
  /// Runs with the given inputs (by graph-input name); returns the graph outputs in order, in
  /// memory of their own (a later run does not change them). Prepares on the first call.
  /// Throws sim::Error when an input is missing or has the wrong type or shape.
  std::vector<Tensor> run(const std::map<std::string, Tensor>& inputs);
  /// Called after each step (e.g. to time or inspect it); a fused group calls it once, for its
  /// last layer (runsWith), with nullptr for an output kept in a blocked layout. The tensors
  /// live in the arena: they are valid during the call only (clone() to keep one).
  std::function<void(NodeId, const std::vector<Tensor*>& outputs)> afterLayer;
  /// The layer whose output holds node n's result: the last layer of n's fused group, the
  /// activation an INT8 element-wise layer computes with it (its own output stays empty), or n.
  NodeId runsWith(NodeId n) const;
  /// Keeps every tensor in plain NCHW (no oneDNN blocked layouts between fused groups), so that
  /// afterLayer sees every group's output; call before the first run.
  void keepPlainLayouts() { fusion_.blocked.assign(fusion_.blocked.size(), false); }
  /// Builds every prepared kernel (oneDNN plans with their own copy of the weights) and plans
  /// the activation arena, once.
  void prepare();
  /// Constants only prepared kernels read: after prepare() the caller may free them from the
  /// graph (e.g. Graph::tensors[t].value = Tensor()) to keep one copy of the weights in memory.
  std::vector<TensorId> constantsHeldByPlans() const;
  /// false: every buffer of a run is a new allocation instead of the arena's (tests compare
  /// the two); call before the first run.
  void useArena(bool on) { useArena_ = on; }
  /// The size of the activation arena (bytes; 0 before prepare()).
  size_t arenaBytes() const { return arena_.bytes(); }
  /// Buffers the last run took outside the arena, graph outputs not counted (0 when the plan
  /// foresaw every buffer).
  size_t unplannedBuffers() const { return unplanned_; }

  /// One unit of a run, in order: a layer on its own, a fused group, or an INT8 layer.
  struct Step {
    enum class Kind : uint8_t { kLayer, kGroup, kInt8 } kind;
    NodeId node;     // the layer whose turn it is (a group's last layer)
    int group = -1;  // kGroup: index into the fusion plan
  };

 private:
  const Graph& g_;
  std::vector<int> lastUse_;                  // step (node index) of a tensor's last reader
  std::vector<std::shared_ptr<void>> state_;  // per-node prepared state
  FusionPlan fusion_;
  std::vector<Step> steps_;
  std::vector<std::shared_ptr<kern::ConvPlan>> groupPlans_;  // per conv group, built once
  std::vector<std::shared_ptr<kern::PoolPlan>> poolPlans_;   // per pooling stage
  std::vector<const kern::Layout*> layoutOf_;                // per blocked tensor: its layout
  std::vector<bool> planTried_;                              // per group
  std::vector<bool> isOutput_;  // per tensor: a graph output (returned in its own memory)
  bool reference_;              // everything in FP32
  bool prepared_ = false;
  bool useArena_ = true;
  std::map<std::pair<TensorId, Precision>, Tensor> reducedWeights_;  // rounded copies
  kern::DlaNumerics numerics_;
  std::unique_ptr<Int8Path> int8_;        // runs the INT8 layers
  std::map<TensorId, Tensor> constants_;  // FP16 layers' constants, as the DLA stores them
  // The arena: per buffer use, per tensor, its request (-1: none, taken from the heap).
  std::vector<std::vector<int>> slot_;
  Arena arena_;
  size_t unplanned_ = 0;

  Precision modeOf(NodeId n) const { return reference_ ? Precision::kFP32 : g_.nodes[n].precision; }
  NodeId headOf(const Step& s) const;
  const Tensor& reducedWeights(TensorId t, Precision mode);
  const Tensor& weightsFor(NodeId n, TensorId t);
  const Tensor& constantFor(NodeId reader, TensorId t);
  void reduce(Tensor& t, TensorId id, Precision mode) const;
  bool isGraphOutput(TensorId t) const;
  /// Memory for (t, use): its arena view, or (not foreseen, or a graph output) a new tensor.
  Tensor buffer(TensorId t, BufferUse use, DType dtype, const Shape& shape);
  /// Plans the arena from the steps, the prepared kernels' layouts and the tensors' lifetimes.
  void planMemory();
  /// The tensor a layer reads for t: rounded once per run when t comes from another precision.
  const Tensor& readAs(NodeId reader, TensorId t, std::vector<Tensor>& live,
                       std::vector<Tensor>& rounded);
  void roundOutputs(NodeId last, std::vector<Tensor>& live);
  void preparePlan(int k);
  void runStep(const Step& s, std::vector<Tensor>& live, std::vector<Tensor>& rounded);
  void runLayer(NodeId i, std::vector<Tensor>& live, std::vector<Tensor>& rounded);
  void runGroup(int k, std::vector<Tensor>& live, std::vector<Tensor>& rounded);
  void observe(const Step& s, std::vector<Tensor>& live);
  void release(const Step& s, std::vector<Tensor>& live, std::vector<Tensor>& rounded);
};

}  // namespace sim
