#include "kernels/int8_conv.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "kernels/numeric/int8.h"
#include "kernels/nvdla/conv.h"
#include "kernels/nvdla/fixed_point.h"
#include "kernels/onednn_common.h"
#include "kernels/target_clones.h"

namespace kern::int8 {

namespace {

// Weight preparation runs over every weight of the model once per process: its loops are
// written so that the compiler vectorises them.

// max |w| over finite values (NaN is ignored, as std::max ignores it) via the bit patterns:
// for non-negative floats the integer order is the numeric order. Also reports non-finite
// values.
DLASIM_TARGET_CLONES float absMax(const float* __restrict w, int64_t n, bool* finite) {
  int32_t best = 0, worst = 0;  // signed: the patterns of |w| are non-negative
  for (int64_t i = 0; i < n; ++i) {
    int32_t u;
    std::memcpy(&u, &w[i], 4);
    u &= 0x7fffffff;
    worst = std::max(worst, u);
    best = std::max(best, u > 0x7f800000 ? 0 : u);  // NaN -> 0
  }
  *finite = worst < 0x7f800000;
  float f;
  std::memcpy(&f, &best, 4);
  return f;
}

// q = sat8(rna(w / s)) with the quotient in double, as kern::numeric::quantizeInt8. The loop
// works in FP32 lanes: x' = w * (1/s) is within 2^-22 |x| <= 2^-15 of x = w / s (|x| <= 128),
// and rounds half away from the exact fraction x' - int(x'); values whose fraction lies within
// 2^-12 of one half are marked, and the division itself decides them (second pass, rare).
// Needs |w / s| < 2^31, true for finite rows since s = max|w| / 127.
DLASIM_TARGET_CLONES int quantizeRowFast(const float* __restrict w, int64_t n, float r,
                                         int8_t* __restrict q, int8_t* __restrict mark) {
  int nearTie = 0;
  for (int64_t i = 0; i < n; ++i) {
    float x = w[i] * r;
    int t = int(x);          // truncation toward zero
    float d = x - float(t);  // exact
    float a = std::abs(d);
    int near = int(a > 0.5f - 0x1p-12f) & int(a < 0.5f + 0x1p-12f);
    mark[i] = int8_t(near);
    nearTie |= near;
    t += int(d >= 0.5f) - int(d <= -0.5f);
    q[i] = int8_t(std::min(std::max(t, -128), 127));
  }
  return nearTie;
}

void quantizeRow(const float* w, int64_t n, float scale, int8_t* q) {
  std::vector<int8_t> mark(static_cast<size_t>(n));
  if (!quantizeRowFast(w, n, 1.f / scale, q, mark.data())) return;
  for (int64_t i = 0; i < n; ++i)  // the marked values, by the division
    if (mark[size_t(i)]) q[i] = numeric::quantizeInt8(w[i], scale);
}

}  // namespace

void quantizeWithScales(const float* w, int64_t channels, int64_t per, const float* scales,
                        int8_t* q) {
  for (int64_t k = 0; k < channels; ++k) {
    const float* c = w + k * per;
    bool finite;
    float amax = absMax(c, per, &finite);
    // The vectorised row needs |w / s| < 2^31; a Q/DQ scale may be smaller than max|w| / 127.
    if (!(scales[k] > 0))
      std::fill(q + k * per, q + (k + 1) * per, int8_t(0));
    else if (finite && std::isfinite(scales[k]) && double(amax) / scales[k] < 1e9)
      quantizeRow(c, per, scales[k], q + k * per);
    else
      for (int64_t i = 0; i < per; ++i) q[k * per + i] = numeric::quantizeInt8(c[i], scales[k]);
  }
}

void quantizeWeights(const float* w, int64_t channels, int64_t per, int8_t* q, float* scales) {
  for (int64_t k = 0; k < channels; ++k) {
    const float* c = w + k * per;
    bool finite;
    float amax = absMax(c, per, &finite);
    scales[k] = amax / 127.f;
    if (!(scales[k] > 0))
      std::fill(q + k * per, q + (k + 1) * per, int8_t(0));
    else if (!finite || !std::isfinite(scales[k]))
      for (int64_t i = 0; i < per; ++i) q[k * per + i] = numeric::quantizeInt8(c[i], scales[k]);
    else
      quantizeRow(c, per, scales[k], q + k * per);
  }
}

void quantizeDeconvWeights(const ConvParams& p, const float* w, int8_t* q, float* scales) {
  const int64_t cPerG = p.inChannels / p.group, kPerG = p.outChannels / p.group;
  const int64_t taps = p.kernel[0] * p.kernel[1] * p.kernel[2];
  auto outChannel = [&](int64_t c, int64_t j) { return (c / cPerG) * kPerG + j; };
  std::vector<float> amax(static_cast<size_t>(p.outChannels), 0.f);
  for (int64_t c = 0; c < p.inChannels; ++c)
    for (int64_t j = 0; j < kPerG; ++j)
      for (int64_t t = 0; t < taps; ++t)
        amax[size_t(outChannel(c, j))] =
            std::max(amax[size_t(outChannel(c, j))], std::fabs(w[(c * kPerG + j) * taps + t]));
  for (int64_t k = 0; k < p.outChannels; ++k) scales[k] = amax[size_t(k)] / 127.f;
  for (int64_t c = 0; c < p.inChannels; ++c)
    for (int64_t j = 0; j < kPerG; ++j) {
      float s = scales[outChannel(c, j)];
      for (int64_t t = 0; t < taps; ++t) {
        int64_t i = (c * kPerG + j) * taps + t;
        q[i] = s > 0 ? numeric::quantizeInt8(w[i], s) : 0;
      }
    }
}

namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

bool twoDimensional(const ConvParams& p) {
  return p.in[0] == 1 && p.out[0] == 1 && p.kernel[0] == 1;
}

int64_t weightsPerKernel(const ConvParams& p) {
  return p.inChannels / p.group * p.kernel[0] * p.kernel[1] * p.kernel[2];
}

// oneDNN's int32 accumulator is exact when no sum of |products| reaches 2^31.
// sum |w| of one kernel (below 2^31 for fewer than 2^24 taps), and whether a weight is -128.
DLASIM_TARGET_CLONES int32_t absSum(const int8_t* __restrict w, int64_t n, bool* hasMin) {
  int32_t sum = 0, low = 0;
  for (int64_t i = 0; i < n; ++i) {
    sum += w[i] < 0 ? -int32_t(w[i]) : int32_t(w[i]);
    low = std::min(low, int32_t(w[i]));
  }
  *hasMin = low == -128;
  return sum;
}

// Whether every kernel's sum fits int32 (then oneDNN's accumulator is exact); `hasMin`: some
// weight is -128.
bool fitsInt32(const ConvParams& p, const int8_t* w, bool* hasMin) {
  const int64_t per = weightsPerKernel(p);
  bool fits = per < (int64_t(1) << 24);  // 2^24 * 128 = 2^31: absSum could overflow
  *hasMin = false;
  for (int64_t k = 0; k < p.outChannels; ++k) {
    bool m = false;
    if (fits && int64_t(absSum(w + k * per, per, &m)) * 128 >= (int64_t(1) << 31)) fits = false;
    if (!fits) m = std::find(w + k * per, w + (k + 1) * per, int8_t(-128)) != w + (k + 1) * per;
    *hasMin |= m;
  }
  return fits;
}

struct Primitive {
  dnnl::convolution_forward prim;
  dnnl::memory weights;
  dnnl::memory::desc srcMd, dstMd;
};

// A u8 x s8 -> s32 convolution with NHWC activations; channelsPerGroup input channels per group
// (doubled for the split form). Returns false when oneDNN refuses.
bool makePrimitive(const ConvParams& p, int64_t cPerG, const std::vector<int8_t>& w,
                   Primitive* out) {
  try {
    auto& eng = cpuEngine();
    dnnl::stream s(eng);
    const int64_t inC = cPerG * p.group;
    dnnl::memory::dims src = {p.batch, inC, p.in[1], p.in[2]};
    dnnl::memory::dims dst = {p.batch, p.outChannels, p.out[1], p.out[2]};
    bool grouped = p.group > 1;
    dnnl::memory::dims wd =
        grouped
            ? dnnl::memory::dims{p.group, p.outChannels / p.group, cPerG, p.kernel[1], p.kernel[2]}
            : dnnl::memory::dims{p.outChannels, cPerG, p.kernel[1], p.kernel[2]};
    dnnl::memory::dims strides = {p.stride[1], p.stride[2]}, padL = {p.padBegin[1], p.padBegin[2]},
                       padR, dil = {p.dilation[1] - 1, p.dilation[2] - 1};
    for (int i = 1; i < 3; ++i) {
      int64_t eff = (p.kernel[i] - 1) * p.dilation[i] + 1;
      padR.push_back((p.out[i] - 1) * p.stride[i] + eff - p.in[i] - p.padBegin[i]);
    }
    auto srcMd = dnnl::memory::desc(src, dt::u8, tag::nhwc);
    auto dstMd = dnnl::memory::desc(dst, dt::s32, tag::nhwc);
    auto wAny = dnnl::memory::desc(wd, dt::s8, tag::any);
    auto desc = dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                dnnl::algorithm::convolution_direct, srcMd, wAny,
                                                dstMd, strides, dil, padL, padR);
    auto pd = dnnl::convolution_forward::primitive_desc(desc, eng);
    out->prim = dnnl::convolution_forward(pd);
    dnnl::memory userW({wd, dt::s8, grouped ? tag::goihw : tag::oihw}, eng,
                       const_cast<int8_t*>(w.data()));
    out->weights = dnnl::memory(pd.weights_desc(), eng);
    dnnl::reorder(userW, out->weights).execute(s, userW, out->weights);
    s.wait();
    out->srcMd = srcMd;
    out->dstMd = dstMd;
    return true;
  } catch (const dnnl::error&) {
    return false;
  }
}

