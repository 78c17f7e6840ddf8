// The parts of the module, each adding its classes and functions to `dlasim`.
#pragma once
#include <optional>
#include <string>

#include "convert.h"

namespace dlasim::python {

/// dlasim.CalibrationCache: the C++ CalibrationCache with its scales kept as a Python dict, so
/// that `cache.scales[name] = s` edits the cache (a converted std::map would be a copy).
struct Calibration {
  std::string header = CalibrationCache().header;
  py::dict scales;

  static Calibration from(const CalibrationCache& c);
  /// Checks every scale (a finite, non-negative number). Needs the GIL.
  CalibrationCache toCache() const;
};

/// A `calib` argument: None, a cache file (str / os.PathLike), a dict {tensor: scale} or a
/// dlasim.CalibrationCache.
std::optional<CalibrationCache> calibrationOf(py::handle calib);

void bindValues(py::module_& m);       // results.cpp: plan facts, compare, platforms, calibration
void bindModelPlan(py::module_& m);    // model_plan.cpp: Model, load (and bindEngine first)
void bindEngine(py::module_& m);       // engine.cpp: Engine, ExecutionContext, Plan, load_engine
void bindPerformance(py::module_& m);  // performance.cpp: cost-model results, capacity plans
void bindCalibrationStatistics(py::module_& m);  // calibration_statistics.cpp
/// helpers.cpp: to_dict() / to_json() and reprs on the report classes, one-line TypeErrors for
/// mistyped keywords. Runs last (it wraps what the others bound).
void bindHelpers(py::module_& m);

/// An error message with the command's flags (--shapes) replaced by the API's names (shapes).
std::string apiNames(const std::string& message);

}  // namespace dlasim::python
