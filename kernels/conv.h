// Convolution and deconvolution (transposed convolution) on NC[D]HW float tensors.
// Kernels know nothing of the IR: they see sizes and pointers only.
#pragma once
#include <array>
#include <cstdint>
#include <memory>

namespace kern {

/// Up to 3 spatial dimensions; unused leading ones are 1 (kernel 1, stride 1, pad 0).
struct ConvParams {
  int spatialRank = 2;
  int64_t batch = 1, inChannels = 1, outChannels = 1, group = 1;
  std::array<int64_t, 3> in{1, 1, 1}, out{1, 1, 1}, kernel{1, 1, 1}, stride{1, 1, 1},
      padBegin{0, 0, 0}, dilation{1, 1, 1};
};

/// Point-wise work fused into the convolution's output stage (oneDNN post-ops): an optional
/// residual sum (y += residual before activation), then an optional activation.
struct ConvPostOps {
  enum class Act { kNone, kRelu, kLeakyRelu, kClip } act = Act::kNone;
  float alpha = 0, beta = 0;  // leaky slope / clip bounds
  bool sum = false;
};

/// The memory layout of an activation kept in a oneDNN-preferred (blocked) format.
struct Layout;

/// A convolution prepared once (oneDNN primitive + weights in its preferred layout), run many
/// times. The weights are copied, so the plan stays valid after w and b are freed.
struct ConvPlan;
/// Returns nullptr when oneDNN has no implementation for the geometry.
std::shared_ptr<ConvPlan> prepareConvF32(const ConvParams& p, const float* w, const float* b,
                                         const ConvPostOps& post = {});
/// Runs a plan on plain NC[D]HW data: y = post(conv(x) [+ residual]).
void executeConvF32(const ConvPlan& plan, const float* x, float* y,
                    const float* residual = nullptr);

/// Layout-aware form: x (and residual) are plain, or in the output layout of the plan given
/// as their layout (a blocked layout such as nChw16c); y is written plain, or in this plan's
/// own output layout when yBlocked. Chains of convolutions so skip reorders to plain.
void executeConvF32(const ConvPlan& plan, const float* x, const Layout* xLayout, float* y,
                    bool yBlocked, const float* residual, const Layout* residualLayout);
/// The plan's own output layout, and the bytes an output needs in it (channels may be padded).
const Layout* convOutputLayout(const ConvPlan& plan);
/// True when both layouts are the same memory format (nullptr = plain).
bool sameLayout(const Layout* a, const Layout* b);
size_t convBlockedOutputBytes(const ConvPlan& plan);
/// y = conv(x, w) + b with w in [K, C/group, kD, kH, kW] (b may be null) by direct loops: the
/// fallback for shapes oneDNN refuses.
void convRefF32(const ConvParams& p, const float* x, const float* w, const float* b, float* y);
/// y = post(y [+ residual]) element-wise: the point-wise tail of a convolution, as oneDNN's
/// post-ops apply it (sum, then ReLU / leaky ReLU / Clip).
void applyPostOps(float* y, int64_t n, const float* residual, const ConvPostOps& post);
/// The one way a convolution runs on plain NC[D]HW data: through `plan` (prepared with the same
/// post-ops) when there is one, else the reference loops followed by applyPostOps.
void convolveF32(const ConvPlan* plan, const ConvParams& p, const float* x, const float* w,
                 const float* b, float* y, const float* residual, const ConvPostOps& post);
/// Transposed convolution with w in [C, K/group, kD, kH, kW] (ONNX layout); `in` is the input
/// size, `out` the output size (output padding already applied); padBegin crops the front.
void deconvF32(const ConvParams& p, const float* x, const float* w, const float* b, float* y);

}  // namespace kern
