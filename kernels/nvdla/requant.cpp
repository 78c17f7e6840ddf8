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

double largestFiniteMagnitude(const std::vector<double>& v) {
  double largest = 0;
  for (double x : v)
    if (std::isfinite(x)) largest = std::max(largest, std::fabs(x));
  return largest;
}

}  // namespace

SdpMultipliers sdpMultipliersFor(const std::vector<double>& factors, bool roundToNearest) {
  SdpMultipliers r;
  r.shift = multiplierShiftFor(largestFiniteMagnitude(factors));
  for (double f : factors) {
    double scaled = std::isfinite(f) ? std::ldexp(f, r.shift) : 0;
    r.m.push_back(toInt16(roundToNearest ? std::round(scaled) : std::trunc(scaled)));
  }
  return r;
}

SdpAluOperands sdpAluOperandsFor(const std::vector<double>& values) {
  const double largest = largestFiniteMagnitude(values);
  SdpAluOperands r;
  while (r.shift < 63 && std::round(std::ldexp(largest, -r.shift)) > 32767) ++r.shift;
  for (double x : values)
    r.v.push_back(toInt16(std::isfinite(x) ? std::round(std::ldexp(x, -r.shift))
                          : x > 0          ? 32767.0
                                           : -32768.0));
  return r;
}

XavierRequant compileXavierRequant(const RequantParams& p) {
  const int k = int(p.weightScales.size());
  if (!p.bias.empty() && int(p.bias.size()) != k)
    throw std::invalid_argument("compileXavierRequant: bias and weight scales differ in length");
  XavierRequant r;
  r.channels = k;
  r.relu = p.relu;
  std::vector<double> factors(k);
  for (int i = 0; i < k; ++i) factors[i] = double(p.inputScale) * p.weightScales[i] / p.outputScale;
  SdpMultipliers m = sdpMultipliersFor(factors, p.roundMultipliers);
  r.multipliers = std::move(m.m);
  r.mulShift = m.shift;
  if (!p.bias.empty()) {
    std::vector<double> accBias(k);
    for (int i = 0; i < k; ++i) {
      double unit = double(p.inputScale) * p.weightScales[i];
      accBias[i] = unit > 0 ? p.bias[i] / unit : 0;
    }
    SdpAluOperands a = sdpAluOperandsFor(accBias);
    r.biasOperands = std::move(a.v);
    r.biasShift = a.shift;
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
