#include "report/drill.hpp"

#include <gtest/gtest.h>

namespace payquake::report {
namespace {

using nlohmann::ordered_json;

core::Scenario with_expectations() {
  core::Scenario s;
  auto expect = [&](std::string metric, core::Expectation::Op op, double value, std::string text) {
    core::Expectation x;
    x.metric = std::move(metric);
    x.op = op;
    x.value = value;
    x.text = std::move(text);
    s.expectations.push_back(x);
  };
  expect("duplicates", core::Expectation::Op::kEq, 0, "duplicates == 0");
  expect("success_rate", core::Expectation::Op::kGe, 0.99, "success_rate >= 99%");
  expect("latency_p99", core::Expectation::Op::kLe, 0.010, "latency_p99 <= 10ms");
  return s;
}

ordered_json summary(int duplicates, double success, double p99) {
  return ordered_json{{"duplicates", {{"count", duplicates}}},
                      {"payments", {{"success_rate", success}}},
                      {"latency_seconds", {{"p99", p99}}},
                      {"faults", ordered_json::array()}};
}

TEST(Verdicts, AWholeRunHoldsOrFails) {
  const auto v = check_expectations(with_expectations(), summary(0, 0.999, 0.144), false);
  EXPECT_EQ(v[0].judgement, Judgement::kHeld);
  EXPECT_EQ(v[1].judgement, Judgement::kHeld);
  EXPECT_EQ(v[2].judgement, Judgement::kFailed);
  EXPECT_NE(verdict_table(v, false).find("FAIL (2 of 3 held)"), std::string::npos);
  EXPECT_EQ(verdict_json(v, false), "FAIL");
  EXPECT_TRUE(verdict_json({}, false).is_null());
}

// The drill interrupted before its fault printed PASS: a partial run never passes.
TEST(Verdicts, APartialRunIsIncompleteAndJudgesNothingThatCouldStillChange) {
  const auto v = check_expectations(with_expectations(), summary(0, 1.0, 0.001), true);
  for (const auto& x : v) EXPECT_EQ(x.judgement, Judgement::kNotJudged) << x.expect;
  const std::string table = verdict_table(v, true);
  EXPECT_EQ(table.find("PASS"), std::string::npos) << table;
  EXPECT_NE(table.find("INCOMPLETE"), std::string::npos) << table;
  const auto json = verdicts_json(v);
  EXPECT_TRUE(json[0]["held"].is_null());
  EXPECT_EQ(verdict_json(v, true), "INCOMPLETE");
}

TEST(Verdicts, AGrowingCountAlreadyOverItsBoundFailsAPartialRun) {
  const auto v = check_expectations(with_expectations(), summary(3, 1.0, 0.001), true);
  EXPECT_EQ(v[0].judgement, Judgement::kFailed);
  EXPECT_EQ(verdicts_json(v)[0]["held"], false);
}

TEST(Verdicts, ValuesAreShownInTheirUnit) {
  const auto v = check_expectations(with_expectations(), summary(0, 0.9952, 0.1444), false);
  const std::string table = verdict_table(v, false);
  EXPECT_NE(table.find("measured 144.4 ms"), std::string::npos) << table;
  EXPECT_NE(table.find("measured 99.520%"), std::string::npos) << table;
}

TEST(Verdicts, QuietOutputListsOnlyWhatDidNotHold) {
  const auto v = check_expectations(with_expectations(), summary(0, 0.999, 0.144), false);
  const std::string quiet = failed_verdicts(v, false);
  EXPECT_NE(quiet.find("latency_p99 <= 10ms"), std::string::npos) << quiet;
  EXPECT_EQ(quiet.find("duplicates == 0"), std::string::npos) << quiet;
  EXPECT_EQ(failed_verdicts(check_expectations(with_expectations(), summary(0, 1, 0.001), false),
                            false),
            "");
}

TEST(FaultsTable, ANotReachedFaultSaysSo) {
  const ordered_json faults = ordered_json::array(
      {ordered_json{{"kind", "crash"}, {"target", "iss-a"}, {"start", 600.0}, {"end", 780.0},
                    {"reached", false}, {"ended", false}, {"time_to_detect_seconds", nullptr},
                    {"time_to_recover_seconds", nullptr}, {"recovered", nullptr},
                    {"failed_payments", nullptr}, {"duplicates", nullptr},
                    {"error_budget_consumed", nullptr}}});
  const std::string text = faults_table(faults);
  EXPECT_NE(text.find("not reached"), std::string::npos) << text;
  EXPECT_EQ(text.find("recovered"), std::string::npos) << text;
  EXPECT_EQ(text.find("failed"), std::string::npos) << text;
  EXPECT_NE(faults_csv(faults).find(",false,false,,,,,,,\n"), std::string::npos) << faults_csv(faults);
}

}  // namespace
}  // namespace payquake::report
