// Gemm / MatMul by constant weights on the DLA (docs/dla-rules.md "TensorRT version modelled"):
// TensorRT 8.4's parser imports them as MatrixMultiply + a bias ElementWise, its builder runs
// them on the DLA as a 1x1 convolution. The placements the jetson_dla_tutorial publishes for its
// ModelBN (global pool, and AvgPool2d(2) from modify.py), a ModelBN-like classifier with
// Flatten, the numerics, and ModelGN's Gemm, which stays on the GPU (seed log).
#include <gtest/gtest.h>

#include "dlasim/dlasim.h"
#include "trtexec_models.h"

namespace {

using namespace testsupport;

std::vector<std::string> tagged(const std::string& log, const std::string& tag) {
  std::vector<std::string> v;
  std::istringstream is(log);
  for (std::string line; std::getline(is, line);) {
    size_t at = line.find(tag);
    if (at != std::string::npos) v.push_back(line.substr(at + tag.size()));
  }
  return v;
}

class FullyConnected : public ::testing::Test {
 protected:
  void SetUp() override {
    saveModel(modelBnLike(true), dir / "gap.onnx");
    saveModel(modelBnLike(false), dir / "avg.onnx");
  }
  Result place(const std::string& model, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--onnx=" + (dir / model).string(),
                                     "--shapes=input:32x3x32x32",
                                     "--int8",
                                     "--useDLACore=0",
                                     "--allowGPUFallback",
                                     "--skipInference"};
    args.insert(args.end(), extra.begin(), extra.end());
    return runCli(args);
  }
  TempDir dir{"fc"};
};

// Global average pooling is a Reduce the DLA rejects; the multiply after it is a loadable of its
// own. The Flatten merges with the unsqueeze into a no-op Shuffle the builder removes; the
// squeeze back to N x 10 runs on the GPU. Parser layers: 6 of the convolution blocks, the pool
// (6), Flatten's Shape/Constant/Gather/Constant/Concatenation/Shuffle (7-12), the weights'
// Constant (13), the multiply (14), the bias's Constant (15), its broadcast Shuffle (16), the
// sum (17).
const std::string kGemm8 =
    "Gemm_8 + linear.bias + (Unnamed Layer* 16) [Shuffle] + unsqueeze_node_after_linear.bias + "
    "(Unnamed Layer* 16) [Shuffle]_(Unnamed Layer* 16) [Shuffle]_output + (Unnamed Layer* 17) "
    "[ElementWise]";

TEST_F(FullyConnected, GlobalPoolClassifierPlacement) {
  Result r = place("gap.onnx");
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(
      tagged(r.out, "[DlaLayer] "),
      (std::vector<std::string>{"{ForeignNode[Conv_0...Relu_5]}", "{ForeignNode[" + kGemm8 + "]}"}))
      << r.out;
  EXPECT_EQ(
      tagged(r.out, "[GpuLayer] "),
      (std::vector<std::string>{"REDUCE: GlobalAveragePool_6",
                                "SHUFFLE: copied_squeeze_after_(Unnamed Layer* 17) [ElementWise]"}))
      << r.out;
}

TEST_F(FullyConnected, AveragePoolClassifierRunsOnTheDlaUpToTheSqueeze) {
  Result r = place("avg.onnx");
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(tagged(r.out, "[DlaLayer] "),
            (std::vector<std::string>{"{ForeignNode[Conv_0...Gemm_8]}"}))
      << r.out;
  EXPECT_EQ(tagged(r.out, "[GpuLayer] "),
            (std::vector<std::string>{"SHUFFLE: reshape_after_Gemm_8"}))
      << r.out;
}

TEST_F(FullyConnected, OnTheGpuItIsAMatrixMultiply) {
  Result gpu = place("avg.onnx", {"--layerDeviceTypes=Gemm_8:GPU"});
  ASSERT_EQ(gpu.code, 0) << gpu.err;
  EXPECT_NE(gpu.out.find("[GpuLayer] MATRIX_MULTIPLY: Gemm_8 + linear.bias + (Unnamed Layer* 16) "
                         "[Shuffle] + (Unnamed Layer* 17) [ElementWise]"),
            std::string::npos)
      << gpu.out;
  // Without fallback only the squeeze stops the build.
  Result strict = runCli({"--onnx=" + (dir / "avg.onnx").string(), "--shapes=input:2x3x32x32",
                          "--int8", "--useDLACore=0", "--skipInference"});
  EXPECT_EQ(strict.code, 1);
  EXPECT_NE(strict.err.find("1 problem(s)"), std::string::npos) << strict.err;
  EXPECT_NE(strict.err.find("reshape_after_Gemm_8"), std::string::npos) << strict.err;
}

