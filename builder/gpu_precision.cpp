#include "builder/gpu_precision.h"

namespace builder {

using dlasim::Precision;
using sim::OpKind;

bool gpuSupports(const sim::Node& n, Precision p) {
  switch (p) {
    case Precision::kFP32:
      return true;
    case Precision::kFP16:
    case Precision::kBF16:
      return n.kind != OpKind::kGather && n.kind != OpKind::kSelect;
    case Precision::kINT8:
      switch (n.kind) {
        case OpKind::kConvolution:
        case OpKind::kDeconvolution:
        case OpKind::kPooling:
        case OpKind::kActivation:
        case OpKind::kElementWise:
        case OpKind::kScale:
        case OpKind::kShuffle:
        case OpKind::kConcatenation:
        case OpKind::kSlice:
        case OpKind::kResize:
        case OpKind::kPadding:
        case OpKind::kIdentity:
          return true;
        default:
          return false;
      }
    case Precision::kINT32:
      return n.kind == OpKind::kShuffle || n.kind == OpKind::kConcatenation ||
             n.kind == OpKind::kSlice || n.kind == OpKind::kGather ||
             n.kind == OpKind::kElementWise || n.kind == OpKind::kIdentity;
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
