// INT8 scales in the IR: applying a calibration cache, and MinMax calibration over one batch.
// (Reading and writing TensorRT's cache text is dlasim::CalibrationCache.)
#pragma once
#include <map>
#include <string>
#include <vector>

#include "dlasim/calibration.h"
#include "dlasim/dataset.h"
#include "sim/ir/graph.h"

namespace builder {

using dlasim::CalibrationCache;

/// Parses a calibration cache's text (`name` names it in errors); CalibrationCache::read reads
/// the file and calls this.
CalibrationCache parseCalibrationCache(const std::string& text, const std::string& name);

/// MinMax calibration: one unfused FP32 run over `inputs`; scale = max|x| / 127 for the graph
/// inputs and every float layer output.
CalibrationCache minMaxCalibration(const sim::Graph& g,
                                   const std::map<std::string, sim::Tensor>& inputs);

/// Calibration over a data set (docs/numerics.md "Calibration"): the samples run through `g`
/// (FP32, unfused, so every layer's output is seen) in batches of the graph's batch size (its
/// input's first dimension); a short last batch is padded with repeats of its own samples,
/// which are not counted in tensors whose first dimension is the batch. For the graph input
/// and every float layer output, the algorithm's threshold T gives scale T / 127. Throws
/// InputError when the data does not fit the graph's single input.
CalibrationCache calibrateDataset(const sim::Graph& g, const dlasim::Dataset& data,
                                  const dlasim::CalibrationOptions& options);

/// The statistics calibrateDataset computes its cache from, over samples [first, first + count)
/// of `data` (count -1: to the end) in batches starting at `first` (Model::calibrationStatistics).
dlasim::CalibrationStatistics calibrationStatistics(const sim::Graph& g,
                                                    const dlasim::Dataset& data,
                                                    const dlasim::CalibrationOptions& options,
                                                    int64_t first, int64_t count);

/// True when activations of `g` carry INT8 scales before any calibration: the model was
/// quantised explicitly (QuantizeLinear / DequantizeLinear pairs).
bool hasExplicitScales(const sim::Graph& g);

/// Sets TensorInfo::quant for every graph tensor the cache names (with `onlyMissing`, only where
/// none is set yet); returns the cache's names that match no tensor.
std::vector<std::string> applyCalibration(sim::Graph& g, const CalibrationCache& c,
                                          bool onlyMissing = false);

/// One warning per cache entry that names a tensor of `g` with a degenerate scale: unusable
/// ones (CalibrationCache::unusableReason) with the layers on the DLA that therefore run in FP16
/// (`loadableOf` per node, -1 = GPU), and dynamic ranges beyond FP16's 65504, used as given.
std::vector<std::string> calibrationWarnings(const sim::Graph& g, const CalibrationCache& c,
                                             const std::vector<int>& loadableOf);

}  // namespace builder
