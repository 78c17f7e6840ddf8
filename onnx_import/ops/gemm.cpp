// Gemm and MatMul as TensorRT 8.4/8.5's ONNX parser builds them (onnx-tensorrt release/8.4-8.5;
// docs/dla-rules.md states the version).
//
// Fully connected: for A a 2-D tensor whose second dimension the parser knows, B 2-D weights,
// no bias or a 1-D weights bias, alpha = beta = 1 (and no transA), it builds a fully connected
// layer over a 4-D view of A: an unnamed Shuffle unsqueezes A to N x K x 1 x 1, the
// FullyConnected layer (named after the node, the bias inside it) gives N x M x 1 x 1, an
// unnamed Shuffle squeezes it back to N x M. The IR holds the fully connected layer as the 1x1
// Convolution the DLA runs it as, so the convolution rules apply to it; a Flatten / Reshape
// from N x K x 1 x 1 merges with the unsqueeze and cancels out (sim/passes/shuffles.cpp).
//
// Otherwise a MatrixMultiply (GPU only). The bias is added by an unnamed ElementWise layer with
// the bias as a Constant layer and a broadcast Shuffle, which TensorRT's builder fuses into the
// multiplication: "Gemm_52 + linear.bias + (Unnamed Layer* 99) [Shuffle] + (Unnamed Layer* 100)
// [ElementWise]" (the form of public TensorRT logs).
#include "onnx_import/ops/common.h"
#include "onnx_import/ops/quantize.h"

namespace onnx_import {

using sim::OpKind;
using sim::TensorId;

namespace {

// Whether the parser takes its fully connected path for A = input 0, B = input 1 and the
// optional bias input 2 (Gemm only).
bool fullyConnected(NodeContext& ctx, bool transA, bool gemmScalars) {
  if (transA || !gemmScalars || ctx.constant(0) || ctx.desc(0).shape.size() != 2 ||
      ctx.desc(0).dtype != sim::DType::kFloat || ctx.trt(0).hiddenDims)
    return false;
  if (!ctx.trt(1).weights || ctx.desc(1).shape.size() != 2 ||
      ctx.desc(1).dtype != sim::DType::kFloat)
    return false;
  return !ctx.hasInput(2) || (ctx.trt(2).weights && ctx.desc(2).shape.size() == 1 &&
                              ctx.desc(2).dtype == sim::DType::kFloat);
}

TensorId buildFullyConnected(NodeContext& ctx, bool transB) {
  const bool dyn = ctx.trt(0).dynamicDims;
  const int unsqueeze = ctx.trtBase() + unsqueezeLayers(dyn) - 1;
  const int fc = unsqueeze + 1, squeeze = fc + squeezeLayers(dyn);
  ctx.setTrtLayers(squeeze - ctx.trtBase() + 1);
  const sim::Shape& a = ctx.desc(0).shape;
  const sim::Tensor& b = *ctx.constant(1);
  const int64_t n = a[0], k = a[1], m = transB ? b.shape()[0] : b.shape()[1];
  if ((transB ? b.shape()[1] : b.shape()[0]) != k)
    ctx.error(sim::cat("A ", sim::shapeStr(a), " and B ", sim::shapeStr(b.shape()),
                       " have different inner dimensions"));
  if (ctx.hasInput(2) && ctx.desc(2).shape[0] != m && ctx.desc(2).shape[0] != 1)
    ctx.error(
        sim::cat("bias ", sim::shapeStr(ctx.desc(2).shape), " does not match ", m, " outputs"));
  // Kernel weights as the layer holds them: M x K (transposed when B is K x M).
  sim::Tensor w(sim::DType::kFloat, {m, k, 1, 1});
  const float* bp = b.data<float>();
  float* wp = w.data<float>();
  for (int64_t o = 0; o < m; ++o)
    for (int64_t i = 0; i < k; ++i) wp[o * k + i] = transB ? bp[o * k + i] : bp[i * m + o];
  sim::ShuffleAttrs up;
  up.doReshape = true;
  up.reshape = {n, k, 1, 1};
  std::string unsqueezeName = unnamedLayer(unsqueeze, "Shuffle");
  TensorId x =
      ctx.addNamed(OpKind::kShuffle, up, {ctx.input(0)}, unsqueezeName, unsqueezeName + "_output");
  std::vector<TensorId> in = {x, ctx.addConstant(std::move(w), "weights")};
  if (ctx.hasInput(2)) {
    TensorId bias = ctx.input(2);
    if (ctx.desc(2).shape[0] != m)  // a single bias value for all outputs
      bias = ctx.addConstant(
          sim::Tensor::fromVector(sim::DType::kFloat, {m},
                                  std::vector<float>(size_t(m), ctx.constant(2)->data<float>()[0])),
          "bias");
    in.push_back(bias);
  }
  sim::ConvAttrs c;
  c.kernel = c.strides = c.dilations = {1, 1};
  c.padsBegin = c.padsEnd = {0, 0};
  TensorId y = ctx.addNamed(OpKind::kConvolution, c, in, ctx.name(),
                            unnamedLayer(fc, "Fully Connected") + "_output");
  sim::ShuffleAttrs down;
  down.doReshape = true;
  down.reshape = {n, m};
  std::string squeezeName = unnamedLayer(squeeze, "Shuffle");
  return ctx.addNamed(OpKind::kShuffle, down, {y}, squeezeName, squeezeName + "_output");
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
  if (fullyConnected(ctx, m.transA, alpha == 1.f && beta == 1.f))
    return {buildFullyConnected(ctx, m.transB)};

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
  std::string name = ctx.name();
  std::vector<TensorId> in = {ctx.input(0), ctx.input(1)};
  if (fuseBias) {
    n.take();  // the MatrixMultiply, then the bias's Constant, Shuffle and ElementWise
    if (!biasName.empty()) {
      name += " + " + biasName;
      n.take();
    }
    if (ctx.desc(2).shape.size() < 2)
      name += " + " + unnamedLayer(n.take(broadcastLayers(false)), "Shuffle");
    name += " + " + unnamedLayer(n.take(), "ElementWise");
    in.push_back(ctx.input(2));
    ctx.setTrtLayers(n.next - ctx.trtBase());
    return {ctx.addNamed(OpKind::kMatrixMultiply, m, in, name)};
  }
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
  if (fullyConnected(ctx, false, true) && !ctx.hasInput(2))
    return {buildFullyConnected(ctx, false)};
  LayerCounter n{ctx.trtBase()};
  for (int i = 0; i < 2; ++i)
    if (ctx.trt(i).weights) n.take();
  n.take();
  ctx.setTrtLayers(n.next - ctx.trtBase());
  return {ctx.add1(OpKind::kMatrixMultiply, sim::MatMulAttrs{}, {ctx.input(0), ctx.input(1)})};
}

}  // namespace onnx_import
