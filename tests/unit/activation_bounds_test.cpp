// Activation parameters an engine can hold: an unbounded Clip gets the float range (as in
// TensorRT's ONNX parser), so what dlasim saves it loads again (fuzz finding, onnx target: an
// infinite bound was written as JSON null); non-finite parameters are refused at import.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "hostile_support.h"

namespace {

using namespace testsupport;

constexpr float kInf = std::numeric_limits<float>::infinity();

void attrFloat(onnx::NodeProto* n, const std::string& name, float v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

void addScalarF32(onnx::ModelProto& m, const std::string& name, float v) {
  auto* t = m.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  t->add_float_data(v);
}

class ActivationBounds : public HostileTest {
 protected:
  // Builds for DLA core 0 (so the Clip meets the rules and the partitioner), saves the engine,
  // loads and runs it.
  void expectRoundTrip(const onnx::ModelProto& m, const std::string& name) {
    SCOPED_TRACE(name);
    std::string file = save(m, name + ".onnx"), engine = path(name + ".engine");
    Result r = runCli({"--onnx=" + file, "--fp16", "--useDLACore=0", "--allowGPUFallback",
                       "--skipInference", "--saveEngine=" + engine});
    ASSERT_EQ(r.code, 0) << r.err;
    r = runCli({"--loadEngine=" + engine, "--exportOutput=" + path(name + ".json")});
    EXPECT_EQ(r.code, 0) << r.err;
  }
};

TEST_F(ActivationBounds, UnboundedClipSavesAndLoads) {
  {  // opset 10: bounds are attributes, both absent
    onnx::ModelProto m = newModel(10);
    addInput(m, "x", {1, 4, 4, 4});
    addNode(m, "Clip", "open_clip", {"x"}, {"y"});
    addOutput(m, "y");
    expectRoundTrip(m, "attrs");
  }
  {  // opset 13: infinite bounds given as inputs
    onnx::ModelProto m = newModel(13);
    addInput(m, "x", {1, 4, 4, 4});
    addScalarF32(m, "lo", -kInf);
    addScalarF32(m, "hi", kInf);
    addNode(m, "Clip", "inf_clip", {"x", "lo", "hi"}, {"y"});
    addOutput(m, "y");
    expectRoundTrip(m, "inputs");
  }
}

TEST_F(ActivationBounds, NonFiniteParametersAreRefused) {
  {
    onnx::ModelProto m = newModel(13);
    addInput(m, "x", {1, 4, 4, 4});
    addScalarF32(m, "lo", std::nanf(""));
    addNode(m, "Clip", "nan_clip", {"x", "lo"}, {"y"});
    addOutput(m, "y");
    expectOneError(runCli({"check", save(m, "nan.onnx")}), {"nan_clip", "NaN"});
  }
  {
    onnx::ModelProto m = newModel(13);
    addInput(m, "x", {1, 4, 4, 4});
    attrFloat(addNode(m, "LeakyRelu", "inf_leaky", {"x"}, {"y"}), "alpha", kInf);
    addOutput(m, "y");
    expectOneError(runCli({"check", save(m, "leaky.onnx")}), {"inf_leaky", "alpha inf"});
  }
}

}  // namespace
