// Polygraphy-style comparison of two runs' outputs (e.g. emulated DLA vs FP32 reference).
#pragma once
#include <string>
#include <vector>

#include "dlasim/tensor.h"

namespace dlasim {

enum class ErrorStat : uint8_t { kElemwise, kMax, kMean, kMedian };

struct CompareOptions {
  /// Polygraphy's defaults are 1e-5; reduced precision needs looser ones, so FP16's are the
  /// default here.
  double rtol = 1e-2, atol = 1e-3;
  ErrorStat checkErrorStat = ErrorStat::kElemwise;
};

struct DifferenceStats {
  double mean = 0, median = 0, max = 0;
  std::vector<int64_t> argmax;  // index of the largest difference
};

struct OutputComparison {
  std::string name;
  Shape shape;
  DifferenceStats absolute, relative;
  bool passed = false;
};

struct CompareResult {
  std::vector<OutputComparison> outputs;  // in the order of the outputs compared
  bool passed = true;
};

/// Compares `actual` against `reference` output by output (names present in both, in
/// `reference`'s order). Polygraphy's rule: an element passes when its absolute difference is
/// within atol or its relative difference within rtol; NaN matches NaN only. Throws InputError
/// when an output's shapes differ or an output is missing from `actual`.
CompareResult compare(const TensorMap& reference, const TensorMap& actual,
                      const CompareOptions& options = {});

/// "elemwise", "max", "mean", "median" -> ErrorStat; false if unknown.
bool parseErrorStat(const std::string& s, ErrorStat* out);
const char* errorStatName(ErrorStat s);

}  // namespace dlasim
