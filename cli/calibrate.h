// `dlasim calibrate`: writes a TensorRT INT8 calibration cache (entropy, MinMax or percentile
// per activation tensor) from FP32 runs over a data set, or over one batch of --loadInputs,
// for `--calib` here or in TensorRT.
#pragma once
#include <iostream>

namespace dlasim::cli {

/// dlasim calibrate model.onnx --out=FILE [--data=FILE|DIR] [--algo=entropy|minmax|percentile]
/// [--percentile=P] [--batch=N] [--force] [--shapes=...] [--loadInputs=...]
int calibrateMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace dlasim::cli
