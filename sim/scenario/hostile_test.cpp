// Hostile and absurd input (issue 7 section 4): each is refused with a located error
// naming the limit, in bounded time and memory, and never crashes the loader.
#include <gtest/gtest.h>

#include "scenario/loader.hpp"
#include "scenario/test_util.hpp"

namespace payquake::scenario {
namespace {

using testing::errors_of;
using testing::kReference;
using testing::numbered;
using testing::reference_with;
using Errors = std::vector<std::string>;

TEST(Hostile, RecursiveAlias) {
  EXPECT_EQ(errors_of("&a [*a]"),
            Errors{"t.yaml:1:1: [0]: expected no recursive alias, got an alias of a node inside "
                   "itself"});
  EXPECT_EQ(errors_of("&a {x: *a}"),
            Errors{"t.yaml:1:1: x: expected no recursive alias, got an alias of a node inside "
                   "itself"});
  EXPECT_EQ(errors_of(kReference, {"seed=&a [*a]"}),
            Errors{"--set: seed: expected no recursive alias, got an alias of a node inside "
                   "itself"});
}

TEST(Hostile, AliasBomb) {
  std::string bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) bomb += std::string(i ? ", *" : "*") + static_cast<char>(c - 1);
    bomb += "]\n";
  }
  const Errors errors = errors_of(bomb);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("expected at most 200000 values in the scenario with its aliases and "
                           "includes expanded, got more"),
            std::string::npos)
      << errors[0];
}

TEST(Hostile, DeepNesting) {
  // Deeper than payquake reads: refused while converting.
  const Errors deep = errors_of(std::string(100, '[') + std::string(100, ']'));
  ASSERT_EQ(deep.size(), 1u);
  EXPECT_TRUE(deep[0].starts_with("t.yaml:1:65: [0][0]")) << deep[0];
  EXPECT_TRUE(deep[0].ends_with(": expected lists and mappings nested at most 64 deep, got deeper"))
      << deep[0];
  // Deeper than yaml-cpp parses: refused by its own guard, before it could recurse further.
  EXPECT_EQ(errors_of(std::string(100000, '[') + std::string(100000, ']')),
            Errors{"t.yaml:1:1: invalid YAML: nested too deeply (at most 64 levels are read)"});
}

TEST(Hostile, IncludeBombs) {
  testing::TempDir td;
  // Fan-out: each level includes the next ten times (10^6 includes unbounded).
  for (int level = 0; level < 6; ++level) {
    std::string list = "include: [";
    for (int i = 0; i < 10; ++i) list += numbered(i ? ", l" : "l", level + 1, ".yaml");
    td.write(numbered("l", level, ".yaml"), list + "]\n");
  }
  td.write("l6.yaml", "seed: 1\n");
  const Errors fan = [&] {
    Errors out;
    try {
      load_file(td.path("l0.yaml"));
    } catch (const ScenarioError& e) {
      for (const auto& d : e.diagnostics())
        if (d.message.find("includes") != std::string::npos) out.push_back(d.to_string());
    }
    return out;
  }();
  EXPECT_EQ(fan, Errors{td.path("l5.yaml") +
                        ":1:74: include: expected at most 256 includes in all, got more"});
  // A deep chain: each file includes the next.
  for (int i = 0; i < 40; ++i)
    td.write(numbered("c", i, ".yaml"), numbered("include: c", i + 1, ".yaml\n"));
  td.write("c40.yaml", "seed: 1\n");
  Errors chain;
  try {
    load_file(td.path("c0.yaml"));
  } catch (const ScenarioError& e) {
    for (const auto& d : e.diagnostics())
      if (d.message.find("include") != std::string::npos) chain.push_back(d.to_string());
  }
  EXPECT_EQ(chain, Errors{td.path("c16.yaml") +
                          ":1:10: include: expected includes nested at most 16 files deep, got "
                          "a deeper chain"});
}

