// Resize: shape inference and reference run (nearest / linear / cubic, ONNX coordinate modes).
#include "kernels/resize.h"

#include <cmath>

#include "sim/ops/op_def.h"

namespace sim {

std::vector<TensorDesc> inferResize(const Node& n, const std::vector<const TensorDesc*>& in) {
  const auto& a = n.get<ResizeAttrs>();
  const auto& x = requireInput(in, 0);
  requireFloat(x, "input");
  if (a.outShape.size() != x.shape.size() || a.scales.size() != x.shape.size())
    fail("resize target has rank ", a.outShape.size(), " for input ", shapeStr(x.shape));
  for (size_t d = 0; d < x.shape.size(); ++d) {
    if (a.outShape[d] < 0 || !(a.scales[d] > 0) || !std::isfinite(a.scales[d]))
      fail("resize scale ", a.scales[d], " / size ", a.outShape[d], " along dim ", d,
           " is invalid");
    if (x.shape[d] == 0 && a.outShape[d] > 0) fail("cannot resize an empty dimension");
    // The importer derives one from the other (size = floor(input x scale), or scale = size /
    // input): an engine file whose scale and size disagree is not one it wrote.
    double want = double(x.shape[d]) * double(a.scales[d]);
    if (x.shape[d] > 0 && std::fabs(want - double(a.outShape[d])) > 1 + 1e-6 * want)
      fail("resize scale ", a.scales[d], " does not give size ", a.outShape[d], " along dim ", d,
           " (input ", x.shape[d], ")");
  }
  return {{x.dtype, a.outShape}};
}

LayerParams paramsResize(const Graph&, const Node& n, const std::string&) {
  return kindParams(n);
}

OpTraits traitsResize(const Node&) {
  OpTraits t;
  t.gpuHalf = t.gpuInt8 = t.dlaInt8 = true;
  return t;
}

LayerWork workResize(const WorkArgs& a) {
  return pointwiseWork(a, 1, EngineUnit::kRubik);
}

void runResize(const Node& n, const OpIO& io) {
  const auto& a = n.get<ResizeAttrs>();
  kern::ResizeParams p;
  static_assert(int(ResizeMode::kCubic) == int(kern::InterpMode::kCubic) &&
                    int(CoordTransform::kTfHalfPixelForNearest) ==
                        int(kern::CoordMode::kTfHalfPixelForNearest) &&
                    int(NearestRounding::kCeil) == int(kern::RoundMode::kCeil),
                "resize enums of sim and kern must match");
  p.mode = static_cast<kern::InterpMode>(a.mode);
  p.coord = static_cast<kern::CoordMode>(a.coord);
  p.rounding = static_cast<kern::RoundMode>(a.nearest);
  p.cubicA = a.cubicA;
  p.excludeOutside = a.excludeOutside;
  p.inShape = io.in[0]->shape();
  p.outShape = a.outShape;
  p.scales = a.scales;
  kern::resize(p, io.in[0]->data<float>(), io.out[0]->data<float>());
}

}  // namespace sim
