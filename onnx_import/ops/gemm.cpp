// Importers for Gemm and MatMul.
#include "onnx_import/ops/common.h"
#include "onnx_import/ops/quantize.h"

namespace onnx_import {

using sim::OpKind;
using sim::TensorId;

// Gemm = alpha * op(A) op(B) + beta * C, lowered to MatrixMultiply + scalings + ElementWise sum.
std::vector<TensorId> importGemm(NodeContext& ctx) {
  float alpha = ctx.attrFloat("alpha", 1.f), beta = ctx.attrFloat("beta", 1.f);
  sim::MatMulAttrs m;
  m.transA = ctx.attrInt("transA", 0) != 0;
  m.transB = ctx.attrInt("transB", 0) != 0;
  if (ctx.desc(0).shape.size() != 2 || ctx.desc(1).shape.size() != 2)
    ctx.error(sim::cat("A ", sim::shapeStr(ctx.desc(0).shape), " and B ",
                       sim::shapeStr(ctx.desc(1).shape), " must be matrices"));
  checkWeightAxis(ctx, 1, m.transB ? 0 : 1, "a fully connected layer");
  TensorId y = ctx.add1(OpKind::kMatrixMultiply, m, {ctx.input(0), ctx.input(1)});
  sim::EltAttrs prod{sim::EltOp::kProd}, sum{sim::EltOp::kSum};
  if (alpha != 1.f)
    y = ctx.add1(OpKind::kElementWise, prod, {y, ctx.scalar(alpha, "alpha")}, "alpha");
  if (ctx.hasInput(2) && beta != 0.f) {
    TensorId c = ctx.input(2);
    if (beta != 1.f)
      c = ctx.add1(OpKind::kElementWise, prod, {c, ctx.scalar(beta, "beta")}, "beta");
    y = ctx.add1(OpKind::kElementWise, sum, {y, c}, "bias");
  }
  return {y};
}

std::vector<TensorId> importMatMul(NodeContext& ctx) {
  checkWeightAxis(ctx, 1, int64_t(ctx.desc(1).shape.size()) - 1, "a matrix multiply");
  return {ctx.add1(OpKind::kMatrixMultiply, sim::MatMulAttrs{}, {ctx.input(0), ctx.input(1)})};
}

}  // namespace onnx_import