bool hasNegative(const int8_t* x, int64_t n) {
  uint8_t any = 0;
  const uint8_t* u = reinterpret_cast<const uint8_t*>(x);
  for (int64_t i = 0; i < n; ++i) any |= u[i];
  return any & 0x80;
}

}  // namespace

struct ConvInt8Plan {
  ConvParams p;
  std::vector<int8_t> w;  // ONNX layout
  bool onednn = false;
  bool splitAllowed = false;  // no weight is -128 (its negation would not fit)
  Primitive plain;            // non-negative inputs
  mutable std::once_flag splitOnce;
  mutable Primitive split;  // [x+, x-] inputs, built on the first signed input
  mutable bool splitOk = false;
};

std::shared_ptr<ConvInt8Plan> prepareConvInt8(const ConvParams& p, const int8_t* w) {
  if (!twoDimensional(p))
    throw std::invalid_argument("int8 convolution: two spatial dimensions only");
  auto plan = std::make_shared<ConvInt8Plan>();
  plan->p = p;
  plan->w.assign(w, w + p.outChannels * weightsPerKernel(p));
  bool hasMin = false;
  bool fits = fitsInt32(p, w, &hasMin);
  plan->splitAllowed = !hasMin;
  if (fits) plan->onednn = makePrimitive(p, p.inChannels / p.group, plan->w, &plan->plain);
  return plan;
}

