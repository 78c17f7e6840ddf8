// Internal to kernels/: the shared oneDNN engine and the opaque activation layout type.
#pragma once
#include <dnnl.hpp>

namespace kern {

inline dnnl::engine& cpuEngine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}

/// A tensor layout chosen by a oneDNN primitive (e.g. NHWC or nChw16c).
struct Layout {
  dnnl::memory::desc md;
};

}  // namespace kern
