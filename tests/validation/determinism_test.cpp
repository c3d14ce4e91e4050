// "Same seed, same bytes" (DESIGN.md section 7): a run is a function of its scenario and
// seed, whichever engine drives the calendar. Only the wall-clock time (and the name of
// the engine) may differ.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "validation/validation_support.hpp"

namespace payquake::testing {
namespace {

// Two sites, replicas everywhere, round-robin and least-outstanding routing, two
// issuers, two populations and every service-time distribution; the spike overloads the
// issuers (small waiting rooms: rejections, code 96) and the network's 150 ms timeout
// fires while late answers still come back. iss-a's cards run out of funds, and its holds
// are captured, expire and are reversed within the run.
constexpr const char* kBusyNetwork = R"(name: busy-network
seed: 5
duration: 20s
warmup: 2s
window: 1s
sites:
  - {id: east, internal_latency: 0.5ms}
  - {id: west, internal_latency: 0.2ms}
links:
  - {between: [east, west], latency: 20ms}
nodes:
  - {id: gw, role: gateway, site: east, replicas: 2, workers: 64, queue: 200, io: blocking, service_time: {dist: lognormal, median: 1ms, p99: 5ms}, next: [acq-a, acq-b], routing: round_robin, timeout: 2s}
  - {id: acq-a, role: acquirer, site: east, replicas: 2, workers: 8, queue: 100, service_time: {dist: exponential, mean: 1ms}, next: [net], routing: least_outstanding, timeout: 1s}
  - {id: acq-b, role: acquirer, site: east, replicas: 3, workers: 4, queue: 50, service_time: {dist: uniform, min: 0.5ms, max: 2ms}, next: [net], routing: round_robin, timeout: 1s}
  - {id: net, role: network, site: west, replicas: 3, workers: 32, queue: unlimited, service_time: {dist: constant, value: 0.3ms}, routing: by_bin, timeout: 150ms}
  - {id: iss-a, role: issuer, site: west, replicas: 2, bins: ["4111", "4112"], workers: 4, queue: 20, service_time: {dist: lognormal, median: 4ms, p99: 100ms}, accounts: {balance: {dist: lognormal, median: 300.00, p99: 5000.00}, capture: {after: {dist: exponential, mean: 3s}, share: 90%}, hold_expiry: 6s}}
  - {id: iss-b, role: issuer, site: west, bins: ["4222"], workers: 6, queue: 10, service_time: {dist: normal, mean: 5ms, stddev: 3ms}}
payers:
  - {id: shoppers, share: 80%, cards: 100000, activity: {dist: zipf, s: 1.1}, issuers: {iss-a: 60%, iss-b: 40%}, entry: gw, amount: {dist: lognormal, median: 42.00, p99: 900.00}}
  - {id: business, share: 20%, cards: 5000, issuers: {iss-b: 100%}, entry: gw, amount: {dist: uniform, min: 100.00, max: 2000.00}}
load:
  arrival: poisson
  start_rate: 200/s
  stages:
    - {duration: 5s, target: 1200/s}
    - {duration: 15s, target: 1200/s}
  spikes: [{at: 8s, duration: 3s, multiplier: 2.5}]
)";

struct RunFiles {
  RunOutput run;
  std::string summary, timeseries, resolved;
};

RunFiles run_busy(const std::vector<std::string>& extra) {
  const std::string dir = temp_dir("determinism");
  RunFiles f{run_scenario(write_file(dir, "busy.yaml", kBusyNetwork), extra), "", "", ""};
  EXPECT_EQ(f.run.exit_code, 0) << f.run.err;
  f.summary = f.run.summary_text();
  f.timeseries = f.run.timeseries;
  f.resolved = read_file(f.run.run_dir + "/scenario.resolved.yaml");
  EXPECT_FALSE(f.summary.empty());
  EXPECT_FALSE(f.timeseries.empty());
  EXPECT_FALSE(f.resolved.empty());
  std::filesystem::remove_all(f.run.run_dir);
  std::filesystem::remove_all(dir);
  return f;
}


// The scenario really exercises what it claims, or the comparisons would prove little.
void expect_busy(const nlohmann::json& s) {
  const auto& n = s["nodes"];
  EXPECT_GT(s["payments"]["total"].get<int>(), 20000);
  EXPECT_GT(s["payments"]["by_code"]["96"].get<int>(), 0) << "no rejection";
  EXPECT_GT(s["payments"]["by_code"]["91"].get<int>(), 0) << "no timeout";
  EXPECT_GT(n["iss-a"]["rejected"].get<int>() + n["iss-b"]["rejected"].get<int>(), 0);
  EXPECT_GT(n["net"]["timeouts"].get<int>(), 0);
  EXPECT_GT(n["net"]["late_answers"].get<int>(), 0);
  EXPECT_GT(n["acq-a"]["served"].get<int>(), 0);
  EXPECT_GT(n["acq-b"]["served"].get<int>(), 0);
  EXPECT_GT(s["payments"]["approved"].get<int>(), 0);
  EXPECT_GT(s["payments"]["by_code"]["51"].get<int>(), 0) << "no card ran out of funds";
  EXPECT_NE(s["conservation"]["settled"], "0.00") << "no hold captured";
  EXPECT_EQ(s["conservation"]["ok"], true);
}

TEST(Determinism, TheSameSeedGivesTheSameBytes) {
  const RunFiles a = run_busy({"--seed", "5"});
  const RunFiles b = run_busy({"--seed", "5"});
  expect_busy(a.run.summary);
  EXPECT_EQ(without_lines(a.summary, {"\"wall_seconds\"", "\"command_line\""}),
            without_lines(b.summary, {"\"wall_seconds\"", "\"command_line\""}));
  EXPECT_EQ(a.timeseries, b.timeseries);
  EXPECT_EQ(a.resolved, b.resolved);
}

TEST(Determinism, ADifferentSeedGivesADifferentRun) {
  const RunFiles a = run_busy({"--seed", "5"});
  const RunFiles b = run_busy({"--seed", "6"});
  EXPECT_EQ(a.run.summary["seed"], 5);
  EXPECT_EQ(b.run.summary["seed"], 6);
  // Everything but the seed and the clock: the figures themselves must move.
  EXPECT_NE(without_lines(a.summary, {"\"wall_seconds\"", "\"seed\"", "\"command_line\""}),
            without_lines(b.summary, {"\"wall_seconds\"", "\"seed\"", "\"command_line\""}));
  EXPECT_NE(a.run.summary["payments"]["total"], b.run.summary["payments"]["total"]);
  EXPECT_NE(a.run.summary["latency_seconds"]["mean"], b.run.summary["latency_seconds"]["mean"]);
  EXPECT_NE(a.timeseries, b.timeseries);
}

TEST(Determinism, LockstepAndRunAheadEnginesGiveTheSameBytes) {
  const RunFiles ahead = run_busy({"--seed", "5"});
  const RunFiles lockstep = run_busy({"--seed", "5", "--engine", "lockstep"});
  EXPECT_EQ(ahead.run.summary["engine"]["mode"], "runahead");
  EXPECT_EQ(lockstep.run.summary["engine"]["mode"], "lockstep");
  expect_busy(lockstep.run.summary);
  const std::vector<std::string> vary = {"\"wall_seconds\"", "\"mode\"", "\"command_line\""};
  EXPECT_EQ(without_lines(ahead.summary, vary), without_lines(lockstep.summary, vary));
  EXPECT_EQ(ahead.timeseries, lockstep.timeseries);
  EXPECT_EQ(ahead.resolved, lockstep.resolved);
}

}  // namespace
}  // namespace payquake::testing
