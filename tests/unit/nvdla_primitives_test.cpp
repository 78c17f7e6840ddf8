// The integer primitives of the NVDLA models and the trace replayer's CRC and memory.
#include <gtest/gtest.h>

#include <cstring>

#include "kernels/nvdla/fixed_point.h"
#include "nvdla_trace/crc32.h"
#include "nvdla_trace/errors.h"
#include "nvdla_trace/paged_memory.h"

namespace kn = kern::nvdla;

TEST(NvdlaFixedPoint, RoundShiftHalfAwayFromZero) {
  EXPECT_EQ(kn::roundShiftHalfAway(5, 1), 3);    // 2.5 -> 3
  EXPECT_EQ(kn::roundShiftHalfAway(-5, 1), -3);  // -2.5 -> -3
  EXPECT_EQ(kn::roundShiftHalfAway(-3, 1), -2);  // -1.5 -> -2
  EXPECT_EQ(kn::roundShiftHalfAway(7, 2), 2);    // 1.75 -> 2
  EXPECT_EQ(kn::roundShiftHalfAway(-7, 2), -2);
  EXPECT_EQ(kn::roundShiftHalfAway(6, 2), 2);  // 1.5 -> 2
  EXPECT_EQ(kn::roundShiftHalfAway(5, 2), 1);  // 1.25 -> 1
  EXPECT_EQ(kn::roundShiftHalfAway(-5, 2), -1);
  EXPECT_EQ(kn::roundShiftHalfAway(123, 0), 123);
  EXPECT_EQ(kn::roundShiftHalfAway(int64_t(1) << 62, 63), 1);  // exactly one half
  EXPECT_EQ(kn::roundShiftHalfAway((int64_t(1) << 62) - 1, 63), 0);
  EXPECT_EQ(kn::roundShiftHalfAway(INT64_MIN, 63), -1);
  EXPECT_EQ(kn::roundShiftHalfAway(INT64_MIN, 64), -1);  // |x| = 2^63 is one half of 2^64
}

TEST(NvdlaFixedPoint, SaturateAndSignExtend) {
  EXPECT_EQ(kn::saturate(200, 8), 127);
  EXPECT_EQ(kn::saturate(-200, 8), -128);
  EXPECT_EQ(kn::saturate(int64_t(1) << 40, 34), (int64_t(1) << 33) - 1);
  EXPECT_EQ(kn::signExtend(0xff, 8), -1);
  EXPECT_EQ(kn::signExtend(0x17f, 8), 127);
  EXPECT_EQ(kn::signExtend(0x1f, 5), -1);
  EXPECT_EQ(kn::signExtend(0x10, 5), -16);
  EXPECT_EQ(kn::signExtend(0x20000000000ull, 38), 0);
  EXPECT_EQ(kn::signExtend(0x2000000000ull, 38), -(int64_t(1) << 37));
}

TEST(NvdlaFixedPoint, SaturatingShiftLeft) {
  EXPECT_EQ(kn::saturatingShiftLeft(3, 4, 32), 48);
  EXPECT_EQ(kn::saturatingShiftLeft(0x7fff, 20, 32), INT32_MAX);
  EXPECT_EQ(kn::saturatingShiftLeft(-0x8000, 16, 32), INT32_MIN);  // exactly the minimum
  EXPECT_EQ(kn::saturatingShiftLeft(-0x8000, 17, 32), INT32_MIN);
  EXPECT_EQ(kn::saturatingShiftLeft(1, 63, 32), INT32_MAX);
  EXPECT_EQ(kn::saturatingShiftLeft(-1, 31, 32), INT32_MIN);
  EXPECT_EQ(kn::saturatingShiftLeft(1, 31, 32), INT32_MAX);
  EXPECT_EQ(kn::saturatingShiftLeft(0, 63, 32), 0);
}

TEST(NvdlaTraceCrc, MatchesTheStandardCheckValue) {
  const char* s = "123456789";
  EXPECT_EQ(nvdla_trace::crc32Update(0, reinterpret_cast<const uint8_t*>(s), 9), 0xCBF43926u);
  // Feeding in pieces continues the same CRC, like zlib's crc32().
  uint32_t c = nvdla_trace::crc32Update(0, reinterpret_cast<const uint8_t*>(s), 4);
  EXPECT_EQ(nvdla_trace::crc32Update(c, reinterpret_cast<const uint8_t*>(s) + 4, 5), 0xCBF43926u);
}

TEST(NvdlaTraceMemory, SparsePagesReadZeroAndCrcSpansPages) {
  nvdla_trace::PagedMemory m(1 << 20);
  EXPECT_EQ(m.read(0x123456789), 0);
  m.write(0x80000ffe, 1);
  m.write(0x80001001, 2);
  EXPECT_EQ(m.allocatedBytes(), 2 * nvdla_trace::PagedMemory::kPageBytes);
  uint8_t expect[8] = {0, 0, 1, 0, 0, 2, 0, 0};
  EXPECT_EQ(m.crc32(0x80000ffc, 8), nvdla_trace::crc32Update(0, expect, 8));
  m.zero(0x80000fff, 3);  // leaves 0x80000ffe, clears 0x80001001
  expect[5] = 0;
  EXPECT_EQ(m.crc32(0x80000ffc, 8), nvdla_trace::crc32Update(0, expect, 8));
  EXPECT_EQ(m.read(0x80000ffe), 1);
}

TEST(NvdlaTraceMemory, AllocationIsCapped) {
  nvdla_trace::PagedMemory m(2 * nvdla_trace::PagedMemory::kPageBytes);
  m.write(0, 1);
  m.write(0x10000, 1);
  EXPECT_THROW(m.write(0x20000, 1), nvdla_trace::TraceError);
}
