// Importers for ops that reshape, reorder or produce shapes: Reshape, Flatten, Transpose,
// Squeeze, Unsqueeze, DepthToSpace, SpaceToDepth, Shape, Constant, ConstantOfShape, Identity,
// Dropout, Cast.
#include <algorithm>

#include "onnx_import/ops/common.h"

namespace onnx_import {

using sim::OpKind;
using sim::TensorId;

std::vector<TensorId> importReshape(NodeContext& ctx) {
  const sim::Shape& in = ctx.desc(0).shape;
  std::vector<int64_t> target =
      ctx.opset() < 5 ? ctx.attrInts("shape") : ctx.requireConstant(1, "shape").asInt64();
  bool allowZero = ctx.attrInt("allowzero", 0) != 0;
  sim::Shape out(target.size());
  int inferAt = -1;
  int64_t known = 1;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t d = target[i];
    if (d == 0 && !allowZero) {
      if (i >= in.size())
        ctx.error(sim::cat("shape entry 0 at position ", i, " has no input dim to copy"));
      d = in[i];
    }
    if (d == -1) {
      if (inferAt >= 0) ctx.error("shape has more than one -1");
      inferAt = int(i);
      continue;
    }
    if (d < 0) ctx.error(sim::cat("shape entry ", d, " is invalid"));
    out[i] = d;
    known = checked(ctx, [&] { return sim::mulDims(known, d); });
  }
  int64_t total = sim::volume(in);
  if (inferAt >= 0) {
    if (known == 0 || total % known)
      ctx.error(sim::cat("cannot infer -1: ", total, " elements into ", sim::shapeStr(out)));
    out[inferAt] = total / known;
  }
  if (sim::volume(out) != total)
    ctx.error(sim::cat("cannot reshape ", sim::shapeStr(in), " to ", sim::shapeStr(out)));
  return {reshapeTo(ctx, ctx.input(0), out)};
}

std::vector<TensorId> importFlatten(NodeContext& ctx) {
  const sim::Shape& in = ctx.desc(0).shape;
  int64_t axis = ctx.attrInt("axis", 1);
  if (axis < 0) axis += int64_t(in.size());
  if (axis < 0 || axis > int64_t(in.size())) ctx.error(sim::cat("axis ", axis, " out of range"));
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= in[i];
  int64_t inner = outer ? sim::volume(in) / outer : 0;
  return {reshapeTo(ctx, ctx.input(0), {outer, inner})};
}

std::vector<TensorId> importTranspose(NodeContext& ctx) {
  const int64_t r = int64_t(ctx.desc(0).shape.size());
  sim::Ints perm = ctx.attrInts("perm");
  if (perm.empty())
    for (int64_t i = r - 1; i >= 0; --i) perm.push_back(i);
  if (int64_t(perm.size()) != r)
    ctx.error(sim::cat("perm has ", perm.size(), " entries for rank ", r));
  sim::ShuffleAttrs a;
  a.firstPerm = normalizeAxes(ctx, perm, r);
  return {ctx.add1(OpKind::kShuffle, a, {ctx.input(0)})};
}

static std::vector<int64_t> axesOf(NodeContext& ctx) {
  if (ctx.opset() < 13) return ctx.attrInts("axes");
  return ctx.hasInput(1) ? ctx.requireConstant(1, "axes").asInt64() : std::vector<int64_t>{};
}

std::vector<TensorId> importSqueeze(NodeContext& ctx) {
  const sim::Shape& in = ctx.desc(0).shape;
  std::vector<int64_t> axes = axesOf(ctx);
  std::vector<bool> drop(in.size(), false);
  if (axes.empty()) {
    for (size_t i = 0; i < in.size(); ++i) drop[i] = in[i] == 1;
  } else {
    for (int64_t a : normalizeAxes(ctx, axes, int64_t(in.size()))) {
      if (in[a] != 1) ctx.error(sim::cat("cannot squeeze axis ", a, " of size ", in[a]));
      drop[a] = true;
    }
  }
  sim::Shape out;
  for (size_t i = 0; i < in.size(); ++i)
    if (!drop[i]) out.push_back(in[i]);
  return {reshapeTo(ctx, ctx.input(0), out)};
}

