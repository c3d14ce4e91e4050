// Fraud policies through the real binary (issue 10): a policy written in the scenario (inline,
// or a models/fraud file), a policy_outage fault and on_failure, a velocity rule at the
// issuer, and the payer's 3-D Secure challenge; both engines give the same bytes.
//
// Every scenario is tiny and deterministic, as in faults_test.cpp: one payment per second
// (uniform arrivals at 0.5 s, 1.5 s, ..., 19.5 s), one card unless said otherwise, constant
// service times, no base-rate fraud; so which payments a policy touches, and how, follows
// from the configuration, and each test states the hand computation.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

constexpr double kExact = 1e-9;

// gw -> acq -> net -> iss in one site, 1 ms a hop, no service time but the issuer's 8 ms: a
// payment's round trip is 6 ms + 8 ms.
const char* kScenario = R"(name: fraud-policy-test
seed: 5
duration: 20s
fraud: {base_rate: 0%}
sites: [{id: s, internal_latency: 1ms}]
nodes:
  - {id: gw, role: gateway, site: s, workers: 100, service_time: {dist: constant, value: 0ms}, next: [acq], timeout: 30s, idempotency: {enabled: true}{GW_FRAUD}}
  - {id: acq, role: acquirer, site: s, workers: 100, service_time: {dist: constant, value: 0ms}, next: [net], timeout: 25s}
  - {id: net, role: network, site: s, workers: 100, service_time: {dist: constant, value: 0ms}, timeout: 20s}
  - {id: iss, role: issuer, site: s, bins: ["4111"], workers: 100, service_time: {dist: constant, value: 8ms}{ISS_FRAUD}}
payers:
  - {id: p, cards: {CARDS}, issuers: {iss: 100%}, entry: gw, amount: {dist: constant, value: 10.00}, client: {timeout: 60s}}
load: {arrival: uniform, start_rate: 1/s}
faults: {FAULTS}
)";
constexpr double kRoundTrip = 0.014;

std::string scenario(std::map<std::string, std::string> vars) {
  std::map<std::string, std::string> all = {
      {"GW_FRAUD", ""}, {"ISS_FRAUD", ""}, {"CARDS", "1"}, {"FAULTS", "[]"}};
  for (auto& [k, v] : vars) all[k] = v;
  return fill_template(kScenario, all);
}

// Runs a scenario (and writes `files` beside it: name -> text); every run must exit 0,
// simulate the 20 payments, conserve money and charge nobody twice.
RunOutput run(const std::string& yaml, const std::string& label,
              const std::vector<std::string>& extra = {},
              const std::map<std::string, std::string>& files = {}) {
  const std::string dir = temp_dir("fraud-policy-" + label);
  for (const auto& [name, text] : files) write_file(dir, name, text);
  auto r = run_scenario(write_file(dir, "s.yaml", yaml), extra);
  EXPECT_EQ(r.exit_code, 0) << label << ": " << r.err;
  EXPECT_EQ(r.summary["payments"]["total"], 20) << label;
  EXPECT_EQ(r.summary["conservation"]["ok"], true) << label;
  EXPECT_EQ(r.summary["duplicates"]["count"], 0) << label;
  return r;
}

int code_count(const RunOutput& r, const char* code) {
  const auto& by_code = r.summary["payments"]["by_code"];
  return by_code.contains(code) ? by_code[code].get<int>() : 0;
}

// The gateway's policy never declines a 10.00 payment, but its dependency is down over
// [5 s, 8 s): the payments arriving at 5.5, 6.5 and 7.5 meet on_failure. fail_closed
// declines them with 05 (nothing was suspected: not 59); fail_open lets them through.
TEST(FraudPolicy, APolicyOutageDeclinesWith05FailingClosedAndLetsThroughFailingOpen) {
  const std::string outage = "[{kind: policy_outage, target: gw.fraud, at: 5s, duration: 3s}]";
  const auto policy = [](const char* on_failure) {
    return std::string(", fraud: {rules: [{amount_over: 100.00, action: decline}], on_failure: ") +
           on_failure + "}";
  };
  const auto closed =
      run(scenario({{"GW_FRAUD", policy("fail_closed")}, {"FAULTS", outage}}), "closed");
  EXPECT_EQ(closed.summary["payments"]["declined"], 3);
  EXPECT_EQ(code_count(closed, "05"), 3);
  EXPECT_EQ(closed.summary["payments"]["approved"], 17);
  const auto open = run(scenario({{"GW_FRAUD", policy("fail_open")}, {"FAULTS", outage}}), "open");
  EXPECT_EQ(open.summary["payments"]["approved"], 20);
  EXPECT_EQ(open.summary["payments"]["declined"], 0);
}

