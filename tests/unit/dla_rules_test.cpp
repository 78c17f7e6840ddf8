// TensorRT's DLA rules for convolution, deconvolution and pooling (seed §3.2.1-3.2.3), on both
// sides of every limit, for Orin and Xavier. (Other layers: dla_rules_layers_test.cpp; the
// partitioner and printed placement: partition_placement_test.cpp.)
#include "dla_rules_support.h"

namespace {

std::vector<Case> cases() {
  using hw::Precision;
  using sim::ActType;
  using sim::PoolType;
  using sim::ResizeMode;
  auto convWith = [](auto edit) {
    return [edit] {
      ConvSpec s;
      edit(s);
      return conv(s);
    };
  };
  return {
      // -- convolution (seed §3.2.1)
      {"ConvKernel32", convWith([](ConvSpec& s) {
         s.kernel = {32, 32};
       }),
       ok(Precision::kINT8)},
      {"ConvKernel33", convWith([](ConvSpec& s) {
         s.kernel = {33, 33};
       }),
       Expect{"conv.kernel", {"33x33", "[1,32]"}, {"split the kernel"}}.is("33x33", "[1,32]")},
      {"ConvKernel1x33", convWith([](ConvSpec& s) {
         s.kernel = {1, 33};
       }),
       Expect{"conv.kernel", {"1x33", "[1,32]"}}.is("1x33", "[1,32]")},
      {"ConvPadding31", convWith([](ConvSpec& s) {
         s.kernel = {32, 32};
         s.padsBegin = s.padsEnd = {31, 31};
       }),
       kOk},
      {"ConvPadding32",
       convWith([](ConvSpec& s) {
         s.kernel = {33, 33};
         s.padsBegin = s.padsEnd = {32, 32};
       }),
       {"conv.padding", {"padding 32x32", "[0,31]"}}},
      {"ConvPaddingEnd32", convWith([](ConvSpec& s) {
         s.kernel = {33, 33};
         s.padsEnd = {0, 32};
       }),
       Expect{"conv.padding", {"padding 0x32", "[0,31]"}}.is("0x32", "[0,31]")},
      {"ConvPaddingBelowKernel", convWith([](ConvSpec& s) {
         s.padsBegin = s.padsEnd = {2, 2};
       }),
       kOk},
      {"ConvPaddingEqualsKernel", convWith([](ConvSpec& s) {
         s.padsBegin = {3, 0};
         s.padsEnd = {0, 0};
       }),
       Expect{"conv.padding_lt_kernel", {"padding 3", "kernel 3"}, {"Pad"}}.is("3", "< 3")},
      {"ConvStride8", convWith([](ConvSpec& s) {
         s.strides = {8, 8};
       }),
       kOk},
      {"ConvStride9", convWith([](ConvSpec& s) {
         s.strides = {1, 9};
       }),
       Expect{"conv.stride", {"stride 1x9", "[1,8]"}}.is("1x9", "[1,8]")},
      {"ConvDilation32", convWith([](ConvSpec& s) {
         s.dilations = {32, 32};
       }),
       kOk},
      {"ConvDilation33",
       convWith([](ConvSpec& s) {
         s.dilations = {33, 33};
       }),
       {"conv.dilation", {"dilation 33x33", "[1,32]"}}},
      {"ConvGroups8192", convWith([](ConvSpec& s) {
         s.kernel = {1, 1};
         s.group = s.inC = s.outC = 8192;
       }),
       kOk},
      {"ConvGroups8193", convWith([](ConvSpec& s) {
         s.kernel = {1, 1};
         s.group = s.inC = s.outC = 8193;
       }),
       Expect{"conv.groups", {"groups 8193", "[1,8192]"}}.is("8193", "[1,8192]")},
      {"ConvOutputMaps8192", convWith([](ConvSpec& s) {
         s.kernel = {1, 1};
         s.outC = 8192;
       }),
       kOk},
      {"ConvOutputMaps8193",
       convWith([](ConvSpec& s) {
         s.kernel = {1, 1};
         s.outC = 8193;
       }),
       {"conv.output_maps", {"output maps 8193", "[1,8192]"}, {"split the output channels"}}},
      {"ConvOutputMaps8193Dims", convWith([](ConvSpec& s) {
         s.kernel = {1, 1};
         s.outC = 8193;
       }),
       Expect{"general.dims", {"dimension 8193", "8192"}}.is("8193", "<= 8192")},
      {"ConvNonConstantWeights", convWith([](ConvSpec& s) { s.constWeights = false; }),
       Expect{"conv.weights", {"build-time constants"}}.is("non-constant", "build-time constant")},
      // -- deconvolution (seed §3.2.2)
      {"DeconvKernel1x32",
       [] {
         ConvSpec s;
         s.kernel = {1, 32};
         s.strides = {1, 1};
         return deconv(s);
       },
       kOk},
      {"DeconvKernel1x33",
       [] {
         ConvSpec s;
         s.kernel = {1, 33};
         return deconv(s);
       },
       {"deconv.kernel", {"kernel 1x33", "[1,32]"}}},
      {"DeconvKernel33x1",
       [] {
         ConvSpec s;
         s.kernel = {33, 1};
         return deconv(s);
       },
       {"deconv.kernel", {"kernel 33x1", "[1,32]"}}},
      {"DeconvKernel1x64",
       [] {
         ConvSpec s;
         s.kernel = {1, 64};
         return deconv(s);
       },
       kOk},
      {"DeconvKernel128x1",
       [] {
         ConvSpec s;
         s.kernel = {128, 1};
         return deconv(s);
       },
       kOk},
      {"DeconvKernel1x65",
       [] {
         ConvSpec s;
         s.kernel = {1, 65};
         return deconv(s);
       },
       Expect{"deconv.kernel", {"kernel 1x65", "[1,32]"}}.is(
           "1x65", "[1,32] or 1xK / Kx1 with K in {64,96,128}")},
      {"DeconvSquare22",
       [] {
         ConvSpec s;
         s.kernel = {22, 22};
         return deconv(s);
       },
       kOk},
      {"DeconvSquare23",
       [] {
         ConvSpec s;
         s.kernel = {23, 23};
         return deconv(s);
       },
       Expect{"deconv.square", {"square kernel 23x23", "[23,32]"}}.is("23x23",
                                                                      "not square in [23,32]")},
      {"DeconvSquare32",
       [] {
         ConvSpec s;
         s.kernel = {32, 32};
         return deconv(s);
       },
       {"deconv.square", {"square kernel 32x32", "[23,32]"}}},
      {"DeconvSquareStride23",
       [] {
         ConvSpec s;
         s.kernel = {2, 2};
         s.strides = {23, 23};
         return deconv(s);
       },
       {"deconv.square", {"square stride 23x23", "[23,32]"}}},
      {"DeconvStride2",
       [] {
         ConvSpec s;
         s.kernel = {2, 2};
         s.strides = {2, 2};
         return deconv(s);
       },
       kOk},
      {"DeconvPadding1",
       [] {
         ConvSpec s;
         s.kernel = {4, 4};
         s.padsBegin = s.padsEnd = {1, 1};
         return deconv(s);
       },
       Expect{"deconv.padding", {"padding 1x1/1x1", "must be 0"}, {"Slice"}}.is("1x1/1x1", "= 0")},
      {"DeconvOutputPadding",
       [] {
         ConvSpec s;
         s.kernel = {2, 2};
         s.strides = {2, 2};
         return deconv(s, {1, 1});
       },
       {"deconv.padding", {"output padding 1x1", "must be 0"}}},
      {"DeconvGroups2",
       [] {
         ConvSpec s;
         s.kernel = {2, 2};
         s.group = s.inC = s.outC = 2;
         return deconv(s);
       },
       Expect{"deconv.groups", {"groups 2", "must be 1"}}.is("2", "= 1")},
      {"DeconvDilation2",
       [] {
         ConvSpec s;
         s.kernel = {2, 2};
         s.dilations = {2, 2};
         return deconv(s);
       },
       {"deconv.dilation", {"dilation 2x2", "must be 1"}}},
      // -- pooling (seed §3.2.3, design §3)
      {"PoolWindow8", [] { return pool(PoolType::kMax, 8, 1, 0); }, ok(Precision::kINT8)},
      {"PoolWindow9", [] { return pool(PoolType::kMax, 9, 1, 0); },
       Expect{"pool.window",
              {"window 9x9", "[1,8]"},
              {"split into two pools, kernel 5x5 then kernel 5x5"}}
           .is("9x9", "[1,8]")},
      {"AvgPoolWindow16Tiled",
       [] { return pool(PoolType::kAverage, 16, 16, 0); },
       {"pool.window",
        {"window 16x16", "[1,8]"},
        {"AveragePool kernel 16x16 > 8: split into two pools, kernel 8x8 stride 8x8 then kernel "
         "2x2"}}},
      {"PoolPadding7", [] { return pool(PoolType::kMax, 8, 1, 7); }, kOk},
      {"PoolPadding8",
       [] { return pool(PoolType::kMax, 8, 1, 8); },
       {"pool.padding", {"padding 8x8", "[0,7]"}}},
      {"PoolStride16", [] { return pool(PoolType::kMax, 2, 16, 0); }, kOk},
      {"PoolStride17", [] { return pool(PoolType::kMax, 2, 17, 0); },
       Expect{"pool.stride", {"stride 17x17", "[1,16]"}}.is("17x17", "[1,16]")},
      {"AvgPoolExclusivePadding", [] { return pool(PoolType::kAverage, 3, 1, 1, false); }, kOk,
       Expect{"pool.avg_inclusive", {"count_include_pad=1"}, {"count_include_pad=1"}}.is(
           "count_include_pad=0", "count_include_pad=1")},
      {"AvgPoolInclusivePadding", [] { return pool(PoolType::kAverage, 3, 1, 1, true); }, kOk},
      {"AvgPoolExclusiveNoPadding", [] { return pool(PoolType::kAverage, 3, 1, 0, false); }, kOk},
  };
}

class DlaRulesLayer : public ::testing::TestWithParam<CaseParam> {};

TEST_P(DlaRulesLayer, Verdict) {
  checkCase(GetParam());
}

INSTANTIATE_TEST_SUITE_P(DlaRules, DlaRulesLayer,
                         ::testing::Combine(::testing::ValuesIn(cases()),
                                            ::testing::Values("orin-agx", "xavier-agx")),
                         caseName);
}  // namespace
