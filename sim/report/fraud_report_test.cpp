#include "report/fraud_report.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "report/summary.hpp"

namespace payquake::report {
namespace {

using core::Outcome;
using core::ResponseCode;

// A gateway with a policy and a card-testing attack; windows of 10 s, no warm-up.
core::Scenario scenario() {
  core::Scenario s;
  s.name = "fraud-report";
  s.duration_s = 30;
  s.window_s = 10;
  s.slo.window_s = 10;
  core::Node gw;
  gw.id = "gw";
  gw.fraud.emplace();
  gw.fraud->source_file = "models/fraud/score-threshold.yaml";
  s.nodes.push_back(gw);
  core::Attack ct;
  ct.id = "ct";
  s.attacks.push_back(ct);
  s.fraud.chargeback_fee = core::Money{1500};
  s.fraud.margin = 0.25;
  return s;
}

core::Payment payment(std::uint64_t id, double at, std::int64_t minor, bool fraud,
                      std::uint32_t attack, std::uint8_t marks) {
  core::Payment p;
  p.id = id;
  p.intended_arrival_s = at;
  p.amount = core::Money{minor};
  p.fraud = fraud;
  p.attack = attack;
  p.fraud_marks = marks;
  return p;
}

// Window 0: an approved card test (1.50) and a caught one; window 1: a legitimate 40.00
// declined by the policy, and one approved legitimate payment.
metrics::RunMetrics run(const core::Scenario& s) {
  metrics::RunMetrics m(s);
  auto live = [&m](const core::Payment& p, Outcome o, ResponseCode c, int charges) {
    m.on_clock(p.intended_arrival_s);
    m.on_arrival(p, p.intended_arrival_s);
    m.on_fraud_decision({0, 0}, p, {}, p.intended_arrival_s);
    m.on_final(p, o, c, p.intended_arrival_s + 0.5);
    core::ReconciledPayment r;
    r.outcome = o;
    r.standing_charges = charges;
    m.on_reconciled(p, r, p.intended_arrival_s + 0.5);
  };
  live(payment(1, 1, 150, true, 0, 0), Outcome::kApproved, ResponseCode::kApproved, 1);
  live(payment(2, 2, 120, true, 0, core::kPolicyDeclined), Outcome::kDeclined,
       ResponseCode::kSuspectedFraud, 0);
  live(payment(3, 11, 4000, false, core::kNoAttack, core::kPolicyDeclined), Outcome::kDeclined,
       ResponseCode::kSuspectedFraud, 0);
  live(payment(4, 12, 1000, false, core::kNoAttack, 0), Outcome::kApproved, ResponseCode::kApproved,
       1);
  m.finish(25);
  return m;
}

TEST(FraudReport, SummaryJsonHasTheContractsFigures) {
  const auto s = scenario();
  const auto m = run(s);
  const auto j = summary_json(s, m, RunInfo{});
  const auto& f = j["fraud"];
  EXPECT_EQ(f["attempts"], 2);
  EXPECT_EQ(f["approved"], 1);
  EXPECT_EQ(f["loss"], "1.50");
  EXPECT_EQ(f["caught"], 1);
  EXPECT_EQ(f["false_declines"], 1);
  EXPECT_EQ(f["false_decline_amount"], "40.00");
  EXPECT_EQ(f["chargebacks"], 1);
  EXPECT_EQ(f["chargeback_fees"], "15.00");
  EXPECT_EQ(f["lost_margin"], "10.00");
  EXPECT_EQ(f["total_cost"], "26.50");
  EXPECT_DOUBLE_EQ(f["catch_rate"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(f["false_decline_rate"].get<double>(), 0.5);
  EXPECT_EQ(f["by_attack"]["ct"]["kind"], "card_testing");
  EXPECT_EQ(f["by_attack"]["ct"]["caught"], 1);
  EXPECT_EQ(f["by_policy"]["gw"]["file"], "models/fraud/score-threshold.yaml");
  // Relative to the scenario's folder, so that the bytes do not depend on where it sits.
  core::Scenario elsewhere = s;
  elsewhere.source_file = "/runs/a/scenarios/s.yaml";
  elsewhere.nodes[0].fraud->source_file = "/runs/a/models/fraud/score-threshold.yaml";
  const metrics::RunMetrics moved(elsewhere);
  EXPECT_EQ(fraud_json(elsewhere, moved.fraud())["by_policy"]["gw"]["file"],
            "../models/fraud/score-threshold.yaml");
  elsewhere.nodes[0].fraud->source_file = elsewhere.source_file;  // an inline policy
  const metrics::RunMetrics inline_policy(elsewhere);
  EXPECT_EQ(fraud_json(elsewhere, inline_policy.fraud())["by_policy"]["gw"]["file"], "s.yaml");
  EXPECT_EQ(f["by_policy"]["gw"]["evaluated"], 4);
  // The fraud codes are counted like the others.
  EXPECT_EQ(j["payments"]["by_code"]["59"], 2);
  for (const char* code : {"14", "30", "65"}) {
    EXPECT_EQ(j["payments"]["by_code"][code], 0) << code;
    EXPECT_EQ(j["payments"]["declines_by_code"][code], 0) << code;
  }
}

TEST(FraudReport, ZerosAndNoTextWithoutPoliciesAttacksOrFraud) {
  core::Scenario s = scenario();
  s.attacks.clear();
  s.nodes[0].fraud.reset();
  metrics::RunMetrics m(s);
  m.finish(5);
  const auto f = fraud_json(s, m.fraud());
  for (const char* k : {"attempts", "approved", "caught", "step_ups", "false_declines"})
    EXPECT_EQ(f[k], 0) << k;
  EXPECT_EQ(f["total_cost"], "0.00");
  EXPECT_EQ(f["catch_rate"], 0.0);
  EXPECT_EQ(f["added_latency_seconds"]["p99"], 0.0);
  EXPECT_TRUE(f["by_attack"].empty());
  EXPECT_EQ(fraud_text(s, m.fraud()), "");
  const std::string text = human_summary(s, m, RunInfo{}, "out");
  EXPECT_EQ(text.find("fraudulent"), std::string::npos) << text;
  EXPECT_EQ(text.find("fraud cost"), std::string::npos) << text;
}

TEST(FraudReport, WithoutAPolicyTheSummarySaysSoInsteadOfCountingCustomers) {
  auto s = scenario();
  for (auto& n : s.nodes) n.fraud.reset();
  const auto m = run(s);
  const std::string text = human_summary(s, m, RunInfo{}, "out");
  EXPECT_NE(text.find("no node runs a fraud policy"), std::string::npos) << text;
  EXPECT_EQ(text.find("declined by a policy"), std::string::npos) << text;
  EXPECT_NE(text.find("fraud cost"), std::string::npos) << text;
}

TEST(FraudReport, HumanSummarySaysTheCostAndItsParts) {
  const auto s = scenario();
  const auto m = run(s);
  const std::string text = human_summary(s, m, RunInfo{}, "out");
  EXPECT_NE(text.find("2 fraudulent payments arrived (measured): 1 approved (loss 1.50), 1 caught"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("26.50 = loss 1.50 + chargeback fees 15.00 (1 x 15.00) + lost margin 10.00 "
                      "(25% of 40.00"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("2 legitimate payments (measured): 1 declined by a policy (50.000%, 40.00 "
                      "of sales), 0 gave up at a challenge (0.00); 0 challenges"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("attack       ct (card_testing)"), std::string::npos) << text;
  EXPECT_NE(text.find("policy       gw (models/fraud/score-threshold.yaml): 4 decisions"),
            std::string::npos)
      << text;
}

TEST(FraudReport, TimeseriesEndsWithTheFraudColumnsByArrivalWindow) {
  const auto s = scenario();
  const auto m = run(s);
  const std::string csv = timeseries_csv(s, m);
  const std::string header = csv.substr(0, csv.find('\n'));
  const std::string tail = ",fraud_attempts,fraud_approved,fraud_caught,false_declines,step_ups";
  ASSERT_GE(header.size(), tail.size());
  EXPECT_EQ(header.substr(header.size() - tail.size()), tail);
  std::istringstream in(csv);
  std::string line;
  std::vector<std::string> rows;
  while (std::getline(in, line)) rows.push_back(line);
  ASSERT_EQ(rows.size(), 1 + m.windows().size());
  auto ends = [](const std::string& row, const std::string& end) {
    return row.size() >= end.size() && row.substr(row.size() - end.size()) == end;
  };
  EXPECT_TRUE(ends(rows[1], ",2,1,1,0,0")) << rows[1];
  EXPECT_TRUE(ends(rows[2], ",0,0,0,1,0")) << rows[2];
  EXPECT_TRUE(ends(rows[3], ",0,0,0,0,0")) << rows[3];
}

}  // namespace
}  // namespace payquake::report
