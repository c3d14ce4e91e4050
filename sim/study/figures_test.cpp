#include "study/figures.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace payquake::study {
namespace {

const nlohmann::ordered_json kSummary = nlohmann::ordered_json::parse(R"({
  "measured": {"success_rate": 0.99, "throughput_per_second": 120.5},
  "latency_seconds": {"p99": 0.25},
  "duplicates": {"count": 3, "amount": "61.50", "in_doubt": {"count": 2}},
  "conservation": {"ok": true},
  "nodes": {"gw": {"utilisation": 0.1, "rejected": 0}, "iss": {"utilisation": 0.7, "rejected": 4}},
  "faults": [{"time_to_recover_seconds": 12.0}, {"time_to_recover_seconds": 30.0}]
})");

Figure named(const std::vector<Figure>& figures, const std::string& name) {
  for (const auto& f : figures)
    if (f.name == name) return f;
  ADD_FAILURE() << "no figure " << name;
  return {};
}

TEST(Figures, HeadlineFiguresIncludeEveryNodeOfAnyRunAndTheUsersPaths) {
  nlohmann::ordered_json other = kSummary;
  other["nodes"]["acq"] = {{"utilisation", 0.2}, {"rejected", 1}};
  const auto f = comparison_figures({&kSummary, &other}, {"nodes.iss.served"});
  EXPECT_EQ(f.front().name, "success rate");
  EXPECT_EQ(named(f, "iss rejected").path, "nodes.iss.rejected");
  EXPECT_EQ(named(f, "acq utilisation").unit, Unit::kFraction);
  EXPECT_EQ(f.back().path, "nodes.iss.served");
}

TEST(Figures, ValuesAreReadFromNumbersMoneyAndBooleans) {
  const auto f = comparison_figures({&kSummary}, {});
  EXPECT_DOUBLE_EQ(*figure_value(kSummary, named(f, "success rate")), 0.99);
  EXPECT_DOUBLE_EQ(*figure_value(kSummary, named(f, "duplicates amount")), 61.5);
  EXPECT_DOUBLE_EQ(*figure_value(kSummary, named(f, "in doubt")), 2.0);
  EXPECT_DOUBLE_EQ(*figure_value(kSummary, path_figure("conservation.ok")), 1.0);
  EXPECT_DOUBLE_EQ(*figure_value(kSummary, path_figure("faults.1.time_to_recover_seconds")), 30.0);
}

TEST(Figures, AMissingOrNullValueIsEmptyNotZero) {
  EXPECT_FALSE(figure_value(kSummary, path_figure("latency_seconds.p50")).has_value());
  EXPECT_FALSE(figure_value(kSummary, path_figure("faults.7.end")).has_value());
  EXPECT_FALSE(figure_value(kSummary, path_figure("nodes.iss")).has_value());  // not a number
  nlohmann::ordered_json s = kSummary;
  s["latency_seconds"]["p99"] = nullptr;
  EXPECT_FALSE(figure_value(s, path_figure("latency_seconds.p99")).has_value());
}

TEST(Figures, WorstRecoveryIsTheLongestAndNullWhenAnyFaultNeverRecovered) {
  const Figure worst = named(comparison_figures({&kSummary}, {}), "worst recovery");
  EXPECT_DOUBLE_EQ(*figure_value(kSummary, worst), 30.0);
  nlohmann::ordered_json s = kSummary;
  s["faults"][0]["time_to_recover_seconds"] = nullptr;  // NEVER RECOVERED
  EXPECT_FALSE(figure_value(s, worst).has_value());
  s["faults"] = nlohmann::ordered_json::array();
  EXPECT_FALSE(figure_value(s, worst).has_value());
}

TEST(Figures, AUsersPathGetsItsUnitFromItsName) {
  EXPECT_EQ(path_figure("nodes.iss.queue_wait_seconds.p99").unit, Unit::kSeconds);
  EXPECT_EQ(path_figure("measured.throughput_per_second").unit, Unit::kPerSecond);
  EXPECT_EQ(path_figure("measured.approval_rate").unit, Unit::kFraction);
  EXPECT_EQ(path_figure("duplicates.amount").unit, Unit::kMoney);
  EXPECT_EQ(path_figure("attempts.reversals").unit, Unit::kNumber);
}

