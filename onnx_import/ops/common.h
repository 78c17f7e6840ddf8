// Helpers shared by the op importers.
#pragma once
#include "onnx_import/context.h"

namespace onnx_import {

/// Reads kernel/strides/pads/dilations (+ auto_pad) for a node over `spatial` dims of input x.
/// `kernel` must already hold the kernel size; deconv selects ConvTranspose's auto_pad rule.
void readWindow(NodeContext& ctx, const sim::Shape& x, sim::Ints& kernel, sim::Ints& strides,
                sim::Ints& padsBegin, sim::Ints& padsEnd, sim::Ints& dilations,
                bool deconv = false);

/// Runs f (dimension arithmetic that may throw sim::Error, e.g. sim::mulDims) so that its
/// error names the node.
template <class F>
auto checked(NodeContext& ctx, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const sim::Error& e) {
    ctx.error(e.what());
  }
}

/// Normalises axes against rank (negative allowed); errors name the node and the axis.
sim::Ints normalizeAxes(NodeContext& ctx, const std::vector<int64_t>& axes, int64_t rank);

/// A Shuffle that only reshapes x to `shape` (already resolved).
sim::TensorId reshapeTo(NodeContext& ctx, sim::TensorId x, const sim::Shape& shape,
                        const std::string& suffix = "");

}  // namespace onnx_import
