// Names TensorRT gives layers its parser and builder make, where they depend on more than the
// ONNX node: plugin layers, and a Gemm / MatMul by constant weights that the builder runs on
// the DLA as a 1x1 convolution (docs/dla-rules.md, "TensorRT version modelled").
#pragma once
#include <string>

#include "sim/ir/graph.h"

namespace sim {

/// A layer TensorRT 8.4's parser imports as a plugin (PLUGIN_V2): InstanceNormalization
/// (onnx-tensorrt 8.4/8.5; seed log "[GpuLayer] PLUGIN_V2: InstanceNormalization_5").
bool importedAsPlugin(const Node& n);

/// What a TensorRT version's builder does with a matrix multiply by constant weights (its parser
/// imports Gemm / MatMul as MatrixMultiply from 8.4 EA on), as data: a version switch picks an
/// entry. Today one entry, TensorRT 8.4 (the seed's).
struct MatMulBehaviour {
  const char* version;
  /// Runs it on the DLA as a 1x1 convolution (jetson_dla_tutorial ModelBN logs, TensorRT 8.4;
  /// Deep-Learning-Accelerator-SW operators list, 8.6: "TensorRT can translate this to a 1x1
  /// Conv internally").
  bool convertsForDla;
  /// Assumption fitted to the seed's ModelGN log (its Gemm_52 on the GPU): not in a network
  /// with plugin layers.
  bool notWithPlugins;
  /// Stems of the names it gives the layers it adds (TensorRT 8.4 logs).
  const char *unsqueezeAfter, *copiedSqueezeAfter, *reshapeAfter;
};
const MatMulBehaviour& matMulBehaviour();

/// The parser's layers for a matrix multiply by constant weights with an optional 1-D bias:
/// the MatrixMultiply (named after the ONNX node), the bias Constant (named after its
/// initializer), the bias's broadcast Shuffle and the ElementWise sum ("(Unnamed Layer* N)").
/// The names the builder prints for them depend on where the multiply lands; the forms are
/// TensorRT 8.4's (jetson_dla_tutorial ModelBN logs), one definition here.
struct MatMulLayers {
  std::string gemm, bias, biasShuffle, sum;  // the last three empty without a bias

  /// On the GPU: the multiply with its bias fused, "Gemm_15 + linear.bias + (Unnamed Layer*
  /// 19) [Shuffle] + (Unnamed Layer* 20) [ElementWise]" (the parts present, joined).
  std::string gpuName() const;
  /// On the DLA, when its loadable starts with it (its input comes from the GPU): the bias
  /// unsqueezed to 4-D and fused, "Gemm_15 + linear.bias + (Unnamed Layer* 19) [Shuffle] +
  /// unsqueeze_node_after_linear.bias + (Unnamed Layer* 19) [Shuffle]_(Unnamed Layer* 19)
  /// [Shuffle]_output + (Unnamed Layer* 20) [ElementWise]"; after other DLA layers of its
  /// loadable: "Gemm_15".
  std::string dlaName(bool startsLoadable) const;
  /// The GPU Shuffle squeezing its N x M x 1 x 1 output back to N x M: "copied_squeeze_after_
  /// (Unnamed Layer* 20) [ElementWise]" when its loadable starts with it, else
  /// "reshape_after_Gemm_15".
  std::string squeezeName(bool startsLoadable) const;
  /// The Shuffle unsqueezing its input to N x K x 1 x 1 when no reshape absorbs it (a name of
  /// dlasim's: no log shows one).
  std::string unsqueezeName() const { return "reshape_before_" + gemm; }

  /// The parts of a converted multiply's layer (a 1x1 Convolution from a Gemm / MatMul named
  /// gpuName() at import), or all empty for any other layer.
  static MatMulLayers of(const Graph& g, const Node& n);
};

}  // namespace sim
