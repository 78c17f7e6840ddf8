#include "kernels/nvdla/pdp.h"

#include <algorithm>

#include "kernels/nvdla/fixed_point.h"

namespace kern::nvdla {

uint32_t pdpReciprocal(int64_t k) {
  return k > 0 ? uint32_t(65536 / k) : 0;
}

int32_t pdpPadContribution(const PdpSettings& s, int n) {
  if (n <= 0) return 0;
  if (n <= 7) return s.padValues[n - 1];
  return n * s.padValues[0];
}

int8_t pdpAverage(int64_t sum, uint32_t recipKernelWidth, uint32_t recipKernelHeight) {
  // Two rounding stages (cmod NV_NVDLA_pdp.cpp:1679-1685, RTL cal2d.v:4743-4773, 4813-4827): a
  // single combined rounding fails pdp_12x9x19_8x3_ave_int8_0.
  int64_t a = roundShiftHalfAway(sum * int64_t(recipKernelWidth), 16);
  int64_t b = roundShiftHalfAway(a * int64_t(recipKernelHeight), 16);
  return int8_t(saturate(b, 8));
}

namespace {

// The window's span along one axis: real taps [first, last] and padded taps before/after.
struct Span {
  int first = 0, last = -1, padded = 0;
};

Span span(int out, int stride, int pad, int kernel, int size) {
  Span sp;
  int start = out * stride - pad;
  int lo = std::max(start, 0), hi = std::min(start + kernel - 1, size - 1);
  sp.first = lo;
  sp.last = hi;
  sp.padded = kernel - std::max(0, hi - lo + 1);
  return sp;
}

// One channel's window: element (y, x) of the channel at plane[y * row + x * pixel].
int8_t averageWindow(const PdpSettings& s, const int8_t* plane, int64_t row, int64_t pixel,
                     const Span& ys, const Span& xs) {
  // Horizontal pass per real row (its padded columns add PAD_VALUE_nX), then the vertical pass:
  // the padded rows add kernelWidth * PAD_VALUE_nX (cmod NV_NVDLA_pdp.cpp:1396-1571).
  int64_t sum = 0;
  const int32_t rowPad = pdpPadContribution(s, xs.padded);
  for (int y = ys.first; y <= ys.last; ++y) {
    const int8_t* r = plane + y * row;
    int64_t rowSum = rowPad;
    for (int x = xs.first; x <= xs.last; ++x) rowSum += r[x * pixel];
    sum += rowSum;
  }
  sum += int64_t(s.kernelWidth) * pdpPadContribution(s, ys.padded);
  if (s.realTapsOnly)
    return pdpAverage(sum, pdpReciprocal(std::max(xs.last - xs.first + 1, 1)),
                      pdpReciprocal(std::max(ys.last - ys.first + 1, 1)));
  return pdpAverage(sum, s.recipKernelWidth, s.recipKernelHeight);
}

int8_t extremumWindow(const PdpSettings& s, const int8_t* plane, int64_t row, int64_t pixel,
                      const Span& ys, const Span& xs) {
  // Padded taps do not take part (cmod NV_NVDLA_pdp.cpp:1422-1440).
  const bool isMax = s.method == PoolMethod::Max;
  int best = isMax ? -128 : 127;
  for (int y = ys.first; y <= ys.last; ++y) {
    const int8_t* r = plane + y * row;
    for (int x = xs.first; x <= xs.last; ++x)
      best = isMax ? std::max<int>(best, r[x * pixel]) : std::min<int>(best, r[x * pixel]);
  }
  return int8_t(best);
}

}  // namespace

void pdp(const PdpSettings& s, const int8_t* in, const CubeStrides& is, int8_t* out,
         const CubeStrides& os) {
  for (int oy = 0; oy < s.outHeight; ++oy) {
    const Span ys = span(oy, s.strideY, s.padTop, s.kernelHeight, s.inHeight);
    for (int ox = 0; ox < s.outWidth; ++ox) {
      const Span xs = span(ox, s.strideX, s.padLeft, s.kernelWidth, s.inWidth);
      int8_t* o = out + oy * os.row + ox * os.pixel;
      for (int c = 0; c < s.channels; ++c) {
        const int8_t* plane = in + c * is.channel;
        o[c * os.channel] = s.method == PoolMethod::Average
                                ? averageWindow(s, plane, is.row, is.pixel, ys, xs)
                                : extremumWindow(s, plane, is.row, is.pixel, ys, xs);
      }
    }
  }
}

void pdp(const PdpSettings& s, const int8_t* in, int8_t* out) {
  pdp(s, in, CubeStrides::chw(s.inWidth, s.inHeight), out,
      CubeStrides::chw(s.outWidth, s.outHeight));
}

}  // namespace kern::nvdla
