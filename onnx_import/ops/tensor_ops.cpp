// Importers for Concat, Split, Slice, Pad, Gather, Expand and Tile.
#include <limits>

#include "onnx_import/ops/common.h"

namespace onnx_import {

using sim::OpKind;
using sim::TensorId;

std::vector<TensorId> importConcat(NodeContext& ctx) {
  sim::ConcatAttrs a;
  if (!ctx.hasAttr("axis") && ctx.opset() >= 4) ctx.error("attribute axis is missing");
  a.axis = ctx.attrInt("axis", 1);
  std::vector<TensorId> in;
  for (int i = 0; i < ctx.numInputs(); ++i) in.push_back(ctx.input(i));
  if (in.empty()) ctx.error("needs at least one input");
  return {ctx.add1(OpKind::kConcatenation, a, in)};
}

static sim::SliceAttrs fullSlice(const sim::Shape& s) {
  sim::SliceAttrs a;
  a.start.assign(s.size(), 0);
  a.size = s;
  a.stride.assign(s.size(), 1);
  return a;
}

std::vector<TensorId> importSplit(NodeContext& ctx) {
  const sim::Shape& x = ctx.desc(0).shape;
  int64_t axis = normalizeAxes(ctx, {ctx.attrInt("axis", 0)}, int64_t(x.size()))[0];
  std::vector<int64_t> sizes = ctx.opset() < 13  ? ctx.attrInts("split")
                               : ctx.hasInput(1) ? ctx.requireConstant(1, "split").asInt64()
                                                 : std::vector<int64_t>{};
  const int n = ctx.numOutputs();
  if (sizes.empty()) {
    int64_t parts = ctx.hasAttr("num_outputs") ? ctx.attrInt("num_outputs", n) : n;
    if (parts < 1) ctx.error("no outputs");
    // Checked before the loop below builds one size per part.
    if (parts != n) ctx.error(sim::cat("num_outputs ", parts, " for ", n, " outputs"));
    int64_t chunk = (x[axis] + parts - 1) / parts;  // the last part may be smaller (opset 18)
    if (!ctx.hasAttr("num_outputs") && x[axis] % parts)
      ctx.error(sim::cat("dim ", x[axis], " does not split evenly into ", parts));
    for (int64_t i = 0, left = x[axis]; i < parts; ++i, left -= chunk)
      sizes.push_back(std::min(chunk, left));
  }
  if (int(sizes.size()) != n) ctx.error(sim::cat(sizes.size(), " split sizes for ", n, " outputs"));
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0) ctx.error(sim::cat("negative split size ", s));
    total = checked(ctx, [&] { return sim::addDims(total, s); });
  }
  if (total != x[axis]) ctx.error(sim::cat("split sizes sum to ", total, ", axis has ", x[axis]));
  std::vector<TensorId> outs;
  int64_t at = 0;
  for (int i = 0; i < n; ++i) {
    sim::SliceAttrs a = fullSlice(x);
    a.start[axis] = at;
    a.size[axis] = sizes[i];
    at += sizes[i];
    outs.push_back(ctx.add1(OpKind::kSlice, a, {ctx.input(0)}, std::to_string(i)));
  }
  return outs;
}

