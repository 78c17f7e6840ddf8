#include "nvdla_trace/cube_io.h"

#include <algorithm>

#include "nvdla_trace/errors.h"

namespace nvdla_trace {

void FeatureLayout::checkAddresses() const {
  const uint64_t surfaces = uint64_t(paddedChannels() / atom);
  // Each term is below 2^32 * 2^13; the sum cannot wrap.
  const uint64_t last = base + (surfaces - 1) * surfaceStride + uint64_t(height - 1) * lineStride +
                        uint64_t(width) * atom;
  if (base >= kAddressLimit || last >= kAddressLimit)
    throw TraceError(what + " reaches beyond address 2^48 (base " + hex(base) + ", last byte " +
                     hex(last) + ")");
}

namespace {

uint64_t elementAddress(const FeatureLayout& l, int c, int y, int x) {
  return l.base + uint64_t(c / l.atom) * l.surfaceStride + uint64_t(y) * l.lineStride +
         uint64_t(x) * l.atom + uint64_t(c % l.atom);
}

}  // namespace

std::vector<int8_t> readFeature(const PagedMemory& m, const FeatureLayout& l, int readChannels) {
  l.checkAddresses();
  const int64_t plane = int64_t(l.width) * l.height;
  std::vector<int8_t> out(size_t(readChannels * plane));
  for (int c = 0; c < readChannels; ++c)
    for (int y = 0; y < l.height; ++y)
      for (int x = 0; x < l.width; ++x)
        out[size_t(c * plane + int64_t(y) * l.width + x)] =
            int8_t(m.read(elementAddress(l, c, y, x)));
  return out;
}

void writeFeature(PagedMemory& m, const FeatureLayout& l, const int8_t* data, int writeChannels) {
  l.checkAddresses();
  const int64_t plane = int64_t(l.width) * l.height;
  // Surface by surface, pixel by pixel: ascending addresses for the page cache.
  for (int s = 0; s * l.atom < writeChannels; ++s)
    for (int y = 0; y < l.height; ++y)
      for (int x = 0; x < l.width; ++x)
        for (int c = s * l.atom; c < std::min(writeChannels, (s + 1) * l.atom); ++c)
          m.write(elementAddress(l, c, y, x),
                  uint8_t(data[size_t(c * plane + int64_t(y) * l.width + x)]));
}

std::vector<int8_t> readConvWeights(const PagedMemory& m, uint64_t base, int kernels, int channels,
                                    int kernelHeight, int kernelWidth, int atomicK, int atomicC) {
  std::vector<int8_t> w(size_t(int64_t(kernels) * channels * kernelHeight * kernelWidth));
  uint64_t address = base;
  for (int g0 = 0; g0 < kernels; g0 += atomicK) {
    const int groupSize = std::min(atomicK, kernels - g0);
    for (int c0 = 0; c0 < channels; c0 += atomicC) {
      const int blockSize = std::min(atomicC, channels - c0);
      for (int ky = 0; ky < kernelHeight; ++ky)
        for (int kx = 0; kx < kernelWidth; ++kx)
          for (int k = g0; k < g0 + groupSize; ++k)
            for (int c = c0; c < c0 + blockSize; ++c)
              w[size_t(((int64_t(k) * channels + c) * kernelHeight + ky) * kernelWidth + kx)] =
                  int8_t(m.read(address++));
    }
  }
  return w;
}

}  // namespace nvdla_trace
