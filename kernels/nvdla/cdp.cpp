#include "kernels/nvdla/cdp.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/nvdla/fixed_point.h"

namespace kern::nvdla {

namespace {

// The C-model's LUT arithmetic helper: x / 2^shift in double precision, rounded half away from
// zero, clamped to 56 bits (cmod NV_NVDLA_cdp.cpp:1200-1265). A negative shift multiplies.
// Truncating here instead fails 16 of NVDLA's CDP traces.
int64_t scaleRound(double x, int shift) {
  double v = std::ldexp(x, -shift);
  double r = std::round(v);  // halves away from zero
  const double lim = std::ldexp(1.0, 55);
  r = std::clamp(r, -lim, lim - 1);
  return int64_t(r);
}

// value between two entries: T[i] + (T[i+1] - T[i]) * f / 2^16
int16_t interpolate(int16_t lo, int16_t hi, int64_t fraction16) {
  return int16_t(saturate(lo + scaleRound(double((int64_t(hi) - lo) * fraction16), 16), 16));
}

// The low `bits` bits of t as a 16-bit binary fraction of 2^bits.
int64_t fraction16(int64_t t, int bits) {
  if (bits <= 0) return 0;
  int64_t f = t & ((int64_t(1) << bits) - 1);
  return bits >= 16 ? f >> (bits - 16) : f << (16 - bits);
}

template <size_t N>
LutLookup outside(const std::array<int16_t, N>& table, const CdpLutRange& r, int64_t sum,
                  LutHit hit, int64_t underflowBase) {
  LutLookup l;
  l.hit = hit;
  if (hit == LutHit::Underflow)
    l.value = int16_t(saturate(
        table[0] +
            scaleRound(double(sum - r.start - underflowBase) * r.underflowScale, r.underflowShift),
        16));
  else
    l.value = int16_t(saturate(
        table[N - 1] + scaleRound(double(sum - r.end) * r.overflowScale, r.overflowShift), 16));
  return l;
}

template <size_t N>
LutLookup linearLookup(const std::array<int16_t, N>& table, const CdpLutRange& r, int select,
                       int64_t sum) {
  const int64_t t = sum - r.start;
  if (t <= 0) return outside(table, r, sum, LutHit::Underflow, 0);
  // A left shift (negative select) of a large t lands past the table: no need to compute it.
  const bool pastEnd = select < 0 && (select <= -31 || t > (int64_t(1) << (62 + select)));
  const int64_t idx = pastEnd ? int64_t(N) : select >= 0 ? t >> select : t << -select;
  if (idx < 0) return outside(table, r, sum, LutHit::Underflow, 0);
  if (idx >= int64_t(N - 1)) return outside(table, r, sum, LutHit::Overflow, 0);
  return {interpolate(table[idx], table[idx + 1], fraction16(t, select)), LutHit::Hit};
}

int floorLog2(int64_t t) {
  int e = 0;
  while (t > 1) t >>= 1, ++e;
  return e;
}

}  // namespace

LutLookup cdpLookupLe(const CdpLut& lut, int64_t sum) {
  if (lut.leLinear) return linearLookup(lut.le, lut.leRange, lut.leIndexSelect, sum);
  // Exponent index: the entry is floor(log2(sum - start)) - offset (cmod :1403-1454).
  const int64_t t = sum - lut.leRange.start;
  // The table starts at start + 2^offset; offsets beyond 62 leave every sum below it.
  const int64_t underflowBase =
      lut.leIndexOffset >= 0 ? int64_t(1) << std::min(lut.leIndexOffset, 62) : 0;
  if (t <= 0) return outside(lut.le, lut.leRange, sum, LutHit::Underflow, underflowBase);
  const int e = floorLog2(t);
  const int64_t idx = e - lut.leIndexOffset;
  if (idx < 0) return outside(lut.le, lut.leRange, sum, LutHit::Underflow, underflowBase);
  if (idx >= 64) return outside(lut.le, lut.leRange, sum, LutHit::Overflow, 0);
  return {interpolate(lut.le[idx], lut.le[idx + 1], fraction16(t - (int64_t(1) << e), e)),
          LutHit::Hit};
}

LutLookup cdpLookupLo(const CdpLut& lut, int64_t sum) {
  return linearLookup(lut.lo, lut.loRange, lut.loIndexSelect, sum);
}

int16_t cdpSelect(const CdpLut& lut, const LutLookup& le, const LutLookup& lo) {
  bool useLo;
  if (le.hit == LutHit::Underflow && lo.hit == LutHit::Underflow)
    useLo = lut.underflowPrefersLo;
  else if (le.hit == LutHit::Overflow && lo.hit == LutHit::Overflow)
    useLo = lut.overflowPrefersLo;
  else if ((le.hit == LutHit::Hit) != (lo.hit == LutHit::Hit))
    useLo = lo.hit == LutHit::Hit;
  else
    useLo = lut.hybridPrefersLo;  // both hit, or one underflow and one overflow
  return useLo ? lo.value : le.value;
}

void cdp(const CdpSettings& s, const int8_t* in, int8_t* out, int outChannels) {
  const int64_t plane = int64_t(s.width) * s.height;
  const int half = (s.normalizationLength & 3) + 1;
  // Converted input, 9 bits (cdp_icvt.cpp:36-49); channels outside [0, channels) read the offset
  // byte, which converts to 0.
  std::vector<int16_t> v(int64_t(outChannels) * plane, 0);
  for (int c = 0; c < std::min(s.channels, outChannels); ++c)
    for (int64_t i = 0; i < plane; ++i) {
      int64_t x = (int64_t(in[c * plane + i]) - s.inOffset) * s.inScale;
      v[c * plane + i] = int16_t(saturate(roundShiftHalfAway(x, s.inShift & 31), 9));
    }
  const int64_t outOffset = signExtend(uint32_t(s.outOffset), 25);
  for (int c = 0; c < outChannels; ++c)
    for (int64_t i = 0; i < plane; ++i) {
      const int64_t vc = v[c * plane + i];
      int64_t sum = vc;
      if (!s.squareSumBypass) {
        sum = 0;
        for (int j = std::max(0, c - half); j <= std::min(outChannels - 1, c + half); ++j)
          sum += int64_t(v[j * plane + i]) * v[j * plane + i];
      }
      const int16_t lut = cdpSelect(s.lut, cdpLookupLe(s.lut, sum), cdpLookupLo(s.lut, sum));
      const int64_t r = s.mulBypass ? lut : lut * vc;  // exact in 25 bits
      const int64_t y = roundShiftHalfAway((r - outOffset) * s.outScale, s.outShift & 63);
      out[c * plane + i] = int8_t(saturate(y, 8));
    }
}

}  // namespace kern::nvdla
