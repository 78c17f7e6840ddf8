// Calibration over a data set: batches through an unfused FP32 executor, per-tensor statistics
// (builder/histogram.h), thresholds, TensorRT's cache.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "builder/calibration.h"
#include "builder/histogram.h"
#include "sim/runtime/executor.h"

namespace builder {

using namespace sim;
using dlasim::CalibrationAlgorithm;
using dlasim::CalibrationStatistics;

namespace {

// The histogram class behind a public TensorHistogram (checked: it may come from a file or
// another process).
AbsHistogram toHistogram(const std::string& tensor, const dlasim::TensorHistogram& t) {
  AbsHistogram h;
  if (t.counts.size() != h.counts().size() ||
      !AbsHistogram::fromParts(t.range, t.amax, t.counts, &h))
    fail("calibration statistics of tensor '", tensor, "': not a histogram of ", h.counts().size(),
         " bins over a power-of-two range above its max |x| (range ", t.range, ", max ", t.amax,
         ", ", t.counts.size(), " bins)");
  return h;
}

dlasim::TensorHistogram fromHistogram(const AbsHistogram& h) {
  return {h.range(), h.amax(), h.counts()};
}

}  // namespace

CalibrationStatistics calibrationStatistics(const Graph& g, const dlasim::Dataset& data,
                                            const dlasim::CalibrationOptions& o, int64_t first,
                                            int64_t count) {
  if (g.inputs.size() != 1)
    fail("calibration data feeds one input; the model has ", g.inputs.size(),
         " inputs (calibrate it with a TensorMap batch instead)");
  const TensorInfo& in = g.tensor(g.inputs[0]);
  const Shape& shape = in.desc.shape;
  if (data.input() != in.name)
    fail("calibration data is for input '", data.input(), "', the model's input is '", in.name,
         "'");
  if (shape.empty() || Shape(shape.begin() + 1, shape.end()) != data.sampleShape() ||
      data.dtype() != in.desc.dtype)
    fail("calibration samples (", dtypeName(data.dtype()), " ", shapeStr(data.sampleShape()),
         ") do not fit input '", in.name, "' (", dtypeName(in.desc.dtype), " ", shapeStr(shape),
         ", batch first)");
  if (o.algorithm == CalibrationAlgorithm::kPercentile &&
      !(o.percentile > 0 && o.percentile <= 100))
    fail("percentile ", o.percentile, " is not in (0, 100]");
  const int64_t batch = shape[0], size = data.size();
  if (batch < 1) fail("input '", in.name, "' has batch ", batch, ": nothing to calibrate with");
  if (count < 0) count = size - first;
  if (first < 0 || count < 1 || first > size - count)
    fail("samples ", first, "..", first + count - 1, " are outside the data set of ", size);
  const int64_t end = first + count;
  const bool histograms = o.algorithm != CalibrationAlgorithm::kMinMax;

  // Statistics of every float activation: the input and each layer output.
  std::vector<std::unique_ptr<AbsHistogram>> stats(g.tensors.size());
  std::vector<float> amax(g.tensors.size(), 0.f);
  std::vector<bool> seen(g.tensors.size(), false);
  int64_t valid = batch;  // samples of the current batch that are real (not padding)
  auto record = [&](TensorId t, const Tensor& v) {
    if (v.dtype() != DType::kFloat || g.tensor(t).isConstant()) return;
    int64_t n = v.size();
    // Padding samples are the tail of the batch in tensors whose first dimension is it.
    if (valid < batch && !v.shape().empty() && v.shape()[0] == batch) n = n / batch * valid;
    const float* p = v.data<float>();
    seen[t] = true;
    if (histograms) {
      if (!stats[t]) stats[t] = std::make_unique<AbsHistogram>();
      stats[t]->add(p, n);
      amax[t] = stats[t]->amax();
      return;
    }
    float m = amax[t];
    for (int64_t i = 0; i < n; ++i)
      if (std::isfinite(p[i])) m = std::max(m, std::fabs(p[i]));
    amax[t] = m;
  };
  Executor exec(g, /*reference=*/true, /*fuse=*/false);  // every layer's output is seen
  exec.afterLayer = [&](NodeId n, const std::vector<Tensor*>& outs) {
    for (size_t k = 0; k < outs.size(); ++k)
      if (outs[k]) record(g.nodes[n].outputs[k], *outs[k]);
  };
  for (int64_t at = first; at < end; at += batch) {
    valid = std::min(batch, end - at);
    Tensor x = data.samples(at, valid);
    if (valid < batch) {  // pad with repeats of this batch's own samples
      Tensor full = Tensor::uninitialized(x.dtype(), shape);
      size_t one = x.bytes() / size_t(valid);
      for (int64_t i = 0; i < batch; ++i)
        std::memcpy(static_cast<char*>(full.raw()) + size_t(i) * one,
                    static_cast<const char*>(x.raw()) + size_t(i % valid) * one, one);
      x = full;
    }
    record(g.inputs[0], x);
    exec.run({{in.name, x}});
    if (o.progress) o.progress(at + valid - first, count);
  }

  CalibrationStatistics out;
  out.algorithm = o.algorithm;
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    if (!seen[t]) continue;
    out.tensors[g.tensors[t].name] =
        histograms ? fromHistogram(*stats[t]) : dlasim::TensorHistogram{0, amax[t], {}};
  }
  return out;
}

