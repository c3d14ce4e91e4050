// Fraud policies in the flow (issue 10), through the flow's seams (flow_test_support.hpp):
// scores that reach their AUC, a velocity rule that declines exactly what is above its
// limit, fail_open against fail_closed during a policy outage, a policy compared with
// itself, what a policy leaves alone, and the payer's 3-D Secure challenge. Policies are
// built in C++ and set on the loaded scenario before the flow starts. Statistical bounds
// come from the run's own counts (binomial and Hanley-McNeil standard errors).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "fraud/auc.hpp"
#include "payments/flow.hpp"
#include "payments/flow_test_support.hpp"

namespace payquake::payments {
namespace {

using core::FraudAction;
using core::FraudRule;
using core::Outcome;
using core::ResponseCode;
using testing::FlowHarness;

constexpr double kSigmas = 5.0;

// gw -> acq -> net -> iss, constant services ({GW_SERVICE} at the gateway), uniform
// arrivals at {RATE} for {DURATION}.
std::string yaml(std::map<std::string, std::string> vars = {}) {
  std::string text = R"(name: flow-fraud
seed: 23
duration: {DURATION}
sites: [{id: s, internal_latency: 0ms}]
nodes:
  - {id: gw, role: gateway, site: s, workers: 1000, service_time: {dist: constant, value: {GW_SERVICE}}, next: [acq], timeout: 30s{GW_EXTRA}}
  - {id: acq, role: acquirer, site: s, workers: 1000, service_time: {dist: constant, value: 1ms}, next: [net], timeout: 20s}
  - {id: net, role: network, site: s, workers: 1000, service_time: {dist: constant, value: 0.5ms}, timeout: 10s}
  - {id: iss, role: issuer, site: s, bins: ["4111"], workers: 1000, service_time: {dist: constant, value: 8ms}}
payers:
  - {id: p, cards: {CARDS}, issuers: {iss: 100%}, entry: gw, amount: {AMOUNT}{PAYER_EXTRA}}
load: {arrival: uniform, start_rate: {RATE}}
)";
  std::map<std::string, std::string> all = {{"DURATION", "10s"},
                                            {"RATE", "100/s"},
                                            {"GW_SERVICE", "2ms"},
                                            {"CARDS", "100000"},
                                            {"GW_EXTRA", ""},
                                            {"PAYER_EXTRA", ""},
                                            {"AMOUNT", "{dist: constant, value: 10.00}"}};
  for (auto& [k, v] : vars) all[k] = v;
  for (const auto& [k, v] : all) {
    const std::string key = "{" + k + "}";
    for (auto pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + v.size()))
      text.replace(pos, key.size(), v);
  }
  return text;
}

FraudRule rule(FraudRule::Kind kind, FraudAction action) {
  FraudRule r;
  r.kind = kind;
  r.action = action;
  return r;
}
FraudRule velocity(double window_s, std::int64_t max) {
  FraudRule r = rule(FraudRule::Kind::kVelocity, FraudAction::kDecline);
  r.velocity = {core::FraudSubject::kCard, window_s, max};
  return r;
}
FraudRule score_over(double threshold, FraudAction action) {
  FraudRule r = rule(FraudRule::Kind::kScoreOver, action);
  r.score_over = threshold;
  return r;
}
FraudRule amount_over(double major, FraudAction action) {
  FraudRule r = rule(FraudRule::Kind::kAmountOver, action);
  r.amount_over = core::money_from_major(major);
  return r;
}

core::FraudPolicy rules_only(std::vector<FraudRule> rules) {
  core::FraudPolicy p;
  p.rules = std::move(rules);
  return p;
}
core::FraudPolicy scored(double auc, double latency_s, std::vector<FraudRule> rules) {
  core::FraudPolicy p = rules_only(std::move(rules));
  p.score = core::ScoreSpec{auc, core::Distribution::constant(latency_s)};
  return p;
}
core::StepUpSpec step_up(double latency_s, double abandon, double stops_fraud) {
  return core::StepUpSpec{core::Distribution::constant(latency_s), abandon, stops_fraud};
}

