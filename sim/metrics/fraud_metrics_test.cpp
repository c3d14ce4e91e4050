#include "metrics/fraud_metrics.hpp"

#include <gtest/gtest.h>

#include "core/fan_out.hpp"
#include "metrics/run_metrics.hpp"

namespace payquake::metrics {
namespace {

using core::Outcome;
using core::ResponseCode;

constexpr std::uint32_t kGateway = 0, kIssuer = 1, kNetwork = 2;
constexpr std::uint32_t kCardTesting = 0, kBin = 1, kFlood = 2;

core::FraudPolicy policy(const std::string& file) {
  core::FraudPolicy f;
  f.source_file = file;
  return f;
}

// A gateway and an issuer with policies, a network without; three attacks; the measured
// interval from 10 s, windows of 10 s; chargebacks cost 15.00, margin 25%.
core::Scenario scenario() {
  core::Scenario s;
  s.duration_s = 100;
  s.warmup_s = 10;
  s.window_s = 10;
  core::Node gw;
  gw.id = "gw";
  gw.fraud = policy("models/fraud/score-threshold.yaml");
  core::Node iss;
  iss.id = "iss";
  iss.role = core::Role::kIssuer;
  iss.fraud = policy("models/fraud/velocity-plus-3ds.yaml");
  core::Node net;
  net.id = "net";
  net.role = core::Role::kNetwork;
  s.nodes = {gw, iss, net};
  core::Attack ct;
  ct.id = "ct";
  core::Attack bin;
  bin.id = "bin";
  bin.kind = core::Attack::Kind::kBinAttack;
  core::Attack flood;
  flood.id = "flood-1";
  flood.kind = core::Attack::Kind::kFlood;
  s.attacks = {ct, bin, flood};
  s.fraud.chargeback_fee = core::Money{1500};
  s.fraud.margin = 0.25;
  return s;
}

std::uint64_t g_next_id = 1;

core::Payment payment(double at, std::int64_t minor, bool fraud = false,
                      std::uint32_t attack = core::kNoAttack, std::uint8_t marks = 0) {
  core::Payment p;
  p.id = g_next_id++;
  p.intended_arrival_s = at;
  p.amount = core::Money{minor};
  p.fraud = fraud;
  p.attack = attack;
  p.fraud_marks = marks;
  return p;
}

core::ReconciledPayment charged(int times, Outcome o = Outcome::kApproved) {
  core::ReconciledPayment r;
  r.outcome = o;
  r.standing_charges = times;
  return r;
}

// A payment's whole life: arrival, final answer, reconciliation.
void live(FraudMetrics& m, const core::Payment& p, Outcome o, ResponseCode c, int charges = 0) {
  m.on_arrival(p, p.intended_arrival_s);
  m.on_final(p, o, c, p.intended_arrival_s + 1);
  m.on_reconciled(p, charged(charges, o), p.intended_arrival_s + 2);
}

core::FraudVerdict verdict(core::FraudAction a, bool down = false, double latency_s = 0.0) {
  core::FraudVerdict v;
  v.action = a;
  v.policy_down = down;
  v.latency_s = latency_s;
  return v;
}

TEST(FraudMetrics, LossIsWhatTheLedgerChargedOnFraudulentPayments) {
  FraudMetrics m(scenario());
  live(m, payment(20, 10000, true), Outcome::kApproved, ResponseCode::kApproved, 1);
  // Charged twice (a retry): both charges are lost, one payment charged back.
  live(m, payment(21, 1000, true), Outcome::kApproved, ResponseCode::kApproved, 2);
  live(m, payment(22, 5000, true), Outcome::kDeclined, ResponseCode::kInsufficientFunds, 0);
  // A legitimate payment charged is no loss.
  live(m, payment(23, 7000), Outcome::kApproved, ResponseCode::kApproved, 1);
  EXPECT_EQ(m.totals().attempts, 3u);
  EXPECT_EQ(m.totals().approved, 2u);
  EXPECT_EQ(m.totals().loss, core::Money{12000});
  EXPECT_EQ(m.totals().legitimate, 1u);
  EXPECT_EQ(m.cost().chargeback_fees, core::Money{2 * 1500});
}

TEST(FraudMetrics, CaughtIsAPolicyDeclineOrAStoppedChallengeOfFraud) {
  FraudMetrics m(scenario());
  live(m, payment(20, 100, true, core::kNoAttack, core::kPolicyDeclined), Outcome::kDeclined,
       ResponseCode::kSuspectedFraud);
  live(m, payment(20, 100, true, core::kNoAttack, core::kSteppedUp | core::kStepUpStopped),
       Outcome::kDeclined, ResponseCode::kAuthenticationRequired);
  // The issuer's own decline for funds is not the policy's catch.
  live(m, payment(20, 100, true), Outcome::kDeclined, ResponseCode::kInsufficientFunds);
  // Passed the challenge and was charged: not caught.
  live(m, payment(20, 100, true, core::kNoAttack, core::kSteppedUp | core::kAuthenticated),
       Outcome::kApproved, ResponseCode::kApproved, 1);
  EXPECT_EQ(m.totals().attempts, 4u);
  EXPECT_EQ(m.totals().caught, 2u);
  EXPECT_EQ(m.totals().approved, 1u);
}

TEST(FraudMetrics, FalseDeclinesAreLegitimatePaymentsAPolicyDeclinedFailClosedIncluded) {
  FraudMetrics m(scenario());
  live(m, payment(20, 4000, false, core::kNoAttack, core::kPolicyDeclined), Outcome::kDeclined,
       ResponseCode::kSuspectedFraud);
  // 05 from a policy failing closed during its outage.
  live(m, payment(20, 2500, false, core::kNoAttack, core::kPolicyDeclined), Outcome::kDeclined,
       ResponseCode::kDoNotHonour);
  // The issuer's 05 with no policy involved.
  live(m, payment(20, 9900), Outcome::kDeclined, ResponseCode::kDoNotHonour);
  // A flood's request declined by a policy is no lost sale.
  live(m, payment(20, 100, false, kFlood, core::kPolicyDeclined), Outcome::kDeclined,
       ResponseCode::kSuspectedFraud);
  EXPECT_EQ(m.totals().false_declines, 2u);
  EXPECT_EQ(m.totals().false_decline_amount, core::Money{6500});
  EXPECT_EQ(m.totals().legitimate, 3u);
  EXPECT_EQ(m.totals().caught, 0u);
}

TEST(FraudMetrics, AbandonedStepUpsAreLegitimateCustomersWhoGaveUpAtTheChallenge) {
  FraudMetrics m(scenario());
  live(m, payment(20, 3000, false, core::kNoAttack, core::kSteppedUp | core::kStepUpAbandoned),
       Outcome::kAbandoned, ResponseCode::kAuthenticationRequired);
  // Gave up after a timeout, no challenge: not the policy's doing.
  live(m, payment(20, 8000), Outcome::kAbandoned, ResponseCode::kSystemMalfunction);
  EXPECT_EQ(m.totals().step_up_abandoned, 1u);
  EXPECT_EQ(m.totals().abandoned_amount, core::Money{3000});
}

TEST(FraudMetrics, TotalCostIsLossPlusFeesPlusLostMargin) {
  FraudMetrics m(scenario());
  live(m, payment(20, 10000, true), Outcome::kApproved, ResponseCode::kApproved, 1);
  live(m, payment(20, 4000, false, core::kNoAttack, core::kPolicyDeclined), Outcome::kDeclined,
       ResponseCode::kSuspectedFraud);
  live(m, payment(20, 2002, false, core::kNoAttack, core::kSteppedUp | core::kStepUpAbandoned),
       Outcome::kAbandoned, ResponseCode::kAuthenticationRequired);
  const auto c = m.cost();
  EXPECT_EQ(c.fraud_loss, core::Money{10000});
  EXPECT_EQ(c.chargeback_fees, core::Money{1500});
  EXPECT_EQ(c.false_decline_margin, core::Money{1000});  // 25% of 40.00
  EXPECT_EQ(c.abandonment_margin, core::Money{501});     // 25% of 20.02 = 5.005, rounded up
  EXPECT_EQ(c.total, core::Money{10000 + 1500 + 1000 + 501});
}

TEST(FraudMetrics, EachAttackKeepsItsOwnFigures) {
  FraudMetrics m(scenario());
  live(m, payment(20, 150, true, kCardTesting), Outcome::kApproved, ResponseCode::kApproved, 1);
  live(m, payment(21, 120, true, kCardTesting, core::kPolicyDeclined), Outcome::kDeclined,
       ResponseCode::kSuspectedFraud);
  live(m, payment(22, 130, true, kCardTesting), Outcome::kDeclined,
       ResponseCode::kInsufficientFunds);
  live(m, payment(20, 300, true, kBin), Outcome::kDeclined, ResponseCode::kInvalidCard);
  live(m, payment(21, 300, true, kBin), Outcome::kDeclined, ResponseCode::kInvalidCard);
  live(m, payment(20, 100, false, kFlood), Outcome::kDeclined, ResponseCode::kFormatError);
  live(m, payment(20, 100, false, kFlood), Outcome::kFailed, ResponseCode::kSystemMalfunction);
  const auto& a = m.by_attack();
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[kCardTesting].id, "ct");
  EXPECT_EQ(a[kCardTesting].attempts, 3u);
  EXPECT_EQ(a[kCardTesting].approved, 1u);
  EXPECT_EQ(a[kCardTesting].loss, core::Money{150});
  EXPECT_EQ(a[kCardTesting].caught, 1u);
  EXPECT_EQ(a[kCardTesting].declined, 2u);
  EXPECT_EQ(a[kBin].invalid_card, 2u);
  EXPECT_EQ(a[kBin].declined, 2u);
  EXPECT_EQ(a[kFlood].kind, core::Attack::Kind::kFlood);
  EXPECT_EQ(a[kFlood].attempts, 2u);
  EXPECT_EQ(a[kFlood].refused, 1u);
  // A flood is not fraud: it costs capacity, not money.
  EXPECT_EQ(m.totals().attempts, 5u);
  EXPECT_EQ(m.totals().legitimate, 0u);
}

TEST(FraudMetrics, EachPolicyPlacementCountsItsOwnDecisions) {
  FraudMetrics m(scenario());
  const auto p = payment(20, 100);
  using core::FraudAction;
  m.on_fraud_decision({kGateway, 0}, p, verdict(FraudAction::kDecline), 20);
  m.on_fraud_decision({kGateway, 1}, p, verdict(FraudAction::kStepUp), 20);
  m.on_fraud_decision({kGateway, 0}, p, verdict(FraudAction::kApprove), 20);
  m.on_fraud_decision({kIssuer, 0}, p, verdict(FraudAction::kApprove, true), 20);  // fail_open
  m.on_fraud_decision({kIssuer, 0}, p, verdict(FraudAction::kDecline, true), 20);  // fail_closed
  m.on_fraud_decision({kNetwork, 0}, p, verdict(FraudAction::kDecline), 20);       // has no policy
  const auto& f = m.by_policy();
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].id, "gw");
  EXPECT_EQ(f[0].file, "models/fraud/score-threshold.yaml");
  EXPECT_EQ(f[0].evaluated, 3u);
  EXPECT_EQ(f[0].declined, 1u);
  EXPECT_EQ(f[0].step_ups, 1u);
  EXPECT_EQ(f[0].unchecked + f[0].declined_outage, 0u);
  EXPECT_EQ(f[1].id, "iss");
  EXPECT_EQ(f[1].evaluated, 2u);
  EXPECT_EQ(f[1].declined, 0u);
  EXPECT_EQ(f[1].unchecked, 1u);
  EXPECT_EQ(f[1].declined_outage, 1u);
}

