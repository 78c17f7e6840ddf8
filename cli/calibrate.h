// `dlasim calibrate`: writes a TensorRT INT8 calibration cache (MinMax: scale = max|x| / 127
// per activation tensor) from one FP32 run over the given inputs, for `--calib` here or in
// TensorRT.
#pragma once
#include <iostream>

namespace dlasim::cli {

/// dlasim calibrate model.onnx --out=FILE [--shapes=...] [--loadInputs=...]
int calibrateMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace dlasim::cli
