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
