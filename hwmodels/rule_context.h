// Internal to hwmodels: what a rule function sees while checking one layer.
#pragma once
#include <sstream>

#include "hwmodels/dla_rules.h"

namespace hw::rules {

using sim::Graph;
using sim::Node;
using sim::Shape;

inline std::string rangeStr(const Range& r) {
  return sim::cat("[", r.lo, ",", r.hi, "]");
}
inline std::string dims(const sim::Ints& v) {
  std::ostringstream os;
  for (size_t i = 0; i < v.size(); ++i) os << (i ? "x" : "") << v[i];
  return os.str();
}
inline std::string listStr(const std::vector<int64_t>& v) {
  std::string s = "{";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "}";
}

struct Ctx {
  const Graph& g;
  const Node& n;
  const Platform& p;
  const DlaLimits& l;
  const RuleConfig& cfg;
  const TrtVersion& t;  // its DLA rules and parser behaviour (t.rules)
  LayerVerdict v;
  /// Records a broken rule: `value` is what the layer has, `limit` what the rule allows
  /// (both short text, e.g. "33x33" and "[1,32]"); `msg` says the same in a sentence.
  void fail(const char* rule, std::string value, std::string limit, std::string msg,
            std::string fix = "") {
    v.violations.push_back(
        {rule, std::move(msg), std::move(fix), std::move(value), std::move(limit)});
  }
  const Shape& in(size_t i = 0) const { return g.desc(n.inputs[i]).shape; }
  const Shape& out(size_t i = 0) const { return g.desc(n.outputs[i]).shape; }
  bool constant(size_t i) const {
    return i < n.inputs.size() && n.inputs[i] != sim::kNoTensor &&
           g.tensor(n.inputs[i]).isConstant();
  }
  void requireRank4(const char* rule, const char* what) {
    if (in().size() != 4)
      fail(rule, sim::shapeStr(in()), "4-D NCHW",
           sim::cat(what, " needs a 4-D NCHW input, got ", sim::shapeStr(in())));
  }
  void range(const char* rule, const char* what, const sim::Ints& vals, const Range& r,
             std::string fix = "") {
    for (int64_t x : vals)
      if (!r.contains(x)) {
        fail(rule, dims(vals), rangeStr(r),
             sim::cat(what, " ", dims(vals), " outside ", rangeStr(r)), std::move(fix));
        return;
      }
  }
};

// One function per layer kind (ops.def); the dispatcher in dla_check.cpp calls them.
void convolution(Ctx& c, bool deconv);
#define OP(Name, TrtType, AttrsT) \
  void rule##Name(Ctx& c);        \
  void catalogue##Name(std::vector<RuleInfo>& v);
#include "sim/ir/ops.def"
#undef OP

}  // namespace hw::rules
