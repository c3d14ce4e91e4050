#include "metrics/run_metrics.hpp"

#include <algorithm>
#include <cmath>

namespace payquake::metrics {
namespace {

// The nearest-rank quantile of a window's latencies (exact: windows are small).
double exact_quantile(std::vector<double>& values, double q) {
  if (values.empty()) return 0.0;
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  rank = std::clamp<std::size_t>(rank, 1, values.size());
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank - 1),
                   values.end());
  return values[rank - 1];
}

}  // namespace

RunMetrics::RunMetrics(const core::Scenario& scenario)
    : measured_from_(scenario.warmup_s),
      measured_to_(scenario.duration_s),
      window_s_(scenario.window_s),
      window_end_s_(scenario.window_s),
      slo_window_s_(scenario.slo.window_s),
      slo_close_at_s_(scenario.slo.window_s),
      fraud_(scenario) {
  for (const auto& node : scenario.nodes) {
    NodeStats stats;
    stats.id = node.id;
    stats.servers = node.workers * node.replicas;
    first_station_.push_back(static_cast<std::uint32_t>(station_busy_.size()));
    for (int r = 0; r < node.replicas; ++r) {
      station_busy_.push_back(0);
      station_queue_.push_back(0);
    }
    nodes_.push_back(std::move(stats));
  }
  current_.start_s = 0.0;
}

void RunMetrics::on_arrival(const core::Payment& p, double t) {
  ++arrivals_;
  if (measured(p)) ++measured_arrivals_;
  ++current_.arrivals;
  ++slo_window_at(t).arrivals;
  fraud_.on_arrival(p, t);
}

SloWindow& RunMetrics::slo_window_at(double t) {
  const auto index = static_cast<std::size_t>(std::floor(t / slo_window_s_));
  while (slo_windows_.size() <= index) {
    SloWindow w;
    w.start_s = static_cast<double>(slo_windows_.size()) * slo_window_s_;
    slo_windows_.push_back(w);
  }
  return slo_windows_[index];
}

void RunMetrics::close_slo_windows_until(double t) {
  while (t >= static_cast<double>(slo_closed_ + 1) * slo_window_s_) {
    SloWindow& w = slo_window_at(static_cast<double>(slo_closed_) * slo_window_s_);
    w.latency_p99_s = slo_latencies_.quantile(0.99);
    slo_latencies_.clear();
    ++slo_closed_;
    slo_close_at_s_ = static_cast<double>(slo_closed_ + 1) * slo_window_s_;
  }
}

void RunMetrics::on_final(const core::Payment& p, core::Outcome outcome, core::ResponseCode code,
                          double t) {
  ++by_outcome_[static_cast<int>(outcome)];
  if (outcome == core::Outcome::kAbandoned) {
    ++current_.in_doubt;
    ++window_finals_[static_cast<int>(outcome)][0];
  } else {
    ++by_code_[static_cast<int>(code)];
    ++window_finals_[static_cast<int>(outcome)][static_cast<int>(code)];
  }
  const double latency = t - p.intended_arrival_s;
  ++current_.completions;
  const bool definitive =
      outcome == core::Outcome::kApproved || outcome == core::Outcome::kDeclined;
  if (definitive) ++current_.succeeded;
  if (outcome == core::Outcome::kDeclined) ++current_.declines;
  window_latencies_.push_back(latency);
  SloWindow& slo = slo_window_at(t);
  ++slo.completions;
  if (definitive) {
    ++slo.succeeded;
  } else {
    ++slo.failed;
  }
  slo_latencies_.add(latency);
  fraud_.on_final(p, outcome, code, t);
  if (!measured(p)) return;
  ++measured_final_;
  ++measured_by_outcome_[static_cast<int>(outcome)];
  if (outcome == core::Outcome::kApproved) ++measured_approved_;
  if (definitive) ++measured_succeeded_;
  latency_.add(latency);
}

void RunMetrics::on_sent(core::StationRef from, core::Message m, core::SendReason why,
                         const core::Payment& p, double t) {
  using core::SendReason;
  ++semantics_.messages[static_cast<std::size_t>(m)];
  switch (m) {
    case core::Message::kAuthorization:
      ++semantics_.authorizations;
      if (why == SendReason::kClientRetry) ++semantics_.client_retries;
      if (why == SendReason::kDoubleSubmit) ++semantics_.double_submits;
      if (why == SendReason::kHopRetry) ++semantics_.hop_retries;
      if (why == SendReason::kClientRetry || why == SendReason::kHopRetry) ++current_.retries;
      break;
    case core::Message::kReversal:
      // Counted where they start (and when resent), not at every hop they pass.
      if (why == SendReason::kOriginate || why == SendReason::kResend) {
        ++semantics_.reversals;
        ++current_.reversals;
      }
      break;
    case core::Message::kAdvice:
      if (why == SendReason::kOriginate || why == SendReason::kResend) ++semantics_.advices;
      break;
  }
}

void RunMetrics::on_payer_late_answer(const core::Payment& p, double t) {
  ++semantics_.payer_late_answers;
}

void RunMetrics::on_stand_in(core::StationRef s, const core::Payment& p, bool approved, double t) {
  if (approved) {
    ++semantics_.stand_in_approvals;
    ++current_.stand_in_approvals;
  } else {
    ++semantics_.stand_in_declines;
  }
}

void RunMetrics::on_lost(core::StationRef s, core::Message m, const core::Payment& p, double t) {
  if (m == core::Message::kReversal) ++semantics_.reversals_lost;
  if (m == core::Message::kAdvice) ++semantics_.advices_lost;
}

