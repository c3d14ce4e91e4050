#include "study/comparison.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "study/comparison_report.hpp"

namespace payquake::study {
namespace {

nlohmann::ordered_json summary(double p99, std::optional<double> recover) {
  nlohmann::ordered_json s = {{"latency_seconds", {{"p99", p99}}},
                              {"nodes", {{"iss", {{"utilisation", 0.5}, {"rejected", 0}}}}}};
  s["faults"] = {
      {{"time_to_recover_seconds", recover ? nlohmann::ordered_json(*recover) : nullptr}}};
  return s;
}

const FigureComparison& row(const std::vector<FigureComparison>& rows, const std::string& name) {
  for (const auto& r : rows)
    if (r.figure.name == name) return r;
  throw std::logic_error("no row " + name);
}

TEST(Comparison, AVariantComparedWithItselfDiffersByExactlyZero) {
  const std::vector<nlohmann::ordered_json> runs = {summary(0.2, 10), summary(0.31, 12),
                                                    summary(0.27, 9)};
  std::vector<Pair> pairs;
  for (std::size_t r = 0; r < runs.size(); ++r) pairs.push_back({r + 1, &runs[r], &runs[r]});
  for (const auto& c : compare_pairs(pairs, {})) {
    if (!c.paired.mean) continue;  // figures these summaries lack
    EXPECT_EQ(*c.paired.mean, 0.0) << c.figure.name;
    EXPECT_EQ(c.paired.interval->low, 0.0) << c.figure.name;
    EXPECT_EQ(c.paired.interval->high, 0.0) << c.figure.name;
    EXPECT_FALSE(c.paired.interval->excludes_zero());
  }
}

TEST(Comparison, PairsFollowTheSeedAndNullsAreLeftOutNotZero) {
  const std::vector<nlohmann::ordered_json> a = {summary(0.20, 10), summary(0.40, std::nullopt),
                                                 summary(0.30, 20)};
  const std::vector<nlohmann::ordered_json> b = {summary(0.25, 5), summary(0.46, 6),
                                                 summary(0.33, 7)};
  std::vector<Pair> pairs;
  for (std::size_t r = 0; r < a.size(); ++r) pairs.push_back({r + 1, &a[r], &b[r]});
  const auto rows = compare_pairs(pairs, {});
  const auto& p99 = row(rows, "latency p99");
  EXPECT_NEAR(*p99.paired.mean, (0.05 + 0.06 + 0.03) / 3, 1e-12);
  EXPECT_TRUE(p99.paired.interval->excludes_zero());
  // A's unpaired spread (0.2 .. 0.4) hides what pairing shows.
  EXPECT_FALSE(p99.unpaired.interval->excludes_zero());
  EXPECT_LT(*p99.width_ratio(), 0.2);

  const auto& rec = row(rows, "worst recovery");
  EXPECT_EQ(rec.a_missing(), 1u);
  EXPECT_EQ(rec.a_stats.n, 2u);
  EXPECT_DOUBLE_EQ(*rec.a_stats.mean, 15.0);  // (10 + 20) / 2, not (10 + 0 + 20) / 3
  EXPECT_EQ(rec.paired.n, 2u);                // only the pairs where both recovered
  EXPECT_DOUBLE_EQ(*rec.paired.mean, (-5.0 - 13.0) / 2);
}

TEST(Comparison, FloatingPointNoiseIsNoDifference) {
  const double one = 1.0, next = std::nextafter(1.0, 2.0);
  const std::vector<nlohmann::ordered_json> a = {summary(one, 1), summary(next, 1)};
  const std::vector<nlohmann::ordered_json> b = {summary(next, 1), summary(one, 1)};
  const std::vector<Pair> pairs = {{1, &a[0], &b[0]}, {2, &a[1], &b[1]}};
  const auto compared = compare_pairs(pairs, {});
  const auto& p99 = row(compared, "latency p99");
  EXPECT_EQ(*p99.paired.mean, 0.0);
  EXPECT_FALSE(p99.paired.interval->excludes_zero());
  EXPECT_FALSE(p99.width_ratio().has_value());
}

TEST(ComparisonReport, TheTableShowsUnitsAndNullsAndTheFilesHoldEveryFigure) {
  const std::vector<nlohmann::ordered_json> a = {summary(0.20, 10), summary(0.40, std::nullopt)};
  const std::vector<nlohmann::ordered_json> b = {summary(0.25, 5), summary(0.46, 6)};
  const std::vector<Pair> pairs = {{1, &a[0], &b[0]}, {2, &a[1], &b[1]}};
  const auto rows = compare_pairs(pairs, {});
  ComparisonInfo info{"x.yaml", "x.yaml --set-b k=v", 3, {1, 2}, {{3, "B (b/3): exit 3"}}, false};
  const std::string table = comparison_table(rows, info);
  EXPECT_NE(table.find("2 paired replications (same seed for A and B) of 3 asked"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("300.0 ms"), std::string::npos) << table;  // A's mean p99
  EXPECT_NE(table.find("+55.0 ms"), std::string::npos) << table;
  EXPECT_NE(table.find("50.00%"), std::string::npos) << table;  // utilisation
  EXPECT_NE(table.find("null in 1/2 A"), std::string::npos) << table;
  EXPECT_NE(table.find("excluded: replication seed 3: B (b/3): exit 3"), std::string::npos);

  const auto j = comparison_json(rows, info);
  EXPECT_EQ(j["seeds"], nlohmann::ordered_json::array({1, 2}));
  EXPECT_EQ(j["figures"][0]["figure"], "success rate");  // absent from these summaries: null
  EXPECT_TRUE(j["figures"][0]["a"]["mean"].is_null());
  EXPECT_EQ(j["figures"][0]["a"]["missing"], 2);
  const std::string csv = comparison_csv(rows);
  EXPECT_EQ(csv.substr(0, csv.find('\n')).find("figure,path,unit,a_n"), 0u);
}

nlohmann::ordered_json with_fraud(double p99, double caught, const char* loss, const char* cost) {
  nlohmann::ordered_json s = summary(p99, 10);
  s["fraud"] = {{"attempts", 120},
                {"approved", 120 - caught},
                {"loss", loss},
                {"caught", caught},
                {"step_ups", 31},
                {"step_up_abandoned", 3},
                {"abandoned_amount", "61.20"},
                {"false_declines", 17},
                {"false_decline_amount", "840.15"},
                {"chargebacks", 4},
                {"chargeback_fees", "60.00"},
                {"lost_margin", "225.34"},
                {"total_cost", cost},
                {"catch_rate", caught / 120},
                {"false_decline_rate", 0.0017},
                {"added_latency_seconds", {{"mean", 0.0041 + p99 / 1000}, {"p99", 0.02}}},
                {"by_attack", nlohmann::ordered_json::object()},
                {"by_policy", {{"gw", {{"evaluated", 10000}}}}}};
  return s;
}

// A policy compared with itself: every fraud figure's paired difference is exactly 0 with
// a zero-width interval, whatever the spread between replications.
TEST(Comparison, APolicyComparedWithItselfDiffersByExactlyZeroInEveryFraudFigure) {
  const std::vector<nlohmann::ordered_json> runs = {with_fraud(0.2, 90, "1200.50", "1486.84"),
                                                    with_fraud(0.3, 75, "2210.05", "2496.39"),
                                                    with_fraud(0.25, 101, "310.99", "597.33")};
  std::vector<Pair> pairs;
  for (std::size_t r = 0; r < runs.size(); ++r) pairs.push_back({r + 1, &runs[r], &runs[r]});
  const auto rows = compare_pairs(pairs, {});
  std::size_t fraud_rows = 0;
  for (const auto& c : rows) {
    if (!c.figure.path.starts_with("fraud.")) continue;
    ++fraud_rows;
    ASSERT_EQ(c.paired.n, 3u) << c.figure.name;
    EXPECT_EQ(*c.paired.mean, 0.0) << c.figure.name;
    EXPECT_EQ(c.paired.interval->low, 0.0) << c.figure.name;
    EXPECT_EQ(c.paired.interval->high, 0.0) << c.figure.name;
  }
  EXPECT_EQ(fraud_rows, fraud_figures().size());
  EXPECT_GT(row(rows, "fraud loss").a_stats.interval->half_width(), 100);  // runs do differ
}

TEST(ComparisonReport, FraudFiguresShowAsMoneyCountsAndSharesWithTotalCostSingledOut) {
  const std::vector<nlohmann::ordered_json> a = {with_fraud(0.2, 90, "1200.50", "1486.84"),
                                                 with_fraud(0.3, 75, "2210.05", "2496.40")};
  const std::vector<nlohmann::ordered_json> b = {with_fraud(0.2, 100, "1000.25", "1286.59"),
                                                 with_fraud(0.3, 80, "2000.05", "2286.39")};
  const std::vector<Pair> pairs = {{1, &a[0], &b[0]}, {2, &a[1], &b[1]}};
  const auto rows = compare_pairs(pairs, {});
  ComparisonInfo info{"x.yaml", "x.yaml --set-b k=v", 2, {1, 2}, {}, false};
  const std::string table = comparison_table(rows, info);
  std::string cost_line, rate_line;
  for (std::size_t at = 0, end; at < table.size(); at = end + 1) {
    end = table.find('\n', at);
    const std::string line = table.substr(at, end - at);
    if (line.find("fraud total cost") != std::string::npos) cost_line = line;
    if (line.find("catch rate") != std::string::npos) rate_line = line;
  }
  EXPECT_NE(cost_line.find("1991.62"), std::string::npos) << table;  // A's mean, in money
  EXPECT_NE(cost_line.find("-205.13"), std::string::npos) << table;  // B - A
  EXPECT_NE(cost_line.find("<- the figure to minimise"), std::string::npos) << table;
  EXPECT_NE(rate_line.find("+6.25 pp"), std::string::npos) << table;  // (10/120 + 5/120) / 2
  EXPECT_NE(table.find("total cost = loss + chargeback fees + lost margin"), std::string::npos);
  const auto j = comparison_json(rows, info);
  for (const auto& f : j["figures"])
    EXPECT_EQ(f["minimise"], f["path"] == "fraud.total_cost") << f["figure"];
}

}  // namespace
}  // namespace payquake::study
