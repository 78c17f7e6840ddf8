// Binding (I/O) formats as trtexec spells them ("fp16:chw16"; alternatives joined by '+'): the
// one table of their element types and layouts, their element sizes, and which formats the
// DLA reads or writes directly. Everything that looks at an IOFormat's strings goes through it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dlasim/build_config.h"

namespace sim {

enum class IOType : uint8_t { kFP32, kFP16, kBF16, kINT32, kINT64, kINT8, kUINT8, kBool, kFP8 };
enum class IOLayout : uint8_t {
  kCHW,
  kCHW2,
  kCHW4,
  kHWC8,
  kCHW16,
  kCHW32,
  kDHWC8,
  kCDHW32,
  kHWC,
  kDLALinear,
  kDLAHWC4,
  kHWC16,
  kDHWC
};

/// trtexec's names: "fp32", "fp16", ...; "chw", "chw16", "dla_linear", ...
const char* ioTypeName(IOType t);
const char* ioLayoutName(IOLayout l);
/// Parse a name; false when it is none of them.
bool parseIOType(const std::string& name, IOType* out);
bool parseIOLayout(const std::string& name, IOLayout* out);
/// Bytes per element of a binding of type t.
size_t ioTypeBytes(IOType t);
/// f's type and its layouts (one, or each alternative); sim::Error for an unknown name.
IOType ioTypeOf(const dlasim::IOFormat& f);
std::vector<IOLayout> ioLayoutsOf(const dlasim::IOFormat& f);
/// Whether the DLA reads (input) or writes f directly, in any of its alternatives: FP16 / INT8
/// dla_linear, FP16 chw16, INT8 chw32, and for inputs FP16 / INT8 dla_hwc4.
bool isDlaFormat(const dlasim::IOFormat& f, bool input);

}  // namespace sim
