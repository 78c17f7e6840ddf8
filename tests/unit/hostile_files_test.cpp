// Files around a run: input files whose bytes are not valid for their type (issue 12, defect 5),
// input "files" that never end, and outputs written over devices, FIFOs, symlinks and hard links
// (defect 8): they are written through, as any Unix tool does; only regular files and new paths
// are replaced atomically, keeping their permissions, and nothing else of the user's is touched.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "dlasim/errors.h"
#include "dlasim/io.h"
#include "dlasim/model.h"
#include "dlasim/plan.h"
#include "hostile_support.h"

namespace {

using namespace testsupport;

// Where(c, a, b) with c: bool[4].
onnx::ModelProto whereModel() {
  onnx::ModelProto m = newModel();
  auto* c = m.mutable_graph()->add_input();
  c->set_name("c");
  c->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::BOOL);
  c->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(4);
  addInput(m, "a", {4});
  addInput(m, "b", {4});
  addNode(m, "Where", "where", {"c", "a", "b"}, {"y"});
  addOutput(m, "y");
  return m;
}

using HostileFiles = HostileTest;

// Defect 5: bytes other than 0 and 1 are not bools; they reached kern::select as invalid bools.
TEST_F(HostileFiles, BoolInputBytesMustBeZeroOrOne) {
  std::string model = save(whereModel(), "where.onnx");
  dlasim::Tensor ok(dlasim::DataType::kBool, {4});
  dlasim::saveNpy(path("ok.npy"), ok);
  std::string npy = readFile(dir_ / "ok.npy");
  npy[npy.size() - 2] = 2;  // element 2
  writeFile(dir_ / "bad.npy", npy);
  writeFile(dir_ / "bad.bin", std::string("\x01\x00\x00\xff", 4));  // element 3 = 255

  Result r = runCli({"--onnx=" + model, "--loadInputs=c:" + path("ok.npy")});
  EXPECT_EQ(r.code, 0) << r.err;
  expectOneError(runCli({"--onnx=" + model, "--loadInputs=c:" + path("bad.npy")}),
                 {"bad.npy", "'c'", "element 2", "2"});
  expectOneError(runCli({"--onnx=" + model, "--loadInputs=c:" + path("bad.bin")}),
                 {"bad.bin", "'c'", "element 3", "255"});
  // The library refuses them too, for any caller.
  EXPECT_THROW(dlasim::Tensor::fromBytes(dlasim::DataType::kBool, {2}, "\x00\x07", 2),
               dlasim::InputError);
}