CalibrationCache calibrateDataset(const Graph& g, const dlasim::Dataset& data,
                                  const dlasim::CalibrationOptions& o) {
  return calibrationStatistics(g, data, o, 0, -1).cache(o);
}

}  // namespace builder

namespace dlasim {

using sim::fail;

void CalibrationStatistics::merge(const CalibrationStatistics& other) {
  if (other.algorithm != algorithm)
    fail("calibration statistics of ", calibrationAlgorithmName(other.algorithm),
         " cannot merge into ", calibrationAlgorithmName(algorithm), " statistics");
  for (const auto& [name, theirs] : other.tensors) {
    auto [it, added] = tensors.emplace(name, theirs);
    if (added && algorithm == CalibrationAlgorithm::kMinMax) continue;
    if (added) {
      builder::toHistogram(name, theirs);  // checked as if merged
      continue;
    }
    TensorHistogram& mine = it->second;
    if (algorithm == CalibrationAlgorithm::kMinMax) {
      mine.amax = std::max(mine.amax, theirs.amax);
      continue;
    }
    builder::AbsHistogram h = builder::toHistogram(name, mine);
    h.merge(builder::toHistogram(name, theirs));
    mine = builder::fromHistogram(h);
  }
}

CalibrationCache CalibrationStatistics::cache(const CalibrationOptions& o) const {
  if (o.algorithm != algorithm)
    fail("calibration statistics of ", calibrationAlgorithmName(algorithm), " give no ",
         calibrationAlgorithmName(o.algorithm), " cache");
  if (o.algorithm == CalibrationAlgorithm::kPercentile &&
      !(o.percentile > 0 && o.percentile <= 100))
    fail("percentile ", o.percentile, " is not in (0, 100]");
  CalibrationCache cache;
  cache.header = calibrationHeader(o.algorithm);
  for (const auto& [name, t] : tensors) {
    double threshold = t.amax;
    if (o.algorithm != CalibrationAlgorithm::kMinMax) {
      builder::AbsHistogram h = builder::toHistogram(name, t);
      std::vector<double> counts(h.counts().begin(), h.counts().end());
      threshold = o.algorithm == CalibrationAlgorithm::kEntropy
                      ? builder::entropyThreshold(counts, h.binWidth())
                      : builder::percentileThreshold(counts, h.binWidth(), o.percentile);
      // A threshold is a bin edge: never beyond the values actually seen.
      threshold = std::min(threshold, double(h.amax()));
    }
    cache.scales[name] = float(threshold / 127.0);
  }
  return cache;
}

}  // namespace dlasim
