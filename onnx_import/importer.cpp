// The import loop: parse, bind inputs and initializers, order the nodes, call one importer per
// node, fold constants as they appear, bind the graph outputs.
#include "onnx_import/importer.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <queue>
#include <sstream>
#include <unordered_set>

#include "onnx_import/context.h"
#include "onnx_import/ops/quantize.h"
#include "sim/ops/op_def.h"
#include "sim/ir/memory_budget.h"

namespace onnx_import {

using sim::fail;
using sim::TensorId;

class GraphBuilder {
 public:
  sim::Graph g;
  std::unordered_map<std::string, TensorId> names;   // ONNX tensor name -> IR tensor
  std::unordered_map<std::string, float> quantized;  // QuantizeLinear output -> its scale
  std::vector<TrtValue> trt;                         // per IR tensor: the parser's view
  int trtNext = 0;                                   // index of the parser's next layer
  int64_t budget = 0;      // bytes of constants the import may hold (ImportOptions)
  int64_t constBytes = 0;  // bytes of constants held so far

  TensorId lookup(const std::string& name) const {
    auto it = names.find(name);
    return it == names.end() ? sim::kNoTensor : it->second;
  }
  TrtValue& trtOf(TensorId t) {
    if (trt.size() < g.tensors.size()) trt.resize(g.tensors.size());
    return trt[size_t(t)];
  }
};

// ---- NodeContext ------------------------------------------------------------------------

const sim::Graph& NodeContext::graph() const {
  return b_.g;
}

sim::TensorInfo& NodeContext::tensorInfo(TensorId t) {
  return b_.g.tensors[t];
}

std::unordered_map<std::string, float>& NodeContext::quantizedOutputs() {
  return b_.quantized;
}

void NodeContext::error(const std::string& msg) const {
  fail("node '", name_, "' (", opType(), "): ", msg);
}

TensorId NodeContext::input(int i) const {
  if (!hasInput(i)) error(sim::cat("required input #", i, " is missing"));
  TensorId t = b_.lookup(node_.input(i));
  if (t == sim::kNoTensor) error(sim::cat("input '", node_.input(i), "' is not defined"));
  return t;
}

const sim::TensorDesc& NodeContext::desc(int i) const {
  return b_.g.desc(input(i));
}

const sim::Tensor* NodeContext::constant(int i) const {
  if (!hasInput(i)) return nullptr;
  const auto& info = b_.g.tensor(input(i));
  return info.isConstant() ? &info.value : nullptr;
}

const sim::Tensor& NodeContext::requireConstant(int i, const char* what) const {
  const sim::Tensor* t = constant(i);
  if (!t)
    error(sim::cat(what, " (input '", hasInput(i) ? node_.input(i) : std::string("?"),
                   "') must be a constant or computable from constants once --shapes is set"));
  return *t;
}

const onnx::AttributeProto* NodeContext::attr(const std::string& n) const {
  for (const auto& a : node_.attribute())
    if (a.name() == n) return &a;
  return nullptr;
}

int64_t NodeContext::attrInt(const std::string& n, int64_t def) const {
  auto* a = attr(n);
  return a ? a->i() : def;
}
float NodeContext::attrFloat(const std::string& n, float def) const {
  auto* a = attr(n);
  return a ? a->f() : def;
}
std::string NodeContext::attrString(const std::string& n, const std::string& def) const {
  auto* a = attr(n);
  return a ? a->s() : def;
}
std::vector<int64_t> NodeContext::attrInts(const std::string& n, std::vector<int64_t> def) const {
  auto* a = attr(n);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : def;
}
std::vector<float> NodeContext::attrFloats(const std::string& n, std::vector<float> def) const {
  auto* a = attr(n);
  return a ? std::vector<float>(a->floats().begin(), a->floats().end()) : def;
}
sim::Tensor NodeContext::attrTensor(const std::string& n) const {
  auto* a = attr(n);
  if (!a || !a->has_t()) error(sim::cat("attribute '", n, "' is missing"));
  onnx::TensorProto copy = a->t();
  try {
    return tensorFromProto(copy, "");
  } catch (const sim::Error& e) {
    error(e.what());
  }
}

std::vector<TensorId> NodeContext::add(sim::OpKind kind, sim::Attrs attrs,
                                       std::vector<TensorId> inputs, int numOutputs,
                                       const std::string& suffix) {
  sim::Node n;
  n.kind = kind;
  n.name = suffix.empty() && layerCount_ == 0
               ? name_
               : name_ + (suffix.empty() ? "_" + std::to_string(layerCount_) : "_" + suffix);
  n.inputs = std::move(inputs);
  n.attrs = std::move(attrs);
  return addLayer(std::move(n), numOutputs, "");
}

TensorId NodeContext::addNamed(sim::OpKind kind, sim::Attrs attrs, std::vector<TensorId> inputs,
                               const std::string& layerName, const std::string& outputName) {
  sim::Node n;
  n.kind = kind;
  n.name = layerName;
  n.inputs = std::move(inputs);
  n.attrs = std::move(attrs);
  return addLayer(std::move(n), 1, outputName)[0];
}

const TrtValue& NodeContext::trtOf(TensorId t) const {
  return b_.trtOf(t);
}

std::vector<TensorId> NodeContext::addLayer(sim::Node n, int numOutputs,
                                            const std::string& outputName) {
  ++layerCount_;
  n.onnxOp = opType();
  n.onnxName = name_;
  auto& g = b_.g;
  std::vector<sim::TensorDesc> outs = sim::inferNode(g, n);
  bool allConst = true;
  // The parser's view of the outputs: dynamic or not.
  TrtValue view;
  for (TensorId t : n.inputs) {
    if (t == sim::kNoTensor) continue;
    const TrtValue& v = b_.trtOf(t);
    if (g.tensor(t).isConstant()) continue;
    allConst = false;
    view.dynamicDims |= v.dynamicDims;
  }
  if (allConst) view.dynamicDims = false;  // a shape computation's result
  for (int k = 0; k < numOutputs; ++k) {
    if (size_t(k) >= outs.size()) error("internal: layer produced fewer outputs than requested");
    std::string name =
        !outputName.empty() && k == 0 ? outputName : n.name + "_out" + (k ? std::to_string(k) : "");
    n.outputs.push_back(g.addTensor(g.uniqueName(name), outs[k]));
    b_.trtOf(n.outputs.back()) = view;
  }
  if (allConst) {
    // Fold: run the layer now and keep its outputs as constants -- within the memory budget,
    // checked before anything is allocated.
    for (TensorId t : n.outputs) {
      const sim::TensorDesc& d = g.desc(t);
      int64_t bytes = sim::volume(d.shape) * int64_t(sim::dtypeSize(d.dtype));
      checkMemory(bytes, sim::cat("folded constant '", g.tensor(t).name, "' (",
                                  sim::dtypeName(d.dtype), " ", sim::shapeStr(d.shape), ")"));
      b_.constBytes += bytes;
    }
    sim::OpIO io;
    std::vector<sim::Tensor> results;
    results.reserve(n.outputs.size());
    for (TensorId t : n.inputs) {
      io.in.push_back(t == sim::kNoTensor ? nullptr : &g.tensor(t).value);
      io.constant.push_back(t != sim::kNoTensor);
    }
    for (TensorId t : n.outputs) results.emplace_back(g.desc(t).dtype, g.desc(t).shape);
    for (auto& r : results) io.out.push_back(&r);
    try {
      sim::opDef(n.kind).run(n, io);
    } catch (const sim::Error& e) {
      error(e.what());
    }
    for (size_t k = 0; k < n.outputs.size(); ++k)
      g.tensors[n.outputs[k]].value = std::move(results[k]);
    return n.outputs;
  }
  sim::NodeId id = sim::NodeId(g.nodes.size());
  for (TensorId t : n.outputs) g.tensors[t].producer = id;
  g.nodes.push_back(std::move(n));
  return g.nodes.back().outputs;
}

void NodeContext::checkMemory(int64_t bytes, const std::string& what) const {
  try {
    sim::requireWithinBudget(b_.constBytes, bytes, b_.budget, what);
  } catch (const sim::Error& e) {
    error(e.what());
  }
}

TensorId NodeContext::addConstant(sim::Tensor value, const std::string& hint) {
  std::string name = b_.g.uniqueName(name_ + "_" + hint);
  checkMemory(int64_t(value.bytes()), sim::cat("constant '", name, "'"));
  b_.constBytes += int64_t(value.bytes());
  return b_.g.addConstant(std::move(name), std::move(value));
}

TensorId NodeContext::scalar(float v, const std::string& hint) {
  return addConstant(sim::Tensor::fromVector<float>(sim::DType::kFloat, {}, {v}), hint);
}

// ---- the import loop ------------------------------------------------------------------

namespace {

sim::Shape declaredShape(const onnx::ValueInfoProto& vi, bool* dynamic) {
  sim::Shape s;
  *dynamic = false;
  const auto& tt = vi.type().tensor_type();
  if (!tt.has_shape()) {
    *dynamic = true;
    return s;
  }
  for (const auto& d : tt.shape().dim()) {
    // -1 is read as dynamic (as TensorRT's parser does); other negative sizes are corrupt.
    if (d.has_dim_value() && d.dim_value() < -1)
      fail("input '", vi.name(), "' declares negative dimension ", d.dim_value(), " (dimension ",
           s.size(), ")");
    if (d.has_dim_value() && d.dim_value() >= 0) {
      s.push_back(d.dim_value());
    } else {
      s.push_back(-1);
      *dynamic = true;
    }
  }
  return s;
}

// Orders nodes so each comes after the producers of its inputs; names the first problem.
std::vector<int> topoOrder(const onnx::GraphProto& graph,
                           const std::unordered_set<std::string>& available,
                           const std::vector<std::string>& nodeNames) {
  const int n = graph.node_size();
  std::unordered_map<std::string, int> producer;
  for (int i = 0; i < n; ++i)
    for (const auto& o : graph.node(i).output())
      if (!o.empty()) {
        if (available.count(o) || producer.count(o))
          fail("node '", nodeNames[i], "' (", graph.node(i).op_type(), "): output '", o,
               "' is already defined");
        producer[o] = i;
      }
  std::vector<int> pending(n, 0);
  std::vector<std::vector<int>> users(n);
  for (int i = 0; i < n; ++i)
    for (const auto& in : graph.node(i).input()) {
      if (in.empty() || available.count(in)) continue;
      auto it = producer.find(in);
      if (it == producer.end())
        fail("node '", nodeNames[i], "' (", graph.node(i).op_type(), "): input '", in,
             "' is neither a graph input, an initializer nor a node output");
      ++pending[i];
      users[it->second].push_back(i);
    }
  std::vector<int> order;
  // The ready node listed first goes first: a sorted file keeps its order, as TensorRT's
  // parser reads it (the layer numbers it prints depend on that order).
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < n; ++i)
    if (!pending[i]) ready.push(i);
  while (!ready.empty()) {
    int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (int u : users[i])
      if (--pending[u] == 0) ready.push(u);
  }
  if (int(order.size()) != n)
    for (int i = 0; i < n; ++i)
      if (pending[i])
        fail("the graph has a cycle through node '", nodeNames[i], "' (", graph.node(i).op_type(),
             ")");
  return order;
}

// Advances the parser's layer count past this node and marks what the parser knows of its
// outputs: a Constant node's value is weights; Shape of a tensor with a dynamic dimension gives
// values known only at run time.
void trackParserView(GraphBuilder& b, NodeContext& ctx, const onnx::NodeProto& nd,
                     const std::vector<TensorId>& outs) {
  std::vector<TrtValue> in;
  std::vector<size_t> ranks;
  for (int k = 0; k < nd.input_size(); ++k) {
    TensorId t = nd.input(k).empty() ? sim::kNoTensor : b.lookup(nd.input(k));
    in.push_back(t == sim::kNoTensor ? TrtValue{} : b.trtOf(t));
    ranks.push_back(t == sim::kNoTensor ? 0 : b.g.desc(t).shape.size());
  }
  b.trtNext += ctx.trtLayers() >= 0 ? ctx.trtLayers() : defaultParserLayers(nd, in, ranks);
  for (TensorId t : outs) {
    if (t == sim::kNoTensor) continue;
    if (nd.op_type() == "Constant") b.trtOf(t).weights = true;
  }
}

ImportResult importModel(onnx::ModelProto& model, const std::string& baseDir,
                         const ImportOptions& opt) {
  ImportResult res;
  GraphBuilder b;
  b.budget = sim::memoryBudget(opt.maxMemoryBytes);
  if (!model.has_graph()) fail("the model has no graph");
  for (const auto& op : model.opset_import())
    if (op.domain().empty() || op.domain() == "ai.onnx") res.opset = int(op.version());
  if (res.opset == 0) res.opset = 1;
  res.producer = model.producer_name() +
                 (model.producer_version().empty() ? "" : " " + model.producer_version());
  onnx::GraphProto& graph = *model.mutable_graph();
  std::unordered_set<std::string> available;

  for (auto& init : *graph.mutable_initializer()) {
    if (init.name().empty()) fail("an initializer has no name");
    // Refused before allocating (or reading external data) when over what the budget leaves.
    sim::Tensor t = tensorFromProto(init, baseDir, b.budget - b.constBytes);
    sim::requireWithinBudget(
        b.constBytes, int64_t(t.bytes()), b.budget,
        sim::cat("initializer '", init.name(), "' (", sim::dtypeName(t.dtype()), " ",
                 sim::shapeStr(t.shape()), ")"));
    b.constBytes += int64_t(t.bytes());
    b.names[init.name()] = b.g.addConstant(init.name(), std::move(t));
    b.trtOf(b.names[init.name()]).weights = true;
    available.insert(init.name());
  }
  for (const auto& vi : graph.input()) {
    if (available.count(vi.name())) continue;  // IR < 4 lists initializers as inputs too
    if (vi.name().empty()) fail("a graph input has no name");
    if (!vi.type().has_tensor_type())
      fail("input '", vi.name(),
           "' is not a tensor (sequences, maps and optionals are not supported)");
    sim::DType dt;
    int et = vi.type().tensor_type().elem_type();
    if (!dtypeFromOnnx(et, &dt))
      fail("input '", vi.name(), "' has element type ", onnxTypeName(et),
           ", which dlasim does not support");
    if (dt == sim::DType::kHalf) {  // FP16 values held as float; the binding stays FP16
      dt = sim::DType::kFloat;
      res.halfBindings.insert(vi.name());
    }
    auto cit = opt.constantInputs.find(vi.name());
    if (cit != opt.constantInputs.end()) {
      b.constBytes += int64_t(cit->second.bytes());  // the caller's, shared
      b.names[vi.name()] = b.g.addConstant(vi.name(), cit->second);
      available.insert(vi.name());
      continue;
    }
    bool dynamic;
    sim::Shape shape = declaredShape(vi, &dynamic);
    auto sit = opt.shapes.find(vi.name());
    if (sit != opt.shapes.end()) {
      const sim::Shape& want = sit->second;
      if (vi.type().tensor_type().has_shape() && want.size() != shape.size())
        fail("--shapes gives input '", vi.name(), "' rank ", want.size(), " (", sim::shapeStr(want),
             "), the model declares rank ", shape.size());
      for (size_t d = 0; d < shape.size(); ++d)
        if (shape[d] >= 0 && shape[d] != want[d])
          fail("--shapes gives input '", vi.name(), "' dimension ", d, " = ", want[d],
               ", the model fixes it to ", shape[d]);
      if (dynamic) res.dynamicInputs[vi.name()] = shape;
      shape = want;
    } else if (dynamic) {
      if (!vi.type().tensor_type().has_shape())
        fail("input '", vi.name(), "' has no declared shape: give one with --shapes=", vi.name(),
             ":NxCxHxW");
      res.dynamicInputs[vi.name()] = shape;
      for (auto& d : shape)
        if (d < 0) d = 1;
      if (opt.warn)
        opt.warn(sim::cat("Dynamic dimensions required for input: ", vi.name(),
                          ", but no shapes were provided. Automatically overriding shape to: ",
                          sim::shapeStr(shape)));
    }
    for (int64_t d : shape)
      if (d < 0) fail("input '", vi.name(), "' has negative dimension ", d);
    if (sim::exceedsElementLimit(shape))
      fail("input '", vi.name(), "' shape ", sim::shapeStr(shape), " is absurdly large");
    TensorId id = b.g.addTensor(vi.name(), {dt, shape});
    b.trtOf(id).dynamicDims = dynamic;
    b.g.inputs.push_back(id);
    b.names[vi.name()] = id;
    available.insert(vi.name());
  }
  for (const auto& [name, shape] : opt.shapes)
    if (!b.names.count(name))
      fail("--shapes names '", name, "', which is not an input of the model");

  std::vector<std::string> nodeNames;
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto& nd = graph.node(i);
    nodeNames.push_back(nd.name().empty() ? nd.op_type() + "_" + std::to_string(i) : nd.name());
  }
  res.onnxNodeCount = size_t(graph.node_size());
  checkQuantizeConsumers(graph, nodeNames);
  for (int i : topoOrder(graph, available, nodeNames)) {
    const auto& nd = graph.node(i);
    if (!nd.domain().empty() && nd.domain() != "ai.onnx")
      fail("node '", nodeNames[i], "': operator ", nd.domain(), "::", nd.op_type(),
           " is not supported (custom domain)");
    ImportFn fn = findImporter(nd.op_type());
    if (!fn)
      fail("node '", nodeNames[i], "': operator ", nd.op_type(), " (opset ", res.opset,
           ") is not supported");
    NodeContext ctx(b, nd, nodeNames[i], res.opset, b.trtNext);
    const size_t before = b.g.tensors.size();
    std::vector<TensorId> outs;
    try {
      outs = fn(ctx);
    } catch (const sim::Error& e) {
      // Errors from NodeContext::error already name the node; a helper deeper down (e.g.
      // checked dimension arithmetic) may not: name it here, so every refusal does.
      if (std::string(e.what()).rfind("node '", 0) == 0) throw;
      ctx.error(e.what());
    }
    trackParserView(b, ctx, nd, outs);
    for (int k = 0; k < nd.output_size(); ++k) {
      const std::string& name = nd.output(k);
      if (name.empty()) continue;
      if (size_t(k) >= outs.size() || outs[k] == sim::kNoTensor)
        ctx.error(sim::cat("output #", k, " ('", name, "') is not supported"));
      TensorId t = outs[k];
      // A tensor this node created takes the ONNX name; an existing one is only aliased.
      if (size_t(t) >= before && b.g.find(name) == sim::kNoTensor) b.g.rename(t, name);
      b.names[name] = t;
    }
  }
  for (const auto& vi : graph.output()) {
    TensorId t = b.lookup(vi.name());
    if (t == sim::kNoTensor) fail("graph output '", vi.name(), "' is not produced by any node");
    // An output a Q/DQ pair passes through keeps the pair's output name, as TensorRT's binding.
    if (!b.quantized.empty() && b.g.tensor(t).name != vi.name() &&
        b.g.find(vi.name()) == sim::kNoTensor && b.g.tensor(t).producer >= 0)
      b.g.rename(t, vi.name());
    b.g.outputs.push_back(t);
    if (vi.type().tensor_type().elem_type() == onnx::TensorProto::FLOAT16)
      res.halfBindings.insert(b.g.tensor(t).name);
  }
  if (b.g.outputs.empty()) fail("the model has no outputs");
  propagateQuantization(b.g);
  res.graph = std::move(b.g);
  return res;
}

}  // namespace

