// to_resolved_yaml: every default written out, in readable units, and read back equal.
#include <gtest/gtest.h>

#include "scenario/loader.hpp"
#include "scenario/test_util.hpp"

namespace payquake::scenario {
namespace {

using testing::kReference;
using testing::reference_with;

void expect_equal(const core::Distribution& a, const core::Distribution& b,
                  const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.mu, b.mu);
  EXPECT_EQ(a.sigma, b.sigma);
  EXPECT_EQ(a.min, b.min);
  EXPECT_EQ(a.max, b.max);
  EXPECT_EQ(a.stddev, b.stddev);
  EXPECT_EQ(a.s, b.s);
}

// A node's policy, all but source_file (the resolved scenario writes it inline: read back,
// its file is the resolved scenario).
void expect_equal(const std::optional<core::FraudPolicy>& a,
                  const std::optional<core::FraudPolicy>& b) {
  ASSERT_EQ(a.has_value(), b.has_value());
  if (!a) return;
  ASSERT_EQ(a->score.has_value(), b->score.has_value());
  if (a->score) {
    EXPECT_EQ(a->score->auc, b->score->auc);
    expect_equal(a->score->latency, b->score->latency, "score.latency");
  }
  ASSERT_EQ(a->rules.size(), b->rules.size());
  for (std::size_t i = 0; i < a->rules.size(); ++i) {
    const core::FraudRule& x = a->rules[i];
    const core::FraudRule& y = b->rules[i];
    SCOPED_TRACE("rules[" + std::to_string(i) + "]");
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.velocity.per, y.velocity.per);
    EXPECT_EQ(x.velocity.window_s, y.velocity.window_s);
    EXPECT_EQ(x.velocity.max, y.velocity.max);
    EXPECT_EQ(x.amount_over, y.amount_over);
    EXPECT_EQ(x.score_over, y.score_over);
    EXPECT_EQ(x.block_per, y.block_per);
    EXPECT_EQ(x.block_ids, y.block_ids);
    EXPECT_EQ(x.action, y.action);
  }
  ASSERT_EQ(a->step_up.has_value(), b->step_up.has_value());
  if (a->step_up) {
    expect_equal(a->step_up->latency, b->step_up->latency, "step_up.latency");
    EXPECT_EQ(a->step_up->abandon, b->step_up->abandon);
    EXPECT_EQ(a->step_up->stops_fraud, b->step_up->stops_fraud);
  }
  EXPECT_EQ(a->on_failure, b->on_failure);
}

void expect_equal(const core::Attack& x, const core::Attack& y) {
  SCOPED_TRACE("attack " + x.id);
  EXPECT_EQ(x.kind, y.kind);
  EXPECT_EQ(x.id, y.id);
  EXPECT_EQ(x.entry, y.entry);
  EXPECT_EQ(x.at_s, y.at_s);
  EXPECT_EQ(x.duration_s, y.duration_s);
  EXPECT_EQ(x.rate_per_s, y.rate_per_s);
  expect_equal(x.amount, y.amount, "amount");
  EXPECT_EQ(x.payers, y.payers);
  EXPECT_EQ(x.issuer, y.issuer);
  EXPECT_EQ(x.cards, y.cards);
  EXPECT_EQ(x.valid, y.valid);
  EXPECT_EQ(x.devices, y.devices);
  EXPECT_EQ(x.tries_per_card, y.tries_per_card);
  EXPECT_EQ(x.pause_above, y.pause_above);
  EXPECT_EQ(x.pause_s, y.pause_s);
  EXPECT_EQ(x.capture_s, y.capture_s);
}

