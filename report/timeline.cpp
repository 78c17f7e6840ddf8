#include "report/timeline.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace dlasim::report {

namespace {

TimelineLane laneOf(const Engine& plan, const TimingRow& r) {
  std::string dla = "DLA core " + std::to_string(std::max(plan.settings().dlaCore, 0));
  switch (r.kind) {
    case RowKind::kH2D:
    case RowKind::kD2H:
      return {"Host copies", "H2D / D2H"};
    case RowKind::kToDla:
    case RowKind::kFromDla:
      return {"GPU", "reformats"};
    case RowKind::kSubmit:
      return {dla, "submit / sync"};
    case RowKind::kConversion:
    case RowKind::kLayer:
      if (r.device == Device::kDLA) return {dla, engineUnitName(r.unit)};
      return {"GPU", "kernels"};
  }
  return {"GPU", "kernels"};
}

}  // namespace

Timeline buildTimeline(const Engine& plan, const Performance& p) {
  Timeline t;
  t.latencyMs = p.latencyMs;
  std::unordered_map<std::string, int> layerAt;
  for (size_t i = 0; i < plan.layers().size(); ++i) layerAt.emplace(plan.layers()[i].name, int(i));
  std::map<std::pair<std::string, std::string>, int> laneAt;
  auto lane = [&](const TimelineLane& l) {
    auto [it, added] = laneAt.emplace(std::make_pair(l.device, l.unit), int(t.lanes.size()));
    if (added) t.lanes.push_back(l);
    return it->second;
  };
  // Loadable spans go in a lane above their core's units: created first so they sort first.
  std::vector<std::pair<double, double>> span(plan.loadables().size(), {-1.0, 0.0});
  std::string dla = "DLA core " + std::to_string(std::max(plan.settings().dlaCore, 0));
  if (!plan.loadables().empty()) lane({dla, "loadables"});
  double at = 0;
  for (size_t i = 0; i < p.rows.size(); ++i) {
    const TimingRow& r = p.rows[i];
    if (r.ms > 0) {
      TimelineBar b;
      b.lane = lane(laneOf(plan, r));
      b.row = int(i);
      b.loadable = r.loadable;
      b.name = r.name;
      b.kind = rowKindName(r.kind);
      b.startMs = at;
      b.ms = r.ms;
      if (r.kind == RowKind::kLayer) {
        auto it = layerAt.find(r.name);
        if (it != layerAt.end()) b.layer = it->second;
      }
      t.bars.push_back(std::move(b));
    }
    if (r.loadable >= 0 && size_t(r.loadable) < span.size() && r.device == Device::kDLA) {
      auto& s = span[size_t(r.loadable)];
      if (s.first < 0) s.first = at;
      s.second = at + r.ms;
    }
    at += r.ms;
  }
  for (size_t l = 0; l < span.size(); ++l) {
    if (span[l].first < 0) continue;
    TimelineBar b;
    b.lane = lane({dla, "loadables"});
    b.loadable = int(l);
    b.name = plan.loadables()[l].name;
    b.kind = "loadable";
    b.startMs = span[l].first;
    b.ms = span[l].second - span[l].first;
    t.bars.push_back(std::move(b));
  }
  // Nsight's order: the DLA core's lanes, then the GPU's, then the copies.
  auto rank = [](const TimelineLane& l) {
    return l.device == "GPU" ? 1 : l.device == "Host copies" ? 2 : 0;
  };
  std::vector<int> order(t.lanes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = int(i);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return rank(t.lanes[size_t(a)]) < rank(t.lanes[size_t(b)]);
  });
  std::vector<int> newIndex(order.size());
  std::vector<TimelineLane> lanes;
  for (size_t i = 0; i < order.size(); ++i) {
    newIndex[size_t(order[i])] = int(i);
    lanes.push_back(t.lanes[size_t(order[i])]);
  }
  t.lanes = std::move(lanes);
  for (auto& b : t.bars) b.lane = newIndex[size_t(b.lane)];
  return t;
}

}  // namespace dlasim::report
