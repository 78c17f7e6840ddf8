// Binding formats: which format each binding gets, its memory layout and element encoding
// (dlasim/bindings.h describes the layouts).
#include "builder/bindings.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dlasim/io.h"
#include "sim/ops/element_codec.h"

namespace builder {

using dlasim::BindingInfo;
using dlasim::IOFormat;
using namespace sim;

namespace {

std::vector<std::string> alternatives(const std::string& format) {
  std::vector<std::string> v;
  for (size_t at = 0; at <= format.size();) {
    size_t plus = std::min(format.find('+', at), format.size());
    v.push_back(format.substr(at, plus - at));
    at = plus + 1;
  }
  return v;
}

bool hwc4Channels(const Shape& s) {
  int64_t c = s.size() >= 3 ? s[s.size() - 3] : 0;
  return c == 1 || c == 3 || c == 4;
}

}  // namespace

IOFormat defaultBindingFormat(dlasim::DataType type) {
  switch (type) {
    case DType::kBool:
      return {"bool", "chw"};
    case DType::kInt32:
      return {"int32", "chw"};
    case DType::kInt64:
      return {"int64", "chw"};
    case DType::kUInt8:
      return {"uint8", "chw"};
    case DType::kInt8:
      return {"int8", "chw"};
    case DType::kHalf:
      return {"fp16", "chw"};
    default:
      return {"fp32", "chw"};
  }
}

std::vector<IOFormat> chooseBindingFormats(const Graph& g, const dlasim::BuildConfig& o, bool dla) {
  std::vector<IOFormat> out;
  auto choose = [&](const std::vector<IOFormat>& fmts, const std::vector<TensorId>& ts,
                    bool input) {
    const char* flag = input ? "--inputIOFormats" : "--outputIOFormats";
    if (!fmts.empty() && fmts.size() != 1 && fmts.size() != ts.size())
      fail(flag, ": ", fmts.size(), " formats for ", ts.size(), input ? " inputs" : " outputs");
    for (size_t i = 0; i < ts.size(); ++i) {
      IOFormat spec =
          fmts.empty() ? defaultBindingFormat(g.desc(ts[i]).dtype) : fmts[fmts.size() == 1 ? 0 : i];
      std::vector<std::string> alts = alternatives(spec.format);
      std::string pick = alts.front();
      // TensorRT picks, of the formats allowed, one the DLA reads without a reformat.
      if (dla)
        for (const auto& a : alts)
          if (sim::isDlaFormat({spec.type, a}, input) &&
              (sim::ioLayoutsOf({spec.type, a}).front() != sim::IOLayout::kDLAHWC4 ||
               hwc4Channels(g.desc(ts[i]).shape))) {
            pick = a;
            break;
          }
      out.push_back({spec.type, pick});
    }
  };
  choose(o.inputFormats, g.inputs, true);
  choose(o.outputFormats, g.outputs, false);
  return out;
}

std::vector<BindingInfo> bindingInfos(const Graph& g, const BuildResult& b) {
  std::vector<BindingInfo> v;
  std::vector<TensorId> ts = g.inputs;
  ts.insert(ts.end(), g.outputs.begin(), g.outputs.end());
  for (size_t k = 0; k < ts.size(); ++k) {
    BindingInfo info;
    info.name = g.tensor(ts[k]).name;
    info.isInput = k < g.inputs.size();
    if (k < b.bindingFormats.size()) info.format = b.bindingFormats[k];
    info.shape = g.desc(ts[k]).shape;
    info.scale = g.tensor(ts[k]).quant.scale;
    sim::IOLayout layout = sim::ioLayoutsOf(info.format).front();
    if (b.platform && layout == sim::IOLayout::kDLAHWC4)
      info.rowAlignment = int(b.platform->limits.dlaHwc4RowAlign);
    if (b.platform && layout == sim::IOLayout::kDLALinear)
      info.rowAlignment = int(b.platform->limits.dlaLinearRowAlign);
    info.bytes = dlasim::encodeBinding(info, Tensor()).size();
    v.push_back(std::move(info));
  }
  return v;
}

std::string formatDescription(const IOFormat& f) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {"fp32", "FP32"},   {"fp16", "FP16"},   {"int8", "Int8"},
      {"int32", "Int32"}, {"int64", "Int64"}, {"uint8", "UInt8"},
      {"bool", "Bool"},   {"bf16", "BF16"},   {"fp8", "FP8"}};
  std::string t = f.type;
  for (const auto& [k, name] : kTypes)
    if (f.type == k) t = name;
  const std::string& m = f.format;
  if (m == "chw") return "Row major linear " + t;
  if (m == "chw2") return "Two wide channel vectorized row major " + t + " format";
  if (m == "chw4") return "Four wide channel vectorized row major " + t + " format";
  if (m == "chw16") return "Sixteen wide channel vectorized row major " + t + " format";
  if (m == "chw32" || m == "cdhw32")
    return "Thirty-two wide channel vectorized row major " + t + " format";
  if (m == "hwc") return "Channel major " + t + " format";
  if (m == "hwc8" || m == "dhwc8") return "Channel major " + t + " format where channel % 8 == 0";
  if (m == "hwc16") return "Channel major " + t + " format where channel % 16 == 0";
  if (m == "dla_linear") return "DLA linear " + t + " format (rows padded to 64 bytes)";
  if (m == "dla_hwc4") return "DLA image " + t + " format where channel % 4 == 0";
  return t + " " + m;
}

