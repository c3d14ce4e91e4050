// Fault injection through the real binary (DESIGN.md section 4, `faults:`): crash (with and
// without stand-in, one replica, restart warm-up), partitions between sites and between
// nodes, latency, loss, slowdown, brown-outs, idempotency store outages and site outages,
// overlapping faults, and both engines giving the same bytes.
//
// Every scenario is tiny and deterministic: one payment per second (uniform arrivals at
// 0.5 s, 1.5 s, ...), constant service times, no randomness anywhere a figure depends on.
// So each payment plays out alone, and which of them a fault touches, and how, follows
// from the configuration; each test states the hand computation. Health checks are the
// oracle (`health_check: {mode: oracle}`, perfect and instant; detection is modelled and
// tested in detection_test.cpp): a hop whose next hop is down or cut off answers 91 at once
// (or the network stands in); a message that meets a fault on its way is lost and the hop that
// sent it hears of it only through its timeout. A platform change at date t applies after
// every event dated before t and before every event dated t or later, so a fault window
// [at, at + duration) is half-open; the zero-latency scenarios put payments exactly on its
// edges to hold that.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

// Double sums such as 0.001 + 0.010 are not exact: figures made of them are compared to
// within this (still many orders of magnitude below any one hop).
constexpr double kExact = 1e-9;

// One site: gw -> acq -> net -> iss, every hop {LAT} one way, zero service time everywhere
// but the issuer ({ISS_SERVICE}). Arrivals at k + 0.5 s for k = 0..19.
// With LAT = 1ms, a payment arriving at t reaches the network at t + 2 ms, which chooses
// the issuer then; the request reaches the issuer at t + 3 ms; the payer hears the answer
// 3 ms after the issuer gives it.
const char* kOneSite = R"(name: faults-test
seed: 11
duration: 20s
sites: [{id: s, internal_latency: {LAT}}]
nodes:
  - {id: gw, role: gateway, site: s, workers: 100, service_time: {dist: constant, value: 0ms}, next: [acq], timeout: 30s{GW_EXTRA}, health_check: {mode: oracle}}
  - {id: acq, role: acquirer, site: s, workers: 100, service_time: {dist: constant, value: 0ms}, next: [net], timeout: 25s, health_check: {mode: oracle}}
  - {id: net, role: network, site: s, workers: 100, service_time: {dist: constant, value: 0ms}, timeout: {NET_TIMEOUT}{NET_EXTRA}, health_check: {mode: oracle}}
  - {id: iss, role: issuer, site: s, bins: ["4111"], replicas: {ISS_REPLICAS}, workers: 100, service_time: {dist: constant, value: {ISS_SERVICE}}}
payers:
  - {id: p, cards: 1000000, issuers: {iss: 100%}, entry: gw, amount: {dist: constant, value: 10.00}, client: {CLIENT}}
load: {arrival: uniform, start_rate: 1/s}
faults: {FAULTS}
)";

// Two sites: gw and acq on `east`, net and iss on `west`, 1 ms inside a site, 10 ms
// between them; zero service time but the issuer's. A payment arriving at t: acq at
// t + 1 ms sends across the link, net at t + 11 ms, iss at t + 12 ms; the answer leaves
// the issuer at t + 12 ms + service, crosses back net -> acq at t + 13 ms + service and
// reaches the payer at t + 24 ms + service.
const char* kTwoSites = R"(name: faults-test
seed: 11
duration: 20s
sites:
  - {id: east, internal_latency: 1ms}
  - {id: west, internal_latency: 1ms}
links:
  - {between: [east, west], latency: 10ms}
nodes:
  - {id: gw, role: gateway, site: east, workers: 100, service_time: {dist: constant, value: 0ms}, next: [acq], timeout: 30s, health_check: {mode: oracle}}
  - {id: acq, role: acquirer, site: east, workers: 100, service_time: {dist: constant, value: 0ms}, next: [net], timeout: {ACQ_TIMEOUT}, health_check: {mode: oracle}}
  - {id: net, role: network, site: west, workers: 100, service_time: {dist: constant, value: 0ms}, timeout: 20s, health_check: {mode: oracle}}
  - {id: iss, role: issuer, site: west, bins: ["4111"], workers: 100, service_time: {dist: constant, value: {ISS_SERVICE}}}
payers:
  - {id: p, cards: 1000000, issuers: {iss: 100%}, entry: gw, amount: {dist: constant, value: 10.00}, client: {timeout: 60s}}
load: {arrival: uniform, start_rate: 1/s}
faults: {FAULTS}
)";

std::string one_site(std::map<std::string, std::string> vars) {
  std::map<std::string, std::string> all = {
      {"LAT", "1ms"},        {"ISS_SERVICE", "100ms"},      {"ISS_REPLICAS", "1"},
      {"NET_TIMEOUT", "2s"}, {"NET_EXTRA", ""},             {"GW_EXTRA", ""},
      {"FAULTS", "[]"},      {"CLIENT", "{timeout: 60s}"}};
  for (auto& [k, v] : vars) all[k] = v;
  return fill_template(kOneSite, all);
}

std::string two_sites(std::map<std::string, std::string> vars) {
  std::map<std::string, std::string> all = {
      {"ISS_SERVICE", "100ms"}, {"ACQ_TIMEOUT", "3s"}, {"FAULTS", "[]"}};
  for (auto& [k, v] : vars) all[k] = v;
  return fill_template(kTwoSites, all);
}

// Runs a scenario; every run must exit 0 and conserve money.
RunOutput run(const std::string& yaml, const std::string& label,
              const std::vector<std::string>& extra = {}) {
  const std::string dir = temp_dir("faults-" + label);
  auto r = run_scenario(write_file(dir, "s.yaml", yaml), extra);
  EXPECT_EQ(r.exit_code, 0) << label << ": " << r.err;
  EXPECT_EQ(r.summary["conservation"]["ok"], true) << label << ": " << r.summary["conservation"];
  EXPECT_EQ(r.summary["conservation"]["delta_minor_units"], 0) << label;
  EXPECT_EQ(r.summary["payments"]["total"], 20) << label;
  return r;
}

int i(const nlohmann::json& j) { return j.get<int>(); }
double d(const nlohmann::json& j) { return j.get<double>(); }

// ---- crash -----------------------------------------------------------------------------

