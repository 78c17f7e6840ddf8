// ONNX import, DLA rules and partition: a model file as bytes. Each model that imports is built
// for the GPU alone and for DLA core 0 (INT8 with GPU fallback, so every layer meets the rules
// and the partitioner), its reports are rendered, its engine must load back (what dlasim saves,
// dlasim must accept), and small models are run.
#include <unistd.h>

#include <filesystem>

#include "api/impl.h"
#include "builder/engine_file.h"
#include "dlasim/dlasim.h"
#include "fuzz_support.h"

namespace {

std::string baseDir;  // an empty folder: external data in a fuzzed model finds nothing to read

void exercise(const dlasim::Model& model, const dlasim::BuildConfig& cfg) {
  dlasim::Plan plan = model.build(cfg);
  plan.layerInfoJson(true);
  plan.sparsity();
  std::string engine = plan.serialize();
  try {
    builder::loadEngineBytes(engine, "round trip");
  } catch (const dlasim::InputError& e) {
    FUZZ_CHECK(false, std::string("an engine dlasim wrote does not load: ") + e.what());
  }
  // Running is where layers meet kernels; keep it to models whose work is small.
  if (plan.totalMacs() > fuzz::kMaxRunWork) return;
  int64_t elements = 0;
  for (const auto& l : plan.layers()) elements += l.work.eltOps;
  if (elements > fuzz::kMaxRunWork) return;
  plan.run(dlasim::prepareInputs(plan.inputs(), {}, 1, "fuzz"));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  baseDir =
      (std::filesystem::temp_directory_path() / ("dlasim_fuzz_onnx_" + std::to_string(::getpid())))
          .string();
  std::filesystem::create_directories(baseDir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    dlasim::LoadOptions lo;
    lo.maxMemoryBytes = fuzz::kBudget;
    dlasim::Model model = dlasim::Model::fromBytes(fuzz::bytes(data, size), lo, baseDir);
    dlasim::BuildConfig gpu;
    gpu.maxMemoryBytes = fuzz::kBudget;
    exercise(model, gpu);
    dlasim::BuildConfig dla = gpu;
    dla.dlaCore = 0;
    dla.int8 = dla.fp16 = true;
    dla.allowGpuFallback = true;
    exercise(model, dla);
  } catch (const dlasim::InputError&) {
  } catch (const dlasim::VerdictError&) {
  }
  return 0;
}
