// Every NVDLA nv_small trace test in tests/data replays through dlasim's unit kernels to its
// golden CRC, or is reported unsupported with the reason (docs/nvdla-traces.md).
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "nvdla_trace/replay.h"

namespace {

const std::string kTraceDir = std::string(NVDLA_TEST_DATA_DIR) + "/nv_small";

// Traces whose units are not modelled, with a phrase their reason must contain.
const std::map<std::string, std::string> kUnsupported = {
    {"sdp_3x3x33_ew_int8_reg_0", "EW (Y) stage"},
    {"sdp_3x3x32_ew_lo_lin_int8", "EW (Y) stage"},
    {"sdp_3x3x33_ew_le_exp_int8", "EW (Y) stage"},
    {"sdp_3x3x33_ew_le_lin_int8", "EW (Y) stage"},
    {"img_51x96x4_1x10x4x32_A8B8G8R8_int8_0", "image input"},
    {"dc_32x26x76_6x3x76x270_int8_0", "dc_32x26x76_6x3x76x270_int8_0_in_weight.dat is empty"},
};

std::vector<std::string> traceNames() {
  std::vector<std::string> names;
  if (DIR* d = opendir(kTraceDir.c_str())) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') names.push_back(e->d_name);
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

class NvdlaSmallTrace : public ::testing::TestWithParam<std::string> {};

TEST_P(NvdlaSmallTrace, ReplaysToItsGolden) {
  const std::string& name = GetParam();
  const nvdla_trace::ReplayResult r = nvdla_trace::replay(kTraceDir + "/" + name);
  auto it = kUnsupported.find(name);
  if (it == kUnsupported.end()) {
    EXPECT_EQ(r.status, nvdla_trace::ReplayStatus::Match)
        << r.message << " expected 0x" << std::hex << r.expectedCrc << " got 0x" << r.actualCrc;
  } else {
    EXPECT_EQ(r.status, nvdla_trace::ReplayStatus::Unsupported) << r.message;
    EXPECT_NE(r.message.find(it->second), std::string::npos) << r.message;
  }
}

// Other configurations change every layout: the result differs, but nothing may crash and the
// outcome is one of the four statuses.
TEST_P(NvdlaSmallTrace, OtherConfigurationsNeverCrash) {
  nvdla_trace::Config c;
  c.hw = kern::nvdla::HwConfig::nvFull();
  nvdla_trace::ReplayResult r = nvdla_trace::replay(kTraceDir + "/" + GetParam(), c);
  EXPECT_FALSE(r.status == nvdla_trace::ReplayStatus::Error && r.message.empty());
  c.hw = {16, 32, 16};
  r = nvdla_trace::replay(kTraceDir + "/" + GetParam(), c);
  EXPECT_FALSE(r.status == nvdla_trace::ReplayStatus::Error && r.message.empty());
}

INSTANTIATE_TEST_SUITE_P(nv_small, NvdlaSmallTrace, ::testing::ValuesIn(traceNames()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(NvdlaSmallTraces, AllCopiedTracesArePresent) {
  // 70 MATCH + the 6 unsupported ones listed above.
  EXPECT_EQ(traceNames().size(), 76u);
}

}  // namespace
