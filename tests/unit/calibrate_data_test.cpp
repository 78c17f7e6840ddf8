// Calibration over a data set: dlasim::Dataset (a .npy of N samples, a folder of .npy / raw
// files), `dlasim calibrate --data`, and every bad data input as one line with exit 2.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "dlasim/dlasim.h"
#include "test_support.h"

namespace {

using namespace testsupport;

const std::string kModelBN = std::string(DLASIM_BINARY_DIR) + "/examples/model_bn.onnx";

// Samples 3x32x32 whose values grow with the sample index: sample i holds (i + 1) * 0.01 * k
// patterns, so the calibration's ranges depend on which samples it saw.
dlasim::Tensor samples(int64_t n, int64_t first = 0) {
  dlasim::Tensor t(dlasim::DataType::kFloat, {n, 3, 32, 32});
  for (int64_t i = 0; i < t.size(); ++i) {
    int64_t s = first + i / (3 * 32 * 32);
    t.data<float>()[i] = float(s + 1) * 0.01f * float((i % (3 * 32 * 32)) % 7 - 3);
  }
  return t;
}

void saveRaw(const fs::path& p, const dlasim::Tensor& t) {
  writeFile(p, std::string(static_cast<const char*>(t.raw()), t.bytes()));
}

const dlasim::TensorSpec kInput{"input", dlasim::DataType::kFloat, {8, 3, 32, 32}};

TEST(Dataset, NpyFolderAndMemoryGiveTheSameSamples) {
  TempDir dir("dataset");
  dlasim::Tensor all = samples(10);
  dlasim::saveNpy((dir / "all.npy").string(), all);
  fs::create_directories(dir / "folder" / "sub");  // subfolders and hidden files are skipped
  dlasim::saveNpy((dir / "folder" / "a.npy").string(), samples(3, 0));
  dlasim::Tensor one = samples(1, 3);
  dlasim::saveNpy((dir / "folder" / "b.npy").string(),
                  one.reshaped({3, 32, 32}));  // a single sample without the batch axis
  saveRaw(dir / "folder" / "c.raw", samples(6, 4));
  writeFile(dir / "folder" / ".hidden", "x");
  auto fromNpy = dlasim::Dataset::load((dir / "all.npy").string(), kInput);
  auto fromFolder = dlasim::Dataset::load((dir / "folder").string(), kInput);
  auto fromMemory = dlasim::Dataset::fromTensor("input", all);
  EXPECT_EQ(fromNpy.size(), 10);
  EXPECT_EQ(fromFolder.size(), 10);
  EXPECT_EQ(fromFolder.files().size(), 3u);
  EXPECT_EQ(fromNpy.sampleShape(), (dlasim::Shape{3, 32, 32}));
  for (auto [first, count] : {std::pair<int64_t, int64_t>{0, 10}, {2, 5}, {9, 1}}) {
    dlasim::Tensor a = fromNpy.samples(first, count), b = fromFolder.samples(first, count),
                   c = fromMemory.samples(first, count);
    ASSERT_EQ(a.shape(), (dlasim::Shape{count, 3, 32, 32}));
    size_t one = a.bytes() / size_t(count);
    for (int64_t k = 0; k < count; ++k) {
      auto at = [&](const dlasim::Tensor& t) {
        return static_cast<const char*>(t.raw()) + k * one;
      };
      EXPECT_EQ(std::memcmp(at(a), at(b), one), 0) << "sample " << first + k << " (folder)";
      EXPECT_EQ(std::memcmp(at(a), at(c), one), 0) << "sample " << first + k << " (memory)";
    }
  }
  EXPECT_THROW(fromNpy.samples(8, 3), dlasim::InputError);
}

TEST(Dataset, BadDataIsOneLineNamingTheFile) {
  TempDir dir("dataset_bad");
  fs::create_directories(dir / "empty");
  dlasim::saveNpy((dir / "shape.npy").string(),
                  dlasim::Tensor(dlasim::DataType::kFloat, {4, 3, 16, 16}));
  dlasim::saveNpy((dir / "type.npy").string(),
                  dlasim::Tensor(dlasim::DataType::kDouble, {4, 3, 32, 32}));
  dlasim::saveNpy((dir / "none.npy").string(),
                  dlasim::Tensor(dlasim::DataType::kFloat, {0, 3, 32, 32}));
  std::string npy = readFile(dir / "shape.npy");
  dlasim::saveNpy((dir / "short.npy").string(), samples(2));
  std::string s = readFile(dir / "short.npy");
  writeFile(dir / "short.npy", s.substr(0, s.size() - 100));
  writeFile(dir / "odd.raw", std::string(3 * 32 * 32 * 4 + 4, '\0'));
  writeFile(dir / "notnpy.npy", "hello");
  struct Case {
    std::string path, expect;
  };
  std::vector<Case> cases = {
      {(dir / "missing.npy").string(), "no such file or folder"},
      {(dir / "empty").string(), "the folder holds no data files"},
      {(dir / "shape.npy").string(), "array shape 4x3x16x16 does not hold samples of input"},
      {(dir / "type.npy").string(), "array type '<f8' does not match input 'input' of type float"},
      {(dir / "none.npy").string(), "holds no samples"},
      {(dir / "short.npy").string(), "data bytes, 2 samples of input 'input'"},
      {(dir / "odd.raw").string(), "12292 bytes is not a whole number of samples"},
      {(dir / "notnpy.npy").string(), "not a .npy file"},
  };
  for (const auto& c : cases) {
    try {
      dlasim::Dataset::load(c.path, kInput);
      ADD_FAILURE() << "accepted " << c.path;
    } catch (const dlasim::InputError& e) {
      std::string m = e.what();
      EXPECT_NE(m.find(c.expect), std::string::npos) << m;
      EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    }
  }
}

TEST(CalibrateData, CliWritesEachAlgorithmsCache) {
  TempDir dir("calibrate_data");
  dlasim::saveNpy((dir / "data.npy").string(), samples(20));
  std::map<std::string, std::string> headers = {{"entropy", "TRT-8502-EntropyCalibration2"},
                                                {"minmax", "TRT-8502-MinMaxCalibration"},
                                                {"percentile", "TRT-8502-LegacyCalibration"}};
  std::map<std::string, dlasim::CalibrationCache> caches;
  for (const auto& [algo, header] : headers) {
    std::string out = (dir / (algo + ".cache")).string();
    Result r = runCli({"calibrate", kModelBN, "--data=" + (dir / "data.npy").string(),
                       "--out=" + out, "--algo=" + algo, "--batch=8"});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    // Not a terminal: no progress bar, one summary line.
    EXPECT_EQ(r.out.find("Calibrating ["), std::string::npos);
    EXPECT_NE(r.out.find("over 20 samples in 3 batches of 8 (the last one of 4 padded"),
              std::string::npos)
        << r.out;
    caches[algo] = dlasim::CalibrationCache::read(out);
    EXPECT_EQ(caches[algo].header, header);
  }
  // The input's range: MinMax sees the largest sample (20 * 0.01 * 3 = 0.6), entropy and the
  // 99.99th percentile no more.
  EXPECT_NEAR(caches["minmax"].scales.at("input") * 127, 0.6, 1e-6);
  EXPECT_LE(caches["entropy"].scales.at("input"), caches["minmax"].scales.at("input"));
  EXPECT_LE(caches["percentile"].scales.at("input"), caches["minmax"].scales.at("input"));
  EXPECT_EQ(caches["entropy"].scales.size(), caches["minmax"].scales.size());
  // The cache works as --calib: every DLA layer has its scales.
  Result run = runCli({"--onnx=" + kModelBN, "--shapes=input:8x3x32x32", "--int8", "--useDLACore=0",
                       "--allowGPUFallback", "--calib=" + (dir / "entropy.cache").string()});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_NE(run.out.find("0 DLA layers in emulated FP16, 5 in emulated INT8"), std::string::npos)
      << run.out;
}

// The padding of a short last batch is not counted. Nine samples, all with max |x| = 1 (so the
// histogram's range is the same however they are batched): eight mostly 0.1-0.2, the last one
// mostly 0.9. At batch 8 the last batch is that sample padded with 7 copies of itself; counted,
// they would move the median of |x| up to 0.9. The result must equal one batch of 9.
TEST(CalibrateData, PaddingDoesNotCount) {
  dlasim::Tensor s(dlasim::DataType::kFloat, {9, 3, 32, 32});
  const int64_t per = 3 * 32 * 32;
  for (int64_t i = 0; i < s.size(); ++i) {
    int64_t sample = i / per, j = i % per;
    s.data<float>()[i] = j == 0 ? 1.f : sample == 8 ? 0.9f : 0.1f + 0.1f * float(j % 2);
  }
  auto data = dlasim::Dataset::fromTensor("input", s);
  dlasim::CalibrationOptions median;
  median.algorithm = dlasim::CalibrationAlgorithm::kPercentile;
  median.percentile = 50;
  std::vector<int64_t> progress;
  median.progress = [&](int64_t done, int64_t total) {
    EXPECT_EQ(total, 9);
    progress.push_back(done);
  };
  dlasim::LoadOptions at8, at9;
  at8.shapes["input"] = {8, 3, 32, 32};
  at9.shapes["input"] = {9, 3, 32, 32};
  float a = dlasim::Model::load(kModelBN, at8).calibrate(data, median).scales.at("input");
  EXPECT_EQ(progress, (std::vector<int64_t>{8, 9}));
  median.progress = nullptr;
  float b = dlasim::Model::load(kModelBN, at9).calibrate(data, median).scales.at("input");
  EXPECT_FLOAT_EQ(a, b);
  EXPECT_LT(a * 127, 0.25f);  // the median of the real samples, not of the padding
}

TEST(CalibrateData, OutputIsNeverOverwrittenWithoutForce) {
  TempDir dir("calibrate_force");
  dlasim::saveNpy((dir / "data.npy").string(), samples(8));
  std::string out = (dir / "c.cache").string(), data = "--data=" + (dir / "data.npy").string();
  writeFile(out, "mine");
  Result r = runCli({"calibrate", kModelBN, data, "--out=" + out});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("c.cache: exists; add --force to overwrite it"), std::string::npos) << r.err;
  EXPECT_EQ(readFile(out), "mine");
  Result forced = runCli({"calibrate", kModelBN, data, "--out=" + out, "--force"});
  ASSERT_EQ(forced.code, 0) << forced.err;
  EXPECT_EQ(readFile(out).rfind("TRT-8502-EntropyCalibration2", 0), 0u);
  // Even with --force, never over the model or the data.
  std::string model = readFile(kModelBN);
  EXPECT_EQ(runCli({"calibrate", kModelBN, data, "--out=" + kModelBN, "--force"}).code, 2);
  EXPECT_EQ(readFile(kModelBN), model);
  EXPECT_EQ(
      runCli({"calibrate", kModelBN, data, "--out=" + (dir / "data.npy").string(), "--force"}).code,
      2);
}

