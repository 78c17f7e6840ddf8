// Writes the fuzz targets' seed corpora and the reproducers of issue 12's defects:
//   build/tests/fuzz/fuzz_make_corpus tests/fuzz
// Seeds are small on purpose (a few hundred bytes each): tiny models that between them use every
// layer kind, their engines (GPU only, and DLA core 0 in INT8 with GPU fallback), calibration
// caches and input files of every element type. The reproducers are hostile versions of them.
#include <onnx/onnx_pb.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "dlasim/dlasim.h"
#include "engine_repack.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path root;

void write(const std::string& rel, const std::string& bytes) {
  fs::path p = root / rel;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

// ---- ONNX models with the protobuf API ------------------------------------------------------

struct M {
  onnx::ModelProto m;
  explicit M(int opset = 13) {
    m.set_ir_version(8);
    m.set_producer_name("dlasim_fuzz_seed");
    auto* op = m.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    m.mutable_graph()->set_name("seed");
  }
  M& in(const std::string& name, std::vector<int64_t> dims, int type = onnx::TensorProto::FLOAT) {
    auto* vi = m.mutable_graph()->add_input();
    vi->set_name(name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(type);
    for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
    return *this;
  }
  M& out(const std::string& name) {
    m.mutable_graph()->add_output()->set_name(name);
    return *this;
  }
  onnx::NodeProto* node(const std::string& op, std::vector<std::string> ins,
                        std::vector<std::string> outs) {
    auto* n = m.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(op + "_" + std::to_string(m.graph().node_size()));
    for (auto& i : ins) n->add_input(i);
    for (auto& o : outs) n->add_output(o);
    return n;
  }
  M& f32(const std::string& name, std::vector<int64_t> dims, float start = 0.1f) {
    auto* t = m.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    int64_t n = 1;
    for (int64_t d : dims) t->add_dims(d), n *= d;
    for (int64_t i = 0; i < n; ++i) t->add_float_data(start + 0.01f * float(i % 17));
    return *this;
  }
  M& i64(const std::string& name, std::vector<int64_t> values, bool scalar = false) {
    auto* t = m.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    if (!scalar) t->add_dims(int64_t(values.size()));
    for (int64_t v : values) t->add_int64_data(v);
    return *this;
  }
  std::string bytes() const {
    std::string s;
    m.SerializeToString(&s);
    return s;
  }
};

void attr(onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}
void attr(onnx::NodeProto* n, const std::string& name, std::vector<int64_t> v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}
void attrF(onnx::NodeProto* n, const std::string& name, float v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}
std::map<std::string, M> models() {
  std::map<std::string, M> ms;
  {  // convolution, bias, ReLU, max pooling: the DLA's bread and butter
    M m;
    m.in("x", {1, 3, 6, 6}).f32("w", {4, 3, 3, 3}).f32("b", {4});
    attr(m.node("Conv", {"x", "w", "b"}, {"c"}), "pads", {1, 1, 1, 1});
    m.node("Relu", {"c"}, {"r"});
    auto* p = m.node("MaxPool", {"r"}, {"y"});
    attr(p, "kernel_shape", {2, 2});
    attr(p, "strides", {2, 2});
    ms["conv_relu_pool"] = m.out("y");
  }
  {  // deconvolution, average pooling with padding and ceil mode, global pooling
    M m;
    m.in("x", {1, 2, 3, 3}).f32("w", {2, 2, 2, 2});
    attr(m.node("ConvTranspose", {"x", "w"}, {"d"}), "strides", {2, 2});
    auto* p = m.node("AveragePool", {"d"}, {"a"});
    attr(p, "kernel_shape", {3, 3});
    attr(p, "pads", {1, 1, 1, 1});
    attr(p, "ceil_mode", 1);
    m.node("GlobalMaxPool", {"a"}, {"y"});
    ms["deconv_pool"] = m.out("y");
  }
  {  // batch norm, residual add, leaky ReLU, 1-D and 3-D convolutions elsewhere
    M m;
    m.in("x", {1, 2, 4, 4}).f32("s", {2}).f32("bb", {2}).f32("mean", {2}).f32("var", {2}, 1.f);
    m.node("BatchNormalization", {"x", "s", "bb", "mean", "var"}, {"n"});
    m.node("Add", {"n", "x"}, {"a"});
    attrF(m.node("LeakyRelu", {"a"}, {"y"}), "alpha", 0.1f);
    ms["bn_add"] = m.out("y");
  }
  {  // classifier head: flatten, Gemm, softmax
    M m;
    m.in("x", {2, 2, 2, 2}).f32("w", {3, 8}).f32("b", {3});
    m.node("Flatten", {"x"}, {"f"});
    attr(m.node("Gemm", {"f", "w", "b"}, {"g"}), "transB", 1);
    m.node("Softmax", {"g"}, {"y"});
    ms["gemm_softmax"] = m.out("y");
  }
  {  // the GroupNorm pattern as PyTorch exports it, and LRN
    M m;
    m.in("x", {1, 4, 2, 2}).i64("s1", {1, 2, -1}).i64("s2", {1, 4, 2, 2});
    m.f32("one", {2}, 1.f).f32("zero", {2}, 0.f).f32("g", {4, 1, 1}).f32("bt", {4, 1, 1});
    m.node("Reshape", {"x", "s1"}, {"r1"});
    m.node("InstanceNormalization", {"r1", "one", "zero"}, {"in"});
    m.node("Reshape", {"in", "s2"}, {"r2"});
    m.node("Mul", {"r2", "g"}, {"mu"});
    m.node("Add", {"mu", "bt"}, {"ad"});
    attr(m.node("LRN", {"ad"}, {"y"}), "size", 3);
    ms["groupnorm_lrn"] = m.out("y");
  }
  {  // layer normalization (opset 17)
    M m(17);
    m.in("x", {2, 3, 4}).f32("s", {4}).f32("b", {4});
    m.node("LayerNormalization", {"x", "s", "b"}, {"y"});
    ms["layernorm"] = m.out("y");
  }
  {  // Shape -> Gather -> Unsqueeze -> Concat -> Reshape, Transpose, Squeeze
    M m;
    m.in("x", {2, 3, 1, 2}).i64("zero", {0}, true).i64("minus1", {-1}).i64("ax", {0});
    m.node("Shape", {"x"}, {"sh"});
    m.node("Gather", {"sh", "zero"}, {"n"});
    m.node("Unsqueeze", {"n", "ax"}, {"nu"});
    attr(m.node("Concat", {"nu", "minus1"}, {"target"}), "axis", 0);
    m.node("Reshape", {"x", "target"}, {"r"});
    attr(m.node("Transpose", {"r"}, {"t"}), "perm", {1, 0});
    m.node("Identity", {"t"}, {"y"});
    ms["shape_chain"] = m.out("y");
  }
  {  // Split, Slice with steps, Concat, Pad, Tile, Expand
    M m;
    m.in("x", {1, 4, 3}).i64("st", {0}).i64("en", {3}).i64("axs", {2}).i64("stp", {2});
    m.i64("pads", {0, 0, 1, 1, 0, 0}).i64("reps", {1, 1, 2}).i64("shape", {2, 1, 1});
    attr(m.node("Split", {"x"}, {"a", "b"}), "axis", 1);
    m.node("Slice", {"a", "st", "en", "axs", "stp"}, {"s"});
    m.node("Pad", {"b", "pads"}, {"p"});
    m.node("Tile", {"s", "reps"}, {"t"});
    m.node("Expand", {"t", "shape"}, {"e"});
    attr(m.node("Concat", {"e", "p"}, {"y"}), "axis", 2);
    ms["split_slice_pad"] = m.out("y");
  }
  {  // Resize (nearest by scales, linear by sizes), DepthToSpace, SpaceToDepth
    M m;
    m.in("x", {1, 4, 2, 2}).f32("sc", {4}, 1.f);
    auto* sc = m.m.mutable_graph()->mutable_initializer(0);
    sc->clear_float_data();
    for (float v : {1.f, 1.f, 2.f, 2.f}) sc->add_float_data(v);
    m.node("Resize", {"x", "", "sc"}, {"r"});
    attr(m.node("DepthToSpace", {"r"}, {"d"}), "blocksize", 2);
    attr(m.node("SpaceToDepth", {"d"}, {"y"}), "blocksize", 2);
    ms["resize_depth"] = m.out("y");
  }
  {  // reductions
    M m;
    m.in("x", {1, 2, 3, 4}).i64("axes", {1});
    attr(m.node("ReduceMean", {"x"}, {"a"}), "axes", {2, 3});
    m.node("ReduceSum", {"x", "axes"}, {"b"});
    attr(m.node("ReduceMax", {"b"}, {"c"}), "keepdims", 0);
    m.node("GlobalAveragePool", {"x"}, {"g"});
    ms["reduce"] = m.out("a").out("c").out("g");
  }
  {  // point-wise maths
    M m;
    m.in("x", {1, 2, 2, 2}).in("z", {1, 2, 2, 2}).f32("slope", {2, 1, 1});
    m.node("Sub", {"x", "z"}, {"a"});
    m.node("Div", {"a", "z"}, {"b"});
    m.node("Pow", {"b", "z"}, {"c"});
    m.node("Max", {"c", "x"}, {"d"});
    m.node("Min", {"d", "z"}, {"e"});
    m.node("Abs", {"e"}, {"f"});
    m.node("Sqrt", {"f"}, {"g"});
    m.node("Exp", {"g"}, {"h"});
    m.node("Log", {"h"}, {"i"});
    m.node("Erf", {"i"}, {"j"});
    m.node("Sigmoid", {"j"}, {"k"});
    m.node("Tanh", {"k"}, {"l"});
    m.node("HardSwish", {"l"}, {"mm"});
    m.node("Elu", {"mm"}, {"n"});
    m.node("Softplus", {"n"}, {"o"});
    m.node("PRelu", {"o", "slope"}, {"p"});
    m.node("Neg", {"p"}, {"q"});
    m.node("Floor", {"q"}, {"y"});
    ms["pointwise"] = m.out("y");
  }
  {  // comparisons, logic, Where, Cast, Clip with constant bounds
    M m;
    m.in("x", {2, 3}).in("z", {2, 3}).f32("lo", {}, -0.5f).f32("hi", {}, 0.5f);
    m.node("Greater", {"x", "z"}, {"g"});
    m.node("Less", {"x", "z"}, {"l"});
    m.node("Or", {"g", "l"}, {"o"});
    m.node("Not", {"o"}, {"n"});
    m.node("Where", {"n", "x", "z"}, {"w"});
    m.node("Clip", {"w", "lo", "hi"}, {"c"});
    attr(m.node("Cast", {"c"}, {"y"}), "to", int64_t(onnx::TensorProto::INT32));
    ms["logic_cast"] = m.out("y");
  }
  {  // batched MatMul and Gather of rows
    M m;
    m.in("x", {2, 3, 4}).f32("w", {4, 2}).i64("idx", {1, 0});
    m.node("MatMul", {"x", "w"}, {"mm"});
    attr(m.node("Gather", {"mm", "idx"}, {"y"}), "axis", 1);
    ms["matmul_gather"] = m.out("y");
  }
  {  // folded constants: ConstantOfShape, Constant, Dropout's mask
    M m;
    m.in("x", {2, 2}).i64("shape", {2, 2});
    m.node("ConstantOfShape", {"shape"}, {"c"});
    m.node("Add", {"x", "c"}, {"a"});
    m.node("Dropout", {"a"}, {"y", "mask"});
    ms["constants"] = m.out("y");
  }
  {  // a 1-D and a 3-D convolution
    M m;
    m.in("x", {1, 1, 4}).in("v", {1, 1, 2, 3, 3}).f32("w1", {1, 1, 3}).f32("w3", {1, 1, 2, 2, 2});
    m.node("Conv", {"x", "w1"}, {"y"});
    m.node("Conv", {"v", "w3"}, {"z"});
    ms["conv_1d_3d"] = m.out("y").out("z");
  }
  return ms;
}

// An input-file fuzz input: type, flags (bit 0: .npy; bits 1-3: rank), dims, then the file.
std::string inputCase(dlasim::DataType t, bool npy, const dlasim::Shape& s, const std::string& f) {
  std::string out(1, char(t));
  out += char((npy ? 1 : 0) | int(s.size()) << 1);
  for (int64_t d : s) out += char(d);
  return out + f;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_make_corpus tests/fuzz\n";
    return 2;
  }
  root = argv[1];
  std::string gpuEngine, dlaEngine;
  for (auto& [name, m] : models()) {
    std::string onnx = m.bytes();
    write("corpus/onnx/" + name + ".onnx", onnx);
    dlasim::Model model = dlasim::Model::fromBytes(onnx);
    dlasim::BuildConfig gpu, dla;
    dla.dlaCore = 0;
    dla.int8 = dla.fp16 = true;
    dla.allowGpuFallback = true;
    std::string g = model.build(gpu).serialize(), d = model.build(dla).serialize();
    write("corpus/engine/" + name + "_gpu.engine", g);
    write("corpus/engine/" + name + "_dla.engine", d);
    if (name == "conv_relu_pool") gpuEngine = g, dlaEngine = d;
    if (name == "conv_relu_pool" || name == "bn_add") {
      dlasim::TensorMap in = dlasim::prepareInputs(model.info().inputs, {}, 1, name);
      write("corpus/calibration/" + name + ".cache", model.calibrate(in).text());
    }
  }
  write("corpus/calibration/small_graph.cache",
        "TRT-8601-EntropyCalibration2\r\nx: 3c010a14\r\ny: 3f80\r\nrelu: 0\r\n");

  // Input files: every element type, .npy and raw.
  for (int t = 0; t < 8; ++t) {
    auto dt = dlasim::DataType(t);
    dlasim::Shape s = {2, 3};
    dlasim::Tensor v = dt == dlasim::DataType::kHalf
                           ? dlasim::Tensor(dt, s)  // no random halves
                           : dlasim::randomTensor({"x", dt, s}, unsigned(t));
    std::string raw(static_cast<const char*>(v.raw()), v.bytes());
    fs::path tmp = fs::temp_directory_path() / "dlasim_make_corpus.npy";
    if (dt != dlasim::DataType::kHalf) {
      dlasim::saveNpy(tmp.string(), v);
      std::ifstream f(tmp, std::ios::binary);
      std::string npy((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      write("corpus/input_file/" + std::string(dlasim::dataTypeName(dt)) + ".npy.in",
            inputCase(dt, true, s, npy));
      fs::remove(tmp);
    }
    write("corpus/input_file/" + std::string(dlasim::dataTypeName(dt)) + ".raw.in",
          inputCase(dt, false, s, raw));
  }

  // ---- reproducers of issue 12's defects ----
  auto nodeOut = [](const json& j, int n) { return j["nodes"][n]["outputs"][0].get<int>(); };
  // conv_relu_pool's layers: 0 Conv with the Relu fused, 1 MaxPool (one DLA loadable). Checked,
  // so that the edits below keep reaching the checks they reproduce.
  auto twoLayers = [](const json& j) {
    if (j["nodes"].size() == 2) return;
    std::cerr << "fuzz_make_corpus: conv_relu_pool has " << j["nodes"].size()
              << " layers; the engine reproducers expect 2\n";
    std::exit(1);
  };
  write("repro/engine/defect1_reads_later_output.engine",
        enginefile::repack(dlaEngine, [&](json& j) {
          twoLayers(j);
          j["nodes"][1]["inputs"][0] = nodeOut(j, 1);  // the pooling reads its own output
        }));
  write("repro/engine/defect2_producer_out_of_range.engine",
        enginefile::repack(dlaEngine, [&](json& j) {
          twoLayers(j);
          j["tensors"][nodeOut(j, 1)]["producer"] = 99999;
        }));
  write("repro/engine/defect3_loadable_without_dla.engine",
        enginefile::repack(gpuEngine, [&](json& j) {
          twoLayers(j);
          for (auto& n : j["nodes"]) n["loadable"] = 0;
          j["loadables"] = json::array({json::array({0, 1})});
        }));
  write("repro/engine/attrs_of_another_kind.engine", enginefile::repack(dlaEngine, [&](json& j) {
          twoLayers(j);
          j["nodes"][1]["attrsIndex"] = 1;  // pooling with convolution attributes
          j["nodes"][1]["attrs"] = j["nodes"][0]["attrs"];
        }));
  write("repro/engine/strides_too_short.engine", enginefile::repack(dlaEngine, [](json& j) {
          j["nodes"][0]["attrs"]["strides"] = json::array({1});
        }));
  write("repro/engine/bool_weights.engine", enginefile::repack(dlaEngine, [](json& j) {
          j["tensors"][1]["dtype"] = 6;
          j["tensors"][1]["shape"] = json::array({j["tensors"][1]["bytes"]});
        }));

  M reshape;  // defect 4: 8 elements "reshaped" to 2305843009213693953 x 8 (wraps to 8)
  reshape.in("x", {8}).i64("t", {2305843009213693953, 8});
  reshape.node("Reshape", {"x", "t"}, {"y"});
  write("repro/onnx/defect4_reshape_wraps.onnx", reshape.out("y").bytes());
  M big;  // defect 6: a 32768 x 32768 constant from a few bytes
  big.in("x", {1}).i64("s", {32768, 32768});
  big.node("ConstantOfShape", {"s"}, {"c"});
  big.node("Add", {"x", "c"}, {"y"});
  write("repro/onnx/defect6_constant_of_shape.onnx", big.out("y").bytes());
  M split(18);  // a split into 2^62 parts built one size per part
  split.in("x", {4});
  attr(split.node("Split", {"x"}, {"a", "b"}), "num_outputs", int64_t(1) << 62);
  write("repro/onnx/split_parts.onnx", split.out("a").bytes());
  M d2s;  // blocksize 2^32: blocksize * blocksize wraps to 0 (division by zero)
  d2s.in("x", {1, 4, 2, 2});
  attr(d2s.node("DepthToSpace", {"x"}, {"y"}), "blocksize", int64_t(1) << 32);
  write("repro/onnx/depth_to_space_blocksize.onnx", d2s.out("y").bytes());
  M pad;  // pads that overflow int64
  pad.in("x", {2, 2}).i64("p", {INT64_MAX, 0, INT64_MAX, 0});
  pad.node("Pad", {"x", "p"}, {"y"});
  write("repro/onnx/pads_overflow.onnx", pad.out("y").bytes());

  // defect 5: bool bytes other than 0 and 1
  write("repro/input_file/defect5_bool_raw.in",
        inputCase(dlasim::DataType::kBool, false, {4}, std::string("\x01\x00\x02\xff", 4)));
  // defect 7: zero, negative zero, denormal and overflowing scales
  write("repro/calibration/defect7_degenerate_scales.cache",
        "TRT-8502-MinMaxCalibration\nx: 00000000\ny: 80000000\nrelu: 00000001\nz: 7f7fffff\n");
  std::cout << "corpus written under " << root << "\n";
  return 0;
}