TEST(Crash, OfTheOnlyIssuerFailsExactlyThePaymentsWhoseIssuerHopFallsInTheWindow) {
  // Issuer service 1 s, network timeout 2 s, issuer down over [5 s, 9 s).
  //   4.5: at the issuer 4.503..5.503, in service at the crash: lost with the host; the
  //        network's timeout (sent 4.502, fires 6.502) answers 91, the payer hears it at
  //        6.504: latency 2.004.
  //   5.5, 6.5, 7.5, 8.5: the network looks for the issuer at t + 2 ms, inside the window,
  //        finds it down and answers 91 at once: latency 4 ms.
  //   3.5 (done 4.503) and 9.5 on: approved, latency 1 s + 6 ms.
  const auto r = run(one_site({{"ISS_SERVICE", "1s"},
                               {"FAULTS", "[{kind: crash, target: iss, at: 5s, duration: 4s}]"}}),
                     "crash");
  const auto& s = r.summary;
  EXPECT_EQ(s["payments"]["approved"], 15);
  EXPECT_EQ(s["payments"]["failed"], 5);
  EXPECT_EQ(s["payments"]["by_code"]["91"], 5);
  EXPECT_EQ(s["nodes"]["net"]["timeouts"], 1);  // only the payment lost in service
  EXPECT_EQ(s["nodes"]["iss"]["served"], 16);   // 15 approved + the one lost in service
  EXPECT_NEAR(d(s["latency_seconds"]["max"]), 2.004, kExact);
  EXPECT_NEAR(d(s["latency_seconds"]["mean"]), (15 * 1.006 + 2.004 + 4 * 0.004) / 20, kExact);
  // Nothing was approved by the issuer that the payer did not hear of.
  EXPECT_EQ(s["duplicates"]["orphan_holds"], 0);
  EXPECT_EQ(s["duplicates"]["count"], 0);
}

TEST(Crash, TheWindowIsHalfOpenAtExactlyCoincidingDates) {
  // Zero latency, issuer 100 ms, down over [5.5 s, 8.5 s). The payment arriving at 5.5
  // reaches the network at 5.5, after the crash applied at 5.5: 91. The one at 8.5 finds
  // the issuer back (the restart at 8.5 applies before it): approved. So 5.5, 6.5 and 7.5
  // fail at once (latency 0), the 17 others take exactly 100 ms.
  const auto r =
      run(one_site({{"LAT", "0ms"},
                    {"FAULTS", "[{kind: crash, target: iss, at: 5.5s, duration: 3s}]"}}),
          "crash-edges");
  const auto& s = r.summary;
  EXPECT_EQ(s["payments"]["approved"], 17);
  EXPECT_EQ(s["payments"]["by_code"]["91"], 3);
  EXPECT_EQ(s["nodes"]["iss"]["served"], 17);
  EXPECT_EQ(s["nodes"]["net"]["timeouts"], 0);
  EXPECT_NEAR(d(s["latency_seconds"]["mean"]), 17 * 0.1 / 20, kExact);
  EXPECT_NEAR(d(s["latency_seconds"]["max"]), 0.1, kExact);
}

TEST(Crash, OfOneReplicaOfTwoSendsTheTrafficToTheOther) {
  // iss[1] down over [5 s, 9 s); nothing is in service at 5 s (100 ms services, one
  // payment a second). Replicas are load-balanced over those up: every payment is
  // approved, none times out, none takes longer than on an idle network (106 ms).
  const auto r = run(one_site({{"ISS_REPLICAS", "2"},
                               {"FAULTS", R"([{kind: crash, target: "iss[1]", at: 5s, duration: 4s}])"}}),
                     "crash-replica");
  const auto& s = r.summary;
  EXPECT_EQ(s["payments"]["approved"], 20);
  EXPECT_EQ(s["payments"]["failed"], 0);
  EXPECT_EQ(s["nodes"]["iss"]["served"], 20);
  EXPECT_EQ(s["nodes"]["net"]["timeouts"], 0);
  EXPECT_NEAR(d(s["latency_seconds"]["max"]), 0.106, kExact);
  // The same window on both replicas (the node) fails the 4 payments sent while it is down.
  const auto both = run(one_site({{"ISS_REPLICAS", "2"},
                                  {"FAULTS", "[{kind: crash, target: iss, at: 5s, duration: 4s}]"}}),
                        "crash-both-replicas");
  EXPECT_EQ(both.summary["payments"]["approved"], 16);
  EXPECT_EQ(both.summary["payments"]["by_code"]["91"], 4);
}

TEST(Crash, WithStandInApprovesOnTheIssuersBehalfAndDeliversTheAdvicesAfterTheRestart) {
  // Zero latency, issuer 250 ms, network timeout 1 s, stand-in on (max 200.00, payments
  // are 10.00). Issuer down over [4.6 s, 7.6 s).
  //   4.5: in service 4.5..4.75, lost in the crash; the network's timeout at 5.5 stands in
  //        (approved, latency 1 s).
  //   5.5, 6.5, 7.5: the issuer is down when the network looks: stand-in at once
  //        (latency 0).
  //   Every other payment is approved by the issuer in 250 ms.
  // The network stores the 4 advices (0120) while the issuer is unreachable and sends each
  // once when it is back at 7.6; they take 250 ms each at the issuer.
  const auto r = run(one_site({{"LAT", "0ms"},
                               {"ISS_SERVICE", "250ms"},
                               {"NET_TIMEOUT", "1s"},
                               {"NET_EXTRA", ", stand_in: {enabled: true, max_amount: 200.00}"},
                               {"FAULTS", "[{kind: crash, target: iss, at: 4.6s, duration: 3s}]"}}),
                     "crash-stand-in");
  const auto& s = r.summary;
  EXPECT_EQ(s["payments"]["approved"], 20);
  EXPECT_EQ(s["payments"]["failed"], 0);
  EXPECT_EQ(s["attempts"]["stand_in_approvals"], 4);
  EXPECT_EQ(s["attempts"]["stand_in_declines"], 0);
  EXPECT_EQ(s["attempts"]["advices"], 4);
  EXPECT_EQ(s["attempts"]["advices_lost"], 0);
  EXPECT_EQ(s["nodes"]["net"]["timeouts"], 1);  // 4.5's authorization; no advice timed out
  // 17 authorizations (all but 5.5, 6.5, 7.5; 4.5's lost in service included) and the 4
  // advices.
  EXPECT_EQ(s["nodes"]["iss"]["served"], 21);
  EXPECT_EQ(s["duplicates"]["count"], 0);
  EXPECT_EQ(s["duplicates"]["orphan_holds"], 0);
  EXPECT_NEAR(d(s["latency_seconds"]["max"]), 1.0, kExact);
  EXPECT_NEAR(d(s["latency_seconds"]["mean"]), (16 * 0.25 + 1.0) / 20, kExact);
  // Per 1 s window: stand-ins at 5.5 (two: 4.5's after its timeout, and 5.5's), 6.5, 7.5.
  // The issuer (100 workers) does nothing while down: window 4 holds 4.5..4.6 of service,
  // windows 5 and 6 none, window 7 the 4 advices (4 x 250 ms), the others one 250 ms
  // authorization.
  const auto stand_ins = csv_column(r.timeseries, "stand_in_approvals");
  const auto busy = csv_column(r.timeseries, "iss_utilisation");
  ASSERT_GE(stand_ins.size(), 10u);
  ASSERT_GE(busy.size(), 10u);
  const std::vector<double> expected_stand_ins = {0, 0, 0, 0, 0, 2, 1, 1, 0, 0};
  const std::vector<double> expected_busy = {0.0025, 0.0025, 0.0025, 0.0025, 0.001,
                                             0,      0,      0.01,   0.0025, 0.0025};
  for (std::size_t w = 0; w < 10; ++w) {
    EXPECT_EQ(stand_ins[w], expected_stand_ins[w]) << "window " << w;
    EXPECT_NEAR(busy[w], expected_busy[w], 1e-9) << "window " << w;
  }
}

