#include "kernels/conv.h"

#include <cstring>
#include <memory>
#include <unordered_map>
#include <vector>

#include "kernels/onednn_common.h"

namespace kern {

namespace {

// Offsets into a [.., D, H, W] block for 3 spatial dims.
inline int64_t sp(const std::array<int64_t, 3>& dims, int64_t d, int64_t h, int64_t w) {
  return (d * dims[1] + h) * dims[2] + w;
}

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

// oneDNN keeps spatial dims innermost; we map our 3-D padded params back to the real rank.
dnnl::memory::dims spatial(const std::array<int64_t, 3>& a, int rank) {
  return dnnl::memory::dims(a.end() - rank, a.end());
}

tag plainTag(int rank) {
  return rank == 1 ? tag::ncw : rank == 2 ? tag::nchw : tag::ncdhw;
}
tag weightTag(int rank, bool grouped) {
  if (grouped) return rank == 1 ? tag::goiw : rank == 2 ? tag::goihw : tag::goidhw;
  return rank == 1 ? tag::oiw : rank == 2 ? tag::oihw : tag::oidhw;
}

}  // namespace

// oneDNN picks blocked activation layouts (e.g. nChw16c) for its fast JIT kernels; the plan
// reorders from and to the plain NCHW layout the rest of dlasim uses.
struct ConvPlan {
  dnnl::convolution_forward prim;
  dnnl::memory weights, bias;
  dnnl::memory::desc srcMd, dstMd;          // plain
  dnnl::memory::desc convSrcMd, convDstMd;  // what the primitive wants
  Layout outLayout;                         // convDstMd, as an opaque layout
  bool hasBias = false;
};

std::shared_ptr<ConvPlan> prepareConvF32(const ConvParams& p, const float* w, const float* b,
                                         const ConvPostOps& post) {
  try {
    int r = p.spatialRank;
    auto& eng = cpuEngine();
    dnnl::stream s(eng);
    dnnl::memory::dims src = {p.batch, p.inChannels}, dst = {p.batch, p.outChannels};
    for (auto d : spatial(p.in, r)) src.push_back(d);
    for (auto d : spatial(p.out, r)) dst.push_back(d);
    bool grouped = p.group > 1;
    dnnl::memory::dims wd;
    if (grouped)
      wd = {p.group, p.outChannels / p.group, p.inChannels / p.group};
    else
      wd = {p.outChannels, p.inChannels};
    for (auto d : spatial(p.kernel, r)) wd.push_back(d);
    dnnl::memory::dims strides = spatial(p.stride, r), padL = spatial(p.padBegin, r), padR, dil;
    for (int i = 3 - r; i < 3; ++i) {
      dil.push_back(p.dilation[i] - 1);  // oneDNN counts dilation from 0
      int64_t eff = (p.kernel[i] - 1) * p.dilation[i] + 1;
      padR.push_back((p.out[i] - 1) * p.stride[i] + eff - p.in[i] - p.padBegin[i]);
    }
    auto srcMd = dnnl::memory::desc(src, dt::f32, plainTag(r));
    auto dstMd = dnnl::memory::desc(dst, dt::f32, plainTag(r));
    auto srcAny = dnnl::memory::desc(src, dt::f32, tag::any);
    auto dstAny = dnnl::memory::desc(dst, dt::f32, tag::any);
    auto wAny = dnnl::memory::desc(wd, dt::f32, tag::any);
    auto bMd = dnnl::memory::desc({p.outChannels}, dt::f32, tag::x);
    auto kind = dnnl::prop_kind::forward_inference;
    auto algo = dnnl::algorithm::convolution_direct;
    auto desc = b ? dnnl::convolution_forward::desc(kind, algo, srcAny, wAny, bMd, dstAny, strides,
                                                    dil, padL, padR)
                  : dnnl::convolution_forward::desc(kind, algo, srcAny, wAny, dstAny, strides, dil,
                                                    padL, padR);
    dnnl::post_ops ops;
    if (post.sum) ops.append_sum(1.f);
    if (post.act == ConvPostOps::Act::kRelu)
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
    if (post.act == ConvPostOps::Act::kLeakyRelu)
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, post.alpha, 0.f);
    if (post.act == ConvPostOps::Act::kClip)
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_clip, post.alpha, post.beta);
    dnnl::primitive_attr attr;
    attr.set_post_ops(ops);
    auto pd = dnnl::convolution_forward::primitive_desc(desc, attr, eng);
    auto plan = std::make_shared<ConvPlan>();
    plan->prim = dnnl::convolution_forward(pd);
    dnnl::memory userW({wd, dt::f32, weightTag(r, grouped)}, eng, const_cast<float*>(w));
    plan->weights = dnnl::memory(pd.weights_desc(), eng);
    dnnl::reorder(userW, plan->weights).execute(s, userW, plan->weights);
    if (b) {
      plan->bias = dnnl::memory(bMd, eng);
      std::memcpy(plan->bias.get_data_handle(), b, sizeof(float) * p.outChannels);
      plan->hasBias = true;
    }
    s.wait();
    plan->srcMd = srcMd;
    plan->dstMd = dstMd;
    plan->convSrcMd = pd.src_desc();
    plan->convDstMd = pd.dst_desc();
    plan->outLayout.md = pd.dst_desc();
    return plan;
  } catch (const dnnl::error&) {
    return nullptr;
  }
}

