// Every error message of the loader, pinned whole ("file:line:col: key.path: message"),
// one test per kind of mistake, on one-line variations of the reference scenario.
#include "scenario/loader.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "scenario/test_util.hpp"

namespace payquake::scenario {
namespace {

using testing::errors_of;
using testing::kReference;
using testing::reference_with;
using Errors = std::vector<std::string>;

// A second issuer inserted as line 43 (before payers), for checks that need two.
std::string with_second_issuer(const std::string& text, const std::string& bin) {
  std::string out = text;
  out.insert(out.find("payers:"),
             "  - {id: iss2, role: issuer, site: west, bins: [\"" + bin +
                 "\"], workers: 1, service_time: {dist: constant, value: 1ms}}\n");
  return out;
}

TEST(Loader, ReferenceScenarioLoads) {
  const core::Scenario s = load_string(kReference, "t.yaml");
  EXPECT_EQ(s.name, "ref");
  EXPECT_EQ(s.source_file, "t.yaml");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.duration_s, 1800.0);
  EXPECT_EQ(s.warmup_s, 60.0);
  EXPECT_EQ(s.window_s, 1.0);
  ASSERT_EQ(s.sites.size(), 2u);
  EXPECT_EQ(s.sites[0].internal_latency_s, 0.0005);
  EXPECT_EQ(s.sites[1].internal_latency_s, 0.0005);
  ASSERT_EQ(s.links.size(), 1u);
  EXPECT_EQ(s.links[0].a, "east");
  EXPECT_EQ(s.links[0].b, "west");
  EXPECT_EQ(s.links[0].latency_s, 0.035);
  EXPECT_EQ(s.links[0].bandwidth_bps, 10e9);
  ASSERT_EQ(s.nodes.size(), 4u);
  const core::Node& gw = s.nodes[0];
  EXPECT_EQ(gw.role, core::Role::kGateway);
  EXPECT_EQ(gw.replicas, 2);
  EXPECT_EQ(gw.workers, 64);
  EXPECT_EQ(gw.queue, 2000);
  EXPECT_EQ(gw.io, core::IoMode::kAsync);
  EXPECT_EQ(gw.service_time.kind, core::Distribution::Kind::kLognormal);
  EXPECT_DOUBLE_EQ(gw.service_time.mu, std::log(0.002));
  EXPECT_EQ(gw.next, std::vector<std::string>{"acq"});
  EXPECT_EQ(gw.routing, core::Routing::kFailover);
  EXPECT_EQ(gw.timeout_s, 4.0);
  EXPECT_EQ(s.nodes[1].replicas, 1);
  EXPECT_EQ(s.nodes[1].queue, 1000);
  EXPECT_EQ(s.nodes[2].routing, core::Routing::kByBin);  // the default for a network
  EXPECT_TRUE(s.nodes[2].next.empty());
  EXPECT_EQ(s.nodes[3].queue, core::kUnlimitedQueue);
  EXPECT_EQ(s.nodes[3].timeout_s, 10.0);
  EXPECT_EQ(s.nodes[3].bins, std::vector<std::string>{"4111"});
  ASSERT_EQ(s.payers.size(), 1u);
  const core::Payers& p = s.payers[0];
  EXPECT_EQ(p.share, 1.0);  // the only population takes all the load
  EXPECT_EQ(p.cards, 1000000);
  EXPECT_EQ(p.activity.kind, core::Distribution::Kind::kZipf);
  EXPECT_EQ(p.activity.s, 1.1);
  ASSERT_EQ(p.issuers.size(), 1u);
  EXPECT_EQ(p.issuers[0], std::make_pair(std::string("iss"), 1.0));
  EXPECT_EQ(p.entry, "gw");
  EXPECT_DOUBLE_EQ(p.amount.mu, std::log(42.0));
  EXPECT_EQ(s.load.arrival, core::ArrivalProcess::kPoisson);
  EXPECT_EQ(s.load.start_rate_per_s, 2000.0);
  ASSERT_EQ(s.load.stages.size(), 1u);
  EXPECT_EQ(s.load.stages[0].duration_s, 300.0);
  EXPECT_EQ(s.load.stages[0].target_per_s, 20000.0);
  ASSERT_EQ(s.load.spikes.size(), 1u);
  EXPECT_EQ(s.load.spikes[0].at_s, 720.0);
  EXPECT_EQ(s.load.spikes[0].multiplier, 3.0);
}

TEST(Loader, DefaultsForOptionalTopLevelKeys) {
  std::string text = reference_with("seed: 42\n", "");
  text.erase(text.find("warmup: 1m\n"), 11);
  const core::Scenario s = load_string(text, "t.yaml");
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.warmup_s, 0.0);
  EXPECT_EQ(s.window_s, 1.0);
}

