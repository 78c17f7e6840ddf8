// dlasim::Dataset: calibration samples from memory, a .npy file or a folder of .npy / raw files.
// Files are checked once when the data set is loaded (type, shape, size) and then read a batch
// at a time, so that 500 ImageNet-sized samples (300 MB) need not be in memory at once.
#include "dlasim/dataset.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "sim/ir/tensor.h"

namespace dlasim {

using sim::fail;
namespace fs = std::filesystem;

namespace {

// A run of consecutive samples: in a file at a byte offset, or in memory.
struct Chunk {
  std::string file;  // "" = in memory
  uint64_t offset = 0;
  int64_t count = 0;
  Tensor memory;
};

const char* npyDescr(DataType t) {
  switch (t) {
    case DataType::kFloat:
      return "<f4";
    case DataType::kDouble:
      return "<f8";
    case DataType::kInt8:
      return "|i1";
    case DataType::kUInt8:
      return "|u1";
    case DataType::kInt32:
      return "<i4";
    case DataType::kInt64:
      return "<i8";
    case DataType::kBool:
      return "|b1";
    case DataType::kHalf:
      return "<f2";
  }
  return "?";
}

// The text after 'key': in a .npy header dict, up to the closing quote / parenthesis.
std::string npyField(const std::string& h, const std::string& key) {
  size_t at = h.find("'" + key + "'");
  if (at == std::string::npos) return "";
  at = h.find(':', at);
  if (at == std::string::npos) return "";
  at = h.find_first_not_of(' ', at + 1);
  if (at == std::string::npos) return "";
  char close = h[at] == '\'' ? '\'' : h[at] == '(' ? ')' : ',';
  size_t end = h.find(close, at + 1);
  if (end == std::string::npos) return "";
  return h.substr(at, end - at + (close == ',' ? 0 : 1));
}

// Reads a .npy header: element type string, shape, and where the data starts.
void readNpyHeader(const std::string& file, std::ifstream& f, std::string* descr, Shape* shape,
                   uint64_t* dataStart) {
  char pre[12] = {};
  f.read(pre, 10);
  if (f.gcount() != 10 || std::memcmp(pre, "\x93NUMPY", 6) != 0) fail(file, ": not a .npy file");
  int major = static_cast<unsigned char>(pre[6]);
  uint64_t len;
  if (major == 1) {
    len = uint64_t(static_cast<unsigned char>(pre[8])) |
          uint64_t(static_cast<unsigned char>(pre[9])) << 8;
    *dataStart = 10;
  } else if (major == 2 || major == 3) {
    f.read(pre + 10, 2);
    if (f.gcount() != 2) fail(file, ": truncated .npy header");
    len = 0;
    for (int i = 0; i < 4; ++i) len |= uint64_t(static_cast<unsigned char>(pre[8 + i])) << (8 * i);
    *dataStart = 12;
  } else {
    fail(file, ": unsupported .npy version ", major);
  }
  if (len > (1u << 20)) fail(file, ": .npy header of ", len, " bytes is absurdly long");
  std::string h(len, '\0');
  f.read(&h[0], std::streamsize(len));
  if (uint64_t(f.gcount()) != len) fail(file, ": truncated .npy header");
  *dataStart += len;
  std::string d = npyField(h, "descr");
  if (d.size() < 2) fail(file, ": .npy header has no element type");
  *descr = d.substr(1, d.size() - 2);
  if (npyField(h, "fortran_order").find("True") != std::string::npos)
    fail(file, ": Fortran-order arrays are not supported");
  std::string s = npyField(h, "shape");
  if (s.size() < 2) fail(file, ": .npy header has no shape");
  s = s.substr(1, s.size() - 2);
  shape->clear();
  size_t at = 0;
  while (at < s.size()) {
    size_t comma = s.find(',', at);
    std::string dim = s.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    at = comma == std::string::npos ? s.size() : comma + 1;
    dim.erase(0, dim.find_first_not_of(' '));
    dim.erase(dim.find_last_not_of(' ') + 1);
    if (dim.empty()) continue;
    if (dim.size() > 12 || dim.find_first_not_of("0123456789") != std::string::npos)
      fail(file, ": bad shape entry '", dim, "' in the .npy header");
    shape->push_back(std::stoll(dim));
  }
}

}  // namespace

struct Dataset::Impl {
  std::string input;
  DataType dtype = DataType::kFloat;
  Shape sample;
  int64_t size = 0;
  std::vector<Chunk> chunks;
  size_t sampleBytes() const { return size_t(sim::volume(sample)) * dataTypeSize(dtype); }