// Field by field, bit for bit: core::Scenario has no operator==.
void expect_equal(const core::Scenario& a, const core::Scenario& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.duration_s, b.duration_s);
  EXPECT_EQ(a.warmup_s, b.warmup_s);
  EXPECT_EQ(a.window_s, b.window_s);
  ASSERT_EQ(a.sites.size(), b.sites.size());
  for (std::size_t i = 0; i < a.sites.size(); ++i) {
    EXPECT_EQ(a.sites[i].id, b.sites[i].id);
    EXPECT_EQ(a.sites[i].internal_latency_s, b.sites[i].internal_latency_s);
  }
  ASSERT_EQ(a.links.size(), b.links.size());
  for (std::size_t i = 0; i < a.links.size(); ++i) {
    EXPECT_EQ(a.links[i].a, b.links[i].a);
    EXPECT_EQ(a.links[i].b, b.links[i].b);
    EXPECT_EQ(a.links[i].latency_s, b.links[i].latency_s);
    EXPECT_EQ(a.links[i].bandwidth_bps, b.links[i].bandwidth_bps);
  }
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  for (std::size_t i = 0; i < a.nodes.size(); ++i) {
    const core::Node& x = a.nodes[i];
    const core::Node& y = b.nodes[i];
    SCOPED_TRACE(x.id);
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.role, y.role);
    EXPECT_EQ(x.site, y.site);
    EXPECT_EQ(x.replicas, y.replicas);
    EXPECT_EQ(x.workers, y.workers);
    EXPECT_EQ(x.queue, y.queue);
    EXPECT_EQ(x.io, y.io);
    expect_equal(x.service_time, y.service_time, "service_time");
    EXPECT_EQ(x.next, y.next);
    EXPECT_EQ(x.routing, y.routing);
    EXPECT_EQ(x.timeout_s, y.timeout_s);
    EXPECT_EQ(x.bins, y.bins);
    EXPECT_EQ(x.retry.attempts, y.retry.attempts);
    EXPECT_EQ(x.retry.backoff_s, y.retry.backoff_s);
    EXPECT_EQ(x.retry.multiplier, y.retry.multiplier);
    EXPECT_EQ(x.retry.jitter, y.retry.jitter);
    EXPECT_EQ(x.reversal.on_timeout, y.reversal.on_timeout);
    EXPECT_EQ(x.reversal.attempts, y.reversal.attempts);
    EXPECT_EQ(x.reversal.backoff_s, y.reversal.backoff_s);
    EXPECT_EQ(x.idempotency.enabled, y.idempotency.enabled);
    EXPECT_EQ(x.idempotency.ttl_s, y.idempotency.ttl_s);
    EXPECT_EQ(x.idempotency.concurrent, y.idempotency.concurrent);
    EXPECT_EQ(x.idempotency.on_store_failure, y.idempotency.on_store_failure);
    EXPECT_EQ(x.stand_in.enabled, y.stand_in.enabled);
    EXPECT_EQ(x.stand_in.max_amount, y.stand_in.max_amount);
    EXPECT_EQ(x.accounts.enabled, y.accounts.enabled);
    expect_equal(x.accounts.balance, y.accounts.balance, "accounts.balance");
    expect_equal(x.accounts.capture.after, y.accounts.capture.after, "accounts.capture.after");
    EXPECT_EQ(x.accounts.capture.share, y.accounts.capture.share);
    EXPECT_EQ(x.accounts.hold_expiry_s, y.accounts.hold_expiry_s);
    expect_equal(x.fraud, y.fraud);
    EXPECT_EQ(x.signing.enabled, y.signing.enabled);
    EXPECT_EQ(x.signing.window_s, y.signing.window_s);
    EXPECT_EQ(x.signing.nonce_capacity, y.signing.nonce_capacity);
    EXPECT_EQ(x.signing.on_store_failure, y.signing.on_store_failure);
  }
  ASSERT_EQ(a.payers.size(), b.payers.size());
  for (std::size_t i = 0; i < a.payers.size(); ++i) {
    const core::Payers& x = a.payers[i];
    const core::Payers& y = b.payers[i];
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.share, y.share);
    EXPECT_EQ(x.cards, y.cards);
    expect_equal(x.activity, y.activity, "activity");
    EXPECT_EQ(x.issuers, y.issuers);
    EXPECT_EQ(x.entry, y.entry);
    expect_equal(x.amount, y.amount, "amount");
    EXPECT_EQ(x.client.timeout_s, y.client.timeout_s);
    EXPECT_EQ(x.client.retries, y.client.retries);
    expect_equal(x.client.retry_delay, y.client.retry_delay, "client.retry_delay");
    EXPECT_EQ(x.client.idempotency_key, y.client.idempotency_key);
    EXPECT_EQ(x.client.double_submit, y.client.double_submit);
    expect_equal(x.client.double_submit_delay, y.client.double_submit_delay,
                 "client.double_submit_delay");
    EXPECT_EQ(x.merchants, y.merchants);
    EXPECT_EQ(x.second_device, y.second_device);
    EXPECT_EQ(x.fraud_rate, y.fraud_rate);
  }
  EXPECT_EQ(a.fraud.base_rate, b.fraud.base_rate);
  EXPECT_EQ(a.fraud.chargeback_fee, b.fraud.chargeback_fee);
  EXPECT_EQ(a.fraud.margin, b.fraud.margin);
  ASSERT_EQ(a.attacks.size(), b.attacks.size());
  for (std::size_t i = 0; i < a.attacks.size(); ++i) expect_equal(a.attacks[i], b.attacks[i]);
  EXPECT_EQ(a.load.arrival, b.load.arrival);
  EXPECT_EQ(a.load.start_rate_per_s, b.load.start_rate_per_s);
  ASSERT_EQ(a.load.stages.size(), b.load.stages.size());
  for (std::size_t i = 0; i < a.load.stages.size(); ++i) {
    EXPECT_EQ(a.load.stages[i].duration_s, b.load.stages[i].duration_s);
    EXPECT_EQ(a.load.stages[i].target_per_s, b.load.stages[i].target_per_s);
  }
  ASSERT_EQ(a.load.spikes.size(), b.load.spikes.size());
  for (std::size_t i = 0; i < a.load.spikes.size(); ++i) {
    EXPECT_EQ(a.load.spikes[i].at_s, b.load.spikes[i].at_s);
    EXPECT_EQ(a.load.spikes[i].duration_s, b.load.spikes[i].duration_s);
    EXPECT_EQ(a.load.spikes[i].multiplier, b.load.spikes[i].multiplier);
  }
  ASSERT_EQ(a.faults.size(), b.faults.size());
  for (std::size_t i = 0; i < a.faults.size(); ++i) {
    const core::Fault& x = a.faults[i];
    const core::Fault& y = b.faults[i];
    SCOPED_TRACE("faults[" + std::to_string(i) + "]");
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.target, y.target);
    EXPECT_EQ(x.at_s, y.at_s);
    EXPECT_EQ(x.duration_s, y.duration_s);
    EXPECT_EQ(x.node, y.node);
    EXPECT_EQ(x.replica, y.replica);
    EXPECT_EQ(x.between, y.between);
    EXPECT_EQ(x.between_nodes, y.between_nodes);
    EXPECT_EQ(x.site, y.site);
    EXPECT_EQ(x.restart_warmup_s, y.restart_warmup_s);
    EXPECT_EQ(x.restart_slowdown, y.restart_slowdown);
    EXPECT_EQ(x.add_s, y.add_s);
    EXPECT_EQ(x.jitter_s, y.jitter_s);
    EXPECT_EQ(x.rate, y.rate);
    EXPECT_EQ(x.factor, y.factor);
    EXPECT_EQ(x.code, y.code);
    EXPECT_EQ(x.store, y.store);
  }
  EXPECT_EQ(a.slo.window_s, b.slo.window_s);
  EXPECT_EQ(a.slo.success_rate, b.slo.success_rate);
  EXPECT_EQ(a.slo.latency_p99_s, b.slo.latency_p99_s);
  EXPECT_EQ(a.slo.stable_for_s, b.slo.stable_for_s);
  ASSERT_EQ(a.expectations.size(), b.expectations.size());
  for (std::size_t i = 0; i < a.expectations.size(); ++i) {
    const core::Expectation& x = a.expectations[i];
    const core::Expectation& y = b.expectations[i];
    EXPECT_EQ(x.metric, y.metric);
    EXPECT_EQ(x.op, y.op);
    EXPECT_EQ(x.value, y.value);
    EXPECT_EQ(x.text, y.text);
  }
}

