// Element types that tensors in the IR and at run time can hold (the public dlasim::DataType).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "dlasim/types.h"

namespace sim {

using DType = dlasim::DataType;
using dlasim::parsePrecision;
using dlasim::Precision;
using dlasim::precisionName;

inline size_t dtypeSize(DType t) {
  return dlasim::dataTypeSize(t);
}
/// Lower-case name as trtexec prints it: float, half, int8, uint8, int32, int64, bool, double.
inline const char* dtypeName(DType t) {
  return dlasim::dataTypeName(t);
}
/// Parses the names used by --inputIOFormats (fp32, fp16, int8, ...).
bool parseDType(const std::string& s, DType* out);
inline bool isFloating(DType t) {
  return t == DType::kFloat || t == DType::kHalf || t == DType::kDouble;
}

}  // namespace sim
