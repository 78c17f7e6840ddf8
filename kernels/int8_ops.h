// INT8 data movement and pooling for the integer pipeline, on NHWC int8 tensors (design §4):
// the reformats at DLA boundaries (float NCHW <-> int8 NHWC), pooling as NVDLA's PDP does it,
// channel concatenation, and two-operand point-wise programs with broadcasting. Kernels know
// nothing of the IR.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/int8_requant.h"

namespace kern::int8 {

/// The reformat into INT8: q = sat8(round_half_away(x / scale)) (kern::numeric::quantizeInt8),
/// from NCHW float to NHWC int8; scale <= 0 gives zeros.
void quantizeToNhwc(const float* x, int64_t n, int64_t c, int64_t h, int64_t w, float scale,
                    int8_t* y);
/// The reformat out of INT8: y = float(q) * scale (one FP32 rounding), NHWC int8 to NCHW float.
void dequantizeFromNhwc(const int8_t* q, int64_t n, int64_t c, int64_t h, int64_t w, float scale,
                        float* y);

/// 2-D pooling on NHWC int8: NVDLA's PDP (kernels/nvdla/pdp.h, nvdla::pdp) per image: max over the
/// real input taps; average = the sum of the real taps (padding adds 0, the symmetric INT8 pad
/// value), then two multiplications by the driver's truncated 1.16 reciprocals floor(65536/k)
/// of the kernel width and height, each rounded half away, saturated to int8. excludePadding
/// (ONNX count_include_pad = 0, allowed on Orin) divides by the real taps of the window along
/// each axis instead of the kernel size (assumption: the same reciprocal table). The output
/// keeps the input's scale (the PDP has no converter).
struct PoolInt8Params {
  bool average = false, excludePadding = false;
  int64_t batch = 1, channels = 1, inH = 1, inW = 1, outH = 1, outW = 1;
  int64_t kernelH = 1, kernelW = 1, strideH = 1, strideW = 1, padTop = 0, padLeft = 0;
};
void poolInt8(const PoolInt8Params& p, const int8_t* x, int8_t* y);

/// Concatenation along C of NHWC tensors with `pixels` pixels each: inputs[i] has channels[i].
void concatChannels(const std::vector<const int8_t*>& inputs, const std::vector<int64_t>& channels,
                    int64_t pixels, int8_t* y);

/// A binary program over broadcast operands: shapes are the physical (stored) shapes, each
/// right-aligned against outShape with size-1 dimensions broadcast.
void runBinary(const BinaryProgram& prog, const std::vector<int64_t>& aShape, const int8_t* a,
               const std::vector<int64_t>& bShape, const int8_t* b,
               const std::vector<int64_t>& outShape, int8_t* y);

}  // namespace kern::int8
