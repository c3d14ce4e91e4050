// `faults`: every kind's values and defaults, each target form resolved, and every message
// pinned whole.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "scenario/loader.hpp"
#include "scenario/test_util.hpp"

namespace payquake::scenario {
namespace {

using testing::errors_of;
using testing::kReference;
using Errors = std::vector<std::string>;
using Kind = core::Fault::Kind;

// The reference (54 lines) with `items` under `faults:` (line 55): the first item is line 56.
std::string with_faults(const std::string& items) { return kReference + "faults:\n" + items; }

// The gateway's idempotency store switched on without moving a line of the reference.
const std::vector<std::string> kGwKeys{"nodes.gw.idempotency={enabled: true}"};

core::Scenario load(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return load_string(text, "t.yaml", overrides);
}

TEST(Faults, NoneByDefault) { EXPECT_TRUE(load(kReference).faults.empty()); }

TEST(Faults, EveryKind) {
  const core::Scenario s = load(
      with_faults("  - {kind: crash, target: iss, at: 10m, duration: 3m, restart: {warmup: 30s, "
                  "slowdown: 3.5}}\n"
                  "  - {kind: crash, target: \"gw[1]\", at: 0s, duration: 1s}\n"
                  "  - {kind: partition, between: [east, west], at: 20m, duration: 1m}\n"
                  "  - {kind: partition, between: [acq, net], at: 20m, duration: 1m}\n"
                  "  - {kind: latency, target: \"link:west/east\", at: 22m, duration: 2m, add: "
                  "400ms, jitter: 100ms}\n"
                  "  - {kind: latency, target: \"site:east\", at: 22m, duration: 2m, add: 0ms}\n"
                  "  - {kind: loss, target: \"link:east/west\", at: 24m, duration: 1m, rate: 5%}\n"
                  "  - {kind: slowdown, target: acq, at: 15m, duration: 2m, factor: 0.5}\n"
                  "  - {kind: errors, target: iss, at: 5m, duration: 1m, rate: 20%, code: \"51\"}\n"
                  "  - {kind: store_outage, target: gw.idempotency, at: 8m, duration: 1m}\n"
                  "  - {kind: site_outage, target: east, at: 26m, duration: 2m}\n"),
      kGwKeys);
  ASSERT_EQ(s.faults.size(), 11u);
  const auto& crash = s.faults[0];
  EXPECT_EQ(crash.kind, Kind::kCrash);
  EXPECT_EQ(crash.target, "iss");
  EXPECT_EQ(crash.node, "iss");
  EXPECT_EQ(crash.replica, -1);  // every replica
  EXPECT_EQ(crash.at_s, 600.0);
  EXPECT_EQ(crash.duration_s, 180.0);
  EXPECT_EQ(crash.end_s(), 780.0);
  EXPECT_EQ(crash.restart_warmup_s, 30.0);
  EXPECT_EQ(crash.restart_slowdown, 3.5);
  const auto& one = s.faults[1];
  EXPECT_EQ(one.target, "gw[1]");
  EXPECT_EQ(one.node, "gw");
  EXPECT_EQ(one.replica, 1);
  EXPECT_EQ(one.at_s, 0.0);
  const auto& sites = s.faults[2];
  EXPECT_EQ(sites.kind, Kind::kPartition);
  EXPECT_EQ(sites.between, std::make_pair(std::string("east"), std::string("west")));
  EXPECT_FALSE(sites.between_nodes);
  EXPECT_TRUE(sites.target.empty());  // a partition has no target key
  const auto& nodes = s.faults[3];
  EXPECT_EQ(nodes.between, std::make_pair(std::string("acq"), std::string("net")));
  EXPECT_TRUE(nodes.between_nodes);
  const auto& link = s.faults[4];
  EXPECT_EQ(link.kind, Kind::kLatency);
  EXPECT_EQ(link.target, "link:west/east");
  EXPECT_EQ(link.between, std::make_pair(std::string("west"), std::string("east")));  // as written
  EXPECT_TRUE(link.site.empty());
  EXPECT_EQ(link.add_s, 0.4);
  EXPECT_EQ(link.jitter_s, 0.1);
  const auto& site = s.faults[5];
  EXPECT_EQ(site.site, "east");
  EXPECT_EQ(site.between, std::make_pair(std::string(), std::string()));
  EXPECT_EQ(site.add_s, 0.0);
  const auto& loss = s.faults[6];
  EXPECT_EQ(loss.kind, Kind::kLoss);
  EXPECT_EQ(loss.between, std::make_pair(std::string("east"), std::string("west")));
  EXPECT_EQ(loss.rate, 0.05);
  const auto& slow = s.faults[7];
  EXPECT_EQ(slow.kind, Kind::kSlowdown);
  EXPECT_EQ(slow.node, "acq");
  EXPECT_EQ(slow.factor, 0.5);  // below 1 is faster: allowed
  const auto& errors = s.faults[8];
  EXPECT_EQ(errors.kind, Kind::kErrors);
  EXPECT_EQ(errors.node, "iss");
  EXPECT_EQ(errors.rate, 0.2);
  EXPECT_EQ(errors.code, core::ResponseCode::kInsufficientFunds);
  const auto& store = s.faults[9];
  EXPECT_EQ(store.kind, Kind::kStoreOutage);
  EXPECT_EQ(store.target, "gw.idempotency");
  EXPECT_EQ(store.node, "gw");
  EXPECT_EQ(store.replica, -1);
  const auto& outage = s.faults[10];
  EXPECT_EQ(outage.kind, Kind::kSiteOutage);
  EXPECT_EQ(outage.target, "east");
  EXPECT_EQ(outage.site, "east");
}

TEST(Faults, Defaults) {
  const core::Scenario s = load(
      with_faults("  - {kind: crash, target: iss, at: 1m, duration: 1m}\n"
                  "  - {kind: crash, target: iss, at: 1m, duration: 1m, restart: {}}\n"
                  "  - {kind: latency, target: \"site:west\", at: 1m, duration: 1m, add: 5ms}\n"
                  "  - {kind: errors, target: iss, at: 1m, duration: 1m, rate: 100%}\n"));
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(s.faults[i].restart_warmup_s, 0.0);
    EXPECT_EQ(s.faults[i].restart_slowdown, 2.0);
  }
  EXPECT_EQ(s.faults[2].jitter_s, 0.0);
  EXPECT_EQ(s.faults[3].code, core::ResponseCode::kSystemMalfunction);  // 96
  EXPECT_EQ(s.faults[3].rate, 1.0);
}

TEST(Faults, CodesAsStringsOrNumbers) {
  const std::vector<std::pair<std::string, core::ResponseCode>> cases{
      {"\"05\"", core::ResponseCode::kDoNotHonour},
      {"05", core::ResponseCode::kDoNotHonour},
      {"5", core::ResponseCode::kDoNotHonour},
      {"51", core::ResponseCode::kInsufficientFunds},
      {"\"59\"", core::ResponseCode::kSuspectedFraud},
      {"91", core::ResponseCode::kIssuerInoperative},
      {"96", core::ResponseCode::kSystemMalfunction}};
  for (const auto& [written, code] : cases) {
    SCOPED_TRACE(written);
    const core::Scenario s =
        load(with_faults("  - {kind: errors, target: iss, at: 1m, duration: 1m, rate: 1%, code: " +
                         written + "}\n"));
    EXPECT_EQ(s.faults[0].code, code);
  }
}

TEST(Faults, MayOverlap) {
  const core::Scenario s =
      load(with_faults("  - {kind: crash, target: iss, at: 1m, duration: 5m}\n"
                       "  - {kind: crash, target: iss, at: 2m, duration: 5m}\n"
                       "  - {kind: errors, target: iss, at: 2m, duration: 1m, rate: 10%}\n"));
  EXPECT_EQ(s.faults.size(), 3u);
}

TEST(Faults, MayOutlastTheScenario) {
  // The run drains in-flight work after `duration`; a fault may still be on then.
  const core::Scenario s =
      load(with_faults("  - {kind: crash, target: iss, at: 29m, duration: 1h}\n"));
  EXPECT_EQ(s.faults[0].end_s(), 29 * 60.0 + 3600.0);
}

TEST(Faults, DesignExampleFaults) {
  std::ifstream in(std::string(PAYQUAKE_INVALID_DIR) + "/design_example.yaml");
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  text.erase(text.find("attacks:"), text.find("slo:") - text.find("attacks:"));
  text.replace(text.find("[acq-a, acq-b]"), 14, "[acq-a]");
  const std::size_t fraud = text.find("    fraud:");
  text.erase(fraud, text.find('\n', fraud) + 1 - fraud);
  const core::Scenario s = load_string(text, "design.yaml");
  ASSERT_EQ(s.faults.size(), 8u);
  const std::vector<Kind> kinds{Kind::kCrash,       Kind::kPartition, Kind::kLatency,
                                Kind::kLoss,        Kind::kSlowdown,  Kind::kErrors,
                                Kind::kStoreOutage, Kind::kSiteOutage};
  const std::vector<double> at{600, 1200, 1320, 1440, 900, 300, 480, 1560};
  const std::vector<double> duration{180, 60, 120, 60, 120, 60, 60, 120};
  for (std::size_t i = 0; i < 8; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(s.faults[i].kind, kinds[i]);
    EXPECT_EQ(s.faults[i].at_s, at[i]);
    EXPECT_EQ(s.faults[i].duration_s, duration[i]);
  }
  EXPECT_EQ(s.faults[0].node, "iss-a");
  EXPECT_EQ(s.faults[0].restart_warmup_s, 30.0);
  EXPECT_EQ(s.faults[0].restart_slowdown, 2.0);
  EXPECT_EQ(s.faults[1].between, std::make_pair(std::string("us-east"), std::string("us-west")));
  EXPECT_FALSE(s.faults[1].between_nodes);
  EXPECT_EQ(s.faults[2].between, std::make_pair(std::string("us-east"), std::string("us-west")));
  EXPECT_EQ(s.faults[2].add_s, 0.4);
  EXPECT_EQ(s.faults[2].jitter_s, 0.1);
  EXPECT_EQ(s.faults[3].rate, 0.05);
  EXPECT_EQ(s.faults[4].node, "acq-a");
  EXPECT_EQ(s.faults[4].factor, 4.0);
  EXPECT_EQ(s.faults[5].rate, 0.2);
  EXPECT_EQ(s.faults[5].code, core::ResponseCode::kSystemMalfunction);
  EXPECT_EQ(s.faults[6].node, "gw");
  EXPECT_EQ(s.faults[7].site, "us-east");
}

TEST(Faults, Shape) {
  EXPECT_EQ(errors_of(kReference + "faults: {kind: crash}\n"),
            Errors{"t.yaml:55:9: faults: expected a list, got a mapping"});
  EXPECT_EQ(errors_of(with_faults("  - crash\n")),
            Errors{"t.yaml:56:5: faults[0]: expected a mapping, got 'crash'"});
  EXPECT_TRUE(errors_of(kReference + "faults: []\n").empty());
}

TEST(Faults, Kind) {
  EXPECT_EQ(errors_of(with_faults("  - {kind: crsh, target: iss, at: 1m, duration: 1m}\n")),
            Errors{"t.yaml:56:12: faults[0].kind: expected one of crash, partition, latency, loss, "
                   "slowdown, errors, store_outage, site_outage, policy_outage, got 'crsh' (did you mean "
                   "'crash'?)"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: meteor, target: iss, at: 1m, duration: 1m}\n")),
            Errors{"t.yaml:56:12: faults[0].kind: expected one of crash, partition, latency, loss, "
                   "slowdown, errors, store_outage, site_outage, policy_outage, got 'meteor'"});
  EXPECT_EQ(errors_of(with_faults("  - {target: iss, at: 1m, duration: 1m}\n")),
            Errors{"t.yaml:56:5: faults[0].kind: expected one of crash, partition, latency, loss, "
                   "slowdown, errors, store_outage, site_outage, policy_outage, got nothing (the key is "
                   "missing)"});
  // With the kind unknown, a key of any kind is not judged; the timing still is.
  EXPECT_EQ(
      errors_of(with_faults("  - {kind: meteor, target: iss, at: 1, duration: 1m, add: "
                            "1s, colour: red}\n")),
      (Errors{"t.yaml:56:12: faults[0].kind: expected one of crash, partition, latency, "
              "loss, slowdown, errors, store_outage, site_outage, policy_outage, got 'meteor'",
              "t.yaml:56:37: faults[0].at: expected a duration with a unit, like 250ms or "
              "2s, got '1'",
              "t.yaml:56:63: faults[0].colour: unknown key 'colour', expected one of kind, "
              "target, between, at, duration, id, restart, add, jitter, rate, factor, code"}));
}

TEST(Faults, KeysOfAnotherKindAreUnknown) {
  EXPECT_EQ(errors_of(with_faults("  - {kind: crash, target: iss, at: 1m, duration: 1m, "
                                  "factor: 4}\n")),
            Errors{"t.yaml:56:54: faults[0].factor: unknown key 'factor', expected one of kind, "
                   "target, at, duration, restart, id"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: latency, target: \"link:east/west\", at: 1m, "
                                  "duration: 1m, add: 1s, jiter: 1ms}\n")),
            Errors{"t.yaml:56:78: faults[0].jiter: unknown key 'jiter', did you mean 'jitter'?"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: partition, target: east, at: 1m, duration: 1m}\n")),
            (Errors{"t.yaml:56:5: faults[0].between: expected a list of two site ids or two node "
                    "ids, got nothing (the key is missing)",
                    "t.yaml:56:23: faults[0].target: unknown key 'target', expected one of kind, "
                    "between, at, duration, id"}));
  EXPECT_EQ(errors_of(with_faults("  - {kind: site_outage, target: east, at: 1m, duration: 1m, "
                                  "kind: crash}\n")),
            Errors{"t.yaml:56:61: faults[0].kind: expected each key once, got 'kind' again (first "
                   "at line 56)"});
}

