// An engine's bindings as trtexec sees them: each network input and output with the type and
// memory layout --inputIOFormats / --outputIOFormats give it (default fp32:chw), its INT8 scale
// and its buffer size. --loadInputs files, --exportOutput values and --dumpRawBindingsToFile
// buffers are in the binding's format, as in trtexec.
//
// Layouts (TensorRT's TensorFormat; C is dimension 1, the spatial dims follow it):
//   chw                  linear
//   chw2/4/16/32, cdhw32  C in blocks of K: [N][C/K][spatial][K], channels padded with zeros
//   hwc, hwc8/16, dhwc8  channels last: [N][spatial][C rounded up to 1/8/16]
//   dla_linear           linear, each row of W padded to 64 bytes
//   dla_hwc4             channels last in groups of 4 (C = 1: grayscale, one channel), each
//                        row padded to 32 bytes on Xavier, 64 bytes on Orin
// Types: fp32, fp16 (IEEE half bits), int8 (round half away from zero of x / scale,
// saturated), int32, int64, uint8, bool. bf16 / fp8 bindings are accepted at build time but
// cannot be read or written here.
#pragma once
#include <string>
#include <vector>

#include "dlasim/build_config.h"
#include "dlasim/tensor.h"

namespace dlasim {

struct BindingInfo {
  std::string name;
  bool isInput = true;
  IOFormat format{"fp32", "chw"};  // the one format chosen (a spec may list alternatives)
  Shape shape;                     // logical dimensions (NCHW)
  /// INT8 bindings: the tensor's scale (0 while an output's scale is not known: it comes from
  /// the first run when no calibration cache was given).
  float scale = 0;
  size_t bytes = 0;      // buffer size in the format, padding included
  int rowAlignment = 0;  // dla_hwc4 row alignment of the platform, in bytes (32 or 64)
};

/// The binding's values in logical order, in its element type (int8 codes, half-rounded
/// floats as float, ...): what trtexec's --exportOutput writes. `values` is the model's tensor.
Tensor bindingValues(const BindingInfo& b, const Tensor& values);
/// The binding's buffer (format and type applied) for the model's tensor `values`.
std::string encodeBinding(const BindingInfo& b, const Tensor& values);
/// The model's tensor (type `model`) from a binding buffer. Throws InputError when the size is
/// not the binding's.
Tensor decodeBinding(const BindingInfo& b, const std::string& bytes, DataType model,
                     const std::string& what);
/// Reads a --loadInputs file for binding `b`: raw bytes in the binding's format (size checked,
/// as trtexec reads them), or a .npy of the binding's element type and logical shape.
Tensor loadBindingFile(const std::string& file, const BindingInfo& b, DataType model);

}  // namespace dlasim
