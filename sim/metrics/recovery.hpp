// Recovery of a fault episode, judged against the SLO window by window (DESIGN.md
// section 5): time to detect, time to recover, and what the episode cost. A pure
// function of the SLO windows, so it is unit-tested without an engine.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "core/scenario.hpp"

namespace payquake::metrics {

// One SLO window: payments arriving in it, and answers (final states) in it.
struct SloWindow {
  double start_s = 0.0;
  std::uint64_t arrivals = 0;
  std::uint64_t completions = 0;
  std::uint64_t succeeded = 0;   // approved or declined
  std::uint64_t failed = 0;      // failed or abandoned
  std::uint64_t duplicates = 0;  // duplicate charges approved in it (known at reconciliation)
  double latency_p99_s = 0.0;    // of the completions (0.5% relative accuracy)
};

// A window meets the SLO when its completions' success rate and p99 latency are within
// target. A window without completions meets it only if nothing arrived either: silence
// while customers arrive is an outage, not health.
bool meets(const SloWindow& w, const core::Slo& slo);

struct Episode {
  // The run reached the fault's start, and its end. A run interrupted before a fault
  // began says nothing about it; one interrupted during it cannot judge its recovery.
  bool reached = true;
  bool ended = true;
  // Recovery could be judged: false when the run stopped before a stable stretch after
  // the fault could be seen (`recovered` and the recovery times then mean nothing).
  bool judged = true;
  std::optional<double> time_to_detect_s;     // end of the first violating window - start
  std::optional<double> time_to_recover_s;    // from the fault's end; empty: never recovered
  std::optional<double> recover_from_start_s;  // the same, from the fault's start
  bool recovered = false;
  std::uint64_t failed_payments = 0;  // answered failed or abandoned during the episode
  std::uint64_t duplicates = 0;       // duplicate charges approved during the episode
  double error_budget_consumed = 0.0;  // failed_payments / ((1 - SLO success) x payments)
};

// Judges `fault` over `windows` (consecutive, `slo.window_s` wide, from time 0). The
// window in which the fault starts counts for detection, as it would on a dashboard. A
// fault that never made a window fail has recovered at the first window after it. Only
// windows inside the arrival period [0, arrivals_end_s) count: after it the drain is
// quiet by construction, which says nothing about recovery. The episode runs from the
// fault's start to the recovery point (or the end of the arrival period).
// `observed_until_s` is where an interrupted run stopped (infinity for a whole run): only
// windows wholly before it count, a fault starting at or after it was not reached, and a
// recovery not seen before it is not judged (rather than "never").
Episode assess(const core::Fault& fault, const std::vector<SloWindow>& windows,
               const core::Slo& slo, double arrivals_end_s, std::uint64_t total_payments,
               double observed_until_s = std::numeric_limits<double>::infinity());

}  // namespace payquake::metrics
