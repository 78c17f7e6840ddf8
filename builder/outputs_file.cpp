// dlasim::loadOutputsFile: a run's outputs written by another tool, as `dlasim compare --ref`
// reads them. Formats: trtexec's --exportOutput JSON, Polygraphy's RunResults JSON
// (--save-outputs) and its lists / dicts of arrays, numpy's .npz (np.savez, stored or
// compressed) and a single .npy. Every length, offset and header is checked: the file is
// untrusted input, and errors name it.
#include <zlib.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "builder/files.h"
#include "dlasim/build_config.h"
#include "dlasim/io.h"
#include "sim/ir/dtype.h"
#include "sim/ir/error.h"
#include "sim/ir/shape.h"
#include "sim/ops/element_codec.h"

namespace dlasim {

using nlohmann::json;
using sim::cat;
using sim::fail;

namespace {

std::string readWhole(const std::string& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(file, ec)) fail(file, ": no such file");
  if (fs::is_directory(file, ec)) fail(file, ": is a directory");
  uintmax_t size = fs::file_size(file, ec);
  if (ec) fail(file, ": cannot read its size");
  if (size > uintmax_t(defaultMaxMemoryBytes()))
    fail(file, ": ", size, " bytes is more than this machine's budget (--maxMemory)");
  std::ifstream f(file, std::ios::binary);
  if (!f) fail(file, ": cannot open");
  std::string bytes(size_t(size), '\0');
  f.read(&bytes[0], std::streamsize(size));
  if (size_t(f.gcount()) != size) fail(file, ": cannot read");
  return bytes;
}

// A .npy held in memory as a tensor of its own type and shape; FP16 arrays become float.
Tensor npyTensor(const std::string& where, std::string&& bytes) {
  builder::NpyHeader h = builder::readNpyHeader(where, bytes);
  if (!h.known)
    fail(where, ": array type '", h.descr, "' is not one dlasim reads (<f4, <f8, <f2, |i1, |u1, ",
         "<i4, <i8, |b1)");
  size_t count = 1;
  for (int64_t d : h.shape) {
    if (d > 0 && count > (size_t(1) << 40) / size_t(d)) fail(where, ": shape is absurdly large");
    count *= size_t(d);
  }
  size_t element = h.dtype == DataType::kHalf ? 2 : sim::dtypeSize(h.dtype);
  if (bytes.size() - h.dataOffset != count * element)
    fail(where, ": holds ", bytes.size() - h.dataOffset, " data bytes, its header (", h.descr, " ",
         shapeString(h.shape), ") says ", count * element);
  if (h.dtype != DataType::kHalf)
    return Tensor::adopt(h.dtype, h.shape, bytes.substr(h.dataOffset));
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i) {
    values[i] =
        float(sim::decodeElement(sim::IOType::kFP16, bytes.data() + h.dataOffset, int64_t(i), 0));
  }
  return Tensor::fromBytes(DataType::kFloat, h.shape, values.data(), count * sizeof(float));
}

uint32_t le(const std::string& b, size_t at, int n) {
  uint32_t v = 0;
  for (int i = 0; i < n; ++i)
    v |= uint32_t(static_cast<unsigned char>(b[at + size_t(i)])) << (8 * i);
  return v;
}

