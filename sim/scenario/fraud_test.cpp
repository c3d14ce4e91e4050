// The fraud side of the scenario format (issue 10): node policies (inline and included),
// signing, the scenario's fraud economics, populations' merchants, devices and fraud rates,
// attacks with their per-kind keys and defaults, policy_outage and the nonce store outage,
// and --set on attacks and on an included policy's rule thresholds.
#include <gtest/gtest.h>

#include "scenario/loader.hpp"
#include "scenario/test_util.hpp"

namespace payquake::scenario {
namespace {

using testing::errors_of;
using testing::kReference;
using testing::reference_with;
using testing::TempDir;
using Errors = std::vector<std::string>;
using AK = core::Attack::Kind;

constexpr const char* kPolicy =
    "score: {auc: 0.9, latency: {dist: constant, value: 3ms}}\n"
    "rules:\n"
    "  - {velocity: {per: card, window: 10m, max: 5}, action: decline}\n"
    "  - {score_over: 0.95, action: decline}\n"
    "  - {score_over: 0.7, action: step_up}\n"
    "step_up: {latency: {dist: constant, value: 20s}, abandon: 10%, stops_fraud: 90%}\n";

// kReference with `fraud:` lines on gw (inline) and `extra` appended (line 55 on).
std::string with_gw_policy(const std::string& extra = "") {
  return reference_with("    timeout: 4s\n",
                        "    timeout: 4s\n"
                        "    fraud: {rules: [{amount_over: 500.00, action: decline}]}\n") +
         extra;
}

// A scenario in a temporary folder whose issuer includes policy.yaml.
struct IncludedPolicy {
  TempDir dir;
  std::string scenario;
  IncludedPolicy() {
    dir.write("policy.yaml", kPolicy);
    scenario = dir.write("s.yaml", reference_with("    queue: unlimited\n",
                                                  "    queue: unlimited\n"
                                                  "    fraud: {include: policy.yaml}\n"));
  }
};

TEST(Fraud, NodePolicyInlineAndIncluded) {
  IncludedPolicy f;
  const core::Scenario s = load_file(f.scenario);
  const core::Node& iss = *s.find_node("iss");
  ASSERT_TRUE(iss.fraud.has_value());
  EXPECT_EQ(iss.fraud->source_file, f.dir.path("policy.yaml"));
  ASSERT_EQ(iss.fraud->rules.size(), 3u);
  EXPECT_EQ(iss.fraud->rules[1].score_over, 0.95);
  EXPECT_EQ(iss.fraud->rules[2].action, core::FraudAction::kStepUp);
  EXPECT_EQ(iss.fraud->step_up->abandon, 0.10);
  EXPECT_FALSE(s.find_node("gw")->fraud.has_value());

  const core::Scenario g = load_string(with_gw_policy(), "t.yaml");
  ASSERT_TRUE(g.find_node("gw")->fraud.has_value());
  EXPECT_EQ(g.find_node("gw")->fraud->source_file, "t.yaml");
  EXPECT_EQ(g.find_node("gw")->fraud->rules[0].amount_over.minor, 50000);
}

TEST(Fraud, PolicyMistakesAreLocatedWhereWritten) {
  // In the included file, with the key path the scenario reaches it by.
  TempDir dir;
  dir.write("policy.yaml", "rules:\n  - {score_over: 0.9, action: decline}\n");
  const std::string file = dir.write(
      "s.yaml", reference_with("    queue: unlimited\n",
                               "    queue: unlimited\n    fraud: {include: policy.yaml}\n"));
  try {
    load_file(file);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.what(), dir.path("policy.yaml") +
                            ":2:18: nodes.iss.fraud.rules[0].score_over: expected a rule the "
                            "policy can evaluate, got a score threshold, and the policy has no "
                            "score: section (add score: {auc, latency})");
  }
  EXPECT_EQ(errors_of(reference_with("    timeout: 4s\n", "    timeout: 4s\n    fraud: {rulez: []}\n")),
            Errors{"t.yaml:23:13: nodes.gw.fraud.rulez: unknown key 'rulez', did you mean 'rules'?"});
}

TEST(Fraud, PolicyAndSigningOnlyWhereTheyMeanSomething) {
  EXPECT_EQ(errors_of(reference_with("    timeout: 3s\n", "    timeout: 3s\n    fraud: {}\n")),
            Errors{"t.yaml:30:12: nodes.acq.fraud: expected no fraud on an acquirer (only "
                   "gateways and issuers run fraud policies), got an empty mapping"});
  EXPECT_EQ(errors_of(reference_with("    timeout: 2s\n", "    timeout: 2s\n    fraud: {}\n")),
            Errors{"t.yaml:36:12: nodes.net.fraud: expected no fraud on a network (only "
                   "gateways and issuers run fraud policies), got an empty mapping"});
  EXPECT_EQ(errors_of(reference_with("    queue: unlimited\n",
                                     "    queue: unlimited\n    signing: {enabled: true}\n")),
            Errors{"t.yaml:42:14: nodes.iss.signing: expected no signing on an issuer (only "
                   "gateways check request signatures), got a mapping"});
}

TEST(Fraud, SigningEconomicsAndPopulations) {
  const core::Scenario s = load_string(
      reference_with("    timeout: 4s\n",
                     "    timeout: 4s\n"
                     "    signing: {enabled: true, window: 2m, nonce_capacity: 5000, "
                     "on_store_failure: fail_open}\n") +
          "fraud: {base_rate: 0.1%, chargeback_fee: 20.50, margin: 30%}\n",
      "t.yaml", {"payers.shoppers.merchants=250", "payers.shoppers.second_device=5%",
                 "payers.shoppers.fraud_rate=1%"});
  const core::Signing& g = s.find_node("gw")->signing;
  EXPECT_TRUE(g.enabled);
  EXPECT_EQ(g.window_s, 120.0);
  EXPECT_EQ(g.nonce_capacity, 5000);
  EXPECT_EQ(g.on_store_failure, core::StoreFailure::kFailOpen);
  EXPECT_EQ(s.fraud.base_rate, 0.001);
  EXPECT_EQ(s.fraud.chargeback_fee.minor, 2050);
  EXPECT_EQ(s.fraud.margin, 0.30);
  EXPECT_EQ(s.payers[0].merchants, 250);
  EXPECT_EQ(s.payers[0].second_device, 0.05);
  EXPECT_EQ(s.payers[0].fraud_rate, 0.01);

  // Defaults: the contract's figures, and no population rate (the base rate applies).
  const core::Scenario d = load_string(kReference, "t.yaml");
  EXPECT_EQ(d.fraud.base_rate, 0.0005);
  EXPECT_EQ(d.fraud.chargeback_fee.minor, 1500);
  EXPECT_EQ(d.payers[0].merchants, 1000);
  EXPECT_EQ(d.payers[0].second_device, 0.2);
  EXPECT_FALSE(d.payers[0].fraud_rate.has_value());
  EXPECT_FALSE(d.find_node("gw")->signing.enabled);

  EXPECT_EQ(errors_of(kReference + "fraud: {base_rate: 2, margin: -1%, chargeback: 1}\n"),
            Errors({"t.yaml:55:20: fraud.base_rate: expected a percentage like 99.5%, got '2'",
                    "t.yaml:55:31: fraud.margin: expected a percentage >= 0% and <= 100%, got "
                    "'-1%'",
                    "t.yaml:55:36: fraud.chargeback: unknown key 'chargeback', expected one of "
                    "base_rate, chargeback_fee, margin"}));
  EXPECT_EQ(errors_of(kReference, {"nodes.gw.signing={window: 5m}"}),
            Errors{"--set: nodes.gw.signing.enabled: expected true or false, got nothing (the "
                   "key is missing)"});
}

TEST(Fraud, AttacksWithEveryDefault) {
  const core::Scenario s = load_string(
      kReference +
          "attacks:\n"
          "  - {kind: card_testing, entry: gw, at: 3m, duration: 10m, rate: 30/s}\n"
          "  - {kind: bin_attack, entry: gw, at: 1m, duration: 2m, rate: 100/s}\n"
          "  - {kind: account_takeover, entry: gw, at: 6m, duration: 20m, rate: 2/s}\n"
          "  - {kind: flood, entry: gw, at: 18m, duration: 1m, rate: 5k/s}\n"
          "  - {kind: replay, entry: gw, at: 9m, duration: 5m, rate: 5/s}\n"
          "  - {kind: flood, id: late, entry: gw, at: 19m, duration: 1m, rate: 1k/s}\n"
          "  - {kind: flood, entry: gw, at: 20m, duration: 1m, rate: 1k/s}\n",
      "t.yaml");
  ASSERT_EQ(s.attacks.size(), 7u);
  const core::Attack& ct = s.attacks[0];
  EXPECT_EQ(ct.kind, AK::kCardTesting);
  EXPECT_EQ(ct.id, "card_testing-1");
  EXPECT_EQ(ct.entry, "gw");
  EXPECT_EQ(ct.at_s, 180.0);
  EXPECT_EQ(ct.duration_s, 600.0);
  EXPECT_EQ(ct.rate_per_s, 30.0);
  EXPECT_EQ(ct.amount.kind, core::Distribution::Kind::kUniform);
  EXPECT_EQ(ct.amount.min, 0.5);
  EXPECT_EQ(ct.amount.max, 2.0);
  EXPECT_EQ(ct.payers, "shoppers");
  EXPECT_EQ(ct.cards, 10000);
  EXPECT_EQ(ct.devices, 20);
  EXPECT_EQ(ct.tries_per_card, 3);
  EXPECT_EQ(ct.pause_above, 0.5);
  EXPECT_EQ(ct.pause_s, 60.0);
  EXPECT_EQ(s.attacks[1].id, "bin_attack-1");
  EXPECT_EQ(s.attacks[1].issuer, "iss");
  EXPECT_EQ(s.attacks[1].valid, 0.02);
  EXPECT_EQ(s.attacks[1].amount.min, 1.0);
  EXPECT_EQ(s.attacks[1].amount.max, 5.0);
  const core::Distribution ato = core::Distribution::lognormal_from_median_p99(600.0, 3000.0);
  EXPECT_EQ(s.attacks[2].amount.kind, core::Distribution::Kind::kLognormal);
  EXPECT_EQ(s.attacks[2].amount.mu, ato.mu);
  EXPECT_EQ(s.attacks[2].amount.sigma, ato.sigma);
  EXPECT_EQ(s.attacks[3].id, "flood-1");
  EXPECT_EQ(s.attacks[3].amount.kind, core::Distribution::Kind::kConstant);
  EXPECT_EQ(s.attacks[3].amount.value, 1.0);
  EXPECT_EQ(s.attacks[4].capture_s, 600.0);
  // n counts every attack of the kind, named or not.
  EXPECT_EQ(s.attacks[5].id, "late");
  EXPECT_EQ(s.attacks[6].id, "flood-3");
}

TEST(Fraud, AttackKeysAsWritten) {
  const core::Scenario s = load_string(
      kReference +
          "attacks:\n"
          "  - {kind: card_testing, id: ct, entry: gw, at: 3m, duration: 10m, rate: 30/s, "
          "cards: 50000, amount: {dist: uniform, min: 0.25, max: 1.00}, devices: 7, "
          "tries_per_card: 4, pause_above: 80%, pause: 2m, payers: shoppers}\n"
          "  - {kind: bin_attack, entry: gw, at: 1m, duration: 2m, rate: 100/s, issuer: iss, "
          "valid: 5%, devices: 3}\n"
          "  - {kind: replay, entry: gw, at: 9m, duration: 5m, rate: 5/s, capture: 1h}\n",
      "t.yaml");
  EXPECT_EQ(s.attacks[0].id, "ct");
  EXPECT_EQ(s.attacks[0].cards, 50000);
  EXPECT_EQ(s.attacks[0].amount.min, 0.25);
  EXPECT_EQ(s.attacks[0].devices, 7);
  EXPECT_EQ(s.attacks[0].tries_per_card, 4);
  EXPECT_EQ(s.attacks[0].pause_above, 0.8);
  EXPECT_EQ(s.attacks[0].pause_s, 120.0);
  EXPECT_EQ(s.attacks[1].valid, 0.05);
  EXPECT_EQ(s.attacks[1].devices, 3);
  EXPECT_EQ(s.attacks[2].capture_s, 3600.0);
}

std::string attack(const std::string& fields) {
  return kReference + "attacks:\n  - {" + fields + "}\n";
}

TEST(Fraud, AttackMistakes) {
  EXPECT_EQ(errors_of(attack("kind: card_tsting, entry: gw, at: 1m, duration: 1m, rate: 1/s")),
            Errors{"t.yaml:56:12: attacks[0].kind: expected one of card_testing, bin_attack, "
                   "account_takeover, flood, replay, got 'card_tsting' (did you mean "
                   "'card_testing'?)"});
  // A key of another kind is an error, as with faults.
  EXPECT_EQ(errors_of(attack("kind: replay, entry: gw, at: 1m, duration: 1m, rate: 1/s, "
                             "amount: {dist: constant, value: 1.00}")),
            Errors{"t.yaml:56:64: attacks.replay-1.amount: unknown key 'amount', expected one of "
                   "kind, id, entry, at, duration, rate, capture"});
  EXPECT_EQ(errors_of(attack("kind: flood, entry: gw, at: 1m, duration: 1m, rate: 1/s, "
                             "capture: 1m")),
            Errors{"t.yaml:56:63: attacks.flood-1.capture: unknown key 'capture', expected one of "
                   "kind, id, entry, at, duration, rate, amount"});
  EXPECT_EQ(errors_of(attack("kind: flood, entry: acq, at: 1m, duration: 1m, rate: 1/s")),
            Errors{"t.yaml:56:26: attacks.flood-1.entry: expected the id of a gateway (gw), got "
                   "'acq' (an acquirer; attacks arrive where customers do)"});
  EXPECT_EQ(errors_of(attack("kind: flood, entry: gww, at: 1m, duration: 1m, rate: 1/s")),
            Errors{"t.yaml:56:26: attacks.flood-1.entry: expected the id of a gateway (gw), got "
                   "'gww' (did you mean 'gw'?)"});
  EXPECT_EQ(errors_of(attack("kind: flood, entry: gw, at: 30m, duration: 1m, rate: 1/s")),
            Errors{"t.yaml:56:34: attacks.flood-1.at: expected a start before the scenario ends "
                   "(duration 30m), got '30m'"});
  EXPECT_EQ(errors_of(attack("kind: flood, entry: gw, at: 1m, duration: 0s, rate: 0/s")),
            Errors({"t.yaml:56:48: attacks.flood-1.duration: expected a duration > 0, got '0s'",
                    "t.yaml:56:58: attacks.flood-1.rate: expected a rate > 0, got '0/s'"}));
  EXPECT_EQ(errors_of(attack("kind: card_testing, entry: gw, at: 1m, duration: 1m, rate: 1/s, "
                             "payers: shopers, cards: 0")),
            Errors({"t.yaml:56:78: attacks.card_testing-1.payers: expected a payer population "
                    "id (shoppers), got 'shopers' (did you mean 'shoppers'?)",
                    "t.yaml:56:94: attacks.card_testing-1.cards: expected a count >= 1, got "
                    "'0'"}));
  EXPECT_EQ(errors_of(attack("kind: card_testing, entry: gw, at: 1m, duration: 1m, rate: 1/s, "
                             "cards: 2_000_000")),
            Errors{"t.yaml:56:77: attacks.card_testing-1.cards: expected at most the 1000000 "
                   "cards of population 'shoppers' (the stolen cards are real ones), got "
                   "'2_000_000'"});
  EXPECT_EQ(errors_of(attack("kind: bin_attack, entry: gw, at: 1m, duration: 1m, rate: 1/s, "
                             "issuer: net, valid: 101%")),
            Errors({"t.yaml:56:76: attacks.bin_attack-1.issuer: expected the id of an issuer "
                    "(iss), got 'net' (a network)",
                    "t.yaml:56:88: attacks.bin_attack-1.valid: expected a percentage >= 0% and "
                    "<= 100%, got '101%'"}));
  EXPECT_EQ(errors_of(kReference +
                      "attacks:\n"
                      "  - {kind: flood, id: flood-2, entry: gw, at: 1m, duration: 1m, rate: 1/s}\n"
                      "  - {kind: flood, entry: gw, at: 1m, duration: 1m, rate: 1/s}\n"),
            Errors{"t.yaml:57:12: attacks[1]: expected a unique attack id, got the default "
                   "id 'flood-2', which another attack has (give this one an id)"});
  EXPECT_EQ(errors_of(kReference + "attacks: {kind: flood}\n"),
            Errors{"t.yaml:55:10: attacks: expected a list, got a mapping"});
}

TEST(Fraud, HostileAttackRateIsRefusedAtTheRate) {
  // 1e12 payments a second for 10 minutes: refused before anything is allocated.
  EXPECT_EQ(errors_of(attack("kind: flood, entry: gw, at: 1m, duration: 10m, rate: 1e12/s")),
            Errors{"t.yaml:56:59: attacks.flood-1.rate: expected at most 1e10 payments in a run "
                   "(the arrival rate over the duration), got ~6e14, ~6e14 of them this "
                   "attack's"});
  // A huge nonce store is memory: refused at its capacity.
  EXPECT_EQ(errors_of(reference_with("    timeout: 4s\n",
                                     "    timeout: 4s\n"
                                     "    signing: {enabled: true, nonce_capacity: 1e18}\n"),
                      {"load.stages[0].target=5000k/s"}),
            Errors{"t.yaml:23:46: nodes.gw.signing.nonce_capacity: expected a run needing at most "
                   "4 GiB of memory, got one needing ~510 GiB, ~510 GiB of it for the nonce store "
                   "of 'gw', up to 8.6e9 nonces"});
}

TEST(Fraud, AttackTimelineIsBounded) {
  std::string text = kReference + "attacks:\n";
  for (int i = 0; i < 1001; ++i)
    text += "  - {kind: flood, entry: gw, at: 1m, duration: 1s, rate: 1/s}\n";
  EXPECT_EQ(errors_of(text), Errors{"t.yaml:56:3: attacks: expected at most 1000 attacks, got 1001"});
  EXPECT_EQ(errors_of(attack("kind: bin_attack, entry: gw, at: 1m, duration: 1m, rate: 1/s, "
                             "devices: 1e15")),
            Errors{"t.yaml:56:77: attacks.bin_attack-1.devices: expected a count <= "
                   "1099511627776 (2^40), got '1e15'"});
}

// Found by the fuzzer: a preset scaled by 1e308 gives infinite rates, whose integral (inf -
// inf) is NaN; the payment limit must refuse it rather than let NaN through.
TEST(Fraud, InfiniteLoadIsRefusedNotLetThroughAsNaN) {
  const std::vector<std::string> errors =
      errors_of(kReference, {"load={preset: black_friday, scale: 1e308}"});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("--set: load: expected at most 1e10 payments in a run"))
      << errors[0];
}

