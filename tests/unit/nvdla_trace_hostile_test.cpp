// Malformed traces: every one ends in one clear line naming the file (and line) with exit 2 from
// the CLI; none crashes, hangs or allocates without bound.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "cli/nvdla_trace.h"
#include "nvdla_trace/replay.h"

namespace {

const std::string kBase = "pdp_8x8x64_2x2_int8";
const std::string kBaseDir = std::string(NVDLA_TEST_DATA_DIR) + "/nv_small/" + kBase;

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A copy of the base trace in a fresh directory, to be edited.
class TempTrace {
 public:
  TempTrace() {
    char tmpl[] = "/tmp/nvdla_hostile_XXXXXX";
    dir_ = mkdtemp(tmpl);
    cfg = readFile(kBaseDir + "/" + kBase + ".cfg");
    dat = readFile(kBaseDir + "/" + kBase + "_in.dat");
  }
  ~TempTrace() { std::system(("rm -rf '" + dir_ + "'").c_str()); }

  nvdla_trace::ReplayResult replay(const nvdla_trace::Config& c = {}) {
    flush();
    return nvdla_trace::replay(dir_, c);
  }
  int cli(std::string* out, std::string* err) {
    flush();
    const char* argv[] = {"nvdla-trace", dir_.c_str()};
    std::ostringstream o, e;
    int rc = dlasim::cli::nvdlaTraceMain(2, argv, o, e);
    *out = o.str();
    *err = e.str();
    return rc;
  }
  void replaceInCfg(const std::string& from, const std::string& to) {
    size_t p = cfg.find(from);
    ASSERT_NE(p, std::string::npos) << from;
    cfg.replace(p, from.size(), to);
  }
  const std::string& dir() const { return dir_; }

  std::string cfg, dat;

