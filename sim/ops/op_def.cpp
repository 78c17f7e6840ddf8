#include "sim/ops/op_def.h"

namespace sim {

const OpDef& opDef(OpKind k) {
  static const OpDef kTable[] = {
#define OP(Name, TrtType) {#Name, &infer##Name, &run##Name},
#include "sim/ops/ops.def"
#undef OP
  };
  return kTable[static_cast<size_t>(k)];
}

const TensorDesc& requireInput(const std::vector<const TensorDesc*>& in, size_t i) {
  if (i >= in.size() || !in[i]) fail("missing required input #", i);
  return *in[i];
}

void requireFloat(const TensorDesc& d, const char* what) {
  if (d.dtype != DType::kFloat) fail(what, " must be float32, got ", dtypeName(d.dtype));
}

void requireRank(const TensorDesc& d, size_t minRank, size_t maxRank, const char* what) {
  if (d.shape.size() < minRank || d.shape.size() > maxRank)
    fail(what, " has rank ", d.shape.size(), " (shape ", shapeStr(d.shape), "), expected ",
         minRank == maxRank ? cat(minRank) : cat(minRank, "..", maxRank));
}

}  // namespace sim