void expect_round_trip(const std::string& text) {
  const core::Scenario first = load_string(text, "t.yaml");
  const std::string yaml = to_resolved_yaml(first);
  SCOPED_TRACE(yaml);
  const core::Scenario second = load_string(yaml, "resolved.yaml");
  expect_equal(first, second);
  EXPECT_EQ(to_resolved_yaml(second), yaml);  // a fixed point
}

TEST(Emit, ReferenceRoundTrips) { expect_round_trip(kReference); }

TEST(Emit, FraudAndAttacksRoundTrip) {
  std::string text = testing::reference_with(
      "    timeout: 4s\n",
      "    timeout: 4s\n"
      "    signing: {enabled: true, window: 90s, nonce_capacity: 123457, on_store_failure: "
      "fail_open}\n"
      "    idempotency: {enabled: true}\n"
      "    fraud:\n"
      "      score: {auc: 0.93, latency: {dist: lognormal, median: 3ms, p99: 20ms}}\n"
      "      rules:\n"
      "        - {velocity: {per: device, window: 10m, max: 5}, action: decline}\n"
      "        - {amount_over: 1500.01, action: step_up}\n"
      "        - {block: {per: merchant, ids: [7, 3, 3]}, action: decline}\n"
      "        - {score_over: 0.333, action: step_up}\n"
      "        - {score_over: 0, action: approve}\n"
      "      step_up: {latency: {dist: uniform, min: 5s, max: 60s}, abandon: 12.5%, "
      "stops_fraud: 90%}\n"
      "      on_failure: fail_closed\n");
  text.replace(text.find("    queue: unlimited\n"), 0,
               "    fraud: {rules: [{amount_over: 0.10, action: decline}]}\n");
  // The population's lines, before load:
  text.replace(text.find("load:\n"), 0,
               "    merchants: 77\n    second_device: 0.1%\n    fraud_rate: 1.25%\n");
  text +=
      "fraud: {base_rate: 0.01%, chargeback_fee: 12.34, margin: 33%}\n"
      "attacks:\n"
      "  - {kind: card_testing, id: ct, entry: gw, at: 3m, duration: 10m, rate: 30/s, cards: "
      "50000, amount: {dist: uniform, min: 0.50, max: 2.00}, devices: 20, tries_per_card: 3, "
      "pause_above: 50%, pause: 60s, payers: shoppers}\n"
      "  - {kind: bin_attack, entry: gw, at: 1m, duration: 2m, rate: 100/s, issuer: iss, valid: "
      "2%}\n"
      "  - {kind: account_takeover, entry: gw, at: 6m, duration: 20m, rate: 2/s}\n"
      "  - {kind: flood, entry: gw, at: 18m, duration: 1m, rate: 5k/s}\n"
      "  - {kind: replay, entry: gw, at: 9m, duration: 5m, rate: 0.1/s, capture: 10m}\n"
      "faults:\n"
      "  - {kind: policy_outage, target: gw.fraud, at: 5m, duration: 2m}\n"
      "  - {kind: store_outage, target: gw.nonces, at: 8m, duration: 1m}\n"
      "  - {kind: store_outage, target: gw.idempotency, at: 9m, duration: 1m}\n";
  expect_round_trip(text);
}

