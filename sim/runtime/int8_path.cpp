#include "sim/runtime/int8_path.h"

#include <algorithm>
#include <cmath>

#include "kernels/int8_conv.h"
#include "kernels/int8_ops.h"
#include "kernels/numeric/int8.h"
#include "sim/ops/kernel_params.h"
#include "sim/ops/op_def.h"
#include "sim/runtime/int8_specs.h"

namespace sim {

namespace k8 = kern::int8;

bool int8Representable(const TensorDesc& d) {
  return d.dtype == DType::kFloat && d.shape.size() == 4;
}

namespace {

Shape nhwc(const Shape& s) {
  return {s[0], s[2], s[3], s[1]};
}

}  // namespace

struct Int8Path::Prepared {
  Int8Layer layer;  // what int8_specs.cpp made of the node
  std::shared_ptr<k8::ConvInt8Plan> conv;
  std::shared_ptr<const k8::AffineProgram> affine;
  std::shared_ptr<const k8::BinaryProgram> binary;
  std::vector<std::shared_ptr<const k8::AffineProgram>> requant;  // concat: per input
};

Int8Path::Int8Path(const Graph& g, const kern::DlaNumerics& numerics, std::vector<bool> runsHere)
    : g_(g),
      numerics_(numerics),
      runsHere_(std::move(runsHere)),
      fusedAct_(g.nodes.size(), -1),
      absorbed_(g.nodes.size(), false),
      scale_(g.tensors.size(), 0.f),
      prep_(g.nodes.size()),
      floatViews_(g.tensors.size()),
      quantized_(g.tensors.size()) {
  runsHere_.resize(g.nodes.size(), false);
  for (size_t t = 0; t < g.tensors.size(); ++t) scale_[t] = g.tensors[t].quant.scale;
  // The PDP has no output converter: an INT8 pooling layer's output keeps its input's codes
  // and scale. (With a calibration cache the DLA rules require the two scales to be equal.)
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (runsHere_[i] && g.nodes[i].kind == OpKind::kPooling)
      scale_[g.nodes[i].outputs[0]] = scale_[g.nodes[i].inputs[0]];
  // Element-wise layers whose only reader is an INT8 ReLU / clipped ReLU.
  std::vector<std::vector<NodeId>> readers(g.tensors.size());
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (TensorId t : g.nodes[i].inputs)
      if (t != kNoTensor) readers[t].push_back(NodeId(i));
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (!runsHere_[i] || g.nodes[i].outputs.size() != 1) continue;
    TensorId t = g.nodes[i].outputs[0];
    if (readers[t].size() != 1 || !runsHere_[readers[t][0]] ||
        std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end())
      continue;
    NodeId j = readers[t][0];
    if (fusableElementWiseActivation(g, g.nodes[i], g.nodes[j])) {
      fusedAct_[i] = j;
      absorbed_[j] = true;
    }
  }
}

Int8Path::~Int8Path() = default;

bool Int8Path::isInt8(TensorId t, const Tensor& v) const {
  return !v.empty() && v.dtype() == DType::kInt8 && g_.desc(t).dtype == DType::kFloat;
}

void Int8Path::beginRun() {
  for (auto& t : floatViews_) t = Tensor();
  for (auto& t : quantized_) t = Tensor();
}

void Int8Path::release(TensorId t) {
  floatViews_[t] = Tensor();
  quantized_[t] = Tensor();
}

const Tensor& Int8Path::floatView(TensorId t, const Tensor& v) {
  if (floatViews_[t].empty()) {
    const Shape& s = g_.desc(t).shape;
    Tensor f = buffers_(t, BufferUse::kConverted, DType::kFloat, s);
    k8::dequantizeFromNhwc(v.data<int8_t>(), s[0], s[1], s[2], s[3], scale_[t], f.data<float>());
    floatViews_[t] = std::move(f);
  }
  return floatViews_[t];
}

const int8_t* Int8Path::int8Input(TensorId t, std::vector<Tensor>& live) {
  if (isInt8(t, live[t])) return live[t].data<int8_t>();
  if (quantized_[t].empty()) {  // the reformat into INT8 at a DLA boundary, once per run
    const Shape& s = g_.desc(t).shape;
    Tensor q = buffers_(t, BufferUse::kConverted, DType::kInt8, nhwc(s));
    k8::quantizeToNhwc(live[t].data<float>(), s[0], s[1], s[2], s[3], scale_[t], q.data<int8_t>());
    quantized_[t] = std::move(q);
  }
  return quantized_[t].data<int8_t>();
}

