#include "report/openmetrics.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

namespace payquake::report {
namespace {

core::Scenario two_nodes() {
  core::Scenario s;
  s.name = "om-test";
  s.seed = 7;
  s.duration_s = 4;
  s.window_s = 1;
  s.slo.window_s = 1;
  for (const char* id : {"gw", "iss"}) {
    core::Node n;
    n.id = id;
    n.workers = 1;
    s.nodes.push_back(n);
  }
  core::Fault f;
  f.kind = core::Fault::Kind::kCrash;
  f.target = "iss";
  f.at_s = 1.5;
  f.duration_s = 1;
  s.faults.push_back(f);
  return s;
}

core::Payment at(double t, std::uint64_t id) {
  core::Payment p;
  p.id = id;
  p.intended_arrival_s = t;
  return p;
}

// Payments answered with latencies 0.0015 s (window 0), 0.4 s and 1.7 s (window 1), a
// decline (window 2) and one abandoned after 12 s (window 3); one duplicate in window 2.
std::string sample_file(double epoch = 1'700'000'000) {
  const core::Scenario s = two_nodes();
  metrics::RunMetrics m(s);
  using core::Outcome;
  using core::ResponseCode;
  m.on_arrival(at(0.1, 0), 0.1);
  m.on_final(at(0.1, 0), Outcome::kApproved, ResponseCode::kApproved, 0.1015);
  m.on_clock(1.0);
  m.on_arrival(at(1.0, 1), 1.0);
  m.on_arrival(at(1.1, 2), 1.1);
  m.on_final(at(1.0, 1), Outcome::kApproved, ResponseCode::kApproved, 1.4);
  m.on_final(at(0.0, 2), Outcome::kFailed, ResponseCode::kIssuerInoperative, 1.7);
  m.on_busy_change({1, 0}, 1.0, 1);
  m.on_clock(2.0);
  m.on_final(at(2.0, 3), Outcome::kDeclined, ResponseCode::kInsufficientFunds, 2.01);
  core::ReconciledPayment r;
  r.duplicate = true;
  r.standing_charges = 2;
  r.cause = core::DuplicateCause::kGatewayRetry;
  r.extra_charge_s = 2.2;
  m.on_reconciled(at(1.0, 1), r, 2.5);
  m.on_busy_change({1, 0}, 2.5, 0);
  m.on_clock(3.0);
  m.on_final(at(-9.0, 4), Outcome::kAbandoned, ResponseCode::kApproved, 3.0);
  m.finish(3.5);
  std::ostringstream out;
  write_openmetrics(out, s, m, {"om-test", "om-test-7", epoch});
  return out.str();
}

// The value of the sample line that starts with `series` at `timestamp`.
std::string value_of(const std::string& file, const std::string& series,
                     const std::string& timestamp) {
  std::istringstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + ' ', 0) != 0) continue;
    std::istringstream fields(line.substr(series.size() + 1));
    std::string value, ts;
    fields >> value >> ts;
    if (ts == timestamp) return value;
  }
  return "(missing)";
}

const std::string kLabels = "scenario=\"om-test\",run=\"om-test-7\"";

TEST(OpenMetrics, EndsWithEofAndStampsWindowEndsInSecondsFromTheEpoch) {
  const std::string file = sample_file();
  ASSERT_GE(file.size(), 6u);
  EXPECT_EQ(file.substr(file.size() - 6), "# EOF\n");
  EXPECT_EQ(file.find("# EOF"), file.size() - 6) << "a single # EOF, at the end";
  // Window [0, 1) ends at epoch + 1; four windows, the last one [3, 4).
  EXPECT_EQ(value_of(file, "payquake_arrivals_total{" + kLabels + "}", "1700000001.000"), "1");
  EXPECT_EQ(value_of(file, "payquake_arrivals_total{" + kLabels + "}", "1700000004.000"), "3");
  EXPECT_EQ(value_of(file, "payquake_arrivals_total{" + kLabels + "}", "1700000005.000"),
            "(missing)");
}

TEST(OpenMetrics, CountersAreCumulativeByOutcomeAndCode) {
  const std::string file = sample_file();
  const std::string approved = "payquake_payments_total{" + kLabels + ",outcome=\"approved\",code=\"00\"}";
  EXPECT_EQ(value_of(file, approved, "1700000001.000"), "1");
  EXPECT_EQ(value_of(file, approved, "1700000002.000"), "2");
  EXPECT_EQ(value_of(file, approved, "1700000004.000"), "2");
  const std::string declined = "payquake_payments_total{" + kLabels + ",outcome=\"declined\",code=\"51\"}";
  EXPECT_EQ(value_of(file, declined, "1700000002.000"), "0");
  EXPECT_EQ(value_of(file, declined, "1700000003.000"), "1");
  EXPECT_EQ(value_of(file, "payquake_payments_total{" + kLabels + ",outcome=\"abandoned\",code=\"none\"}",
                     "1700000004.000"),
            "1");
  EXPECT_EQ(value_of(file, "payquake_duplicate_payments_total{" + kLabels + ",cause=\"gateway_retry\"}",
                     "1700000003.000"),
            "1");
  EXPECT_EQ(value_of(file, "payquake_duplicate_payments_total{" + kLabels + ",cause=\"gateway_retry\"}",
                     "1700000002.000"),
            "0");
}

