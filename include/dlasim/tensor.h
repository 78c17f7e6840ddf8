// A typed, shaped buffer: model inputs and outputs, constants and activations are all Tensors.
// Copies share the buffer (cheap); clone() makes a deep copy.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dlasim/types.h"

namespace dlasim {

class Tensor {
 public:
  Tensor() = default;
  /// Allocates a zero-filled tensor. Throws InputError for negative dimensions or more than
  /// 2^31 elements.
  Tensor(DataType dtype, Shape shape);
  /// Allocates without clearing (64-byte aligned): for outputs a kernel writes in full.
  static Tensor uninitialized(DataType dtype, Shape shape);
  /// Takes ownership of bytes without copying (e.g. an ONNX initializer's raw_data). Both this
  /// and fromBytes throw InputError for a size that does not match, and for bool data with a
  /// byte other than 0 or 1.
  static Tensor adopt(DataType dtype, Shape shape, std::string&& bytes);
  /// Copies `bytes` (which must be exactly the tensor's size) into a new tensor.
  static Tensor fromBytes(DataType dtype, Shape shape, const void* bytes, size_t size);
  /// A tensor over memory another object owns: `memory` (e.g. an aliasing shared_ptr into a
  /// larger buffer) keeps it alive and must hold the shape's bytes. Copies share it.
  static Tensor view(DataType dtype, Shape shape, std::shared_ptr<char> memory);
  template <class T>
  static Tensor fromVector(DataType dtype, Shape shape, const std::vector<T>& v) {
    Tensor t(dtype, std::move(shape));
    for (size_t i = 0; i < v.size() && i < size_t(t.size()); ++i) t.data<T>()[i] = v[i];
    return t;
  }

  bool empty() const { return !buf_; }
  /// How many tensors share this buffer (1: this one alone may be written in place).
  long useCount() const { return buf_.use_count(); }
  DataType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t size() const { return size_; }
  size_t bytes() const { return size_t(size()) * dataTypeSize(dtype_); }
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
  Tensor castTo(DataType to) const;

 private:
  DataType dtype_ = DataType::kFloat;
  Shape shape_;
  int64_t size_ = 0;
  std::shared_ptr<char> buf_;
};

/// Named tensors: a run's inputs and outputs.
using TensorMap = std::map<std::string, Tensor>;

/// Name, type and shape of a model input or output.
struct TensorSpec {
  std::string name;
  DataType dtype = DataType::kFloat;
  Shape shape;
};

}  // namespace dlasim
