// The cost model's speed (issue 8): modelling ResNet-50 must add under 10 ms to a run, and a
// capacity plan of 100 configurations of ResNet-50 must finish in under 2 s on one core.
// Run: OMP_NUM_THREADS=1 build/bench/dlasim_bench --benchmark_filter=Cost
#include <benchmark/benchmark.h>

#include "dlasim/dlasim.h"

namespace {

const std::string kResNet50 = DLASIM_BINARY_DIR "/zoo/resnet50.onnx";

dlasim::Plan resnet50(int dlaCore) {
  dlasim::LoadOptions lo;
  lo.shapes["input"] = {1, 3, 224, 224};
  dlasim::BuildConfig c;
  c.int8 = true;
  c.dlaCore = dlaCore;
  c.allowGpuFallback = true;
  return dlasim::Model::load(kResNet50, lo).build(c);
}

// What a run adds: the performance model (timeline, engine memory) and trtexec's timing loop.
void BM_Cost_ResNet50_Performance(benchmark::State& state) {
  dlasim::Plan plan = resnet50(int(state.range(0)));
  for (auto _ : state) {
    dlasim::Performance p = plan.performance();
    benchmark::DoNotOptimize(dlasim::simulateTiming(p, {}));
  }
}
BENCHMARK(BM_Cost_ResNet50_Performance)->Arg(0)->Arg(-1)->Unit(benchmark::kMillisecond);

// The whole `dlasim plan`: import, two builds, 7 batches x 4 power modes x 5 placements = 140
// configurations, each with its shared-resource solve and the pacing pass.
void BM_Cost_ResNet50_CapacityPlan112(benchmark::State& state) {
  dlasim::CapacityPlanOptions o;
  o.build.int8 = true;
  o.shapes["input"] = {1, 3, 224, 224};
  o.batches = {1, 2, 4, 8, 16, 32, 64};
  size_t rows = 0;
  for (auto _ : state) {
    dlasim::CapacityPlan p = dlasim::capacityPlan(kResNet50, o);
    rows = p.rows.size();
    benchmark::DoNotOptimize(p);
  }
  state.counters["configurations"] = double(rows);
}
BENCHMARK(BM_Cost_ResNet50_CapacityPlan112)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