TEST(Faults, Timing) {
  EXPECT_EQ(errors_of(with_faults("  - {kind: crash, target: iss, duration: 1m}\n")),
            Errors{"t.yaml:56:5: faults[0].at: expected a duration with a unit, like 250ms or 2s, "
                   "got nothing (the key is missing)"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: crash, target: iss, at: -1s, duration: 1m}\n")),
            Errors{"t.yaml:56:36: faults[0].at: expected a duration >= 0, got '-1s'"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: crash, target: iss, at: 30m, duration: 1m}\n")),
            Errors{"t.yaml:56:36: faults[0].at: expected a start before the scenario ends "
                   "(duration 30m), got '30m'"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: crash, target: iss, at: 1m, duration: 0s}\n")),
            Errors{"t.yaml:56:50: faults[0].duration: expected a duration > 0, got '0s'"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: crash, target: iss, at: 1m}\n")),
            Errors{"t.yaml:56:5: faults[0].duration: expected a duration with a unit, like 250ms "
                   "or 2s, got nothing (the key is missing)"});
  // With the scenario's duration unreadable, a fault's start is not judged against it.
  std::string text = with_faults("  - {kind: crash, target: iss, at: 1h, duration: 1m}\n");
  text.replace(text.find("duration: 30m"), 13, "duration: 30");
  EXPECT_EQ(errors_of(text), Errors{"t.yaml:3:11: duration: expected a duration with a unit, like "
                                    "250ms or 2s, got '30'"});
}