IOFormat layerFormat(const Graph& g, const BuildResult& b, size_t node) {
  Precision p = reportedPrecision(g, b, node);
  bool dla = b.dla && b.partition.loadableOf[node] >= 0;
  if (dla) return p == Precision::kINT8 ? IOFormat{"int8", "chw32"} : IOFormat{"fp16", "chw16"};
  switch (p) {
    case Precision::kINT8:  // TensorRT's INT8 GPU kernels use 32-wide channel vectors too
      return {"int8", "chw32"};
    case Precision::kFP16:
      return {"fp16", "chw"};
    case Precision::kINT32:
      return {"int32", "chw"};
    default:
      return {"fp32", "chw"};
  }
}

std::vector<Reformat> reformatLayers(const Graph& g, const BuildResult& b) {
  std::vector<Reformat> v;
  auto nameOf = [&](size_t i) {
    int l = b.dla ? b.partition.loadableOf[i] : -1;
    return l >= 0 ? foreignNodeName(g, b.partition.loadables[size_t(l)]) : g.nodes[i].name;
  };
  auto same = [](const IOFormat& a, const IOFormat& c) {
    return a.type == c.type && a.format == c.format;
  };
  std::vector<IOFormat> binding(g.tensors.size());
  std::vector<bool> isBinding(g.tensors.size(), false);
  for (size_t k = 0; k < g.inputs.size(); ++k) {
    isBinding[g.inputs[k]] = true;
    binding[g.inputs[k]] = k < b.bindingFormats.size()
                               ? b.bindingFormats[k]
                               : defaultBindingFormat(g.desc(g.inputs[k]).dtype);
  }
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    int l = b.dla ? b.partition.loadableOf[i] : -1;
    for (size_t k = 0; k < n.inputs.size(); ++k) {
      TensorId t = n.inputs[k];
      if (t == kNoTensor || g.tensor(t).isConstant()) continue;
      IOFormat want = layerFormat(g, b, i), have;
      int p = g.tensor(t).producer;
      if (isBinding[t]) {
        have = binding[t];
        // A loadable reads a DLA-format binding of its type as it is.
        if (l >= 0 && sim::isDlaFormat(have, true) && have.type == want.type) continue;
      } else if (p >= 0) {
        if (l >= 0 && b.partition.loadableOf[size_t(p)] == l) continue;  // inside a loadable
        have = layerFormat(g, b, size_t(p));
      } else {
        continue;
      }
      if (same(have, want)) continue;
      std::string name = cat("Reformatting CopyNode for Input Tensor ", k, " to ", nameOf(i));
      bool seen =
          std::any_of(v.begin(), v.end(), [&](const Reformat& r) { return r.name == name; });
      if (!seen) v.push_back({name, t, have, want, i, true});
    }
  }
  for (size_t k = 0; k < g.outputs.size(); ++k) {
    TensorId t = g.outputs[k];
    int p = g.tensor(t).producer;
    size_t at = g.inputs.size() + k;
    IOFormat want =
        at < b.bindingFormats.size() ? b.bindingFormats[at] : defaultBindingFormat(g.desc(t).dtype);
    if (p < 0) continue;
    IOFormat have = layerFormat(g, b, size_t(p));
    bool dla = b.dla && b.partition.loadableOf[size_t(p)] >= 0;
    if (same(have, want) || (dla && sim::isDlaFormat(want, false) && want.type == have.type))
      continue;
    v.push_back({cat("Reformatting CopyNode for Output Tensor ", k, " to ", nameOf(size_t(p))), t,
                 have, want, size_t(p), false});
  }
  return v;
}

}  // namespace builder

