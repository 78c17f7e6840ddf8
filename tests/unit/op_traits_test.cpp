// Per-kind knowledge reached through the op table (sim/ops/op_def.h): the cost model takes each
// layer's engine unit from its work record, and the facts that used to sit in per-kind switches
// come from the kind's traits.
#include "dla_rules_support.h"
#include "hwmodels/cost/clocks.h"
#include "hwmodels/cost/dla_cost.h"

namespace {

// The layer of `lg` alone in one DLA loadable on Orin, in `p`, costed by the DLA model.
hw::LayerCost dlaCostOfOnlyLayer(LayerGraph& lg, dlasim::Precision p) {
  lg.g.nodes[0].precision = p;
  sim::Partition part;
  part.loadableOf = {0};
  part.loadables = {sim::Loadable{{0}}};
  const hw::Platform& orin = hw::platformById("orin-agx");
  hw::BuildFacts facts;
  facts.fp16 = true;
  facts.int8 = p == dlasim::Precision::kINT8;
  hw::CostContext ctx(lg.g, part, orin, facts, hw::resolveClocks(orin, {}), 1);
  return hw::dlaLoadableCost(ctx, 0).layers.at(0);
}

// Before: the work record said Rubik, the cost model's own table "no unit", and no time.
TEST(OpTraits, CastingIdentityCostsRubikTimeAsItsWorkRecordSays) {
  LayerGraph lg = cast(sim::DType::kFloat);
  ASSERT_EQ(sim::layerWork(lg.g, lg.node()).unit, dlasim::EngineUnit::kRubik);
  hw::LayerCost c = dlaCostOfOnlyLayer(lg, dlasim::Precision::kFP16);
  EXPECT_EQ(c.unit, dlasim::EngineUnit::kRubik);
  EXPECT_GT(c.computeMs, 0);
  EXPECT_GT(c.dramBytes, 0);
  // A plain identity stays a view: no unit, no traffic, no time.
  LayerGraph view({1, 4, 4, 4});
  view.layer(OpKind::kIdentity, sim::IdentityAttrs{}, "Identity");
  hw::LayerCost v = dlaCostOfOnlyLayer(view, dlasim::Precision::kFP16);
  EXPECT_EQ(v.unit, dlasim::EngineUnit::kNone);
  EXPECT_EQ(v.ms, 0);
}

// Every layer's cost row names its work record's unit (the convolution core is the platform's:
// Orin runs FP16 convolutions on Rubik, INT8 ones on the convolution core here).
TEST(OpTraits, CostUnitIsTheWorkRecordsUnit) {
  ConvSpec cs;
  cs.inC = 8;
  cs.outC = 16;
  std::vector<std::pair<std::string, LayerGraph>> layers;
  layers.emplace_back("relu", relu({1, 8, 8, 8}));
  layers.emplace_back("sigmoid", act(sim::ActType::kSigmoid, "Sigmoid"));
  layers.emplace_back("maxpool", pool(sim::PoolType::kMax, 2, 2, 0));
  layers.emplace_back("lrn", lrn(3));
  layers.emplace_back("add", eltwise(sim::EltOp::kSum, "Add"));
  layers.emplace_back("slice",
                      slice({1, 2, 2, 2}, {1, 1, 1, 1}, sim::SliceMode::kDefault, "Slice"));
  layers.emplace_back("resize", resize(sim::ResizeMode::kNearest, {1, 1, 2, 2}));
  layers.emplace_back("reduce", reduce(sim::ReduceOp::kMean, {2, 3}, {1, 4, 4, 4}, "ReduceMean"));
  layers.emplace_back("conv", conv(cs));
  for (auto p : {dlasim::Precision::kFP16, dlasim::Precision::kINT8}) {
    for (auto& [name, lg] : layers) {
      dlasim::EngineUnit want = sim::layerWork(lg.g, lg.node()).unit;
      if (want == dlasim::EngineUnit::kConvolution && p == dlasim::Precision::kFP16)
        want = dlasim::EngineUnit::kRubik;
      EXPECT_EQ(dlaCostOfOnlyLayer(lg, p).unit, want) << name << " " << dlasim::precisionName(p);
    }
  }
}

// The facts behind the former switches, as the kinds state them.
TEST(OpTraits, KindFactsReplaceTheSwitches) {
  LayerGraph sig = act(sim::ActType::kSigmoid, "Sigmoid");
  EXPECT_FALSE(sim::opTraits(sig.node()).dlaInt8);  // seed §3.2.4
  EXPECT_EQ(sim::opTraits(sig.node()).sdp, sim::SdpClass::kLut);
  LayerGraph r = relu({1, 4, 4, 4});
  EXPECT_TRUE(sim::opTraits(r.node()).dlaInt8);
  EXPECT_TRUE(sim::opTraits(r.node()).commutesWithScale);
  EXPECT_EQ(sim::opTraits(r.node()).sdp, sim::SdpClass::kAffine);
  EXPECT_FALSE(sim::opTraits(lrn(3).node()).dlaInt8);
  LayerGraph c = cast(sim::DType::kInt32);
  EXPECT_FALSE(sim::opTraits(c.node()).commutesWithScale);
  EXPECT_TRUE(sim::opTraits(c.node()).gpuInt32);
  LayerGraph avg = pool(sim::PoolType::kAverage, 2, 2, 0);
  EXPECT_FALSE(sim::opTraits(avg.node()).commutesWithScale);
  EXPECT_EQ(sim::opTraits(avg.node()).int8, sim::Int8Model::kPooling);
}

// Layer info parameters come from each kind's params hook, ParameterType first.
TEST(OpTraits, LayerParamsStartWithTheParameterType) {
  ConvSpec cs;
  std::vector<LayerGraph> layers = {conv(cs), pool(sim::PoolType::kMax, 2, 2, 0), lrn(3),
                                    cast(sim::DType::kFloat)};
  for (auto& lg : layers) {
    const sim::Node& n = lg.node();
    sim::LayerParams ps = sim::opDef(n.kind).params(lg.g, n, sim::trtLayerType(n.kind));
    ASSERT_FALSE(ps.empty());
    EXPECT_EQ(ps[0].key, "ParameterType");
  }
  sim::LayerParams cp =
      sim::opDef(OpKind::kConvolution).params(layers[0].g, layers[0].node(), "CONVOLUTION");
  EXPECT_EQ(std::get<std::string>(cp[0].value), "Convolution");
  EXPECT_EQ(std::get<std::string>(
                sim::opDef(OpKind::kLRN).params(layers[2].g, layers[2].node(), "LRN")[0].value),
            "LRN");
}

}  // namespace