ImportResult importModelBytes(const std::string& bytes, const std::string& baseDir,
                              const ImportOptions& options) {
  onnx::ModelProto model;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            int(std::min<size_t>(bytes.size(), INT32_MAX)));
  in.SetTotalBytesLimit(INT32_MAX);
  if (!model.ParseFromCodedStream(&in) || !in.ConsumedEntireMessage())
    fail("not a valid ONNX model (protobuf parse failed: truncated or corrupt file)");
  return importModel(model, baseDir, options);
}

ImportResult importModelFile(const std::string& path, const ImportOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) fail(path, ": no such file");
  if (fs::is_directory(path, ec)) fail(path, ": is a directory, not an ONNX file");
  auto size = fs::file_size(path, ec);
  if (ec) fail(path, ": cannot read (", ec.message(), ")");
  if (size == 0) fail(path, ": is empty (0 bytes), not an ONNX model");
  if (size >= (uint64_t(1) << 31)) fail(path, ": larger than 2 GiB (ONNX protobuf limit)");
  // Parse straight from the file in chunks: holding the whole file as well as the parsed
  // message would double the peak memory for the weights.
  std::ifstream f(path, std::ios::binary);
  if (!f) fail(path, ": cannot open");
  try {
    onnx::ModelProto model;
    {
      google::protobuf::io::IstreamInputStream raw(&f);
      google::protobuf::io::CodedInputStream in(&raw);
      in.SetTotalBytesLimit(INT32_MAX);
      if (!model.ParseFromCodedStream(&in) || !in.ConsumedEntireMessage())
        fail("not a valid ONNX model (protobuf parse failed: truncated or corrupt file)");
    }
    return importModel(model, fs::path(path).parent_path().string(), options);
  } catch (const sim::Error& e) {
    fail(path, ": ", e.what());
  }
}

}  // namespace onnx_import
