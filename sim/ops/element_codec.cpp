#include "sim/ops/element_codec.h"

#include <algorithm>
#include <cstring>

#include "kernels/numeric/fp16.h"
#include "kernels/numeric/int8.h"

namespace sim {

namespace {

template <class T>
void store(char* p, int64_t i, T v) {
  std::memcpy(p + int64_t(sizeof(T)) * i, &v, sizeof(T));
}

template <class T>
T load(const char* p, int64_t i) {
  T v;
  std::memcpy(&v, p + int64_t(sizeof(T)) * i, sizeof(T));
  return v;
}

}  // namespace

void encodeElement(IOType t, double x, float scale, char* p, int64_t i) {
  switch (t) {
    case IOType::kFP32:
      return store(p, i, float(x));
    case IOType::kFP16:
      return store(p, i, kern::numeric::floatToHalfBits(float(x)));
    case IOType::kINT8:
      return store(p, i, int8_t(kern::numeric::quantizeInt8(float(x), scale)));
    case IOType::kINT32:
      return store(p, i, int32_t(x));
    case IOType::kINT64:
      return store(p, i, int64_t(x));
    case IOType::kUINT8:
      return store(p, i, uint8_t(std::clamp(x, 0.0, 255.0)));
    case IOType::kBool:
    case IOType::kBF16:
    case IOType::kFP8:
      return store(p, i, char(x != 0));
  }
}

double decodeElement(IOType t, const char* p, int64_t i, float scale) {
  switch (t) {
    case IOType::kFP32:
      return load<float>(p, i);
    case IOType::kFP16:
      return kern::numeric::halfBitsToFloat(load<uint16_t>(p, i));
    case IOType::kINT8:
      return double(scale) * double(load<int8_t>(p, i));
    case IOType::kINT32:
      return load<int32_t>(p, i);
    case IOType::kINT64:
      return double(load<int64_t>(p, i));
    case IOType::kUINT8:
      return load<uint8_t>(p, i);
    case IOType::kBool:
    case IOType::kBF16:
    case IOType::kFP8:
      return p[i] != 0;
  }
  return 0;
}

double bindingValue(IOType t, double x, float scale) {
  if (t == IOType::kFP16) return kern::numeric::roundToFp16(float(x));
  if (t == IOType::kINT8) return kern::numeric::quantizeInt8(float(x), scale);
  return x;
}

}  // namespace sim
