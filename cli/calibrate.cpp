#include "cli/calibrate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "cli/log.h"
#include "cli/progress.h"
#include "cli/subcommand.h"
#include "cli/util.h"
#include "dlasim/dlasim.h"

namespace dlasim::cli {

namespace {

struct CalibrateArgs {
  std::string out, data;
  CalibrationOptions options;
  int64_t batch = 0;  // 0 = not given (32 for a dynamic batch dimension)
  bool force = false;
};

CalibrateArgs parseArgs(std::map<std::string, std::string>& own) {
  CalibrateArgs a;
  if (!own.count("--out")) fail("--out=FILE: give the calibration cache to write");
  a.out = own["--out"];
  a.data = own.count("--data") ? own["--data"] : "";
  if (own.count("--data") && a.data.empty()) fail("--data: give a .npy file or a folder");
  std::string algo = own.count("--algo") ? own["--algo"] : "entropy";
  if (!parseCalibrationAlgorithm(algo, &a.options.algorithm))
    fail("--algo: '", algo, "' is not one of entropy, minmax, percentile");
  if (own.count("--percentile")) {
    const std::string& v = own["--percentile"];
    double p = -1;
    try {
      size_t used = 0;
      p = std::stod(v, &used);
      if (used != v.size()) p = -1;
    } catch (const std::exception&) {
    }
    if (!(p > 0 && p <= 100)) fail("--percentile: '", v, "' is not a number in (0, 100]");
    if (a.options.algorithm != CalibrationAlgorithm::kPercentile)
      fail("--percentile applies to --algo=percentile (the algorithm is ", algo, ")");
    a.options.percentile = p;
  }
  if (own.count("--batch")) {
    const std::string& v = own["--batch"];
    if (v.empty() || v.size() > 5 || v.find_first_not_of("0123456789") != std::string::npos ||
        std::stoll(v) < 1 || std::stoll(v) > 4096)
      fail("--batch: '", v, "' is not an integer in [1, 4096] (the DLA's batch limit)");
    a.batch = std::stoll(v);
  }
  a.force = own.count("--force") > 0;
  return a;
}

// Loads the model with the batch calibration runs at: --shapes if it sets the input, else
// --batch (default 32) for a dynamic first dimension, else the model's own.
Model loadAtBatch(const Options& o, const CalibrateArgs& a, std::ostream& err) {
  LoadOptions quiet;
  quiet.shapes = o.shapes;
  Model first = Model::load(o.onnx, quiet);  // warnings, if any, come with the second load
  const ModelInfo& info = first.info();
  if (info.inputs.size() != 1)
    fail(o.onnx, ": --data feeds a model with one input; this one has ", info.inputs.size());
  const std::string& name = info.inputs[0].name;
  auto dyn = info.dynamicInputs.find(name);
  bool dynamicBatch = dyn != info.dynamicInputs.end() && !dyn->second.empty() && dyn->second[0] < 0;
  int64_t have = info.inputs[0].shape.empty() ? 0 : info.inputs[0].shape[0];
  if (o.shapes.count(name)) {
    if (a.batch && a.batch != have)
      fail("--batch=", a.batch, " contradicts --shapes, which gives input '", name, "' batch ",
           have);
    return importModel(o, err);
  }
  if (!dynamicBatch) {
    if (a.batch && a.batch != have)
      fail("--batch=", a.batch, ": input '", name, "' of ", o.onnx, " has a static batch of ", have,
           "; --batch applies to a dynamic batch dimension");
    return importModel(o, err);
  }
  Options withBatch = o;
  Shape s = dyn->second;
  s[0] = a.batch ? a.batch : 32;
  for (size_t d = 1; d < s.size(); ++d)
    if (s[d] < 0)
      fail("input '", name, "' has dynamic dimension ", d, ": give its shape with --shapes=", name,
           ":", s[0], "x...");
  withBatch.shapes[name] = s;
  return importModel(withBatch, err);
}

const SubcommandSpec kCalibrate = {
    "calibrate",
    "model.onnx",
    "Runs a data set through the model in batches and writes a TensorRT INT8 calibration cache\n"
    "(TRT-8502-EntropyCalibration2 by default), usable with --calib here or in TensorRT.\n"
    "Without --data, calibrates over one batch of --loadInputs.",
    {{"--out", "FILE", "The calibration cache to write (required)"},
     {"--data", "FILE|DIR", "A .npy of N samples, or a folder of .npy / raw sample files"},
     {"--algo", "ALGO", "entropy (default; TensorRT's KL divergence), minmax or percentile"},
     {"--percentile", "P", "The percentile of |x| for --algo=percentile (default 99.99)"},
     {"--batch", "N", "Samples per batch for a dynamic batch dimension (default 32)"},
     {"--force", "", "Overwrite FILE when it exists"},
     {"--quiet", "", "No progress line (shown on a terminal otherwise)"}},
    true,
    {},
    false};

}  // namespace

int calibrateMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  return runSubcommand(kCalibrate, argc, argv, out, err, [&](ParsedSubcommand& sa) -> int {
    CalibrateArgs a = parseArgs(sa.own);
    const std::optional<Options>& o = sa.options;
    std::error_code ec;
    if (std::filesystem::exists(a.out, ec) && !a.force)
      fail(a.out, ": exists; add --force to overwrite it");
    Log log(out, o->verbose);
    if (!o->calib.empty()) CalibrationCache::read(o->calib);  // checked, as every input file
    std::vector<std::string> readFiles = {o->onnx, o->calib};
    const char* algo = calibrationAlgorithmName(a.options.algorithm);
    auto t0 = std::chrono::steady_clock::now();
    CalibrationCache cache;
    std::string what;
    if (!a.data.empty()) {
      if (!o->loadInputs.empty()) fail("--data and --loadInputs exclude each other");
      Model model = loadAtBatch(*o, a, err);
      const TensorSpec& input = model.info().inputs[0];
      Dataset data = Dataset::load(a.data, input);
      readFiles.push_back(a.data);
      for (const auto& f : data.files()) readFiles.push_back(f);
      a.options.progress =
          progressIfWanted(err, sa.own.count("--quiet") > 0, "Calibrating", "samples");
      cache = model.calibrate(data, a.options);
      int64_t batch = input.shape[0], n = data.size();
      what = cat(n, " samples in ", (n + batch - 1) / batch, " batches of ", batch,
                 n % batch ? cat(" (the last one of ", n % batch, " padded with repeats)") : "");
    } else {
      if (a.batch) fail("--batch applies to --data");
      Model model = importModel(*o, err);
      std::vector<std::string> notes;
      TensorMap inputs =
          prepareInputs(model.info().inputs, o->loadInputs, o->seed, o->onnx, &notes);
      for (const auto& [name, file] : o->loadInputs) readFiles.push_back(file);
      for (const auto& m : notes)
        if (m.find("random") != std::string::npos)
          log.warn(m + ": random values give ranges that mean nothing for real data");
      if (inputs.size() == 1) {
        const auto& [name, x] = *inputs.begin();
        cache = model.calibrate(Dataset::fromTensor(name, x), a.options);
      } else if (a.options.algorithm == CalibrationAlgorithm::kMinMax) {
        cache = model.calibrate(inputs);
      } else {
        fail(o->onnx, " has ", inputs.size(), " inputs: --algo=", algo,
             " needs --data with a single-input model; use --algo=minmax over --loadInputs");
      }
      what = "one batch of --loadInputs";
    }
    writeFileSafely(a.out, cache.text(), readFiles);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    log.info(cat("Calibration cache ", a.out, ": ", cache.scales.size(), " tensors, ", algo,
                 a.options.algorithm == CalibrationAlgorithm::kPercentile
                     ? cat(" ", a.options.percentile)
                     : std::string(),
                 " over ", what, ", ", std::round(s * 10) / 10, " s (", cache.header, ")"));
    return 0;
  });
}

}  // namespace dlasim::cli
