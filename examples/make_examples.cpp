// make_examples.cpp - writes the example models of NVIDIA's jetson_dla_tutorial (the seed):
//
//   <outdir>/model_gn.onnx          4x (Conv 3x3/s2 -> GroupNorm(8,C) -> ReLU) -> global pool ->
//                                   view -> Linear
//   <outdir>/model_bn.onnx          the tutorial's ModelBN: BatchNorm2d(C) instead of GroupNorm
//   <outdir>/model_bn_avgpool.onnx  ModelBN with the global pool replaced by AvgPool2d(2) (the
//                                   tutorial's modify.py)
//
// The graphs mirror what torch.onnx.export (PyTorch 1.11, opset_version=13,
// input_names=['input'], output_names=['output'], dynamic batch axis 'batch_size', example input
// 1x3x32x32) emits for the module
//     cnn = Sequential(Conv2d(3,64,3,2,1), GN(8,64), ReLU(), Conv2d(64,128,..), GN(8,128), ReLU(),
//                      Conv2d(128,256,..), GN(8,256), ReLU(), Conv2d(256,512,..), GN(8,512),
//                      ReLU())
//     pool = AdaptiveAvgPool2d((1,1)); linear = Linear(512, 10)
//     forward: linear(pool(cnn(x)).view(x.shape[0], -1))
//
// Naming conventions reproduced (facts about the torch exporter's output):
//  * nodes are named <OpType>_<k>, k counting the nodes left after constant folding;
//  * parameters keep their state_dict names (cnn.0.weight, linear.bias ...); parameters the
//    exporter computes (folded) get numeric names;
//  * GroupNorm(8,C) becomes Constant[0,8,-1] -> Reshape -> InstanceNormalization(scale=Constant
//    ones[8], B=Constant zeros[8], eps 1e-5) -> Shape(conv out) -> Reshape back ->
//    Mul(weight[C,1,1]) -> Add(bias[C,1,1]); the [C,1,1] tensors are constant-folded
//    initializers with numeric names;
//  * BatchNorm2d in eval mode folds into the convolution before it (Conv_0, Relu_1, ...,
//    Relu_7: the tutorial's log), its weight and bias numeric initializers;
//  * other intermediate tensors have numeric names as well. Values are counted after 'input'
//    and the module parameters (GN: 1+18 -> first intermediate "19"); each node output takes
//    the next number (the final one is 'output'), then the constant-folded initializers
//    continue the sequence (GN: Mul/Add "71","72" for block 1, ..., then the Unsqueeze axes
//    "79").
//  * x.view(x.shape[0], -1) -> Shape, Constant(0), Gather(axis 0), Unsqueeze(axes initializer
//    [0]), Constant([-1]), Concat(axis 0), Reshape; Linear -> Gemm(alpha 1, beta 1, transB 1).
//    ModelBN's published names (GlobalAveragePool_8 ... Gemm_15) leave six nodes for the chain,
//    so there the [-1] is an initializer; TensorRT's layer numbering is the same either way.
//
// Weights are deterministic pseudo-random (fixed seed): conv/linear U(-1/sqrt(fan_in),
// +1/sqrt(fan_in)), norm weight U(0.5,1.5), norm bias U(-0.2,0.2), BN running_mean U(-0.1,0.1),
// running_var U(0.5,1.5).
//
// Build: g++ -std=c++17 -O1 -DONNX_NAMESPACE=onnx -DONNX_ML=1 make_examples.cpp -lonnx_proto
// -lprotobuf Usage: make_examples <outdir>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

using Dims = std::vector<int64_t>;

// Portable uniform sampler (std::uniform_real_distribution is implementation-defined).
struct Rng {
  std::mt19937 gen{20240611u};
  float uniform(float lo, float hi) {
    return lo + (hi - lo) * float((gen() >> 8) * (1.0 / 16777216.0));
  }
  std::vector<float> fill(size_t n, float lo, float hi) {
    std::vector<float> v(n);
    for (auto& x : v) x = uniform(lo, hi);
    return v;
  }
};

// Fill a TensorProto with little-endian raw_data.
template <typename T>
void set_tensor(onnx::TensorProto* t, const std::string& name, int dtype, const Dims& dims,
                const std::vector<T>& v) {
  t->set_name(name);
  t->set_data_type(dtype);
  for (auto d : dims) t->add_dims(d);
  std::string raw(v.size() * sizeof(T), '\0');
  for (size_t i = 0; i < v.size(); ++i) {
    uint64_t bits = 0;
    std::memcpy(&bits, &v[i], sizeof(T));
    for (size_t b = 0; b < sizeof(T); ++b) raw[i * sizeof(T) + b] = char((bits >> (8 * b)) & 0xff);
  }
  t->set_raw_data(raw);
}

class Builder {
 public:
  Builder(onnx::GraphProto* g, int first_value) : g_(g), next_value_(first_value) {}

  std::string fresh() { return std::to_string(next_value_++); }

