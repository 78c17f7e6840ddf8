// What to build: trtexec's build flags as one value type (no command-line types), plus dlasim's
// own (platform, power mode).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dlasim/calibration.h"
#include "dlasim/types.h"

namespace dlasim {

/// A binding's type and layout as trtexec spells them: {"int8", "dla_hwc4"}, {"fp16", "chw16"},
/// {"fp32", "chw"}. A format may list alternatives ("dla_hwc4+chw32").
struct IOFormat {
  std::string type;
  std::string format;
};

enum class Sparsity : uint8_t { kDisable, kEnable, kForce };

struct BuildConfig {
  /// Platform id: orin-agx (default), orin-agx-32gb, orin-nx-16gb, orin-nx-8gb, xavier-agx,
  /// xavier-nx. Power mode name ("" = the platform's default, MAXN).
  std::string platform = "orin-agx";
  std::string powerMode;
  /// DLA core to build for (--useDLACore); -1 = GPU only, as trtexec without --useDLACore.
  int dlaCore = -1;
  /// Builder precisions (--fp16, --int8; --best is both). FP32 is always allowed.
  bool fp16 = false, int8 = false;
  bool allowGpuFallback = false;  // --allowGPUFallback
  bool standalone = false;        // --buildDLAStandalone
  /// Per-layer requests (--layerPrecisions, --layerDeviceTypes); a name may be a layer's or any
  /// ONNX node's fused into one. Later entries override earlier ones.
  std::vector<std::pair<std::string, Precision>> layerPrecisions;
  std::vector<std::pair<std::string, Device>> layerDevices;
  /// Binding formats (--inputIOFormats / --outputIOFormats): one per binding, or one for all.
  std::vector<IOFormat> inputFormats, outputFormats;
  /// Memory pools (--memPoolSize) in MiB: workspace, dlaSRAM, dlaLocalDRAM, dlaGlobalDRAM.
  std::map<std::string, double> memPoolMiB;
  Sparsity sparsity = Sparsity::kDisable;
  /// Optimisation profile of dynamic inputs (--minShapes / --maxShapes): a tensor whose min and
  /// max differ is dynamic, which the DLA refuses.
  std::map<std::string, Shape> minShapes, maxShapes;
  /// INT8 scales (--calib). Given: INT8 layers lacking a scale run in FP16. Absent: scales come
  /// from the first run's inputs (trtexec's "Calibration: Dynamic").
  std::optional<CalibrationCache> calibration;
  /// Memory budget in bytes for running the plan (weights, inputs and live activations); a plan
  /// that needs more is refused when built. 0 = defaultMaxMemoryBytes(). (--maxMemory)
  int64_t maxMemoryBytes = 0;
};

/// The default memory budget: a quarter of this machine's physical memory (or of its cgroup's
/// limit), for the tensors dlasim plans to hold; the process needs somewhat more than that.
int64_t defaultMaxMemoryBytes();

}  // namespace dlasim
