// NVDLA's golden traces through the executor's INT8 path: the replayer decodes each layer, and
// instead of kernels/nvdla's unit models an IR graph equivalent to it (input codes with scale 1,
// weights and operands as scales the executor's compile step turns back into the same
// registers) runs in sim::Executor with the NVDLA v1 (Xavier) arithmetic; its output goes back
// into the trace's memory and must give the golden CRC. Layers the executor's programs cannot
// express are reported Unsupported, with why.
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "int8_test_net.h"
#include "kernels/nvdla/fixed_point.h"
#include "nvdla_trace/errors.h"
#include "nvdla_trace/replay.h"
#include "platform_numerics.h"
#include "sim/ops/op_def.h"
#include "sim/runtime/executor.h"

namespace {

namespace kn = kern::nvdla;
using nvdla_trace::Unsupported;
using sim::DType;
using sim::Tensor;
using sim::TensorId;

const std::string kTraceDir = std::string(NVDLA_TEST_DATA_DIR) + "/nv_small";

// An IR graph of INT8 layers on one image, every tensor's codes with scale 1 unless stated.
struct Net : int8test::Net {
  TensorId input(int c, int h, int w) { return int8test::Net::input("x", {1, c, h, w}, 1); }
  TensorId layer(sim::OpKind k, sim::Attrs a, std::vector<TensorId> in) {
    return int8test::Net::layer(k, std::move(a), std::move(in), 1);
  }
  // Runs on the CHW codes `x` and writes the output codes (CHW) to `out`.
  void run(const int8_t* x, TensorId output, int8_t* out) {
    g.outputs = {output};
    const sim::Shape& is = g.desc(g.inputs[0]).shape;
    std::vector<float> xs(size_t(is[1] * is[2] * is[3]));
    for (size_t i = 0; i < xs.size(); ++i) xs[i] = float(x[i]);
    sim::Executor exec(g);
    exec.setNumerics(testnum::xavier());  // NVDLA v1's arithmetic
    Tensor y = exec.run({{"x", Tensor::fromVector(DType::kFloat, is, xs)}})[0];
    for (int64_t i = 0; i < y.size(); ++i) {
      float v = y.data<float>()[i];
      if (v != std::round(v) || v < -128 || v > 127)
        throw std::runtime_error("executor output " + std::to_string(v) + " is not an int8 code");
      out[i] = int8_t(v);
    }
  }
};

int16_t operandOf(const kn::SdpOperand& o, int c) {
  switch (o.source) {
    case kn::SdpOperandSource::PerChannel:
      return o.data[c];
    case kn::SdpOperandSource::Register:
      return o.value;
    default:
      throw Unsupported("a per-element SDP operand has no executor layer (constants per element)");
  }
}

// One SDP stage as the executor's programs describe it, with float values: the per-channel
// factor m * 2^-shift (2^-shift when the multiplier is bypassed: it still truncates), the bias
// in input units alu << aluShift, and ReLU. The executor's compile step (kernels/nvdla/
// requant.h) turns these back into the same multipliers and operands scaled by a common power
// of two, which is the same arithmetic.
struct StageAsScales {
  std::vector<double> factor, bias;
  bool relu = false, prelu = false;
};

void requireIdentityConverter(const kn::SdpOutputConverter& cvt) {
  if (cvt.offset != 0 || cvt.scale != 1 || (cvt.shift & 63) != 0)
    throw Unsupported("the SDP output converter is not at identity (offset " +
                      std::to_string(cvt.offset) + ", scale " + std::to_string(cvt.scale) +
                      "): the executor's programs leave it at identity");
}

StageAsScales stageAsScales(const kn::SdpSettings& s) {
  // BS and BN are the same X stage; the executor's programs have one before any second step.
  if (!s.bs.bypass && !s.bn.bypass)
    throw Unsupported("both SDP X stages are active (two roundings: no executor program)");
  requireIdentityConverter(s.cvt);
  StageAsScales r;
  const kn::SdpStage& st = s.bs.bypass ? s.bn : s.bs;
  for (int c = 0; c < s.channels; ++c) {
    if (st.bypass) {
      r.factor.push_back(1);
      r.bias.push_back(0);
      continue;
    }
    if (!st.aluBypass && st.aluAlgo != kn::SdpAluAlgo::Sum)
      throw Unsupported("an SDP ALU max / min before the multiplier has no executor layer");
    if (!st.mulBypass && st.prelu && (!st.aluBypass || !st.reluBypass))
      throw Unsupported("SDP PReLU after an ALU operation, or before ReLU, has no executor layer");
    const int shift = st.mulShift & 63;
    const int m = st.mulBypass ? 1 : operandOf(st.mulOperand, c);
    if (m == 0) throw Unsupported("an SDP multiplier of 0 (the executor treats it as no data)");
    r.factor.push_back(std::ldexp(double(m), -shift));
    r.bias.push_back(st.aluBypass ? 0.0
                                  : double(kn::saturatingShiftLeft(operandOf(st.aluOperand, c),
                                                                   st.aluShift & 63, 32)));
  }
  r.relu = !st.bypass && !st.reluBypass;
  r.prelu = !st.bypass && !st.mulBypass && st.prelu;
  return r;
}

// A float the IR can hold exactly, or Unsupported.
float exactFloat(double v, const char* what) {
  if (double(float(v)) != v)
    throw Unsupported(std::string(what) + " " + std::to_string(v) + " is not exact in FP32");
  return float(v);
}

class ExecutorUnits : public nvdla_trace::Units {
 public:
  void convolutionSdp(const kn::ConvSettings& cs, const int8_t* input, const int8_t* weights,
                      const kn::SdpSettings& sdp, int8_t* out) const override {
    if (cs.inputConverter.enabled)
      throw Unsupported("CDMA's input converter has no executor layer");
    StageAsScales st = stageAsScales(sdp);
    if (st.prelu) throw Unsupported("SDP PReLU after a convolution has no executor program");
    // CACC truncates before SDP; with a bypassed SDP the truncate is the only rounding and
    // becomes the factor 2^-truncate. Two roundings in a row have no executor program.
    if (cs.truncate != 0 && !(sdp.bs.bypass && sdp.bn.bypass))
      throw Unsupported("a CACC truncate followed by an active SDP stage rounds twice");
    for (double& f : st.factor) f = std::ldexp(f, -cs.truncate);
    Net net;
    TensorId x = net.input(cs.inChannels, cs.inHeight, cs.inWidth);
    // CSC's padding value (any side) as an explicit Pad layer; negative ends crop.
    const int64_t extentW =
        int64_t(cs.outWidth - 1) * cs.strideX + int64_t(cs.kernelWidth - 1) * cs.dilationX + 1;
    const int64_t extentH =
        int64_t(cs.outHeight - 1) * cs.strideY + int64_t(cs.kernelHeight - 1) * cs.dilationY + 1;
    sim::PadAttrs pad;
    pad.padsBegin = {0, 0, cs.padTop, cs.padLeft};
    pad.padsEnd = {0, 0, extentH - cs.inHeight - cs.padTop, extentW - cs.inWidth - cs.padLeft};
    pad.value = cs.padValue;
    if (pad.padsBegin != sim::Ints{0, 0, 0, 0} || pad.padsEnd != sim::Ints{0, 0, 0, 0})
      x = net.layer(sim::OpKind::kPadding, pad, {x});
    // Weights q * s_k with the layer's own scales s_k = factor_k: the executor quantises them
    // back to q and computes factor_k = 1 * s_k / 1. Kernels padded to whole atoms are zeros.
    const int K = sdp.channels;
    const int64_t taps = int64_t(cs.inChannels) * cs.kernelHeight * cs.kernelWidth;
    std::vector<float> w(static_cast<size_t>(K * taps), 0.f);
    std::vector<float> bias(static_cast<size_t>(K)), scales(static_cast<size_t>(K));
    for (int k = 0; k < K; ++k) {
      scales[size_t(k)] = exactFloat(st.factor[size_t(k)], "the multiplier");
      for (int64_t i = 0; k < cs.kernels && i < taps; ++i)
        w[size_t(k * taps + i)] =
            exactFloat(double(weights[k * taps + i]) * scales[size_t(k)], "a weight");
      bias[size_t(k)] = exactFloat(st.bias[size_t(k)] * st.factor[size_t(k)], "the bias");
    }
    TensorId wt = net.constant("w", {K, cs.inChannels, cs.kernelHeight, cs.kernelWidth}, w);
    net.g.tensors[wt].quant.channelScales = scales;
    net.g.tensors[wt].quant.axis = 0;
    net.g.tensors[wt].quant.scale = scales[0];
    TensorId b = net.constant("b", {K}, bias);
    sim::ConvAttrs a;
    a.kernel = {cs.kernelHeight, cs.kernelWidth};
    a.strides = {cs.strideY, cs.strideX};
    a.padsBegin = {0, 0};
    a.padsEnd = {0, 0};
    a.dilations = {cs.dilationY, cs.dilationX};
    a.fusedRelu = st.relu;
    TensorId y = net.layer(sim::OpKind::kConvolution, a, {x, wt, b});
    const sim::Shape& ys = net.g.desc(y).shape;
    if (ys[2] != cs.outHeight || ys[3] != cs.outWidth)
      throw std::runtime_error("the graph's convolution output differs from the trace's");
    net.run(input, y, out);
  }