  // Adds node <op>_<k>; returns its (single) output name. `out` overrides the numeric name.
  std::string node(const std::string& op, const std::vector<std::string>& inputs,
                   onnx::NodeProto** np = nullptr, const std::string& out = "") {
    onnx::NodeProto* n = g_->add_node();
    n->set_name(op + "_" + std::to_string(node_idx_++));
    n->set_op_type(op);
    for (auto& i : inputs) n->add_input(i);
    std::string o = out.empty() ? fresh() : out;
    n->add_output(o);
    if (np) *np = n;
    return o;
  }

  std::string constant_i64(const Dims& dims, const std::vector<int64_t>& v) {
    onnx::NodeProto* n;
    std::string o = node("Constant", {}, &n);
    auto* a = n->add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    set_tensor(a->mutable_t(), "", onnx::TensorProto::INT64, dims, v);
    return o;
  }

  std::string constant_f32(const Dims& dims, const std::vector<float>& v) {
    onnx::NodeProto* n;
    std::string o = node("Constant", {}, &n);
    auto* a = n->add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    set_tensor(a->mutable_t(), "", onnx::TensorProto::FLOAT, dims, v);
    return o;
  }

  void init_f32(const std::string& name, const Dims& dims, const std::vector<float>& v) {
    set_tensor(g_->add_initializer(), name, onnx::TensorProto::FLOAT, dims, v);
  }
  void init_i64(const std::string& name, const Dims& dims, const std::vector<int64_t>& v) {
    set_tensor(g_->add_initializer(), name, onnx::TensorProto::INT64, dims, v);
  }

 private:
  onnx::GraphProto* g_;
  int node_idx_ = 0;
  int next_value_;
};

