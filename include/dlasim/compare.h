// Polygraphy-style comparison of two runs' outputs (e.g. emulated DLA vs FP32 reference).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dlasim/engine.h"
#include "dlasim/tensor.h"

namespace dlasim {

enum class ErrorStat : uint8_t { kElemwise, kMax, kMean, kMedian };

struct CompareOptions {
  /// Polygraphy's defaults are 1e-5; reduced precision needs looser ones, so FP16's are the
  /// default here.
  double rtol = 1e-2, atol = 1e-3;
  ErrorStat checkErrorStat = ErrorStat::kElemwise;
  /// comparePerLayer: a layer "jumps" when its relative error exceeds the largest of its
  /// inputs' by at least this much (and at least doubles it).
  double jumpThreshold = 0.05;
  /// comparePerLayer: called after each layer of the emulated run (layers done, layers in all).
  std::function<void(int64_t done, int64_t total)> progress;
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
  /// Cosine similarity of the two outputs as vectors (1 = same direction; 1 when both are
  /// zero, 0 when only one is).
  double cosine = 1;
  /// When the output looks like class scores (float [N, C], or [N, C, 1, 1] and alike, C >= 2):
  /// over its N rows, the share whose top-1 class agrees with the reference's, and the share
  /// whose reference top-1 class is among the run's top 5.
  bool classScores = false;
  int64_t rows = 0;
  double top1 = 0, top5 = 0;
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

/// One layer of a per-layer comparison: its output in the emulated run against the FP32
/// reference, both runs fed the same inputs (so errors accumulate along the network, as on
/// the device).
struct LayerComparison {
  std::string name, type;  // as in Engine::layers()
  std::string output;      // the tensor compared (the layer's first float output)
  Device device = Device::kGPU;
  Precision precision = Precision::kFP32;
  /// False when the layer's output exists only inside a fused group (`fusedInto`, e.g. a
  /// convolution fused with the residual Add after it) or is not a float tensor.
  bool compared = false;
  std::string fusedInto;
  double relativeError = 0;  // ||emulated - reference||_2 / ||reference||_2 (0/0 = 0)
  double cosine = 1;         // cosine similarity, as in OutputComparison
  double maxAbs = 0, meanAbs = 0;
  double inputError = 0;  // the largest relative error among the tensors the layer reads
  double increase = 0;    // relativeError - inputError: the error this layer adds
  /// increase >= jumpThreshold and relativeError >= 2 x inputError, in a layer computing in
  /// reduced precision (an FP32 layer only amplifies its inputs' error).
  bool jump = false;
};

struct PerLayerReport {
  std::vector<LayerComparison> layers;  // one per Engine::layers() entry, same order
  int firstJump = -1;                   // index of the first layer that jumps (-1: none)
  int largestIncrease = -1;             // the reduced-precision layer adding the most error
  CompareResult outputs;                // the graph outputs, as compare() reports them
  TensorMap reference, emulated;        // the two runs' outputs
};

/// Runs the engine in its emulated precisions and in FP32 on the same inputs, layer by layer
/// in lock step (memory stays bounded), and compares every layer's output: where along the
/// network accuracy is lost. The emulated run is the one ExecutionContext::run does (fused
/// groups stay fused), with the context's dynamic INT8 scales (taken from `inputs` if it has
/// not run yet). Throws InputError for missing or mis-shaped inputs.
PerLayerReport comparePerLayer(ExecutionContext& context, const TensorMap& inputs,
                               const CompareOptions& options = {});
/// The same in a new context of `engine`.
PerLayerReport comparePerLayer(const Engine& engine, const TensorMap& inputs,
                               const CompareOptions& options = {});

}  // namespace dlasim
