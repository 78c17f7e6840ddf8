#include "kernels/nvdla/requant.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace kern::nvdla {

int multiplierShiftFor(double maxFactor) {
  if (!(maxFactor > 0) || !std::isfinite(maxFactor)) return 0;
  int e;
  std::frexp(maxFactor, &e);  // maxFactor = m * 2^e, m in [0.5, 1): floor(log2) + 1 = e
  return std::clamp(15 - e, 0, 63);
}

namespace {

int16_t toInt16(double v) {
  return int16_t(std::clamp(v, -32768.0, 32767.0));
}

// The smallest left shift s for which every |round(b / 2^s)| fits in int16.
int biasShiftFor(const std::vector<double>& accBias) {
  double largest = 0;
  for (double b : accBias) largest = std::max(largest, std::fabs(b));
  for (int s = 0; s < 63; ++s)
    if (std::round(std::ldexp(largest, -s)) <= 32767) return s;
  return 63;
}

}  // namespace

XavierRequant compileXavierRequant(const RequantParams& p) {
  const int k = int(p.weightScales.size());
  if (!p.bias.empty() && int(p.bias.size()) != k)
    throw std::invalid_argument("compileXavierRequant: bias and weight scales differ in length");
  XavierRequant r;
  r.channels = k;
  r.relu = p.relu;
  std::vector<double> factors(k);
  double largest = 0;
  for (int i = 0; i < k; ++i) {
    factors[i] = double(p.inputScale) * p.weightScales[i] / p.outputScale;
    if (std::isfinite(factors[i])) largest = std::max(largest, factors[i]);
  }
  r.mulShift = multiplierShiftFor(largest);
  r.multipliers.resize(k);
  for (int i = 0; i < k; ++i) {
    double scaled = std::isfinite(factors[i]) ? std::ldexp(factors[i], r.mulShift) : 0;
    r.multipliers[i] = toInt16(p.roundMultipliers ? std::round(scaled) : std::trunc(scaled));
  }
  if (!p.bias.empty()) {
    std::vector<double> accBias(k);
    for (int i = 0; i < k; ++i) {
      double unit = double(p.inputScale) * p.weightScales[i];
      accBias[i] = unit > 0 ? p.bias[i] / unit : 0;
    }
    r.biasShift = biasShiftFor(accBias);
    r.biasOperands.resize(k);
    for (int i = 0; i < k; ++i)
      r.biasOperands[i] = toInt16(std::round(std::ldexp(accBias[i], -r.biasShift)));
  }
  return r;
}

SdpSettings XavierRequant::sdpSettings(int width, int height) const {
  SdpSettings s;
  s.width = width;
  s.height = height;
  s.channels = channels;
  SdpStage& bs = s.bs;
  bs.bypass = false;
  bs.aluBypass = biasOperands.empty();
  bs.aluAlgo = SdpAluAlgo::Sum;
  bs.aluShift = biasShift;
  if (!biasOperands.empty()) bs.aluOperand = {SdpOperandSource::PerChannel, 0, biasOperands.data()};
  bs.mulBypass = false;
  bs.prelu = false;
  bs.mulShift = mulShift;
  bs.mulOperand = {SdpOperandSource::PerChannel, 0, multipliers.data()};
  bs.reluBypass = !relu;
  s.cvt = cvt;
  return s;
}

}  // namespace kern::nvdla