void executeConvF32(const ConvPlan& plan, const float* x, const Layout* xLayout, float* y,
                    bool yBlocked, const float* residual, const Layout* residualLayout) {
  auto& eng = cpuEngine();
  dnnl::stream s(eng);
  dnnl::memory src(xLayout ? xLayout->md : plan.srcMd, eng, const_cast<float*>(x));
  dnnl::memory convSrc = src;
  if (src.get_desc() != plan.convSrcMd) {
    convSrc = dnnl::memory(plan.convSrcMd, eng);
    dnnl::reorder(src, convSrc).execute(s, src, convSrc);
  }
  dnnl::memory dst;
  bool toPlain = false;
  if (yBlocked || plan.convDstMd == plan.dstMd) {
    dst = dnnl::memory(yBlocked ? plan.convDstMd : plan.dstMd, eng, y);
  } else {
    dst = dnnl::memory(plan.convDstMd, eng);
    toPlain = true;
  }
  if (residual) {  // the sum post-op adds what dst holds: put the residual there first
    dnnl::memory res(residualLayout ? residualLayout->md : plan.dstMd, eng,
                     const_cast<float*>(residual));
    if (res.get_desc() == dst.get_desc()) {
      if (residual != dst.get_data_handle())
        std::memcpy(dst.get_data_handle(), residual, dst.get_desc().get_size());
    } else {
      dnnl::reorder(res, dst).execute(s, res, dst);
    }
  }
  std::unordered_map<int, dnnl::memory> args{
      {DNNL_ARG_SRC, convSrc}, {DNNL_ARG_WEIGHTS, plan.weights}, {DNNL_ARG_DST, dst}};
  if (plan.hasBias) args[DNNL_ARG_BIAS] = plan.bias;
  plan.prim.execute(s, args);
  if (toPlain) {
    dnnl::memory plain(plan.dstMd, eng, y);
    dnnl::reorder(dst, plain).execute(s, dst, plain);
  }
  s.wait();
}

void executeConvF32(const ConvPlan& plan, const float* x, float* y, const float* residual) {
  executeConvF32(plan, x, nullptr, y, false, residual, nullptr);
}

size_t convBlockedOutputBytes(const ConvPlan& plan) {
  return plan.convDstMd.get_size();
}
const Layout* convOutputLayout(const ConvPlan& plan) {
  return &plan.outLayout;
}
bool sameLayout(const Layout* a, const Layout* b) {
  return a == b || (a && b && a->md == b->md);
}

void applyPostOps(float* y, int64_t n, const float* residual, const ConvPostOps& post) {
  using Act = ConvPostOps::Act;
  for (int64_t i = 0; i < n; ++i) {
    float v = y[i] + (residual ? residual[i] : 0.f);
    if (post.act == Act::kRelu) v = std::max(v, 0.f);
    if (post.act == Act::kLeakyRelu && v < 0) v *= post.alpha;
    if (post.act == Act::kClip) v = std::min(std::max(v, post.alpha), post.beta);
    y[i] = v;
  }
}

void convolveF32(const ConvPlan* plan, const ConvParams& p, const float* x, const float* w,
                 const float* b, float* y, const float* residual, const ConvPostOps& post) {
  if (plan) {
    executeConvF32(*plan, x, y, residual);
    return;
  }
  convRefF32(p, x, w, b, y);
  int64_t n = p.batch * p.outChannels;
  for (int i = 0; i < 3; ++i) n *= p.out[i];
  applyPostOps(y, n, residual, post);
}

