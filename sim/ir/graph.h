// The IR: a graph of TensorRT-like layers over tensors with static shapes. Nodes are kept in a
// topological order (the importer adds them that way); constants are tensors with a value.
#pragma once
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/ir/attrs.h"
#include "sim/ir/tensor.h"

namespace sim {

using TensorId = int32_t;
using NodeId = int32_t;
constexpr TensorId kNoTensor = -1;

enum class OpKind : uint8_t {
#define OP(Name, TrtType, AttrsT) k##Name,
#include "sim/ir/ops.def"
#undef OP
};

/// Type and shape of a tensor, the input and output of shape inference.
struct TensorDesc {
  DType dtype = DType::kFloat;
  Shape shape;
};

/// A tensor's INT8 quantisation (design §4): symmetric, q = round(x / scale) saturated to
/// [-128, 127]; scale = dynamic range / 127, from a calibration cache, a MinMax pass or Q/DQ.
/// Weights dequantised from an ONNX DequantizeLinear keep their per-channel scales (one per
/// index of `axis`) so that INT8 layers re-quantise them exactly as the model defines.
struct Quantization {
  float scale = 0;  // 0 = none
  /// Weights only: one scale per index of dimension `axis`; empty = per tensor (or computed).
  std::vector<float> channelScales;
  int axis = 0;
  bool has() const { return scale > 0; }
};

struct TensorInfo {
  std::string name;
  TensorDesc desc;
  Tensor value;          // non-empty for constants (initializers, folded results)
  NodeId producer = -1;  // -1 for graph inputs and constants
  Quantization quant;    // INT8 scale, when known
  bool isConstant() const { return !value.empty(); }
};

struct Node {
  OpKind kind;
  std::string name;      // layer name as TensorRT prints it (ONNX node name, "(Unnamed Layer* 7)
                         // [Shuffle]" for layers its parser adds, "A + B" once fused)
  std::string onnxOp;    // the ONNX op type it came from (for reports)
  std::string onnxName;  // the ONNX node it came from (one node may give several layers)
  std::vector<TensorId> inputs;  // kNoTensor marks an absent optional input
  std::vector<TensorId> outputs;
  Attrs attrs;
  std::string
      pattern;  // a recognised ONNX pattern this layer belongs to, e.g. "GroupNormalization"
  /// The precision the layer computes in, set by the build: FP32 for GPU layers (and before a
  /// build), the placed FP16 / INT8 for DLA layers. The runtime and the cost model read it.
  Precision precision = Precision::kFP32;
  /// ONNX nodes fused into this layer after its own, as TensorRT fuses them ({name, op type});
  /// the layer's name is then "Conv_0 + BatchNormalization_1 + Relu_2".
  std::vector<std::pair<std::string, std::string>> fused;
  /// The first and last ONNX node names inside the layer (TensorRT's ForeignNode names).
  const std::string& firstName() const { return fused.empty() ? name : originalName; }
  const std::string& lastName() const { return fused.empty() ? name : fused.back().first; }
  std::string originalName;  // the layer's own ONNX name when others were fused into it
  template <class A>
  const A& get() const {
    return std::get<A>(attrs);
  }
};

class Graph {
 public:
  std::deque<TensorInfo> tensors;  // deque: references stay valid while importers add tensors
  std::vector<Node> nodes;
  std::vector<TensorId> inputs;
  std::vector<TensorId> outputs;

  TensorId addTensor(std::string name, TensorDesc desc);
  TensorId addConstant(std::string name, Tensor value);
  /// Returns kNoTensor when no tensor has that name.
  TensorId find(const std::string& name) const;
  void rename(TensorId id, std::string name);
  /// A name not used yet, built from a hint.
  std::string uniqueName(const std::string& hint) const;

  const TensorInfo& tensor(TensorId id) const { return tensors[id]; }
  const TensorDesc& desc(TensorId id) const { return tensors[id].desc; }
  /// Total bytes of constant tensors (weights).
  size_t constantBytes() const;

 private:
  std::unordered_map<std::string, TensorId> byName_;
};

const char* opKindName(OpKind k);
const char* trtLayerType(OpKind k);

}  // namespace sim