nlohmann::ordered_json with_fraud(const nlohmann::ordered_json& fraud) {
  nlohmann::ordered_json s = kSummary;
  s["fraud"] = fraud;
  return s;
}

// summary.json "fraud" of a run without policies, attacks or fraud: all zeros.
const nlohmann::ordered_json kNoFraud = nlohmann::ordered_json::parse(R"({
  "attempts": 0, "approved": 0, "loss": "0.00", "caught": 0, "step_ups": 0, "false_declines": 0,
  "total_cost": "0.00", "catch_rate": 0.0, "added_latency_seconds": {"mean": 0.0, "p99": 0.0},
  "by_attack": {}, "by_policy": {}
})");

bool has_named(const std::vector<Figure>& figures, const std::string& name) {
  return std::any_of(figures.begin(), figures.end(),
                     [&](const Figure& f) { return f.name == name; });
}

TEST(Figures, FraudFiguresAppearOnlyWhenARunHasAPolicyAnAttackOrFraud) {
  const auto none = with_fraud(kNoFraud);
  EXPECT_FALSE(has_named(comparison_figures({&kSummary, &none}, {}), "fraud total cost"));
  auto policy = kNoFraud;
  policy["by_policy"]["gw"] = {{"evaluated", 0}};  // a policy that saw nothing still counts
  auto attack = kNoFraud;
  attack["by_attack"]["ct"] = {{"kind", "card_testing"}};
  auto base_rate = kNoFraud;
  base_rate["attempts"] = 3;
  for (const auto& fraud : {policy, attack, base_rate}) {
    const auto s = with_fraud(fraud);
    EXPECT_TRUE(has_fraud_data(s)) << fraud;
    // Either side having fraud data is enough.
    const auto f = comparison_figures({&none, &s}, {});
    EXPECT_TRUE(has_named(f, "fraud total cost")) << fraud;
    EXPECT_TRUE(has_named(f, "false declines")) << fraud;
  }
}

TEST(Figures, FraudFiguresAreInTheirUnitsAndTotalCostIsTheOneToMinimise) {
  auto fraud = kNoFraud;
  fraud["loss"] = "1234.56";
  fraud["total_cost"] = "1500.10";
  fraud["catch_rate"] = 0.8;
  fraud["added_latency_seconds"]["mean"] = 0.004;
  const auto s = with_fraud(fraud);
  const auto f = comparison_figures({&s}, {});
  EXPECT_EQ(named(f, "fraud loss").unit, Unit::kMoney);
  EXPECT_DOUBLE_EQ(*figure_value(s, named(f, "fraud loss")), 1234.56);
  EXPECT_DOUBLE_EQ(*figure_value(s, named(f, "fraud total cost")), 1500.10);
  EXPECT_EQ(named(f, "catch rate").unit, Unit::kFraction);
  EXPECT_EQ(named(f, "false declines").unit, Unit::kCount);
  EXPECT_EQ(named(f, "fraud added latency mean").unit, Unit::kSeconds);
  EXPECT_DOUBLE_EQ(*figure_value(s, named(f, "fraud added latency mean")), 0.004);
  // A figure an older summary lacks is missing, not 0.
  EXPECT_FALSE(figure_value(s, named(f, "lost margin")).has_value());
  const auto minimised =
      std::count_if(f.begin(), f.end(), [](const Figure& x) { return x.minimise; });
  EXPECT_EQ(minimised, 1);
  EXPECT_TRUE(named(f, "fraud total cost").minimise);
  EXPECT_EQ(path_figure("fraud.total_cost").unit, Unit::kMoney);
  EXPECT_EQ(path_figure("fraud.by_attack.ct.loss").unit, Unit::kMoney);
}

}  // namespace
}  // namespace payquake::study