  void sdp(const kn::SdpSettings& s, const int8_t* in, int8_t* out) const override {
    if (perElementPRelu(s, in, out)) return;
    StageAsScales st = stageAsScales(s);
    Net net;
    TensorId x = net.input(s.channels, s.height, s.width);
    TensorId y;
    if (s.bs.bypass && s.bn.bypass) {
      y = net.layer(sim::OpKind::kIdentity, sim::IdentityAttrs{}, {x});
    } else if (st.prelu) {  // a ParametricReLU: slopes m_c * 2^-shift on negatives
      std::vector<float> slope(size_t(s.channels));
      for (int c = 0; c < s.channels; ++c)
        slope[size_t(c)] = exactFloat(st.factor[size_t(c)], "the slope");
      y = net.layer(sim::OpKind::kParametricReLU, sim::NoAttrs{},
                    {x, net.constant("slope", {1, s.channels, 1, 1}, slope)});
    } else {  // Scale: factor sc_k, and shift sh_k that the executor puts before it: sh_k / sc_k
      std::vector<float> sc(size_t(s.channels)), sh(size_t(s.channels));
      for (int c = 0; c < s.channels; ++c) {
        sc[size_t(c)] = exactFloat(st.factor[size_t(c)], "the multiplier");
        sh[size_t(c)] = exactFloat(st.bias[size_t(c)] * st.factor[size_t(c)], "the operand");
      }
      y = net.layer(
          sim::OpKind::kScale, sim::ScaleAttrs{},
          {x, net.constant("scale", {s.channels}, sc), net.constant("shift", {s.channels}, sh)});
    }
    // ReLU after the stage: on int8 codes it commutes with the output's saturation.
    if (st.relu) y = net.layer(sim::OpKind::kActivation, sim::ActivationAttrs{}, {y});
    net.run(in, y, out);
  }

