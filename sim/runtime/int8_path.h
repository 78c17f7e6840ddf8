// The integer INT8 pipeline: how the executor runs DLA layers placed in INT8 (Node::precision
// == kINT8), design §4 and docs/numerics.md "Integer INT8 pipeline".
//
// INT8 is a precision policy over a few integer kernels, not a copy of every layer: rank-4
// activations an INT8 layer writes are stored as int8 codes in NHWC order (the layout the
// integer convolution wants) with their tensor's scale; every INT8 layer reads int8 codes
// (quantising a float input once: the reformat at a DLA boundary), computes exactly in
// integers, and requantises its output in the platform's arithmetic (kern::DlaNumerics:
// Xavier's fixed-point SDP or Orin's FP19 pipe). Layers of other precisions read a dequantised
// NCHW float view. Layer kinds without an integer model run their FP32 kernel on dequantised
// inputs and quantise the result (listed in docs/numerics.md).
#pragma once
#include <memory>
#include <vector>

#include "kernels/int8_requant.h"
#include "sim/ir/graph.h"
#include "sim/runtime/buffers.h"

namespace sim {

class Int8Path {
 public:
  /// `runsHere[n]`: node n is an INT8 layer this path runs.
  Int8Path(const Graph& g, const kern::DlaNumerics& numerics, std::vector<bool> runsHere);
  ~Int8Path();

  /// Where run buffers come from (the executor's arena); new tensors until this is called.
  void setBuffers(BufferSource buffers) { buffers_ = std::move(buffers); }
  bool handles(NodeId n) const { return size_t(n) < runsHere_.size() && runsHere_[n]; }
  /// The activation node n, an element-wise layer, computes with it (run()), or -1.
  NodeId fusedActivation(NodeId n) const { return fusedAct_[size_t(n)]; }
  /// Whether prepared node n runs its FP32 kernel on dequantised inputs (no integer model).
  bool runsInFloat(NodeId n) const;
  /// Quantises weights and prepares every layer's kernels and requantisation programs now.
  void prepare();
  /// Runs node n, reading its inputs from `live` (float or int8) and writing its outputs there.
  /// Returns the bytes of the outputs it allocated. An element-wise layer fused with the
  /// activation after it writes the activation's output instead (its own stays empty), and
  /// that activation then does nothing.
  size_t run(NodeId n, std::vector<Tensor>& live);
  /// Whether v, the live value of tensor t, is int8 codes (NHWC) rather than the graph's floats.
  bool isInt8(TensorId t, const Tensor& v) const;
  /// The scale of tensor t's int8 codes: its TensorInfo::quant scale, except pooling outputs,
  /// which keep their input's scale (the PDP has no converter).
  float scaleOf(TensorId t) const { return scale_[t]; }
  /// The dequantised NCHW float value of an int8 live tensor, made once per run.
  const Tensor& floatView(TensorId t, const Tensor& v);
  /// Forgets what was cached for tensor t (the executor frees it).
  void release(TensorId t);
  /// Called at the start of each run.
  void beginRun();
  /// Constants only the prepared layers read (convolution weights and biases).
  std::vector<TensorId> constantsHeld() const;

  struct Prepared;

 private:
  const Graph& g_;
  kern::DlaNumerics numerics_;
  std::vector<bool> runsHere_;
  // An element-wise layer fused with the activation that alone reads it: the element-wise
  // node computes the activation's output, the activation node does nothing.
  std::vector<NodeId> fusedAct_;  // per node: the activation it writes for, or -1
  std::vector<bool> absorbed_;    // per node: an activation computed by its producer
  std::vector<float> scale_;
  std::vector<std::unique_ptr<Prepared>> prep_;  // per node
  std::vector<Tensor> floatViews_, quantized_;   // per tensor, this run
  BufferSource buffers_ = [](TensorId, BufferUse, DType d, const Shape& s) {
    return Tensor::uninitialized(d, s);
  };
  Prepared& prepared(NodeId n);
  const int8_t* int8Input(TensorId t, std::vector<Tensor>& live);
  Tensor newInt8Output(TensorId t) const;
  size_t runFallback(NodeId n, std::vector<Tensor>& live);
};

}  // namespace sim
