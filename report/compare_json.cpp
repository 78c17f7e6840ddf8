// Reading `dlasim compare --per-layer --json` files back for a report, checked against the plan
// they are drawn on.
#include <nlohmann/json.hpp>

#include "dlasim/errors.h"
#include "dlasim/report.h"
#include "report/json_file.h"

namespace dlasim {

PerLayerReport readPerLayerJson(const std::string& path, const Engine& plan) {
  nlohmann::json j = report::readJsonFile(path, "a dlasim compare report");
  auto bad = [&](const std::string& what) { throw InputError(path + ": " + what); };
  if (j.is_discarded() || !j.is_object()) bad("not JSON (expected dlasim compare --json output)");
  if (!j.contains("perLayer") || !j["perLayer"].is_object() || !j["perLayer"].contains("layers") ||
      !j["perLayer"]["layers"].is_array())
    bad("has no per-layer comparison (write it with dlasim compare --per-layer --json=FILE)");
  const auto& layers = j["perLayer"]["layers"];
  const auto& mine = plan.layers();
  if (layers.size() != mine.size())
    bad("compares " + std::to_string(layers.size()) + " layers, the plan has " +
        std::to_string(mine.size()) + ": a comparison of another model or build");
  PerLayerReport r;
  try {
    for (size_t i = 0; i < layers.size(); ++i) {
      const auto& x = layers[i];
      LayerComparison c;
      c.name = x.at("name").get<std::string>();
      if (c.name != mine[i].name)
        bad("layer " + std::to_string(i) + " is '" + printable(c.name) + "', the plan's is '" +
            printable(mine[i].name) + "': a comparison of another model or build");
      c.type = x.value("type", std::string());
      c.device = x.value("device", std::string()) == "DLA" ? Device::kDLA : Device::kGPU;
      Precision prec = Precision::kFP32;
      parsePrecision(x.value("precision", std::string("fp32")), &prec);
      c.precision = prec;
      c.compared = x.value("compared", false);
      c.fusedInto = x.value("fusedInto", std::string());
      if (c.compared) {
        c.relativeError = x.at("relativeError").get<double>();
        c.cosine = x.value("cosine", 1.0);
        c.inputError = x.value("inputError", 0.0);
        c.increase = x.value("increase", 0.0);
        c.jump = x.value("jump", false);
      }
      r.layers.push_back(std::move(c));
    }
    auto index = [&](const char* key) {
      const auto& v = j["perLayer"].value(key, nlohmann::json());
      if (!v.is_object()) return -1;
      int64_t i = v.at("index").get<int64_t>();
      if (i < 0 || size_t(i) >= mine.size()) bad(std::string(key) + " index out of range");
      return int(i);
    };
    r.firstJump = index("firstJump");
    r.largestIncrease = index("largestIncrease");
  } catch (const nlohmann::json::exception& e) {
    bad(std::string("malformed per-layer comparison (") + e.what() + ")");
  }
  return r;
}

}  // namespace dlasim