TEST(Crash, ARestartWarmUpSlowsTheServicesStartingInIt) {
  // Zero latency, issuer 100 ms, down over [5.5 s, 8.5 s), then warm for 2 s: services
  // starting in [8.5 s, 10.5 s) take twice as long. 5.5, 6.5, 7.5 fail (91 at once); 8.5
  // and 9.5 take 200 ms; 10.5 (on the warm-up's end) and the others 100 ms.
  const auto check = [](const nlohmann::json& s, double slow) {
    EXPECT_EQ(s["payments"]["approved"], 17);
    EXPECT_EQ(s["payments"]["by_code"]["91"], 3);
    EXPECT_EQ(s["nodes"]["iss"]["served"], 17);
    EXPECT_NEAR(d(s["nodes"]["iss"]["service_seconds"]["mean"]), (15 * 0.1 + 2 * slow) / 17,
                kExact);
    EXPECT_NEAR(d(s["latency_seconds"]["max"]), slow, kExact);
  };
  check(run(one_site({{"LAT", "0ms"},
                      {"FAULTS",
                       "[{kind: crash, target: iss, at: 5.5s, duration: 3s, restart: {warmup: 2s, "
                       "slowdown: 2}}]"}}),
            "restart")
            .summary,
        0.2);
  // slowdown defaults to 2.
  check(run(one_site({{"LAT", "0ms"},
                      {"FAULTS",
                       "[{kind: crash, target: iss, at: 5.5s, duration: 3s, restart: {warmup: 2s}}]"}}),
            "restart-default")
            .summary,
        0.2);
  check(run(one_site({{"LAT", "0ms"},
                      {"FAULTS",
                       "[{kind: crash, target: iss, at: 5.5s, duration: 3s, restart: {warmup: 2s, "
                       "slowdown: 5}}]"}}),
            "restart-5")
            .summary,
        0.5);
}

TEST(Crash, OfTheEntryGatewayLeavesItsCustomersWithoutAnAnswer) {
  // The payer has no health check in front of its entry: gw down over [5 s, 8 s), issuer
  // 1 s, customers wait 2 s.
  //   4.5: forwarded before the crash; the gateway forgets it, so the issuer's answer
  //        (back at 5.506) has nobody to go to: the customer walks away at 6.5.
  //   5.5, 6.5, 7.5: sent to a gateway that is down, lost: abandoned at t + 2 s.
  //   The others: approved in 1.006 s.
  const auto r = run(one_site({{"ISS_SERVICE", "1s"},
                               {"CLIENT", "{timeout: 2s}"},
                               {"FAULTS", "[{kind: crash, target: gw, at: 5s, duration: 3s}]"}}),
                     "crash-gateway");
  const auto& s = r.summary;
  EXPECT_EQ(s["payments"]["approved"], 16);
  EXPECT_EQ(s["payments"]["abandoned"], 4);
  EXPECT_EQ(s["payments"]["failed"], 0);
  EXPECT_EQ(s["duplicates"]["in_doubt"]["count"], 4);
  EXPECT_EQ(s["nodes"]["gw"]["served"], 17);  // all but the 3 sent while it was down
  EXPECT_NEAR(d(s["latency_seconds"]["max"]), 2.0, kExact);
  EXPECT_NEAR(d(s["latency_seconds"]["mean"]), (16 * 1.006 + 4 * 2.0) / 20, kExact);
}

TEST(Crash, StoredAdvicesSurviveABrownOutAfterTheRestart) {
  // The stand-in scenario above, and right after the restart a brown-out: every request
  // to the issuer over [7.6 s, 9 s) is answered 96. The 4 stored advices meet it at 7.6;
  // an advice is stored and forwarded until the issuer takes it, resent at the reversal
  // backoff (1 s): 7.6 (refused), 8.6 (refused), 9.6 (taken): 3 sends each, none lost.
  // (The one authorization in the brown-out, 8.5, fails 96.)
  const auto r = run(one_site({{"LAT", "0ms"},
                               {"ISS_SERVICE", "250ms"},
                               {"NET_TIMEOUT", "1s"},
                               {"NET_EXTRA", ", stand_in: {enabled: true, max_amount: 200.00}"},
                               {"FAULTS",
                                "[{kind: crash, target: iss, at: 4.6s, duration: 3s}, "
                                R"({kind: errors, target: iss, at: 7.6s, duration: 1.4s, rate: 100%, code: "96"}])"}}),
                     "advices-brown-out");
  const auto& s = r.summary;
  EXPECT_EQ(s["payments"]["approved"], 19);
  EXPECT_EQ(s["payments"]["by_code"]["96"], 1);
  EXPECT_EQ(s["attempts"]["stand_in_approvals"], 4);
  EXPECT_EQ(s["attempts"]["advices_lost"], 0);
  EXPECT_EQ(s["attempts"]["advices"], 12);
  EXPECT_EQ(s["nodes"]["iss"]["served"], 16 + 4);  // 17 authorizations but 8.5, 4 advices
}

// ---- partitions --------------------------------------------------------------------------

