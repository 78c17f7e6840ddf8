#include "builder/calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/ir/error.h"
#include "sim/runtime/executor.h"

namespace dlasim {

using sim::fail;

namespace {

// TensorRT's calibrator algorithm names, as its caches' headers spell them.
const char* const kAlgorithms[] = {"EntropyCalibration2", "EntropyCalibration", "MinMaxCalibration",
                                   "LegacyCalibration"};
// The TensorRT version written into headers: 8.5.2, JetPack 5.1's (the DLA 3.12 stack).
const char* const kTrtVersion = "8502";

}  // namespace

CalibrationCache CalibrationCache::read(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) fail(path, ": no such calibration cache");
  if (std::filesystem::file_size(path, ec) > (uint64_t(256) << 20))
    fail(path, ": larger than 256 MiB, not a calibration cache");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, ": cannot open");
  std::ostringstream all;
  all << in.rdbuf();
  return builder::parseCalibrationCache(all.str(), path);
}

std::string CalibrationCache::unusableReason(float scale) {
  if (scale == 0) return std::signbit(scale) ? "negative zero" : "zero";
  if (!std::isnormal(scale)) return "denormal";
  if (!std::isfinite(scale * 127.f)) return "its dynamic range (scale x 127) overflows float";
  return "";
}

bool parseCalibrationAlgorithm(const std::string& s, CalibrationAlgorithm* out) {
  for (auto a : {CalibrationAlgorithm::kEntropy, CalibrationAlgorithm::kMinMax,
                 CalibrationAlgorithm::kPercentile})
    if (s == calibrationAlgorithmName(a)) {
      *out = a;
      return true;
    }
  return false;
}

const char* calibrationAlgorithmName(CalibrationAlgorithm a) {
  switch (a) {
    case CalibrationAlgorithm::kMinMax:
      return "minmax";
    case CalibrationAlgorithm::kPercentile:
      return "percentile";
    case CalibrationAlgorithm::kEntropy:
      break;
  }
  return "entropy";
}

std::string calibrationHeader(CalibrationAlgorithm a) {
  const char* name = a == CalibrationAlgorithm::kMinMax       ? kAlgorithms[2]
                     : a == CalibrationAlgorithm::kPercentile ? kAlgorithms[3]
                                                              : kAlgorithms[0];
  return std::string("TRT-") + kTrtVersion + "-" + name;
}

std::string CalibrationCache::text() const {
  std::string out = header + "\n";
  for (const auto& [name, scale] : scales) {
    uint32_t bits;
    std::memcpy(&bits, &scale, 4);
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", bits);
    out += name + ": " + hex + "\n";
  }
  return out;
}

}  // namespace dlasim

