// Structured-sparsity eligibility (design §3: Orin only, INT8 convolution, C > 64, 2:4 along C).
#include <gtest/gtest.h>

#include "hwmodels/dla_rules.h"
#include "sim/ops/op_def.h"
#include "sim/runtime/executor.h"

namespace {

struct ConvGraph {
  sim::Graph g;
  sim::Node* conv = nullptr;
  // A 1x1 convolution with `c` input channels; `nonzeroPer4` of every 4 weights along C are 1.
  ConvGraph(int64_t c, int nonzeroPer4) {
    sim::TensorId x = g.addTensor("x", {sim::DType::kFloat, {1, c, 4, 4}});
    g.inputs.push_back(x);
    sim::Tensor w(sim::DType::kFloat, {8, c, 1, 1});
    for (int64_t o = 0; o < 8; ++o)
      for (int64_t i = 0; i < c; ++i)
        w.data<float>()[o * c + i] = (i % 4) < nonzeroPer4 ? 1.f : 0.f;
    sim::TensorId wt = g.addConstant("w", std::move(w));
    sim::Node n;
    n.kind = sim::OpKind::kConvolution;
    n.name = n.onnxOp = "Conv";
    n.inputs = {x, wt};
    sim::ConvAttrs a;
    a.kernel = {1, 1};
    a.strides = a.dilations = {1, 1};
    a.padsBegin = a.padsEnd = {0, 0};
    n.attrs = a;
    n.outputs.push_back(g.addTensor("y", sim::inferNode(g, n)[0]));
    g.nodes.push_back(n);
    conv = &g.nodes.back();
  }
  bool eligible(const std::string& platform, hw::Precision p, std::string* why) {
    return hw::sparseEligible(g, *conv, hw::platformById(platform), p, why);
  }
};

TEST(Sparsity, OrinInt8WideTwoOfFourIsEligible) {
  std::string why;
  EXPECT_TRUE(ConvGraph(128, 2).eligible("orin-agx", hw::Precision::kINT8, &why)) << why;
}

TEST(Sparsity, EachConditionIsChecked) {
  std::string why;
  EXPECT_FALSE(ConvGraph(128, 3).eligible("orin-agx", hw::Precision::kINT8, &why));
  EXPECT_NE(why.find("not 2:4 sparse"), std::string::npos) << why;
  EXPECT_FALSE(ConvGraph(64, 2).eligible("orin-agx", hw::Precision::kINT8, &why));
  EXPECT_NE(why.find("64 <= 64"), std::string::npos) << why;
  EXPECT_FALSE(ConvGraph(128, 2).eligible("orin-agx", hw::Precision::kFP16, &why));
  EXPECT_NE(why.find("INT8"), std::string::npos) << why;
  EXPECT_FALSE(ConvGraph(128, 2).eligible("xavier-nx", hw::Precision::kINT8, &why));
  EXPECT_NE(why.find("Xavier NX"), std::string::npos) << why;
}

}  // namespace
