#include "builder/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "dlasim/io.h"
#include "sim/ir/tensor.h"

namespace dlasim {

using namespace sim;
using DType = DataType;

namespace fs = std::filesystem;

namespace {

// Reads at most `limit` bytes: a "file" that never ends (/dev/zero, a FIFO) or a huge one costs
// no more than the input it is meant for.
std::string readAtMost(const std::string& file, size_t limit) {
  std::error_code ec;
  if (!fs::exists(file, ec)) fail(file, ": no such file");
  if (fs::is_directory(file, ec)) fail(file, ": is a directory");
  std::ifstream f(file, std::ios::binary);
  if (!f) fail(file, ": cannot open");
  std::string buf;
  char chunk[1 << 16];
  while (buf.size() < limit && f) {
    f.read(chunk, std::streamsize(std::min(sizeof chunk, limit - buf.size())));
    buf.append(chunk, size_t(f.gcount()));
  }
  return buf;
}

// The largest .npy header (version 2/3: a 4-byte length) dlasim reads; numpy writes < 1 KiB.
constexpr size_t kMaxNpyHeader = 1 << 20;

const char* npyDescr(DType t) {
  switch (t) {
    case DType::kFloat:
      return "<f4";
    case DType::kDouble:
      return "<f8";
    case DType::kInt8:
      return "|i1";
    case DType::kUInt8:
      return "|u1";
    case DType::kInt32:
      return "<i4";
    case DType::kInt64:
      return "<i8";
    case DType::kBool:
      return "|b1";
    case DType::kHalf:
      return "<f2";
  }
  return "?";
}

// Reads the value of 'key' in a .npy header dict ("{'descr': '<f4', 'fortran_order': False, ...}").
std::string headerField(const std::string& h, const std::string& key) {
  auto at = h.find("'" + key + "'");
  if (at == std::string::npos) return "";
  at = h.find(':', at);
  if (at == std::string::npos) return "";
  ++at;
  while (at < h.size() && h[at] == ' ') ++at;
  if (at >= h.size()) return "";
  char open = h[at];
  char close = open == '\'' ? '\'' : open == '(' ? ')' : ',';
  auto end = h.find(close, at + 1);
  if (end == std::string::npos) return "";
  return h.substr(at, end - at + (close == ',' ? 0 : 1));
}

// The data as the input's tensor; errors (a bool byte other than 0 or 1) name file and input.
Tensor adoptInput(const std::string& file, const TensorSpec& want, std::string&& data) {
  try {
    return Tensor::adopt(want.dtype, want.shape, std::move(data));
  } catch (const InputError& e) {
    fail(file, ": input '", want.name, "': ", e.what());
  }
}

Tensor parseNpy(const std::string& file, std::string&& bytes, const std::string& inputName,
                const TensorSpec& want) {
  builder::NpyHeader h = builder::readNpyHeader(file, bytes);
  if (h.descr != npyDescr(want.dtype))
    fail(file, ": array type '", h.descr, "' does not match input '", inputName, "' of type ",
         dtypeName(want.dtype), " ('", npyDescr(want.dtype), "')");
  if (h.shape != want.shape)
    fail(file, ": array shape ", shapeStr(h.shape), " does not match input '", inputName,
         "' shape ", shapeStr(want.shape));
  size_t need = size_t(volume(want.shape)) * dtypeSize(want.dtype);
  if (bytes.size() - h.dataOffset != need)
    fail(file, ": holds ", bytes.size() - h.dataOffset, " data bytes, input '", inputName, "' (",
         dtypeName(want.dtype), " ", shapeStr(want.shape), ") needs ", need);
  return adoptInput(file, want, bytes.substr(h.dataOffset));
}

}  // namespace

Tensor loadTensorFile(const std::string& file, const TensorSpec& want) {
  const std::string& inputName = want.name;
  checkShape(want.shape);
  size_t need = size_t(volume(want.shape)) * dtypeSize(want.dtype);
  bool npy = file.size() > 4 && file.compare(file.size() - 4, 4, ".npy") == 0;
  size_t limit = need + (npy ? 12 + kMaxNpyHeader : 0) + 1;
  std::string bytes = readAtMost(file, limit);
  if (bytes.size() == limit)
    fail(file, ": has more than ", limit - 1, " bytes, input '", inputName, "' (",
         dtypeName(want.dtype), " ", shapeStr(want.shape), ") needs ", need);
  return builder::tensorFromFileBytes(file, std::move(bytes), want, npy);
}

}  // namespace dlasim