TEST(CalibrateData, BadFlagsAndDataAreExitTwo) {
  TempDir dir("calibrate_bad");
  fs::create_directories(dir / "empty");
  dlasim::saveNpy((dir / "small.npy").string(),
                  dlasim::Tensor(dlasim::DataType::kFloat, {4, 3, 16, 16}));
  std::string out = "--out=" + (dir / "c.cache").string();
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  };
  std::vector<Case> cases = {
      {{"--data=" + (dir / "empty").string()}, "the folder holds no data files"},
      {{"--data=" + (dir / "small.npy").string()}, "array shape 4x3x16x16 does not hold"},
      {{"--data=" + (dir / "small.npy").string(), "--algo=kl"}, "--algo: 'kl' is not one of"},
      {{"--data=" + (dir / "small.npy").string(), "--algo=percentile", "--percentile=0"},
       "--percentile: '0' is not a number in (0, 100]"},
      {{"--data=" + (dir / "small.npy").string(), "--percentile=99"},
       "--percentile applies to --algo=percentile"},
      {{"--data=" + (dir / "small.npy").string(), "--batch=0"}, "--batch: '0' is not an integer"},
      {{"--data=" + (dir / "small.npy").string(), "--batch=4", "--shapes=input:2x3x32x32"},
       "--batch=4 contradicts --shapes"},
      {{"--batch=4"}, "--batch applies to --data"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"calibrate", kModelBN, out};
    args.insert(args.end(), c.args.begin(), c.args.end());
    Result r = runCli(args);
    EXPECT_EQ(r.code, 2) << c.expect;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(dir / "c.cache"));
  }
}

}  // namespace