// Payments by id.
std::map<std::uint64_t, core::Payment> arrived(const FlowHarness& h) {
  std::map<std::uint64_t, core::Payment> out;
  for (const auto& p : h.observer.arrived) out[p.id] = p;
  return out;
}
std::map<std::uint64_t, testing::FinalRecord> finals(const FlowHarness& h) {
  std::map<std::uint64_t, testing::FinalRecord> out;
  for (const auto& f : h.observer.finals) out[f.payment] = f;
  return out;
}

TEST(FlowFraud, ScoresInTheFlowReachTheConfiguredAucAndTheirLatencyIsServed) {
  FlowHarness h(yaml({{"RATE", "3000/s"}}));
  h.scenario.payers[0].fraud_rate = 0.1;
  h.scenario.nodes[h.node("gw")].fraud =
      scored(0.93, 0.001, {amount_over(1e6, FraudAction::kDecline)});
  h.start();
  h.run();
  ASSERT_TRUE(h.done());
  std::vector<double> fraud, legit;
  for (const auto& d : h.observer.fraud_decisions) {
    (d.payment.fraud ? fraud : legit).push_back(d.verdict.score);
    EXPECT_EQ(d.verdict.latency_s, 0.001);
    EXPECT_EQ(d.verdict.action, FraudAction::kApprove);
  }
  ASSERT_EQ(fraud.size() + legit.size(), h.observer.arrivals);
  ASSERT_GT(fraud.size(), 2000u);
  const double auc = fraud::empirical_auc(fraud, legit);
  const double se = fraud::hanley_mcneil_se(0.93, fraud.size(), legit.size());
  EXPECT_NEAR(auc, 0.93, kSigmas * se) << "se " << se;
  // The score's time is part of the gateway's service (2 ms + 1 ms), nowhere else.
  std::size_t gateway_services = 0;
  for (const auto& line : h.observer.transcript) {
    if (line.find(" service gw/0 ") == std::string::npos) continue;
    ++gateway_services;
    EXPECT_NE(line.find(" for 0.003000"), std::string::npos) << line;
  }
  EXPECT_EQ(gateway_services, h.observer.arrivals);
}

// One card, a payment every 0.25 s: in any 0.9 s the card has made at most 4 payments. A
// limit of 3 declines every payment from the fourth on; a limit of 4 declines none.
TEST(FlowFraud, AVelocityRuleDeclinesExactlyThePaymentsAboveItsLimit) {
  for (const std::int64_t max : {3, 4}) {
    FlowHarness h(yaml({{"RATE", "4/s"}, {"CARDS", "1"}, {"GW_SERVICE", "0ms"}}));
    h.scenario.payers[0].fraud_rate = 0.0;
    h.scenario.nodes[h.node("gw")].fraud = rules_only({velocity(0.9, max)});
    h.start();
    h.run();
    ASSERT_TRUE(h.done());
    ASSERT_EQ(h.observer.finals.size(), 40u);
    for (const auto& f : h.observer.finals) {
      const bool above = max == 3 && f.payment >= 3;
      EXPECT_EQ(f.outcome, above ? Outcome::kDeclined : Outcome::kApproved) << f.payment;
      EXPECT_EQ(f.code, above ? ResponseCode::kSuspectedFraud : ResponseCode::kApproved);
    }
    // A declined payment never reached the issuer.
    const auto iss = h.node("iss");
    const auto served = std::count_if(h.observer.services.begin(), h.observer.services.end(),
                                      [&](const auto& e) { return e.station.node == iss; });
    EXPECT_EQ(served, max == 3 ? 3 : 40);
  }
}

// Many cards, random: the declines are exactly those a sliding count over the arrivals
// (the same window arithmetic, written again here) puts above the limit.
TEST(FlowFraud, AVelocityRuleMatchesASlidingCountOfTheArrivals) {
  FlowHarness h(yaml({{"RATE", "20/s"}, {"CARDS", "5"}, {"GW_SERVICE", "0ms"}}));
  h.scenario.payers[0].fraud_rate = 0.0;
  h.scenario.nodes[h.node("gw")].fraud = rules_only({velocity(0.5, 2)});
  h.start();
  h.run();
  ASSERT_TRUE(h.done());
  const auto& in = h.observer.arrived;
  std::set<std::uint64_t> expected, declined;
  for (std::size_t k = 0; k < in.size(); ++k) {
    int count = 0;
    for (std::size_t j = 0; j <= k; ++j)
      if (in[j].card == in[k].card && !(in[j].intended_arrival_s <= in[k].intended_arrival_s - 0.5))
        ++count;
    if (count > 2) expected.insert(in[k].id);
  }
  for (const auto& f : h.observer.finals)
    if (f.code == ResponseCode::kSuspectedFraud) declined.insert(f.payment);
  EXPECT_GT(expected.size(), 10u);
  EXPECT_EQ(declined, expected);
}

