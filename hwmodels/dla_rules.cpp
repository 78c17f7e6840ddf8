// DLA rules for compute layers: convolution, deconvolution, pooling, activation, element-wise,
// unary and scale. Each failed rule adds a Violation with the value found and the limit.
#include "hwmodels/dla_rules.h"

#include <algorithm>

#include "hwmodels/rule_context.h"

namespace hw {

using sim::Graph;
using sim::Node;
using sim::Shape;

namespace rules {

// ---- per-kind rules ----------------------------------------------------------------------

void convolution(Ctx& c, bool deconv) {
  const auto& a = c.n.get<sim::ConvAttrs>();
  if (a.kernel.size() != 2) {
    c.fail(deconv ? "deconv.spatial" : "conv.spatial", std::to_string(a.kernel.size()), "= 2",
           sim::cat("only 2 spatial dimensions are supported, got ", a.kernel.size()));
    return;
  }
  if (!c.constant(1))
    c.fail(deconv ? "deconv.weights" : "conv.weights", "non-constant", "build-time constant",
           "weights must be build-time constants");
  if (!deconv) {
    bool big = !c.l.convKernel.contains(a.kernel[0]) || !c.l.convKernel.contains(a.kernel[1]);
    if (big)
      c.fail("conv.kernel", dims(a.kernel), rangeStr(c.l.convKernel),
             sim::cat("kernel ", dims(a.kernel), " exceeds ", rangeStr(c.l.convKernel)),
             "split the kernel into several convolutions summed together");
    c.range("conv.padding", "padding", a.padsBegin, c.l.convPadding);
    if (a.padsEnd != a.padsBegin) c.range("conv.padding", "padding", a.padsEnd, c.l.convPadding);
    for (size_t i = 0; i < 2; ++i)
      if (std::max(a.padsBegin[i], a.padsEnd[i]) >= a.kernel[i]) {
        c.fail("conv.padding_lt_kernel", std::to_string(std::max(a.padsBegin[i], a.padsEnd[i])),
               sim::cat("< ", a.kernel[i]),
               sim::cat("padding ", std::max(a.padsBegin[i], a.padsEnd[i]),
                        " is not smaller than kernel ", a.kernel[i]),
               "pad explicitly with a Pad before the convolution");
        break;
      }
    c.range("conv.stride", "stride", a.strides, c.l.convStride);
    c.range("conv.dilation", "dilation", a.dilations, c.l.convDilation);
    if (!c.l.convGroups.contains(a.group))
      c.fail("conv.groups", std::to_string(a.group), rangeStr(c.l.convGroups),
             sim::cat("groups ", a.group, " outside ", rangeStr(c.l.convGroups)));
    int64_t k = c.out()[1];
    if (!c.l.convOutputMaps.contains(k))
      c.fail("conv.output_maps", std::to_string(k), rangeStr(c.l.convOutputMaps),
             sim::cat("output maps ", k, " outside ", rangeStr(c.l.convOutputMaps)),
             "split the output channels over several convolutions and concatenate");
    return;
  }
  bool longK = (a.kernel[0] == 1 && std::count(c.l.deconvLongKernels.begin(),
                                               c.l.deconvLongKernels.end(), a.kernel[1])) ||
               (a.kernel[1] == 1 && std::count(c.l.deconvLongKernels.begin(),
                                               c.l.deconvLongKernels.end(), a.kernel[0]));
  if (!longK &&
      (!c.l.deconvKernel.contains(a.kernel[0]) || !c.l.deconvKernel.contains(a.kernel[1])))
    c.fail("deconv.kernel", dims(a.kernel),
           sim::cat(rangeStr(c.l.deconvKernel), " or 1xK / Kx1 with K in ",
                    listStr(c.l.deconvLongKernels)),
           sim::cat("kernel ", dims(a.kernel), " exceeds ", rangeStr(c.l.deconvKernel),
                    " (1xK / Kx1 with K in {64,96,128} excepted)"));
  if (a.kernel[0] == a.kernel[1] && c.l.deconvDisabledSquare.contains(a.kernel[0]))
    c.fail("deconv.square", dims(a.kernel),
           sim::cat("not square in ", rangeStr(c.l.deconvDisabledSquare)),
           sim::cat("square kernel ", dims(a.kernel), " in ", rangeStr(c.l.deconvDisabledSquare),
                    " is disabled on DLA (slow compilation)"));
  if (a.strides[0] == a.strides[1] && c.l.deconvDisabledSquare.contains(a.strides[0]))
    c.fail("deconv.square", dims(a.strides),
           sim::cat("not square in ", rangeStr(c.l.deconvDisabledSquare)),
           sim::cat("square stride ", dims(a.strides), " in ", rangeStr(c.l.deconvDisabledSquare),
                    " is disabled on DLA (slow compilation)"));
  for (size_t i = 0; i < 2; ++i)
    if (a.padsBegin[i] || a.padsEnd[i] || (!a.outputPadding.empty() && a.outputPadding[i])) {
      c.fail("deconv.padding",
             sim::cat(dims(a.padsBegin), "/", dims(a.padsEnd),
                      a.outputPadding.empty() ? "" : ", output padding " + dims(a.outputPadding)),
             "= 0",
             sim::cat("padding ", dims(a.padsBegin), "/", dims(a.padsEnd),
                      a.outputPadding.empty() ? "" : ", output padding " + dims(a.outputPadding),
                      " must be 0"),
             "crop the output with a Slice instead of padding");
      break;
    }
  if (a.group != 1)
    c.fail("deconv.groups", std::to_string(a.group), "= 1",
           sim::cat("groups ", a.group, " must be 1"));
  if (a.dilations[0] != 1 || a.dilations[1] != 1)
    c.fail("deconv.dilation", dims(a.dilations), "= 1",
           sim::cat("dilation ", dims(a.dilations), " must be 1"));
  for (int64_t ch : {c.in()[1], c.out()[1]})
    if (!c.l.deconvChannels.contains(ch)) {
      c.fail("deconv.channels", std::to_string(ch), rangeStr(c.l.deconvChannels),
             sim::cat("channels ", ch, " outside ", rangeStr(c.l.deconvChannels)));
      break;
    }
}

void rulePooling(Ctx& c) {
  const auto& a = c.n.get<sim::PoolAttrs>();
  if (c.in().size() != 4) {
    c.fail("pool.spatial", sim::shapeStr(c.in()), "4-D NCHW",
           sim::cat("only 2 spatial dimensions are supported, got input ", sim::shapeStr(c.in())));
    return;
  }
  sim::Ints k = a.global ? sim::Ints{c.in()[2], c.in()[3]} : a.kernel;
  bool big = !c.l.poolWindow.contains(k[0]) || !c.l.poolWindow.contains(k[1]);
  if (big) {
    // A window k = a * b (a, b within the limit) pools exactly as window a / stride a
    // followed by window b when the original stride equals its window (non-overlapping).
    auto factor = [&](int64_t n) -> int64_t {
      for (int64_t f = std::min(n, c.l.poolWindow.hi); f >= 2; --f)
        if (n % f == 0 && n / f <= c.l.poolWindow.hi) return f;
      return 0;
    };
    int64_t f0 = factor(k[0]), f1 = factor(k[1]);
    std::string fix;
    bool tiled = a.global || a.strides == k;
    bool unitMax = !a.global && a.type == sim::PoolType::kMax && a.strides == sim::Ints{1, 1};
    const int64_t hi = c.l.poolWindow.hi;
    if (tiled && (f0 || c.l.poolWindow.contains(k[0])) && (f1 || c.l.poolWindow.contains(k[1]))) {
      int64_t a0 = c.l.poolWindow.contains(k[0]) ? k[0] : f0;
      int64_t a1 = c.l.poolWindow.contains(k[1]) ? k[1] : f1;
      fix = sim::cat(c.n.onnxOp, " kernel ", dims(k), " > ", hi, ": split into two pools, kernel ",
                     a0, "x", a1, " stride ", a0, "x", a1, " then kernel ", k[0] / a0, "x",
                     k[1] / a1);
    } else if (unitMax && k[0] <= 2 * hi - 1 && k[1] <= 2 * hi - 1) {
      // Stride-1 max pools compose: windows a then b cover a + b - 1 (YOLO's SPPF trick).
      int64_t a0 = (k[0] + 2) / 2, a1 = (k[1] + 2) / 2;
      fix = sim::cat(c.n.onnxOp, " kernel ", dims(k), " > ", hi, ": split into two pools, kernel ",
                     a0, "x", a1, " then kernel ", k[0] + 1 - a0, "x", k[1] + 1 - a1,
                     " (stride 1, padding halved)");
    }
    c.fail("pool.window", dims(k), rangeStr(c.l.poolWindow),
           sim::cat("window ", dims(k), " exceeds ", rangeStr(c.l.poolWindow)), fix);
  }
  if (a.global) return;
  c.range("pool.padding", "padding", a.padsBegin, c.l.poolPadding);
  if (a.padsEnd != a.padsBegin) c.range("pool.padding", "padding", a.padsEnd, c.l.poolPadding);
  c.range("pool.stride", "stride", a.strides, c.l.poolStride);
  if (a.dilations[0] != 1 || a.dilations[1] != 1)
    c.fail("pool.dilation", dims(a.dilations), "= 1",
           sim::cat("dilation ", dims(a.dilations), " is not supported"));
  bool padded = a.padsBegin[0] || a.padsBegin[1] || a.padsEnd[0] || a.padsEnd[1];
  if (c.l.avgPoolNeedsInclusivePadding && a.type == sim::PoolType::kAverage && padded &&
      !a.countIncludePad)
    c.fail("pool.avg_inclusive", "count_include_pad=0", "count_include_pad=1",
           "average pooling with padding must count the padding (count_include_pad=1) on this DLA",
           "set count_include_pad=1 or remove the padding");
  // The PDP has no output converter, so INT8 pooling keeps its input's scale; TensorRT requires
  // equal input and output dynamic ranges for DLA pooling in INT8 (seed §3.2.3) and builds the
  // layer for the GPU otherwise. Checkable once a calibration cache gives the scales.
  if (c.v.precision == Precision::kINT8 && c.cfg.calibrated) {
    float in = c.g.tensor(c.n.inputs[0]).quant.scale, out = c.g.tensor(c.n.outputs[0]).quant.scale;
    if (in != out)
      c.fail("pool.int8_scales", sim::cat("input scale ", in, ", output scale ", out),
             "equal scales",
             sim::cat("INT8 pooling needs equal input and output scales, got ", in, " and ", out),
             "give the pooling output the input's scale in the calibration cache");
  }
}

void cataloguePooling(std::vector<RuleInfo>& v) {
  v.insert(
      v.end(),
      {
          {"pool.spatial", "Pooling", "two spatial dimensions only", "seed §3.2.3"},
          {"pool.window", "Pooling", "window in {poolWindow}", "seed §3.2.3; NvInfer.h"},
          {"pool.padding", "Pooling", "padding in {poolPadding}", "seed §3.2.3"},
          {"pool.stride", "Pooling", "stride in {poolStride}", "seed §3.2.3"},
          {"pool.dilation", "Pooling", "no dilation", "TensorRT DLA docs"},
          {"pool.avg_inclusive", "Pooling",
           "padded average pooling must include the padding: {avgPoolNeedsInclusivePadding}",
           "design §3 (NvInfer.h, Xavier)"},
          {"pool.int8_scales", "Pooling",
           "INT8: equal input and output scales (checked with a calibration cache)", "seed §3.2.3"},
      });
}

void ruleActivation(Ctx& c) {
  const auto& a = c.n.get<sim::ActivationAttrs>();
  c.requireRank4("act.rank", "activation");
  switch (a.type) {
    case sim::ActType::kRelu:
    case sim::ActType::kSigmoid:
    case sim::ActType::kTanh:
      break;
    case sim::ActType::kLeakyRelu:
      if (a.alpha < 0)
        c.fail("act.leaky_slope", sim::cat(a.alpha), ">= 0",
               sim::cat("negative slope ", a.alpha, " is not supported"));
      break;
    case sim::ActType::kClip:
      if (a.alpha != 0 || !(a.beta >= c.l.clipUpper.lo && a.beta <= c.l.clipUpper.hi))
        c.fail("act.clip", sim::cat("[", a.alpha, ", ", a.beta, "]"),
               sim::cat("[0, x] with x in ", rangeStr(c.l.clipUpper)),
               sim::cat("Clip [", a.alpha, ", ", a.beta,
                        "] is not a clipped ReLU [0, x] with x in ", rangeStr(c.l.clipUpper)));
      break;
    default:
      c.fail("act.type", c.n.onnxOp, "ReLU, Sigmoid, TanH, clipped ReLU, leaky ReLU",
             "only ReLU, Sigmoid, TanH, clipped ReLU and leaky ReLU run on the DLA",
             c.n.onnxOp == "HardSwish"
                 ? "HardSwish = x * clip(x + 3, 0, 6) / 6: build it from Add, clipped ReLU and Mul"
                 : "");
  }
}

void catalogueActivation(std::vector<RuleInfo>& v) {
  v.insert(v.end(),
           {
               {"act.rank", "Activation", "4-D NCHW input (two spatial dimensions)", "seed §3.2.4"},
               {"act.type", "Activation", "ReLU, Sigmoid, TanH, clipped ReLU, leaky ReLU only",
                "seed §3.2.4"},
               {"act.leaky_slope", "Activation", "no negative slope", "seed §3.2.4"},
               {"act.clip", "Activation", "clipped ReLU: Clip(0, x) with x in {clipUpper}",
                "seed §3.2.4"},
           });
}

void ruleElementWise(Ctx& c) {
  using sim::EltOp;
  EltOp op = c.n.get<sim::EltAttrs>().op;
  const char* supported = c.t.rules.eltwiseDivPow
                              ? "Sum, Sub, Prod, Max, Min, Div, Pow, Equal, Greater, Less"
                              : "Sum, Sub, Prod, Max, Min, Equal, Greater, Less";
  if (op == EltOp::kAnd || op == EltOp::kOr)
    c.fail("eltwise.op", c.n.onnxOp, supported, "logical operations are not supported");
  if ((op == EltOp::kDiv || op == EltOp::kPow) && !c.t.rules.eltwiseDivPow)
    c.fail("eltwise.op", c.n.onnxOp, supported,
           sim::cat("Div and Pow are not supported on the DLA by TensorRT ", c.t.id));
  bool cmp = op == EltOp::kEqual || op == EltOp::kGreater || op == EltOp::kLess;
  if (cmp && !c.cfg.int8)
    c.fail("eltwise.comparison_int8", c.cfg.fp16 ? "FP16" : "FP32", "INT8",
           "comparison operations run on the DLA in INT8 only (build with --int8)");
  // Computed operands must be 4-D NCHW; a constant of lower rank is reshaped to 4-D by
  // TensorRT's parser (a broadcast constant layer), so only its broadcast matters.
  for (size_t i = 0; i < 2; ++i)
    if ((!c.constant(i) && c.in(i).size() != 4) || (c.constant(i) && c.in(i).size() > 4)) {
      c.fail("eltwise.rank", sim::cat(sim::shapeStr(c.in(0)), " and ", sim::shapeStr(c.in(1))),
             "4-D NCHW (constants: rank <= 4)",
             sim::cat("inputs must be 4-D NCHW, got ", sim::shapeStr(c.in(0)), " and ",
                      sim::shapeStr(c.in(1))));
      break;
    }
}

void catalogueElementWise(std::vector<RuleInfo>& v) {
  v.insert(v.end(),
           {
               {"eltwise.op", "ElementWise",
                "Sum, Sub, Prod, Max, Min (Div, Pow: {eltwiseDivPow}); comparisons in INT8",
                "seed §3.2.6; design §3; TDV A8"},
               {"eltwise.comparison_int8", "ElementWise", "Equal, Greater, Less run in INT8 only",
                "design §3"},
               {"eltwise.rank", "ElementWise", "4-D NCHW inputs", "seed §3.2.6"},
           });
}

void ruleUnary(Ctx& c) {
  if (c.n.get<sim::UnaryAttrs>().op != sim::UnaryOp::kAbs)
    c.fail("unary.op", c.n.onnxOp, "Abs",
           sim::cat("only the ABS unary operation is supported (got ", c.n.onnxOp, ")"),
           c.n.onnxOp == "Neg" ? "multiply by -1 with a Scale layer" : "");
  c.requireRank4("unary.rank", "unary");
}

void catalogueUnary(std::vector<RuleInfo>& v) {
  v.insert(v.end(), {
                        {"unary.op", "Unary", "ABS only", "seed §3.2.11"},
                        {"unary.rank", "Unary", "4-D NCHW input", "seed §3.2.11"},
                    });
}

void ruleScale(Ctx& c) {
  c.requireRank4("scale.rank", "scale");
  if (c.n.pattern == "GroupNormalization")
    c.fail(
        "scale.groupnorm", "GroupNormalization pattern", "outside the GroupNormalization pattern",
        "part of the GroupNormalization pattern (Reshape -> InstanceNormalization -> Reshape -> "
        "Mul -> Add): "
        "TensorRT keeps these Scale layers on the GPU with the InstanceNormalization plugin",
        "replace GroupNorm by BatchNorm (as the DLA tutorial does) to keep the network on the DLA");
}

void catalogueScale(std::vector<RuleInfo>& v) {
  v.insert(v.end(), {
                        {"scale.rank", "Scale",
                         "4-D NCHW input; uniform, per-channel or element-wise scale and shift",
                         "seed §3.2.7"},
                        {"scale.groupnorm", "Scale",
                         "the Mul/Add of the GroupNorm pattern stay on the GPU with its plugin",
                         "seed log (jetson_dla_tutorial)"},
                    });
}

void ruleConvolution(Ctx& c) {
  convolution(c, false);
}

void catalogueConvolution(std::vector<RuleInfo>& v) {
  v.insert(
      v.end(),
      {
          {"conv.spatial", "Convolution", "two spatial dimensions only", "seed §3.2.1"},
          {"conv.weights", "Convolution", "weights are build-time constants", "TensorRT DLA docs"},
          {"conv.kernel", "Convolution", "kernel size per dim in {convKernel}", "seed §3.2.1"},
          {"conv.padding", "Convolution", "padding in {convPadding}", "seed §3.2.1"},
          {"conv.padding_lt_kernel", "Convolution", "padding smaller than the kernel dim",
           "seed §3.2.1"},
          {"conv.stride", "Convolution", "stride in {convStride}", "seed §3.2.1"},
          {"conv.dilation", "Convolution", "dilation in {convDilation}", "seed §3.2.1; NvInfer.h"},
          {"conv.groups", "Convolution",
           "groups in {convGroups} (linear/CHW16/CHW32; {convGroupsHwc4} for DLA_HWC4)",
           "seed §3.2.1"},
          {"conv.output_maps", "Convolution", "output maps in {convOutputMaps}", "seed §3.2.1"},
          {"conv.fully_connected", "Convolution (MatrixMultiply)",
           "a Gemm / MatMul of a 2-D input by 2-D constant weights, with a 1-D constant bias of "
           "one value per output (or none) and alpha = beta = 1, runs as a 1x1 convolution over "
           "N x K x 1 x 1 under the rules above (not in a network with plugin layers: "
           "assumption)",
           "seed §3.2.1; jetson_dla_tutorial ModelBN logs (TensorRT 8.4); DLA-SW operators "
           "(8.6)"},
      });
}
void ruleDeconvolution(Ctx& c) {
  convolution(c, true);
}

void catalogueDeconvolution(std::vector<RuleInfo>& v) {
  v.insert(v.end(),
           {
               {"deconv.spatial", "Deconvolution", "two spatial dimensions only", "seed §3.2.2"},
               {"deconv.weights", "Deconvolution", "weights are build-time constants",
                "TensorRT DLA docs"},
               {"deconv.kernel", "Deconvolution",
                "kernel in {deconvKernel}, except 1xK / Kx1 with K in {64,96,128}", "seed §3.2.2"},
               {"deconv.square", "Deconvolution",
                "square kernels and strides in {deconvDisabledSquare} are disabled", "seed §3.2.2"},
               {"deconv.padding", "Deconvolution", "padding must be 0", "seed §3.2.2"},
               {"deconv.groups", "Deconvolution", "groups must be 1", "seed §3.2.2"},
               {"deconv.dilation", "Deconvolution", "dilation must be 1", "seed §3.2.2"},
               {"deconv.channels", "Deconvolution", "input and output channels in {deconvChannels}",
                "seed §3.2.2"},
           });
}

}  // namespace rules
}  // namespace hw
