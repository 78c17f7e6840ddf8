#include "builder/sparsity.h"

namespace builder {

using namespace sim;

int forceSparsity(Graph& g) {
  int pruned = 0;
  for (Node& n : g.nodes) {
    if (n.kind != OpKind::kConvolution || n.get<ConvAttrs>().group != 1) continue;
    const TensorInfo& w = g.tensor(n.inputs[1]);
    if (!w.isConstant() || w.desc.dtype != DType::kFloat || w.desc.shape.size() < 2) continue;
    const Shape& s = w.desc.shape;
    const int64_t k = s[0], c = s[1], spatial = volume(s, 2, s.size());
    Tensor v = w.value.clone();
    float* p = v.data<float>();
    for (int64_t o = 0; o < k; ++o)
      for (int64_t ci = 0; ci < c; ++ci)
        if (ci % 4 >= 2)
          for (int64_t x = 0; x < spatial; ++x) p[(o * c + ci) * spatial + x] = 0.f;
    n.inputs[1] = g.addConstant(g.uniqueName(w.name + "_2of4"), std::move(v));
    ++pruned;
  }
  return pruned;
}

}  // namespace builder
