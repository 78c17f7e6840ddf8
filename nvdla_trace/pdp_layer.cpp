// PDP from its registers (nvdla-traces.md §4.5): pooling method, kernel, strides, padding,
// padding values and reciprocals; input from PDP_RDMA (memory) or from SDP on the fly.
#include "kernels/nvdla/fixed_point.h"
#include "nvdla_trace/errors.h"
#include "nvdla_trace/layer_context.h"

namespace nvdla_trace {

namespace kn = kern::nvdla;

kn::PdpSettings decodePdp(const LayerContext& ctx) {
  const auto& r = ctx.regs;
  if (r.field("PDP", "D_DATA_FORMAT", "INPUT_DATA") != 0)
    ctx.unsupported("only INT8 pooling is modelled", "PDP", "D_DATA_FORMAT");
  kn::PdpSettings s;
  s.inWidth = ctx.size("PDP", "D_DATA_CUBE_IN_WIDTH", "CUBE_IN_WIDTH");
  s.inHeight = ctx.size("PDP", "D_DATA_CUBE_IN_HEIGHT", "CUBE_IN_HEIGHT");
  s.channels = ctx.size("PDP", "D_DATA_CUBE_IN_CHANNEL", "CUBE_IN_CHANNEL");
  s.outWidth = ctx.size("PDP", "D_DATA_CUBE_OUT_WIDTH", "CUBE_OUT_WIDTH");
  s.outHeight = ctx.size("PDP", "D_DATA_CUBE_OUT_HEIGHT", "CUBE_OUT_HEIGHT");
  ctx.requireEqual(ctx.size("PDP", "D_DATA_CUBE_OUT_CHANNEL", "CUBE_OUT_CHANNEL"), "PDP",
                   "D_DATA_CUBE_OUT_CHANNEL", s.channels, "PDP", "D_DATA_CUBE_IN_CHANNEL");
  ctx.checkCube("PDP input cube", s.inWidth, s.inHeight, s.channels);
  ctx.checkCube("PDP output cube", s.outWidth, s.outHeight, s.channels);

  const uint32_t method = r.field("PDP", "D_OPERATION_MODE_CFG", "POOLING_METHOD");
  if (method > 2)
    throw TraceError(r.describe("PDP", "D_OPERATION_MODE_CFG") + ": POOLING_METHOD " +
                     std::to_string(method) + " is not AVE, MAX or MIN");
  s.method = method == 0   ? kn::PoolMethod::Average
             : method == 1 ? kn::PoolMethod::Max
                           : kn::PoolMethod::Min;
  // SPLIT_NUM > 0 (split mode) pools the whole width in one pass here; the split changes only the
  // hardware's schedule for the two split traces (nvdla-traces.md §4.5).
  s.kernelWidth = ctx.size("PDP", "D_POOLING_KERNEL_CFG", "KERNEL_WIDTH");
  s.kernelHeight = ctx.size("PDP", "D_POOLING_KERNEL_CFG", "KERNEL_HEIGHT");
  s.strideX = ctx.size("PDP", "D_POOLING_KERNEL_CFG", "KERNEL_STRIDE_WIDTH");
  s.strideY = ctx.size("PDP", "D_POOLING_KERNEL_CFG", "KERNEL_STRIDE_HEIGHT");
  s.padLeft = int(r.field("PDP", "D_POOLING_PADDING_CFG", "PAD_LEFT"));
  s.padTop = int(r.field("PDP", "D_POOLING_PADDING_CFG", "PAD_TOP"));
  if (s.method == kn::PoolMethod::Average) {
    // PAD_VALUE_nX is sign-extended from bit 7, 8, 9, 9, 10, 10, 10 (cmod
    // NV_NVDLA_pdp.cpp:481-487).
    static const int kSignBits[7] = {8, 9, 10, 10, 11, 11, 11};
    for (int n = 1; n <= 7; ++n) {
      const std::string reg = "D_POOLING_PADDING_VALUE_" + std::to_string(n) + "_CFG";
      s.padValues[size_t(n - 1)] = int32_t(kn::signExtend(
          r.field("PDP", reg, "PAD_VALUE_" + std::to_string(n) + "X"), kSignBits[n - 1]));
    }
    s.recipKernelWidth = r.field("PDP", "D_RECIP_KERNEL_WIDTH", "RECIP_KERNEL_WIDTH");
    s.recipKernelHeight = r.field("PDP", "D_RECIP_KERNEL_HEIGHT", "RECIP_KERNEL_HEIGHT");
  }
  return s;
}

void runPdpOn(const LayerContext& ctx, const kn::PdpSettings& s, const std::vector<int8_t>& input) {
  const auto& r = ctx.regs;
  FeatureLayout out;
  out.what = "PDP output (PDP.D_DST_*)";
  out.base = r.address("PDP", "D_DST_BASE_ADDR_HIGH", "D_DST_BASE_ADDR_LOW");
  out.lineStride = r.value("PDP", "D_DST_LINE_STRIDE");
  out.surfaceStride = r.value("PDP", "D_DST_SURFACE_STRIDE");
  out.width = s.outWidth;
  out.height = s.outHeight;
  out.channels = s.channels;
  out.atom = ctx.hw.atomBytes;
  // Padding channels are pooled like the others (nvdla-traces.md §2).
  kn::PdpSettings padded = s;
  padded.channels = out.paddedChannels();
  std::vector<int8_t> result(size_t(int64_t(padded.channels) * s.outWidth * s.outHeight));
  ctx.units.pdp(padded, input.data(), result.data());
  writeFeature(ctx.memory, out, result.data(), padded.channels);
}

void runPdpLayer(const LayerContext& ctx) {
  const auto& r = ctx.regs;
  if (r.field("PDP", "D_OPERATION_MODE_CFG", "FLYING_MODE") == 0)
    throw TraceError(r.describe("PDP", "D_OPERATION_MODE_CFG") +
                     ": PDP takes its input from SDP on the fly, but SDP is not enabled");
  const kn::PdpSettings s = decodePdp(ctx);
  ctx.requireEqual(s.inWidth, "PDP", "D_DATA_CUBE_IN_WIDTH",
                   ctx.size("PDP_RDMA", "D_DATA_CUBE_IN_WIDTH", "CUBE_IN_WIDTH"), "PDP_RDMA",
                   "D_DATA_CUBE_IN_WIDTH");
  ctx.requireEqual(s.inHeight, "PDP", "D_DATA_CUBE_IN_HEIGHT",
                   ctx.size("PDP_RDMA", "D_DATA_CUBE_IN_HEIGHT", "CUBE_IN_HEIGHT"), "PDP_RDMA",
                   "D_DATA_CUBE_IN_HEIGHT");
  ctx.requireEqual(s.channels, "PDP", "D_DATA_CUBE_IN_CHANNEL",
                   ctx.size("PDP_RDMA", "D_DATA_CUBE_IN_CHANNEL", "CUBE_IN_CHANNEL"), "PDP_RDMA",
                   "D_DATA_CUBE_IN_CHANNEL");
  // The source is PDP_RDMA's: PDP's own D_SRC_* copies can differ (nvdla-traces.md §3).
  FeatureLayout in;
  in.what = "PDP input (PDP_RDMA.D_SRC_*)";
  in.base = r.address("PDP_RDMA", "D_SRC_BASE_ADDR_HIGH", "D_SRC_BASE_ADDR_LOW");
  in.lineStride = r.value("PDP_RDMA", "D_SRC_LINE_STRIDE");
  in.surfaceStride = r.value("PDP_RDMA", "D_SRC_SURFACE_STRIDE");
  in.width = s.inWidth;
  in.height = s.inHeight;
  in.channels = s.channels;
  in.atom = ctx.hw.atomBytes;
  runPdpOn(ctx, s, readFeature(ctx.memory, in, in.paddedChannels()));
}

}  // namespace nvdla_trace