TEST(Loader, WhatJoinsAllDiagnostics) {
  try {
    load_string(reference_with("workers: 64", "workers: 0") + "attacks: {}\n", "t.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "t.yaml:18:14: nodes.gw.workers: expected a count >= 1, got '0'\n"
                 "t.yaml:55:10: attacks: expected a list, got an empty mapping");
  }
}

TEST(Loader, MissingFile) {
  try {
    load_file("/nonexistent/payquake.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].line, 0);
    EXPECT_STREQ(e.what(), "/nonexistent/payquake.yaml: cannot read the scenario: no such file");
  }
}

TEST(Loader, YamlSyntaxError) {
  EXPECT_EQ(errors_of("name: ref\nsites: [east\n"),
            Errors{"t.yaml:3:1: invalid YAML: end of sequence flow not found"});
}

TEST(Loader, TopLevelNotAMapping) {
  EXPECT_EQ(errors_of("- a\n"),
            Errors{"t.yaml:1:1: expected a mapping of scenario keys, got a list"});
  EXPECT_EQ(errors_of(""), Errors{"t.yaml:1:1: expected a mapping of scenario keys, got nothing"});
}

TEST(Loader, UnknownKeyWithSuggestion) {
  EXPECT_EQ(errors_of(reference_with("    timeout: 4s", "    timout: 4s")),
            Errors{"t.yaml:22:5: nodes.gw.timout: unknown key 'timout', did you mean 'timeout'?"});
}

TEST(Loader, UnknownKeyWithoutSuggestion) {
  EXPECT_EQ(
      errors_of(reference_with("    timeout: 3s", "    colour: red")),
      Errors{"t.yaml:29:5: nodes.acq.colour: unknown key 'colour', expected one of id, role, "
             "site, replicas, workers, queue, io, service_time, next, routing, timeout, bins, "
             "retry, reversal, idempotency, stand_in, accounts, health_check, outlier_detection, "
                   "fraud, signing"});
}

TEST(Loader, MisspelledRequiredKeyGivesOneMessage) {
  // The suggestion says it all; "service_time is missing" would be the same mistake twice.
  EXPECT_EQ(errors_of(reference_with("    service_time: {dist: lognormal",
                                     "    servce_time: {dist: lognormal")),
            (Errors{"t.yaml:20:5: nodes.gw.servce_time: unknown key 'servce_time', did you mean "
                    "'service_time'?"}));
}

TEST(Loader, MissingRequiredKeyIsReportedAtTheParentMapping) {
  EXPECT_EQ(errors_of(reference_with("    workers: 64", "    io: blocking")),
            Errors{"t.yaml:14:5: nodes.gw.workers: expected a count >= 1, got nothing (the key is "
                   "missing)"});
  EXPECT_EQ(errors_of(reference_with("name: ref", "nme: ref")),
            (Errors{"t.yaml:1:1: nme: unknown key 'nme', did you mean 'name'?"}));
  EXPECT_EQ(errors_of(reference_with("name: ref", "colour: ref")),
            (Errors{"t.yaml:1:1: colour: unknown key 'colour', expected one of name, seed, "
                    "duration, warmup, window, drain_limit, sites, links, nodes, payers, load, faults, slo, "
                    "expect, fraud, attacks",
                    "t.yaml:1:1: name: expected a name, got nothing (the key is missing)"}));
}

TEST(Loader, DuplicateKey) {
  EXPECT_EQ(errors_of(reference_with("    replicas: 2", "    workers: 2")),
            Errors{"t.yaml:18:5: nodes.gw.workers: expected each key once, got 'workers' again "
                   "(first at line 17)"});
}

TEST(Loader, EverySectionIsRead) {
  // faults, slo and expect (faults_test.cpp, drills_test.cpp), fraud and attacks
  // (fraud_test.cpp): empty, each is valid.
  EXPECT_EQ(errors_of(kReference + "faults: []\nattacks: []\nfraud: {}\nslo: {}\nexpect: {}\n"),
            Errors{});
}

TEST(Loader, DurationWithoutUnit) {
  EXPECT_EQ(
      errors_of(reference_with("duration: 30m", "duration: 30")),
      Errors{"t.yaml:3:11: duration: expected a duration with a unit, like 250ms or 2s, got '30'"});
}

TEST(Loader, DurationMustBePositive) {
  EXPECT_EQ(errors_of(reference_with("    timeout: 4s", "    timeout: 0s")),
            Errors{"t.yaml:22:14: nodes.gw.timeout: expected a duration > 0, got '0s'"});
  EXPECT_EQ(errors_of(reference_with("warmup: 1m", "window: -1s")),
            Errors{"t.yaml:4:9: window: expected a duration > 0, got '-1s'"});
  EXPECT_EQ(
      errors_of(reference_with("    internal_latency: 0.5ms", "    internal_latency: -1ms")),
      Errors{"t.yaml:7:23: sites.east.internal_latency: expected a duration >= 0, got '-1ms'"});
}

TEST(Loader, ZeroLatencyAndServiceTimeAreAllowed) {
  const std::string text =
      reference_with("    internal_latency: 0.5ms", "    internal_latency: 0ms");
  const core::Scenario s = load_string(
      text.substr(0, text.find("{dist: constant, value: 0.5ms}")) + "{dist: constant, value: 0s}" +
          text.substr(text.find("{dist: constant, value: 0.5ms}") + 30),
      "t.yaml");
  EXPECT_EQ(s.sites[0].internal_latency_s, 0.0);
  EXPECT_EQ(s.nodes[2].service_time.value, 0.0);
}

TEST(Loader, WarmupMustBeShorterThanDuration) {
  EXPECT_EQ(errors_of(reference_with("warmup: 1m", "warmup: 30m")),
            Errors{"t.yaml:4:9: warmup: expected a warmup shorter than duration (30m), got '30m'"});
}

TEST(Loader, CountsMustBeWholeAndAtLeastOne) {
  EXPECT_EQ(errors_of(reference_with("workers: 64", "workers: 0")),
            Errors{"t.yaml:18:14: nodes.gw.workers: expected a count >= 1, got '0'"});
  EXPECT_EQ(errors_of(reference_with("replicas: 2", "replicas: -2")),
            Errors{"t.yaml:17:15: nodes.gw.replicas: expected a count >= 1, got '-2'"});
  EXPECT_EQ(errors_of(reference_with("cards: 1_000_000", "cards: 1.5")),
            Errors{"t.yaml:45:12: payers.shoppers.cards: expected a whole number like 1000, "
                   "1_000_000 or 1e6, got '1.5'"});
  EXPECT_EQ(errors_of(reference_with("workers: 64", "workers: 1e10")),
            Errors{"t.yaml:18:14: nodes.gw.workers: expected a count <= 2147483647, got '1e10'"});
  EXPECT_EQ(errors_of(reference_with("seed: 42", "seed: -1")),
            Errors{"t.yaml:2:7: seed: expected a seed >= 0, got '-1'"});
}

TEST(Loader, CountsAcceptUnderscoresAndExponents) {
  const core::Scenario s = load_string(reference_with("cards: 1_000_000", "cards: 2e6"), "t.yaml");
  EXPECT_EQ(s.payers[0].cards, 2000000);
}

TEST(Loader, Queue) {
  EXPECT_EQ(
      errors_of(reference_with("queue: 2000", "queue: lots")),
      Errors{"t.yaml:19:12: nodes.gw.queue: expected a count >= 0 or 'unlimited', got 'lots'"});
  EXPECT_EQ(load_string(reference_with("queue: 2000", "queue: 0"), "t.yaml").nodes[0].queue, 0);
}

TEST(Loader, EnumWithSuggestion) {
  EXPECT_EQ(errors_of(reference_with("role: gateway", "role: gatway")),
            Errors{"t.yaml:15:11: nodes.gw.role: expected one of gateway, acquirer, network, "
                   "issuer, got 'gatway' (did you mean 'gateway'?)"});
  EXPECT_EQ(errors_of(reference_with("    timeout: 4s", "    io: sync")),
            Errors{"t.yaml:22:9: nodes.gw.io: expected one of async, blocking, got 'sync' (did "
                   "you mean 'async'?)"});
}

TEST(Loader, WrongShape) {
  EXPECT_EQ(errors_of(reference_with("  - id: west", "  - west")),
            Errors{"t.yaml:8:5: sites[1]: expected a mapping, got 'west'"});
  EXPECT_EQ(errors_of(reference_with("    next: [acq]", "    next: acq")),
            Errors{"t.yaml:21:11: nodes.gw.next: expected a list, got 'acq'"});
  EXPECT_EQ(errors_of(reference_with("name: ref", "name: {a: 1}")),
            Errors{"t.yaml:1:7: name: expected an id of letters, digits, '_' and '-', starting "
                   "with a letter or digit, at most 64 long, got a mapping"});
}

TEST(Loader, UnknownSite) {
  EXPECT_EQ(errors_of(reference_with("    site: east", "    site: eats")),
            Errors{"t.yaml:16:11: nodes.gw.site: expected a site id (one of east, west), got "
                   "'eats' (did you mean 'east'?)"});
  EXPECT_EQ(errors_of(reference_with("between: [east, west]", "between: [east, nowhere]")),
            Errors{"t.yaml:10:21: links[0].between[1]: expected a site id (one of east, west), "
                   "got 'nowhere'"});
}

TEST(Loader, LinkShape) {
  EXPECT_EQ(errors_of(reference_with("between: [east, west]", "between: [east]")),
            Errors{"t.yaml:10:14: links[0].between: expected a list of two site ids, got a list"});
  EXPECT_EQ(
      errors_of(reference_with("between: [east, west]", "between: [east, east]")),
      Errors{"t.yaml:10:14: links[0].between: expected two different sites, got 'east' twice"});
  EXPECT_EQ(errors_of(reference_with("bandwidth: 10Gbps", "bandwidth: 10G")),
            Errors{"t.yaml:12:16: links[0].bandwidth: expected a bandwidth like 100Mbps or "
                   "10Gbps, got '10G'"});
}

TEST(Loader, DuplicateIds) {
  EXPECT_EQ(errors_of(reference_with("  - id: west", "  - {id: east}\n  - id: west")),
            Errors{"t.yaml:8:10: sites.east.id: expected a unique site id, got 'east' again (first "
                   "at line 6)"});
  std::string text = kReference;
  text.insert(text.find("payers:"),
              "  - {id: net, role: network, site: west, workers: 1, service_time: {dist: "
              "constant, value: 1ms}}\n");
  EXPECT_EQ(errors_of(text), Errors{"t.yaml:43:10: nodes.net.id: expected a unique node id, got "
                                    "'net' again (first at line 30)"});
  text = reference_with("    cards: 1_000_000", "    share: 50%\n    cards: 1_000_000");
  text.insert(text.find("load:"),
              "  - {id: shoppers, share: 50%, cards: 5, issuers: {iss: 100%}, entry: gw, amount: "
              "{dist: constant, value: 1.00}}\n");
  EXPECT_EQ(errors_of(text), Errors{"t.yaml:51:10: payers.shoppers.id: expected a unique payer "
                                    "id, got 'shoppers' again (first at line 44)"});
}

TEST(Loader, UnknownNodeInNext) {
  EXPECT_EQ(errors_of(reference_with("next: [acq]", "next: [acqq]")),
            Errors{"t.yaml:21:12: nodes.gw.next[0]: expected the id of a node, got 'acqq' (did "
                   "you mean 'acq'?)"});
}

TEST(Loader, CycleInNext) {
  EXPECT_EQ(errors_of(reference_with("next: [net]", "next: [net, gw]")),
            Errors{"t.yaml:28:17: nodes.acq.next[1]: expected no cycle through next, got gw -> "
                   "acq -> gw"});
}

TEST(Loader, IssuerWithNext) {
  EXPECT_EQ(errors_of(reference_with("    queue: unlimited", "    next: [net]")),
            Errors{"t.yaml:41:11: nodes.iss.next: expected no next on an issuer (issuers answer, "
                   "they do not forward), got a list"});
}

TEST(Loader, ForwardingNodeWithoutNext) {
  EXPECT_EQ(errors_of(reference_with("next: [acq]", "next: []")),
            Errors{"t.yaml:21:11: nodes.gw.next: expected at least one next node for a gateway, "
                   "got an empty list"});
  EXPECT_EQ(errors_of(reference_with("    next: [net]", "    io: async")),
            Errors{"t.yaml:23:5: nodes.acq.next: expected at least one next node for an "
                   "acquirer, got nothing (the key is missing)"});
}

TEST(Loader, ByBinOnlyOnNetworks) {
  EXPECT_EQ(errors_of(reference_with("    timeout: 4s", "    routing: by_bin")),
            Errors{"t.yaml:22:14: nodes.gw.routing: expected one of failover, round_robin, "
                   "least_outstanding (by_bin is for networks only), got 'by_bin'"});
  const core::Scenario s =
      load_string(reference_with("    timeout: 2s", "    routing: round_robin"), "t.yaml");
  EXPECT_EQ(s.nodes[2].routing, core::Routing::kRoundRobin);
}

TEST(Loader, Bins) {
  EXPECT_EQ(errors_of(reference_with("    timeout: 2s", "    bins: [\"5\"]")),
            Errors{"t.yaml:35:11: nodes.net.bins: expected no bins on a network (only issuers "
                   "serve BINs), got a list"});
  EXPECT_EQ(errors_of(reference_with("bins: [\"4111\"]", "bins: []")),
            Errors{"t.yaml:39:11: nodes.iss.bins: expected a non-empty list of BINs for an "
                   "issuer, like [\"4111\"], got an empty list"});
  EXPECT_EQ(errors_of(reference_with("    bins: [\"4111\"]", "    io: async")),
            Errors{"t.yaml:36:5: nodes.iss.bins: expected a non-empty list of BINs for an "
                   "issuer, like [\"4111\"], got nothing (the key is missing)"});
  EXPECT_EQ(errors_of(reference_with("bins: [\"4111\"]", "bins: [\"41x1\"]")),
            Errors{"t.yaml:39:12: nodes.iss.bins[0]: expected a BIN (digits, like \"4111\"), got "
                   "'41x1'"});
}

TEST(Loader, BinServedByTwoIssuers) {
  EXPECT_EQ(errors_of(with_second_issuer(kReference, "4111")),
            Errors{"t.yaml:43:49: nodes.iss2.bins[0]: expected a BIN served by one issuer, got "
                   "'4111' (also served by iss)"});
  EXPECT_TRUE(errors_of(with_second_issuer(kReference, "4222")).empty());
}

TEST(Loader, PayerSharesMustSumTo100) {
  std::string text = reference_with("    cards: 1_000_000", "    share: 50%\n    cards: 1_000_000");
  text.insert(text.find("load:"),
              "  - {id: bots, share: 40%, cards: 5, issuers: {iss: 100%}, "
              "entry: gw, amount: {dist: constant, value: 1.00}}\n");
  EXPECT_EQ(errors_of(text),
            Errors{"t.yaml:44:3: payers: expected shares summing to 100%, got 90%"});
  text = text.replace(text.find("share: 40%"), 10, "share: 50%");
  const core::Scenario s = load_string(text, "t.yaml");
  EXPECT_EQ(s.payers[1].share, 0.5);
}

TEST(Loader, ShareRequiredWithSeveralPopulations) {
  std::string text = kReference;
  text.insert(text.find("load:"),
              "  - {id: bots, share: 40%, cards: 5, issuers: {iss: 100%}, "
              "entry: gw, amount: {dist: constant, value: 1.00}}\n");
  EXPECT_EQ(errors_of(text), Errors{"t.yaml:44:5: payers.shoppers.share: expected a percentage "
                                    "like 99.5%, got nothing (the key is missing)"});
}

TEST(Loader, SharesArePercentages) {
  EXPECT_EQ(errors_of(reference_with("{iss: 100%}", "{iss: 1}")),
            Errors{"t.yaml:47:20: payers.shoppers.issuers.iss: expected a percentage like 99.5%, "
                   "got '1'"});
  EXPECT_EQ(errors_of(reference_with("    cards:", "    share: 120%\n    cards:")),
            Errors{"t.yaml:45:12: payers.shoppers.share: expected a percentage > 0% and <= 100%, "
                   "got '120%'"});
}

TEST(Loader, IssuerSharesMustSumTo100) {
  EXPECT_EQ(
      errors_of(reference_with("{iss: 100%}", "{iss: 90%}")),
      Errors{"t.yaml:47:14: payers.shoppers.issuers: expected shares summing to 100%, got 90%"});
}

TEST(Loader, IssuersNameIssuers) {
  EXPECT_EQ(errors_of(reference_with("{iss: 100%}", "{isss: 100%}")),
            Errors{"t.yaml:47:15: payers.shoppers.issuers.isss: expected the id of an issuer, got "
                   "'isss' (did you mean 'iss'?)"});
  EXPECT_EQ(errors_of(reference_with("{iss: 100%}", "{net: 100%}")),
            Errors{"t.yaml:47:15: payers.shoppers.issuers.net: expected the id of an issuer, got "
                   "'net' (a network)"});
}

TEST(Loader, EntryIsAGateway) {
  EXPECT_EQ(errors_of(reference_with("entry: gw", "entry: acq")),
            Errors{"t.yaml:48:12: payers.shoppers.entry: expected the id of a gateway, got 'acq' "
                   "(an acquirer)"});
  EXPECT_EQ(errors_of(reference_with("entry: gw", "entry: portal")),
            Errors{"t.yaml:48:12: payers.shoppers.entry: expected the id of a gateway, got "
                   "'portal' (no node has that id)"});
}

TEST(Loader, IssuerUnreachableFromEntry) {
  const std::string text =
      with_second_issuer(reference_with("    timeout: 2s", "    next: [iss2]"), "4222");
  EXPECT_EQ(errors_of(text),
            Errors{"t.yaml:48:15: payers.shoppers.issuers.iss: expected an issuer reachable from "
                   "entry 'gw' through next and a network, got 'iss'"});
}

TEST(Loader, IssuerIsReachedOnlyThroughANetwork) {
  // acq sends straight to iss: not a path a payment can take.
  EXPECT_EQ(errors_of(reference_with("next: [net]", "next: [iss]")),
            Errors{"t.yaml:47:15: payers.shoppers.issuers.iss: expected an issuer reachable from "
                   "entry 'gw' through next and a network, got 'iss'"});
}

TEST(Loader, Rates) {
  EXPECT_EQ(errors_of(reference_with("start_rate: 2000/s", "start_rate: 2000")),
            Errors{"t.yaml:51:15: load.start_rate: expected a rate like 2000/s, 120k/min or "
                   "3M/h, got '2000'"});
  EXPECT_EQ(errors_of(reference_with("target: 20k/s", "target: -1/s")),
            Errors{"t.yaml:53:30: load.stages[0].target: expected a rate >= 0, got '-1/s'"});
  std::string zero = reference_with("start_rate: 2000/s", "start_rate: 0/s");
  zero.replace(zero.find("20k/s"), 5, "0/s");
  EXPECT_EQ(errors_of(zero),
            Errors{"t.yaml:51:3: load: expected start_rate or a stage target > 0, got only zero "
                   "rates"});
  const core::Scenario s =
      load_string(reference_with("start_rate: 2000/s", "start_rate: 0/s"), "t.yaml");
  EXPECT_EQ(s.load.start_rate_per_s, 0.0);  // a ramp from zero is fine
}

TEST(Loader, Spikes) {
  EXPECT_EQ(errors_of(reference_with("multiplier: 3", "multiplier: 0")),
            Errors{"t.yaml:54:49: load.spikes[0].multiplier: expected a number > 0, got '0'"});
  EXPECT_EQ(errors_of(reference_with("{at: 12m, ", "{")),
            Errors{"t.yaml:54:12: load.spikes[0].at: expected a duration with a unit, like 250ms "
                   "or 2s, got nothing (the key is missing)"});
}

TEST(Loader, ArrivalProcess) {
  EXPECT_EQ(
      load_string(reference_with("load:\n", "load:\n  arrival: uniform\n"), "t.yaml").load.arrival,
      core::ArrivalProcess::kUniform);
  EXPECT_EQ(errors_of(reference_with("load:\n", "load:\n  arrival: poison\n")),
            Errors{"t.yaml:51:12: load.arrival: expected one of poisson, uniform, got 'poison' "
                   "(did you mean 'poisson'?)"});
}

TEST(Loader, RequiredSections) {
  const std::string text = kReference.substr(0, kReference.find("load:"));
  EXPECT_EQ(errors_of(text), Errors{"t.yaml:1:1: load: expected a load mapping, got nothing (the "
                                    "key is missing)"});
}

TEST(Loader, ThreeMistakesGiveThreeDiagnostics) {
  const std::string file = std::string(PAYQUAKE_INVALID_DIR) + "/three_mistakes.yaml";
  try {
    load_file(file);
    FAIL();
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 3u) << e.what();
    EXPECT_EQ(
        e.diagnostics()[0].to_string(),
        file + ":4:11: duration: expected a duration with a unit, like 250ms or 2s, got '30'");
    EXPECT_EQ(e.diagnostics()[1].to_string(),
              file + ":17:14: nodes.gw.workers: expected a count >= 1, got '0'");
    EXPECT_EQ(e.diagnostics()[2].to_string(),
              file +
                  ":34:12: payers.shoppers.entry: expected the id of a gateway, got 'acq' (an "
                  "acquirer)");
  }
}

