// Element types that tensors in the IR and at run time can hold.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace sim {

enum class DType : uint8_t { kFloat, kHalf, kInt8, kUInt8, kInt32, kInt64, kBool, kDouble };

size_t dtypeSize(DType t);
/// Lower-case name as trtexec prints it: float, half, int8, uint8, int32, int64, bool, double.
const char* dtypeName(DType t);
/// Parses the names used by --inputIOFormats / --layerPrecisions (fp32, fp16, int8, ...).
bool parseDType(const std::string& s, DType* out);
inline bool isFloating(DType t) {
  return t == DType::kFloat || t == DType::kHalf || t == DType::kDouble;
}

}  // namespace sim
