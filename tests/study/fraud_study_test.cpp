// Fraud figures in the studies, end to end through the payquake binary: `tradeoff` (the
// curve's CSV rows and columns, Student t intervals, the lowest total cost paired by seed,
// bad flags, Ctrl-C) and `compare` (a policy against itself: exactly zero). The children are
// a stand-in for `payquake run` (PAYQUAKE_STUDY_BINARY) that writes summary.json fraud
// figures as a known function of the varied value and the seed, so the numbers the study
// reports can be checked against arithmetic.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "study/child_process.hpp"
#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// The Student t quantile of a 95% two-sided interval, 2 degrees of freedom (3 runs).
constexpr double kT2 = 4.302652729911275;

const std::string kKnob = "nodes.iss.workers";

std::string drill() { return source_dir() + "/tests/scenario/drills/short-drill.yaml"; }

// A `payquake run` stand-in: for --set nodes.iss.workers=k (0 when not set) and --seed s,
//   caught = 100 - 10k + s, false declines = 4k^2 + 3s, loss = 1000 - 100k + 7s,
//   lost margin = 2 x false declines, total cost = loss + lost margin,
// so the total cost is lowest at k = 6 among 5, 6, 7, by 12 and 4 in every replication.
// `delay` seconds before it writes, so that a test can interrupt it.
std::string fake_payquake(const std::string& dir, const char* delay = "0") {
  const std::string script = R"(#!/bin/sh
out= seed= knob=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift;;
    --seed) seed=$2; shift;;
    --set) case "$2" in nodes.iss.workers=*) knob=${2#nodes.iss.workers=};; esac; shift;;
  esac
  shift
done
sleep )" + std::string(delay) +
                             R"(
mkdir -p "$out"
awk -v k="$knob" -v s="$seed" 'BEGIN {
  caught = 100 - 10 * k + s; fd = 4 * k * k + 3 * s; loss = 1000 - 100 * k + 7 * s;
  margin = 2 * fd;
  printf("{\"seed\": %d, \"partial\": false, \"fraud\": {\"attempts\": 200, \"approved\": %d, ", s, 200 - caught);
  printf("\"loss\": \"%.2f\", \"caught\": %d, \"step_ups\": 0, \"step_up_abandoned\": 0, ", loss, caught);
  printf("\"abandoned_amount\": \"0.00\", \"false_declines\": %d, \"false_decline_amount\": \"%.2f\", ", fd, 10 * fd);
  printf("\"chargebacks\": 0, \"chargeback_fees\": \"0.00\", \"lost_margin\": \"%.2f\", ", margin);
  printf("\"total_cost\": \"%.2f\", \"catch_rate\": %.6f, \"false_decline_rate\": %.6f, ", loss + margin, caught / 200, fd / 10000);
  printf("\"added_latency_seconds\": {\"mean\": 0.003, \"p99\": 0.02}, \"by_attack\": {}, ");
  printf("\"by_policy\": {\"gw\": {\"evaluated\": 10000}}}}\n");
}' > "$out/.summary.tmp" && mv "$out/.summary.tmp" "$out/summary.json"
)";
  const std::string path = write_file(dir, "payquake", script);
  fs::permissions(path, fs::perms::owner_all);
  return path;
}

