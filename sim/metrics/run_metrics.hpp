// Everything a run measures, fed only by flow events (it subscribes; the flow never
// counts). Summary statistics cover payments that arrived after the warm-up; time
// averages (utilisation, queue length) cover [warmup, duration]; the time series covers
// the whole run in windows of `window_s`.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/events.hpp"
#include "core/scenario.hpp"
#include "metrics/fraud_metrics.hpp"
#include "metrics/histogram.hpp"
#include "metrics/latency_buckets.hpp"
#include "metrics/recovery.hpp"

namespace payquake::metrics {

// A quantity that changes at instants (busy workers, queue length), integrated over time.
class TimeIntegral {
 public:
  // Moves to `t` accumulating the current value; `measured_from`/`to` clip the long-run
  // integral (the window integral takes everything).
  // Inline: every change of a station's busy count or queue calls it.
  void advance(double t, double measured_from, double measured_to) {
    if (t <= last_t_) return;
    window_area_ += value_ * (t - last_t_);
    const double a = std::max(last_t_, measured_from);
    const double b = std::min(t, measured_to);
    if (b > a) measured_area_ += value_ * (b - a);
    last_t_ = t;
  }
  void set(double value) { value_ = value; }
  double value() const { return value_; }
  double window_area() const { return window_area_; }
  double measured_area() const { return measured_area_; }
  void reset_window() { window_area_ = 0.0; }

 private:
  double value_ = 0.0;
  double last_t_ = 0.0;
  double window_area_ = 0.0;
  double measured_area_ = 0.0;
};

struct NodeStats {
  std::string id;
  int servers = 0;  // workers x replicas
  LogHistogram queue_wait_s;
  LogHistogram service_s;
  std::uint64_t served = 0;
  std::uint64_t rejected = 0;
  std::uint64_t timeouts = 0;      // attempts this node gave up on
  std::uint64_t late_answers = 0;  // answers this node received after giving up
  // Whole run: how often a replica of this node was ejected by a caller's outlier detection,
  // or marked unhealthy by a caller's health checks.
  std::uint64_t ejections = 0;
  std::uint64_t marked_unhealthy = 0;
  std::int32_t max_queue = 0;
  TimeIntegral busy;
  TimeIntegral queue;
};

// Attempts and the ledger's findings (DESIGN.md section 5); counts cover the whole run.
struct PaymentSemantics {
  std::uint64_t authorizations = 0;  // 0100 sends by the payer and every hop
  // Requests sent by every hop, by ISO 8583 message class: 0100, 0400, 0120.
  std::array<std::uint64_t, 3> messages{};
  std::uint64_t client_retries = 0;
  std::uint64_t double_submits = 0;
  std::uint64_t hop_retries = 0;
  std::uint64_t reversals = 0;  // 0400 originated or resent by the hop that timed out
  std::uint64_t reversals_lost = 0;
  std::uint64_t advices = 0;  // 0120 sent by the network after a stand-in approval
  std::uint64_t advices_lost = 0;
  std::uint64_t stand_in_approvals = 0;
  std::uint64_t stand_in_declines = 0;
  std::uint64_t key_replays = 0;
  std::uint64_t key_conflicts = 0;
  std::uint64_t key_waits = 0;
  std::uint64_t key_store_unavailable = 0;
  std::uint64_t payer_late_answers = 0;

  std::uint64_t duplicates = 0;  // payments charged more than once, and replays charged
  std::int64_t duplicate_amount_minor = 0;
  std::array<std::uint64_t, static_cast<int>(core::DuplicateCause::kCount)> by_cause{};
  std::uint64_t orphan_holds = 0;  // charged while the payer saw no approval
  std::uint64_t in_doubt = 0;      // the payer gave up without an answer
  LogHistogram in_doubt_resolution_s;  // from giving up to reconciliation
};

struct WindowRow {
  double start_s = 0.0;
  std::uint64_t arrivals = 0;
  std::uint64_t completions = 0;
  std::uint64_t retries = 0;  // client and hop retries sent
  std::uint64_t reversals = 0;
  std::uint64_t stand_in_approvals = 0;
  std::uint64_t duplicates = 0;  // reconciled in this window
  std::uint64_t in_doubt = 0;    // payers who gave up in this window
  std::uint64_t succeeded = 0;  // a definitive answer: approved or declined
  std::uint64_t declines = 0;   // of which declined (any code)
  double latency_p50_s = 0.0;
  double latency_p99_s = 0.0;
  double latency_p999_s = 0.0;
  // Every final answer of the window (in_doubt included) by latency bucket, and their sum:
  // a real histogram per window (OpenMetrics, report.html), not only its percentiles.
  std::array<std::uint64_t, kLatencyBuckets> latency_buckets{};
  double latency_sum_s = 0.0;
  // Final answers of the window by (outcome, code), only the pairs that occurred.
  struct Finals {
    core::Outcome outcome;
    core::ResponseCode code;  // meaningless for kAbandoned
    std::uint64_t count;
  };
  std::vector<Finals> finals;
  std::array<std::uint32_t, static_cast<int>(core::DuplicateCause::kCount)> duplicates_by_cause{};
  std::vector<double> node_utilisation;
  std::vector<double> node_queue_length;
};

class RunMetrics : public core::FlowObserver {
 public:
  explicit RunMetrics(const core::Scenario& scenario);

