// Exact integer convolution for the INT8 pipeline: int8 activations (NHWC) times int8 weights,
// summed exactly into int32 accumulators (NHWC), as NVDLA's CMAC/CACC do (design §4). Kernels
// know nothing of the IR.
//
// Fast path: oneDNN's u8 x s8 -> s32 convolution. On CPUs without VNNI it multiplies with
// vpmaddubsw, which adds two u8 x s8 products into a saturating int16; that is exact when the
// u8 values are at most 128 and the weights in [-128, 127] (|pair| <= 32768 = 2 * 128 * 128 with
// the -32768 end only reached by two 128 x -128 products). So oneDNN is given the int8 data
// as u8 when it has no negative value, and otherwise the split x = x+ - x- as 2C u8 channels
// (x+ = max(x, 0), x- = max(-x, 0), both <= 128) with weights [w, -w]. oneDNN's int32
// accumulator is exact while no sum can pass 2^31: it is used only when, for every output
// channel, 128 * sum |w| < 2^31. Otherwise the plain loops run (kernels/nvdla/conv.h:
// NVDLA's 34-bit saturating accumulation in the hardware's order, CACC truncate 0), which are
// also the reference the tests compare against.
#pragma once
#include <cstdint>
#include <memory>

#include "kernels/conv.h"

namespace kern::int8 {

/// Per-output-channel symmetric quantisation of convolution weights [K, per]: scale_k =
/// max|w_k| / 127 (FP32), q = sat8(round_half_away(w / scale_k)), so q is in [-127, 127]; an
/// all-zero channel gets scale 0 and q = 0.
void quantizeWeights(const float* w, int64_t channels, int64_t per, int8_t* q, float* scales);

/// Quantisation with given per-output-channel scales (a Q/DQ model's own): q = sat8(rna(w /
/// scale_k)) for channel k of `channels` (each `per` values long); a scale <= 0 gives 0.
void quantizeWithScales(const float* w, int64_t channels, int64_t per, const float* scales,
                        int8_t* q);

/// The same for deconvolution weights [C, K/group, kH, kW] (ONNX layout), whose output
/// channel of element (c, j) is (c / (C/group)) * (K/group) + j; scales has K entries.
void quantizeDeconvWeights(const ConvParams& p, const float* w, int8_t* q, float* scales);

struct ConvInt8Plan;
/// w: [K, C/group, kH, kW] int8 (ONNX layout), copied. Two spatial dimensions (p.spatialRank
/// 2, or 1 with a unit leading dimension).
std::shared_ptr<ConvInt8Plan> prepareConvInt8(const ConvParams& p, const int8_t* w);
/// x: NHWC int8; acc: NHWC int32 (batch, out H, out W, K).
void executeConvInt8(const ConvInt8Plan& plan, const int8_t* x, int32_t* acc);
/// Whether the plan runs oneDNN (false: the sums could exceed int32, or oneDNN refused).
bool convInt8UsesOnednn(const ConvInt8Plan& plan);

/// The plain reference: NVDLA's convolution (kern::nvdla::convInt8) per image and group.
void convInt8Reference(const ConvParams& p, const int8_t* x, const int8_t* w, int32_t* acc);

/// Transposed convolution, plain loops: x NHWC int8, w [C, K/group, kH, kW] int8, acc NHWC
/// int32. Sums are exact in 64 bits, then saturated to 34 and 32 bits (the order-dependent
/// saturation of the hardware is not modelled here: reaching it needs > 2^19 products).
void deconvInt8(const ConvParams& p, const int8_t* x, const int8_t* w, int32_t* acc);

}  // namespace kern::int8
