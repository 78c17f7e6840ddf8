// Gemm and MatMul as TensorRT 8.4's ONNX parser builds them (onnx-tensorrt from the 8.4 EA
// parser on: always a MatrixMultiply, plus ElementWise layers for alpha, beta and the bias;
// ../shared/reference/trt-dla-versions.md C1) and as its builder places them (C4).
//
// A multiply by constant weights that the builder runs on the DLA (A 2-D, B 2-D constant
// weights, no bias or a 1-D constant bias of M values, alpha = beta = 1, no transA, and no
// plugin layer before it: see sim/ir/trt_names.h and docs/dla-rules.md) is held as what the
// builder makes of it for the DLA: a Shuffle unsqueezing A to N x K x 1 x 1, a 1x1 Convolution
// with the bias inside, a Shuffle squeezing N x M x 1 x 1 back to N x M. The convolution rules
// then decide its placement; a reshape from N x K x 1 x 1 before it (Flatten, PyTorch's
// x.view(x.shape[0], -1), whose -1 TensorRT resolves from the static C x H x W) merges with
// the unsqueeze and disappears (sim/passes/shuffles.cpp). The builder names the layers by where
// they land (builder/build_plan.cpp renames them after the partition).
//
// Otherwise a MatrixMultiply (GPU only). The bias is added by an unnamed ElementWise layer with
// the bias as a Constant layer and a broadcast Shuffle, which TensorRT's builder fuses into the
// multiplication: "Gemm_52 + linear.bias + (Unnamed Layer* 99) [Shuffle] + (Unnamed Layer* 100)
// [ElementWise]" (the form of public TensorRT logs).
#include <algorithm>

#include "onnx_import/ops/common.h"
#include "onnx_import/ops/quantize.h"
#include "sim/ir/trt_names.h"

