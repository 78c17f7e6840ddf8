// Capacity planning: which batch size, power mode and placement to ship. One import and two
// builds (GPU only, DLA with GPU fallback); every configuration is then modelled (Plan::
// performance at another batch size and clocks), and copies running side by side share the GPU
// and the DRAM (docs/cost-model.md, "Capacity planning").
#pragma once
#include <map>
#include <string>
#include <vector>

#include "dlasim/build_config.h"

namespace dlasim {

/// Where copies of the network run: the GPU alone; DLA core 0 (with GPU fallback); both DLA
/// cores; both DLA cores and a GPU-only copy beside them; DLA core 0 and a GPU-only copy.
enum class Placement : uint8_t { kGpu, kDla0, kDla0Dla1, kDla0Dla1Gpu, kDla0Gpu };
/// "GPU", "DLA0", "DLA0+DLA1", "DLA0+DLA1+GPU", "DLA0+GPU".
const char* placementName(Placement p);
/// Parses those names (any case). False if unknown.
bool parsePlacement(const std::string& s, Placement* out);

struct CapacityPlanOptions {
  /// Platform, precisions, I/O formats, sparsity, pools. dlaCore is set per placement and GPU
  /// fallback is always allowed for the DLA placements.
  BuildConfig build;
  /// Input shapes (as --shapes); the leading (batch) dimension is what the sweep varies.
  std::map<std::string, Shape> shapes;
  std::vector<int64_t> batches;         // empty: 1, 2, 4, 8, 16, 32
  std::vector<std::string> powerModes;  // empty: all of the platform's
  /// Empty: all the platform has cores for. Named placements that cannot be modelled (more DLA
  /// cores than the platform has, no DLA build) are an InputError.
  std::vector<Placement> placements;
  /// Several platforms and precisions in one table ("Orin or Xavier NX, INT8 or FP16?"):
  /// platform ids (empty: build.platform) and "int8", "fp16", "best", "fp32" (empty: build's).
  std::vector<std::string> platforms, precisions;
  /// > 0: the best configuration is the one with the most images per second whose latency is
  /// within this budget; otherwise the one with the most images per second.
  double latencyBudgetMs = 0;
};

struct CapacityPlanRow {
  std::string platform;   // platform id (plans may sweep several)
  std::string precision;  // "INT8", "FP16", "INT8+FP16" or "FP32"
  int64_t batch = 1;
  std::string powerMode;
  double dlaClockMHz = 0, gpuClockMHz = 0, emcClockMHz = 0;  // the power mode's clocks
  Placement placement = Placement::kGpu;
  double qps = 0;              // batches per second, all copies together
  double imagesPerSecond = 0;  // qps x batch
  double latencyMs = 0;        // one batch, under that load
  int64_t engineBytes = 0;     // the largest engine deployed
  int64_t dramBytesPerBatch = 0;
  double dramGBs = 0;  // DRAM traffic at that throughput
  int loadables = 0, gpuLayers = 0;
  /// What caps it: "latency" (copies back to back), or the shared resource that slows the
  /// copies: "GPU", "DRAM" or "DLA memory" (the two cores' path to the memory controller).
  std::string limit;
  /// Relative uncertainty of the figures (Performance::uncertainty); negative: uncalibrated.
  double uncertainty = -1;
  bool withinBudget = true;
  bool best = false;
};

struct CapacityPlan {
  std::string model, platform, platformName;  // the first platform (names: all, joined)
  std::string trtVersion;                     // the TensorRT version modelled
  std::string precision;  // "INT8", "FP16", "INT8+FP16" or "FP32" (several joined by ", ")
  std::string target;     // "throughput" or "latency <= X ms"
  std::vector<CapacityPlanRow> rows;
  int best = -1;  // index into rows; -1 when nothing meets the budget
  std::string recommendation;
  std::vector<std::string> notes;  // what was skipped and why
};

/// Throws InputError for a bad model, platform, power mode, batch or placement.
CapacityPlan capacityPlan(const std::string& onnxPath, const CapacityPlanOptions& options);

}  // namespace dlasim
