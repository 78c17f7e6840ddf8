#include <cctype>
#include <sstream>

#include "sim/ir/dtype.h"
#include "sim/ir/error.h"
#include "sim/ir/shape.h"

namespace sim {

bool parseDType(const std::string& s, DType* out) {
  static const std::pair<const char*, DType> kNames[] = {
      {"fp32", DType::kFloat},  {"fp16", DType::kHalf},   {"int8", DType::kInt8},
      {"uint8", DType::kUInt8}, {"int32", DType::kInt32}, {"int64", DType::kInt64},
      {"bool", DType::kBool}};
  for (const auto& [name, t] : kNames)
    if (s == name) {
      *out = t;
      return true;
    }
  return false;
}

int64_t mulDims(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) fail("dimension arithmetic overflows: ", a, " * ", b);
  return r;
}

int64_t addDims(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) fail("dimension arithmetic overflows: ", a, " + ", b);
  return r;
}

int64_t volume(const Shape& s) {
  return volume(s, 0, s.size());
}

int64_t volume(const Shape& s, size_t from, size_t to) {
  int64_t v = 1;
  for (size_t i = from; i < to && i < s.size(); ++i)
    if (__builtin_mul_overflow(v, s[i], &v))
      fail("shape ", shapeStr(s), " has more elements than int64 can count");
  return v;
}

bool exceedsElementLimit(const Shape& s) {
  int64_t nonZero = 1;
  for (int64_t d : s) {
    if (d <= 0) continue;
    if (nonZero > kMaxTensorElements / d) return true;
    nonZero *= d;
  }
  return false;
}

std::string shapeStr(const Shape& s) {
  if (s.empty()) return "scalar";
  std::ostringstream os;
  for (size_t i = 0; i < s.size(); ++i) os << (i ? "x" : "") << s[i];
  return os.str();
}

bool broadcastShapes(const Shape& a, const Shape& b, Shape* out) {
  size_t rank = std::max(a.size(), b.size());
  Shape r(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) return false;
    r[i] = da == 1 ? db : da;
  }
  *out = r;
  return true;
}

bool normalizeAxis(int64_t axis, int64_t rank, int64_t* out) {
  if (axis < -rank || axis >= rank) return false;
  *out = axis < 0 ? axis + rank : axis;
  return true;
}

}  // namespace sim

namespace dlasim {

size_t dataTypeSize(DataType t) {
  switch (t) {
    case DataType::kFloat:
      return 4;
    case DataType::kHalf:
      return 2;
    case DataType::kInt8:
      return 1;
    case DataType::kUInt8:
      return 1;
    case DataType::kInt32:
      return 4;
    case DataType::kInt64:
      return 8;
    case DataType::kBool:
      return 1;
    case DataType::kDouble:
      return 8;
  }
  return 0;
}

const char* dataTypeName(DataType t) {
  switch (t) {
    case DataType::kFloat:
      return "float";
    case DataType::kHalf:
      return "half";
    case DataType::kInt8:
      return "int8";
    case DataType::kUInt8:
      return "uint8";
    case DataType::kInt32:
      return "int32";
    case DataType::kInt64:
      return "int64";
    case DataType::kBool:
      return "bool";
    case DataType::kDouble:
      return "double";
  }
  return "?";
}

const char* precisionName(Precision p) {
  switch (p) {
    case Precision::kFP32:
      return "FP32";
    case Precision::kFP16:
      return "FP16";
    case Precision::kINT8:
      return "INT8";
    case Precision::kFP19:
      return "FP19";
    case Precision::kINT32:
      return "INT32";
    case Precision::kBF16:
      return "BF16";
  }
  return "?";
}

bool parsePrecision(const std::string& s, Precision* out) {
  std::string l;
  for (char c : s) l += char(std::tolower(static_cast<unsigned char>(c)));
  static const std::pair<const char*, Precision> kNames[] = {
      {"fp32", Precision::kFP32}, {"fp16", Precision::kFP16},   {"int8", Precision::kINT8},
      {"fp19", Precision::kFP19}, {"int32", Precision::kINT32}, {"bf16", Precision::kBF16}};
  for (const auto& [name, p] : kNames)
    if (l == name) {
      *out = p;
      return true;
    }
  return false;
}

size_t precisionBytes(Precision p) {
  switch (p) {
    case Precision::kINT8:
      return 1;
    case Precision::kFP16:
    case Precision::kBF16:
      return 2;
    default:
      return 4;  // FP32, INT32, and FP19 in its 4-byte container (seed §3.3)
  }
}

const char* deviceName(Device d) {
  return d == Device::kDLA ? "DLA" : "GPU";
}

const char* engineUnitName(EngineUnit u) {
  switch (u) {
    case EngineUnit::kConvolution:
      return "CONV";
    case EngineUnit::kSDP:
      return "SDP";
    case EngineUnit::kPDP:
      return "PDP";
    case EngineUnit::kCDP:
      return "CDP";
    case EngineUnit::kRubik:
      return "RUBIK";
    case EngineUnit::kBDMA:
      return "BDMA";
    case EngineUnit::kNone:
      break;
  }
  return "NONE";
}

std::string shapeString(const Shape& s) {
  return sim::shapeStr(s);
}

std::string printable(const std::string& s) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
    if (ok && len == 1 && (c < 0x20 || c == 0x7f)) ok = false;
    if (ok) {
      out.append(s, i, len);
      i += len;
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
      ++i;
    }
  }
  return out;
}

}  // namespace dlasim
