#include "cli/calibrate.h"

#include <algorithm>
#include <cmath>

#include "cli/log.h"
#include "cli/subcommand.h"
#include "cli/util.h"
#include "dlasim/dlasim.h"

namespace dlasim::cli {

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
    Model model = importModel(*o, err);
    if (!o->calib.empty()) CalibrationCache::read(o->calib);  // checked, as every input file
    std::vector<std::string> notes;
    TensorMap inputs = prepareInputs(model.info().inputs, o->loadInputs, o->seed, o->onnx, &notes);
    for (const auto& m : notes)
      if (m.find("random") != std::string::npos)
        log.warn(m + ": random values give ranges that mean nothing for real data");
    CalibrationCache cache = model.calibrate(inputs);
    writeFileSafely(a.own["--out"], cache.text(), {o->onnx, o->calib});
    log.info(cat("Calibration cache ", a.own["--out"], ": ", cache.scales.size(),
                 " tensors, MinMax over one batch (", cache.header, ")"));
    return 0;
  });
}

}  // namespace dlasim::cli
