#include "cli/report_cmd.h"

#include <chrono>

#include "cli/performance.h"
#include "cli/plan_cmd.h"
#include "cli/progress.h"
#include "cli/subcommand.h"
#include "cli/util.h"
#include "dlasim/dlasim.h"
#include "dlasim/report.h"

namespace dlasim::cli {

namespace {

const char* kUsage =
    "usage: dlasim report model.onnx [trtexec flags] --out=report.html [--compare[=FILE]] "
    "[--plan [--batches=...] [--powerModes=...] [--placements=...] [--latency-budget=MS]] "
    "[--profile=measured.json] [--exportTrace=trace.json] [--quiet]  (or --loadEngine=FILE in "
    "place of model.onnx)";

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int reportMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  std::set<std::string> own = capacityFlags();
  own.insert({"--out", "--compare", "--plan", "--quiet", "--profile"});
  SubcommandArgs a = splitSubcommandArgs(argc, argv, own);
  bool engine = false;
  for (const auto& t : a.trtexec) engine |= t.rfind("--loadEngine", 0) == 0;
  if (a.model.empty() == !engine || !a.own.count("--out")) {
    err << "dlasim: error: " << kUsage << "\n";
    return 2;
  }
  return runGuarded(err, [&]() -> int {
    const std::string& path = a.own["--out"];
    if (path.empty()) fail("--out: give the report's file name (--out=report.html)");
    bool quiet = a.own.count("--quiet") > 0;
    bool plan = a.own.count("--plan") > 0;
    if (plan && !a.own["--plan"].empty()) fail("--plan takes no value (sweep with --batches=...)");
    auto o = subcommandOptions(a, {});
    if (!o) return 0;
    std::vector<std::string> readFiles = inputFilesOf(*o);
    auto t0 = std::chrono::steady_clock::now();
    std::optional<Plan> built;
    try {
      built = engine ? Plan::load(o->loadEngine, o->maxMemory)
                     : importModel(*o, err).build(buildConfig(*o));
    } catch (const VerdictError& e) {
      err << "dlasim: build failed: " << printable(e.what()) << "\n";
      return 1;
    }
    ReportOptions ro;
    ro.performance = performanceOptions(*o);
    ro.commandLine = o->commandLine;
    if (a.own.count("--compare")) {
      const std::string& file = a.own["--compare"];
      if (file.empty()) {
        TensorMap inputs = prepareInputs(built->inputs(), o->loadInputs, o->seed, o->onnx);
        CompareOptions co;
        co.progress = progressIfWanted(err, quiet, "Comparing", "layers");
        ro.perLayer = comparePerLayer(*built, inputs, co);
      } else {
        ro.perLayer = readPerLayerJson(file, *built);
        readFiles.push_back(file);
      }
    }
    if (a.own.count("--profile")) {
      if (a.own["--profile"].empty()) fail("--profile: give trtexec's --exportProfile file");
      ro.measured = readProfileJson(a.own["--profile"], *built);
      readFiles.push_back(a.own["--profile"]);
    }
    if (plan) {
      if (o->onnx.empty()) fail("--plan needs the ONNX model (a capacity plan rebuilds it)");
      ro.capacity = capacityPlan(o->onnx, capacityOptions(a, *o));
    }
    // Everything is computed before anything is written: bad input leaves no file behind.
    std::string html = reportHtml(*built, ro);
    std::string trace = o->exportTrace.empty()
                            ? std::string()
                            : chromeTraceJson(*built, built->performance(ro.performance));
    writeFileSafely(path, html, readFiles);
    if (!o->exportTrace.empty()) {
      writeFileSafely(o->exportTrace, trace, readFiles);
      if (!quiet) out << "Trace written to " << o->exportTrace << "\n";
    }
    if (!quiet) out << "Report written to " << path << " (" << secondsSince(t0) << " s)\n";
    return 0;
  });
}

}  // namespace dlasim::cli
