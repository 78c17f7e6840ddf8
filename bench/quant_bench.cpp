// Quantisation workflow speed (issue 11): calibrating 500 samples of 3x224x224 with ResNet-18
// (entropy, batch 32) must take under a minute on 2 cores, and `compare --per-layer` on
// ResNet-50 under 10 s. Run: build/bench/dlasim_bench --benchmark_filter=Quant
// (ResNet-18 is written by bench/make_resnet18.py, ResNet-50 by the zoo, at build time.)
#include <benchmark/benchmark.h>

#include <random>

#include "builder/histogram.h"
#include "dlasim/dlasim.h"

namespace {

// Samples as an image pipeline gives them: per-pixel noise around per-sample means.
dlasim::Tensor images(int64_t n) {
  dlasim::Tensor t(dlasim::DataType::kFloat, {n, 3, 224, 224});
  std::mt19937 rng(7);
  for (int64_t s = 0; s < n; ++s) {
    float mean = float(rng() % 1000) / 1000.f - 0.5f;
    float* p = t.data<float>() + s * 3 * 224 * 224;
    for (int64_t i = 0; i < 3 * 224 * 224; ++i)
      p[i] = mean + float(int(rng() % 2001) - 1000) / 1000.f;
  }
  return t;
}

void BM_Quant_CalibrateResNet18_500x224(benchmark::State& state) {
  dlasim::LoadOptions o;
  o.shapes["input"] = {32, 3, 224, 224};
  dlasim::Dataset data = dlasim::Dataset::fromTensor("input", images(500));
  for (auto _ : state) {
    dlasim::Model model = dlasim::Model::load(DLASIM_BINARY_DIR "/bench/resnet18_224.onnx", o);
    benchmark::DoNotOptimize(model.calibrate(data));  // entropy, as the CLI's default
  }
  state.counters["samples"] = 500;
}
BENCHMARK(BM_Quant_CalibrateResNet18_500x224)->Unit(benchmark::kSecond)->Iterations(1);

// What `dlasim compare resnet50.onnx --int8 --useDLACore=0 --allowGPUFallback --per-layer`
// does: import, build, calibrate dynamically, run both modes layer by layer.
void BM_Quant_ComparePerLayerResNet50(benchmark::State& state) {
  dlasim::TensorMap in;
  in["input"] = dlasim::randomTensor({"input", dlasim::DataType::kFloat, {1, 3, 224, 224}}, 1);
  for (auto _ : state) {
    dlasim::LoadOptions o;
    o.shapes["input"] = {1, 3, 224, 224};
    dlasim::Model model = dlasim::Model::load(DLASIM_BINARY_DIR "/zoo/resnet50.onnx", o);
    dlasim::BuildConfig cfg;
    cfg.int8 = true;
    cfg.dlaCore = 0;
    cfg.allowGpuFallback = true;
    dlasim::Plan plan = model.build(cfg);
    benchmark::DoNotOptimize(dlasim::comparePerLayer(plan, in));
  }
}
BENCHMARK(BM_Quant_ComparePerLayerResNet50)->Unit(benchmark::kSecond)->Iterations(2);

// The entropy threshold of one tensor (2048 bins, 128 levels).
void BM_Quant_EntropyThreshold(benchmark::State& state) {
  std::vector<double> h(2048);
  for (size_t j = 0; j < h.size(); ++j) h[j] = 1e6 / double(1 + j * j % 977);
  for (auto _ : state) benchmark::DoNotOptimize(builder::entropyThreshold(h, 1.0));
}
BENCHMARK(BM_Quant_EntropyThreshold)->Unit(benchmark::kMillisecond);

}  // namespace
