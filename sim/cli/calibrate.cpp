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
  return runGuarded(err, [&]() -> int {
    auto o = subcommandOptions(a, {});
    if (!o) return 0;
    Log log(out, o->verbose);
    auto model = importWithCalibration(*o, err);
    const Graph& g = model.graph;
    std::map<std::string, Tensor> inputs =
        prepareInputs(g, o->loadInputs, o->seed, o->onnx, [&](const std::string& m) {
          if (m.find("random") != std::string::npos)
            log.warn(m + ": random values give ranges that mean nothing for real data");
        });
    CalibrationCache cache = minMaxCalibration(g, inputs);
    writeFileSafely(a.own["--out"], calibrationCacheText(cache), {o->onnx, o->calib});
    log.info(cat("Calibration cache ", a.own["--out"], ": ", cache.scales.size(),
                 " tensors, MinMax over one batch (", cache.header, ")"));
    return 0;
  });
}

}  // namespace sim::cli