  void on_arrival(const core::Payment& p, double t) override;
  void on_final(const core::Payment& p, core::Outcome outcome, core::ResponseCode code,
                double t) override;
  void on_sent(core::StationRef from, core::Message m, core::SendReason why, const core::Payment& p,
               double t) override;
  void on_payer_late_answer(const core::Payment& p, double t) override;
  void on_stand_in(core::StationRef s, const core::Payment& p, bool approved, double t) override;
  void on_lost(core::StationRef s, core::Message m, const core::Payment& p, double t) override;
  void on_idempotency(core::StationRef s, const core::Payment& p, core::KeyResult r,
                      double t) override;
  void on_reconciled(const core::Payment& p, const core::ReconciledPayment& r, double t) override;
  // Fraud events only feed fraud(): forwarded, so every run measures fraud with no second
  // observer to wire.
  void on_fraud_decision(core::StationRef s, const core::Payment& p, const core::FraudVerdict& v,
                         double t) override {
    fraud_.on_fraud_decision(s, p, v, t);
  }
  void on_step_up(const core::Payment& p, core::StepUpResult r, double latency_s,
                  double t) override {
    fraud_.on_step_up(p, r, latency_s, t);
  }
  void on_service_start(core::StationRef s, const core::Payment& p, double t,
                        double queue_wait_s, double service_s) override;
  void on_busy_change(core::StationRef s, double t, std::int32_t busy) override;
  void on_queue_change(core::StationRef s, double t, std::int32_t length) override;
  void on_rejected(core::StationRef s, const core::Payment& p, double t) override;
  void on_timeout(core::StationRef s, const core::Payment& p, double t) override;
  void on_late_answer(core::StationRef s, const core::Payment& p, double t) override;
  void on_health(std::uint32_t checker, core::StationRef target, core::HealthChange change,
                 double t) override;
  // Called before every event: two compares against boundaries kept ready.
  void on_clock(double t) override {
    if (t >= window_end_s_) close_windows_until(t);
    if (t >= slo_close_at_s_) close_slo_windows_until(t);
  }

  // Closes every window up to the end of the run. Call once, after the calendar drained or
  // the run stopped. An interrupted run's long-run averages and rates cover only the
  // measured interval it simulated, up to `end_s`.
  void finish(double end_s, bool interrupted = false);

  // All payments, warm-up included (DESIGN.md section 6: counts are never filtered).
  std::uint64_t arrivals() const { return arrivals_; }
  std::uint64_t by_outcome(core::Outcome o) const { return by_outcome_[static_cast<int>(o)]; }
  std::uint64_t by_code(core::ResponseCode c) const { return by_code_[static_cast<int>(c)]; }

  // Payments that arrived after the warm-up.
  std::uint64_t measured_payments() const { return measured_final_; }
  std::uint64_t measured_approved() const { return measured_approved_; }
  std::uint64_t measured_by_outcome(core::Outcome o) const {
    return measured_by_outcome_[static_cast<int>(o)];
  }
  // Payments that arrived after the warm-up and were still open when the run ended
  // (interrupted, or cut by the drain limit).
  std::uint64_t measured_arrivals() const { return measured_arrivals_; }
  // Approved or declined: the system gave a definitive answer (91/96 are failures).
  std::uint64_t measured_succeeded() const { return measured_succeeded_; }
  const LogHistogram& latency_s() const { return latency_; }
  double measured_seconds() const { return std::max(0.0, measured_to_ - measured_from_); }
  double measured_from() const { return measured_from_; }
  double measured_to() const { return measured_to_; }

  const PaymentSemantics& semantics() const { return semantics_; }
  const std::vector<NodeStats>& nodes() const { return nodes_; }
  // Long-run time averages over [warmup, duration].
  double utilisation(std::size_t node) const;
  double mean_queue_length(std::size_t node) const;
  double mean_busy(std::size_t node) const;

  const std::vector<WindowRow>& windows() const { return windows_; }
  // The SLO's windows (`slo.window` wide) over the whole run, closed by finish().
  const std::vector<SloWindow>& slo_windows() const { return slo_windows_; }
  double window_s() const { return window_s_; }
  // Fraud attempts, losses, false declines and their cost (issue 10); its windows match
  // windows() one for one after finish().
  const FraudMetrics& fraud() const { return fraud_; }

 private:
  bool measured(const core::Payment& p) const { return p.intended_arrival_s >= measured_from_; }
  void close_windows_until(double t);
  void close_window();
  SloWindow& slo_window_at(double t);
  void close_slo_windows_until(double t);

  double measured_from_;
  double measured_to_;
  double window_s_;
  double window_end_s_;
  std::vector<NodeStats> nodes_;
  std::vector<std::int32_t> station_busy_;
  std::vector<std::int32_t> station_queue_;
  std::vector<std::uint32_t> first_station_;

  std::uint64_t arrivals_ = 0;
  std::array<std::uint64_t, 4> by_outcome_{};
  std::array<std::uint64_t, 100> by_code_{};
  std::uint64_t measured_final_ = 0;
  std::uint64_t measured_approved_ = 0;
  std::uint64_t measured_arrivals_ = 0;
  std::array<std::uint64_t, 4> measured_by_outcome_{};
  std::uint64_t measured_succeeded_ = 0;
  LogHistogram latency_;
  PaymentSemantics semantics_;

  double slo_window_s_;
  std::vector<SloWindow> slo_windows_;
  std::size_t slo_closed_ = 0;  // windows whose p99 is computed
  double slo_close_at_s_;       // (slo_closed_ + 1) x slo_window_s_: when the next one closes
  // Completions of the first open SLO window: a histogram, since an SLO window at peak
  // holds millions of answers (its p99 is within 0.5%).
  LogHistogram slo_latencies_;

  WindowRow current_;
  std::vector<double> window_latencies_;
  // The current window's finals by outcome and code (abandoned under code 0).
  std::array<std::array<std::uint64_t, 100>, 4> window_finals_{};
  std::vector<WindowRow> windows_;
  FraudMetrics fraud_;
};

}  // namespace payquake::metrics
