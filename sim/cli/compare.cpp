#include "sim/cli/compare.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "sim/cli/build.h"
#include "sim/cli/calibration.h"
#include "sim/cli/io.h"
#include "sim/cli/log.h"
#include "sim/cli/subcommand.h"
#include "sim/runtime/executor.h"

namespace sim::cli {

namespace {

struct Stats {
  double mean = 0, median = 0, max = 0;
  size_t argmax = 0;
};

Stats stats(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  for (size_t i = 0; i < v.size(); ++i) {
    s.mean += v[i];
    if (!(v[i] <= s.max)) {  // NaN counts as the largest difference
      s.max = v[i];
      s.argmax = i;
    }
  }
  s.mean /= double(v.size());
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  s.median = v[v.size() / 2];
  return s;
}

std::string indexOf(size_t flat, const Shape& shape) {
  std::vector<int64_t> idx(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    idx[d] = int64_t(flat) % std::max<int64_t>(shape[d], 1);
    flat /= size_t(std::max<int64_t>(shape[d], 1));
  }
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
    double rtol = a.own.count("--rtol") ? number("--rtol", a.own["--rtol"]) : 1e-2;
    double atol = a.own.count("--atol") ? number("--atol", a.own["--atol"]) : 1e-3;
    std::string stat = a.own.count("--check-error-stat") ? a.own["--check-error-stat"] : "elemwise";
    if (stat != "elemwise" && stat != "max" && stat != "mean" && stat != "median")
      fail("--check-error-stat: '", stat, "' is not one of elemwise, max, mean, median");
    auto o = subcommandOptions(a, {"--allowGPUFallback"});
    if (!o) return 0;
    Log log(out, o->verbose);
    auto model = importWithCalibration(*o, err);
    BuildResult plan = buildPlan(model, *o, nullptr);
    const Graph& g = model.graph;
    int fp16Count = 0, int8Count = 0;
    std::vector<Numeric> numerics = layerNumerics(g, plan, &fp16Count, &int8Count);
    std::map<std::string, Tensor> inputs =
        prepareInputs(g, o->loadInputs, o->seed, o->onnx, [](const std::string&) {});
    if (int8Count && o->calib.empty())
      applyCalibration(model.graph, minMaxCalibration(g, inputs), /*onlyMissing=*/true);
    std::vector<Tensor> ref = Executor(g).run(inputs);
    std::vector<Tensor> emu = Executor(g, numerics).run(inputs);
    std::string what = cat(
        plan.dla ? cat(plan.platform->id, " DLA core ", o->useDLACore) : std::string("GPU only"),
        ": ", fp16Count, " DLA layers in emulated FP16, ", int8Count, " in emulated INT8");
    log.info("Comparing " + what + " against the FP32 reference");
    bool allOk = true;
    std::vector<std::string> failed;
    for (size_t k = 0; k < g.outputs.size(); ++k) {
      const std::string& name = g.tensor(g.outputs[k]).name;
      std::vector<double> x = emu[k].asDouble(), y = ref[k].asDouble();
      std::vector<double> absd(x.size()), reld(x.size());
      bool elemOk = true;
      for (size_t i = 0; i < x.size(); ++i) {
        absd[i] = std::fabs(x[i] - y[i]);
        reld[i] = absd[i] / std::max(std::fabs(y[i]), 2.22e-16);  // Polygraphy's zero guard
        bool both = std::isnan(x[i]) && std::isnan(y[i]);
        if (!both && !(absd[i] <= atol) && !(reld[i] <= rtol)) elemOk = false;
      }
      Stats sa = stats(absd), sr = stats(reld);
      bool ok = stat == "elemwise" ? elemOk
                : stat == "max"    ? (sa.max <= atol || sr.max <= rtol)
                : stat == "mean"   ? (sa.mean <= atol || sr.mean <= rtol)
                                   : (sa.median <= atol || sr.median <= rtol);
      log.info(cat("    Comparing Output: '", name, "' (shape=(", shapeStr(emu[k].shape()), "))"));
      log.info(
          cat("        Tolerance: [abs=", atol, ", rel=", rtol, "] | Checking ", stat, " error"));
      log.info(cat("        Absolute Difference | Stats: mean=", sa.mean, ", median=", sa.median,
                   ", max=", sa.max, " at ", indexOf(sa.argmax, emu[k].shape())));
      log.info(cat("        Relative Difference | Stats: mean=", sr.mean, ", median=", sr.median,
                   ", max=", sr.max, " at ", indexOf(sr.argmax, emu[k].shape())));
      log.info(cat("        ", ok ? "PASSED" : "FAILED", " | Output: '", name, "' | Difference ",
                   ok ? "is within" : "exceeds", " tolerance (rel=", rtol, ", abs=", atol, ")"));
      if (!ok) failed.push_back(name);
      allOk &= ok;
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

}  // namespace sim::cli