  // One stage in PReLU mode with its slopes per element from memory: a ParametricReLU whose
  // slopes are a [1, C, H, W] constant (the executor's compile step picks one shift for them
  // all, a multiple of the trace's, so the products round alike).
  static bool perElementPRelu(const kn::SdpSettings& s, const int8_t* in, int8_t* out) {
    if (!s.bs.bypass == !s.bn.bypass) return false;
    const kn::SdpStage& st = s.bs.bypass ? s.bn : s.bs;
    if (st.bypass || st.mulBypass || !st.prelu || !st.aluBypass || !st.reluBypass ||
        st.mulOperand.source != kn::SdpOperandSource::PerElement)
      return false;
    requireIdentityConverter(s.cvt);
    const int64_t n = int64_t(s.channels) * s.height * s.width;
    std::vector<float> slope(static_cast<size_t>(n));
    for (int64_t e = 0; e < n; ++e)
      slope[size_t(e)] =
          exactFloat(std::ldexp(double(st.mulOperand.data[e]), -(st.mulShift & 63)), "a slope");
    Net net;
    TensorId x = net.input(s.channels, s.height, s.width);
    TensorId y = net.layer(sim::OpKind::kParametricReLU, sim::NoAttrs{},
                           {x, net.constant("slope", {1, s.channels, s.height, s.width}, slope)});
    net.run(in, y, out);
    return true;
  }