TEST_F(FullyConnected, CheckCountsTheGemmOnTheDla) {
  Result r = runCli({"check", (dir / "gap.onnx").string(), "--shapes=input:32x3x32x32"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream is(r.out);
  bool found = false;
  for (std::string line; std::getline(is, line);)
    if (line.rfind("Gemm ", 0) == 0) {
      found = true;
      std::istringstream cols(line.substr(4));
      int count = 0, dla = 0, gpu = 0;
      cols >> count >> dla >> gpu;
      EXPECT_EQ(std::vector<int>({count, dla, gpu}), std::vector<int>({1, 1, 0})) << line;
    }
  EXPECT_TRUE(found) << r.out;
  EXPECT_NE(r.out.find("use AveragePool with kernel 8x8 instead of GlobalAveragePool"),
            std::string::npos)
      << r.out;
}

// y = a B^T + C (transB) or a B + C, and MatMul a B, against the layers' FP32 run.
TEST(FullyConnectedNumerics, MatchesTheGemmFormula) {
  TempDir dir("fcnum");
  for (int variant = 0; variant < 3; ++variant) {
    bool transB = variant == 1, matmul = variant == 2;
    onnx::ModelProto proto = gemmOnInput(transB, matmul);
    saveModel(proto, dir / "g.onnx");
    dlasim::Model m = dlasim::Model::load((dir / "g.onnx").string());
    dlasim::BuildConfig cfg;
    cfg.fp16 = true;
    cfg.dlaCore = 0;
    cfg.allowGpuFallback = true;
    dlasim::Plan plan = m.build(cfg);
    bool fcOnDla = false;
    for (const auto& l : plan.layers())
      fcOnDla |= l.type == "MATRIX_MULTIPLY" && l.device == dlasim::Device::kDLA;
    EXPECT_TRUE(fcOnDla) << "variant " << variant;
    dlasim::Tensor a(dlasim::DataType::kFloat, {4, 24});
    for (int i = 0; i < 96; ++i) a.data<float>()[i] = std::cos(0.37f * float(i));
    dlasim::Tensor y = m.run({{"a", a}}).at("y");
    ASSERT_EQ(y.shape(), (dlasim::Shape{4, 6}));
    auto init = [&](const std::string& name) {
      for (const auto& t : proto.graph().initializer())
        if (t.name() == name) {
          std::vector<float> v(t.raw_data().size() / 4);
          std::memcpy(v.data(), t.raw_data().data(), t.raw_data().size());
          return v;
        }
      return std::vector<float>();
    };
    std::vector<float> b = init("B"), c = init("C");
    for (int n = 0; n < 4; ++n)
      for (int o = 0; o < 6; ++o) {
        double want = matmul ? 0.0 : c[size_t(o)];
        for (int k = 0; k < 24; ++k)
          want += double(a.data<float>()[n * 24 + k]) *
                  (transB ? b[size_t(o * 24 + k)] : b[size_t(k * 6 + o)]);
        EXPECT_NEAR(y.data<float>()[n * 6 + o], want, 1e-5) << variant << " " << n << "," << o;
      }
    // The FP16 DLA emulation stays close to it.
    dlasim::Tensor y16 = plan.run({{"a", a}}).at("y");
    for (int i = 0; i < 24; ++i) EXPECT_NEAR(y16.data<float>()[i], y.data<float>()[i], 2e-2);
  }
}

// The tutorial's ModelBN, exported as torch 1.11 does (BatchNorm folded into the convolutions,
// x.view(x.shape[0], -1) on a dynamic batch), built with the seed's command: the log the
// jetson_dla_tutorial publishes, line for line (issue 19 item 1).
const std::string kExamples = std::string(DLASIM_BINARY_DIR) + "/examples/";
const std::vector<std::string> kSeed = {"--shapes=input:32x3x32x32", "--int8", "--useDLACore=0",
                                        "--allowGPUFallback", "--skipInference"};

Result seedCommand(const std::string& model) {
  std::vector<std::string> args = {"--onnx=" + kExamples + model};
  args.insert(args.end(), kSeed.begin(), kSeed.end());
  return runCli(args);
}

TEST(TutorialModelBN, GlobalPoolPlacementAsPublished) {
  Result r = seedCommand("model_bn.onnx");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(tagged(r.out, "[DlaLayer] "),
            (std::vector<std::string>{
                "{ForeignNode[Conv_0...Relu_7]}",
                "{ForeignNode[Gemm_15 + linear.bias + (Unnamed Layer* 19) [Shuffle] + "
                "unsqueeze_node_after_linear.bias + (Unnamed Layer* 19) [Shuffle]_(Unnamed "
                "Layer* 19) [Shuffle]_output + (Unnamed Layer* 20) [ElementWise]]}"}))
      << r.out;
  EXPECT_EQ(
      tagged(r.out, "[GpuLayer] "),
      (std::vector<std::string>{"REDUCE: GlobalAveragePool_8",
                                "SHUFFLE: copied_squeeze_after_(Unnamed Layer* 20) [ElementWise]"}))
      << r.out;
  // check no longer tells users to rewrite view().
  Result check = runCli({"check", kExamples + "model_bn.onnx", "--shapes=input:32x3x32x32"});
  ASSERT_EQ(check.code, 0) << check.err;
  EXPECT_EQ(check.out.find("view("), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("instead of GlobalAveragePool"), std::string::npos) << check.out;
}

TEST(TutorialModelBN, AveragePoolPlacementAsPublished) {
  Result r = seedCommand("model_bn_avgpool.onnx");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(tagged(r.out, "[DlaLayer] "),
            (std::vector<std::string>{"{ForeignNode[Conv_0...Gemm_15]}"}))
      << r.out;
  EXPECT_EQ(tagged(r.out, "[GpuLayer] "),
            (std::vector<std::string>{"SHUFFLE: reshape_after_Gemm_15"}))
      << r.out;
}

// ModelGN's identical classifier stays a MatrixMultiply on the GPU (the seed's 5 loadables;
// docs/dla-rules.md: the assumption about plugin layers), and check says why.
TEST(TutorialModelGN, GemmStaysOnTheGpuWithItsReason) {
  Result check = runCli({"check", kExamples + "model_gn.onnx", "--shapes=input:32x3x32x32"});
  ASSERT_EQ(check.code, 0) << check.err;
  EXPECT_NE(check.out.find("not in a network with plugin layers"), std::string::npos) << check.out;
  EXPECT_EQ(check.out.find("view("), std::string::npos) << check.out;
}

}  // namespace
