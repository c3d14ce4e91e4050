#include "report/html_report.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace payquake::report {
namespace {

core::Scenario one_node() {
  core::Scenario s;
  s.name = "html-test";
  s.duration_s = 3;
  s.window_s = 1;
  s.slo.window_s = 1;
  core::Node n;
  n.id = "iss";
  n.workers = 1;
  s.nodes.push_back(n);
  core::Fault f;
  f.kind = core::Fault::Kind::kSiteOutage;
  f.target = "us-west";
  f.at_s = 1;
  f.duration_s = 1;
  s.faults.push_back(f);
  return s;
}

TEST(HtmlReport, ChartDataHasOnePointPerWindowAndTheFaults) {
  const core::Scenario s = one_node();
  metrics::RunMetrics m(s);
  core::Payment p;
  p.intended_arrival_s = 0.5;
  m.on_arrival(p, 0.5);
  m.on_final(p, core::Outcome::kApproved, core::ResponseCode::kApproved, 0.75);
  m.on_clock(2.0);
  m.finish(2.5);
  const auto data = chart_data(s, m);
  ASSERT_EQ(data["t"].size(), m.windows().size());
  EXPECT_EQ(data["series"]["arrivals"][0], 1.0);  // one arrival in a 1 s window
  EXPECT_EQ(data["series"]["success_rate"][0], 100.0);
  EXPECT_TRUE(data["series"]["success_rate"][1].is_null()) << "nothing answered: no point";
  EXPECT_EQ(data["series"]["latency_p99"][0], 0.25);
  ASSERT_EQ(data["faults"].size(), 1u);
  EXPECT_EQ(data["faults"][0]["start"], 1.0);
  EXPECT_EQ(data["faults"][0]["end"], 2.0);
  EXPECT_EQ(data["nodes"][0], "iss");
}

TEST(HtmlReport, IsOnePageWithTheLibraryInlinedAndNothingFetched) {
  const core::Scenario s = one_node();
  metrics::RunMetrics m(s);
  m.finish(1.0);
  const nlohmann::ordered_json summary = {{"scenario", "</script><b>x"}, {"seed", 1}};
  const std::string html =
      report_html({s, chart_data(s, m), summary, "name: a </script> b\n", nullptr, ""});
  EXPECT_NE(html.find("Dygraph"), std::string::npos);
  for (const char* remote : {"src=\"http", "href=\"http", "src=http", "<link", "import("})
    EXPECT_EQ(html.find(remote), std::string::npos) << remote;
  // Hostile text from the scenario is escaped, never markup or the end of a script.
  EXPECT_EQ(html.find("<b>x"), std::string::npos);
  EXPECT_EQ(html.find("a </script> b"), std::string::npos);
  EXPECT_NE(html.find("a &lt;/script&gt; b"), std::string::npos);
  for (const char* chart : {"throughput", "success", "latency", "declines", "duplicates",
                            "retries", "utilisation", "queues"})
    EXPECT_NE(html.find(std::string("id=") + chart + ">"), std::string::npos) << chart;
}

TEST(HtmlReport, TheFraudChartOnlyWhenThereIsFraudData) {
  core::Scenario s = one_node();
  metrics::RunMetrics quiet(s);
  quiet.finish(2.5);
  const nlohmann::ordered_json summary = {{"scenario", "x"}, {"seed", 1}};
  const auto quiet_data = chart_data(s, quiet);
  EXPECT_TRUE(quiet_data["fraud"].is_null());
  EXPECT_EQ(report_html({s, quiet_data, summary, "", nullptr, ""}).find("id=fraud>"),
            std::string::npos);

  metrics::RunMetrics m(s);
  core::Payment p;
  p.intended_arrival_s = 1.5;
  p.fraud = true;
  p.amount = core::Money{100};
  m.on_clock(1.5);
  m.on_arrival(p, 1.5);
  m.on_final(p, core::Outcome::kApproved, core::ResponseCode::kApproved, 1.6);
  core::ReconciledPayment r;
  r.standing_charges = 1;
  m.on_reconciled(p, r, 1.6);
  m.finish(2.5);
  const auto data = chart_data(s, m);
  ASSERT_FALSE(data["fraud"].is_null());
  ASSERT_EQ(data["fraud"]["attempts"].size(), data["t"].size());
  EXPECT_EQ(data["fraud"]["attempts"][0], 0.0);
  EXPECT_EQ(data["fraud"]["attempts"][1], 1.0);  // per second, 1 s windows
  EXPECT_EQ(data["fraud"]["approved"][1], 1.0);
  EXPECT_EQ(data["fraud"]["caught"][1], 0.0);
  EXPECT_NE(report_html({s, data, summary, "", nullptr, ""}).find("id=fraud>"), std::string::npos);
}

TEST(HtmlReport, TheSummaryTableHasTheFraudRowsOnlyWithFraudData) {
  const core::Scenario s = one_node();
  metrics::RunMetrics m(s);
  m.finish(1.0);
  const auto data = chart_data(s, m);
  nlohmann::ordered_json summary = {{"scenario", "x"}, {"seed", 1}};
  summary["fraud"] = {{"attempts", 0}, {"loss", "0.00"}, {"by_attack", nlohmann::ordered_json::object()},
                      {"by_policy", nlohmann::ordered_json::object()}};
  EXPECT_EQ(report_html({s, data, summary, "", nullptr, ""}).find("fraud loss"), std::string::npos);
  summary["fraud"]["attempts"] = 3;
  summary["fraud"]["loss"] = "12.34";
  summary["fraud"]["total_cost"] = "57.34";
  const std::string html = report_html({s, data, summary, "", nullptr, ""});
  EXPECT_NE(html.find("<tr><td>fraud loss (measured)</td><td>12.34</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>fraud total cost (measured)</td><td>57.34</td></tr>"),
            std::string::npos);
}

TEST(HtmlReport, LongRunsAndManyNodesStayBounded) {
  core::Scenario s = one_node();
  s.duration_s = 12'000;
  s.nodes.clear();
  for (int i = 0; i < 30; ++i) {
    core::Node n;
    n.id = std::string("n").append(std::to_string(i));
    n.workers = 1;
    s.nodes.push_back(n);
  }
  metrics::RunMetrics m(s);
  // Node n29 is busy the whole run, n3 half of it; the others idle.
  m.on_busy_change({29, 0}, 0.0, 1);
  m.on_busy_change({3, 0}, 0.0, 1);
  m.on_clock(6'000.0);
  m.on_busy_change({3, 0}, 6'000.0, 0);
  m.on_clock(12'000.0);
  m.finish(12'000.0);
  ASSERT_GT(m.windows().size(), kMaxChartPoints);
  const auto data = chart_data(s, m);
  EXPECT_LE(data["t"].size(), kMaxChartPoints);
  EXPECT_EQ(data["merged_windows"], 3u);  // 12,001 windows in groups of 3
  EXPECT_EQ(data["t"][1], 3.0);
  ASSERT_EQ(data["nodes"].size(), kMaxChartNodes);
  EXPECT_EQ(data["nodes_total"], 30u);
  EXPECT_NE(std::find(data["nodes"].begin(), data["nodes"].end(), "n29"), data["nodes"].end());
  EXPECT_NE(std::find(data["nodes"].begin(), data["nodes"].end(), "n3"), data["nodes"].end());
  EXPECT_EQ(data["series"]["util_n29"][0], 100.0);
  EXPECT_EQ(data["series"]["util_n3"][data["t"].size() - 1], 0.0);
}

}  // namespace
}  // namespace payquake::report
