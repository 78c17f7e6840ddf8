#include "builder/engine_file.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "builder/engine_validate.h"
#include "sim/ops/op_def.h"
#include "sim/ir/memory_budget.h"

namespace sim {
// Attribute structs as JSON (enums as integers); one line per struct.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ConvAttrs, kernel, strides, padsBegin, padsEnd, dilations, group,
                                   outputPadding, fusedRelu)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PoolAttrs, type, kernel, strides, padsBegin, padsEnd, dilations,
                                   ceilMode, countIncludePad, global)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ActivationAttrs, type, alpha, beta)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(EltAttrs, op)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(UnaryAttrs, op)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ScaleAttrs, channelAxis)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(NormAttrs, type, axis, groups, epsilon)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(LrnAttrs, size, alpha, beta, bias)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ConcatAttrs, axis)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SliceAttrs, start, size, stride, mode)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ShuffleAttrs, firstPerm, doReshape, reshape, secondPerm)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(IdentityAttrs, to, cast)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PadAttrs, padsBegin, padsEnd, mode, value)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ResizeAttrs, mode, coord, nearest, cubicA, excludeOutside,
                                   scales, outShape)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SoftMaxAttrs, axis, coerce2d, log)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(MatMulAttrs, transA, transB)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ReduceAttrs, op, axes, keepDims)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(GatherAttrs, axis)
inline void to_json(nlohmann::json& j, const NoAttrs&) {
  j = nlohmann::json::object();
}
inline void from_json(const nlohmann::json&, NoAttrs&) {}
// The structs declared in ops.def, field by field.
#define ATTRS(Struct, fields)                                                 \
  inline void to_json(nlohmann::json& j, const Struct& a) {                   \
    j = nlohmann::json::object();                                             \
    visitFields(a, [&](const char* name, const auto& v) { j[name] = v; });    \
  }                                                                           \
  inline void from_json(const nlohmann::json& j, Struct& a) {                 \
    visitFields(a, [&](const char* name, auto& v) { j.at(name).get_to(v); }); \
  }
#include "sim/ir/ops.def"
#undef ATTRS
}  // namespace sim

namespace builder {

using namespace sim;
using nlohmann::json;

namespace {

constexpr char kMagic[8] = {'D', 'L', 'A', 'S', 'I', 'M', 'E', 'N'};

uint64_t fnv1a(const char* p, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; ++i) h = (h ^ uint8_t(p[i])) * 1099511628211ull;
  return h;
}

template <class T>
void put(std::string& s, T v) {
  s.append(reinterpret_cast<const char*>(&v), sizeof v);
}

json attrsToJson(const Attrs& a) {
  json j;
  std::visit([&](const auto& x) { j = x; }, a);
  return j;
}

// Rebuilds the variant alternative at `index` from JSON (index checked by the caller).
template <size_t I = 0>
Attrs attrsFromJson(size_t index, const json& j) {
  if constexpr (I < std::variant_size_v<Attrs>) {
    if (index == I)
      return Attrs(std::in_place_index<I>, j.get<std::variant_alternative_t<I, Attrs>>());
    return attrsFromJson<I + 1>(index, j);
  } else {
    fail("attribute kind ", index, " is unknown");
  }
}

// Layer kinds and attribute alternatives are stored as integers; an engine written by a dlasim
// whose lists differ must be refused, so the lists themselves are part of the file.
std::string schemaFingerprint() {
  std::string s;
#define OP(Name, TrtType, AttrsT) s += #Name ",";
#include "sim/ir/ops.def"
#undef OP
  // rev2: precisions as dlasim::Precision, violations with value and limit, plan settings.
  return s + "attrs:" + std::to_string(std::variant_size_v<Attrs>) + ";rev2";
}

constexpr int kKinds = 0
#define OP(Name, TrtType, AttrsT) +1
#include "sim/ir/ops.def"
#undef OP
    ;

}  // namespace

