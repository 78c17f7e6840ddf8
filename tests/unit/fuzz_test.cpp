// Mutated models must never crash dlasim: every run ends with exit 0 (the mutation was
// harmless) or 2 (a clear error), never a signal, an exception escaping, or exit 1.
#include <gtest/gtest.h>

#include <random>

#include "test_support.h"

namespace {

using namespace testsupport;

TEST(Fuzz, ByteFlipsOfModelGNNeverCrash) {
  fs::path dir = fs::temp_directory_path() / ("dlasim_fuzz_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string model = readFile(std::string(DLASIM_BINARY_DIR) + "/examples/model_gn.onnx");
  ASSERT_GT(model.size(), 1000u);
  // The graph (nodes, shapes, attributes) sits after the big initializers in torch exports
  // and ours; mutate everywhere, but mostly in the small structural part.
  std::mt19937 rng(12345);
  int clean = 0, refused = 0;
  for (int i = 0; i < 120; ++i) {
    std::string m = model;
    int flips = 1 + int(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      size_t at =
          rng() % 2 ? rng() % m.size() : m.size() - 1 - rng() % std::min<size_t>(m.size(), 4000);
      m[at] = char(rng() & 0xff);
    }
    fs::path p = dir / ("m" + std::to_string(i) + ".onnx");
    writeFile(p, m);
    Result r = runCli({"--onnx=" + p.string(), "--shapes=input:2x3x32x32", "--int8",
                       "--useDLACore=0", "--allowGPUFallback"});
    ASSERT_TRUE(r.code == 0 || r.code == 2) << "mutation " << i << ": exit " << r.code << "\n"
                                            << r.err;
    if (r.code == 2) {
      ++refused;
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    } else {
      ++clean;
    }
  }
  EXPECT_GT(refused, 0);  // the mutations do reach the checks
  fs::remove_all(dir);
}

}  // namespace