TEST(Faults, NodeTargets) {
  EXPECT_EQ(errors_of(with_faults("  - {kind: crash, target: isss, at: 1m, duration: 1m}\n")),
            Errors{"t.yaml:56:27: faults[0].target: expected a node id (one of gw, acq, net, iss), "
                   "got 'isss' (did you mean 'iss'?)"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: slowdown, target: vault, at: 1m, duration: 1m, "
                                  "factor: 2}\n")),
            Errors{"t.yaml:56:30: faults[0].target: expected a node id (one of gw, acq, net, "
                   "iss), got 'vault'"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: crash, target: \"gw[2]\", at: 1m, duration: 1m}\n")),
            Errors{"t.yaml:56:27: faults[0].target: expected a replica index below 2 (gw has 2 "
                   "replicas), got 'gw[2]'"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: errors, target: \"iss[1]\", at: 1m, duration: 1m, "
                                  "rate: 1%}\n")),
            Errors{"t.yaml:56:28: faults[0].target: expected a replica index below 1 (iss has 1 "
                   "replica), got 'iss[1]'"});
  for (const char* bad : {"gw[x]", "gw[01]", "gw[-1]", "gw[]", "[0]", "gw]"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(errors_of(with_faults(std::string("  - {kind: crash, target: \"") + bad +
                                    "\", at: 1m, duration: 1m}\n")),
              Errors{"t.yaml:56:27: faults[0].target: expected a node id or node[replica], like "
                     "iss-a or iss-a[0], got '" +
                     std::string(bad) + "'"});
  }
  EXPECT_EQ(errors_of(with_faults("  - {kind: crash, target: [iss], at: 1m, duration: 1m}\n")),
            Errors{"t.yaml:56:27: faults[0].target: expected a node id or node[replica], like "
                   "iss-a or iss-a[0], got a list"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: crash, at: 1m, duration: 1m}\n")),
            Errors{"t.yaml:56:5: faults[0].target: expected a node id or node[replica], like "
                   "iss-a or iss-a[0], got nothing (the key is missing)"});
  // Replicas that could not be read are not judged against the default of 1.
  EXPECT_EQ(errors_of(with_faults("  - {kind: crash, target: \"gw[1]\", at: 1m, duration: 1m}\n"),
                      {"nodes.gw.replicas=0"}),
            Errors{"--set: nodes.gw.replicas: expected a count >= 1, got '0'"});
}

