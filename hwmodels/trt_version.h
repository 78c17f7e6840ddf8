// TensorRT versions as data, next to the platforms: which JetPack ships each, which DLA
// generations it runs on, and what the cost model charges differently per version (per-loadable
// submission, DLA <-> GPU synchronisation). Every value carries its source in trt_version.cpp or
// is marked as an assumption; code reads these, never a version number.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "hwmodels/platform.h"

namespace hw {

/// What a TensorRT version's DLA rules and ONNX parser change for placement. The rule checks
/// (hwmodels/dla_*.cpp) read these fields; trt_version.cpp gives each its source.
struct TrtDlaRules {
  bool eltwiseDivPow = false;           // ElementWise Div and Pow run on the DLA
  std::vector<int> shuffleGenerations;  // DLA generations that run Shuffle layers (none: GPU)
  bool concatThirdToLast = false;       // concat axis: third-to-last of any rank (else C of 4-D)
};

struct TrtVersion {
  std::string id;                   // --trtVersion value: "8.4", "8.5", "8.6", "10.3"
  std::string jetpack;              // --jetpack alias: "5.0", "5.1", "6.0", "6.2"
  std::string release;              // the exact release modelled, e.g. "8.4.1 (JetPack 5.0.2)"
  std::vector<int> dlaGenerations;  // Platform::dlaGeneration values it ships for
  // Per-inference costs of the runtime path (µs): a loadable's submission (task set-up and
  // completion), and each DLA <-> GPU hand-off's synchronisation.
  double submitUs = 0, syncUs = 0;
  std::vector<std::pair<std::string, std::string>> sources;  // value -> source
  TrtDlaRules rules = {};
  std::vector<std::pair<std::string, std::string>> ruleSources = {};  // rule -> source
};

/// All versions dlasim models, oldest first; the first is the default (the seed's 8.4).
const std::vector<TrtVersion>& trtVersions();
/// By --trtVersion id ("" = the default). Throws sim::Error naming the valid values.
const TrtVersion& trtVersionById(const std::string& id);
/// By --jetpack name. Throws sim::Error naming the valid values.
const TrtVersion& trtVersionByJetpack(const std::string& jetpack);
/// Throws sim::Error when `v` never shipped for platform `p` (e.g. Xavier with 10.3).
void checkTrtVersionFor(const TrtVersion& v, const Platform& p);

}  // namespace hw
