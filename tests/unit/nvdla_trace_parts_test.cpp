// The replayer's parts: the RDL reader and register file, the .cfg / .dat readers, and the
// memory layouts for configurations other than nv_small.
#include <gtest/gtest.h>

#include <random>

#include "nvdla_trace/cube_io.h"
#include "nvdla_trace/errors.h"
#include "nvdla_trace/paged_memory.h"
#include "nvdla_trace/rdl.h"
#include "nvdla_trace/register_file.h"
#include "nvdla_trace/trace_files.h"

namespace nt = nvdla_trace;

namespace {

TEST(NvdlaRdl, BuiltinBlocksHaveFieldsAndResets) {
  const auto& blocks = nt::builtinRdlBlocks();
  EXPECT_EQ(blocks.size(), 12u);
  const nt::RdlBlock* sdp = nullptr;
  for (const auto& b : blocks)
    if (b.name == "SDP") sdp = &b;
  ASSERT_NE(sdp, nullptr);
  const nt::RdlRegister* bs = nullptr;
  for (const auto& r : sdp->registers)
    if (r.name == "D_DP_BS_CFG") bs = &r;
  ASSERT_NE(bs, nullptr);
  EXPECT_EQ(bs->offset, 0x58u);
  const nt::RdlField* algo = bs->field("BS_ALU_ALGO");
  ASSERT_NE(algo, nullptr);
  EXPECT_EQ(algo->msb, 3);
  EXPECT_EQ(algo->lsb, 2);
  // BYPASS, ALU_BYPASS, MUL_BYPASS, MUL_PRELU and RELU_BYPASS reset to 1.
  EXPECT_EQ(bs->resetValue(), 0x73u);
}

TEST(NvdlaRdl, ParsesTheSubsetAndRejectsMalformedText) {
  const std::string text =
      "// comment\nproperty p { type = number; };\nregfile regs_NVDLA_TEST {\n"
      "  reg { name = \"R\"; desc = \"a ; } { tricky\"; enum E { A = 2'd0; };\n"
      "    field { reset = 0x3; } F[5:4]; F->desc = \"x\";\n"
      "    field { reset = 1'b1; } G[0:0]; } R @0x10;\n};\n";
  nt::RdlBlock b = nt::parseRdl(text, "test.rdl");
  EXPECT_EQ(b.name, "TEST");
  ASSERT_EQ(b.registers.size(), 1u);
  EXPECT_EQ(b.registers[0].resetValue(), 0x31u);
  EXPECT_THROW(nt::parseRdl("regfile regs_NVDLA_X { reg { field {} F[40:0]; } R @0x0; };", "x"),
               std::runtime_error);
  EXPECT_THROW(nt::parseRdl("regfile regs_NVDLA_X { reg { } R @0x0;", "x"), std::runtime_error);
  EXPECT_THROW(nt::parseRdl("nothing here;", "x"), std::runtime_error);
}

TEST(NvdlaRegisterFile, ResolvesTraceNamesAndReadsFields) {
  nt::RegisterFile regs;
  EXPECT_GE(regs.resolve("NVDLA_CDMA.D_DATAIN_SIZE_0_0"), 0);  // register D_DATAIN_SIZE_0
  EXPECT_LT(regs.resolve("NVDLA_CDMA.D_DATAIN_SIZE_0"), 0);    // D_DATAIN_SIZE does not exist
  EXPECT_LT(regs.resolve("CDMA.D_DATAIN_SIZE_0_0"), 0);
  EXPECT_LT(regs.resolve("NVDLA_SDP.D_OP_ENABLE"), 0);
  // Reset values: SDP BS bypassed, CDP converter scales 1.
  EXPECT_EQ(regs.field("SDP", "D_DP_BS_CFG", "BS_BYPASS"), 1u);
  EXPECT_EQ(regs.field("CDP", "D_DATIN_SCALE", "DATIN_SCALE"), 1u);
  // Bits outside the fields are kept but never read through a field.
  regs.write(regs.resolve("NVDLA_SDP.D_DP_BN_ALU_SRC_VALUE_0"), 0xabcd1234u, 7);
  EXPECT_EQ(regs.field("SDP", "D_DP_BN_ALU_SRC_VALUE", "BN_ALU_OPERAND"), 0x1234u);
  regs.setScriptName("t.cfg");
  EXPECT_EQ(regs.describe("SDP", "D_DP_BN_ALU_SRC_VALUE"),
            "t.cfg:7: NVDLA_SDP.D_DP_BN_ALU_SRC_VALUE_0 = 0xabcd1234");
  EXPECT_EQ(regs.describe("SDP", "D_CVT_SCALE"), "NVDLA_SDP.D_CVT_SCALE_0 = 0x0 (reset value)");
  EXPECT_THROW(regs.field("SDP", "D_CVT_SCALE", "NOPE"), std::logic_error);
}

TEST(NvdlaRegisterFile, LutDataStreamsIntoTheTables) {
  nt::RegisterFile regs;
  const int cfg = regs.resolve("NVDLA_CDP.S_LUT_ACCESS_CFG_0");
  const int data = regs.resolve("NVDLA_CDP.S_LUT_ACCESS_DATA_0");
  regs.write(cfg, (1u << 17) | 62);                              // write LE from entry 62
  for (int v : {10, 11, 12, 13}) regs.write(data, uint32_t(v));  // 62, 63, 64, 64 (stops)
  EXPECT_EQ(regs.lut("CDP").le[62], 10);
  EXPECT_EQ(regs.lut("CDP").le[63], 11);
  EXPECT_EQ(regs.lut("CDP").le[64], 13);
  regs.write(cfg, (1u << 17) | (1u << 16));  // LO from 0
  regs.write(data, 0xffffu);
  EXPECT_EQ(regs.lut("CDP").lo[0], -1);
  regs.write(cfg, (1u << 16) | 5);  // read access: data writes are ignored
  regs.write(data, 77);
  EXPECT_EQ(regs.lut("CDP").lo[5], 0);
  EXPECT_EQ(regs.lut("SDP").lo[0], 0);  // SDP has its own tables
}

TEST(NvdlaTraceFiles, ScriptStatementsAndComments) {
  const auto st = nt::parseScript(
      "// header\n\nmem_load(pri_mem, 0x80000000, \"a b.dat\"); //MC\n"
      "reg_write(NVDLA_SDP.D_OP_ENABLE_0,0x1);\n  intr_notify(SDP_0, sync_id_0);\n",
      "t.cfg");
  ASSERT_EQ(st.size(), 3u);
  EXPECT_EQ(st[0].kind, nt::StatementKind::MemLoad);
  EXPECT_EQ(st[0].args[2], "a b.dat");
  EXPECT_EQ(st[0].line, 3);
  EXPECT_EQ(st[1].args[1], "0x1");
  EXPECT_EQ(st[2].line, 5);
  EXPECT_THROW(nt::parseScript("reg_read(NVDLA_SDP.D_OP_ENABLE_0, 0);\n", "t.cfg"),
               nt::Unsupported);
  EXPECT_THROW(nt::parseScript("mem_init(pri_mem, 0, 1);\n", "t.cfg"), nt::TraceError);
  EXPECT_EQ(nt::parseTraceNumber("0XfF", 8, "w", "v"), 255u);
  EXPECT_EQ(nt::parseTraceNumber("18446744073709551615", 64, "w", "v"), ~uint64_t(0));
  EXPECT_THROW(nt::parseTraceNumber("18446744073709551616", 64, "w", "v"), nt::TraceError);
  EXPECT_THROW(nt::parseTraceNumber("256", 8, "w", "v"), nt::TraceError);
}

// Feature cubes for atoms other than nv_small's 8 bytes: element (c, y, x) at
// base + (c / atom) * surface + y * line + x * atom + c % atom.
TEST(NvdlaLayouts, FeatureCubesWithOtherAtoms) {
  for (int atom : {8, 16, 32}) {
    nt::PagedMemory m(1 << 24);
    nt::FeatureLayout l;
    l.base = 0x1000;
    l.width = 5;
    l.height = 3;
    l.channels = 37;
    l.atom = atom;
    l.lineStride = uint64_t(l.width * atom + 64);
    l.surfaceStride = l.lineStride * 4;
    std::vector<int8_t> data(size_t(l.paddedChannels() * 15));
    for (size_t i = 0; i < data.size(); ++i) data[i] = int8_t(i * 7 + 1);
    nt::writeFeature(m, l, data.data(), l.paddedChannels());
    for (int c = 0; c < l.paddedChannels(); ++c)
      for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 5; ++x)
          ASSERT_EQ(int8_t(m.read(l.base + uint64_t(c / atom) * l.surfaceStride +
                                  uint64_t(y) * l.lineStride + uint64_t(x * atom + c % atom))),
                    data[size_t((c * 3 + y) * 5 + x)]);
    EXPECT_EQ(nt::readFeature(m, l, l.paddedChannels()), data);
  }
}

