#include "sim/ir/io_format.h"

#include <iterator>

#include "sim/ir/error.h"

namespace sim {

namespace {

struct TypeRow {
  IOType type;
  const char* name;
  size_t bytes;
};
const TypeRow kTypes[] = {
    {IOType::kFP32, "fp32", 4},   {IOType::kFP16, "fp16", 2},   {IOType::kBF16, "bf16", 2},
    {IOType::kINT32, "int32", 4}, {IOType::kINT64, "int64", 8}, {IOType::kINT8, "int8", 1},
    {IOType::kUINT8, "uint8", 1}, {IOType::kBool, "bool", 1},   {IOType::kFP8, "fp8", 1}};

const std::pair<IOLayout, const char*> kLayouts[] = {
    {IOLayout::kCHW, "chw"},          {IOLayout::kCHW2, "chw2"},
    {IOLayout::kCHW4, "chw4"},        {IOLayout::kHWC8, "hwc8"},
    {IOLayout::kCHW16, "chw16"},      {IOLayout::kCHW32, "chw32"},
    {IOLayout::kDHWC8, "dhwc8"},      {IOLayout::kCDHW32, "cdhw32"},
    {IOLayout::kHWC, "hwc"},          {IOLayout::kDLALinear, "dla_linear"},
    {IOLayout::kDLAHWC4, "dla_hwc4"}, {IOLayout::kHWC16, "hwc16"},
    {IOLayout::kDHWC, "dhwc"}};

}  // namespace

const char* ioTypeName(IOType t) {
  return kTypes[size_t(t)].name;
}

const char* ioLayoutName(IOLayout l) {
  return kLayouts[size_t(l)].second;
}

bool parseIOType(const std::string& name, IOType* out) {
  for (const auto& r : kTypes)
    if (name == r.name) {
      *out = r.type;
      return true;
    }
  return false;
}

bool parseIOLayout(const std::string& name, IOLayout* out) {
  for (const auto& [l, n] : kLayouts)
    if (name == n) {
      *out = l;
      return true;
    }
  return false;
}

size_t ioTypeBytes(IOType t) {
  return kTypes[size_t(t)].bytes;
}

IOType ioTypeOf(const dlasim::IOFormat& f) {
  IOType t;
  if (!parseIOType(f.type, &t)) fail("unknown binding type '", f.type, "'");
  return t;
}

std::vector<IOLayout> ioLayoutsOf(const dlasim::IOFormat& f) {
  std::vector<IOLayout> v;
  for (size_t at = 0; at <= f.format.size();) {
    size_t plus = std::min(f.format.find('+', at), f.format.size());
    IOLayout l;
    if (!parseIOLayout(f.format.substr(at, plus - at), &l))
      fail("unknown binding format '", f.format.substr(at, plus - at), "'");
    v.push_back(l);
    at = plus + 1;
  }
  return v;
}

bool isDlaFormat(const dlasim::IOFormat& f, bool input) {
  IOType t;
  if (!parseIOType(f.type, &t)) return false;
  bool low = t == IOType::kFP16 || t == IOType::kINT8;
  for (size_t at = 0; at <= f.format.size();) {
    size_t plus = std::min(f.format.find('+', at), f.format.size());
    IOLayout l;
    if (parseIOLayout(f.format.substr(at, plus - at), &l) &&
        ((l == IOLayout::kDLALinear && low) || (l == IOLayout::kCHW16 && t == IOType::kFP16) ||
         (l == IOLayout::kCHW32 && t == IOType::kINT8) ||
         (input && l == IOLayout::kDLAHWC4 && low)))
      return true;
    at = plus + 1;
  }
  return false;
}

}  // namespace sim
