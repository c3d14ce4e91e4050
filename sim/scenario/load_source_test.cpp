// Load presets (models/load/*.yaml), traces (CSV) and a population's own load: what they
// resolve to, their arrivals against the integral of their rate, and every mistake
// located in the file that has it, within the include rules and limits.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "load/arrivals.hpp"
#include "scenario/limits.hpp"
#include "scenario/load_shape.hpp"
#include "scenario/loader.hpp"
#include "scenario/test_util.hpp"

namespace payquake::scenario {
namespace {

using testing::kReference;
using testing::reference_with;
using testing::TempDir;
namespace fs = std::filesystem;

const std::string kLoad =
    "load:\n  start_rate: 2000/s\n  stages:\n    - {duration: 5m, target: 20k/s}\n"
    "  spikes: [{at: 12m, duration: 30s, multiplier: 3}]\n";

// kReference with its load replaced by `load` (a YAML block starting "load:").
std::string with_load(const std::string& load) { return reference_with(kLoad, load); }

// A scenario in the repository's scenarios/ folder, so that presets resolve from models/.
core::Scenario in_repo(const std::string& text) {
  return load_string(text, std::string(PAYQUAKE_SOURCE_DIR) + "/scenarios/t.yaml");
}

std::vector<std::string> errors_at(const std::string& text, const std::string& file) {
  try {
    load_string(text, file);
  } catch (const ScenarioError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.diagnostics()) out.push_back(d.to_string());
    return out;
  }
  return {};
}

bool mentions(const std::vector<std::string>& errors, const std::string& text) {
  for (const auto& e : errors)
    if (e.find(text) != std::string::npos) return true;
  return false;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

// The integral of the rate by the midpoint rule on a fine grid: independent of
// RateProfile::integral.
double quadrature(const load::RateProfile& p, double until_s) {
  const int steps = 2'000'000;
  const double h = until_s / steps;
  double sum = 0;
  for (int i = 0; i < steps; ++i) sum += p.rate_at((i + 0.5) * h);
  return sum * h;
}

const char* const kPresets[] = {"normal_day", "black_friday", "cyber_monday", "singles_day",
                                "payday"};

TEST(LoadPreset, EveryPresetsArrivalsMatchTheIntegralOfItsRateWithinPoissonError) {
  for (const char* name : kPresets) {
    SCOPED_TRACE(name);
    const core::Scenario raw = in_repo(with_load(std::string("load: {preset: ") + name + "}\n"));
    const double span = span_s(raw.load);
    ASSERT_NEAR(span, 86400, 1e-6) << "every preset is one day";
    // About 300,000 expected arrivals: scale the preset down to that.
    const double raw_total = quadrature(load::RateProfile(raw.load, span), span);
    const double scale = 3e5 / raw_total;
    const core::Scenario s = in_repo(with_load(std::string("load: {preset: ") + name +
                                               ", scale: " + std::to_string(scale) + "}\n"));
    const load::RateProfile profile(s.load, span);
    const double expected = quadrature(profile, span);
    EXPECT_NEAR(profile.integral(span), expected, 1e-6 * expected);
    load::ArrivalProcess arrivals(profile, core::ArrivalProcess::kPoisson,
                                  core::RandomStream(7, std::string("preset/") + name));
    double n = 0;
    while (arrivals.next() != load::ArrivalProcess::kNever) ++n;
    // A Poisson count has variance equal to its mean: |N - mean| <= 5 sd fails by chance
    // with probability 6e-7.
    EXPECT_LE(std::fabs(n - expected), 5 * std::sqrt(expected)) << n << " vs " << expected;
  }
}

TEST(LoadPreset, ScaleCompressAndTheScenariosOwnStagesAndSpikes) {
  const core::Scenario s = in_repo(with_load(
      "load:\n  preset: black_friday\n  scale: 0.5\n  compress: 24\n"
      "  stages: [{duration: 10m, target: 100/s}]\n"
      "  spikes: [{at: 30m, duration: 1m, multiplier: 2}]\n"));
  EXPECT_DOUBLE_EQ(s.load.start_rate_per_s, 750);  // 1500/s at midnight, halved
  EXPECT_NEAR(span_s(s.load), 3600 + 600, 1e-6);   // a day in an hour, then the own stage
  EXPECT_DOUBLE_EQ(s.load.stages.back().target_per_s, 100);
  ASSERT_EQ(s.load.spikes.size(), 4u);               // the preset's three and the scenario's
  EXPECT_DOUBLE_EQ(s.load.spikes[1].at_s, 12 * 3600 / 24.0);  // noon, compressed
  EXPECT_DOUBLE_EQ(s.load.spikes[3].at_s, 1800);     // the scenario's, in its own time
}

TEST(LoadPreset, AShiftIsATimeZoneTheDayWrapsAround) {
  const core::Scenario day = in_repo(with_load("load: {preset: normal_day}\n"));
  const core::Scenario shifted = in_repo(with_load("load: {preset: normal_day, shift: 8h}\n"));
  EXPECT_DOUBLE_EQ(shifted.load.start_rate_per_s, 480);  // normal_day at 08:00
  const load::RateProfile a(day.load, 86400), b(shifted.load, 86400);
  EXPECT_NEAR(b.integral(86400), a.integral(86400), 1e-6 * a.integral(86400));
  for (double t : {0.0, 3600.0, 5 * 3600.0, 15 * 3600.0 + 7, 20 * 3600.0})
    EXPECT_NEAR(b.rate_at(t), a.rate_at(std::fmod(t + 8 * 3600, 86400)), 1e-9) << t;
  // Shifted past midnight: the evening of the shifted day is the early morning.
  EXPECT_NEAR(b.rate_at(22 * 3600), a.rate_at(6 * 3600), 1e-9);
}

TEST(LoadPreset, PopulationsFollowTheirOwnShapes) {
  std::string text = kReference;
  const std::string payer =
      "  - id: shoppers\n    cards: 1_000_000\n    activity: {dist: zipf, s: 1.1}\n"
      "    issuers: {iss: 100%}\n    entry: gw\n    amount: {dist: lognormal, median: 42.00, "
      "p99: 900.00}\n";
  const std::string two =
      "  - {id: domestic, share: 70%, cards: 1000, issuers: {iss: 100%}, entry: gw, amount: "
      "{dist: constant, value: 10.00}, load: {preset: normal_day, scale: 10}}\n"
      "  - {id: abroad, share: 30%, cards: 1000, issuers: {iss: 100%}, entry: gw, amount: "
      "{dist: constant, value: 10.00}, load: {preset: normal_day, scale: 10, shift: 8h}}\n";
  text.replace(text.find(payer), payer.size(), two);
  const core::Scenario s = in_repo(text);
  ASSERT_EQ(s.payers.size(), 2u);
  ASSERT_TRUE(s.payers[0].load && s.payers[1].load);
  EXPECT_DOUBLE_EQ(s.payers[0].load->start_rate_per_s, 2400);
  EXPECT_DOUBLE_EQ(s.payers[1].load->start_rate_per_s, 4800);
  // The resolved scenario writes the shapes out as stages and loads back the same.
  const core::Scenario again = in_repo(to_resolved_yaml(s));
  ASSERT_TRUE(again.payers[1].load);
  ASSERT_EQ(again.payers[1].load->stages.size(), s.payers[1].load->stages.size());
  for (std::size_t i = 0; i < again.payers[1].load->stages.size(); ++i) {
    EXPECT_DOUBLE_EQ(again.payers[1].load->stages[i].duration_s,
                     s.payers[1].load->stages[i].duration_s);
    EXPECT_DOUBLE_EQ(again.payers[1].load->stages[i].target_per_s,
                     s.payers[1].load->stages[i].target_per_s);
  }
  EXPECT_FALSE(again.load.stages.empty() && again.load.start_rate_per_s == 0);
}

TEST(LoadPreset, MistakesAreLocated) {
  const std::string file = std::string(PAYQUAKE_SOURCE_DIR) + "/scenarios/t.yaml";
  auto e = errors_at(with_load("load: {preset: blak_friday}\n"), file);
  EXPECT_TRUE(mentions(e, "t.yaml:50:16: load.preset: expected a preset of")) << joined(e);
  EXPECT_TRUE(mentions(e, "did you mean 'black_friday'?")) << joined(e);
  e = errors_at(with_load("load: {start_rate: 10/s, scale: 2}\n"), file);
  EXPECT_TRUE(mentions(e, "load.scale: expected scale only with a preset or a trace")) << joined(e);
  e = errors_at(with_load("load: {start_rate: 10/s, preset: payday}\n"), file);
  EXPECT_TRUE(mentions(e, "load.preset: expected one of start_rate, preset or trace, got preset "
                          "beside start_rate")) << joined(e);
  e = errors_at(with_load("load: {preset: payday, compress: 0}\n"), file);
  EXPECT_TRUE(mentions(e, "load.compress: expected a number > 0")) << joined(e);
  e = errors_at(with_load("load: {arrival: poisson}\n"), file);
  EXPECT_TRUE(mentions(e, "load: expected start_rate")) << joined(e);

  // A preset of one's own: its mistakes are reported in it, at its line.
  TempDir dir;
  dir.write("models/load/mine.yaml", "start_rate: 10/s\nstages:\n  - {duration: 1h, target: fast}\n");
  const std::string scenario = dir.path("scenarios/s.yaml");
  e = errors_at(with_load("load: {preset: mine}\n"), scenario);
  EXPECT_TRUE(mentions(e, "mine.yaml:3:28: load.preset.stages[0].target: expected a rate")) << joined(e);
  // No models/ folder above the scenario: said so.
  TempDir bare;
  e = errors_at(with_load("load: {preset: payday}\n"), bare.path("s.yaml"));
  EXPECT_TRUE(mentions(e, "expected a models/ folder above")) << joined(e);
}

TEST(LoadTrace, RatesAreInterpolatedAndCountsAreBuckets) {
  TempDir dir;
  dir.write("rates.csv", "# recorded at the edge\ntime,rate\n0,100\n60,400\n2m,400/s\n150,0\n");
  dir.write("counts.csv", "time,count\r\n0,600\r\n10,1200\r\n20,0\r\n30,300\r\n");
  const core::Scenario r = load_string(with_load("load: {trace: rates.csv}\n"), dir.path("s.yaml"));
  const load::RateProfile rp(r.load, 200);
  EXPECT_DOUBLE_EQ(rp.rate_at(30), 250);
  EXPECT_DOUBLE_EQ(rp.rate_at(90), 400);
  EXPECT_NEAR(rp.rate_at(135), 200, 1e-9);
  EXPECT_DOUBLE_EQ(rp.rate_at(180), 0);  // after the last row the rate holds
  const core::Scenario c =
      load_string(with_load("load: {trace: counts.csv, scale: 2}\n"), dir.path("s.yaml"));
  const load::RateProfile cp(c.load, 40);
  for (double t : {0.0, 9.99}) EXPECT_DOUBLE_EQ(cp.rate_at(t), 120);
  EXPECT_DOUBLE_EQ(cp.rate_at(15), 240);
  EXPECT_DOUBLE_EQ(cp.rate_at(25), 0);
  EXPECT_DOUBLE_EQ(cp.rate_at(35), 60);  // the last bucket is as long as the one before
  EXPECT_NEAR(cp.integral(40), 2 * (600 + 1200 + 0 + 300), 1e-9);
}

// Replayed faithfully: evenly spaced arrivals put exactly each bucket's count in it (to
// the one arrival a bucket edge can move), and Poisson arrivals within 5 sd per bucket.
TEST(LoadTrace, IsReplayedFaithfully) {
  TempDir dir;
  std::string csv = "time,count\n";
  std::vector<double> counts;
  for (int i = 0; i < 60; ++i) {
    counts.push_back(200 + 150 * std::sin(i / 5.0) + (i == 30 ? 900 : 0));
    csv += std::to_string(i * 10) + "," + std::to_string(static_cast<int>(counts.back())) + "\n";
    counts.back() = static_cast<int>(counts.back());
  }
  dir.write("t.csv", csv);
  for (auto kind : {core::ArrivalProcess::kUniform, core::ArrivalProcess::kPoisson}) {
    const core::Scenario s = load_string(
        with_load(std::string("load: {trace: t.csv, arrival: ") +
                  (kind == core::ArrivalProcess::kUniform ? "uniform" : "poisson") + "}\n"),
        dir.path("s.yaml"));
    load::ArrivalProcess arrivals(load::RateProfile(s.load, 600), kind, core::RandomStream(3, "trace"));
    std::vector<double> seen(60, 0);
    for (double t = arrivals.next(); t != load::ArrivalProcess::kNever; t = arrivals.next())
      seen[static_cast<std::size_t>(t / 10)] += 1;
    for (std::size_t i = 0; i < 60; ++i) {
      const double tolerance = kind == core::ArrivalProcess::kUniform ? 1.0 : 5 * std::sqrt(counts[i]);
      EXPECT_NEAR(seen[i], counts[i], tolerance) << "bucket " << i;
    }
  }
}

TEST(LoadTrace, MistakesAreLocatedAtTheirRowAndCell) {
  TempDir dir;
  const std::string s = dir.path("s.yaml");
  const auto trace_errors = [&](const std::string& csv) {
    dir.write("t.csv", csv);
    return errors_at(with_load("load: {trace: t.csv}\n"), s);
  };
  auto e = trace_errors("when,rate\n0,1\n");
  EXPECT_TRUE(mentions(e, "t.csv:1:1: load.trace: expected a header time,rate or time,count, got "
                          "'when,rate'")) << joined(e);
  e = trace_errors("time,rate\n0,10\n5,20\n5,30\n");
  EXPECT_TRUE(mentions(e, "t.csv:4:1: load.trace: expected times increasing")) << joined(e);
  e = trace_errors("time,rate\n0,10\n5, lots\n");
  EXPECT_TRUE(mentions(e, "t.csv:3:4: load.trace: expected a rate")) << joined(e);
  e = trace_errors("time,rate\n3,10\n");
  EXPECT_TRUE(mentions(e, "t.csv:2:1: load.trace: expected the first row at time 0")) << joined(e);
  e = trace_errors("time,rate\n0,10,3\n");
  EXPECT_TRUE(mentions(e, "t.csv:2:1: load.trace: expected 2 cells")) << joined(e);
  e = trace_errors("time,count\n0,-4\n10,5\n");
  EXPECT_TRUE(mentions(e, "t.csv:2:3: load.trace: expected a count >= 0")) << joined(e);
  e = trace_errors("time,rate\n0,\xff\n");
  EXPECT_TRUE(mentions(e, "t.csv:2: load.trace: expected UTF-8")) << joined(e);
  e = errors_at(with_load("load: {trace: missing.csv}\n"), s);
  EXPECT_TRUE(mentions(e, "load.trace: expected a readable file")) << joined(e);
}

TEST(LoadTrace, HostileFilesAreRefusedWithinTheLimits) {
  TempDir dir;
  const std::string s = dir.path("s.yaml");
  std::string rows = "time,rate\n";
  for (std::size_t i = 0; i <= kMaxTraceRows; ++i) rows += std::to_string(i) + ",1\n";
  dir.write("long.csv", rows);
  auto e = errors_at(with_load("load: {trace: long.csv}\n"), s);
  EXPECT_TRUE(mentions(e, "rows in a trace, got more")) << joined(e);
  dir.write("huge.csv", "time,rate\n" + std::string(kMaxFileBytes, '#'));
  e = errors_at(with_load("load: {trace: huge.csv}\n"), s);
  EXPECT_TRUE(mentions(e, "larger than")) << joined(e);
  e = errors_at(with_load("load: {trace: /dev/zero}\n"), s);
  EXPECT_TRUE(mentions(e, "load.trace: expected a file inside")) << joined(e);
  e = errors_at(with_load("load: {trace: ../../../../../../etc/passwd}\n"), s);
  EXPECT_TRUE(mentions(e, "load.trace: expected a file inside")) << joined(e);
  // Many cells on a row spend the value budget of the whole load, not unbounded memory.
  std::string wide = "time,rate\n0";
  for (std::size_t i = 0; i < kMaxValues; ++i) wide += ",";
  dir.write("wide.csv", wide.substr(0, kMaxFileBytes));
  e = errors_at(with_load("load: {trace: wide.csv}\n"), s);
  EXPECT_FALSE(e.empty());
}

}  // namespace
}  // namespace payquake::scenario
