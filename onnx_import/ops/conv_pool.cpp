// Importers for Conv, ConvTranspose and the pooling family.
#include "onnx_import/ops/common.h"
#include "onnx_import/ops/quantize.h"

namespace onnx_import {

using sim::OpKind;
using sim::TensorId;

// The attributes Conv and ConvTranspose share: kernel (default from the weights), group,
// window; returns the inputs (x, w[, b]).
static std::vector<TensorId> convCommon(NodeContext& ctx, sim::ConvAttrs& a, bool deconv) {
  const sim::Shape x = ctx.desc(0).shape, w = ctx.desc(1).shape;
  if (w.size() < 3) ctx.error(sim::cat("weights shape ", sim::shapeStr(w), " has no spatial dims"));
  a.kernel = ctx.attrInts("kernel_shape", sim::Ints(w.begin() + 2, w.end()));
  a.group = ctx.attrInt("group", 1);
  readWindow(ctx, x, a.kernel, a.strides, a.padsBegin, a.padsEnd, a.dilations, deconv);
  std::vector<TensorId> in = {ctx.input(0), ctx.input(1)};
  if (ctx.hasInput(2)) in.push_back(ctx.input(2));
  return in;
}

std::vector<TensorId> importConv(NodeContext& ctx) {
  sim::ConvAttrs a;
  std::vector<TensorId> in = convCommon(ctx, a, /*deconv=*/false);
  checkWeightAxis(ctx, 1, 0, "a convolution");
  return {ctx.add1(OpKind::kConvolution, a, in)};
}

std::vector<TensorId> importConvTranspose(NodeContext& ctx) {
  const sim::Shape x = ctx.desc(0).shape;
  sim::ConvAttrs a;
  std::vector<TensorId> in = convCommon(ctx, a, /*deconv=*/true);
  checkWeightAxis(ctx, 1, 1, "a deconvolution");
  const size_t r = a.kernel.size();
  a.outputPadding = ctx.attrInts("output_padding", sim::Ints(r, 0));
  if (a.outputPadding.size() != r) ctx.error("output_padding size does not match the kernel");
  sim::Ints outShape = ctx.attrInts("output_shape");
  if (!outShape.empty()) {
    // output_shape fixes the total padding; extra goes at the end (or front for SAME_LOWER).
    if (outShape.size() == r + 2) outShape.erase(outShape.begin(), outShape.begin() + 2);
    if (outShape.size() != r) ctx.error("output_shape size does not match the kernel");
    bool lower = ctx.attrString("auto_pad", "NOTSET") == "SAME_LOWER";
    for (size_t i = 0; i < r; ++i) {
      int64_t total = a.strides[i] * (x[2 + i] - 1) + a.outputPadding[i] +
                      (a.kernel[i] - 1) * a.dilations[i] + 1 - outShape[i];
      if (total < 0) {  // more output than the kernel covers: grow output padding instead
        a.outputPadding[i] -= total;
        total = 0;
      }
      a.padsBegin[i] = lower ? total - total / 2 : total / 2;
      a.padsEnd[i] = total - a.padsBegin[i];
    }
  }
  return {ctx.add1(OpKind::kDeconvolution, a, in)};
}

static std::vector<TensorId> importPool(NodeContext& ctx, sim::PoolType type) {
  const sim::Shape& x = ctx.desc(0).shape;
  sim::PoolAttrs a;
  a.type = type;
  a.kernel = ctx.attrInts("kernel_shape");
  if (a.kernel.empty()) ctx.error("attribute kernel_shape is missing");
  readWindow(ctx, x, a.kernel, a.strides, a.padsBegin, a.padsEnd, a.dilations);
  a.ceilMode = ctx.attrInt("ceil_mode", 0) != 0;
  a.countIncludePad = ctx.attrInt("count_include_pad", 0) != 0;
  if (type == sim::PoolType::kMax && ctx.attrInt("storage_order", 0) != 0)
    ctx.error("storage_order 1 (column major indices) is not supported");
  if (ctx.numOutputs() > 1 && !ctx.proto().output(1).empty())
    ctx.error("the Indices output of MaxPool is not supported");
  return {ctx.add1(OpKind::kPooling, a, {ctx.input(0)})};
}

std::vector<TensorId> importMaxPool(NodeContext& ctx) {
  return importPool(ctx, sim::PoolType::kMax);
}
std::vector<TensorId> importAveragePool(NodeContext& ctx) {
  return importPool(ctx, sim::PoolType::kAverage);
}

// TensorRT's parser turns the global pools into a Reduce over the spatial axes (AVG / MAX);
// the DLA then rejects the AVG form, as the seed's log shows for GlobalAveragePool.
static std::vector<TensorId> importGlobalPool(NodeContext& ctx, sim::ReduceOp op) {
  const int64_t rank = int64_t(ctx.desc(0).shape.size());
  if (rank < 3)
    ctx.error(sim::cat("input shape ", sim::shapeStr(ctx.desc(0).shape), " has no spatial dims"));
  sim::ReduceAttrs a;
  a.op = op;
  a.keepDims = true;
  for (int64_t d = 2; d < rank; ++d) a.axes.push_back(d);
  return {ctx.add1(OpKind::kReduce, a, {ctx.input(0)})};
}

std::vector<TensorId> importGlobalAveragePool(NodeContext& ctx) {
  return importGlobalPool(ctx, sim::ReduceOp::kMean);
}
std::vector<TensorId> importGlobalMaxPool(NodeContext& ctx) {
  return importGlobalPool(ctx, sim::ReduceOp::kMax);
}

}  // namespace onnx_import
