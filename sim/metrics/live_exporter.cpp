#include "metrics/live_exporter.hpp"

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <arpa/inet.h>

#include <map>
#include <stdexcept>
#include <vector>

namespace payquake::metrics {

namespace pm = prometheus;

std::string check_listen_address(const std::string& address, bool allow_remote) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return "expected HOST:PORT (e.g. 127.0.0.1:9464), got '" + address + "'";
  std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) < 1 || std::stoi(port) > 65535)
    return "expected a port in 1-65535, got '" + port + "'";
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned char buf[16];
  bool loopback = host == "localhost";
  if (::inet_pton(AF_INET, host.c_str(), buf) == 1) {
    loopback = buf[0] == 127;
  } else if (::inet_pton(AF_INET6, host.c_str(), buf) == 1) {
    static const unsigned char kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    loopback = std::equal(buf, buf + 16, kLoopback6);
  } else if (host != "localhost") {
    return "expected an IP address or localhost, got '" + host + "'";
  }
  if (!loopback && !allow_remote)
    return "refusing to serve on '" + host +
           "', which is not a loopback address (anyone who can reach it could read the run): "
           "use 127.0.0.1, or add --allow-remote";
  return "";
}

struct LiveExporter::State {
  std::shared_ptr<pm::Registry> registry = std::make_shared<pm::Registry>();
  std::unique_ptr<pm::Exposer> exposer;
  const core::Scenario* scenario = nullptr;
  std::size_t published = 0;  // windows already published

  pm::Family<pm::Counter>* payments = nullptr;
  std::map<std::pair<int, int>, pm::Counter*> by_outcome_code;
  pm::Counter* arrivals = nullptr;
  pm::Counter* retries = nullptr;
  pm::Counter* reversals = nullptr;
  pm::Counter* stand_in = nullptr;
  std::vector<pm::Counter*> duplicates;  // by cause
  pm::Histogram* duration = nullptr;
  std::vector<pm::Gauge*> utilisation;
  std::vector<pm::Gauge*> queue;
  std::vector<pm::Gauge*> fault_active;  // per fault of the scenario
  pm::Gauge* simulated = nullptr;
  // Fraud (issue 10): counted by arrival window, and a window's counts still grow after it
  // closed (answers and reconciliations come later), so these follow the whole-run sums.
  std::map<std::string, pm::Counter*> fraud_by_result;
  pm::Counter* false_declines = nullptr;
  pm::Counter* fraud_loss = nullptr;
  FraudWindow fraud_published;

  pm::Counter& payments_counter(core::Outcome o, core::ResponseCode c) {
    auto& slot = by_outcome_code[{static_cast<int>(o), static_cast<int>(c)}];
    if (slot == nullptr)
      slot = &payments->Add({{"outcome", core::to_string(o)},
                             {"code", o == core::Outcome::kAbandoned ? "none" : core::code_string(c)}});
    return *slot;
  }
};

