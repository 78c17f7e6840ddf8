// NVDLA CDP (channel data processor), INT8 local response normalisation: input converter,
// sum of squares over 3/5/7/9 neighbouring channels, two interpolating lookup tables (LE: 65
// entries, exponent or linear index; LO: 257 entries, linear), multiply by the input, output
// converter. Sources: ../shared/reference/nvdla-traces.md §4.6 (cmod/cdp/NV_NVDLA_cdp.cpp:
// 1269-1621, cmod/hls/cdp_libs/cdp_icvt.cpp, cdp_ocvt.cpp), nvdla-open-source.md §1.6.
#pragma once
#include <array>
#include <cstdint>

namespace kern::nvdla {

/// One table's range and the slopes used outside it.
struct CdpLutRange {
  int64_t start = 0, end = 0;  // 38-bit signed (S_LUT_*_START/END HIGH[5:0]:LOW[31:0])
  int16_t underflowScale = 0, overflowScale = 0;
  int underflowShift = 0, overflowShift = 0;  // 5-bit signed: negative shifts left
};

struct CdpLut {
  std::array<int16_t, 65> le{};   // LE ("raw") table
  std::array<int16_t, 257> lo{};  // LO ("density") table
  bool leLinear = false;          // LUT_LE_FUNCTION: 0 = exponent index, 1 = linear index
  int leIndexOffset = 0;          // int8: exponent mode's first exponent
  int leIndexSelect = 0, loIndexSelect = 0;  // linear index shift, 6-bit signed
  CdpLutRange leRange, loRange;
  // Which table wins: both underflow / both overflow / any other mixed case (false = LE).
  bool underflowPrefersLo = false, overflowPrefersLo = false, hybridPrefersLo = false;
};

enum class LutHit { Hit, Underflow, Overflow };

struct LutLookup {
  int16_t value = 0;
  LutHit hit = LutHit::Hit;
};

struct CdpSettings {
  int width = 1, height = 1, channels = 1;
  int normalizationLength = 0;  // D_LRN_CFG.NORMALZ_LEN: 0..3 -> 3, 5, 7, 9 channels
  bool squareSumBypass = false;
  bool mulBypass = false;
  int8_t inOffset = 0;  // D_DATIN_OFFSET: only the low 8 bits are used for INT8
  int16_t inScale = 1;
  int inShift = 0;        // 5 bits
  int32_t outOffset = 0;  // D_DATOUT_OFFSET: used as 25 bits
  int16_t outScale = 1;
  int outShift = 0;  // 6 bits
  CdpLut lut;
};

/// The two lookups for one sum and the priority selection between them.
LutLookup cdpLookupLe(const CdpLut& lut, int64_t sum);
LutLookup cdpLookupLo(const CdpLut& lut, int64_t sum);
int16_t cdpSelect(const CdpLut& lut, const LutLookup& le, const LutLookup& lo);

/// in: channels x height x width int8 (CHW). out: outChannels x height x width int8, where
/// outChannels >= channels: channels at or beyond `channels` are computed as if their input were
/// outside the cube (the hardware writes whole memory atoms, padding channels included).
void cdp(const CdpSettings& s, const int8_t* in, int8_t* out, int outChannels);

inline void cdp(const CdpSettings& s, const int8_t* in, int8_t* out) {
  cdp(s, in, out, s.channels);
}

}  // namespace kern::nvdla
