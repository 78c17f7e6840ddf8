// SDP from its registers (nvdla-traces.md §3 "SDP per-element operands", §4.4): the BS and BN
// stages with register or memory operands, the output converter, and the output to memory or
// PDP. Fields of bypassed stages and disabled DMAs are random in NVDLA's traces and never read.
#include "kernels/nvdla/fixed_point.h"
#include "nvdla_trace/errors.h"
#include "nvdla_trace/layer_context.h"

namespace nvdla_trace {

namespace kn = kern::nvdla;

namespace {

// One SDP_RDMA operand stream (BRDMA for BS, NRDMA for BN): which operand it feeds and where.
struct OperandDma {
  std::string cfgReg, prefix;  // "D_BRDMA_CFG", "BRDMA"; address registers D_BS_* / D_BN_*
  std::string addressPrefix;   // "BS" / "BN"
};

enum class DataUse { Mul = 0, Alu = 1, Both = 2 };

std::vector<int16_t> readOperands(const LayerContext& ctx, const OperandDma& dma, int width,
                                  int height, int channels) {
  const auto& r = ctx.regs;
  const std::string cfg = dma.cfgReg, p = dma.prefix, a = dma.addressPrefix;
  if (r.field("SDP_RDMA", cfg, p + "_DATA_SIZE") != 0)
    ctx.unsupported("two-byte SDP operands (DATA_SIZE=2 bytes) are not exercised by any trace",
                    "SDP_RDMA", cfg);
  const uint64_t base =
      r.address("SDP_RDMA", "D_" + a + "_BASE_ADDR_HIGH", "D_" + a + "_BASE_ADDR_LOW");
  std::vector<int16_t> ops;
  if (r.field("SDP_RDMA", cfg, p + "_DATA_MODE") == 0) {
    // PER_KERNEL: one contiguous block of one value per (padded) channel, strides unused
    // (cmod NV_NVDLA_sdp.cpp:448-475). Follows the C-model; no nv_small trace uses it.
    if (base + uint64_t(channels) >= kAddressLimit)
      throw TraceError(r.describe("SDP_RDMA", "D_" + a + "_BASE_ADDR_LOW") + ": beyond 2^48");
    for (int c = 0; c < channels; ++c) ops.push_back(int8_t(ctx.memory.read(base + uint64_t(c))));
    return ops;
  }
  FeatureLayout l;
  l.what = "SDP " + a + " operands (SDP_RDMA.D_" + a + "_*)";
  l.base = base;
  l.lineStride = r.value("SDP_RDMA", "D_" + a + "_LINE_STRIDE");
  l.surfaceStride = r.value("SDP_RDMA", "D_" + a + "_SURFACE_STRIDE");
  l.width = width;
  l.height = height;
  l.channels = channels;
  l.atom = ctx.hw.atomBytes;
  // One byte per element, sign-extended to the 16-bit operand (NV_NVDLA_sdp.cpp:1934-1944).
  std::vector<int8_t> bytes = readFeature(ctx.memory, l, channels);
  ops.assign(bytes.begin(), bytes.end());
  return ops;
}

kn::SdpStage decodeStage(const LayerContext& ctx, const std::string& x, const OperandDma& dma,
                         int width, int height, int channels, std::vector<int16_t>& aluData,
                         std::vector<int16_t>& mulData) {
  const auto& r = ctx.regs;
  const std::string cfg = "D_DP_" + x + "_CFG";
  kn::SdpStage st;
  st.bypass = r.field("SDP", cfg, x + "_BYPASS") == 1;
  if (st.bypass) return st;
  st.aluBypass = r.field("SDP", cfg, x + "_ALU_BYPASS") == 1;
  st.mulBypass = r.field("SDP", cfg, x + "_MUL_BYPASS") == 1;
  st.reluBypass = r.field("SDP", cfg, x + "_RELU_BYPASS") == 1;
  st.prelu = !st.mulBypass && r.field("SDP", cfg, x + "_MUL_PRELU") == 1;
  // The truncate shift applies even with the multiplier bypassed (see kernels/nvdla/sdp.cpp).
  st.mulShift = int(r.field("SDP", "D_DP_" + x + "_MUL_CFG", x + "_MUL_SHIFT_VALUE"));
  const bool aluFromMemory =
      !st.aluBypass && r.field("SDP", "D_DP_" + x + "_ALU_CFG", x + "_ALU_SRC") == 1;
  const bool mulFromMemory =
      !st.mulBypass && r.field("SDP", "D_DP_" + x + "_MUL_CFG", x + "_MUL_SRC") == 1;
  if (!st.aluBypass) {
    const uint32_t algo = r.field("SDP", cfg, x + "_ALU_ALGO");
    if (algo > 2)
      throw TraceError(r.describe("SDP", cfg) + ": ALU_ALGO " + std::to_string(algo) +
                       " is not MAX, MIN or SUM");
    st.aluAlgo = algo == 0   ? kn::SdpAluAlgo::Max
                 : algo == 1 ? kn::SdpAluAlgo::Min
                             : kn::SdpAluAlgo::Sum;
    st.aluShift = int(r.field("SDP", "D_DP_" + x + "_ALU_CFG", x + "_ALU_SHIFT_VALUE"));
    st.aluOperand.value =
        int16_t(r.field("SDP", "D_DP_" + x + "_ALU_SRC_VALUE", x + "_ALU_OPERAND"));
  }
  if (!st.mulBypass)
    st.mulOperand.value =
        int16_t(r.field("SDP", "D_DP_" + x + "_MUL_SRC_VALUE", x + "_MUL_OPERAND"));
  if (!aluFromMemory && !mulFromMemory) return st;

  const std::string dcfg = dma.cfgReg;
  if (r.field("SDP_RDMA", dcfg, dma.prefix + "_DISABLE") == 1)
    throw TraceError(
        r.describe("SDP", aluFromMemory ? "D_DP_" + x + "_ALU_CFG" : "D_DP_" + x + "_MUL_CFG") +
        ": operand from memory but " + r.describe("SDP_RDMA", dcfg) + " disables its DMA");
  const auto use = DataUse(r.field("SDP_RDMA", dcfg, dma.prefix + "_DATA_USE"));
  if (aluFromMemory && mulFromMemory)
    ctx.unsupported(
        "SDP operands for both ALU and MUL from memory (DATA_USE=BOTH) are not exercised by any "
        "trace",
        "SDP_RDMA", dcfg);
  if ((aluFromMemory && use != DataUse::Alu) || (mulFromMemory && use != DataUse::Mul))
    throw TraceError(r.describe("SDP_RDMA", dcfg) + ": DATA_USE does not match the " + x +
                     (aluFromMemory ? " ALU" : " MUL") + " operand taken from memory");
  std::vector<int16_t>& data = aluFromMemory ? aluData : mulData;
  data = readOperands(ctx, dma, width, height, channels);
  const bool perElement = r.field("SDP_RDMA", dcfg, dma.prefix + "_DATA_MODE") == 1;
  kn::SdpOperand& op = aluFromMemory ? st.aluOperand : st.mulOperand;
  op.source = perElement ? kn::SdpOperandSource::PerElement : kn::SdpOperandSource::PerChannel;
  op.data = data.data();
  return st;
}

}  // namespace

SdpProgram decodeSdp(const LayerContext& ctx, int width, int height, int channels) {
  const auto& r = ctx.regs;
  if (r.field("SDP", "D_DATA_FORMAT", "PROC_PRECISION") != 0 ||
      r.field("SDP", "D_DATA_FORMAT", "OUT_PRECISION") != 0)
    ctx.unsupported("only INT8 SDP processing and output are modelled", "SDP", "D_DATA_FORMAT");
  if (r.field("SDP", "D_FEATURE_MODE_CFG", "WINOGRAD") == 1)
    ctx.unsupported("Winograd output mode is not modelled", "SDP", "D_FEATURE_MODE_CFG");
  if (r.field("SDP", "D_FEATURE_MODE_CFG", "BATCH_NUMBER") != 0)
    ctx.unsupported("batched SDP is not modelled", "SDP", "D_FEATURE_MODE_CFG");
  if (r.field("SDP", "D_DP_EW_CFG", "EW_BYPASS") == 0)
    ctx.unsupported("the SDP EW (Y) stage (ALU / MUL / LUT) is not modelled", "SDP", "D_DP_EW_CFG");

  SdpProgram p;
  kn::SdpSettings& s = p.settings;
  s.width = width;
  s.height = height;
  s.channels = channels;
  s.bs = decodeStage(ctx, "BS", {"D_BRDMA_CFG", "BRDMA", "BS"}, width, height, channels, p.bsAlu,
                     p.bsMul);
  s.bn = decodeStage(ctx, "BN", {"D_NRDMA_CFG", "NRDMA", "BN"}, width, height, channels, p.bnAlu,
                     p.bnMul);
  s.cvt.offset = int32_t(r.field("SDP", "D_CVT_OFFSET", "CVT_OFFSET"));
  s.cvt.scale = int16_t(r.field("SDP", "D_CVT_SCALE", "CVT_SCALE"));
  s.cvt.shift = int(r.field("SDP", "D_CVT_SHIFT", "CVT_SHIFT"));

  p.toPdp = r.field("SDP", "D_FEATURE_MODE_CFG", "OUTPUT_DST") == 1;
  FeatureLayout& o = p.output;
  o.what = "SDP output (SDP.D_DST_*)";
  o.base = r.address("SDP", "D_DST_BASE_ADDR_HIGH", "D_DST_BASE_ADDR_LOW");
  o.lineStride = r.value("SDP", "D_DST_LINE_STRIDE");
  o.surfaceStride = r.value("SDP", "D_DST_SURFACE_STRIDE");
  o.width = width;
  o.height = height;
  o.channels = channels;
  o.atom = ctx.hw.atomBytes;
  return p;
}

void emitSdpOutput(const LayerContext& ctx, const SdpProgram& sdp, const std::vector<int8_t>& out) {
  if (!sdp.toPdp) {
    writeFeature(ctx.memory, sdp.output, out.data(), sdp.settings.channels);
    return;
  }
  const auto& r = ctx.regs;
  if (!r.opEnabled("PDP"))
    throw TraceError(r.describe("SDP", "D_FEATURE_MODE_CFG") + ": output goes to PDP, but " +
                     r.describe("PDP", "D_OP_ENABLE") + " is not enabled");
  if (r.field("PDP", "D_OPERATION_MODE_CFG", "FLYING_MODE") == 1)
    throw TraceError(r.describe("PDP", "D_OPERATION_MODE_CFG") +
                     ": PDP reads memory, but SDP sends its output to PDP");
  const kn::PdpSettings pdp = decodePdp(ctx);
  ctx.requireEqual(pdp.inWidth, "PDP", "D_DATA_CUBE_IN_WIDTH", sdp.settings.width, "SDP",
                   "D_DATA_CUBE_WIDTH");
  ctx.requireEqual(pdp.inHeight, "PDP", "D_DATA_CUBE_IN_HEIGHT", sdp.settings.height, "SDP",
                   "D_DATA_CUBE_HEIGHT");
  const int pdpChannels =
      (pdp.channels + ctx.hw.atomBytes - 1) / ctx.hw.atomBytes * ctx.hw.atomBytes;
  ctx.requireEqual(pdpChannels, "PDP", "D_DATA_CUBE_IN_CHANNEL", sdp.settings.channels, "SDP",
                   "D_DATA_CUBE_CHANNEL");
  runPdpOn(ctx, pdp, out);
}

void runSdpLayer(const LayerContext& ctx) {
  const auto& r = ctx.regs;
  if (r.field("SDP", "D_FEATURE_MODE_CFG", "FLYING_MODE") == 1)
    throw TraceError(
        r.describe("SDP", "D_FEATURE_MODE_CFG") +
        ": SDP takes its input from the convolution pipeline, but CDMA is not enabled");
  if (r.field("SDP_RDMA", "D_FEATURE_MODE_CFG", "IN_PRECISION") != 0)
    ctx.unsupported("only INT8 SDP input is modelled", "SDP_RDMA", "D_FEATURE_MODE_CFG");
  const int w = ctx.size("SDP", "D_DATA_CUBE_WIDTH", "WIDTH");
  const int h = ctx.size("SDP", "D_DATA_CUBE_HEIGHT", "HEIGHT");
  const int c = ctx.size("SDP", "D_DATA_CUBE_CHANNEL", "CHANNEL");
  ctx.requireEqual(w, "SDP", "D_DATA_CUBE_WIDTH",
                   ctx.size("SDP_RDMA", "D_DATA_CUBE_WIDTH", "WIDTH"), "SDP_RDMA",
                   "D_DATA_CUBE_WIDTH");
  ctx.requireEqual(h, "SDP", "D_DATA_CUBE_HEIGHT",
                   ctx.size("SDP_RDMA", "D_DATA_CUBE_HEIGHT", "HEIGHT"), "SDP_RDMA",
                   "D_DATA_CUBE_HEIGHT");
  ctx.requireEqual(c, "SDP", "D_DATA_CUBE_CHANNEL",
                   ctx.size("SDP_RDMA", "D_DATA_CUBE_CHANNEL", "CHANNEL"), "SDP_RDMA",
                   "D_DATA_CUBE_CHANNEL");
  ctx.checkCube("SDP cube", w, h, c);
  FeatureLayout in;
  in.what = "SDP input (SDP_RDMA.D_SRC_*)";
  in.base = r.address("SDP_RDMA", "D_SRC_BASE_ADDR_HIGH", "D_SRC_BASE_ADDR_LOW");
  in.lineStride = r.value("SDP_RDMA", "D_SRC_LINE_STRIDE");
  in.surfaceStride = r.value("SDP_RDMA", "D_SRC_SURFACE_STRIDE");
  in.width = w;
  in.height = h;
  in.channels = c;
  in.atom = ctx.hw.atomBytes;
  // The padding channels of the last surface go through the same arithmetic (nvdla-traces.md §2).
  const int padded = in.paddedChannels();
  const std::vector<int8_t> data = readFeature(ctx.memory, in, padded);
  const SdpProgram sdp = decodeSdp(ctx, w, h, padded);
  std::vector<int8_t> out(data.size());
  ctx.units.sdp(sdp.settings, data.data(), out.data());
  emitSdpOutput(ctx, sdp, out);
}

}  // namespace nvdla_trace
