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

/// trtexec's --precisionConstraints: whether per-layer precisions and output types are ignored
/// (kNone, trtexec's default, with a warning), preferred (fall back with a warning) or obeyed
/// (the build fails where a layer cannot run in the asked precision).
enum class PrecisionConstraints : uint8_t { kNone, kPrefer, kObey };

/// One binding format as trtexec spells it, "type:format" ("int8:dla_hwc4", alternatives joined
/// by '+'). Throws InputError prefixed with `what` (e.g. "--inputIOFormats") for another form,
/// an unknown type or an unknown format.
IOFormat parseIOFormat(const std::string& item, const std::string& what);
/// Throws InputError prefixed with `what` unless `pool` is one of trtexec's memory pools
/// (workspace, dlaSRAM, dlaLocalDRAM, dlaGlobalDRAM, tacticSharedMem).
void checkMemPoolName(const std::string& pool, const std::string& what);

struct BuildConfig {
  /// Platform id: orin-agx (default), orin-agx-32gb, orin-nx-16gb, orin-nx-8gb, xavier-agx,
  /// xavier-nx. Power mode name ("" = the platform's default, MAXN).
  std::string platform = "orin-agx";
  std::string powerMode;
  /// TensorRT version modelled (--trtVersion): "8.4" (default, the seed's), "8.5", "8.6",
  /// "10.3"; "" = the default. trtVersionForJetpack() maps JetPack names (--jetpack).
  std::string trtVersion;
  /// DLA core to build for (--useDLACore); -1 = GPU only, as trtexec without --useDLACore.
  int dlaCore = -1;
  /// Builder precisions (--fp16, --int8; --best is both). FP32 is always allowed.
  bool fp16 = false, int8 = false;
  bool allowGpuFallback = false;  // --allowGPUFallback
  bool standalone = false;        // --buildDLAStandalone
  /// Per-layer requests (--layerPrecisions, --layerOutputTypes, --layerDeviceTypes); a name may
  /// be a layer's, any ONNX node's fused into one or the ONNX node a layer came from; "*" alone
  /// stands for every layer no other entry names, and a name with one '*' matches as a
  /// wildcard. Later entries override earlier ones; a name matching no layer is a warning.
  /// Precisions and output types take effect only with precisionConstraints prefer or obey.
  std::vector<std::pair<std::string, Precision>> layerPrecisions;
  std::vector<std::pair<std::string, Precision>> layerOutputTypes;
  std::vector<std::pair<std::string, Device>> layerDevices;
  PrecisionConstraints precisionConstraints = PrecisionConstraints::kNone;
  /// --stronglyTyped: precisions come from the network's tensor types (fp16 / int8 must not be
  /// set); an FP32 model builds in FP32.
  bool stronglyTyped = false;
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

/// The TensorRT version a JetPack release ships ("5.0" -> "8.4", "5.1" -> "8.5", "6.0" ->
/// "8.6", "6.1" / "6.2" -> "10.3"). Throws InputError naming the valid values.
std::string trtVersionForJetpack(const std::string& jetpack);

/// The default memory budget: a quarter of this machine's physical memory (or of its cgroup's
/// limit), for the tensors dlasim plans to hold; the process needs somewhat more than that.
int64_t defaultMaxMemoryBytes();

}  // namespace dlasim