namespace onnx_import {

using sim::OpKind;
using sim::TensorId;

namespace {

// Whether TensorRT's builder runs the multiply of A = input 0 by B = input 1 (with the bias
// input 2 of Gemm) on the DLA as a 1x1 convolution.
bool convertedForDla(NodeContext& ctx, bool transA, bool gemmScalars) {
  if (transA || !gemmScalars || ctx.constant(0) || ctx.desc(0).shape.size() != 2 ||
      ctx.desc(0).dtype != sim::DType::kFloat)
    return false;
  if (!ctx.trt(1).weights || ctx.desc(1).shape.size() != 2 ||
      ctx.desc(1).dtype != sim::DType::kFloat)
    return false;
  const sim::MatMulBehaviour& builder = sim::matMulBehaviour();
  const auto& nodes = ctx.graph().nodes;
  if (!builder.convertsForDla ||
      (builder.notWithPlugins && std::any_of(nodes.begin(), nodes.end(), sim::importedAsPlugin)))
    return false;
  const int64_t m = ctx.desc(1).shape[ctx.attrInt("transB", 0) != 0 ? 0 : 1];
  return !ctx.hasInput(2) || (ctx.trt(2).weights && ctx.desc(2).shape.size() == 1 &&
                              ctx.desc(2).shape[0] == m && ctx.desc(2).dtype == sim::DType::kFloat);
}

TensorId buildConverted(NodeContext& ctx, bool transB, const sim::MatMulLayers& names) {
  const sim::Shape& a = ctx.desc(0).shape;
  const sim::Tensor& b = *ctx.constant(1);
  const int64_t n = a[0], k = a[1], m = transB ? b.shape()[0] : b.shape()[1];
  if ((transB ? b.shape()[1] : b.shape()[0]) != k)
    ctx.error(sim::cat("A ", sim::shapeStr(a), " and B ", sim::shapeStr(b.shape()),
                       " have different inner dimensions"));
  // Kernel weights as the convolution holds them: M x K (transposed when B is K x M).
  sim::Tensor w(sim::DType::kFloat, {m, k, 1, 1});
  const float* bp = b.data<float>();
  float* wp = w.data<float>();
  for (int64_t o = 0; o < m; ++o)
    for (int64_t i = 0; i < k; ++i) wp[o * k + i] = transB ? bp[o * k + i] : bp[i * m + o];
  sim::ShuffleAttrs up;
  up.doReshape = true;
  up.reshape = {n, k, 1, 1};
  TensorId x = ctx.addNamed(OpKind::kShuffle, up, {ctx.input(0)}, names.unsqueezeName(),
                            names.unsqueezeName() + "_output");
  std::vector<TensorId> in = {x, ctx.addConstant(std::move(w), "weights")};
  if (ctx.hasInput(2)) in.push_back(ctx.input(2));
  sim::ConvAttrs c;
  c.kernel = c.strides = c.dilations = {1, 1};
  c.padsBegin = c.padsEnd = {0, 0};
  TensorId y = ctx.addNamed(OpKind::kConvolution, c, in, names.gpuName(),
                            (names.sum.empty() ? names.gemm : names.sum) + "_output");
  sim::ShuffleAttrs down;
  down.doReshape = true;
  down.reshape = {n, m};
  const std::string squeeze = names.squeezeName(false);
  return ctx.addNamed(OpKind::kShuffle, down, {y}, squeeze, squeeze + "_output");
}

// The parser's next layer index as importers add layers in its order.
struct LayerCounter {
  int next;
  int take(int n = 1) {
    next += n;
    return next - 1;
  }
};

}  // namespace

std::vector<TensorId> importGemm(NodeContext& ctx) {
  float alpha = ctx.attrFloat("alpha", 1.f), beta = ctx.attrFloat("beta", 1.f);
  sim::MatMulAttrs m;
  m.transA = ctx.attrInt("transA", 0) != 0;
  m.transB = ctx.attrInt("transB", 0) != 0;
  if (ctx.desc(0).shape.size() != 2 || ctx.desc(1).shape.size() != 2)
    ctx.error(sim::cat("A ", sim::shapeStr(ctx.desc(0).shape), " and B ",
                       sim::shapeStr(ctx.desc(1).shape), " must be matrices"));
  checkWeightAxis(ctx, 1, m.transB ? 0 : 1, "a fully connected layer");
  bool bias = ctx.hasInput(2) && beta != 0.f;
  const bool converted = convertedForDla(ctx, m.transA, alpha == 1.f && beta == 1.f);

  LayerCounter n{ctx.trtBase()};
  for (int i = 0; i < 2; ++i)
    if (ctx.trt(i).weights) n.take();  // Constant layers for A, B
  sim::EltAttrs prod{sim::EltOp::kProd}, sum{sim::EltOp::kSum};
  const std::string biasName = bias && ctx.trt(2).weights ? ctx.proto().input(2) : "";
  // The builder fuses the bias addition into the multiplication when nothing sits between.
  bool fuseBias =
      bias && alpha == 1.f && beta == 1.f &&
      sim::volume(ctx.desc(2).shape) == (m.transB ? ctx.desc(1).shape[0] : ctx.desc(1).shape[1]) &&
      ctx.desc(2).shape.size() <= 2;
  sim::MatMulLayers names;
  names.gemm = ctx.name();
  std::vector<TensorId> in = {ctx.input(0), ctx.input(1)};
  if (fuseBias || (converted && !bias)) {
    n.take();  // the MatrixMultiply, then the bias's Constant, Shuffle and ElementWise
    if (!biasName.empty()) {
      names.bias = biasName;
      n.take();
    }
    if (bias && ctx.desc(2).shape.size() < 2)
      names.biasShuffle = unnamedLayer(n.take(broadcastLayers(false)), "Shuffle");
    if (bias) names.sum = unnamedLayer(n.take(), "ElementWise");
    ctx.setTrtLayers(n.next - ctx.trtBase());
    if (converted) return {buildConverted(ctx, m.transB, names)};
    in.push_back(ctx.input(2));
    return {ctx.addNamed(OpKind::kMatrixMultiply, m, in, names.gpuName())};
  }
  const std::string& name = names.gemm;
  TensorId y = ctx.addNamed(OpKind::kMatrixMultiply, m, in, name);
  n.take();
  if (alpha != 1.f) {  // a scalar Constant, its broadcast Shuffle, an unnamed product
    n.take(1 + broadcastLayers(false));
    int at = n.take();
    y = ctx.addNamed(OpKind::kElementWise, prod, {y, ctx.scalar(alpha, "alpha")},
                     unnamedLayer(at, "ElementWise"));
  }
  if (bias) {
    TensorId c = ctx.input(2);
    std::string parts = biasName.empty() ? "" : biasName + " + ";
    if (!biasName.empty()) n.take();
    if (beta != 1.f) {
      n.take(1 + broadcastLayers(false));
      int at = n.take();
      c = ctx.addNamed(OpKind::kElementWise, prod, {c, ctx.scalar(beta, "beta")},
                       unnamedLayer(at, "ElementWise"));
      parts.clear();
    }
    if (ctx.desc(2).shape.size() < 2)
      parts += unnamedLayer(n.take(broadcastLayers(ctx.trt(2).dynamicDims)), "Shuffle") + " + ";
    y = ctx.addNamed(OpKind::kElementWise, sum, {y, c},
                     parts + unnamedLayer(n.take(), "ElementWise"));
  }
  ctx.setTrtLayers(n.next - ctx.trtBase());
  return {y};
}

std::vector<TensorId> importMatMul(NodeContext& ctx) {
  checkWeightAxis(ctx, 1, int64_t(ctx.desc(1).shape.size()) - 1, "a matrix multiply");
  LayerCounter n{ctx.trtBase()};
  for (int i = 0; i < 2; ++i)
    if (ctx.trt(i).weights) n.take();
  n.take();
  ctx.setTrtLayers(n.next - ctx.trtBase());
  if (!ctx.hasInput(2) && convertedForDla(ctx, false, true)) {
    sim::MatMulLayers names;
    names.gemm = ctx.name();
    return {buildConverted(ctx, false, names)};
  }
  return {ctx.add1(OpKind::kMatrixMultiply, sim::MatMulAttrs{}, {ctx.input(0), ctx.input(1)})};
}

}  // namespace onnx_import
