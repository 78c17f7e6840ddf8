// The cost model's calibration points as data: every published figure it was fitted to (design
// §5 and shared/calibration/), with the value the model gives for it (re-checked by
// tests/unit/cost_calibration_test.cpp) and the regime it belongs to. A regime's residuals give
// the uncertainty the model states for any plan of that regime (docs/cost-model.md §3).
#pragma once
#include <string>
#include <vector>

namespace hw {

/// What the calibration points tell apart: DLA generation (1 Xavier, 2 Orin), the DLA layers'
/// precision, whole network on the DLA or with GPU fallback, and the TensorRT version.
struct Regime {
  int dlaGeneration = 0;  // 0: no DLA layer (GPU only): no calibration point covers it
  bool int8 = false;      // DLA layers in INT8 (else FP16)
  bool fallback = false;  // some layers run on the GPU
  std::string trtVersion;
};
std::string regimeName(const Regime& r);

struct CalibrationPoint {
  std::string id;    // "design5.1", "C1.int8.latency", ...
  std::string what;  // the figure, in words
  Regime regime;
  std::string unit;           // "qps" or "ms"
  double published = 0;       // the published figure
  double modelled = 0;        // what the model gives (tests re-model it: drift fails them)
  double tolerance = 0;       // relative: |modelled / published - 1| the doc promises
  bool inUncertainty = true;  // false: a part-of-network figure reported for shape only
  std::string source;
};

const std::vector<CalibrationPoint>& calibrationPoints();

struct Uncertainty {
  double fraction = -1;  // relative; negative: uncalibrated regime
  int points = 0;
};
/// max(RMS of the regime's residuals, kPrior / sqrt(points)); uncalibrated when no point.
Uncertainty uncertaintyOf(const Regime& r);

}  // namespace hw
