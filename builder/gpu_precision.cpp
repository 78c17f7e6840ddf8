#include "builder/gpu_precision.h"

#include "sim/ops/op_def.h"

namespace builder {

using dlasim::Precision;

bool gpuSupports(const sim::Node& n, Precision p) {
  sim::OpTraits t = sim::opTraits(n);
  switch (p) {
    case Precision::kFP32:
      return true;
    case Precision::kFP16:
    case Precision::kBF16:
      return t.gpuHalf;
    case Precision::kINT8:
      return t.gpuInt8;
    case Precision::kINT32:
      return t.gpuInt32;
    case Precision::kFP19:
      return false;
  }
  return false;
}

Precision gpuPrecision(const sim::Graph& g, const sim::Node& n, bool fp16, bool int8, bool scaled,
                       std::optional<Precision> asked) {
  for (sim::TensorId t : n.outputs)
    if (t != sim::kNoTensor && !sim::isFloating(g.desc(t).dtype)) return Precision::kINT32;
  if (asked && gpuSupports(n, *asked)) return *asked;
  if (int8 && scaled && gpuSupports(n, Precision::kINT8)) return Precision::kINT8;
  if (fp16 && gpuSupports(n, Precision::kFP16)) return Precision::kFP16;
  return Precision::kFP32;
}

}  // namespace builder
