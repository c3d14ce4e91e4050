// `payquake run --dataset DIR` as a user meets it: one row per payment that agrees with
// summary.json, the same bytes from both engines, a sample that keeps the same payments in
// every variant, the data dictionary beside it, and bad flags refused before simulating.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>
#include <iostream>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "metrics/feature_leak.hpp"
#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

namespace fs = std::filesystem;

// 100 payments per second for a minute; customers give up on a press after 1 s, while the
// issuer sometimes takes longer, and retry once (or double-submit) without idempotency
// keys: duplicates. The issuer crashes for 10 s: failures.
const char* kDrill = R"(name: dataset-drill
seed: 9
duration: 60s
warmup: 5s
sites: [{id: s, internal_latency: 1ms}]
nodes:
  - {id: gw, role: gateway, site: s, workers: 1000, service_time: {dist: constant, value: 0ms}, next: [acq], timeout: 10s}
  - {id: acq, role: acquirer, site: s, workers: 1000, service_time: {dist: constant, value: 0ms}, next: [net], timeout: 8s}
  - {id: net, role: network, site: s, workers: 1000, service_time: {dist: constant, value: 0ms}, timeout: 2s}
  - {id: iss, role: issuer, site: s, bins: ["4111"], workers: 1000, service_time: {dist: lognormal, median: 20ms, p99: 1500ms}}
payers:
  - id: p
    cards: 1000000
    issuers: {iss: 100%}
    entry: gw
    amount: {dist: lognormal, median: 40.00, p99: 500.00}
    client: {timeout: 1s, retries: 1, retry_delay: {dist: constant, value: 1s}, idempotency_key: none, double_submit: 2%}
load: {arrival: poisson, start_rate: 100/s}
faults:
  - {kind: crash, target: iss, at: 20s, duration: 10s}
)";

std::string drill() { return write_file(temp_dir("dataset-drill"), "drill.yaml", kDrill); }

// payments.csv as rows of fields, the header first.
std::vector<std::vector<std::string>> rows_of(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(csv);
  for (std::string line; std::getline(in, line);) rows.push_back(metrics::csv_fields(line));
  return rows;
}

std::size_t column(const std::vector<std::vector<std::string>>& rows, const std::string& name) {
  const auto& header = rows.front();
  return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
}

// The lines of payments.csv by payment_id.
std::map<std::string, std::string> lines_by_id(const std::string& csv) {
  std::map<std::string, std::string> out;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) out[line.substr(0, line.find(','))] = line;
  return out;
}

TEST(DatasetCli, OneRowPerPaymentAgreeingWithTheSummaryTheSameFromBothEngines) {
  const std::string scenario = drill();
  const std::string dir = temp_dir("dataset-rows");
  const RunOutput r = run_payquake(
      {"run", scenario, "--out", dir + "/run", "--dataset", dir + "/data"}, dir + "/run");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string csv = read_file(dir + "/data/payments.csv");
  const auto rows = rows_of(csv);
  ASSERT_GT(rows.size(), 1u);
  const auto& payments = r.summary["payments"];
  EXPECT_EQ(rows.size() - 1, payments["total"].get<std::size_t>());
  EXPECT_EQ(lines_by_id(csv).size(), rows.size() - 1) << "a payment has two rows";
  EXPECT_NE(r.out.find("  dataset      " + std::to_string(rows.size() - 1) + " payments in " + dir +
                       "/data/payments.csv"),
            std::string::npos)
      << r.out;

  // Outcomes and duplicates by cause, row by row, add up to the summary's counts.
  std::map<std::string, std::size_t> outcomes, causes;
  std::size_t duplicates = 0, presses = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), rows[0].size()) << i;
    ++outcomes[rows[i][column(rows, "outcome")]];
    const std::string& cause = rows[i][column(rows, "duplicate_cause")];
    if (!cause.empty()) ++duplicates, ++causes[cause];
    presses += std::stoul(rows[i][column(rows, "presses")]);
    EXPECT_EQ(rows[i][column(rows, "attack_id")], "");  // no attack in this scenario
  }
  for (const char* o : {"approved", "declined", "failed", "abandoned"})
    EXPECT_EQ(outcomes[o], payments[o].get<std::size_t>()) << o;
  EXPECT_GT(duplicates, 0u);
  EXPECT_EQ(duplicates, r.summary["duplicates"]["count"].get<std::size_t>());
  for (const auto& [cause, n] : causes)
    EXPECT_EQ(n, r.summary["duplicates"]["by_cause"][cause].get<std::size_t>()) << cause;
  EXPECT_GT(presses, rows.size() - 1);  // retries and double submits

  // The dictionary is docs/dataset.md; dataset.json says what the dataset is.
  EXPECT_TRUE(read_file(dir + "/data/data-dictionary.md") ==
              read_file(source_dir() + "/docs/dataset.md"))
      << "data-dictionary.md is not docs/dataset.md";
  const auto meta = nlohmann::json::parse(read_file(dir + "/data/dataset.json"));
  EXPECT_EQ(meta["rows"].get<std::size_t>(), rows.size() - 1);
  EXPECT_EQ(meta["partial"], false);
  EXPECT_EQ(meta["open_payments_without_row"], 0);
  EXPECT_EQ(meta["seed"], 9);

  // Same seed, same bytes, whichever engine.
  const RunOutput lockstep = run_payquake({"run", scenario, "--out", dir + "/run2", "--quiet",
                                           "--engine", "lockstep", "--dataset", dir + "/data2"});
  ASSERT_EQ(lockstep.exit_code, 0) << lockstep.err;
  EXPECT_EQ(read_file(dir + "/data2/payments.csv"), csv);
}

