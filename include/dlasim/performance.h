// Modelled performance of a plan on its platform: per-layer DLA and GPU times, DLA <-> GPU
// hand-offs, throughput and latency as trtexec reports them, engine size and memory. The model
// is analytic and deterministic (docs/cost-model.md): figures are modelled, not measured.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dlasim/types.h"

namespace dlasim {

/// What set a row's time: the engine's compute rate, DRAM/SRAM traffic, fixed overheads
/// (submission, synchronisation, launch); kFused rows ran inside another layer's hardware op
/// (their time is in that row); kNone rows do no work (views such as reshapes).
enum class Bound : uint8_t { kNone, kCompute, kMemory, kOverhead, kFused };
/// "none", "compute", "memory", "overhead", "fused".
const char* boundName(Bound b);

/// What a row of the timeline is: a layer, a loadable's submission, a tensor handed to the DLA
/// ("to nvm", with the GPU reformat) or back ("from nvm"), a format conversion on the DLA, or
/// the host copies before and after.
enum class RowKind : uint8_t { kLayer, kSubmit, kToDla, kFromDla, kConversion, kH2D, kD2H };
/// "layer", "submit", "to_dla", "from_dla", "conversion", "h2d", "d2h".
const char* rowKindName(RowKind k);

struct PerformanceOptions {
  /// "" = the plan's power mode (--powerMode at build time), else the platform's first.
  std::string powerMode;
  /// Clock overrides in MHz (0 = the power mode's). Outside the platform's range: InputError.
  double dlaClockMHz = 0, gpuClockMHz = 0, emcClockMHz = 0;
  /// Multiplies every activation's leading (batch) dimension: models the plan at another batch
  /// size without rebuilding it (capacity planning).
  int64_t batchScale = 1;
  /// false: no host copies (trtexec's --noDataTransfers).
  bool dataTransfers = true;
};

struct TimingRow {
  std::string name;  // the layer's name, the loadable's, or "<tensor> to nvm" etc.
  RowKind kind = RowKind::kLayer;
  Device device = Device::kGPU;
  EngineUnit unit = EngineUnit::kNone;
  int loadable = -1;  // index into Engine::loadables(), -1 for GPU and host rows
  Precision precision = Precision::kFP32;
  int64_t macs = 0;
  int64_t dramBytes = 0;  // DRAM traffic (reads + writes)
  Bound bound = Bound::kNone;
  double ms = 0;                                       // the row's share of the latency
  double computeMs = 0, memoryMs = 0, overheadMs = 0;  // the components behind ms
  double convMs = 0;  // the convolution core's part of computeMs (0 for other units)
};

struct LoadableTiming {
  std::string name;
  double ms = 0;  // submission + layers + format conversions on the DLA
  int64_t dramBytes = 0;
};

/// Storage of one DLA loadable and the memory pools it needs.
struct LoadableMemory {
  std::string name;
  int64_t convWeightBytes = 0;  // convolution weights in their precision, channels padded
  int64_t constantBytes = 0;    // biases, scales, other layers' constants (Orin: FP19 in 4 bytes)
  int64_t metadataBytes = 0;    // header and op descriptors
  int64_t totalBytes = 0;       // the loadable's size (global DRAM pool)
  int64_t activationBytes = 0;  // peak of live intermediate tensors (local DRAM pool)
  int64_t sramBytes = 0;        // managed SRAM it stages re-fetched data in
};

struct EngineMemory {
  std::vector<LoadableMemory> loadables;
  int64_t gpuWeightBytes = 0;    // constants of GPU layers, in their GPU precision
  int64_t engineBytes = 0;       // loadables + GPU weights
  int64_t dlaWeightBytes = 0;    // weights of all loadables (the network's DLA weight limit)
  int64_t weightLimitBytes = 0;  // that limit (512 MiB)
  int64_t sramPoolBytes = 0;     // managed SRAM per loadable (--memPoolSize=dlaSRAM or default)
  int64_t localDramPoolBytes = 0, globalDramPoolBytes = 0;
};

/// One inference (one batch) as the model sees it.
struct Performance {
  std::string platform, platformName, powerMode;
  std::string trtVersion;  // the TensorRT version modelled ("8.4", ...)
  double dlaClockMHz = 0, gpuClockMHz = 0, emcClockMHz = 0, dramGBs = 0;
  double dlaDramGBs = 0;  // the DRAM rate one DLA core sustains at these clocks
  /// How far to trust these figures: the relative uncertainty (0.18 = ±18%) derived from the
  /// calibration residuals of the plan's regime (DLA generation x precision x whole network on
  /// the DLA or with GPU fallback x TensorRT version; docs/cost-model.md §3.3), from
  /// `calibrationPoints` points. Negative: no calibration point covers the regime.
  double uncertainty = -1;
  int calibrationPoints = 0;
  std::string regime;    // e.g. "Orin INT8, whole network on the DLA, TensorRT 8.4"
  int64_t batch = 1;     // leading dimension of the first input (times batchScale)
  double h2dMs = 0;      // host-to-device copies of the inputs
  double computeMs = 0;  // trtexec's "GPU Compute Time": every row but the copies
  double d2hMs = 0;
  double latencyMs = 0;                 // h2d + compute + d2h: the sum of the rows
  double enqueueMs = 0;                 // host time to enqueue (launches and submissions)
  double throughputQps = 0;             // batches per second, with copies overlapping compute
  double dlaBusyMs = 0, gpuBusyMs = 0;  // time each engine is busy per inference
  int64_t dramBytes = 0;                // DRAM traffic per inference
  std::vector<TimingRow> rows;          // in execution order
  std::vector<LoadableTiming> loadables;
  EngineMemory memory;
};

/// trtexec's timing loop over a modelled inference.
struct TimingOptions {
  int iterations = 10;   // --iterations: at least this many
  double durationS = 3;  // --duration: for at least this long (-1: --iterations only)
  int warmUpMs = 200;    // --warmUp
  int avgRuns = 10;      // --avgRuns
  std::vector<double> percentiles = {90, 95, 99};
};

struct TimingStats {
  double min = 0, max = 0, mean = 0, median = 0;
  std::vector<double> percentiles;  // in TimingOptions::percentiles order
};

/// What trtexec's timing loop would print. Every iteration takes the modelled time (the model
/// has no run-to-run variation), so min = max = mean = median.
struct TimingRun {
  int warmUpQueries = 0;
  double warmUpMs = 0;
  int queries = 0;
  double walltimeS = 0;
  double throughputQps = 0;
  TimingStats latency, enqueue, h2d, compute, d2h;
  double totalComputeS = 0;
  std::vector<double> startMs;  // each timed query's start (compute start minus its H2D)
};

TimingRun simulateTiming(const Performance& p, const TimingOptions& o);
/// "modelled, ±18%: 5 calibration points of this regime", or "modelled, uncalibrated regime".
std::string uncertaintyText(const Performance& p);

}  // namespace dlasim
