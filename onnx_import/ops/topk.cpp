// Importers for TopK, ArgMax and ArgMin: one IR TopK layer each, as TensorRT's parser makes
// ArgMax / ArgMin a TopK layer with k = 1 whose indices are the output.
#include "onnx_import/ops/common.h"

namespace onnx_import {

namespace {

using sim::OpKind;
using sim::TensorId;

std::vector<TensorId> importTopK(NodeContext& ctx) {
  sim::TopKAttrs a;
  a.axis = ctx.attrInt("axis", -1);
  if (ctx.opset() < 10) {
    if (!ctx.hasAttr("k")) ctx.error("attribute k is missing");
    a.k = ctx.attrInt("k", 1);
  } else {
    std::vector<int64_t> k = ctx.requireConstant(1, "K").asInt64();
    if (k.size() != 1) ctx.error(sim::cat("K has ", k.size(), " values, expected 1"));
    a.k = k[0];
  }
  a.largest = ctx.attrInt("largest", 1) != 0;
  // sorted = 0 leaves the order open: the sorted order is one answer.
  return ctx.add(OpKind::kTopK, a, {ctx.input(0)}, 2);
}

std::vector<TensorId> importArgExtreme(NodeContext& ctx, bool largest) {
  sim::TopKAttrs a;
  a.axis = ctx.attrInt("axis", 0);
  a.k = 1;
  a.largest = largest;
  a.keepDims = ctx.attrInt("keepdims", 1) != 0;
  a.lastOnTies = ctx.attrInt("select_last_index", 0) != 0;
  a.withValues = false;
  return ctx.add(OpKind::kTopK, a, {ctx.input(0)}, 1);
}

std::vector<TensorId> importArgMax(NodeContext& ctx) {
  return importArgExtreme(ctx, true);
}

std::vector<TensorId> importArgMin(NodeContext& ctx) {
  return importArgExtreme(ctx, false);
}

const RegisterImporters kTopKImporters{
    {"TopK", &importTopK}, {"ArgMax", &importArgMax}, {"ArgMin", &importArgMin}};

}  // namespace

}  // namespace onnx_import