// Weights for nv_full: groups of 32 kernels, blocks of 64 channels (the last packed tight).
TEST(NvdlaLayouts, ConvolutionWeightsForNvFull) {
  const int K = 70, C = 150, KH = 2, KW = 3, atomicK = 32, atomicC = 64;
  nt::PagedMemory m(1 << 24);
  std::mt19937 rng(1);
  std::vector<uint8_t> bytes(size_t(K * C * KH * KW));
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = uint8_t(rng());
    m.write(0x5000 + i, bytes[i]);
  }
  const std::vector<int8_t> w = nt::readConvWeights(m, 0x5000, K, C, KH, KW, atomicK, atomicC);
  for (int k = 0; k < K; ++k)
    for (int c = 0; c < C; ++c)
      for (int ky = 0; ky < KH; ++ky)
        for (int kx = 0; kx < KW; ++kx) {
          const int g0 = k / atomicK * atomicK, groupSize = std::min(atomicK, K - g0);
          const int c0 = c / atomicC * atomicC, blockSize = std::min(atomicC, C - c0);
          const size_t offset =
              size_t(g0) * C * KH * KW + size_t(groupSize) * KH * KW * c0 +
              size_t(((ky * KW + kx) * groupSize + (k - g0)) * blockSize + (c - c0));
          ASSERT_EQ(w[size_t(((k * C + c) * KH + ky) * KW + kx)], int8_t(bytes[offset]));
        }
}

}  // namespace
