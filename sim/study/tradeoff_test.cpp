#include "study/tradeoff.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace payquake::study {
namespace {

using Json = nlohmann::ordered_json;

const std::string kPath = "nodes.gw.fraud.rules.2.score_over";

// The Student t quantile of a 95% two-sided interval with 2 degrees of freedom (3 runs),
// from tables: the curve's intervals are the study's Student t ones.
constexpr double kT2 = 4.302652729911275;

Json summary(double caught, double false_declines, double loss, double total_cost) {
  return {{"fraud",
           {{"attempts", 100},
            {"approved", 100 - caught},
            {"loss", std::to_string(loss)},
            {"caught", caught},
            {"false_declines", false_declines},
            {"total_cost", std::to_string(total_cost)},
            {"catch_rate", caught / 100},
            {"by_policy", {{"gw", {{"evaluated", 1000}}}}}}}};
}

// A one-axis sweep over `values`, point p's runs being runs[p] with seeds 1, 2, ...;
// `planned` runs per point (more than given: the others did not finish).
SweepResult sweep_of(const std::vector<std::string>& values,
                     const std::vector<std::vector<Json>>& runs, std::size_t planned) {
  SweepResult r;
  r.design.axes = {{kPath, values}};
  r.design.replications = planned;
  r.design.first_seed = 1;
  r.runs = planned * values.size();
  std::vector<const Json*> all;
  for (const auto& point : runs)
    for (const auto& s : point) all.push_back(&s);
  const auto figures = comparison_figures(all, {});
  for (std::size_t p = 0; p < values.size(); ++p) {
    PointResult pr;
    pr.point.index = p;
    pr.point.values = {values[p]};
    for (std::size_t i = 0; i < runs[p].size(); ++i) pr.seeds.push_back(i + 1);
    r.finished += runs[p].size();
    for (const auto& f : figures) {
      PointFigure pf{f, {}, {}};
      std::vector<double> present;
      for (const auto& s : runs[p]) {
        pf.values.push_back(figure_value(s, f));
        if (pf.values.back()) present.push_back(*pf.values.back());
      }
      pf.stats = describe(present);
      pr.figures.push_back(pf);
    }
    r.points.push_back(pr);
  }
  r.missing = r.runs - r.finished;
  return r;
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
  EXPECT_NE(at, header.end()) << column;
  return split(l.at(row + 1)).at(static_cast<std::size_t>(at - header.begin()));
}

TEST(Tradeoff, CsvHasOneRowPerValueAndEachFiguresMeanAndStudentTInterval) {
  const SweepResult s =
      sweep_of({"0.90", "0.95", "0.99"},
               {{summary(10, 40, 500, 900), summary(12, 44, 520, 950), summary(14, 48, 540, 1000)},
                {summary(8, 20, 600, 800), summary(9, 22, 610, 820), summary(10, 24, 620, 840)},
                {summary(5, 5, 900, 1000), summary(6, 6, 910, 1010), summary(7, 7, 920, 1020)}},
               3);
  const std::string csv = tradeoff_csv(make_tradeoff(s));
  const auto l = lines(csv);
  ASSERT_EQ(l.size(), 4u) << csv;  // the header and one row per value
  const std::string head =
      "point," + kPath +
      ",replications,runs,caught_mean,caught_ci95_low,caught_ci95_high,false_declines_mean,"
      "false_declines_ci95_low,false_declines_ci95_high,loss_mean,loss_ci95_low,loss_ci95_high,"
      "total_cost_mean,total_cost_ci95_low,total_cost_ci95_high,catch_rate_mean,";
  EXPECT_EQ(l[0].substr(0, head.size()), head);
  EXPECT_NE(l[0].find(",added_latency_seconds_mean_ci95_high,total_cost_minus_lowest_mean,"
                      "total_cost_minus_lowest_ci95_low,total_cost_minus_lowest_ci95_high,"
                      "lowest"),
            std::string::npos)
      << l[0];
  for (const auto& line : l) EXPECT_EQ(split(line).size(), split(l[0]).size()) << line;
  EXPECT_EQ(cell(csv, 1, kPath), "0.95");
  EXPECT_EQ(cell(csv, 1, "runs"), "3");
  // caught at 0.90: 10, 12, 14: mean 12, sd 2, half-width t(2) * 2 / sqrt(3).
  const double half = kT2 * 2 / std::sqrt(3.0);
  EXPECT_DOUBLE_EQ(std::stod(cell(csv, 0, "caught_mean")), 12);
  EXPECT_NEAR(std::stod(cell(csv, 0, "caught_ci95_low")), 12 - half, 1e-9);
  EXPECT_NEAR(std::stod(cell(csv, 0, "caught_ci95_high")), 12 + half, 1e-9);
  EXPECT_DOUBLE_EQ(std::stod(cell(csv, 2, "false_declines_mean")), 6);
  EXPECT_DOUBLE_EQ(std::stod(cell(csv, 1, "loss_mean")), 610);  // money strings read as money
  EXPECT_DOUBLE_EQ(std::stod(cell(csv, 2, "catch_rate_mean")), 0.06);
  // A figure summary.json lacks (no step-ups here) is empty, never 0.
  EXPECT_EQ(cell(csv, 0, "step_ups_mean"), "");
}

// Common seeds make the cost of two values comparable seed by seed: 0.95's total cost is
// below 0.90's in every replication, by 40 to 80 while each value's own spread is +-50.
TEST(Tradeoff, TotalCostAgainstTheLowestIsPairedBySeed) {
  const SweepResult s =
      sweep_of({"0.90", "0.95"},
               {{summary(10, 40, 500, 900), summary(12, 44, 520, 1000), summary(14, 48, 540, 1100)},
                {summary(8, 20, 600, 860), summary(9, 22, 610, 920), summary(10, 24, 620, 1020)}},
               3);
  const Tradeoff t = make_tradeoff(s);
  ASSERT_TRUE(t.lowest);
  EXPECT_EQ(*t.lowest, 1u);
  const Sample& over = *t.points[0].over_lowest;  // 40, 80, 80
  EXPECT_NEAR(*over.mean, 200.0 / 3, 1e-9);
  EXPECT_GT(over.interval->low, 0) << "paired, the difference is clear";
  EXPECT_EQ(*t.points[1].over_lowest->mean, 0.0);
  EXPECT_EQ(t.points[1].over_lowest->interval->low, 0.0);
  EXPECT_EQ(t.points[1].over_lowest->interval->high, 0.0);
  // Unpaired, the same numbers would not tell the two values apart.
  EXPECT_FALSE(welch_difference({900, 1000, 1100}, {860, 920, 1020}).interval->excludes_zero());
  const std::string csv = tradeoff_csv(t);
  EXPECT_EQ(cell(csv, 0, "lowest"), "false");
  EXPECT_EQ(cell(csv, 1, "lowest"), "true");
  const std::string table = tradeoff_table(t);
  EXPECT_NE(table.find("lowest mean total cost: score_over=0.95 (933.33 ± "), std::string::npos)
      << table;
  EXPECT_NE(table.find("+66.67 ["), std::string::npos) << table;
}

TEST(Tradeoff, AnIncompleteCurveIsMarkedAndNamesNoLowestCost) {
  const SweepResult s = sweep_of(
      {"0.90", "0.95"},
      {{summary(10, 40, 500, 900), summary(12, 44, 520, 1000)}, {summary(8, 20, 600, 860)}}, 2);
  const Tradeoff t = make_tradeoff(s);
  EXPECT_FALSE(t.complete());
  EXPECT_FALSE(t.lowest);
  const std::string table = tradeoff_table(t);
  EXPECT_NE(table.find("3/4 runs finished, 1 not run"), std::string::npos) << table;
  EXPECT_NE(table.find("INCOMPLETE: 1 runs did not finish; no lowest cost is named"),
            std::string::npos)
      << table;
  EXPECT_EQ(table.find("lowest mean total cost"), std::string::npos) << table;
  const std::string csv = tradeoff_csv(t);
  EXPECT_EQ(cell(csv, 1, "runs"), "1");
  EXPECT_EQ(cell(csv, 1, "lowest"), "");
  EXPECT_EQ(cell(csv, 1, "total_cost_minus_lowest_mean"), "");
  EXPECT_EQ(cell(csv, 1, "caught_ci95_low"), "");  // one run: no interval
}

TEST(Tradeoff, RunsWithoutFraudDataSayThereIsNothingToTradeOff) {
  const Json plain = {
      {"fraud", {{"attempts", 0}, {"loss", "0.00"}, {"by_policy", Json::object()}}}};
  const SweepResult s = sweep_of({"1", "2"}, {{plain, plain}, {plain, plain}}, 2);
  const Tradeoff t = make_tradeoff(s);
  EXPECT_FALSE(t.fraud_data);
  EXPECT_NE(tradeoff_table(t).find("nothing to trade off"), std::string::npos);
  EXPECT_EQ(cell(tradeoff_csv(t), 0, "caught_mean"), "");
}

}  // namespace
}  // namespace payquake::study
