// Binding formats inside the build: the one format each network input and output gets from
// --inputIOFormats / --outputIOFormats, the formats DLA loadables and GPU layers exchange, and
// the reformat layers TensorRT inserts where two of them differ (trtexec's --exportLayerInfo
// lists them: "Reformatting CopyNode for Input Tensor 0 to {ForeignNode[...]}").
#pragma once
#include <string>
#include <vector>

#include "builder/build_plan.h"
#include "dlasim/bindings.h"
#include "sim/ir/io_format.h"

namespace builder {

/// The format of a binding no --inputIOFormats / --outputIOFormats names: linear, in the
/// tensor's own type, as TensorRT keeps the network's type (fp32 for float and double).
dlasim::IOFormat defaultBindingFormat(dlasim::DataType type);

/// The format of each input, then each output: the given spec (one for all, or one per binding;
/// of alternatives "a+b" the first the DLA takes when the build uses one, else the first).
/// Throws sim::Error when the count matches neither.
std::vector<dlasim::IOFormat> chooseBindingFormats(const sim::Graph& g,
                                                   const dlasim::BuildConfig& cfg, bool dla);

/// The bindings of a built graph (`b.bindingFormats` in binding order).
std::vector<dlasim::BindingInfo> bindingInfos(const sim::Graph& g, const BuildResult& b);

/// TensorRT's description of a format, as --exportLayerInfo prints it ("Row major linear FP32",
/// "Thirty-two wide channel vectorized row major Int8 format").
std::string formatDescription(const dlasim::IOFormat& f);

/// The format a layer reads and writes: DLA loadables their DLA format (INT8: int8:chw32,
/// FP16: fp16:chw16), GPU layers linear in their reported precision (INT8: int8:chw32).
dlasim::IOFormat layerFormat(const sim::Graph& g, const BuildResult& b, size_t node);

struct Reformat {
  std::string name;  // "Reformatting CopyNode for Input Tensor 0 to <layer>"
  sim::TensorId tensor;
  dlasim::IOFormat from, to;
  size_t node;      // the layer it feeds (input reformats) or follows (outputs)
  bool beforeNode;  // listed before `node` (else after it)
};

/// The reformat layers the build needs: between a binding and the layer reading / writing it,
/// and between DLA loadables and GPU layers, wherever the formats differ.
std::vector<Reformat> reformatLayers(const sim::Graph& g, const BuildResult& b);

}  // namespace builder