Tensor Int8Path::newInt8Output(TensorId t) const {
  return buffers_(t, BufferUse::kValue, DType::kInt8, nhwc(g_.desc(t).shape));
}

Int8Path::Prepared& Int8Path::prepared(NodeId n) {
  if (!prep_[n]) {
    auto p = std::make_unique<Prepared>();
    p->layer = fusedAct_[n] >= 0
                   ? describeFusedElementWise(g_, g_.nodes[n], g_.nodes[fusedAct_[n]], scale_)
                   : describeInt8Layer(g_, g_.nodes[n], scale_);
    const Int8Layer& l = p->layer;
    const Shape& out = g_.desc(g_.nodes[n].outputs[0]).shape;
    int64_t channels = out.size() == 4 ? out[1] : 1, elements = volume(out, 1, out.size());
    switch (l.kind) {
      case Int8Layer::Kind::kConv:
        p->conv = k8::prepareConvInt8(l.conv, l.weights.data());
        p->affine = k8::compile(l.affine, numerics_, channels, elements);
        p->layer.weights = {};  // the plan keeps its own copy
        break;
      case Int8Layer::Kind::kDeconv:
      case Int8Layer::Kind::kAffine:
        p->affine = k8::compile(l.affine, numerics_, channels, elements);
        break;
      case Int8Layer::Kind::kBinary:
        p->binary = k8::compile(l.binary, numerics_);
        break;
      case Int8Layer::Kind::kConcat:
        for (const auto& spec : l.concatRequant)
          p->requant.push_back(spec ? k8::compile(*spec, numerics_, 1, 1) : nullptr);
        break;
      case Int8Layer::Kind::kPool:      // pooling needs no compiled program
      case Int8Layer::Kind::kFallback:  // runs its float kernel
        break;
    }
    prep_[n] = std::move(p);
  }
  return *prep_[n];
}

bool Int8Path::runsInFloat(NodeId n) const {
  return prep_[size_t(n)] && prep_[size_t(n)]->layer.kind == Int8Layer::Kind::kFallback;
}

void Int8Path::prepare() {
  for (size_t i = 0; i < g_.nodes.size(); ++i)
    if (runsHere_[i] && !absorbed_[i]) prepared(NodeId(i));
}

std::vector<TensorId> Int8Path::constantsHeld() const {
  std::vector<TensorId> held;
  for (size_t i = 0; i < g_.nodes.size(); ++i) {
    if (!prep_[i]) continue;
    auto k = prep_[i]->layer.kind;
    if (k != Int8Layer::Kind::kConv && k != Int8Layer::Kind::kDeconv) continue;
    for (size_t j = 1; j < g_.nodes[i].inputs.size(); ++j)
      if (g_.nodes[i].inputs[j] != kNoTensor) held.push_back(g_.nodes[i].inputs[j]);
  }
  return held;
}

