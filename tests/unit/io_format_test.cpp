// Binding formats parsed once (sim/ir/io_format.h) and their element encodings
// (sim/ops/element_codec.h): every name round-trips, element sizes, the DLA formats, and the
// FP16 / INT8 encodings against kernels/numeric's rules.
#include "sim/ir/io_format.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "kernels/numeric/fp16.h"
#include "kernels/numeric/int8.h"
#include "sim/ir/error.h"
#include "sim/ops/element_codec.h"

namespace {

using sim::IOLayout;
using sim::IOType;

TEST(IOFormat, EveryTypeAndLayoutNameRoundTripsAndUnknownNamesAreRefused) {
  for (int i = 0; i <= int(IOType::kFP8); ++i) {
    IOType t = IOType(i), back;
    ASSERT_TRUE(sim::parseIOType(sim::ioTypeName(t), &back)) << i;
    EXPECT_EQ(back, t);
  }
  for (int i = 0; i <= int(IOLayout::kDHWC); ++i) {
    IOLayout l = IOLayout(i), back;
    ASSERT_TRUE(sim::parseIOLayout(sim::ioLayoutName(l), &back)) << i;
    EXPECT_EQ(back, l);
  }
  IOType t;
  EXPECT_FALSE(sim::parseIOType("float", &t));
  try {
    sim::ioLayoutsOf({"fp16", "chw16+nchw"});
    FAIL() << "an unknown layout is an error";
  } catch (const sim::Error& e) {
    EXPECT_NE(std::string(e.what()).find("'nchw'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(sim::ioLayoutsOf({"int8", "chw32+dla_linear"}),
            (std::vector<IOLayout>{IOLayout::kCHW32, IOLayout::kDLALinear}));
}

TEST(IOFormat, ElementSizes) {
  EXPECT_EQ(sim::ioTypeBytes(IOType::kFP32), 4u);
  EXPECT_EQ(sim::ioTypeBytes(IOType::kFP16), 2u);
  EXPECT_EQ(sim::ioTypeBytes(IOType::kBF16), 2u);
  EXPECT_EQ(sim::ioTypeBytes(IOType::kINT32), 4u);
  EXPECT_EQ(sim::ioTypeBytes(IOType::kINT64), 8u);
  for (IOType t : {IOType::kINT8, IOType::kUINT8, IOType::kBool, IOType::kFP8})
    EXPECT_EQ(sim::ioTypeBytes(t), 1u) << sim::ioTypeName(t);
}

TEST(IOFormat, TheDlaReadsAndWritesItsOwnFormatsOnly) {
  EXPECT_TRUE(sim::isDlaFormat({"fp16", "chw16"}, false));
  EXPECT_TRUE(sim::isDlaFormat({"int8", "chw32"}, false));
  EXPECT_TRUE(sim::isDlaFormat({"int8", "dla_linear"}, false));
  EXPECT_TRUE(sim::isDlaFormat({"fp16", "dla_hwc4"}, true));
  EXPECT_FALSE(sim::isDlaFormat({"fp16", "dla_hwc4"}, false));  // an input format only
  EXPECT_FALSE(sim::isDlaFormat({"fp32", "dla_linear"}, true));
  EXPECT_FALSE(sim::isDlaFormat({"fp16", "chw32"}, true));
  EXPECT_FALSE(sim::isDlaFormat({"int8", "chw16"}, true));
  EXPECT_TRUE(sim::isDlaFormat({"fp16", "chw+chw16"}, true));  // one alternative is enough
  EXPECT_FALSE(sim::isDlaFormat({"fp16", "chw+hwc8"}, true));
}

TEST(ElementCodec, EncodesAsKernelsNumericRulesSay) {
  char buf[16] = {};
  const double x = 0.1234567;
  sim::encodeElement(IOType::kFP16, x, 0, buf, 1);
  uint16_t h;
  std::memcpy(&h, buf + 2, 2);
  EXPECT_EQ(h, kern::numeric::floatToHalfBits(float(x)));
  EXPECT_EQ(sim::decodeElement(IOType::kFP16, buf, 1, 0), kern::numeric::roundToFp16(float(x)));
  EXPECT_EQ(sim::bindingValue(IOType::kFP16, x, 0), kern::numeric::roundToFp16(float(x)));

  sim::encodeElement(IOType::kINT8, 3.3, 0.5f, buf, 3);
  EXPECT_EQ(int8_t(buf[3]), kern::numeric::quantizeInt8(3.3f, 0.5f));
  EXPECT_EQ(sim::decodeElement(IOType::kINT8, buf, 3, 0.5f), 0.5 * double(int8_t(buf[3])));
  EXPECT_EQ(sim::bindingValue(IOType::kINT8, 3.3, 0.5f), kern::numeric::quantizeInt8(3.3f, 0.5f));

  sim::encodeElement(IOType::kUINT8, 300.0, 0, buf, 0);
  EXPECT_EQ(sim::decodeElement(IOType::kUINT8, buf, 0, 0), 255.0);  // saturates
  sim::encodeElement(IOType::kINT64, -5.0, 0, buf, 1);
  EXPECT_EQ(sim::decodeElement(IOType::kINT64, buf, 1, 0), -5.0);
  sim::encodeElement(IOType::kBool, 2.0, 0, buf, 0);
  EXPECT_EQ(sim::decodeElement(IOType::kBool, buf, 0, 0), 1.0);
}

}  // namespace