std::string serializeEngine(const Graph& g, int opset, const BuildResult& b,
                            const dlasim::PlanSettings& st) {
  json j;
  j["format"] = "dlasim-engine";
  j["schema"] = schemaFingerprint();
  j["platform"] = st.platform;
  j["powerMode"] = st.powerMode;
  j["trtVersion"] = st.trtVersion;
  j["useDLACore"] = st.dlaCore;
  j["sourceModel"] = st.sourceModel;
  j["calibrated"] = st.calibrated;
  j["standalone"] = st.standalone;
  j["fp16"] = st.fp16;
  j["int8"] = st.int8;
  j["sparsity"] = int(st.sparsity);
  j["sramPoolBytes"] = st.sramPoolBytes;
  for (const auto* io : {&st.inputFormats, &st.outputFormats}) {
    json fmts = json::array();
    for (const auto& f : *io) fmts.push_back({f.type, f.format});
    j[io == &st.inputFormats ? "inputFormats" : "outputFormats"] = fmts;
  }
  j["opset"] = opset;
  json formats = json::array();
  for (const auto& f : b.bindingFormats) formats.push_back({f.type, f.format});
  j["bindingFormats"] = std::move(formats);
  std::string blob;
  json tensors = json::array();
  for (const auto& t : g.tensors) {
    json tj = {{"name", t.name},
               {"quantScale", t.quant.scale},
               {"dtype", int(t.desc.dtype)},
               {"shape", t.desc.shape},
               {"producer", t.producer}};
    if (!t.quant.channelScales.empty()) {  // weights quantised by the model (Q/DQ)
      tj["quantChannelScales"] = t.quant.channelScales;
      tj["quantAxis"] = t.quant.axis;
    }
    if (t.isConstant()) {
      tj["offset"] = blob.size();
      tj["bytes"] = t.value.bytes();
      blob.append(static_cast<const char*>(t.value.raw()), t.value.bytes());
    }
    tensors.push_back(std::move(tj));
  }
  j["tensors"] = std::move(tensors);
  j["inputs"] = g.inputs;
  j["outputs"] = g.outputs;
  json nodes = json::array();
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    json nj = {
        {"kind", int(n.kind)},
        {"name", n.name},
        {"onnxOp", n.onnxOp},
        {"onnxName", n.onnxName},
        {"pattern", n.pattern},
        {"originalName", n.originalName},
        {"fused", n.fused},
        {"inputs", n.inputs},
        {"outputs", n.outputs},
        {"attrsIndex", n.attrs.index()},
        {"attrs", attrsToJson(n.attrs)},
        {"loadable", b.partition.loadableOf[i]},
        {"gpuPrecision", int(i < b.gpuPrecision.size() ? b.gpuPrecision[i] : Precision::kFP32)}};
    if (b.dla) {
      nj["precision"] = int(b.verdicts[i].precision);
      json reasons = json::array();
      for (const auto& v : b.verdicts[i].violations)
        reasons.push_back({{"rule", v.rule},
                           {"message", v.message},
                           {"fix", v.fix},
                           {"value", v.value},
                           {"limit", v.limit}});
      nj["reasons"] = std::move(reasons);
      nj["forcedGpu"] = b.forcedGpu[i];
    }
    nodes.push_back(std::move(nj));
  }
  j["nodes"] = std::move(nodes);
  json evicted = json::array();
  for (const auto& e : b.partition.evicted)
    evicted.push_back({{"node", e.node}, {"rule", e.rule}, {"message", e.message}});
  j["evicted"] = std::move(evicted);
  json loadables = json::array();
  for (const auto& l : b.partition.loadables) loadables.push_back(l.nodes);
  j["loadables"] = std::move(loadables);

  std::string text = j.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out(kMagic, sizeof kMagic);
  put<uint32_t>(out, kEngineVersion);
  put<uint64_t>(out, text.size());
  out += text;
  put<uint64_t>(out, blob.size());
  out += blob;
  put<uint64_t>(out, fnv1a(out.data(), out.size()));
  return out;
}

namespace {

// Everything below reads an untrusted file: every index, kind, size and value is checked before
// it is used, then the whole graph and placement are validated (engine_validate.cpp). Errors
// are plain sim::Errors; loadEngineBytes names the file once.
[[noreturn]] void bad(const std::string& why) {
  fail("not a valid dlasim engine (", why, ")");
}

// The JSON library converts a number to the C++ type asked for with a plain cast, which is
// undefined behaviour when a float is out of the target's range. dlasim writes every integer
// field as a JSON integer and floats only under these keys: anything else is refused up front.
void checkNumbers(const json& j, const std::string& key) {
  static const std::set<std::string> kFloatKeys = {
      "quantScale", "quantChannelScales", "alpha", "beta", "epsilon", "bias", "cubicA", "scales",
      "value"};
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) checkNumbers(it.value(), it.key());
  } else if (j.is_array()) {
    for (const auto& e : j) checkNumbers(e, key);
  } else if (j.is_number_float()) {
    double v = j.get<double>();
    if (!kFloatKeys.count(key)) fail("'", key, "' holds ", v, " where dlasim writes an integer");
    if (!std::isfinite(v) || (key != "value" && std::fabs(v) > std::numeric_limits<float>::max()))
      fail("'", key, "' holds ", v, ", beyond a float");
  }
}

