#include "builder/engine_file.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/ops/op_def.h"

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
#define OP(Name, TrtType) s += #Name ",";
#include "sim/ir/ops.def"
#undef OP
  // rev2: precisions as dlasim::Precision, violations with value and limit, plan settings.
  return s + "attrs:" + std::to_string(std::variant_size_v<Attrs>) + ";rev2";
}

constexpr int kKinds = 0
#define OP(Name, TrtType) +1
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

EngineContents loadEngine(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) fail(path, ": no such engine file");
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  const std::string s = ss.str();
  auto bad = [&](const std::string& why) { fail(path, ": not a valid dlasim engine (", why, ")"); };
  if (s.size() < sizeof kMagic + 4 + 8 + 8 + 8 || std::memcmp(s.data(), kMagic, sizeof kMagic) != 0)
    bad("wrong magic; is it a TensorRT plan or another file?");
  uint32_t version;
  std::memcpy(&version, s.data() + 8, 4);
  if (version != kEngineVersion)
    fail(path, ": engine format version ", version, ", this dlasim reads version ", kEngineVersion);
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

  EngineContents e;
  try {
    json j = json::parse(text);
    if (j.at("format") != "dlasim-engine") bad("format tag");
    if (j.at("schema") != schemaFingerprint())
      fail(path,
           ": engine built by a dlasim with other layer kinds; rebuild it from the ONNX model");
    dlasim::PlanSettings& st = e.settings;
    st.platform = j.at("platform").get<std::string>();
    st.powerMode = j.at("powerMode").get<std::string>();
    st.dlaCore = j.at("useDLACore").get<int>();
    st.sourceModel = j.at("sourceModel").get<std::string>();
    st.calibrated = j.at("calibrated").get<bool>();
    st.standalone = j.at("standalone").get<bool>();
    // Cost-model facts (absent from engines of older dlasim builds: defaults).
    st.fp16 = j.value("fp16", false);
    st.int8 = j.value("int8", false);
    int sp = j.value("sparsity", 0);
    if (sp < 0 || sp > int(dlasim::Sparsity::kForce)) bad(cat("sparsity ", sp));
    st.sparsity = dlasim::Sparsity(sp);
    st.sramPoolBytes = j.value("sramPoolBytes", int64_t(0));
    for (auto* io : {&st.inputFormats, &st.outputFormats})
      for (const auto& f :
           j.value(io == &st.inputFormats ? "inputFormats" : "outputFormats", json::array()))
        io->push_back({f.at(0).get<std::string>(), f.at(1).get<std::string>()});
    e.opset = j.at("opset").get<int>();
    if (j.contains("bindingFormats"))
      for (const auto& f : j.at("bindingFormats"))
        e.build.bindingFormats.push_back({f.at(0).get<std::string>(), f.at(1).get<std::string>()});
    Graph& g = e.graph;
    for (const auto& tj : j.at("tensors")) {
      int dt = tj.at("dtype").get<int>();
      if (dt < 0 || dt > int(DType::kDouble)) bad(cat("tensor dtype ", dt));
      TensorDesc d{DType(dt), tj.at("shape").get<Shape>()};
      TensorId id;
      if (tj.contains("offset")) {
        size_t off = tj.at("offset").get<size_t>(), n = tj.at("bytes").get<size_t>();
        if (off > blobLen || n > blobLen - off)
          bad(cat("weights of '", tj.at("name").get<std::string>(), "' outside the blob"));
        id = g.addConstant(tj.at("name").get<std::string>(),
                           Tensor::adopt(d.dtype, d.shape, std::string(blob + off, n)));
      } else {
        id = g.addTensor(tj.at("name").get<std::string>(), d);
      }
      g.tensors[id].producer = tj.at("producer").get<int>();
      g.tensors[id].quant.scale = tj.at("quantScale").get<float>();
      if (tj.contains("quantChannelScales")) {
        Quantization& q = g.tensors[id].quant;
        q.channelScales = tj.at("quantChannelScales").get<std::vector<float>>();
        q.axis = tj.at("quantAxis").get<int>();
        bool ok = q.axis >= 0 && size_t(q.axis) < d.shape.size() &&
                  int64_t(q.channelScales.size()) == d.shape[size_t(q.axis)];
        for (float c : q.channelScales) ok &= std::isfinite(c) && c >= 0;
        if (!ok) bad(cat("per-channel scales of '", tj.at("name").get<std::string>(), "'"));
      }
    }
    auto checkId = [&](int64_t t, bool optional) {
      if ((t == kNoTensor && optional) || (t >= 0 && size_t(t) < g.tensors.size()))
        return TensorId(t);
      fail(path, ": not a valid dlasim engine (tensor index ", t, " out of range)");
    };
    for (int64_t t : j.at("inputs").get<std::vector<int64_t>>())
      g.inputs.push_back(checkId(t, false));
    for (int64_t t : j.at("outputs").get<std::vector<int64_t>>())
      g.outputs.push_back(checkId(t, false));
    BuildResult& b = e.build;
    b.dla = st.dlaCore >= 0;
    for (const auto& nj : j.at("nodes")) {
      Node n;
      int kind = nj.at("kind").get<int>();
      if (kind < 0 || kind >= kKinds) bad(cat("layer kind ", kind));
      n.kind = OpKind(kind);
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
      // Re-infer: a file whose shapes disagree with its layers is refused, not run.
      auto descs = inferNode(g, n);
      for (size_t k = 0; k < n.outputs.size(); ++k)
        if (k >= descs.size() || descs[k].shape != g.desc(n.outputs[k]).shape ||
            descs[k].dtype != g.desc(n.outputs[k]).dtype)
          bad(cat("layer '", n.name, "' output ", k, " disagrees with its inputs"));
      b.partition.loadableOf.push_back(nj.at("loadable").get<int>());
      int gp = nj.value("gpuPrecision", int(Precision::kFP32));
      if (gp < 0 || gp > int(Precision::kBF16))
        bad(cat("GPU precision ", gp, " of '", n.name, "'"));
      b.gpuPrecision.push_back(Precision(gp));
      if (b.dla) {
        hw::LayerVerdict v;
        int prec = nj.at("precision").get<int>();
        if (prec != int(Precision::kFP16) && prec != int(Precision::kINT8))
          bad(cat("DLA precision ", prec, " of layer '", n.name, "'"));
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
      for (int id : lj.get<std::vector<int>>()) {
        if (id < 0 || size_t(id) >= g.nodes.size()) bad(cat("loadable layer index ", id));
        l.nodes.push_back(id);
      }
      if (l.nodes.empty()) bad("empty loadable");
      b.partition.loadables.push_back(std::move(l));
    }
    for (int l : b.partition.loadableOf)
      if (l < -1 || l >= int(b.partition.loadables.size())) bad(cat("loadable index ", l));
    for (const auto& ej : j.at("evicted"))
      b.partition.evicted.push_back({ej.at("node").get<int>(), ej.at("rule").get<std::string>(),
                                     ej.at("message").get<std::string>()});
    if (!b.bindingFormats.empty() && b.bindingFormats.size() != g.inputs.size() + g.outputs.size())
      bad(cat(b.bindingFormats.size(), " binding formats for ", g.inputs.size() + g.outputs.size(),
              " bindings"));
    b.platform = &hw::platformById(st.platform);
    st.platformName = b.platform->name;
    assignPrecisions(g, b);
  } catch (const json::exception& ex) {
    bad(std::string("malformed contents: ") + ex.what());
  } catch (const Error& ex) {
    fail(path, ": ", ex.what());
  }
  return e;
}

}  // namespace builder
