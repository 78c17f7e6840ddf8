// Emulated precisions side by side on the zoo's ResNet-50 at batch 1 (issue 10, item 4): FP32,
// FP16 and INT8 (Orin's FP19 and Xavier's fixed-point requantisation), each
//  - as a whole dlasim process runs it (the CLI in-process: import, build, one inference; INT8
//    with a calibration cache made once by `dlasim calibrate`), and
//  - per inference on a built plan (steady state).
// Run on one core, interleaved, with repetitions to see the noise of a shared machine:
//   OMP_NUM_THREADS=1 taskset -c 0 build/bench/dlasim_bench --benchmark_filter=Precision
//   (with --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true)
#include <benchmark/benchmark.h>

#include <filesystem>
#include <optional>
#include <sstream>

#include "cli/run.h"
#include "dlasim/dlasim.h"

namespace {

std::string zooModel(const char* name) {
  const char* dir = std::getenv("DLASIM_ZOO");
  return std::string(dir ? dir : DLASIM_BINARY_DIR "/zoo") + "/" + name + ".onnx";
}

int cli(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  return dlasim::cli::dlasimMain(int(argv.size()), argv.data(), out, err);
}

// The calibration cache of the CLI's seeded random input, as `dlasim calibrate` writes it.
const std::string& cachePath() {
  static const std::string path = [] {
    std::string p = DLASIM_BINARY_DIR "/bench_resnet50_minmax.cache";
    if (!std::filesystem::exists(p))
      cli({"dlasim", "calibrate", zooModel("resnet50"), "--out=" + p});
    return p;
  }();
  return path;
}

// dlasim's flags for each emulated precision.
std::vector<std::string> flags(const std::string& mode) {
  if (mode == "fp32") return {};
  if (mode == "fp16") return {"--fp16", "--useDLACore=0", "--allowGPUFallback"};
  std::vector<std::string> f = {"--int8", "--useDLACore=0", "--allowGPUFallback",
                                "--calib=" + cachePath()};
  if (mode == "int8_xavier") f.push_back("--platform=xavier-agx");
  return f;
}

// One whole dlasim run per iteration (no process start-up, which is the same for all modes).
void BM_Precision_ResNet50_Process(benchmark::State& state, std::string mode) {
  std::vector<std::string> args = {"dlasim", "--onnx=" + zooModel("resnet50")};
  for (const auto& f : flags(mode)) args.push_back(f);
  for (auto _ : state)
    if (cli(args) != 0) state.SkipWithError("dlasim failed");
}
BENCHMARK_CAPTURE(BM_Precision_ResNet50_Process, fp32, "fp32")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Precision_ResNet50_Process, fp16, "fp16")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Precision_ResNet50_Process, int8_orin, "int8_orin")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Precision_ResNet50_Process, int8_xavier, "int8_xavier")
    ->Unit(benchmark::kMillisecond);

// One inference of a built, prepared plan per iteration.
void BM_Precision_ResNet50_Inference(benchmark::State& state, std::string mode) {
  dlasim::LoadOptions opt;
  dlasim::BuildConfig cfg;
  if (mode != "fp32") {
    cfg.dlaCore = 0;
    cfg.allowGpuFallback = true;
    cfg.fp16 = mode == "fp16";
    cfg.int8 = !cfg.fp16;
    if (cfg.int8) cfg.calibration = dlasim::CalibrationCache::read(cachePath());
    if (mode == "int8_xavier") cfg.platform = "xavier-agx";
  }
  std::optional<dlasim::Plan> plan;
  {
    dlasim::Model model = dlasim::Model::load(zooModel("resnet50"), opt);
    plan = model.build(cfg);
  }
  dlasim::TensorMap in;
  in["input"] = dlasim::randomTensor({"input", dlasim::DataType::kFloat, {1, 3, 224, 224}}, 1);
  plan->releaseHostWeights();
  plan->run(in);  // prepares the kernels
  for (auto _ : state) benchmark::DoNotOptimize(plan->run(in));
  state.counters["int8_layers"] = plan->dlaLayers(dlasim::Precision::kINT8);
  state.counters["fp16_layers"] = plan->dlaLayers(dlasim::Precision::kFP16);
}
BENCHMARK_CAPTURE(BM_Precision_ResNet50_Inference, fp32, "fp32")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Precision_ResNet50_Inference, fp16, "fp16")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Precision_ResNet50_Inference, int8_orin, "int8_orin")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Precision_ResNet50_Inference, int8_xavier, "int8_xavier")
    ->Unit(benchmark::kMillisecond);

}  // namespace
