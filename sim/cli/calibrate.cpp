#include "sim/cli/calibrate.h"

#include <algorithm>
#include <cmath>

#include "sim/cli/calibration.h"
#include "sim/cli/io.h"
#include "sim/cli/log.h"
#include "sim/cli/subcommand.h"

namespace sim::cli {

int calibrateMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  SubcommandArgs a = splitSubcommandArgs(argc, argv, {"--out"});
  if (a.model.empty() || a.own["--out"].empty()) {
    err << "dlasim: error: usage: dlasim calibrate model.onnx --out=FILE [--shapes=...] "
           "[--loadInputs=name:file.npy,...]\n";
    return 2;
  }
  try {
    auto o = subcommandOptions(a, {});
    if (!o) return 0;
    Log log(out, o->verbose);
    auto model = importWithCalibration(*o, err);
    const Graph& g = model.graph;
    std::map<std::string, Tensor> inputs;
    for (const auto& [name, file] : o->loadInputs) {
      TensorId id = g.find(name);
      if (std::find(g.inputs.begin(), g.inputs.end(), id) == g.inputs.end())
        fail("--loadInputs: '", name, "' is not an input of ", o->onnx);
      inputs[name] = loadInputFile(file, name, g.desc(id));
    }
    for (size_t k = 0; k < g.inputs.size(); ++k) {
      const TensorInfo& info = g.tensor(g.inputs[k]);
      if (inputs.count(info.name)) continue;
      inputs[info.name] = randomTensor(info.desc, o->seed + unsigned(k));
      log.warn(
          "Input " + info.name +
          " has no --loadInputs data: random values give ranges that mean nothing for real data");
    }
    CalibrationCache cache = minMaxCalibration(g, inputs);
    writeFileSafely(a.own["--out"], calibrationCacheText(cache), {o->onnx, o->calib});
    log.info(cat("Calibration cache ", a.own["--out"], ": ", cache.scales.size(),
                 " tensors, MinMax over one batch (", cache.header, ")"));
    return 0;
  } catch (const std::bad_alloc&) {
    err << "dlasim: error: out of memory (the model is too large for this machine)\n";
    return 2;
  } catch (const std::exception& e) {
    err << "dlasim: error: " << printable(e.what()) << "\n";
    return 2;
  }
}

}  // namespace sim::cli
