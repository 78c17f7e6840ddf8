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

const SubcommandSpec kReport = {
    "report",
    "model.onnx",
    "Writes one self-contained HTML file for the model built with the trtexec flags given (or\n"
    "for --loadEngine=FILE in place of model.onnx): summary, graph, timeline, per-layer times\n"
    "and advice; with --compare the per-layer error curve, with --plan the capacity plan, with\n"
    "--profile a measured profile beside the modelled one. Exit 1 when the build is impossible,\n"
    "2 for bad input (nothing is written then).",
    [] {
      std::vector<SubcommandFlag> f = {
          {"--out", "FILE", "The HTML report to write (required)"},
          {"--compare", "[FILE]",
           "Per-layer error curve: computed (--compare) or read from `dlasim compare "
           "--per-layer --json` output (--compare=FILE)"},
          {"--plan", "", "Capacity plan section (sweep with the flags below)"}};
      for (const auto& c : capacityFlags()) f.push_back(c);
      f.push_back(
          {"--profile", "FILE", "A profile measured on a device (trtexec --exportProfile)"});
      f.push_back({"--quiet", "", "No progress line and no summary lines"});
      return f;
    }(),
    true,
    {},
    false,
    true};

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int reportMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  return runSubcommand(kReport, argc, argv, out, err, [&](ParsedSubcommand& a) -> int {
    if (!a.own.count("--out")) fail("--out: give the report's file name (--out=report.html)");
    const std::string& path = a.own["--out"];
    bool quiet = a.own.count("--quiet") > 0;
    bool plan = a.own.count("--plan") > 0;
    const std::optional<Options>& o = a.options;
    bool engine = !o->loadEngine.empty();
    std::vector<std::string> readFiles = inputFilesOf(*o);
    auto t0 = std::chrono::steady_clock::now();
    std::optional<Engine> built;
    try {
      built = engine ? Engine::load(o->loadEngine, o->maxMemory)
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
      ro.capacity = capacityPlan(o->onnx, capacityOptions(a.own, *o));
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
