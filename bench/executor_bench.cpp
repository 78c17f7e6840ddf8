// The executor on the zoo's full ResNet-50 (1x3x224x224), FP32 and INT8 (DLA, Orin), through
// the public API (Plan::run): time per inference and peak resident memory (issue 18, item 6).
//
// Memory is read from /proc/self/status. Writing "5" to /proc/self/clear_refs resets the
// process's high-water mark (VmHWM) to its current RSS, and malloc_trim(0) first returns the
// memory earlier phases freed to the system, so that each phase's figures are its own:
//   peak_rss_MB     the largest VmHWM of the phases (load, build, first run with its
//                   preparation, timed runs): the workload's peak resident memory.
//   idle_rss_MB     VmRSS of the prepared plan between runs (weights, prepared kernels and
//                   whatever memory the executor keeps between runs).
//   run_peak_MB     VmHWM during the timed runs: what a prepared plan needs while it infers.
// Time: wall and CPU time per inference (CPU time is the steadier one on a loaded machine).
// An allocator keeps some memory between benchmarks despite the trim, so run each benchmark in
// its own process (one --benchmark_filter per process), on one thread:
//   OMP_NUM_THREADS=1 nice build/bench/dlasim_bench \
//       --benchmark_filter='Executor_ResNet50/fp32$' --benchmark_repetitions=3
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <string>

#include "dlasim/dlasim.h"

namespace {

std::string zooModel(const char* name) {
  const char* dir = std::getenv("DLASIM_ZOO");
  return std::string(dir ? dir : DLASIM_BINARY_DIR "/zoo") + "/" + name + ".onnx";
}

// A field of /proc/self/status in bytes (VmRSS, VmHWM), 0 when unavailable.
double statusBytes(const std::string& field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) * 1024;
  return 0;
}

// Starts a new high-water mark at the current RSS, after returning freed memory to the system;
// false where the kernel does not allow it.
bool resetPeak() {
  malloc_trim(0);
  std::ofstream f("/proc/self/clear_refs");
  f << "5";
  f.flush();
  return bool(f);
}

void BM_Executor_ResNet50(benchmark::State& state, bool int8) {
  const dlasim::Shape shape = {1, 3, 224, 224};
  dlasim::TensorMap in;
  in["input"] = dlasim::randomTensor({"input", dlasim::DataType::kFloat, shape}, 1);
  if (!resetPeak()) state.SkipWithError("cannot reset VmHWM (/proc/self/clear_refs)");
  std::optional<dlasim::Plan> plan;
  {  // the model goes out of scope: the plan owns the only graph
    dlasim::LoadOptions opt;
    opt.shapes["input"] = shape;
    dlasim::Model model = dlasim::Model::load(zooModel("resnet50"), opt);
    dlasim::BuildConfig cfg;
    if (int8) {  // every layer on the DLA in INT8, MinMax scales of this input
      cfg.int8 = true;
      cfg.dlaCore = 0;
      cfg.allowGpuFallback = true;
      cfg.calibration = model.calibrate(in);
    }
    plan = model.build(cfg);
  }
  plan->releaseHostWeights();  // one copy of the weights, as the CLI runs

  // Each phase's absolute high-water mark; the workload's peak is the largest of them.
  double buildPeak = statusBytes("VmHWM");
  resetPeak();
  plan->run(in);  // prepares the kernels
  double firstPeak = statusBytes("VmHWM");
  resetPeak();
  double idle = statusBytes("VmRSS");
  for (auto _ : state) benchmark::DoNotOptimize(plan->run(in));
  double runPeak = statusBytes("VmHWM");

  state.counters["peak_rss_MB"] = std::max({buildPeak, firstPeak, runPeak}) / 1e6;
  state.counters["idle_rss_MB"] = idle / 1e6;
  state.counters["run_peak_MB"] = runPeak / 1e6;
  state.counters["int8_layers"] = plan->dlaLayers(dlasim::Precision::kINT8);
}
BENCHMARK_CAPTURE(BM_Executor_ResNet50, fp32, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Executor_ResNet50, int8, true)->Unit(benchmark::kMillisecond);

}  // namespace
