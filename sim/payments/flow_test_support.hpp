// The flow on its own, for unit tests: a fake engine::NetworkView whose hosts, routes and
// latencies a test sets, an observer that records what the flow tells the world, and a
// loop that drives the flow's calendar as engine::run does, without SimGrid (LevelDB's
// fake Env at a seam). Scenarios come from YAML through the loader, as a user writes them.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/events.hpp"
#include "core/scenario.hpp"
#include "engine/calendar.hpp"
#include "engine/network_view.hpp"
#include "payments/flow.hpp"
#include "scenario/loader.hpp"

namespace payquake::payments::testing {

// Every host up at nominal speed, every route up with no latency, until a test says
// otherwise. Nodes are addressed by their index in the scenario.
class FakeNetwork final : public engine::NetworkView {
 public:
  explicit FakeNetwork(const core::Scenario& s) : n_(s.nodes.size()) {
    for (const auto& node : s.nodes) {
      up_.emplace_back(static_cast<std::size_t>(node.replicas), 1);
      slowdown_.emplace_back(static_cast<std::size_t>(node.replicas), 1.0);
    }
    route_.assign(n_ * n_, 1);
    latency_s_.assign(n_ * n_, 0.0);
  }

  bool host_up(int node, int replica) const override { return up_[node][replica] != 0; }
  double slowdown(int node, int replica) const override { return slowdown_[node][replica]; }
  bool route_up(int from, int to) const override { return route_[at(from, to)] != 0; }
  double hop_latency_s(int from, int to) const override { return latency_s_[at(from, to)]; }

  void set_host_up(std::uint32_t node, int replica, bool up) { up_[node][replica] = up; }
  void set_slowdown(std::uint32_t node, int replica, double factor) {
    slowdown_[node][replica] = factor;
  }
  // A route is cut both ways, as a failed link is.
  void set_route_up(std::uint32_t a, std::uint32_t b, bool up) {
    route_[at(a, b)] = up;
    route_[at(b, a)] = up;
  }
  // One direction: the way back may differ.
  void set_latency(std::uint32_t from, std::uint32_t to, double seconds) {
    latency_s_[at(from, to)] = seconds;
  }

 private:
  std::size_t at(std::size_t from, std::size_t to) const { return from * n_ + to; }

  std::size_t n_;
  std::vector<std::vector<char>> up_;
  std::vector<std::vector<double>> slowdown_;
  std::vector<char> route_;
  std::vector<double> latency_s_;
};

struct FinalRecord {
  std::uint64_t payment = 0;
  core::Outcome outcome = core::Outcome::kFailed;
  core::ResponseCode code = core::ResponseCode::kApproved;
  double t = 0.0;
  double latency_s = 0.0;  // from the intended arrival
};

struct ReconciledRecord {
  std::uint64_t payment = 0;
  core::ReconciledPayment r;
  double t = 0.0;
};

struct StationEvent {
  core::StationRef station;
  std::uint64_t payment = 0;
  double t = 0.0;
};

// Issue 10: a policy's verdict on a request of a payment, and a payer's challenge.
struct FraudDecisionRecord {
  core::StationRef station;
  core::Payment payment;  // as it was when decided (its ground truth and marks)
  core::FraudVerdict verdict;
  double t = 0.0;
};
struct StepUpRecord {
  core::Payment payment;
  core::StepUpResult result = core::StepUpResult::kPassed;
  double latency_s = 0.0;
  double t = 0.0;
};

// Records what the flow emits: typed lists for assertions, and a transcript (one line per
// event, in simulated time) to compare whole, as SimGrid's tesh files do. Busy and queue
// changes and clock ticks are left out of the transcript: they repeat what it shows.
class RecordingObserver final : public core::FlowObserver {
 public:
  explicit RecordingObserver(const core::Scenario& s) {
    for (const auto& node : s.nodes) names_.push_back(node.id);
  }

  std::vector<std::string> transcript;
  std::vector<double> times;  // of every event, in the order the flow emitted them
  std::vector<FinalRecord> finals;
  std::vector<ReconciledRecord> reconciled;
  std::vector<StationEvent> services, timeouts, rejections, late_answers;
  std::vector<core::KeyResult> key_results;
  std::vector<core::Message> lost;
  std::vector<core::Payment> arrived;  // every payment as it arrived
  std::vector<FraudDecisionRecord> fraud_decisions;
  std::vector<StepUpRecord> step_ups;
  std::uint64_t arrivals = 0, payer_late_answers = 0;