void convRefF32(const ConvParams& p, const float* x, const float* w, const float* b, float* y) {
  const int64_t cPerG = p.inChannels / p.group, kPerG = p.outChannels / p.group;
  const int64_t inSp = p.in[0] * p.in[1] * p.in[2], outSp = p.out[0] * p.out[1] * p.out[2];
  const int64_t kSp = p.kernel[0] * p.kernel[1] * p.kernel[2];
  for (int64_t n = 0; n < p.batch; ++n)
    for (int64_t k = 0; k < p.outChannels; ++k) {
      int64_t g = k / kPerG;
      float* yo = y + (n * p.outChannels + k) * outSp;
      for (int64_t od = 0; od < p.out[0]; ++od)
        for (int64_t oh = 0; oh < p.out[1]; ++oh)
          for (int64_t ow = 0; ow < p.out[2]; ++ow) {
            double acc = b ? b[k] : 0.0;
            for (int64_t c = 0; c < cPerG; ++c) {
              const float* xi = x + (n * p.inChannels + g * cPerG + c) * inSp;
              const float* wk = w + (k * cPerG + c) * kSp;
              for (int64_t kd = 0; kd < p.kernel[0]; ++kd) {
                int64_t id = od * p.stride[0] - p.padBegin[0] + kd * p.dilation[0];
                if (id < 0 || id >= p.in[0]) continue;
                for (int64_t kh = 0; kh < p.kernel[1]; ++kh) {
                  int64_t ih = oh * p.stride[1] - p.padBegin[1] + kh * p.dilation[1];
                  if (ih < 0 || ih >= p.in[1]) continue;
                  for (int64_t kw = 0; kw < p.kernel[2]; ++kw) {
                    int64_t iw = ow * p.stride[2] - p.padBegin[2] + kw * p.dilation[2];
                    if (iw < 0 || iw >= p.in[2]) continue;
                    acc += double(xi[sp(p.in, id, ih, iw)]) * wk[sp(p.kernel, kd, kh, kw)];
                  }
                }
              }
            }
            yo[sp(p.out, od, oh, ow)] = float(acc);
          }
    }
}

void deconvF32(const ConvParams& p, const float* x, const float* w, const float* b, float* y) {
  const int64_t cPerG = p.inChannels / p.group, kPerG = p.outChannels / p.group;
  const int64_t inSp = p.in[0] * p.in[1] * p.in[2], outSp = p.out[0] * p.out[1] * p.out[2];
  const int64_t kSp = p.kernel[0] * p.kernel[1] * p.kernel[2];
  std::vector<double> acc(outSp);
  for (int64_t n = 0; n < p.batch; ++n)
    for (int64_t k = 0; k < p.outChannels; ++k) {
      int64_t g = k / kPerG, kk = k % kPerG;
      std::fill(acc.begin(), acc.end(), b ? b[k] : 0.0);
      for (int64_t c = 0; c < cPerG; ++c) {
        int64_t ci = g * cPerG + c;
        const float* xi = x + (n * p.inChannels + ci) * inSp;
        const float* wk = w + (ci * kPerG + kk) * kSp;
        for (int64_t id = 0; id < p.in[0]; ++id)
          for (int64_t ih = 0; ih < p.in[1]; ++ih)
            for (int64_t iw = 0; iw < p.in[2]; ++iw) {
              double v = xi[sp(p.in, id, ih, iw)];
              if (v == 0) continue;
              for (int64_t kd = 0; kd < p.kernel[0]; ++kd) {
                int64_t od = id * p.stride[0] - p.padBegin[0] + kd * p.dilation[0];
                if (od < 0 || od >= p.out[0]) continue;
                for (int64_t kh = 0; kh < p.kernel[1]; ++kh) {
                  int64_t oh = ih * p.stride[1] - p.padBegin[1] + kh * p.dilation[1];
                  if (oh < 0 || oh >= p.out[1]) continue;
                  for (int64_t kw = 0; kw < p.kernel[2]; ++kw) {
                    int64_t ow = iw * p.stride[2] - p.padBegin[2] + kw * p.dilation[2];
                    if (ow < 0 || ow >= p.out[2]) continue;
                    acc[sp(p.out, od, oh, ow)] += v * wk[sp(p.kernel, kd, kh, kw)];
                  }
                }
              }
            }
      }
      float* yo = y + (n * p.outChannels + k) * outSp;
      for (int64_t i = 0; i < outSp; ++i) yo[i] = float(acc[i]);
    }
}

}  // namespace kern