  void pdp(const kn::PdpSettings& s, const int8_t* in, int8_t* out) const override {
    if (s.method == kn::PoolMethod::Min)
      throw Unsupported("min pooling has no executor layer (TensorRT pools max or average)");
    const bool average = s.method == kn::PoolMethod::Average;
    const int64_t endW =
        int64_t(s.outWidth - 1) * s.strideX + s.kernelWidth - s.inWidth - s.padLeft;
    const int64_t endH =
        int64_t(s.outHeight - 1) * s.strideY + s.kernelHeight - s.inHeight - s.padTop;
    const bool padded = s.padLeft > 0 || s.padTop > 0 || endW > 0 || endH > 0;
    // Average windows add PAD_VALUE_nX for n padded taps: with n * PAD_VALUE_1X, an int8 value,
    // that is an explicit Pad layer of that value before a pooling without padding.
    int32_t padValue = 0;
    if (average) {
      if (s.recipKernelWidth != kn::pdpReciprocal(s.kernelWidth) ||
          s.recipKernelHeight != kn::pdpReciprocal(s.kernelHeight))
        throw Unsupported("the programmed reciprocals are not the driver's floor(65536 / k)");
      padValue = s.padValues[0];
      for (int n = 1; n <= 7; ++n)
        if (padded && s.padValues[size_t(n - 1)] != n * padValue)
          throw Unsupported("PAD_VALUE_" + std::to_string(n) + "X is not " + std::to_string(n) +
                            " x PAD_VALUE_1X (no value a Pad layer could hold)");
      if (padded && (padValue < -128 || padValue > 127))
        throw Unsupported("the padding value is not an int8 code");
    }
    Net net;
    TensorId x = net.input(s.channels, s.inHeight, s.inWidth);
    sim::PoolAttrs a;
    a.type = average ? sim::PoolType::kAverage : sim::PoolType::kMax;
    a.kernel = {s.kernelHeight, s.kernelWidth};
    a.strides = {s.strideY, s.strideX};
    a.padsBegin = {s.padTop, s.padLeft};
    a.padsEnd = {std::max<int64_t>(endH, 0), std::max<int64_t>(endW, 0)};
    a.dilations = {1, 1};
    a.countIncludePad = true;
    if (average && padded && padValue != 0) {
      sim::PadAttrs pad;
      pad.padsBegin = {0, 0, a.padsBegin[0], a.padsBegin[1]};
      pad.padsEnd = {0, 0, a.padsEnd[0], a.padsEnd[1]};
      pad.value = padValue;
      x = net.layer(sim::OpKind::kPadding, pad, {x});
      a.padsBegin = {0, 0};
      a.padsEnd = {0, 0};
    }
    TensorId y = net.layer(sim::OpKind::kPooling, a, {x});
    const sim::Shape& ys = net.g.desc(y).shape;
    if (ys[2] != s.outHeight || ys[3] != s.outWidth)
      throw Unsupported("the pooling window does not reach the output size without cropping");
    net.run(in, y, out);
  }
};

// What the executor cannot express, with a phrase of the reason (every other trace that the
// unit models replay must match its golden through the executor too).
const std::map<std::string, std::string> kCannotMap = {
    // Not modelled by the replayer either (nvdla_trace_replay_test.cpp).
    {"sdp_3x3x33_ew_int8_reg_0", "EW (Y) stage"},
    {"sdp_3x3x32_ew_lo_lin_int8", "EW (Y) stage"},
    {"sdp_3x3x33_ew_le_exp_int8", "EW (Y) stage"},
    {"sdp_3x3x33_ew_le_lin_int8", "EW (Y) stage"},
    {"dc_32x26x76_6x3x76x270_int8_0", "in_weight.dat is empty"},
    // SDP's output converter programmed with an offset and scale: the executor's programs end
    // at identity (TensorRT folds the rescale into the multipliers).
    {"dc_1x1x8_1x1x8x1_int8_0", "output converter is not at identity"},
    {"dc_4x1x8192_1x1x8192x1_int8_0", "output converter is not at identity"},
    {"sdp_1x1x1_pass_through_int8", "output converter is not at identity"},
    {"sdp_1x1x8_pass_through_int8_0", "output converter is not at identity"},
    {"sdp_1x8192x1_pass_through_int8_0", "output converter is not at identity"},
    {"sdp_4x1x8192_pass_through_int8_0", "output converter is not at identity"},
    {"sdp_8192x1x1_pass_through_int8_0", "output converter is not at identity"},
    // CDMA's input converter has no layer.
    {"dc_8192x1x1_2x3x1x41_int8_0", "input converter"},
    // Min pooling is no TensorRT / ONNX pooling kind.
    {"pdp_8x8x64_2x2_min_int8_0", "min pooling"},
    // An ALU operand per element from memory: the executor adds per-element constants only
    // after the multiplier (an element-wise layer), the SDP before it.
    {"sdp_3x3x33_bn_int8_mem_0", "per-element SDP operand"},
    // An ALU max / min before the multiplier: the executor applies max / min after it.
    {"sdp_3x3x33_bn_int8_reg_1", "ALU max / min"},
    {"sdp_3x3x33_bn_int8_reg_2", "ALU max / min"},
    {"sdp_3x3x33_bs_int8_reg_1", "ALU max / min"},
    {"sdp_5x24x18_bs_int8_mem_0", "ALU max / min"},
    // BS and BN both active: two roundings in a row.
    {"sdp_3x3x33_bs_bn_int8_0", "both SDP X stages"},
    {"sdp_3x3x33_bs_bn_int8_1", "both SDP X stages"},
};

std::vector<std::string> traceNames() {
  std::vector<std::string> names;
  if (DIR* d = opendir(kTraceDir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.rfind("dc_", 0) == 0 || n.rfind("sdp_", 0) == 0 || n.rfind("pdp_", 0) == 0)
        names.push_back(n);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

class NvdlaTraceThroughExecutor : public ::testing::TestWithParam<std::string> {};

TEST(NvdlaTracesThroughExecutor, MostMap) {
  // The 52 dc / sdp / pdp traces (img_* needs CDMA's image input; cdp_* is LRN, which never
  // runs in INT8): 31 give their golden through the executor; of the 21 others the 4 EW ones
  // and the one with an empty payload do not replay at all.
  const std::vector<std::string> names = traceNames();
  EXPECT_EQ(names.size(), 52u);
  size_t mapped = 0;
  for (const std::string& n : names) mapped += kCannotMap.count(n) == 0;
  EXPECT_EQ(mapped, 31u);
}

TEST_P(NvdlaTraceThroughExecutor, GivesTheGoldenCrc) {
  const std::string& name = GetParam();
  static const ExecutorUnits units;
  nvdla_trace::Config c;
  c.units = &units;
  const nvdla_trace::ReplayResult r = nvdla_trace::replay(kTraceDir + "/" + name, c);
  auto it = kCannotMap.find(name);
  if (it == kCannotMap.end()) {
    EXPECT_EQ(r.status, nvdla_trace::ReplayStatus::Match)
        << r.message << " expected 0x" << std::hex << r.expectedCrc << " got 0x" << r.actualCrc;
  } else {
    EXPECT_EQ(r.status, nvdla_trace::ReplayStatus::Unsupported) << r.message;
    EXPECT_NE(r.message.find(it->second), std::string::npos) << r.message;
  }
}

INSTANTIATE_TEST_SUITE_P(nv_small, NvdlaTraceThroughExecutor, ::testing::ValuesIn(traceNames()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
