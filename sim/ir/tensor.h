// A typed, shaped buffer: constants in the graph and activations at run time are both Tensors.
// Copies share the buffer (cheap); clone() makes a deep copy.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "sim/ir/dtype.h"
#include "sim/ir/error.h"
#include "sim/ir/shape.h"

namespace sim {

class Tensor {
 public:
  Tensor() = default;
  /// Allocates a zero-filled tensor. Throws sim::Error for absurd sizes.
  Tensor(DType dtype, Shape shape);
  /// Allocates without clearing (64-byte aligned): for outputs a kernel writes in full.
  static Tensor uninitialized(DType dtype, Shape shape);
  /// Takes ownership of bytes without copying (e.g. an ONNX initializer's raw_data).
  static Tensor adopt(DType dtype, Shape shape, std::string&& bytes);
  template <class T>
  static Tensor fromVector(DType dtype, Shape shape, const std::vector<T>& v) {
    Tensor t(dtype, std::move(shape));
    for (size_t i = 0; i < v.size() && i < size_t(t.size()); ++i) t.data<T>()[i] = v[i];
    return t;
  }

  bool empty() const { return !buf_; }
  /// How many tensors share this buffer (1: this one alone may be written in place).
  long useCount() const { return buf_.use_count(); }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t size() const { return size_; }
  size_t bytes() const { return size_t(size()) * dtypeSize(dtype_); }
  void* raw() { return buf_.get(); }
  const void* raw() const { return buf_.get(); }
  template <class T>
  T* data() {
    return reinterpret_cast<T*>(raw());
  }
  template <class T>
  const T* data() const {
    return reinterpret_cast<const T*>(raw());
  }

  /// The values converted to int64 / double (for shape-like constants and tests).
  std::vector<int64_t> asInt64() const;
  std::vector<double> asDouble() const;
  /// Same buffer, another shape of equal volume.
  Tensor reshaped(Shape shape) const;
  Tensor clone() const;
  /// Converts element type (ONNX Cast semantics for numeric types).
  Tensor castTo(DType to) const;

 private:
  DType dtype_ = DType::kFloat;
  Shape shape_;
  int64_t size_ = 0;
  std::shared_ptr<char> buf_;
};

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
