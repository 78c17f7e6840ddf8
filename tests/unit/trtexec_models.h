// Models the trtexec-parity tests build: a ModelBN-like classifier (convolutions + BN + ReLU,
// a pool, Flatten, Gemm) in PyTorch's export naming, a Conv -> ReLU network, a wide
// convolution pair for sparsity, and a Gemm straight on a 2-D input.
#pragma once
#include <cmath>

#include "test_support.h"

namespace testsupport {

// An initializer with varied deterministic values (weights that are not all equal).
inline void addInitVaried(onnx::ModelProto& m, const std::string& name,
                          const std::vector<int64_t>& dims, float scale = 0.1f) {
  size_t n = 1;
  for (int64_t d : dims) n *= size_t(d);
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = scale * std::sin(0.7f * float(i) + 0.3f);
  auto* t = m.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  t->set_raw_data(std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float)));
}

// Conv_0, BatchNormalization_1, Relu_2, Conv_3, BatchNormalization_4, Relu_5, then
// GlobalAveragePool_6 (`globalPool`) or AveragePool_6 (kernel 8x8, the DLA-supported
// replacement), Flatten_7, Gemm_8 (Linear(32, 10)). Input [N, 3, 32, 32] with a dynamic N, as
// torch.onnx.export with dynamic_axes writes it.
inline onnx::ModelProto modelBnLike(bool globalPool) {
  onnx::ModelProto m = newModel(13);
  addInput(m, "input", {-999, 3, 32, 32});
  std::string x = "input";
  int64_t c = 3;
  int k = 0;
  for (int64_t co : {16, 32}) {
    std::string i = std::to_string(k / 3);
    addInitVaried(m, "conv" + i + ".weight", {co, c, 3, 3});
    addInitVaried(m, "conv" + i + ".bias", {co});
    auto* conv = addNode(m, "Conv", "Conv_" + std::to_string(k++),
                         {x, "conv" + i + ".weight", "conv" + i + ".bias"}, {"c" + i});
    attrInts(conv, "kernel_shape", {3, 3});
    attrInts(conv, "pads", {1, 1, 1, 1});
    attrInts(conv, "strides", {2, 2});
    std::vector<std::string> bn = {"c" + i};
    for (const char* p : {"weight", "bias", "mean", "var"}) {
      addInitF32(m, "bn" + i + "." + p, {co}, size_t(co));
      bn.push_back("bn" + i + "." + p);
    }
    addNode(m, "BatchNormalization", "BatchNormalization_" + std::to_string(k++), bn, {"b" + i});
    addNode(m, "Relu", "Relu_" + std::to_string(k++), {"b" + i}, {"r" + i});
    x = "r" + i;
    c = co;
  }
  if (globalPool) {
    addNode(m, "GlobalAveragePool", "GlobalAveragePool_6", {x}, {"p"});
  } else {
    auto* pool = addNode(m, "AveragePool", "AveragePool_6", {x}, {"p"});
    attrInts(pool, "kernel_shape", {8, 8});
    attrInts(pool, "strides", {8, 8});
  }
  attrInt(addNode(m, "Flatten", "Flatten_7", {"p"}, {"f"}), "axis", 1);
  addInitVaried(m, "linear.weight", {10, 32});
  addInitVaried(m, "linear.bias", {10});
  attrInt(addNode(m, "Gemm", "Gemm_8", {"f", "linear.weight", "linear.bias"}, {"output"}), "transB",
          1);
  addOutput(m, "output");
  return m;
}

// conv0 (3 -> 8, 3x3, pad 1) -> relu0 on a static 1x3x8x8 input: all on the DLA.
inline onnx::ModelProto convRelu() {
  onnx::ModelProto m = newModel(13);
  addInput(m, "x", {1, 3, 8, 8});
  addInitVaried(m, "w", {8, 3, 3, 3}, 0.3f);
  attrInts(addNode(m, "Conv", "conv0", {"x", "w"}, {"c"}), "pads", {1, 1, 1, 1});
  addNode(m, "Relu", "relu0", {"c"}, {"y"});
  addOutput(m, "y");
  return m;
}

// conv0 (3 -> 96) -> relu0 -> conv1 (96 -> 64) -> relu1: conv1 has C = 96 > 64 (sparsity).
inline onnx::ModelProto wideConvs() {
  onnx::ModelProto m = newModel(13);
  addInput(m, "x", {1, 3, 16, 16});
  addInitVaried(m, "w0", {96, 3, 3, 3}, 0.3f);
  addInitVaried(m, "w1", {64, 96, 3, 3}, 0.05f);
  attrInts(addNode(m, "Conv", "conv0", {"x", "w0"}, {"c0"}), "pads", {1, 1, 1, 1});
  addNode(m, "Relu", "relu0", {"c0"}, {"r0"});
  attrInts(addNode(m, "Conv", "conv1", {"r0", "w1"}, {"c1"}), "pads", {1, 1, 1, 1});
  addNode(m, "Relu", "relu1", {"c1"}, {"y"});
  addOutput(m, "y");
  return m;
}

// Gemm_0 on a static 2-D input a [4, 24]: B [24, 6] (transB = 0) or [6, 24] (transB = 1), bias
// [6]; or MatMul_0 with B [24, 6] when `matmul`.
inline onnx::ModelProto gemmOnInput(bool transB, bool matmul = false) {
  onnx::ModelProto m = newModel(13);
  addInput(m, "a", {4, 24});
  addInitVaried(m, "B", transB ? std::vector<int64_t>{6, 24} : std::vector<int64_t>{24, 6}, 0.2f);
  if (matmul) {
    addNode(m, "MatMul", "MatMul_0", {"a", "B"}, {"y"});
  } else {
    addInitVaried(m, "C", {6}, 0.5f);
    attrInt(addNode(m, "Gemm", "Gemm_0", {"a", "B", "C"}, {"y"}), "transB", transB ? 1 : 0);
  }
  addOutput(m, "y");
  return m;
}

}  // namespace testsupport
