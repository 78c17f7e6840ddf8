// dlasim: a software emulator and cost simulator for NVIDIA's DLA. The one header to include.
//
//   dlasim::Model m = dlasim::Model::load("model.onnx", {{{"input", {32, 3, 32, 32}}}});
//   dlasim::BuildConfig cfg;
//   cfg.int8 = true;
//   cfg.dlaCore = 0;
//   cfg.allowGpuFallback = true;
//   const dlasim::Engine engine = m.build(cfg);
//   for (const auto& l : engine.layers()) ... l.name, l.device, l.precision, l.reasons ...
//   dlasim::ExecutionContext context = engine.createExecutionContext();  // one per thread
//   dlasim::TensorMap out = context.run(inputs);
//
// The text and JSON renderings the command line prints (dlasim/format.h) are not included.
//
// Errors: dlasim::InputError (bad input; the CLI's exit 2) and dlasim::VerdictError (the build
// is impossible; exit 1). See docs/api.md.
#pragma once
#include "dlasim/bindings.h"
#include "dlasim/build_config.h"
#include "dlasim/calibration.h"
#include "dlasim/capacity.h"
#include "dlasim/compare.h"
#include "dlasim/dataset.h"
#include "dlasim/engine.h"
#include "dlasim/errors.h"
#include "dlasim/io.h"
#include "dlasim/model.h"
#include "dlasim/nvdla.h"
#include "dlasim/performance.h"
#include "dlasim/plan.h"
#include "dlasim/platforms.h"
#include "dlasim/report.h"
#include "dlasim/tensor.h"
#include "dlasim/types.h"
#include "dlasim/work.h"

namespace dlasim {

/// dlasim's version, e.g. "0.2.0".
const char* version();

}  // namespace dlasim
