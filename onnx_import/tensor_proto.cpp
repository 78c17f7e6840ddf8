// TensorProto -> sim::Tensor, including external data kept inside the model's folder.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "onnx_import/context.h"
#include "sim/ir/memory_budget.h"
#include "sim/ops/element_codec.h"

namespace onnx_import {

using sim::DType;
using sim::fail;

bool dtypeFromOnnx(int t, DType* out) {
  switch (t) {
    case onnx::TensorProto::FLOAT:
      *out = DType::kFloat;
      return true;
    case onnx::TensorProto::DOUBLE:
      *out = DType::kDouble;
      return true;
    case onnx::TensorProto::INT8:
      *out = DType::kInt8;
      return true;
    case onnx::TensorProto::UINT8:
      *out = DType::kUInt8;
      return true;
    case onnx::TensorProto::INT32:
      *out = DType::kInt32;
      return true;
    case onnx::TensorProto::INT64:
      *out = DType::kInt64;
      return true;
    case onnx::TensorProto::BOOL:
      *out = DType::kBool;
      return true;
    case onnx::TensorProto::FLOAT16:  // held as float: every FP16 value is one exactly
      *out = DType::kHalf;
      return true;
    default:
      return false;
  }
}

const char* onnxTypeName(int t) {
  if (onnx::TensorProto::DataType_IsValid(t))
    return onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(t)).c_str();
  return "INVALID";
}

namespace {

std::string readExternal(const onnx::TensorProto& p, const std::string& baseDir, size_t want) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto& kv : p.external_data()) {
    try {
      size_t used = 0;
      if (kv.key() == "location")
        location = kv.value();
      else if (kv.key() == "offset")
        offset = std::stoll(kv.value(), &used);
      else if (kv.key() == "length")
        length = std::stoll(kv.value(), &used);
      if (used && used != kv.value().size()) throw std::invalid_argument(kv.value());
    } catch (const std::exception&) {
      fail("tensor '", p.name(), "': bad external data ", kv.key(), " '", kv.value(), "'");
    }
  }
  namespace fs = std::filesystem;
  fs::path rel(location);
  if (location.empty()) fail("tensor '", p.name(), "': external data has no location");
  if (rel.is_absolute())
    fail("tensor '", p.name(), "': external data path '", location, "' is absolute");
  for (const auto& part : rel)
    if (part == "..")
      fail("tensor '", p.name(), "': external data path '", location,
           "' leaves the model's folder");
  fs::path base = fs::path(baseDir.empty() ? "." : baseDir);
  fs::path full = base / rel;
  std::error_code ec;
  // Symbolic links must not lead out of the model's folder either.
  fs::path realBase = fs::weakly_canonical(base, ec), realFull = fs::weakly_canonical(full, ec);
  auto mismatch = std::mismatch(realBase.begin(), realBase.end(), realFull.begin(), realFull.end());
  if (!ec && mismatch.first != realBase.end())
    fail("tensor '", p.name(), "': external data path '", location,
         "' resolves outside the model's folder");
  auto fileSize = fs::file_size(full, ec);
  if (ec) fail("tensor '", p.name(), "': cannot open external data file '", full.string(), "'");
  if (length < 0) length = int64_t(want);
  if (offset < 0 || uint64_t(offset) > fileSize || uint64_t(length) > fileSize - uint64_t(offset))
    fail("tensor '", p.name(), "': external data [", offset, ", +", length, ") lies outside '",
         full.string(), "' (", fileSize, " bytes)");
  if (size_t(length) != want)
    fail("tensor '", p.name(), "': external data has ", length, " bytes, the shape needs ", want);
  std::ifstream f(full, std::ios::binary);
  std::string buf(size_t(length), '\0');
  f.seekg(offset);
  f.read(buf.data(), length);
  if (!f) fail("tensor '", p.name(), "': cannot read external data from '", full.string(), "'");
  return buf;
}

template <class T, class Src>
sim::Tensor fromTyped(DType t, const sim::Shape& shape, const Src& src, const std::string& name) {
  // Count first: a few bytes of file can declare a huge shape over a handful of values.
  if (int64_t(src.size()) != sim::volume(shape))
    fail("tensor '", name, "' has ", src.size(), " values, shape ", sim::shapeStr(shape), " needs ",
         sim::volume(shape));
  sim::Tensor out = sim::Tensor::uninitialized(t, shape);
  T* d = out.data<T>();
  for (int64_t i = 0; i < out.size(); ++i) d[i] = static_cast<T>(src[int(i)]);
  return out;
}

