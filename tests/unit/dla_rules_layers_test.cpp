// TensorRT's DLA rules for activations, softmax, concat, resize, slice, unary, reduce,
// element-wise, LRN and the rules every layer shares, for Orin and Xavier; and layers that
// break several rules at once.
#include "dla_rules_support.h"

namespace {

std::vector<Case> cases() {
  using hw::Precision;
  using sim::ActType;
  using sim::PoolType;
  using sim::ResizeMode;
  [[maybe_unused]] auto convWith = [](auto edit) {
    return [edit] {
      ConvSpec s;
      edit(s);
      return conv(s);
    };
  };
  return {
      // -- activations (seed §3.2.4)
      {"Relu", [] { return act(ActType::kRelu, "Relu"); }, ok(Precision::kINT8)},
      {"SigmoidRunsFp16", [] { return act(ActType::kSigmoid, "Sigmoid"); }, ok(Precision::kFP16)},
      {"Elu", [] { return act(ActType::kElu, "Elu", 1.f); },
       Expect{"act.type", {"only ReLU, Sigmoid, TanH"}}.is(
           "Elu", "ReLU, Sigmoid, TanH, clipped ReLU, leaky ReLU")},
      {"HardSwish", [] { return act(ActType::kHardSwish, "HardSwish"); },
       Expect{"act.type", {"only ReLU, Sigmoid, TanH"}, {"clipped ReLU and Mul"}}.is(
           "HardSwish", "ReLU, Sigmoid, TanH, clipped ReLU, leaky ReLU")},
      {"LeakyReluPositive", [] { return act(ActType::kLeakyRelu, "LeakyRelu", 0.1f); }, kOk},
      {"LeakyReluNegative", [] { return act(ActType::kLeakyRelu, "LeakyRelu", -0.5f); },
       Expect{"act.leaky_slope", {"negative slope -0.5"}}.is("-0.5", ">= 0")},
      {"Clip0to6", [] { return act(ActType::kClip, "Clip", 0.f, 6.f); }, kOk},
      {"Clip0to127", [] { return act(ActType::kClip, "Clip", 0.f, 127.f); }, kOk},
      {"ClipMinus1to6", [] { return act(ActType::kClip, "Clip", -1.f, 6.f); },
       Expect{"act.clip", {"Clip [-1, 6]", "[1,127]"}}.is("[-1, 6]", "[0, x] with x in [1,127]")},
      {"Clip0to128",
       [] { return act(ActType::kClip, "Clip", 0.f, 128.f); },
       {"act.clip", {"Clip [0, 128]", "[1,127]"}}},
      // -- softmax (seed §3.2.13): Orin only, FP16 only
      {"SoftMax",
       [] {
         LayerGraph lg({1, 10, 1, 1});
         lg.layer(OpKind::kSoftMax, sim::SoftMaxAttrs{1}, "Softmax");
         return lg;
       },
       ok(Precision::kFP16),
       Expect{"softmax.platform", {"Orin only", "Jetson AGX Xavier"}}.is("Jetson AGX Xavier",
                                                                         "Orin only")},
      // -- concatenation (seed §3.2.9)
      {"ConcatChannel",
       [] {
         LayerGraph lg({1, 2, 4, 4});
         TensorId b = lg.input("x2", {1, 3, 4, 4});
         lg.layer(OpKind::kConcatenation, sim::ConcatAttrs{1}, "Concat", {b});
         return lg;
       },
       kOk},
      {"ConcatAxis2",
       [] {
         LayerGraph lg({1, 2, 4, 4});
         TensorId b = lg.input("x2", {1, 2, 3, 4});
         lg.layer(OpKind::kConcatenation, sim::ConcatAttrs{2}, "Concat", {b});
         return lg;
       },
       Expect{"concat.axis", {"axis 2", "channel axis"}}.is("axis 2 of rank 4",
                                                            "axis 1 of rank 4")},
      // -- resize (seed §3.2.10)
      {"ResizeNearest32",
       [] {
         return resize(ResizeMode::kNearest, {1, 1, 32, 32});
       },
       kOk},
      {"ResizeNearest33",
       [] {
         return resize(ResizeMode::kNearest, {1, 1, 33, 33});
       },
       Expect{"resize.nearest_scale", {"scale 33", "[1,32]", "nearest"}, {"chain two resizes"}}.is(
           "33", "integer in [1,32]")},
      {"ResizeBilinear4",
       [] {
         return resize(ResizeMode::kLinear, {1, 1, 4, 4});
       },
       kOk},
      {"ResizeBilinear5",
       [] {
         return resize(ResizeMode::kLinear, {1, 1, 2, 5});
       },
       {"resize.linear_scale", {"scale 5 along dim 3", "[1,4]", "bilinear"}}},
      {"ResizeScale1_5",
       [] {
         return resize(ResizeMode::kNearest, {1, 1, 1.5f, 1.5f});
       },
       Expect{"resize.nearest_scale", {"scale 1.5", "not an integer"}}.is("1.5",
                                                                          "integer in [1,32]")},
      {"ResizeChannelScale",
       [] {
         return resize(ResizeMode::kNearest, {1, 2, 2, 2});
       },
       Expect{"resize.batch_channel", {"got 1 and 2"}}.is("1x2", "1x1")},
      {"ResizeBatchScale",
       [] {
         return resize(ResizeMode::kNearest, {2, 1, 2, 2});
       },
       {"resize.batch_channel", {"got 2 and 1"}}},
      {"ResizeCubic",
       [] {
         return resize(ResizeMode::kCubic, {1, 1, 2, 2});
       },
       {"resize.mode", {"cubic"}}},
      // -- slice (seed §3.2.12, design §3)
      {"SliceStride1",
       [] {
         return slice({1, 2, 2, 2}, {1, 1, 1, 1}, sim::SliceMode::kDefault, "Slice");
       },
       ok(Precision::kFP16)},
      {"SliceStride2",
       [] {
         return slice({1, 2, 2, 2}, {1, 1, 2, 1}, sim::SliceMode::kDefault, "Slice");
       },
       Expect{"slice.stride", {"stride 2 along dim 2"}}.is("2", "= 1")},
      {"Tile",
       [] {
         return slice({1, 4, 8, 8}, {1, 1, 1, 1}, sim::SliceMode::kWrap, "Tile");
       },
       Expect{"slice.mode", {"Tile", "wrap-around"}}.is("wrap (Tile)", "no wrap")},
      // -- unary (seed §3.2.11)
      {"UnaryAbs",
       [] {
         LayerGraph lg({1, 4, 4, 4});
         lg.layer(OpKind::kUnary, sim::UnaryAttrs{sim::UnaryOp::kAbs}, "Abs");
         return lg;
       },
       kOk},
      {"UnaryExp",
       [] {
         LayerGraph lg({1, 4, 4, 4});
         lg.layer(OpKind::kUnary, sim::UnaryAttrs{sim::UnaryOp::kExp}, "Exp");
         return lg;
       },
       Expect{"unary.op", {"only the ABS", "got Exp"}}.is("Exp", "Abs")},
      // -- reduce (design §3: MAX only over C/H/W)
      {"ReduceMaxChannel",
       [] {
         return reduce(sim::ReduceOp::kMax, {1}, {1, 8, 4, 4}, "ReduceMax");
       },
       kOk},
      {"ReduceMean2x2",
       [] {
         return reduce(sim::ReduceOp::kMean, {2, 3}, {1, 8, 2, 2}, "GlobalAveragePool");
       },
       Expect{
           "reduce.op", {"AVG", "MAX only"}, {"AveragePool with kernel 2x2", "GlobalAveragePool"}}
           .is("GlobalAveragePool", "MAX")},
      {"ReduceMean16x16",
       [] {
         return reduce(sim::ReduceOp::kMean, {2, 3}, {1, 8, 16, 16}, "GlobalAveragePool");
       },
       {"reduce.op", {"AVG"}, {"kernel 8 stride 8", "kernel 2x2"}}},
      {"ReduceMaxBatch",
       [] {
         return reduce(sim::ReduceOp::kMax, {0}, {2, 8, 4, 4}, "ReduceMax");
       },
       Expect{"reduce.axes", {"C, H or W"}}.is("axis 0 of 2x8x4x4", "C, H or W of a 4-D tensor")},
      // -- element-wise (seed §3.2.6, design §3)
      {"EltwiseSum", [] { return eltwise(sim::EltOp::kSum, "Add"); }, ok(Precision::kINT8)},
      {"ComparisonInt8", [] { return eltwise(sim::EltOp::kGreater, "Greater"); }, kOk},
      {"ComparisonFp16", [] { return eltwise(sim::EltOp::kGreater, "Greater"); },
       Expect{"eltwise.comparison_int8", {"INT8 only"}}.is("FP16", "INT8"), std::nullopt,
       Cfg::kFp16},
      {"EltwiseAnd",
       [] {
         LayerGraph lg({1, 4, 4, 4});
         lg.g.tensors[lg.x].desc.dtype = sim::DType::kBool;
         TensorId b = lg.g.addTensor("x2", {sim::DType::kBool, {1, 4, 4, 4}});
         lg.g.inputs.push_back(b);
         lg.layer(OpKind::kElementWise, sim::EltAttrs{sim::EltOp::kAnd}, "And", {b});
         return lg;
       },
       Expect{"eltwise.op", {"logical operations"}}.is(
           "And", "Sum, Sub, Prod, Max, Min, Equal, Greater, Less")},
      {"EltwiseFp16", [] { return eltwise(sim::EltOp::kSum, "Add"); }, ok(Precision::kFP16),
       std::nullopt, Cfg::kFp16},
      // -- LRN (seed §3.2.8)
      {"LrnWindow5", [] { return lrn(5); }, ok(Precision::kFP16)},
      {"LrnWindow4", [] { return lrn(4); },
       Expect{"lrn.window", {"window 4", "3, 5, 7, 9"}}.is("4", "{3,5,7,9}")},
      // -- every layer (seed §3.1, design §3)
      {"Fp32Only",
       [] {
         return relu({1, 4, 4, 4});
       },
       Expect{"general.precision", {"FP32 only"}, {"--fp16 or --int8"}}.is("FP32", "FP16 or INT8"),
       std::nullopt, Cfg::kFp32},
      {"Batch4096",
       [] {
         return relu({4096, 1, 1, 1});
       },
       kOk},
      {"Batch4097",
       [] {
         return relu({4097, 1, 1, 1});
       },
       Expect{"general.batch", {"4097 of 4097x1x1x1", "exceeds 4096"}}.is("4097", "<= 4096")},
      // NTCHW: the DLA batch is N*T (LRN takes a 5-D input without a rank rule).
      {"Batch5D4096",
       [] {
         return lrn(5, {2, 2048, 1, 1, 1});
       },
       kOk},
      {"Batch5D4098",
       [] {
         return lrn(5, {2, 2049, 1, 1, 1});
       },
       Expect{"general.batch", {"4098 of 2x2049x1x1x1", "exceeds 4096"}}.is("4098", "<= 4096")},
      {"DimW8192",
       [] {
         return relu({1, 1, 1, 8192});
       },
       kOk},
      {"DimW8193",
       [] {
         return relu({1, 1, 1, 8193});
       },
       Expect{"general.dims", {"dimension 8193 of 1x1x1x8193", "exceeds 8192"}}.is("8193",
                                                                                   "<= 8192")},
      {"DimC8193",
       [] {
         return relu({1, 8193, 1, 1});
       },
       Expect{"general.dims", {"dimension 8193 of 1x8193x1x1", "exceeds 8192"}}.is("8193",
                                                                                   "<= 8192")},
      {"Dynamic",
       [] {
         return relu({1, 4, 4, 4});
       },
       Expect{"general.dynamic", {"'x'", "dynamic dimensions"}}.is("dynamic",
                                                                   "static (min = max shape)"),
       std::nullopt, Cfg::kInt8Dynamic},
      // A Cast to int32 breaks the type rule on its output and the cast rule itself.
      {"CastToInt32Type", [] { return cast(sim::DType::kInt32); },
       Expect{"general.type", {"'y0' is int32", "FP16/INT8"}}.is("int32", "float")},
      {"CastToInt32", [] { return cast(sim::DType::kInt32); },
       Expect{"identity.cast", {"type casts"}}.is("cast to int32", "no cast")},
  };
}

class DlaRulesLayersLayer : public ::testing::TestWithParam<CaseParam> {};

TEST_P(DlaRulesLayersLayer, Verdict) {
  checkCase(GetParam());
}

INSTANTIATE_TEST_SUITE_P(DlaRulesLayers, DlaRulesLayersLayer,
                         ::testing::Combine(::testing::ValuesIn(cases()),
                                            ::testing::Values("orin-agx", "xavier-agx")),
                         caseName);

const char* const kPlatforms[] = {"orin-agx", "xavier-agx"};

TEST(DlaRulesMulti, ListsEveryBrokenRule) {
  for (const char* id : kPlatforms) {
    SCOPED_TRACE(id);
    ConvSpec s;
    s.kernel = {33, 33};
    s.strides = {9, 9};
    s.dilations = {33, 33};
    LayerGraph lg = conv(s);
    hw::RuleConfig cfg;
    cfg.int8 = true;
    hw::LayerVerdict v = hw::checkLayer(lg.g, lg.node(), hw::platformById(id), cfg);
    std::vector<std::string> rules, values;
    for (const auto& x : v.violations) {
      rules.push_back(x.rule);
      values.push_back(x.value + " vs " + x.limit);
    }
    EXPECT_EQ(rules, (std::vector<std::string>{"conv.kernel", "conv.stride", "conv.dilation"}))
        << describe(v);
    EXPECT_EQ(values,
              (std::vector<std::string>{"33x33 vs [1,32]", "9x9 vs [1,8]", "33x33 vs [1,32]"}))
        << describe(v);
  }
}

TEST(DlaRulesValues, LayerPrecisionOverride) {
  LayerGraph lg = relu({1, 4, 4, 4});
  hw::RuleConfig cfg;
  cfg.fp16 = true;
  cfg.layerPrecisions[lg.node().name] = hw::Precision::kFP32;
  for (const char* id : kPlatforms) {
    SCOPED_TRACE(id);
    expectVerdict(hw::checkLayer(lg.g, lg.node(), hw::platformById(id), cfg),
                  Expect{"general.precision", {"--layerPrecisions asks for fp32"}}.is(
                      "fp32", "fp16 or int8"));
  }
}

TEST(DlaRulesMulti, SymmetricPaddingReportedOnce) {
  for (const char* id : kPlatforms) {
    SCOPED_TRACE(id);
    ConvSpec s;
    s.kernel = {33, 33};
    s.padsBegin = s.padsEnd = {32, 32};
    LayerGraph lg = conv(s);
    hw::RuleConfig cfg;
    cfg.int8 = true;
    hw::LayerVerdict v = hw::checkLayer(lg.g, lg.node(), hw::platformById(id), cfg);
    std::vector<std::string> rules;
    for (const auto& x : v.violations) rules.push_back(x.rule);
    EXPECT_EQ(rules, (std::vector<std::string>{"conv.kernel", "conv.padding"})) << describe(v);
    LayerGraph pl = pool(sim::PoolType::kMax, 8, 1, 8);
    hw::LayerVerdict pv = hw::checkLayer(pl.g, pl.node(), hw::platformById(id), cfg);
    ASSERT_EQ(pv.violations.size(), 1u) << describe(pv);
    EXPECT_EQ(pv.violations[0].rule, "pool.padding");
  }
}

TEST(DlaRulesMulti, DeconvBreakingSeveralRules) {
  for (const char* id : kPlatforms) {
    SCOPED_TRACE(id);
    ConvSpec s;
    s.kernel = {24, 24};
    s.padsBegin = s.padsEnd = {1, 1};
    s.dilations = {2, 2};
    s.group = s.inC = s.outC = 2;
    LayerGraph lg = deconv(s);
    hw::RuleConfig cfg;
    cfg.int8 = true;
    hw::LayerVerdict v = hw::checkLayer(lg.g, lg.node(), hw::platformById(id), cfg);
    std::vector<std::string> rules;
    for (const auto& x : v.violations) rules.push_back(x.rule);
    EXPECT_EQ(rules, (std::vector<std::string>{"deconv.square", "deconv.padding", "deconv.groups",
                                               "deconv.dilation"}))
        << describe(v);
  }
}

TEST(DlaRulesMulti, PlatformsDifferOnlyWhereDocumented) {
  const auto& o = hw::platformById("orin-agx").limits;
  const auto& x = hw::platformById("xavier-agx").limits;
  EXPECT_TRUE(o.softmax);
  EXPECT_FALSE(x.softmax);
  EXPECT_FALSE(o.avgPoolNeedsInclusivePadding);
  EXPECT_TRUE(x.avgPoolNeedsInclusivePadding);
  EXPECT_EQ(o.maxLoadablesPerCore, 16);
  EXPECT_EQ(x.maxLoadablesPerCore, 16);
  EXPECT_EQ(o.maxBatch, 4096);
  EXPECT_EQ(x.maxBatch, 4096);
}

TEST(DlaRulesEltwise, ComputedOperandsMustBe4DConstantsBroadcast) {
  const hw::Platform& orin = hw::platformById("orin-agx");
  hw::RuleConfig cfg;
  cfg.int8 = true;
  cfg.trt = &hw::trtVersionById("10.3");  // Div on the DLA (TDV A8); 8.4 has none
  LayerGraph scalarDiv({1, 4, 4, 4});
  scalarDiv.layer(OpKind::kElementWise, sim::EltAttrs{sim::EltOp::kDiv}, "Div",
                  {scalarDiv.constant("six", {})});
  EXPECT_TRUE(hw::checkLayer(scalarDiv.g, scalarDiv.node(), orin, cfg).ok());
  LayerGraph flat({4, 16});
  flat.layer(OpKind::kElementWise, sim::EltAttrs{sim::EltOp::kSum}, "Add",
             {flat.input("x2", {4, 16})});
  auto v = hw::checkLayer(flat.g, flat.node(), orin, cfg);
  ASSERT_EQ(v.violations.size(), 1u) << describe(v);
  EXPECT_EQ(v.violations[0].rule, "eltwise.rank");
  EXPECT_NE(v.violations[0].message.find("got 4x16 and 4x16"), std::string::npos);
  EXPECT_EQ(v.violations[0].value, "4x16 and 4x16");
  EXPECT_EQ(v.violations[0].limit, "4-D NCHW (constants: rank <= 4)");
}

}  // namespace
