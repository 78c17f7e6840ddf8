// The calibration points. "design §5" = shared/design.md §5 (set 1); "C1", "C2" =
// shared/calibration/README.md (set 2). `modelled` is what this model gives; the fidelity table
// of docs/cost-model.md §3 lists the same numbers, and tests/unit/cost_calibration_test.cpp
// re-models every point and fails when one drifts from it.
#include "hwmodels/cost/calibration.h"

#include <cmath>

#include "sim/ir/error.h"

namespace hw {

namespace {

// Prior spread of a regime's error before any point: halves with every fourfold more points.
// Assumption (docs/cost-model.md §3.3): the out-of-fit errors the project reported before set 2
// reached 2x; 25% is what one point that fixed a constant still leaves.
constexpr double kPrior = 0.25;

const Regime kOrinInt8Whole84{2, true, false, "8.4"};
const Regime kOrinInt8Fallback84{2, true, true, "8.4"};
const Regime kOrinInt8Whole103{2, true, false, "10.3"};
const Regime kOrinFp16Whole103{2, false, false, "10.3"};
const Regime kXavierFp16Fallback84{1, false, true, "8.4"};

std::vector<CalibrationPoint> build() {
  const char* cudla =
      "design §5 item 2: NVIDIA cuDLA layer-wise sample, ResNet-34 at 1280x768, DLA 1152 MHz";
  const char* yolo5 = "design §5 item 3: YOLOv5s 672x672 INT8 on Orin's DLA at 1331 MHz";
  const char* c1 = "C1: YOLO11-DLA-n 640x640 on AGX Orin 50 W, TensorRT 10.3";
  const char* c2 = "C2: BVLC GoogLeNet on AGX Xavier MAXN, TensorRT 7.1.3 (modelled as 8.4)";
  std::vector<CalibrationPoint> v = {
      {"design5.1", "ModelGN batch 32, INT8, DLA 0 + GPU fallback, AGX Orin MAXN: throughput",
       kOrinInt8Fallback84, "qps", 305.926, 308.948, 0.05, true,
       "design §5 item 1 (the seed's jetson_dla_tutorial log)"},
      {"design5.2.conv1", "conv1 7x7/2 3->64 + BN + ReLU", kOrinInt8Whole84, "ms", 0.745, 0.74098,
       0.05, true, cudla},
      {"design5.2.maxpool", "max-pool 3x3/2", kOrinInt8Whole84, "ms", 0.581, 0.58272, 0.05, true,
       cudla},
      {"design5.2.conv3x3", "3x3 64->64 + BN + ReLU at 320x192", kOrinInt8Whole84, "ms", 0.4025,
       0.402708, 0.05, true, cudla},
      {"design5.2.conv3x3add", "... with the residual Add", kOrinInt8Whole84, "ms", 0.415, 0.413406,
       0.05, true, cudla},
      {"design5.2.conv3x3s2", "3x3/2 64->128", kOrinInt8Whole84, "ms", 0.272, 0.27621, 0.05, true,
       cudla},
      {"design5.3.b1fp16out", "batch 1, FP16 output", kOrinInt8Whole84, "ms", 3.82, 4.02045, 0.15,
       true, yolo5},
      {"design5.3.b1int8out", "batch 1, INT8 output (about 2.4 ms)", kOrinInt8Whole84, "ms", 2.4,
       2.59833, 0.2, true, yolo5},
      {"design5.3.b2", "batch 2, FP16 output", kOrinInt8Whole84, "ms", 7.68, 7.7978, 0.1, true,
       yolo5},
      {"design5.3.b4", "batch 4, FP16 output", kOrinInt8Whole84, "ms", 15.17, 15.3685, 0.1, true,
       yolo5},
      {"C1.int8.latency", "INT8 latency (H2D + GPU compute + D2H)", kOrinInt8Whole103, "ms", 4.167,
       4.16472, 0.05, true, c1},
      {"C1.int8.compute", "INT8 GPU compute time", kOrinInt8Whole103, "ms", 3.789, 3.78661, 0.05,
       true, c1},
      {"C1.fp16.latency", "FP16 latency", kOrinFp16Whole103, "ms", 27.515, 28.7372, 0.1, true, c1},
      {"C2.whole", "FP16 mean GPU compute time per inference", kXavierFp16Fallback84, "ms", 3.6564,
       3.65462, 0.05, true, c2},
  };
  // C2's ten consecutive layer groups (ms, +-0.05): derived by differencing engines, with a
  // transition cost in each, so their sum (3.84) exceeds the whole network's time. Shape only.
  const double groups[] = {0.75, 0.34, 0.45, 0.37, 0.31, 0.33, 0.31, 0.35, 0.27, 0.36};
  const double modelled[] = {0.709381, 0.313025, 0.429382, 0.203082, 0.210135,
                             0.214773, 0.247725, 0.328049, 0.168086, 0.261454};
  for (int i = 0; i < 10; ++i)
    v.push_back({sim::cat("C2.group", i + 1), sim::cat("layer group ", i + 1, " of 10"),
                 kXavierFp16Fallback84, "ms", groups[i], modelled[i], 0.5, false, c2});
  return v;
}

}  // namespace

std::string regimeName(const Regime& r) {
  if (r.dlaGeneration == 0) return sim::cat("GPU only, TensorRT ", r.trtVersion);
  return sim::cat(r.dlaGeneration == 1 ? "Xavier" : "Orin", r.int8 ? " INT8" : " FP16",
                  r.fallback ? ", DLA with GPU fallback" : ", whole network on the DLA",
                  ", TensorRT ", r.trtVersion);
}

const std::vector<CalibrationPoint>& calibrationPoints() {
  static const std::vector<CalibrationPoint> all = build();
  return all;
}

Uncertainty uncertaintyOf(const Regime& r) {
  Uncertainty u;
  double sum = 0;
  for (const auto& p : calibrationPoints()) {
    const Regime& q = p.regime;
    if (!p.inUncertainty || q.dlaGeneration != r.dlaGeneration || q.int8 != r.int8 ||
        q.fallback != r.fallback || q.trtVersion != r.trtVersion || r.dlaGeneration == 0)
      continue;
    double e = p.modelled / p.published - 1;
    sum += e * e;
    ++u.points;
  }
  if (u.points == 0) return u;
  u.fraction = std::max(std::sqrt(sum / u.points), kPrior / std::sqrt(double(u.points)));
  return u;
}

}  // namespace hw