TEST(Loader, DesignExampleRejectsOnlyItsMistakes) {
  const std::string file = std::string(PAYQUAKE_INVALID_DIR) + "/design_example.yaml";
  try {
    load_file(file);
    FAIL();
  } catch (const ScenarioError& e) {
    // In file order.
    const Errors expected{
        // The example names acq-b without defining it.
        ":23:19: nodes.gw.next[1]: expected the id of a node, got 'acq-b' (did you mean "
        "'acq-a'?)",
        // Payment semantics are read (and valid); it includes a fraud policy that does not
        // exist (and nothing more is said of the policy that could not be read).
        ":45:22: nodes.iss-a.fraud.include: expected a readable file, got '" +
            std::string(PAYQUAKE_SOURCE_DIR) +
            "/tests/scenario/models/fraud/velocity-and-score.yaml' (no such file)"};
        // Its faults, attacks, slo and expect are valid: every target exists, gw keeps
        // idempotency keys.
    ASSERT_EQ(e.diagnostics().size(), expected.size()) << e.what();
    for (std::size_t i = 0; i < expected.size(); ++i)
      EXPECT_EQ(e.diagnostics()[i].to_string(), file + expected[i]);
  }
}

TEST(Loader, DesignExampleLoadsWithoutItsMistakes) {
  std::ifstream in(std::string(PAYQUAKE_INVALID_DIR) + "/design_example.yaml");
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  text.replace(text.find("[acq-a, acq-b]"), 14, "[acq-a]");
  const std::size_t fraud = text.find("    fraud:");
  text.erase(fraud, text.find('\n', fraud) + 1 - fraud);
  const core::Scenario s = load_string(text, "design.yaml");
  ASSERT_EQ(s.attacks.size(), 4u);
  EXPECT_EQ(s.attacks[0].id, "card_testing-1");
  EXPECT_EQ(s.attacks[0].cards, 50000);
  EXPECT_EQ(s.attacks[2].rate_per_s, 50000.0);
  EXPECT_EQ(s.attacks[3].id, "replay-1");
  ASSERT_EQ(s.nodes.size(), 4u);
  EXPECT_EQ(s.nodes[0].retry.attempts, 2);
  EXPECT_TRUE(s.nodes[0].reversal.on_timeout);
  EXPECT_TRUE(s.nodes[0].idempotency.enabled);
  EXPECT_TRUE(s.nodes[2].stand_in.enabled);
  EXPECT_TRUE(s.nodes[3].accounts.enabled);
  EXPECT_EQ(s.payers[0].client.retries, 1);
  EXPECT_DOUBLE_EQ(s.payers[0].client.double_submit, 0.001);
  EXPECT_EQ(s.faults.size(), 8u);  // their values: faults_test.cpp, DesignExampleFaults
  EXPECT_EQ(s.slo.window_s, 10.0);
  EXPECT_EQ(s.expectations.size(), 4u);
}

}  // namespace
}  // namespace payquake::scenario
