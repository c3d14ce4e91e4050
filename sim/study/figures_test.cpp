#include "study/figures.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace payquake::study
