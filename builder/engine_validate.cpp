#include "builder/engine_validate.h"

#include <cmath>
#include <iterator>
#include <type_traits>

#include "hwmodels/dla_rules.h"

namespace builder {

using namespace sim;

namespace {

// The position of alternative A in the Attrs variant.
template <class A, class V>
struct AltIndex;
template <class A, class... Ts>
struct AltIndex<A, std::variant<Ts...>> {
  static constexpr size_t value() {
    constexpr bool same[] = {std::is_same_v<A, Ts>...};
    for (size_t i = 0; i < sizeof...(Ts); ++i)
      if (same[i]) return i;
    return sizeof...(Ts);
  }
};
template <class A>
constexpr size_t alt = AltIndex<A, Attrs>::value();

struct KindAttrs {
  OpKind kind;
  size_t attrs;
};

// The attribute struct each layer kind carries (ops.def's third column, what the importers
// create).
constexpr KindAttrs kKindAttrs[] = {
#define OP(Name, TrtType, AttrsT) {OpKind::k##Name, alt<AttrsT>},
#include "sim/ir/ops.def"
#undef OP
};
constexpr bool everyKindHasItsAttrs() {
  for (const auto& e : kKindAttrs)
    if (e.attrs >= std::variant_size_v<Attrs>) return false;
  return true;
}
static_assert(everyKindHasItsAttrs(), "ops.def names an attribute struct missing from Attrs");

// An enum read from a file as an integer must be one of its values (kLast = the last one).
template <class E>
void enumInRange(E v, E last, const char* what) {
  auto i = static_cast<int64_t>(v);
  if (i < 0 || i > static_cast<int64_t>(last)) fail(what, " ", i, " is not a known value");
}

void finite(double v, const char* what) {
  if (!std::isfinite(v)) fail(what, " ", v, " is not finite");
}

void sizes(const Ints& v, size_t want, const char* what) {
  if (v.size() != want) fail(what, " has ", v.size(), " entries for ", want, " dimensions");
}

void atLeast(const Ints& v, int64_t lo, const char* what) {
  for (int64_t x : v)
    if (x < lo) fail(what, " ", x, " must be >= ", lo);
}

// One overload per attribute struct: a new struct without one is a compile error below.
void check(const NoAttrs&) {}

void check(const ConvAttrs& a) {
  size_t r = a.kernel.size();
  if (r < 1 || r > 3) fail("kernel of rank ", r, " (1 to 3 spatial dimensions)");
  sizes(a.strides, r, "strides");
  sizes(a.dilations, r, "dilations");
  sizes(a.padsBegin, r, "pads (begin)");
  sizes(a.padsEnd, r, "pads (end)");
  if (!a.outputPadding.empty()) sizes(a.outputPadding, r, "output padding");
  atLeast(a.kernel, 1, "kernel size");
  atLeast(a.strides, 1, "stride");
  atLeast(a.dilations, 1, "dilation");
  atLeast(a.padsBegin, 0, "padding");
  atLeast(a.padsEnd, 0, "padding");
  atLeast(a.outputPadding, 0, "output padding");
  if (a.group < 1) fail("group ", a.group, " must be >= 1");
}

void check(const PoolAttrs& a) {
  enumInRange(a.type, PoolType::kAverage, "pooling type");
  if (a.global) return;  // the window is the input's spatial size
  size_t r = a.kernel.size();
  if (r < 1 || r > 3) fail("window of rank ", r, " (1 to 3 spatial dimensions)");
  sizes(a.strides, r, "strides");
  sizes(a.dilations, r, "dilations");
  sizes(a.padsBegin, r, "pads (begin)");
  sizes(a.padsEnd, r, "pads (end)");
  atLeast(a.kernel, 1, "window size");
  atLeast(a.strides, 1, "stride");
  atLeast(a.dilations, 1, "dilation");
  atLeast(a.padsBegin, 0, "padding");
  atLeast(a.padsEnd, 0, "padding");
}

void check(const ActivationAttrs& a) {
  enumInRange(a.type, ActType::kSoftsign, "activation type");
  finite(a.alpha, "alpha");
  finite(a.beta, "beta");
}

void check(const EltAttrs& a) {
  enumInRange(a.op, EltOp::kOr, "element-wise operation");
}
void check(const UnaryAttrs& a) {
  enumInRange(a.op, UnaryOp::kNot, "unary operation");
}

void check(const ScaleAttrs& a) {
  if (a.channelAxis != 1) fail("scale channel axis ", a.channelAxis, " (only 1 is built)");
}

void check(const NormAttrs& a) {
  enumInRange(a.type, NormType::kGroup, "normalization type");
  if (a.groups < 1) fail("groups ", a.groups, " must be >= 1");
  finite(a.epsilon, "epsilon");
  if (a.epsilon < 0) fail("epsilon ", a.epsilon, " is negative");
}

void check(const LrnAttrs& a) {
  if (a.size < 1) fail("LRN size ", a.size, " must be >= 1");
  finite(a.alpha, "alpha");
  finite(a.beta, "beta");
  finite(a.bias, "bias");
}

void check(const ConcatAttrs&) {}  // the axis is checked against the inputs by inference

void check(const SliceAttrs& a) {
  enumInRange(a.mode, SliceMode::kWrap, "slice mode");
}

void check(const ShuffleAttrs& a) {
  if (!a.doReshape && !a.reshape.empty()) fail("a reshape target without a reshape");
  atLeast(a.reshape, 0, "reshape dimension");
}

void check(const IdentityAttrs& a) {
  enumInRange(a.to, DType::kDouble, "element type");
}

void check(const PadAttrs& a) {
  enumInRange(a.mode, PadMode::kEdge, "pad mode");
  finite(a.value, "pad value");
}

void check(const ResizeAttrs& a) {
  enumInRange(a.mode, ResizeMode::kCubic, "resize mode");
  enumInRange(a.coord, CoordTransform::kTfHalfPixelForNearest, "coordinate transformation");
  enumInRange(a.nearest, NearestRounding::kCeil, "nearest rounding");
  finite(a.cubicA, "cubic coefficient");
  for (float s : a.scales) finite(s, "resize scale");
}

void check(const SoftMaxAttrs&) {}
void check(const MatMulAttrs&) {}

void check(const ReduceAttrs& a) {
  enumInRange(a.op, ReduceOp::kLogSumExp, "reduce operation");
  // The importer normalises the axes: non-negative and strictly increasing.
  for (size_t i = 0; i < a.axes.size(); ++i)
    if (a.axes[i] < 0 || (i > 0 && a.axes[i] <= a.axes[i - 1]))
      fail("reduce axes are not sorted, distinct and non-negative at entry ", i, " (", a.axes[i],
           ")");
}

void check(const GatherAttrs&) {}
// The structs declared in ops.def: floating fields finite; their kind's infer checks the rest.
#define ATTRS(Struct, fields)                                                             \
  void check(const Struct& a) {                                                           \
    visitFields(a, [](const char* name, const auto& v) {                                  \
      if constexpr (std::is_floating_point_v<std::decay_t<decltype(v)>>) finite(v, name); \
    });                                                                                   \
  }
#include "sim/ir/ops.def"
#undef ATTRS

std::string tensorName(const Graph& g, TensorId t) {
  return g.tensor(t).name;
}

}  // namespace

void validateAttrs(const Node& n) {
  try {
    const KindAttrs* k = nullptr;
    for (const auto& e : kKindAttrs)
      if (e.kind == n.kind) k = &e;
    if (!k || n.attrs.index() != k->attrs)
      fail("attributes of kind ", n.attrs.index(), " do not belong to a ", opKindName(n.kind),
           " layer");
    std::visit([](const auto& a) { check(a); }, n.attrs);
  } catch (const Error& e) {
    fail("layer '", n.name, "' (", opKindName(n.kind), "): ", e.what());
  }
}

void validateGraph(const Graph& g, const std::vector<int64_t>& storedProducers) {
  const size_t nt = g.tensors.size();
  for (size_t t = 0; t < nt; ++t)
    if (g.find(g.tensors[t].name) != TensorId(t))
      fail("tensor name '", g.tensors[t].name, "' is used twice");
  // What is defined so far while walking the layers in order: 0 = nothing, 1 = graph input or
  // constant, 2 = output of a layer already passed.
  std::vector<int> defined(nt, 0);
  std::vector<int64_t> producer(nt, -1);
  for (size_t t = 0; t < nt; ++t)
    if (g.tensors[t].isConstant()) defined[t] = 1;
  for (TensorId t : g.inputs) {
    if (g.tensor(t).isConstant()) fail("graph input '", tensorName(g, t), "' is a constant");
    if (defined[t]) fail("graph input '", tensorName(g, t), "' is listed twice");
    defined[t] = 1;
  }
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    for (TensorId t : n.inputs) {
      if (t == kNoTensor || defined[t]) continue;
      for (size_t k = i; k < g.nodes.size(); ++k)
        for (TensorId o : g.nodes[k].outputs)
          if (o == t)
            fail("layer '", n.name, "' reads tensor '", tensorName(g, t), "' before layer '",
                 g.nodes[k].name, "' computes it (out of order)");
      fail("layer '", n.name, "' reads tensor '", tensorName(g, t),
           "', which is neither a graph input, a constant nor the output of an earlier layer");
    }
    if (n.outputs.empty()) fail("layer '", n.name, "' has no output");
    for (TensorId t : n.outputs) {
      if (defined[t] == 1)
        fail("layer '", n.name, "' writes tensor '", tensorName(g, t),
             "', which is a graph input or a constant");
      if (defined[t] == 2)
        fail("layer '", n.name, "' writes tensor '", tensorName(g, t), "', which layer '",
             g.nodes[producer[t]].name, "' already computes");
      defined[t] = 2;
      producer[t] = int64_t(i);
    }
  }
  if (g.outputs.empty()) fail("the graph has no outputs");
  for (TensorId t : g.outputs)
    if (!defined[t]) fail("graph output '", tensorName(g, t), "' is never computed");
  for (size_t t = 0; t < nt; ++t)
    if (storedProducers[t] != producer[t])
      fail("tensor '", g.tensors[t].name, "' names producer ", storedProducers[t], ", but ",
           producer[t] < 0 ? std::string("no layer computes it")
                           : "layer '" + g.nodes[producer[t]].name + "' (" +
                                 std::to_string(producer[t]) + ") computes it");
}

