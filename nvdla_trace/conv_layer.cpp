// Direct convolution from its registers (nvdla-traces.md §3-4.3): CDMA input and weights, CSC
// geometry and padding value, CACC truncate; the int32 result flows into SDP (flying mode).
#include <algorithm>

#include "kernels/nvdla/conv.h"
#include "kernels/nvdla/fixed_point.h"
#include "nvdla_trace/errors.h"
#include "nvdla_trace/layer_context.h"

namespace nvdla_trace {

namespace kn = kern::nvdla;

namespace {

void checkSupported(const LayerContext& ctx) {
  const auto& r = ctx.regs;
  if (r.field("CDMA", "D_DATAIN_FORMAT", "DATAIN_FORMAT") == 1)
    ctx.unsupported("image input (CDMA pixel formats) is not modelled", "CDMA", "D_DATAIN_FORMAT");
  for (const char* block : {"CDMA", "CSC"}) {
    if (r.field(block, "D_MISC_CFG", "CONV_MODE") == 1)
      ctx.unsupported("Winograd convolution is not modelled", block, "D_MISC_CFG");
    if (r.field(block, "D_MISC_CFG", "IN_PRECISION") != 0 ||
        r.field(block, "D_MISC_CFG", "PROC_PRECISION") != 0)
      ctx.unsupported("only INT8 convolution is modelled", block, "D_MISC_CFG");
    if (r.field(block, "D_BATCH_NUMBER", "BATCHES") != 0)
      ctx.unsupported("batched convolution is not modelled", block, "D_BATCH_NUMBER");
    if (r.field(block, "D_WEIGHT_FORMAT", "WEIGHT_FORMAT") != 0)
      ctx.unsupported("compressed weights are not modelled", block, "D_WEIGHT_FORMAT");
  }
  if (!r.opEnabled("SDP"))
    throw TraceError("the convolution's output needs SDP, but " + r.describe("SDP", "D_OP_ENABLE") +
                     " is not enabled");
  if (r.field("SDP", "D_FEATURE_MODE_CFG", "FLYING_MODE") != 1)
    throw TraceError(r.describe("SDP", "D_FEATURE_MODE_CFG") +
                     ": SDP reads memory, but a convolution is running (FLYING_MODE must be 1)");
}

kn::ConvSettings decodeConv(const LayerContext& ctx) {
  const auto& r = ctx.regs;
  kn::ConvSettings s;
  s.hw = ctx.hw;
  s.inWidth = ctx.size("CDMA", "D_DATAIN_SIZE_0", "DATAIN_WIDTH");
  s.inHeight = ctx.size("CDMA", "D_DATAIN_SIZE_0", "DATAIN_HEIGHT");
  s.inChannels = ctx.size("CDMA", "D_DATAIN_SIZE_1", "DATAIN_CHANNEL");
  s.outWidth = ctx.size("CSC", "D_DATAOUT_SIZE_0", "DATAOUT_WIDTH");
  s.outHeight = ctx.size("CSC", "D_DATAOUT_SIZE_0", "DATAOUT_HEIGHT");
  s.kernels = ctx.size("CDMA", "D_WEIGHT_SIZE_1", "WEIGHT_KERNEL");
  s.kernelWidth = ctx.size("CSC", "D_WEIGHT_SIZE_EXT_0", "WEIGHT_WIDTH_EXT");
  s.kernelHeight = ctx.size("CSC", "D_WEIGHT_SIZE_EXT_0", "WEIGHT_HEIGHT_EXT");
  s.strideX = ctx.size("CDMA", "D_CONV_STRIDE", "CONV_X_STRIDE");
  s.strideY = ctx.size("CDMA", "D_CONV_STRIDE", "CONV_Y_STRIDE");
  s.dilationX = ctx.size("CSC", "D_DILATION_EXT", "X_DILATION_EXT");
  s.dilationY = ctx.size("CSC", "D_DILATION_EXT", "Y_DILATION_EXT");
  s.padLeft = int(r.field("CSC", "D_ZERO_PADDING", "PAD_LEFT"));
  s.padTop = int(r.field("CSC", "D_ZERO_PADDING", "PAD_TOP"));
  // INT8 uses the low byte of the 16-bit pad value (cmod NV_NVDLA_csc.cpp:608, 765-775).
  s.padValue = int8_t(kn::signExtend(r.field("CSC", "D_ZERO_PADDING_VALUE", "PAD_VALUE"), 8));
  s.truncate = int(r.field("CACC", "D_CLIP_CFG", "CLIP_TRUNCATE"));
  if (r.field("CDMA", "D_CVT_CFG", "CVT_EN") == 1) {
    s.inputConverter.enabled = true;
    s.inputConverter.offset = int16_t(r.field("CDMA", "D_CVT_OFFSET", "CVT_OFFSET"));
    s.inputConverter.scale = int16_t(r.field("CDMA", "D_CVT_SCALE", "CVT_SCALE"));
    s.inputConverter.truncate = int(r.field("CDMA", "D_CVT_CFG", "CVT_TRUNCATE"));
  }

  // The same sizes are programmed into several units; disagreement means a broken trace.
  const int64_t taps = int64_t(s.kernelWidth) * s.kernelHeight * s.inChannels;
  ctx.requireEqual(s.inChannels, "CDMA", "D_DATAIN_SIZE_1",
                   ctx.size("CSC", "D_WEIGHT_SIZE_EXT_1", "WEIGHT_CHANNEL_EXT"), "CSC",
                   "D_WEIGHT_SIZE_EXT_1");
  ctx.requireEqual(s.kernels, "CDMA", "D_WEIGHT_SIZE_1",
                   ctx.size("CSC", "D_WEIGHT_SIZE_EXT_1", "WEIGHT_KERNEL"), "CSC",
                   "D_WEIGHT_SIZE_EXT_1");
  ctx.requireEqual(taps, "CSC", "D_WEIGHT_SIZE_EXT_0",
                   ctx.size("CDMA", "D_WEIGHT_SIZE_0", "BYTE_PER_KERNEL"), "CDMA",
                   "D_WEIGHT_SIZE_0");
  // WEIGHT_BYTES is the weight size rounded up (to 128 bytes in every nv_small trace).
  if (r.field("CDMA", "D_WEIGHT_BYTES", "WEIGHT_BYTES") < uint64_t(taps * s.kernels))
    throw TraceError("inconsistent sizes: " + r.describe("CDMA", "D_WEIGHT_BYTES") +
                     " is less than the " + std::to_string(taps * s.kernels) + " bytes of " +
                     std::to_string(s.kernels) + " kernels of " + std::to_string(taps) +
                     " weights");
  ctx.requireEqual(s.kernels, "CDMA", "D_WEIGHT_SIZE_1",
                   ctx.size("SDP", "D_DATA_CUBE_CHANNEL", "CHANNEL"), "SDP", "D_DATA_CUBE_CHANNEL");
  ctx.requireEqual(s.outWidth, "CSC", "D_DATAOUT_SIZE_0",
                   ctx.size("SDP", "D_DATA_CUBE_WIDTH", "WIDTH"), "SDP", "D_DATA_CUBE_WIDTH");
  ctx.requireEqual(s.outHeight, "CSC", "D_DATAOUT_SIZE_0",
                   ctx.size("SDP", "D_DATA_CUBE_HEIGHT", "HEIGHT"), "SDP", "D_DATA_CUBE_HEIGHT");

  ctx.checkCube("convolution input", s.inWidth, s.inHeight, s.inChannels);
  ctx.checkCube("convolution output", s.outWidth, s.outHeight, s.kernels);
  const uint64_t macs =
      uint64_t(taps) * uint64_t(s.kernels) * uint64_t(s.outWidth) * uint64_t(s.outHeight);
  const uint64_t paddedPlane =
      uint64_t((s.outWidth - 1) * s.strideX + (s.kernelWidth - 1) * s.dilationX + 1) *
      uint64_t((s.outHeight - 1) * s.strideY + (s.kernelHeight - 1) * s.dilationY + 1);
  if (macs > ctx.limits.maxMacs ||
      paddedPlane * uint64_t(s.inChannels) > ctx.limits.maxCubeElements)
    throw TraceError("convolution of " + std::to_string(macs) +
                     " multiply-adds exceeds the replayer's limit (" +
                     r.describe("CSC", "D_DATAOUT_SIZE_0") + ")");
  return s;
}

FeatureLayout inputLayout(const LayerContext& ctx, const kn::ConvSettings& s) {
  const auto& r = ctx.regs;
  FeatureLayout l;
  l.what = "convolution input (CDMA.D_DAIN_*)";
  l.base = r.address("CDMA", "D_DAIN_ADDR_HIGH_0", "D_DAIN_ADDR_LOW_0");
  l.lineStride = r.value("CDMA", "D_LINE_STRIDE");
  l.surfaceStride = r.value("CDMA", "D_SURF_STRIDE");
  l.width = s.inWidth;
  l.height = s.inHeight;
  l.channels = s.inChannels;
  l.atom = ctx.hw.atomBytes;
  // Line- and surface-packed 1x1 data is read as contiguous atoms (cmod NV_NVDLA_cdma.cpp:
  // 1065-1090).
  if (r.field("CDMA", "D_DAIN_MAP", "LINE_PACKED") == 1 &&
      r.field("CDMA", "D_DAIN_MAP", "SURF_PACKED") == 1 && s.inWidth == 1 && s.inHeight == 1)
    l.surfaceStride = uint64_t(l.atom);
  return l;
}

}  // namespace

void runConvolutionLayer(const LayerContext& ctx) {
  const auto& r = ctx.regs;
  checkSupported(ctx);
  const kn::ConvSettings s = decodeConv(ctx);
  const std::vector<int8_t> input = readFeature(ctx.memory, inputLayout(ctx, s), s.inChannels);
  const uint64_t weightBase = r.address("CDMA", "D_WEIGHT_ADDR_HIGH", "D_WEIGHT_ADDR_LOW");
  if (weightBase + uint64_t(r.field("CDMA", "D_WEIGHT_BYTES", "WEIGHT_BYTES")) >= kAddressLimit)
    throw TraceError(r.describe("CDMA", "D_WEIGHT_ADDR_LOW") +
                     ": weights reach beyond address 2^48");
  const std::vector<int8_t> weights =
      readConvWeights(ctx.memory, weightBase, s.kernels, s.inChannels, s.kernelHeight,
                      s.kernelWidth, ctx.hw.atomicK, ctx.hw.atomicC);

  // CACC output for the padded channels of the last surface is 0: SDP turns it into SDP(0),
  // which is part of the golden (nvdla-traces.md §2).
  const int atom = ctx.hw.atomBytes;
  const int padded = (s.kernels + atom - 1) / atom * atom;
  const int64_t plane = int64_t(s.outWidth) * s.outHeight;
  const SdpProgram sdp = decodeSdp(ctx, s.outWidth, s.outHeight, padded);
  std::vector<int8_t> out(size_t(padded * plane));
  ctx.units.convolutionSdp(s, input.data(), weights.data(), sdp.settings, out.data());
  emitSdpOutput(ctx, sdp, out);
}

}  // namespace nvdla_trace