size_t Int8Path::run(NodeId i, std::vector<Tensor>& live) {
  const Node& n = g_.nodes[i];
  if (absorbed_[i]) return 0;  // its producer computed it
  Prepared& p = prepared(i);
  const Int8Layer& l = p.layer;
  if (l.kind == Int8Layer::Kind::kFallback) return runFallback(i, live);
  TensorId out = fusedAct_[i] >= 0 ? g_.nodes[fusedAct_[i]].outputs[0] : n.outputs[0];
  const Shape& os = g_.desc(out).shape;
  const int64_t images = os[0], channels = os[1], elements = volume(os, 1, 4);
  Tensor y = newInt8Output(out);
  int8_t* yp = y.data<int8_t>();
  if (l.zeroOutput) {  // an output scale of 0 (an all-zero calibration range): every code is 0
    std::fill(yp, yp + y.size(), int8_t(0));
  } else {
    switch (l.kind) {
      case Int8Layer::Kind::kConv:
      case Int8Layer::Kind::kDeconv: {
        Tensor acc = buffers_(out, BufferUse::kScratch, DType::kInt32, {y.size()});
        const int8_t* x = int8Input(n.inputs[0], live);
        if (l.kind == Int8Layer::Kind::kConv)
          k8::executeConvInt8(*p.conv, x, acc.data<int32_t>());
        else
          k8::deconvInt8(l.conv, x, l.weights.data(), acc.data<int32_t>());
        k8::run(*p.affine, acc.data<int32_t>(), yp, images, elements, channels, true);
        break;
      }
      case Int8Layer::Kind::kPool:
        k8::poolInt8(l.pool, int8Input(n.inputs[0], live), yp);
        break;
      case Int8Layer::Kind::kAffine:
        k8::run(*p.affine, int8Input(n.inputs[size_t(l.input)], live), yp, images, elements,
                channels, true);
        break;
      case Int8Layer::Kind::kBinary:
        k8::runBinary(*p.binary, nhwc(g_.desc(n.inputs[0]).shape), int8Input(n.inputs[0], live),
                      nhwc(g_.desc(n.inputs[1]).shape), int8Input(n.inputs[1], live), nhwc(os), yp);
        break;
      case Int8Layer::Kind::kConcat: {
        std::vector<const int8_t*> xs;
        std::vector<int64_t> cs;
        std::vector<Tensor> tmp;
        for (size_t k = 0; k < n.inputs.size(); ++k) {
          const Shape& s = g_.desc(n.inputs[k]).shape;
          const int8_t* x = int8Input(n.inputs[k], live);
          if (p.requant[k]) {  // scales differ (only without a calibration cache): requantise
            tmp.push_back(Tensor::uninitialized(DType::kInt8, nhwc(s)));
            k8::run(*p.requant[k], x, tmp.back().data<int8_t>(), 1, volume(s), 1, true);
            x = tmp.back().data<int8_t>();
          }
          xs.push_back(x);
          cs.push_back(s[1]);
        }
        k8::concatChannels(xs, cs, os[0] * os[2] * os[3], yp);
        break;
      }
      case Int8Layer::Kind::kFallback:  // returned above
        break;
    }
  }
  live[out] = std::move(y);
  return live[out].bytes();
}

// Layers without an integer model: their FP32 kernel on the dequantised inputs (a float input
// from outside INT8 is fake-quantised first, as the reformat into INT8 would), then the result
// quantised to the output's scale.
size_t Int8Path::runFallback(NodeId i, std::vector<Tensor>& live) {
  const Node& n = g_.nodes[i];
  OpIO io;
  std::vector<Tensor> ins(n.inputs.size());
  for (size_t k = 0; k < n.inputs.size(); ++k) {
    TensorId t = n.inputs[k];
    io.constant.push_back(t != kNoTensor && g_.tensor(t).isConstant());
    if (t == kNoTensor) {
      io.in.push_back(nullptr);
      continue;
    }
    if (g_.tensor(t).isConstant()) {
      io.in.push_back(&g_.tensor(t).value);
      continue;
    }
    if (isInt8(t, live[t])) {
      io.in.push_back(&floatView(t, live[t]));
      continue;
    }
    ins[k] = live[t];
    if (live[t].dtype() == DType::kFloat && scale_[t] > 0) {
      ins[k] = live[t].clone();
      kern::numeric::fakeQuantizeInt8(ins[k].data<float>(), ins[k].size(), scale_[t]);
    }
    io.in.push_back(&ins[k]);
  }
  // Codes: the float result is scratch, quantised into the value; otherwise it is the value.
  std::vector<Tensor> outs;
  for (TensorId t : n.outputs)
    outs.push_back(
        t == kNoTensor
            ? Tensor()
            : buffers_(t, int8Representable(g_.desc(t)) ? BufferUse::kScratch : BufferUse::kValue,
                       g_.desc(t).dtype, g_.desc(t).shape));
  for (size_t k = 0; k < n.outputs.size(); ++k)
    io.out.push_back(n.outputs[k] == kNoTensor ? nullptr : &outs[k]);
  opDef(n.kind).run(n, io);
  size_t bytes = 0;
  for (size_t k = 0; k < n.outputs.size(); ++k) {
    TensorId t = n.outputs[k];
    if (t == kNoTensor) continue;
    if (int8Representable(g_.desc(t))) {
      const Shape& s = g_.desc(t).shape;
      Tensor q = newInt8Output(t);
      k8::quantizeToNhwc(outs[k].data<float>(), s[0], s[1], s[2], s[3], scale_[t],
                         q.data<int8_t>());
      outs[k] = std::move(q);
    } else if (outs[k].dtype() == DType::kFloat && scale_[t] > 0) {
      kern::numeric::fakeQuantizeInt8(outs[k].data<float>(), outs[k].size(), scale_[t]);
    }
    live[t] = std::move(outs[k]);
    bytes += live[t].bytes();
  }
  return bytes;
}

}  // namespace sim