// A binding no --inputIOFormats / --outputIOFormats names keeps its tensor's type (it was fp32
// for every tensor, so a bool input file was refused as not float).
TEST_F(HostileFiles, BindingsDefaultToTheirTensorsType) {
  dlasim::Plan plan = dlasim::Model::load(save(whereModel(), "where.onnx")).build();
  std::map<std::string, std::string> formats;
  for (const auto& b : plan.bindings()) formats[b.name] = b.format.type + ":" + b.format.format;
  EXPECT_EQ(formats["c"], "bool:chw");
  EXPECT_EQ(formats["a"], "fp32:chw");
  EXPECT_EQ(formats["y"], "fp32:chw");
  // The log lists only bindings that differ from that default.
  Result r = runCli({"--onnx=" + path("where.onnx")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("Input binding c"), std::string::npos) << r.out;
}

// The same holds for bool initializers of a model: raw bytes other than 0 and 1 are refused.
TEST_F(HostileFiles, BoolInitializerBytesMustBeZeroOrOne) {
  onnx::ModelProto m = whereModel();
  m.mutable_graph()->mutable_input(0)->set_name("unused");
  auto* c = m.mutable_graph()->add_initializer();
  c->set_name("c");
  c->set_data_type(onnx::TensorProto::BOOL);
  c->add_dims(4);
  c->set_raw_data(std::string("\x00\x01\x03\x00", 4));
  expectOneError(runCli({"--onnx=" + save(m, "bool_init.onnx")}),
                 {"bool_init.onnx", "'c'", "element 2", "3"});
}

// An input "file" that never ends is read only as far as the input needs, then refused.
TEST_F(HostileFiles, EndlessInputFileIsRefused) {
  std::string model = save(whereModel(), "where.onnx");
  expectOneError(runCli({"--onnx=" + model, "--loadInputs=a:/dev/zero"}),
                 {"/dev/zero", "'a'", "16"});
}

// Defect 8: /dev/null (and any device) was replaced by a regular file. A device node of our own
// (the null device, made in the test folder) stands in for /dev/null.
TEST_F(HostileFiles, DevicesAreWrittenThrough) {
  if (::geteuid() != 0) GTEST_SKIP() << "making a device node needs root";
  std::string dev = path("null");
  ASSERT_EQ(::mknod(dev.c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  std::string model = save(whereModel(), "where.onnx");
  Result r = runCli({"--onnx=" + model, "--exportOutput=" + dev, "--exportLayerInfo=" + dev});
  EXPECT_EQ(r.code, 0) << r.err;
  struct stat st;
  ASSERT_EQ(::lstat(dev.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device node was replaced";
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().rfind("null.dlasim-", 0), std::string::npos)
        << "a temporary file was left: " << e.path();
}

TEST_F(HostileFiles, FifosAreWrittenThrough) {
  std::string fifo = path("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The reader opens without blocking, then collects what arrives until the writer closes (the
  // data may still be in the pipe when writeFileSafely returns: the reader drains it).
  std::string got;
  std::thread reader([&] {
    int fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    if (fd < 0) return;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    bool seen = false;
    while (std::chrono::steady_clock::now() < until) {
      pollfd p{fd, POLLIN, 0};
      ::poll(&p, 1, 50);
      char buf[4096];
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n > 0) {
        got.append(buf, size_t(n));
        seen = true;
      } else if (n == 0 && seen) {
        break;  // the writer closed
      }
    }
    ::close(fd);
  });
  dlasim::writeFileSafely(fifo, "through the pipe\n");
  reader.join();
  EXPECT_EQ(got, "through the pipe\n");
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(fifo))) << "the FIFO was replaced";
}

TEST_F(HostileFiles, SymlinksAreWrittenThrough) {
  writeFile(dir_ / "target.json", "old");
  fs::create_symlink(dir_ / "target.json", dir_ / "link.json");
  fs::create_symlink(dir_ / "new_target.json", dir_ / "dangling.json");
  std::string model = save(whereModel(), "where.onnx");
  Result r = runCli({"--onnx=" + model, "--exportOutput=" + path("link.json"),
                     "--exportLayerInfo=" + path("dangling.json")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.json"));
  EXPECT_TRUE(fs::is_symlink(dir_ / "dangling.json"));
  EXPECT_NE(readFile(dir_ / "target.json").find("\"values\""), std::string::npos);
  EXPECT_NE(readFile(dir_ / "new_target.json").find("\"Layers\""), std::string::npos);
}

TEST_F(HostileFiles, RegularFilesKeepPermissionsAndHardLinks) {
  writeFile(dir_ / "out.json", "old");
  fs::permissions(dir_ / "out.json",
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  dlasim::writeFileSafely(path("out.json"), "new");
  EXPECT_EQ(readFile(dir_ / "out.json"), "new");
  EXPECT_EQ(fs::status(dir_ / "out.json").permissions(),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);

  writeFile(dir_ / "a.json", "old");
  fs::create_hard_link(dir_ / "a.json", dir_ / "b.json");
  dlasim::writeFileSafely(path("a.json"), "both");
  EXPECT_EQ(readFile(dir_ / "b.json"), "both") << "the hard link was broken";
}

// The temporary file never takes a name the user may own, and never survives.
// Temporary names are "<target>.dlasim-<pid>-<n>"; the user's files under the first names this
// process would try (ctest runs each test in a process of its own) must survive.
TEST_F(HostileFiles, TemporaryFilesNeverClobberOrRemain) {
  constexpr int kDecoys = 50;
  auto decoy = [&](int k) {
    return dir_ / ("out.json.dlasim-" + std::to_string(::getpid()) + "-" + std::to_string(k));
  };
  for (int k = 0; k < kDecoys; ++k) writeFile(decoy(k), "mine");
  dlasim::writeFileSafely(path("out.json"), "result");
  EXPECT_EQ(readFile(dir_ / "out.json"), "result");
  for (int k = 0; k < kDecoys; ++k) EXPECT_EQ(readFile(decoy(k)), "mine") << decoy(k);
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir_)) files += e.is_regular_file();
  EXPECT_EQ(files, size_t(kDecoys) + 1);
  EXPECT_THROW(dlasim::writeFileSafely(path("missing/out.json"), "x"), dlasim::InputError);
  EXPECT_THROW(dlasim::writeFileSafely(dir_.string(), "x"), dlasim::InputError);
}

}  // namespace