TEST(FraudMetrics, WarmUpPaymentsAreInTheirWindowsButNotInTheTotals) {
  FraudMetrics m(scenario());
  const auto early = payment(5, 10000, true);
  live(m, early, Outcome::kApproved, ResponseCode::kApproved, 1);
  m.on_step_up(early, core::StepUpResult::kPassed, 20.0, 6);
  m.on_fraud_decision({kGateway, 0}, early, verdict(core::FraudAction::kDecline), 5);
  live(m, payment(9.99, 500, false, core::kNoAttack, core::kPolicyDeclined), Outcome::kDeclined,
       ResponseCode::kSuspectedFraud);
  live(m, payment(10, 700, true), Outcome::kApproved, ResponseCode::kApproved, 1);
  m.finish(10);
  EXPECT_EQ(m.totals().attempts, 1u);
  EXPECT_EQ(m.totals().approved, 1u);
  EXPECT_EQ(m.totals().loss, core::Money{700});
  EXPECT_EQ(m.totals().false_declines, 0u);
  EXPECT_EQ(m.totals().step_ups, 0u);
  EXPECT_EQ(m.by_policy()[0].evaluated, 0u);
  ASSERT_EQ(m.windows().size(), 10u);
  EXPECT_EQ(m.windows()[0].attempts, 1u);
  EXPECT_EQ(m.windows()[0].approved, 1u);
  EXPECT_EQ(m.windows()[0].loss, core::Money{10000});
  EXPECT_EQ(m.windows()[0].false_declines, 1u);
  EXPECT_EQ(m.windows()[0].step_ups, 1u);
  EXPECT_EQ(m.windows()[1].attempts, 1u);
  EXPECT_EQ(m.windows()[1].loss, core::Money{700});
  EXPECT_EQ(m.windows()[9].attempts, 0u);
}