void validatePlacement(const Graph& g, const BuildResult& b, const dlasim::PlanSettings& st) {
  const hw::Platform& p = *b.platform;
  if (!st.powerMode.empty()) {
    bool found = false;
    for (const auto& m : p.powerModes) found |= m.name == st.powerMode;
    if (!found) fail("power mode '", st.powerMode, "' does not exist on ", p.name);
  }
  if (st.dlaCore < -1 || st.dlaCore >= p.dlaCores)
    fail("DLA core ", st.dlaCore, " does not exist on ", p.name, " (", p.dlaCores, " cores)");
  const Partition& part = b.partition;
  const size_t nn = g.nodes.size();
  if (part.loadableOf.size() != nn || b.forcedGpu.size() != nn ||
      (b.dla && b.verdicts.size() != nn))
    fail("placement lists do not cover the ", nn, " layers");
  if (!b.dla) {
    // Built for the GPU only (no --useDLACore): nothing may claim a DLA placement or verdict.
    for (size_t i = 0; i < nn; ++i)
      if (part.loadableOf[i] != -1)
        fail("layer '", g.nodes[i].name, "' is in DLA loadable ", part.loadableOf[i],
             ", but the engine was built without a DLA core");
    if (!part.loadables.empty() || !part.evicted.empty() || !b.verdicts.empty())
      fail("DLA loadables or verdicts in an engine built without a DLA core");
    if (st.standalone) fail("a DLA standalone engine without a DLA core");
    return;
  }
  if (int64_t(part.loadables.size()) > p.limits.maxLoadablesPerCore)
    fail(part.loadables.size(), " loadables, more than the ", p.limits.maxLoadablesPerCore,
         " a DLA core of ", p.name, " takes");
  std::vector<int> listed(nn, 0);
  for (size_t l = 0; l < part.loadables.size(); ++l) {
    const auto& ids = part.loadables[l].nodes;
    if (ids.empty()) fail("DLA loadable ", l, " is empty");
    for (size_t k = 0; k < ids.size(); ++k) {
      NodeId id = ids[k];
      if (id < 0 || size_t(id) >= nn) fail("DLA loadable ", l, " lists layer index ", id);
      if (k > 0 && id <= ids[k - 1]) fail("DLA loadable ", l, " is not in layer order");
      if (part.loadableOf[id] != int(l))
        fail("layer '", g.nodes[id].name, "' is listed in DLA loadable ", l,
             " but placed in loadable ", part.loadableOf[id]);
      ++listed[id];
    }
  }
  for (size_t i = 0; i < nn; ++i) {
    const Node& n = g.nodes[i];
    int l = part.loadableOf[i];
    if (l < -1 || l >= int(part.loadables.size()))
      fail("layer '", n.name, "' is placed in DLA loadable ", l, ", which does not exist");
    if (l >= 0 && listed[i] != 1)
      fail("layer '", n.name, "' is placed in DLA loadable ", l, " but not listed in it");
    if (l < 0) {
      if (st.standalone) fail("layer '", n.name, "' runs on the GPU in a DLA standalone engine");
      continue;
    }
    if (!b.verdicts[i].ok())
      fail("layer '", n.name, "' is on the DLA but broke DLA rule ",
           b.verdicts[i].violations.front().rule);
    if (!b.forcedGpu[i].empty())
      fail("layer '", n.name, "' is on the DLA but was placed on the GPU by --layerDeviceTypes");
    Precision pr = b.verdicts[i].precision;
    if (pr != Precision::kFP16 && pr != Precision::kINT8)
      fail("layer '", n.name, "' is on the DLA in ", precisionName(pr));
    // The rule the builder applies (hw::checkLayer): with scales from a cache or Q/DQ, a layer
    // runs in INT8 only if each of its activations has one.
    if (pr == Precision::kINT8 && st.calibrated && st.int8) {
      TensorId t = hw::unscaledActivation(g, n);
      if (t != kNoTensor)
        fail("layer '", n.name, "' runs in INT8 on the DLA, but its tensor '", g.tensor(t).name,
             "' has no INT8 scale (", g.tensor(t).quant.scale, ")");
    }
  }
  for (const auto& e : part.evicted) {
    if (e.node < 0 || size_t(e.node) >= nn) fail("evicted layer index ", e.node);
    if (part.loadableOf[e.node] >= 0)
      fail("layer '", g.nodes[e.node].name, "' is both evicted to the GPU and in a loadable");
  }
}

}  // namespace builder