TEST(Partition, BetweenSitesCutsExactlyTheCrossSiteMessagesOfTheWindow) {
  // Issuer 1 s, acquirer timeout 3 s, east and west cut over [5 s, 8 s).
  //   4.5: crossed east -> west at 4.501..4.511 (before the cut); approved by the issuer at
  //        5.512; the network sends the answer back across at 5.513, inside the cut: lost.
  //        The acquirer's timeout (sent 4.501, fires 7.501) answers 91: latency 3.002. The
  //        issuer's hold stands while the payer saw a failure: an orphan hold.
  //   5.5, 6.5, 7.5: the acquirer (the hop before the cut) finds no reachable next hop at
  //        t + 1 ms: 91 at once, latency 2 ms.
  //   The others: approved, latency 1.024.
  const auto r = run(
      two_sites({{"ISS_SERVICE", "1s"},
                 {"FAULTS", "[{kind: partition, between: [east, west], at: 5s, duration: 3s}]"}}),
      "partition-sites");
  const auto& s = r.summary;
  EXPECT_EQ(s["payments"]["approved"], 16);
  EXPECT_EQ(s["payments"]["failed"], 4);
  EXPECT_EQ(s["payments"]["by_code"]["91"], 4);
  EXPECT_EQ(s["nodes"]["acq"]["timeouts"], 1);
  EXPECT_EQ(s["nodes"]["net"]["timeouts"], 0);
  EXPECT_EQ(s["nodes"]["iss"]["served"], 17);  // all but 5.5, 6.5, 7.5
  EXPECT_EQ(s["duplicates"]["orphan_holds"], 1);
  EXPECT_NEAR(d(s["latency_seconds"]["max"]), 3.002, kExact);
  EXPECT_NEAR(d(s["latency_seconds"]["mean"]), (16 * 1.024 + 3.002 + 3 * 0.002) / 20, kExact);

  // A request on the wire when the cut starts is lost too. Cut over [4.505 s, 6.505 s):
  // 4.5's request crosses 4.501..4.511, is lost, and the acquirer answers 91 at 7.501;
  // 5.5 and 6.5 (acquirer at 6.501) fail at once; 7.5 is after the cut.
  const auto wire = run(two_sites({{"FAULTS",
                                    "[{kind: partition, between: [east, west], at: 4.505s, "
                                    "duration: 2s}]"}}),
                        "partition-wire");
  const auto& w = wire.summary;
  EXPECT_EQ(w["payments"]["approved"], 17);
  EXPECT_EQ(w["payments"]["by_code"]["91"], 3);
  EXPECT_EQ(w["nodes"]["acq"]["timeouts"], 1);
  EXPECT_EQ(w["nodes"]["iss"]["served"], 17);  // the lost request never got there
  EXPECT_EQ(w["duplicates"]["orphan_holds"], 0);
  EXPECT_NEAR(d(w["latency_seconds"]["max"]), 3.002, kExact);
}

TEST(Partition, BetweenTwoNodesOfASiteCutsOnlyTheirMessages) {
  // One site, 1 ms hops, issuer 1 s, network timeout 2 s; net and iss cut over [5 s, 8 s).
  //   4.5: the issuer approves at 5.503 and answers; the answer to the network is lost; the
  //        network's timeout (6.502) answers 91: latency 2.004, and an orphan hold.
  //   5.5, 6.5, 7.5: the network finds the issuer unreachable at t + 2 ms: 91 at once.
  const auto r =
      run(one_site({{"ISS_SERVICE", "1s"},
                    {"FAULTS", "[{kind: partition, between: [net, iss], at: 5s, duration: 3s}]"}}),
          "partition-nodes");
  const auto& s = r.summary;
  EXPECT_EQ(s["payments"]["approved"], 16);
  EXPECT_EQ(s["payments"]["by_code"]["91"], 4);
  EXPECT_EQ(s["nodes"]["net"]["timeouts"], 1);
  EXPECT_EQ(s["nodes"]["iss"]["served"], 17);
  EXPECT_EQ(s["duplicates"]["orphan_holds"], 1);
  EXPECT_NEAR(d(s["latency_seconds"]["max"]), 2.004, kExact);

  // A cut between two nodes that never talk to each other changes nothing.
  const auto aside =
      run(one_site({{"ISS_SERVICE", "1s"},
                    {"FAULTS", "[{kind: partition, between: [gw, iss], at: 5s, duration: 3s}]"}}),
          "partition-aside");
  EXPECT_EQ(aside.summary["payments"]["approved"], 20);
  EXPECT_NEAR(d(aside.summary["latency_seconds"]["max"]), 1.006, kExact);
}

// Three sites in a line, north - east - west, 10 ms per link, 1 ms inside a site; gw and
// acq on {ENTRY}, net and iss on west; issuer 100 ms; acquirer timeout 3 s.
std::string three_sites(const std::string& entry, const std::string& faults) {
  const char* yaml = R"(name: faults-test
seed: 11
duration: 20s
sites:
  - {id: north, internal_latency: 1ms}
  - {id: east, internal_latency: 1ms}
  - {id: west, internal_latency: 1ms}
links:
  - {between: [north, east], latency: 10ms}
  - {between: [east, west], latency: 10ms}
nodes:
  - {id: gw, role: gateway, site: {ENTRY}, workers: 100, service_time: {dist: constant, value: 0ms}, next: [acq], timeout: 30s, health_check: {mode: oracle}}
  - {id: acq, role: acquirer, site: {ENTRY}, workers: 100, service_time: {dist: constant, value: 0ms}, next: [net], timeout: 3s, health_check: {mode: oracle}}
  - {id: net, role: network, site: west, workers: 100, service_time: {dist: constant, value: 0ms}, timeout: 20s, health_check: {mode: oracle}}
  - {id: iss, role: issuer, site: west, bins: ["4111"], workers: 100, service_time: {dist: constant, value: 100ms}}
payers:
  - {id: p, cards: 1000000, issuers: {iss: 100%}, entry: gw, amount: {dist: constant, value: 10.00}, client: {timeout: 60s}}
load: {arrival: uniform, start_rate: 1/s}
faults: {FAULTS}
)";
  return fill_template(yaml, {{"ENTRY", entry}, {"FAULTS", faults}});
}

TEST(Partition, BetweenTwoSitesLeavesTrafficBetweenOtherSitesAlone) {
  // Cutting north from west (whose route runs through east) must not cut east from west:
  // with the entry on east, no message of any payment goes to or from north.
  const auto r = run(three_sites("east", "[{kind: partition, between: [north, west], at: 5s, duration: 3s}]"),
                     "partition-third-site");
  EXPECT_EQ(r.summary["payments"]["approved"], 20);
  EXPECT_EQ(r.summary["payments"]["by_code"]["91"], 0);
  // And it does cut north from west: with the entry on north, 5.5, 6.5, 7.5 fail at once.
  const auto cut = run(three_sites("north", "[{kind: partition, between: [north, west], at: 5s, duration: 3s}]"),
                       "partition-third-site-cut");
  EXPECT_EQ(cut.summary["payments"]["approved"], 17);
  EXPECT_EQ(cut.summary["payments"]["by_code"]["91"], 3);
}

