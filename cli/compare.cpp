#include "cli/compare.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include "cli/bindings_io.h"
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

// The --ref file's outputs as compare()'s reference: every output of the plan must be there, by
// name and with the plan's shape; outputs of the file the model does not have are left out.
TensorMap referenceFor(const Engine& plan, TensorMap file, const std::string& fileName) {
  if (file.size() == 1 && file.count("")) {  // a .npy: the one output's
    if (plan.outputs().size() != 1)
      fail(fileName, ": a .npy holds one array, the model has ", plan.outputs().size(),
           " outputs: give an .npz with one array per output name");
    file[plan.outputs()[0].name] = file[""];
    file.erase("");
  }
  std::string names;
  for (const auto& [n, t] : file) names += cat(names.empty() ? "" : ", ", "'", n, "'");
  TensorMap ref;
  for (const auto& spec : plan.outputs()) {
    auto it = file.find(spec.name);
    if (it == file.end())
      fail(fileName, ": no output '", spec.name, "' (the file holds ",
           names.empty() ? std::string("no arrays") : names, ")");
    if (it->second.shape() != spec.shape)
      fail(fileName, ": output '", spec.name, "' has shape ", shapeStr(it->second.shape()),
           ", the model's is ", shapeStr(spec.shape),
           " (run dlasim with the --shapes of the reference run)");
    ref[spec.name] = it->second;
  }
  return ref;
}

const SubcommandSpec kCompare = {
    "compare",
    "model.onnx",
    "Runs the emulated build (DLA numerics) and the FP32 reference on the same inputs and\n"
    "reports Polygraphy-style differences per output, cosine similarity and, for class scores,\n"
    "top-1 / top-5 agreement. With --ref, the outputs in FILE (trtexec's --exportOutput JSON\n"
    "from a device, Polygraphy's --save-outputs JSON, or an .npz / .npy from ONNX Runtime or\n"
    "numpy) are the reference instead, matched by output name; give the inputs that produced\n"
    "them with --loadInputs. Exit 1 over tolerance (a CI accuracy gate), 2 for bad input.",
    {{"--rtol", "R", "Relative tolerance (default 0.01)"},
     {"--atol", "A", "Absolute tolerance (default 0.001)"},
     {"--check-error-stat", "STAT",
      "elemwise (default: every element within atol or rtol), max, mean or median"},
     {"--per-layer", "", "Compare every layer's output and mark the first error jump"},
     {"--jump-threshold", "X", "Error a layer must add to count as a jump (default 0.05)"},
     {"--ref", "FILE", "Reference outputs: .json (trtexec or Polygraphy), .npz or .npy"},
     {"--against", "RUN",
      "The dlasim run compared with --ref: emulated (default) or fp32 (the FP32 reference)"},
     {"--json", "FILE", "Write the whole report as JSON"},
     {"--quiet", "", "No progress line for --per-layer (shown on a terminal otherwise)"}},
    true,
    {"--allowGPUFallback"},
    false};

}  // namespace

int compareMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  return runSubcommand(kCompare, argc, argv, out, err, [&](ParsedSubcommand& a) -> int {
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
    std::string jsonFile = a.own.count("--json") ? a.own["--json"] : "";
    std::string refFile = a.own.count("--ref") ? a.own["--ref"] : "";
    std::string against = a.own.count("--against") ? a.own["--against"] : "emulated";
    if (against != "emulated" && against != "fp32")
      fail("--against: '", against, "' is not one of emulated, fp32");
    if (a.own.count("--against") && refFile.empty()) fail("--against applies to --ref=FILE");
    if (perLayer && !refFile.empty())
      fail(
          "--per-layer compares dlasim's two runs layer by layer; a --ref file holds only the "
          "outputs: give one or the other");
    const Options& o = *a.options;
    Log log(out, o.verbose);
    // Read first: a missing or malformed reference file fails before the build.
    TensorMap refOutputs;
    if (!refFile.empty()) {
      std::vector<std::string> notes;
      refOutputs = loadOutputsFile(refFile, &notes);
      for (const auto& n : notes) log.info(n);
    }
    Engine plan = importModel(o, err).build(buildConfig(o));
    ExecutionContext context = plan.createExecutionContext();
    std::vector<std::string> inputNotes;
    TensorMap inputs = prepareInputs(plan.inputs(), o.loadInputs, o.seed, o.onnx, &inputNotes);
    std::string what = cat(plan.settings().dlaCore >= 0 ? cat(plan.settings().platform,
                                                              " DLA core ", plan.settings().dlaCore)
                                                        : std::string("GPU only"),
                           ": ", plan.dlaLayers(Precision::kFP16), " DLA layers in emulated FP16, ",
                           plan.dlaLayers(Precision::kINT8), " in emulated INT8");
    std::optional<PerLayerReport> layers;
    CompareResult result;
    if (!refFile.empty()) {
      for (const auto& spec : plan.inputs())
        if (!o.loadInputs.count(spec.name))
          log.warn(cat("--ref: input '", spec.name, "' is seeded random data (no --loadInputs): ",
                       refFile, "'s outputs agree only if its run was fed the same values"));
      TensorMap mine;
      if (against == "fp32") {
        mine = context.runReference(inputs);
      } else {  // as `dlasim` (and trtexec) run: inputs read and outputs written in the bindings
        TensorMap in = bindingInputs(plan, o, o.onnx, &inputNotes);
        TensorMap run = context.run(in);
        std::vector<Tensor> outs;
        for (const auto& spec : plan.outputs()) outs.push_back(run.at(spec.name));
        outs = bindingOutputs(context, outs);
        for (size_t i = 0; i < outs.size(); ++i) mine[plan.outputs()[i].name] = outs[i];
      }
      log.info(cat("Comparing ", against == "fp32" ? "the FP32 reference run" : what,
                   " against the reference outputs in ", refFile));
      result = compare(referenceFor(plan, refOutputs, refFile), mine, co);
    } else if (perLayer) {
      log.info("Comparing " + what + " against the FP32 reference");
      co.progress = progressIfWanted(err, a.own.count("--quiet") > 0, "Comparing", "layers");
      layers = comparePerLayer(context, inputs, co);
      result = layers->outputs;
    } else {
      log.info("Comparing " + what + " against the FP32 reference");
      TensorMap ref = context.runReference(inputs);
      TensorMap emu = context.run(inputs);
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
      std::vector<std::string> readFiles = {o.onnx, o.calib, refFile};
      for (const auto& [n, f] : o.loadInputs) readFiles.push_back(f);
      std::string reference =
          refFile.empty() ? "fp32" : cat(refFile, " (against the ", against, " run)");
      writeFileSafely(jsonFile,
                      compareJson(o.onnx, plan, co, result, layers ? &*layers : nullptr, reference),
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
