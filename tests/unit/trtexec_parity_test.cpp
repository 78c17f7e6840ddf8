// trtexec-style command lines of the kind NVIDIA's DLA samples, cuDLA samples, Jetson benchmark
// scripts and QAT toolkits run, each checked for its exit code, log lines and written files
// against trtexec's documented behaviour (issue 9). One table; the cases run in order, since
// some read files earlier ones wrote (engines, inputs).
#include <gtest/gtest.h>
#include <unistd.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "trtexec_models.h"

namespace {

using namespace testsupport;

struct Case {
  std::string what;               // what trtexec does with this command line
  std::vector<std::string> args;  // {GN} {BN} {GAP} {AVG} {CR} {SP} {DIR} are substituted
  int code = 0;
  std::vector<std::string> out = {}, err = {}, notOut = {};
  std::vector<std::pair<std::string, std::string>> files = {};  // {file, text it contains}
  std::function<void(const Result&, const fs::path&)> check = nullptr;
};

std::string substitute(std::string s, const std::map<std::string, std::string>& vars) {
  for (const auto& [key, value] : vars)
    for (size_t at; (at = s.find(key)) != std::string::npos;) s.replace(at, key.size(), value);
  return s;
}

nlohmann::json readJson(const fs::path& p) {
  return nlohmann::json::parse(readFile(p));
}

class TrtexecParity : public ::testing::Test {
 protected:
  void SetUp() override {
    saveModel(modelBnLike(true), dir / "gap.onnx");
    saveModel(modelBnLike(false), dir / "avg.onnx");
    saveModel(convRelu(), dir / "cr.onnx");
    saveModel(wideConvs(), dir / "sp.onnx");
    writeFile(dir / "x_short.raw", std::string(192, '\1'));   // 1x3x8x8 int8, linear
    writeFile(dir / "x_chw32.raw", std::string(2048, '\2'));  // 1x3x8x8 int8, chw32
    vars = {{"{GN}", std::string(DLASIM_BINARY_DIR) + "/examples/model_gn.onnx"},
            {"{BN}", std::string(DLASIM_BINARY_DIR) + "/examples/model_bn.onnx"},
            {"{GAP}", (dir / "gap.onnx").string()},
            {"{AVG}", (dir / "avg.onnx").string()},
            {"{CR}", (dir / "cr.onnx").string()},
            {"{SP}", (dir / "sp.onnx").string()},
            {"{DIR}", dir.path.string()}};
  }
  TempDir dir{"parity"};
  std::map<std::string, std::string> vars;
};

const std::string kSeed = "--shapes=input:32x3x32x32";
const std::vector<std::string> kDla = {"--int8", "--useDLACore=0", "--allowGPUFallback"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<Case> cases() {
  const std::string gap = "--onnx={GAP}", avg = "--onnx={AVG}", cr = "--onnx={CR}";
  const std::string bs = "--shapes=input:2x3x32x32";
  return {
      // ---- the seed and engines ------------------------------------------------------------
      {"the seed's command: 5 loadables, the GPU names of TensorRT 8.4's log",
       with({"--onnx={GN}", kSeed, "--saveEngine={DIR}/gn.engine", "--useSpinWait",
             "--separateProfileRun"},
            kDla),
       0,
       {"[DlaLayer] {ForeignNode[Relu_43]}",
        "[GpuLayer] SHUFFLE: Reshape_2 + (Unnamed Layer* 7) [Shuffle]",
        "[GpuLayer] SCALE: 71 + (Unnamed Layer* 16) [Shuffle] + Mul_8",
        "Layer 'InstanceNormalization_5' (PLUGIN_V2): Unsupported on DLA"}},
      {"--loadEngine repeats the placement, not the build's fallback warnings",
       {"--loadEngine={DIR}/gn.engine", "--skipInference"},
       0,
       {"[DlaLayer] {ForeignNode[Relu_10...Conv_11]}"},
       {},
       {"Unsupported on DLA"}},
      {"--loadEngine with other shapes: the DLA runs its build shapes only",
       {"--loadEngine={DIR}/gn.engine", "--shapes=input:8x3x32x32"},
       2,
       {},
       {"runtime shapes must equal the build shapes", "32x3x32x32"}},
      {"--buildOnly builds, saves and reports without inference",
       with(
           {gap, bs, "--buildOnly", "--saveEngine={DIR}/gap.engine", "--exportOutput={DIR}/o.json"},
           kDla),
       0,
       {"Skipped inference (--buildOnly)", "Engine saved to"},
       {},
       {"Output written to"},
       {{"gap.engine", "DLASIMEN"}}},
      // ---- flags scripts pass --------------------------------------------------------------
      {"--explicitBatch is what ONNX networks are anyway",
       with({gap, bs, "--explicitBatch", "--skipInference"}, kDla),
       0,
       {"--explicitBatch has no effect in simulation"}},
      {"--threads is a switch: the next flag is not its value",
       {gap, bs, "--threads", "--int8", "--skipInference"},
       0,
       {"Precision: FP32+INT8", "--threads only matters on a device"}},
      {"--batch is implicit batch, which trtexec 8.x refuses for ONNX",
       {gap, "--batch=4"},
       2,
       {},
       {"--batch=4: implicit batch is not supported for ONNX models", "--shapes"}},
      {"--maxBatch likewise", {gap, "--maxBatch=16"}, 2, {}, {"--maxBatch=16: implicit batch"}},
      {"--fp8 --bf16 --tf32 are GPU precisions: accepted, no effect on the DLA",
       with({gap, bs, "--fp8", "--bf16", "--tf32", "--skipInference"}, kDla),
       0,
       {"--fp8 has no effect in simulation", "--bf16 has no effect in simulation",
        "--tf32 has no effect in simulation", "{ForeignNode[Gemm_8 + linear.bias + "}},
      {"--avgTiming / --minTiming tune kernel timing: accepted",
       with({gap, bs, "--avgTiming=4", "--minTiming=2", "--skipInference"}, kDla),
       0,
       {"--avgTiming has no effect in simulation", "--minTiming has no effect in simulation"}},
      {"--avgTiming must still be a count", {gap, "--avgTiming=0"}, 2, {}, {"--avgTiming: '0'"}},
      {"the calibration profile flags are accepted",
       with({gap, bs, "--minShapesCalib=input:1x3x32x32", "--optShapesCalib=input:2x3x32x32",
             "--maxShapesCalib=input:4x3x32x32", "--skipInference"},
            kDla),
       0,
       {"--minShapesCalib has no effect", "--maxShapesCalib has no effect"}},
      {"--versionCompatible is accepted",
       with({gap, bs, "--versionCompatible", "--skipInference"}, kDla),
       0,
       {"--versionCompatible has no effect"}},
      {"--timingCacheFile leaves a file where scripts expect it",
       with({gap, bs, "--timingCacheFile={DIR}/timing.cache", "--skipInference"}, kDla),
       0,
       {"Timing cache written to"},
       {},
       {},
       {{"timing.cache", "DLASIM-TIMING-CACHE"}}},
      {"--memPoolSize in trtexec's units",
       with({gap, bs, "--memPoolSize=workspace:1024MiB,dlaSRAM:512K,dlaLocalDRAM:1G",
             "--skipInference"},
            kDla),
       0,
       {"[DlaLayer] {ForeignNode[Conv_0...Relu_5]}"}},
      {"a DLA pool must still be a power of two",
       with({gap, bs, "--memPoolSize=dlaSRAM:3MiB"}, kDla),
       2,
       {},
       {"3145728 bytes must be a power of two"}},
      {"--stronglyTyped takes precisions from the FP32 network: nothing runs on the DLA",
       {gap, bs, "--stronglyTyped", "--useDLACore=0", "--allowGPUFallback", "--skipInference"},
       0,
       {"DLA only supports FP16 and INT8"},
       {},
       {"[DlaLayer]"}},
      {"--stronglyTyped with a precision flag is refused, as trtexec does",
       {gap, "--stronglyTyped", "--fp16"},
       2,
       {},
       {"--stronglyTyped", "not allowed"}},
      // ---- per-layer flags -----------------------------------------------------------------
      {"--layerPrecisions without --precisionConstraints is ignored with a warning",
       with({gap, bs, "--layerPrecisions=Conv_0:fp32", "--skipInference"}, kDla),
       0,
       {"--layerPrecisions is ignored: set --precisionConstraints",
        "{ForeignNode[Conv_0...Relu_5]}"}},
      {"obey: an FP32 layer leaves the DLA",
       with({gap, bs, "--precisionConstraints=obey", "--layerPrecisions=Conv_0:fp32",
             "--skipInference"},
            kDla),
       0,
       {"[GpuLayer] CONVOLUTION: Conv_0 + BatchNormalization_1 + Relu_2",
        "--layerPrecisions asks for fp32; DLA only supports FP16 and INT8"}},
      {"obey: INT8 where the GPU has no INT8 kernel fails the build",
       with({gap, bs, "--precisionConstraints=obey", "--layerPrecisions=GlobalAveragePool_6:int8",
             "--skipInference"},
            kDla),
       1,
       {},
       {"GlobalAveragePool_6", "--precisionConstraints=obey cannot be met"}},
      {"prefer: the same request falls back with a warning",
       with({gap, bs, "--precisionConstraints=prefer", "--layerPrecisions=GlobalAveragePool_6:int8",
             "--skipInference"},
            kDla),
       0,
       {"GlobalAveragePool_6' (REDUCE): --layerPrecisions asks for INT8",
        "--precisionConstraints=prefer falls back"}},
      {"--layerOutputTypes with obey: an FP32 output leaves the DLA",
       with({avg, bs, "--precisionConstraints=obey", "--layerOutputTypes=AveragePool_6:fp32",
             "--skipInference"},
            kDla),
       0,
       {"[GpuLayer] POOLING: AveragePool_6", "--layerOutputTypes asks for fp32"}},
      {"--layerPrecisions=*:fp16 with obey: every layer in FP16",
       with({avg, bs, "--precisionConstraints=obey", "--layerPrecisions=*:fp16", "--skipInference",
             "--exportLayerInfo={DIR}/star.json", "--profilingVerbosity=detailed"},
            kDla),
       0,
       {},
       {},
       {},
       {{"star.json", "\"Precision\": \"FP16\""}},
       [](const Result&, const fs::path& d) {
         EXPECT_EQ(readFile(d / "star.json").find("\"Precision\": \"INT8\""), std::string::npos);
       }},
      {"--layerDeviceTypes=*:GPU keeps everything off the DLA",
       with({gap, bs, "--layerDeviceTypes=*:GPU", "--skipInference"}, kDla),
       0,
       {"placed on the GPU by --layerDeviceTypes"},
       {},
       {"[DlaLayer]"}},
      {"a wildcard in a layer name",
       with({gap, bs, "--layerDeviceTypes=Conv_*:GPU", "--skipInference"}, kDla),
       0,
       {"[GpuLayer] CONVOLUTION: Conv_0 + BatchNormalization_1 + Relu_2",
        "[GpuLayer] CONVOLUTION: Conv_3 + BatchNormalization_4 + Relu_5",
        "[DlaLayer] {ForeignNode[Gemm_8 + linear.bias + "}},
      {"a name that matches no layer is skipped with a warning",
       with({gap, bs, "--precisionConstraints=obey", "--layerPrecisions=NoSuchLayer:fp16",
             "--layerDeviceTypes=Nope:GPU", "--skipInference"},
            kDla),
       0,
       {"--layerPrecisions: no layer named 'NoSuchLayer'",
        "--layerDeviceTypes: no layer named 'Nope'"}},
      // ---- I/O formats ---------------------------------------------------------------------
      {"cuDLA's standalone build with DLA I/O formats",
       {cr, "--int8", "--useDLACore=0", "--buildDLAStandalone", "--inputIOFormats=int8:dla_hwc4",
        "--outputIOFormats=int8:chw32", "--saveEngine={DIR}/sa.engine"},
       0,
       {"Input binding x: int8:dla_hwc4, 512 bytes", "Output binding y: int8:chw32, 2048 bytes",
        "Skipped inference"}},
      {"the standalone engine runs only its DLA loadable, with DLA I/O formats",
       {"--loadEngine={DIR}/sa.engine", "--exportOutput={DIR}/sa.json"},
       0,
       {"Engine is a DLA standalone loadable", "Output y: int8 1x8x8x8"},
       {},
       {},
       {},
       [](const Result&, const fs::path& d) {
         auto j = readJson(d / "sa.json");
         ASSERT_EQ(j.size(), 1u);
         EXPECT_EQ(j[0]["dimensions"], "1x8x8x8");
         ASSERT_EQ(j[0]["values"].size(), 512u);
         for (const auto& v : j[0]["values"]) {
           ASSERT_TRUE(v.is_number_integer()) << v;  // INT8 codes, as the binding holds them
           EXPECT_GE(v.get<int>(), 0);               // after a ReLU
           EXPECT_LE(v.get<int>(), 127);
         }
       }},
      {"--loadInputs in an INT8 chw32 binding: the file must have the binding's size",
       {cr, "--int8", "--useDLACore=0", "--inputIOFormats=int8:chw32", "--allowGPUFallback",
        "--loadInputs=x:{DIR}/x_short.raw"},
       2,
       {},
       {"x_short.raw: has 192 bytes", "needs 2048"}},
      {"... and is read in that layout",
       {cr, "--int8", "--useDLACore=0", "--inputIOFormats=int8:chw32", "--allowGPUFallback",
        "--loadInputs=x:{DIR}/x_chw32.raw", "--dumpRawBindingsToFile"},
       0,
       {"Using values loaded from", "(binding int8:chw32, 2048 bytes)",
        "Writing file for output binding y (with datatype Float and dimensions 1x8x8x8)"},
       {},
       {},
       {{"x.input.1x3x8x8.Int8.raw", std::string(3, '\2') + std::string(29, '\0') + "\2"}},
       [](const Result&, const fs::path& d) {
         std::string raw = readFile(d / "x.input.1x3x8x8.Int8.raw");
         ASSERT_EQ(raw.size(), 2048u);
         EXPECT_EQ(raw[3], '\0');  // channels 3..31 of each vector are padding
         EXPECT_EQ(readFile(d / "y.output.1x8x8x8.Float.raw").size(), 512u * 4);
       }},
      {"an fp16 output binding exports FP16 values",
       {cr, "--fp16", "--useDLACore=0", "--allowGPUFallback", "--outputIOFormats=fp16:chw16",
        "--exportOutput={DIR}/half.json"},
       0,
       {"Output binding y: fp16:chw16, 2048 bytes"},
       {},
       {},
       {},
       [](const Result&, const fs::path& d) {
         nlohmann::json half = readJson(d / "half.json");
         ASSERT_EQ(half[0]["values"].size(), 512u);
         for (const auto& v : half[0]["values"]) {
           float f = v.get<float>();
           int e;
           float m = std::frexp(std::fabs(f), &e);  // FP16 keeps 11 significant bits
           EXPECT_EQ(std::ldexp(std::round(std::ldexp(m, 11)), e - 11), std::fabs(f)) << f;
         }
       }},
      {"--exportLayerInfo lists the reformats and trtexec's keys",
       with({gap, bs, "--exportLayerInfo={DIR}/li.json", "--profilingVerbosity=detailed",
             "--skipInference"},
            kDla),
       0,
       {},
       {},
       {},
       {{"li.json", "Reformatting CopyNode for Input Tensor 0 to {ForeignNode[Conv_0...Relu_5]}"},
        {"li.json", "\"ParameterType\": \"Reduce\""},
        {"li.json", "\"TacticValue\""},
        {"li.json", "\"Bindings\": [\n    \"input\",\n    \"output\"\n  ]"}}},
      {"a DLA input format needs no input reformat",
       {cr, "--int8", "--useDLACore=0", "--allowGPUFallback", "--inputIOFormats=int8:chw32",
        "--exportLayerInfo={DIR}/li32.json", "--skipInference"},
       0,
       {},
       {},
       {},
       {{"li32.json", "Reformatting CopyNode for Output Tensor 0"}},
       [](const Result&, const fs::path& d) {
         EXPECT_EQ(readFile(d / "li32.json").find("for Input Tensor 0"), std::string::npos);
       }},
      {"GPU layers report the precision TensorRT picks: FP16 for the reduce in --best",
       {gap, bs, "--best", "--useDLACore=0", "--allowGPUFallback", "--skipInference",
        "--exportLayerInfo={DIR}/best.json", "--profilingVerbosity=detailed"},
       0,
       {},
       {},
       {},
       {},
       [](const Result&, const fs::path& d) {
         int found = 0;
         nlohmann::json info = readJson(d / "best.json");
         for (const auto& l : info["Layers"]) {
           if (l["Name"] != "GlobalAveragePool_6") continue;
           EXPECT_EQ(l["Precision"], "FP16");  // no INT8 reduce kernel; FP16 allowed
           ++found;
         }
         EXPECT_EQ(found, 1);
       }},
      // ---- shapes and sparsity -------------------------------------------------------------
      {"--shapes outside the profile is an error",
       {gap, "--minShapes=input:1x3x32x32", "--optShapes=input:4x3x32x32",
        "--maxShapes=input:8x3x32x32", "--shapes=input:16x3x32x32"},
       2,
       {},
       {"--shapes: input 'input' shape 16x3x32x32 is outside the profile"}},
      {"--sparsity=force prunes C > 64 convolutions to 2:4 before the eligibility check",
       {"--onnx={SP}", "--int8", "--useDLACore=0", "--allowGPUFallback", "--sparsity=force",
        "--skipInference"},
       0,
       {"--sparsity=force: the weights of 2", "Sparsity: 1 of 2 DLA convolutions eligible"}},
      {"--sparsity=enable uses only weights already 2:4",
       {"--onnx={SP}", "--int8", "--useDLACore=0", "--allowGPUFallback", "--sparsity=enable",
        "--skipInference"},
       0,
       {"Sparsity: 0 of 2 DLA convolutions eligible", "weights are not 2:4 sparse along C (1)"}},
  };
}

TEST_F(TrtexecParity, CommandLines) {
  // --dumpRawBindingsToFile writes into the current folder, as trtexec does.
  fs::path cwd = fs::current_path();
  fs::current_path(dir.path);
  std::vector<Case> all = cases();
  EXPECT_GE(all.size(), 30u);
  for (const Case& c : all) {
    std::vector<std::string> args;
    std::string line = "dlasim";
    for (const auto& a : c.args) {
      args.push_back(substitute(a, vars));
      line += " " + args.back();
    }
    SCOPED_TRACE(c.what + "\n  " + line);
    Result r = runCli(args);
    EXPECT_EQ(r.code, c.code) << r.err << r.out;
    for (const auto& s : c.out) EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
    for (const auto& s : c.notOut)
      EXPECT_EQ(r.out.find(s), std::string::npos) << s << "\n" << r.out;
    for (const auto& s : c.err) EXPECT_NE(r.err.find(s), std::string::npos) << s << "\n" << r.err;
    if (c.code == 2) {
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    }
    for (const auto& [file, text] : c.files)
      EXPECT_NE(readFile(dir / file).find(text), std::string::npos) << file << ": " << text;
    if (c.check) c.check(r, dir.path);
  }
  fs::current_path(cwd);
}

}  // namespace
