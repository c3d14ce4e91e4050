// The capacity report of a run: per node, how close it came to its limit (peak window
// utilisation, the longest queue, rejections), and the knee of the run, the offered load
// at which the p99 latency starts climbing steeply, when the run crosses it.
//
// The knee, precisely. Take the measured windows (after the warm-up) in which at least
// one payment finished; each has an offered load L (arrivals in the window / its length)
// and a p99 latency P (of the payments that finished in it). The baseline B is the median
// P of the quarter of those windows with the lowest L (at least one window). The knee is
// the smallest L* such that every window with L >= L* has P > kKneeFactor x B, provided at
// least one window has L < L* (the run was below the knee, then crossed it) and there are
// at least kKneeMinWindows windows. Otherwise the run did not cross a knee (it stayed
// below, or was over it throughout) and none is reported.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metrics/run_metrics.hpp"

namespace payquake::metrics {

inline constexpr double kKneeFactor = 2.0;
inline constexpr std::size_t kKneeMinWindows = 4;

struct NodeCapacity {
  std::string id;
  double peak_utilisation = 0;       // the busiest measured window's, a fraction of its workers
  double peak_window_start_s = 0;    // when that window began
  std::int64_t max_queue = 0;        // requests waiting at once, whole run
  std::uint64_t rejected = 0;        // turned away by a full queue, whole run
  std::optional<double> utilisation_at_knee;  // in the knee's window
};

struct Knee {
  double load_per_s = 0;        // L*: arrivals per second of the knee's window
  double window_start_s = 0;
  double p99_s = 0;             // its p99
  double baseline_p99_s = 0;    // B
};

struct CapacityReport {
  double window_s = 0;
  std::size_t windows = 0;  // measured windows with a finished payment
  std::vector<NodeCapacity> nodes;
  std::optional<Knee> knee;
};

// From the run's windows (`window_s` long; those starting before `measured_from_s` are
// left out) and its per-node totals.
CapacityReport capacity_report(const std::vector<WindowRow>& windows, double window_s,
                               double measured_from_s, const std::vector<NodeStats>& nodes);

// The knee alone, over (offered load per second, p99 seconds) pairs, one per window.
// Returns the index of the knee's window.
std::optional<std::size_t> knee_window(const std::vector<std::pair<double, double>>& load_p99,
                                       double* baseline_p99_s);

}  // namespace payquake::metrics