TEST(FraudMetrics, WindowsCountByArrivalNotByAnswer) {
  FraudMetrics m(scenario());
  const auto p = payment(19.5, 100, true, core::kNoAttack, core::kSteppedUp | core::kAuthenticated);
  m.on_arrival(p, 19.5);
  m.on_step_up(p, core::StepUpResult::kPassed, 30.0, 49.5);
  m.on_final(p, Outcome::kApproved, ResponseCode::kApproved, 50);
  m.on_reconciled(p, charged(1), 51);
  m.finish(6);
  ASSERT_EQ(m.windows().size(), 6u);
  EXPECT_EQ(m.windows()[1].attempts, 1u);
  EXPECT_EQ(m.windows()[1].step_ups, 1u);
  EXPECT_EQ(m.windows()[1].approved, 1u);
  EXPECT_EQ(m.windows()[1].approved_after_challenge, 1u);
  EXPECT_EQ(m.windows()[5].approved, 0u);
}

TEST(FraudMetrics, EveryReconciledFraudEndsInExactlyOneResult) {
  FraudMetrics m(scenario());
  live(m, payment(20, 100, true), Outcome::kApproved, ResponseCode::kApproved, 1);
  live(m, payment(20, 100, true, core::kNoAttack, core::kPolicyDeclined), Outcome::kDeclined,
       ResponseCode::kSuspectedFraud);
  live(m, payment(20, 100, true, kBin), Outcome::kDeclined, ResponseCode::kInvalidCard);
  live(m, payment(20, 100, true), Outcome::kFailed, ResponseCode::kIssuerInoperative);
  live(m, payment(20, 100), Outcome::kDeclined, ResponseCode::kInsufficientFunds);  // legitimate
  const FraudWindow& w = m.windows()[2];
  EXPECT_EQ(w.attempts, 4u);
  EXPECT_EQ(w.approved, 1u);
  EXPECT_EQ(w.caught, 1u);
  EXPECT_EQ(w.ended_other, 2u);
  EXPECT_EQ(m.whole_run().ended_other, 2u);
  EXPECT_EQ(m.whole_run().attempts, 4u);
}