  // Checks one file and appends its samples.
  void addFile(const std::string& file) {
    std::error_code ec;
    uint64_t bytes = fs::file_size(file, ec);
    if (ec) fail(file, ": cannot read (", ec.message(), ")");
    const uint64_t one = sampleBytes();
    const std::string what = sim::cat("samples of input '", input, "' (", sim::dtypeName(dtype),
                                      " ", sim::shapeStr(sample), ")");
    Chunk c;
    c.file = file;
    if (file.size() > 4 && file.compare(file.size() - 4, 4, ".npy") == 0) {
      std::ifstream f(file, std::ios::binary);
      if (!f) fail(file, ": cannot open");
      std::string descr;
      Shape shape;
      readNpyHeader(file, f, &descr, &shape, &c.offset);
      if (descr != npyDescr(dtype))
        fail(file, ": array type '", descr, "' does not match input '", input, "' of type ",
             sim::dtypeName(dtype), " ('", npyDescr(dtype), "')");
      if (shape == sample) {
        c.count = 1;
      } else if (shape.size() == sample.size() + 1 &&
                 std::equal(sample.begin(), sample.end(), shape.begin() + 1)) {
        c.count = shape[0];
      } else {
        fail(file, ": array shape ", sim::shapeStr(shape), " does not hold ", what, ": expected Nx",
             sim::shapeStr(sample), " or ", sim::shapeStr(sample));
      }
      if (c.count == 0) fail(file, ": holds no samples (shape ", sim::shapeStr(shape), ")");
      if (bytes < c.offset || (bytes - c.offset) / one != uint64_t(c.count) ||
          (bytes - c.offset) % one != 0)
        fail(file, ": holds ", bytes < c.offset ? 0 : bytes - c.offset, " data bytes, ", c.count,
             " ", what, " need ", uint64_t(c.count) * one);
    } else {
      if (bytes == 0 || bytes % one != 0)
        fail(file, ": ", bytes, " bytes is not a whole number of ", what, " (", one,
             " bytes each)");
      c.count = int64_t(bytes / one);
    }
    size += c.count;
    chunks.push_back(std::move(c));
  }
};

Dataset::Dataset(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Dataset Dataset::fromTensor(const std::string& input, Tensor samples) {
  if (samples.shape().empty())
    fail("calibration samples for input '", input, "' must have a first (sample) axis");
  auto impl = std::make_shared<Impl>();
  impl->input = input;
  impl->dtype = samples.dtype();
  impl->sample.assign(samples.shape().begin() + 1, samples.shape().end());
  impl->size = samples.shape()[0];
  if (impl->size == 0) fail("calibration samples for input '", input, "' are empty");
  Chunk c;
  c.count = impl->size;
  c.memory = std::move(samples);
  impl->chunks.push_back(std::move(c));
  return Dataset(impl);
}

Dataset Dataset::load(const std::string& path, const TensorSpec& input) {
  if (input.shape.empty())
    fail("input '", input.name, "' is a scalar: calibration data needs a batch dimension");
  auto impl = std::make_shared<Impl>();
  impl->input = input.name;
  impl->dtype = input.dtype;
  impl->sample.assign(input.shape.begin() + 1, input.shape.end());
  if (impl->sampleBytes() == 0)
    fail("input '", input.name, "' has an empty sample shape ", sim::shapeStr(impl->sample));
  std::error_code ec;
  if (!fs::exists(path, ec)) fail(path, ": no such file or folder");
  if (fs::is_directory(path, ec)) {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(path, ec)) {
      std::string name = e.path().filename().string();
      if (name.empty() || name[0] == '.' || !e.is_regular_file(ec)) continue;
      files.push_back(e.path().string());
    }
    if (ec) fail(path, ": cannot list the folder (", ec.message(), ")");
    if (files.empty()) fail(path, ": the folder holds no data files (.npy or raw)");
    std::sort(files.begin(), files.end());
    for (const auto& f : files) impl->addFile(f);
  } else {
    impl->addFile(path);
  }
  return Dataset(impl);
}

const std::string& Dataset::input() const {
  return impl_->input;
}
DataType Dataset::dtype() const {
  return impl_->dtype;
}
const Shape& Dataset::sampleShape() const {
  return impl_->sample;
}
int64_t Dataset::size() const {
  return impl_->size;
}

std::vector<std::string> Dataset::files() const {
  std::vector<std::string> v;
  for (const auto& c : impl_->chunks)
    if (!c.file.empty()) v.push_back(c.file);
  return v;
}

Tensor Dataset::samples(int64_t first, int64_t count) const {
  const Impl& d = *impl_;
  if (first < 0 || count < 1 || first > d.size - count)
    fail("samples ", first, "..", first + count - 1, " are outside the data set of ", d.size);
  Shape shape = {count};
  shape.insert(shape.end(), d.sample.begin(), d.sample.end());
  Tensor out = Tensor::uninitialized(d.dtype, shape);
  const size_t one = d.sampleBytes();
  char* dst = static_cast<char*>(out.raw());
  int64_t at = 0;  // index of the chunk's first sample
  for (const Chunk& c : d.chunks) {
    int64_t lo = std::max(first, at), hi = std::min(first + count, at + c.count);
    if (lo < hi) {
      size_t n = size_t(hi - lo) * one;
      char* to = dst + size_t(lo - first) * one;
      if (c.file.empty()) {
        std::memcpy(to, static_cast<const char*>(c.memory.raw()) + size_t(lo - at) * one, n);
      } else {
        std::ifstream f(c.file, std::ios::binary);
        f.seekg(std::streamoff(c.offset + uint64_t(lo - at) * one));
        f.read(to, std::streamsize(n));
        if (!f || size_t(f.gcount()) != n)
          fail(c.file, ": changed or unreadable while calibrating");
      }
    }
    at += c.count;
  }
  return out;
}

}  // namespace dlasim