struct OutageRun {
  std::int64_t fraud_approved = 0;  // count of approved fraudulent payments (the loss)
  std::int64_t legit_declined = 0;  // legitimate payments a policy turned away
  std::map<std::uint64_t, core::FraudVerdict> outside;  // verdicts outside the outage
};

// Fraud at 30%, a score threshold, the policy's dependency down from 2 s to 6 s.
OutageRun run_outage(core::PolicyFailure on_failure) {
  FlowHarness h(yaml({{"RATE", "200/s"}}));
  h.scenario.payers[0].fraud_rate = 0.3;
  core::FraudPolicy policy = scored(0.95, 0.0, {score_over(0.8, FraudAction::kDecline)});
  policy.on_failure = on_failure;
  const auto gw = h.node("gw");
  h.scenario.nodes[gw].fraud = policy;
  h.start();
  h.run(2.0, /*strictly=*/true);
  h.flow->set_policy_available(gw, false);
  h.run(6.0, /*strictly=*/true);
  h.flow->set_policy_available(gw, true);
  h.run();
  EXPECT_TRUE(h.done());
  OutageRun out;
  const auto payments = arrived(h);
  const auto ends = finals(h);
  for (const auto& d : h.observer.fraud_decisions) {
    const bool during = d.t >= 2.0 && d.t < 6.0;
    EXPECT_EQ(d.verdict.policy_down, during);
    if (!during) {
      out.outside[d.payment.id] = d.verdict;
      continue;
    }
    const auto& f = ends.at(d.payment.id);
    if (on_failure == core::PolicyFailure::kFailClosed) {
      EXPECT_EQ(f.code, ResponseCode::kDoNotHonour);
      EXPECT_TRUE(d.payment.fraud_marks & core::kPolicyDeclined);
    } else {
      EXPECT_EQ(f.code, ResponseCode::kApproved);
      EXPECT_TRUE(d.payment.fraud_marks & core::kUncheckedOutage);
    }
  }
  for (const auto& [id, f] : ends) {
    const bool fraud = payments.at(id).fraud;
    if (fraud && f.outcome == Outcome::kApproved) ++out.fraud_approved;
    if (!fraud && f.outcome == Outcome::kDeclined) ++out.legit_declined;
  }
  return out;
}

TEST(FlowFraud, FailOpenTradesFraudLossForFewerDeclinesDuringAPolicyOutage) {
  const OutageRun open = run_outage(core::PolicyFailure::kFailOpen);
  const OutageRun closed = run_outage(core::PolicyFailure::kFailClosed);
  EXPECT_GT(open.fraud_approved, closed.fraud_approved);
  EXPECT_GT(closed.legit_declined, open.legit_declined);
  // Outside the outage both runs decided every payment alike (the same keyed scores).
  ASSERT_EQ(open.outside.size(), closed.outside.size());
  for (const auto& [id, v] : open.outside) {
    ASSERT_TRUE(closed.outside.count(id)) << id;
    EXPECT_EQ(closed.outside.at(id).score, v.score);
    EXPECT_EQ(closed.outside.at(id).action, v.action);
  }
}

// A policy with a score, velocity, a step-up and base-rate fraud, run twice.
TEST(FlowFraud, APolicyComparedWithItselfGivesTheSameTranscript) {
  const auto run = [] {
    auto h = std::make_unique<FlowHarness>(
        yaml({{"RATE", "200/s"},
              {"CARDS", "300"},
              {"AMOUNT", "{dist: lognormal, median: 42.00, p99: 900.00}"}}));
    h->scenario.payers[0].fraud_rate = 0.05;
    core::FraudPolicy policy = scored(0.9, 0.002,
                                      {velocity(5.0, 3), amount_over(200, FraudAction::kStepUp),
                                       score_over(0.97, FraudAction::kDecline)});
    policy.step_up =
        core::StepUpSpec{core::Distribution::lognormal_from_median_p99(5.0, 30.0), 0.1, 0.9};
    h->scenario.nodes[h->node("gw")].fraud = policy;
    h->start();
    h->run();
    EXPECT_TRUE(h->done());
    return h;
  };
  const auto a = run();
  const auto b = run();
  EXPECT_GT(a->observer.step_ups.size(), 10u);
  EXPECT_EQ(a->observer.transcript, b->observer.transcript);
}

