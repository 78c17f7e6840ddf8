// What the simulator knows about each layer kind, gathered in one table generated from ops.def:
// shape inference and the FP32 reference run. (DLA rules and work estimates join here later.)
#pragma once
#include <memory>
#include <vector>

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

using InferFn = std::vector<TensorDesc> (*)(const Node&, const std::vector<const TensorDesc*>&);
using RunFn = void (*)(const Node&, const OpIO&);

struct OpDef {
  const char* name;
  InferFn infer;  // throws sim::Error with the offending value; the caller adds the node name
  RunFn run;
};

const OpDef& opDef(OpKind k);

#define OP(Name, TrtType)                                                                  \
  std::vector<TensorDesc> infer##Name(const Node&, const std::vector<const TensorDesc*>&); \
  void run##Name(const Node&, const OpIO&);
#include "sim/ops/ops.def"
#undef OP

/// Helpers shared by the op files.
const TensorDesc& requireInput(const std::vector<const TensorDesc*>& in, size_t i);
void requireFloat(const TensorDesc& d, const char* what);
void requireRank(const TensorDesc& d, size_t minRank, size_t maxRank, const char* what);

}  // namespace sim
