// The op importer table: one line per ONNX op type (several may share an importer file).
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "onnx_import/context.h"

namespace onnx_import {

// A hand-laid table: formatting it would reflow every line.
// clang-format off
#define IMPORTERS(X)                                                                               \
  X(Conv)                                                                                          \
  X(ConvTranspose)                                                                                 \
  X(MaxPool) X(AveragePool) X(GlobalAveragePool) X(GlobalMaxPool) X(Relu) X(LeakyRelu) X(PRelu)    \
      X(Sigmoid) X(Tanh) X(Clip) X(HardSigmoid) X(HardSwish) X(Elu) X(Selu) X(Softplus)            \
          X(Softsign) X(ThresholdedRelu) X(Add) X(Sub) X(Mul) X(Div) X(Max) X(Min) X(Pow) X(Sum)   \
              X(Mean) X(Equal) X(Greater) X(Less) X(And) X(Or) X(Not) X(Sqrt) X(Reciprocal) X(Abs) \
                  X(Neg) X(Exp) X(Log) X(Erf) X(Floor) X(Ceil) X(Where) X(BatchNormalization)      \
                      X(InstanceNormalization) X(LayerNormalization) X(GroupNormalization) X(LRN)  \
                          X(Softmax) X(LogSoftmax) X(ReduceMean) X(ReduceMax) X(ReduceMin)         \
                              X(ReduceSum) X(ReduceProd) X(ReduceSumSquare) X(ReduceL1)            \
                                  X(ReduceL2) X(ReduceLogSum) X(ReduceLogSumExp) X(Concat)         \
                                      X(Split) X(Slice) X(Pad) X(Gather) X(Expand) X(Tile)         \
                                          X(Reshape) X(Flatten) X(Transpose) X(Squeeze)            \
                                              X(Unsqueeze) X(DepthToSpace) X(SpaceToDepth)         \
                                                  X(Shape) X(Constant) X(ConstantOfShape)          \
                                                      X(Identity) X(Dropout) X(Cast) X(Resize)     \
                                                          X(Upsample) X(Gemm) X(MatMul)            \
                                                              X(QuantizeLinear) X(DequantizeLinear)
// clang-format on

#define DECLARE(Op) std::vector<sim::TensorId> import##Op(NodeContext&);
IMPORTERS(DECLARE)
#undef DECLARE

// Built on first use (also by a RegisterImporters constructor, whatever the order of static
// initialisation between files).
static std::unordered_map<std::string, ImportFn>& table() {
  static std::unordered_map<std::string, ImportFn> t = {
#define ENTRY(Op) {#Op, &import##Op},
      IMPORTERS(ENTRY)
#undef ENTRY
  };
  return t;
}

RegisterImporters::RegisterImporters(
    std::initializer_list<std::pair<const char*, ImportFn>> entries) {
  for (const auto& [op, fn] : entries)
    if (!table().emplace(op, fn).second) {
      std::fprintf(stderr, "dlasim: two importers for ONNX op %s\n", op);
      std::abort();
    }
}

ImportFn findImporter(const std::string& opType) {
  auto it = table().find(opType);
  return it == table().end() ? nullptr : it->second;
}

}  // namespace onnx_import