// A rules-only policy adds no latency: every payment it approves ends exactly as it does
// without the policy (time, outcome, code); those it declines end at the gateway.
TEST(FlowFraud, APolicyChangesNothingForThePaymentsItApprovesWithoutLatency) {
  const std::string text =
      yaml({{"RATE", "50/s"}, {"AMOUNT", "{dist: lognormal, median: 42.00, p99: 900.00}"}});
  FlowHarness plain(text), screened(text);
  screened.scenario.nodes[screened.node("gw")].fraud =
      rules_only({amount_over(50, FraudAction::kDecline)});
  plain.start();
  plain.run();
  screened.start();
  screened.run();
  ASSERT_TRUE(plain.done() && screened.done());
  const auto before = finals(plain), after = finals(screened);
  const auto payments = arrived(screened);
  ASSERT_EQ(before.size(), after.size());
  int declined = 0, approved = 0;
  for (const auto& [id, f] : after) {
    if (payments.at(id).amount > core::money_from_major(50)) {
      ++declined;
      EXPECT_EQ(f.code, ResponseCode::kSuspectedFraud);
      EXPECT_NEAR(f.latency_s, 0.002, 1e-9);  // the gateway's service, then the answer
      continue;
    }
    ++approved;
    EXPECT_EQ(f.t, before.at(id).t) << id;
    EXPECT_EQ(f.outcome, before.at(id).outcome);
    EXPECT_EQ(f.code, before.at(id).code);
  }
  EXPECT_GT(declined, 20);
  EXPECT_GT(approved, 200);
}

// The gateway steps up payments over 20.00; its idempotency store keeps the 65 of the
// first key, so the press after the challenge must carry a new one to be approved.
TEST(FlowFraud, AStepUpChallengesThePayerWhoAbandonsOrPaysAgainWithANewKey) {
  FlowHarness h(yaml({{"AMOUNT", "{dist: lognormal, median: 42.00, p99: 900.00}"},
                      {"GW_EXTRA", ", idempotency: {enabled: true}"},
                      {"PAYER_EXTRA", ", client: {retries: 1, idempotency_key: reuse}"}}));
  h.scenario.payers[0].fraud_rate = 0.2;
  core::FraudPolicy policy = rules_only({amount_over(20, FraudAction::kStepUp)});
  policy.step_up = step_up(20.0, 0.25, 0.9);
  h.scenario.nodes[h.node("gw")].fraud = policy;
  h.start();
  h.run();
  ASSERT_TRUE(h.done());
  const auto payments = arrived(h);
  const auto ends = finals(h);
  std::map<std::uint64_t, core::ReconciledPayment> books;
  for (const auto& r : h.observer.reconciled) books[r.payment] = r.r;
  std::map<std::uint64_t, testing::StepUpRecord> challenges;
  for (const auto& s : h.observer.step_ups) {
    EXPECT_FALSE(challenges.count(s.payment.id)) << "challenged twice: p" << s.payment.id;
    challenges[s.payment.id] = s;
    EXPECT_EQ(s.latency_s, 20.0);
  }
  int legit = 0, abandoned = 0, fraud = 0, stopped = 0;
  for (const auto& [id, p] : payments) {
    const auto& f = ends.at(id);
    const auto& r = books.at(id);
    EXPECT_FALSE(r.duplicate);
    if (p.amount <= core::money_from_major(20)) {
      EXPECT_FALSE(challenges.count(id));
      EXPECT_EQ(f.outcome, Outcome::kApproved);
      continue;
    }
    ASSERT_TRUE(challenges.count(id)) << id;
    const auto result = challenges.at(id).result;
    (p.fraud ? fraud : legit) += 1;
    if (result == core::StepUpResult::kPassed) {
      EXPECT_EQ(f.outcome, Outcome::kApproved) << id;
      EXPECT_EQ(r.standing_charges, 1);
      // The answer (65) after the gateway's service, the challenge, then the whole way.
      EXPECT_NEAR(f.latency_s, 0.002 + 20.0 + 0.0115, 1e-9);
      continue;
    }
    EXPECT_EQ(r.standing_charges, 0);
    EXPECT_FALSE(r.in_doubt);
    EXPECT_EQ(f.code, ResponseCode::kAuthenticationRequired);
    if (result == core::StepUpResult::kAbandoned) {
      EXPECT_FALSE(p.fraud);
      EXPECT_EQ(f.outcome, Outcome::kAbandoned);
      ++abandoned;
    } else {
      EXPECT_TRUE(p.fraud);
      EXPECT_EQ(f.outcome, Outcome::kDeclined);
      ++stopped;
    }
  }
  ASSERT_GT(legit, 300);
  ASSERT_GT(fraud, 60);
  const auto near = [](int count, int n, double share) {
    EXPECT_NEAR(count, n * share, kSigmas * std::sqrt(n * share * (1 - share)));
  };
  near(abandoned, legit, 0.25);
  near(stopped, fraud, 0.9);
  const auto step_up_presses = std::count_if(
      h.observer.transcript.begin(), h.observer.transcript.end(),
      [](const std::string& l) { return l.find("sent payer 0100 step_up") != l.npos; });
  EXPECT_EQ(step_up_presses, (legit - abandoned) + (fraud - stopped));
}

