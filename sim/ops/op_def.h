// What the simulator knows about each layer kind, gathered in one table generated from ops.def:
// shape inference, the work estimate and the reference run. (DLA rules form a parallel table in
// hwmodels/, generated from the same list, so that sim/ does not depend on platform data.)
#pragma once
#include <memory>
#include <string>
#include <variant>
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

/// The integer model the INT8 emulation (sim/runtime/int8_specs) has for a layer, or kNone (the
/// layer runs in float between quantised tensors).
enum class Int8Model {
  kNone,
  kConvolution,
  kDeconvolution,
  kPooling,
  kElementWise,
  kScale,
  kActivation,
  kPReLU,
  kAbs,
  kRequantise,
  kConcatenation
};

/// How a point-wise layer maps onto the DLA's SDP when fused after another op: kAffine needs
/// only per-channel multiply / add / ReLU (the X stages), kLut a lookup-table function (the Y
/// stage), kBinary a second tensor (Y, or X when that operand is a constant); kNone: not fusable.
enum class SdpClass { kNone, kAffine, kLut, kBinary };

/// Kind-level facts the builder, the cost model and the INT8 emulation read instead of
/// switching on the kind; each kind states all of them in traits<Name> next to its infer.
/// Platform numbers stay in hwmodels' data: these say what the layer is, not how fast.
struct OpTraits {
  // Precisions TensorRT has GPU kernels for (FP32 always): FP16 / BF16, INT8, INT32 (integer
  // tensors).
  bool gpuHalf = false, gpuInt8 = false, gpuInt32 = false;
  /// The GPU cost model times the layer in the build's reduced precision (TensorRT's tuned
  /// FP16 / INT8 tactics), else in FP32.
  bool gpuTunedKernels = false;
  /// The DLA computes the layer in INT8 (else FP16 only).
  bool dlaInt8 = false;
  Int8Model int8 = Int8Model::kNone;
  SdpClass sdp = SdpClass::kNone;
  /// A per-tensor INT8 scale carries over from input to output unchanged (max, ReLU, moves).
  bool commutesWithScale = false;
  /// The output is assembled from its inputs in place: producers in the same DLA loadable
  /// write into it directly, others are copied (concatenation).
  bool assemblesInPlace = false;
  /// Passes through the SDP's lookup table per element (0: none) and reads of the input.
  int lutPasses = 0, inputReads = 1;
};

/// The element count of input `input` (0 when absent or negative), printed with its type:
/// the layer's precision for weights, Float for biases and scales.
struct WeightsOf {
  int input = -1;
  bool layerPrecision = false;
};
/// One parameter trtexec's detailed layer info prints for a layer ("Kernel": [3, 3]).
struct LayerParam {
  std::string key;
  std::variant<int64_t, std::string, Ints, WeightsOf> value;
};
using LayerParams = std::vector<LayerParam>;
/// Just TensorRT's ParameterType: the kind's name.
LayerParams kindParams(const Node& n);

using InferFn = std::vector<TensorDesc> (*)(const Node&, const std::vector<const TensorDesc*>&);
using WorkFn = LayerWork (*)(const WorkArgs&);
using RunFn = void (*)(const Node&, const OpIO&);
using TraitsFn = OpTraits (*)(const Node&);
/// `trtType` is the layer type TensorRT prints (PLUGIN_V2 for plugins, MATRIX_MULTIPLY for a
/// Gemm held as a convolution).
using ParamsFn = LayerParams (*)(const Graph&, const Node&, const std::string& trtType);

struct OpDef {
  const char* name;
  InferFn infer;  // throws sim::Error with the offending value; the caller adds the node name
  WorkFn work;    // MACs, bytes, element operations, engine unit
  RunFn run;
  TraitsFn traits;  // kind-level facts (may depend on the attributes)
  ParamsFn params;  // TensorRT's ParameterType and layer parameters (--exportLayerInfo)
};

const OpDef& opDef(OpKind k);

#define OP(Name, TrtType, AttrsT)                                                          \
  std::vector<TensorDesc> infer##Name(const Node&, const std::vector<const TensorDesc*>&); \
  LayerWork work##Name(const WorkArgs&);                                                   \
  void run##Name(const Node&, const OpIO&);                                                \
  OpTraits traits##Name(const Node&);                                                      \
  LayerParams params##Name(const Graph&, const Node&, const std::string&);
#include "sim/ir/ops.def"
#undef OP

/// Infers a node's outputs from its inputs' types; errors name the node.
std::vector<TensorDesc> inferNode(const Graph& g, const Node& n);
/// The traits of a node's kind (for its attributes).
OpTraits opTraits(const Node& n);
/// The work of a node of `g` in its precision (Node::precision).
LayerWork layerWork(const Graph& g, const Node& n);

/// Helpers shared by the op files.
const TensorDesc& requireInput(const std::vector<const TensorDesc*>& in, size_t i);
void requireFloat(const TensorDesc& d, const char* what);
void requireRank(const TensorDesc& d, size_t minRank, size_t maxRank, const char* what);

}  // namespace sim
