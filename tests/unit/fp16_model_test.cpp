// FP16 ONNX models (float16 initializers, inputs and outputs, as Jetson exports often are)
// import and run; their bindings are FP16 by default, so FP16 input files and
// --inputIOFormats=fp16:chw need no conversion (issue 19 item 3).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "kernels/numeric/fp16.h"
#include "test_support.h"

namespace {

using namespace testsupport;

// conv (4 -> 8, 3x3, pad 1) -> relu on a 1x4x8x8 input, its tensors in `type` (FLOAT16 or FLOAT);
// weight values are FP16 numbers, so the two models compute the same function.
onnx::ModelProto convRelu(int type) {
  onnx::ModelProto m = newModel(13);
  addInput(m, "x", {1, 4, 8, 8});
  addOutput(m, "y");
  m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(type);
  m.mutable_graph()->mutable_output(0)->mutable_type()->mutable_tensor_type()->set_elem_type(type);
  auto* w = m.mutable_graph()->add_initializer();
  w->set_name("w");
  w->set_data_type(type);
  for (int64_t d : {8, 4, 3, 3}) w->add_dims(d);
  std::string raw;
  for (int i = 0; i < 8 * 4 * 9; ++i) {
    float v = kern::numeric::roundToFp16(0.2f * std::sin(0.37f * float(i) + 0.1f));
    uint16_t h = kern::numeric::floatToHalfBits(v);
    raw += type == onnx::TensorProto::FLOAT16 ? std::string(reinterpret_cast<const char*>(&h), 2)
                                              : std::string(reinterpret_cast<const char*>(&v), 4);
  }
  w->set_raw_data(raw);
  attrInts(addNode(m, "Conv", "conv0", {"x", "w"}, {"c"}), "pads", {1, 1, 1, 1});
  addNode(m, "Relu", "relu0", {"c"}, {"y"});
  return m;
}

std::vector<double> outputValues(const fs::path& json) {
  auto j = nlohmann::json::parse(readFile(json));
  return j.at(0).at("values").get<std::vector<double>>();
}

TEST(Fp16Model, ImportsAndRunsWithFp16Bindings) {
  TempDir dir("fp16_model");
  saveModel(convRelu(onnx::TensorProto::FLOAT16), dir / "half.onnx");
  saveModel(convRelu(onnx::TensorProto::FLOAT), dir / "float.onnx");
  std::string half, single;  // the same FP16-representable input, as FP16 and FP32 raw files
  for (int i = 0; i < 4 * 64; ++i) {
    float v = kern::numeric::roundToFp16(std::cos(0.11f * float(i)));
    uint16_t h = kern::numeric::floatToHalfBits(v);
    half += std::string(reinterpret_cast<const char*>(&h), 2);
    single += std::string(reinterpret_cast<const char*>(&v), 4);
  }
  writeFile(dir / "x16.bin", half);
  writeFile(dir / "x32.bin", single);
  auto run = [&](const std::string& model, const std::string& input,
                 std::vector<std::string> extra) {
    std::vector<std::string> args = {"--onnx=" + (dir / model).string(),
                                     "--loadInputs=x:" + (dir / input).string(),
                                     "--exportOutput=" + (dir / (model + ".json")).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    Result r = runCli(args);
    EXPECT_EQ(r.code, 0) << r.err << r.out;
    return outputValues(dir / (model + ".json"));
  };
  // The FP16 model reads the FP16 file as it is: its input binding is fp16:chw by default.
  std::vector<double> got = run("half.onnx", "x16.bin", {});
  std::vector<double> want = run("float.onnx", "x32.bin", {});
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)  // the FP16 output binding rounds
    EXPECT_EQ(got[i], kern::numeric::roundToFp16(float(want[i]))) << i;
  // An FP32 file is not its input's size.
  Result wrong = runCli(
      {"--onnx=" + (dir / "half.onnx").string(), "--loadInputs=x:" + (dir / "x32.bin").string()});
  EXPECT_EQ(wrong.code, 2) << wrong.out;
  // --inputIOFormats=fp16:chw is its default: the same run.
  EXPECT_EQ(run("half.onnx", "x16.bin", {"--inputIOFormats=fp16:chw"}), got);
  // On the DLA in FP16, too.
  std::vector<double> dla =
      run("half.onnx", "x16.bin", {"--fp16", "--useDLACore=0", "--inputIOFormats=fp16:chw"});
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(dla[i], got[i], 2e-2) << i;
}

}  // namespace
