#include "kernels/nvdla/conv.h"

#include <algorithm>
#include <vector>

#include "kernels/nvdla/fixed_point.h"

namespace kern::nvdla {

int32_t caccOutput(int64_t acc, int truncate) {
  return int32_t(saturate(roundShiftHalfAway(acc, truncate), 32));
}

namespace {

int8_t convertInput(const ConvInputConverter& c, int8_t x) {
  int64_t v = (int64_t(x) - c.offset) * c.scale;
  return int8_t(saturate(roundShiftHalfAway(v, c.truncate), 8));
}

// The input as pixels of contiguous channels (HWC), with the padding ring materialised so that
// every tap of every output reads inside the buffer.
struct PaddedInput {
  std::vector<int8_t> data;
  int width = 0, height = 0, channels = 0;
  const int8_t* pixel(int y, int x) const {
    return data.data() + (int64_t(y) * width + x) * channels;
  }
};

PaddedInput padInput(const ConvSettings& s, const int8_t* in) {
  PaddedInput p;
  p.channels = s.inChannels;
  p.width = (s.outWidth - 1) * s.strideX + (s.kernelWidth - 1) * s.dilationX + 1;
  p.height = (s.outHeight - 1) * s.strideY + (s.kernelHeight - 1) * s.dilationY + 1;
  p.data.assign(int64_t(p.width) * p.height * p.channels, s.padValue);
  const int64_t plane = int64_t(s.inWidth) * s.inHeight;
  for (int y = 0; y < p.height; ++y) {
    int iy = y - s.padTop;
    if (iy < 0 || iy >= s.inHeight) continue;
    for (int x = 0; x < p.width; ++x) {
      int ix = x - s.padLeft;
      if (ix < 0 || ix >= s.inWidth) continue;
      int8_t* dst = p.data.data() + (int64_t(y) * p.width + x) * p.channels;
      const int8_t* src = in + int64_t(iy) * s.inWidth + ix;
      for (int c = 0; c < p.channels; ++c) {
        int8_t v = src[c * plane];
        dst[c] = s.inputConverter.enabled ? convertInput(s.inputConverter, v) : v;
      }
    }
  }
  return p;
}

// Weights as kernels x kernelHeight x kernelWidth x channels, channels innermost like the input.
std::vector<int8_t> reorderWeights(const ConvSettings& s, const int8_t* w) {
  const int taps = s.kernelHeight * s.kernelWidth;
  std::vector<int8_t> r(int64_t(s.kernels) * taps * s.inChannels);
  for (int k = 0; k < s.kernels; ++k)
    for (int c = 0; c < s.inChannels; ++c)
      for (int t = 0; t < taps; ++t)
        r[(int64_t(k) * taps + t) * s.inChannels + c] =
            w[(int64_t(k) * s.inChannels + c) * taps + t];
  return r;
}

template <typename Acc>
Acc dot(const int8_t* a, const int8_t* b, int n) {
  Acc sum = 0;
  for (int i = 0; i < n; ++i) sum += Acc(a[i]) * Acc(b[i]);
  return sum;
}

// Exact accumulation in Acc, in any order: used when no partial sum can reach the saturation.
template <typename Acc>
int64_t accumulateExact(const ConvSettings& s, const PaddedInput& p, const int8_t* wk, int oy,
                        int ox) {
  Acc sum = 0;
  const int c = s.inChannels;
  for (int ky = 0; ky < s.kernelHeight; ++ky) {
    int y = oy * s.strideY + ky * s.dilationY;
    for (int kx = 0; kx < s.kernelWidth; ++kx) {
      int x = ox * s.strideX + kx * s.dilationX;
      sum += dot<Acc>(p.pixel(y, x), wk + (int64_t(ky) * s.kernelWidth + kx) * c, c);
    }
  }
  return int64_t(sum);
}

// The RTL's order: channel block (atomicC channels), kernel row, kernel column; each block's
// exact CMAC sum is added to the 34-bit accumulator, which saturates on every add.
int64_t accumulateSaturating(const ConvSettings& s, const PaddedInput& p, const int8_t* wk, int oy,
                             int ox) {
  int64_t acc = 0;
  const int c = s.inChannels, block = std::max(1, s.hw.atomicC);
  for (int c0 = 0; c0 < c; c0 += block) {
    const int n = std::min(block, c - c0);
    for (int ky = 0; ky < s.kernelHeight; ++ky) {
      int y = oy * s.strideY + ky * s.dilationY;
      for (int kx = 0; kx < s.kernelWidth; ++kx) {
        int x = ox * s.strideX + kx * s.dilationX;
        int64_t partial =
            dot<int64_t>(p.pixel(y, x) + c0, wk + (int64_t(ky) * s.kernelWidth + kx) * c + c0, n);
        acc = saturate(acc + partial, kCaccAccumulatorBits);
      }
    }
  }
  return acc;
}

}  // namespace

void convInt8(const ConvSettings& s, const int8_t* in, const int8_t* w, int32_t* out) {
  const PaddedInput p = padInput(s, in);
  const std::vector<int8_t> weights = reorderWeights(s, w);
  const int64_t perKernel = int64_t(s.kernelHeight) * s.kernelWidth * s.inChannels;
  // |product| <= 128 * 128 = 2^14, so the sum is bounded by perKernel * 2^14.
  const int64_t bound = perKernel << 14;
  const bool fitsInt32 = bound < (int64_t(1) << 31);
  const bool canSaturate = bound > maxOfBits(kCaccAccumulatorBits);
  for (int k = 0; k < s.kernels; ++k) {
    const int8_t* wk = weights.data() + k * perKernel;
    int32_t* ok = out + int64_t(k) * s.outHeight * s.outWidth;
    for (int oy = 0; oy < s.outHeight; ++oy)
      for (int ox = 0; ox < s.outWidth; ++ox) {
        int64_t acc = canSaturate ? accumulateSaturating(s, p, wk, oy, ox)
                      : fitsInt32 ? accumulateExact<int32_t>(s, p, wk, oy, ox)
                                  : accumulateExact<int64_t>(s, p, wk, oy, ox);
        ok[int64_t(oy) * s.outWidth + ox] = caccOutput(acc, s.truncate);
      }
  }
}

}  // namespace kern::nvdla