// ---- binding buffers (public API) -----------------------------------------------------------

namespace dlasim {

namespace {

// The buffer's element offset for every logical element (NCHW order), and the buffer's size
// in elements.
std::vector<int64_t> offsets(const BindingInfo& b, int64_t* total) {
  const Shape& s = b.shape;
  int64_t n = s.size() >= 1 ? s[0] : 1, c = s.size() >= 2 ? s[1] : 1;
  int64_t sp = 1;
  for (size_t i = 2; i < s.size(); ++i) sp *= s[i];
  int64_t w = s.size() >= 3 ? s.back() : 1, h = w ? sp / w : 0;
  using L = sim::IOLayout;
  const L f = sim::ioLayoutsOf(b.format).front();  // a binding has one format
  const int64_t es = int64_t(sim::ioTypeBytes(sim::ioTypeOf(b.format)));
  auto roundUp = [](int64_t x, int64_t m) { return (x + m - 1) / m * m; };
  int64_t block = f == L::kCHW2                         ? 2
                  : f == L::kCHW4                       ? 4
                  : f == L::kCHW16                      ? 16
                  : (f == L::kCHW32 || f == L::kCDHW32) ? 32
                                                        : 0;
  int64_t last = f == L::kHWC ? 1 : (f == L::kHWC8 || f == L::kDHWC8) ? 8 : f == L::kHWC16 ? 16 : 0;
  std::vector<int64_t> off(size_t(n * c * sp));
  size_t at = 0;
  if (block) {
    int64_t cb = (c + block - 1) / block;
    for (int64_t in = 0; in < n; ++in)
      for (int64_t ic = 0; ic < c; ++ic)
        for (int64_t is = 0; is < sp; ++is)
          off[at++] = ((in * cb + ic / block) * sp + is) * block + ic % block;
    *total = n * cb * sp * block;
  } else if (last) {
    int64_t cp = roundUp(c, last);
    for (int64_t in = 0; in < n; ++in)
      for (int64_t ic = 0; ic < c; ++ic)
        for (int64_t is = 0; is < sp; ++is) off[at++] = (in * sp + is) * cp + ic;
    *total = n * sp * cp;
  } else if (f == L::kDLALinear) {
    int64_t row = roundUp(w * es, std::max(1, b.rowAlignment)) / es;
    for (int64_t in = 0; in < n; ++in)
      for (int64_t ic = 0; ic < c; ++ic)
        for (int64_t ih = 0; ih < h; ++ih)
          for (int64_t iw = 0; iw < w; ++iw) off[at++] = ((in * c + ic) * h + ih) * row + iw;
    *total = n * c * h * row;
  } else if (f == L::kDLAHWC4) {
    int64_t comps = c == 1 ? 1 : roundUp(c, 4);
    int64_t row = roundUp(w * comps * es, std::max(1, b.rowAlignment)) / es;
    for (int64_t in = 0; in < n; ++in)
      for (int64_t ic = 0; ic < c; ++ic)
        for (int64_t ih = 0; ih < h; ++ih)
          for (int64_t iw = 0; iw < w; ++iw) off[at++] = (in * h + ih) * row + iw * comps + ic;
    *total = n * h * row;
  } else {
    for (size_t i = 0; i < off.size(); ++i) off[i] = int64_t(i);
    *total = int64_t(off.size());
  }
  return off;
}

void requireReadable(const BindingInfo& b) {
  if (b.format.type == "bf16" || b.format.type == "fp8")
    throw InputError("binding '" + b.name + "' is " + b.format.type +
                     ", which dlasim cannot read or write (fp32, fp16, int8, int32, int64, uint8, "
                     "bool)");
  if (b.format.type == "int8" && !(b.scale > 0))
    throw InputError("INT8 binding '" + b.name + "' has no scale (give a calibration cache)");
}

Tensor fromDoubles(DataType type, const Shape& shape, const std::vector<double>& v) {
  Tensor out(type, shape);
  sim::dispatchType(type, [&](auto tag) {
    using T = decltype(tag);
    T* d = out.data<T>();
    for (size_t i = 0; i < v.size(); ++i) d[i] = T(v[i]);
  });
  return out;
}

}  // namespace

std::string encodeBinding(const BindingInfo& b, const Tensor& values) {
  int64_t total = 0;
  std::vector<int64_t> off = offsets(b, &total);
  sim::IOType type = sim::ioTypeOf(b.format);
  std::string buf(size_t(total) * sim::ioTypeBytes(type), '\0');
  if (values.empty()) return buf;  // the size alone
  requireReadable(b);
  std::vector<double> x = values.asDouble();
  for (size_t i = 0; i < off.size() && i < x.size(); ++i)
    sim::encodeElement(type, x[i], b.scale, buf.data(), off[i]);
  return buf;
}

Tensor decodeBinding(const BindingInfo& b, const std::string& bytes, DataType model,
                     const std::string& what) {
  int64_t total = 0;
  std::vector<int64_t> off = offsets(b, &total);
  sim::IOType type = sim::ioTypeOf(b.format);
  size_t need = size_t(total) * sim::ioTypeBytes(type);
  if (bytes.size() != need)
    throw InputError(what + ": has " + std::to_string(bytes.size()) + " bytes, binding '" + b.name +
                     "' (" + b.format.type + ":" + b.format.format + " " + shapeString(b.shape) +
                     ") needs " + std::to_string(need));
  requireReadable(b);
  std::vector<double> x(off.size());
  for (size_t i = 0; i < off.size(); ++i)
    x[i] = sim::decodeElement(type, bytes.data(), off[i], b.scale);
  return fromDoubles(model, b.shape, x);
}

Tensor bindingValues(const BindingInfo& b, const Tensor& values) {
  requireReadable(b);
  sim::IOType t = sim::ioTypeOf(b.format);
  std::vector<double> x = values.asDouble();
  for (double& v : x) v = sim::bindingValue(t, v, b.scale);
  DataType type = t == sim::IOType::kFP32 || t == sim::IOType::kFP16 ? DataType::kFloat
                  : t == sim::IOType::kINT8                          ? DataType::kInt8
                  : t == sim::IOType::kINT32                         ? DataType::kInt32
                  : t == sim::IOType::kINT64                         ? DataType::kInt64
                  : t == sim::IOType::kUINT8                         ? DataType::kUInt8
                                                                     : DataType::kBool;
  return fromDoubles(type, b.shape, x);
}

Tensor loadBindingFile(const std::string& file, const BindingInfo& b, DataType model) {
  if (file.size() > 4 && file.compare(file.size() - 4, 4, ".npy") == 0) {
    requireReadable(b);
    const sim::IOType t = sim::ioTypeOf(b.format);
    DataType type = t == sim::IOType::kFP32    ? DataType::kFloat
                    : t == sim::IOType::kFP16  ? DataType::kHalf
                    : t == sim::IOType::kINT8  ? DataType::kInt8
                    : t == sim::IOType::kINT32 ? DataType::kInt32
                    : t == sim::IOType::kINT64 ? DataType::kInt64
                    : t == sim::IOType::kUINT8 ? DataType::kUInt8
                                               : DataType::kBool;
    Tensor raw;
    try {
      raw = loadTensorFile(file, {b.name, type, b.shape});
    } catch (const InputError& inBindingType) {
      // A .npy of the model's own type is also taken: its values as the binding holds them.
      try {
        Tensor values = loadTensorFile(file, {b.name, model, b.shape});
        return decodeBinding(b, encodeBinding(b, values), model, file);
      } catch (const InputError&) {
        throw InputError(std::string(inBindingType.what()) + " (binding " + b.format.type + ":" +
                         b.format.format + "; an array of the model's type is also accepted)");
      }
    }
    std::vector<double> x(size_t(raw.size()));
    for (int64_t i = 0; i < raw.size(); ++i)
      x[size_t(i)] = sim::decodeElement(t, static_cast<const char*>(raw.raw()), i, b.scale);
    return fromDoubles(model, b.shape, x);
  }
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) throw InputError(file + ": no such file");
  if (std::filesystem::is_directory(file, ec)) throw InputError(file + ": is a directory");
  std::ifstream f(file, std::ios::binary);
  if (!f) throw InputError(file + ": cannot open");
  std::ostringstream os;
  os << f.rdbuf();
  return decodeBinding(b, os.str(), model, file);
}

}  // namespace dlasim