std::vector<TensorId> importUnsqueeze(NodeContext& ctx) {
  const sim::Shape& in = ctx.desc(0).shape;
  std::vector<int64_t> axes = axesOf(ctx);
  if (axes.empty()) ctx.error("axes are missing");
  const int64_t outRank = int64_t(in.size() + axes.size());
  std::vector<bool> isNew(outRank, false);
  for (int64_t a : normalizeAxes(ctx, axes, outRank)) {
    if (isNew[a]) ctx.error(sim::cat("axis ", a, " is repeated"));
    isNew[a] = true;
  }
  sim::Shape out;
  size_t k = 0;
  for (int64_t i = 0; i < outRank; ++i) out.push_back(isNew[i] ? 1 : in[k++]);
  return {reshapeTo(ctx, ctx.input(0), out)};
}

// DepthToSpace / SpaceToDepth: reshape to 6-D, transpose, reshape back (two shuffles).
std::vector<TensorId> importDepthToSpace(NodeContext& ctx) {
  const sim::Shape& x = ctx.desc(0).shape;
  int64_t b = ctx.attrInt("blocksize", 0);
  // b > C cannot divide C (and b * b could wrap): refuse before multiplying.
  if (x.size() != 4 || b < 1 || b > x[1] || x[1] % (b * b))
    ctx.error(sim::cat("blocksize ", b, " does not fit input ", sim::shapeStr(x)));
  bool crd = ctx.attrString("mode", "DCR") == "CRD";
  int64_t n = x[0], c = x[1] / (b * b), h = x[2], w = x[3];
  sim::ShuffleAttrs a;
  a.doReshape = true;
  a.reshape = crd ? sim::Shape{n, c, b, b, h, w} : sim::Shape{n, b, b, c, h, w};
  a.secondPerm = crd ? sim::Ints{0, 1, 4, 2, 5, 3} : sim::Ints{0, 3, 4, 1, 5, 2};
  TensorId t = ctx.add1(OpKind::kShuffle, a, {ctx.input(0)});
  return {reshapeTo(ctx, t, {n, c, h * b, w * b})};
}

std::vector<TensorId> importSpaceToDepth(NodeContext& ctx) {
  const sim::Shape& x = ctx.desc(0).shape;
  int64_t b = ctx.attrInt("blocksize", 0);
  if (x.size() != 4 || b < 1 || b > x[2] || b > x[3] || x[2] % b || x[3] % b)
    ctx.error(sim::cat("blocksize ", b, " does not fit input ", sim::shapeStr(x)));
  int64_t n = x[0], c = x[1], h = x[2] / b, w = x[3] / b;
  sim::ShuffleAttrs a;
  a.doReshape = true;
  a.reshape = {n, c, h, b, w, b};
  a.secondPerm = {0, 3, 5, 1, 2, 4};
  TensorId t = ctx.add1(OpKind::kShuffle, a, {ctx.input(0)});
  return {reshapeTo(ctx, t, {n, c * b * b, h, w})};
}

// Shape is always static after import, so it becomes a constant.
std::vector<TensorId> importShape(NodeContext& ctx) {
  const sim::Shape& s = ctx.desc(0).shape;
  int64_t r = int64_t(s.size());
  int64_t start = ctx.attrInt("start", 0), end = ctx.attrInt("end", r);
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = std::clamp<int64_t>(start, 0, r);
  end = std::clamp<int64_t>(end, start, r);
  std::vector<int64_t> v(s.begin() + start, s.begin() + end);
  return {ctx.addConstant(sim::Tensor::fromVector(sim::DType::kInt64, {int64_t(v.size())}, v),
                          "shape")};
}