TEST(Partition, AMessageOnTheWireWhileTheLinkIsCutIsLostEvenIfTheCutEndsBeforeItArrives) {
  // Two sites, 10 ms link: 4.5's request crosses 4.501..4.511. A 2 ms cut at 4.503 falls
  // inside its flight: lost, and the acquirer times out at 7.501 (91).
  const auto r = run(two_sites({{"FAULTS",
                                 "[{kind: partition, between: [east, west], at: 4.503s, duration: 2ms}]"}}),
                     "partition-flap");
  EXPECT_EQ(r.summary["payments"]["approved"], 19);
  EXPECT_EQ(r.summary["payments"]["by_code"]["91"], 1);
  EXPECT_EQ(r.summary["nodes"]["acq"]["timeouts"], 1);
}

// ---- links -------------------------------------------------------------------------------

TEST(Link, ALatencyFaultAddsItsDelayToEveryCrossingSentInTheWindow) {
  // +400 ms one way on east/west over [5 s, 8 s), no jitter; issuer 100 ms, normal latency
  // 124 ms. A message takes the latency in force when it is sent.
  //   5.5, 6.5: request crosses at t + 1 ms and the answer at t + 413 ms + 100 ms, both in
  //             the window: 124 ms + 800 ms.
  //   7.5: request at 7.501 (+400 ms), answer leaves net at 8.013, after the window:
  //        124 ms + 400 ms.
  const auto base = run(two_sites({}), "latency-base");
  EXPECT_NEAR(d(base.summary["latency_seconds"]["max"]), 0.124, kExact);
  const auto r = run(two_sites({{"FAULTS",
                                 R"([{kind: latency, target: "link:east/west", at: 5s, duration: 3s, add: 400ms, jitter: 0ms}])"}}),
                     "latency");
  const auto& s = r.summary;
  EXPECT_EQ(s["payments"]["approved"], 20);
  EXPECT_NEAR(d(s["latency_seconds"]["max"]), d(base.summary["latency_seconds"]["max"]) + 2 * 0.4,
              kExact);
  EXPECT_NEAR(d(s["latency_seconds"]["mean"]), (17 * 0.124 + 2 * 0.924 + 0.524) / 20, kExact);
  // Written the other way round and as site:east, the same link.
  const auto reversed = run(two_sites({{"FAULTS",
                                        R"([{kind: latency, target: "link:west/east", at: 5s, duration: 3s, add: 400ms}])"}}),
                            "latency-reversed");
  EXPECT_EQ(reversed.summary["latency_seconds"], s["latency_seconds"]);
  const auto site = run(two_sites({{"FAULTS",
                                    R"([{kind: latency, target: "site:east", at: 5s, duration: 3s, add: 400ms}])"}}),
                        "latency-site");
  EXPECT_EQ(site.summary["latency_seconds"], s["latency_seconds"]);
}

TEST(NodeLink, ALatencyFaultOnANodeDelaysEveryMessageToOrFromIt) {
  // +400 ms on every message to or from iss over [5 s, 8 s); one site, 1 ms a hop, issuer
  // 100 ms: normal latency 106 ms. Only net <-> iss messages touch the issuer.
  //   5.5, 6.5: request leaves net at t + 2 ms, the answer leaves iss at t + 503 ms + 100 ms,
  //             both in the window: +800 ms.
  //   7.5: request in the window (+400 ms), answer leaves at 8.103, after it.
  const auto base = run(one_site({}), "node-latency-base");
  EXPECT_NEAR(d(base.summary["latency_seconds"]["max"]), 0.106, kExact);
  const auto r = run(
      one_site({{"FAULTS", "[{kind: latency, target: iss, at: 5s, duration: 3s, add: 400ms}]"}}),
      "node-latency");
  const auto& s = r.summary;
  EXPECT_EQ(s["payments"]["approved"], 20);
  EXPECT_NEAR(d(s["latency_seconds"]["max"]), 0.106 + 0.8, kExact);
  EXPECT_NEAR(d(s["latency_seconds"]["mean"]), (17 * 0.106 + 2 * 0.906 + 0.506) / 20, kExact);
}

TEST(NodeLink, TotalLossOnANodeLosesEveryMessageToOrFromIt) {
  // 100% loss on acq over [5 s, 8 s): gw's requests of 5.5, 6.5 and 7.5 (leaving at
  // t + 1 ms) are lost; gw's timeout (30 s) answers 91. The issuer never sees them.
  // Health checks here are the oracle, which a loss fault does not fool.
  const auto r =
      run(one_site({{"FAULTS", "[{kind: loss, target: acq, at: 5s, duration: 3s, rate: 100%}]"}}),
          "node-loss");
  const auto& s = r.summary;
  EXPECT_EQ(s["payments"]["approved"], 17);
  EXPECT_EQ(s["payments"]["by_code"]["91"], 3);
  EXPECT_EQ(s["nodes"]["gw"]["timeouts"], 3);
  EXPECT_EQ(s["nodes"]["iss"]["served"], 17);
  EXPECT_EQ(s["faults"][0]["target"], "acq");
}

TEST(Link, TotalLossTimesOutEveryPaymentThatCrossesInTheWindow) {
  // 100% loss on east/west over [5 s, 8 s); issuer 1 s; acquirer timeout 3 s.
  //   4.5: approved by the issuer at 5.512, the answer is lost crossing at 5.513: the
  //        acquirer times out at 7.501 (91, latency 3.002) and the hold is an orphan.
  //   5.5, 6.5, 7.5: the request is lost crossing at t + 1 ms (loss is not a health check:
  //        the acquirer still sends); 91 at t + 3.002.
  const auto r = run(two_sites({{"ISS_SERVICE", "1s"},
                                {"FAULTS",
                                 R"([{kind: loss, target: "link:east/west", at: 5s, duration: 3s, rate: 100%}])"}}),
                     "loss");
  const auto& s = r.summary;
  EXPECT_EQ(s["payments"]["approved"], 16);
  EXPECT_EQ(s["payments"]["failed"], 4);
  EXPECT_EQ(s["payments"]["by_code"]["91"], 4);
  EXPECT_EQ(s["nodes"]["acq"]["timeouts"], 4);
  EXPECT_EQ(s["nodes"]["acq"]["late_answers"], 0);  // nothing lost ever comes back
  EXPECT_EQ(s["nodes"]["iss"]["served"], 17);
  EXPECT_EQ(s["duplicates"]["orphan_holds"], 1);
  EXPECT_NEAR(d(s["latency_seconds"]["max"]), 3.002, kExact);
  EXPECT_NEAR(d(s["latency_seconds"]["mean"]), (16 * 1.024 + 4 * 3.002) / 20, kExact);
}

