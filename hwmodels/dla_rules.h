// TensorRT's DLA rules per layer kind, reading their limits from the platform data.
// A verdict lists every rule a layer breaks, each with the actual value and the limit.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "hwmodels/platform.h"
#include "hwmodels/trt_version.h"
#include "sim/ir/graph.h"

namespace hw {

using sim::Precision;
using sim::precisionName;

/// What the rules need of the build request (trtexec's precision flags and per-layer overrides).
struct RuleConfig {
  bool fp16 = false, int8 = false;
  std::map<std::string, Precision> layerPrecisions;   // layer name -> asked precision
  std::map<std::string, Precision> layerOutputTypes;  // layer name -> asked output type
  /// --precisionConstraints=obey: a request the DLA cannot meet breaks general.precision (the
  /// layer leaves the DLA); prefer: the layer stays in the precision the DLA can run.
  bool obey = true;
  std::vector<bool> dynamicTensors;  // per tensor: shape differs between min and max profile
  /// A calibration cache was given: INT8 layers then need a scale (TensorInfo::quant) on
  /// every activation they read and write, else they run in FP16 (DLA-SW FAQ). Without one
  /// ("Calibration: Dynamic") scales are assumed present, as trtexec does.
  bool calibrated = false;
  /// The TensorRT version whose DLA rules apply (hwmodels/trt_version.h); null: the default.
  const TrtVersion* trt = nullptr;
};

struct Violation {
  std::string rule;     // rule id from the catalogue, e.g. "conv.kernel"
  std::string message;  // with the actual value and the limit
  std::string fix;      // a change that would put the layer on the DLA, when one exists
  // The same value and limit as structured text, e.g. "33x33" and "[1,32]", "4097" and
  // "<= 4096", "int32" and "float", "Elu" and "ReLU, Sigmoid, ...". Default-initialised so
  // {rule, message, fix} aggregate initialisers still compile without warnings.
  std::string value = {};  // what the layer has
  std::string limit = {};  // what the rule allows
};

struct LayerVerdict {
  std::vector<Violation> violations;
  Precision precision = Precision::kFP16;  // what the layer runs in on the DLA
  bool ok() const { return violations.empty(); }
};

LayerVerdict checkLayer(const sim::Graph& g, const sim::Node& n, const Platform& p,
                        const RuleConfig& cfg);

/// The first activation of `n` (a non-constant input, or an output) without an INT8 scale, or
/// sim::kNoTensor. With scales from a calibration cache or Q/DQ, such a layer is not INT8.
sim::TensorId unscaledActivation(const sim::Graph& g, const sim::Node& n);

/// One documented rule: where it applies, what it says (with {placeholders} for platform
/// values) and its source. docs/dla-rules.md is generated from this table.
struct RuleInfo {
  std::string id, layer, text, source;
};
const std::vector<RuleInfo>& ruleCatalogue();
/// The rules of TensorRT `trtVersion` ("" = the default 8.4) rendered as Markdown with each
/// platform's values (docs/dla-rules.md is the default's).
std::string rulesMarkdown(const std::string& trtVersion = "");

/// Whether a DLA convolution running in `precision` can use structured sparsity (--sparsity):
/// the platform supports it, INT8, more than the minimum input channels, and weights with at
/// most 2 non-zeros in every group of 4 along C. `why` receives the first reason it cannot.
bool sparseEligible(const sim::Graph& g, const sim::Node& n, const Platform& p, Precision precision,
                    std::string* why);

}  // namespace hw
