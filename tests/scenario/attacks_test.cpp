// Attacks end to end through the real binary (issue 10): YAML in, summary.json and the
// per-payment trace out. Replays are refused with request signing on and charged again
// (duplicates, cause replay) with it off; every attack kind runs, labelled in the trace,
// with the same bytes on both engines; and adding attacks leaves every legitimate
// payment's trace line for line as it was (common random numbers, as pairing_test.cpp
// shows for a brown-out).
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

// Nothing queues (100000 workers, one replica each), funds are unlimited: payments do not
// interact, so an attack cannot change a legitimate payment's life.
constexpr const char* kScenario = R"(name: attacks
seed: 17
duration: 40s
sites: [{id: east, internal_latency: 0.5ms}]
nodes:
  - {id: gw, role: gateway, site: east, workers: 100000, service_time: {dist: exponential, mean: 2ms}, next: [acq], timeout: 5s{SIGNING}}
  - {id: acq, role: acquirer, site: east, workers: 100000, service_time: {dist: lognormal, median: 1ms, p99: 10ms}, next: [net], timeout: 4s}
  - {id: net, role: network, site: east, workers: 100000, service_time: {dist: uniform, min: 0.2ms, max: 1ms}, timeout: 3s}
  - {id: iss, role: issuer, site: east, bins: ["4111"], workers: 100000, service_time: {dist: exponential, mean: 8ms}}
payers:
  - id: shoppers
    cards: 100000
    activity: {dist: zipf, s: 1.1}
    issuers: {iss: 100%}
    entry: gw
    amount: {dist: lognormal, median: 42.00, p99: 900.00}
    client: {timeout: 10s, retries: 1, retry_delay: {dist: uniform, min: 0.1s, max: 0.6s}}
load: {arrival: poisson, start_rate: 100/s}
{ATTACKS})";

constexpr const char* kReplay =
    "attacks:\n  - {kind: replay, id: rp, entry: gw, at: 10s, duration: 20s, rate: 10/s, "
    "capture: 30s}\n";

constexpr const char* kEveryAttack = R"(attacks:
  - {kind: card_testing, id: ct, entry: gw, at: 5s, duration: 30s, rate: 30/s, cards: 400, devices: 5}
  - {kind: bin_attack, id: bin, entry: gw, at: 10s, duration: 10s, rate: 50/s, valid: 5%}
  - {kind: account_takeover, id: ato, entry: gw, at: 0s, duration: 40s, rate: 2/s}
  - {kind: flood, id: fl, entry: gw, at: 20s, duration: 2s, rate: 1000/s}
  - {kind: replay, id: rp, entry: gw, at: 15s, duration: 20s, rate: 5/s}
)";

struct TracedRun {
  RunOutput out;
  std::vector<nlohmann::json> trace;
  std::string trace_text;
};

