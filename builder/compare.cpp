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

// Looks like class scores: float, rank >= 2, and after the first (row) dimension exactly one
// dimension above 1 (the classes), at least 2 of them.
bool classScoresShape(const Tensor& t, int64_t* rows, int64_t* classes) {
  const Shape& s = t.shape();
  if (!(t.dtype() == DataType::kFloat || t.dtype() == DataType::kDouble) || s.size() < 2)
    return false;
  int64_t c = 1, wide = 0;
  for (size_t d = 1; d < s.size(); ++d)
    if (s[d] > 1) {
      c = s[d];
      ++wide;
    }
  if (wide != 1 || c < 2 || s[0] < 1) return false;
  *rows = s[0];
  *classes = c;
  return true;
}

// The index of the largest value of row r (NaN never wins; the first of equal values).
int64_t argmaxRow(const std::vector<double>& v, int64_t r, int64_t c) {
  int64_t best = 0;
  for (int64_t k = 1; k < c; ++k)
    if (v[size_t(r * c + k)] > v[size_t(r * c + best)]) best = k;
  return best;
}

// Is class k among the 5 largest of row r (ties broken by index, as a stable sort would)?
bool inTop5(const std::vector<double>& v, int64_t r, int64_t c, int64_t k) {
  double x = v[size_t(r * c + k)];
  int64_t above = 0;
  for (int64_t j = 0; j < c; ++j) {
    double y = v[size_t(r * c + j)];
    above += y > x || (y == x && j < k);
  }
  return above < 5;
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
    double dot = 0, nx = 0, ny = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      dot += x[i] * y[i];
      nx += x[i] * x[i];
      ny += y[i] * y[i];
    }
    c.cosine = nx == 0 && ny == 0 ? 1.0 : nx == 0 || ny == 0 ? 0.0 : dot / std::sqrt(nx * ny);
    int64_t classes = 0;
    if (classScoresShape(ref, &c.rows, &classes)) {
      c.classScores = true;
      int64_t same1 = 0, in5 = 0;
      for (int64_t r = 0; r < c.rows; ++r) {
        int64_t want = argmaxRow(y, r, classes);
        same1 += argmaxRow(x, r, classes) == want;
        in5 += inTop5(x, r, classes, want);
      }
      c.top1 = double(same1) / double(c.rows);
      c.top5 = double(in5) / double(c.rows);
    }
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