int64_t intIn(const json& j, const char* key, int64_t lo, int64_t hi, const std::string& what) {
  int64_t v = j.at(key).get<int64_t>();
  if (v < lo || v > hi) fail(what, " ", v, " out of range");
  return v;
}

EngineContents parseEngine(const std::string& s) {
  if (s.size() < sizeof kMagic + 4 + 8 + 8 + 8 || std::memcmp(s.data(), kMagic, sizeof kMagic) != 0)
    bad("wrong magic; is it a TensorRT plan or another file?");
  uint32_t version;
  std::memcpy(&version, s.data() + 8, 4);
  if (version != kEngineVersion)
    fail("engine format version ", version, ", this dlasim reads version ", kEngineVersion);
  uint64_t stored;
  std::memcpy(&stored, s.data() + s.size() - 8, 8);
  if (fnv1a(s.data(), s.size() - 8) != stored) bad("checksum mismatch: truncated or corrupted");
  size_t at = 12;
  auto readLen = [&]() {
    uint64_t n;
    if (at + 8 > s.size() - 8) bad("truncated header");
    std::memcpy(&n, s.data() + at, 8);
    at += 8;
    if (n > s.size() - 8 - at) bad("length field past the end of the file");
    return size_t(n);
  };
  size_t jsonLen = readLen();
  std::string text = s.substr(at, jsonLen);
  at += jsonLen;
  size_t blobLen = readLen();
  const char* blob = s.data() + at;
  if (at + blobLen != s.size() - 8)
    bad(cat(s.size() - 8 - at - blobLen, " bytes after the weights"));

  EngineContents e;
  try {
    json j = json::parse(text);
    checkNumbers(j, "");
    if (j.at("format") != "dlasim-engine") bad("format tag");
    if (j.at("schema") != schemaFingerprint())
      fail("engine built by a dlasim with other layer kinds; rebuild it from the ONNX model");
    dlasim::PlanSettings& st = e.settings;
    st.platform = j.at("platform").get<std::string>();
    st.powerMode = j.at("powerMode").get<std::string>();
    // Absent from engines of older dlasim builds: the default version (8.4).
    st.trtVersion = j.value("trtVersion", std::string());
    st.dlaCore = int(intIn(j, "useDLACore", -1, 1 << 20, "DLA core"));
    st.sourceModel = j.at("sourceModel").get<std::string>();
    st.calibrated = j.at("calibrated").get<bool>();
    st.standalone = j.at("standalone").get<bool>();
    // Cost-model facts (absent from engines of older dlasim builds: defaults).
    st.fp16 = j.value("fp16", false);
    st.int8 = j.value("int8", false);
    st.sparsity = dlasim::Sparsity(
        j.contains("sparsity")
            ? intIn(j, "sparsity", 0, int64_t(dlasim::Sparsity::kForce), "sparsity mode")
            : 0);
    st.sramPoolBytes =
        j.contains("sramPoolBytes")
            ? intIn(j, "sramPoolBytes", 0, std::numeric_limits<int64_t>::max(), "SRAM pool size")
            : 0;
    for (auto* io : {&st.inputFormats, &st.outputFormats})
      for (const auto& f :
           j.value(io == &st.inputFormats ? "inputFormats" : "outputFormats", json::array()))
        io->push_back({f.at(0).get<std::string>(), f.at(1).get<std::string>()});
    e.opset = int(intIn(j, "opset", 1, 1 << 20, "opset"));
    if (j.contains("bindingFormats"))
      for (const auto& f : j.at("bindingFormats"))
        e.build.bindingFormats.push_back({f.at(0).get<std::string>(), f.at(1).get<std::string>()});
    Graph& g = e.graph;
    std::vector<int64_t> producers;
    size_t blobUsed = 0;  // constants tile the blob in order, as serializeEngine writes them
    std::string lastConstant;
    for (const auto& tj : j.at("tensors")) {
      std::string name = tj.at("name").get<std::string>();
      try {
        int64_t dt = intIn(tj, "dtype", 0, int64_t(DType::kDouble), "element type");
        TensorDesc d{DType(dt), tj.at("shape").get<Shape>()};
        checkShape(d.shape);
        double q = tj.at("quantScale").get<double>();
        if (!std::isfinite(q) || q < 0 || q > std::numeric_limits<float>::max())
          fail("INT8 scale ", q, " is not a finite non-negative float");
        TensorId id;
        if (tj.contains("offset")) {
          uint64_t off = tj.at("offset").get<uint64_t>(), n = tj.at("bytes").get<uint64_t>();
          if (off != blobUsed || n > blobLen - blobUsed)
            fail("weights at [", off, ", +", n, ") do not start where ",
                 lastConstant.empty() ? "the blob starts" : "those of '" + lastConstant + "' end",
                 " (", blobUsed, ") or lie outside the ", blobLen, "-byte blob");
          blobUsed += n;
          lastConstant = name;
          // adopt checks the size against the shape, and that bool bytes are 0 or 1.
          id = g.addConstant(name, Tensor::adopt(d.dtype, d.shape, std::string(blob + off, n)));
        } else {
          id = g.addTensor(name, d);
        }
        producers.push_back(tj.at("producer").get<int64_t>());
        g.tensors[id].quant.scale = float(q);
        if (tj.contains("quantChannelScales")) {
          Quantization& qc = g.tensors[id].quant;
          qc.channelScales = tj.at("quantChannelScales").get<std::vector<float>>();
          qc.axis =
              int(intIn(tj, "quantAxis", 0, int64_t(d.shape.size()) - 1, "quantisation axis"));
          if (int64_t(qc.channelScales.size()) != d.shape[size_t(qc.axis)])
            fail(qc.channelScales.size(), " per-channel scales for ", d.shape[size_t(qc.axis)],
                 " channels");
          for (float c : qc.channelScales)
            if (!std::isfinite(c) || c < 0)
              fail("per-channel scale ", c, " is not finite non-negative");
        }
      } catch (const Error& ex) {
        fail("tensor '", name, "': ", ex.what());
      }
    }
    if (blobUsed != blobLen)
      fail("the weight blob has ", blobLen - blobUsed, " bytes no tensor uses");
    auto checkId = [&](int64_t t, bool optional) {
      if ((t == kNoTensor && optional) || (t >= 0 && size_t(t) < g.tensors.size()))
        return TensorId(t);
      fail("tensor index ", t, " out of range");
    };
    for (int64_t t : j.at("inputs").get<std::vector<int64_t>>())
      g.inputs.push_back(checkId(t, false));
    for (int64_t t : j.at("outputs").get<std::vector<int64_t>>())
      g.outputs.push_back(checkId(t, false));
    BuildResult& b = e.build;
    b.dla = st.dlaCore >= 0;
    for (const auto& nj : j.at("nodes")) {
      Node n;
      n.kind = OpKind(intIn(nj, "kind", 0, kKinds - 1, "layer kind"));
      n.name = nj.at("name").get<std::string>();
      n.onnxOp = nj.at("onnxOp").get<std::string>();
      n.onnxName = nj.value("onnxName", n.name);
      n.pattern = nj.at("pattern").get<std::string>();
      n.originalName = nj.at("originalName").get<std::string>();
      n.fused = nj.at("fused").get<std::vector<std::pair<std::string, std::string>>>();
      for (int64_t t : nj.at("inputs").get<std::vector<int64_t>>())
        n.inputs.push_back(checkId(t, true));
      for (int64_t t : nj.at("outputs").get<std::vector<int64_t>>())
        n.outputs.push_back(checkId(t, false));
      n.attrs = attrsFromJson(nj.at("attrsIndex").get<size_t>(), nj.at("attrs"));
      b.partition.loadableOf.push_back(int(intIn(nj, "loadable", -1, 1 << 20, "loadable index")));
      b.gpuPrecision.push_back(
          Precision(nj.contains("gpuPrecision")
                        ? intIn(nj, "gpuPrecision", 0, int64_t(Precision::kBF16), "GPU precision")
                        : int64_t(Precision::kFP32)));
      if (b.dla) {
        hw::LayerVerdict v;
        int64_t prec = nj.at("precision").get<int64_t>();
        if (prec != int(Precision::kFP16) && prec != int(Precision::kINT8))
          fail("DLA precision ", prec, " of layer '", n.name, "'");
        v.precision = Precision(prec);
        for (const auto& r : nj.at("reasons"))
          v.violations.push_back({r.at("rule").get<std::string>(),
                                  r.at("message").get<std::string>(),
                                  r.at("fix").get<std::string>(), r.at("value").get<std::string>(),
                                  r.at("limit").get<std::string>()});
        b.verdicts.push_back(std::move(v));
        b.forcedGpu.push_back(nj.at("forcedGpu").get<std::string>());
      } else {
        b.forcedGpu.push_back("");
      }
      g.nodes.push_back(std::move(n));
    }
    for (const auto& lj : j.at("loadables")) {
      Loadable l;
      for (int64_t id : lj.get<std::vector<int64_t>>()) {
        if (id < 0 || size_t(id) >= g.nodes.size()) fail("loadable layer index ", id);
        l.nodes.push_back(NodeId(id));
      }
      b.partition.loadables.push_back(std::move(l));
    }
    for (const auto& ej : j.at("evicted")) {
      int64_t node = ej.at("node").get<int64_t>();
      if (node < 0 || size_t(node) >= g.nodes.size()) fail("evicted layer index ", node);
      b.partition.evicted.push_back(
          {NodeId(node), ej.at("rule").get<std::string>(), ej.at("message").get<std::string>()});
    }

    // The structure first (so that inference only sees defined tensors), then every layer's
    // attributes and shapes re-inferred from its inputs, then the placement.
    validateGraph(g, producers);
    for (size_t t = 0; t < g.tensors.size(); ++t) g.tensors[t].producer = NodeId(producers[t]);
    for (const Node& n : g.nodes) {
      validateAttrs(n);
      auto descs = inferNode(g, n);
      if (n.outputs.size() > descs.size())
        fail("layer '", n.name, "' has ", n.outputs.size(), " outputs, its kind makes ",
             descs.size());
      for (size_t k = 0; k < n.outputs.size(); ++k)
        if (descs[k].shape != g.desc(n.outputs[k]).shape ||
            descs[k].dtype != g.desc(n.outputs[k]).dtype)
          fail("layer '", n.name, "' output ", k, " disagrees with its inputs");
    }
    if (!b.bindingFormats.empty() && b.bindingFormats.size() != g.inputs.size() + g.outputs.size())
      fail(b.bindingFormats.size(), " binding formats for ", g.inputs.size() + g.outputs.size(),
           " bindings");
    const hw::Platform* platform = nullptr;
    for (const auto& p : hw::platforms())
      if (p.id == st.platform) platform = &p;
    if (!platform) fail("platform '", st.platform, "' is unknown");
    b.platform = platform;
    st.platformName = platform->name;
    bool knownVersion = st.trtVersion.empty();
    for (const auto& v : hw::trtVersions()) knownVersion |= v.id == st.trtVersion;
    if (!knownVersion) fail("TensorRT version '", dlasim::printable(st.trtVersion), "' is unknown");
    b.trtVersion = &hw::trtVersionById(st.trtVersion);
    hw::checkTrtVersionFor(*b.trtVersion, *platform);
    st.trtVersion = b.trtVersion->id;
    validatePlacement(g, b, st);
    assignPrecisions(g, b);
  } catch (const json::exception& ex) {
    bad(std::string("malformed contents: ") + ex.what());
  } catch (const Error& ex) {
    std::string what = ex.what();
    if (what.rfind("not a valid dlasim engine", 0) == 0 || what.rfind("engine built by", 0) == 0)
      throw;
    bad(what);
  }
  return e;
}

}  // namespace

EngineContents loadEngineBytes(const std::string& bytes, const std::string& name) {
  try {
    return parseEngine(bytes);
  } catch (const Error& ex) {
    fail(name, ": ", ex.what());
  }
}

EngineContents loadEngine(const std::string& path, int64_t maxMemoryBytes) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) fail(path, ": no such engine file");
  auto size = std::filesystem::file_size(path, ec);
  if (ec) fail(path, ": cannot read (", ec.message(), ")");
  // The whole file is read into memory: refuse one larger than the budget before reading it.
  if (maxMemoryBytes > 0 && size > uint64_t(maxMemoryBytes))
    fail(path, ": engine file of ", bytesStr(int64_t(size)), " is over the memory budget of ",
         bytesStr(maxMemoryBytes), " (raise it with --maxMemory)");
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return loadEngineBytes(ss.str(), path);
}

}  // namespace builder
