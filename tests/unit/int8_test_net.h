// Test harness for the INT8 pipeline: tiny IR graphs of INT8 layers run by the executor, and
// the helpers the reference tests share.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "int8_reference.h"
#include "platform_numerics.h"
#include "sim/ops/op_def.h"
#include "sim/runtime/executor.h"

namespace int8test {

using Policy = kern::DlaNumerics;  // a platform's arithmetic
using sim::DType;
using sim::Shape;
using sim::Tensor;
using sim::TensorId;
namespace ref = int8ref;

inline const Policy kPolicies[] = {testnum::xavier(), testnum::orin()};
inline const char* name(const Policy& p) {
  return p.xavierFixedPoint() ? "xavier" : "orin";
}

// A graph of INT8 layers built directly in the IR.
struct Net {
  sim::Graph g;
  TensorId input(const std::string& n, Shape s, float scale) {
    TensorId t = g.addTensor(n, {DType::kFloat, std::move(s)});
    g.tensors[t].quant.scale = scale;
    g.inputs.push_back(t);
    return t;
  }
  TensorId constant(const std::string& n, Shape s, std::vector<float> v) {
    return g.addConstant(n, Tensor::fromVector(DType::kFloat, std::move(s), v));
  }
  TensorId layer(sim::OpKind k, sim::Attrs a, std::vector<TensorId> in, float outScale) {
    sim::Node n;
    n.kind = k;
    n.name = "layer" + std::to_string(g.nodes.size());
    n.attrs = std::move(a);
    n.inputs = std::move(in);
    n.precision = sim::Precision::kINT8;
    TensorId t = g.addTensor(n.name + "_out", sim::inferNode(g, n)[0]);
    g.tensors[t].quant.scale = outScale;
    g.tensors[t].producer = sim::NodeId(g.nodes.size());
    n.outputs = {t};
    g.nodes.push_back(std::move(n));
    return t;
  }
  std::vector<float> run(const std::vector<std::vector<float>>& xs, TensorId out, const Policy& p) {
    g.outputs = {out};
    sim::Executor exec(g);
    exec.setNumerics(p);
    std::map<std::string, Tensor> in;
    for (size_t i = 0; i < xs.size(); ++i)
      in[g.tensor(g.inputs[i]).name] =
          Tensor::fromVector(DType::kFloat, g.desc(g.inputs[i]).shape, xs[i]);
    Tensor y = exec.run(in)[0];
    return std::vector<float>(y.data<float>(), y.data<float>() + y.size());
  }
};

// Random inputs on a scale's grid: exact codes, exact half-way points (ties of the entry
// rounding) and values far outside [-128, 127] steps (saturation).
inline std::vector<float> gridValues(std::mt19937& rng, size_t n, float scale) {
  std::uniform_int_distribution<int> q(-140, 140), kind(0, 3);
  std::vector<float> v(n);
  for (auto& x : v) {
    int k = kind(rng);
    double code = q(rng) + (k == 0   ? 0.5
                            : k == 1 ? 0.0
                                     : std::uniform_real_distribution<>(-0.5, 0.5)(rng));
    x = float(code * scale);
  }
  return v;
}

inline std::vector<int8_t> codes(const std::vector<float>& x, float s) {
  std::vector<int8_t> q(x.size());
  for (size_t i = 0; i < x.size(); ++i) q[i] = ref::quantize(x[i], s);
  return q;
}

inline void expectSame(const std::vector<float>& got, const std::vector<int8_t>& want, float s,
                       const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  int bad = 0;
  for (size_t i = 0; i < got.size(); ++i)
    if (got[i] != ref::dequantize(want[i], s) && bad++ < 5)
      ADD_FAILURE() << what << ": element " << i << " got " << got[i] << " (" << got[i] / s
                    << " steps), want code " << int(want[i]);
}

// Powers of two make the requantisation factors exact: rounding ties become frequent.
inline float pickScale(std::mt19937& rng, bool powerOfTwo, float lo, float hi) {
  if (powerOfTwo)
    return std::ldexp(
        1.f, std::uniform_int_distribution<int>(int(std::log2(lo)), int(std::log2(hi)))(rng));
  return std::exp(std::uniform_real_distribution<float>(std::log(lo), std::log(hi))(rng));
}

}  // namespace int8test
