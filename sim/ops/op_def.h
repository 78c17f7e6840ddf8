// What the simulator knows about each layer kind, gathered in one table generated from ops.def:
// shape inference, the work estimate and the reference run. (DLA rules form a parallel table in
// hwmodels/, generated from the same list, so that sim/ does not depend on platform data.)
#pragma once
#include <memory>
#include <vector>

#include "dlasim/work.h"
#include "sim/ir/graph.h"

namespace sim {

/// Inputs (nullptr for absent optional ones) and preallocated outputs of one layer run.
/// `state` (may be null, e.g. while constant folding) keeps per-layer prepared data such as a
/// oneDNN primitive with reordered weights between runs of the same executor.
struct OpIO {
  std::vector<const Tensor*> in;
  std::vector<Tensor*> out;
  std::shared_ptr<void>* state = nullptr;
  /// True when input i is a graph constant (its data never changes between runs).
  std::vector<bool> constant;
};

using dlasim::EngineUnit;
using dlasim::LayerWork;

/// What a work estimate sees: the node, its inputs (nullptr when absent) and outputs, which
/// inputs are constants, and the precision it runs in.
struct WorkArgs {
  const Node& n;
  std::vector<const TensorDesc*> in, out;
  std::vector<bool> constant;
  Precision precision = Precision::kFP32;
  /// Bytes of a tensor stored in the layer's precision (non-float tensors keep their type).
  int64_t bytes(const TensorDesc* d) const;
  /// Non-constant inputs / all outputs, in the layer's precision.
  int64_t activationInputBytes() const;
  int64_t outputBytes() const;
  /// Constant inputs: input `weightInput` (-1 for none) in the layer's precision, the others
  /// (biases, scales) as FP32.
  int64_t constantBytes(int weightInput) const;
  int64_t outVolume(size_t i = 0) const { return volume(out[i]->shape); }
};

/// A point-wise layer: `opsPerElement` operations per output element on `unit`.
LayerWork pointwiseWork(const WorkArgs& a, int64_t opsPerElement, EngineUnit unit);

using InferFn = std::vector<TensorDesc> (*)(const Node&, const std::vector<const TensorDesc*>&);
using WorkFn = LayerWork (*)(const WorkArgs&);
using RunFn = void (*)(const Node&, const OpIO&);

struct OpDef {
  const char* name;
  InferFn infer;  // throws sim::Error with the offending value; the caller adds the node name
  WorkFn work;    // MACs, bytes, element operations, engine unit
  RunFn run;
};

const OpDef& opDef(OpKind k);

#define OP(Name, TrtType, AttrsT)                                                                  \
  std::vector<TensorDesc> infer##Name(const Node&, const std::vector<const TensorDesc*>&); \
  LayerWork work##Name(const WorkArgs&);                                                   \
  void run##Name(const Node&, const OpIO&);
#include "sim/ir/ops.def"
#undef OP

/// Infers a node's outputs from its inputs' types; errors name the node.
std::vector<TensorDesc> inferNode(const Graph& g, const Node& n);
/// The work of a node of `g` in its precision (Node::precision).
LayerWork layerWork(const Graph& g, const Node& n);

/// Helpers shared by the op files.
const TensorDesc& requireInput(const std::vector<const TensorDesc*>& in, size_t i);
void requireFloat(const TensorDesc& d, const char* what);
void requireRank(const TensorDesc& d, size_t minRank, size_t maxRank, const char* what);

}  // namespace sim
