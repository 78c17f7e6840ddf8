#include "sim/runtime/int8_specs.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "kernels/int8_conv.h"
#include "kernels/numeric/int8.h"
#include "sim/ops/kernel_params.h"
#include "sim/ops/op_def.h"

namespace sim {

namespace k8 = kern::int8;
using Kind = Int8Layer::Kind;

k8::AffineSpec convOutputSpec(double sIn, const std::vector<float>& sW, double sOut,
                              const float* bias, bool relu) {
  const size_t k = sW.size();
  std::vector<double> unit(k), factor(k), acc(k);
  double largest = 0;
  for (size_t i = 0; i < k; ++i) largest = std::max(largest, unit[i] = sIn * double(sW[i]));
  for (size_t i = 0; i < k; ++i) {
    if (!(unit[i] > 0)) unit[i] = largest > 0 ? largest : 1.0;
    factor[i] = unit[i] / sOut;
    if (bias) acc[i] = double(bias[i]) / unit[i];
  }
  k8::AffineSpec s;
  s.factor = k8::Operand::perChannel(std::move(factor));
  if (bias) s.preBias = k8::Operand::perChannel(std::move(acc));
  if (relu) s.act = k8::Act::kRelu;
  return s;
}

namespace {

bool allActivations(const Graph& g, const Node& n, std::vector<size_t> which) {
  for (size_t k : which)
    if (k >= n.inputs.size() || n.inputs[k] == kNoTensor || g.tensor(n.inputs[k]).isConstant() ||
        !int8Representable(g.desc(n.inputs[k])))
      return false;
  return true;
}

bool isFloatConstant(const Graph& g, TensorId t) {
  return t != kNoTensor && g.tensor(t).isConstant() && g.desc(t).dtype == DType::kFloat;
}

// A constant operand mapped onto the elements of one NHWC image of shape os (logical NCHW),
// each value passed through f. False when it varies along a batch of more than one image.
bool constantOperand(const Tensor& c, const Shape& os, const std::function<double(double)>& f,
                     k8::Operand* out) {
  Shape cs = c.shape();
  if (cs.size() > 4) return false;
  while (cs.size() < 4) cs.insert(cs.begin(), 1);
  for (int d = 0; d < 4; ++d)
    if (cs[d] != 1 && cs[d] != os[d]) return false;
  if (cs[0] != 1 && os[0] != 1) return false;
  std::vector<double> v = c.asDouble();
  if (v.size() == 1) {
    *out = k8::Operand::scalar(f(v[0]));
    return true;
  }
  if (cs[2] == 1 && cs[3] == 1) {  // per channel
    std::vector<double> ch(static_cast<size_t>(os[1]));
    for (int64_t i = 0; i < os[1]; ++i) ch[size_t(i)] = f(v[size_t(cs[1] == 1 ? 0 : i)]);
    *out = k8::Operand::perChannel(std::move(ch));
    return true;
  }
  // Per element, in NHWC order: e = (h * W + w) * C + c.
  const int64_t C = os[1], H = os[2], W = os[3];
  std::vector<double> el(static_cast<size_t>(C * H * W));
  for (int64_t h = 0; h < H; ++h)
    for (int64_t w = 0; w < W; ++w)
      for (int64_t ch = 0; ch < C; ++ch) {
        int64_t i =
            ((cs[1] == 1 ? 0 : ch) * cs[2] + (cs[2] == 1 ? 0 : h)) * cs[3] + (cs[3] == 1 ? 0 : w);
        el[size_t((h * W + w) * C + ch)] = f(v[size_t(i)]);
      }
  *out = {std::move(el), k8::Bcast::kElement};
  return true;
}

Int8Layer fallback(std::string why) {
  Int8Layer l;
  l.why = std::move(why);
  return l;
}

Int8Layer convolution(const Graph& g, const Node& n, const std::vector<float>& scale, bool deconv) {
  const auto& a = n.get<ConvAttrs>();
  if (a.kernel.size() != 2) return fallback("not a 2-D convolution");
  if (!isFloatConstant(g, n.inputs[1])) return fallback("weights are not a float constant");
  bool hasBias = n.inputs.size() > 2 && n.inputs[2] != kNoTensor;
  if (hasBias && !isFloatConstant(g, n.inputs[2])) return fallback("bias is not a constant");
  Int8Layer l;
  l.kind = deconv ? Kind::kDeconv : Kind::kConv;
  l.conv = convParams(a, g.desc(n.inputs[0]).shape, g.desc(n.outputs[0]).shape);
  const Tensor& w = g.tensor(n.inputs[1]).value;
  l.weights.resize(size_t(w.size()));
  l.weightScales.resize(size_t(l.conv.outChannels));
  const Quantization& wq = g.tensor(n.inputs[1]).quant;
  const int64_t kPerG = l.conv.outChannels / l.conv.group;
  const bool own = (!wq.channelScales.empty() && wq.axis == (deconv ? 1 : 0) &&
                    int64_t(wq.channelScales.size()) == (deconv ? kPerG : l.conv.outChannels)) ||
                   (wq.channelScales.empty() && wq.has());
  if (own) {
    // A Q/DQ model's own weight scales (per output channel, or one per tensor): its float
    // weights are q * s_k, so quantising with exactly those scales gives its codes back.
    for (int64_t k = 0; k < l.conv.outChannels; ++k)
      l.weightScales[size_t(k)] =
          wq.channelScales.empty() ? wq.scale : wq.channelScales[size_t(deconv ? k % kPerG : k)];
    if (!deconv) {
      k8::quantizeWithScales(w.data<float>(), l.conv.outChannels, w.size() / l.conv.outChannels,
                             l.weightScales.data(), l.weights.data());
    } else {  // [C, K/group, kH, kW]: element (c, j) belongs to output channel (c / C_g) K_g + j
      const int64_t cPerG = l.conv.inChannels / l.conv.group,
                    taps = w.size() / (l.conv.inChannels * kPerG);
      for (int64_t c = 0; c < l.conv.inChannels; ++c)
        for (int64_t j = 0; j < kPerG; ++j)
          for (int64_t t = 0; t < taps; ++t) {
            int64_t i = (c * kPerG + j) * taps + t;
            float s = l.weightScales[size_t((c / cPerG) * kPerG + j)];
            l.weights[size_t(i)] = kern::numeric::quantizeInt8(w.data<float>()[i], s);
          }
    }
  } else if (deconv) {
    k8::quantizeDeconvWeights(l.conv, w.data<float>(), l.weights.data(), l.weightScales.data());
  } else {
    k8::quantizeWeights(w.data<float>(), l.conv.outChannels, w.size() / l.conv.outChannels,
                        l.weights.data(), l.weightScales.data());
  }
  const float* b = hasBias ? g.tensor(n.inputs[2]).value.data<float>() : nullptr;
  l.affine =
      convOutputSpec(scale[n.inputs[0]], l.weightScales, scale[n.outputs[0]], b, a.fusedRelu);
  return l;
}

Int8Layer pooling(const Graph& g, const Node& n) {
  const auto& a = n.get<PoolAttrs>();
  const Shape &x = g.desc(n.inputs[0]).shape, &y = g.desc(n.outputs[0]).shape;
  if (!a.global && (a.kernel.size() != 2 || a.dilations[0] != 1 || a.dilations[1] != 1))
    return fallback("dilated or non-2-D pooling");
  Int8Layer l;
  l.kind = Kind::kPool;
  k8::PoolInt8Params& p = l.pool;
  p.average = a.type == PoolType::kAverage;
  p.excludePadding = !a.countIncludePad;
  p.batch = x[0];
  p.channels = x[1];
  p.inH = x[2];
  p.inW = x[3];
  p.outH = y[2];
  p.outW = y[3];
  p.kernelH = a.global ? x[2] : a.kernel[0];
  p.kernelW = a.global ? x[3] : a.kernel[1];
  if (!a.global) {
    p.strideH = a.strides[0];
    p.strideW = a.strides[1];
    p.padTop = a.padsBegin[0];
    p.padLeft = a.padsBegin[1];
  }
  return l;
}

Int8Layer affine(k8::AffineSpec s, int input = 0) {
  Int8Layer l;
  l.kind = Kind::kAffine;
  l.affine = std::move(s);
  l.input = input;
  return l;
}

Int8Layer elementWise(const Graph& g, const Node& n, const std::vector<float>& scale,
                      TensorId output) {
  EltOp op = n.get<EltAttrs>().op;
  const double sOut = scale[output];
  if (allActivations(g, n, {0, 1})) {
    const double sa = scale[n.inputs[0]], sb = scale[n.inputs[1]];
    Int8Layer l;
    l.kind = Kind::kBinary;
    k8::BinarySpec& b = l.binary;
    b.fa = sa / sOut;
    b.fb = sb / sOut;
    switch (op) {
      case EltOp::kSum:
        b.op = k8::BinOp::kSum;
        return l;
      case EltOp::kSub:
        b.op = k8::BinOp::kSum;
        b.fb = -(sb / sOut);
        return l;
      case EltOp::kMax:
        b.op = k8::BinOp::kMax;
        return l;
      case EltOp::kMin:
        b.op = k8::BinOp::kMin;
        return l;
      case EltOp::kProd:  // (a * b) * (sa * sb / sOut)
        b.op = k8::BinOp::kProd;
        b.fa = sa * sb / sOut;
        b.fb = 1;
        return l;
      default:
        return fallback("element-wise operation without an integer model");
    }
  }
  // One operand is a constant: an affine program whose operand holds it.
  int x = isFloatConstant(g, n.inputs[0]) ? 1 : 0;
  if (!allActivations(g, n, {size_t(x)}) || !isFloatConstant(g, n.inputs[1 - x]))
    return fallback("operands are not an activation and a float constant");
  const Tensor& c = g.tensor(n.inputs[1 - x]).value;
  const Shape& os = g.desc(n.outputs[0]).shape;
  const double sx = scale[n.inputs[x]];
  k8::AffineSpec s;
  s.factor = k8::Operand::scalar(sx / sOut);
  bool ok = true;
  switch (op) {
    case EltOp::kSum:
    case EltOp::kMax:
    case EltOp::kMin:
      s.postOp = op == EltOp::kSum   ? k8::PostOp::kSum
                 : op == EltOp::kMax ? k8::PostOp::kMax
                                     : k8::PostOp::kMin;
      ok = constantOperand(
          c, os, [&](double v) { return v / sOut; }, &s.post);
      break;
    case EltOp::kSub:  // x - c, or c - x
      s.postOp = k8::PostOp::kSum;
      ok = constantOperand(
          c, os, [&](double v) { return x == 0 ? -(v / sOut) : v / sOut; }, &s.post);
      if (x == 1) s.factor = k8::Operand::scalar(-(sx / sOut));
      break;
    case EltOp::kProd:
      ok = constantOperand(
          c, os, [&](double v) { return sx * v / sOut; }, &s.factor);
      break;
    case EltOp::kDiv:  // x / c = x * (1 / c)
      if (x != 0) return fallback("division by an activation");
      for (double v : c.asDouble())
        if (v == 0) return fallback("division by zero");
      ok = constantOperand(
          c, os, [&](double v) { return sx / (v * sOut); }, &s.factor);
      break;
    default:
      return fallback("element-wise operation without an integer model");
  }
  if (!ok) return fallback("constant operand varies along the batch");
  return affine(std::move(s), x);
}

Int8Layer scaleLayer(const Graph& g, const Node& n, const std::vector<float>& scale) {
  if (!isFloatConstant(g, n.inputs[1]) || !isFloatConstant(g, n.inputs[2]))
    return fallback("scale or shift is not a constant");
  const double sIn = scale[n.inputs[0]], sOut = scale[n.outputs[0]];
  std::vector<double> sc = g.tensor(n.inputs[1]).value.asDouble(),
                      sh = g.tensor(n.inputs[2]).value.asDouble();
  k8::AffineSpec s;
  std::vector<double> factor(sc.size()), pre(sc.size()), post(sc.size());
  bool zeroUnit = sIn == 0 || std::count(sc.begin(), sc.end(), 0.0) > 0;
  for (size_t k = 0; k < sc.size(); ++k) {
    factor[k] = sIn * sc[k] / sOut;
    if (!zeroUnit) pre[k] = sh[k] / (sIn * sc[k]);  // the SDP order: ALU (shift), then MUL
    post[k] = sh[k] / sOut;
  }
  s.factor = k8::Operand::perChannel(std::move(factor));
  if (zeroUnit) {  // the shift cannot go before a zero multiplier: add it after
    s.postOp = k8::PostOp::kSum;
    s.post = k8::Operand::perChannel(std::move(post));
  } else {
    s.preBias = k8::Operand::perChannel(std::move(pre));
  }
  return affine(std::move(s));
}

Int8Layer activation(const Node& n, double sIn, double sOut) {
  const auto& a = n.get<ActivationAttrs>();
  k8::AffineSpec s;
  s.factor = k8::Operand::scalar(sIn / sOut);
  switch (a.type) {
    case ActType::kRelu:
      s.act = k8::Act::kRelu;
      break;
    case ActType::kLeakyRelu:
      s.act = k8::Act::kLeaky;
      s.slope = k8::Operand::scalar(a.alpha);
      break;
    case ActType::kClip:
      if (a.alpha != 0) return fallback("clip with a non-zero lower bound");
      s.act = k8::Act::kClip;
      s.clipHigh = a.beta / sOut;
      break;
    default:
      return fallback("activation without an integer model");
  }
  return affine(std::move(s));
}

Int8Layer prelu(const Graph& g, const Node& n, double sIn, double sOut) {
  if (!isFloatConstant(g, n.inputs[1])) return fallback("slopes are not a constant");
  k8::AffineSpec s;
  s.factor = k8::Operand::scalar(sIn / sOut);
  s.act = k8::Act::kLeaky;
  if (!constantOperand(
          g.tensor(n.inputs[1]).value, g.desc(n.outputs[0]).shape, [](double v) { return v; },
          &s.slope))
    return fallback("slopes vary along the batch");
  return affine(std::move(s));
}

Int8Layer concat(const Graph& g, const Node& n, const std::vector<float>& scale) {
  int64_t axis = n.get<ConcatAttrs>().axis;
  if (axis < 0) axis += 4;
  if (axis != 1) return fallback("concatenation not along C");
  std::vector<size_t> all(n.inputs.size());
  for (size_t k = 0; k < all.size(); ++k) all[k] = k;
  if (!allActivations(g, n, all)) return fallback("a concatenated input is not an activation");
  Int8Layer l;
  l.kind = Kind::kConcat;
  const double sOut = scale[n.outputs[0]];
  for (TensorId t : n.inputs) {
    if (scale[t] == scale[n.outputs[0]]) {
      l.concatRequant.push_back(std::nullopt);  // BDMA copies the codes
    } else {
      k8::AffineSpec s;
      s.factor = k8::Operand::scalar(scale[t] / sOut);
      l.concatRequant.push_back(s);
    }
  }
  return l;
}

}  // namespace

Int8Layer describeInt8Layer(const Graph& g, const Node& n, const std::vector<float>& scale) {
  if (n.outputs.size() != 1 || !int8Representable(g.desc(n.outputs[0])))
    return fallback("the output is not a 4-D float tensor");
  if (!allActivations(g, n, {0}) && n.kind != OpKind::kElementWise)
    return fallback("the input is not a 4-D activation");
  const double sIn = n.inputs.empty() ? 0 : scale[n.inputs[0]];
  const double sOut = scale[n.outputs[0]];
  Int8Layer l;
  switch (opTraits(n).int8) {
    case Int8Model::kConvolution:
      l = convolution(g, n, scale, false);
      break;
    case Int8Model::kDeconvolution:
      l = convolution(g, n, scale, true);
      break;
    case Int8Model::kPooling:
      l = pooling(g, n);
      break;
    case Int8Model::kElementWise:
      l = elementWise(g, n, scale, n.outputs[0]);
      break;
    case Int8Model::kScale:
      l = scaleLayer(g, n, scale);
      break;
    case Int8Model::kActivation:
      l = activation(n, sIn, sOut);
      break;
    case Int8Model::kPReLU:
      l = prelu(g, n, sIn, sOut);
      break;
    case Int8Model::kAbs:
      if (n.get<UnaryAttrs>().op != UnaryOp::kAbs)
        return fallback("unary operation other than Abs");
      l = affine([&] {
        k8::AffineSpec s;
        s.absInput = true;
        s.factor = k8::Operand::scalar(sIn / sOut);
        return s;
      }());
      break;
    case Int8Model::kRequantise:
      if (n.get<IdentityAttrs>().cast) return fallback("type cast");
      l = affine([&] {
        k8::AffineSpec s;
        s.factor = k8::Operand::scalar(sIn / sOut);
        return s;
      }());
      break;
    case Int8Model::kConcatenation:
      l = concat(g, n, scale);
      break;
    case Int8Model::kNone:
      return fallback("no integer model for this layer kind");
  }
  // Pooling keeps its input's codes; elsewhere an output scale of 0 means all codes are 0.
  if (l.kind != Kind::kFallback && l.kind != Kind::kPool && !(sOut > 0)) l.zeroOutput = true;
  return l;
}

bool fusableElementWiseActivation(const Graph& g, const Node& e, const Node& act) {
  if (e.kind != OpKind::kElementWise || act.kind != OpKind::kActivation) return false;
  if (!allActivations(g, e, {0, 1}) || !int8Representable(g.desc(e.outputs[0]))) return false;
  EltOp op = e.get<EltAttrs>().op;
  if (op != EltOp::kSum && op != EltOp::kSub && op != EltOp::kMax && op != EltOp::kMin &&
      op != EltOp::kProd)
    return false;
  const auto& a = act.get<ActivationAttrs>();
  return act.inputs.size() == 1 && act.inputs[0] == e.outputs[0] &&
         (a.type == ActType::kRelu || (a.type == ActType::kClip && a.alpha == 0));
}

Int8Layer describeFusedElementWise(const Graph& g, const Node& e, const Node& act,
                                   const std::vector<float>& scale) {
  TensorId out = act.outputs[0];
  Int8Layer l = elementWise(g, e, scale, out);
  const auto& a = act.get<ActivationAttrs>();
  l.binary.act = a.type == ActType::kRelu ? k8::Act::kRelu : k8::Act::kClip;
  l.binary.clipHigh = double(a.beta) / scale[out];
  if (!(scale[out] > 0)) l.zeroOutput = true;
  return l;
}

}  // namespace sim