// At the issuer the policy decides before the funds check; its 65 travels back through
// every hop, and the press after the challenge goes the whole way again and is counted by
// the velocity rule like any request. One card, 20 payments: the first 23 requests pass
// the velocity rule, so the late presses after challenges are the ones declined.
TEST(FlowFraud, AnIssuersStepUpAndDeclineTravelBackThroughEveryHop) {
  FlowHarness h(yaml(
      {{"RATE", "2/s"}, {"CARDS", "1"}, {"AMOUNT", "{dist: uniform, min: 1.00, max: 40.00}"}}));
  h.scenario.payers[0].fraud_rate = 0.0;
  core::FraudPolicy policy =
      rules_only({velocity(100.0, 23), amount_over(20, FraudAction::kStepUp)});
  policy.step_up = step_up(20.0, 0.0, 1.0);
  h.scenario.nodes[h.node("iss")].fraud = policy;
  h.start();
  h.run();
  ASSERT_TRUE(h.done());
  const auto payments = arrived(h);
  const auto& decisions = h.observer.fraud_decisions;
  std::map<std::uint64_t, core::FraudVerdict> last;
  std::map<std::uint64_t, int> requests;
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    const auto& d = decisions[i];
    const bool over = d.payment.amount > core::money_from_major(20);
    const FraudAction want = i >= 23                            ? FraudAction::kDecline
                             : over && !d.verdict.authenticated ? FraudAction::kStepUp
                                                                : FraudAction::kApprove;
    EXPECT_EQ(d.verdict.action, want) << "decision " << i;
    EXPECT_EQ(d.station.node, h.node("iss"));
    last[d.payment.id] = d.verdict;
    ++requests[d.payment.id];
  }
  std::map<std::uint64_t, int> charges;
  for (const auto& r : h.observer.reconciled) charges[r.payment] = r.r.standing_charges;
  constexpr double kRoundTrip = 0.002 + 0.001 + 0.0005 + 0.008;
  int passed = 0, declined_after = 0;
  ASSERT_EQ(h.observer.finals.size(), 20u);
  for (const auto& f : h.observer.finals) {
    const bool over = payments.at(f.payment).amount > core::money_from_major(20);
    const int n = requests.at(f.payment);
    EXPECT_EQ(n, over ? 2 : 1) << f.payment;
    EXPECT_NEAR(f.latency_s, n == 1 ? kRoundTrip : kRoundTrip + 20.0 + kRoundTrip, 1e-9);
    if (last.at(f.payment).action == FraudAction::kDecline) {
      ++declined_after;
      EXPECT_EQ(f.code, ResponseCode::kSuspectedFraud) << f.payment;
      EXPECT_EQ(charges.at(f.payment), 0);
    } else {
      passed += n == 2;
      EXPECT_EQ(f.outcome, Outcome::kApproved) << f.payment;
      EXPECT_EQ(charges.at(f.payment), 1);
    }
  }
  EXPECT_EQ(passed, 3);
  EXPECT_GT(declined_after, 0);
}

}  // namespace
}  // namespace payquake::payments