std::vector<TensorId> importSlice(NodeContext& ctx) {
  const sim::Shape& x = ctx.desc(0).shape;
  const int64_t r = int64_t(x.size());
  std::vector<int64_t> starts, ends, axes, steps;
  if (ctx.opset() < 10) {
    starts = ctx.attrInts("starts");
    ends = ctx.attrInts("ends");
    axes = ctx.attrInts("axes");
  } else {
    starts = ctx.requireConstant(1, "starts").asInt64();
    ends = ctx.requireConstant(2, "ends").asInt64();
    if (ctx.hasInput(3)) axes = ctx.requireConstant(3, "axes").asInt64();
    if (ctx.hasInput(4)) steps = ctx.requireConstant(4, "steps").asInt64();
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(int64_t(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    ctx.error(sim::cat("starts/ends/axes/steps sizes ", starts.size(), "/", ends.size(), "/",
                       axes.size(), "/", steps.size(), " differ"));
  sim::SliceAttrs a = fullSlice(x);
  sim::Ints ax = normalizeAxes(ctx, axes, r);
  for (size_t i = 0; i < ax.size(); ++i) {
    int64_t d = ax[i], dim = x[d], step = steps[i];
    if (step == 0) ctx.error("slice step 0 is invalid");
    int64_t s = starts[i], e = ends[i];
    if (s < 0) s += dim;
    if (e < 0 && e > std::numeric_limits<int64_t>::min() + dim)
      e += dim;
    else if (e < 0)
      e = -1;
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
    }
    // s and e are clamped to [-1, dim], so only the step can be extreme (even INT64_MIN):
    // count in unsigned arithmetic, where |step| cannot overflow.
    int64_t span = step > 0 ? e - s : s - e;
    uint64_t mag = step > 0 ? uint64_t(step) : uint64_t(-(step + 1)) + 1;
    int64_t len = span > 0 ? int64_t((uint64_t(span) - 1) / mag + 1) : 0;
    a.start[d] = s;
    a.size[d] = std::max<int64_t>(0, len);
    a.stride[d] = step;
    if (a.size[d] == 0) a.start[d] = 0;
  }
  return {ctx.add1(OpKind::kSlice, a, {ctx.input(0)})};
}

std::vector<TensorId> importPad(NodeContext& ctx) {
  const sim::Shape& x = ctx.desc(0).shape;
  const int64_t r = int64_t(x.size());
  sim::PadAttrs a;
  std::string mode = ctx.attrString("mode", "constant");
  if (mode == "constant")
    a.mode = sim::PadMode::kConstant;
  else if (mode == "reflect")
    a.mode = sim::PadMode::kReflect;
  else if (mode == "edge")
    a.mode = sim::PadMode::kEdge;
  else
    ctx.error(sim::cat("pad mode '", mode, "' is not supported"));
  std::vector<int64_t> pads;
  if (ctx.opset() < 11) {
    pads = ctx.attrInts(ctx.opset() < 2 ? "paddings" : "pads");
    a.value = ctx.attrFloat("value", 0.f);
  } else {
    pads = ctx.requireConstant(1, "pads").asInt64();
    if (ctx.hasInput(2)) a.value = ctx.requireConstant(2, "constant_value").asDouble().at(0);
  }
  sim::Ints axes;
  if (ctx.hasInput(3))
    axes = normalizeAxes(ctx, ctx.requireConstant(3, "axes").asInt64(), r);
  else
    for (int64_t i = 0; i < r; ++i) axes.push_back(i);
  if (pads.size() != 2 * axes.size())
    ctx.error(sim::cat(pads.size(), " pads for ", axes.size(), " axes (need twice as many)"));
  a.padsBegin.assign(size_t(r), 0);
  a.padsEnd.assign(size_t(r), 0);
  for (size_t i = 0; i < axes.size(); ++i) {
    a.padsBegin[axes[i]] = pads[i];
    a.padsEnd[axes[i]] = pads[i + axes.size()];
  }
  return {ctx.add1(OpKind::kPadding, a, {ctx.input(0)})};
}

std::vector<TensorId> importGather(NodeContext& ctx) {
  sim::GatherAttrs a;
  a.axis = ctx.attrInt("axis", 0);
  return {ctx.add1(OpKind::kGather, a, {ctx.input(0), ctx.input(1)})};
}

// Expand: broadcast by a slice with stride 0 along the expanded dims (as TensorRT's parser).
std::vector<TensorId> importExpand(NodeContext& ctx) {
  const sim::Shape& x = ctx.desc(0).shape;
  std::vector<int64_t> target = ctx.requireConstant(1, "shape").asInt64();
  sim::Shape out;
  if (!sim::broadcastShapes(x, sim::Shape(target.begin(), target.end()), &out))
    ctx.error(sim::cat("cannot expand ", sim::shapeStr(x), " to ",
                       sim::shapeStr(sim::Shape(target.begin(), target.end()))));
  TensorId in = ctx.input(0);
  sim::Shape padded(out.size() - x.size(), 1);
  padded.insert(padded.end(), x.begin(), x.end());
  if (padded.size() != x.size()) in = reshapeTo(ctx, in, padded, "rank");
  sim::SliceAttrs a = fullSlice(out);
  for (size_t d = 0; d < out.size(); ++d) a.stride[d] = padded[d] == out[d] ? 1 : 0;
  return {ctx.add1(OpKind::kSlice, a, {in})};
}

// Tile: a wrapping slice that reads the input repeatedly.
std::vector<TensorId> importTile(NodeContext& ctx) {
  const sim::Shape& x = ctx.desc(0).shape;
  std::vector<int64_t> reps = ctx.requireConstant(1, "repeats").asInt64();
  if (reps.size() != x.size()) ctx.error(sim::cat(reps.size(), " repeats for rank ", x.size()));
  sim::SliceAttrs a = fullSlice(x);
  a.mode = sim::SliceMode::kWrap;
  for (size_t d = 0; d < x.size(); ++d) {
    if (reps[d] < 0) ctx.error(sim::cat("negative repeat ", reps[d]));
    a.size[d] = checked(ctx, [&] { return sim::mulDims(x[d], reps[d]); });
  }
  return {ctx.add1(OpKind::kSlice, a, {ctx.input(0)})};
}

}  // namespace onnx_import
