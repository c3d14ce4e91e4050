// payments::Flow through its seams: a fake network view, a recording observer and the
// calendar driven by hand, no SimGrid. Every distribution here is constant, so what is
// asserted follows from the configuration, not from which random numbers were drawn.
#include "payments/flow.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "payments/flow_test_support.hpp"

namespace payquake::payments {
namespace {

using core::KeyResult;
using core::Outcome;
using core::ResponseCode;
using testing::FlowHarness;

// gw -> acq -> net -> iss, constant service times 2, 1, 0.5 and {ISS_SERVICE}; one payment
// at 0.5 s unless {RATE} or {DURATION} say otherwise. The {..._EXTRA} placeholders add keys
// to a node or to the payers' mapping.
std::string scenario_yaml(std::map<std::string, std::string> vars = {}) {
  std::string yaml = R"(name: flow-unit
seed: 11
duration: {DURATION}
sites: [{id: s, internal_latency: 0ms}]
nodes:
  - {id: gw, role: gateway, site: s, workers: 10, service_time: {dist: constant, value: 2ms}, next: [acq], timeout: 30s{GW_EXTRA}}
  - {id: acq, role: acquirer, site: s, replicas: {ACQ_REPLICAS}, workers: 10, service_time: {dist: constant, value: 1ms}, next: [net], timeout: {ACQ_TIMEOUT}{ACQ_EXTRA}}
  - {id: net, role: network, site: s, workers: 10, service_time: {dist: constant, value: 0.5ms}, timeout: 10s}
  - {id: iss, role: issuer, site: s, bins: ["4111"], workers: {ISS_WORKERS}, queue: {ISS_QUEUE}, service_time: {dist: constant, value: {ISS_SERVICE}}{ISS_EXTRA}}
payers:
  - {id: p, cards: {CARDS}, issuers: {iss: 100%}, entry: gw, amount: {dist: constant, value: 10.00}{PAYER_EXTRA}}
load: {arrival: uniform, start_rate: {RATE}}
)";
  std::map<std::string, std::string> all = {
      {"DURATION", "1s"},    {"RATE", "1/s"},       {"ACQ_REPLICAS", "1"},  {"ACQ_TIMEOUT", "20s"},
      {"ISS_WORKERS", "10"}, {"ISS_QUEUE", "1000"}, {"ISS_SERVICE", "8ms"}, {"CARDS", "1000"},
      {"GW_EXTRA", ""},      {"ACQ_EXTRA", ""},     {"ISS_EXTRA", ""},      {"PAYER_EXTRA", ""}};
  for (auto& [k, v] : vars) all[k] = v;
  for (const auto& [k, v] : all) {
    const std::string key = "{" + k + "}";
    for (auto pos = yaml.find(key); pos != std::string::npos; pos = yaml.find(key, pos + v.size()))
      yaml.replace(pos, key.size(), v);
  }
  return yaml;
}

constexpr double kServices = 0.002 + 0.001 + 0.0005 + 0.008;  // gw, acq, net, iss

// Different latencies each way, so that a test tells the way there from the way back.
void set_latencies(FlowHarness& h) {
  const auto gw = h.node("gw"), acq = h.node("acq"), net = h.node("net"), iss = h.node("iss");
  h.network.set_latency(gw, acq, 0.001);
  h.network.set_latency(acq, net, 0.020);
  h.network.set_latency(net, iss, 0.003);
  h.network.set_latency(iss, net, 0.004);
  h.network.set_latency(net, acq, 0.025);
  h.network.set_latency(acq, gw, 0.0015);
}

TEST(FlowUnit, APaymentThroughFourHopsTakesItsServicesAndEveryHopBothWays) {
  FlowHarness h(scenario_yaml());
  set_latencies(h);
  h.start();
  h.run();
  ASSERT_TRUE(h.done());
  ASSERT_EQ(h.observer.finals.size(), 1u);
  const auto& f = h.observer.finals[0];
  EXPECT_EQ(f.outcome, Outcome::kApproved);
  EXPECT_EQ(f.code, ResponseCode::kApproved);
  const double there = 0.001 + 0.020 + 0.003, back = 0.004 + 0.025 + 0.0015;
  EXPECT_NEAR(f.latency_s, kServices + there + back, 1e-12);
  ASSERT_EQ(h.observer.reconciled.size(), 1u);
  EXPECT_EQ(h.observer.reconciled[0].r.standing_charges, 1);
  EXPECT_FALSE(h.observer.reconciled[0].r.duplicate);
}

TEST(FlowUnit, AHostRunningSlowServesThatManyTimesLonger) {
  FlowHarness h(scenario_yaml());
  h.network.set_slowdown(h.node("iss"), 0, 3.0);
  h.start();
  h.run();
  ASSERT_EQ(h.observer.finals.size(), 1u);
  EXPECT_NEAR(h.observer.finals[0].latency_s, kServices + 2 * 0.008, 1e-12);
}

// The life of one payment, event by event in simulated time (a tesh-style transcript).
TEST(FlowUnit, TheObserverSeesOnePaymentsLifeInOrder) {
  FlowHarness h(scenario_yaml());
  set_latencies(h);
  h.start();
  h.run();
  const std::vector<std::string> life = {
      "0.500000 sent payer 0100 first p0", "0.500000 service gw/0 p0 waited 0.000000 for 0.002000",
      "0.502000 sent gw/0 0100 first p0",  "0.503000 service acq/0 p0 waited 0.000000 for 0.001000",
      "0.504000 sent acq/0 0100 first p0", "0.524000 service net/0 p0 waited 0.000000 for 0.000500",
      "0.524500 sent net/0 0100 first p0", "0.527500 service iss/0 p0 waited 0.000000 for 0.008000",
      "0.566000 final p0 approved 00",     "0.566000 reconciled p0 charges 1",
  };
  ASSERT_EQ(h.observer.transcript.size(), life.size() + 1);
  EXPECT_EQ(h.observer.transcript[0].rfind("0.500000 arrival p0 card ", 0), 0u)
      << h.observer.transcript[0];
  for (std::size_t i = 0; i < life.size(); ++i)
    EXPECT_EQ(h.observer.transcript[i + 1], life[i]) << "line " << i + 1;
}

// 300 payments a second, evenly spaced, at a one-worker issuer taking 4 ms: each finds
// the previous ones still queued, and payment k waits k x (4 ms - 1/300 s). Time never
// runs backwards, and each payment is served, ends and is reconciled once, in that order.
TEST(FlowUnit, AQueueAtTheIssuerDelaysEachPaymentByWhatIsAheadOfIt) {
  FlowHarness h(scenario_yaml({{"RATE", "300/s"}, {"ISS_WORKERS", "1"}, {"ISS_SERVICE", "4ms"}}));
  h.start();
  h.run();
  ASSERT_TRUE(h.done());
  const auto& o = h.observer;
  EXPECT_EQ(o.arrivals, 300u);
  EXPECT_TRUE(std::is_sorted(o.times.begin(), o.times.end()));
  ASSERT_EQ(o.finals.size(), 300u);
  ASSERT_EQ(o.reconciled.size(), 300u);
  std::map<std::uint64_t, double> ended_at, served_at;
  for (const auto& s : o.services) {
    if (s.station.node != h.node("iss")) continue;
    EXPECT_TRUE(served_at.emplace(s.payment, s.t).second) << "p" << s.payment << " served twice";
  }
  for (const auto& f : o.finals) {
    EXPECT_TRUE(ended_at.emplace(f.payment, f.t).second) << "p" << f.payment << " ended twice";
    EXPECT_EQ(f.outcome, Outcome::kApproved);
    const double wait = static_cast<double>(f.payment) * (0.004 - 1.0 / 300);
    EXPECT_NEAR(f.latency_s, 0.002 + 0.001 + 0.0005 + 0.004 + wait, 1e-9) << "p" << f.payment;
    EXPECT_LT(served_at.at(f.payment), f.t);
  }
  for (const auto& r : o.reconciled) EXPECT_GE(r.t, ended_at.at(r.payment)) << "p" << r.payment;
}

// ---- Routing around a host that is down ------------------------------------------------

// The gateway knows the platform's state at once (health_check mode oracle), so the test
// does not depend on when probes run.
std::string two_acquirers(std::map<std::string, std::string> vars = {}) {
  vars.emplace("ACQ_REPLICAS", "2");
  vars.emplace("GW_EXTRA", ", health_check: {mode: oracle}");
  vars.emplace("RATE", "10/s");
  return scenario_yaml(vars);
}

TEST(FlowUnit, AHostDownSendsEveryRequestToTheOtherReplica) {
  FlowHarness h(two_acquirers());
  h.network.set_host_up(h.node("acq"), 0, false);
  h.start();
  h.run();
  ASSERT_EQ(h.observer.finals.size(), 10u);
  for (const auto& f : h.observer.finals) EXPECT_EQ(f.code, ResponseCode::kApproved);
  int at_acq = 0;
  for (const auto& s : h.observer.services) {
    if (s.station.node != h.node("acq")) continue;
    ++at_acq;
    EXPECT_EQ(s.station.replica, 1u) << "p" << s.payment << " went to the host that is down";
  }
  EXPECT_EQ(at_acq, 10);
}

TEST(FlowUnit, BothReplicasUpShareTheRequests) {
  FlowHarness h(two_acquirers());
  h.start();
  h.run();
  int per_replica[2] = {0, 0};
  for (const auto& s : h.observer.services)
    if (s.station.node == h.node("acq")) ++per_replica[s.station.replica];
  EXPECT_EQ(per_replica[0], 5);
  EXPECT_EQ(per_replica[1], 5);
}

// With no replica left the gateway fails fast with 91 (issuer or switch inoperative)
// after its own service, as an open circuit breaker does, rather than waiting for a timeout.
TEST(FlowUnit, EveryReplicaDownFailsAtOnceWith91) {
  FlowHarness h(two_acquirers());
  h.network.set_host_up(h.node("acq"), 0, false);
  h.network.set_host_up(h.node("acq"), 1, false);
  h.start();
  h.run();
  ASSERT_EQ(h.observer.finals.size(), 10u);
  for (const auto& f : h.observer.finals) {
    EXPECT_EQ(f.outcome, Outcome::kFailed);
    EXPECT_EQ(f.code, ResponseCode::kIssuerInoperative);
    EXPECT_NEAR(f.latency_s, 0.002, 1e-12);  // the gateway's service, nothing more
  }
  EXPECT_TRUE(h.observer.timeouts.empty());
}

// A host that fails while payments are on their way: it is taken out of rotation from
// the change on.
TEST(FlowUnit, AHostThatGoesDownMidRunIsAvoidedFromThenOn) {
  FlowHarness h(two_acquirers());
  h.start();
  h.change_at(0.5, [&](testing::FakeNetwork& n) { n.set_host_up(h.node("acq"), 1, false); });
  h.run();
  ASSERT_EQ(h.observer.finals.size(), 10u);
  for (const auto& f : h.observer.finals) EXPECT_EQ(f.code, ResponseCode::kApproved);
  for (const auto& s : h.observer.services) {
    if (s.station.node != h.node("acq") || s.t <= 0.5) continue;
    EXPECT_EQ(s.station.replica, 0u) << "p" << s.payment;
  }
}

// ---- The issuer's decision ---------------------------------------------------------------

// One card (cards: 1) with a balance of 15.00 and two payments of 10.00: the first holds
// 10.00, the second finds 5.00 available and is declined 51.
TEST(FlowUnit, InsufficientFundsAtTheIssuerIsADecline51) {
  FlowHarness h(
      scenario_yaml({{"CARDS", "1"},
                     {"DURATION", "2s"},
                     {"ISS_EXTRA", ", accounts: {balance: {dist: constant, value: 15.00}}"}}));
  h.start();
  h.run();
  ASSERT_EQ(h.observer.finals.size(), 2u);
  EXPECT_EQ(h.observer.finals[0].code, ResponseCode::kApproved);
  EXPECT_EQ(h.observer.finals[1].code, ResponseCode::kInsufficientFunds);
  EXPECT_EQ(h.observer.finals[1].outcome, Outcome::kDeclined);
  h.flow->close_books(10.0);
  EXPECT_EQ(h.flow->accounts_opening_minor(), 1500);
  EXPECT_EQ(h.flow->accounts_current_minor(), 1500);  // conservation: 5.00 + 10.00 held
  EXPECT_EQ(h.flow->accounts().size(), 1u);
}

TEST(FlowUnit, EnoughFundsForBothApprovesBoth) {
  FlowHarness h(
      scenario_yaml({{"CARDS", "1"},
                     {"DURATION", "2s"},
                     {"ISS_EXTRA", ", accounts: {balance: {dist: constant, value: 20.00}}"}}));
  h.start();
  h.run();
  ASSERT_EQ(h.observer.finals.size(), 2u);
  EXPECT_EQ(h.observer.finals[0].code, ResponseCode::kApproved);
  EXPECT_EQ(h.observer.finals[1].code, ResponseCode::kApproved);
}

// ---- The customer's retry and the gateway's idempotency keys ------------------------------

// The issuer takes 3 s; the customer gives up after 2 s and presses pay again 2 s later
// (t = 4.5), when the first answer (approved, at 3.5035) is stored under the payment's key.
std::string slow_issuer_with_retry(const std::string& key_policy) {
  return scenario_yaml({{"ISS_SERVICE", "3s"},
                        {"GW_EXTRA", ", idempotency: {enabled: true}"},
                        {"PAYER_EXTRA",
                         ", client: {timeout: 2s, retries: 1, retry_delay: {dist: constant, value: "
                         "2s}, idempotency_key: " +
                             key_policy + "}"}});
}

TEST(FlowUnit, ARetryWithTheSameKeyIsReplayedNotChargedAgain) {
  FlowHarness h(slow_issuer_with_retry("reuse"));
  h.start();
  h.run();
  const auto& o = h.observer;
  ASSERT_EQ(o.finals.size(), 1u);
  EXPECT_EQ(o.finals[0].code, ResponseCode::kApproved);
  // The replay answers after the gateway's service: 4.5 + 2 ms.
  EXPECT_NEAR(o.finals[0].t, 4.502, 1e-12);
  ASSERT_EQ(o.key_results.size(), 1u);
  EXPECT_EQ(o.key_results[0], KeyResult::kReplayed);
  EXPECT_EQ(o.payer_late_answers, 1u);  // the first press's answer, after the customer left
  int at_issuer = 0;
  for (const auto& s : o.services) at_issuer += s.station.node == h.node("iss");
  EXPECT_EQ(at_issuer, 1);  // the retry never reached the issuer
  ASSERT_EQ(o.reconciled.size(), 1u);
  EXPECT_EQ(o.reconciled[0].r.standing_charges, 1);
  EXPECT_FALSE(o.reconciled[0].r.duplicate);
}

// Without a key the retry is a new authorization: the issuer charges again. The customer,
// who gave up on this one too (3 s against a 2 s patience), walks away in doubt, charged
// twice.
TEST(FlowUnit, ARetryWithoutAKeyChargesTwice) {
  FlowHarness h(slow_issuer_with_retry("none"));
  h.start();
  h.run();
  const auto& o = h.observer;
  ASSERT_EQ(o.finals.size(), 1u);
  EXPECT_EQ(o.finals[0].outcome, Outcome::kAbandoned);
  EXPECT_NEAR(o.finals[0].t, 4.5 + 2.0, 1e-12);  // the second press's timeout
  EXPECT_TRUE(o.key_results.empty());
  int at_issuer = 0;
  for (const auto& s : o.services) at_issuer += s.station.node == h.node("iss");
  EXPECT_EQ(at_issuer, 2);
  EXPECT_EQ(o.payer_late_answers, 2u);
  ASSERT_EQ(o.reconciled.size(), 1u);
  const core::ReconciledPayment& r = o.reconciled[0].r;
  EXPECT_EQ(r.standing_charges, 2);
  EXPECT_TRUE(r.duplicate);
  EXPECT_EQ(r.cause, core::DuplicateCause::kClientRetry);
  EXPECT_TRUE(r.in_doubt);
  EXPECT_NEAR(o.reconciled[0].t, 4.5035 + 3.0, 1e-12);  // once the second answer is back
}

// ---- Routes that are down -----------------------------------------------------------------

// acq -> net is cut: the acquirer's request is lost on the wire, the acquirer times out
// after its 4 s and answers 91 upstream; its reversal (0400) is lost the same way, sent
// twice, then given up.
TEST(FlowUnit, ARouteDownMeansAHopTimeoutThenA91) {
  FlowHarness h(
      scenario_yaml({{"ACQ_TIMEOUT", "4s"},
                     {"ACQ_EXTRA", ", reversal: {on_timeout: true, attempts: 2, backoff: 1s}"}}));
  h.network.set_route_up(h.node("acq"), h.node("net"), false);
  h.start();
  h.run();
  const auto& o = h.observer;
  ASSERT_EQ(o.timeouts.size(), 3u);  // the authorization, then each send of the reversal
  EXPECT_EQ(o.timeouts[0].station.node, h.node("acq"));
  EXPECT_NEAR(o.timeouts[0].t, 0.503 + 4.0, 1e-12);  // sent after gw and acq service
  ASSERT_EQ(o.finals.size(), 1u);
  EXPECT_EQ(o.finals[0].code, ResponseCode::kIssuerInoperative);
  EXPECT_NEAR(o.finals[0].t, 4.503, 1e-12);
  ASSERT_EQ(o.lost.size(), 1u);
  EXPECT_EQ(o.lost[0], core::Message::kReversal);
  EXPECT_TRUE(std::none_of(o.services.begin(), o.services.end(),
                           [&](const auto& s) { return s.station.node == h.node("net"); }));
}

// The route from the issuer back to the network is cut while the issuer serves: its
// answer is lost on the way, and the network, not the issuer, decides: 91 after its 10 s.
TEST(FlowUnit, ARouteCutWhileTheIssuerServesLosesItsAnswer) {
  FlowHarness h(scenario_yaml({{"ISS_SERVICE", "1s"}}));
  h.start();
  h.change_at(
      1.0, [&](testing::FakeNetwork& n) { n.set_route_up(h.node("net"), h.node("iss"), false); });
  h.run();
  const auto& o = h.observer;
  ASSERT_EQ(o.finals.size(), 1u);
  EXPECT_EQ(o.finals[0].code, ResponseCode::kIssuerInoperative);
  ASSERT_EQ(o.timeouts.size(), 1u);
  EXPECT_EQ(o.timeouts[0].station.node, h.node("net"));
  EXPECT_NEAR(o.timeouts[0].t, 0.5035 + 10.0, 1e-12);  // net sent at 0.5035
}

}  // namespace
}  // namespace payquake::payments