TEST(Link, LossAndJitterActOnEveryRouteThatCrossesTheLink) {
  // Entry on north, issuer on west: every request and answer crosses east/west (route
  // north - east - west, normal latency 144 ms). 100% loss on link:east/west over
  // [5 s, 8 s) loses 5.5, 6.5, 7.5's requests: 91 at t + 3.001 + 1 ms.
  const auto loss = run(three_sites("north", R"([{kind: loss, target: "link:east/west", at: 5s, duration: 3s, rate: 100%}])"),
                        "loss-route");
  EXPECT_EQ(loss.summary["payments"]["approved"], 17);
  EXPECT_EQ(loss.summary["payments"]["by_code"]["91"], 3);
  EXPECT_EQ(loss.summary["nodes"]["acq"]["timeouts"], 3);
  // The added latency does act on the route (it is the link's own latency):
  // 5.5 and 6.5 cross twice in the window, 7.5 once (its answer crosses at 8.023).
  const auto latency = run(three_sites("north", R"([{kind: latency, target: "link:east/west", at: 5s, duration: 3s, add: 400ms}])"),
                           "latency-route");
  EXPECT_NEAR(d(latency.summary["latency_seconds"]["max"]), 0.144 + 0.8, kExact);
  // So must the jitter: up to 400 ms more per crossing, drawn uniformly (never exactly 0).
  const auto jitter = run(three_sites("north", R"([{kind: latency, target: "link:east/west", at: 5s, duration: 3s, add: 0ms, jitter: 400ms}])"),
                          "jitter-route");
  EXPECT_GT(d(jitter.summary["latency_seconds"]["max"]), 0.144 + kExact);
  EXPECT_LE(d(jitter.summary["latency_seconds"]["max"]), 0.144 + 0.8 + kExact);
}

// ---- slowdown and brown-outs ---------------------------------------------------------------

TEST(Slowdown, MultipliesTheServicesStartingInTheWindow) {
  // Zero latency, issuer 800 ms, factor 4 over [5 s, 8.5 s). 4.5 is in service at 5 s but
  // started before: 800 ms. 5.5, 6.5, 7.5 start inside: 3.2 s (7.5's runs past the end).
  // 8.5 starts on the end: 800 ms.
  const auto r = run(one_site({{"LAT", "0ms"},
                               {"ISS_SERVICE", "800ms"},
                               {"NET_TIMEOUT", "10s"},
                               {"FAULTS", "[{kind: slowdown, target: iss, at: 5s, duration: 3.5s, factor: 4}]"}}),
                     "slowdown");
  const auto& s = r.summary;
  EXPECT_EQ(s["payments"]["approved"], 20);
  EXPECT_NEAR(d(s["nodes"]["iss"]["service_seconds"]["mean"]), (17 * 0.8 + 3 * 3.2) / 20, kExact);
  EXPECT_NEAR(d(s["nodes"]["iss"]["service_seconds"]["p99"]), 3.2, 0.005 * 3.2);
  EXPECT_NEAR(d(s["latency_seconds"]["max"]), 3.2, kExact);
  // The other nodes are untouched.
  EXPECT_EQ(d(s["nodes"]["net"]["service_seconds"]["mean"]), 0.0);
}

TEST(Errors, ABrownOutAt100PercentDeclinesThePaymentsOfTheWindowAtOnce) {
  // 1 ms hops, issuer 100 ms; errors 100% code 05 over [5 s, 8 s). 5.5, 6.5, 7.5 reach the
  // issuer at t + 3 ms and are declined 05 without service: latency 6 ms. The rest are
  // approved in 106 ms.
  const auto r = run(one_site({{"FAULTS",
                                R"([{kind: errors, target: iss, at: 5s, duration: 3s, rate: 100%, code: "05"}])"}}),
                     "errors");
  const auto& s = r.summary;
  EXPECT_EQ(s["payments"]["approved"], 17);
  EXPECT_EQ(s["payments"]["declined"], 3);
  EXPECT_EQ(s["payments"]["by_code"]["05"], 3);
  EXPECT_EQ(s["nodes"]["iss"]["served"], 17);
  EXPECT_NEAR(d(s["latency_seconds"]["mean"]), (17 * 0.106 + 3 * 0.006) / 20, kExact);
  // Without a code, a brown-out answers 96 (a failure, not a decline).
  const auto dflt = run(one_site({{"FAULTS", "[{kind: errors, target: iss, at: 5s, duration: 3s, rate: 100%}]"}}),
                        "errors-96");
  EXPECT_EQ(dflt.summary["payments"]["failed"], 3);
  EXPECT_EQ(dflt.summary["payments"]["by_code"]["96"], 3);
}

TEST(Errors, OnOneReplicaTouchesOnlyThePaymentsSentToIt) {
  // Two issuer replicas, round robin: payment k goes to iss[k % 2]. iss[1] declines
  // everything over [5 s, 8 s): of 5.5, 6.5, 7.5 (k = 5, 6, 7), 5.5 and 7.5.
  const auto r = run(one_site({{"ISS_REPLICAS", "2"},
                               {"FAULTS",
                                R"([{kind: errors, target: "iss[1]", at: 5s, duration: 3s, rate: 100%, code: "05"}])"}}),
                     "errors-replica");
  EXPECT_EQ(r.summary["payments"]["approved"], 18);
  EXPECT_EQ(r.summary["payments"]["by_code"]["05"], 2);
}

// ---- the idempotency store -----------------------------------------------------------------

TEST(StoreOutage, FailClosedRefusesKeyedPaymentsAndFailOpenProcessesThem) {
  // Zero service at the gateway: a payment arriving at t is looked up at t. Store down over
  // [5 s, 8 s): 5.5, 6.5, 7.5 meet it.
  const auto scenario = [](const std::string& policy) {
    return one_site({{"GW_EXTRA", ", idempotency: {enabled: true, on_store_failure: " + policy + "}"},
                     {"CLIENT", "{timeout: 60s, idempotency_key: reuse}"},
                     {"FAULTS", "[{kind: store_outage, target: gw.idempotency, at: 5s, duration: 3s}]"}});
  };
  const auto closed = run(scenario("fail_closed"), "store-closed");
  EXPECT_EQ(closed.summary["payments"]["approved"], 17);
  EXPECT_EQ(closed.summary["payments"]["failed"], 3);
  EXPECT_EQ(closed.summary["payments"]["by_code"]["96"], 3);
  EXPECT_EQ(closed.summary["idempotency"]["store_unavailable"], 3);
  EXPECT_EQ(closed.summary["nodes"]["acq"]["served"], 17);  // refused at the gateway
  const auto open = run(scenario("fail_open"), "store-open");
  EXPECT_EQ(open.summary["payments"]["approved"], 20);
  EXPECT_EQ(open.summary["idempotency"]["store_unavailable"], 3);
  EXPECT_EQ(open.summary["duplicates"]["count"], 0);
}

