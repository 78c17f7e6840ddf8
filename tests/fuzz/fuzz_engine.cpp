// Engine files (--loadEngine): untrusted bytes. An engine that loads must then work everywhere
// a plan is used -- placement and reports, layer info, its cost figures, a run on random inputs
// -- and save back to an engine that loads again.
//
// A structure-aware mutator helps libFuzzer past the container: most mutations edit one value
// inside a valid engine's JSON (an index, a kind, a shape, an attribute, a placement...) and
// recompute the lengths and the FNV-1a checksum, the way a hostile file would be crafted.
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

#include "api/impl.h"
#include "builder/engine_file.h"
#include "dlasim/dlasim.h"
#include "engine_repack.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  builder::EngineContents e;
  try {
    e = builder::loadEngineBytes(fuzz::bytes(data, size), "fuzz.engine");
  } catch (const dlasim::InputError&) {
    return 0;
  }
  auto impl = std::make_shared<dlasim::EngineImpl>();
  impl->graph = std::move(e.graph);
  impl->opset = e.opset;
  impl->build = std::move(e.build);
  impl->settings = std::move(e.settings);
  impl->describe();
  try {
    impl->checkMemory(fuzz::kBudget);
  } catch (const dlasim::InputError&) {
    return 0;  // too large to run here: refused up front, as the CLI does
  }
  dlasim::Engine plan = dlasim::EngineAccess::make(impl);
  plan.layerInfoJson(true);
  plan.layerInfoJson(false);
  plan.sparsity();
  plan.totalMacs();
  std::string again = plan.serialize();
  try {
    builder::loadEngineBytes(again, "saved again");
  } catch (const dlasim::InputError& ex) {
    FUZZ_CHECK(false, std::string("a loaded engine saved again does not load: ") + ex.what());
  }
  int64_t work = 0;
  for (const auto& l : plan.layers()) work += l.work.macs + l.work.eltOps;
  if (work > fuzz::kMaxRunWork) return 0;  // valid but slow: the kernels are fuzzed on smaller ones
  try {
    plan.createExecutionContext().run(dlasim::prepareInputs(plan.inputs(), {}, 1, "fuzz"));
  } catch (const dlasim::InputError&) {
  }
  return 0;
}

#ifdef DLASIM_LIBFUZZER

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t maxSize);

namespace {

using nlohmann::json;

// Every value inside the JSON tree, so that one can be picked at random.
void collect(json& j, std::vector<json*>& out) {
  out.push_back(&j);
  if (j.is_structured())
    for (auto& c : j) collect(c, out);
}

int64_t interesting(std::mt19937_64& rng, int64_t v) {
  static const int64_t kValues[] = {0,
                                    1,
                                    -1,
                                    2,
                                    3,
                                    4,
                                    7,
                                    8,
                                    16,
                                    31,
                                    32,
                                    255,
                                    8192,
                                    65536,
                                    INT32_MAX,
                                    INT64_MAX,
                                    INT64_MIN,
                                    int64_t(1) << 31,
                                    int64_t(1) << 62};
  switch (rng() % 4) {
    case 0:
      return kValues[rng() % std::size(kValues)];
    case 1:  // wrapping on purpose: unsigned arithmetic, no undefined behaviour
      return int64_t(uint64_t(v) + rng() % 7 - 3);
    case 2:
      return int64_t(0 - uint64_t(v));
    default:
      return v ^ (int64_t(1) << (rng() % 63));
  }
}

// Edits one value of the engine's JSON; false when the input is not a well-formed container.
bool mutateJson(std::string& engine, unsigned seed) {
  uint64_t jsonLen;
  if (engine.compare(0, 8, "DLASIMEN") != 0 || !enginefile::jsonLength(engine, &jsonLen))
    return false;
  json j = json::parse(engine.substr(enginefile::kJsonAt, jsonLen), nullptr, false);
  if (j.is_discarded()) return false;
  std::mt19937_64 rng(seed);
  std::vector<json*> values;
  collect(j, values);
  json& v = *values[rng() % values.size()];
  if (v.is_number_integer()) {
    v = interesting(rng, v.get<int64_t>());
  } else if (v.is_number_float()) {
    static const double kFloats[] = {0.0, -0.0, 1e-45, 1e38, -1.0, 0.5, 65504.0, 1e300};
    v = kFloats[rng() % std::size(kFloats)];
  } else if (v.is_boolean()) {
    v = !v.get<bool>();
  } else if (v.is_string()) {
    // Names matter (lookups, reports): empty, duplicated from elsewhere, or one byte off.
    std::string s = v.get<std::string>();
    if (rng() % 3 == 0)
      s.clear();
    else if (!s.empty())
      s[rng() % s.size()] ^= char(1 + rng() % 127);
    else
      s = "x";
    v = s;
  } else if (v.is_array() && !v.empty()) {
    size_t i = rng() % v.size();
    switch (rng() % 3) {
      case 0:
        v.erase(i);
        break;
      case 1:
        v.push_back(v[i]);
        break;
      default:
        std::swap(v[i], v[rng() % v.size()]);
    }
  } else if (v.is_object() && !v.empty()) {
    auto it = v.begin();
    std::advance(it, rng() % v.size());
    std::string key = it.key();
    v.erase(key);
  }
  engine =
      enginefile::withJson(engine, jsonLen, j.dump(-1, ' ', false, json::error_handler_t::replace));
  return true;
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t maxSize,
                                          unsigned int seed) {
  std::string engine = fuzz::bytes(data, size);
  // Mostly structure-aware edits; sometimes libFuzzer's own byte mutations (which also mutate
  // the weight blob, and make the corpus find its way back to valid containers).
  if (seed % 8 != 0 && mutateJson(engine, seed) && engine.size() <= maxSize) {
    std::memcpy(data, engine.data(), engine.size());
    return engine.size();
  }
  size = LLVMFuzzerMutate(data, size, maxSize);
  // Byte mutations (of the weights, say) would mostly stop at the checksum: usually fix it.
  if (size > 8 && seed % 4 != 0) {
    uint64_t h = enginefile::checksum(fuzz::bytes(data, size - 8));
    std::memcpy(data + size - 8, &h, 8);
  }
  return size;
}

#endif  // DLASIM_LIBFUZZER
