#include "metrics/capacity.hpp"

#include <algorithm>
#include <numeric>

namespace payquake::metrics {

std::optional<std::size_t> knee_window(const std::vector<std::pair<double, double>>& load_p99,
                                       double* baseline_p99_s) {
  const std::size_t n = load_p99.size();
  if (n < kKneeMinWindows) return std::nullopt;
  std::vector<std::size_t> by_load(n);
  std::iota(by_load.begin(), by_load.end(), 0);
  std::stable_sort(by_load.begin(), by_load.end(), [&](std::size_t a, std::size_t b) {
    return load_p99[a].first < load_p99[b].first;
  });
  std::vector<double> low;
  for (std::size_t i = 0; i < std::max<std::size_t>(1, n / 4); ++i)
    low.push_back(load_p99[by_load[i]].second);
  std::sort(low.begin(), low.end());
  const double baseline = low.size() % 2 ? low[low.size() / 2]
                                         : (low[low.size() / 2 - 1] + low[low.size() / 2]) / 2;
  *baseline_p99_s = baseline;
  // Walk down from the heaviest window while every window is steep; the last one reached
  // is the knee, if a lighter window remains below it.
  std::optional<std::size_t> knee;
  for (std::size_t k = n; k-- > 0;) {
    const std::size_t w = by_load[k];
    if (load_p99[w].second <= kKneeFactor * baseline) break;
    knee = w;
    if (k == 0) return std::nullopt;  // steep throughout: never below the knee
  }
  return knee;
}

CapacityReport capacity_report(const std::vector<WindowRow>& windows, double window_s,
                               double measured_from_s, const std::vector<NodeStats>& nodes) {
  CapacityReport r;
  r.window_s = window_s;
  std::vector<const WindowRow*> measured;
  for (const auto& w : windows)
    if (w.start_s >= measured_from_s && w.completions > 0) measured.push_back(&w);
  r.windows = measured.size();
  std::vector<std::pair<double, double>> load_p99;
  for (const auto* w : measured)
    load_p99.emplace_back(static_cast<double>(w->arrivals) / window_s, w->latency_p99_s);
  double baseline = 0;
  const auto k = knee_window(load_p99, &baseline);
  if (k)
    r.knee = Knee{load_p99[*k].first, measured[*k]->start_s, load_p99[*k].second, baseline};
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    NodeCapacity c;
    c.id = nodes[i].id;
    c.max_queue = nodes[i].max_queue;
    c.rejected = nodes[i].rejected;
    for (const auto& w : windows) {
      if (w.start_s < measured_from_s || i >= w.node_utilisation.size()) continue;
      if (w.node_utilisation[i] > c.peak_utilisation) {
        c.peak_utilisation = w.node_utilisation[i];
        c.peak_window_start_s = w.start_s;
      }
    }
    if (k && i < measured[*k]->node_utilisation.size())
      c.utilisation_at_knee = measured[*k]->node_utilisation[i];
    r.nodes.push_back(std::move(c));
  }
  return r;
}

}  // namespace payquake::metrics