// The sample keeps ~P% of the payments; the same ones in a variant (here: without the
// crash), and exactly the full dataset's rows of them.
TEST(DatasetCli, ASampleKeepsTheSamePaymentsInEveryVariant) {
  const std::string scenario = drill();
  const std::string dir = temp_dir("dataset-sample");
  auto run = [&](const std::string& name, std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", scenario, "--out", dir + "/" + name + "-run",
                                     "--quiet", "--dataset", dir + "/" + name};
    args.insert(args.end(), extra.begin(), extra.end());
    const RunOutput r = run_payquake(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return lines_by_id(read_file(dir + "/" + name + "/payments.csv"));
  };
  const auto full = run("full", {});
  const auto sampled = run("sampled", {"--dataset-sample", "10%"});
  const auto variant = run("variant", {"--dataset-sample", "10%", "--without-faults"});
  const double n = static_cast<double>(full.size());
  EXPECT_NEAR(static_cast<double>(sampled.size()), 0.1 * n, 5 * std::sqrt(n * 0.1 * 0.9));
  for (const auto& [id, line] : sampled) {
    ASSERT_EQ(full.count(id), 1u) << id;
    EXPECT_EQ(line, full.at(id));
  }
  std::set<std::string> a, b;
  for (const auto& kv : sampled) a.insert(kv.first);
  for (const auto& kv : variant) b.insert(kv.first);
  EXPECT_EQ(a, b);
}

TEST(DatasetCli, BadFlagsAreRefusedNamingTheFlagBeforeAnythingIsSimulated) {
  const std::string scenario = drill();
  const std::string dir = temp_dir("dataset-bad");
  struct Case {
    std::vector<std::string> extra;
    std::string named;  // in stderr
  };
  fs::create_directories(dir + "/others");
  write_file(dir + "/others", "notes.txt", "mine");
  write_file(dir, "a-file", "x");
  const std::vector<Case> cases = {
      {{"--dataset", dir + "/d", "--dataset-sample", "0%"}, "--dataset-sample"},
      {{"--dataset", dir + "/d", "--dataset-sample", "150%"}, "--dataset-sample"},
      {{"--dataset", dir + "/d", "--dataset-sample", "10"}, "--dataset-sample"},
      {{"--dataset", dir + "/d", "--dataset-sample", "ten%"}, "--dataset-sample"},
      {{"--dataset-sample", "10%"}, "--dataset"},
      {{"--dataset", ""}, "--dataset"},
      {{"--dataset", dir + "/run"}, "--dataset"},          // the run folder itself
      {{"--dataset", dir + "/run/data"}, "--dataset"},     // inside it
      {{"--dataset", dir}, "--dataset"},                   // around it
      {{"--dataset", dir + "/others"}, "--dataset"},       // someone else's files
      {{"--dataset", dir + "/a-file"}, "--dataset"},       // not a folder
      {{"--dataset", "/proc/payquake-dataset"}, "--dataset"},  // cannot be written
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"run", scenario, "--out", dir + "/run", "--quiet"};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    const RunOutput r = run_payquake(args);
    std::string shown;
    for (const auto& a : c.extra) shown += a + " ";
    EXPECT_EQ(r.exit_code, 2) << shown << r.err;
    EXPECT_NE(r.err.find(c.named), std::string::npos) << shown << r.err;
    EXPECT_FALSE(fs::exists(dir + "/run")) << shown << "simulated anyway";
    EXPECT_FALSE(fs::exists(dir + "/d")) << shown;
  }
  EXPECT_EQ(read_file(dir + "/others/notes.txt"), "mine");
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".staging"), std::string::npos) << e.path();
}

