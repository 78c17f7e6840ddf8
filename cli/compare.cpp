#include "cli/compare.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include "cli/compare_report.h"
#include "cli/log.h"
#include "cli/progress.h"
#include "cli/subcommand.h"
#include "cli/util.h"
#include "dlasim/dlasim.h"

namespace dlasim::cli {

namespace {

std::string indexText(const std::vector<int64_t>& idx) {
  std::ostringstream os;
  os << "(";
  for (size_t d = 0; d < idx.size(); ++d) os << (d ? ", " : "") << idx[d];
  os << ")";
  return os.str();
}

double number(const std::string& flag, const std::string& v) {
  try {
    size_t used = 0;
    double d = std::stod(v, &used);
    if (used == v.size() && d >= 0 && std::isfinite(d)) return d;
  } catch (const std::exception&) {
  }
  fail(flag, ": '", v, "' is not a non-negative number");
}

std::string percent(double share) {
  return cat(std::round(share * 1000) / 10, "%");
}

}  // namespace

int compareMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  SubcommandArgs a = splitSubcommandArgs(argc, argv,
                                         {"--rtol", "--atol", "--check-error-stat", "--per-layer",
                                          "--json", "--jump-threshold", "--quiet"});
  if (a.model.empty()) {
    err << "dlasim: error: usage: dlasim compare model.onnx [trtexec flags] [--rtol=R] [--atol=A] "
           "[--check-error-stat=elemwise|max|mean|median] [--per-layer] [--jump-threshold=X] "
           "[--json=FILE]\n";
    return 2;
  }
  return runGuarded(err, [&]() -> int {
    // Polygraphy's defaults are 1e-5; reduced precision needs looser ones, so FP16's are the
    // default.
    CompareOptions co;
    if (a.own.count("--rtol")) co.rtol = number("--rtol", a.own["--rtol"]);
    if (a.own.count("--atol")) co.atol = number("--atol", a.own["--atol"]);
    if (a.own.count("--jump-threshold"))
      co.jumpThreshold = number("--jump-threshold", a.own["--jump-threshold"]);
    std::string stat = a.own.count("--check-error-stat") ? a.own["--check-error-stat"] : "elemwise";
    if (!parseErrorStat(stat, &co.checkErrorStat))
      fail("--check-error-stat: '", stat, "' is not one of elemwise, max, mean, median");
    bool perLayer = a.own.count("--per-layer") > 0;
    if (perLayer && !a.own["--per-layer"].empty()) fail("--per-layer takes no value");
    std::string jsonFile = a.own.count("--json") ? a.own["--json"] : "";
    if (a.own.count("--json") && jsonFile.empty()) fail("--json: give a file name");
    auto o = subcommandOptions(a, {"--allowGPUFallback"});
    if (!o) return 0;
    Log log(out, o->verbose);
    Plan plan = importModel(*o, err).build(buildConfig(*o));
    TensorMap inputs = prepareInputs(plan.inputs(), o->loadInputs, o->seed, o->onnx);
    std::string what = cat(plan.settings().dlaCore >= 0 ? cat(plan.settings().platform,
                                                              " DLA core ", plan.settings().dlaCore)
                                                        : std::string("GPU only"),
                           ": ", plan.dlaLayers(Precision::kFP16), " DLA layers in emulated FP16, ",
                           plan.dlaLayers(Precision::kINT8), " in emulated INT8");
    log.info("Comparing " + what + " against the FP32 reference");
    std::optional<PerLayerReport> layers;
    CompareResult result;
    if (perLayer) {
      co.progress = progressIfWanted(err, a.own.count("--quiet") > 0, "Comparing", "layers");
      layers = comparePerLayer(plan, inputs, co);
      result = layers->outputs;
    } else {
      TensorMap ref = plan.runReference(inputs);
      TensorMap emu = plan.run(inputs);
      result = compare(ref, emu, co);
    }
    double atol = co.atol, rtol = co.rtol;
    bool allOk = result.passed;
    std::vector<std::string> failed;
    for (const auto& spec : plan.outputs()) {  // in the model's output order
      const OutputComparison& c =
          *std::find_if(result.outputs.begin(), result.outputs.end(),
                        [&](const OutputComparison& x) { return x.name == spec.name; });
      const DifferenceStats &sa = c.absolute, &sr = c.relative;
      const std::string& name = c.name;
      bool ok = c.passed;
      log.info(cat("    Comparing Output: '", name, "' (shape=(", shapeStr(c.shape), "))"));
      log.info(
          cat("        Tolerance: [abs=", atol, ", rel=", rtol, "] | Checking ", stat, " error"));
      log.info(cat("        Absolute Difference | Stats: mean=", sa.mean, ", median=", sa.median,
                   ", max=", sa.max, " at ", indexText(sa.argmax)));
      log.info(cat("        Relative Difference | Stats: mean=", sr.mean, ", median=", sr.median,
                   ", max=", sr.max, " at ", indexText(sr.argmax)));
      log.info(cat("        Cosine Similarity: ", c.cosine));
      if (c.classScores)
        log.info(cat("        Class scores (", c.rows, c.rows == 1 ? " row" : " rows",
                     "): top-1 agreement ", percent(c.top1), ", top-5 agreement ",
                     percent(c.top5)));
      log.info(cat("        ", ok ? "PASSED" : "FAILED", " | Output: '", name, "' | Difference ",
                   ok ? "is within" : "exceeds", " tolerance (rel=", rtol, ", abs=", atol, ")"));
      if (!ok) failed.push_back(name);
    }
    if (layers) printPerLayer(*layers, co, log);
    if (!jsonFile.empty()) {
      std::vector<std::string> readFiles = {o->onnx, o->calib};
      for (const auto& [n, f] : o->loadInputs) readFiles.push_back(f);
      writeFileSafely(jsonFile, compareJson(o->onnx, plan, co, result, layers ? &*layers : nullptr),
                      readFiles);
      log.info("Report written to " + jsonFile);
    }
    if (allOk) {
      log.info("    PASSED | All outputs matched");
      return 0;
    }
    std::string names;
    for (const auto& n : failed) names += (names.empty() ? "'" : ", '") + n + "'";
    log.info("    FAILED | Mismatched outputs: [" + names + "]");
    return 1;
  });
}

}  // namespace dlasim::cli
