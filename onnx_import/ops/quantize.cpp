// Importers for QuantizeLinear and DequantizeLinear (explicit quantisation), and the checks and
// the scale propagation around them. What TensorRT accepts and what dlasim does is described
// in docs/numerics.md ("Explicit quantisation").
#include "onnx_import/ops/quantize.h"

#include <cmath>
#include <unordered_map>

#include "onnx_import/ops/common.h"
#include "sim/ops/op_def.h"

namespace onnx_import {

using sim::DType;
using sim::TensorId;

namespace {

// The scale and zero point of a Q/DQ node, checked: scales finite and positive, zero points
// int8 (or int32 for an int32 DequantizeLinear) and all zero, per-channel sizes matching.
struct QuantParams {
  std::vector<float> scales;  // one (per tensor) or one per index of `axis`
  bool perChannel = false;
  int64_t axis = 0;
};

QuantParams readParams(NodeContext& ctx, const sim::Shape& shape, DType quantized) {
  QuantParams p;
  if (ctx.hasAttr("block_size") && ctx.attrInt("block_size", 0) != 0)
    ctx.error(
        "blocked quantisation (block_size) is not supported: the DLA quantises per tensor "
        "and weights per output channel");
  const sim::Tensor& s = ctx.requireConstant(1, "the scale");
  if (s.dtype() != DType::kFloat)
    ctx.error(sim::cat("the scale has type ", sim::dtypeName(s.dtype()), "; float32 expected"));
  if (s.shape().size() > 1)
    ctx.error(sim::cat("the scale has shape ", sim::shapeStr(s.shape()),
                       "; a scalar (per tensor) or a 1-D tensor (per channel) expected"));
  for (int64_t i = 0; i < s.size(); ++i) p.scales.push_back(s.data<float>()[i]);
  if (p.scales.empty()) ctx.error("the scale is empty");
  // A one-element scale is per tensor whatever its rank (as ONNX Runtime reads it).
  p.perChannel = p.scales.size() > 1;
  if (p.perChannel) {
    int64_t axis = ctx.attrInt("axis", 1);
    if (!sim::normalizeAxis(axis, int64_t(shape.size()), &p.axis))
      ctx.error(sim::cat("axis ", axis, " is out of range for input shape ", sim::shapeStr(shape)));
    if (shape[size_t(p.axis)] != int64_t(p.scales.size()))
      ctx.error(sim::cat("per-channel scale has ", p.scales.size(), " values, but axis ", p.axis,
                         " of input shape ", sim::shapeStr(shape), " has ", shape[size_t(p.axis)]));
  }
  for (size_t i = 0; i < p.scales.size(); ++i)
    if (!(p.scales[i] > 0) || !std::isfinite(p.scales[i]))
      ctx.error(sim::cat("scale", p.perChannel ? sim::cat("[", i, "]") : std::string(), " = ",
                         p.scales[i], " is not a positive finite number"));
  if (!ctx.hasInput(2)) return p;  // no zero point: int8, zero (what TensorRT assumes)
  const sim::Tensor& z = ctx.requireConstant(2, "the zero point");
  if (z.dtype() == DType::kUInt8)
    ctx.error(
        "the zero point is uint8: asymmetric uint8 quantisation is not supported (TensorRT "
        "and the DLA quantise to int8 with zero point 0)");
  if (z.dtype() != DType::kInt8 && !(z.dtype() == DType::kInt32 && quantized == DType::kInt32))
    ctx.error(sim::cat("the zero point has type ", sim::dtypeName(z.dtype()), "; int8 expected"));
  if (size_t(z.size()) != p.scales.size())
    ctx.error(
        sim::cat("the zero point has ", z.size(), " values for ", p.scales.size(), " scales"));
  std::vector<int64_t> zv = z.asInt64();
  for (size_t i = 0; i < zv.size(); ++i)
    if (zv[i] != 0)
      ctx.error(sim::cat("zero point", zv.size() > 1 ? sim::cat("[", i, "]") : std::string(), " = ",
                         zv[i], " is not 0: the DLA quantises symmetrically"));
  return p;
}

// Index of the scale that applies to flat element i of a tensor of shape `shape`.
struct ChannelOf {
  int64_t inner = 1, channels = 1;
  ChannelOf(const QuantParams& p, const sim::Shape& shape) {
    if (!p.perChannel) return;
    channels = shape[size_t(p.axis)];
    inner = sim::volume(shape, size_t(p.axis) + 1, shape.size());
  }
  size_t operator()(int64_t i) const { return size_t((i / inner) % channels); }
};

}  // namespace

std::vector<TensorId> importQuantizeLinear(NodeContext& ctx) {
  TensorId x = ctx.input(0);
  const sim::TensorDesc& d = ctx.desc(0);
  if (d.dtype != DType::kFloat)
    ctx.error(sim::cat("input '", ctx.proto().input(0), "' has type ", sim::dtypeName(d.dtype),
                       "; float32 expected"));
  QuantParams p = readParams(ctx, d.shape, DType::kInt8);
  if (const sim::Tensor* w = ctx.constant(0)) {
    // Weights: fold to int8 as ONNX defines it (round half to even, saturate); the
    // DequantizeLinear that follows turns them back into float on the grid.
    sim::Tensor q(DType::kInt8, d.shape);
    ChannelOf channel(p, d.shape);
    for (int64_t i = 0; i < w->size(); ++i) {
      float v = std::nearbyint(w->data<float>()[i] / p.scales[channel(i)]);
      q.data<int8_t>()[i] = int8_t(std::isnan(v) ? 0.f : std::fmin(127.f, std::fmax(-128.f, v)));
    }
    return {ctx.addConstant(std::move(q), "quantized")};
  }
  if (p.perChannel)
    ctx.error(sim::cat("per-channel scales on activation '", ctx.proto().input(0),
                       "': the DLA quantises activations per tensor"));
  // An activation: the pair becomes the tensor's scale, and the pair itself no layer. When
  // several QuantizeLinear nodes quantise one tensor (e.g. a residual's own quantizer), the
  // largest scale is kept: one scale per tensor, none of the readers saturates.
  sim::Quantization& q = ctx.tensorInfo(x).quant;
  q.scale = std::max(q.scale, p.scales[0]);
  ctx.quantizedOutputs()[ctx.proto().output(0)] = p.scales[0];
  return {x};
}

std::vector<TensorId> importDequantizeLinear(NodeContext& ctx) {
  const std::string& in = ctx.proto().input(0);
  auto it = ctx.quantizedOutputs().find(in);
  if (it != ctx.quantizedOutputs().end()) {  // the second half of an activation's pair
    QuantParams p = readParams(ctx, ctx.desc(0).shape, DType::kInt8);
    if (p.perChannel)
      ctx.error(sim::cat("per-channel scales on activation '", in,
                         "': the DLA quantises activations per tensor"));
    float qs = it->second;
    if (std::fabs(p.scales[0] - qs) > 1e-6f * qs)
      ctx.error(sim::cat("scale ", p.scales[0], " differs from scale ", qs,
                         " of the QuantizeLinear producing '", in,
                         "': dlasim needs matching Q/DQ pairs"));
    return {ctx.input(0)};
  }
  const sim::Tensor* c = ctx.constant(0);
  if (!c)
    ctx.error(sim::cat("input '", in,
                       "' is computed at run time and no QuantizeLinear produces it: dlasim "
                       "imports DequantizeLinear on constants (weights) or after a "
                       "QuantizeLinear"));
  if (c->dtype() == DType::kUInt8)
    ctx.error(
        "input is uint8: asymmetric uint8 quantisation is not supported (TensorRT and the "
        "DLA quantise to int8 with zero point 0)");
  if (c->dtype() != DType::kInt8 && c->dtype() != DType::kInt32)
    ctx.error(sim::cat("input '", in, "' has type ", sim::dtypeName(c->dtype()),
                       "; int8 or int32 expected"));
  QuantParams p = readParams(ctx, c->shape(), c->dtype());
  sim::Tensor w(DType::kFloat, c->shape());
  ChannelOf channel(p, c->shape());
  std::vector<int64_t> q = c->asInt64();
  for (int64_t i = 0; i < w.size(); ++i)
    w.data<float>()[i] = float(q[size_t(i)]) * p.scales[channel(i)];
  TensorId out = ctx.addConstant(std::move(w), "dequantized");
  sim::Quantization& wq = ctx.tensorInfo(out).quant;
  if (p.perChannel) {
    wq.channelScales = p.scales;
    wq.axis = int(p.axis);
  } else {
    wq.scale = p.scales[0];
  }
  return {out};
}

void checkQuantizeConsumers(const onnx::GraphProto& graph,
                            const std::vector<std::string>& nodeNames) {
  std::unordered_map<std::string, int> quantizer;  // QuantizeLinear output -> node index
  for (int i = 0; i < graph.node_size(); ++i)
    if (graph.node(i).op_type() == "QuantizeLinear" && graph.node(i).output_size() > 0)
      quantizer[graph.node(i).output(0)] = i;
  if (quantizer.empty()) return;
  auto where = [&](int q, const std::string& t) {
    return sim::cat("node '", nodeNames[size_t(q)], "' (QuantizeLinear): its output '", t, "'");
  };
  for (int i = 0; i < graph.node_size(); ++i)
    for (const auto& in : graph.node(i).input()) {
      auto it = quantizer.find(in);
      if (it != quantizer.end() && graph.node(i).op_type() != "DequantizeLinear")
        sim::fail(where(it->second, in), " feeds node '", nodeNames[size_t(i)], "' (",
                  graph.node(i).op_type(),
                  "); dlasim imports QuantizeLinear only followed by DequantizeLinear "
                  "(TensorRT's Q/DQ pairs)");
    }
  for (const auto& o : graph.output()) {
    auto it = quantizer.find(o.name());
    if (it != quantizer.end())
      sim::fail(where(it->second, o.name()),
                " is a graph output; INT8 model outputs are not supported");
  }
}

namespace {

// Layers through which a per-tensor scale carries over unchanged: max(q(x)) = q(max(x)),
// relu(q(x)) = q(relu(x)), and layers that only move values.
bool commutesWithQuantization(const sim::Node& n) {
  return sim::opTraits(n).commutesWithScale;
}

}  // namespace

void propagateQuantization(sim::Graph& g) {
  bool any = false;
  for (const auto& t : g.tensors) any |= !t.isConstant() && t.quant.has();
  if (!any) return;
  // Each step gives one more tensor a scale, so this ends.
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& n : g.nodes) {
      if (!commutesWithQuantization(n) || n.inputs.empty() || n.outputs.size() != 1) continue;
      sim::TensorInfo &x = g.tensors[n.inputs[0]], &y = g.tensors[n.outputs[0]];
      if (x.isConstant() || x.desc.dtype != DType::kFloat) continue;
      if (y.quant.has() && !x.quant.has()) {
        x.quant.scale = y.quant.scale;  // a Q moves backwards
        changed = true;
      } else if (x.quant.has() && !y.quant.has()) {
        y.quant.scale = x.quant.scale;  // a DQ moves forwards
        changed = true;
      }
    }
  }
}

void checkWeightAxis(NodeContext& ctx, int input, int64_t axis, const char* layer) {
  if (!ctx.hasInput(input)) return;
  const sim::TensorInfo& w = ctx.graph().tensor(ctx.input(input));
  if (!w.quant.channelScales.empty() && w.quant.axis != axis)
    ctx.error(sim::cat("weights '", ctx.proto().input(input),
                       "' are quantised per channel along axis ", w.quant.axis, "; ", layer,
                       " needs axis ", axis, " (its output channels)"));
}

}  // namespace onnx_import