// An earlier dataset is replaced with --force only, and only once the new one is whole.
TEST(DatasetCli, AnEarlierDatasetIsReplacedOnlyWithForce) {
  const std::string scenario = drill();
  const std::string dir = temp_dir("dataset-force");
  ASSERT_EQ(run_payquake({"run", scenario, "--out", dir + "/r1", "--quiet", "--dataset",
                          dir + "/data", "--dataset-sample", "5%"})
                .exit_code,
            0);
  const std::string first = read_file(dir + "/data/payments.csv");
  const RunOutput again =
      run_payquake({"run", scenario, "--out", dir + "/r2", "--quiet", "--dataset", dir + "/data"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
  EXPECT_EQ(read_file(dir + "/data/payments.csv"), first);
  ASSERT_EQ(run_payquake({"run", scenario, "--out", dir + "/r3", "--quiet", "--dataset",
                          dir + "/data", "--force"})
                .exit_code,
            0);
  EXPECT_GT(read_file(dir + "/data/payments.csv").size(), first.size());
}

// With --control, the dataset is the experiment's (the faulted run); the control writes none.
TEST(DatasetCli, WithControlTheDatasetIsTheExperiments) {
  const std::string dir = temp_dir("dataset-control");
  const RunOutput r = run_payquake(
      {"run", drill(), "--out", dir + "/run", "--quiet", "--control", "--dataset", dir + "/data"},
      dir + "/run");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = rows_of(read_file(dir + "/data/payments.csv"));
  EXPECT_EQ(rows.size() - 1, r.summary["payments"]["total"].get<std::size_t>());
  std::size_t abandoned = 0;
  for (std::size_t i = 1; i < rows.size(); ++i)
    abandoned += rows[i][column(rows, "outcome")] == "abandoned";
  EXPECT_EQ(abandoned, r.summary["payments"]["abandoned"].get<std::size_t>());
  // The crash is in it: customers walked away far more often than in the control.
  EXPECT_GT(abandoned, 10 * r.summary["control"]["payments_abandoned"].get<double>() + 10);
  EXPECT_FALSE(fs::exists(dir + "/run/control/data"));
}

// Fraud in the flow: a population with base-rate fraud, policies at the gateway (a score
// threshold) and the issuer (velocity, step-up), and four attacks.
const char* kFraudDrill = R"(name: dataset-fraud
seed: 11
duration: 2m
warmup: 10s
fraud: {base_rate: 2%}
sites: [{id: s, internal_latency: 1ms}]
nodes:
  - id: gw
    role: gateway
    site: s
    workers: 1000
    service_time: {dist: constant, value: 1ms}
    next: [acq]
    timeout: 10s
    fraud: {include: score-threshold.yaml}
  - {id: acq, role: acquirer, site: s, workers: 1000, service_time: {dist: constant, value: 1ms}, next: [net], timeout: 8s}
  - {id: net, role: network, site: s, workers: 1000, service_time: {dist: constant, value: 1ms}, timeout: 5s}
  - id: iss
    role: issuer
    site: s
    bins: ["4111"]
    workers: 1000
    service_time: {dist: lognormal, median: 10ms, p99: 80ms}
    fraud: {include: velocity-plus-3ds.yaml}
payers:
  - {id: shoppers, cards: 100000, issuers: {iss: 100%}, entry: gw, amount: {dist: lognormal, median: 40.00, p99: 900.00}}
load: {arrival: poisson, start_rate: 100/s}
attacks:
  - {kind: card_testing, id: ct, entry: gw, at: 20s, duration: 40s, rate: 20/s, cards: 5000}
  - {kind: bin_attack, id: bins, entry: gw, at: 30s, duration: 20s, rate: 20/s, issuer: iss}
  - {kind: account_takeover, id: ato, entry: gw, at: 10s, duration: 100s, rate: 2/s}
  - {kind: flood, id: flood, entry: gw, at: 70s, duration: 10s, rate: 50/s}
)";

// The labels are the ground truth: every attack's payments carry its id and kind, and are
// fraud except a flood's; about fraud_rate of the population's payments are fraud; and no
// single column predicts is_fraud perfectly (categories for codes and names, thresholds for
// numbers).
TEST(DatasetFraud, LabelsAreTheGroundTruthAndNoSingleColumnGivesThemAway) {
  const std::string dir = temp_dir("dataset-fraud");
  for (const char* policy : {"score-threshold.yaml", "velocity-plus-3ds.yaml"})
    write_file(dir, policy, read_file(source_dir() + "/models/fraud/" + policy));
  const RunOutput r = run_payquake({"run", write_file(dir, "fraud.yaml", kFraudDrill), "--out",
                                    dir + "/run", "--quiet", "--dataset", dir + "/data"},
                                   dir + "/run");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string csv = read_file(dir + "/data/payments.csv");
  const auto rows = rows_of(csv);
  ASSERT_EQ(rows.size() - 1, r.summary["payments"]["total"].get<std::size_t>());
  const std::map<std::string, std::string> kinds = {
      {"ct", "card_testing"}, {"bins", "bin_attack"}, {"ato", "account_takeover"}, {"flood", "flood"}};
  std::map<std::string, std::size_t> per_attack;
  std::size_t legit = 0, base_rate_fraud = 0, decided = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const std::string& attack = rows[i][column(rows, "attack_id")];
    const std::string& fraud = rows[i][column(rows, "is_fraud")];
    decided += rows[i][column(rows, "decision")].empty() ? 0 : 1;
    if (attack.empty()) {
      ++legit;
      base_rate_fraud += fraud == "1";
      EXPECT_EQ(rows[i][column(rows, "attack_kind")], "");
      EXPECT_EQ(rows[i][column(rows, "population")], "shoppers");
      continue;
    }
    ASSERT_EQ(kinds.count(attack), 1u) << attack;
    ++per_attack[attack];
    EXPECT_EQ(rows[i][column(rows, "attack_kind")], kinds.at(attack));
    EXPECT_EQ(fraud, attack == "flood" ? "0" : "1") << attack;
  }
  // Attacks with a fixed rate: Poisson counts (rate x duration) within 5 standard deviations.
  // (Card testing reacts to its answers: its count is not fixed.)
  const bool attacks_run = !per_attack.empty();
  if (attacks_run) {
    for (const auto& [id, expected] : std::map<std::string, double>{
             {"bins", 20.0 * 20}, {"ato", 2.0 * 100}, {"flood", 50.0 * 10}})
      EXPECT_NEAR(static_cast<double>(per_attack[id]), expected, 5 * std::sqrt(expected)) << id;
    EXPECT_GT(per_attack["ct"], 0u);
  }
  // Base-rate fraud: 2% of the population's payments, within 5 binomial standard deviations.
  const double n = static_cast<double>(legit);
  EXPECT_NEAR(static_cast<double>(base_rate_fraud), 0.02 * n, 5 * std::sqrt(n * 0.02 * 0.98));
  EXPECT_GT(decided, legit / 2) << "the policies decided on few payments";

  // No leak: every column's best single rule is wrong somewhere.
  const auto leaks = metrics::single_column_accuracy(
      csv, "is_fraud",
      {"population", "decision", "rule", "response_code", "outcome", "duplicate_cause"},
      {"attack_id", "attack_kind"});
  EXPECT_EQ(leaks.size(), rows[0].size() - 3);
  for (const auto& leak : leaks) {
    EXPECT_LT(leak.accuracy, 1.0) << leak.column << " predicts is_fraud perfectly";
    std::cout << "  " << leak.column << ": best single-column rule " << leak.accuracy * 100
              << "% accurate\n";
  }
  // Issue 10 lands in steps: until the flow runs attacks, this says so rather than passing.
  if (!attacks_run) GTEST_SKIP() << "this build's flow runs no attacks yet: their labels unchecked";
}