TEST(Fraud, PolicyOutageAndNonceStoreTargets) {
  const core::Scenario s = load_string(
      reference_with("    timeout: 4s\n",
                     "    timeout: 4s\n"
                     "    signing: {enabled: true}\n"
                     "    fraud: {rules: [{amount_over: 500.00, action: decline}]}\n") +
          "faults:\n"
          "  - {kind: policy_outage, target: gw.fraud, at: 5m, duration: 2m}\n"
          "  - {kind: store_outage, target: gw.nonces, at: 8m, duration: 1m}\n",
      "t.yaml");
  ASSERT_EQ(s.faults.size(), 2u);
  EXPECT_EQ(s.faults[0].kind, core::Fault::Kind::kPolicyOutage);
  EXPECT_EQ(s.faults[0].node, "gw");
  EXPECT_EQ(s.faults[1].kind, core::Fault::Kind::kStoreOutage);
  EXPECT_EQ(s.faults[1].store, core::Fault::Store::kNonces);
  EXPECT_EQ(s.faults[1].node, "gw");

  EXPECT_EQ(errors_of(with_gw_policy(
                "faults:\n  - {kind: policy_outage, target: iss.fraud, at: 5m, duration: 2m}\n")),
            Errors{"t.yaml:57:35: faults[0].target: expected a node with a fraud policy (gw), "
                   "got 'iss.fraud' (iss runs no policy, so the fault would have no effect)"});
  EXPECT_EQ(errors_of(with_gw_policy(
                "faults:\n  - {kind: policy_outage, target: gw, at: 5m, duration: 2m}\n")),
            Errors{"t.yaml:57:35: faults[0].target: expected <node id>.fraud, like gw.fraud, got "
                   "'gw' (did you mean 'gw.fraud'?)"});
  EXPECT_EQ(errors_of(kReference +
                      "faults:\n  - {kind: store_outage, target: gw.nonces, at: 5m, duration: 2m}\n"),
            Errors{"t.yaml:56:34: faults[0].target: expected a gateway with signing enabled, got "
                   "'gw.nonces' (gw keeps no nonces, so the fault would have no effect)"});
  EXPECT_EQ(errors_of(kReference +
                      "faults:\n  - {kind: store_outage, target: iss.nonces, at: 5m, duration: 2m}\n"),
            Errors{"t.yaml:56:34: faults[0].target: expected <gateway id>.nonces (gateways: gw), "
                   "got 'iss.nonces' (iss is an issuer; only gateways check request signatures)"});
}