// One card, a payment a second; the issuer declines a card's 11th payment within an hour and
// every one after it: 10 approved, 10 declined with 59, the answer taking the same way back.
TEST(FraudPolicy, AVelocityRuleAtTheIssuerDeclinesEveryPaymentAboveItsLimitWith59) {
  const auto r = run(scenario({{"ISS_FRAUD",
                                ", fraud: {rules: [{velocity: {per: card, window: 1h, max: 10}, "
                                "action: decline}]}"}}),
                     "velocity");
  EXPECT_EQ(r.summary["payments"]["approved"], 10);
  EXPECT_EQ(code_count(r, "59"), 10);
  EXPECT_NEAR(r.summary["latency_seconds"]["max"].get<double>(), kRoundTrip, kExact);
  // With ten thousand cards the same rule never fires.
  const auto many = run(scenario({{"CARDS", "10000"},
                                  {"ISS_FRAUD",
                                   ", fraud: {rules: [{velocity: {per: card, window: 1h, max: 10}, "
                                   "action: decline}]}"}}),
                        "velocity-many-cards");
  EXPECT_EQ(many.summary["payments"]["approved"], 20);
}

// Every payment over 5.00 is challenged at the gateway (the payer sits at the gateway: the
// 65 is back at once), the challenge takes 20 s, nobody abandons, and the press after it
// carries a new key (the first key's stored answer is the 65), so every payment is approved
// 20 s + one round trip after it arrived.
TEST(FraudPolicy, AStepUpAtTheGatewayChallengesThenApprovesWithANewKey) {
  const auto r = run(scenario({{"GW_FRAUD",
                                ", fraud: {rules: [{amount_over: 5.00, action: step_up}], "
                                "step_up: {latency: {dist: constant, value: 20s}, abandon: 0%, "
                                "stops_fraud: 100%}}"}}),
                     "step-up");
  EXPECT_EQ(r.summary["payments"]["approved"], 20);
  EXPECT_NEAR(r.summary["latency_seconds"]["mean"].get<double>(), 20.0 + kRoundTrip, 1e-6);
  EXPECT_EQ(r.summary["attempts"]["retries"], 0);  // the press after a challenge is no retry
}

// A shipped policy file under the gateway, base-rate fraud and an outage: both engines give
// the same bytes, and so does the same run twice.
TEST(FraudPolicy, BothEnginesGiveTheSameBytesWithAShippedPolicy) {
  const std::map<std::string, std::string> files = {
      {"policy.yaml", read_file(source_dir() + "/models/fraud/velocity-plus-3ds.yaml")}};
  std::string yaml = scenario({{"GW_FRAUD", ", fraud: {include: policy.yaml}"},
                               {"CARDS", "50"},
                               {"FAULTS",
                                "[{kind: policy_outage, target: gw.fraud, at: 4s, "
                                "duration: 2s}]"}});
  yaml.replace(yaml.find("fraud: {base_rate: 0%}"), 22, "fraud: {base_rate: 20%}");
  const auto a = run(yaml, "engines-a", {"--trace", "1"}, files);
  const auto b = run(yaml, "engines-b", {"--trace", "1", "--engine", "lockstep"}, files);
  const auto c = run(yaml, "engines-c", {"--trace", "1"}, files);
  const std::vector<std::string> varying = {"\"wall_seconds\"", "\"mode\"", "\"command_line\""};
  EXPECT_EQ(without_lines(a.summary_text(), varying), without_lines(b.summary_text(), varying));
  EXPECT_EQ(without_lines(a.summary_text(), varying), without_lines(c.summary_text(), varying));
  EXPECT_EQ(read_file(a.run_dir + "/trace.jsonl"), read_file(b.run_dir + "/trace.jsonl"));
  EXPECT_EQ(a.timeseries, b.timeseries);
}

}  // namespace
}  // namespace payquake::testing
