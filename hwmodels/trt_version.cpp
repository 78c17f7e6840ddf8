// TensorRT version data. Sources: "DSW-FAQ" = NVIDIA Deep-Learning-Accelerator-SW FAQ, "C1" /
// "C2" = shared/calibration/README.md, "design §5" = shared/design.md's calibration set, "TDV" =
// shared/reference/trt-dla-versions.md (its item numbers). docs/cost-model.md §3 shows how the
// fitted values were fixed.
#include "hwmodels/trt_version.h"

#include <algorithm>

#include "sim/ir/error.h"

namespace hw {

namespace {

// Fitted: see docs/cost-model.md §3.
constexpr double kSubmit84Us = 135;  // design §5 item 2: per-layer loadables' fixed cost
constexpr double kSync84Us = 204;    // design §5 item 1: ModelGN's ten hand-offs (TensorRT 8.4)
constexpr double kSync103Us = 337;   // C1: YOLO11 INT8 GPU compute time (TensorRT 10.3)

// The DLA rules and parser behaviour of each version (TDV "Suggested version profiles", note 3;
// each adds to the one before). 8.4 is the seed's rule set.
void addRules(std::vector<TrtVersion>& v) {
  TrtVersion &v84 = v[0], &v85 = v[1], &v86 = v[2], &v103 = v[3];
  v84.ruleSources = {
      {"rules", "the seed's TensorRT 8.4 list (seed §3; TDV note 3)"},
      {"eltwise.op", "no Div or Pow (TDV A8, high confidence: still rejected by Jetson 8.6.2)"},
      {"shuffle.unsupported", "Shuffle on the GPU (TDV A6: seed and tutorial 8.4 logs)"}};
  v85.rules = v84.rules;
  v85.rules.shuffleGenerations = {2};
  v85.rules.concatThirdToLast = true;
  v85.ruleSources = {
      {"shuffle.unsupported",
       "Shuffle (Reshape/Transpose) on the DLA on Orin from 8.5 (TDV A6, medium-high: DLA-SW "
       "operator matrix at TensorRT 8.5.2). Xavier unknown: kept on the GPU (assumption)"},
      {"shuffle.slice_concat",
       "\"does not support reshape layers directly connected to Slice or Concat\" (TDV A6, log "
       "I-UL23488, probably 8.5.2; the guide's Shuffle constraints are unread: low confidence)"},
      {"shuffle.rank",
       "assumption (low confidence): 4-D input and output, like the other DLA layers (seed §3.1)"},
      {"concat.axis",
       "axis = third-to-last, C of NCHW (TDV A13: NvInfer.h 8.5.1, high for the text, medium "
       "for rank != 4)"},
      {"eltwise.comparison_int8",
       "Equal in INT8 (TDV A7, medium); dlasim's 8.4 rules already allow it (design §3)"}};
  v86.rules = v85.rules;
  v86.ruleSources = v85.ruleSources;
  v86.ruleSources.push_back(
      {"conv.cbuf",
       "not modelled: 8.6's CBUF admission heuristic for large convolutions (TDV A17, DSW-FAQ) "
       "is not published, so it cannot be stated as data"});
  v86.ruleSources.push_back(
      {"eltwise.op", "no Div or Pow (TDV A8, high: \"DLA cores do not support DIV\" on 8.6.2)"});
  v103.rules = v86.rules;
  v103.rules.eltwiseDivPow = true;
  v103.ruleSources = v86.ruleSources;
  v103.ruleSources.back() = {
      "eltwise.op",
      "Div, Pow, Greater, Less on the DLA (TDV A8, DOC-L 10.x row; first 10.x release "
      "unverified: assumption for 10.3)"};
  v103.ruleSources.push_back(
      {"InstanceNormalization",
       "imported as a native normalization layer, not the plugin (TDV C7, high); still on the "
       "GPU, so placement does not change"});
}

std::vector<TrtVersion> build() {
  const std::vector<int> both = {1, 2}, orinOnly = {2};
  const std::pair<std::string, std::string> cudla = {
      "submitUs",
      "design §5 item 2 (cuDLA's per-task cost); TDV D1: from 8.5 TensorRT runs the DLA through "
      "cuDLA"};
  std::vector<TrtVersion> v;
  v.push_back(
      {"8.4",
       "5.0",
       "8.4.1 (JetPack 5.0.2)",
       both,
       kSubmit84Us,
       kSync84Us,
       {{"submitUs", "fitted to design §5 item 2 (per-layer loadables)"},
        {"syncUs", "fitted to design §5 item 1 (ModelGN, TensorRT 8.4, 305.9 qps)"},
        {"platforms", "JetPack 5.0 supports AGX Xavier, Xavier NX and Orin (TDV note 4)"}}});
  v.push_back({"8.5",
               "5.1",
               "8.5.2 (JetPack 5.1)",
               both,
               kSubmit84Us,
               kSync103Us,
               {cudla,
                {"syncUs",
                 "assumption: 10.3's (C1), as both run the DLA through cuDLA (TDV D1); no "
                 "calibration point has 8.5"},
                {"platforms", "JetPack 5.1 is the last release for Xavier (TDV note 4)"}}});
  v.push_back({"8.6",
               "6.0",
               "8.6.2 (JetPack 6.0)",
               orinOnly,
               kSubmit84Us,
               kSync103Us,
               {cudla,
                {"syncUs",
                 "assumption: 10.3's (C1), as both run the DLA through cuDLA (TDV D1); no "
                 "calibration point has 8.6"},
                {"platforms", "JetPack 6 is Orin only (TDV A2, note 4)"}}});
  v.push_back({"10.3",
               "6.2",
               "10.3.0 (JetPack 6.1 / 6.2)",
               orinOnly,
               kSubmit84Us,
               kSync103Us,
               {cudla,
                {"syncUs", "fitted to C1 (YOLO11 INT8, TensorRT 10.3: GPU compute time 3.789 ms)"},
                {"platforms", "TensorRT 10 ships only for Orin (TDV A2, note 4)"}}});
  addRules(v);
  return v;
}

std::string listOf(const std::vector<TrtVersion>& v, std::string TrtVersion::*field) {
  std::string s;
  for (const auto& t : v) s += (s.empty() ? "" : ", ") + t.*field;
  return s;
}

}  // namespace

const std::vector<TrtVersion>& trtVersions() {
  static const std::vector<TrtVersion> all = build();
  return all;
}

const TrtVersion& trtVersionById(const std::string& id) {
  if (id.empty()) return trtVersions().front();
  for (const auto& v : trtVersions())
    if (v.id == id) return v;
  sim::fail("--trtVersion: unknown TensorRT version '", id, "' (",
            listOf(trtVersions(), &TrtVersion::id), ")");
}

const TrtVersion& trtVersionByJetpack(const std::string& jetpack) {
  for (const auto& v : trtVersions())
    if (v.jetpack == jetpack || (jetpack == "6.1" && v.id == "10.3")) return v;
  sim::fail("--jetpack: unknown JetPack '", jetpack, "' (",
            listOf(trtVersions(), &TrtVersion::jetpack), ", 6.1)");
}

void checkTrtVersionFor(const TrtVersion& v, const Platform& p) {
  if (std::find(v.dlaGenerations.begin(), v.dlaGenerations.end(), p.dlaGeneration) !=
      v.dlaGenerations.end())
    return;
  std::string ok;
  for (const auto& t : trtVersions())
    if (std::find(t.dlaGenerations.begin(), t.dlaGenerations.end(), p.dlaGeneration) !=
        t.dlaGenerations.end())
      ok += (ok.empty() ? "" : ", ") + t.id;
  sim::fail("--trtVersion: TensorRT ", v.id, " never shipped for ", p.name, " (", ok, ")");
}

}  // namespace hw
