#include "sim/ir/trt_names.h"

namespace sim {

const MatMulBehaviour& matMulBehaviour() {
  static const MatMulBehaviour k84{
      "8.4", true, true, "unsqueeze_node_after_", "copied_squeeze_after_", "reshape_after_"};
  return k84;
}

bool importedAsPlugin(const Node& n) {
  return n.kind == OpKind::kNormalization && n.get<NormAttrs>().type == NormType::kInstance;
}

std::string MatMulLayers::gpuName() const {
  std::string s = gemm;
  for (const std::string* part : {&bias, &biasShuffle, &sum})
    if (!part->empty()) s += " + " + *part;
  return s;
}

std::string MatMulLayers::dlaName(bool startsLoadable) const {
  if (bias.empty() || !startsLoadable) return gemm;
  const std::string biasLayer = bias + " + " + biasShuffle;
  return gemm + " + " + biasLayer + " + " + matMulBehaviour().unsqueezeAfter + biasLayer + "_" +
         biasShuffle + "_output + " + sum;
}

std::string MatMulLayers::squeezeName(bool startsLoadable) const {
  const MatMulBehaviour& b = matMulBehaviour();
  return startsLoadable && !bias.empty() ? b.copiedSqueezeAfter + sum : b.reshapeAfter + gemm;
}

MatMulLayers MatMulLayers::of(const Graph& g, const Node& n) {
  MatMulLayers m;
  if (n.kind != OpKind::kConvolution || (n.onnxOp != "Gemm" && n.onnxOp != "MatMul")) return m;
  m.gemm = n.onnxName;
  if (n.inputs.size() > 2 && n.inputs[2] != kNoTensor) {
    // The import named the layer gpuName(): the bias parts follow "<gemm> + <bias> + ".
    m.bias = g.tensor(n.inputs[2]).name;
    const std::string head = m.gemm + " + " + m.bias + " + ", cut = "[Shuffle] + ";
    size_t at = n.name.rfind(cut);
    if (n.name.rfind(head, 0) != 0 || at == std::string::npos || at < head.size()) return {};
    m.biasShuffle = n.name.substr(head.size(), at + cut.size() - 3 - head.size());
    m.sum = n.name.substr(at + cut.size());
  } else if (n.name != m.gemm) {
    return {};
  }
  return m;
}

}  // namespace sim
