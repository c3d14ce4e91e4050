#include "metrics/recovery.hpp"

#include <gtest/gtest.h>

namespace payquake::metrics {
namespace {

core::Slo slo() {
  core::Slo s;
  s.window_s = 10;
  s.success_rate = 0.99;
  s.latency_p99_s = 1.0;
  s.stable_for_s = 30;
  return s;
}

// 100 windows of 10 s; `bad` lists the windows that violate the SLO.
std::vector<SloWindow> windows(std::initializer_list<int> bad, int failed_per_bad = 50) {
  std::vector<SloWindow> w(100);
  for (std::size_t i = 0; i < w.size(); ++i) {
    w[i].start_s = 10.0 * static_cast<double>(i);
    w[i].arrivals = w[i].completions = w[i].succeeded = 100;
    w[i].latency_p99_s = 0.2;
  }
  for (int i : bad) {
    auto& x = w[static_cast<std::size_t>(i)];
    x.succeeded = static_cast<std::uint64_t>(100 - failed_per_bad);
    x.failed = static_cast<std::uint64_t>(failed_per_bad);
  }
  return w;
}

core::Fault fault(double at, double duration) {
  core::Fault f;
  f.at_s = at;
  f.duration_s = duration;
  return f;
}

TEST(Meets, SuccessRateAndLatencyBothCount) {
  SloWindow w;
  w.arrivals = w.completions = w.succeeded = 100;
  w.latency_p99_s = 0.5;
  EXPECT_TRUE(meets(w, slo()));
  w.succeeded = 98;
  EXPECT_FALSE(meets(w, slo()));
  w.succeeded = 100;
  w.latency_p99_s = 1.5;
  EXPECT_FALSE(meets(w, slo()));
}

TEST(Meets, SilenceWhileCustomersArriveIsAnOutage) {
  SloWindow w;
  w.arrivals = 10;
  EXPECT_FALSE(meets(w, slo()));
  w.arrivals = 0;
  EXPECT_TRUE(meets(w, slo()));
}

TEST(Assess, DetectsAndRecoversByHand) {
  // Fault [105, 165); windows 10..17 (100-180 s) violate. Detection: window 10 ends at
  // 110, 5 s after the start. Recovery: the first window at or after 165 starting a run
  // of three good windows is 180: 15 s after the end, 75 s after the start.
  const auto e = assess(fault(105, 60), windows({10, 11, 12, 13, 14, 15, 16, 17}), slo(), 1000,
                        10000);
  ASSERT_TRUE(e.time_to_detect_s.has_value());
  EXPECT_DOUBLE_EQ(*e.time_to_detect_s, 5.0);
  ASSERT_TRUE(e.recovered);
  EXPECT_DOUBLE_EQ(*e.time_to_recover_s, 15.0);
  EXPECT_DOUBLE_EQ(*e.recover_from_start_s, 75.0);
  EXPECT_EQ(e.failed_payments, 8u * 50u);
  // The budget is 1% of 10,000 payments: 100 failures; 400 is four budgets.
  EXPECT_NEAR(e.error_budget_consumed, 4.0, 1e-12);
}

TEST(Assess, AFlapAfterTheEndRestartsTheStableRun) {
  // Good at 170, bad at 180, good from 190: the stable run starts at 190.
  const auto e = assess(fault(100, 65), windows({10, 11, 18}), slo(), 1000, 10000);
  ASSERT_TRUE(e.recovered);
  EXPECT_DOUBLE_EQ(*e.time_to_recover_s, 25.0);
}

TEST(Assess, NeverRecoveredIsAValue) {
  const auto w = windows({});
  auto all_bad = w;
  for (std::size_t i = 10; i < all_bad.size(); ++i) all_bad[i].succeeded = 0;
  const auto e = assess(fault(100, 20), all_bad, slo(), 1000, 10000);
  EXPECT_FALSE(e.recovered);
  EXPECT_FALSE(e.time_to_recover_s.has_value());
  EXPECT_TRUE(e.time_to_detect_s.has_value());
}

TEST(Assess, WindowsAfterTheArrivalPeriodDoNotCount) {
  // Bad until the arrivals end at 300 s: the quiet drain after it is no recovery.
  std::vector<int> bad;
  for (int i = 10; i < 30; ++i) bad.push_back(i);
  auto w = windows({});
  for (int i : bad) w[static_cast<std::size_t>(i)].succeeded = 0;
  for (std::size_t i = 30; i < w.size(); ++i) w[i].arrivals = w[i].completions = 0;
  const auto e = assess(fault(100, 20), w, slo(), 300, 10000);
  EXPECT_FALSE(e.recovered);
}

TEST(Assess, AFaultNobodyNoticesRecoversAtTheNextWindow) {
  const auto e = assess(fault(100, 15), windows({}), slo(), 1000, 10000);
  EXPECT_FALSE(e.time_to_detect_s.has_value());
  ASSERT_TRUE(e.recovered);
  EXPECT_DOUBLE_EQ(*e.time_to_recover_s, 5.0);  // the first window starting after 115 s
  EXPECT_EQ(e.failed_payments, 0u);
}

// A run interrupted before a fault began knows nothing of it: not "recovered in 0 s".
TEST(AssessPartial, AFaultTheRunNeverReachedIsNotJudged) {
  const auto e = assess(fault(600, 60), windows({}), slo(), 1000, 10000, /*observed_until_s=*/157);
  EXPECT_FALSE(e.reached);
  EXPECT_FALSE(e.judged);
  EXPECT_FALSE(e.time_to_detect_s);
  EXPECT_FALSE(e.time_to_recover_s);
  EXPECT_EQ(e.failed_payments, 0u);
}

TEST(AssessPartial, StoppedDuringTheFaultDetectsButDoesNotJudgeRecovery) {
  // Fault [100, 200); the run stopped at 150 s with windows 10..14 violating.
  const auto e = assess(fault(100, 100), windows({10, 11, 12, 13, 14}), slo(), 1000, 10000, 150);
  EXPECT_TRUE(e.reached);
  EXPECT_FALSE(e.ended);
  EXPECT_FALSE(e.judged);
  ASSERT_TRUE(e.time_to_detect_s);
  EXPECT_DOUBLE_EQ(*e.time_to_detect_s, 10.0);
  EXPECT_EQ(e.failed_payments, 5u * 50u);  // only the windows the run saw
}

TEST(AssessPartial, ARecoverySeenBeforeTheStopIsJudged) {
  // Fault [100, 130); windows 10..12 violate, 13..15 are the stable run; stopped at 400 s.
  const auto e = assess(fault(100, 30), windows({10, 11, 12}), slo(), 1000, 10000, 400);
  EXPECT_TRUE(e.judged);
  EXPECT_TRUE(e.recovered);
  EXPECT_DOUBLE_EQ(*e.time_to_recover_s, 0.0);
}

TEST(AssessPartial, StoppedBeforeAStableStretchIsNotNeverRecovered) {
  // Fault [100, 130), healthy afterwards, but the run stopped at 140 s: too soon to see 30 s.
  const auto e = assess(fault(100, 30), windows({10, 11, 12}), slo(), 1000, 10000, 140);
  EXPECT_TRUE(e.ended);
  EXPECT_FALSE(e.judged);
  EXPECT_FALSE(e.recovered);
}

}  // namespace
}  // namespace payquake::metrics
