#include "kernels/int8_requant.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernels/int8_requant_fast.h"
#include "kernels/numeric/fp19.h"
#include "kernels/nvdla/fixed_point.h"
#include "kernels/nvdla/requant.h"
#include "kernels/nvdla/sdp.h"

namespace kern::int8 {

using numeric::fp19Add;
using numeric::fp19Mul;
using numeric::roundDoubleToFp19;
using nvdla::roundShiftHalfAway;
using nvdla::saturate;

float toFp19(double v) {
  return roundDoubleToFp19(v);
}

int8_t fp19ToInt8(float t) {
  if (std::isnan(t)) return 0;
  return int8_t(std::clamp(std::round(double(t)), -128.0, 127.0));  // std::round: half away
}

namespace {

// ---- Xavier: NVDLA's SDP stages, compiled by kernels/nvdla/requant.h ----------------------

using nvdla::SdpAluOperands;
using nvdla::sdpAluOperandsFor;
using nvdla::SdpMultipliers;
using nvdla::sdpMultipliersFor;

// One X stage with its operand arrays (each one value, per channel or per element).
struct XStage {
  nvdla::SdpStage st;
  std::vector<int16_t> alu, mul;
  Bcast aluB = Bcast::kScalar, mulB = Bcast::kScalar;
  int16_t op(const std::vector<int16_t>& v, Bcast b, int64_t c, int64_t e) const {
    if (v.empty()) return 0;
    return b == Bcast::kScalar ? v[0] : b == Bcast::kChannel ? v[size_t(c)] : v[size_t(e)];
  }
  int32_t apply(int32_t x, int64_t c, int64_t e) const {
    return nvdla::sdpStage(st, x, op(alu, aluB, c, e), op(mul, mulB, c, e));
  }
};

int64_t roundHalfAwayToInt(double v) {
  return int64_t(std::clamp(std::round(v), -9.2e18, 9.2e18));
}

// An activation as an X stage of its own, in output units: clipped ReLU is an ALU min with
// the bound then the stage's ReLU; leaky / PReLU the multiplier's PReLU mode (negatives times
// the slope, truncated); ReLU a pass-through stage with its ReLU.
XStage activationStage(Act act, double clipHigh, const Operand& slope) {
  XStage st;
  st.st.bypass = false;
  if (act == Act::kClip) {
    st.st.aluBypass = false;
    st.st.aluAlgo = nvdla::SdpAluAlgo::Min;
    st.alu = {int16_t(std::clamp<int64_t>(roundHalfAwayToInt(clipHigh), -32768, 32767))};
    st.st.reluBypass = false;
  } else if (act == Act::kLeaky) {
    SdpMultipliers m = sdpMultipliersFor(slope.v);
    st.st.mulBypass = false;
    st.st.prelu = true;
    st.mul = std::move(m.m);
    st.mulB = slope.bcast;
    st.st.mulShift = m.shift;
  } else if (act == Act::kRelu) {
    st.st.reluBypass = false;
  }
  return st;
}

// ---- Orin: FP19 ----------------------------------------------------------------------------

struct Fp19Operand {
  std::vector<float> v;
  Bcast b = Bcast::kScalar;
  bool present() const { return !v.empty(); }
  float at(int64_t c, int64_t e) const {
    return b == Bcast::kScalar ? v[0] : b == Bcast::kChannel ? v[size_t(c)] : v[size_t(e)];
  }
};

Fp19Operand fp19Operand(const Operand& o) {
  Fp19Operand r;
  r.b = o.bcast;
  for (double x : o.v) r.v.push_back(toFp19(x));
  return r;
}

float orinAct(float t, Act act, float clip, float slope) {
  switch (act) {
    case Act::kRelu:
      return t > 0 ? t : 0.f;
    case Act::kClip:
      return std::min(t > 0 ? t : 0.f, clip);
    case Act::kLeaky:
      return t < 0 ? fp19Mul(t, slope) : t;
    default:
      return t;
  }
}

void checkOperand(const Operand& o, int64_t channels, int64_t elements, const char* what) {
  if (!o.present()) return;
  size_t want = o.bcast == Bcast::kScalar    ? 1
                : o.bcast == Bcast::kChannel ? size_t(channels)
                                             : size_t(elements);
  if (o.v.size() != want)
    throw std::invalid_argument(std::string("int8 requant: operand '") + what + "' has " +
                                std::to_string(o.v.size()) + " values, expected " +
                                std::to_string(want));
}

}  // namespace

struct AffineProgram {
  DlaNumerics::Int8Requant requant;
  bool absInput = false;
  // Xavier
  std::vector<XStage> stages;
  // Orin
  Fp19Operand F, B, P, S;
  PostOp postOp = PostOp::kNone;
  Act act = Act::kNone;
  float clip = 0;
  // The hot loop's form, for per-channel programs without a post operation (most layers).
  bool fastOk = false;
  int64_t fastChannels = 0;
  std::vector<double> fastBias, fastMul;
  std::vector<float> fastBiasF, fastMulF;
  fast::Affine fast;
};

struct BinaryProgram {
  DlaNumerics::Int8Requant requant;
  BinOp op = BinOp::kSum;
  // Xavier
  int16_t ma = 0, mb = 0;
  int shift = 0;
  bool hasXavierAct = false;
  XStage xavierAct;  // the activation after the sum
  // Orin
  float fa = 0, fb = 0;
  Act act = Act::kNone;
  float clip = 0, slope = 0;
  bool fastOk = false;
  fast::Binary fast;
};

namespace {

// The output clamp [lo, hi] that ReLU or a clipped ReLU with integer bound hi amounts to once
// rounding has happened (rounding is monotonic); false for a negative clip bound.
bool clampOf(Act act, int64_t clipInt, int* lo, int* hi) {
  *lo = act == Act::kNone ? -128 : 0;
  *hi = act == Act::kClip ? int(std::min<int64_t>(clipInt, 127)) : 127;
  return *hi >= *lo;
}

// Fills the hot loop's parameters when the program has the simple form it handles.
void prepareFast(AffineProgram& p, int64_t channels) {
  if (p.absInput) return;
  auto perChannel = [&](Bcast b, auto value) {
    std::vector<double> v(static_cast<size_t>(channels));
    for (int64_t c = 0; c < channels; ++c) v[size_t(c)] = value(b == Bcast::kScalar ? 0 : c);
    return v;
  };
  fast::Affine& f = p.fast;
  f.requant = p.requant;
  if (p.requant == DlaNumerics::Int8Requant::kOrinFp19) {
    if (p.postOp != PostOp::kNone || p.act == Act::kLeaky) return;
    if (p.F.b == Bcast::kElement || (p.B.present() && p.B.b == Bcast::kElement)) return;
    if (!clampOf(p.act, int64_t(fp19ToInt8(p.clip)), &f.lo, &f.hi)) return;
    if (p.act == Act::kClip && std::round(double(p.clip)) < 0) return;
    p.fastMul = perChannel(p.F.b, [&](int64_t c) { return double(p.F.v[size_t(c)]); });
    if (p.B.present())
      p.fastBias = perChannel(p.B.b, [&](int64_t c) { return double(p.B.v[size_t(c)]); });
    f.checked = false;
    for (const auto* v : {&p.fastMul, &p.fastBias})
      for (double x : *v) f.checked |= !fast::safeOperand(x);
  } else {
    // Stage 1 (ALU bias, MUL), optionally followed by the clip stage.
    const XStage& s = p.stages[0];
    bool clip = p.stages.size() == 2 && !p.stages[1].st.aluBypass &&
                p.stages[1].st.aluAlgo == nvdla::SdpAluAlgo::Min && p.stages[1].st.mulBypass &&
                !p.stages[1].st.reluBypass;
    if (p.stages.size() > (clip ? 2u : 1u)) return;
    if (s.aluB == Bcast::kElement || s.mulB == Bcast::kElement) return;
    const int shift = s.st.mulShift & 63;
    if (shift > 52) return;  // rna in double would no longer be exact
    Act act = clip ? Act::kClip : s.st.reluBypass ? Act::kNone : Act::kRelu;
    int64_t c = clip ? std::max<int64_t>(p.stages[1].alu[0], 0) : 0;
    if (!clampOf(act, c, &f.lo, &f.hi)) return;
    p.fastMul = perChannel(
        s.mulB, [&](int64_t k) { return std::ldexp(double(s.op(s.mul, s.mulB, k, 0)), -shift); });
    if (!s.st.aluBypass)
      p.fastBias = perChannel(s.aluB, [&](int64_t k) {
        return double(
            nvdla::saturatingShiftLeft(s.op(s.alu, s.aluB, k, 0), s.st.aluShift & 63, 32));
      });
  }
  f.hasBias = !p.fastBias.empty();
  f.bias = p.fastBias.data();
  f.mul = p.fastMul.data();
  p.fastBiasF.assign(p.fastBias.begin(), p.fastBias.end());  // FP19 values: exact as floats
  p.fastMulF.assign(p.fastMul.begin(), p.fastMul.end());
  f.biasF = p.fastBiasF.data();
  f.mulF = p.fastMulF.data();
  p.fastChannels = channels;
  p.fastOk = true;
}

}  // namespace

std::shared_ptr<const AffineProgram> compile(const AffineSpec& s, const DlaNumerics& numerics,
                                             int64_t channels, int64_t elements) {
  checkOperand(s.factor, channels, elements, "factor");
  checkOperand(s.preBias, channels, elements, "preBias");
  checkOperand(s.post, channels, elements, "post");
  checkOperand(s.slope, channels, elements, "slope");
  if (!s.factor.present()) throw std::invalid_argument("int8 requant: no factor");
  if (s.postOp != PostOp::kNone && !s.post.present())
    throw std::invalid_argument("int8 requant: post operation without an operand");
  if (s.act == Act::kLeaky && !s.slope.present())
    throw std::invalid_argument("int8 requant: leaky activation without a slope");
  auto prog = std::make_shared<AffineProgram>();
  prog->requant = numerics.int8Requant;
  prog->absInput = s.absInput;
  if (!numerics.xavierFixedPoint()) {
    prog->F = fp19Operand(s.factor);
    prog->B = fp19Operand(s.preBias);
    prog->P = fp19Operand(s.post);
    prog->S = fp19Operand(s.slope);
    prog->postOp = s.postOp;
    prog->act = s.act;
    prog->clip = toFp19(s.clipHigh);
    prepareFast(*prog, channels);
    return prog;
  }
  // Xavier: BS (ALU bias, MUL, truncate), then one X stage per further operation.
  XStage bs;
  bs.st.bypass = false;
  if (s.preBias.present()) {
    SdpAluOperands a = sdpAluOperandsFor(s.preBias.v);
    bs.alu = std::move(a.v);
    bs.aluB = s.preBias.bcast;
    bs.st.aluBypass = false;
    bs.st.aluAlgo = nvdla::SdpAluAlgo::Sum;
    bs.st.aluShift = a.shift;
  }
  SdpMultipliers m = sdpMultipliersFor(s.factor.v);
  bs.mul = std::move(m.m);
  bs.mulB = s.factor.bcast;
  bs.st.mulBypass = false;
  bs.st.mulShift = m.shift;
  prog->stages.push_back(std::move(bs));
  if (s.postOp != PostOp::kNone) {
    XStage post;
    post.st.bypass = false;
    SdpAluOperands a = sdpAluOperandsFor(s.post.v);
    post.alu = std::move(a.v);
    post.aluB = s.post.bcast;
    post.st.aluBypass = false;
    post.st.aluAlgo = s.postOp == PostOp::kSum   ? nvdla::SdpAluAlgo::Sum
                      : s.postOp == PostOp::kMax ? nvdla::SdpAluAlgo::Max
                                                 : nvdla::SdpAluAlgo::Min;
    post.st.aluShift = a.shift;
    post.st.mulBypass = true;  // a bypassed multiplier truncates by its shift: 0 keeps the value
    prog->stages.push_back(std::move(post));
  }
  if (s.act == Act::kClip || s.act == Act::kLeaky) {
    prog->stages.push_back(activationStage(s.act, s.clipHigh, s.slope));
  } else if (s.act == Act::kRelu) {
    prog->stages.back().st.reluBypass = false;
  }
  prepareFast(*prog, channels);
  return prog;
}

std::shared_ptr<const BinaryProgram> compile(const BinarySpec& s, const DlaNumerics& numerics) {
  auto prog = std::make_shared<BinaryProgram>();
  prog->requant = numerics.int8Requant;
  prog->op = s.op;
  prog->fast.requant = numerics.int8Requant;
  if (!numerics.xavierFixedPoint()) {
    if (s.op == BinOp::kProd) {
      prog->fa = toFp19(s.fa * s.fb);
    } else {
      prog->fa = toFp19(s.fa);
      prog->fb = toFp19(s.fb);
    }
    prog->act = s.act;
    prog->clip = toFp19(s.clipHigh);
    prog->slope = toFp19(s.slope);
    fast::Binary& f = prog->fast;
    f.op = int(s.op);
    f.fa = prog->fa;
    f.fb = prog->fb;
    f.checked = !fast::safeOperand(f.fa) || !fast::safeOperand(f.fb);
    prog->fastOk = s.act != Act::kLeaky && std::round(double(prog->clip)) >= 0 &&
                   clampOf(s.act, int64_t(fp19ToInt8(prog->clip)), &f.lo, &f.hi);
    return prog;
  }
  SdpMultipliers m =
      s.op == BinOp::kProd ? sdpMultipliersFor({s.fa * s.fb}) : sdpMultipliersFor({s.fa, s.fb});
  prog->ma = m.m[0];
  prog->mb = s.op == BinOp::kProd ? 0 : m.m[1];
  prog->shift = m.shift;
  prog->hasXavierAct = s.act != Act::kNone;
  prog->xavierAct = activationStage(s.act, s.clipHigh, Operand::scalar(s.slope));
  fast::Binary& f = prog->fast;
  f.op = int(s.op);
  f.fa = std::ldexp(double(prog->ma), -prog->shift);
  f.fb = std::ldexp(double(prog->mb), -prog->shift);
  prog->fastOk =
      s.act != Act::kLeaky && prog->shift <= 52 &&
      clampOf(s.act, s.act == Act::kClip ? std::max<int64_t>(prog->xavierAct.alu[0], 0) : 0, &f.lo,
              &f.hi);
  return prog;
}

int8_t applyOne(const AffineProgram& p, int64_t x, int64_t c, int64_t e) {
  if (p.absInput) x = x < 0 ? -x : x;
  if (p.requant == DlaNumerics::Int8Requant::kOrinFp19) {
    float t = toFp19(double(x));
    if (p.B.present()) t = fp19Add(t, p.B.at(c, e));
    t = fp19Mul(t, p.F.at(c, e));
    if (p.postOp == PostOp::kSum) t = fp19Add(t, p.P.at(c, e));
    if (p.postOp == PostOp::kMax) t = std::max(t, p.P.at(c, e));
    if (p.postOp == PostOp::kMin) t = std::min(t, p.P.at(c, e));
    t = orinAct(t, p.act, p.clip, p.S.present() ? p.S.at(c, e) : 0.f);
    return fp19ToInt8(t);
  }
  int32_t t = int32_t(saturate(x, 32));
  for (const XStage& st : p.stages) t = st.apply(t, c, e);
  return nvdla::sdpConvert(nvdla::SdpOutputConverter{}, t);  // the converter at identity
}

int8_t applyOne(const BinaryProgram& p, int32_t a, int32_t b) {
  if (p.requant == DlaNumerics::Int8Requant::kOrinFp19) {
    float t;
    if (p.op == BinOp::kProd) {
      t = fp19Mul(toFp19(double(int64_t(a) * b)), p.fa);
    } else {
      float x = fp19Mul(toFp19(a), p.fa), y = fp19Mul(toFp19(b), p.fb);
      t = p.op == BinOp::kSum   ? fp19Add(x, y)
          : p.op == BinOp::kMax ? std::max(x, y)
                                : std::min(x, y);
    }
    return fp19ToInt8(orinAct(t, p.act, p.clip, p.slope));
  }
  int64_t s;
  if (p.op == BinOp::kProd) {
    s = int64_t(a) * b * p.ma;
  } else {
    int64_t x = int64_t(a) * p.ma, y = int64_t(b) * p.mb;
    s = p.op == BinOp::kSum ? x + y : p.op == BinOp::kMax ? std::max(x, y) : std::min(x, y);
  }
  int64_t t = saturate(roundShiftHalfAway(s, p.shift), 32);
  if (p.hasXavierAct) t = p.xavierAct.apply(int32_t(t), 0, 0);
  return nvdla::sdpConvert(nvdla::SdpOutputConverter{}, int32_t(t));  // the converter at identity
}

bool hasFastLoop(const AffineProgram& p) {
  return p.fastOk;
}
bool hasFastLoop(const BinaryProgram& p) {
  return p.fastOk;
}

int xavierMulShift(const AffineProgram& p) {
  return p.stages.empty() ? 0 : p.stages[0].st.mulShift;
}
std::vector<int16_t> xavierMultipliers(const AffineProgram& p) {
  return p.stages.empty() ? std::vector<int16_t>{} : p.stages[0].mul;
}

// ---- run loops ----------------------------------------------------------------------------

namespace {

template <class In>
void runImpl(const AffineProgram& p, const In* x, int8_t* y, int64_t images, int64_t elements,
             int64_t channels, bool channelsLast) {
  if (channels <= 0 || elements <= 0) return;
  const int64_t plane = elements / channels;
  if (p.fastOk && channelsLast && p.fastChannels == channels &&
      fast::affine(p.fast, x, y, images * plane, channels))
    return;
  // Otherwise the specification itself, value by value.
  for (int64_t img = 0; img < images; ++img) {
    const In* xi = x + img * elements;
    int8_t* yi = y + img * elements;
    for (int64_t e = 0; e < elements; ++e)
      yi[e] = applyOne(p, int64_t(xi[e]), channelsLast ? e % channels : e / plane, e);
  }
}

}  // namespace

void run(const AffineProgram& p, const int32_t* x, int8_t* y, int64_t images, int64_t elements,
         int64_t channels, bool channelsLast) {
  runImpl(p, x, y, images, elements, channels, channelsLast);
}

void run(const AffineProgram& p, const int8_t* x, int8_t* y, int64_t images, int64_t elements,
         int64_t channels, bool channelsLast) {
  runImpl(p, x, y, images, elements, channels, channelsLast);
}

void run(const BinaryProgram& p, const int8_t* a, const int8_t* b, int8_t* y, int64_t n) {
  if (p.fastOk && fast::binary(p.fast, a, b, y, n)) return;
  for (int64_t i = 0; i < n; ++i) y[i] = applyOne(p, a[i], b[i]);
}

}  // namespace kern::int8
