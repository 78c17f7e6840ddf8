#include "cli/compare.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "cli/log.h"
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

}  // namespace

int compareMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  SubcommandArgs a = splitSubcommandArgs(argc, argv, {"--rtol", "--atol", "--check-error-stat"});
  if (a.model.empty()) {
    err << "dlasim: error: usage: dlasim compare model.onnx [trtexec flags] [--rtol=R] [--atol=A] "
           "[--check-error-stat=elemwise|max|mean|median]\n";
    return 2;
  }
  return runGuarded(err, [&]() -> int {
    // Polygraphy's defaults are 1e-5; reduced precision needs looser ones, so FP16's are the
    // default.
    CompareOptions co;
    if (a.own.count("--rtol")) co.rtol = number("--rtol", a.own["--rtol"]);
    if (a.own.count("--atol")) co.atol = number("--atol", a.own["--atol"]);
    std::string stat = a.own.count("--check-error-stat") ? a.own["--check-error-stat"] : "elemwise";
    if (!parseErrorStat(stat, &co.checkErrorStat))
      fail("--check-error-stat: '", stat, "' is not one of elemwise, max, mean, median");
    auto o = subcommandOptions(a, {"--allowGPUFallback"});
    if (!o) return 0;
    Log log(out, o->verbose);
    Plan plan = importModel(*o, err).build(buildConfig(*o));
    TensorMap inputs = prepareInputs(plan.inputs(), o->loadInputs, o->seed, o->onnx);
    TensorMap ref = plan.runReference(inputs);
    TensorMap emu = plan.run(inputs);
    std::string what = cat(plan.settings().dlaCore >= 0 ? cat(plan.settings().platform,
                                                              " DLA core ", plan.settings().dlaCore)
                                                        : std::string("GPU only"),
                           ": ", plan.dlaLayers(Precision::kFP16), " DLA layers in emulated FP16, ",
                           plan.dlaLayers(Precision::kINT8), " in emulated INT8");
    log.info("Comparing " + what + " against the FP32 reference");
    CompareResult result = compare(ref, emu, co);
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
      log.info(cat("        ", ok ? "PASSED" : "FAILED", " | Output: '", name, "' | Difference ",
                   ok ? "is within" : "exceeds", " tolerance (rel=", rtol, ", abs=", atol, ")"));
      if (!ok) failed.push_back(name);
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