TEST(Emit, IncludedPolicyIsWrittenInline) {
  testing::TempDir dir;
  dir.write("p.yaml", "rules: [{score_over: 0.9, action: decline}]\nscore: {auc: 0.8, "
                      "latency: {dist: constant, value: 1ms}}\n");
  const std::string file = dir.write(
      "s.yaml", testing::reference_with("    queue: unlimited\n",
                                        "    queue: unlimited\n    fraud: {include: p.yaml}\n"));
  const core::Scenario first = load_file(file);
  const std::string yaml = to_resolved_yaml(first);
  EXPECT_EQ(yaml.find("include"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("# policy from " + dir.path("p.yaml")), std::string::npos) << yaml;
  const core::Scenario second = load_string(yaml, "resolved.yaml");
  expect_equal(first, second);
  EXPECT_EQ(second.find_node("iss")->fraud->source_file, "resolved.yaml");
}

TEST(Emit, AwkwardNumbersRoundTrip) {
  std::string text = reference_with("duration: 30m", "duration: 1234.5678s");
  text = text.replace(text.find("0.5ms"), 5, "0.123456789s");
  text = text.replace(text.find("{dist: uniform, min: 5ms, max: 9ms}"), 35,
                      "{dist: normal, mean: 3.3ms, stddev: 1ms}");
  text = text.replace(text.find("{dist: constant, value: 0.5ms}"), 30,
                      "{dist: lognormal, mu: -6.123456789, sigma: 0.3}");
  text = text.replace(text.find("2000/s"), 6, "7k/min");
  text = text.replace(text.find("10Gbps"), 6, "155.52Mbps");
  text = text.replace(text.find("{iss: 100%}"), 11, "{iss: 100%}");
  text = text.replace(text.find("    cards:"), 0, "    share: 33.3333333333%\n");
  text.insert(text.find("load:"),
              "  - {id: b, share: 33.3333333333%, cards: 3, issuers: {iss: 100%}, entry: gw, "
              "amount: {dist: exponential, mean: 19.99}}\n"
              "  - {id: c, share: 33.3333333334%, cards: 3, issuers: {iss: 100%}, entry: gw, "
              "amount: {dist: normal, mean: 0.10, stddev: 0.05}}\n");
  expect_round_trip(text);
}

TEST(Emit, PaymentSemanticsRoundTrip) {
  std::string text = reference_with(
      "    timeout: 4s\n",
      "    timeout: 4s\n"
      "    retry: {attempts: 3, backoff: 150ms, multiplier: 1.7, jitter: equal}\n"
      "    reversal: {on_timeout: true, attempts: 5, backoff: 0.3s}\n"
      "    idempotency: {enabled: true, ttl: 90m, concurrent: wait, on_store_failure: "
      "fail_open}\n");
  text = text.replace(text.find("    timeout: 3s\n"), 16,
                      "    timeout: 3s\n    retry: {jitter: none}\n");
  text = text.replace(text.find("    timeout: 2s\n"), 16,
                      "    timeout: 2s\n    stand_in: {enabled: true, max_amount: 123.45}\n");
  text.insert(text.find("payers:"),
              "    accounts: {balance: {dist: lognormal, median: 800.00, p99: 20000.00}}\n"
              "  - {id: iss2, role: issuer, site: west, bins: [\"4222\"], workers: 1, "
              "service_time: {dist: constant, value: 1ms}, accounts: {balance: {dist: normal, "
              "mean: 500.10, stddev: 99.99}, capture: {after: {dist: exponential, mean: 2h}, share: "
              "90%}, hold_expiry: 5d}}\n");
  text.insert(text.find("load:"),
              "    client: {timeout: 7.5s, retries: 2, retry_delay: {dist: exponential, mean: "
              "3.3s}, idempotency_key: new, double_submit: 0.1%, double_submit_delay: {dist: "
              "lognormal, median: 120ms, p99: 900ms}}\n");
  expect_round_trip(text);
  expect_round_trip(
      reference_with("{iss: 100%}", "{iss: 100%}\n    client: {double_submit: 33.3333333333%}"));
}

TEST(Emit, FaultsSloAndExpectRoundTrip) {
  std::string text =
      reference_with("    timeout: 4s\n", "    timeout: 4s\n    idempotency: {enabled: true}\n");
  text +=
      "faults:\n"
      "  - {kind: crash, target: iss, at: 10m, duration: 3m, restart: {warmup: 30s}}\n"
      "  - {kind: crash, target: \"gw[1]\", at: 0.123456789s, duration: 1s, restart: {slowdown: "
      "1.7}}\n"
      "  - {kind: partition, between: [east, west], at: 20m, duration: 1m}\n"
      "  - {kind: partition, between: [iss, acq], at: 20m, duration: 1m}\n"
      "  - {kind: latency, target: \"link:west/east\", at: 22m, duration: 2m, add: 400ms, "
      "jitter: 3.3ms}\n"
      "  - {kind: latency, target: \"site:east\", at: 22m, duration: 2m, add: 0ms}\n"
      "  - {kind: loss, target: \"link:east/west\", at: 24m, duration: 1m, rate: 33.3333333333%}\n"
      "  - {kind: slowdown, target: acq, at: 15m, duration: 2m, factor: 4}\n"
      "  - {kind: errors, target: iss, at: 5m, duration: 1m, rate: 20%}\n"
      "  - {kind: errors, target: iss, at: 5m, duration: 1m, rate: 0.1%, code: 5}\n"
      "  - {kind: store_outage, target: gw.idempotency, at: 8m, duration: 1m}\n"
      "  - {kind: site_outage, target: west, at: 26m, duration: 2m}\n"
      "slo: {window: 7.5s, success_rate: 99.95%, stable_for: 15s}\n"
      "expect:\n"
      "  duplicates: \"== 0\"\n"
      "  recovery_time: \"<=2m\"\n"
      "  success_rate: \">= 99.9%\"\n"
      "  duplicate_amount: \"< 12.34\"\n"
      "  payments: \"> 1_000\"\n"
      "  throughput: \">= 7k/min\"\n"
      "  latency_seconds.p99: \"<= 1.5s\"\n";
  expect_round_trip(text);
}

TEST(Emit, FaultsWithEveryDefault) {
  std::string text =
      reference_with("    timeout: 4s\n", "    timeout: 4s\n    idempotency: {enabled: true}\n");
  text +=
      "faults:\n"
      "  - {kind: crash, target: iss, at: 10m, duration: 3m}\n"
      "  - {kind: partition, between: [iss, acq], at: 20m, duration: 1m}\n"
      "  - {kind: latency, target: \"site:east\", at: 22m, duration: 2m, add: 40ms}\n"
      "  - {kind: loss, target: \"link:east/west\", at: 24m, duration: 1m, rate: 5%}\n"
      "  - {kind: slowdown, target: \"gw[0]\", at: 15m, duration: 2m, factor: 4}\n"
      "  - {kind: errors, target: iss, at: 5m, duration: 1m, rate: 20%}\n"
      "  - {kind: store_outage, target: gw.idempotency, at: 8m, duration: 1m}\n"
      "  - {kind: site_outage, target: west, at: 26m, duration: 2m}\n"
      "expect: {recovery_time: \"<=  2m\"}\n";
  const std::string yaml = to_resolved_yaml(load_string(text, "t.yaml"));
  for (const char* expected :
       {"  - {kind: crash, target: \"iss\", at: 10m, duration: 3m, restart: {warmup: 0s, "
        "slowdown: 2}}\n",
        "  - {kind: partition, between: [iss, acq], at: 20m, duration: 1m}\n",
        "  - {kind: latency, target: \"site:east\", at: 22m, duration: 2m, add: 40ms, jitter: "
        "0s}\n",
        "  - {kind: loss, target: \"link:east/west\", at: 24m, duration: 1m, rate: 5%}\n",
        "  - {kind: slowdown, target: \"gw[0]\", at: 15m, duration: 2m, factor: 4}\n",
        "  - {kind: errors, target: \"iss\", at: 5m, duration: 1m, rate: 20%, code: \"96\"}\n",
        "  - {kind: store_outage, target: \"gw.idempotency\", at: 8m, duration: 1m}\n",
        "  - {kind: site_outage, target: \"west\", at: 26m, duration: 2m}\n",
        "expect:\n  recovery_time: \"<= 2m\"\n"}) {
    EXPECT_NE(yaml.find(expected), std::string::npos) << expected << " not in\n" << yaml;
  }
}

TEST(Emit, ExpectationsMadeInCodeAreWrittenInTheirUnit) {
  core::Scenario s = load_string(kReference, "t.yaml");
  s.expectations.push_back({"recovery_time", core::Expectation::Op::kLe, 90.0, ""});
  s.expectations.push_back({"success_rate", core::Expectation::Op::kGt, 0.995, ""});
  s.expectations.push_back({"duplicate_amount", core::Expectation::Op::kLt, 12.5, ""});
  s.expectations.push_back({"nodes.iss.utilisation", core::Expectation::Op::kEq, 0.25, ""});
  const std::string yaml = to_resolved_yaml(s);
  EXPECT_NE(yaml.find("expect:\n"
                      "  recovery_time: \"<= 90s\"\n"
                      "  success_rate: \"> 99.5%\"\n"
                      "  duplicate_amount: \"< 12.50\"\n"
                      "  nodes.iss.utilisation: \"== 0.25\"\n"),
            std::string::npos)
      << yaml;
  const core::Scenario back = load_string(yaml, "resolved.yaml");
  ASSERT_EQ(back.expectations.size(), 4u);
  EXPECT_EQ(back.expectations[0].value, 90.0);
  EXPECT_EQ(back.expectations[1].value, 0.995);
  EXPECT_EQ(back.expectations[3].text, "nodes.iss.utilisation == 0.25");
}

TEST(Emit, IssuersHaveNoNextHopSettings) {
  const std::string yaml = to_resolved_yaml(load_string(kReference, "t.yaml"));
  const std::string issuer =
      yaml.substr(yaml.find("  - id: iss"), yaml.find("payers:") - yaml.find("  - id: iss"));
  for (const char* absent :
       {"next:", "timeout:", "retry:", "reversal:", "idempotency:", "stand_in:"})
    EXPECT_EQ(issuer.find(absent), std::string::npos) << absent << " in\n" << issuer;
  EXPECT_NE(issuer.find("accounts: {}  # no balance: funds are unlimited"), std::string::npos)
      << issuer;
}

TEST(Emit, AccountsBalanceIsABlockMapping) {
  // A lognormal's comment inside a flow mapping would split the mapping over two lines.
  const std::string yaml = to_resolved_yaml(load_string(
      reference_with("    queue: unlimited\n",
                     "    queue: unlimited\n"
                     "    accounts: {balance: {dist: lognormal, median: 800.00, p99: 20000.00}}\n"),
      "t.yaml"));
  EXPECT_NE(yaml.find("    accounts:\n      balance: {dist: lognormal, mu: "), std::string::npos)
      << yaml;
}

TEST(Emit, WritesEveryDefaultInReadableUnits) {
  const std::string yaml = to_resolved_yaml(load_string(kReference, "t.yaml"));
  for (const char* expected : {"duration: 30m",
                               "warmup: 1m",
                               "window: 1s",
                               "internal_latency: 0.5ms",
                               "latency: 35ms",
                               "bandwidth: 10Gbps",
                               "queue: 1000",
                               "queue: unlimited",
                               "io: async",
                               "routing: by_bin",
                               "timeout: 30s",
                               "retry: {attempts: 1, backoff: 0.2s, multiplier: 2, jitter: full}",
                               "reversal: {on_timeout: false, attempts: 3, backoff: 1s}",
                               "idempotency: {enabled: false, ttl: 24h, concurrent: conflict, "
                               "on_store_failure: fail_closed}",
                               "stand_in: {enabled: false, max_amount: 200.00}",
                               "accounts: {}",
                               "retries: 0",
                               "retry_delay: {dist: uniform, min: 1s, max: 5s}",
                               "idempotency_key: reuse",
                               "double_submit: 0%",
                               "double_submit_delay: {dist: uniform, min: 50ms, max: 0.5s}",
                               "start_rate: 2000/s",
                               "target: 20000/s",
                               "arrival: poisson",
                               "share: 100%",
                               "issuers: {iss: 100%}",
                               "bins: [\"4111\"]",
                               "next: []",
                               "{dist: exponential, mean: 1ms}",
                               "{dist: uniform, min: 5ms, max: 9ms}",
                               "faults: []",
                               "slo:\n  window: 10s\n  success_rate: 99.5%\n  latency_p99: 2s\n"
                               "  stable_for: 30s\n",
                               "expect: {}"}) {
    EXPECT_NE(yaml.find(expected), std::string::npos) << expected << " not in\n" << yaml;
  }
}

}  // namespace
}  // namespace payquake::scenario
