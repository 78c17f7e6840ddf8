// MatrixMultiply: numpy matmul semantics (1-D operands promoted, batch dims broadcast), plus
// an optional bias (input 2) over the last dimension or the whole output, added as TensorRT's
// builder fuses a Gemm's bias ElementWise into the multiplication.
#include "kernels/matmul.h"

#include "sim/ops/op_def.h"

namespace sim {

namespace {

// Promotes 1-D operands to matrices as numpy does; returns the shapes used by the kernel.
void promote(const Shape& a, const Shape& b, Shape* pa, Shape* pb) {
  *pa = a.size() == 1 ? Shape{1, a[0]} : a;
  *pb = b.size() == 1 ? Shape{b[0], 1} : b;
}

}  // namespace

std::vector<TensorDesc> inferMatrixMultiply(const Node& n,
                                            const std::vector<const TensorDesc*>& in) {
  const auto& at = n.get<MatMulAttrs>();
  const auto &a = requireInput(in, 0), &b = requireInput(in, 1);
  requireFloat(a, "A");
  requireFloat(b, "B");
  if (a.shape.empty() || b.shape.empty()) fail("matmul of a scalar");
  Shape pa, pb;
  promote(a.shape, b.shape, &pa, &pb);
  size_t ra = pa.size(), rb = pb.size();
  int64_t m = at.transA ? pa[ra - 1] : pa[ra - 2], ka = at.transA ? pa[ra - 2] : pa[ra - 1];
  int64_t kb = at.transB ? pb[rb - 1] : pb[rb - 2], nn = at.transB ? pb[rb - 2] : pb[rb - 1];
  if (ka != kb)
    fail("inner dimensions differ: ", shapeStr(a.shape), " x ", shapeStr(b.shape), " (", ka, " vs ",
         kb, ")");
  Shape batch;
  if (!broadcastShapes(Shape(pa.begin(), pa.end() - 2), Shape(pb.begin(), pb.end() - 2), &batch))
    fail("batch dimensions of ", shapeStr(a.shape), " and ", shapeStr(b.shape),
         " do not broadcast");
  Shape out = batch;
  if (a.shape.size() > 1) out.push_back(m);
  if (b.shape.size() > 1) out.push_back(nn);
  if (in.size() > 2 && in[2]) {
    int64_t v = volume(in[2]->shape);
    if (v != nn && v != volume(out))
      fail("bias ", shapeStr(in[2]->shape), " matches neither the ", nn, " columns nor output ",
           shapeStr(out));
  }
  return {{DType::kFloat, out}};
}

LayerParams paramsMatrixMultiply(const Graph&, const Node& n, const std::string&) {
  const auto& a = n.get<MatMulAttrs>();
  return {{"ParameterType", std::string("MatrixMultiply")},
          {"MatrixOpA", std::string(a.transA ? "TRANSPOSE" : "NONE")},
          {"MatrixOpB", std::string(a.transB ? "TRANSPOSE" : "NONE")}};
}

OpTraits traitsMatrixMultiply(const Node&) {
  OpTraits t;
  t.gpuHalf = t.gpuTunedKernels = t.dlaInt8 = true;
  return t;
}

// Each output element is a dot product over K; on the DLA a fully connected layer runs on the
// convolution core.
LayerWork workMatrixMultiply(const WorkArgs& a) {
  const Shape& s = a.in[0]->shape;
  bool tA = a.n.get<MatMulAttrs>().transA;
  int64_t k = s.empty() ? 1 : (tA && s.size() > 1 ? s[s.size() - 2] : s.back());
  LayerWork r;
  r.macs = a.outVolume() * k;
  r.inputBytes = a.activationInputBytes();
  r.outputBytes = a.outputBytes();
  r.weightBytes = a.constantBytes(1);
  if (a.in.size() > 2 && a.in[2]) r.eltOps = a.outVolume();
  r.unit = EngineUnit::kConvolution;
  return r;
}

void runMatrixMultiply(const Node& n, const OpIO& io) {
  const auto& at = n.get<MatMulAttrs>();
  const Tensor &a = *io.in[0], &b = *io.in[1];
  Shape pa, pb;
  promote(a.shape(), b.shape(), &pa, &pb);
  // The kernel wants C with both matrix dims present.
  Shape batch;
  broadcastShapes(Shape(pa.begin(), pa.end() - 2), Shape(pb.begin(), pb.end() - 2), &batch);
  size_t ra = pa.size(), rb = pb.size();
  Shape pc = batch;
  pc.push_back(at.transA ? pa[ra - 1] : pa[ra - 2]);
  pc.push_back(at.transB ? pb[rb - 2] : pb[rb - 1]);
  float* y = io.out[0]->data<float>();
  kern::matmulF32(pa, a.data<float>(), at.transA, pb, b.data<float>(), at.transB, pc, y);
  if (io.in.size() > 2 && io.in[2]) {
    const float* bias = io.in[2]->data<float>();
    int64_t nb = io.in[2]->size(), total = io.out[0]->size();
    for (int64_t i = 0; i < total; ++i) y[i] += bias[nb == total ? i : i % nb];
  }
}

}  // namespace sim