  void on_arrival(const core::Payment& p, double t) override {
    ++arrivals;
    arrived.push_back(p);
    line(t, "arrival p" + std::to_string(p.id) + " card " + std::to_string(p.card));
  }
  void on_final(const core::Payment& p, core::Outcome o, core::ResponseCode code,
                double t) override {
    finals.push_back({p.id, o, code, t, t - p.intended_arrival_s});
    line(t, "final p" + std::to_string(p.id) + " " + core::to_string(o) + " " +
                core::code_string(code));
  }
  void on_sent(core::StationRef from, core::Message m, core::SendReason why, const core::Payment& p,
               double t) override {
    line(t, "sent " + who(from) + " " + core::mti(m, false) + " " + reason(why) + " p" +
                std::to_string(p.id));
  }
  void on_service_start(core::StationRef s, const core::Payment& p, double t, double wait_s,
                        double service_s) override {
    services.push_back({s, p.id, t});
    line(t, "service " + who(s) + " p" + std::to_string(p.id) + " waited " + seconds(wait_s) +
                " for " + seconds(service_s));
  }
  void on_rejected(core::StationRef s, const core::Payment& p, double t) override {
    rejections.push_back({s, p.id, t});
    line(t, "rejected " + who(s) + " p" + std::to_string(p.id));
  }
  void on_timeout(core::StationRef s, const core::Payment& p, double t) override {
    timeouts.push_back({s, p.id, t});
    line(t, "timeout " + who(s) + " p" + std::to_string(p.id));
  }
  void on_late_answer(core::StationRef s, const core::Payment& p, double t) override {
    late_answers.push_back({s, p.id, t});
    line(t, "late_answer " + who(s) + " p" + std::to_string(p.id));
  }
  void on_payer_late_answer(const core::Payment& p, double t) override {
    ++payer_late_answers;
    line(t, "payer_late_answer p" + std::to_string(p.id));
  }
  void on_stand_in(core::StationRef s, const core::Payment& p, bool approved, double t) override {
    line(t, "stand_in " + who(s) + " p" + std::to_string(p.id) +
                (approved ? " approved" : " declined"));
  }
  void on_lost(core::StationRef s, core::Message m, const core::Payment& p, double t) override {
    lost.push_back(m);
    line(t, "lost " + who(s) + " " + core::mti(m, false) + " p" + std::to_string(p.id));
  }
  void on_idempotency(core::StationRef s, const core::Payment& p, core::KeyResult r,
                      double t) override {
    key_results.push_back(r);
    line(t, "idempotency " + who(s) + " p" + std::to_string(p.id) + " " + key_result(r));
  }
  void on_fraud_decision(core::StationRef s, const core::Payment& p, const core::FraudVerdict& v,
                         double t) override {
    fraud_decisions.push_back({s, p, v, t});
    line(t, "fraud " + who(s) + " p" + std::to_string(p.id) + " " + core::to_string(v.action) +
                " rule " + std::to_string(v.rule) + " score " + seconds(v.score) +
                (v.policy_down ? " down" : ""));
  }
  void on_step_up(const core::Payment& p, core::StepUpResult r, double latency_s,
                  double t) override {
    step_ups.push_back({p, r, latency_s, t});
    static const char* const kResult[] = {"passed", "abandoned", "stopped"};
    line(t, "step_up p" + std::to_string(p.id) + " " + kResult[static_cast<int>(r)] + " after " +
                seconds(latency_s));
  }
  void on_reconciled(const core::Payment& p, const core::ReconciledPayment& r, double t) override {
    reconciled.push_back({p.id, r, t});
    line(t, "reconciled p" + std::to_string(p.id) + " charges " +
                std::to_string(r.standing_charges) +
                (r.duplicate ? std::string(" duplicate ") + core::to_string(r.cause) : ""));
  }
  void on_health(std::uint32_t checker, core::StationRef target, core::HealthChange change,
                 double t) override {
    static const char* const kChange[] = {"unhealthy", "healthy", "ejected", "returned"};
    line(t, "health " + names_[checker] + " sees " + who(target) + " " +
                kChange[static_cast<int>(change)]);
  }

  static std::string seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", s);
    return buf;
  }

 private:
  void line(double t, const std::string& text) {
    times.push_back(t);
    transcript.push_back(seconds(t) + " " + text);
  }
  std::string who(core::StationRef s) const {
    if (s.node == core::kPayerNode) return "payer";
    return names_[s.node] + "/" + std::to_string(s.replica);
  }
  static const char* reason(core::SendReason why) {
    static const char* const kReason[] = {"first",     "client_retry", "double_submit",
                                          "hop_retry", "resend",       "originate",
                                          "step_up"};
    return kReason[static_cast<int>(why)];
  }
  static const char* key_result(core::KeyResult r) {
    static const char* const kResult[] = {"replayed", "conflict", "waited", "store_unavailable"};
    return kResult[static_cast<int>(r)];
  }

  std::vector<std::string> names_;
};

// A scenario, the fake network, the recorder and the flow, driven by hand. Set the
// network up before start(); change it later with change_at().
class FlowHarness {
 public:
  explicit FlowHarness(const std::string& yaml)
      : scenario(scenario::load_string(yaml, "flow_test.yaml")),
        network(scenario),
        observer(scenario) {}

  std::uint32_t node(const std::string& id) const {
    for (std::size_t i = 0; i < scenario.nodes.size(); ++i)
      if (scenario.nodes[i].id == id) return static_cast<std::uint32_t>(i);
    ADD_FAILURE() << "no node " << id;
    return 0;
  }

  // Builds the flow over the network as it is now and schedules the first arrivals.
  void start() {
    flow.emplace(scenario, network, observer);
    flow->start(calendar);
  }

  // Handles events in time order, as engine::run does: until the flow is done, the
  // calendar is empty, or the next event is dated after `until_s` (or, `strictly`, at it).
  void run(double until_s = std::numeric_limits<double>::infinity(), bool strictly = false) {
    while (!done_ && !calendar.empty() &&
           (calendar.top().time_s < until_s || (!strictly && calendar.top().time_s == until_s))) {
      flow->handle(calendar.pop());
      ++events;
      done_ = flow->done();
    }
  }

  // A platform change at `t`, after every event dated earlier and before those dated `t`
  // or later, as the engine applies a fault: `change` edits the network, then the flow
  // is told.
  template <typename Change>
  void change_at(double t, Change change) {
    run(t, /*strictly=*/true);
    change(network);
    flow->platform_changed(t);
  }

  bool done() const { return done_; }

  core::Scenario scenario;
  FakeNetwork network;
  RecordingObserver observer;
  std::optional<Flow> flow;
  engine::Calendar calendar;
  std::uint64_t events = 0;

 private:
  bool done_ = false;
};

}  // namespace payquake::payments::testing