TEST(FraudMetrics, AddedLatencyIsPolicyAndChallengeTimePerLegitimatePayment) {
  FraudMetrics m(scenario());
  using core::FraudAction;
  // Scored at the gateway (3 ms) and the issuer (5 ms), then challenged for 20 s.
  const auto challenged = payment(20, 100, false, core::kNoAttack, core::kSteppedUp);
  m.on_arrival(challenged, 20);
  m.on_fraud_decision({kGateway, 0}, challenged, verdict(FraudAction::kStepUp, false, 0.003), 20);
  m.on_step_up(challenged, core::StepUpResult::kPassed, 20.0, 40);
  m.on_fraud_decision({kGateway, 0}, challenged, verdict(FraudAction::kApprove, false, 0.003), 40);
  m.on_fraud_decision({kIssuer, 0}, challenged, verdict(FraudAction::kApprove, false, 0.005), 40);
  m.on_final(challenged, Outcome::kApproved, ResponseCode::kApproved, 40.1);
  // A decision after the final answer (a request the payer gave up on) adds nothing.
  m.on_fraud_decision({kIssuer, 0}, challenged, verdict(FraudAction::kApprove, false, 7.0), 41);
  m.on_reconciled(challenged, charged(1), 42);
  // Three legitimate payments with nothing added; a fraud's time is not a customer's.
  for (int i = 0; i < 3; ++i)
    live(m, payment(21, 100), Outcome::kApproved, ResponseCode::kApproved, 1);
  const auto fraud = payment(22, 100, true);
  m.on_arrival(fraud, 22);
  m.on_step_up(fraud, core::StepUpResult::kPassed, 90.0, 50);
  m.on_final(fraud, Outcome::kApproved, ResponseCode::kApproved, 50);
  m.on_reconciled(fraud, charged(1), 51);
  const auto& h = m.added_latency_s();
  EXPECT_EQ(h.count(), 4u);
  EXPECT_NEAR(h.mean(), 20.011 / 4, 1e-12);
  EXPECT_NEAR(h.quantile(0.99), 20.011, 20.011 * LogHistogram::kRelativeAccuracy);
  EXPECT_EQ(m.totals().step_ups, 2u);
}

