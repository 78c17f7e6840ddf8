// FP32 pooling through oneDNN, able to read and write the blocked layouts of fused convolutions.
#include "kernels/onednn_common.h"
#include "kernels/pool.h"

namespace kern {

struct PoolPlan {
  dnnl::pooling_forward prim;
  dnnl::memory::desc srcMd, dstMd, plainDstMd;
  Layout outLayout;
};

std::shared_ptr<PoolPlan> preparePoolF32(const PoolParams& p, const Layout* srcLayout) {
  if (p.in[0] != 1 || p.out[0] != 1 || p.dilation[1] != 1 || p.dilation[2] != 1) return nullptr;
  try {
    using tag = dnnl::memory::format_tag;
    using dt = dnnl::memory::data_type;
    dnnl::memory::dims src = {p.batch, p.channels, p.in[1], p.in[2]};
    dnnl::memory::dims dst = {p.batch, p.channels, p.out[1], p.out[2]};
    auto plan = std::make_shared<PoolPlan>();
    plan->srcMd = srcLayout ? srcLayout->md : dnnl::memory::desc(src, dt::f32, tag::nchw);
    plan->plainDstMd = dnnl::memory::desc(dst, dt::f32, tag::nchw);
    // End padding as oneDNN wants it: whatever makes the output size come out (ceil mode).
    dnnl::memory::dims padR;
    for (int i = 1; i < 3; ++i)
      padR.push_back((p.out[i] - 1) * p.stride[i] + p.kernel[i] - p.in[i] - p.padBegin[i]);
    auto algo = !p.average          ? dnnl::algorithm::pooling_max
                : p.countIncludePad ? dnnl::algorithm::pooling_avg_include_padding
                                    : dnnl::algorithm::pooling_avg_exclude_padding;
    auto desc = dnnl::pooling_forward::desc(dnnl::prop_kind::forward_inference, algo, plan->srcMd,
                                            dnnl::memory::desc(dst, dt::f32, tag::any),
                                            {p.stride[1], p.stride[2]}, {p.kernel[1], p.kernel[2]},
                                            {p.padBegin[1], p.padBegin[2]}, padR);
    auto pd = dnnl::pooling_forward::primitive_desc(desc, cpuEngine());
    plan->prim = dnnl::pooling_forward(pd);
    plan->dstMd = pd.dst_desc();
    plan->outLayout.md = pd.dst_desc();
    return plan;
  } catch (const dnnl::error&) {
    return nullptr;
  }
}

void executePoolF32(const PoolPlan& plan, const float* x, float* y, bool yBlocked) {
  auto& eng = cpuEngine();
  dnnl::stream s(eng);
  dnnl::memory src(plan.srcMd, eng, const_cast<float*>(x));
  bool direct = yBlocked || plan.dstMd == plan.plainDstMd;
  dnnl::memory dst = direct ? dnnl::memory(yBlocked ? plan.dstMd : plan.plainDstMd, eng, y)
                            : dnnl::memory(plan.dstMd, eng);
  plan.prim.execute(s, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
  if (!direct) {
    dnnl::memory plain(plan.plainDstMd, eng, y);
    dnnl::reorder(dst, plain).execute(s, dst, plain);
  }
  s.wait();
}

const Layout* poolOutputLayout(const PoolPlan& plan) {
  return &plan.outLayout;
}
size_t poolBlockedOutputBytes(const PoolPlan& plan) {
  return plan.dstMd.get_size();
}

}  // namespace kern