// Common random numbers: adding the attacks renumbers payment_id (the attacks' arrivals
// interleave), yet the sample keeps the same legitimate payments (same arrival times, cards
// and amounts).
TEST(DatasetFraud, AddingAttacksKeepsTheSameLegitimatePaymentsInTheSample) {
  const std::string dir = temp_dir("dataset-fraud-variant");
  for (const char* policy : {"score-threshold.yaml", "velocity-plus-3ds.yaml"})
    write_file(dir, policy, read_file(source_dir() + "/models/fraud/" + policy));
  const std::string with = kFraudDrill;
  const std::string without = with.substr(0, with.find("attacks:"));
  auto legit = [&](const std::string& name, const std::string& yaml) {
    const RunOutput r = run_payquake({"run", write_file(dir, name + ".yaml", yaml), "--out",
                                      dir + "/" + name + "-run", "--quiet", "--dataset",
                                      dir + "/" + name, "--dataset-sample", "20%"});
    std::set<std::string> keys;  // time_s, card, amount of each legitimate row
    if (r.exit_code != 0) return std::make_pair(r, keys);
    const auto rows = rows_of(read_file(dir + "/" + name + "/payments.csv"));
    for (std::size_t i = 1; i < rows.size(); ++i)
      if (rows[i][column(rows, "attack_id")].empty())
        keys.insert(rows[i][column(rows, "time_s")] + "," + rows[i][column(rows, "card")] + "," +
                    rows[i][column(rows, "amount")]);
    return std::make_pair(r, keys);
  };
  const auto [r_with, keys_with] = legit("with", with);
  ASSERT_EQ(r_with.exit_code, 0) << r_with.err;
  const auto [r_without, keys_without] = legit("without", without);
  ASSERT_EQ(r_without.exit_code, 0) << r_without.err;
  EXPECT_GT(keys_with.size(), 1000u);
  EXPECT_EQ(keys_with, keys_without);
}

}  // namespace
}  // namespace payquake::testing
