// Rules, first match wins: velocity declines exactly the payments above its limit, its
// window slides (an event exactly one window old is out), its memory holds only subjects
// seen within the window; amount, score and block-list rules; what an outage decides.
#include "fraud/rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace payquake::fraud {
namespace {

using core::FraudAction;
using core::FraudRule;
using core::FraudSubject;

FraudRule velocity(FraudSubject per, double window_s, std::int64_t max,
                   FraudAction action = FraudAction::kDecline) {
  FraudRule r;
  r.kind = FraudRule::Kind::kVelocity;
  r.velocity = {per, window_s, max};
  r.action = action;
  return r;
}

FraudRule amount_over(std::int64_t minor, FraudAction action) {
  FraudRule r;
  r.kind = FraudRule::Kind::kAmountOver;
  r.amount_over = {minor};
  r.action = action;
  return r;
}

FraudRule score_over(double t, FraudAction action) {
  FraudRule r;
  r.kind = FraudRule::Kind::kScoreOver;
  r.score_over = t;
  r.action = action;
  return r;
}

FraudRule block(FraudSubject per, std::vector<std::uint64_t> ids) {
  FraudRule r;
  r.kind = FraudRule::Kind::kBlock;
  r.block_per = per;
  r.block_ids = std::move(ids);
  r.action = FraudAction::kDecline;
  return r;
}

Candidate pay(double t, std::uint64_t card, std::int64_t amount_minor = 1000) {
  Candidate c;
  c.time_s = t;
  c.card = card;
  c.amount = {amount_minor};
  return c;
}

TEST(Rules, VelocityDeclinesExactlyThePaymentsAboveItsLimit) {
  RulesEngine rules({velocity(FraudSubject::kCard, 600.0, 5)});
  // Card 7 pays every 10 s, 12 times (all within 10 minutes); card 8 in between, 3 times.
  std::vector<int> declined;
  for (int i = 0; i < 12; ++i) {
    const Decision d = rules.evaluate(pay(10.0 * i, 7));
    if (i < 3) {
      EXPECT_EQ(rules.evaluate(pay(10.0 * i + 5, 8)).action, FraudAction::kApprove);
    }
    if (d.action == FraudAction::kDecline) {
      declined.push_back(i);
      EXPECT_EQ(d.rule, 0);
      EXPECT_EQ(d.code, core::ResponseCode::kSuspectedFraud);
    } else {
      EXPECT_EQ(d.rule, -1);
    }
  }
  EXPECT_EQ(declined, (std::vector<int>{5, 6, 7, 8, 9, 10, 11}));  // the 6th payment on
}

TEST(Rules, VelocityWindowSlides) {
  RulesEngine rules({velocity(FraudSubject::kCard, 10.0, 2)});
  const auto action = [&](double t) { return rules.evaluate(pay(t, 1)).action; };
  EXPECT_EQ(action(0.0), FraudAction::kApprove);   // 1 in (-10, 0]
  EXPECT_EQ(action(5.0), FraudAction::kApprove);   // 2 in (-5, 5]
  EXPECT_EQ(action(9.5), FraudAction::kDecline);   // 3 in (-0.5, 9.5]
  EXPECT_EQ(action(10.0), FraudAction::kDecline);  // 0.0 is out: 5, 9.5, 10
  EXPECT_EQ(action(19.5), FraudAction::kApprove);  // 10, 19.5 (9.5 is exactly one window old)
  EXPECT_EQ(action(40.0), FraudAction::kApprove);  // alone again
}

TEST(Rules, DeclinedAndSteppedUpPaymentsStillCount) {
  // A payment caught by rule 0 is counted by rule 1's window all the same.
  RulesEngine rules(
      {amount_over(10000, FraudAction::kStepUp), velocity(FraudSubject::kCard, 60.0, 1)});
  EXPECT_EQ(rules.evaluate(pay(0.0, 3, 20000)).action, FraudAction::kStepUp);
  const Decision d = rules.evaluate(pay(1.0, 3, 500));
  EXPECT_EQ(d.action, FraudAction::kDecline);
  EXPECT_EQ(d.rule, 1);
}

TEST(Rules, EvictionBoundsMemoryToTheWindow) {
  // 100,000 distinct cards, one payment each, 1 ms apart, through a 1 s window: at most
  // the 1,001 cards of the last second are ever held.
  RulesEngine rules({velocity(FraudSubject::kCard, 1.0, 5)});
  std::size_t most = 0;
  for (std::uint64_t card = 0; card < 100'000; ++card) {
    rules.evaluate(pay(0.001 * static_cast<double>(card), card));
    most = std::max(most, rules.velocity_subjects_held());
    ASSERT_EQ(rules.velocity_subjects_held(), rules.velocity_events_held());
  }
  EXPECT_LE(most, 1001u);
  EXPECT_GE(most, 999u);
  rules.evaluate(pay(1000.0, 1));
  EXPECT_EQ(rules.velocity_subjects_held(), 1u);
  EXPECT_EQ(rules.velocity_events_held(), 1u);
}

TEST(Rules, PaymentsWithoutTheSubjectNeitherCountNorMatch) {
  RulesEngine rules({velocity(FraudSubject::kDevice, 60.0, 1)});
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(rules.evaluate(pay(i, 1)).action, FraudAction::kApprove);  // no device
  EXPECT_EQ(rules.velocity_subjects_held(), 0u);
  Candidate c = pay(6.0, 1);
  c.device = 99;
  EXPECT_EQ(rules.evaluate(c).action, FraudAction::kApprove);
  c.card = 2;  // another card, the same device
  EXPECT_EQ(rules.evaluate(c).action, FraudAction::kDecline);
}

TEST(Rules, FirstMatchWins) {
  RulesEngine rules(
      {amount_over(10000, FraudAction::kStepUp), amount_over(5000, FraudAction::kDecline),
       score_over(0.95, FraudAction::kDecline), score_over(0.70, FraudAction::kStepUp)});
  const auto decide = [&](std::int64_t amount, std::optional<double> score) {
    Candidate c = pay(0.0, 1, amount);
    c.score = score;
    return rules.evaluate(c);
  };
  EXPECT_EQ(decide(15000, 0.99).rule, 0);  // step-up, although rules 1 and 2 also match
  EXPECT_EQ(decide(7500, 0.10).rule, 1);
  EXPECT_EQ(decide(5000, 0.96).rule, 2);  // 5000 is not over 5000
  EXPECT_EQ(decide(5000, 0.95).rule, 3);  // 0.95 is not over 0.95
  EXPECT_EQ(decide(5000, 0.95).action, FraudAction::kStepUp);
  EXPECT_EQ(decide(100, 0.5).rule, -1);
  EXPECT_EQ(decide(100, std::nullopt).action, FraudAction::kApprove);  // no score: no match
}

TEST(Rules, BlockListsMatchTheirSubjectOnly) {
  RulesEngine rules({block(FraudSubject::kDevice, {42, 7, 1000})});
  Candidate c = pay(0.0, 42);
  EXPECT_EQ(rules.evaluate(c).action, FraudAction::kApprove);  // card 42, no device
  c.device = 7;
  const Decision d = rules.evaluate(c);
  EXPECT_EQ(d.action, FraudAction::kDecline);
  EXPECT_EQ(d.code, core::ResponseCode::kSuspectedFraud);
  c.device = 8;
  EXPECT_EQ(rules.evaluate(c).action, FraudAction::kApprove);
}

TEST(Rules, AnApproveRuleEndsTheList) {
  // An allow-list in front: card 5 is approved before the amount rule is reached.
  FraudRule allow = block(FraudSubject::kCard, {5});
  allow.action = FraudAction::kApprove;
  RulesEngine rules({allow, amount_over(100, FraudAction::kDecline)});
  EXPECT_EQ(rules.evaluate(pay(0.0, 5, 500)).rule, 0);
  EXPECT_EQ(rules.evaluate(pay(0.0, 5, 500)).action, FraudAction::kApprove);
  EXPECT_EQ(rules.evaluate(pay(0.0, 6, 500)).action, FraudAction::kDecline);
}

TEST(PolicyOutage, FailOpenApprovesFailClosedDeclinesWithoutSuspicion) {
  const Decision open = on_policy_outage(core::PolicyFailure::kFailOpen);
  EXPECT_EQ(open.action, FraudAction::kApprove);
  EXPECT_EQ(open.rule, -1);
  const Decision closed = on_policy_outage(core::PolicyFailure::kFailClosed);
  EXPECT_EQ(closed.action, FraudAction::kDecline);
  EXPECT_EQ(closed.code, core::ResponseCode::kDoNotHonour);
  EXPECT_EQ(closed.rule, -1);
}

}  // namespace
}  // namespace payquake::fraud
