// dlasim::comparePerLayer: the emulated run and the FP32 reference side by side, layer by layer.
//
// Both runs go through sim::Executor with an afterLayer hook: the reference unfused on a second
// thread (every layer's output), the emulated run fused exactly as ExecutionContext::run (plain
// layouts, so each group's output is readable) on the caller's thread. The reference publishes each
// layer's outputs; the emulated run waits for the layer it has just computed, compares, and drops
// every reference output up to it. The reference thread pauses while it holds more than kAheadBytes
// of outputs the emulated run has not reached, so memory stays bounded whatever the model.
#include <cmath>
#include <condition_variable>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include "api/impl.h"
#include "dlasim/compare.h"

namespace dlasim {

namespace {

constexpr size_t kAheadBytes = size_t(256) << 20;

struct Lockstep {
  std::mutex m;
  std::condition_variable cv;
  std::map<sim::NodeId, std::vector<Tensor>> published;  // reference outputs not yet compared
  size_t heldBytes = 0;
  sim::NodeId lastPublished = -1, wanted = -1;
  bool referenceDone = false, emulatedDone = false;
  std::exception_ptr referenceError;
};

struct Diff {
  double relative = 0, cosine = 1, maxAbs = 0, meanAbs = 0;
};

Diff diff(const Tensor& emu, const Tensor& ref) {
  Diff d;
  const float *x = emu.data<float>(), *y = ref.data<float>();
  double dd = 0, yy = 0, xx = 0, xy = 0, sumAbs = 0;
  for (int64_t i = 0; i < ref.size(); ++i) {
    double a = x[i], b = y[i], e = a - b;
    dd += e * e;
    yy += b * b;
    xx += a * a;
    xy += a * b;
    double ae = std::fabs(e);
    sumAbs += ae;
    if (!(ae <= d.maxAbs)) d.maxAbs = ae;  // NaN counts as the largest
  }
  d.meanAbs = ref.size() ? sumAbs / double(ref.size()) : 0;
  d.relative = dd == 0 ? 0 : yy == 0 ? std::numeric_limits<double>::infinity() : std::sqrt(dd / yy);
  d.cosine = xx == 0 && yy == 0 ? 1 : xx == 0 || yy == 0 ? 0 : xy / std::sqrt(xx * yy);
  return d;
}

}  // namespace

PerLayerReport comparePerLayer(const Engine& engine, const TensorMap& inputs,
                               const CompareOptions& options) {
  ExecutionContext context = engine.createExecutionContext();
  return comparePerLayer(context, inputs, options);
}

PerLayerReport comparePerLayer(ExecutionContext& context, const TensorMap& inputs,
                               const CompareOptions& options) {
  ContextState& state = EngineAccess::of(context);
  const EngineImpl& p = *state.engine;
  if (p.weightsReleased) sim::fail("the engine's host weights were released; rebuild it");
  state.prepareScales(inputs);
  const sim::Graph& g = state.graph();
  sim::Executor ref(g, /*reference=*/true, /*fuse=*/false);
  sim::Executor emu(g);
  emu.setNumerics(p.numerics());
  emu.keepPlainLayouts();

  PerLayerReport r;
  for (const LayerInfo& l : p.layers) {
    LayerComparison c;
    c.name = l.name;
    c.type = l.type;
    c.device = l.device;
    c.precision = l.precision;
    for (sim::TensorId t : g.nodes[r.layers.size()].outputs)
      if (t != sim::kNoTensor && c.output.empty()) c.output = g.tensor(t).name;
    r.layers.push_back(std::move(c));
  }
  // The error of each tensor so far: graph inputs are exact; a fused layer's output inherits
  // the largest error of what it reads.
  std::vector<double> tensorError(g.tensors.size(), 0.0);
  auto inputError = [&](sim::NodeId n) {
    double e = 0;
    for (sim::TensorId t : g.nodes[size_t(n)].inputs)
      if (t != sim::kNoTensor && !g.tensor(t).isConstant()) e = std::max(e, tensorError[t]);
    return e;
  };
  // Layers fused into a later one: handled when that one (their group's last) runs.
  std::vector<std::vector<sim::NodeId>> members(g.nodes.size());
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (emu.runsWith(sim::NodeId(i)) != sim::NodeId(i))
      members[size_t(emu.runsWith(sim::NodeId(i)))].push_back(sim::NodeId(i));

  Lockstep s;
  ref.afterLayer = [&](sim::NodeId n, const std::vector<Tensor*>& outs) {
    std::vector<Tensor> copies;  // copies: the executor's arena reuses its buffers
    size_t bytes = 0;
    for (Tensor* t : outs) {
      copies.push_back(t ? t->clone() : Tensor());
      bytes += t ? t->bytes() : 0;
    }
    std::unique_lock<std::mutex> l(s.m);
    s.published[n] = std::move(copies);
    s.heldBytes += bytes;
    s.lastPublished = n;
    s.cv.notify_all();
    s.cv.wait(l, [&] { return s.emulatedDone || s.heldBytes <= kAheadBytes || n <= s.wanted; });
  };
  emu.afterLayer = [&](sim::NodeId n, const std::vector<Tensor*>& outs) {
    std::unique_lock<std::mutex> l(s.m);
    s.wanted = n;
    s.cv.notify_all();
    s.cv.wait(l, [&] { return s.lastPublished >= n || s.referenceDone; });
    if (s.referenceError) std::rethrow_exception(s.referenceError);
    for (sim::NodeId m : members[size_t(n)]) {  // in order: a member may read the one before
      LayerComparison& f = r.layers[size_t(m)];
      f.fusedInto = r.layers[size_t(n)].name;
      f.inputError = inputError(m);
      for (sim::TensorId t : g.nodes[size_t(m)].outputs)
        if (t != sim::kNoTensor) tensorError[t] = f.inputError;
    }
    LayerComparison& c = r.layers[size_t(n)];
    c.inputError = inputError(n);
    const std::vector<Tensor>& want = s.published[n];
    const sim::Node& node = g.nodes[size_t(n)];
    for (size_t k = 0; k < outs.size() && k < want.size(); ++k) {
      sim::TensorId t = node.outputs[k];
      if (!outs[k] || want[k].empty() || outs[k]->dtype() != DataType::kFloat ||
          want[k].dtype() != DataType::kFloat || outs[k]->size() != want[k].size())
        continue;
      Diff d = diff(*outs[k], want[k]);
      tensorError[t] = d.relative;
      if (c.compared) continue;  // the report shows the first float output
      c.compared = true;
      c.output = g.tensor(t).name;
      c.relativeError = d.relative;
      c.cosine = d.cosine;
      c.maxAbs = d.maxAbs;
      c.meanAbs = d.meanAbs;
    }
    // Everything up to n is compared: its reference outputs are no longer needed.
    for (auto it = s.published.begin(); it != s.published.end() && it->first <= n;) {
      for (const Tensor& t : it->second) s.heldBytes -= t.empty() ? 0 : t.bytes();
      it = s.published.erase(it);
    }
    s.cv.notify_all();
    l.unlock();
    if (options.progress) options.progress(int64_t(n) + 1, int64_t(g.nodes.size()));
  };

  std::vector<Tensor> refOut;
  std::thread refThread([&] {
    try {
      refOut = ref.run(inputs);
    } catch (...) {
      std::lock_guard<std::mutex> l(s.m);
      s.referenceError = std::current_exception();
    }
    std::lock_guard<std::mutex> l(s.m);
    s.referenceDone = true;
    s.cv.notify_all();
  });
  std::vector<Tensor> emuOut;
  std::exception_ptr emuError;
  try {
    emuOut = emu.run(inputs);
  } catch (...) {
    emuError = std::current_exception();
  }
  {
    std::lock_guard<std::mutex> l(s.m);
    s.emulatedDone = true;
    s.cv.notify_all();
  }
  refThread.join();
  if (emuError) std::rethrow_exception(emuError);
  if (s.referenceError) std::rethrow_exception(s.referenceError);

  double largest = -std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < r.layers.size(); ++i) {
    LayerComparison& c = r.layers[i];
    if (!c.compared) continue;
    c.increase = c.relativeError - c.inputError;
    // A layer computing in FP32 rounds nothing of its own: a change of error there is the
    // amplification of its inputs' error, never where accuracy is lost.
    if (c.precision == Precision::kFP32) continue;
    c.jump = c.increase >= options.jumpThreshold && c.relativeError >= 2 * c.inputError;
    if (c.jump && r.firstJump < 0) r.firstJump = int(i);
    if (c.increase > largest) {
      largest = c.increase;
      r.largestIncrease = int(i);
    }
  }
  r.reference = namedOutputs(g, std::move(refOut));
  r.emulated = namedOutputs(g, std::move(emuOut));
  r.outputs = compare(r.reference, r.emulated, options);
  return r;
}

}  // namespace dlasim