// FP16 bit patterns (little-endian pairs of bytes, or one per int32_data entry) as the float
// tensor the IR holds: the conversion is exact.
sim::Tensor halfAsFloat(const sim::Shape& shape, const std::string& bytes,
                        const google::protobuf::RepeatedField<int32_t>& bits,
                        const std::string& name) {
  const bool raw = !bytes.empty() || bits.empty();
  const int64_t n = raw ? int64_t(bytes.size() / 2) : int64_t(bits.size());
  if (n != sim::volume(shape) || (raw && bytes.size() % 2))
    fail("tensor '", name, "' has ", raw ? bytes.size() : size_t(bits.size()),
         raw ? " bytes" : " values", " of float16 data, shape ", sim::shapeStr(shape), " needs ",
         sim::volume(shape), raw ? " pairs of bytes" : "");
  sim::Tensor out = sim::Tensor::uninitialized(DType::kFloat, shape);
  float* d = out.data<float>();
  for (int64_t i = 0; i < n; ++i) {
    uint16_t h = raw ? uint16_t(uint8_t(bytes[size_t(2 * i)]) |
                                (uint16_t(uint8_t(bytes[size_t(2 * i + 1)])) << 8))
                     : uint16_t(bits[int(i)]);
    d[i] = float(sim::decodeElement(sim::IOType::kFP16, reinterpret_cast<const char*>(&h), 0, 0));
  }
  return out;
}

// Raw bytes as a tensor; errors (e.g. a bool byte other than 0 or 1) name the tensor.
sim::Tensor adoptNamed(const std::string& name, DType t, const sim::Shape& shape,
                       std::string&& bytes) {
  try {
    return sim::Tensor::adopt(t, shape, std::move(bytes));
  } catch (const sim::Error& e) {
    fail("tensor '", name, "': ", e.what());
  }
}

}  // namespace

sim::Tensor tensorFromProto(onnx::TensorProto& p, const std::string& baseDir, int64_t maxBytes) {
  DType t;
  if (!dtypeFromOnnx(p.data_type(), &t))
    fail("tensor '", p.name(), "' has element type ", onnxTypeName(p.data_type()),
         ", which dlasim does not support");
  sim::Shape shape;
  int64_t count = 1;
  for (int64_t d : p.dims()) {
    if (d < 0) fail("tensor '", p.name(), "' has negative dimension ", d);
    shape.push_back(d);
  }
  if (sim::exceedsElementLimit(shape))
    fail("tensor '", p.name(), "' shape ", sim::shapeStr(shape), " is absurdly large (over ",
         sim::kMaxTensorElements, " elements)");
  for (int64_t d : shape) count *= d;
  size_t bytes = size_t(count) * sim::dtypeSize(t);
  if (int64_t(bytes) > maxBytes)  // before reading external data or allocating
    fail("tensor '", p.name(), "' (", sim::dtypeName(t), " ", sim::shapeStr(shape), ") needs ",
         sim::bytesStr(int64_t(bytes)), ": over the memory budget (raise it with --maxMemory)");
  if (t == DType::kHalf && p.data_location() == onnx::TensorProto::EXTERNAL)
    return halfAsFloat(shape, readExternal(p, baseDir, bytes), p.int32_data(), p.name());
  if (t == DType::kHalf) return halfAsFloat(shape, p.raw_data(), p.int32_data(), p.name());
  if (p.data_location() == onnx::TensorProto::EXTERNAL) {
    return adoptNamed(p.name(), t, shape, readExternal(p, baseDir, bytes));
  }
  if (p.has_raw_data()) {
    if (p.raw_data().size() != bytes)
      fail("tensor '", p.name(), "' has ", p.raw_data().size(), " bytes of data, shape ",
           sim::shapeStr(shape), " of ", sim::dtypeName(t), " needs ", bytes);
    return adoptNamed(p.name(), t, shape, std::move(*p.mutable_raw_data()));
  }
  switch (t) {
    case DType::kFloat:
      return fromTyped<float>(t, shape, p.float_data(), p.name());
    case DType::kDouble:
      return fromTyped<double>(t, shape, p.double_data(), p.name());
    case DType::kInt64:
      return fromTyped<int64_t>(t, shape, p.int64_data(), p.name());
    case DType::kInt32:
      return fromTyped<int32_t>(t, shape, p.int32_data(), p.name());
    case DType::kInt8:
      return fromTyped<int8_t>(t, shape, p.int32_data(), p.name());
    case DType::kUInt8:
      return fromTyped<uint8_t>(t, shape, p.int32_data(), p.name());
    case DType::kBool:
      return fromTyped<bool>(t, shape, p.int32_data(), p.name());
    default:
      break;
  }
  fail("tensor '", p.name(), "' has no data");
}

}  // namespace onnx_import
