#include "hwmodels/cost/dla_cost.h"

#include <algorithm>
#include <cmath>

#include "hwmodels/dla_rules.h"
#include "sim/ops/op_def.h"

namespace hw {

using dlasim::Bound;
using dlasim::EngineUnit;
using dlasim::Precision;
using sim::Node;
using sim::NodeId;
using sim::OpKind;
using sim::TensorId;

namespace {

int64_t roundUp(int64_t v, int64_t m) {
  return m <= 1 ? v : (v + m - 1) / m * m;
}
int64_t ceilDiv(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}

const ConvCore& coreFor(const CostContext& ctx, Precision p) {
  return p == Precision::kINT8 ? ctx.params.dla.int8 : ctx.params.dla.fp16;
}

// The SDP stage a point-wise layer needs when fused after another op (NVDLA: X1/X2 do
// bias/scale/ReLU, Y does LUT activations and element-wise with a second tensor), or false.
enum class Stage { kX, kY };
bool sdpStage(const CostContext& ctx, const Node& n, Stage* st) {
  switch (sim::opTraits(n).sdp) {
    case sim::SdpClass::kNone:
      return false;
    case sim::SdpClass::kAffine:
      *st = Stage::kX;
      return true;
    case sim::SdpClass::kLut:
      *st = Stage::kY;
      return true;
    case sim::SdpClass::kBinary: {
      bool constOperand = false;
      for (TensorId t : n.inputs) constOperand |= t != sim::kNoTensor && ctx.isConstant(t);
      *st = constOperand ? Stage::kX : Stage::kY;
      return true;
    }
  }
  return false;
}

// The engine unit of the layer's work record; the convolution core is the platform's (Orin
// runs FP16 convolutions on Rubik).
EngineUnit workUnit(const CostContext& ctx, const Node& n) {
  return ctx.facts.works[ctx.indexOf(n)].unit;
}
EngineUnit unitOf(const CostContext& ctx, const Node& n) {
  EngineUnit u = workUnit(ctx, n);
  return u == EngineUnit::kConvolution ? coreFor(ctx, n.precision).unit : u;
}

// Cycles of stripes covering `pixels` output points on each of `pipes` arrays: stripes of up to
// stripeMax atomic ops, none shorter than the stripeMin weight-load floor.
double stripeCycles(const DlaCost& d, int64_t pixels, int pipes) {
  int64_t per = ceilDiv(pixels, pipes);
  int64_t full = per / d.stripeMax, rest = per % d.stripeMax;
  return double(full * d.stripeMax + (rest ? std::max<int64_t>(rest, d.stripeMin) : 0));
}

// How often a convolution reads its input and weights when they do not both fit in the
// convolution buffer (NVDLA's compiler and performance spreadsheet): weights held while the input
// streams in H-slices (overlapping rows re-read), else the cheaper of re-reading the input once
// per weight chunk and re-reading the weights once per input chunk. `in` covers every image.
struct BufferPlan {
  double inputReads = 1, weightReads = 1;
};

BufferPlan bufferPlan(const DlaCost& d, int64_t in, int64_t rowBytes, int64_t weights,
                      int64_t kgBytes, int64_t r, int64_t stride) {
  const int64_t cb = d.cbufBytes;
  if (in + weights <= cb) return {};
  rowBytes = std::max<int64_t>(rowBytes, 1);
  auto overlap = [&](int64_t room) {
    int64_t rows = std::max<int64_t>(r, room / rowBytes);
    int64_t outRows = std::max<int64_t>(1, (rows - r) / stride + 1);
    return r > stride ? double(r - stride) / double(outRows * stride) : 0.0;
  };
  int64_t minIn = std::min(in, (r + stride) * rowBytes);
  if (weights + minIn <= cb) return {1 + overlap(cb - weights), 1};
  BufferPlan byWeights{double(ceilDiv(weights, std::max<int64_t>(cb - minIn, 1))), 1};
  int64_t room = std::max<int64_t>(cb - 2 * kgBytes, r * rowBytes);
  BufferPlan byInput{1 + overlap(room), double(ceilDiv(in, room))};
  auto traffic = [&](const BufferPlan& b) {
    return b.inputReads * double(in) + b.weightReads * double(weights);
  };
  return traffic(byWeights) <= traffic(byInput) ? byWeights : byInput;
}

// Whether tensor t feeds exactly a Sigmoid and a Mul of t by that sigmoid (SiLU / Swish).
bool siluAfter(const CostContext& ctx, TensorId t, NodeId* sig, NodeId* mul) {
  const auto& rd = ctx.readers[t];
  if (rd.size() != 2 || ctx.graphOutput[t]) return false;
  for (int k = 0; k < 2; ++k) {
    const Node& s = ctx.g.nodes[rd[k]];
    const Node& m = ctx.g.nodes[rd[1 - k]];
    if (s.kind != OpKind::kActivation ||
        s.get<sim::ActivationAttrs>().type != sim::ActType::kSigmoid)
      continue;
    TensorId so = s.outputs[0];
    if (ctx.readers[so].size() != 1 || ctx.readers[so][0] != rd[1 - k] || ctx.graphOutput[so])
      continue;
    if (m.kind != OpKind::kElementWise || m.get<sim::EltAttrs>().op != sim::EltOp::kProd) continue;
    *sig = rd[k];
    *mul = rd[1 - k];
    return true;
  }
  return false;
}

struct Op {
  std::vector<size_t> members;  // indices into the loadable's nodes; [0] is the head
  bool pooled = false;          // the last member is a pooling run on the fly
};

// Groups the loadable's layers into hardware ops.
std::vector<Op> groupOps(const CostContext& ctx, const sim::Loadable& ld) {
  const sim::Graph& g = ctx.g;
  std::vector<int> pos(g.nodes.size(), -1);
  for (size_t i = 0; i < ld.nodes.size(); ++i) pos[ld.nodes[i]] = int(i);
  std::vector<bool> taken(ld.nodes.size(), false);
  std::vector<Op> ops;
  for (size_t i = 0; i < ld.nodes.size(); ++i) {
    if (taken[i]) continue;
    taken[i] = true;
    Op op;
    op.members.push_back(i);
    const Node& head = g.nodes[ld.nodes[i]];
    Stage st;
    bool convHead = head.kind == OpKind::kConvolution || head.kind == OpKind::kDeconvolution ||
                    head.kind == OpKind::kMatrixMultiply;
    int xUsed = convHead ? 1 : 0, yUsed = 0;  // a convolution's own bias/ReLU take X1
    if (!convHead) {
      if (!sdpStage(ctx, head, &st)) {
        ops.push_back(op);
        continue;
      }
      (st == Stage::kX ? xUsed : yUsed)++;
    }
    TensorId cur = head.outputs[0];
    for (;;) {
      const auto& rd = ctx.readers[cur];
      NodeId sig = -1, mul = -1;
      if (yUsed == 0 && siluAfter(ctx, cur, &sig, &mul) && pos[sig] >= 0 && pos[mul] >= 0 &&
          !taken[pos[sig]] && !taken[pos[mul]]) {
        // x * sigmoid(x) in the same SDP pass (fitted to design §5 item 3, docs/cost-model.md).
        taken[pos[sig]] = taken[pos[mul]] = true;
        op.members.push_back(size_t(pos[sig]));
        op.members.push_back(size_t(pos[mul]));
        ++yUsed;
        cur = g.nodes[mul].outputs[0];
        continue;
      }
      if (rd.size() != 1 || ctx.graphOutput[cur] || pos[rd[0]] < 0 || taken[pos[rd[0]]]) break;
      const Node& next = g.nodes[rd[0]];
      if (sdpStage(ctx, next, &st) && (st == Stage::kX ? xUsed < 2 : yUsed < 1)) {
        (st == Stage::kX ? xUsed : yUsed)++;
        taken[pos[rd[0]]] = true;
        op.members.push_back(size_t(pos[rd[0]]));
        cur = next.outputs[0];
        continue;
      }
      if (next.kind == OpKind::kPooling && !next.get<sim::PoolAttrs>().global) {
        // On the fly after the SDP when the overlapping lines fit PDP's line buffer.
        const auto& pa = next.get<sim::PoolAttrs>();
        Dims o = dimsOf(g.desc(next.outputs[0]).shape);
        int64_t kh = pa.kernel.size() > 1 ? pa.kernel[0] : 1;
        int64_t sh = pa.strides.size() > 1 ? pa.strides[0] : 1;
        if (o.w * ceilDiv(kh, sh) * ctx.params.dla.featureAtomBytes <=
            ctx.params.dla.pdpLineBufferBytes) {
          taken[pos[rd[0]]] = true;
          op.members.push_back(size_t(pos[rd[0]]));
          op.pooled = true;
        }
      }
      break;
    }
    ops.push_back(op);
  }
  return ops;
}

// Elements an engine computes (the padding channels of the memory layout ride along for free).
int64_t elements(const Dims& d) {
  return d.n * d.c * d.h * d.w;
}

struct Convolution {
  double cycles = 0;  // on the convolution core
  int64_t macs = 0, weightBytes = 0, kgBytes = 0, r = 1, stride = 1, groups = 1;
  bool image = false;
};

// Whether a convolution may stream through Rubik instead of the convolution core, and must.
bool rubikCandidate(const DlaCost& d, const Node& n, bool* forced) {
  *forced = n.precision != Precision::kINT8 && d.rubikConv.fp16;
  return *forced || (n.precision == Precision::kINT8 && d.rubikConv.int8WhenFaster);
}

Convolution convolution(const CostContext& ctx, const Node& n, int loadable) {
  Convolution c;
  const sim::Graph& g = ctx.g;
  const DlaCost& d = ctx.params.dla;
  const ConvCore& core = coreFor(ctx, n.precision);
  Dims in = dimsOf(ctx.scaled(n.inputs[0])), out = dimsOf(ctx.scaled(n.outputs[0]));
  int64_t groups = 1, r = 1, s = 1;
  int64_t kOut = out.c, cIn = in.c;
  if (n.kind == OpKind::kMatrixMultiply) {
    // A fully connected layer: rows of the input against the constant matrix.
    const sim::Shape& ws = g.desc(n.inputs[1]).shape;
    kOut = ws.empty() ? 1 : ws.back();
    cIn = ws.size() >= 2 ? ws[ws.size() - 2] : 1;
    int64_t rows = sim::volume(ctx.scaled(n.outputs[0])) / std::max<int64_t>(kOut, 1);
    in = {rows, cIn, 1, 1};
    out = {rows, kOut, 1, 1};
  } else {
    const auto& a = n.get<sim::ConvAttrs>();
    groups = a.group;
    c.groups = groups;
    r = a.kernel.size() >= 2 ? a.kernel[a.kernel.size() - 2] : 1;
    s = a.kernel.back();
    c.stride = a.strides.size() >= 2 ? a.strides[a.strides.size() - 2] : a.strides.back();
  }
  c.r = r;
  bool deconv = n.kind == OpKind::kDeconvolution;
  int64_t cpg = cIn / std::max<int64_t>(groups, 1), kpg = kOut / std::max<int64_t>(groups, 1);
  const Dims& px = deconv ? in : out;  // deconvolution computes per input pixel
  c.macs = px.n * px.h * px.w * kOut * cpg * r * s;
  c.image = n.kind == OpKind::kConvolution && imageInput(ctx, n, loadable);
  bool sparse = n.kind == OpKind::kConvolution && runsSparse(ctx, n);
  c.weightBytes =
      n.kind == OpKind::kMatrixMultiply
          ? kOut * roundUp(cIn, d.featureAtomBytes / int(dlasim::precisionBytes(n.precision))) *
                int(dlasim::precisionBytes(n.precision))
          : convWeightBytes(ctx, n, c.image, sparse);
  c.kgBytes = c.weightBytes / std::max<int64_t>(1, ceilDiv(kOut, core.atomicK));
  if (c.image) {
    c.cycles = double(c.macs) / (double(core.macsPerCycle()) * d.imageInputEfficiency);
    return c;
  }
  int64_t pixels = px.h * px.w, images = px.n;
  if (pixels == 1) {  // fully connected: the batch interleaves into the stripes
    pixels = images;
    images = 1;
  }
  int64_t cChunks = ceilDiv(sparse ? ceilDiv(cpg, 2) : cpg, core.atomicC);
  c.cycles = double(images * groups * cChunks * ceilDiv(kpg, core.atomicK) * r * s) *
             stripeCycles(d, pixels, core.pipes) * core.cyclesPerOp;
  return c;
}

}  // namespace

Precision storedPrecision(const CostContext& ctx, TensorId t, int loadable, Precision reader) {
  NodeId p = ctx.g.tensor(t).producer;
  if (p >= 0 && ctx.part.loadableOf[p] == loadable) return ctx.g.nodes[p].precision;
  return reader;
}

int64_t featureBytes(const CostContext& ctx, const Dims& d, Precision p, bool image) {
  int eb = int(dlasim::precisionBytes(p));
  int64_t c = image ? 4 : roundUp(d.c, std::max(1, ctx.params.dla.featureAtomBytes / eb));
  return d.n * c * d.h * d.w * eb;
}

bool imageInput(const CostContext& ctx, const Node& n, int loadable) {
  if (n.kind != OpKind::kConvolution || n.get<sim::ConvAttrs>().group != 1) return false;
  TensorId x = n.inputs[0];
  NodeId p = ctx.g.tensor(x).producer;
  return dimsOf(ctx.g.desc(x).shape).c <= 4 && (p < 0 || ctx.part.loadableOf[p] != loadable);
}

int64_t convWeightBytes(const CostContext& ctx, const Node& n, bool image, bool sparse) {
  const sim::Shape& w = ctx.g.desc(n.inputs[1]).shape;  // K x C/group x kernel...
  int eb = int(dlasim::precisionBytes(n.precision));
  int64_t k = n.kind == OpKind::kDeconvolution ? w[1] * n.get<sim::ConvAttrs>().group : w[0];
  int64_t cpg = n.kind == OpKind::kDeconvolution ? w[0] : w[1];
  int64_t spatial = sim::volume(w, 2, w.size());
  int64_t cPad = image ? 4 : roundUp(cpg, std::max(1, ctx.params.dla.featureAtomBytes / eb));
  int64_t bytes = k * cPad * spatial * eb;  // kernel groups need not be full in memory
  return sparse ? bytes * 5 / 8 : bytes;
}

int64_t constantBytes(const CostContext& ctx, const Node& n) {
  const DlaCost& d = ctx.params.dla;
  int64_t pad = n.precision == Precision::kINT8 ? d.constantPadInt8 : d.constantPadFp16;
  if (n.kind == OpKind::kConvolution || n.kind == OpKind::kDeconvolution) {
    int64_t k = dimsOf(ctx.g.desc(n.outputs[0]).shape).c;
    bool bias = n.inputs.size() > 2 && n.inputs[2] != sim::kNoTensor;
    int operands = int(bias) + int(n.precision == Precision::kINT8);  // bias, requant scale
    return operands * roundUp(k, pad) * d.constantContainerBytes;
  }
  int64_t total = 0;
  for (TensorId t : n.inputs) {
    if (t == sim::kNoTensor || !ctx.isConstant(t)) continue;
    const sim::Shape& s = ctx.g.desc(t).shape;
    // Constants of a Scale layer are per channel ([C]); others broadcast NCHW-aligned.
    Dims c = n.kind == OpKind::kScale && s.size() == 1 ? Dims{1, s[0], 1, 1} : dimsOf(s);
    total += c.n * roundUp(c.c, pad) * c.h * c.w * d.constantContainerBytes;
  }
  return total;
}

bool runsSparse(const CostContext& ctx, const Node& n) {
  return ctx.facts.sparse[ctx.indexOf(n)];
}

namespace {

// The stages a loadable's cost goes through, each handing its result to the next: the hardware
// ops (groupOps), each op's traffic, the engines' cycles (which add the convolution's weights and
// re-reads to the traffic), the op's time; then the format conversions and the submission.

// Bytes an op moves. `constants` (biases, scales: SDP operands) are part of `reads`.
struct OpTraffic {
  int64_t reads = 0, writes = 0, extra = 0, sram = 0, constants = 0, sramStaged = 0;
};

// Stage 1: the activations the op reads from outside it (the head's input, the fused layers'
// second operands), the constants of its point-wise members, and its output.
OpTraffic opActivations(const CostContext& ctx, const sim::Loadable& ld, const Op& op,
                        int loadable) {
  const sim::Graph& g = ctx.g;
  const Node& head = g.nodes[ld.nodes[op.members.front()]];
  OpTraffic t;
  std::vector<TensorId> inside;  // tensors passed between the op's members on chip
  for (size_t k : op.members) inside.push_back(g.nodes[ld.nodes[k]].outputs[0]);
  bool coreHead = head.kind == OpKind::kConvolution || head.kind == OpKind::kDeconvolution ||
                  head.kind == OpKind::kMatrixMultiply;
  for (size_t k : op.members) {
    const Node& n = g.nodes[ld.nodes[k]];
    bool isHead = k == op.members.front();
    if (!(isHead && coreHead)) {  // a convolution's own: with its weights (stage 2)
      t.constants += constantBytes(ctx, n);
      t.reads += constantBytes(ctx, n);
    }
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      TensorId x = n.inputs[i];
      if (x == sim::kNoTensor || ctx.isConstant(x)) continue;
      if (std::find(inside.begin(), inside.end(), x) != inside.end()) continue;
      if (isHead && coreHead && i > 0) continue;
      bool image = isHead && i == 0 && imageInput(ctx, n, loadable);
      t.reads += featureBytes(ctx, dimsOf(ctx.scaled(x)),
                              storedPrecision(ctx, x, loadable, n.precision), image);
    }
  }
  const Node& last = g.nodes[ld.nodes[op.members.back()]];
  t.writes = featureBytes(ctx, dimsOf(ctx.scaled(last.outputs[0])), last.precision, false);
  return t;
}

// What the op's engines do: cycles of the slowest (they are pipelined), the convolution core's
// part, the unit that sets the pace.
struct OpEngines {
  double cycles = 0, convCycles = 0;
  int64_t macs = 0;
  EngineUnit unit = EngineUnit::kNone;
};

// Stage 2a: a convolution head: its weights and constants, the convolution buffer's re-reads
// (from the managed SRAM when the re-read operand fits in it), the core's cycles.
void convolutionOp(const CostContext& ctx, const Node& head, int loadable, double sdpCycles,
                   OpTraffic& t, OpEngines& e) {
  const DlaCost& d = ctx.params.dla;
  Convolution cv = convolution(ctx, head, loadable);
  e.macs = cv.macs;
  int64_t own = head.kind == OpKind::kMatrixMultiply ? 0 : constantBytes(ctx, head);
  t.constants += own;
  t.reads += cv.weightBytes + own;
  Dims in = dimsOf(ctx.scaled(head.inputs[0]));
  int64_t inBytes = featureBytes(
      ctx, in, storedPrecision(ctx, head.inputs[0], loadable, head.precision), cv.image);
  int64_t rowBytes = inBytes / std::max<int64_t>(in.n * in.h, 1);
  BufferPlan bp = bufferPlan(d, inBytes, rowBytes, cv.weightBytes, cv.kgBytes, cv.r, cv.stride);
  auto reread = [&](double times, int64_t bytes) {
    int64_t b = int64_t((times - 1) * double(bytes));
    if (b <= 0) return;
    bool staged = bytes <= ctx.sramBytes;
    (staged ? t.sram : t.extra) += b;
    if (staged) t.sramStaged = std::max(t.sramStaged, bytes);
  };
  reread(bp.inputReads, inBytes);
  reread(bp.weightReads, cv.weightBytes);
  e.convCycles = cv.cycles / d.convEfficiency;
  e.cycles = std::max(e.convCycles, sdpCycles);
  // Orin: FP16 convolutions stream through Rubik, INT8 ones when that is faster: its MAC rate
  // or the activations and weights the op moves (biases and scales stay in the SDP).
  bool forced = false;
  if (rubikCandidate(d, head, &forced)) {
    double moved = double(t.reads + t.writes + t.extra + t.sram - t.constants);
    double rubik =
        std::max(double(cv.macs) / d.rubikConv.macsPerCycle, moved / d.rubikBytesPerCycle);
    if (forced || rubik < e.cycles) {
      e.cycles = e.convCycles = rubik;
      e.unit = EngineUnit::kRubik;
    }
  }
}

// Stage 2: the engines' cycles for the op's head kind (and its fused pooling).
OpEngines opEngines(const CostContext& ctx, const sim::Loadable& ld, const Op& op, int loadable,
                    OpTraffic& t) {
  const sim::Graph& g = ctx.g;
  const DlaCost& d = ctx.params.dla;
  const Node& head = g.nodes[ld.nodes[op.members.front()]];
  OpEngines e;
  e.unit = unitOf(ctx, head);
  const Node& last = g.nodes[ld.nodes[op.members.back()]];
  const Node& sdpEnd = op.pooled ? g.nodes[ld.nodes[op.members[op.members.size() - 2]]] : last;
  double sdpElements = double(elements(dimsOf(ctx.scaled(sdpEnd.outputs[0]))));
  double sdpRate = d.sdpPerCycle;
  for (size_t k : op.members) {
    Stage st;
    if (sdpStage(ctx, g.nodes[ld.nodes[k]], &st) && st == Stage::kY)
      sdpRate = std::min(sdpRate, d.sdpLutPerCycle);
  }
  double headInput = head.inputs.empty() ? 0 : double(elements(dimsOf(ctx.scaled(head.inputs[0]))));
  const sim::OpTraits traits = sim::opTraits(head);
  switch (workUnit(ctx, head)) {
    case EngineUnit::kConvolution:
      convolutionOp(ctx, head, loadable, sdpElements / sdpRate, t, e);
      break;
    case EngineUnit::kPDP:
      e.cycles = headInput / d.pdpPerCycle;
      break;
    case EngineUnit::kCDP:
      e.cycles = headInput / d.cdpPerCycle;
      break;
    case EngineUnit::kSDP:
      if (traits.lutPasses > 0) {  // e.g. softmax: exponent, sum and division
        e.cycles = double(traits.lutPasses) * sdpElements / d.sdpLutPerCycle;
        t.reads *= traits.inputReads;
      } else {
        e.cycles = sdpElements / sdpRate;
      }
      break;
    case EngineUnit::kBDMA:
      if (traits.assemblesInPlace) {
        // Inputs produced in this loadable are written in place (memory aliasing); others are
        // copied by the bridge DMA.
        int64_t copied = 0;
        for (TensorId x : head.inputs) {
          NodeId p = g.tensor(x).producer;
          if (p < 0 || ctx.part.loadableOf[p] != loadable)
            copied += featureBytes(ctx, dimsOf(ctx.scaled(x)), head.precision, false);
        }
        t.reads = t.writes = copied;
        e.cycles = 2.0 * double(copied) / d.bdmaBytesPerCycle;
        if (copied == 0) e.unit = EngineUnit::kNone;  // nothing moves: no op, no time
      } else {
        e.cycles = double(t.reads + t.writes) / d.bdmaBytesPerCycle;
      }
      break;
    case EngineUnit::kRubik:
      e.cycles = double(t.writes) / d.rubikBytesPerCycle;
      break;
    case EngineUnit::kNone:
      t.reads = t.writes = 0;  // views: reshapes, identities
      break;
  }
  if (op.pooled) e.cycles = std::max(e.cycles, sdpElements / d.pdpPerCycle);
  return e;
}

// Stage 3: the op's time: max(engines, DRAM / SRAM traffic) + the per-op overhead.
LayerCost opTime(const CostContext& ctx, const OpTraffic& t, const OpEngines& e) {
  const DlaCost& d = ctx.params.dla;
  LayerCost c;
  c.unit = e.unit;
  c.macs = e.macs;
  c.convMs = ctx.dlaMs(e.convCycles);
  c.dramBytes = t.reads + t.writes + t.extra;
  c.sramBytes = t.sram;
  c.sramStagedBytes = t.sramStaged;
  if (c.unit == EngineUnit::kNone && c.dramBytes == 0) return c;  // no work, no time
  double sramGBs = d.sramBytesPerCycle * ctx.clocks.dlaMHz * 1e-3;
  c.computeMs = ctx.dlaMs(e.cycles);
  c.memoryMs =
      std::max(double(c.dramBytes) / (ctx.dlaDramGBs() * 1e6), double(t.sram) / (sramGBs * 1e6));
  c.overheadMs = ctx.dlaMs(d.opOverheadCycles);
  c.ms = std::max(c.computeMs, c.memoryMs) + c.overheadMs;
  c.bound = c.overheadMs > std::max(c.computeMs, c.memoryMs) ? Bound::kOverhead
            : c.computeMs >= c.memoryMs                      ? Bound::kCompute
                                                             : Bound::kMemory;
  return c;
}

// Stage 4: outputs bound for the host in a DLA format other than the layer's own: a Rubik pass.
std::vector<ConversionCost> conversions(const CostContext& ctx, const sim::Loadable& ld) {
  const DlaCost& d = ctx.params.dla;
  std::vector<ConversionCost> v;
  for (NodeId id : ld.nodes) {
    const Node& n = ctx.g.nodes[id];
    for (TensorId t : n.outputs) {
      if (!ctx.graphOutput[t]) continue;
      dlasim::IOFormat f = ctx.formatOf(t);
      if (!sim::isDlaFormat(f, false)) continue;  // the GPU reformats it (a hand-off)
      sim::IOType type = sim::ioTypeOf(f);
      std::vector<sim::IOLayout> layouts = sim::ioLayoutsOf(f);
      auto has = [&](sim::IOLayout l) {
        return std::find(layouts.begin(), layouts.end(), l) != layouts.end();
      };
      bool native = (type == sim::IOType::kINT8 && n.precision == Precision::kINT8 &&
                     has(sim::IOLayout::kCHW32)) ||
                    (type == sim::IOType::kFP16 && n.precision == Precision::kFP16 &&
                     has(sim::IOLayout::kCHW16));
      if (native) continue;
      Dims dd = dimsOf(ctx.scaled(t));
      int64_t out = dd.n * dd.c * dd.h * dd.w * int64_t(sim::ioTypeBytes(type));
      ConversionCost cc;
      cc.tensor = t;
      cc.dramBytes = out + featureBytes(ctx, dd, n.precision, false);
      cc.ms = std::max(ctx.dlaMs(double(out) / d.rubikBytesPerCycle),
                       double(cc.dramBytes) / (ctx.dlaDramGBs() * 1e6)) +
              ctx.dlaMs(d.opOverheadCycles);
      v.push_back(cc);
    }
  }
  return v;
}

}  // namespace