// numpy's .npz: a zip archive of NAME.npy members, stored or deflated. Read through the central
// directory (sizes there are always right); ZIP64 archives (members over 4 GiB) are refused.
TensorMap readNpz(const std::string& file, const std::string& zip) {
  size_t eocd = std::string::npos;
  for (size_t back = 22; back <= zip.size() && back <= 22 + 65535; ++back)
    if (le(zip, zip.size() - back, 4) == 0x06054b50) {
      eocd = zip.size() - back;
      break;
    }
  if (eocd == std::string::npos) fail(file, ": not a zip archive (.npz)");
  size_t entries = le(zip, eocd + 10, 2), at = le(zip, eocd + 16, 4);
  TensorMap out;
  for (size_t e = 0; e < entries; ++e) {
    if (at + 46 > zip.size() || le(zip, at, 4) != 0x02014b50)
      fail(file, ": damaged zip central directory (entry ", e, ")");
    uint32_t method = le(zip, at + 10, 2), packed = le(zip, at + 20, 4), size = le(zip, at + 24, 4),
             nameLen = le(zip, at + 28, 2), extra = le(zip, at + 30, 2),
             comment = le(zip, at + 32, 2), local = le(zip, at + 42, 4);
    if (at + 46 + nameLen > zip.size()) fail(file, ": damaged zip central directory");
    std::string name = zip.substr(at + 46, nameLen);
    at += 46 + nameLen + extra + comment;
    if (packed == 0xffffffff || size == 0xffffffff || local == 0xffffffff)
      fail(file, ": member '", name, "' is a ZIP64 entry (over 4 GiB), which dlasim does not read");
    if (size_t(local) + 30 > zip.size() || le(zip, local, 4) != 0x04034b50)
      fail(file, ": member '", name, "' has no local header");
    size_t data = size_t(local) + 30 + le(zip, local + 26, 2) + le(zip, local + 28, 2);
    if (data + packed > zip.size()) fail(file, ": member '", name, "' is truncated");
    if (size > uint64_t(defaultMaxMemoryBytes()))
      fail(file, ": member '", name, "' unpacks to ", size, " bytes, over the memory budget");
    std::string bytes;
    if (method == 0) {
      if (packed != size) fail(file, ": stored member '", name, "' has two sizes");
      bytes = zip.substr(data, packed);
    } else if (method == 8) {
      bytes.assign(size, '\0');
      z_stream z{};
      if (inflateInit2(&z, -MAX_WBITS) != Z_OK) fail(file, ": cannot start zlib");
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zip.data() + data));
      z.avail_in = packed;
      z.next_out = reinterpret_cast<Bytef*>(&bytes[0]);
      z.avail_out = size;
      int rc = inflate(&z, Z_FINISH);
      size_t got = z.total_out;
      inflateEnd(&z);
      if (rc != Z_STREAM_END || got != size)
        fail(file, ": member '", name, "' does not inflate to its ", size, " bytes");
    } else {
      fail(file, ": member '", name, "' uses zip method ", method, " (stored or deflate only)");
    }
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0)
      name.resize(name.size() - 4);
    if (out.count(name)) fail(file, ": array '", name, "' appears twice");
    out[name] = npyTensor(file + ": '" + name + "'", std::move(bytes));
  }
  if (out.empty()) fail(file, ": holds no arrays");
  return out;
}

std::string base64Decode(const std::string& where, const std::string& text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == '\n' || c == '\r') continue;
    int v = value(c);
    if (v < 0) fail(where, ": bad base64 character in the array's data");
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xff);
    }
  }
  return out;
}

// Polygraphy's encoded ndarray: {"array": base64 of np.save's bytes, "polygraphy_class": ...}.
bool isPolygraphyArray(const json& v) {
  return v.is_object() && v.contains("polygraphy_class") && v.contains("array");
}

Tensor polygraphyArray(const std::string& where, const json& v) {
  const json& cls = v["polygraphy_class"];
  if (!cls.is_string() || cls.get<std::string>() != "ndarray")
    fail(where, ": polygraphy_class '", cls.dump(), "' is not an ndarray (save with numpy arrays)");
  if (!v["array"].is_string()) fail(where, ": 'array' is not base64 text");
  return npyTensor(where, base64Decode(where, v["array"].get<std::string>()));
}

// trtexec's --exportOutput: [{"name", "dimensions": "1x10", "values": [...]}, ...].
TensorMap trtexecOutputs(const std::string& file, const json& j) {
  TensorMap out;
  for (const json& o : j) {
    if (!o.is_object() || !o.contains("name") || !o["name"].is_string() || !o.contains("values") ||
        !o["values"].is_array())
      fail(file,
           ": an entry is not {\"name\", \"dimensions\", \"values\"} (trtexec's "
           "--exportOutput)");
    std::string name = o["name"].get<std::string>();
    Shape shape;
    std::string dims = o.contains("dimensions") && o["dimensions"].is_string()
                           ? o["dimensions"].get<std::string>()
                           : "";
    for (size_t at = 0; !dims.empty() && at <= dims.size();) {
      size_t x = std::min(dims.find('x', at), dims.size());
      std::string d = dims.substr(at, x - at);
      if (d.empty() || d.size() > 12 || d.find_first_not_of("0123456789") != std::string::npos)
        fail(file, ": output '", name, "': bad dimensions '", dims, "'");
      shape.push_back(std::stoll(d));
      at = x + 1;
    }
    const json& values = o["values"];
    if (dims.empty()) shape = {int64_t(values.size())};
    if (sim::volume(shape) != int64_t(values.size()))
      fail(file, ": output '", name, "' has ", values.size(), " values, its dimensions ", dims,
           " need ", sim::volume(shape));
    std::vector<double> v;
    v.reserve(values.size());
    for (const json& x : values) {
      if (x.is_number())
        v.push_back(x.get<double>());
      else if (x.is_string() && (x == "nan" || x == "NaN" || x == "-nan"))
        v.push_back(std::nan(""));
      else if (x.is_string() && (x == "inf" || x == "-inf"))
        v.push_back(x == "inf" ? HUGE_VAL : -HUGE_VAL);
      else
        fail(file, ": output '", name, "' has a value that is not a number: ", x.dump());
    }
    if (out.count(name)) fail(file, ": output '", name, "' appears twice");
    out[name] = Tensor::fromBytes(DataType::kDouble, shape, v.data(), v.size() * sizeof(double));
  }
  return out;
}