TEST(Hostile, NonFiniteValues) {
  EXPECT_EQ(errors_of(reference_with("duration: 30m", "duration: 1e308h")),
            Errors{"t.yaml:3:11: duration: expected a duration with a unit, like 250ms or 2s, got "
                   "'1e308h'"});
  EXPECT_EQ(errors_of(reference_with("start_rate: 2000/s", "start_rate: 1e308k/s")),
            Errors{"t.yaml:51:15: load.start_rate: expected a rate like 2000/s, 120k/min or 3M/h, "
                   "got '1e308k/s'"});
  EXPECT_EQ(errors_of(reference_with("bandwidth: 10Gbps", "bandwidth: 1e308Gbps")),
            Errors{"t.yaml:12:16: links[0].bandwidth: expected a bandwidth like 100Mbps or "
                   "10Gbps, got '1e308Gbps'"});
  for (const std::string x : {"nan", "inf", ".inf", ".nan", "1e999"}) {
    EXPECT_EQ(
        errors_of(reference_with("multiplier: 3", "multiplier: " + x)),
        Errors{"t.yaml:54:49: load.spikes[0].multiplier: expected a number, got '" + x + "'"});
  }
  EXPECT_EQ(errors_of(reference_with("workers: 64", "workers: 1e30")),
            Errors{"t.yaml:18:14: nodes.gw.workers: expected a whole number like 1000, 1_000_000 "
                   "or 1e6, got '1e30'"});
  EXPECT_EQ(errors_of(reference_with("cards: 1_000_000", "cards: 1e15")),
            Errors{"t.yaml:45:12: payers.shoppers.cards: expected a count <= 1099511627776 (2^40, "
                   "the card numbers an account key holds), got '1e15'"});
  EXPECT_EQ(errors_of(reference_with("median: 42.00", "median: 1e308")),
            Errors{"t.yaml:49:39: payers.shoppers.amount.median: expected money with at most two "
                   "decimals, like 42.50, got '1e308'"});
  // Found by the fuzzer: a p99 near the largest double was accepted, written back as mu and
  // sigma beyond a finite p99, and the resolved scenario did not load.
  EXPECT_EQ(errors_of(reference_with("p99: 12ms", "p99: 1e308s")),
            Errors{"t.yaml:20:55: nodes.gw.service_time.p99: expected a p99 <= 1e300 in its unit, "
                   "got '1e308s'"});
  // Found by the fraud policy fuzzer: a denormal median made sigma = ln(p99 / median) infinite.
  EXPECT_EQ(errors_of(reference_with("median: 2ms", "median: 1e-308ms")),
            Errors{"t.yaml:20:45: nodes.gw.service_time.median: expected a median with a finite "
                   "p99 / median, got '1e-308ms' under a p99 of '12ms'"});
  EXPECT_EQ(errors_of(reference_with("{dist: exponential, mean: 1ms}",
                                     "{dist: lognormal, mu: 1000, sigma: 1}")),
            Errors{"t.yaml:27:19: nodes.acq.service_time: expected mu + 2.33 sigma <= 700 (a "
                   "finite p99), got mu 1000 and sigma 1"});
}

// "expected <kIdForm>, got '<text>'".
std::string not_an_id(const std::string& text) {
  return "expected an id of letters, digits, '_' and '-', starting with a letter or digit, at "
         "most 64 long, got '" +
         text + "'";
}

TEST(Hostile, IdsAndNamesUseTheSafeCharacterSet) {
  // The name chooses the run folder runs/<name>-<seed>: never a path outside runs/.
  EXPECT_EQ(errors_of(reference_with("name: ref", "name: ../../x")),
            Errors{"t.yaml:1:7: name: " + not_an_id("../../x")});
  // A comma would split a column of timeseries.csv.
  EXPECT_EQ(errors_of(reference_with("  - id: west", "  - id: \"we,st\"")),
            Errors{"t.yaml:8:9: sites.we,st.id: " + not_an_id("we,st")});
  // A dot would make --set nodes.g.w.workers and the target g.w.idempotency ambiguous.
  EXPECT_EQ(errors_of(reference_with("  - id: gw", "  - id: g.w")),
            Errors{"t.yaml:14:9: nodes.g.w.id: " + not_an_id("g.w")});
  const std::string long_id(65, 'x');
  EXPECT_EQ(errors_of(reference_with("  - id: shoppers", "  - id: " + long_id)),
            Errors{"t.yaml:44:9: payers." + long_id + ".id: " + not_an_id(long_id)});
  EXPECT_TRUE(
      errors_of(reference_with("  - id: shoppers", "  - id: " + long_id.substr(1))).empty());
}