LoadableCost dlaLoadableCost(const CostContext& ctx, int loadable) {
  const sim::Graph& g = ctx.g;
  const sim::Loadable& ld = ctx.part.loadables[loadable];
  LoadableCost lc;
  lc.layers.resize(ld.nodes.size());
  for (const Op& op : groupOps(ctx, ld)) {
    OpTraffic traffic = opActivations(ctx, ld, op, loadable);
    OpEngines engines = opEngines(ctx, ld, op, loadable, traffic);
    lc.layers[op.members.front()] = opTime(ctx, traffic, engines);
    for (size_t k = 1; k < op.members.size(); ++k) {
      LayerCost& f = lc.layers[op.members[k]];
      f.bound = Bound::kFused;
      f.unit = unitOf(ctx, g.nodes[ld.nodes[op.members[k]]]);
    }
  }
  lc.conversions = conversions(ctx, ld);
  lc.submitMs = ctx.version.submitUs * 1e-3;
  lc.ms = lc.submitMs;
  for (const auto& c : lc.layers) {
    lc.ms += c.ms;
    lc.dramBytes += c.dramBytes;
  }
  for (const auto& c : lc.conversions) {
    lc.ms += c.ms;
    lc.dramBytes += c.dramBytes;
  }
  return lc;
}

}  // namespace hw