bool convInt8UsesOnednn(const ConvInt8Plan& plan) {
  return plan.onednn;
}

namespace {

void runPrimitive(const Primitive& prim, const void* x, int32_t* acc) {
  auto& eng = cpuEngine();
  dnnl::stream s(eng);
  dnnl::memory src(prim.srcMd, eng, const_cast<void*>(x));
  dnnl::memory dst(prim.dstMd, eng, acc);
  prim.prim.execute(s,
                    {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, prim.weights}, {DNNL_ARG_DST, dst}});
  s.wait();
}

}  // namespace

void executeConvInt8(const ConvInt8Plan& plan, const int8_t* x, int32_t* acc) {
  const ConvParams& p = plan.p;
  const int64_t pixels = p.batch * p.in[1] * p.in[2];
  if (!plan.onednn) return convInt8Reference(p, x, plan.w.data(), acc);
  if (!hasNegative(x, pixels * p.inChannels)) return runPrimitive(plan.plain, x, acc);
  std::call_once(plan.splitOnce, [&] {
    if (!plan.splitAllowed) return;
    // Weights [w, -w] per group along the (doubled) input channels.
    const int64_t cPerG = p.inChannels / p.group, taps = p.kernel[1] * p.kernel[2];
    std::vector<int8_t> w2(static_cast<size_t>(p.outChannels * 2 * cPerG * taps));
    for (int64_t k = 0; k < p.outChannels; ++k)
      for (int64_t c = 0; c < cPerG; ++c)
        for (int64_t t = 0; t < taps; ++t) {
          int8_t v = plan.w[size_t((k * cPerG + c) * taps + t)];
          w2[size_t((k * 2 * cPerG + c) * taps + t)] = v;
          w2[size_t((k * 2 * cPerG + cPerG + c) * taps + t)] = int8_t(-v);
        }
    plan.splitOk = makePrimitive(p, 2 * cPerG, w2, &plan.split);
  });
  if (!plan.splitOk) return convInt8Reference(p, x, plan.w.data(), acc);
  // Per pixel and group: the group's x+ channels, then its x- channels.
  const int64_t cPerG = p.inChannels / p.group;
  std::vector<uint8_t> u(static_cast<size_t>(pixels * 2 * p.inChannels));
  for (int64_t px = 0; px < pixels; ++px) {
    const int8_t* xp = x + px * p.inChannels;
    uint8_t* up = u.data() + px * 2 * p.inChannels;
    for (int64_t g = 0; g < p.group; ++g)
      for (int64_t c = 0; c < cPerG; ++c) {
        int v = xp[g * cPerG + c];
        up[g * 2 * cPerG + c] = uint8_t(v > 0 ? v : 0);
        up[g * 2 * cPerG + cPerG + c] = uint8_t(v < 0 ? -v : 0);
      }
  }
  runPrimitive(plan.split, u.data(), acc);
}

