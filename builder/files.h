// Input files from bytes already in memory: the part of dlasim::loadTensorFile after reading,
// for callers (and fuzz targets) that hold the bytes.
#pragma once
#include <string>

#include "dlasim/tensor.h"

namespace builder {

/// The header of a .npy file: its element type (`known` false for a type dlasim has no
/// DataType for, `descr` then says which), shape, and where the data starts.
struct NpyHeader {
  std::string descr;
  bool known = false;
  dlasim::DataType dtype = dlasim::DataType::kFloat;
  dlasim::Shape shape;
  size_t dataOffset = 0;
};

/// Reads the header of the .npy file in `bytes`; errors (InputError) name `file`.
NpyHeader readNpyHeader(const std::string& file, const std::string& bytes);

/// `bytes` as the input `want`: a .npy file when `npy` (dtype and shape checked), else raw
/// little-endian data (size checked); bool bytes must be 0 or 1. Errors name `file`, the input
/// and the values, as dlasim::loadTensorFile's do.
dlasim::Tensor tensorFromFileBytes(const std::string& file, std::string&& bytes,
                                   const dlasim::TensorSpec& want, bool npy);

}  // namespace builder
