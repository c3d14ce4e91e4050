#include "metrics/recovery.hpp"

#include <algorithm>
#include <cmath>

namespace payquake::metrics {

bool meets(const SloWindow& w, const core::Slo& slo) {
  if (w.completions == 0) return w.arrivals == 0;
  const double success = static_cast<double>(w.succeeded) / static_cast<double>(w.completions);
  return success >= slo.success_rate && w.latency_p99_s <= slo.latency_p99_s;
}

Episode assess(const core::Fault& fault, const std::vector<SloWindow>& windows,
               const core::Slo& slo, double arrivals_end_s, std::uint64_t total_payments,
               double observed_until_s) {
  Episode e;
  const bool cut_short = observed_until_s < arrivals_end_s;
  e.reached = fault.at_s < observed_until_s;
  e.ended = fault.end_s() <= observed_until_s;
  if (!e.reached) {
    e.judged = false;
    return e;
  }
  const double width = slo.window_s;
  // Windows wholly inside the arrival period, and seen by the run.
  const double seen_until = std::min(arrivals_end_s, observed_until_s);
  std::size_t usable = 0;
  while (usable < windows.size() && windows[usable].start_s + width <= seen_until + 1e-9) ++usable;

  for (std::size_t i = 0; i < usable; ++i) {
    const SloWindow& w = windows[i];
    if (w.start_s + width <= fault.at_s) continue;  // ended before the fault began
    if (!meets(w, slo)) {
      e.time_to_detect_s = w.start_s + width - fault.at_s;
      break;
    }
  }

  // The first run of `stable_for` in which every window meets the SLO, starting at or
  // after the fault's end.
  const auto run_length = static_cast<std::size_t>(std::ceil(slo.stable_for_s / width - 1e-9));
  double episode_end = seen_until;
  for (std::size_t i = 0; i < usable; ++i) {
    if (windows[i].start_s + 1e-9 < fault.end_s()) continue;
    if (i + run_length > usable) break;
    bool stable = true;
    for (std::size_t k = i; k < i + run_length && stable; ++k) stable = meets(windows[k], slo);
    if (!stable) continue;
    e.recovered = true;
    e.time_to_recover_s = windows[i].start_s - fault.end_s();
    e.recover_from_start_s = windows[i].start_s - fault.at_s;
    episode_end = windows[i].start_s;
    break;
  }

  if (!e.recovered && cut_short) {
    // The run stopped before a stable stretch after the fault could be seen: whether it
    // would have recovered is unknown, not "never".
    e.judged = false;
  } else if (!e.time_to_detect_s && !e.recovered) {
    // Never noticed, and too close to the end for a whole stable run: it did not hurt,
    // so it is over when it ends (at the first window after it).
    e.recovered = true;
    double first_after = fault.end_s();
    for (std::size_t i = 0; i < windows.size(); ++i) {
      if (windows[i].start_s + 1e-9 >= fault.end_s()) {
        first_after = windows[i].start_s;
        break;
      }
    }
    e.time_to_recover_s = first_after - fault.end_s();
    e.recover_from_start_s = first_after - fault.at_s;
    episode_end = first_after;
  }

  for (const SloWindow& w : windows) {
    if (w.start_s + width <= fault.at_s || w.start_s >= episode_end) continue;
    e.failed_payments += w.failed;
    e.duplicates += w.duplicates;
  }
  const double budget = (1.0 - slo.success_rate) * static_cast<double>(total_payments);
  e.error_budget_consumed = budget > 0 ? static_cast<double>(e.failed_payments) / budget : 0.0;
  return e;
}

}  // namespace payquake::metrics
