// dlasim report's speed and size (issue 21): a ResNet-50 report in under 2 s, under 5 MB, and
// a 1,000-layer model's report (tests/report/make_report_models.py).
// Run: build/bench/dlasim_bench --benchmark_filter=Report (BM_Report/ResNet50, BM_Report/Chain1000)
#include <benchmark/benchmark.h>

#include "dlasim/dlasim.h"

namespace {

dlasim::Plan plan(const std::string& model, const dlasim::Shape& shape) {
  dlasim::LoadOptions lo;
  lo.shapes["input"] = shape;
  dlasim::BuildConfig c;
  c.int8 = true;
  c.dlaCore = 0;
  c.allowGpuFallback = true;
  return dlasim::Model::load(model, lo).build(c);
}

// What `dlasim report` adds to the import and build: the whole command on ResNet-50 takes
// this plus the import (about 1 s for its 100 MB of weights on the 2-core CI machine).
void BM_Report(benchmark::State& state, const std::string& model, const dlasim::Shape& shape) {
  dlasim::Plan p = plan(model, shape);
  size_t bytes = 0;
  for (auto _ : state) bytes = dlasim::reportHtml(p).size();
  state.counters["MB"] = double(bytes) / 1e6;
}
BENCHMARK_CAPTURE(BM_Report, ResNet50, DLASIM_BINARY_DIR "/zoo/resnet50.onnx",
                  dlasim::Shape{1, 3, 224, 224})
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Report, Chain1000, DLASIM_BINARY_DIR "/report_test/chain1000.onnx",
                  dlasim::Shape{1, 8, 16, 16})
    ->Unit(benchmark::kMillisecond);

void BM_Report_TraceResNet50(benchmark::State& state) {
  dlasim::Plan p = plan(DLASIM_BINARY_DIR "/zoo/resnet50.onnx", {1, 3, 224, 224});
  dlasim::Performance perf = p.performance();
  for (auto _ : state) benchmark::DoNotOptimize(dlasim::chromeTraceJson(p, perf));
}
BENCHMARK(BM_Report_TraceResNet50)->Unit(benchmark::kMillisecond);

}  // namespace
