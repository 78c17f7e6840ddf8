// Polygraphy-style output comparison (dlasim::compare).
#include "dlasim/compare.h"

#include <algorithm>
#include <cmath>

#include "sim/ir/tensor.h"

namespace dlasim {

namespace {

using sim::fail;

DifferenceStats stats(std::vector<double> v, const Shape& shape) {
  DifferenceStats s;
  if (v.empty()) return s;
  size_t argmax = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    s.mean += v[i];
    if (!(v[i] <= s.max)) {  // NaN counts as the largest difference
      s.max = v[i];
      argmax = i;
    }
  }
  s.mean /= double(v.size());
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  s.median = v[v.size() / 2];
  s.argmax.assign(shape.size(), 0);
  for (size_t d = shape.size(); d-- > 0;) {
    int64_t extent = std::max<int64_t>(shape[d], 1);
    s.argmax[d] = int64_t(argmax) % extent;
    argmax /= size_t(extent);
  }
  return s;
}

}  // namespace

bool parseErrorStat(const std::string& s, ErrorStat* out) {
  static const std::pair<const char*, ErrorStat> kNames[] = {{"elemwise", ErrorStat::kElemwise},
                                                             {"max", ErrorStat::kMax},
                                                             {"mean", ErrorStat::kMean},
                                                             {"median", ErrorStat::kMedian}};
  for (const auto& [name, e] : kNames)
    if (s == name) {
      *out = e;
      return true;
    }
  return false;
}

const char* errorStatName(ErrorStat s) {
  switch (s) {
    case ErrorStat::kMax:
      return "max";
    case ErrorStat::kMean:
      return "mean";
    case ErrorStat::kMedian:
      return "median";
    case ErrorStat::kElemwise:
      break;
  }
  return "elemwise";
}

CompareResult compare(const TensorMap& reference, const TensorMap& actual,
                      const CompareOptions& o) {
  if (!(o.rtol >= 0) || !(o.atol >= 0) || !std::isfinite(o.rtol) || !std::isfinite(o.atol))
    fail("compare: tolerances must be finite and non-negative (rtol ", o.rtol, ", atol ", o.atol,
         ")");
  CompareResult r;
  for (const auto& [name, ref] : reference) {
    auto it = actual.find(name);
    if (it == actual.end()) fail("compare: output '", name, "' is missing from the run compared");
    const Tensor& act = it->second;
    if (act.shape() != ref.shape())
      fail("compare: output '", name, "' has shape ", shapeString(act.shape()), ", the reference ",
           shapeString(ref.shape()));
    std::vector<double> x = act.asDouble(), y = ref.asDouble();
    std::vector<double> absd(x.size()), reld(x.size());
    bool elemOk = true;
    for (size_t i = 0; i < x.size(); ++i) {
      absd[i] = std::fabs(x[i] - y[i]);
      reld[i] = absd[i] / std::max(std::fabs(y[i]), 2.22e-16);  // Polygraphy's zero guard
      bool both = std::isnan(x[i]) && std::isnan(y[i]);
      if (!both && !(absd[i] <= o.atol) && !(reld[i] <= o.rtol)) elemOk = false;
    }
    OutputComparison c;
    c.name = name;
    c.shape = act.shape();
    c.absolute = stats(absd, c.shape);
    c.relative = stats(reld, c.shape);
    const DifferenceStats &sa = c.absolute, &sr = c.relative;
    switch (o.checkErrorStat) {
      case ErrorStat::kElemwise:
        c.passed = elemOk;
        break;
      case ErrorStat::kMax:
        c.passed = sa.max <= o.atol || sr.max <= o.rtol;
        break;
      case ErrorStat::kMean:
        c.passed = sa.mean <= o.atol || sr.mean <= o.rtol;
        break;
      case ErrorStat::kMedian:
        c.passed = sa.median <= o.atol || sr.median <= o.rtol;
        break;
    }
    r.passed &= c.passed;
    r.outputs.push_back(std::move(c));
  }
  return r;
}

}  // namespace dlasim