TEST(Hostile, ALongValueIsQuotedCut) {
  const std::string word(100'000, 'x');
  EXPECT_EQ(errors_of(reference_with("seed: 42", "seed: " + word)),
            Errors{"t.yaml:2:7: seed: expected a whole number like 1000, 1_000_000 or 1e6, got '" +
                   word.substr(0, 80) + "...' (100000 bytes)"});
}

TEST(Hostile, InvalidUtf8AndControlCharacters) {
  // Reported once, with the offending bytes written as \xNN: never echoed raw.
  EXPECT_EQ(errors_of(reference_with("name: ref",
                                     "name: r\xff"
                                     "f")),
            Errors{"t.yaml:1:7: name: expected UTF-8 text without control characters, got a "
                   "byte that is not UTF-8 (\\xff) at character 2"});
  EXPECT_EQ(errors_of(reference_with("name: ref", "name: \"r\\x01f\"")),
            Errors{"t.yaml:1:7: name: expected UTF-8 text without control characters, got a "
                   "control character (\\x01) at character 2"});
  EXPECT_EQ(errors_of(reference_with("name: ref", "name: \"r\\nf\"")),
            Errors{"t.yaml:1:7: name: expected UTF-8 text without control characters, got a "
                   "control character (\\x0a) at character 2"});
  EXPECT_EQ(errors_of(reference_with("seed: 42",
                                     "se\xc3\x28"
                                     "d: 42")),
            Errors{"t.yaml:2:1: expected UTF-8 text without control characters, got a byte that "
                   "is not UTF-8 (\\xc3) at character 3"});
  EXPECT_EQ(errors_of(kReference, {"name=a\xff"}),
            Errors{"--set: expected key.path=value in UTF-8 without control characters, got a "
                   "byte that is not UTF-8 (\\xff) at character 7"});
  // Text that is UTF-8 is fine wherever free text is allowed.
  EXPECT_TRUE(errors_of(reference_with("seed: 42", "seed: 42 # caf\xc3\xa9")).empty());
}

TEST(Hostile, TheDrainCountsInTheEstimate) {
  // A slowdown by 1e300 would make the drain after the last arrival last ~1e300 s, one
  // time-series window per second of it: the default drain limit cuts it (the run is
  // bounded), a drain limit of eons does not.
  const std::string slow =
      kReference + "faults: [{kind: slowdown, target: iss, at: 1m, duration: 1m, factor: 1e300}]\n";
  EXPECT_EQ(errors_of(slow), Errors{});
  EXPECT_EQ(
      errors_of(slow + "drain_limit: 100000000000h\n"),
      Errors{"t.yaml:3:11: duration: expected a run needing at most 4 GiB of memory, got "
             "one needing ~277 PiB, ~274 PiB of it for the (duration + up to 3.6e14 s of drain) / "
             "window = 3.6e14 windows x 19 columns"});
}

TEST(Hostile, TooManyNodesOrSites) {
  std::string nodes = "nodes:\n";
  for (int i = 0; i <= 10'000; ++i) nodes += numbered("  - {id: n", i, "}\n");
  EXPECT_EQ(errors_of(reference_with("nodes:\n", nodes + "  - {id: gw-spare}\n")).front(),
            "t.yaml:14:3: nodes: expected at most 10000 nodes, got 10006");
  std::string sites = "sites:\n";
  for (int i = 0; i <= 1'000; ++i) sites += numbered("  - {id: s", i, "}\n");
  EXPECT_EQ(errors_of(reference_with("sites:\n", sites)).front(),
            "t.yaml:6:3: sites: expected at most 1000 sites, got 1003");
}

TEST(Hostile, RunsNeedingTooMuchMemoryAreRefusedWithTheEstimate) {
  EXPECT_EQ(errors_of(kReference + "window: 1us\n"),
            Errors{"t.yaml:55:9: window: expected a run needing at most 4 GiB of memory, got one "
                   "needing ~1.97 TiB, ~1.97 TiB of it for the (duration + up to 727 s of "
                   "drain) / window = 2.5e9 windows x 19 columns"});
  EXPECT_EQ(errors_of(reference_with("replicas: 2", "replicas: 20000")),
            Errors{"t.yaml:17:15: nodes.gw.replicas: expected a run needing at most 4 GiB of "
                   "memory, got one needing ~37.3 GiB, ~37.3 GiB of it for the routes between "
                   "every two of the 20001 replicas on site 'east'"});
  EXPECT_EQ(errors_of(reference_with("start_rate: 2000/s", "start_rate: 100M/s")),
            Errors{"t.yaml:51:3: load: expected at most 1e10 payments in a run (the arrival rate "
                   "over the duration), got ~2.1e10"});
}

}  // namespace
}  // namespace payquake::scenario
