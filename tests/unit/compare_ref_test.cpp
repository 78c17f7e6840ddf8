// Issue 19 item 6: `dlasim compare model.onnx --ref=FILE` checks dlasim against outputs another
// run wrote (trtexec's --exportOutput JSON from a device here; Polygraphy's JSON and numpy's
// .npz / .npy in python/tests/test_compare_ref.py), matched by output name.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "dlasim/io.h"
#include "test_support.h"

namespace {

using namespace testsupport;
using nlohmann::json;

const std::string kModelBN = std::string(DLASIM_BINARY_DIR) + "/examples/model_bn.onnx";

struct RefFiles {
  TempDir dir{"compare_ref"};
  std::string input = (dir / "x.npy").string(), outputs = (dir / "o.json").string();
  std::string model;
  explicit RefFiles(std::string m = kModelBN) : model(std::move(m)) {
    // The "device" run: dlasim's own FP32 run, written as trtexec writes --exportOutput.
    dlasim::TensorSpec spec{"input", dlasim::DataType::kFloat, {2, 3, 32, 32}};
    dlasim::saveNpy(input, dlasim::randomTensor(spec, 11));
    Result r = runCli({"--onnx=" + model, "--shapes=input:2x3x32x32",
                       "--loadInputs=input:" + input, "--exportOutput=" + outputs});
    EXPECT_EQ(r.code, 0) << r.err;
  }
  Result compare(const std::string& ref, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"compare", model, "--shapes=input:2x3x32x32",
                                     "--loadInputs=input:" + input, "--ref=" + ref};
    args.insert(args.end(), extra.begin(), extra.end());
    return runCli(args);
  }
};

TEST(CompareRef, TrtexecOutputsAreTheReference) {
  RefFiles f;
  // The FP32 run against its own exported outputs: equal to print precision.
  Result same = f.compare(f.outputs, {"--against=fp32", "--rtol=1e-5", "--atol=1e-6"});
  ASSERT_EQ(same.code, 0) << same.err << same.out;
  EXPECT_NE(same.out.find("against the reference outputs in " + f.outputs), std::string::npos)
      << same.out;
  EXPECT_NE(same.out.find("PASSED | All outputs matched"), std::string::npos);
  EXPECT_EQ(same.out.find("seeded random data"), std::string::npos);  // inputs were given

  // One value changed in the file: the comparison fails at exactly that element.
  json j = json::parse(readFile(f.outputs));
  ASSERT_EQ(j[0]["name"], "output");
  j[0]["values"][13] = j[0]["values"][13].get<double>() + 50.0;
  std::string bad = (f.dir / "bad.json").string();
  writeFile(bad, j.dump());
  Result off = f.compare(bad, {"--against=fp32", "--rtol=1e-5", "--atol=1e-6"});
  EXPECT_EQ(off.code, 1) << off.err;
  EXPECT_NE(off.out.find("max=50"), std::string::npos) << off.out;
  EXPECT_NE(off.out.find("at (1, 3)"), std::string::npos) << off.out;  // element 13 of 2x10

  // The emulated INT8 DLA build against the FP32 outputs: INT8 error shows, within loose
  // tolerances; a tight tolerance fails (exit 1, the CI gate).
  Result int8 = f.compare(f.outputs, {"--int8", "--useDLACore=0", "--rtol=0.5", "--atol=0.5"});
  EXPECT_EQ(int8.code, 0) << int8.err << int8.out;
  EXPECT_NE(int8.out.find("in emulated INT8 against the reference outputs"), std::string::npos)
      << int8.out;
  Result tight = f.compare(f.outputs, {"--int8", "--useDLACore=0", "--rtol=1e-6", "--atol=1e-7"});
  EXPECT_EQ(tight.code, 1) << tight.err;

  // --json records what the reference was.
  std::string report = (f.dir / "report.json").string();
  ASSERT_EQ(f.compare(f.outputs, {"--against=fp32", "--json=" + report}).code, 0);
  EXPECT_EQ(json::parse(readFile(report))["reference"], f.outputs + " (against the fp32 run)");
}

