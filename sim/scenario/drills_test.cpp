// `slo` and `expect`: defaults, values in each metric's unit, and every message pinned whole.
#include <gtest/gtest.h>

#include "scenario/loader.hpp"
#include "scenario/test_util.hpp"

namespace payquake::scenario {
namespace {

using testing::errors_of;
using testing::kReference;
using Errors = std::vector<std::string>;
using Op = core::Expectation::Op;

// The reference (54 lines) with `lines` from line 55 on.
std::string with(const std::string& lines) { return kReference + lines; }

core::Scenario load(const std::string& text) { return load_string(text, "t.yaml"); }

TEST(Slo, DefaultsWhenAbsent) {
  const core::Slo slo = load(kReference).slo;
  EXPECT_EQ(slo.window_s, 10.0);
  EXPECT_EQ(slo.success_rate, 0.995);
  EXPECT_EQ(slo.latency_p99_s, 2.0);
  EXPECT_EQ(slo.stable_for_s, 30.0);
  EXPECT_EQ(load(with("slo: {}\n")).slo.stable_for_s, 30.0);
}

TEST(Slo, Values) {
  const core::Slo slo =
      load(with("slo: {window: 5s, success_rate: 99.9%, latency_p99: 800ms, stable_for: 5s}\n"))
          .slo;
  EXPECT_EQ(slo.window_s, 5.0);
  EXPECT_DOUBLE_EQ(slo.success_rate, 0.999);  // 99.9 / 100 is not the double 0.999
  EXPECT_EQ(slo.latency_p99_s, 0.8);
  EXPECT_EQ(slo.stable_for_s, 5.0);  // one window is enough
  const core::Slo partial = load(with("slo: {latency_p99: 1s}\n")).slo;
  EXPECT_EQ(partial.latency_p99_s, 1.0);
  EXPECT_EQ(partial.window_s, 10.0);
  EXPECT_EQ(partial.success_rate, 0.995);
}

TEST(Slo, Mistakes) {
  EXPECT_EQ(errors_of(with("slo: 99%\n")),
            Errors{"t.yaml:55:6: slo: expected a mapping, got '99%'"});
  EXPECT_EQ(errors_of(with("slo: {windw: 5s}\n")),
            Errors{"t.yaml:55:7: slo.windw: unknown key 'windw', did you mean 'window'?"});
  EXPECT_EQ(errors_of(with("slo: {window: 0s}\n")),
            Errors{"t.yaml:55:15: slo.window: expected a duration > 0, got '0s'"});
  EXPECT_EQ(errors_of(with("slo: {success_rate: 0.995}\n")),
            Errors{"t.yaml:55:21: slo.success_rate: expected a percentage like 99.5%, got "
                   "'0.995'"});
  EXPECT_EQ(errors_of(with("slo: {success_rate: 0%}\n")),
            Errors{"t.yaml:55:21: slo.success_rate: expected a percentage > 0% and <= 100%, got "
                   "'0%'"});
  EXPECT_EQ(errors_of(with("slo: {latency_p99: 0ms}\n")),
            Errors{"t.yaml:55:20: slo.latency_p99: expected a duration > 0, got '0ms'"});
  EXPECT_EQ(errors_of(with("slo: {stable_for: -1s}\n")),
            Errors{"t.yaml:55:19: slo.stable_for: expected a duration >= 0, got '-1s'"});
}

TEST(Slo, StableForCoversAWindow) {
  EXPECT_EQ(errors_of(with("slo: {window: 20s, stable_for: 15s}\n")),
            Errors{"t.yaml:55:32: slo.stable_for: expected a duration >= window (20s), got "
                   "'15s'"});
  EXPECT_EQ(errors_of(with("slo: {stable_for: 5s}\n")),
            Errors{"t.yaml:55:19: slo.stable_for: expected a duration >= window (10s), got "
                   "'5s'"});
  EXPECT_EQ(errors_of(with("slo: {window: 1m}\n")),
            Errors{"t.yaml:55:15: slo.window: expected a duration <= stable_for (30s by default), "
                   "got '1m'"});
}

TEST(Expect, NoneByDefault) {
  EXPECT_TRUE(load(kReference).expectations.empty());
  EXPECT_TRUE(load(with("expect: {}\n")).expectations.empty());
}

TEST(Expect, DesignExample) {
  const core::Scenario s =
      load(with("expect:\n"
                "  duplicates: \"== 0\"\n"
                "  recovery_time: \"<= 2m\"\n"
                "  success_rate: \">= 99%\"\n"
                "  latency_p99: \"<= 1.5s\"\n"));
  ASSERT_EQ(s.expectations.size(), 4u);  // in file order
  const auto& e = s.expectations;
  EXPECT_EQ(e[0].metric, "duplicates");
  EXPECT_EQ(e[0].op, Op::kEq);
  EXPECT_EQ(e[0].value, 0.0);
  EXPECT_EQ(e[0].text, "duplicates == 0");
  EXPECT_EQ(e[1].metric, "recovery_time");
  EXPECT_EQ(e[1].op, Op::kLe);
  EXPECT_EQ(e[1].value, 120.0);
  EXPECT_EQ(e[1].text, "recovery_time <= 2m");
  EXPECT_EQ(e[2].op, Op::kGe);
  EXPECT_EQ(e[2].value, 0.99);
  EXPECT_EQ(e[2].text, "success_rate >= 99%");
  EXPECT_EQ(e[3].value, 1.5);
  EXPECT_EQ(e[3].text, "latency_p99 <= 1.5s");
}

TEST(Expect, EachMetricInItsUnit) {
  const core::Scenario s =
      load(with("expect:\n"
                "  detect_time: \"< 30s\"\n"
                "  latency_p50: \"<= 40ms\"\n"
                "  latency_p90: \"<= 0.1s\"\n"
                "  latency_p999: \"<= 3s\"\n"
                "  latency_max: \"<  1m\"\n"
                "  latency_mean: \"<= 25ms\"\n"
                "  duplicate_amount: \"<= 42.50\"\n"
                "  orphan_holds: \"== 0\"\n"
                "  in_doubt: \"<= 10\"\n"
                "  payments: \">= 1_000_000\"\n"
                "  approved: \"> 1e5\"\n"
                "  declined: \">= 0\"\n"
                "  failed: \"<= 500\"\n"
                "  abandoned: \"== 0\"\n"
                "  retries: \"<= 2_000\"\n"
                "  reversals: \">= 1\"\n"
                "  stand_in_approvals: \"> 0\"\n"
                "  throughput: \">= 500/s\"\n"
                "  payments.approved: \">= 10\"\n"
                "  latency_seconds.p99: \"<= 1.5s\"\n"
                "  conservation.delta_minor: \"==0\"\n"
                "  nodes.iss.utilisation: \"< 90%\"\n"
                "  attempts.total: \">= -1.5\"\n"));
  const std::vector<std::pair<Op, double>> want{
      {Op::kLt, 30.0},  {Op::kLe, 0.04}, {Op::kLe, 0.1}, {Op::kLe, 3.0}, {Op::kLt, 60.0},
      {Op::kLe, 0.025}, {Op::kLe, 42.5}, {Op::kEq, 0},   {Op::kLe, 10},  {Op::kGe, 1e6},
      {Op::kGt, 1e5},   {Op::kGe, 0},    {Op::kLe, 500}, {Op::kEq, 0},   {Op::kLe, 2000},
      {Op::kGe, 1},     {Op::kGt, 0},    {Op::kGe, 500}, {Op::kGe, 10},  {Op::kLe, 1.5},
      {Op::kEq, 0},     {Op::kLt, 0.9},  {Op::kGe, -1.5}};
  ASSERT_EQ(s.expectations.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(s.expectations[i].text);
    EXPECT_EQ(s.expectations[i].op, want[i].first);
    EXPECT_EQ(s.expectations[i].value, want[i].second);
  }
  // The text is normalised to one space around the op; the value stays as written.
  EXPECT_EQ(s.expectations[4].text, "latency_max < 1m");
  EXPECT_EQ(s.expectations[9].text, "payments >= 1_000_000");
  EXPECT_EQ(s.expectations[20].text, "conservation.delta_minor == 0");
  // Throughput is per second, written as a rate or a plain number.
  EXPECT_EQ(load(with("expect: {throughput: \">= 30k/min\"}\n")).expectations[0].value, 500.0);
  EXPECT_EQ(load(with("expect: {throughput: \">= 500\"}\n")).expectations[0].value, 500.0);
}

TEST(Expect, Shape) {
  EXPECT_EQ(errors_of(with("expect: [duplicates]\n")),
            Errors{"t.yaml:55:9: expect: expected a mapping of metric to \"op value\", like "
                   "duplicates: \"== 0\", got a list"});
  EXPECT_EQ(errors_of(with("expect:\n  duplicates: \"== 0\"\n  duplicates: \"<= 1\"\n")),
            Errors{"t.yaml:57:3: expect.duplicates: expected each metric once, got 'duplicates' "
                   "again (first at line 56)"});
}

TEST(Expect, UnknownMetrics) {
  EXPECT_EQ(errors_of(with("expect: {duplicats: \"== 0\"}\n")),
            Errors{"t.yaml:55:10: expect.duplicats: unknown metric 'duplicats', did you mean "
                   "'duplicates'?"});
  EXPECT_EQ(errors_of(with("expect: {happiness: \">= 1\"}\n")),
            Errors{"t.yaml:55:10: expect.happiness: unknown metric 'happiness', expected one of "
                   "duplicates, duplicate_amount, orphan_holds, in_doubt, recovery_time, "
                   "detect_time, success_rate, latency_p50, latency_p90, latency_p99, "
                   "latency_p999, latency_max, latency_mean, payments, approved, declined, failed, "
                   "abandoned, retries, reversals, stand_in_approvals, throughput, or a dotted "
                   "path into summary.json like payments.approved"});
}

TEST(Expect, SummaryPaths) {
  EXPECT_EQ(errors_of(with("expect: {paymnts.approved: \">= 1\"}\n")),
            Errors{"t.yaml:55:10: expect.paymnts.approved: expected a path into summary.json "
                   "starting with one of payments, attempts, latency_seconds, duplicates, "
                   "conservation, idempotency, nodes, fraud, got 'paymnts.approved' (did you mean "
                   "'payments.approved'?)"});
  EXPECT_TRUE(errors_of(with("expect: {fraud.by_attack.ct.approved: \"== 0\"}\n")).empty());
  EXPECT_EQ(errors_of(with("expect: {weather.rain: \"== 0\"}\n")),
            Errors{"t.yaml:55:10: expect.weather.rain: expected a path into summary.json "
                   "starting with one of payments, attempts, latency_seconds, duplicates, "
                   "conservation, idempotency, nodes, fraud, got 'weather.rain'"});
  EXPECT_EQ(errors_of(with("expect: {payments..approved: \"== 0\"}\n")),
            Errors{"t.yaml:55:10: expect.payments..approved: expected a dotted path into "
                   "summary.json like payments.approved, got 'payments..approved'"});
  EXPECT_EQ(errors_of(with("expect: {payments.: \"== 0\"}\n")),
            Errors{"t.yaml:55:10: expect.payments.: expected a dotted path into summary.json "
                   "like payments.approved, got 'payments.'"});
  EXPECT_EQ(errors_of(with("expect: {payments.approved: \"== many\"}\n")),
            Errors{"t.yaml:55:29: expect.payments.approved: expected '==' followed by a number, a "
                   "duration like 2s or a percentage like 99.5%, got '== many'"});
}

TEST(Expect, Comparisons) {
  EXPECT_EQ(errors_of(with("expect: {duplicates: 0}\n")),
            Errors{"t.yaml:55:22: expect.duplicates: expected a comparison like \"== 0\" (==, "
                   "<=, >=, < or >, then a count), got '0'"});
  EXPECT_EQ(errors_of(with("expect: {recovery_time: \"!= 2m\"}\n")),
            Errors{"t.yaml:55:25: expect.recovery_time: expected a comparison like \"<= 2m\" "
                   "(==, <=, >=, < or >, then a duration), got '!= 2m'"});
  EXPECT_EQ(errors_of(with("expect: {success_rate: \"=> 99%\"}\n")),
            Errors{"t.yaml:55:24: expect.success_rate: expected a comparison like \">= 99.5%\" "
                   "(==, <=, >=, < or >, then a percentage), got '=> 99%'"});
  EXPECT_EQ(errors_of(with("expect: {duplicate_amount: \"<=\"}\n")),
            Errors{"t.yaml:55:28: expect.duplicate_amount: expected a comparison like \"<= "
                   "100.00\" (==, <=, >=, < or >, then money), got '<='"});
  EXPECT_EQ(errors_of(with("expect: {throughput: \">>= 5/s\"}\n")),
            Errors{"t.yaml:55:22: expect.throughput: expected a comparison like \">= 500/s\" "
                   "(==, <=, >=, < or >, then a rate), got '>>= 5/s'"});
  EXPECT_EQ(errors_of(with("expect: {latency_p99: {max: 2s}}\n")),
            Errors{"t.yaml:55:23: expect.latency_p99: expected a comparison like \"<= 2m\" (==, "
                   "<=, >=, < or >, then a duration), got a mapping"});
}

TEST(Expect, ValuesInTheMetricsUnit) {
  EXPECT_EQ(errors_of(with("expect: {recovery_time: \"<= 2\"}\n")),
            Errors{"t.yaml:55:25: expect.recovery_time: expected '<=' followed by a duration with "
                   "a unit, like 250ms or 2s, got '<= 2'"});
  EXPECT_EQ(errors_of(with("expect: {latency_p99: \"<= -1s\"}\n")),
            Errors{"t.yaml:55:23: expect.latency_p99: expected '<=' followed by a duration >= 0, "
                   "got '<= -1s'"});
  EXPECT_EQ(errors_of(with("expect: {success_rate: \">= 0.99\"}\n")),
            Errors{"t.yaml:55:24: expect.success_rate: expected '>=' followed by a percentage like "
                   "99.5%, got '>= 0.99'"});
  EXPECT_EQ(errors_of(with("expect: {success_rate: \">= 101%\"}\n")),
            Errors{"t.yaml:55:24: expect.success_rate: expected '>=' followed by a percentage >= "
                   "0% and <= 100%, got '>= 101%'"});
  EXPECT_EQ(errors_of(with("expect: {duplicate_amount: \"<= 1.005\"}\n")),
            Errors{"t.yaml:55:28: expect.duplicate_amount: expected '<=' followed by money with at "
                   "most two decimals, like 42.50, got '<= 1.005'"});
  EXPECT_EQ(errors_of(with("expect: {duplicates: \"<= 0.5\"}\n")),
            Errors{"t.yaml:55:22: expect.duplicates: expected '<=' followed by a whole number like "
                   "1000, 1_000_000 or 1e6, got '<= 0.5'"});
  EXPECT_EQ(errors_of(with("expect: {retries: \">= -1\"}\n")),
            Errors{"t.yaml:55:19: expect.retries: expected '>=' followed by a count >= 0, got '>= "
                   "-1'"});
  EXPECT_EQ(errors_of(with("expect: {throughput: \">= 5 per second\"}\n")),
            Errors{"t.yaml:55:22: expect.throughput: expected '>=' followed by a rate like 500/s, "
                   "or a number per second, got '>= 5 per second'"});
  EXPECT_EQ(errors_of(with("expect: {throughput: \">= -5/s\"}\n")),
            Errors{"t.yaml:55:22: expect.throughput: expected '>=' followed by a rate >= 0, got "
                   "'>= -5/s'"});
}

TEST(Expect, EveryMistakeIsReportedInFileOrder) {
  EXPECT_EQ(errors_of(with("slo: {window: 0s}\n"
                           "expect:\n"
                           "  duplicats: \"== 0\"\n"
                           "  recovery_time: \"<= 2\"\n")),
            (Errors{"t.yaml:55:15: slo.window: expected a duration > 0, got '0s'",
                    "t.yaml:57:3: expect.duplicats: unknown metric 'duplicats', did you mean "
                    "'duplicates'?",
                    "t.yaml:58:18: expect.recovery_time: expected '<=' followed by a duration "
                    "with a unit, like 250ms or 2s, got '<= 2'"}));
}

TEST(Expect, OverridesReachExpectations) {
  const core::Scenario s = load_string(with("expect: {duplicates: \"== 0\"}\n"), "t.yaml",
                                       {"expect.duplicates=<= 3", "slo.window=5s"});
  EXPECT_EQ(s.expectations[0].op, Op::kLe);
  EXPECT_EQ(s.expectations[0].value, 3.0);
  EXPECT_EQ(s.slo.window_s, 5.0);
}

}  // namespace
}  // namespace payquake::scenario