namespace builder {

NpyHeader readNpyHeader(const std::string& file, const std::string& bytes) {
  using namespace dlasim;
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) fail(file, ": not a .npy file");
  int major = static_cast<unsigned char>(bytes[6]);
  size_t hlen, start;
  if (major == 1) {
    hlen =
        static_cast<unsigned char>(bytes[8]) | (size_t(static_cast<unsigned char>(bytes[9])) << 8);
    start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) fail(file, ": truncated .npy header");
    hlen = 0;
    for (int i = 0; i < 4; ++i) hlen |= size_t(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    start = 12;
  } else {
    fail(file, ": unsupported .npy version ", major);
  }
  if (hlen > kMaxNpyHeader || start + hlen > bytes.size()) fail(file, ": truncated .npy header");
  std::string h = bytes.substr(start, hlen);
  NpyHeader out;
  out.dataOffset = start + hlen;
  std::string descr = headerField(h, "descr"), order = headerField(h, "fortran_order"),
              dims = headerField(h, "shape");
  if (descr.size() >= 2) descr = descr.substr(1, descr.size() - 2);
  out.descr = descr;
  if (order.find("True") != std::string::npos)
    fail(file, ": Fortran-order arrays are not supported");
  for (DataType t : {DataType::kFloat, DataType::kDouble, DataType::kHalf, DataType::kInt8,
                     DataType::kUInt8, DataType::kInt32, DataType::kInt64, DataType::kBool})
    if (descr == npyDescr(t)) {
      out.known = true;
      out.dtype = t;
    }
  dims = dims.size() >= 2 ? dims.substr(1, dims.size() - 2) : "";
  std::stringstream ss(dims);
  std::string d;
  while (std::getline(ss, d, ',')) {
    d.erase(0, d.find_first_not_of(' '));
    d.erase(d.find_last_not_of(' ') + 1);
    if (d.empty()) continue;
    if (d.find_first_not_of("0123456789") != std::string::npos || d.size() > 12)
      fail(file, ": bad shape entry '", d, "' in .npy header");
    out.shape.push_back(std::stoll(d));
  }
  return out;
}

dlasim::Tensor tensorFromFileBytes(const std::string& file, std::string&& bytes,
                                   const dlasim::TensorSpec& want, bool npy) {
  using namespace dlasim;
  checkShape(want.shape);
  if (npy) return parseNpy(file, std::move(bytes), want.name, want);
  size_t need = size_t(volume(want.shape)) * dtypeSize(want.dtype);
  if (bytes.size() != need)
    fail(file, ": has ", bytes.size(), " bytes, input '", want.name, "' (", dtypeName(want.dtype),
         " ", shapeStr(want.shape), ") needs ", need);
  return adoptInput(file, want, std::move(bytes));
}

}  // namespace builder

namespace dlasim {

Tensor randomTensor(const TensorSpec& d, unsigned seed) {
  Tensor t(d.dtype, d.shape);
  // mt19937's output is fixed by the standard; the distributions are not, so map it by hand
  // and the same seed gives the same data with any standard library.
  std::mt19937 rng(seed);
  auto unit = [&] { return double(rng()) / 4294967296.0; };  // [0, 1)
  dispatchType(d.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data<T>();
    for (int64_t i = 0; i < t.size(); ++i) {
      if constexpr (std::is_floating_point_v<T>)
        p[i] = T(2.0 * unit() - 1.0);
      else if constexpr (std::is_same_v<T, bool>)
        p[i] = unit() < 0.5;
      else
        p[i] = T(int(unit() * 10));
    }
  });
  return t;
}

TensorMap prepareInputs(const std::vector<TensorSpec>& specs,
                        const std::map<std::string, std::string>& files, unsigned seed,
                        const std::string& modelName, std::vector<std::string>* notes) {
  auto note = [&](const std::string& m) {
    if (notes) notes->push_back(m);
  };
  TensorMap inputs;
  for (const auto& [name, file] : files) {
    const std::string& wanted = name;  // C++17 lambdas cannot capture structured bindings
    auto it = std::find_if(specs.begin(), specs.end(),
                           [&](const TensorSpec& s) { return s.name == wanted; });
    if (it == specs.end()) fail("--loadInputs: '", name, "' is not an input of ", modelName);
    inputs[name] = loadTensorFile(file, *it);
    note("Using values loaded from " + file + " for input " + name);
  }
  for (size_t k = 0; k < specs.size(); ++k) {
    const TensorSpec& info = specs[k];
    if (inputs.count(info.name)) continue;
    unsigned s = seed + unsigned(k);  // by input position: stable across model edits
    inputs[info.name] = randomTensor(info, s);
    note("Input " + info.name + " (" + dtypeName(info.dtype) + " " + shapeStr(info.shape) +
         ") filled with seeded random data in [-1, 1] (seed " + std::to_string(s) + ")");
  }
  return inputs;
}