TracedRun run(const std::string& signing, const std::string& attacks, const std::string& label,
              const std::vector<std::string>& extra = {}) {
  const std::string dir = temp_dir(label);
  const std::string yaml = fill_template(kScenario, {{"SIGNING", signing}, {"ATTACKS", attacks}});
  std::vector<std::string> args = {
      "run", write_file(dir, "s.yaml", yaml), "--out", dir + "/run", "--quiet", "--trace", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  TracedRun r;
  r.out = run_payquake(args, dir + "/run");
  EXPECT_EQ(r.out.exit_code, 0) << r.out.err;
  r.trace_text = read_file(dir + "/run/trace.jsonl");
  std::istringstream in(r.trace_text);
  for (std::string line; std::getline(in, line);) r.trace.push_back(nlohmann::json::parse(line));
  return r;
}

// Final answers in the trace with response code `code` ("30").
int finals_with_code(const TracedRun& r, const std::string& code) {
  int n = 0;
  for (const auto& j : r.trace) n += j["event"] == "final" && j["code"] == code;
  return n;
}

// Arrivals in the trace by attack id ("" for legitimate payments).
std::map<std::string, int> arrivals_by_attack(const TracedRun& r) {
  std::map<std::string, int> n;
  for (const auto& j : r.trace)
    if (j["event"] == "arrival") ++n[j.contains("attack") ? j["attack"].get<std::string>() : ""];
  return n;
}

TEST(Attacks, ReplaysChargeAgainWithoutSigningAndAreRefusedWithIt) {
  const TracedRun off = run("", kReplay, "replay-off");
  const TracedRun on = run(", signing: {enabled: true, window: 5s}", kReplay, "replay-on");
  const int replays = arrivals_by_attack(off)["rp"];
  ASSERT_GT(replays, 150);  // about 200
  EXPECT_EQ(arrivals_by_attack(on)["rp"], replays)
      << "the attack's arrivals do not depend on signing";
  // Off: every replay is charged again, a duplicate of cause replay, with its amount.
  const auto& dup_off = off.out.summary["duplicates"];
  EXPECT_EQ(dup_off["by_cause"]["replay"].get<int>(), replays);
  EXPECT_EQ(dup_off["count"].get<int>(), replays);
  // On: every replay refused with 30 at the gateway, nothing charged again.
  const auto& dup_on = on.out.summary["duplicates"];
  EXPECT_EQ(dup_on["by_cause"]["replay"].get<int>(), 0);
  EXPECT_EQ(dup_on["count"].get<int>(), 0);
  EXPECT_EQ(finals_with_code(on, "30"), replays);
  // Each refused for a nonce still held (within the 5 s window) or a stale timestamp.
  std::map<std::string, int> checks;
  for (const auto& j : on.trace)
    if (j["event"] == "signature")
      ++checks[j["result"].get<std::string>() + (j["refused"].get<bool>() ? " refused" : "")];
  EXPECT_EQ(checks["nonce_seen refused"] + checks["stale_timestamp refused"], replays);
  EXPECT_GT(checks["nonce_seen refused"], 0);
  EXPECT_GT(checks["stale_timestamp refused"], 0);
  EXPECT_EQ(checks["accepted"], arrivals_by_attack(on)[""]);  // no customer retried
  EXPECT_EQ(finals_with_code(off, "30"), 0);
  // Attack payments count in the payment totals like any other.
  EXPECT_EQ(on.out.summary["payments"]["total"].get<int>(), arrivals_by_attack(on)[""] + replays);
}

TEST(Attacks, EveryKindRunsLabelledAndBothEnginesGiveTheSameBytes) {
  const TracedRun ahead = run("", kEveryAttack, "every-ahead");
  const TracedRun lockstep = run("", kEveryAttack, "every-lockstep", {"--engine", "lockstep"});
  const auto n = arrivals_by_attack(ahead);
  EXPECT_GT(n.at("ct"), 500);
  EXPECT_GT(n.at("bin"), 400);
  EXPECT_GT(n.at("ato"), 40);
  EXPECT_GT(n.at("fl"), 1800);
  EXPECT_GT(n.at("rp"), 60);
  EXPECT_EQ(finals_with_code(ahead, "30"), n.at("fl")) << "every flood request refused";
  EXPECT_GT(finals_with_code(ahead, "14"), n.at("bin") * 8 / 10) << "most guesses do not exist";
  EXPECT_EQ(ahead.out.summary["duplicates"]["by_cause"]["replay"].get<int>(), n.at("rp"));
  const std::vector<std::string> vary = {"\"wall_seconds\"", "\"mode\"", "\"command_line\""};
  EXPECT_EQ(without_lines(ahead.out.summary_text(), vary),
            without_lines(lockstep.out.summary_text(), vary));
  EXPECT_EQ(ahead.trace_text, lockstep.trace_text);
}

// Each legitimate payment's trace lines without its id (ids number every population's
// arrivals in order, so attacks renumber them), keyed by its place among the legitimate
// arrivals.
std::map<int, std::vector<std::string>> legitimate_lives(const TracedRun& r) {
  std::map<std::uint64_t, int> place;  // payment id -> place among legitimate arrivals
  std::map<int, std::vector<std::string>> lives;
  for (auto j : r.trace) {
    const auto id = j["payment"].get<std::uint64_t>();
    if (j["event"] == "arrival" && !j.contains("attack")) {
      const int k = static_cast<int>(place.size());
      place[id] = k;
    }
    const auto it = place.find(id);
    if (it == place.end()) continue;  // an attack's payment
    j.erase("payment");
    lives[it->second].push_back(j.dump());
  }
  return lives;
}

TEST(Attacks, AddingEveryKindLeavesEveryLegitimatePaymentsTraceAsItWas) {
  const auto quiet = legitimate_lives(run("", "", "quiet"));
  const auto attacked = legitimate_lives(run("", kEveryAttack, "attacked"));
  ASSERT_GT(quiet.size(), 3000u);
  ASSERT_EQ(quiet.size(), attacked.size());
  int differ = 0;
  for (const auto& [k, lines] : quiet) differ += lines != attacked.at(k);
  EXPECT_EQ(differ, 0) << "of " << quiet.size() << " legitimate payments";
}

}  // namespace
}  // namespace payquake::testing