// ---- site outage ---------------------------------------------------------------------------

TEST(SiteOutage, OfTheIssuersSiteIsACrashOfEveryNodeThere) {
  // west (net and iss) down over [5 s, 8 s); issuer 1 s; acquirer timeout 3 s.
  //   4.5: in service at the issuer at 5 s, lost with it (and with the network that waited
  //        for it): the acquirer times out at 7.501, 91, latency 3.002. Not approved, so no
  //        orphan hold.
  //   5.5, 6.5, 7.5: the acquirer finds the network down: 91 at once.
  const auto site = run(two_sites({{"ISS_SERVICE", "1s"},
                                   {"FAULTS", "[{kind: site_outage, target: west, at: 5s, duration: 3s}]"}}),
                        "site-outage");
  const auto& s = site.summary;
  EXPECT_EQ(s["payments"]["approved"], 16);
  EXPECT_EQ(s["payments"]["by_code"]["91"], 4);
  EXPECT_EQ(s["nodes"]["acq"]["timeouts"], 1);
  EXPECT_EQ(s["nodes"]["net"]["served"], 17);
  EXPECT_EQ(s["nodes"]["iss"]["served"], 17);
  EXPECT_EQ(s["duplicates"]["orphan_holds"], 0);
  EXPECT_NEAR(d(s["latency_seconds"]["max"]), 3.002, kExact);
  const auto crashes = run(two_sites({{"ISS_SERVICE", "1s"},
                                      {"FAULTS",
                                       "[{kind: crash, target: net, at: 5s, duration: 3s}, "
                                       "{kind: crash, target: iss, at: 5s, duration: 3s}]"}}),
                           "site-as-crashes");
  for (const char* key : {"payments", "latency_seconds", "attempts", "duplicates", "nodes"})
    EXPECT_EQ(s[key], crashes.summary[key]) << key;
}

// ---- overlapping faults ----------------------------------------------------------------------

TEST(Overlap, TwoSlowdownsMultiplyWhereTheyOverlap) {
  // Zero latency, issuer 100 ms; x2 over [5.5 s, 9.5 s), x4 over [7.5 s, 11.5 s).
  // Services at 5.5, 6.5: 200 ms; 7.5, 8.5: 800 ms; 9.5, 10.5: 400 ms; others 100 ms.
  const auto r = run(one_site({{"LAT", "0ms"},
                               {"FAULTS",
                                "[{kind: slowdown, target: iss, at: 5.5s, duration: 4s, factor: 2}, "
                                "{kind: slowdown, target: iss, at: 7.5s, duration: 4s, factor: 4}]"}}),
                     "overlap-slowdown");
  const auto& s = r.summary;
  EXPECT_NEAR(d(s["nodes"]["iss"]["service_seconds"]["mean"]),
              (14 * 0.1 + 2 * 0.2 + 2 * 0.8 + 2 * 0.4) / 20, kExact);
  EXPECT_NEAR(d(s["latency_seconds"]["max"]), 0.8, kExact);
}

TEST(Overlap, TwoCrashesKeepTheNodeDownUntilTheLastEnds) {
  // Zero latency; down over [5.5 s, 8.5 s) and [7.5 s, 10.5 s): the first's end does not
  // bring the issuer back. 5.5 .. 9.5 fail: 5 payments.
  const auto r = run(one_site({{"LAT", "0ms"},
                               {"FAULTS",
                                "[{kind: crash, target: iss, at: 5.5s, duration: 3s}, "
                                "{kind: crash, target: iss, at: 7.5s, duration: 3s}]"}}),
                     "overlap-crash");
  EXPECT_EQ(r.summary["payments"]["approved"], 15);
  EXPECT_EQ(r.summary["payments"]["by_code"]["91"], 5);
}

TEST(Overlap, TwoLatencyFaultsAddWhereTheyOverlap) {
  // +100 ms over [4.9 s, 8 s), +300 ms over [6 s, 9 s) on east/west; normal latency 124 ms.
  // Crossings (request at t + 1 ms, answer at t + 113 ms + added request delay):
  //   5.5: 5.501 (+100), 5.713 (+100)           -> +200 ms
  //   6.5: 6.501 (+400), 7.013 (+400)           -> +800 ms
  //   7.5: 7.501 (+400), 8.013 (+300)           -> +700 ms
  //   8.5: 8.501 (+300), 8.913 (+300)           -> +600 ms
  //   4.5: 4.501, 4.613, before both            -> +0
  const auto r = run(two_sites({{"FAULTS",
                                 R"([{kind: latency, target: "link:east/west", at: 4.9s, duration: 3.1s, add: 100ms}, )"
                                 R"({kind: latency, target: "link:east/west", at: 6s, duration: 3s, add: 300ms}])"}}),
                     "overlap-latency");
  const auto& s = r.summary;
  EXPECT_NEAR(d(s["latency_seconds"]["max"]), 0.924, kExact);
  EXPECT_NEAR(d(s["latency_seconds"]["mean"]), 0.124 + (0.2 + 0.8 + 0.7 + 0.6) / 20, kExact);
}

// ---- engines -------------------------------------------------------------------------------


// Poisson arrivals, replicas, retries, reversals, keys, stand-in, and faults of every kind,
// overlapping: whatever the engine, the same bytes.
const char* kBusyFaults = R"(name: faults-engines
seed: 23
duration: 30s
warmup: 2s
window: 1s
sites:
  - {id: east, internal_latency: 0.5ms}
  - {id: west, internal_latency: 0.3ms}
  - {id: north, internal_latency: 0.4ms}
links:
  - {between: [east, west], latency: 20ms}
  - {between: [east, north], latency: 15ms}
