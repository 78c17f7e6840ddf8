#include <gtest/gtest.h>

#include "sim/ir/error.h"

TEST(Printable, EscapesControlBytesAndInvalidUtf8) {
  EXPECT_EQ(sim::printable("Conv_0"), "Conv_0");
  EXPECT_EQ(sim::printable("caf\xc3\xa9"), "caf\xc3\xa9");  // valid UTF-8 stays
  EXPECT_EQ(sim::printable(std::string("a\nb\x1b[31m", 8)), "a\\x0ab\\x1b[31m");
  EXPECT_EQ(sim::printable("\xa5x\xc3"), "\\xa5x\\xc3");  // stray and truncated sequences
}
