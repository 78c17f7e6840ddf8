// Shared by the fuzz targets (tests/fuzz/fuzz_*.cpp). Each target is built twice: with
// -DDLASIM_FUZZ=ON as a libFuzzer binary (clang, ASan + UBSan, coverage-guided), and in every
// normal build as a plain program (replay_main.cpp) that ctest runs over the committed seed
// corpus and the reproducers of past findings, so none of them can come back unnoticed.
//
// A target returns normally for every input: refusing bad input (dlasim::InputError, or
// VerdictError for a build the flags make impossible) is the expected outcome. Anything else --
// a crash, a sanitizer report, another exception escaping, or a broken property checked with
// FUZZ_CHECK -- is a finding.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace fuzz {

/// Bytes of tensors a target lets dlasim plan for one input: big enough for every layer kind,
/// small enough that a run stays fast and far below libFuzzer's RSS limit.
constexpr int64_t kBudget = int64_t(16) << 20;

/// Work (MACs, element operations) of a model a target runs: the kernels are fuzzed on small
/// shapes, and under ASan larger runs would set the pace of the whole campaign.
constexpr int64_t kMaxRunWork = 2'000'000;

inline std::string bytes(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

[[noreturn]] inline void finding(const char* file, int line, const char* what,
                                 const std::string& detail) {
  std::fprintf(stderr, "%s:%d: property violated: %s\n  %s\n", file, line, what, detail.c_str());
  std::abort();
}

}  // namespace fuzz

/// A property of dlasim that must hold for every input; its failure is a finding (abort).
#define FUZZ_CHECK(cond, detail) \
  ((cond) ? (void)0 : fuzz::finding(__FILE__, __LINE__, #cond, (detail)))
