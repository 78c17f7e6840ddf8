// Importers for activations (TensorRT's Activation layer) and PRelu.
#include <algorithm>
#include <cmath>
#include <limits>

#include "onnx_import/ops/common.h"

namespace onnx_import {

using sim::ActType;
using sim::OpKind;
using sim::TensorId;

static std::vector<TensorId> activation(NodeContext& ctx, ActType t, float alpha = 0,
                                        float beta = 0) {
  // An engine stores finite parameters (engine_validate.cpp): refused here, not at the reload.
  if (!std::isfinite(alpha) || !std::isfinite(beta))
    ctx.error(sim::cat("activation parameters must be finite, got alpha ", alpha, ", beta ", beta));
  sim::ActivationAttrs a;
  a.type = t;
  a.alpha = alpha;
  a.beta = beta;
  return {ctx.add1(OpKind::kActivation, a, {ctx.input(0)})};
}

std::vector<TensorId> importRelu(NodeContext& ctx) {
  return activation(ctx, ActType::kRelu);
}
std::vector<TensorId> importSigmoid(NodeContext& ctx) {
  return activation(ctx, ActType::kSigmoid);
}
std::vector<TensorId> importTanh(NodeContext& ctx) {
  return activation(ctx, ActType::kTanh);
}
std::vector<TensorId> importSoftplus(NodeContext& ctx) {
  return activation(ctx, ActType::kSoftplus);
}
std::vector<TensorId> importSoftsign(NodeContext& ctx) {
  return activation(ctx, ActType::kSoftsign);
}
std::vector<TensorId> importHardSwish(NodeContext& ctx) {
  return activation(ctx, ActType::kHardSwish);
}
std::vector<TensorId> importLeakyRelu(NodeContext& ctx) {
  return activation(ctx, ActType::kLeakyRelu, ctx.attrFloat("alpha", 0.01f));
}
std::vector<TensorId> importElu(NodeContext& ctx) {
  return activation(ctx, ActType::kElu, ctx.attrFloat("alpha", 1.0f));
}
std::vector<TensorId> importSelu(NodeContext& ctx) {
  return activation(ctx, ActType::kSelu, ctx.attrFloat("alpha", 1.67326319217681884765625f),
                    ctx.attrFloat("gamma", 1.05070102214813232421875f));
}
std::vector<TensorId> importHardSigmoid(NodeContext& ctx) {
  return activation(ctx, ActType::kHardSigmoid, ctx.attrFloat("alpha", 0.2f),
                    ctx.attrFloat("beta", 0.5f));
}
std::vector<TensorId> importThresholdedRelu(NodeContext& ctx) {
  return activation(ctx, ActType::kThresholdedRelu, ctx.attrFloat("alpha", 1.0f));
}

// Clip: bounds are attributes before opset 11 and optional constant inputs after.
std::vector<TensorId> importClip(NodeContext& ctx) {
  // An open side is the float range, as in TensorRT's ONNX parser (onnx-tensorrt's Clip
  // importer), so an infinite input clips to +-FLT_MAX and the engine holds finite bounds.
  constexpr float kLowest = std::numeric_limits<float>::lowest(),
                  kMax = std::numeric_limits<float>::max();
  float lo = kLowest, hi = kMax;
  if (ctx.opset() < 11) {
    lo = ctx.attrFloat("min", lo);
    hi = ctx.attrFloat("max", hi);
  } else {
    if (ctx.hasInput(1)) lo = float(ctx.requireConstant(1, "min").asDouble().at(0));
    if (ctx.hasInput(2)) hi = float(ctx.requireConstant(2, "max").asDouble().at(0));
  }
  if (std::isnan(lo) || std::isnan(hi))
    ctx.error(sim::cat("Clip bounds ", lo, ", ", hi, " hold NaN"));
  return activation(ctx, ActType::kClip, std::clamp(lo, kLowest, kMax),
                    std::clamp(hi, kLowest, kMax));
}

std::vector<TensorId> importPRelu(NodeContext& ctx) {
  return {ctx.add1(OpKind::kParametricReLU, sim::NoAttrs{}, {ctx.input(0), ctx.input(1)})};
}

}  // namespace onnx_import
