// NVDLA PDP (planar data processor), INT8 pooling: max / min over the real input elements,
// average with programmable padding values and two 1.16 fixed-point reciprocal multiplies, each
// rounded half away from zero. Split mode (SPLIT_NUM > 0) pools the whole width in one pass,
// which reproduces NVDLA's split-mode max-pooling traces.
// Sources: ../shared/reference/nvdla-traces.md §4.5 (cmod/pdp/NV_NVDLA_pdp.cpp:1396-1687, RTL
// NV_NVDLA_PDP_CORE_cal2d.v), nvdla-open-source.md §1.5.
#pragma once
#include <array>
#include <cstdint>

namespace kern::nvdla {

enum class PoolMethod { Average, Max, Min };

struct PdpSettings {
  int inWidth = 1, inHeight = 1, channels = 1;
  int outWidth = 1, outHeight = 1;
  PoolMethod method = PoolMethod::Max;
  int kernelWidth = 1, kernelHeight = 1;  // 1..8
  int strideX = 1, strideY = 1;           // 1..16
  int padLeft = 0, padTop = 0;            // taps outside the input on any side are padding
  // PAD_VALUE_1X..7X: what n padded taps add to an average window's sum, already sign-extended
  // (the driver programs n * pad value). padValues[n-1] is used for n padded taps.
  std::array<int32_t, 7> padValues{};
  // Unsigned 1.16 fixed point (0x10000 = 1.0), as programmed: the driver's table is truncated
  // (floor(65536 / k)), so these are not exact reciprocals.
  uint32_t recipKernelWidth = 0x10000;
  uint32_t recipKernelHeight = 0x10000;
  // Not an NVDLA v1 setting: average windows divide by their real taps along each axis (ONNX
  // count_include_pad = 0, which TensorRT places on Orin's DLA), with the driver's reciprocals
  // of those counts (assumption: the same table) instead of recipKernelWidth / Height.
  bool realTapsOnly = false;
};

/// Where element (c, y, x) of a feature cube lies: c * channel + y * row + x * pixel.
struct CubeStrides {
  int64_t channel, row, pixel;
  static CubeStrides chw(int width, int height) { return {int64_t(width) * height, width, 1}; }
  static CubeStrides hwc(int width, int channels) {
    return {1, int64_t(width) * channels, channels};
  }
};

/// The driver's reciprocal of a kernel size, unsigned 1.16 fixed point, truncated:
/// floor(65536 / k) (sw kmd/firmware/pdp.c:72-80 for k = 1..8); 0 for k <= 0.
uint32_t pdpReciprocal(int64_t k);

/// What n padded taps add to an average window (n >= 1); beyond 7, n * PAD_VALUE_1X.
int32_t pdpPadContribution(const PdpSettings& s, int n);

/// Average pooling's final step: rna(rna(sum * recipW, 16) * recipH, 16), saturated to int8
/// (a no-op for reciprocals <= 1/k).
int8_t pdpAverage(int64_t sum, uint32_t recipKernelWidth, uint32_t recipKernelHeight);

/// in: channels x inHeight x inWidth int8 (CHW); out: channels x outHeight x outWidth int8.
/// A max / min window with no real input element yields the hardware's initial value (-128 for
/// max, 127 for min); a valid configuration never has one.
void pdp(const PdpSettings& s, const int8_t* in, int8_t* out);

/// The same on cubes in any layout (the executor's NHWC images).
void pdp(const PdpSettings& s, const int8_t* in, const CubeStrides& inStrides, int8_t* out,
         const CubeStrides& outStrides);

}  // namespace kern::nvdla