TEST(Faults, Restart) {
  EXPECT_EQ(errors_of(with_faults("  - {kind: crash, target: iss, at: 1m, duration: 1m, "
                                  "restart: 30s}\n")),
            Errors{"t.yaml:56:63: faults[0].restart: expected a mapping, got '30s'"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: crash, target: iss, at: 1m, duration: 1m, "
                                  "restart: {warmup: -1s, slowdown: 0.5}}\n")),
            (Errors{"t.yaml:56:72: faults[0].restart.warmup: expected a duration >= 0, got '-1s'",
                    "t.yaml:56:87: faults[0].restart.slowdown: expected a number >= 1, got "
                    "'0.5'"}));
  EXPECT_EQ(errors_of(with_faults("  - {kind: crash, target: iss, at: 1m, duration: 1m, "
                                  "restart: {warmpu: 1s}}\n")),
            Errors{"t.yaml:56:64: faults[0].restart.warmpu: unknown key 'warmpu', did you mean "
                   "'warmup'?"});
}

TEST(Faults, Partition) {
  EXPECT_EQ(errors_of(with_faults("  - {kind: partition, between: [east], at: 1m, duration: "
                                  "1m}\n")),
            Errors{"t.yaml:56:32: faults[0].between: expected a list of two site ids or two node "
                   "ids, got a list"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: partition, between: [east, wset], at: 1m, "
                                  "duration: 1m}\n")),
            Errors{"t.yaml:56:39: faults[0].between[1]: expected a site id (east, west) or a node "
                   "id (gw, acq, net, iss), got 'wset' (did you mean 'west'?)"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: partition, between: [east, iss], at: 1m, "
                                  "duration: 1m}\n")),
            Errors{"t.yaml:56:32: faults[0].between: expected two sites or two nodes, got site "
                   "'east' and node 'iss'"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: partition, between: [gw, east], at: 1m, "
                                  "duration: 1m}\n")),
            Errors{"t.yaml:56:32: faults[0].between: expected two sites or two nodes, got site "
                   "'east' and node 'gw'"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: partition, between: [west, west], at: 1m, "
                                  "duration: 1m}\n")),
            Errors{"t.yaml:56:32: faults[0].between: expected two different sites, got 'west' "
                   "twice"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: partition, between: [iss, iss], at: 1m, "
                                  "duration: 1m}\n")),
            Errors{"t.yaml:56:32: faults[0].between: expected two different nodes, got 'iss' "
                   "twice"});
}

