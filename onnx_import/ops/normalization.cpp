// Importers for normalisations (BatchNorm -> Scale, Instance/Layer/Group norm, LRN),
// Softmax / LogSoftmax and the Reduce family.
#include <cmath>

#include "onnx_import/ops/common.h"

namespace onnx_import {

using sim::OpKind;
using sim::TensorId;

static void noExtraOutputs(NodeContext& ctx, int keep) {
  for (int k = keep; k < ctx.numOutputs(); ++k)
    if (!ctx.proto().output(k).empty())
      ctx.error(sim::cat("output #", k, " (training-mode statistics) is not supported"));
}

// BatchNormalization folds into a per-channel Scale layer, as TensorRT's parser does.
std::vector<TensorId> importBatchNormalization(NodeContext& ctx) {
  noExtraOutputs(ctx, 1);
  if (ctx.attrInt("training_mode", 0)) ctx.error("training_mode=1 is not supported");
  const sim::Shape& x = ctx.desc(0).shape;
  if (x.size() < 2) ctx.error(sim::cat("input shape ", sim::shapeStr(x), " has no channel dim"));
  auto gamma = ctx.requireConstant(1, "scale").asDouble();
  auto beta = ctx.requireConstant(2, "B").asDouble();
  auto mean = ctx.requireConstant(3, "mean").asDouble();
  auto var = ctx.requireConstant(4, "var").asDouble();
  const size_t c = size_t(x[1]);
  if (gamma.size() != c || beta.size() != c || mean.size() != c || var.size() != c)
    ctx.error(sim::cat("parameters have ", gamma.size(), "/", beta.size(), "/", mean.size(), "/",
                       var.size(), " values for ", c, " channels"));
  double eps = ctx.attrFloat("epsilon", 1e-5f);
  std::vector<float> scale(c), shift(c);
  for (size_t i = 0; i < c; ++i) {
    double s = gamma[i] / std::sqrt(var[i] + eps);
    scale[i] = float(s);
    shift[i] = float(beta[i] - mean[i] * s);
  }
  TensorId s =
      ctx.addConstant(sim::Tensor::fromVector(sim::DType::kFloat, {int64_t(c)}, scale), "scale");
  TensorId b =
      ctx.addConstant(sim::Tensor::fromVector(sim::DType::kFloat, {int64_t(c)}, shift), "shift");
  return {ctx.add1(OpKind::kScale, sim::ScaleAttrs{}, {ctx.input(0), s, b})};
}

// TensorRT's parser runs its InstanceNormalization plugin on 4-D data: a 3-D input (PyTorch's
// GroupNorm export) is unsqueezed to N x C x L x 1 and squeezed back by unnamed Shuffles, which
// its builder fuses with the Reshapes around them (seed log: "Reshape_2 + (Unnamed Layer* 7)
// [Shuffle]", "(Unnamed Layer* 12) [Shuffle] + Reshape_7").
std::vector<TensorId> importInstanceNormalization(NodeContext& ctx) {
  sim::NormAttrs a;
  a.type = sim::NormType::kInstance;
  a.epsilon = ctx.attrFloat("epsilon", 1e-5f);
  const sim::Shape x = ctx.desc(0).shape;
  if (x.size() != 3 || ctx.constant(0))
    return {ctx.add1(OpKind::kNormalization, a, {ctx.input(0), ctx.input(1), ctx.input(2)})};
  const bool dyn = ctx.trt(0).dynamicDims;
  const int unsqueeze = ctx.trtBase() + unsqueezeLayers(dyn) - 1, plugin = unsqueeze + 1;
  const int squeeze = plugin + squeezeLayers(dyn);
  ctx.setTrtLayers(squeeze - ctx.trtBase() + 1);
  auto reshape = [](const sim::Shape& s) {
    sim::ShuffleAttrs r;
    r.doReshape = true;
    r.reshape = s;
    return r;
  };
  std::string up = unnamedLayer(unsqueeze, "Shuffle"), down = unnamedLayer(squeeze, "Shuffle");
  TensorId x4 = ctx.addNamed(OpKind::kShuffle, reshape({x[0], x[1], x[2], 1}), {ctx.input(0)}, up,
                             up + "_output");
  TensorId y4 = ctx.addNamed(OpKind::kNormalization, a, {x4, ctx.input(1), ctx.input(2)},
                             ctx.name(), unnamedLayer(plugin, "PluginV2") + "_output");
  return {ctx.addNamed(OpKind::kShuffle, reshape(x), {y4}, down, down + "_output")};
}

std::vector<TensorId> importLayerNormalization(NodeContext& ctx) {
  sim::NormAttrs a;
  a.type = sim::NormType::kLayer;
  a.axis = ctx.attrInt("axis", -1);
  a.epsilon = ctx.attrFloat("epsilon", 1e-5f);
  if (ctx.attrInt("stash_type", 1) != 1) ctx.error("stash_type other than float is not supported");
  std::vector<TensorId> in = {ctx.input(0), ctx.input(1)};
  in.push_back(ctx.hasInput(2) ? ctx.input(2) : sim::kNoTensor);
  int outs = std::max(1, ctx.numOutputs());
  return ctx.add(OpKind::kNormalization, a, in, outs);
}

// GroupNormalization-18 has per-group scale/bias; repeat them per channel (opset 21's form).
std::vector<TensorId> importGroupNormalization(NodeContext& ctx) {
  sim::NormAttrs a;
  a.type = sim::NormType::kGroup;
  a.groups = ctx.attrInt("num_groups", 0);
  a.epsilon = ctx.attrFloat("epsilon", 1e-5f);
  const sim::Shape& x = ctx.desc(0).shape;
  if (x.size() < 3 || a.groups < 1 || x[1] % a.groups)
    ctx.error(
        sim::cat("num_groups ", a.groups, " does not divide the channels of ", sim::shapeStr(x)));
  std::vector<TensorId> params;
  for (int i = 1; i <= 2; ++i) {
    const sim::Tensor& t = ctx.requireConstant(i, i == 1 ? "scale" : "bias");
    if (t.size() == x[1]) {
      params.push_back(ctx.input(i));
      continue;
    }
    if (t.size() != a.groups) ctx.error(sim::cat("scale/bias has ", t.size(), " values"));
    auto v = t.asDouble();
    std::vector<float> per(static_cast<size_t>(x[1]));
    for (size_t ch = 0; ch < per.size(); ++ch) per[ch] = float(v[ch / size_t(x[1] / a.groups)]);
    params.push_back(ctx.addConstant(sim::Tensor::fromVector(sim::DType::kFloat, {x[1]}, per),
                                     i == 1 ? "scale" : "bias"));
  }
  return {ctx.add1(OpKind::kNormalization, a, {ctx.input(0), params[0], params[1]})};
}

std::vector<TensorId> importLRN(NodeContext& ctx) {
  sim::LrnAttrs a;
  if (!ctx.hasAttr("size")) ctx.error("attribute size is missing");
  a.size = ctx.attrInt("size", 1);
  a.alpha = ctx.attrFloat("alpha", 1e-4f);
  a.beta = ctx.attrFloat("beta", 0.75f);
  a.bias = ctx.attrFloat("bias", 1.0f);
  return {ctx.add1(OpKind::kLRN, a, {ctx.input(0)})};
}

static std::vector<TensorId> softmax(NodeContext& ctx, bool log) {
  sim::SoftMaxAttrs a;
  a.coerce2d = ctx.opset() < 13;
  a.axis = ctx.attrInt("axis", a.coerce2d ? 1 : -1);
  a.log = log;
  return {ctx.add1(OpKind::kSoftMax, a, {ctx.input(0)})};
}
std::vector<TensorId> importSoftmax(NodeContext& ctx) {
  return softmax(ctx, false);
}
std::vector<TensorId> importLogSoftmax(NodeContext& ctx) {
  return softmax(ctx, true);
}

// Axes come from an attribute, or (ReduceSum >= 13, all reductions >= 18) from input 1.
static std::vector<TensorId> reduce(NodeContext& ctx, sim::ReduceOp op, bool logAfter = false) {
  const int64_t rank = int64_t(ctx.desc(0).shape.size());
  bool axesAsInput = ctx.opset() >= 18 || (ctx.opType() == "ReduceSum" && ctx.opset() >= 13);
  std::vector<int64_t> axes;
  if (axesAsInput) {
    if (ctx.hasInput(1)) axes = ctx.requireConstant(1, "axes").asInt64();
  } else {
    axes = ctx.attrInts("axes");
  }
  sim::ReduceAttrs a;
  a.op = op;
  a.keepDims = ctx.attrInt("keepdims", 1) != 0;
  if (axes.empty()) {
    if (ctx.attrInt("noop_with_empty_axes", 0))
      return {ctx.add1(OpKind::kIdentity, sim::IdentityAttrs{}, {ctx.input(0)})};
    for (int64_t d = 0; d < rank; ++d) a.axes.push_back(d);
  } else {
    a.axes = normalizeAxes(ctx, axes, rank);
    std::sort(a.axes.begin(), a.axes.end());
    a.axes.erase(std::unique(a.axes.begin(), a.axes.end()), a.axes.end());
  }
  TensorId r = ctx.add1(OpKind::kReduce, a, {ctx.input(0)});
  if (logAfter) {
    sim::UnaryAttrs u;
    u.op = sim::UnaryOp::kLog;
    r = ctx.add1(OpKind::kUnary, u, {r}, "log");
  }
  return {r};
}

std::vector<TensorId> importReduceSum(NodeContext& ctx) {
  return reduce(ctx, sim::ReduceOp::kSum);
}
std::vector<TensorId> importReduceMean(NodeContext& ctx) {
  return reduce(ctx, sim::ReduceOp::kMean);
}
std::vector<TensorId> importReduceMax(NodeContext& ctx) {
  return reduce(ctx, sim::ReduceOp::kMax);
}
std::vector<TensorId> importReduceMin(NodeContext& ctx) {
  return reduce(ctx, sim::ReduceOp::kMin);
}
std::vector<TensorId> importReduceProd(NodeContext& ctx) {
  return reduce(ctx, sim::ReduceOp::kProd);
}
std::vector<TensorId> importReduceSumSquare(NodeContext& ctx) {
  return reduce(ctx, sim::ReduceOp::kSumSquare);
}
std::vector<TensorId> importReduceL1(NodeContext& ctx) {
  return reduce(ctx, sim::ReduceOp::kL1);
}
std::vector<TensorId> importReduceL2(NodeContext& ctx) {
  return reduce(ctx, sim::ReduceOp::kL2);
}
std::vector<TensorId> importReduceLogSum(NodeContext& ctx) {
  return reduce(ctx, sim::ReduceOp::kSum, /*logAfter=*/true);
}
std::vector<TensorId> importReduceLogSumExp(NodeContext& ctx) {
  return reduce(ctx, sim::ReduceOp::kLogSumExp);
}

}  // namespace onnx_import