LiveExporter::LiveExporter(const std::string& address, const core::Scenario& scenario,
                           const std::string& run_label)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.scenario = &scenario;
  const pm::Labels base = {{"scenario", scenario.name}, {"run", run_label}};
  auto counter = [&](const std::string& name, const std::string& help) -> pm::Family<pm::Counter>& {
    return pm::BuildCounter().Name(name).Help(help).Labels(base).Register(*s.registry);
  };
  auto gauge = [&](const std::string& name, const std::string& help) -> pm::Family<pm::Gauge>& {
    return pm::BuildGauge().Name(name).Help(help).Labels(base).Register(*s.registry);
  };
  s.payments = &counter("payquake_payments_total",
                        "Payments that reached a final state seen by the payer, by outcome and "
                        "ISO 8583 response code");
  s.payments_counter(core::Outcome::kApproved, core::ResponseCode::kApproved);
  s.payments_counter(core::Outcome::kFailed, core::ResponseCode::kSystemMalfunction);
  s.arrivals = &counter("payquake_arrivals_total", "Payments that arrived").Add({});
  s.retries = &counter("payquake_retries_total", "Client and hop retries sent").Add({});
  s.reversals = &counter("payquake_reversals_total", "Reversals originated or resent").Add({});
  s.stand_in = &counter("payquake_stand_in_approvals_total",
                        "Payments the network approved in place of the issuer")
                    .Add({});
  auto& dup = counter("payquake_duplicate_payments_total",
                      "Payments charged more than once, by cause");
  for (int c = 0; c < static_cast<int>(core::DuplicateCause::kCount); ++c)
    s.duplicates.push_back(&dup.Add({{"cause", core::to_string(static_cast<core::DuplicateCause>(c))}}));
  s.duration = &pm::BuildHistogram()
                    .Name("payquake_payment_duration_seconds")
                    .Help("Payer-visible latency from the intended arrival to the final answer")
                    .Labels(base)
                    .Register(*s.registry)
                    .Add({}, pm::Histogram::BucketBoundaries(kLatencyBucketBounds.begin(),
                                                             kLatencyBucketBounds.end()));
  auto& util = gauge("payquake_node_utilisation_ratio",
                     "Busy workers over all workers of the node, last window's time average");
  auto& queue = gauge("payquake_node_queue_length",
                      "Requests waiting at the node, last window's time average");
  for (const auto& n : scenario.nodes) {
    s.utilisation.push_back(&util.Add({{"node", n.id}}));
    s.queue.push_back(&queue.Add({{"node", n.id}}));
  }
  if (!scenario.faults.empty()) {
    auto& faults = gauge("payquake_fault_active", "1 while the fault is active");
    for (const auto& f : scenario.faults) {
      const std::string target = f.target.empty() ? f.between.first + "/" + f.between.second : f.target;
      s.fault_active.push_back(&faults.Add({{"kind", core::to_string(f.kind)}, {"target", target}}));
    }
  }
  gauge("payquake_slo_success_ratio", "The SLO's success-rate target").Add({}).Set(scenario.slo.success_rate);
  gauge("payquake_slo_latency_p99_seconds", "The SLO's p99 latency target").Add({}).Set(scenario.slo.latency_p99_s);
  gauge("payquake_run_info", "1 for the run").Add({{"seed", std::to_string(scenario.seed)}}).Set(1);
  auto& fraud = counter("payquake_fraud_payments_total",
                        "Fraudulent payments (ground truth) by how they ended");
  for (const char* result : {"approved", "caught", "stepped_up_passed", "other"})
    s.fraud_by_result[result] = &fraud.Add({{"result", result}});
  s.false_declines = &counter("payquake_false_declines_total",
                              "Legitimate payments declined by a fraud policy")
                          .Add({});
  s.fraud_loss = &counter("payquake_fraud_loss_total",
                          "Money charged on fraudulent payments, major units")
                     .Add({});
  s.simulated = &gauge("payquake_simulated_seconds", "Simulated time reached by the run").Add({});
  try {
    s.exposer = std::make_unique<pm::Exposer>(address, 1);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot serve metrics on " + address + ": " + e.what());
  }
  s.exposer->RegisterCollectable(s.registry);
}

LiveExporter::~LiveExporter() = default;

void LiveExporter::publish_fraud(const FraudWindow& now) {
  State& s = *state_;
  FraudWindow& was = s.fraud_published;
  auto step = [](pm::Counter* c, std::uint64_t to, std::uint64_t from) {
    if (to > from) c->Increment(static_cast<double>(to - from));
  };
  step(s.fraud_by_result["approved"], now.approved - now.approved_after_challenge,
       was.approved - was.approved_after_challenge);
  step(s.fraud_by_result["caught"], now.caught, was.caught);
  step(s.fraud_by_result["stepped_up_passed"], now.approved_after_challenge,
       was.approved_after_challenge);
  step(s.fraud_by_result["other"], now.ended_other, was.ended_other);
  step(s.false_declines, now.false_declines, was.false_declines);
  if (now.loss.minor > was.loss.minor)
    s.fraud_loss->Increment(static_cast<double>(now.loss.minor - was.loss.minor) / 100.0);
  was = now;
}

void LiveExporter::publish(const RunMetrics& metrics, double simulated_s) {
  State& s = *state_;
  const auto& windows = metrics.windows();
  for (; s.published < windows.size(); ++s.published) {
    const WindowRow& w = windows[s.published];
    for (const auto& f : w.finals)
      s.payments_counter(f.outcome, f.code).Increment(static_cast<double>(f.count));
    s.arrivals->Increment(static_cast<double>(w.arrivals));
    s.retries->Increment(static_cast<double>(w.retries));
    s.reversals->Increment(static_cast<double>(w.reversals));
    s.stand_in->Increment(static_cast<double>(w.stand_in_approvals));
    for (std::size_t c = 0; c < s.duplicates.size(); ++c)
      s.duplicates[c]->Increment(w.duplicates_by_cause[c]);
    std::vector<double> buckets(w.latency_buckets.begin(), w.latency_buckets.end());
    s.duration->ObserveMultiple(buckets, w.latency_sum_s);
    for (std::size_t n = 0; n < s.utilisation.size(); ++n) {
      s.utilisation[n]->Set(w.node_utilisation[n]);
      s.queue[n]->Set(w.node_queue_length[n]);
    }
  }
  publish_fraud(metrics.fraud().whole_run());
  // Two episodes of one (kind, target) share a series: active if either is.
  std::map<pm::Gauge*, bool> active;
  for (std::size_t i = 0; i < s.fault_active.size(); ++i) {
    const core::Fault& f = s.scenario->faults[i];
    active[s.fault_active[i]] |= simulated_s >= f.at_s && simulated_s < f.end_s();
  }
  for (const auto& [g, on] : active) g->Set(on ? 1 : 0);
  s.simulated->Set(simulated_s);
}

}  // namespace payquake::metrics