std::vector<TensorId> importConstant(NodeContext& ctx) {
  if (ctx.hasAttr("value")) return {ctx.addConstant(ctx.attrTensor("value"), "value")};
  if (ctx.hasAttr("value_float"))
    return {ctx.addConstant(
        sim::Tensor::fromVector<float>(sim::DType::kFloat, {}, {ctx.attrFloat("value_float", 0)}),
        "value")};
  if (ctx.hasAttr("value_floats")) {
    auto v = ctx.attrFloats("value_floats");
    return {ctx.addConstant(sim::Tensor::fromVector(sim::DType::kFloat, {int64_t(v.size())}, v),
                            "value")};
  }
  if (ctx.hasAttr("value_int"))
    return {ctx.addConstant(
        sim::Tensor::fromVector<int64_t>(sim::DType::kInt64, {}, {ctx.attrInt("value_int", 0)}),
        "value")};
  if (ctx.hasAttr("value_ints")) {
    auto v = ctx.attrInts("value_ints");
    return {ctx.addConstant(sim::Tensor::fromVector(sim::DType::kInt64, {int64_t(v.size())}, v),
                            "value")};
  }
  ctx.error("has no supported value attribute (value, value_float(s), value_int(s))");
}

std::vector<TensorId> importConstantOfShape(NodeContext& ctx) {
  std::vector<int64_t> shape = ctx.requireConstant(0, "shape").asInt64();
  for (int64_t d : shape)
    if (d < 0) ctx.error(sim::cat("negative dimension ", d, " in shape"));
  sim::Tensor value = ctx.hasAttr("value")
                          ? ctx.attrTensor("value")
                          : sim::Tensor::fromVector<float>(sim::DType::kFloat, {1}, {0.f});
  if (value.size() != 1) ctx.error("value must hold exactly one element");
  sim::Shape s(shape.begin(), shape.end());
  sim::Tensor out;
  try {
    sim::checkShape(s);
  } catch (const sim::Error& e) {
    ctx.error(e.what());
  }
  // A few bytes of model can ask for gigabytes here: check the budget before allocating.
  ctx.checkMemory(sim::volume(s) * int64_t(sim::dtypeSize(value.dtype())),
                  sim::cat("constant '", ctx.proto().output_size() ? ctx.proto().output(0) : "",
                           "' (", sim::dtypeName(value.dtype()), " ", sim::shapeStr(s), ")"));
  out = sim::Tensor::uninitialized(value.dtype(), s);
  size_t es = sim::dtypeSize(value.dtype());
  for (int64_t i = 0; i < out.size(); ++i)
    std::memcpy(static_cast<char*>(out.raw()) + i * es, value.raw(), es);
  return {ctx.addConstant(std::move(out), "value")};
}

std::vector<TensorId> importIdentity(NodeContext& ctx) {
  return {ctx.add1(OpKind::kIdentity, sim::IdentityAttrs{}, {ctx.input(0)})};
}

// Dropout is the identity at inference; the optional mask output is all true.
std::vector<TensorId> importDropout(NodeContext& ctx) {
  bool training = ctx.opset() >= 12 && ctx.hasInput(2) &&
                  ctx.requireConstant(2, "training_mode").asInt64().at(0) != 0;
  if (training) {
    double ratio = ctx.hasInput(1) ? ctx.requireConstant(1, "ratio").asDouble().at(0) : 0.5;
    if (ratio != 0) ctx.error("training-mode Dropout (random masks) is not supported");
  }
  std::vector<TensorId> outs = {ctx.add1(OpKind::kIdentity, sim::IdentityAttrs{}, {ctx.input(0)})};
  if (ctx.numOutputs() > 1 && !ctx.proto().output(1).empty()) {
    ctx.checkMemory(sim::volume(ctx.desc(0).shape),
                    sim::cat("mask (bool ", sim::shapeStr(ctx.desc(0).shape), ")"));
    sim::Tensor mask(sim::DType::kBool, ctx.desc(0).shape);
    for (int64_t i = 0; i < mask.size(); ++i) mask.data<bool>()[i] = true;
    outs.push_back(ctx.addConstant(std::move(mask), "mask"));
  }
  return outs;
}

std::vector<TensorId> importCast(NodeContext& ctx) {
  sim::IdentityAttrs a;
  a.cast = true;
  int to = int(ctx.attrInt("to", 0));
  if (!dtypeFromOnnx(to, &a.to))
    ctx.error(sim::cat("cast to ", onnxTypeName(to), " is not supported"));
  return {ctx.add1(OpKind::kIdentity, a, {ctx.input(0)})};
}

}  // namespace onnx_import