// A device run exports its output bindings' values: with --outputIOFormats=fp16:chw, FP16-
// rounded ones. The emulated run compared with them is written the same way (exactly equal).
// ModelGN: its classifier runs on the GPU, so its logical output is not FP16-rounded already.
TEST(CompareRef, OutputBindingsAsTheDeviceWritesThem) {
  RefFiles f(std::string(DLASIM_BINARY_DIR) + "/examples/model_gn.onnx");
  std::string fp16 = (f.dir / "fp16.json").string();
  std::vector<std::string> build = {"--fp16", "--useDLACore=0", "--outputIOFormats=fp16:chw"};
  std::vector<std::string> run = {"--onnx=" + f.model, "--shapes=input:2x3x32x32",
                                  "--loadInputs=input:" + f.input, "--allowGPUFallback",
                                  "--exportOutput=" + fp16};
  run.insert(run.end(), build.begin(), build.end());
  ASSERT_EQ(runCli(run).code, 0);
  std::vector<std::string> exact = build;
  exact.insert(exact.end(), {"--rtol=0", "--atol=0"});
  Result r = f.compare(fp16, exact);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  // The FP32 logical outputs are not what the binding held.
  EXPECT_EQ(f.compare(fp16, {"--fp16", "--useDLACore=0", "--rtol=0", "--atol=0"}).code, 1);
}

TEST(CompareRef, RandomInputsAreWarnedAbout) {
  RefFiles f;
  Result r = runCli({"compare", kModelBN, "--shapes=input:2x3x32x32", "--ref=" + f.outputs});
  EXPECT_NE(r.out.find("input 'input' is seeded random data (no --loadInputs)"), std::string::npos)
      << r.out;
}

TEST(CompareRef, BadReferenceFilesAreOneErrorLine) {
  RefFiles f;
  json j = json::parse(readFile(f.outputs));
  auto variant = [&](const std::string& name, const json& v) {
    std::string p = (f.dir / name).string();
    writeFile(p, v.dump());
    return p;
  };
  json renamed = j;
  renamed[0]["name"] = "logits";
  json reshaped = j;
  reshaped[0]["dimensions"] = "4x5";
  json short_ = j;
  short_[0]["values"].erase(short_[0]["values"].size() - 1);
  std::string garbage = (f.dir / "garbage.json").string();
  writeFile(garbage, "[{\"name\": \"output\", ");
  std::string zip = (f.dir / "broken.npz").string();
  writeFile(zip, std::string("PK\x03\x04", 4) + std::string(40, '\0'));
  struct Case {
    std::string file;
    std::vector<std::string> extra, needles;
  } cases[] = {
      {variant("renamed.json", renamed), {}, {"renamed.json", "no output 'output'", "'logits'"}},
      {variant("reshaped.json", reshaped), {}, {"reshaped.json", "shape 4x5", "2x10"}},
      {variant("short.json", short_), {}, {"short.json", "19 values", "need 20"}},
      {garbage, {}, {"garbage.json", "not valid JSON"}},
      {zip, {}, {"broken.npz", "not a zip archive"}},
      {(f.dir / "missing.json").string(), {}, {"missing.json", "no such file"}},
      {f.outputs, {"--per-layer"}, {"--per-layer", "--ref"}},
      {f.outputs, {"--against=device"}, {"--against: 'device'"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    Result r = f.compare(c.file, c.extra);
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("dlasim: error: ", 0), 0u) << r.err;
    for (const auto& n : c.needles) EXPECT_NE(r.err.find(n), std::string::npos) << n << r.err;
  }
  // --against without --ref is a usage error too.
  EXPECT_EQ(runCli({"compare", kModelBN, "--against=fp32"}).code, 2);
}

}  // namespace