TEST(Faults, LinkTargets) {
  EXPECT_EQ(errors_of(with_faults("  - {kind: latency, target: \"link:east/wset\", at: 1m, "
                                  "duration: 1m, add: 1s}\n")),
            Errors{"t.yaml:56:29: faults[0].target: expected a link in links (east/west), got "
                   "'link:east/wset' (did you mean 'link:east/west'?)"});
  // Both sites exist, but nothing joins them.
  std::string text = testing::reference_with("  - id: west\n", "  - id: west\n  - id: north\n");
  text +=
      "faults:\n  - {kind: loss, target: \"link:north/east\", at: 1m, duration: 1m, rate: 1%}\n";
  EXPECT_EQ(errors_of(text), Errors{"t.yaml:57:26: faults[0].target: expected a link in links "
                                    "(east/west), got 'link:north/east' (no link between north "
                                    "and east)"});
  text.replace(text.find("\"link:north/east\""), 17, "\"site:north\"");
  EXPECT_EQ(errors_of(text), Errors{"t.yaml:57:26: faults[0].target: expected a site with a link "
                                    "in links, got 'site:north' (north has none, so the fault "
                                    "would have no effect)"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: loss, target: \"site:eats\", at: 1m, duration: 1m, "
                                  "rate: 1%}\n")),
            Errors{"t.yaml:56:26: faults[0].target: expected site:<site> for a site id (one of "
                   "east, west), got 'site:eats' (did you mean 'site:east'?)"});
  EXPECT_EQ(
      errors_of(with_faults("  - {kind: loss, target: east, at: 1m, duration: 1m, rate: "
                            "1%}\n")),
      Errors{
          "t.yaml:56:26: faults[0].target: expected link:<site>/<site>, site:<site> or a node id, "
          "got 'east' (did you mean 'site:east'?)"});
  EXPECT_EQ(
      errors_of(with_faults("  - {kind: loss, target: east/west, at: 1m, duration: 1m, "
                            "rate: 1%}\n")),
      Errors{
          "t.yaml:56:26: faults[0].target: expected link:<site>/<site>, site:<site> or a node id, "
          "got 'east/west' (did you mean 'link:east/west'?)"});
  EXPECT_EQ(
      errors_of(with_faults("  - {kind: loss, target: \"link:east-west\", at: 1m, "
                            "duration: 1m, rate: 1%}\n")),
      Errors{
          "t.yaml:56:26: faults[0].target: expected link:<site>/<site>, site:<site> or a node id, "
          "got 'link:east-west'"});
  EXPECT_EQ(
      errors_of(with_faults("  - {kind: loss, at: 1m, duration: 1m, rate: 1%}\n")),
      Errors{
          "t.yaml:56:5: faults[0].target: expected link:<site>/<site>, site:<site> or a node id, "
          "got nothing (the key is missing)"});
}

