// What an op importer sees: its ONNX node (attributes, inputs) and a way to add IR layers.
#pragma once
#include <onnx/onnx_pb.h>

#include <initializer_list>
#include <string>
#include <unordered_map>
#include <vector>

#include "onnx_import/trt_parse.h"
#include "sim/ir/graph.h"

namespace onnx_import {

class GraphBuilder;

class NodeContext {
 public:
  NodeContext(GraphBuilder& b, const onnx::NodeProto& node, std::string name, int opset,
              int trtBase = 0)
      : b_(b), node_(node), name_(std::move(name)), opset_(opset), trtBase_(trtBase) {}

  const std::string& name() const { return name_; }
  const std::string& opType() const { return node_.op_type(); }
  int opset() const { return opset_; }

  // Inputs. An input is "present" when it is listed with a non-empty name.
  int numInputs() const { return node_.input_size(); }
  bool hasInput(int i) const { return i < node_.input_size() && !node_.input(i).empty(); }
  sim::TensorId input(int i) const;
  const sim::TensorDesc& desc(int i) const;
  /// The constant value of input i, or nullptr when it is computed at run time.
  const sim::Tensor* constant(int i) const;
  /// The constant value of input i; an error naming `what` when it is not constant.
  const sim::Tensor& requireConstant(int i, const char* what) const;
  int numOutputs() const { return node_.output_size(); }

  // Attributes.
  bool hasAttr(const std::string& n) const { return attr(n) != nullptr; }
  int64_t attrInt(const std::string& n, int64_t def) const;
  float attrFloat(const std::string& n, float def) const;
  std::string attrString(const std::string& n, const std::string& def) const;
  std::vector<int64_t> attrInts(const std::string& n, std::vector<int64_t> def = {}) const;
  std::vector<float> attrFloats(const std::string& n, std::vector<float> def = {}) const;
  sim::Tensor attrTensor(const std::string& n) const;

  /// Adds one IR layer (folded right away when all inputs are constant) and returns its
  /// outputs. `suffix` distinguishes the layers of a node that lowers into several.
  std::vector<sim::TensorId> add(sim::OpKind kind, sim::Attrs attrs,
                                 std::vector<sim::TensorId> inputs, int numOutputs = 1,
                                 const std::string& suffix = "");
  sim::TensorId add1(sim::OpKind kind, sim::Attrs attrs, std::vector<sim::TensorId> inputs,
                     const std::string& suffix = "") {
    return add(kind, std::move(attrs), std::move(inputs), 1, suffix)[0];
  }
  /// Adds a layer with the names TensorRT gives it: `layerName` ("Gemm_8", "(Unnamed Layer* 18)
  /// [Shuffle]") and its output tensor's (empty: "<layerName>_out").
  sim::TensorId addNamed(sim::OpKind kind, sim::Attrs attrs, std::vector<sim::TensorId> inputs,
                         const std::string& layerName, const std::string& outputName = "");
  /// Adds a constant, counted against the import's memory budget.
  sim::TensorId addConstant(sim::Tensor value, const std::string& hint);
  /// An error naming the node unless `bytes` more of constants (`what`) fit in the budget: call
  /// before allocating a large constant.
  void checkMemory(int64_t bytes, const std::string& what) const;
  /// A float32 scalar constant (shape [] or broadcastable `shape`).
  sim::TensorId scalar(float v, const std::string& hint);

  /// Explicit quantisation (QuantizeLinear / DequantizeLinear): a tensor's info, to record
  /// its INT8 scale, and the scales QuantizeLinear nodes gave their outputs, by ONNX name, for
  /// the DequantizeLinear that follows each.
  sim::TensorInfo& tensorInfo(sim::TensorId t);
  std::unordered_map<std::string, float>& quantizedOutputs();
  // TensorRT's parser's view (trt_parse.h): of input i, of any tensor, and the index of the
  // first network layer it adds for this node. Importers that model the parser's layers set
  // how many it adds (else defaultParserLayers).
  const TrtValue& trt(int i) const { return trtOf(input(i)); }
  const TrtValue& trtOf(sim::TensorId t) const;
  int trtBase() const { return trtBase_; }
  void setTrtLayers(int n) { trtLayers_ = n; }
  int trtLayers() const { return trtLayers_; }

  [[noreturn]] void error(const std::string& msg) const;
  const onnx::NodeProto& proto() const { return node_; }
  const sim::Graph& graph() const;

 private:
  const onnx::AttributeProto* attr(const std::string& n) const;
  GraphBuilder& b_;
  const onnx::NodeProto& node_;
  std::string name_;
  int opset_;
  int layerCount_ = 0;
  int trtBase_ = 0, trtLayers_ = -1;
  std::vector<sim::TensorId> addLayer(sim::Node n, int numOutputs, const std::string& outputName);
};

using ImportFn = std::vector<sim::TensorId> (*)(NodeContext&);

/// The table of op importers (op_table.cpp's list and the registered ones); nullptr for an
/// unknown op type.
ImportFn findImporter(const std::string& opType);

/// Registers importers from their own file, so that a new op family touches that file alone:
/// `const RegisterImporters kTopK{{"TopK", &importTopK}, {"ArgMax", &importArgMax}};` at
/// namespace scope. A name already in the table is a start-up error.
struct RegisterImporters {
  RegisterImporters(std::initializer_list<std::pair<const char*, ImportFn>> entries);
};

/// Converts a TensorProto (raw or typed data, optionally external) into a tensor (float16 data
/// into float, exactly). A tensor larger than `maxBytes` is refused before anything is read or
/// allocated.
sim::Tensor tensorFromProto(onnx::TensorProto& proto, const std::string& baseDir,
                            int64_t maxBytes = INT64_MAX);
/// Maps an ONNX element type to dlasim's; false when dlasim cannot hold it.
bool dtypeFromOnnx(int onnxType, sim::DType* out);
const char* onnxTypeName(int onnxType);

}  // namespace onnx_import