 private:
  void flush() {
    writeFile(dir_ + "/" + kBase + ".cfg", cfg);
    writeFile(dir_ + "/" + kBase + "_in.dat", dat);
  }
  std::string dir_;
};

void expectError(const nvdla_trace::ReplayResult& r, const std::string& phrase) {
  EXPECT_EQ(r.status, nvdla_trace::ReplayStatus::Error) << r.message;
  EXPECT_NE(r.message.find(phrase), std::string::npos) << r.message;
  EXPECT_EQ(r.message.find('\n'), std::string::npos) << "one line: " << r.message;
}

TEST(NvdlaTraceHostile, TheUneditedCopyMatches) {
  TempTrace t;
  EXPECT_EQ(t.replay().status, nvdla_trace::ReplayStatus::Match);
}

TEST(NvdlaTraceHostile, UnknownStatementNamesFileAndLine) {
  TempTrace t;
  t.replaceInCfg("mem_init(pri_mem, 0x80100000", "frobnicate(1);\nmem_init(pri_mem, 0x80100000");
  expectError(t.replay(), kBase + ".cfg:3: unknown statement 'frobnicate'");
}

TEST(NvdlaTraceHostile, UnknownRegister) {
  TempTrace t;
  t.replaceInCfg("NVDLA_PDP.D_DATA_CUBE_OUT_WIDTH_0", "NVDLA_PDP.D_NO_SUCH_REGISTER_0");
  expectError(t.replay(), ".cfg:4: unknown register 'NVDLA_PDP.D_NO_SUCH_REGISTER_0'");
}

TEST(NvdlaTraceHostile, UnknownBlock) {
  TempTrace t;
  t.replaceInCfg("NVDLA_PDP.D_DATA_CUBE_OUT_WIDTH_0", "NVDLA_XYZ.D_DATA_CUBE_OUT_WIDTH_0");
  expectError(t.replay(), "unknown register 'NVDLA_XYZ.D_DATA_CUBE_OUT_WIDTH_0'");
}

TEST(NvdlaTraceHostile, BadNumbers) {
  for (const char* bad : {"0xZZ", "12abc", "0x", "-1", "0x100000000", "99999999999999999999999"}) {
    TempTrace t;
    t.replaceInCfg("D_DATA_CUBE_OUT_WIDTH_0, 0x7", std::string("D_DATA_CUBE_OUT_WIDTH_0, ") + bad);
    expectError(t.replay(), std::string(".cfg:4: bad register value '") + bad + "'");
  }
}

TEST(NvdlaTraceHostile, MalformedStatements) {
  const std::pair<const char*, const char*> cases[] = {
      {"reg_write(NVDLA_PDP.D_DATA_CUBE_OUT_WIDTH_0, 0x7);",
       "reg_write(NVDLA_PDP.D_DATA_CUBE_OUT_WIDTH_0, 0x7)"},
      {"reg_write(NVDLA_PDP.D_DATA_CUBE_OUT_WIDTH_0, 0x7);",
       "reg_write(NVDLA_PDP.D_DATA_CUBE_OUT_WIDTH_0);"},
      {"reg_write(NVDLA_PDP.D_DATA_CUBE_OUT_WIDTH_0, 0x7);",
       "reg_write NVDLA_PDP.D_DATA_CUBE_OUT_WIDTH_0;"},
      {"\"pdp_8x8x64_2x2_int8_in.dat\"", "\"pdp_8x8x64_2x2_int8_in.dat"},
  };
  for (const auto& [from, to] : cases) {
    TempTrace t;
    t.replaceInCfg(from, to);
    nvdla_trace::ReplayResult r = t.replay();
    EXPECT_EQ(r.status, nvdla_trace::ReplayStatus::Error) << to;
    EXPECT_NE(r.message.find(kBase + ".cfg:"), std::string::npos) << r.message;
  }
}

TEST(NvdlaTraceHostile, TruncatedPayload) {
  for (size_t cut : {size_t(3), size_t(17), size_t(40), size_t(1000), size_t(55000)}) {
    TempTrace t;
    t.dat.resize(t.dat.size() - cut);
    nvdla_trace::ReplayResult r = t.replay();
    EXPECT_EQ(r.status, nvdla_trace::ReplayStatus::Error) << "cut " << cut;
    EXPECT_NE(r.message.find(kBase + "_in.dat:"), std::string::npos) << r.message;
  }
}

TEST(NvdlaTraceHostile, PayloadRecordsMustBeConsistent) {
  {
    TempTrace t;
    t.replaceInCfg("", "");
    size_t p = t.dat.find("size:4");
    t.dat.replace(p, 6, "size:5");
    expectError(t.replay(), "_in.dat:2: record size 5 but 4 payload bytes");
  }
  {
    TempTrace t;
    size_t p = t.dat.find("size:4");
    t.dat.replace(p, 6, "size:3");
    expectError(t.replay(), "more payload bytes than its size 3");
  }
  {
    TempTrace t;
    size_t p = t.dat.find("payload:0x");
    t.dat.replace(p, 12, "payload:0x100");
    expectError(t.replay(), "bad payload byte '0x100'");
  }
  {
    TempTrace t;
    size_t p = t.dat.find("offset:0x");
    t.dat.replace(p, 10, "offset:0x123456789abcdef");
    expectError(t.replay(), "bad offset");
  }
}

TEST(NvdlaTraceHostile, MissingAndEscapingPayloadFiles) {
  {
    TempTrace t;
    t.replaceInCfg("pdp_8x8x64_2x2_int8_in.dat", "nope.dat");
    expectError(t.replay(), "nope.dat: cannot open file");
  }
  {
    TempTrace t;
    t.replaceInCfg("pdp_8x8x64_2x2_int8_in.dat", "../../etc/passwd");
    expectError(t.replay(), "must be a file name in the trace directory");
  }
}

// Fuzz finding (nvdla_trace target): a payload name holding a NUL gave a message that began with
// it, so what() ended there and the error said nothing. The trace's text is escaped.
TEST(NvdlaTraceHostile, NulAndControlBytesInNamesAreEscaped) {
  {
    TempTrace t;
    t.replaceInCfg("pdp_8x8x64_2x2_int8_in.dat", std::string("\0x.dat", 6));
    const nvdla_trace::ReplayResult r = t.replay();
    expectError(r, "\\x00x.dat");
    EXPECT_NE(r.message.find("cannot open file"), std::string::npos) << r.message;
  }
  {
    TempTrace t;
    t.replaceInCfg("pdp_8x8x64_2x2_int8_in.dat", std::string("in\x1b[2J.dat"));
    expectError(t.replay(), "in\\x1b[2J.dat");
  }
}

TEST(NvdlaTraceHostile, HugeAddressesAndSizes) {
  {
    TempTrace t;
    t.replaceInCfg("mem_init(pri_mem, 0x80000000, 0x1000",
                   "mem_init(pri_mem, 0xffffffffffff0000, 0x1000");
    expectError(t.replay(), ".cfg:1: base address 0xffffffffffff0000 is beyond 2^48");
  }
  {
    TempTrace t;
    t.replaceInCfg("mem_init(pri_mem, 0x80000000, 0x1000",
                   "mem_init(pri_mem, 0x80000000, 0xffffffffffff");
    expectError(t.replay(), ".cfg:1: range ends beyond 2^48");
  }
  {
    TempTrace t;
    t.replaceInCfg("0x80100000, 0x1000, 0x33d91a71", "0x80100000, 0x7fffffff, 0x33d91a71");
    expectError(t.replay(), "check size 0x7fffffff exceeds the limit");
  }
  {
    TempTrace t;  // a 8192 x 8192 x 8192 pooling cube
    t.replaceInCfg("NVDLA_PDP.D_DATA_CUBE_IN_WIDTH_0, 0x7",
                   "NVDLA_PDP.D_DATA_CUBE_IN_WIDTH_0, 0x1fff");
    t.replaceInCfg("NVDLA_PDP.D_DATA_CUBE_IN_HEIGHT_0, 0x7",
                   "NVDLA_PDP.D_DATA_CUBE_IN_HEIGHT_0, 0x1fff");
    expectError(t.replay(), "PDP input cube of 8192x8192x64 exceeds the replayer's limit");
  }
  {
    TempTrace t;  // output strides that scatter the cube over gigabytes of pages
    t.replaceInCfg("NVDLA_PDP.D_DST_SURFACE_STRIDE_0, 0x200",
                   "NVDLA_PDP.D_DST_SURFACE_STRIDE_0, 0x10000000");
    t.replaceInCfg("NVDLA_PDP.D_DST_LINE_STRIDE_0, 0x40",
                   "NVDLA_PDP.D_DST_LINE_STRIDE_0, 0x1000000");
    nvdla_trace::Config c;
    c.memoryLimitBytes = 128 << 10;
    expectError(t.replay(c), "more than the memory model's limit of 128 KiB");
  }
}

TEST(NvdlaTraceHostile, ConvolutionWorkIsCapped) {
  const std::string dc = std::string(NVDLA_TEST_DATA_DIR) + "/nv_small/dc_8x16x128_3x3x128x32_int8";
  nvdla_trace::Config c;
  c.maxMacs = 1000;
  expectError(nvdla_trace::replay(dc, c), "multiply-adds exceeds the replayer's limit");
  c = nvdla_trace::Config();
  c.maxCubeElements = 1000;
  expectError(nvdla_trace::replay(dc, c), "exceeds the replayer's limit of 1000 elements");
}

TEST(NvdlaTraceHostile, InconsistentSizesNameBothRegisters) {
  TempTrace t;
  t.replaceInCfg("NVDLA_PDP_RDMA.D_DATA_CUBE_IN_CHANNEL_0, 0x3f",
                 "NVDLA_PDP_RDMA.D_DATA_CUBE_IN_CHANNEL_0, 0x1f");
  expectError(t.replay(), "inconsistent sizes: " + kBase +
                              ".cfg:30: NVDLA_PDP.D_DATA_CUBE_IN_CHANNEL_0 = 0x3f gives 64 but " +
                              kBase +
                              ".cfg:31: NVDLA_PDP_RDMA.D_DATA_CUBE_IN_CHANNEL_0 = 0x1f gives 32");
}

TEST(NvdlaTraceHostile, ChecksNeedTheirSync) {
  {
    TempTrace t;
    t.replaceInCfg("intr_notify(PDP_0, sync_id_0);", "");
    expectError(t.replay(), "'sync_id_0' was not defined by an earlier intr_notify");
  }
  {
    TempTrace t;
    t.replaceInCfg("check_crc(sync_id_0, pri_mem, 0x80100000, 0x1000, 0x33d91a71);", "");
    expectError(t.replay(), "no check_crc statement");
  }
  {
    TempTrace t;
    t.replaceInCfg("intr_notify(PDP_0", "intr_notify(XYZ_0");
    expectError(t.replay(), "unknown interrupt 'XYZ_0'");
  }
}

// Larger configurations' traces raise and await events with sync_notify / sync_wait; a check
// may name such an event (issue 19 item 13).
TEST(NvdlaTraceSync, NotifyAndWaitReplayToTheGolden) {
  TempTrace t;
  t.replaceInCfg("check_crc(sync_id_0,",
                 "sync_notify(NVDLA_PDP, pdp_done);\nsync_wait(NVDLA_PDP, pdp_done);\n"
                 "check_crc(pdp_done,");
  nvdla_trace::ReplayResult r = t.replay();
  EXPECT_EQ(r.status, nvdla_trace::ReplayStatus::Match) << r.message;
}

TEST(NvdlaTraceSync, AWaitBeforeItsNotifyOrNoTargetIsAnError) {
  const std::pair<const char*, const char*> cases[] = {
      {"sync_wait(NVDLA_PDP, later);\n",
       "'later' was not defined by an earlier intr_notify or sync_notify"},
      {"sync_notify(, e);\n", "bad sync target ''"}};
  for (const auto& [statement, phrase] : cases) {
    TempTrace t;
    t.replaceInCfg("check_crc(sync_id_0,", std::string(statement) + "check_crc(sync_id_0,");
    expectError(t.replay(), phrase);
  }
}

TEST(NvdlaTraceHostile, NotADirectoryOrNoScript) {
  nvdla_trace::ReplayResult r = nvdla_trace::replay("/nonexistent/trace");
  expectError(r, "cannot open the trace directory");
  char tmpl[] = "/tmp/nvdla_empty_XXXXXX";
  std::string dir = mkdtemp(tmpl);
  expectError(nvdla_trace::replay(dir), "expected one .cfg script, found 0");
  std::system(("rm -rf '" + dir + "'").c_str());
}

TEST(NvdlaTraceHostile, BinaryGarbageScript) {
  TempTrace t;
  t.cfg = std::string(
      "\x7f"
      "ELF\x02\x01\x01\0\0\0;\n",
      12);
  expectError(t.replay(), kBase + ".cfg:1: expected 'statement(arguments);'");
}

TEST(NvdlaTraceHostile, RandomCorruptionNeverCrashes) {
  std::mt19937 rng(1234);
  const std::string junk = "(){};,\"x0123456789abcdefgABCDEFG_ \n/.:";
  for (int i = 0; i < 150; ++i) {
    TempTrace t;
    std::string& target = (i % 2) ? t.cfg : t.dat;
    const int edits = 1 + int(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t p = rng() % target.size();
      switch (rng() % 3) {
        case 0:
          target[p] = junk[rng() % junk.size()];
          break;
        case 1:
          target.erase(p, 1 + rng() % 20);
          break;
        default:
          target.insert(p, 1, junk[rng() % junk.size()]);
          break;
      }
    }
    nvdla_trace::ReplayResult r = t.replay();
    if (r.status == nvdla_trace::ReplayStatus::Error ||
        r.status == nvdla_trace::ReplayStatus::Unsupported) {
      EXPECT_FALSE(r.message.empty());
    }
  }
}

TEST(NvdlaTraceCli, ExitCodesAndOutput) {
  std::string out, err;
  {
    TempTrace t;
    EXPECT_EQ(t.cli(&out, &err), 0);
    EXPECT_EQ(out, "MATCH\n");
    EXPECT_EQ(err, "");
  }
  {
    TempTrace t;
    t.replaceInCfg("0x33d91a71", "0x12345678");
    EXPECT_EQ(t.cli(&out, &err), 1);
    EXPECT_EQ(out, "MISMATCH expected 0x12345678 got 0x33d91a71\n");
  }
  {
    TempTrace t;
    t.replaceInCfg("NVDLA_PDP.D_DATA_FORMAT_0, 0x0", "NVDLA_PDP.D_DATA_FORMAT_0, 0x2");
    EXPECT_EQ(t.cli(&out, &err), 2);
    EXPECT_EQ(out.rfind("UNSUPPORTED only INT8 pooling is modelled (", 0), 0u) << out;
  }
  {
    TempTrace t;
    t.replaceInCfg("mem_init(", "mem_unit(");
    EXPECT_EQ(t.cli(&out, &err), 2);
    EXPECT_EQ(out, "");
    EXPECT_EQ(err.rfind("dlasim: error: " + kBase + ".cfg:1: unknown statement 'mem_unit'", 0), 0u)
        << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1);
  }
}

