// Convolution and Deconvolution: shape inference, work and the FP32 reference run.
#include <algorithm>

#include "sim/ops/kernel_params.h"
#include "sim/ops/op_def.h"

namespace sim {

namespace {

// Output size of one spatial dimension of a convolution (checked: the attributes come from files).
int64_t convOut(int64_t in, int64_t k, int64_t s, int64_t pb, int64_t pe, int64_t d) {
  int64_t window = addDims(mulDims(addDims(k, -1), d), 1);
  return addDims(addDims(addDims(in, pb), pe - window) / s, 1);
}

void checkConvInputs(const ConvAttrs& a, const TensorDesc& x, const TensorDesc& w) {
  requireFloat(x, "input");
  requireFloat(w, "weights");
  size_t r = a.kernel.size();
  if (r < 1 || r > 3) fail("only 1-D to 3-D convolutions are supported, got ", r, "-D");
  requireRank(x, r + 2, r + 2, "input");
  requireRank(w, r + 2, r + 2, "weights");
  if (a.group < 1) fail("group ", a.group, " must be >= 1");
  if (a.strides.size() != r || a.dilations.size() != r || a.padsBegin.size() != r ||
      a.padsEnd.size() != r || (!a.outputPadding.empty() && a.outputPadding.size() != r))
    fail("strides/dilations/pads/output padding sizes ", a.strides.size(), "/", a.dilations.size(),
         "/", a.padsBegin.size(), "+", a.padsEnd.size(), "/", a.outputPadding.size(),
         " do not match a ", r, "-D kernel");
  for (size_t i = 0; i < r; ++i) {
    if (a.strides[i] < 1) fail("stride ", a.strides[i], " must be >= 1");
    if (a.dilations[i] < 1) fail("dilation ", a.dilations[i], " must be >= 1");
    if (a.padsBegin[i] < 0 || a.padsEnd[i] < 0) fail("negative padding is not supported");
    if (w.shape[2 + i] != a.kernel[i])
      fail("weights shape ", shapeStr(w.shape), " does not match kernel size ", a.kernel[i]);
  }
}

// Work on the convolution core: `macs` products, the bias (and fused ReLU) on the SDP per output.
LayerWork convolutionWork(const WorkArgs& a, int64_t macs) {
  LayerWork r;
  r.macs = macs;
  r.eltOps = a.outVolume();
  r.inputBytes = a.activationInputBytes();
  r.outputBytes = a.outputBytes();
  r.weightBytes = a.constantBytes(1);
  r.unit = EngineUnit::kConvolution;
  return r;
}

}  // namespace

std::vector<TensorDesc> inferConvolution(const Node& n, const std::vector<const TensorDesc*>& in) {
  const auto& a = n.get<ConvAttrs>();
  const auto &x = requireInput(in, 0), &w = requireInput(in, 1);
  checkConvInputs(a, x, w);
  if (x.shape[1] != mulDims(w.shape[1], a.group))
    fail("input channels ", x.shape[1], " != weight channels ", w.shape[1], " x group ", a.group);
  if (w.shape[0] % a.group)
    fail("output channels ", w.shape[0], " not divisible by group ", a.group);
  if (in.size() > 2 && in[2]) requireFloat(*in[2], "bias");
  if (in.size() > 2 && in[2] && volume(in[2]->shape) != w.shape[0])
    fail("bias has ", volume(in[2]->shape), " values for ", w.shape[0], " output channels");
  Shape out = {x.shape[0], w.shape[0]};
  for (size_t i = 0; i < a.kernel.size(); ++i) {
    int64_t o = convOut(x.shape[2 + i], a.kernel[i], a.strides[i], a.padsBegin[i], a.padsEnd[i],
                        a.dilations[i]);
    if (o < 1)
      fail("output size ", o, " along spatial dim ", i, " (input ", shapeStr(x.shape), ")");
    out.push_back(o);
  }
  return {{DType::kFloat, out}};
}

// Per-layer state: the prepared oneDNN plan (null when oneDNN refuses the geometry).
struct ConvState {
  std::shared_ptr<kern::ConvPlan> plan;
};

// A Gemm / MatMul held as a convolution prints as TensorRT's MatrixMultiply.
LayerParams paramsConvolution(const Graph& g, const Node& n, const std::string& trtType) {
  const auto& a = n.get<ConvAttrs>();
  bool fc = trtType == trtLayerType(OpKind::kMatrixMultiply);
  LayerParams p{{"ParameterType", std::string(fc                               ? "MatrixMultiply"
                                              : n.kind == OpKind::kConvolution ? "Convolution"
                                                                               : "Deconvolution")}};
  if (!fc) {
    p.push_back({"Kernel", a.kernel});
    p.push_back({"PaddingMode", std::string("kEXPLICIT_ROUND_DOWN")});
    p.push_back({"PrePadding", a.padsBegin});
    p.push_back({"PostPadding", a.padsEnd});
    p.push_back({"Stride", a.strides});
    p.push_back({"Dilation", a.dilations});
  }
  p.push_back({"OutMaps", g.desc(n.outputs[0]).shape.at(1)});
  if (!fc) p.push_back({"Groups", a.group});
  p.push_back({"Weights", WeightsOf{1, true}});
  p.push_back({"Bias", WeightsOf{2, false}});
  p.push_back({"HasBias", int64_t(n.inputs.size() > 2 && n.inputs[2] != kNoTensor ? 1 : 0)});
  p.push_back({"HasSparseWeights", int64_t(0)});
  p.push_back({"HasReLU", int64_t(a.fusedRelu ? 1 : 0)});
  p.push_back({"Activation", std::string(a.fusedRelu ? "RELU" : "NONE")});
  return p;
}

static OpTraits convolutionTraits(Int8Model model) {
  OpTraits t;
  t.gpuHalf = t.gpuInt8 = t.gpuTunedKernels = t.dlaInt8 = true;
  t.int8 = model;
  return t;
}

OpTraits traitsConvolution(const Node&) {
  return convolutionTraits(Int8Model::kConvolution);
}

// Every output element sums Cin/group x kernel products; the bias and fused ReLU are SDP work
// done on the fly.
LayerWork workConvolution(const WorkArgs& a) {
  const Shape& w = a.in[1]->shape;
  return convolutionWork(a, a.outVolume() * volume(w, 1, w.size()));
}

void runConvolution(const Node& n, const OpIO& io) {
  const auto& a = n.get<ConvAttrs>();
  const Tensor &x = *io.in[0], &w = *io.in[1];
  const float* b = io.in.size() > 2 && io.in[2] ? io.in[2]->data<float>() : nullptr;
  Tensor& y = *io.out[0];
  auto p = convParams(a, x.shape(), y.shape());
  bool constWeights = io.constant.size() > 1 && io.constant[1] &&
                      (!b || (io.constant.size() > 2 && io.constant[2]));
  kern::ConvPostOps post;
  if (a.fusedRelu) post.act = kern::ConvPostOps::Act::kRelu;
  std::shared_ptr<kern::ConvPlan> plan;
  if (io.state && constWeights) {
    // Prepared once per executor: JIT and weight reorder are paid on the first run only.
    if (!*io.state) {
      auto st = std::make_shared<ConvState>();
      st->plan = kern::prepareConvF32(p, w.data<float>(), b, post);
      *io.state = st;
    }
    plan = std::static_pointer_cast<ConvState>(*io.state)->plan;
  } else {
    plan = kern::prepareConvF32(p, w.data<float>(), b, post);
  }
  kern::convolveF32(plan.get(), p, x.data<float>(), w.data<float>(), b, y.data<float>(), nullptr,
                    post);
}

std::vector<TensorDesc> inferDeconvolution(const Node& n,
                                           const std::vector<const TensorDesc*>& in) {
  const auto& a = n.get<ConvAttrs>();
  const auto &x = requireInput(in, 0), &w = requireInput(in, 1);
  checkConvInputs(a, x, w);
  if (x.shape[1] != w.shape[0])
    fail("input channels ", x.shape[1], " != weight dim 0 ", w.shape[0]);
  if (x.shape[1] % a.group)
    fail("input channels ", x.shape[1], " not divisible by group ", a.group);
  int64_t outCh = mulDims(w.shape[1], a.group);
  if (in.size() > 2 && in[2]) requireFloat(*in[2], "bias");
  if (in.size() > 2 && in[2] && volume(in[2]->shape) != outCh)
    fail("bias has ", volume(in[2]->shape), " values for ", outCh, " output channels");
  Shape out = {x.shape[0], outCh};
  for (size_t i = 0; i < a.kernel.size(); ++i) {
    int64_t op = a.outputPadding.empty() ? 0 : a.outputPadding[i];
    if (op < 0) fail("negative output padding ", op);
    int64_t o = addDims(addDims(mulDims(a.strides[i], x.shape[2 + i] - 1), op),
                        addDims(mulDims(a.kernel[i] - 1, a.dilations[i]), 1));
    o = addDims(addDims(o, -a.padsBegin[i]), -a.padsEnd[i]);
    if (o < 1)
      fail("output size ", o, " along spatial dim ", i, " (input ", shapeStr(x.shape), ")");
    out.push_back(o);
  }
  return {{DType::kFloat, out}};
}

LayerParams paramsDeconvolution(const Graph& g, const Node& n, const std::string& trtType) {
  return paramsConvolution(g, n, trtType);
}

OpTraits traitsDeconvolution(const Node&) {
  return convolutionTraits(Int8Model::kDeconvolution);
}

// Every input element scatters into Cout/group x kernel outputs.
LayerWork workDeconvolution(const WorkArgs& a) {
  const Shape& w = a.in[1]->shape;
  return convolutionWork(a, volume(a.in[0]->shape) * volume(w, 1, w.size()));
}

void runDeconvolution(const Node& n, const OpIO& io) {
  const auto& a = n.get<ConvAttrs>();
  const Tensor &x = *io.in[0], &w = *io.in[1];
  const float* b = io.in.size() > 2 && io.in[2] ? io.in[2]->data<float>() : nullptr;
  Tensor& y = *io.out[0];
  auto p = convParams(a, x.shape(), y.shape());
  kern::deconvF32(p, x.data<float>(), w.data<float>(), b, y.data<float>());
}

}  // namespace sim
