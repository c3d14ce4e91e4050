#include "metrics/dataset_writer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <sstream>

#include "core/fan_out.hpp"
#include "metrics/feature_leak.hpp"

namespace payquake::metrics {
namespace {

core::Scenario scenario() {
  core::Scenario s;
  s.seed = 42;
  s.nodes.resize(2);
  s.nodes[0].id = "gw";
  s.nodes[1].id = "iss";
  s.payers.resize(2);
  s.payers[0].id = "shoppers";
  s.payers[1].id = "tourists";
  s.attacks.resize(3);
  s.attacks[0].kind = core::Attack::Kind::kCardTesting;
  s.attacks[0].id = "ct";
  s.attacks[0].payers = "tourists";
  s.attacks[1].kind = core::Attack::Kind::kFlood;
  s.attacks[1].id = "flood-1";
  s.attacks[2].kind = core::Attack::Kind::kAccountTakeover;
  s.attacks[2].id = "ato";  // `payers` empty: the first population's cards
  return s;
}

core::Payment payment(std::uint64_t id) {
  core::Payment p;
  p.id = id;
  p.serial = id;
  p.card = 77;
  p.merchant = 12;
  p.device = 9001;
  p.issuer = 1;
  p.amount = core::Money{1250};
  p.intended_arrival_s = 1.5;
  return p;
}

core::ReconciledPayment reconciled(core::Outcome o) {
  core::ReconciledPayment r;
  r.outcome = o;
  return r;
}

const std::string kHeader =
    "payment_id,time_s,population,card,merchant,device,amount,score,decision,rule,"
    "response_code,outcome,latency_s,presses,duplicate_cause,is_fraud,attack_id,attack_kind\n";

// The payer's presses, a decision, the final answer and the reconciliation of one payment.
void live_through(DatasetWriter& w, const core::Payment& p, int presses, double final_s,
                  core::ResponseCode code, core::Outcome outcome) {
  w.on_arrival(p, p.intended_arrival_s);
  for (int i = 0; i < presses; ++i)
    w.on_sent({core::kPayerNode, 0}, core::Message::kAuthorization,
              i ? core::SendReason::kClientRetry : core::SendReason::kFirst, p,
              p.intended_arrival_s);
  w.on_final(p, outcome, code, final_s);
  w.on_reconciled(p, reconciled(outcome), final_s + 1);
}

TEST(DatasetWriter, TheHeaderNamesTheColumnsInOrder) {
  std::ostringstream out;
  DatasetWriter w(scenario(), DatasetSample(1, 1.0), out);
  EXPECT_EQ(out.str(), kHeader);
  std::string joined;
  for (const auto& c : kDatasetColumns) joined.append(joined.empty() ? "" : ",").append(c);
  EXPECT_EQ(joined + "\n", kHeader);
}

TEST(DatasetWriter, ALegitimatePaymentWithoutPoliciesHasEmptyPolicyColumns) {
  std::ostringstream out;
  DatasetWriter w(scenario(), DatasetSample(1, 1.0), out);
  core::Payment p = payment(3);
  p.population = 1;
  live_through(w, p, 2, 2.25, core::ResponseCode::kApproved, core::Outcome::kApproved);
  EXPECT_EQ(out.str(), kHeader + "3,1.5,tourists,77,12,9001,12.50,,,,00,approved,0.75,2,,0,,\n");
  EXPECT_EQ(w.rows(), 1u);
  EXPECT_EQ(w.open_payments(), 0u);
}

TEST(DatasetWriter, TheLastPolicyDecisionGivesScoreDecisionAndRule) {
  std::ostringstream out;
  DatasetWriter w(scenario(), DatasetSample(1, 1.0), out);
  const core::Payment p = payment(5);
  w.on_arrival(p, 1.5);
  core::FraudVerdict gateway;
  gateway.action = core::FraudAction::kStepUp;
  gateway.rule = 3;
  gateway.score = 0.8;
  w.on_fraud_decision({0, 0}, p, gateway, 1.6);
  core::FraudVerdict issuer;  // the issuer approves later, with a score of its own, no rule
  issuer.score = 0.25;
  w.on_fraud_decision({1, 0}, p, issuer, 1.7);
  w.on_final(p, core::Outcome::kApproved, core::ResponseCode::kApproved, 1.75);
  w.on_reconciled(p, reconciled(core::Outcome::kApproved), 2.0);
  EXPECT_EQ(out.str(), kHeader + "5,1.5,shoppers,77,12,9001,12.50,0.25,approve,,00,approved,0.25,"
                                 "0,,0,,\n");
}

// The run subscribes the writer through a FanOutObserver (beside the metrics): the fraud
// events must reach it that way too.
TEST(DatasetWriter, DecisionsReachItThroughTheFanOut) {
  std::ostringstream out;
  DatasetWriter w(scenario(), DatasetSample(1, 1.0), out);
  core::FanOutObserver fan_out;
  fan_out.add(w);
  const core::Payment p = payment(2);
  fan_out.on_arrival(p, 1.5);
  core::FraudVerdict v;
  v.action = core::FraudAction::kDecline;
  v.rule = 1;
  v.score = 0.5;
  fan_out.on_fraud_decision({0, 0}, p, v, 1.6);
  fan_out.on_final(p, core::Outcome::kDeclined, core::ResponseCode::kSuspectedFraud, 1.75);
  fan_out.on_reconciled(p, reconciled(core::Outcome::kDeclined), 2.0);
  EXPECT_EQ(out.str(), kHeader + "2,1.5,shoppers,77,12,9001,12.50,0.5,decline,gw:1,59,declined,"
                                 "0.25,0,,0,,\n");
}

TEST(DatasetWriter, DecisionsNameRulesByNodeAndOutagesAsSummaryJsonDoes) {
  struct Case {
    core::FraudVerdict verdict;
    std::string expected;  // score,decision,rule
  };
  core::FraudVerdict declined;
  declined.action = core::FraudAction::kDecline;
  declined.rule = 0;
  declined.score = 0.97;
  declined.code = core::ResponseCode::kSuspectedFraud;
  core::FraudVerdict unchecked;
  unchecked.policy_down = true;
  core::FraudVerdict closed;
  closed.policy_down = true;
  closed.action = core::FraudAction::kDecline;
  const std::vector<Case> cases = {{declined, "0.97,decline,iss:0"},
                                   {unchecked, ",unchecked,"},
                                   {closed, ",declined_outage,"}};
  for (const Case& c : cases) {
    std::ostringstream out;
    DatasetWriter w(scenario(), DatasetSample(1, 1.0), out);
    const core::Payment p = payment(1);
    w.on_arrival(p, 1.5);
    w.on_fraud_decision({1, 0}, p, c.verdict, 1.6);
    w.on_reconciled(p, reconciled(core::Outcome::kDeclined), 2.0);
    EXPECT_NE(out.str().find(",12.50," + c.expected + ","), std::string::npos)
        << c.expected << "\n" << out.str();
  }
}

TEST(DatasetWriter, LabelsComeFromTheGroundTruthAndPopulationsFromWhoseCardsTheyAre) {
  std::ostringstream out;
  DatasetWriter w(scenario(), DatasetSample(1, 1.0), out);
  core::Payment base_rate = payment(1);  // a legitimate population's base-rate fraud
  base_rate.fraud = true;
  core::Payment testing = payment(2);
  testing.population = 2;  // payers.size() + 0
  testing.attack = 0;
  testing.fraud = true;
  core::Payment flood = payment(3);  // an attack, yet not fraud: nobody's card is used
  flood.population = 3;
  flood.attack = 1;
  core::Payment takeover = payment(4);
  takeover.population = 4;
  takeover.attack = 2;
  takeover.fraud = true;
  for (const auto& p : {base_rate, testing, flood, takeover})
    live_through(w, p, 1, 2.0, core::ResponseCode::kDoNotHonour, core::Outcome::kDeclined);
  EXPECT_EQ(out.str(), kHeader +
                           "1,1.5,shoppers,77,12,9001,12.50,,,,05,declined,0.5,1,,1,,\n"
                           "2,1.5,tourists,77,12,9001,12.50,,,,05,declined,0.5,1,,1,ct,card_testing\n"
                           "3,1.5,,77,12,9001,12.50,,,,05,declined,0.5,1,,0,flood-1,flood\n"
                           "4,1.5,shoppers,77,12,9001,12.50,,,,05,declined,0.5,1,,1,ato,"
                           "account_takeover\n");
}

// A replay resends a captured request: its row names the population of that request's
// card, whichever of several populations it is.
TEST(DatasetWriter, AReplayNamesThePopulationOfTheRequestItResends) {
  core::Scenario s = scenario();
  s.attacks.emplace_back();
  s.attacks.back().kind = core::Attack::Kind::kReplay;
  s.attacks.back().id = "replay-1";
  std::ostringstream out;
  DatasetWriter w(s, DatasetSample(1, 1.0), out);
  core::Payment replay = payment(5);
  replay.population = 5;  // payers.size() + 3
  replay.attack = 3;
  replay.fraud = true;
  replay.card_population = 1;  // a tourist's request was captured
  replay.replay_of = 1 + 4;
  live_through(w, replay, 1, 2.0, core::ResponseCode::kApproved, core::Outcome::kApproved);
  EXPECT_EQ(out.str(), kHeader +
                           "5,1.5,tourists,77,12,9001,12.50,,,,00,approved,0.5,1,,1,replay-1,"
                           "replay\n");
}

TEST(DatasetWriter, PressesCountThePayersAuthorizationsOnly) {
  std::ostringstream out;
  DatasetWriter w(scenario(), DatasetSample(1, 1.0), out);
  const core::Payment p = payment(8);
  w.on_arrival(p, 1.5);
  w.on_sent({core::kPayerNode, 0}, core::Message::kAuthorization, core::SendReason::kFirst, p, 1.5);
  w.on_sent({core::kPayerNode, 0}, core::Message::kAuthorization, core::SendReason::kDoubleSubmit,
            p, 1.6);
  w.on_sent({0, 0}, core::Message::kAuthorization, core::SendReason::kFirst, p, 1.6);   // a hop
  w.on_sent({0, 0}, core::Message::kReversal, core::SendReason::kOriginate, p, 1.9);  // a hop
  core::ReconciledPayment r = reconciled(core::Outcome::kApproved);
  r.duplicate = true;
  r.standing_charges = 2;
  r.cause = core::DuplicateCause::kDoubleSubmit;
  w.on_final(p, core::Outcome::kApproved, core::ResponseCode::kApproved, 2.0);
  w.on_reconciled(p, r, 3.0);
  EXPECT_NE(out.str().find(",approved,0.5,2,double_submit,0,,\n"), std::string::npos) << out.str();
}

TEST(DatasetWriter, OnlyLivePaymentsAreHeldAndOpenOnesHaveNoRow) {
  std::ostringstream out;
  DatasetWriter w(scenario(), DatasetSample(1, 1.0), out);
  for (std::uint64_t id = 0; id < 1000; ++id) {
    const core::Payment p = payment(id);
    w.on_arrival(p, 1.5);
    if (id >= 3) w.on_reconciled(p, reconciled(core::Outcome::kApproved), 2.0);
    EXPECT_LE(w.open_payments(), 4u);  // payments 0-2 stay open, plus the one arriving
  }
  // A run stopped here (interrupted, or at the drain limit): three payments never drained.
  EXPECT_EQ(w.open_payments(), 3u);
  EXPECT_EQ(w.rows(), 997u);
  std::istringstream lines(out.str());
  std::string line;
  std::getline(lines, line);  // the header
  std::set<std::string> ids;
  while (std::getline(lines, line)) ids.insert(line.substr(0, line.find(',')));
  EXPECT_EQ(ids.size(), 997u);
  EXPECT_EQ(ids.count("0") + ids.count("1") + ids.count("2"), 0u);
}

TEST(DatasetWriter, IdsThatNeedQuotingAreQuoted) {
  core::Scenario s = scenario();
  s.attacks[0].id = "ct, \"night\"";
  std::ostringstream out;
  DatasetWriter w(s, DatasetSample(1, 1.0), out);
  core::Payment p = payment(2);
  p.population = 2;
  p.attack = 0;
  p.fraud = true;
  live_through(w, p, 1, 2.0, core::ResponseCode::kApproved, core::Outcome::kApproved);
  const std::string last = out.str().substr(kHeader.size());
  const std::vector<std::string> fields = csv_fields(last.substr(0, last.size() - 1));
  ASSERT_EQ(fields.size(), std::size(kDatasetColumns));
  EXPECT_EQ(fields[16], "ct, \"night\"");
  EXPECT_EQ(fields[17], "card_testing");
}

// The sample keeps `share` of the payments, within binomial error, keyed on the serial alone.
TEST(DatasetSample, KeepsTheShareWithinBinomialError) {
  const DatasetSample sample(42, 0.10);
  const int n = 200000;
  int kept = 0;
  for (int i = 0; i < n; ++i) kept += sample.keeps(payment(static_cast<std::uint64_t>(i))) ? 1 : 0;
  const double sd = std::sqrt(n * 0.10 * 0.90);
  EXPECT_NEAR(kept, n * 0.10, 5 * sd);
}

// Common random numbers: the same payments are kept whatever else differs (its id, which
// shifts when an attack adds arrivals; its card, amount, ground truth, the scenario's nodes);
// another seed keeps others.
TEST(DatasetSample, TheSamePaymentsAreKeptInEveryVariant) {
  const DatasetSample sample(42, 0.25);
  int differing_with_another_seed = 0;
  for (std::uint64_t serial = 0; serial < 5000; ++serial) {
    core::Payment a = payment(serial);
    core::Payment b = payment(serial + 17);  // another id: an attack's arrivals came before it
    b.serial = serial;
    b.card = 5;
    b.amount = core::Money{99};
    b.fraud = true;
    EXPECT_EQ(sample.keeps(a), sample.keeps(b)) << serial;
    differing_with_another_seed += sample.keeps(a) != DatasetSample(43, 0.25).keeps(a) ? 1 : 0;
  }
  // Two independent 25% samples disagree on 2 x 0.25 x 0.75 = 37.5% of payments.
  EXPECT_NEAR(differing_with_another_seed, 5000 * 0.375, 5 * std::sqrt(5000 * 0.375 * 0.625));
}

// A writer over the same events keeps the same rows whichever variant wrote them, and a
// sampled dataset is exactly the full dataset's rows of the kept payments.
TEST(DatasetWriter, ASampledDatasetIsTheFullDatasetsRowsOfTheKeptPayments) {
  std::ostringstream full_out, sampled_out;
  DatasetWriter full(scenario(), DatasetSample(42, 1.0), full_out);
  DatasetWriter sampled(scenario(), DatasetSample(42, 0.3), sampled_out);
  const DatasetSample sample(42, 0.3);
  std::string expected = kHeader;
  for (std::uint64_t id = 0; id < 300; ++id) {
    core::Payment p = payment(id);
    p.amount = core::Money{static_cast<std::int64_t>(100 + id)};
    for (DatasetWriter* w : {&full, &sampled})
      live_through(*w, p, 1, 2.0, core::ResponseCode::kApproved, core::Outcome::kApproved);
    const std::string all = full_out.str();
    const std::string last = all.substr(all.rfind('\n', all.size() - 2) + 1);
    if (sample.keeps(p)) expected += last;
  }
  EXPECT_EQ(sampled_out.str(), expected);
  EXPECT_GT(sampled.rows(), 0u);
  EXPECT_LT(sampled.rows(), full.rows());
}

}  // namespace
}  // namespace payquake::metrics
