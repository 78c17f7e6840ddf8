// Importers for Resize (opset 10+) and the older Upsample.
#include <cmath>

#include "onnx_import/ops/common.h"

namespace onnx_import {

using sim::TensorId;

static sim::ResizeMode modeOf(NodeContext& ctx, const std::string& m) {
  if (m == "nearest") return sim::ResizeMode::kNearest;
  if (m == "linear" || m == "bilinear") return sim::ResizeMode::kLinear;
  if (m == "cubic") return sim::ResizeMode::kCubic;
  ctx.error(sim::cat("mode '", m, "' is not supported"));
}

static void setScales(NodeContext& ctx, sim::ResizeAttrs& a, const sim::Shape& x,
                      const std::vector<double>& scales) {
  if (scales.size() != x.size())
    ctx.error(sim::cat(scales.size(), " scales for an input of rank ", x.size()));
  a.scales.clear();
  a.outShape.clear();
  for (size_t d = 0; d < x.size(); ++d) {
    if (!(scales[d] > 0) || !std::isfinite(scales[d]) || scales[d] > 1e6)
      ctx.error(sim::cat("scale ", scales[d], " along dim ", d, " is invalid"));
    a.scales.push_back(float(scales[d]));
    a.outShape.push_back(int64_t(std::floor(double(x[d]) * float(scales[d]))));
  }
}

std::vector<TensorId> importResize(NodeContext& ctx) {
  const sim::Shape& x = ctx.desc(0).shape;
  sim::ResizeAttrs a;
  a.mode = modeOf(ctx, ctx.attrString("mode", "nearest"));
  if (ctx.opset() < 11) {
    a.coord = sim::CoordTransform::kAsymmetric;
    a.nearest = sim::NearestRounding::kFloor;
    setScales(ctx, a, x, ctx.requireConstant(1, "scales").asDouble());
    return {ctx.add1(sim::OpKind::kResize, a, {ctx.input(0)})};
  }
  std::string coord = ctx.attrString("coordinate_transformation_mode", "half_pixel");
  if (coord == "half_pixel")
    a.coord = sim::CoordTransform::kHalfPixel;
  else if (coord == "pytorch_half_pixel")
    a.coord = sim::CoordTransform::kPytorchHalfPixel;
  else if (coord == "align_corners")
    a.coord = sim::CoordTransform::kAlignCorners;
  else if (coord == "asymmetric")
    a.coord = sim::CoordTransform::kAsymmetric;
  else if (coord == "tf_half_pixel_for_nearest")
    a.coord = sim::CoordTransform::kTfHalfPixelForNearest;
  else
    ctx.error(sim::cat("coordinate_transformation_mode '", coord, "' is not supported"));
  std::string nm = ctx.attrString("nearest_mode", "round_prefer_floor");
  if (nm == "round_prefer_floor")
    a.nearest = sim::NearestRounding::kRoundPreferFloor;
  else if (nm == "round_prefer_ceil")
    a.nearest = sim::NearestRounding::kRoundPreferCeil;
  else if (nm == "floor")
    a.nearest = sim::NearestRounding::kFloor;
  else if (nm == "ceil")
    a.nearest = sim::NearestRounding::kCeil;
  else
    ctx.error(sim::cat("nearest_mode '", nm, "' is not supported"));
  a.cubicA = ctx.attrFloat("cubic_coeff_a", -0.75f);
  a.excludeOutside = ctx.attrInt("exclude_outside", 0) != 0;
  if (ctx.attrInt("antialias", 0)) ctx.error("antialias=1 is not supported");
  if (ctx.hasAttr("axes")) ctx.error("the axes attribute is not supported");
  if (ctx.attrString("keep_aspect_ratio_policy", "stretch") != "stretch")
    ctx.error("keep_aspect_ratio_policy other than stretch is not supported");
  const sim::Tensor* scales = ctx.hasInput(2) ? &ctx.requireConstant(2, "scales") : nullptr;
  if (scales && scales->size() > 0) {
    setScales(ctx, a, x, scales->asDouble());
  } else {
    if (!ctx.hasInput(3)) ctx.error("neither scales nor sizes is given");
    std::vector<int64_t> sizes = ctx.requireConstant(3, "sizes").asInt64();
    if (sizes.size() != x.size()) ctx.error(sim::cat(sizes.size(), " sizes for rank ", x.size()));
    for (size_t d = 0; d < x.size(); ++d) {
      if (sizes[d] < 0 || sizes[d] > sim::kMaxTensorElements)
        ctx.error(sim::cat("size ", sizes[d], " along dim ", d, " is invalid"));
      if (x[d] == 0) ctx.error("cannot resize an empty dimension");
      a.scales.push_back(float(double(sizes[d]) / double(x[d])));
      a.outShape.push_back(sizes[d]);
    }
  }
  return {ctx.add1(sim::OpKind::kResize, a, {ctx.input(0)})};
}

std::vector<TensorId> importUpsample(NodeContext& ctx) {
  const sim::Shape& x = ctx.desc(0).shape;
  sim::ResizeAttrs a;
  a.mode = modeOf(ctx, ctx.attrString("mode", "nearest"));
  a.coord = sim::CoordTransform::kAsymmetric;
  a.nearest = sim::NearestRounding::kFloor;
  std::vector<double> scales;
  if (ctx.opset() < 9) {
    for (float s : ctx.attrFloats("scales")) scales.push_back(s);
  } else {
    scales = ctx.requireConstant(1, "scales").asDouble();
  }
  setScales(ctx, a, x, scales);
  return {ctx.add1(sim::OpKind::kResize, a, {ctx.input(0)})};
}

}  // namespace onnx_import
