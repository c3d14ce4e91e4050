// Fraud policy files: the shipped models load with the figures their comments explain, the
// DESIGN.md example loads, and every mistake is located with its key path (did-you-mean
// for unknown keys and choices); rules that need a missing section say which.
#include "scenario/fraud_policy_file.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "scenario/test_util.hpp"

namespace payquake::scenario {
namespace {

using core::FraudAction;
using core::FraudRule;
using testing::TempDir;

const std::string kModels = std::string(PAYQUAKE_SOURCE_DIR) + "/models/fraud/";

// The policy of DESIGN.md section 4, verbatim.
const std::string kDesignPolicy =
    "score: {auc: 0.93, latency: {dist: lognormal, median: 3ms, p99: 20ms}}\n"
    "rules:                              # first match wins; otherwise approve\n"
    "  - {velocity: {per: card, window: 10m, max: 5}, action: decline}\n"
    "  - {amount_over: 1500.00, action: step_up}\n"
    "  - {score_over: 0.95, action: decline}\n"
    "  - {score_over: 0.70, action: step_up}\n"
    "step_up: {latency: {dist: lognormal, median: 20s, p99: 90s}, abandon: 10%, stops_fraud: "
    "90%}\n";

std::vector<std::string> errors_of(const std::string& text) {
  try {
    read_fraud_policy_string(text, "p.yaml");
  } catch (const ScenarioError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.diagnostics()) out.push_back(d.to_string());
    return out;
  }
  return {};
}

using Errors = std::vector<std::string>;

TEST(FraudPolicyFile, ReadsTheDesignExample) {
  const core::FraudPolicy p = read_fraud_policy_string(kDesignPolicy, "design.yaml");
  ASSERT_TRUE(p.score);
  EXPECT_EQ(p.score->auc, 0.93);
  EXPECT_NEAR(std::exp(p.score->latency.mu), 0.003, 1e-12);
  ASSERT_EQ(p.rules.size(), 4u);
  EXPECT_EQ(p.rules[0].kind, FraudRule::Kind::kVelocity);
  EXPECT_EQ(p.rules[0].velocity.per, core::FraudSubject::kCard);
  EXPECT_EQ(p.rules[0].velocity.window_s, 600.0);
  EXPECT_EQ(p.rules[0].velocity.max, 5);
  EXPECT_EQ(p.rules[0].action, FraudAction::kDecline);
  EXPECT_EQ(p.rules[1].kind, FraudRule::Kind::kAmountOver);
  EXPECT_EQ(p.rules[1].amount_over, core::Money{150000});
  EXPECT_EQ(p.rules[1].action, FraudAction::kStepUp);
  EXPECT_EQ(p.rules[3].score_over, 0.70);
  ASSERT_TRUE(p.step_up);
  EXPECT_NEAR(std::exp(p.step_up->latency.mu), 20.0, 1e-9);
  EXPECT_EQ(p.step_up->abandon, 0.10);
  EXPECT_EQ(p.step_up->stops_fraud, 0.90);
  EXPECT_EQ(p.on_failure, core::PolicyFailure::kFailOpen);  // the default
  EXPECT_EQ(p.source_file, "design.yaml");
}

TEST(FraudPolicyFile, ShippedModelsLoad) {
  const auto rules_only = read_fraud_policy(kModels + "rules-only.yaml");
  EXPECT_FALSE(rules_only.score);
  EXPECT_FALSE(rules_only.step_up);
  ASSERT_EQ(rules_only.rules.size(), 3u);
  EXPECT_EQ(rules_only.rules[1].velocity.per, core::FraudSubject::kDevice);
  EXPECT_EQ(rules_only.rules[2].amount_over, core::Money{200000});

  const auto threshold = read_fraud_policy(kModels + "score-threshold.yaml");
  ASSERT_TRUE(threshold.score);
  ASSERT_EQ(threshold.rules.size(), 1u);
  EXPECT_EQ(threshold.rules[0].score_over, 0.99);

  const auto three_ds = read_fraud_policy(kModels + "velocity-plus-3ds.yaml");
  ASSERT_TRUE(three_ds.step_up);
  ASSERT_EQ(three_ds.rules.size(), 4u);
  EXPECT_EQ(three_ds.rules[3].action, FraudAction::kStepUp);
  EXPECT_EQ(three_ds.on_failure, core::PolicyFailure::kFailOpen);
}

TEST(FraudPolicyFile, TellsPoliciesFromScenarios) {
  EXPECT_TRUE(is_fraud_policy_file(kModels + "velocity-plus-3ds.yaml"));
  EXPECT_FALSE(
      is_fraud_policy_file(std::string(PAYQUAKE_SOURCE_DIR) + "/scenarios/quickstart.yaml"));
  TempDir dir;
  EXPECT_FALSE(is_fraud_policy_file(dir.write("list.yaml", "- rules\n")));
  EXPECT_FALSE(is_fraud_policy_file(dir.path("missing.yaml")));
  // A scenario that also carries a policy key is still a scenario (its loader judges it).
  EXPECT_FALSE(is_fraud_policy_file(dir.write("s.yaml", "name: x\nrules: []\n")));
}

TEST(FraudPolicyFile, LoadedAsAScenarioItSaysWhatItIs) {
  try {
    load_file(kModels + "score-threshold.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u) << e.what();
    EXPECT_EQ(e.diagnostics()[0].message, kPolicyIsNotAScenario);
    EXPECT_EQ(e.diagnostics()[0].line, 6);  // the document's first key
  }
}

TEST(FraudPolicyFile, BlockListsAndFailClosed) {
  const auto p = read_fraud_policy_string(
      "rules:\n"
      "  - {block: {per: device, ids: [9, 3, 9, 1_000]}, action: decline}\n"
      "  - {block: {per: card, ids: [5]}, action: approve}\n"
      "on_failure: fail_closed\n",
      "p.yaml");
  ASSERT_EQ(p.rules.size(), 2u);
  EXPECT_EQ(p.rules[0].block_per, core::FraudSubject::kDevice);
  EXPECT_EQ(p.rules[0].block_ids, (std::vector<std::uint64_t>{3, 9, 1000}));  // sorted, unique
  EXPECT_EQ(p.rules[1].action, FraudAction::kApprove);
  EXPECT_EQ(p.on_failure, core::PolicyFailure::kFailClosed);
}

TEST(FraudPolicyFile, IncludesMergeAsInAScenario) {
  TempDir dir;
  dir.write("base.yaml",
            "step_up: {latency: {dist: constant, value: 5s}, abandon: 0%, "
            "stops_fraud: 100%}\n");
  const auto p = read_fraud_policy(
      dir.write("p.yaml", "include: base.yaml\nrules: [{amount_over: 10.00, action: step_up}]\n"));
  ASSERT_TRUE(p.step_up);
  EXPECT_EQ(p.step_up->latency.value, 5.0);
  // A policy that is all include is still told from a scenario.
  EXPECT_TRUE(is_fraud_policy_file(dir.write("only.yaml", "include: p.yaml\n")));
}

TEST(FraudPolicyFile, UnknownKeysAndChoicesSuggestTheNearest) {
  EXPECT_EQ(errors_of("rules:\n"
                      "  - {velocity: {per: cards, window: 10m, max: 5}, action: declin}\n"
                      "on_falure: fail_open\n"),
            (Errors{"p.yaml:2:22: rules[0].velocity.per: expected one of card, merchant, "
                    "device, got 'cards' (did you mean 'card'?)",
                    "p.yaml:2:59: rules[0].action: expected one of approve, decline, step_up, "
                    "got 'declin' (did you mean 'decline'?)",
                    "p.yaml:3:1: on_falure: unknown key 'on_falure', did you mean 'on_failure'?"}));
  EXPECT_EQ(errors_of("rules: [{amount_over: 1.00, action: step_up}]\n"
                      "step_up: {latency: {dist: constant, value: 1s}, abandon: 10%, "
                      "stop_fraud: 90%}\n"),
            // One message: "the key is missing" would repeat the misspelling.
            (Errors{"p.yaml:2:63: step_up.stop_fraud: unknown key 'stop_fraud', did you mean "
                    "'stops_fraud'?"}));
}

TEST(FraudPolicyFile, RulesNeedOneConditionAndTheirSections) {
  EXPECT_EQ(errors_of("rules:\n"
                      "  - {action: decline}\n"
                      "  - {amount_over: 5.00, score_over: 0.5, action: decline}\n"
                      "  - {score_over: 0.9, action: decline}\n"
                      "  - {amount_over: 5.00, action: step_up}\n"),
            (Errors{"p.yaml:2:5: rules[0]: expected one condition per rule (velocity, "
                    "amount_over, score_over or block), got none",
                    "p.yaml:3:5: rules[1]: expected one condition per rule (velocity, "
                    "amount_over, score_over or block), got amount_over and score_over",
                    "p.yaml:4:18: rules[2].score_over: expected a rule the policy can evaluate, "
                    "got a score threshold, and the policy has no score: section (add score: "
                    "{auc, latency})",
                    "p.yaml:5:33: rules[3].action: expected approve or decline, got 'step_up', "
                    "and the policy has no step_up: section (add step_up: {latency, abandon, "
                    "stops_fraud})"}));
}

TEST(FraudPolicyFile, NumbersOutOfRangeAreLocated) {
  EXPECT_EQ(errors_of("score: {auc: 1.0, latency: {dist: constant, value: 1ms}}\n"
                      "rules:\n"
                      "  - {score_over: 1.5, action: decline}\n"
                      "  - {velocity: {per: card, window: 0s, max: 0}, action: decline}\n"
                      "  - {amount_over: -1, action: decline}\n"),
            (Errors{"p.yaml:1:14: score.auc: expected a number from 0.5 (no skill) to below 1 (1 "
                    "would be a perfect score, which no model is), got '1.0'",
                    "p.yaml:3:18: rules[0].score_over: expected a score from 0 to below 1, got "
                    "'1.5'",
                    "p.yaml:4:36: rules[1].velocity.window: expected a duration > 0, got '0s'",
                    "p.yaml:4:45: rules[1].velocity.max: expected a count >= 1, got '0'",
                    "p.yaml:5:19: rules[2].amount_over: expected money with at most two decimals, "
                    "like 42.50, got '-1'"}));
}

TEST(FraudPolicyFile, RulesAreRequiredAndBounded) {
  EXPECT_EQ(errors_of("on_failure: fail_open\n"),
            (Errors{"p.yaml:1:1: rules: expected a list of rules (first match wins), at least "
                    "one, got nothing (the key is missing)"}));
  EXPECT_EQ(errors_of("rules: []\n"),
            (Errors{"p.yaml:1:8: rules: expected at least one rule, got an empty list"}));
  std::string many = "rules:\n";
  for (std::size_t i = 0; i <= kMaxFraudRules; ++i)
    many += "  - {amount_over: 1.00, action: decline}\n";
  EXPECT_EQ(errors_of(many),
            (Errors{"p.yaml:2:3: rules: expected at most 1000 rules, got 1001 (put many ids in "
                    "one block: rule)"}));
  EXPECT_EQ(errors_of("rules: [{block: {per: card, ids: []}, action: decline}]\n"),
            (Errors{"p.yaml:1:34: rules[0].block.ids: expected at least one id, got an empty "
                    "list"}));
}

TEST(FraudPolicyFile, AFileThatCannotBeReadIsNamed) {
  try {
    read_fraud_policy("/nonexistent/policy.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_TRUE(e.diagnostics()[0].to_string().starts_with(
        "/nonexistent/policy.yaml: cannot read the fraud policy: "))
        << e.what();
  }
}

}  // namespace
}  // namespace payquake::scenario