void convInt8Reference(const ConvParams& p, const int8_t* x, const int8_t* w, int32_t* acc) {
  if (!twoDimensional(p))
    throw std::invalid_argument("int8 convolution: two spatial dimensions only");
  const int64_t cPerG = p.inChannels / p.group, kPerG = p.outChannels / p.group;
  const int64_t inPlane = p.in[1] * p.in[2], outPlane = p.out[1] * p.out[2];
  nvdla::ConvSettings s;
  s.hw = nvdla::HwConfig::nvFull();
  s.inWidth = int(p.in[2]);
  s.inHeight = int(p.in[1]);
  s.inChannels = int(cPerG);
  s.outWidth = int(p.out[2]);
  s.outHeight = int(p.out[1]);
  s.kernels = int(kPerG);
  s.kernelWidth = int(p.kernel[2]);
  s.kernelHeight = int(p.kernel[1]);
  s.strideX = int(p.stride[2]);
  s.strideY = int(p.stride[1]);
  s.dilationX = int(p.dilation[2]);
  s.dilationY = int(p.dilation[1]);
  s.padLeft = int(p.padBegin[2]);
  s.padTop = int(p.padBegin[1]);
  std::vector<int8_t> chw(static_cast<size_t>(cPerG * inPlane));
  std::vector<int32_t> khw(static_cast<size_t>(kPerG * outPlane));
  for (int64_t n = 0; n < p.batch; ++n)
    for (int64_t g = 0; g < p.group; ++g) {
      for (int64_t c = 0; c < cPerG; ++c)
        for (int64_t i = 0; i < inPlane; ++i)
          chw[size_t(c * inPlane + i)] = x[(n * inPlane + i) * p.inChannels + g * cPerG + c];
      nvdla::convInt8(s, chw.data(), w + g * kPerG * weightsPerKernel(p), khw.data());
      for (int64_t k = 0; k < kPerG; ++k)
        for (int64_t i = 0; i < outPlane; ++i)
          acc[(n * outPlane + i) * p.outChannels + g * kPerG + k] = khw[size_t(k * outPlane + i)];
    }
}

void deconvInt8(const ConvParams& p, const int8_t* x, const int8_t* w, int32_t* acc) {
  if (!twoDimensional(p))
    throw std::invalid_argument("int8 deconvolution: two spatial dimensions only");
  const int64_t cPerG = p.inChannels / p.group, kPerG = p.outChannels / p.group;
  const int64_t taps = p.kernel[1] * p.kernel[2], outPlane = p.out[1] * p.out[2];
  std::vector<int64_t> sum(static_cast<size_t>(outPlane * p.outChannels));
  for (int64_t n = 0; n < p.batch; ++n) {
    std::fill(sum.begin(), sum.end(), 0);
    for (int64_t iy = 0; iy < p.in[1]; ++iy)
      for (int64_t ix = 0; ix < p.in[2]; ++ix) {
        const int8_t* xp = x + ((n * p.in[1] + iy) * p.in[2] + ix) * p.inChannels;
        for (int64_t ky = 0; ky < p.kernel[1]; ++ky) {
          int64_t oy = iy * p.stride[1] - p.padBegin[1] + ky * p.dilation[1];
          if (oy < 0 || oy >= p.out[1]) continue;
          for (int64_t kx = 0; kx < p.kernel[2]; ++kx) {
            int64_t ox = ix * p.stride[2] - p.padBegin[2] + kx * p.dilation[2];
            if (ox < 0 || ox >= p.out[2]) continue;
            int64_t* sp = sum.data() + (oy * p.out[2] + ox) * p.outChannels;
            for (int64_t c = 0; c < p.inChannels; ++c) {
              int v = xp[c];
              if (!v) continue;
              int64_t g = c / cPerG;
              const int8_t* wk = w + (c * kPerG) * taps + ky * p.kernel[2] + kx;
              for (int64_t j = 0; j < kPerG; ++j) sp[g * kPerG + j] += v * wk[j * taps];
            }
          }
        }
      }
    int32_t* out = acc + n * outPlane * p.outChannels;
    for (size_t i = 0; i < sum.size(); ++i)
      out[i] = int32_t(nvdla::saturate(nvdla::saturate(sum[i], nvdla::kCaccAccumulatorBits), 32));
  }
}

}  // namespace kern::int8
