#include "metrics/run_metrics.hpp"

#include <gtest/gtest.h>

namespace payquake::metrics {
namespace {

core::Scenario one_node() {
  core::Scenario s;
  s.duration_s = 10;
  s.warmup_s = 2;
  s.window_s = 1;
  core::Node n;
  n.id = "iss";
  n.role = core::Role::kIssuer;
  n.workers = 2;
  s.nodes.push_back(n);
  return s;
}

core::Payment arriving_at(double t) {
  core::Payment p;
  p.intended_arrival_s = t;
  return p;
}

TEST(RunMetrics, UtilisationIsTheTimeAverageOverTheMeasuredInterval) {
  RunMetrics m(one_node());
  // One worker of two busy from 0 to 6, both from 6 to 10: the measured interval [2, 10].
  m.on_busy_change({0, 0}, 0.0, 1);
  m.on_clock(6.0);
  m.on_busy_change({0, 0}, 6.0, 2);
  m.on_clock(10.0);
  m.on_busy_change({0, 0}, 10.0, 0);
  m.finish(10.0);
  EXPECT_DOUBLE_EQ(m.mean_busy(0), (4 * 1 + 4 * 2) / 8.0);
  EXPECT_DOUBLE_EQ(m.utilisation(0), 1.5 / 2);
  ASSERT_GE(m.windows().size(), 10u);
  EXPECT_DOUBLE_EQ(m.windows()[0].node_utilisation[0], 0.5);
  EXPECT_DOUBLE_EQ(m.windows()[7].node_utilisation[0], 1.0);
}

TEST(RunMetrics, WarmupArrivalsAreCountedButNotInStatistics) {
  RunMetrics m(one_node());
  const auto early = arriving_at(1.0), late = arriving_at(3.0);
  m.on_clock(1.0);
  m.on_arrival(early, 1.0);
  m.on_clock(1.5);
  m.on_final(early, core::Outcome::kApproved, core::ResponseCode::kApproved, 1.5);
  m.on_clock(3.0);
  m.on_arrival(late, 3.0);
  m.on_clock(3.2);
  m.on_final(late, core::Outcome::kFailed, core::ResponseCode::kSystemMalfunction, 3.2);
  m.finish(3.2);
  EXPECT_EQ(m.arrivals(), 2u);
  EXPECT_EQ(m.by_outcome(core::Outcome::kApproved), 1u);
  EXPECT_EQ(m.by_outcome(core::Outcome::kFailed), 1u);
  EXPECT_EQ(m.measured_payments(), 1u);
  EXPECT_EQ(m.measured_succeeded(), 0u);
  EXPECT_NEAR(m.latency_s().quantile(0.5), 0.2, 0.2 * 0.01);
}

TEST(RunMetrics, WindowsCountArrivalsAndCompletionsWhereTheyHappen) {
  RunMetrics m(one_node());
  const auto p = arriving_at(0.5);
  m.on_clock(0.5);
  m.on_arrival(p, 0.5);
  m.on_clock(2.25);
  m.on_final(p, core::Outcome::kApproved, core::ResponseCode::kApproved, 2.25);
  m.finish(2.25);
  ASSERT_EQ(m.windows().size(), 3u);
  EXPECT_EQ(m.windows()[0].arrivals, 1u);
  EXPECT_EQ(m.windows()[0].completions, 0u);
  EXPECT_EQ(m.windows()[2].completions, 1u);
  EXPECT_DOUBLE_EQ(m.windows()[2].latency_p99_s, 1.75);
  EXPECT_DOUBLE_EQ(m.windows()[2].start_s, 2.0);
}

TEST(RunMetrics, AReplayChargedIsADuplicateOfItsWholeAmount) {
  RunMetrics m(one_node());
  core::Payment retried = arriving_at(3.0);
  retried.amount = core::Money{1000};
  core::ReconciledPayment twice;
  twice.outcome = core::Outcome::kApproved;
  twice.standing_charges = 2;
  twice.duplicate = true;
  twice.cause = core::DuplicateCause::kClientRetry;
  twice.extra_charge_s = 4.0;
  m.on_reconciled(retried, twice, 5.0);
  EXPECT_EQ(m.semantics().duplicate_amount_minor, 1000);  // one charge in excess
  // A replay charged once is its original's purchase charged again: all of it in excess.
  core::Payment replay = arriving_at(3.5);
  replay.amount = core::Money{250};
  replay.replay_of = 8;
  core::ReconciledPayment once = twice;
  once.standing_charges = 1;
  once.cause = core::DuplicateCause::kReplay;
  m.on_reconciled(replay, once, 6.0);
  EXPECT_EQ(m.semantics().duplicates, 2u);
  EXPECT_EQ(m.semantics().duplicate_amount_minor, 1250);
  EXPECT_EQ(m.semantics().by_cause[static_cast<int>(core::DuplicateCause::kReplay)], 1u);
}

}  // namespace
}  // namespace payquake::metrics