void attr_ints(onnx::NodeProto* n, const char* name, const Dims& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (auto x : v) a->add_ints(x);
}
void attr_int(onnx::NodeProto* n, const char* name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}
void attr_float(onnx::NodeProto* n, const char* name, float v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

void set_io(onnx::ValueInfoProto* vi, const std::string& name, int64_t feature) {
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  auto* shape = tt->mutable_shape();
  shape->add_dim()->set_dim_param("batch_size");
  if (feature > 0) {
    shape->add_dim()->set_dim_value(feature);
  } else {
    for (int64_t d : {3, 32, 32}) shape->add_dim()->set_dim_value(d);
  }
}

// A parameter the exporter computes (constant folding), named once all node outputs are.
struct Folded {
  std::string name;
  Dims dims;
  std::vector<float> values;
};

enum class Variant { kGroupNorm, kBatchNorm, kBatchNormAvgPool };

onnx::ModelProto build(Variant variant) {
  constexpr int kNumClasses = 10;
  const int channels[5] = {3, 64, 128, 256, 512};
  const bool group_norm = variant == Variant::kGroupNorm;
  Rng rng;

  onnx::ModelProto model;
  model.set_ir_version(7);
  model.set_producer_name("pytorch");
  model.set_producer_version(group_norm ? "1.12.1" : "1.11.0");
  auto* op = model.add_opset_import();
  op->set_domain("");
  op->set_version(13);

  onnx::GraphProto* g = model.mutable_graph();
  g->set_name("torch-jit-export");
  // First numeric value id: after 'input' and the module parameters (see header).
  const int num_params = 4 * 2 + 4 * (group_norm ? 2 : 4) + 2;
  Builder b(g, 1 + num_params);
  std::vector<Folded> folded;  // GN Mul/Add constants, folded BN convolutions

  std::string x = "input";
  for (int blk = 0; blk < 4; ++blk) {
    const int cin = channels[blk], cout = channels[blk + 1];
    const std::string conv = "cnn." + std::to_string(3 * blk) + ".";
    const float bound = 1.0f / std::sqrt(float(cin * 9));
    std::vector<float> w = rng.fill(size_t(cout) * cin * 9, -bound, bound);
    std::vector<float> bias = rng.fill(cout, -bound, bound);
    onnx::NodeProto* n;
    std::string c;
    if (group_norm) {
      b.init_f32(conv + "weight", {cout, cin, 3, 3}, w);
      b.init_f32(conv + "bias", {cout}, bias);
      c = b.node("Conv", {x, conv + "weight", conv + "bias"}, &n);
    } else {  // eval-mode BatchNorm folded into the convolution: w * s, (bias - mean) * s + beta
      std::vector<float> gamma = rng.fill(cout, 0.5f, 1.5f), beta = rng.fill(cout, -0.2f, 0.2f);
      std::vector<float> mean = rng.fill(cout, -0.1f, 0.1f), var = rng.fill(cout, 0.5f, 1.5f);
      for (int o = 0; o < cout; ++o) {
        const float scale = gamma[o] / std::sqrt(var[o] + 1e-5f);
        for (int k = 0; k < cin * 9; ++k) w[size_t(o) * cin * 9 + k] *= scale;
        bias[o] = (bias[o] - mean[o]) * scale + beta[o];
      }
      folded.push_back({"", {cout, cin, 3, 3}, w});
      folded.push_back({"", {cout}, bias});
      const std::string k = std::to_string(folded.size() - 2);
      c = b.node("Conv", {x, "@" + k, "@" + std::to_string(folded.size() - 1)}, &n);
    }
    attr_ints(n, "dilations", {1, 1});
    attr_int(n, "group", 1);
    attr_ints(n, "kernel_shape", {3, 3});
    attr_ints(n, "pads", {1, 1, 1, 1});
    attr_ints(n, "strides", {2, 2});

    std::string y = c;
    if (group_norm) {
      const int groups = 8;
      std::string shp = b.constant_i64({3}, {0, groups, -1});
      std::string r = b.node("Reshape", {c, shp});
      std::string sc = b.constant_f32({groups}, std::vector<float>(groups, 1.0f));
      std::string bi = b.constant_f32({groups}, std::vector<float>(groups, 0.0f));
      std::string in = b.node("InstanceNormalization", {r, sc, bi}, &n);
      attr_float(n, "epsilon", 1e-5f);
      std::string s = b.node("Shape", {c});
      std::string rb = b.node("Reshape", {in, s});
      // Initializer names are assigned once all node outputs are numbered; remember slot indices.
      folded.push_back({"", {cout, 1, 1}, rng.fill(cout, 0.5f, 1.5f)});
      folded.push_back({"", {cout, 1, 1}, rng.fill(cout, -0.2f, 0.2f)});
      const size_t wi = folded.size() - 2;
      std::string m = b.node("Mul", {rb, "@" + std::to_string(wi)});
      y = b.node("Add", {m, "@" + std::to_string(wi + 1)});
    }
    x = b.node("Relu", {y});
  }

  // pool -> view(x.shape[0], -1) -> linear
  onnx::NodeProto* n;
  std::string p;
  if (variant == Variant::kBatchNormAvgPool) {  // modify.py: AvgPool2d((2, 2)) on the 2x2 map
    p = b.node("AveragePool", {x}, &n);
    attr_int(n, "ceil_mode", 0);
    attr_ints(n, "kernel_shape", {2, 2});
    attr_ints(n, "pads", {0, 0, 0, 0});
    attr_ints(n, "strides", {2, 2});
  } else {
    p = b.node("GlobalAveragePool", {x});
  }
  std::string shape = b.node("Shape", {p});
  std::string zero = b.constant_i64({}, {0});
  std::string batch = b.node("Gather", {shape, zero}, &n);
  attr_int(n, "axis", 0);
  std::string batch1 = b.node("Unsqueeze", {batch, "@axes"});
  std::string minus1 = group_norm ? b.constant_i64({1}, {-1}) : "@minus1";
  std::string cat = b.node("Concat", {batch1, minus1}, &n);
  attr_int(n, "axis", 0);
  std::string flat = b.node("Reshape", {p, cat});
  b.node("Gemm", {flat, "linear.weight", "linear.bias"}, &n, "output");
  attr_float(n, "alpha", 1.0f);
  attr_float(n, "beta", 1.0f);
  attr_int(n, "transB", 1);
  const float lb = 1.0f / std::sqrt(512.0f);
  b.init_f32("linear.weight", {kNumClasses, 512}, rng.fill(size_t(kNumClasses) * 512, -lb, lb));
  b.init_f32("linear.bias", {kNumClasses}, rng.fill(kNumClasses, -lb, lb));

  // Constant-folded initializers take the numbers following the last node output.
  for (Folded& f : folded) {
    f.name = b.fresh();
    b.init_f32(f.name, f.dims, f.values);
  }
  const std::string axes = b.fresh();
  b.init_i64(axes, {1}, {0});
  const std::string minus1Init = group_norm ? "" : b.fresh();
  if (!group_norm) b.init_i64(minus1Init, {1}, {-1});
  // Patch the placeholder inputs ("@k" -> folded[k], "@axes" -> axes, "@minus1").
  for (auto& nd : *g->mutable_node())
    for (auto& in : *nd.mutable_input())
      if (in == "@axes")
        in = axes;
      else if (in == "@minus1")
        in = minus1Init;
      else if (!in.empty() && in[0] == '@')
        in = folded[std::stoul(in.substr(1))].name;

  set_io(g->add_input(), "input", 0);
  set_io(g->add_output(), "output", kNumClasses);
  return model;
}

bool write(const onnx::ModelProto& m, const std::string& path) {
  std::ofstream f(path, std::ios::binary);
  if (!f || !m.SerializeToOstream(&f)) {
    std::fprintf(stderr, "error: cannot write %s\n", path.c_str());
    return false;
  }
  std::printf("wrote %s (%d nodes, %d initializers)\n", path.c_str(), m.graph().node_size(),
              m.graph().initializer_size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <outdir>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  bool ok = write(build(Variant::kGroupNorm), dir + "/model_gn.onnx");
  ok = write(build(Variant::kBatchNorm), dir + "/model_bn.onnx") && ok;
  ok = write(build(Variant::kBatchNormAvgPool), dir + "/model_bn_avgpool.onnx") && ok;
  return ok ? 0 : 1;
}
