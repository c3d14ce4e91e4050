// Any number of subscribers to the flow's events (the ns-3 TracedCallback idea): the flow
// emits to one observer; this one hands each event to every subscriber, in the order they
// were added. Used only when a run has more than one subscriber (metrics and a trace), so
// a plain run pays no second virtual call per event.
#pragma once

#include <vector>

#include "core/events.hpp"

namespace payquake::core {

class FanOutObserver : public FlowObserver {
 public:
  // `o` must outlive this.
  void add(FlowObserver& o) { subscribers_.push_back(&o); }

  void on_arrival(const Payment& p, double t) override {
    for (auto* o : subscribers_) o->on_arrival(p, t);
  }
  void on_final(const Payment& p, Outcome outcome, ResponseCode code, double t) override {
    for (auto* o : subscribers_) o->on_final(p, outcome, code, t);
  }
  void on_sent(StationRef from, Message m, SendReason why, const Payment& p, double t) override {
    for (auto* o : subscribers_) o->on_sent(from, m, why, p, t);
  }
  void on_service_start(StationRef s, const Payment& p, double t, double queue_wait_s,
                        double service_s) override {
    for (auto* o : subscribers_) o->on_service_start(s, p, t, queue_wait_s, service_s);
  }
  void on_busy_change(StationRef s, double t, std::int32_t busy) override {
    for (auto* o : subscribers_) o->on_busy_change(s, t, busy);
  }
  void on_queue_change(StationRef s, double t, std::int32_t length) override {
    for (auto* o : subscribers_) o->on_queue_change(s, t, length);
  }
  void on_rejected(StationRef s, const Payment& p, double t) override {
    for (auto* o : subscribers_) o->on_rejected(s, p, t);
  }
  void on_timeout(StationRef s, const Payment& p, double t) override {
    for (auto* o : subscribers_) o->on_timeout(s, p, t);
  }
  void on_late_answer(StationRef s, const Payment& p, double t) override {
    for (auto* o : subscribers_) o->on_late_answer(s, p, t);
  }
  void on_payer_late_answer(const Payment& p, double t) override {
    for (auto* o : subscribers_) o->on_payer_late_answer(p, t);
  }
  void on_stand_in(StationRef s, const Payment& p, bool approved, double t) override {
    for (auto* o : subscribers_) o->on_stand_in(s, p, approved, t);
  }
  void on_lost(StationRef s, Message m, const Payment& p, double t) override {
    for (auto* o : subscribers_) o->on_lost(s, m, p, t);
  }
  void on_idempotency(StationRef s, const Payment& p, KeyResult r, double t) override {
    for (auto* o : subscribers_) o->on_idempotency(s, p, r, t);
  }
  void on_fraud_decision(StationRef s, const Payment& p, const FraudVerdict& v,
                         double t) override {
    for (auto* o : subscribers_) o->on_fraud_decision(s, p, v, t);
  }
  void on_step_up(const Payment& p, StepUpResult r, double latency_s, double t) override {
    for (auto* o : subscribers_) o->on_step_up(p, r, latency_s, t);
  }
  void on_signature(StationRef s, const Payment& p, SignatureResult r, bool refused,
                    double t) override {
    for (auto* o : subscribers_) o->on_signature(s, p, r, refused, t);
  }
  void on_reconciled(const Payment& p, const ReconciledPayment& r, double t) override {
    for (auto* o : subscribers_) o->on_reconciled(p, r, t);
  }
  void on_health(std::uint32_t checker, StationRef target, HealthChange change,
                 double t) override {
    for (auto* o : subscribers_) o->on_health(checker, target, change, t);
  }
  void on_clock(double t) override {
    for (auto* o : subscribers_) o->on_clock(t);
  }

 private:
  std::vector<FlowObserver*> subscribers_;
};

}  // namespace payquake::core
