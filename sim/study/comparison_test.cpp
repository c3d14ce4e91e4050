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

}  // namespace
}  // namespace payquake::study