TEST(Faults, LossAndLatencyOnANode) {
  const auto s = load(with_faults(
      "  - {kind: loss, target: iss, at: 1m, duration: 1m, rate: 5%}\n"
      "  - {kind: latency, target: iss, at: 1m, duration: 1m, add: 50ms, jitter: 10ms}\n"));
  ASSERT_EQ(s.faults.size(), 2u);
  EXPECT_EQ(s.faults[0].node, "iss");
  EXPECT_EQ(s.faults[0].target, "iss");
  EXPECT_TRUE(s.faults[0].site.empty());
  EXPECT_DOUBLE_EQ(s.faults[0].rate, 0.05);
  EXPECT_EQ(s.faults[1].node, "iss");
  EXPECT_DOUBLE_EQ(s.faults[1].add_s, 0.05);
  EXPECT_EQ(errors_of(with_faults("  - {kind: loss, target: \"iss[0]\", at: 1m, duration: 1m, "
                                  "rate: 5%}\n")),
            Errors{"t.yaml:56:26: faults[0].target: expected a whole node (loss and latency act "
                   "on every replica's links), got 'iss[0]' (did you mean 'iss'?)"});
}

TEST(Faults, LatencyAndLoss) {
  // A misspelt required key is one mistake: its "missing" twin is not reported.
  EXPECT_EQ(errors_of(with_faults("  - {kind: latency, target: \"site:east\", at: 1m, duration: "
                                  "1m, adds: 1s}\n")),
            Errors{"t.yaml:56:64: faults[0].adds: unknown key 'adds', did you mean 'add'?"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: latency, target: \"site:east\", at: 1m, duration: "
                                  "1m}\n")),
            Errors{"t.yaml:56:5: faults[0].add: expected a duration with a unit, like 250ms or "
                   "2s, got nothing (the key is missing)"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: latency, target: \"site:east\", at: 1m, duration: "
                                  "1m, add: -1ms, jitter: 5}\n")),
            (Errors{"t.yaml:56:69: faults[0].add: expected a duration >= 0, got '-1ms'",
                    "t.yaml:56:83: faults[0].jitter: expected a duration with a unit, like 250ms "
                    "or 2s, got '5'"}));
  EXPECT_EQ(errors_of(with_faults("  - {kind: loss, target: \"site:east\", at: 1m, duration: "
                                  "1m}\n")),
            Errors{"t.yaml:56:5: faults[0].rate: expected a percentage like 99.5%, got nothing "
                   "(the key is missing)"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: loss, target: \"site:east\", at: 1m, duration: "
                                  "1m, rate: 0%}\n")),
            Errors{"t.yaml:56:67: faults[0].rate: expected a percentage > 0% and <= 100%, got "
                   "'0%'"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: loss, target: \"site:east\", at: 1m, duration: "
                                  "1m, rate: 0.05}\n")),
            Errors{"t.yaml:56:67: faults[0].rate: expected a percentage like 99.5%, got '0.05'"});
}

