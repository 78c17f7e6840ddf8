// The calibration algorithms on histograms whose answers can be checked by hand (the worked
// example of docs/numerics.md "Calibration"), the |x| histogram, and TensorRT's cache format.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "builder/histogram.h"
#include "dlasim/dlasim.h"
#include "test_support.h"

namespace {

using namespace testsupport;
using builder::entropyThreshold;
using builder::percentileThreshold;

// The worked example: |x| in 8 bins of width 1, 20 exact zeros (a ReLU's) in bin 0, merged
// into 2 levels. Entropy reads bin 0 as its neighbour (4). KL divergence by hand
// (docs/numerics.md): i=2: 0.0566, i=3: 0.0487, i=4: 0.0089, i=5, 6: 0.0649, i=7: infinite,
// i=8: 0.1124 -> i = 4, threshold 4.0.
const std::vector<double> kExample = {20, 4, 2, 1, 0, 0, 0, 1};

TEST(CalibrationAlgorithms, EntropyOnTheWorkedExample) {
  EXPECT_DOUBLE_EQ(entropyThreshold(kExample, 1.0, 2), 4.0);
  EXPECT_DOUBLE_EQ(entropyThreshold(kExample, 0.5, 2), 2.0);  // scales with the bin width
  // The zero spike does not matter: any count in bin 0 gives the same answer.
  std::vector<double> noSpike = kExample;
  noSpike[0] = 1;
  EXPECT_DOUBLE_EQ(entropyThreshold(noSpike, 1.0, 2), 4.0);
}

TEST(CalibrationAlgorithms, PercentileOnTheWorkedExample) {
  // Cumulative counts 20, 24, 26, 27, 27, 27, 27, 28 of 28 (the zeros count here).
  EXPECT_DOUBLE_EQ(percentileThreshold(kExample, 1.0, 50), 1.0);
  EXPECT_DOUBLE_EQ(percentileThreshold(kExample, 1.0, 75), 2.0);
  EXPECT_DOUBLE_EQ(percentileThreshold(kExample, 1.0, 90), 3.0);
  EXPECT_DOUBLE_EQ(percentileThreshold(kExample, 1.0, 95), 4.0);
  EXPECT_DOUBLE_EQ(percentileThreshold(kExample, 1.0, 99.99), 8.0);
  EXPECT_DOUBLE_EQ(percentileThreshold(kExample, 1.0, 100), 8.0);
}

// With TensorRT's 2048 bins and 128 levels. Mass confined to the first 100 bins: KL is 0 at
// i = 128 (one bin per level) and at i = 129 (its only two-bin level holds two empty bins);
// ties go to the larger i. A uniform histogram is kept exactly only with every bin.
TEST(CalibrationAlgorithms, EntropyAtTensorRtSizes) {
  std::vector<double> low(2048, 0.0);
  for (int j = 0; j < 100; ++j) low[size_t(j)] = 1 + j % 3;
  EXPECT_DOUBLE_EQ(entropyThreshold(low, 0.01), 1.29);
  std::vector<double> uniform(2048, 5.0);
  EXPECT_DOUBLE_EQ(entropyThreshold(uniform, 0.01), 20.48);
  // A long sparse tail: entropy clips it (threshold well inside), MinMax would not.
  std::vector<double> tail(2048, 0.0);
  for (int j = 0; j < 2048; ++j) tail[size_t(j)] = j < 200 ? 10000.0 / (1 + j) : (j % 7 == 0);
  EXPECT_DOUBLE_EQ(entropyThreshold(tail, 1.0), 200.0);
  EXPECT_DOUBLE_EQ(entropyThreshold({}, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(percentileThreshold(std::vector<double>(16, 0.0), 1.0, 50), 0.0);
}

TEST(CalibrationAlgorithms, HistogramRangeIsAPowerOfTwoAboveTheMax) {
  builder::AbsHistogram h(8);
  std::vector<float> a = {0.f, 0.5f, -1.0f, 3.99f, 4.0f};  // max 4: range 8, width 1
  h.add(a.data(), int64_t(a.size()));
  EXPECT_DOUBLE_EQ(h.range(), 8.0);
  EXPECT_EQ(h.counts(), (std::vector<uint64_t>{2, 1, 0, 1, 1, 0, 0, 0}));
  std::vector<float> b = {-13.f, NAN, INFINITY, 2.1f};  // max 13: range 16 (one doubling)
  h.add(b.data(), int64_t(b.size()));
  EXPECT_DOUBLE_EQ(h.range(), 16.0);
  EXPECT_FLOAT_EQ(h.amax(), 13.f);
  // Old bins merge two to one (widths 1 -> 2); 2.1 falls in [2, 4); 13 in [12, 14).
  EXPECT_EQ(h.counts(), (std::vector<uint64_t>{3, 2, 1, 0, 0, 0, 1, 0}));
  builder::AbsHistogram z(4);
  std::vector<float> zeros(5, 0.f);
  z.add(zeros.data(), 5);
  EXPECT_DOUBLE_EQ(z.range(), 0.0);
  std::vector<float> one = {1.f};  // range 2, width 0.5: 1.0 in bin 2
  z.add(one.data(), 1);
  EXPECT_EQ(z.counts(), (std::vector<uint64_t>{5, 0, 1, 0}));
}

// The property distributed calibration relies on: any split of the values, filled in any order
// and merged in any order, gives the histogram of all of them, bit for bit.
TEST(CalibrationAlgorithms, HistogramsOfPartsMergeIntoTheWhole) {
  std::vector<float> v;
  for (int i = 0; i < 5000; ++i)
    v.push_back(std::ldexp(float((i * 7919) % 1013) - 506.f, i % 9 - 4));
  v.push_back(0.f);
  builder::AbsHistogram whole;
  whole.add(v.data(), int64_t(v.size()));
  for (size_t cut : {size_t(1), size_t(700), size_t(4999)}) {
    builder::AbsHistogram first, second, reversed;
    first.add(v.data(), int64_t(cut));
    second.add(v.data() + cut, int64_t(v.size() - cut));
    reversed = second;
    ASSERT_TRUE(first.merge(second));
    ASSERT_TRUE(reversed.merge(builder::AbsHistogram(first)));
    EXPECT_EQ(first.counts(), whole.counts());
    EXPECT_EQ(first.range(), whole.range());
    EXPECT_EQ(first.amax(), whole.amax());
  }
  // In batches of 64, in reverse order: the same histogram as one pass.
  builder::AbsHistogram batches;
  for (size_t at = v.size(); at > 0;) {
    size_t n = std::min<size_t>(64, at);
    at -= n;
    batches.add(v.data() + at, int64_t(n));
  }
  EXPECT_EQ(batches.counts(), whole.counts());
  builder::AbsHistogram other(16), parsed;
  EXPECT_FALSE(whole.merge(other));  // different bin counts
  EXPECT_TRUE(
      builder::AbsHistogram::fromParts(whole.range(), whole.amax(), whole.counts(), &parsed));
  EXPECT_FALSE(
      builder::AbsHistogram::fromParts(whole.range() * 3, whole.amax(), whole.counts(), &parsed));
  EXPECT_FALSE(
      builder::AbsHistogram::fromParts(whole.range() * 2, whole.amax(), whole.counts(), &parsed));
  EXPECT_FALSE(builder::AbsHistogram::fromParts(0, 0.f, whole.counts(), &parsed));
}

TEST(CalibrationCacheFormat, WrittenCacheReadsBackIdentically) {
  TempDir dir("cache_roundtrip");
  dlasim::CalibrationCache c;
  c.header = dlasim::calibrationHeader(dlasim::CalibrationAlgorithm::kEntropy);
  c.scales["input"] = 0.0078125f;
  c.scales["(Unnamed Layer* 4) [Fully Connected]_output"] = 1.5e-3f;
  c.scales["/conv1/Conv_output_0"] = 3.1415926e-2f;
  c.scales["zero"] = 0.f;
  std::string text = c.text();
  EXPECT_EQ(text.rfind("TRT-8502-EntropyCalibration2\n", 0), 0u) << text;
  // TensorRT's form: big-endian float bits as 8 lower-case hex digits; 1/128 = 0x3c000000.
  EXPECT_NE(text.find("\ninput: 3c000000\n"), std::string::npos) << text;
  writeFile(dir / "c.cache", text);
  dlasim::CalibrationCache back = dlasim::CalibrationCache::read((dir / "c.cache").string());
  EXPECT_EQ(back.header, c.header);
  ASSERT_EQ(back.scales.size(), c.scales.size());
  for (const auto& [name, s] : c.scales) {
    uint32_t a, b;
    std::memcpy(&a, &s, 4);
    std::memcpy(&b, &back.scales.at(name), 4);
    EXPECT_EQ(a, b) << name;
  }
  EXPECT_EQ(back.text(), text);
  EXPECT_EQ(dlasim::calibrationHeader(dlasim::CalibrationAlgorithm::kMinMax),
            "TRT-8502-MinMaxCalibration");
  EXPECT_EQ(dlasim::calibrationHeader(dlasim::CalibrationAlgorithm::kPercentile),
            "TRT-8502-LegacyCalibration");
}

TEST(CalibrationCacheFormat, ForeignOrMalformedCachesAreOneLineErrors) {
  TempDir dir("cache_bad");
  struct Case {
    std::string text, expect;
  };
  std::vector<Case> cases = {
      {"", "empty calibration cache"},
      {std::string("\x89PNG\r\n\x1a\n\0\0", 10), "binary data"},
      {"{\"input\": 0.5}\n", "not a TensorRT calibration cache"},
      {"TRT-abc-EntropyCalibration2\n", "not a TensorRT calibration cache"},
      {"TRT-8502-KLCalibration\nx: 3c000000\n", "unknown calibration algorithm 'KLCalibration'"},
      {"TRT-8502-EntropyCalibration2\nx 3c000000\n", ":2: 'x 3c000000' is not 'tensor: hexscale'"},
      {"TRT-8502-EntropyCalibration2\nx: 3c0000001\n", "is not 1-8 hex digits"},
      {"TRT-8502-EntropyCalibration2\nx: 7fc00000\n", "is not a finite non-negative number"},
      {"TRT-8502-EntropyCalibration2\nx: bc000000\n", "is not a finite non-negative number"},
      {"TRT-8502-EntropyCalibration2\nx: 1\nx: 2\n", ":3: tensor 'x' is listed twice"},
  };
  for (const auto& c : cases) {
    writeFile(dir / "bad.cache", c.text);
    try {
      dlasim::CalibrationCache::read((dir / "bad.cache").string());
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const dlasim::InputError& e) {
      std::string m = e.what();
      EXPECT_NE(m.find(c.expect), std::string::npos) << m;
      EXPECT_NE(m.find("bad.cache"), std::string::npos) << m;
      EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    }
  }
  // Short hex (leading zeros dropped, as NVIDIA's qdq-translator writes) and CRLF are accepted.
  writeFile(dir / "ok.cache", "TRT-100300-EntropyCalibration2\r\nx: 3c000000\r\ny: 1\r\n");
  dlasim::CalibrationCache ok = dlasim::CalibrationCache::read((dir / "ok.cache").string());
  EXPECT_FLOAT_EQ(ok.scales.at("x"), 0.0078125f);
  // On the command line: exit 2, one line naming the file.
  const std::string model = std::string(DLASIM_BINARY_DIR) + "/examples/model_bn.onnx";
  writeFile(dir / "bad.cache", "TRT-8502-EntropyCalibration2\nx: zz\n");
  Result r = runCli({"--onnx=" + model, "--int8", "--useDLACore=0", "--allowGPUFallback",
                     "--calib=" + (dir / "bad.cache").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.cache:2: scale 'zz'"), std::string::npos) << r.err;
}

}  // namespace
