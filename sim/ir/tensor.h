// Tensors in the IR and at run time: the public dlasim::Tensor, plus a type dispatcher.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "dlasim/tensor.h"
#include "sim/ir/dtype.h"
#include "sim/ir/error.h"
#include "sim/ir/shape.h"

namespace sim {

using Tensor = dlasim::Tensor;

/// Throws sim::Error for negative dimensions or more than 2^31 elements.
void checkShape(const Shape& shape);
/// Throws sim::Error naming the first byte that is neither 0 nor 1 (data for a bool tensor).
void checkBoolBytes(const void* bytes, size_t n);

/// Calls f(T{}) with the C++ type that holds elements of dtype t.
template <class F>
void dispatchType(DType t, F&& f) {
  switch (t) {
    case DType::kFloat:
      f(float{});
      return;
    case DType::kDouble:
      f(double{});
      return;
    case DType::kInt32:
      f(int32_t{});
      return;
    case DType::kInt64:
      f(int64_t{});
      return;
    case DType::kInt8:
      f(int8_t{});
      return;
    case DType::kUInt8:
      f(uint8_t{});
      return;
    case DType::kBool:
      f(bool{});
      return;
    case DType::kHalf:
      break;
  }
  fail("element type ", dtypeName(t), " is not supported by this operation");
}

}  // namespace sim