TEST(NvdlaTraceCli, Options) {
  auto run = [](std::vector<const char*> args, std::string* out, std::string* err) {
    args.insert(args.begin(), "nvdla-trace");
    std::ostringstream o, e;
    int rc = dlasim::cli::nvdlaTraceMain(int(args.size()), args.data(), o, e);
    *out = o.str();
    *err = e.str();
    return rc;
  };
  std::string out, err;
  EXPECT_EQ(run({kBaseDir.c_str(), "--config=nv_small"}, &out, &err), 0);
  EXPECT_EQ(out, "MATCH\n");
  // The same layouts spelled out.
  EXPECT_EQ(run({"--atom-bytes=8", "--atomic-c=8", "--atomic-k=8", kBaseDir.c_str()}, &out, &err),
            0);
  // nv_full's 32-byte atoms read this nv_small trace differently.
  EXPECT_EQ(run({kBaseDir.c_str(), "--config=nv_full"}, &out, &err), 1);
  EXPECT_EQ(run({kBaseDir.c_str(), "--config=nv_huge"}, &out, &err), 2);
  EXPECT_EQ(err,
            "dlasim: error: --config: unknown configuration 'nv_huge' (nv_small or nv_full)\n");
  EXPECT_EQ(run({kBaseDir.c_str(), "--atom-bytes=0"}, &out, &err), 2);
  EXPECT_EQ(run({kBaseDir.c_str(), "--atomic-c=abc"}, &out, &err), 2);
  EXPECT_EQ(run({kBaseDir.c_str(), "--frob"}, &out, &err), 2);
  EXPECT_EQ(run({}, &out, &err), 2);
  EXPECT_EQ(run({kBaseDir.c_str(), kBaseDir.c_str()}, &out, &err), 2);
  EXPECT_EQ(run({"--help"}, &out, &err), 0);
  EXPECT_EQ(out.rfind("usage: dlasim nvdla-trace DIR", 0), 0u);
}

}  // namespace