TensorMap polygraphyDict(const std::string& file, const json& d) {
  TensorMap out;
  for (const auto& [name, v] : d.items()) {
    if (!isPolygraphyArray(v)) fail(file, ": '", name, "' is not an encoded array");
    out[name] = polygraphyArray(file + ": '" + name + "'", v);
  }
  return out;
}

TensorMap jsonOutputs(const std::string& file, const std::string& text,
                      std::vector<std::string>* notes) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) fail(file, ": not valid JSON");
  // Polygraphy's RunResults: {"lst": [[runner, [iteration, ...]], ...]}, each iteration
  // {"outputs": {name: ndarray}} (older files: the iteration is the dict itself).
  if (j.is_object() && j.contains("lst")) {
    const json& lst = j["lst"];
    if (!lst.is_array() || lst.empty() || !lst[0].is_array() || lst[0].size() != 2 ||
        !lst[0][1].is_array() || lst[0][1].empty())
      fail(file, ": Polygraphy RunResults without any runner's iteration");
    std::string runner = lst[0][0].is_string() ? lst[0][0].get<std::string>() : "?";
    const json& it = lst[0][1][0];
    const json& outputs = it.is_object() && it.contains("outputs") ? it["outputs"] : it;
    if (!outputs.is_object()) fail(file, ": runner '", runner, "' has no outputs");
    if (notes) {
      std::string others;
      for (size_t r = 1; r < lst.size(); ++r)
        if (lst[r].is_array() && !lst[r].empty() && lst[r][0].is_string())
          others += cat(others.empty() ? "" : ", ", "'", lst[r][0].get<std::string>(), "'");
      notes->push_back(
          cat("Reference ", file, ": Polygraphy runner '", runner, "', iteration 1 of ",
              lst[0][1].size(),
              others.empty() ? std::string() : " (other runners ignored: " + others + ")"));
    }
    return polygraphyDict(file, outputs);
  }
  if (j.is_object()) return polygraphyDict(file, j);  // {name: ndarray}
  if (j.is_array() && !j.empty() && j[0].is_object() && !j[0].contains("name")) {
    if (notes && j.size() > 1)
      notes->push_back(cat("Reference ", file, ": the first of ", j.size(), " sets of arrays"));
    return polygraphyDict(file, j[0]);  // [{name: ndarray}, ...]: Polygraphy's data lists
  }
  if (j.is_array()) {
    if (notes) notes->push_back(cat("Reference ", file, ": trtexec --exportOutput JSON"));
    return trtexecOutputs(file, j);
  }
  fail(file, ": neither trtexec's --exportOutput JSON nor Polygraphy's RunResults");
}

}  // namespace

TensorMap loadOutputsFile(const std::string& file, std::vector<std::string>* notes) {
  auto endsWith = [&](const char* ext) {
    size_t n = std::strlen(ext);
    return file.size() > n && file.compare(file.size() - n, n, ext) == 0;
  };
  std::string bytes = readWhole(file);
  if (endsWith(".npz") || bytes.compare(0, 4, "PK\x03\x04") == 0) return readNpz(file, bytes);
  if (endsWith(".npy")) {
    TensorMap one;
    one[""] = npyTensor(file, std::move(bytes));  // named by the caller (one-output models)
    return one;
  }
  size_t first = bytes.find_first_not_of(" \t\r\n");
  if (endsWith(".json") ||
      (first != std::string::npos && (bytes[first] == '[' || bytes[first] == '{')))
    return jsonOutputs(file, bytes, notes);
  fail(file, ": not a reference outputs file (.json from trtexec or Polygraphy, .npz, .npy)");
}

}  // namespace dlasim