std::vector<std::string> split(const std::string& line, char sep = ',') {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == sep)
      out.emplace_back();
    else
      out.back().push_back(c);
  }
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  auto out = split(text, '\n');
  if (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

std::string cell(const std::string& csv, std::size_t row, const std::string& column) {
  const auto l = lines(csv);
  const auto header = split(l.at(0));
  const auto at = std::find(header.begin(), header.end(), column);
  if (at == header.end()) throw std::logic_error("no column " + column);
  return split(l.at(row + 1)).at(static_cast<std::size_t>(at - header.begin()));
}

double number(const std::string& csv, std::size_t row, const std::string& column) {
  return std::stod(cell(csv, row, column));
}

double figure_mean(const json& compare, const std::string& path) {
  for (const auto& f : compare["figures"])
    if (f["path"] == path) return f["a"]["mean"].get<double>();
  throw std::logic_error("no figure " + path);
}

RunOutput tradeoff(const std::string& dir, std::vector<std::string> args) {
  ::setenv("PAYQUAKE_STUDY_BINARY", fake_payquake(dir).c_str(), 1);
  args.insert(args.begin(), "tradeoff");
  const RunOutput r = run_payquake(args);
  ::unsetenv("PAYQUAKE_STUDY_BINARY");
  return r;
}

TEST(Tradeoff, WritesOneRowPerValueWithStudentTIntervalsAndTheLowestTotalCost) {
  const std::string dir = temp_dir("tradeoff");
  const RunOutput r = tradeoff(dir, {drill(), "--vary", kKnob + "=5,6,7", "-n", "3", "--seed-base",
                                     "1", "-j", "2", "--out", dir + "/t"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string csv = read_file(dir + "/t/tradeoff.csv");
  ASSERT_EQ(lines(csv).size(), 4u) << csv;
  EXPECT_EQ(lines(csv)[0].substr(0, 49), "point,nodes.iss.workers,replications,runs,caught_");
  for (std::size_t row = 0; row < 3; ++row) {
    const double k = 5 + row;
    EXPECT_EQ(cell(csv, row, kKnob), std::to_string(5 + row));
    EXPECT_EQ(cell(csv, row, "runs"), "3");
    // Seeds 1, 2, 3: caught = 100 - 10k + s has mean 100 - 10k + 2, sd 1; false declines
    // sd 3; the interval is mean +- t(2) sd / sqrt(3).
    EXPECT_DOUBLE_EQ(number(csv, row, "caught_mean"), 102 - 10 * k);
    EXPECT_NEAR(number(csv, row, "caught_ci95_high") - number(csv, row, "caught_mean"),
                kT2 / std::sqrt(3.0), 1e-9);
    EXPECT_DOUBLE_EQ(number(csv, row, "false_declines_mean"), 4 * k * k + 6);
    EXPECT_NEAR(number(csv, row, "false_declines_ci95_low"),
                4 * k * k + 6 - 3 * kT2 / std::sqrt(3.0), 1e-9);
    EXPECT_DOUBLE_EQ(number(csv, row, "loss_mean"), 1000 - 100 * k + 14);
    EXPECT_NEAR(number(csv, row, "total_cost_mean"), 1000 - 100 * k + 14 + 8 * k * k + 12, 1e-9);
  }
  // Pairing by seed removes the seeds' spread: 5 and 7 cost exactly 12 and 4 more than 6.
  EXPECT_EQ(cell(csv, 1, "lowest"), "true");
  EXPECT_DOUBLE_EQ(number(csv, 0, "total_cost_minus_lowest_mean"), 12);
  EXPECT_DOUBLE_EQ(number(csv, 0, "total_cost_minus_lowest_ci95_low"), 12);
  EXPECT_DOUBLE_EQ(number(csv, 2, "total_cost_minus_lowest_ci95_high"), 4);
  EXPECT_NE(r.out.find("lowest mean total cost: workers=6 (714.00 ± "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("+12.00 [+12.00, +12.00]"), std::string::npos) << r.out;
  EXPECT_EQ(read_file(dir + "/t/tradeoff.txt"), r.out.substr(0, r.out.find("  results in ")));
  // It is a sweep: its aggregates carry the fraud figures too, one row per value and figure.
  const std::string sweep = read_file(dir + "/t/sweep.csv");
  EXPECT_NE(sweep.find(",fraud total cost,fraud.total_cost,money,3,3,3,0,"), std::string::npos)
      << sweep;
  // Started again, it finds every run finished and runs nothing.
  const RunOutput again = tradeoff(dir, {drill(), "--vary", kKnob + "=5,6,7", "-n", "3",
                                         "--seed-base", "1", "--out", dir + "/t"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("(9 finished earlier, 0 to run)"), std::string::npos) << again.err;
  EXPECT_EQ(read_file(dir + "/t/tradeoff.csv"), csv);
}

TEST(Tradeoff, BadFlagsAreExit2NamingTheFlagAndNothingRuns) {
  const std::string dir = temp_dir("tradeoff-bad");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--vary", kKnob}, "--vary: expected PATH=V1,V2,..."},
      {{"--vary", kKnob + "=5"}, "--vary: a curve needs at least two values"},
      {{"--vary", kKnob + "=5,,6"}, "--vary: expected a value between commas"},
      {{"--vary", kKnob + "=5,6,5"}, "--vary: value '5' is given twice"},
      {{"--vary", kKnob + "=5,6", "--vary", "duration=1m,2m"},
       "--vary: a trade-off curve varies one"},
      {{"--vary", kKnob + "=5,0"}, "--vary: nodes.iss.workers: expected a count >= 1, got '0'"},
      {{"--vary", "nodes.iss.wrokers=5,6"}, "did you mean 'workers'?"},
      {{"--vary", kKnob + "=5,6", "--set", "duration=0s"}, "--set: duration"},
      {{"--vary", kKnob + "=5,6", "--seed-base", "x"}, "--seed-base: expected a whole number"},
      {{"--vary", kKnob + "=5,6", "-n", "0"}, "--replications"},
      {{}, "--vary is required"},
  };
  for (const auto& [flags, message] : cases) {
    std::vector<std::string> args = {drill(), "--out", dir + "/t"};
    args.insert(args.end(), flags.begin(), flags.end());
    const RunOutput r = tradeoff(dir, args);
    EXPECT_EQ(r.exit_code, 2) << message << "\n" << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir + "/t")) << message;
  }
}

// Ctrl-C (SIGINT to the process group, as a terminal sends it) once a run has finished:
// exit 130, the curve of what finished written and marked INCOMPLETE, no lowest cost named.
TEST(Tradeoff, CtrlCWritesThePartialCurveMarkedIncompleteWithNoAnswer) {
  const std::string dir = temp_dir("tradeoff-ctrlc");
  const std::string out = dir + "/t";
  ::setenv("PAYQUAKE_STUDY_BINARY", fake_payquake(dir, "0.3").c_str(), 1);
  study::ChildSpec spec;
  spec.argv = {
      payquake_binary(), "tradeoff", drill(), "--vary", kKnob + "=5,6,7", "-n", "4", "-j", "1",
      "--out",           out};
  spec.own_process_group = true;
  study::ChildProcess child(spec);
  ::unsetenv("PAYQUAKE_STUDY_BINARY");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(out + "/point-0/seed-9/summary.json") &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(fs::exists(out + "/point-0/seed-9/summary.json"));
  ::kill(-child.pid(), SIGINT);
  const study::ChildExit ended = child.wait();
  EXPECT_EQ(ended.signal, 0);
  EXPECT_EQ(ended.exit_code, 130);
  const std::string table = read_file(out + "/tradeoff.txt");
  EXPECT_NE(table.find("INCOMPLETE: "), std::string::npos) << table;
  EXPECT_EQ(table.find("lowest mean total cost"), std::string::npos) << table;
  const std::string csv = read_file(out + "/tradeoff.csv");
  ASSERT_EQ(lines(csv).size(), 4u) << csv;
  EXPECT_EQ(cell(csv, 0, "lowest"), "");
  EXPECT_NE(cell(csv, 0, "runs"), "4");
}

TEST(CompareFraud, APolicyAgainstItselfDiffersByExactlyZeroInEveryFraudFigure) {
  const std::string dir = temp_dir("compare-fraud-self");
  ::setenv("PAYQUAKE_STUDY_BINARY", fake_payquake(dir).c_str(), 1);
  const RunOutput r =
      run_payquake({"compare", drill(), drill(), "-n", "3", "-j", "2", "--out", dir + "/c"});
  ::unsetenv("PAYQUAKE_STUDY_BINARY");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json c = json::parse(read_file(dir + "/c/compare.json"));
  std::size_t fraud = 0;
  for (const auto& f : c["figures"]) {
    if (!f["path"].get<std::string>().starts_with("fraud.")) continue;
    ++fraud;
    EXPECT_EQ(f["difference"]["pairs"], 3) << f["figure"];
    EXPECT_EQ(f["difference"]["mean"], 0.0) << f["figure"];
    EXPECT_EQ(f["difference"]["ci95"], json::array({0.0, 0.0})) << f["figure"];
    EXPECT_EQ(f["minimise"], f["path"] == "fraud.total_cost") << f["figure"];
  }
  EXPECT_EQ(fraud, 15u);
  EXPECT_NE(r.out.find("<- the figure to minimise"), std::string::npos) << r.out;
  EXPECT_NE(read_file(dir + "/c/compare.html").find("<tr class=minimise><td>fraud total cost"),
            std::string::npos);
}

TEST(CompareFraud, AKnobThatChangesThePolicyShowsInTheFraudFigures) {
  const std::string dir = temp_dir("compare-fraud-knob");
  ::setenv("PAYQUAKE_STUDY_BINARY", fake_payquake(dir).c_str(), 1);
  const RunOutput r = run_payquake({"compare", drill(), "--set-a", kKnob + "=5", "--set-b",
                                    kKnob + "=6", "-n", "3", "--out", dir + "/c", "--quiet"});
  ::unsetenv("PAYQUAKE_STUDY_BINARY");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json c = json::parse(read_file(dir + "/c/compare.json"));
  for (const auto& f : c["figures"]) {
    if (f["path"] == "fraud.total_cost") {
      EXPECT_EQ(f["unit"], "money");
      EXPECT_DOUBLE_EQ(f["difference"]["mean"].get<double>(), -12);  // 688 + 13s - (700 + 13s)
      EXPECT_EQ(f["difference"]["excludes_zero"], true);
    }
    if (f["path"] == "fraud.caught") {
      EXPECT_DOUBLE_EQ(f["difference"]["mean"].get<double>(), -10);
    }
  }
}

// The real payquake on scenarios/fraud-threshold.yaml (a gateway scoring 1% base-rate
// fraud). These skip while this payquake runs no policy in the flow (summary.json without
// fraud.by_policy.gw): the study side is tested above, with the stand-in.
std::string threshold_scenario() { return source_dir() + "/scenarios/fraud-threshold.yaml"; }

bool ran_the_policy(const std::string& run_dir) {
  const json s = json::parse(read_file(run_dir + "/summary.json"));
  return s.contains("fraud") && s["fraud"].contains("by_policy") &&
         s["fraud"]["by_policy"].contains("gw");
}

TEST(CompareFraud, TheRealPolicyAgainstItselfDiffersByExactlyZeroInEveryFraudFigure) {
  const std::string dir = temp_dir("compare-fraud-real");
  const RunOutput r = run_payquake({"compare", threshold_scenario(), threshold_scenario(), "-n",
                                    "3", "-j", "2", "--out", dir + "/c", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  if (!ran_the_policy(dir + "/c/a/1")) GTEST_SKIP() << "no fraud policy runs in the flow yet";
  const json c = json::parse(read_file(dir + "/c/compare.json"));
  std::size_t fraud = 0;
  for (const auto& f : c["figures"]) {
    if (!f["path"].get<std::string>().starts_with("fraud.")) continue;
    ++fraud;
    EXPECT_EQ(f["difference"]["pairs"], 3) << f["figure"];
    EXPECT_EQ(f["difference"]["mean"], 0.0) << f["figure"];
    EXPECT_EQ(f["difference"]["ci95"], json::array({0.0, 0.0})) << f["figure"];
  }
  EXPECT_EQ(fraud, 15u);
  EXPECT_GT(figure_mean(c, "fraud.caught"), 0) << "the policy caught fraud: not a run of zeros";
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double normal_quantile(double p) {  // by bisection: precise enough for a theory line
  double lo = -10, hi = 10;
  for (int i = 0; i < 200; ++i) ((normal_cdf((lo + hi) / 2) < p) ? lo : hi) = (lo + hi) / 2;
  return (lo + hi) / 2;
}

// The curve against the score model's answer (models/fraud/score-threshold.yaml, AUC 0.93):
// a threshold t declines 1 - t of legitimate payments and 1 - cdf(inv_cdf(t) - d) of fraud,
// d = sqrt(2) inv_cdf(0.93). Each mean must lie within twice its own 95% half-width of it.
TEST(Tradeoff, TheRealCurveAgreesWithTheScoreModelWithinItsIntervals) {
  const std::string dir = temp_dir("tradeoff-real");
  const RunOutput r = run_payquake({"tradeoff", threshold_scenario(), "--vary",
                                    "nodes.gw.fraud.rules.0.score_over=0.95,0.99", "-n", "4", "-j",
                                    "2", "--out", dir + "/t", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  if (!ran_the_policy(dir + "/t/point-0/seed-1")) GTEST_SKIP() << "no fraud policy runs yet";
  const std::string csv = read_file(dir + "/t/tradeoff.csv");
  const double d = std::sqrt(2.0) * normal_quantile(0.93);
  for (std::size_t row = 0; row < 2; ++row) {
    const double t = row == 0 ? 0.95 : 0.99;
    for (const auto& [column, theory] : std::vector<std::pair<std::string, double>>{
             {"false_decline_rate", 1 - t},
             {"catch_rate", 1 - normal_cdf(normal_quantile(t) - d)}}) {
      const double mean = number(csv, row, column + "_mean");
      const double half = number(csv, row, column + "_ci95_high") - mean;
      std::printf("tradeoff: score_over %.2f: %s %.4f +- %.4f, theory %.4f\n", t, column.c_str(),
                  mean, half, theory);
      EXPECT_GT(half, 0) << column;
      EXPECT_LE(std::fabs(mean - theory), 2 * half) << column << " at " << t;
    }
  }
  // A lower threshold catches more fraud and turns more customers away.
  EXPECT_GT(number(csv, 0, "caught_mean"), number(csv, 1, "caught_mean"));
  EXPECT_GT(number(csv, 0, "false_declines_mean"), number(csv, 1, "false_declines_mean"));
}

}  // namespace
}  // namespace payquake::testing
