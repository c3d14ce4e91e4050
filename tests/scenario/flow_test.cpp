// The authorization flow through the real binary, on tiny deterministic scenarios whose
// figures are known exactly from their configuration.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

// gw and acq on `east`, net and iss on `west`, 35 ms apart; constant service times.
// Placeholders: {GW_IO} {GW_WORKERS} {ISS_SERVICE} {ISS_WORKERS} {ISS_QUEUE} {NET_TIMEOUT} {RATE} {DURATION}
std::string network(std::map<std::string, std::string> vars) {
  std::string yaml = R"(name: flow-test
seed: 7
duration: {DURATION}
sites:
  - {id: east, internal_latency: 0.5ms}
  - {id: west, internal_latency: 0.5ms}
links:
  - {between: [east, west], latency: 35ms}
nodes:
  - {id: gw, role: gateway, site: east, workers: {GW_WORKERS}, io: {GW_IO}, service_time: {dist: constant, value: 2ms}, next: [acq], timeout: 30s}
  - {id: acq, role: acquirer, site: east, workers: 100, service_time: {dist: constant, value: 1ms}, next: [net], timeout: 20s}
  - {id: net, role: network, site: west, workers: 100, service_time: {dist: constant, value: 0.5ms}, timeout: {NET_TIMEOUT}}
  - {id: iss, role: issuer, site: west, bins: ["4111"], workers: {ISS_WORKERS}, queue: {ISS_QUEUE}, service_time: {dist: constant, value: {ISS_SERVICE}}}
payers:
  - {id: p, cards: 1000, issuers: {iss: 100%}, entry: gw, amount: {dist: constant, value: 10.00}}
load: {arrival: uniform, start_rate: {RATE}}
)";
  std::map<std::string, std::string> defaults = {
      {"GW_IO", "async"},   {"GW_WORKERS", "100"},   {"ISS_SERVICE", "8ms"}, {"ISS_WORKERS", "100"},
      {"ISS_QUEUE", "1000"}, {"NET_TIMEOUT", "10s"}, {"RATE", "1/s"},        {"DURATION", "1s"}};
  for (auto& [k, v] : vars) defaults[k] = v;
  return fill_template(yaml, defaults);
}

RunOutput run_network(std::map<std::string, std::string> vars, const std::string& label) {
  const std::string dir = temp_dir(label);
  auto r = run_scenario(write_file(dir, "s.yaml", network(std::move(vars))));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r;
}

TEST(Flow, APaymentOnAnIdleNetworkTakesExactlyItsHopsAndServices) {
  const auto r = run_network({}, "idle");
  ASSERT_EQ(r.summary["payments"]["total"], 1);
  ASSERT_EQ(r.summary["payments"]["approved"], 1);
  // Services 2 + 1 + 0.5 + 8 ms; one way gw->acq 0.5 ms, acq->net 35 ms, net->iss 0.5 ms,
  // and the same back.
  const double expected = 0.002 + 0.001 + 0.0005 + 0.008 + 2 * (0.0005 + 0.035 + 0.0005);
  EXPECT_NEAR(r.summary["latency_seconds"]["max"].get<double>(), expected, 1e-12);
  EXPECT_NEAR(r.summary["latency_seconds"]["mean"].get<double>(), expected, 1e-12);
}

TEST(Flow, AFullWaitingRoomRejectsWithCode96) {
  // Ten evenly spaced arrivals in one second; the issuer serves one for 1 s, no queue.
  const auto r = run_network({{"ISS_WORKERS", "1"}, {"ISS_QUEUE", "0"}, {"ISS_SERVICE", "1s"},
                              {"RATE", "10/s"}},
                             "reject");
  EXPECT_EQ(r.summary["payments"]["total"], 10);
  EXPECT_EQ(r.summary["payments"]["approved"], 1);
  EXPECT_EQ(r.summary["payments"]["failed"], 9);
  EXPECT_EQ(r.summary["payments"]["by_code"]["96"], 9);
  EXPECT_EQ(r.summary["nodes"]["iss"]["rejected"], 9);
  EXPECT_NEAR(r.summary["payments"]["success_rate"].get<double>(), 0.1, 1e-12);
}

TEST(Flow, AHopTimeoutAnswers91AndTheLateAnswerIsDiscarded) {
  const auto r = run_network({{"ISS_SERVICE", "5s"}, {"NET_TIMEOUT", "2s"}}, "timeout");
  EXPECT_EQ(r.summary["payments"]["failed"], 1);
  EXPECT_EQ(r.summary["payments"]["by_code"]["91"], 1);
  EXPECT_EQ(r.summary["nodes"]["net"]["timeouts"], 1);
  EXPECT_EQ(r.summary["nodes"]["net"]["late_answers"], 1);
  // The payer hears 91 when the network gives up: services up to the network, the way
  // there and back, and the network's 2 s timeout.
  const double expected = 0.002 + 0.001 + 0.0005 + 2 * (0.0005 + 0.035) + 2.0;
  EXPECT_NEAR(r.summary["latency_seconds"]["max"].get<double>(), expected, 1e-12);
}