void RunMetrics::on_idempotency(core::StationRef s, const core::Payment& p, core::KeyResult r,
                                double t) {
  switch (r) {
    case core::KeyResult::kReplayed: ++semantics_.key_replays; break;
    case core::KeyResult::kConflict: ++semantics_.key_conflicts; break;
    case core::KeyResult::kWaited: ++semantics_.key_waits; break;
    case core::KeyResult::kStoreUnavailable: ++semantics_.key_store_unavailable; break;
  }
}

void RunMetrics::on_reconciled(const core::Payment& p, const core::ReconciledPayment& r,
                               double t) {
  fraud_.on_reconciled(p, r, t);
  if (r.duplicate) {
    ++slo_window_at(r.extra_charge_s).duplicates;
    ++semantics_.duplicates;
    ++current_.duplicates;
    ++current_.duplicates_by_cause[static_cast<int>(r.cause)];
    // Charged in excess: every charge but the first; for a replay, every charge (its
    // original's purchase was charged already).
    const int excess = r.standing_charges - (p.replay_of != 0 ? 0 : 1);
    semantics_.duplicate_amount_minor += excess * p.amount.minor;
    ++semantics_.by_cause[static_cast<int>(r.cause)];
  }
  if (r.standing_charges > 0 && r.outcome != core::Outcome::kApproved) ++semantics_.orphan_holds;
  if (r.in_doubt) {
    ++semantics_.in_doubt;
    semantics_.in_doubt_resolution_s.add(t - r.gave_up_s);
  }
}

void RunMetrics::on_service_start(core::StationRef s, const core::Payment& p, double t,
                                  double queue_wait_s, double service_s) {
  if (!measured(p)) return;
  NodeStats& node = nodes_[s.node];
  ++node.served;
  node.queue_wait_s.add(queue_wait_s);
  node.service_s.add(service_s);
}

void RunMetrics::on_busy_change(core::StationRef s, double t, std::int32_t busy) {
  NodeStats& node = nodes_[s.node];
  std::int32_t& last = station_busy_[first_station_[s.node] + s.replica];
  node.busy.advance(t, measured_from_, measured_to_);
  node.busy.set(node.busy.value() + (busy - last));
  last = busy;
}

void RunMetrics::on_queue_change(core::StationRef s, double t, std::int32_t length) {
  NodeStats& node = nodes_[s.node];
  std::int32_t& last = station_queue_[first_station_[s.node] + s.replica];
  node.queue.advance(t, measured_from_, measured_to_);
  node.queue.set(node.queue.value() + (length - last));
  last = length;
  if (t >= measured_from_ && t <= measured_to_) node.max_queue = std::max(node.max_queue, length);
}

void RunMetrics::on_health(std::uint32_t, core::StationRef target, core::HealthChange change,
                           double) {
  if (change == core::HealthChange::kEjected) ++nodes_[target.node].ejections;
  if (change == core::HealthChange::kUnhealthy) ++nodes_[target.node].marked_unhealthy;
}

void RunMetrics::on_rejected(core::StationRef s, const core::Payment& p, double t) {
  if (measured(p)) ++nodes_[s.node].rejected;
}

void RunMetrics::on_timeout(core::StationRef s, const core::Payment& p, double t) {
  if (measured(p)) ++nodes_[s.node].timeouts;
}

void RunMetrics::on_late_answer(core::StationRef s, const core::Payment& p, double t) {
  if (measured(p)) ++nodes_[s.node].late_answers;
}

void RunMetrics::close_windows_until(double t) {
  while (t >= window_end_s_) close_window();
}

void RunMetrics::close_window() {
  current_.latency_p50_s = exact_quantile(window_latencies_, 0.50);
  current_.latency_p99_s = exact_quantile(window_latencies_, 0.99);
  current_.latency_p999_s = exact_quantile(window_latencies_, 0.999);
  for (const double latency : window_latencies_) {
    ++current_.latency_buckets[latency_bucket(latency)];
    current_.latency_sum_s += latency;
  }
  window_latencies_.clear();
  for (int o = 0; o < 4; ++o) {
    for (int c = 0; c < 100; ++c) {
      std::uint64_t& n = window_finals_[o][c];
      if (n == 0) continue;
      current_.finals.push_back(
          {static_cast<core::Outcome>(o), static_cast<core::ResponseCode>(c), n});
      n = 0;
    }
  }
  for (auto& node : nodes_) {
    node.busy.advance(window_end_s_, measured_from_, measured_to_);
    node.queue.advance(window_end_s_, measured_from_, measured_to_);
    current_.node_utilisation.push_back(node.busy.window_area() / (node.servers * window_s_));
    current_.node_queue_length.push_back(node.queue.window_area() / window_s_);
    node.busy.reset_window();
    node.queue.reset_window();
  }
  windows_.push_back(std::move(current_));
  current_ = WindowRow{};
  current_.start_s = window_end_s_;
  // Multiplying rather than adding keeps window starts exact multiples of the window.
  window_end_s_ = static_cast<double>(windows_.size() + 1) * window_s_;
}

void RunMetrics::finish(double end_s, bool interrupted) {
  if (interrupted) measured_to_ = std::clamp(end_s, measured_from_, measured_to_);
  // The last window is the one holding the final event; close through its end.
  close_windows_until(end_s);
  close_window();
  close_slo_windows_until(static_cast<double>(slo_windows_.size()) * slo_window_s_);
  fraud_.finish(windows_.size());
}

double RunMetrics::mean_busy(std::size_t node) const {
  return measured_seconds() > 0 ? nodes_[node].busy.measured_area() / measured_seconds() : 0.0;
}

double RunMetrics::utilisation(std::size_t node) const {
  return mean_busy(node) / nodes_[node].servers;
}

double RunMetrics::mean_queue_length(std::size_t node) const {
  return measured_seconds() > 0 ? nodes_[node].queue.measured_area() / measured_seconds() : 0.0;
}

}  // namespace payquake::metrics
