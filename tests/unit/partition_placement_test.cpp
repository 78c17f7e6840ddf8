// The partitioner's network-level rules (loadables, batch, weights, islands) on hand-built
// graphs, and the placement a full run prints for the bundled example models.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/run.h"
#include "hwmodels/dla_rules.h"
#include "hwmodels/platform.h"
#include "sim/ir/graph.h"
#include "sim/partition/partitioner.h"
#include "sim/runtime/executor.h"
#include "test_support.h"

namespace {

using testsupport::Result;
using testsupport::runCli;
namespace fs = std::filesystem;
using sim::Attrs;
using sim::OpKind;
using sim::Shape;
using sim::TensorId;

// ---- partitioner -----------------------------------------------------------------------------

// x -> n0 -> n1 -> ... -> n{N-1}: Relu layers named n0..n{N-1}.
sim::Graph chain(int n) {
  sim::Graph g;
  TensorId t = g.addTensor("x", {sim::DType::kFloat, {1, 4, 4, 4}});
  g.inputs.push_back(t);
  for (int i = 0; i < n; ++i) {
    sim::Node node;
    node.kind = OpKind::kActivation;
    node.name = "n" + std::to_string(i);
    node.onnxOp = "Relu";
    node.attrs = sim::ActivationAttrs{};
    node.inputs = {t};
    t = g.addTensor("t" + std::to_string(i), {sim::DType::kFloat, {1, 4, 4, 4}});
    g.tensors[t].producer = i;
    node.outputs = {t};
    g.nodes.push_back(std::move(node));
  }
  g.outputs.push_back(t);
  return g;
}

sim::PartitionInput allDla(const sim::Graph& g) {
  sim::PartitionInput in;
  in.dlaCapable.assign(g.nodes.size(), true);
  in.dlaBatch.assign(g.nodes.size(), 1);
  in.weightBytes.assign(g.nodes.size(), 0);
  return in;
}

std::vector<std::string> names(const sim::Graph& g, const sim::Partition& p) {
  std::vector<std::string> v;
  for (const auto& l : p.loadables) v.push_back(sim::foreignNodeName(g, l));
  return v;
}

// Even nodes DLA, odd nodes GPU: every DLA node is its own island.
sim::PartitionInput alternating(const sim::Graph& g) {
  sim::PartitionInput in = allDla(g);
  for (size_t i = 0; i < g.nodes.size(); ++i) in.dlaCapable[i] = i % 2 == 0;
  return in;
}

TEST(PartitionLoadables, SixteenIslandsAllOnDla) {
  sim::Graph g = chain(31);  // DLA nodes n0, n2, ..., n30
  sim::Partition p = sim::partition(g, alternating(g));
  EXPECT_EQ(p.loadables.size(), 16u);
  EXPECT_TRUE(p.evicted.empty());
  EXPECT_EQ(p.loadableOf[30], 15);
  EXPECT_EQ(names(g, p).back(), "{ForeignNode[n30]}");
}

TEST(PartitionLoadables, SeventeenthIslandGoesToGpu) {
  sim::Graph g = chain(33);  // 17 DLA islands
  sim::Partition p = sim::partition(g, alternating(g));
  ASSERT_EQ(p.loadables.size(), 16u);
  EXPECT_EQ(p.loadableOf[30], 15);
  EXPECT_EQ(p.loadableOf[32], -1);
  ASSERT_EQ(p.evicted.size(), 1u);
  EXPECT_EQ(p.evicted[0].node, 32);
  EXPECT_EQ(p.evicted[0].rule, "network.loadables");
  EXPECT_NE(p.evicted[0].message.find("16 subgraphs per DLA core"), std::string::npos)
      << p.evicted[0].message;
}

TEST(PartitionLoadables, LimitIsAnInput) {
  sim::Graph g = chain(9);  // 5 islands
  sim::PartitionInput in = alternating(g);
  in.maxLoadables = 3;
  sim::Partition p = sim::partition(g, in);
  EXPECT_EQ(p.loadables.size(), 3u);
  EXPECT_EQ(p.evicted.size(), 2u);
  EXPECT_EQ(p.loadableOf[6], -1);
  EXPECT_EQ(p.loadableOf[8], -1);
}

TEST(PartitionBatch, BatchChangeSplitsLoadable) {
  sim::Graph g = chain(4);
  sim::PartitionInput in = allDla(g);
  in.dlaBatch = {1, 1, 2, 2};
  sim::Partition p = sim::partition(g, in);
  EXPECT_EQ(names(g, p),
            (std::vector<std::string>{"{ForeignNode[n0...n1]}", "{ForeignNode[n2...n3]}"}));
  EXPECT_EQ(p.loadableOf, (std::vector<int>{0, 0, 1, 1}));
  EXPECT_TRUE(p.evicted.empty());
}

TEST(PartitionBatch, SameBatchStaysTogether) {
  sim::Graph g = chain(4);
  sim::PartitionInput in = allDla(g);
  in.dlaBatch = {8, 8, 8, 8};
  sim::Partition p = sim::partition(g, in);
  EXPECT_EQ(names(g, p), (std::vector<std::string>{"{ForeignNode[n0...n3]}"}));
}

TEST(PartitionWeights, BudgetEvictsLaterLoadables) {
  sim::Graph g = chain(7);  // islands n0, n2, n4, n6
  sim::PartitionInput in = alternating(g);
  in.maxWeightBytes = 100;
  in.weightBytes = {60, 0, 50, 0, 30, 0, 20};
  sim::Partition p = sim::partition(g, in);
  // n0 (60) fits; n2 would reach 110: GPU; n4 reaches 90; n6 would reach 110: GPU.
  EXPECT_EQ(names(g, p), (std::vector<std::string>{"{ForeignNode[n0]}", "{ForeignNode[n4]}"}));
  EXPECT_EQ(p.loadableOf, (std::vector<int>{0, -1, -1, -1, 1, -1, -1}));
  ASSERT_EQ(p.evicted.size(), 2u);
  EXPECT_EQ(p.evicted[0].node, 2);
  EXPECT_EQ(p.evicted[0].rule, "network.weights");
  EXPECT_NE(p.evicted[0].message.find("110 bytes"), std::string::npos) << p.evicted[0].message;
  EXPECT_NE(p.evicted[0].message.find("100-byte limit"), std::string::npos) << p.evicted[0].message;
  EXPECT_EQ(p.evicted[1].node, 6);
}

TEST(PartitionWeights, ExactlyAtBudgetFits) {
  sim::Graph g = chain(3);
  sim::PartitionInput in = alternating(g);
  in.maxWeightBytes = 100;
  in.weightBytes = {40, 0, 60};
  sim::Partition p = sim::partition(g, in);
  EXPECT_EQ(p.loadables.size(), 2u);
  EXPECT_TRUE(p.evicted.empty());
}

TEST(PartitionNames, ForeignNodeFormats) {
  sim::Graph g = chain(3);
  g.nodes[0].name = "a";
  g.nodes[1].name = "b";
  g.nodes[2].name = "c";
  sim::Loadable one{{0}}, three{{0, 1, 2}};
  EXPECT_EQ(sim::foreignNodeName(g, one), "{ForeignNode[a]}");
  EXPECT_EQ(sim::foreignNodeName(g, three), "{ForeignNode[a...c]}");
  sim::Partition p = sim::partition(g, allDla(g));
  EXPECT_EQ(names(g, p), (std::vector<std::string>{"{ForeignNode[a...c]}"}));
}

// Adds node `name` reading `inputs`; returns its output tensor.
TensorId addRelu(sim::Graph& g, const std::string& name, std::vector<TensorId> inputs) {
  sim::Node n;
  n.kind = inputs.size() == 1 ? OpKind::kActivation : OpKind::kElementWise;
  n.name = name;
  n.onnxOp = inputs.size() == 1 ? "Relu" : "Add";
  if (inputs.size() == 1)
    n.attrs = sim::ActivationAttrs{};
  else
    n.attrs = sim::EltAttrs{};
  n.inputs = std::move(inputs);
  TensorId t = g.addTensor(name + "_out", {sim::DType::kFloat, {1, 4, 4, 4}});
  g.tensors[t].producer = sim::NodeId(g.nodes.size());
  n.outputs = {t};
  g.nodes.push_back(std::move(n));
  return t;
}

TEST(PartitionIslands, DlaFedByIslandJoinsGpuPathFromIslandSplits) {
  // A(DLA) -> B(GPU); A -> C(DLA); B -> D(DLA).
  sim::Graph g;
  TensorId x = g.addTensor("x", {sim::DType::kFloat, {1, 4, 4, 4}});
  g.inputs.push_back(x);
  TensorId a = addRelu(g, "A", {x});
  TensorId b = addRelu(g, "B", {a});
  addRelu(g, "C", {a});
  addRelu(g, "D", {b});
  sim::PartitionInput in = allDla(g);
  in.dlaCapable[1] = false;
  sim::Partition p = sim::partition(g, in);
  EXPECT_EQ(p.loadableOf, (std::vector<int>{0, -1, 0, 1}));
  EXPECT_EQ(names(g, p), (std::vector<std::string>{"{ForeignNode[A...C]}", "{ForeignNode[D]}"}));
}

TEST(PartitionIslands, GpuPathNotFromIslandDoesNotSplit) {
  // G(GPU) reads only the network input; A(DLA); E = A + G joins A's island.
  sim::Graph g;
  TensorId x = g.addTensor("x", {sim::DType::kFloat, {1, 4, 4, 4}});
  g.inputs.push_back(x);
  TensorId gpu = addRelu(g, "G", {x});
  TensorId a = addRelu(g, "A", {x});
  addRelu(g, "E", {a, gpu});
  sim::PartitionInput in = allDla(g);
  in.dlaCapable[0] = false;
  sim::Partition p = sim::partition(g, in);
  EXPECT_EQ(p.loadableOf, (std::vector<int>{-1, 0, 0}));
  EXPECT_EQ(names(g, p), (std::vector<std::string>{"{ForeignNode[A...E]}"}));
}

TEST(PartitionIslands, GpuPathThroughGpuChainStillSplits) {
  // A(DLA) -> G1(GPU) -> G2(GPU) -> E = A + G2: E waits for the GPU, so a new island.
  sim::Graph g;
  TensorId x = g.addTensor("x", {sim::DType::kFloat, {1, 4, 4, 4}});
  g.inputs.push_back(x);
  TensorId a = addRelu(g, "A", {x});
  TensorId g1 = addRelu(g, "G1", {a});
  TensorId g2 = addRelu(g, "G2", {g1});
  addRelu(g, "E", {a, g2});
  sim::PartitionInput in = allDla(g);
  in.dlaCapable[1] = in.dlaCapable[2] = false;
  sim::Partition p = sim::partition(g, in);
  EXPECT_EQ(p.loadableOf, (std::vector<int>{0, -1, -1, 1}));
}

// ---- end to end: the placement a run prints -------------------------------------------------

const std::string kModelGN = std::string(DLASIM_BINARY_DIR) + "/examples/model_gn.onnx";
const std::string kModelBN = std::string(DLASIM_BINARY_DIR) + "/examples/model_bn.onnx";

// The text after "[DlaLayer] " / "[GpuLayer] " on each such line, in order.
std::vector<std::string> tagged(const std::string& log, const std::string& tag) {
  std::vector<std::string> v;
  std::istringstream is(log);
  std::string line;
  while (std::getline(is, line)) {
    size_t at = line.find(tag);
    if (at != std::string::npos) v.push_back(line.substr(at + tag.size()));
  }
  return v;
}

const std::vector<std::string> kSeedFlags = {
    "--shapes=input:32x3x32x32", "--int8",        "--useDLACore=0",
    "--allowGPUFallback",        "--useSpinWait", "--separateProfileRun"};

std::vector<std::string> withFlags(const std::string& model, std::vector<std::string> flags) {
  std::vector<std::string> v = {"--onnx=" + model};
  v.insert(v.end(), flags.begin(), flags.end());
  return v;
}

TEST(PlacementEndToEnd, ModelGNSeedPlacement) {
  Result r = runCli(withFlags(kModelGN, kSeedFlags));
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(
      tagged(r.out, "[DlaLayer] "),
      (std::vector<std::string>{"{ForeignNode[Conv_0]}", "{ForeignNode[Relu_10...Conv_11]}",
                                "{ForeignNode[Relu_21...Conv_22]}",
                                "{ForeignNode[Relu_32...Conv_33]}", "{ForeignNode[Relu_43]}"}))
      << r.out;
  // The seed log's GPU lines, in its order and with the names TensorRT 8.4's parser gives the
  // layers it adds ("(Unnamed Layer* N)": N counts every layer of its network).
  std::vector<std::string> gpu = tagged(r.out, "[GpuLayer] ");
  ASSERT_GE(gpu.size(), 6u) << r.out;
  EXPECT_EQ(std::vector<std::string>(gpu.begin(), gpu.begin() + 6),
            (std::vector<std::string>{"SHUFFLE: Reshape_2 + (Unnamed Layer* 7) [Shuffle]",
                                      "PLUGIN_V2: InstanceNormalization_5",
                                      "SHUFFLE: (Unnamed Layer* 12) [Shuffle] + Reshape_7",
                                      "SCALE: 71 + (Unnamed Layer* 16) [Shuffle] + Mul_8",
                                      "SCALE: 72 + (Unnamed Layer* 19) [Shuffle] + Add_9",
                                      "SHUFFLE: Reshape_13 + (Unnamed Layer* 29) [Shuffle]"}))
      << r.out;
  // The classifier stays a MatrixMultiply on the GPU (the seed has exactly 5 loadables; the
  // plugin assumption of docs/dla-rules.md).
  EXPECT_EQ(gpu.back(),
            "MATRIX_MULTIPLY: Gemm_52 + linear.bias + (Unnamed Layer* 99) [Shuffle] + (Unnamed "
            "Layer* 100) [ElementWise]")
      << r.out;
}

TEST(PlacementEndToEnd, ModelBNWithoutFallbackFails) {
  Result r = runCli(withFlags(kModelBN, {"--shapes=input:32x3x32x32", "--int8", "--useDLACore=0"}));
  EXPECT_EQ(r.code, 1) << r.err << r.out;
  EXPECT_NE(r.err.find("GlobalAveragePool_8"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("reduce.op"), std::string::npos) << r.err;
  EXPECT_TRUE(tagged(r.out, "[DlaLayer] ").empty()) << r.out;
}

TEST(PlacementEndToEnd, MissingDlaCoreIsAFlagError) {
  Result r = runCli(withFlags(kModelBN, {"--shapes=input:1x3x32x32", "--int8", "--useDLACore=1",
                                         "--allowGPUFallback", "--platform=orin-nx-8gb"}));
  EXPECT_EQ(r.code, 2) << r.err << r.out;
  EXPECT_NE(r.err.find("--useDLACore=1"), std::string::npos) << r.err;
  // The same core exists on the two-core Orin NX 16GB.
  Result ok = runCli(withFlags(kModelBN, {"--shapes=input:1x3x32x32", "--int8", "--useDLACore=1",
                                          "--allowGPUFallback", "--platform=orin-nx-16gb"}));
  EXPECT_EQ(ok.code, 0) << ok.err;
}

TEST(PlacementEndToEnd, NoDlaCoreNoDlaLayers) {
  Result r = runCli(withFlags(kModelGN, {"--shapes=input:1x3x32x32", "--int8"}));
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_TRUE(tagged(r.out, "[DlaLayer] ").empty()) << r.out;
  EXPECT_TRUE(tagged(r.out, "[GpuLayer] ").empty()) << r.out;
}

TEST(PlacementEndToEnd, XavierModelGNSamePlacement) {
  std::vector<std::string> flags = kSeedFlags;
  flags.push_back("--platform=xavier-agx");
  Result r = runCli(withFlags(kModelGN, flags));
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(tagged(r.out, "[DlaLayer] ").size(), 5u) << r.out;
}

TEST(PlacementEndToEnd, StandaloneWithoutDlaFormatsFails) {
  // model_bn has GPU layers too: every problem is logged; io.format among them.
  Result r = runCli(withFlags(
      kModelBN, {"--shapes=input:1x3x32x32", "--int8", "--useDLACore=0", "--buildDLAStandalone"}));
  EXPECT_EQ(r.code, 1) << r.err << r.out;
  EXPECT_NE(r.out.find("[io.format]"), std::string::npos) << r.out;
}

// A Conv -> Relu network every layer of which runs on the DLA.
std::string writeConvReluModel() {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.set_producer_name("dla_rules_test");
  auto* op = m.add_opset_import();
  op->set_domain("");
  op->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("conv_relu");
  auto* in = g->add_input();
  in->set_name("x");
  in->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {1, 3, 8, 8})
    in->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(d);
  auto* w = g->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {4, 3, 3, 3}) w->add_dims(d);
  std::vector<float> wv(4 * 3 * 3 * 3, 0.1f);
  w->set_raw_data(std::string(reinterpret_cast<const char*>(wv.data()), wv.size() * sizeof(float)));
  auto* conv = g->add_node();
  conv->set_op_type("Conv");
  conv->set_name("conv0");
  conv->add_input("x");
  conv->add_input("w");
  conv->add_output("c");
  auto* pads = conv->add_attribute();
  pads->set_name("pads");
  pads->set_type(onnx::AttributeProto::INTS);
  for (int64_t p : {1, 1, 1, 1}) pads->add_ints(p);
  auto* relu = g->add_node();
  relu->set_op_type("Relu");
  relu->set_name("relu0");
  relu->add_input("c");
  relu->add_output("y");
  auto* out = g->add_output();
  out->set_name("y");
  out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  fs::path dir = fs::path(::testing::TempDir()) / "dla_rules_test";
  fs::create_directories(dir);
  fs::path file = dir / "conv_relu.onnx";
  std::string bytes;
  m.SerializeToString(&bytes);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  return file.string();
}

TEST(PlacementEndToEnd, StandaloneNeedsDlaIOFormats) {
  std::string model = writeConvReluModel();
  Result bad = runCli(withFlags(model, {"--int8", "--useDLACore=0", "--buildDLAStandalone"}));
  EXPECT_EQ(bad.code, 1) << bad.err << bad.out;
  EXPECT_NE(bad.err.find("io.format"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("input 'x'"), std::string::npos) << bad.err;
  Result good = runCli(
      withFlags(model, {"--int8", "--useDLACore=0", "--buildDLAStandalone",
                        "--inputIOFormats=int8:dla_linear", "--outputIOFormats=int8:chw32"}));
  EXPECT_EQ(good.code, 0) << good.err << good.out;
  EXPECT_EQ(tagged(good.out, "[DlaLayer] "),
            (std::vector<std::string>{"{ForeignNode[conv0...relu0]}"}))
      << good.out;
  fs::remove_all(fs::path(model).parent_path());
}

}  // namespace
