// Helpers for the hostile-input tests: the one-line error check, engine files rewritten with a
// recomputed checksum (a "valid" container around contents that lie), and a per-test folder.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>

#include "test_support.h"
#include "tests/fuzz/engine_repack.h"

namespace testsupport {

/// Exit code 2 and exactly one "dlasim: error: ..." line containing every needle.
inline void expectOneError(const Result& r, std::initializer_list<std::string> needles) {
  EXPECT_EQ(r.code, 2) << "stderr: " << r.err << "\nstdout: " << r.out;
  EXPECT_EQ(r.err.rfind("dlasim: error: ", 0), 0u) << "stderr: " << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "not one line: " << r.err;
  EXPECT_TRUE(!r.err.empty() && r.err.back() == '\n') << "stderr: " << r.err;
  for (const auto& n : needles)
    EXPECT_NE(r.err.find(n), std::string::npos) << "missing '" << n << "' in: " << r.err;
}

/// Engine files rewritten with a recomputed checksum (tests/fuzz/engine_repack.h).
inline std::string repackEngine(const std::string& engine,
                                const std::function<void(nlohmann::json&)>& edit) {
  return enginefile::repack(engine, edit);
}

/// A per-test folder named after the running test (so parallel ctest runs never share one).
class HostileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / (std::string("dlasim_") + info->test_suite_name() + "_" +
                                        info->name() + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string save(const onnx::ModelProto& m, const std::string& name) {
    saveModel(m, dir_ / name);
    return path(name);
  }
  fs::path dir_;
};

}  // namespace testsupport
