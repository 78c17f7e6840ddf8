// Importers for element-wise binary ops, their variadic forms, unary math and Where.
#include <algorithm>

#include "onnx_import/ops/common.h"

namespace onnx_import {

using sim::EltOp;
using sim::OpKind;
using sim::TensorId;
using sim::UnaryOp;

static TensorId binary(NodeContext& ctx, EltOp op, TensorId a, TensorId b,
                       const std::string& sfx = "") {
  sim::EltAttrs at;
  at.op = op;
  return ctx.add1(OpKind::kElementWise, at, {a, b}, sfx);
}

// The name TensorRT gives a binary ElementWise, and the count of layers its parser adds: a
// Constant layer per weights operand (named after the value) and a broadcast Shuffle per
// lower-rank operand, which its builder fuses into the layer ("71 + (Unnamed Layer* 16)
// [Shuffle] + Mul_8", seed log).
static std::string trtElementWiseName(NodeContext& ctx) {
  size_t maxRank = std::max(ctx.desc(0).shape.size(), ctx.desc(1).shape.size());
  int next = ctx.trtBase();
  std::string parts;
  for (int k = 0; k < 2; ++k) {
    const TrtValue& v = ctx.trt(k);
    if (v.weights) {
      parts += ctx.proto().input(k) + " + ";
      ++next;
    }
    if (ctx.desc(k).shape.size() < maxRank) {
      next += broadcastLayers(v.dynamicDims);
      if (v.weights) parts += unnamedLayer(next - 1, "Shuffle") + " + ";
    }
  }
  ctx.setTrtLayers(next - ctx.trtBase() + 1);
  return parts + ctx.name();
}

static std::vector<TensorId> binaryNode(NodeContext& ctx, EltOp op) {
  if (ctx.opset() < 7 && ctx.attrInt("broadcast", 0) != 0 && ctx.hasAttr("axis"))
    ctx.error("legacy broadcast with an axis attribute (opset < 7) is not supported");
  sim::EltAttrs at;
  at.op = op;
  return {ctx.addNamed(OpKind::kElementWise, at, {ctx.input(0), ctx.input(1)},
                       trtElementWiseName(ctx))};
}

// Mul / Add of a 4-D tensor with a per-channel or scalar constant becomes a Scale layer, as
// TensorRT fuses an ElementWise with constant weights (seed log: "SCALE: 71 + ... + Mul_8").
static std::vector<TensorId> scaleOrBinary(NodeContext& ctx, EltOp op) {
  for (int k = 0; k < 2; ++k) {
    const sim::Tensor* c = ctx.constant(k);
    if (!c || ctx.constant(1 - k) || c->dtype() != sim::DType::kFloat) continue;
    const sim::TensorDesc x = ctx.desc(1 - k);
    if (x.shape.size() != 4 || x.dtype != sim::DType::kFloat) continue;
    const sim::Shape& cs = c->shape();
    int64_t channels = x.shape[1];
    bool scalar = c->size() == 1 && cs.size() <= 4;
    bool perChannel = c->size() == channels &&
                      (cs == sim::Shape{channels, 1, 1} || cs == sim::Shape{1, channels, 1, 1});
    if (!scalar && !perChannel) continue;
    std::vector<float> v(size_t(channels), c->data<float>()[0]);
    if (perChannel) v.assign(c->data<float>(), c->data<float>() + channels);
    std::vector<float> ones(size_t(channels), 1.f), zeros(size_t(channels), 0.f);
    bool mul = op == EltOp::kProd;
    TensorId s = ctx.addConstant(
        sim::Tensor::fromVector(sim::DType::kFloat, {channels}, mul ? v : ones), "scale");
    TensorId b = ctx.addConstant(
        sim::Tensor::fromVector(sim::DType::kFloat, {channels}, mul ? zeros : v), "shift");
    return {ctx.addNamed(OpKind::kScale, sim::ScaleAttrs{}, {ctx.input(1 - k), s, b},
                         trtElementWiseName(ctx))};
  }
  return binaryNode(ctx, op);
}

std::vector<TensorId> importAdd(NodeContext& ctx) {
  return scaleOrBinary(ctx, EltOp::kSum);
}
std::vector<TensorId> importSub(NodeContext& ctx) {
  return binaryNode(ctx, EltOp::kSub);
}
std::vector<TensorId> importMul(NodeContext& ctx) {
  return scaleOrBinary(ctx, EltOp::kProd);
}
std::vector<TensorId> importDiv(NodeContext& ctx) {
  return binaryNode(ctx, EltOp::kDiv);
}
std::vector<TensorId> importPow(NodeContext& ctx) {
  return binaryNode(ctx, EltOp::kPow);
}
std::vector<TensorId> importEqual(NodeContext& ctx) {
  return binaryNode(ctx, EltOp::kEqual);
}
std::vector<TensorId> importGreater(NodeContext& ctx) {
  return binaryNode(ctx, EltOp::kGreater);
}
std::vector<TensorId> importLess(NodeContext& ctx) {
  return binaryNode(ctx, EltOp::kLess);
}
std::vector<TensorId> importAnd(NodeContext& ctx) {
  return binaryNode(ctx, EltOp::kAnd);
}
std::vector<TensorId> importOr(NodeContext& ctx) {
  return binaryNode(ctx, EltOp::kOr);
}

// Variadic Sum/Max/Min/Mean become a chain of binary layers, as TensorRT's parser does.
static std::vector<TensorId> variadic(NodeContext& ctx, EltOp op, bool mean) {
  if (ctx.numInputs() < 1) ctx.error("needs at least one input");
  TensorId acc = ctx.input(0);
  if (ctx.numInputs() == 1 && !mean)
    return {ctx.add1(OpKind::kIdentity, sim::IdentityAttrs{}, {acc})};
  for (int i = 1; i < ctx.numInputs(); ++i) acc = binary(ctx, op, acc, ctx.input(i));
  if (mean) {
    if (ctx.desc(0).dtype != sim::DType::kFloat) ctx.error("Mean needs float inputs");
    acc = binary(ctx, EltOp::kDiv, acc, ctx.scalar(float(ctx.numInputs()), "count"));
  }
  return {acc};
}

std::vector<TensorId> importSum(NodeContext& ctx) {
  return variadic(ctx, EltOp::kSum, false);
}
std::vector<TensorId> importMax(NodeContext& ctx) {
  return variadic(ctx, EltOp::kMax, false);
}
std::vector<TensorId> importMin(NodeContext& ctx) {
  return variadic(ctx, EltOp::kMin, false);
}
std::vector<TensorId> importMean(NodeContext& ctx) {
  return variadic(ctx, EltOp::kSum, true);
}

static std::vector<TensorId> unary(NodeContext& ctx, UnaryOp op) {
  sim::UnaryAttrs a;
  a.op = op;
  return {ctx.add1(OpKind::kUnary, a, {ctx.input(0)})};
}

std::vector<TensorId> importAbs(NodeContext& ctx) {
  return unary(ctx, UnaryOp::kAbs);
}
std::vector<TensorId> importNeg(NodeContext& ctx) {
  return unary(ctx, UnaryOp::kNeg);
}
std::vector<TensorId> importExp(NodeContext& ctx) {
  return unary(ctx, UnaryOp::kExp);
}
std::vector<TensorId> importLog(NodeContext& ctx) {
  return unary(ctx, UnaryOp::kLog);
}
std::vector<TensorId> importSqrt(NodeContext& ctx) {
  return unary(ctx, UnaryOp::kSqrt);
}
std::vector<TensorId> importReciprocal(NodeContext& ctx) {
  return unary(ctx, UnaryOp::kRecip);
}
std::vector<TensorId> importErf(NodeContext& ctx) {
  return unary(ctx, UnaryOp::kErf);
}
std::vector<TensorId> importFloor(NodeContext& ctx) {
  return unary(ctx, UnaryOp::kFloor);
}
std::vector<TensorId> importCeil(NodeContext& ctx) {
  return unary(ctx, UnaryOp::kCeil);
}
std::vector<TensorId> importNot(NodeContext& ctx) {
  return unary(ctx, UnaryOp::kNot);
}

std::vector<TensorId> importWhere(NodeContext& ctx) {
  return {ctx.add1(OpKind::kSelect, sim::NoAttrs{}, {ctx.input(0), ctx.input(1), ctx.input(2)})};
}

}  // namespace onnx_import
