// DLA rules for data-movement and normalisation layers: PReLU, normalisations, LRN, concat,
// slice, shuffle, identity/cast, padding, resize, softmax, matrix multiply, reduce, gather,
// select.
#include <algorithm>
#include <cmath>

#include "hwmodels/rule_context.h"
#include "sim/ir/trt_names.h"

namespace hw::rules {

void ruleParametricReLU(Ctx& c) {
  if (!c.constant(1))
    c.fail("prelu.slope", "non-constant", "build-time constant",
           "slopes must be a build-time constant");
  if (c.g.desc(c.n.inputs[1]).shape.size() != c.in().size())
    c.fail("prelu.rank", std::to_string(c.g.desc(c.n.inputs[1]).shape.size()),
           sim::cat("= ", c.in().size()),
           sim::cat("slopes rank ", c.g.desc(c.n.inputs[1]).shape.size(),
                    " differs from input rank ", c.in().size()));
}

void catalogueParametricReLU(std::vector<RuleInfo>& v) {
  v.insert(v.end(),
           {
               {"prelu.slope", "ParametricReLU", "slopes are a build-time constant", "seed §3.2.5"},
               {"prelu.rank", "ParametricReLU", "slopes have the input's rank", "seed §3.2.5"},
           });
}

void ruleNormalization(Ctx& c) {
  const auto& a = c.n.get<sim::NormAttrs>();
  const char* type = a.type == sim::NormType::kInstance ? "InstanceNormalization"
                     : a.type == sim::NormType::kLayer  ? "LayerNormalization"
                                                        : "GroupNormalization";
  std::string what = a.type == sim::NormType::kInstance
                         ? sim::cat(type, " (a GPU plugin in TensorRT)")
                         : std::string(type);
  c.fail("norm.unsupported", type, "unsupported", sim::cat(what, " is not supported on the DLA"),
         a.type == sim::NormType::kLayer ? ""
         : c.n.pattern == "GroupNormalization"
             ? "replace GroupNorm by BatchNorm (as the DLA tutorial does) to keep the network on "
               "the DLA"
             : "use BatchNormalization (folds into the convolution)");
}

void catalogueNormalization(std::vector<RuleInfo>& v) {
  v.insert(v.end(), {
                        {"norm.unsupported", "Normalization",
                         "Instance/Layer/Group normalisation do not run on the DLA",
                         "seed log (PLUGIN_V2 on GPU)"},
                    });
}

void ruleLRN(Ctx& c) {
  int64_t w = c.n.get<sim::LrnAttrs>().size;
  if (std::find(c.l.lrnWindows.begin(), c.l.lrnWindows.end(), w) == c.l.lrnWindows.end())
    c.fail("lrn.window", std::to_string(w), listStr(c.l.lrnWindows),
           sim::cat("window ", w, " is not one of 3, 5, 7, 9"));
}

void catalogueLRN(std::vector<RuleInfo>& v) {
  v.insert(v.end(),
           {
               {"lrn.window", "LRN", "window in {lrnWindows}, across channels", "seed §3.2.8"},
           });
}

void ruleConcatenation(Ctx& c) {
  int64_t axis = c.n.get<sim::ConcatAttrs>().axis;
  int64_t rank = int64_t(c.out().size());
  if (axis < 0) axis += rank;
  if (c.n.inputs.size() < 2)
    c.fail("concat.inputs", std::to_string(c.n.inputs.size()), ">= 2",
           "concatenation needs at least two inputs");
  // TensorRT 8.5 on states the axis as the third-to-last (C of NCHW) for any rank.
  bool thirdToLast = c.t.rules.concatThirdToLast;
  if (thirdToLast ? axis != rank - 3 : rank != 4 || axis != 1)
    c.fail("concat.axis", sim::cat("axis ", axis, " of rank ", rank),
           thirdToLast ? "third-to-last axis" : "axis 1 of rank 4",
           sim::cat("concatenation along axis ", axis, " of a rank-", rank,
                    " tensor; DLA concatenates only along the channel axis"),
           "transpose so the concatenated axis becomes C, or concatenate on the GPU");
  // The BDMA copies codes without rescaling: in INT8 every input and the output need the same
  // dynamic range (seed §3.2.9); TensorRT builds the layer for the GPU otherwise.
  if (c.v.precision == Precision::kINT8 && c.cfg.calibrated) {
    float out = c.g.tensor(c.n.outputs[0]).quant.scale;
    for (sim::TensorId t : c.n.inputs) {
      float in = c.g.tensor(t).quant.scale;
      if (in != out) {
        c.fail("concat.int8_scales",
               sim::cat("input '", c.g.tensor(t).name, "' scale ", in, ", output scale ", out),
               "equal scales",
               sim::cat("INT8 concatenation needs equal input and output scales; input '",
                        c.g.tensor(t).name, "' has ", in, ", the output ", out),
               "give every concatenated input the output's scale in the calibration cache");
        break;
      }
    }
  }
}

void catalogueConcatenation(std::vector<RuleInfo>& v) {
  v.insert(v.end(), {
                        {"concat.axis", "Concatenation", "channel axis only ({concatAxis})",
                         "seed §3.2.9; TDV A13"},
                        {"concat.inputs", "Concatenation", "at least two inputs", "seed §3.2.9"},
                        {"concat.int8_scales", "Concatenation",
                         "INT8: every input and the output have the same scale (checked with a "
                         "calibration cache)",
                         "seed §3.2.9"},
                    });
}

void ruleSlice(Ctx& c) {
  const auto& a = c.n.get<sim::SliceAttrs>();
  if (c.in().size() != 4)
    c.fail("slice.rank", sim::shapeStr(c.in()), "4-D",
           sim::cat("slicing needs a 4-D input, got ", sim::shapeStr(c.in())));
  if (a.mode == sim::SliceMode::kWrap)
    c.fail("slice.mode", sim::cat("wrap (", c.n.onnxOp, ")"), "no wrap",
           sim::cat(c.n.onnxOp, " (wrap-around slice) is not supported"));
  for (size_t d = 0; d < a.stride.size(); ++d)
    if (a.stride[d] != 1) {
      c.fail("slice.stride", std::to_string(a.stride[d]), "= 1",
             sim::cat("stride ", a.stride[d], " along dim ", d, " (", c.n.onnxOp,
                      "); DLA slices with stride 1 only"));
      break;
    }
  if (!c.in().empty() && a.size[0] != c.in()[0])
    c.fail("slice.batch", std::to_string(a.size[0]), sim::cat("= ", c.in()[0], " (all of N)"),
           "slicing the batch dimension is not supported");
}

void catalogueSlice(std::vector<RuleInfo>& v) {
  v.insert(v.end(),
           {
               {"slice.rank", "Slice", "4-D input, static parameters, FP16 only", "seed §3.2.12"},
               {"slice.stride", "Slice", "stride 1", "design §3"},
               {"slice.mode", "Slice", "no wrap mode (Tile)", "seed §3.2.12"},
               {"slice.batch", "Slice", "slices C, H, W only", "seed §3.2.12"},
           });
}

namespace {

// A Slice or Concatenation producing or reading `n`'s tensors (TensorRT 8.5's Shuffle rule).
std::string sliceOrConcatNeighbour(const Graph& g, const Node& n) {
  auto isSliceConcat = [](const Node& m) {
    return m.kind == sim::OpKind::kSlice || m.kind == sim::OpKind::kConcatenation;
  };
  for (sim::TensorId t : n.inputs) {
    sim::NodeId p = t == sim::kNoTensor ? -1 : g.tensor(t).producer;
    if (p >= 0 && isSliceConcat(g.nodes[size_t(p)])) return g.nodes[size_t(p)].name;
  }
  for (const Node& m : g.nodes)
    if (isSliceConcat(m))
      for (sim::TensorId t : m.inputs)
        if (std::find(n.outputs.begin(), n.outputs.end(), t) != n.outputs.end()) return m.name;
  return "";
}

}  // namespace

void ruleShuffle(Ctx& c) {
  const auto& gens = c.t.rules.shuffleGenerations;
  bool dlaShuffle = std::find(gens.begin(), gens.end(), c.p.dlaGeneration) != gens.end();
  // Layers TensorRT's parser adds around an op are named "(Unnamed Layer* N) [Shuffle]"; the
  // builder squeezes a matrix multiply it runs on the DLA back to 2-D (sim/ir/trt_names.h).
  bool parserAdded = c.n.name.rfind("(Unnamed Layer* ", 0) == 0;
  bool matmulSqueeze = c.n.onnxOp == "Gemm" || c.n.onnxOp == "MatMul";
  if (dlaShuffle && !parserAdded && !matmulSqueeze && c.n.pattern != "GroupNormalization") {
    if (c.in().size() != 4 || c.out().size() != 4)
      c.fail("shuffle.rank", sim::cat(sim::shapeStr(c.in()), " -> ", sim::shapeStr(c.out())),
             "4-D -> 4-D",
             sim::cat("shuffle from ", sim::shapeStr(c.in()), " to ", sim::shapeStr(c.out()),
                      "; the DLA reshapes 4-D tensors only (assumption)"));
    std::string next = sliceOrConcatNeighbour(c.g, c.n);
    if (!next.empty())
      c.fail("shuffle.slice_concat", next, "no Slice or Concatenation next to it",
             sim::cat("TensorRT ", c.t.id,
                      " does not run a reshape directly connected to Slice "
                      "or Concat on the DLA ('",
                      next, "')"));
    return;
  }
  std::string fix;
  if (c.n.pattern == "GroupNormalization")
    fix =
        "replace GroupNorm by BatchNorm (as the DLA tutorial does) to keep the network on the DLA";
  else if (matmulSqueeze)
    fix =
        "TensorRT squeezes the matrix multiply's N x M x 1 x 1 output back to 2-D; reshaping it "
        "to N x M x 1 x 1 right after cancels the squeeze, or end the network there";
  else if (c.out().size() == 2)
    fix =
        "keep the classifier 4-D (N x C x 1 x 1) and use a 1x1 Convolution instead of "
        "Flatten/Reshape + Gemm";
  std::string what = parserAdded || matmulSqueeze ? "a reshape TensorRT adds for " + c.n.onnxName
                                                  : std::string(c.n.onnxOp);
  c.fail("shuffle.unsupported", c.n.onnxOp, "unsupported",
         sim::cat("shuffle (", what, ") is not supported on the DLA by TensorRT ", c.t.id, " on ",
                  c.p.name),
         fix);
}

void catalogueShuffle(std::vector<RuleInfo>& v) {
  v.insert(v.end(),
           {
               {"shuffle.unsupported", "Shuffle", "Reshape/Transpose/Flatten on the DLA: {shuffle}",
                "seed log (SHUFFLE on GPU); TDV A6"},
               {"shuffle.rank", "Shuffle", "(when on the DLA) 4-D input and output", "assumption"},
               {"shuffle.slice_concat", "Shuffle",
                "(when on the DLA) not directly connected to a Slice or Concatenation",
                "TDV A6 (log, low confidence)"},
           });
}

void ruleIdentity(Ctx& c) {
  if (c.n.get<sim::IdentityAttrs>().cast)
    c.fail("identity.cast", sim::cat("cast to ", sim::dtypeName(c.n.get<sim::IdentityAttrs>().to)),
           "no cast", "type casts are not supported on the DLA");
}

void catalogueIdentity(std::vector<RuleInfo>& v) {
  v.insert(v.end(), {
                        {"identity.cast", "Identity", "no type casts", "TensorRT DLA docs"},
                    });
}

void rulePadding(Ctx& c) {
  c.fail("padding.unsupported", c.n.onnxOp, "unsupported", "Pad is not supported on the DLA",
         "fold the padding into the next convolution's pads");
}

void cataloguePadding(std::vector<RuleInfo>& v) {
  v.insert(v.end(), {
                        {"padding.unsupported", "Padding", "no Pad layer", "TensorRT DLA docs"},
                    });
}

void ruleResize(Ctx& c) {
  const auto& a = c.n.get<sim::ResizeAttrs>();
  if (a.scales.size() != 4) {
    c.fail("resize.rank", std::to_string(a.scales.size()), "= 4",
           sim::cat("the number of scales must be 4, got ", a.scales.size()));
    return;
  }
  if (a.scales[0] != 1.f || a.scales[1] != 1.f)
    c.fail("resize.batch_channel", sim::cat(a.scales[0], "x", a.scales[1]), "1x1",
           sim::cat("scales along N and C must be 1, got ", a.scales[0], " and ", a.scales[1]));
  if (a.mode == sim::ResizeMode::kCubic) {
    c.fail("resize.mode", "cubic", "nearest, bilinear",
           "cubic resize is not supported (nearest and bilinear only)");
    return;
  }
  const Range& r =
      a.mode == sim::ResizeMode::kNearest ? c.l.resizeNearestScale : c.l.resizeLinearScale;
  for (int d = 2; d < 4; ++d) {
    float s = a.scales[d];
    if (s != std::floor(s) || !r.contains(int64_t(s))) {
      c.fail(a.mode == sim::ResizeMode::kNearest ? "resize.nearest_scale" : "resize.linear_scale",
             sim::cat(s), sim::cat("integer in ", rangeStr(r)),
             sim::cat("scale ", s, " along dim ", d, " is not an integer in ", rangeStr(r), " (",
                      a.mode == sim::ResizeMode::kNearest ? "nearest" : "bilinear", ")"),
             s > r.hi && s <= double(r.hi) * r.hi
                 ? "chain two resizes whose scales multiply to this one"
                 : "");
      return;
    }
  }
}

void catalogueResize(std::vector<RuleInfo>& v) {
  v.insert(v.end(),
           {
               {"resize.rank", "Resize", "exactly 4 scales", "seed §3.2.10"},
               {"resize.batch_channel", "Resize", "scales of N and C are 1", "seed §3.2.10"},
               {"resize.mode", "Resize", "nearest or bilinear", "seed §3.2.10"},
               {"resize.nearest_scale", "Resize",
                "nearest: H/W scales integers in {resizeNearestScale}", "seed §3.2.10"},
               {"resize.linear_scale", "Resize",
                "bilinear: H/W scales integers in {resizeLinearScale}", "seed §3.2.10"},
           });
}

void ruleSoftMax(Ctx& c) {
  if (!c.l.softmax)
    c.fail("softmax.platform", c.p.name, "Orin only",
           sim::cat("softmax runs on the DLA of Orin only, not on ", c.p.name));
  if (c.n.get<sim::SoftMaxAttrs>().log)
    c.fail("softmax.log", "LogSoftmax", "Softmax", "LogSoftmax is not supported on the DLA");
}

void catalogueSoftMax(std::vector<RuleInfo>& v) {
  v.insert(v.end(),
           {
               {"softmax.platform", "SoftMax", "Orin only: {softmax}; FP16 only", "seed §3.2.13"},
               {"softmax.log", "SoftMax", "no LogSoftmax", "TensorRT DLA docs"},
           });
}

void ruleMatrixMultiply(Ctx& c) {
  // A Gemm / MatMul the builder does not run on the DLA as a 1x1 convolution: say why.
  const bool plugins = sim::matMulBehaviour().notWithPlugins &&
                       std::any_of(c.g.nodes.begin(), c.g.nodes.end(), sim::importedAsPlugin);
  std::string fix;
  if (c.constant(1) && plugins)
    fix =
        "remove the layers TensorRT imports as plugins (GroupNorm's InstanceNormalization: use "
        "BatchNorm, as the DLA tutorial does); TensorRT 8.4 then runs the matrix multiply on the "
        "DLA";
  else if (c.constant(1))
    fix =
        "keep alpha = beta = 1, 2-D weights and a 1-D bias of one value per output: TensorRT then "
        "runs the matrix multiply on the DLA as a 1x1 convolution";
  c.fail(
      "matmul.unsupported", c.n.onnxOp, "unsupported",
      sim::cat("MatrixMultiply (", c.n.onnxOp, " on ", sim::shapeStr(c.in()),
               ") is not supported on the DLA; TensorRT's builder runs a matrix multiply "
               "there only as a 1x1 convolution: by 2-D constant weights, with a 1-D constant "
               "bias of one value per output (or none), alpha = beta = 1",
               plugins ? ", and not in a network with plugin layers (as the seed's ModelGN)" : ""),
      fix);
}

void catalogueMatrixMultiply(std::vector<RuleInfo>& v) {
  v.insert(v.end(), {
                        {"matmul.unsupported", "MatrixMultiply",
                         "no MatrixMultiply: a Gemm / MatMul the builder does not run as a 1x1 "
                         "convolution (see conv.fully_connected) stays on the GPU",
                         "TensorRT DLA docs; seed log (ModelGN's Gemm_52 on the GPU)"},
                    });
}

void ruleReduce(Ctx& c) {
  const auto& a = c.n.get<sim::ReduceAttrs>();
  if (a.op != sim::ReduceOp::kMax) {
    std::string fix;
    bool spatial = c.in().size() == 4 && a.axes == sim::Ints{2, 3};
    int64_t h = spatial ? c.in()[2] : 0, w = spatial ? c.in()[3] : 0;
    int64_t k = c.l.poolWindow.hi;
    if (spatial && a.op == sim::ReduceOp::kMean && h <= k && w <= k)
      fix = sim::cat("use AveragePool with kernel ", h, "x", w, " instead of ", c.n.onnxOp);
    else if (spatial && a.op == sim::ReduceOp::kMean && h <= k * k && w <= k * k && h % k == 0 &&
             w % k == 0)
      fix = sim::cat(c.n.onnxOp, " over ", h, "x", w, ": use AveragePool kernel ", k, " stride ", k,
                     ", then AveragePool kernel ", h / k, "x", w / k);
    c.fail("reduce.op", c.n.onnxOp, "MAX",
           sim::cat("DLA cores do not support ", a.op == sim::ReduceOp::kMean ? "AVG" : "this",
                    " Reduce operation (MAX only)"),
           fix);
  }
  for (int64_t ax : a.axes)
    if (c.in().size() != 4 || ax < 1) {
      c.fail("reduce.axes", sim::cat("axis ", ax, " of ", sim::shapeStr(c.in())),
             "C, H or W of a 4-D tensor", "reduction must be over C, H or W of a 4-D tensor");
      break;
    }
}

void catalogueReduce(std::vector<RuleInfo>& v) {
  v.insert(v.end(),
           {
               {"reduce.op", "Reduce", "MAX only (AVG is rejected: GlobalAveragePool falls back)",
                "design §3; public TensorRT logs"},
               {"reduce.axes", "Reduce", "over C, H or W of a 4-D tensor", "design §3"},
           });
}

void ruleGather(Ctx& c) {
  c.fail("gather.unsupported", c.n.onnxOp, "unsupported", "Gather is not supported on the DLA",
         "for a constant index, use a Slice; DLA-SW's op_reconstruction rewrites Gather as a "
         "convolution");
}

void catalogueGather(std::vector<RuleInfo>& v) {
  v.insert(v.end(), {
                        {"gather.unsupported", "Gather", "no Gather", "design §3"},
                    });
}

void ruleSelect(Ctx& c) {
  c.fail("select.unsupported", c.n.onnxOp, "unsupported",
         "Where (select) is not supported on the DLA");
}

void catalogueSelect(std::vector<RuleInfo>& v) {
  v.insert(v.end(), {
                        {"select.unsupported", "Select", "no Where", "DLA-SW op_reconstruction"},
                    });
}

// TensorRT 8.x runs TopK (and the ArgMax / ArgMin its parser makes of it) on the GPU only; no
// version in ../shared/reference/trt-dla-versions.md lists it for the DLA.
void ruleTopK(Ctx& c) {
  c.fail("topk.unsupported", c.n.onnxOp, "unsupported",
         c.n.onnxOp == "TopK"
             ? std::string("TopK is not supported on the DLA")
             : sim::cat(c.n.onnxOp, " (a TopK layer) is not supported on the DLA"));
}

void catalogueTopK(std::vector<RuleInfo>& v) {
  v.insert(v.end(),
           {
               {"topk.unsupported", "TopK", "no TopK, ArgMax or ArgMin", "TensorRT DLA docs"},
           });
}

}  // namespace hw::rules