TEST(Fraud, OverridesReachAttacksAndIncludedThresholds) {
  const std::string attacks = kReference +
                              "attacks:\n"
                              "  - {kind: card_testing, id: ct, entry: gw, at: 3m, duration: 10m, "
                              "rate: 30/s}\n"
                              "  - {kind: flood, entry: gw, at: 1m, duration: 1m, rate: 1k/s}\n";
  const core::Scenario s =
      load_string(attacks, "t.yaml", {"attacks.ct.rate=50/s", "attacks.flood-1.duration=30s"});
  EXPECT_EQ(s.attacks[0].rate_per_s, 50.0);
  EXPECT_EQ(s.attacks[1].duration_s, 30.0);
  EXPECT_EQ(errors_of(attacks, {"attacks.flod-1.rate=1/s"}),
            Errors{"--set: attacks.flod-1: expected the id of an item of attacks (ct, flood-1), "
                   "got 'flod-1', did you mean 'flood-1'?"});
  EXPECT_EQ(errors_of(attacks, {"attacks.ct.rate=1e13/s"}),
            Errors{"--set: attacks.ct.rate: expected at most 1e10 payments in a run (the arrival "
                   "rate over the duration), got ~6e15, ~6e15 of them this attack's"});

  // A rule's threshold inside an included policy: includes are read before --set, and the
  // policy file itself is untouched (the next load sees 0.95 again).
  IncludedPolicy f;
  for (const char* path : {"nodes.iss.fraud.rules.1.score_over=0.9",
                           "nodes.iss.fraud.rules[1].score_over=0.9"}) {
    const core::Scenario o = load_file(f.scenario, {path});
    EXPECT_EQ(o.find_node("iss")->fraud->rules[1].score_over, 0.9) << path;
    EXPECT_EQ(o.find_node("iss")->fraud->rules[2].score_over, 0.7) << path;
  }
  EXPECT_EQ(load_file(f.scenario).find_node("iss")->fraud->rules[1].score_over, 0.95);
  try {
    load_file(f.scenario, {"nodes.iss.fraud.rules.1.score_over=1.5"});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(), "--set: nodes.iss.fraud.rules[1].score_over: expected a score from 0 "
                           "to below 1, got '1.5'");
  }
  try {
    load_file(f.scenario, {"nodes.iss.fraud.rules.3.score_over=0.5"});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(), "--set: nodes.iss.fraud.rules.3: expected an index into a list, got 3 "
                           "(the list has 3 items)");
  }
}