TEST(OpenMetrics, DurationIsACumulativeHistogramPerWindow) {
  const std::string file = sample_file();
  const std::string h = "payquake_payment_duration_seconds";
  auto bucket = [&](const std::string& le, const std::string& ts) {
    return value_of(file, h + "_bucket{" + kLabels + ",le=\"" + le + "\"}", ts);
  };
  // After window 0: one answer of 1.5 ms (in le=0.002, not in le=0.001).
  EXPECT_EQ(bucket("0.001", "1700000001.000"), "0");
  EXPECT_EQ(bucket("0.002", "1700000001.000"), "1");
  EXPECT_EQ(bucket("+Inf", "1700000001.000"), "1");
  // After window 1: plus 0.4 s and 1.7 s.
  EXPECT_EQ(bucket("0.3", "1700000002.000"), "1");
  EXPECT_EQ(bucket("0.5", "1700000002.000"), "2");
  EXPECT_EQ(bucket("1.5", "1700000002.000"), "2");
  EXPECT_EQ(bucket("2", "1700000002.000"), "3");
  // The abandoned payment (12 s) lands in le=20 and +Inf only.
  EXPECT_EQ(bucket("10", "1700000004.000"), "4");
  EXPECT_EQ(bucket("20", "1700000004.000"), "5");
  EXPECT_EQ(value_of(file, h + "_count{" + kLabels + "}", "1700000004.000"), "5");
  EXPECT_EQ(bucket("+Inf", "1700000004.000"), "5");
  EXPECT_NEAR(std::stod(value_of(file, h + "_sum{" + kLabels + "}", "1700000002.000")),
              0.0015 + 0.4 + 1.7, 1e-12);
}

TEST(OpenMetrics, GaugesAreWindowAveragesAndFaultsAreActiveInTheirWindows) {
  const std::string file = sample_file();
  const std::string util = "payquake_node_utilisation_ratio{" + kLabels + ",node=\"iss\"}";
  EXPECT_EQ(value_of(file, util, "1700000001.000"), "0");
  EXPECT_EQ(value_of(file, util, "1700000002.000"), "1");
  EXPECT_EQ(value_of(file, util, "1700000003.000"), "0.5");
  const std::string fault = "payquake_fault_active{" + kLabels + ",kind=\"crash\",target=\"iss\"}";
  EXPECT_EQ(value_of(file, fault, "1700000001.000"), "0");
  EXPECT_EQ(value_of(file, fault, "1700000002.000"), "1");  // [1.5, 2.5) overlaps [1, 2)
  EXPECT_EQ(value_of(file, fault, "1700000003.000"), "1");
  EXPECT_EQ(value_of(file, fault, "1700000004.000"), "0");
}

TEST(OpenMetrics, EveryFamilyIsDeclaredOnceAndEverySampleCarriesScenarioAndRun) {
  const std::string file = sample_file();
  std::istringstream in(file);
  std::string line;
  std::map<std::string, int> types;
  int samples = 0;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      ++types[line.substr(7, line.find(' ', 7) - 7)];
    } else if (line[0] != '#') {
      ++samples;
      EXPECT_NE(line.find('{' + kLabels), std::string::npos) << line;
    }
  }
  EXPECT_GT(samples, 100);
  for (const auto& [name, n] : types) EXPECT_EQ(n, 1) << name;
  for (const char* name : {"payquake_payments", "payquake_payment_duration_seconds",
                           "payquake_node_utilisation_ratio", "payquake_node_queue_length",
                           "payquake_duplicate_payments", "payquake_fault_active"})
    EXPECT_EQ(types.count(name), 1u) << name;
}