namespace builder {

using namespace sim;

bool hasExplicitScales(const Graph& g) {
  for (const auto& t : g.tensors)
    if (!t.isConstant() && t.quant.has()) return true;
  return false;
}

dlasim::CalibrationCache parseCalibrationCache(const std::string& text, const std::string& path) {
  // A foreign file (an engine, an image, ONNX Runtime's flatbuffer table) is binary.
  for (unsigned char ch : text)
    if (ch < 0x20 && ch != '\t' && ch != '\r' && ch != '\n')
      fail(path, ": binary data, not a TensorRT calibration cache (text)");
  std::istringstream f(text);
  dlasim::CalibrationCache c;
  std::string line;
  int n = 0;
  while (std::getline(f, line)) {
    ++n;
    // Trailing blanks and carriage returns (CRLF files, and more) are not part of any value.
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.pop_back();
    if (line.size() > 4096) fail(path, ":", n, ": line of ", line.size(), " characters");
    if (n == 1) {
      // TRT-<version digits>-<Algorithm>
      size_t dash = line.find('-', 4);
      std::string version = dash == std::string::npos ? "" : line.substr(4, dash - 4);
      std::string algo = dash == std::string::npos ? "" : line.substr(dash + 1);
      if (line.rfind("TRT-", 0) != 0 || version.empty() ||
          version.find_first_not_of("0123456789") != std::string::npos)
        fail(path, ":1: not a TensorRT calibration cache (header '", line.substr(0, 60),
             "', expected TRT-<version>-<Algorithm>)");
      if (std::find(std::begin(dlasim::kAlgorithms), std::end(dlasim::kAlgorithms), algo) ==
          std::end(dlasim::kAlgorithms))
        fail(path, ":1: unknown calibration algorithm '", line.substr(dash + 1, 40),
             "' (TensorRT writes EntropyCalibration2, EntropyCalibration, MinMaxCalibration or "
             "LegacyCalibration)");
      c.header = line;
      continue;
    }
    if (line.empty()) continue;
    size_t colon = line.rfind(':');
    if (colon == std::string::npos || colon == 0)
      fail(path, ":", n, ": '", line.substr(0, 80), "' is not 'tensor: hexscale'");
    std::string name = line.substr(0, colon), hex = line.substr(colon + 1);
    hex.erase(0, hex.find_first_not_of(' '));
    if (hex.empty() || hex.size() > 8 ||
        hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
      fail(path, ":", n, ": scale '", hex.substr(0, 20), "' of tensor '", name,
           "' is not 1-8 hex digits");
    uint32_t bits = uint32_t(std::stoul(hex, nullptr, 16));
    float scale;
    std::memcpy(&scale, &bits, 4);
    if (!std::isfinite(scale) || scale < 0)
      fail(path, ":", n, ": scale ", scale, " (0x", hex, ") of tensor '", name,
           "' is not a finite non-negative number");
    if (c.scales.count(name)) fail(path, ":", n, ": tensor '", name, "' is listed twice");
    c.scales[name] = scale;
  }
  if (n == 0) fail(path, ": empty calibration cache");
  return c;
}

std::vector<std::string> applyCalibration(Graph& g, const CalibrationCache& c, bool onlyMissing) {
  std::vector<std::string> unknown;
  for (const auto& [name, scale] : c.scales) {
    TensorId t = g.find(name);
    if (t == kNoTensor)
      unknown.push_back(name);
    else if (!CalibrationCache::unusableReason(scale).empty())
      continue;  // no INT8 range: the tensor's layers stay out of INT8 (buildPlan warns)
    else if (!onlyMissing || g.tensors[t].quant.scale == 0)
      g.tensors[t].quant.scale = scale;
  }
  return unknown;
}

std::vector<std::string> calibrationWarnings(const Graph& g, const CalibrationCache& c,
                                             const std::vector<int>& loadableOf) {
  std::vector<std::string> out;
  for (const auto& [name, scale] : c.scales) {
    TensorId t = g.find(name);
    if (t == kNoTensor) continue;
    uint32_t bits;
    std::memcpy(&bits, &scale, 4);
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", bits);
    std::string why = CalibrationCache::unusableReason(scale);
    if (why.empty()) {
      double range = double(scale) * 127;
      if (range > 65504)
        out.push_back(cat("Calibration scale ", scale, " (0x", hex, ") of tensor '", name,
                          "' gives a dynamic range of +-", range,
                          ", beyond FP16's 65504: used as given, but every value below ", scale / 2,
                          " quantises to 0"));
      continue;
    }
    std::string layers;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = g.nodes[i];
      bool touches = std::count(n.inputs.begin(), n.inputs.end(), t) ||
                     std::count(n.outputs.begin(), n.outputs.end(), t);
      if (touches && loadableOf[i] >= 0) layers += (layers.empty() ? "" : ", ") + n.name;
    }
    out.push_back(cat("Calibration scale ", scale, " (0x", hex, ") of tensor '", name, "' is ", why,
                      ": no INT8 range, so ",
                      layers.empty() ? std::string("no layer on the DLA can use it in INT8")
                                     : "DLA layer(s) " + layers + " run in FP16 instead of INT8",
                      " (as TensorRT does for a tensor without a dynamic range)"));
  }
  return out;
}

CalibrationCache minMaxCalibration(const Graph& g, const std::map<std::string, Tensor>& inputs) {
  CalibrationCache cache;
  cache.header = calibrationHeader(dlasim::CalibrationAlgorithm::kMinMax);
  auto record = [&](TensorId t, const Tensor& v) {
    if (v.dtype() != DType::kFloat || g.tensor(t).isConstant()) return;
    float amax = 0;
    for (int64_t i = 0; i < v.size(); ++i)
      if (std::isfinite(v.data<float>()[i])) amax = std::max(amax, std::fabs(v.data<float>()[i]));
    cache.scales[g.tensor(t).name] = amax / 127.f;
  };
  for (TensorId t : g.inputs) {
    auto it = inputs.find(g.tensor(t).name);
    if (it == inputs.end()) fail("no data for input '", g.tensor(t).name, "'");
    record(t, it->second);
  }
  Executor exec(g, /*reference=*/true, /*fuse=*/false);  // every layer's output is seen
  exec.afterLayer = [&](NodeId n, const std::vector<Tensor*>& outs) {
    for (size_t k = 0; k < outs.size(); ++k)
      if (outs[k]) record(g.nodes[n].outputs[k], *outs[k]);
  };
  exec.run(inputs);
  return cache;
}

}  // namespace builder