nodes:
  - {id: gw, role: gateway, site: east, replicas: 2, workers: 32, queue: 200, service_time: {dist: lognormal, median: 1ms, p99: 5ms}, next: [acq], timeout: 3s, retry: {attempts: 2, backoff: 100ms, jitter: full}, idempotency: {enabled: true, on_store_failure: fail_open}}
  - {id: acq, role: acquirer, site: east, replicas: 2, workers: 16, queue: 100, service_time: {dist: exponential, mean: 1ms}, next: [net-w, net-n], routing: failover, timeout: 1500ms, reversal: {on_timeout: true, attempts: 2, backoff: 300ms}, health_check: {interval: 500ms, timeout: 200ms, unhealthy_after: 2, healthy_after: 1}}
  - {id: net-w, role: network, site: west, replicas: 2, workers: 32, service_time: {dist: constant, value: 0.3ms}, timeout: 500ms, stand_in: {enabled: true, max_amount: 300.00}}
  - {id: net-n, role: network, site: north, workers: 32, service_time: {dist: constant, value: 0.3ms}, timeout: 500ms}
  - {id: iss, role: issuer, site: west, replicas: 2, bins: ["4111"], workers: 6, queue: 30, service_time: {dist: lognormal, median: 5ms, p99: 80ms}, accounts: {balance: {dist: lognormal, median: 500.00, p99: 5000.00}}}
payers:
  - {id: p, cards: 20000, activity: {dist: zipf, s: 1.1}, issuers: {iss: 100%}, entry: gw, amount: {dist: lognormal, median: 40.00, p99: 600.00}, client: {timeout: 4s, retries: 1, retry_delay: {dist: uniform, min: 200ms, max: 1s}, idempotency_key: reuse, double_submit: 2%}}
load: {arrival: poisson, start_rate: 300/s}
faults:
  - {kind: crash, target: "iss[0]", at: 4s, duration: 5s, restart: {warmup: 3s, slowdown: 3}}
  - {kind: slowdown, target: iss, at: 7s, duration: 6s, factor: 2}
  - {kind: errors, target: "iss[1]", at: 6s, duration: 4s, rate: 30%, code: "96"}
  - {kind: latency, target: "link:east/west", at: 10s, duration: 6s, add: 200ms, jitter: 150ms}
  - {kind: loss, target: "link:east/west", at: 12s, duration: 5s, rate: 20%}
  - {kind: partition, between: [east, west], at: 15s, duration: 3s}
  - {kind: store_outage, target: gw.idempotency, at: 14s, duration: 6s}
  - {kind: partition, between: [net-w, iss], at: 19s, duration: 2s}
  - {kind: site_outage, target: west, at: 22s, duration: 2s}
  - {kind: crash, target: iss, at: 23s, duration: 3s}
  - {kind: loss, target: net-n, at: 25s, duration: 3s, rate: 30%}
  - {kind: latency, target: acq, at: 26s, duration: 2s, add: 5ms, jitter: 20ms}
)";

struct EngineRuns {
  RunOutput ahead, lockstep;
};

EngineRuns both_engines(const std::string& yaml, const std::string& label) {
  const std::string dir = temp_dir("faults-engines-" + label);
  const std::string path = write_file(dir, "s.yaml", yaml);
  EngineRuns r{run_scenario(path), run_scenario(path, {"--engine", "lockstep"})};
  for (const RunOutput* o : {&r.ahead, &r.lockstep}) {
    EXPECT_EQ(o->exit_code, 0) << o->err;
    EXPECT_EQ(o->summary["conservation"]["ok"], true);
  }
  EXPECT_EQ(r.ahead.summary["engine"]["mode"], "runahead");
  EXPECT_EQ(r.lockstep.summary["engine"]["mode"], "lockstep");
  const std::vector<std::string> vary = {"\"wall_seconds\"", "\"mode\"", "\"command_line\""};
  EXPECT_EQ(without_lines(r.ahead.summary_text(), vary),
            without_lines(r.lockstep.summary_text(), vary));
  EXPECT_FALSE(r.ahead.timeseries.empty());
  EXPECT_EQ(r.ahead.timeseries, r.lockstep.timeseries);
  return r;
}

TEST(Engines, RunAheadAndLockstepGiveTheSameBytesUnderOverlappingFaults) {
  const auto r = both_engines(kBusyFaults, "busy");
  // The faults really bit, or the comparison would prove little.
  const auto& s = r.ahead.summary;
  EXPECT_GT(i(s["payments"]["total"]), 7000);
  EXPECT_GT(i(s["payments"]["by_code"]["91"]), 0);
  EXPECT_GT(i(s["payments"]["by_code"]["96"]), 0);
  EXPECT_GT(i(s["attempts"]["stand_in_approvals"]), 0);
  EXPECT_GT(i(s["attempts"]["advices"]), 0);
  EXPECT_GT(i(s["attempts"]["reversals"]), 0);
  EXPECT_GT(i(s["idempotency"]["store_unavailable"]), 0);
  EXPECT_GT(i(s["nodes"]["net-n"]["served"]), 0);  // failover while west was cut off
  EXPECT_GT(i(s["nodes"]["acq"]["timeouts"]), 0);
  EXPECT_GT(i(s["nodes"]["net-w"]["marked_unhealthy"]), 0);  // acq's health checks noticed
}

TEST(Engines, RunAheadAndLockstepAgreeWhenFaultsStartAndEndOnEventDates) {
  // Zero latency: arrivals, crashes, slow-downs and warm-up ends all fall on k + 0.5 s.
  const auto r = both_engines(
      one_site({{"LAT", "0ms"},
                {"FAULTS",
                 "[{kind: crash, target: iss, at: 2.5s, duration: 2s, restart: {warmup: 2s}}, "
                 "{kind: slowdown, target: iss, at: 5.5s, duration: 3s, factor: 4}, "
                 R"({kind: errors, target: iss, at: 9.5s, duration: 1s, rate: 100%, code: "05"}, )"
                 "{kind: crash, target: net, at: 12.5s, duration: 1s}]"}}),
      "edges");
  const auto& s = r.lockstep.summary;
  // 2.5, 3.5 fail at the issuer; 12.5 at the acquirer (network down): 91. 9.5: 05.
  EXPECT_EQ(s["payments"]["by_code"]["91"], 3);
  EXPECT_EQ(s["payments"]["by_code"]["05"], 1);
  // Services: 4.5 (warm-up x2), 5.5 (x2 and x4), 6.5, 7.5 (x4); 15 others at 100 ms.
  EXPECT_NEAR(d(s["nodes"]["iss"]["service_seconds"]["mean"]),
              (12 * 0.1 + 0.2 + 0.8 + 2 * 0.4) / 16, kExact);
}

}  // namespace
}  // namespace payquake::testing
