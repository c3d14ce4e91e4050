// compare.html and size.html are made from the study's JSON as the commands write it
// (study::comparison_json, study::sizing_json): every number on the page is the JSON's,
// hostile text from the command line is never markup, an interrupted study says so first.
#include "report/study_html.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "study/comparison.hpp"
#include "study/comparison_report.hpp"
#include "study/sizing_report.hpp"

namespace payquake::report {
namespace {

using nlohmann::ordered_json;

const char* kHostile = "</script><img src=x onerror=alert(1)>&\"'";

ordered_json summary(double p99, double success) {
  return {{"latency_seconds", {{"p99", p99}}},
          {"measured", {{"success_rate", success}, {"throughput_per_second", 40.0 + 100 * p99}}}};
}

ordered_json comparison(bool partial) {
  static const std::vector<ordered_json> a = {summary(0.20, 0.999), summary(0.31, 0.998),
                                              summary(0.27, 0.999)};
  static const std::vector<ordered_json> b = {summary(0.25, 0.990), summary(0.36, 0.991),
                                              summary(0.33, 0.989)};
  std::vector<study::Pair> pairs;
  for (std::size_t r = 0; r < a.size(); ++r) pairs.push_back({r + 1, &a[r], &b[r]});
  study::ComparisonInfo info;
  info.a = std::string("quickstart.yaml --set name=") + kHostile;
  info.b = "quickstart.yaml --set 'nodes.iss.workers=<b>2</b>'";
  info.replications = partial ? 5 : 3;
  info.seeds = {1, 2, 3};
  if (partial) info.excluded.push_back({4, std::string("b/4: exit 3 ") + kHostile});
  info.partial = partial;
  return study::comparison_json(study::compare_pairs(pairs, {}), info);
}

// The page's embedded data (#payquake-data), parsed.
ordered_json page_data(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=payquake-data>";
  const auto from = html.find(open);
  EXPECT_NE(from, std::string::npos);
  const auto to = html.find("</script>", from);
  std::string text = html.substr(from + open.size(), to - from - open.size());
  for (auto at = text.find("<\\/"); at != std::string::npos; at = text.find("<\\/"))
    text.replace(at, 3, "</");
  return ordered_json::parse(text);
}

std::string printed(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

void expect_no_markup_from(const std::string& html) {
  EXPECT_EQ(html.find("<img"), std::string::npos) << "hostile text became markup";
  // dygraphs' own script, the data and the page's script: nothing closed them early.
  std::size_t scripts = 0;
  for (auto at = html.find("</script>"); at != std::string::npos; at = html.find("</script>", at + 1))
    ++scripts;
  EXPECT_EQ(scripts, 3u);
}

TEST(CompareHtml, HostileScenarioTextAndSetValuesAreEscaped) {
  const std::string html = compare_html(comparison(true));
  expect_no_markup_from(html);
  EXPECT_NE(html.find("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&amp;&quot;'"),
            std::string::npos);
  EXPECT_NE(html.find("nodes.iss.workers=&lt;b&gt;2&lt;/b&gt;"), std::string::npos);
}

TEST(CompareHtml, EveryDifferenceAndIntervalIsTheOneInCompareJson) {
  const ordered_json json = comparison(false);
  const std::string html = compare_html(json);
  const ordered_json data = page_data(html);
  ASSERT_EQ(data["rows"].size(), json["figures"].size());
  std::size_t checked = 0;
  for (std::size_t i = 0; i < json["figures"].size(); ++i) {
    const ordered_json& f = json["figures"][i];
    const ordered_json& row = data["rows"][i];
    EXPECT_EQ(row["figure"], f["figure"]);
    if (!f["difference"]["ci95"].is_array()) {
      EXPECT_TRUE(row["low"].is_null()) << f["figure"];
      continue;
    }
    // The chart's numbers are the JSON's in the shown unit (ms, pp, /s), to 6 digits.
    const std::string unit = f["unit"];
    const double factor = unit == "fraction" ? 100 : unit == "seconds" ? 1000 : 1;
    const double mean = f["difference"]["mean"].get<double>() * factor;
    const double low = f["difference"]["ci95"][0].get<double>() * factor;
    const double high = f["difference"]["ci95"][1].get<double>() * factor;
    EXPECT_NEAR(row["mean"].get<double>(), mean, 1e-5 * std::fabs(mean)) << f["figure"];
    EXPECT_NEAR(row["low"].get<double>(), low, 1e-5 * std::fabs(low)) << f["figure"];
    EXPECT_NEAR(row["high"].get<double>(), high, 1e-5 * std::fabs(high)) << f["figure"];
    EXPECT_EQ(row["excludes_zero"], f["difference"]["excludes_zero"]);
    // And the table prints the same interval.
    EXPECT_NE(html.find("[" + printed("%+.4g", low) + ", " + printed("%+.4g", high) + "]"),
              std::string::npos)
        << f["figure"];
    ++checked;
  }
  EXPECT_GE(checked, 3u) << "p99, success rate and throughput have intervals";
  // p99 rose by 50-60 ms in every pair: the interval excludes 0, in ms.
  EXPECT_NE(html.find("+53.33 ms"), std::string::npos);
  EXPECT_NE(html.find(printed("%.2f", json["median_paired_to_unpaired_width"].get<double>()) +
                      " times as wide"),
            std::string::npos);
  EXPECT_EQ(html.find("badge INCOMPLETE"), std::string::npos);
}

TEST(CompareHtml, AnInterruptedComparisonSaysSoAtTheTopAndListsWhatWasLeftOut) {
  const std::string html = compare_html(comparison(true));
  const auto incomplete = html.find("badge INCOMPLETE");
  ASSERT_NE(incomplete, std::string::npos);
  EXPECT_LT(incomplete, html.find("<h2>")) << "said before any figure";
  EXPECT_NE(html.find("3 paired replications (the same seed for A and B) of 5 asked"),
            std::string::npos);
  EXPECT_NE(html.find("b/4: exit 3"), std::string::npos) << "the failed run is listed";
}

// A policy's fraud figures: the total cost's row is the highlighted one, money is written
// with two decimals (1991.62, not 1992), and a comparison without fraud has no such row.
TEST(CompareHtml, TheFraudTotalCostRowIsHighlightedAndMoneyKeepsItsCents) {
  const auto with_fraud = [](const char* loss, const char* cost) {
    ordered_json s = summary(0.2, 0.99);
    s["fraud"] = {{"attempts", 120}, {"loss", loss}, {"total_cost", cost},
                  {"by_policy", {{"gw", {{"evaluated", 100}}}}}};
    return s;
  };
  const std::vector<ordered_json> a = {with_fraud("1200.50", "1486.84"),
                                       with_fraud("2210.05", "2496.40")};
  const std::vector<ordered_json> b = {with_fraud("1000.25", "1286.59"),
                                       with_fraud("2000.05", "2286.39")};
  const std::vector<study::Pair> pairs = {{1, &a[0], &b[0]}, {2, &a[1], &b[1]}};
  study::ComparisonInfo info;
  info.a = "x.yaml";
  info.b = "x.yaml --set-b k=v";
  info.replications = 2;
  info.seeds = {1, 2};
  const std::string html =
      compare_html(study::comparison_json(study::compare_pairs(pairs, {}), info));
  EXPECT_NE(html.find("<tr class=minimise><td>fraud total cost (the figure to minimise)</td><td>"
                      "1991.62</td><td>1786.49</td><td>-205.13</td>"),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("<tr class=minimise><td>fraud loss"), std::string::npos);
  EXPECT_NE(html.find("is the one figure to minimise"), std::string::npos);
  EXPECT_EQ(compare_html(comparison(false)).find("figure to minimise"), std::string::npos);
}

study::SizingInfo sizing_info(bool partial) {
  study::SizingInfo info;
  info.scenario = std::string("size-issuer.yaml --set name=") + kHostile;
  info.node = "iss";
  info.knob = study::Knob::kWorkers;
  info.scenario_value = 4;
  info.slo = "latency_p99<=2s,success_rate>=99%";
  study::SpecError e;
  info.terms = study::parse_slo(info.slo, &e);
  info.replications = 3;
  info.seeds = {1, 2, 3};
  info.partial = partial;
  if (!partial) {
    info.answer = 6;
    info.largest_failing = 5;
  }
  return info;
}

std::vector<study::CurvePoint> curve(const study::SizingInfo& info) {
  std::vector<study::CurvePoint> out;
  for (std::int64_t value : {4, 5, 6, 8}) {
    study::CurvePoint p;
    p.value = value;
    p.runs = 3;
    p.failed = value == 5 ? 1 : 0;
    const double p99 = 8.0 / static_cast<double>(value);
    p.terms.push_back(study::judge(info.terms[0], {p99 * 0.95, p99, p99 * 1.05}));
    p.terms.push_back(study::judge(info.terms[1], {0.995, 0.996, 0.997}));
    p.peak_utilisation = study::describe({4.0 / static_cast<double>(value), 4.1 / static_cast<double>(value)});
    p.holds = p.terms[0].holds && p.terms[1].holds;
    out.push_back(p);
  }
  return out;
}

TEST(SizeHtml, TheCurveIsSizeJsonsWithTheSloLineAndTheAnswerHighlighted) {
  const auto info = sizing_info(false);
  const ordered_json json = study::sizing_json(curve(info), info);
  const std::string html = size_html(json);
  expect_no_markup_from(html);
  const ordered_json data = page_data(html);
  ASSERT_EQ(data["charts"].size(), 3u) << "one per SLO term, and utilisation";
  const ordered_json& p99 = data["charts"][0];
  ASSERT_EQ(p99["rows"].size(), json["curve"].size());
  for (std::size_t i = 0; i < json["curve"].size(); ++i) {
    const ordered_json& point = json["curve"][i]["figures"]["latency_p99"];
    const ordered_json& row = p99["rows"][i];
    EXPECT_EQ(row[0], json["curve"][i]["value"]);
    // p99 of 1-2 s: shown in s, so the numbers are the JSON's as they are.
    EXPECT_NEAR(row[1][0].get<double>(), point["ci95"][0].get<double>(), 1e-5);
    EXPECT_NEAR(row[1][1].get<double>(), point["mean"].get<double>(), 1e-5);
    EXPECT_NEAR(row[1][2].get<double>(), point["ci95"][1].get<double>(), 1e-5);
    EXPECT_EQ(row[2][1], 2.0) << "the SLO line at 2 s";
  }
  EXPECT_EQ(data["charts"][1]["rows"][0][2][1], 99.0) << "success rate's SLO line, in %";
  EXPECT_EQ(data["answer"], 6);
  EXPECT_EQ(data["largest_failing"], 5);
  EXPECT_NE(html.find("<tr class=answer><td>6</td>"), std::string::npos);
  EXPECT_NE(html.find("Answer: <b>workers = 6</b> on iss (workers = 5 does not meet the SLO)"),
            std::string::npos);
  EXPECT_NE(html.find("<span class=failed>1</span>"), std::string::npos) << "a failed run at 5";
  EXPECT_NE(html.find("&lt;/script&gt;&lt;img"), std::string::npos);
  EXPECT_EQ(html.find("badge INCOMPLETE"), std::string::npos);
}

TEST(SizeHtml, AnInterruptedSearchSaysIncompleteAtTheTopAndGivesNoAnswer) {
  const auto info = sizing_info(true);
  const std::string html = size_html(study::sizing_json(curve(info), info));
  const auto incomplete = html.find("badge INCOMPLETE");
  ASSERT_NE(incomplete, std::string::npos);
  EXPECT_LT(incomplete, html.find("<h2>"));
  EXPECT_EQ(html.find("class=answer>"), std::string::npos);
  EXPECT_NE(html.find("No answer"), std::string::npos);
  EXPECT_TRUE(page_data(html)["answer"].is_null());
}

}  // namespace
}  // namespace payquake::report
