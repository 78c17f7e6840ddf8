// NVDLA direct convolution, INT8: CDMA (optional input converter), CSC (padding value,
// dilation, strides), CMAC (exact int8 x int8 products, per-atom partial sums) and CACC
// (saturating accumulation, truncate shift with half-away rounding, int32 saturation).
// Sources: ../shared/reference/nvdla-traces.md §4.1-4.3, nvdla-open-source.md §1.2-1.3.
#pragma once
#include <cstdint>

#include "kernels/nvdla/hw_config.h"

namespace kern::nvdla {

/// CDMA's input data converter (D_CVT_CFG/OFFSET/SCALE): x' = sat8(rna((x - offset) * scale,
/// truncate)), applied to input data before padding (cmod/cdma/NV_NVDLA_cdma.cpp:3908-3975).
/// Follows the C-model; no trace confirms it (the only trace using it saturates downstream).
struct ConvInputConverter {
  bool enabled = false;
  int16_t offset = 0;
  int16_t scale = 1;
  int truncate = 0;  // 6-bit field, 0..63
};

struct ConvSettings {
  HwConfig hw;  // atomicC sets the CMAC partial-sum grouping (only visible when CACC saturates)
  int inWidth = 1, inHeight = 1, inChannels = 1;
  int outWidth = 1, outHeight = 1, kernels = 1;
  int kernelWidth = 1, kernelHeight = 1;
  int strideX = 1, strideY = 1;
  int dilationX = 1, dilationY = 1;
  // CSC holds only the left/top pads: a tap reads input (out*stride + k*dilation - pad) and every
  // coordinate outside the input, on any side, reads padValue.
  int padLeft = 0, padTop = 0;
  int8_t padValue = 0;  // CSC D_ZERO_PADDING_VALUE[7:0]
  int truncate = 0;     // CACC D_CLIP_CFG.CLIP_TRUNCATE, 0..31
  ConvInputConverter inputConverter;
};

/// Width of NVDLA's INT8 accumulator. The RTL saturates every partial sum to 34 bits
/// (vmod/nvdla/cacc/NV_NVDLA_CACC_CALC_int8.v:109,121-141); the C-model uses 48 bits
/// (cmod/cacc/NV_NVDLA_cacc.cpp:29-30). We follow the RTL, the hardware that ships.
constexpr int kCaccAccumulatorBits = 34;

/// CACC's output step: sat32(rna(acc, truncate)).
int32_t caccOutput(int64_t acc, int truncate);

/// Direct convolution of one image.
///  in:  inChannels x inHeight x inWidth int8, planar (CHW)
///  w:   kernels x inChannels x kernelHeight x kernelWidth int8 (ONNX's KCRS)
///  out: kernels x outHeight x outWidth int32, the CACC output that SDP receives
/// The accumulation order is the hardware's (per output: channel blocks of atomicC, then kernel
/// row, then kernel column; each block's exact partial sum added with 34-bit saturation). When the
/// sum cannot reach 2^33 the order is irrelevant and a faster exact loop runs instead.
void convInt8(const ConvSettings& s, const int8_t* in, const int8_t* w, int32_t* out);

}  // namespace kern::nvdla
