// FraudGate: a node's policy as the flow meets it, without the flow. Verdicts follow the
// policy's rules on what the payment carries, the score and its latency are the payment's
// own keyed draws (the same payment, the same numbers), an authenticated payment passes a
// step-up, and an outage is on_failure's call. Frequencies are held to kSigmas binomial
// standard errors, so a correct implementation fails with p < 1e-6.
#include "payments/fraud_gate.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>

namespace payquake::payments {
namespace {

using core::FraudAction;
using core::FraudRule;
using core::ResponseCode;

constexpr double kSigmas = 5.0;

FraudRule velocity(double window_s, std::int64_t max, FraudAction action) {
  FraudRule r;
  r.kind = FraudRule::Kind::kVelocity;
  r.velocity = {core::FraudSubject::kCard, window_s, max};
  r.action = action;
  return r;
}

FraudRule score_over(double threshold, FraudAction action) {
  FraudRule r;
  r.kind = FraudRule::Kind::kScoreOver;
  r.score_over = threshold;
  r.action = action;
  return r;
}

core::FraudPolicy policy() {
  core::FraudPolicy p;
  p.score = core::ScoreSpec{0.9, core::Distribution::constant(0.003)};
  p.rules = {velocity(10.0, 2, FraudAction::kDecline), score_over(0.95, FraudAction::kDecline),
             score_over(0.7, FraudAction::kStepUp)};
  p.step_up = core::StepUpSpec{core::Distribution::uniform(10.0, 30.0), 0.1, 0.9};
  return p;
}

// gw (a policy), acq (none), iss; two populations.
core::Scenario scenario(std::optional<core::FraudPolicy> at_gw = policy()) {
  core::Scenario s;
  s.seed = 7;
  core::Node gw;
  gw.id = "gw";
  gw.fraud = at_gw;
  core::Node acq;
  acq.id = "acq";
  acq.role = core::Role::kAcquirer;
  core::Node iss;
  iss.id = "iss";
  iss.role = core::Role::kIssuer;
  s.nodes = {gw, acq, iss};
  core::Payers a;
  a.id = "a";
  a.cards = 1000;
  core::Payers b = a;
  b.id = "b";
  s.payers = {a, b};
  return s;
}

core::Payment payment(std::uint32_t population, std::uint64_t sequence, std::uint64_t card,
                      bool fraud = false) {
  core::Payment p;
  p.population = population;
  p.serial = payment_serial(population, sequence);
  p.card = card;
  p.amount = core::money_from_major(10.0);
  p.fraud = fraud;
  return p;
}

TEST(FraudGate, NodesWithoutAPolicyAddNothing) {
  const core::Scenario s = scenario(std::nullopt);
  const PaymentDraws draws(s);
  const FraudGate gate(s, draws);
  EXPECT_FALSE(gate.any());
  EXPECT_FALSE(gate.has_policy(0));
  EXPECT_EQ(gate.latency_s(0, payment(0, 1, 1), visit::press(0)), 0.0);
}

TEST(FraudGate, TheScoresLatencyIsAddedAndARulesOnlyPolicyTakesNone) {
  core::Scenario s = scenario();
  const PaymentDraws draws(s);
  const FraudGate gate(s, draws);
  EXPECT_TRUE(gate.any());
  EXPECT_TRUE(gate.has_policy(0));
  EXPECT_FALSE(gate.has_policy(1));
  EXPECT_EQ(gate.latency_s(0, payment(0, 1, 1), visit::press(0)), 0.003);
  EXPECT_EQ(gate.latency_s(1, payment(0, 1, 1), visit::press(0)), 0.0);
  s.nodes[0].fraud->score.reset();
  const FraudGate rules_only(s, draws);
  EXPECT_EQ(rules_only.latency_s(0, payment(0, 1, 1), visit::press(0)), 0.0);
}

// The card is counted per population: card rank 5 of population b is another card.
TEST(FraudGate, AVelocityRuleCountsACardsRequestsAndTellsPopulationsApart) {
  const core::Scenario s = scenario();
  const PaymentDraws draws(s);
  FraudGate gate(s, draws);
  std::vector<core::FraudVerdict> v;
  for (int k = 0; k < 3; ++k)
    v.push_back(gate.decide(0, payment(0, static_cast<std::uint64_t>(k), 5), visit::press(0),
                            1.0 + k, true));
  const core::FraudVerdict other = gate.decide(0, payment(1, 0, 5), visit::press(0), 4.0, true);
  EXPECT_NE(v[0].rule, 0);
  EXPECT_NE(v[1].rule, 0);
  EXPECT_EQ(v[2].rule, 0);
  EXPECT_EQ(v[2].action, FraudAction::kDecline);
  EXPECT_EQ(v[2].code, ResponseCode::kSuspectedFraud);
  EXPECT_EQ(FraudGate::marks_of(v[2]), core::kPolicyDeclined);
  EXPECT_EQ(FraudGate::answer_of(v[2]), ResponseCode::kSuspectedFraud);
  EXPECT_NE(other.rule, 0);
  // Outside the window the card starts again.
  EXPECT_NE(gate.decide(0, payment(0, 9, 5), visit::press(0), 20.0, true).rule, 0);
}

// Every request of a payment gets the payment's score; the verdict is a pure function of
// the payment and what the policy counted before.
TEST(FraudGate, APaymentScoresAlikeOnEveryRequestAndInEveryGate) {
  const core::Scenario s = scenario();
  const PaymentDraws draws(s);
  FraudGate a(s, draws), b(s, draws);
  const core::Payment p = payment(0, 42, 17);
  const auto first = a.decide(0, p, visit::press(0), 1.0, true);
  const auto retry = a.decide(0, p, visit::press(1), 2.0, true);
  const auto elsewhere = b.decide(0, p, visit::press(0), 1.0, true);
  EXPECT_GT(first.score, 0.0);
  EXPECT_LT(first.score, 1.0);
  EXPECT_EQ(first.score, retry.score);
  EXPECT_EQ(first.score, elsewhere.score);
  EXPECT_EQ(first.action, elsewhere.action);
  EXPECT_EQ(first.latency_s, 0.003);
}

// Find payments whose scores fall in the step-up band; authenticated, they pass.
TEST(FraudGate, AStepUpAsksFor65UnlessThePaymentIsAuthenticated) {
  const core::Scenario s = scenario();
  const PaymentDraws draws(s);
  FraudGate gate(s, draws);
  int stepped = 0;
  for (std::uint64_t k = 0; k < 2000 && stepped < 20; ++k) {
    core::Payment p = payment(0, k, 100 + k);  // distinct cards: velocity never fires
    const auto v = gate.decide(0, p, visit::press(0), static_cast<double>(k), true);
    if (v.score <= 0.7 || v.score > 0.95) {
      EXPECT_NE(v.action, FraudAction::kStepUp);
      continue;
    }
    ++stepped;
    EXPECT_EQ(v.action, FraudAction::kStepUp);
    EXPECT_EQ(v.rule, 2);
    EXPECT_EQ(FraudGate::answer_of(v), ResponseCode::kAuthenticationRequired);
    EXPECT_EQ(FraudGate::marks_of(v), core::kSteppedUp);
    p.fraud_marks = core::kSteppedUp | core::kAuthenticated;
    const auto again = gate.decide(0, p, visit::press(1), static_cast<double>(k), true);
    EXPECT_EQ(again.action, FraudAction::kApprove);
    EXPECT_EQ(again.rule, 2);
    EXPECT_TRUE(again.authenticated);
    EXPECT_FALSE(FraudGate::answer_of(again).has_value());
  }
  EXPECT_EQ(stepped, 20);
}

TEST(FraudGate, DuringAnOutageOnFailureDecidesAndNothingIsCounted) {
  core::Scenario s = scenario();
  const PaymentDraws draws(s);
  FraudGate open(s, draws);
  // Two requests of card 5 while down are not counted: the third one up is the first.
  for (int k = 0; k < 2; ++k) {
    const auto v = open.decide(0, payment(0, static_cast<std::uint64_t>(k), 5), visit::press(0),
                               1.0 + k, false);
    EXPECT_TRUE(v.policy_down);
    EXPECT_EQ(v.action, FraudAction::kApprove);
    EXPECT_EQ(v.score, -1.0);
    EXPECT_EQ(FraudGate::marks_of(v), core::kUncheckedOutage);
    EXPECT_FALSE(FraudGate::answer_of(v).has_value());
  }
  EXPECT_NE(open.decide(0, payment(0, 2, 5), visit::press(0), 3.0, true).rule, 0);
  s.nodes[0].fraud->on_failure = core::PolicyFailure::kFailClosed;
  FraudGate closed(s, draws);
  const auto v = closed.decide(0, payment(0, 0, 5), visit::press(0), 1.0, false);
  EXPECT_EQ(v.action, FraudAction::kDecline);
  EXPECT_EQ(v.code, ResponseCode::kDoNotHonour);
  EXPECT_EQ(FraudGate::marks_of(v), core::kPolicyDeclined);
  EXPECT_EQ(FraudGate::answer_of(v), ResponseCode::kDoNotHonour);
}

TEST(FraudGate, ChallengesAbandonAndStopAtTheConfiguredShares) {
  const core::Scenario s = scenario();
  const PaymentDraws draws(s);
  const FraudGate gate(s, draws);
  constexpr int kN = 20'000;
  int abandoned = 0, stopped = 0;
  for (int k = 0; k < kN; ++k) {
    const auto legit = gate.challenge(0, payment(0, static_cast<std::uint64_t>(k), 1), 0);
    const auto fraud = gate.challenge(0, payment(0, static_cast<std::uint64_t>(k), 1, true), 0);
    abandoned += legit.outcome == fraud::StepUpOutcome::kAbandoned;
    stopped += fraud.outcome == fraud::StepUpOutcome::kStoppedFraud;
    EXPECT_NE(legit.outcome, fraud::StepUpOutcome::kStoppedFraud);
    EXPECT_NE(fraud.outcome, fraud::StepUpOutcome::kAbandoned);
    EXPECT_GE(legit.latency_s, 10.0);
    EXPECT_LE(legit.latency_s, 30.0);
  }
  const auto within = [](int count, double p) {
    return std::abs(count - kN * p) <= kSigmas * std::sqrt(kN * p * (1 - p));
  };
  EXPECT_TRUE(within(abandoned, 0.1)) << abandoned;
  EXPECT_TRUE(within(stopped, 0.9)) << stopped;
  // The challenge is the payment's own: the same payment, the same challenge.
  const auto once = gate.challenge(0, payment(0, 3, 1), 0);
  const auto twice = gate.challenge(0, payment(0, 3, 1), 0);
  EXPECT_EQ(once.latency_s, twice.latency_s);
  EXPECT_EQ(once.outcome, twice.outcome);
}

}  // namespace
}  // namespace payquake::payments