TEST(FraudMetrics, NoPolicyNoAddedLatencyAndNothingToReport) {
  core::Scenario s = scenario();
  s.attacks.clear();
  for (auto& n : s.nodes) n.fraud.reset();
  FraudMetrics m(s);
  live(m, payment(20, 100), Outcome::kApproved, ResponseCode::kApproved, 1);
  EXPECT_EQ(m.added_latency_s().count(), 0u);
  EXPECT_FALSE(m.anything());
  // Base-rate fraud with no policy is still worth reporting: it was all lost.
  live(m, payment(20, 100, true), Outcome::kApproved, ResponseCode::kApproved, 1);
  EXPECT_TRUE(m.anything());
  EXPECT_EQ(m.cost().total, core::Money{100 + 1500});
}

TEST(FraudMetrics, RunMetricsAndTheFanOutPassFraudEventsOn) {
  RunMetrics run(scenario());
  core::FanOutObserver fan;
  fan.add(run);
  const auto p = payment(20, 100, false, core::kNoAttack, core::kSteppedUp | core::kAuthenticated);
  fan.on_clock(20);
  fan.on_arrival(p, 20);
  fan.on_fraud_decision({kGateway, 0}, p, verdict(core::FraudAction::kStepUp, false, 0.5), 20);
  fan.on_step_up(p, core::StepUpResult::kPassed, 1.5, 21);
  fan.on_clock(22);
  fan.on_final(p, Outcome::kApproved, ResponseCode::kApproved, 22);
  fan.on_reconciled(p, charged(1), 22);
  run.finish(22);
  const FraudMetrics& f = run.fraud();
  EXPECT_EQ(f.by_policy()[0].step_ups, 1u);
  EXPECT_EQ(f.totals().step_ups, 1u);
  EXPECT_DOUBLE_EQ(f.added_latency_s().mean(), 2.0);
  EXPECT_EQ(f.windows().size(), run.windows().size());
}

}  // namespace
}  // namespace payquake::metrics
