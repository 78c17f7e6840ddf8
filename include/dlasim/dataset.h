// Calibration data: N samples of a model input, in memory or in files (one .npy holding the
// samples on its first axis, or a folder of .npy / raw files). Samples are read batch by batch,
// so a data set larger than memory works.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "dlasim/tensor.h"

namespace dlasim {

class Dataset {
 public:
  /// Samples in memory: `samples` stacks N samples of input `input` on its first axis.
  static Dataset fromTensor(const std::string& input, Tensor samples);
  /// Samples for model input `input` (its first dimension is the batch; a sample has the
  /// others). `path` is a .npy file of shape [N, sample...] (or [sample...], one sample), or a
  /// folder whose files (hidden ones and subfolders skipped, in name order) are such .npy files
  /// or raw little-endian data holding a whole number of samples. Every file's type, shape and
  /// size is checked here; errors (InputError) name the file and what is wrong.
  static Dataset load(const std::string& path, const TensorSpec& input);

  const std::string& input() const;
  DataType dtype() const;
  const Shape& sampleShape() const;
  /// Number of samples.
  int64_t size() const;
  /// Samples [first, first + count) stacked as one tensor [count, sample...].
  Tensor samples(int64_t first, int64_t count) const;
  /// The files the samples come from (empty in memory).
  std::vector<std::string> files() const;

  struct Impl;

 private:
  explicit Dataset(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace dlasim