TEST(Faults, SlowdownAndErrors) {
  EXPECT_EQ(errors_of(with_faults("  - {kind: slowdown, target: acq, at: 1m, duration: 1m}\n")),
            Errors{"t.yaml:56:5: faults[0].factor: expected a number > 0, got nothing (the key is "
                   "missing)"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: slowdown, target: acq, at: 1m, duration: 1m, "
                                  "factor: 0}\n")),
            Errors{"t.yaml:56:65: faults[0].factor: expected a number > 0, got '0'"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: errors, target: iss, at: 1m, duration: 1m, rate: "
                                  "120%}\n")),
            Errors{"t.yaml:56:61: faults[0].rate: expected a percentage > 0% and <= 100%, got "
                   "'120%'"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: errors, target: iss, at: 1m, duration: 1m, rate: "
                                  "1%, code: \"97\"}\n")),
            Errors{"t.yaml:56:71: faults[0].code: expected a response code, one of \"05\", "
                   "\"51\", \"59\", \"91\", \"96\", got '97'"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: errors, target: iss, at: 1m, duration: 1m, rate: "
                                  "1%, code: \"00\"}\n")),
            Errors{"t.yaml:56:71: faults[0].code: expected a response code, one of \"05\", "
                   "\"51\", \"59\", \"91\", \"96\", got '00'"});
}

TEST(Faults, StoreOutage) {
  const std::string fault =
      "  - {kind: store_outage, target: gw.idempotency, at: 1m, duration: 1m}\n";
  EXPECT_EQ(errors_of(with_faults(fault)),
            Errors{"t.yaml:56:34: faults[0].target: expected a gateway with idempotency enabled, "
                   "got 'gw.idempotency' (gw keeps no idempotency keys, so the fault would have no "
                   "effect)"});
  EXPECT_EQ(errors_of(with_faults(fault), {"nodes.gw.idempotency={enabled: false}"}),
            Errors{"t.yaml:56:34: faults[0].target: expected a gateway with idempotency enabled, "
                   "got 'gw.idempotency' (gw keeps no idempotency keys, so the fault would have no "
                   "effect)"});
  EXPECT_TRUE(errors_of(with_faults(fault), kGwKeys).empty());
  // An idempotency setting that could not be read was reported; whether it is on is unknown.
  EXPECT_EQ(errors_of(with_faults(fault), {"nodes.gw.idempotency={enabled: maybe}"}),
            Errors{"--set: nodes.gw.idempotency.enabled: expected true or false, got 'maybe'"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: store_outage, target: gw, at: 1m, duration: 1m}\n"),
                      kGwKeys),
            Errors{"t.yaml:56:34: faults[0].target: expected <gateway id>.idempotency or <gateway "
                   "id>.nonces, like gw.idempotency, got 'gw' (did you mean 'gw.idempotency'?)"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: store_outage, target: gx.idempotency, at: 1m, "
                                  "duration: 1m}\n"),
                      kGwKeys),
            Errors{"t.yaml:56:34: faults[0].target: expected <gateway id>.idempotency (gateways: "
                   "gw), got 'gx.idempotency' (did you mean 'gw.idempotency'?)"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: store_outage, target: acq.idempotency, at: 1m, "
                                  "duration: 1m}\n"),
                      kGwKeys),
            Errors{"t.yaml:56:34: faults[0].target: expected <gateway id>.idempotency (gateways: "
                   "gw), got 'acq.idempotency' (acq is an acquirer; only gateways keep "
                   "idempotency keys)"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: store_outage, target: .idempotency, at: 1m, "
                                  "duration: 1m}\n"),
                      kGwKeys),
            Errors{"t.yaml:56:34: faults[0].target: expected <gateway id>.idempotency or <gateway "
                   "id>.nonces, like gw.idempotency, got '.idempotency'"});
}

TEST(Faults, SiteOutage) {
  EXPECT_EQ(errors_of(with_faults("  - {kind: site_outage, target: eats, at: 1m, duration: "
                                  "1m}\n")),
            Errors{"t.yaml:56:33: faults[0].target: expected a site id (one of east, west), got "
                   "'eats' (did you mean 'east'?)"});
  EXPECT_EQ(errors_of(with_faults("  - {kind: site_outage, target: \"link:east/west\", at: 1m, "
                                  "duration: 1m}\n")),
            Errors{"t.yaml:56:33: faults[0].target: expected a site id (one of east, west), got "
                   "'link:east/west'"});
}

