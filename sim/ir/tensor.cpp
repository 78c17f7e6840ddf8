#include "sim/ir/tensor.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

namespace sim {

void checkShape(const Shape& shape) {
  for (int64_t d : shape)
    if (d < 0) fail("negative dimension ", d, " in shape ", shapeStr(shape));
  if (exceedsElementLimit(shape))
    fail("shape ", shapeStr(shape), " has dimensions whose product exceeds 2^31");
}

void checkBoolBytes(const void* bytes, size_t n) {
  // A bool object holding anything but 0 or 1 is undefined behaviour once read as bool.
  const auto* p = static_cast<const unsigned char*>(bytes);
  for (size_t i = 0; i < n; ++i)
    if (p[i] > 1) fail("bool element ", i, " has byte value ", int(p[i]), " (must be 0 or 1)");
}
}  // namespace sim

namespace dlasim {

using sim::checkShape;
using sim::dispatchType;
using sim::fail;
using sim::shapeStr;
using sim::volume;
using DType = DataType;

Tensor Tensor::uninitialized(DType dtype, Shape shape) {
  checkShape(shape);
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.size_ = volume(t.shape_);
  size_t n = (std::max<size_t>(t.bytes(), 1) + 63) / 64 * 64;
  char* p = static_cast<char*>(std::aligned_alloc(64, n));
  if (!p) throw std::bad_alloc();
  t.buf_ = std::shared_ptr<char>(p, std::free);
  return t;
}

Tensor Tensor::view(DType dtype, Shape shape, std::shared_ptr<char> memory) {
  checkShape(shape);
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.size_ = volume(t.shape_);
  t.buf_ = std::move(memory);
  return t;
}

Tensor::Tensor(DType dtype, Shape shape) {
  *this = uninitialized(dtype, std::move(shape));
  std::memset(buf_.get(), 0, bytes());
}

Tensor Tensor::adopt(DType dtype, Shape shape, std::string&& bytes) {
  checkShape(shape);
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.size_ = volume(t.shape_);
  if (bytes.size() != t.bytes())
    fail("tensor data has ", bytes.size(), " bytes, shape ", shapeStr(t.shape_), " of ",
         sim::dtypeName(dtype), " needs ", t.bytes());
  if (dtype == DType::kBool) sim::checkBoolBytes(bytes.data(), bytes.size());
  // Share ownership of the string without copying its bytes (aliasing constructor).
  auto owner = std::make_shared<std::string>(std::move(bytes));
  t.buf_ = std::shared_ptr<char>(owner, owner->data());
  return t;
}

std::vector<int64_t> Tensor::asInt64() const {
  std::vector<int64_t> out(size());
  dispatchType(dtype_, [&](auto tag) {
    using T = decltype(tag);
    const T* p = data<T>();
    for (int64_t i = 0; i < size(); ++i) out[i] = static_cast<int64_t>(p[i]);
  });
  return out;
}

std::vector<double> Tensor::asDouble() const {
  std::vector<double> out(size());
  dispatchType(dtype_, [&](auto tag) {
    using T = decltype(tag);
    const T* p = data<T>();
    for (int64_t i = 0; i < size(); ++i) out[i] = static_cast<double>(p[i]);
  });
  return out;
}

Tensor Tensor::reshaped(Shape shape) const {
  if (volume(shape) != size()) fail("cannot reshape ", shapeStr(shape_), " to ", shapeStr(shape));
  Tensor t = *this;
  t.shape_ = std::move(shape);
  t.size_ = volume(t.shape_);
  return t;
}

Tensor Tensor::clone() const {
  if (!buf_) return *this;
  Tensor t = uninitialized(dtype_, shape_);
  std::memcpy(t.raw(), raw(), bytes());
  return t;
}

Tensor Tensor::castTo(DType to) const {
  if (to == dtype_) return clone();
  Tensor out(to, shape_);
  dispatchType(dtype_, [&](auto src) {
    using S = decltype(src);
    dispatchType(to, [&](auto dst) {
      using D = decltype(dst);
      const S* in = data<S>();
      D* o = out.data<D>();
      for (int64_t i = 0; i < size(); ++i) {
        if constexpr (std::is_floating_point_v<S> && std::is_integral_v<D> &&
                      !std::is_same_v<D, bool>) {
          // Out-of-range float->int is undefined in C++; clamp so it stays defined.
          double v = std::trunc(static_cast<double>(in[i]));
          double lo = double(std::numeric_limits<D>::lowest()),
                 hi = double(std::numeric_limits<D>::max());
          o[i] = std::isnan(v) ? D(0) : static_cast<D>(v < lo ? lo : (v > hi ? hi : v));
        } else {
          o[i] = static_cast<D>(in[i]);
        }
      }
    });
  });
  return out;
}

Tensor Tensor::fromBytes(DType dtype, Shape shape, const void* bytes, size_t size) {
  Tensor t = uninitialized(dtype, std::move(shape));
  if (size != t.bytes())
    fail("tensor data has ", size, " bytes, shape ", shapeStr(t.shape_), " of ",
         sim::dtypeName(dtype), " needs ", t.bytes());
  if (dtype == DType::kBool) sim::checkBoolBytes(bytes, size);
  if (size) std::memcpy(t.raw(), bytes, size);
  return t;
}

}  // namespace dlasim
