// CDP (LRN) from its registers (nvdla-traces.md §4.6): cube and source from CDP_RDMA, converters,
// window length, LUTs (streamed through S_LUT_ACCESS_DATA), output to CDP.D_DST_*.
#include "kernels/nvdla/cdp.h"
#include "kernels/nvdla/fixed_point.h"
#include "nvdla_trace/errors.h"
#include "nvdla_trace/layer_context.h"

namespace nvdla_trace {

namespace kn = kern::nvdla;

namespace {

int64_t address38(const RegisterFile& r, const std::string& which) {
  // S_LUT_<which>_HIGH[5:0]:LOW[31:0], a 38-bit signed value.
  const uint64_t high = r.field("CDP", "S_LUT_" + which + "_HIGH", "LUT_" + which + "_HIGH");
  const uint64_t low = r.field("CDP", "S_LUT_" + which + "_LOW", "LUT_" + which + "_LOW");
  return kn::signExtend((high << 32) | low, 38);
}

kn::CdpLutRange range(const RegisterFile& r, const std::string& table) {
  kn::CdpLutRange g;
  g.start = address38(r, table + "_START");
  g.end = address38(r, table + "_END");
  const std::string scale = "S_LUT_" + table + "_SLOPE_SCALE",
                    shift = "S_LUT_" + table + "_SLOPE_SHIFT";
  g.underflowScale = int16_t(r.field("CDP", scale, "LUT_" + table + "_SLOPE_UFLOW_SCALE"));
  g.overflowScale = int16_t(r.field("CDP", scale, "LUT_" + table + "_SLOPE_OFLOW_SCALE"));
  // Slope shifts are 5-bit signed; negative shifts left (cmod NV_NVDLA_cdp.cpp:1331-1345).
  g.underflowShift =
      int(kn::signExtend(r.field("CDP", shift, "LUT_" + table + "_SLOPE_UFLOW_SHIFT"), 5));
  g.overflowShift =
      int(kn::signExtend(r.field("CDP", shift, "LUT_" + table + "_SLOPE_OFLOW_SHIFT"), 5));
  return g;
}

kn::CdpLut decodeLut(const RegisterFile& r) {
  kn::CdpLut l;
  const LutTables& t = r.lut("CDP");
  l.le = t.le;
  l.lo = t.lo;
  l.leLinear = r.field("CDP", "S_LUT_CFG", "LUT_LE_FUNCTION") == 1;
  l.underflowPrefersLo = r.field("CDP", "S_LUT_CFG", "LUT_UFLOW_PRIORITY") == 1;
  l.overflowPrefersLo = r.field("CDP", "S_LUT_CFG", "LUT_OFLOW_PRIORITY") == 1;
  l.hybridPrefersLo = r.field("CDP", "S_LUT_CFG", "LUT_HYBRID_PRIORITY") == 1;
  l.leIndexOffset = int(kn::signExtend(r.field("CDP", "S_LUT_INFO", "LUT_LE_INDEX_OFFSET"), 8));
  l.leIndexSelect = int(kn::signExtend(r.field("CDP", "S_LUT_INFO", "LUT_LE_INDEX_SELECT"), 6));
  l.loIndexSelect = int(kn::signExtend(r.field("CDP", "S_LUT_INFO", "LUT_LO_INDEX_SELECT"), 6));
  l.leRange = range(r, "LE");
  l.loRange = range(r, "LO");
  return l;
}

}  // namespace

void runCdpLayer(const LayerContext& ctx) {
  const auto& r = ctx.regs;
  if (r.field("CDP", "D_DATA_FORMAT", "INPUT_DATA_TYPE") != 0)
    ctx.unsupported("only INT8 LRN is modelled", "CDP", "D_DATA_FORMAT");
  if (r.field("CDP_RDMA", "D_DATA_FORMAT", "INPUT_DATA") != 0)
    ctx.unsupported("only INT8 LRN is modelled", "CDP_RDMA", "D_DATA_FORMAT");
  if (r.field("CDP_RDMA", "D_SRC_COMPRESSION_EN", "SRC_COMPRESSION_EN") != 0)
    ctx.unsupported("compressed CDP input is not modelled", "CDP_RDMA", "D_SRC_COMPRESSION_EN");
  if (r.field("CDP", "D_DST_COMPRESSION_EN", "DST_COMPRESSION_EN") != 0)
    ctx.unsupported("compressed CDP output is not modelled", "CDP", "D_DST_COMPRESSION_EN");

  kn::CdpSettings s;
  s.width = ctx.size("CDP_RDMA", "D_DATA_CUBE_WIDTH", "WIDTH");
  s.height = ctx.size("CDP_RDMA", "D_DATA_CUBE_HEIGHT", "HEIGHT");
  s.channels = ctx.size("CDP_RDMA", "D_DATA_CUBE_CHANNEL", "CHANNEL");
  ctx.checkCube("CDP cube", s.width, s.height, s.channels);
  s.normalizationLength = int(r.field("CDP", "D_LRN_CFG", "NORMALZ_LEN"));
  s.squareSumBypass = r.field("CDP", "D_FUNC_BYPASS", "SQSUM_BYPASS") == 1;
  s.mulBypass = r.field("CDP", "D_FUNC_BYPASS", "MUL_BYPASS") == 1;
  // INT8 uses the offset's low byte (a 16-bit offset fails cdp_8x8x32_lrn3_int8_0/1) and a
  // 25-bit output offset (cmod cdp_icvt.h:35-69, cdp_ocvt.h:32-76).
  s.inOffset = int8_t(kn::signExtend(r.field("CDP", "D_DATIN_OFFSET", "DATIN_OFFSET"), 8));
  s.inScale = int16_t(r.field("CDP", "D_DATIN_SCALE", "DATIN_SCALE"));
  s.inShift = int(r.field("CDP", "D_DATIN_SHIFTER", "DATIN_SHIFTER"));
  s.outOffset = int32_t(kn::signExtend(r.field("CDP", "D_DATOUT_OFFSET", "DATOUT_OFFSET"), 25));
  s.outScale = int16_t(r.field("CDP", "D_DATOUT_SCALE", "DATOUT_SCALE"));
  s.outShift = int(r.field("CDP", "D_DATOUT_SHIFTER", "DATOUT_SHIFTER"));
  s.lut = decodeLut(r);

  FeatureLayout in;
  in.what = "CDP input (CDP_RDMA.D_SRC_*)";
  in.base = r.address("CDP_RDMA", "D_SRC_BASE_ADDR_HIGH", "D_SRC_BASE_ADDR_LOW");
  in.lineStride = r.value("CDP_RDMA", "D_SRC_LINE_STRIDE");
  in.surfaceStride = r.value("CDP_RDMA", "D_SRC_SURFACE_STRIDE");
  in.width = s.width;
  in.height = s.height;
  in.channels = s.channels;
  in.atom = ctx.hw.atomBytes;
  FeatureLayout out = in;
  out.what = "CDP output (CDP.D_DST_*)";
  out.base = r.address("CDP", "D_DST_BASE_ADDR_HIGH", "D_DST_BASE_ADDR_LOW");
  out.lineStride = r.value("CDP", "D_DST_LINE_STRIDE");
  out.surfaceStride = r.value("CDP", "D_DST_SURFACE_STRIDE");

  const std::vector<int8_t> data = readFeature(ctx.memory, in, s.channels);
  const int padded = out.paddedChannels();
  std::vector<int8_t> result(size_t(int64_t(padded) * s.width * s.height));
  kn::cdp(s, data.data(), result.data(), padded);
  writeFeature(ctx.memory, out, result.data(), padded);
}

}  // namespace nvdla_trace
