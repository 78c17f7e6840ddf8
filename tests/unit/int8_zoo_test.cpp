// ResNet-50 and the rest of the CNN zoo (build/zoo, tests/zoo/models.txt) end to end in
// emulated INT8 on both platforms, as `dlasim --int8 --useDLACore=0 --allowGPUFallback
// --calib=...` runs them: calibrated with MinMax on the run's own seeded input, built, run
// through the integer pipeline. ONNX Runtime compares FP32 only, so INT8 is checked against
// dlasim's FP32 reference of the same plan:
//  - every output finite; relative L2 error below kTolerance (loose on purpose: INT8 with
//    per-tensor MinMax scales; measured 0.2 %-6 % on this zoo, docs/numerics.md);
//  - Orin's and Xavier's results differ (their requantisation differs) but by no more than
//    either differs from FP32's tolerance;
//  - the layers with an integer model (convolution, pooling, element-wise of two activations,
//    concatenation) do not take the FP32 fallback.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "builder/build_plan.h"
#include "builder/calibration.h"
#include "dlasim/dlasim.h"
#include "onnx_import/importer.h"
#include "sim/passes/passes.h"
#include "sim/runtime/int8_specs.h"

namespace {

constexpr double kTolerance = 0.10;

struct ZooModel {
  std::string name, shapes;
};

std::vector<ZooModel> zooModels() {
  std::ifstream f(std::string(DLASIM_SOURCE_DIR) + "/tests/zoo/models.txt");
  std::vector<ZooModel> v;
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream is(line);
    ZooModel m;
    std::string input;
    is >> m.name >> input >> m.shapes;
    v.push_back(m);
  }
  return v;
}

std::string path(const ZooModel& m) {
  return std::string(DLASIM_BINARY_DIR) + "/zoo/" + m.name + ".onnx";
}

dlasim::LoadOptions loadOptions(const ZooModel& m) {
  dlasim::LoadOptions o;
  std::string name = m.shapes.substr(0, m.shapes.find(':'));
  std::istringstream dims(m.shapes.substr(m.shapes.find(':') + 1));
  dlasim::Shape s;
  for (std::string d; std::getline(dims, d, 'x');) s.push_back(std::stoll(d));
  o.shapes[name] = s;
  return o;
}

double relativeError(const dlasim::Tensor& a, const dlasim::Tensor& ref) {
  double num = 0, den = 0;
  std::vector<double> x = a.asDouble(), y = ref.asDouble();
  for (size_t i = 0; i < x.size(); ++i) {
    num += (x[i] - y[i]) * (x[i] - y[i]);
    den += y[i] * y[i];
  }
  return std::sqrt(num / std::max(den, 1e-30));
}

// The layers the build placed in INT8, and what the INT8 pipeline makes of them.
std::vector<std::pair<const sim::Node*, sim::Int8Layer>> int8Layers(
    sim::Graph& g, const ZooModel& m, const dlasim::BuildConfig& cfg,
    const onnx_import::ImportResult& imp) {
  builder::buildPlan(g, imp.dynamicInputs, cfg);
  std::vector<float> scale;
  for (const auto& t : g.tensors) scale.push_back(t.quant.scale);
  for (const auto& n : g.nodes)  // pooling keeps its input's scale (Int8Path)
    if (n.precision == sim::Precision::kINT8 && n.kind == sim::OpKind::kPooling)
      scale[size_t(n.outputs[0])] = scale[size_t(n.inputs[0])];
  std::vector<std::pair<const sim::Node*, sim::Int8Layer>> v;
  for (const auto& n : g.nodes)
    if (n.precision == sim::Precision::kINT8)
      v.push_back({&n, sim::describeInt8Layer(g, n, scale)});
  return v;
}

class Int8Zoo : public ::testing::TestWithParam<ZooModel> {};

TEST_P(Int8Zoo, RunsEndToEndThroughTheIntegerPipelineOnBothPlatforms) {
  const ZooModel& m = GetParam();
  ASSERT_TRUE(std::ifstream(path(m)).good()) << path(m) << " missing: the build generates the zoo";
  dlasim::Model model = dlasim::Model::load(path(m), loadOptions(m));
  dlasim::TensorMap in;
  for (const auto& spec : model.info().inputs) in[spec.name] = dlasim::randomTensor(spec, 1);
  dlasim::CalibrationCache cache = model.calibrate(in);
  std::map<std::string, dlasim::TensorMap> out;
  dlasim::TensorMap ref;
  for (const char* platform : {"orin-agx", "xavier-agx"}) {
    dlasim::BuildConfig cfg;
    cfg.platform = platform;
    cfg.int8 = true;
    cfg.dlaCore = 0;
    cfg.allowGpuFallback = true;
    cfg.calibration = cache;
    dlasim::Plan plan = model.build(cfg);
    EXPECT_GT(plan.dlaLayers(dlasim::Precision::kINT8), 0) << platform;
    out[platform] = plan.run(in);
    if (ref.empty()) ref = plan.runReference(in);
    for (const auto& [name, t] : out[platform]) {
      for (double v : t.asDouble()) ASSERT_TRUE(std::isfinite(v)) << platform << " " << name;
      EXPECT_LT(relativeError(t, ref.at(name)), kTolerance) << platform << " output " << name;
    }
    // The integer kernels run the layers they model.
    onnx_import::ImportOptions io;
    io.shapes = loadOptions(m).shapes;
    onnx_import::ImportResult imp = onnx_import::importModelFile(path(m), io);
    sim::passes::markPatterns(imp.graph);
    sim::passes::fuseLikeTensorRT(imp.graph);
    int integer = 0;
    for (const auto& [node, layer] : int8Layers(imp.graph, m, cfg, imp)) {
      bool modelled = node->kind == sim::OpKind::kConvolution ||
                      node->kind == sim::OpKind::kPooling ||
                      node->kind == sim::OpKind::kConcatenation;
      if (modelled) {
        EXPECT_NE(layer.kind, sim::Int8Layer::Kind::kFallback)
            << platform << " " << node->name << ": " << layer.why;
      }
      integer += layer.kind != sim::Int8Layer::Kind::kFallback;
    }
    EXPECT_GT(integer, 0) << platform;
  }
  bool differ = false;
  for (const auto& [name, t] : out["orin-agx"]) {
    const dlasim::Tensor& x = out["xavier-agx"].at(name);
    differ |= t.asDouble() != x.asDouble();
    EXPECT_LT(relativeError(t, x), 2 * kTolerance) << name;
  }
  EXPECT_TRUE(differ)
      << "Orin's FP19 and Xavier's fixed-point requantisation gave identical outputs";
}

INSTANTIATE_TEST_SUITE_P(Zoo, Int8Zoo, ::testing::ValuesIn(zooModels()),
                         [](const ::testing::TestParamInfo<ZooModel>& p) { return p.param.name; });

}  // namespace