// Window 0: a fraud approved (12.34) and one caught; window 1: a fraud charged after
// passing a challenge (0.66), one declined by the issuer, a legitimate false decline.
std::string fraud_file() {
  core::Scenario s = two_nodes();
  s.nodes[0].fraud.emplace();
  metrics::RunMetrics m(s);
  using core::Outcome;
  using core::ResponseCode;
  auto live = [&m](std::uint64_t id, double t, std::int64_t minor, bool fraud, std::uint8_t marks,
                   Outcome o, ResponseCode c, int charges) {
    core::Payment p = at(t, id);
    p.amount = core::Money{minor};
    p.fraud = fraud;
    p.fraud_marks = marks;
    m.on_clock(t);
    m.on_arrival(p, t);
    m.on_final(p, o, c, t + 0.1);
    core::ReconciledPayment r;
    r.outcome = o;
    r.standing_charges = charges;
    m.on_reconciled(p, r, t + 0.1);
  };
  live(1, 0.1, 1234, true, 0, Outcome::kApproved, ResponseCode::kApproved, 1);
  live(2, 0.2, 500, true, core::kPolicyDeclined, Outcome::kDeclined, ResponseCode::kSuspectedFraud, 0);
  live(3, 1.1, 66, true, core::kSteppedUp | core::kAuthenticated, Outcome::kApproved,
       ResponseCode::kApproved, 1);
  live(4, 1.2, 700, true, 0, Outcome::kDeclined, ResponseCode::kInsufficientFunds, 0);
  live(5, 1.3, 900, false, core::kPolicyDeclined, Outcome::kDeclined, ResponseCode::kDoNotHonour, 0);
  m.finish(3.5);
  std::ostringstream out;
  write_openmetrics(out, s, m, {"om-test", "om-test-7", 1'700'000'000});
  return out.str();
}

TEST(OpenMetrics, FraudCountersByResultFalseDeclinesAndLossInMajorUnits) {
  const std::string file = fraud_file();
  auto fraud = [&](const char* result, const char* ts) {
    return value_of(file, "payquake_fraud_payments_total{" + kLabels + ",result=\"" + result + "\"}",
                    ts);
  };
  EXPECT_EQ(fraud("approved", "1700000001.000"), "1");
  EXPECT_EQ(fraud("caught", "1700000001.000"), "1");
  EXPECT_EQ(fraud("stepped_up_passed", "1700000001.000"), "0");
  EXPECT_EQ(fraud("other", "1700000001.000"), "0");
  EXPECT_EQ(fraud("approved", "1700000004.000"), "1");
  EXPECT_EQ(fraud("stepped_up_passed", "1700000002.000"), "1");
  EXPECT_EQ(fraud("other", "1700000002.000"), "1");
  const std::string declines = "payquake_false_declines_total{" + kLabels + "}";
  EXPECT_EQ(value_of(file, declines, "1700000001.000"), "0");
  EXPECT_EQ(value_of(file, declines, "1700000002.000"), "1");
  const std::string loss = "payquake_fraud_loss_total{" + kLabels + "}";
  EXPECT_EQ(value_of(file, loss, "1700000001.000"), "12.34");
  EXPECT_EQ(value_of(file, loss, "1700000004.000"), "13");
  // Declared once each, and present (at zero) in a run with no fraud.
  for (const char* family : {"# TYPE payquake_fraud_payments counter",
                             "# TYPE payquake_false_declines counter",
                             "# TYPE payquake_fraud_loss counter"}) {
    EXPECT_NE(file.find(family), std::string::npos) << family;
    EXPECT_NE(sample_file().find(family), std::string::npos) << family;
  }
  EXPECT_EQ(value_of(sample_file(), loss, "1700000004.000"), "0");
}

TEST(OpenMetrics, SameRunSameBytesAndTheEpochOnlyMovesTimestamps) {
  EXPECT_EQ(sample_file(), sample_file());
  const std::string a = sample_file(1'700'000'000), b = sample_file(1'800'000'000);
  EXPECT_NE(a, b);
  EXPECT_EQ(value_of(b, "payquake_arrivals_total{" + kLabels + "}", "1800000004.000"), "3");
}

TEST(OpenMetrics, LongRunsAreExportedEveryFewWindowsWithinTheLimits) {
  EXPECT_EQ(export_stride(100, 50), 1u);
  EXPECT_EQ(export_stride(kMaxPointsPerSeries, 1), 1u);
  EXPECT_EQ(export_stride(kMaxPointsPerSeries + 1, 1), 2u);
  // 86,400 one-second windows, 100 series: at most 5,000 points and 2M samples.
  const std::size_t stride = export_stride(86'400, 100);
  EXPECT_LE((86'400 + stride - 1) / stride, kMaxPointsPerSeries);
  EXPECT_LE((86'400 + stride - 1) / stride * 100, kMaxSamples);
  // 10,000 nodes' gauges: fewer points, never more samples.
  const std::size_t wide = export_stride(1'000, 20'000);
  EXPECT_LE((1'000 + wide - 1) / wide * 20'000, kMaxSamples);
}

TEST(OpenMetrics, RunLabelIsTheFolderNameAndTheControlNamesItsExperiment) {
  EXPECT_EQ(run_label("runs/black-friday-42"), "black-friday-42");
  EXPECT_EQ(run_label("runs/black-friday-42/"), "black-friday-42");
  EXPECT_EQ(run_label("/tmp/x/.drill-42.staging-1234/control"), "drill-42/control");
  EXPECT_EQ(run_label("out/control"), "control");
}

TEST(OpenMetrics, EpochIsUnixSecondsOrUtc) {
  double e = 0;
  ASSERT_TRUE(parse_epoch("1764460800", &e));
  EXPECT_EQ(e, 1764460800.0);
  ASSERT_TRUE(parse_epoch("2025-11-30T00:00:00Z", &e));
  EXPECT_EQ(e, 1764460800.0);
  EXPECT_FALSE(parse_epoch("", &e));
  EXPECT_FALSE(parse_epoch("yesterday", &e));
  EXPECT_FALSE(parse_epoch("2025-11-30", &e));
  EXPECT_FALSE(parse_epoch("-5", &e));
  EXPECT_FALSE(parse_epoch("99999999999999999999", &e));
}

}  // namespace
}  // namespace payquake::report
