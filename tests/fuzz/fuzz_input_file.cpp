// Input files (--loadInputs): .npy or raw little-endian bytes for an input of some type and
// shape. The first bytes of a fuzz input choose the input's type, shape and file kind; the rest
// is the file. A file that loads must give a tensor of exactly that type and shape whose bytes
// are the file's data, and valid bools.
#include <cstring>

#include "builder/files.h"
#include "dlasim/errors.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  dlasim::TensorSpec spec;
  spec.name = "x";
  spec.dtype = dlasim::DataType(data[0] % 8);
  bool npy = data[1] & 1;
  size_t rank = (data[1] >> 1) % 5;
  if (size < 2 + rank) return 0;
  for (size_t d = 0; d < rank; ++d) spec.shape.push_back(data[2 + d] % 17);
  std::string file = fuzz::bytes(data + 2 + rank, size - 2 - rank);
  dlasim::Tensor t;
  try {
    t = builder::tensorFromFileBytes(npy ? "fuzz.npy" : "fuzz.bin", std::string(file), spec, npy);
  } catch (const dlasim::InputError&) {
    return 0;
  }
  FUZZ_CHECK(t.dtype() == spec.dtype && t.shape() == spec.shape, "type or shape differs");
  FUZZ_CHECK(t.bytes() <= file.size(), "more bytes than the file");
  // The data is the file's tail (all of it when raw).
  FUZZ_CHECK(std::memcmp(t.raw(), file.data() + file.size() - t.bytes(), t.bytes()) == 0,
             "the data is not the file's");
  if (!npy) FUZZ_CHECK(t.bytes() == file.size(), "a raw file with extra bytes");
  if (spec.dtype == dlasim::DataType::kBool)
    for (size_t i = 0; i < t.bytes(); ++i)
      FUZZ_CHECK(static_cast<const uint8_t*>(t.raw())[i] <= 1, "an invalid bool");
  return 0;
}