TEST(Flow, BlockingIoHoldsTheWorkerUntilTheNextHopAnswers) {
  // Two arrivals 0.5 s apart; the issuer takes 1 s. One gateway worker: with async io it
  // is free again after 2 ms; with blocking io the second payment waits for the first's
  // whole round trip.
  const auto async = run_network(
      {{"GW_WORKERS", "1"}, {"ISS_SERVICE", "1s"}, {"RATE", "2/s"}}, "async");
  const auto blocking = run_network(
      {{"GW_WORKERS", "1"}, {"GW_IO", "blocking"}, {"ISS_SERVICE", "1s"}, {"RATE", "2/s"}},
      "blocking");
  EXPECT_EQ(async.summary["nodes"]["gw"]["queue_wait_seconds"]["mean"].get<double>(), 0.0);
  // First payment holds the worker from 0.25 s until its answer returns at
  // 0.25 + 1 s + services + round trip; the second arrived at 0.75 s.
  const double round_trip = 0.002 + 0.001 + 0.0005 + 1.0 + 2 * (0.0005 + 0.035 + 0.0005);
  const double second_wait = 0.25 + round_trip - 0.75;
  EXPECT_NEAR(blocking.summary["nodes"]["gw"]["queue_wait_seconds"]["mean"].get<double>(),
              second_wait / 2, 0.005 * second_wait);
  EXPECT_EQ(blocking.summary["payments"]["approved"], 2);
}

TEST(Flow, EveryPaymentEndsInExactlyOneFinalState) {
  const auto r = run_network({{"ISS_WORKERS", "2"}, {"ISS_QUEUE", "3"}, {"ISS_SERVICE", "300ms"},
                              {"NET_TIMEOUT", "1s"}, {"RATE", "40/s"}, {"DURATION", "5s"}},
                             "final");
  const auto& p = r.summary["payments"];
  EXPECT_EQ(p["total"].get<int>(), 200);
  EXPECT_EQ(p["approved"].get<int>() + p["declined"].get<int>() + p["failed"].get<int>() +
                p["abandoned"].get<int>(),
            200);
  EXPECT_GT(p["by_code"]["96"].get<int>(), 0);  // the mix really exercised rejections
}


// Two acquirers behind one gateway; `routing` is the gateway's.
RunOutput run_routing(const std::string& routing, const std::string& label) {
  const std::string dir = temp_dir(label);
  const std::string yaml = R"(name: routing-test
duration: 10s
sites: [{id: s, internal_latency: 1ms}]
nodes:
  - {id: gw, role: gateway, site: s, workers: 100, service_time: {dist: constant, value: 1ms}, next: [acq-1, acq-2], routing: )" +
                           routing + R"(}
  - {id: acq-1, role: acquirer, site: s, workers: 100, service_time: {dist: constant, value: 1ms}, next: [net]}
  - {id: acq-2, role: acquirer, site: s, workers: 100, service_time: {dist: constant, value: 1ms}, next: [net]}
  - {id: net, role: network, site: s, workers: 100, service_time: {dist: constant, value: 1ms}}
  - {id: iss-a, role: issuer, site: s, bins: ["4111"], workers: 100, service_time: {dist: constant, value: 1ms}}
  - {id: iss-b, role: issuer, site: s, bins: ["5500"], workers: 100, service_time: {dist: constant, value: 1ms}}
payers:
  - {id: p, cards: 100000, issuers: {iss-a: 25%, iss-b: 75%}, entry: gw, amount: {dist: constant, value: 10.00}}
load: {arrival: uniform, start_rate: 100/s}
)";
  auto r = run_scenario(write_file(dir, "s.yaml", yaml));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r;
}

TEST(Routing, RoundRobinAlternatesFailoverKeepsThePrimary) {
  const auto rr = run_routing("round_robin", "rr");
  EXPECT_EQ(rr.summary["nodes"]["acq-1"]["served"], 500);
  EXPECT_EQ(rr.summary["nodes"]["acq-2"]["served"], 500);
  const auto failover = run_routing("failover", "failover");
  EXPECT_EQ(failover.summary["nodes"]["acq-1"]["served"], 1000);
  EXPECT_EQ(failover.summary["nodes"]["acq-2"]["served"], 0);
  // Evenly spaced arrivals 10 ms apart, each done in a few ms: nothing is ever outstanding
  // when the next one leaves, so least_outstanding always finds acq-1 first.
  const auto least = run_routing("least_outstanding", "least");
  EXPECT_EQ(least.summary["nodes"]["acq-1"]["served"], 1000);
}

TEST(Routing, TheNetworkRoutesByTheCardsBin) {
  const auto r = run_routing("round_robin", "bin");
  const double a = r.summary["nodes"]["iss-a"]["served"].get<double>();
  const double b = r.summary["nodes"]["iss-b"]["served"].get<double>();
  EXPECT_EQ(a + b, 1000);
  // Cards are drawn uniformly from 100,000 and each belongs to iss-a with probability
  // 25%: a binomial count, checked within 5 standard deviations.
  EXPECT_NEAR(a, 250, 5 * std::sqrt(1000 * 0.25 * 0.75));
}

}  // namespace
}  // namespace payquake::testing