// The fuzz corpus's fraud seed is valid: its mutations reach past the first error.
// `--set nodes.<id>.fraud=FILE` swaps a whole policy (compare two policies on the same
// traffic); a relative FILE is read from the working folder, as a shell user expects.
TEST(Fraud, SetANodesPolicyToAnotherFile) {
  IncludedPolicy f;
  f.dir.write("other.yaml", "rules:\n  - {amount_over: 10.00, action: decline}\n");
  const core::Scenario o = load_file(f.scenario, {"nodes.iss.fraud=" + f.dir.path("other.yaml")});
  const core::Node& iss = *o.find_node("iss");
  ASSERT_EQ(iss.fraud->rules.size(), 1u);
  EXPECT_EQ(iss.fraud->rules[0].kind, core::FraudRule::Kind::kAmountOver);
  EXPECT_FALSE(iss.fraud->score.has_value());  // replaced, not merged with the old policy
  EXPECT_EQ(iss.fraud->source_file, f.dir.path("other.yaml"));
  try {
    load_file(f.scenario, {"nodes.iss.fraud=" + f.dir.path("missing.yaml")});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), "--set: nodes.iss.fraud: expected a readable file, got '" +
                                         f.dir.path("missing.yaml") + "' (no such file)");
  }
}

TEST(Fraud, FuzzSeedLoads) {
  const core::Scenario s =
      load_file(std::string(PAYQUAKE_SOURCE_DIR) + "/tests/scenario/fuzz/fraud-every-key.yaml");
  EXPECT_EQ(s.attacks.size(), 5u);
  EXPECT_EQ(s.faults.size(), 4u);
  EXPECT_EQ(s.find_node("gw")->fraud->rules.size(), 5u);
  EXPECT_EQ(s.find_node("iss")->fraud->on_failure, core::PolicyFailure::kFailClosed);
}

}  // namespace
}  // namespace payquake::scenario