TEST(Faults, UnreadableNodesOrSitesAreNotGuessedAt) {
  // A node without a readable id may be the one the fault names: only the node is reported.
  std::string text = with_faults("  - {kind: crash, target: vault, at: 1m, duration: 1m}\n");
  text.replace(text.find("  - id: acq"), 11, "  - id: [acq]");
  const auto errors = errors_of(text);
  ASSERT_FALSE(errors.empty());
  for (const auto& e : errors) EXPECT_EQ(e.find("faults"), std::string::npos) << e;
  // Likewise a link whose site could not be read.
  text = testing::reference_with("between: [east, west]", "between: [east, wset]");
  text += "faults:\n  - {kind: loss, target: \"link:east/west\", at: 1m, duration: 1m, rate: 1%}\n";
  EXPECT_EQ(errors_of(text), Errors{"t.yaml:10:21: links[0].between[1]: expected a site id (one "
                                    "of east, west), got 'wset' (did you mean 'west'?)"});
}

TEST(Faults, EveryMistakeOfAFaultIsReported) {
  EXPECT_EQ(errors_of(with_faults("  - {kind: errors, target: isss, at: 40m, duration: 0s, "
                                  "rate: 0%, code: 1}\n")),
            (Errors{"t.yaml:56:28: faults[0].target: expected a node id (one of gw, acq, net, "
                    "iss), got 'isss' (did you mean 'iss'?)",
                    "t.yaml:56:38: faults[0].at: expected a start before the scenario ends "
                    "(duration 30m), got '40m'",
                    "t.yaml:56:53: faults[0].duration: expected a duration > 0, got '0s'",
                    "t.yaml:56:63: faults[0].rate: expected a percentage > 0% and <= 100%, got "
                    "'0%'",
                    "t.yaml:56:73: faults[0].code: expected a response code, one of \"05\", "
                    "\"51\", \"59\", \"91\", \"96\", got '1'"}));
}

TEST(Faults, OverridesAddressFaultsByPosition) {
  const core::Scenario s =
      load(with_faults("  - {kind: crash, target: iss, at: 1m, duration: 1m}\n"),
           {"faults[0].at=5m", "faults[0].target=gw[0]"});
  EXPECT_EQ(s.faults[0].at_s, 300.0);
  EXPECT_EQ(s.faults[0].node, "gw");
  EXPECT_EQ(s.faults[0].replica, 0);
}

TEST(Faults, OverridesAddressFaultsById) {
  const core::Scenario s =
      load(with_faults("  - {id: outage, kind: crash, target: iss, at: 1m, duration: 1m}\n"
                       "  - {kind: slowdown, target: acq, at: 2m, duration: 1m, factor: 2}\n"),
           {"faults.outage.at=5m"});
  EXPECT_EQ(s.faults[0].id, "outage");
  EXPECT_EQ(s.faults[0].at_s, 300.0);
  EXPECT_EQ(s.faults[1].id, "");
}

TEST(Faults, IdsAreSafeAndUnique) {
  EXPECT_EQ(errors_of(with_faults("  - {id: a, kind: crash, target: iss, at: 1m, duration: 1m}\n"
                                  "  - {id: a, kind: crash, target: acq, at: 1m, duration: 1m}\n")),
            Errors{"t.yaml:57:10: faults.a.id: expected a unique fault id, got 'a' again (first "
                   "at line 56)"});
  EXPECT_EQ(
      errors_of(with_faults("  - {id: a.b, kind: crash, target: iss, at: 1m, duration: 1m}\n")),
      Errors{"t.yaml:56:10: faults.a.b.id: expected an id of letters, digits, '_' and '-', "
             "starting with a letter or digit, at most 64 long, got 'a.b'"});
}

TEST(Faults, WithoutFaultsDropsThemBeforeTheirTimesAreChecked) {
  const std::string text = with_faults("  - {kind: crash, target: iss, at: 10m, duration: 1m}\n");
  const std::vector<std::string> shorter{"duration=5m"};
  EXPECT_EQ(errors_of(text, shorter),
            Errors{"t.yaml:56:36: faults[0].at: expected a start before the scenario ends "
                   "(duration 5m), got '10m'"});
  const core::Scenario s =
      load_string(text, "t.yaml", shorter, LoadOptions{.without_faults = true});
  EXPECT_TRUE(s.faults.empty());
  EXPECT_EQ(s.duration_s, 300.0);
}

}  // namespace
}  // namespace payquake::scenario