void saveNpy(const std::string& file, const Tensor& t) {
  std::ostringstream h;
  h << "{'descr': '" << npyDescr(t.dtype()) << "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < t.shape().size(); ++i)
    h << t.shape()[i] << (t.shape().size() == 1 ? "," : (i + 1 < t.shape().size() ? ", " : ""));
  h << "), }";
  std::string header = h.str();
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += char(1);
  out += char(0);
  out += char(header.size() & 0xff);
  out += char(header.size() >> 8);
  out += header;
  out.append(static_cast<const char*>(t.raw()), t.bytes());
  writeFileSafely(file, out, {});
}

namespace {

// Writes all of text to fd; false (errno set) on failure.
bool writeAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

[[noreturn]] void writeFailed(const std::string& path, int err) {
  fail(path, ": cannot write (", std::strerror(err),
       err == ENOENT ? "; check the folder exists" : "", ")");
}

// Devices, FIFOs, hard-linked files and what a dangling symlink names are written in place, as
// any Unix tool writes them: `--exportOutput=/dev/null` must leave /dev/null a device.
void writeThrough(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) writeFailed(path, errno);
  bool ok = writeAll(fd, text);
  int err = errno;
  if (::close(fd) != 0 && ok) ok = false, err = errno;
  if (!ok) writeFailed(path, err);
}

// Regular files and new paths: write a temporary file next to the target, then rename it over
// the target, so a failed write never leaves half a file. The temporary name is created
// exclusively (never an existing file or symlink of the user's); a replaced file keeps its
// permissions (and its owner, when allowed).
void replaceAtomically(const std::string& target, const std::string& text, const struct stat* old) {
  static std::atomic<unsigned> counter{0};
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    tmp = cat(target, ".dlasim-", ::getpid(), "-", counter++);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt > 100)) writeFailed(target, errno);
  }
  bool ok = writeAll(fd, text);
  int err = errno;
  if (ok && old) {
    if (::fchmod(fd, old->st_mode & 07777) != 0) ok = false, err = errno;
    // Only root may give a file away; otherwise it stays ours, which is fine.
    if (::fchown(fd, old->st_uid, old->st_gid) != 0) errno = 0;
  }
  if (ok && ::fsync(fd) != 0) ok = false, err = errno;
  if (::close(fd) != 0 && ok) ok = false, err = errno;
  if (ok && ::rename(tmp.c_str(), target.c_str()) != 0) ok = false, err = errno;
  if (!ok) {
    ::unlink(tmp.c_str());
    writeFailed(target, err);
  }
}

}  // namespace

void writeFileSafely(const std::string& path, const std::string& text,
                     const std::vector<std::string>& inputs) {
  std::error_code ec;
  if (path.empty()) fail("no output file name given");
  struct stat st;
  bool exists = ::stat(path.c_str(), &st) == 0;  // follows symlinks: what would be written
  if (exists && S_ISDIR(st.st_mode)) fail(path, ": is a directory");
  if (exists && S_ISREG(st.st_mode))
    for (const auto& in : inputs)
      if (!in.empty() && fs::exists(in, ec) && fs::equivalent(in, path, ec))
        fail(path, ": refusing to overwrite an input of this run");
  struct stat lst;
  bool isLink = ::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode);
  if (!exists) {
    if (isLink) return writeThrough(path, text);  // a dangling link: create what it names
    return replaceAtomically(path, text, nullptr);
  }
  if (!S_ISREG(st.st_mode) || st.st_nlink > 1) return writeThrough(path, text);
  if (!isLink) return replaceAtomically(path, text, &st);
  // A symlink to a regular file: replace the file it resolves to, and keep the link.
  std::string target = fs::canonical(path, ec).string();
  if (ec) writeFailed(path, ec.value());
  replaceAtomically(target, text, &st);
}

}  // namespace dlasim
