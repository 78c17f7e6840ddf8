// What an op importer sees: its ONNX node (attributes, inputs) and a way to add IR layers.
#pragma once
#include <onnx/onnx_pb.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "sim/ir/graph.h"

namespace onnx_import {

class GraphBuilder;

class NodeContext {
 public:
  NodeContext(GraphBuilder& b, const onnx::NodeProto& node, std::string name, int opset)
      : b_(b), node_(node), name_(std::move(name)), opset_(opset) {}

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
  /// Adds a constant, counted against the import's memory budget.
  sim::TensorId addConstant(sim::Tensor value, const std::string& hint);
  /// An error naming the node unless `bytes` more of constants (`what`) fit in the budget: call
  /// before allocating a large constant.
  void checkMemory(int64_t bytes, const std::string& what) const;
  /// A float32 scalar constant (shape [] or broadcastable `shape`).
  sim::TensorId scalar(float v, const std::string& hint);

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
};

using ImportFn = std::vector<sim::TensorId> (*)(NodeContext&);

/// The table of op importers (op_table.cpp); nullptr for an unknown op type.
ImportFn findImporter(const std::string& opType);

/// Converts a TensorProto (raw or typed data, optionally external) into a tensor. A tensor
/// larger than `maxBytes` is refused before anything is read or allocated.
sim::Tensor tensorFromProto(onnx::TensorProto& proto, const std::string& baseDir,
                            int64_t maxBytes = INT64_MAX);
/// Maps an ONNX element type to dlasim's; false when dlasim cannot hold it.
bool dtypeFromOnnx(int onnxType, sim::DType* out);
const char* onnxTypeName(int onnxType);

}  // namespace onnx_import
