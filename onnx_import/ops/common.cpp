#include "onnx_import/ops/common.h"

namespace onnx_import {

void readWindow(NodeContext& ctx, const sim::Shape& x, sim::Ints& kernel, sim::Ints& strides,
                sim::Ints& padsBegin, sim::Ints& padsEnd, sim::Ints& dilations, bool deconv) {
  const size_t r = kernel.size();
  if (x.size() != r + 2)
    ctx.error(sim::cat("input shape ", sim::shapeStr(x), " does not match a ", r, "-D kernel"));
  strides = ctx.attrInts("strides", sim::Ints(r, 1));
  dilations = ctx.attrInts("dilations", sim::Ints(r, 1));
  sim::Ints pads = ctx.attrInts("pads", sim::Ints(2 * r, 0));
  if (strides.size() != r || dilations.size() != r || pads.size() != 2 * r)
    ctx.error(sim::cat("strides/dilations/pads sizes ", strides.size(), "/", dilations.size(), "/",
                       pads.size(), " do not match a ", r, "-D kernel"));
  for (size_t i = 0; i < r; ++i)
    if (strides[i] < 1 || dilations[i] < 1 || kernel[i] < 1)
      ctx.error(sim::cat("kernel ", kernel[i], ", stride ", strides[i], " and dilation ",
                         dilations[i], " must be >= 1"));
  padsBegin.assign(pads.begin(), pads.begin() + r);
  padsEnd.assign(pads.begin() + r, pads.end());
  std::string autoPad = ctx.attrString("auto_pad", "NOTSET");
  if (autoPad == "NOTSET") return;
  if (autoPad == "VALID") {
    padsBegin.assign(r, 0);
    padsEnd.assign(r, 0);
    return;
  }
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    ctx.error(
        sim::cat("auto_pad '", autoPad, "' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER"));
  sim::Ints outPad = ctx.attrInts("output_padding", sim::Ints(r, 0));
  for (size_t i = 0; i < r; ++i) {
    int64_t in = x[2 + i], total = 0;
    checked(ctx, [&] {  // kernel, dilation, stride and output padding come from the file
      using sim::addDims;
      using sim::mulDims;
      int64_t eff = addDims(mulDims(kernel[i] - 1, dilations[i]), 1);
      if (deconv) {
        int64_t out = mulDims(in, strides[i]);
        int64_t op = i < outPad.size() ? outPad[i] : 0;
        total = addDims(addDims(mulDims(strides[i], in - 1), op), addDims(eff, -out));
      } else {
        int64_t out = addDims(in, strides[i] - 1) / strides[i];
        total = addDims(mulDims(out - 1, strides[i]), eff - in);
      }
      total = std::max<int64_t>(0, total);
    });
    bool upper = autoPad == "SAME_UPPER";
    padsBegin[i] = upper ? total / 2 : total - total / 2;
    padsEnd[i] = total - padsBegin[i];
  }
}

sim::Ints normalizeAxes(NodeContext& ctx, const std::vector<int64_t>& axes, int64_t rank) {
  sim::Ints out;
  for (int64_t a : axes) {
    int64_t n;
    if (!sim::normalizeAxis(a, rank, &n))
      ctx.error(sim::cat("axis ", a, " is out of range for rank ", rank));
    out.push_back(n);
  }
  return out;
}

sim::TensorId reshapeTo(NodeContext& ctx, sim::TensorId x, const sim::Shape& shape,
                        const std::string& suffix) {
  sim::ShuffleAttrs a;
  a.doReshape = true;
  a.reshape = shape;
  return ctx.add1(sim::OpKind::kShuffle, a, {x}, suffix);
}

}  // namespace onnx_import
