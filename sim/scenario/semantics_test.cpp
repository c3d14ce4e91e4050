// Payment semantics: retry, reversal, idempotency, stand_in and accounts on the nodes they
// apply to, and the payers' client. Values, defaults, and every message pinned whole.
#include <gtest/gtest.h>

#include <cmath>

#include "scenario/loader.hpp"
#include "scenario/test_util.hpp"

namespace payquake::scenario {
namespace {

using testing::errors_of;
using testing::kReference;
using Errors = std::vector<std::string>;
using Kind = core::Distribution::Kind;

// The reference's last line of each node; a line inserted after it is that node's next line.
constexpr const char* kGw = "    timeout: 4s\n";                                         // line 22
constexpr const char* kAcq = "    timeout: 3s\n";                                        // line 29
constexpr const char* kNet = "    timeout: 2s\n";                                        // line 35
constexpr const char* kIss = "    service_time: {dist: uniform, min: 5ms, max: 9ms}\n";  // line 42
constexpr const char* kPayer = "    amount: {dist: lognormal, median: 42.00, p99: 900.00}\n";  // 49

// The reference with `lines` inserted after `after` (at line 23, 30, 36, 43 or 50).
std::string with(const char* after, const std::string& lines) {
  std::string text = kReference;
  const std::size_t at = text.find(after);
  EXPECT_NE(at, std::string::npos) << after;
  text.insert(at + std::string(after).size(), lines);
  return text;
}

core::Scenario load(const std::string& text) { return load_string(text, "t.yaml"); }

TEST(Semantics, DefaultsWhenAbsent) {
  const core::Scenario s = load(kReference);
  for (const core::Node& n : s.nodes) {
    SCOPED_TRACE(n.id);
    EXPECT_EQ(n.retry.attempts, 1);
    EXPECT_EQ(n.retry.backoff_s, 0.2);
    EXPECT_EQ(n.retry.multiplier, 2.0);
    EXPECT_EQ(n.retry.jitter, core::Jitter::kFull);
    EXPECT_FALSE(n.reversal.on_timeout);
    EXPECT_EQ(n.reversal.attempts, 3);
    EXPECT_EQ(n.reversal.backoff_s, 1.0);
    EXPECT_FALSE(n.idempotency.enabled);
    EXPECT_EQ(n.idempotency.ttl_s, 86400.0);
    EXPECT_EQ(n.idempotency.concurrent, core::ConcurrentKey::kConflict);
    EXPECT_EQ(n.idempotency.on_store_failure, core::StoreFailure::kFailClosed);
    EXPECT_FALSE(n.stand_in.enabled);
    EXPECT_EQ(n.stand_in.max_amount, core::Money{20000});
    EXPECT_FALSE(n.accounts.enabled);
  }
  const core::Client& c = s.payers[0].client;
  EXPECT_EQ(c.timeout_s, 30.0);
  EXPECT_EQ(c.retries, 0);
  EXPECT_EQ(c.retry_delay.kind, Kind::kUniform);
  EXPECT_EQ(c.retry_delay.min, 1.0);
  EXPECT_EQ(c.retry_delay.max, 5.0);
  EXPECT_EQ(c.idempotency_key, core::KeyPolicy::kReuse);
  EXPECT_EQ(c.double_submit, 0.0);
  EXPECT_EQ(c.double_submit_delay.kind, Kind::kUniform);
  EXPECT_EQ(c.double_submit_delay.min, 0.05);
  EXPECT_EQ(c.double_submit_delay.max, 0.5);
}

TEST(Semantics, DesignExampleValues) {
  std::string text = with(kGw,
                          "    retry: {attempts: 2, backoff: 200ms, multiplier: 2, jitter: full}\n"
                          "    reversal: {on_timeout: true, attempts: 3, backoff: 1s}\n"
                          "    idempotency: {enabled: true, on_store_failure: fail_closed}\n");
  text.insert(text.find(kNet) + std::string(kNet).size(),
              "    stand_in: {enabled: true, max_amount: 200.00}\n");
  text.insert(text.find(kIss) + std::string(kIss).size(),
              "    accounts: {balance: {dist: lognormal, median: 800.00, p99: 20000.00}}\n");
  text.insert(text.find(kPayer) + std::string(kPayer).size(),
              "    client:\n"
              "      timeout: 10s\n"
              "      retries: 1\n"
              "      retry_delay: {dist: uniform, min: 1s, max: 5s}\n"
              "      idempotency_key: reuse\n"
              "      double_submit: 0.1%\n");
  const core::Scenario s = load(text);
  const core::Node& gw = s.nodes[0];
  EXPECT_EQ(gw.retry.attempts, 2);
  EXPECT_EQ(gw.retry.backoff_s, 0.2);
  EXPECT_EQ(gw.retry.multiplier, 2.0);
  EXPECT_EQ(gw.retry.jitter, core::Jitter::kFull);
  EXPECT_TRUE(gw.reversal.on_timeout);
  EXPECT_EQ(gw.reversal.attempts, 3);
  EXPECT_EQ(gw.reversal.backoff_s, 1.0);
  EXPECT_TRUE(gw.idempotency.enabled);
  EXPECT_EQ(gw.idempotency.ttl_s, 86400.0);  // defaults for what the example leaves out
  EXPECT_EQ(gw.idempotency.concurrent, core::ConcurrentKey::kConflict);
  EXPECT_EQ(gw.idempotency.on_store_failure, core::StoreFailure::kFailClosed);
  EXPECT_TRUE(s.nodes[2].stand_in.enabled);
  EXPECT_EQ(s.nodes[2].stand_in.max_amount, core::Money{20000});
  const core::Accounts& accounts = s.nodes[3].accounts;
  EXPECT_TRUE(accounts.enabled);
  EXPECT_EQ(accounts.balance.kind, Kind::kLognormal);
  EXPECT_DOUBLE_EQ(accounts.balance.mu, std::log(800.0));
  const core::Client& c = s.payers[0].client;
  EXPECT_EQ(c.timeout_s, 10.0);
  EXPECT_EQ(c.retries, 1);
  EXPECT_EQ(c.retry_delay.min, 1.0);
  EXPECT_EQ(c.retry_delay.max, 5.0);
  EXPECT_EQ(c.idempotency_key, core::KeyPolicy::kReuse);
  EXPECT_DOUBLE_EQ(c.double_submit, 0.001);
  EXPECT_EQ(c.double_submit_delay.min, 0.05);  // the default
}

TEST(Semantics, EveryValueOtherThanTheDefault) {
  std::string text = with(kAcq,
                          "    retry: {attempts: 4, backoff: 0ms, multiplier: 1, jitter: equal}\n"
                          "    reversal: {on_timeout: false, attempts: 1, backoff: 250ms}\n");
  text.insert(text.find(kGw) + std::string(kGw).size(),
              "    idempotency: {enabled: true, ttl: 1h, concurrent: wait, "
              "on_store_failure: fail_open}\n"
              "    retry: {jitter: none}\n");
  text.insert(text.find(kNet) + std::string(kNet).size(),
              "    stand_in: {enabled: false, max_amount: 0.50}\n");
  text.insert(text.find(kIss) + std::string(kIss).size(),
              "    accounts: {balance: {dist: constant, value: 1500.25}}\n");
  text.insert(text.find(kPayer) + std::string(kPayer).size(),
              "    client: {timeout: 12s, retries: 3, retry_delay: {dist: constant, value: 2s}, "
              "idempotency_key: none, double_submit: 100%, double_submit_delay: "
              "{dist: exponential, mean: 80ms}}\n");
  const core::Scenario s = load(text);
  const core::Node& gw = s.nodes[0];
  EXPECT_TRUE(gw.idempotency.enabled);
  EXPECT_EQ(gw.idempotency.ttl_s, 3600.0);
  EXPECT_EQ(gw.idempotency.concurrent, core::ConcurrentKey::kWait);
  EXPECT_EQ(gw.idempotency.on_store_failure, core::StoreFailure::kFailOpen);
  EXPECT_EQ(gw.retry.jitter, core::Jitter::kNone);
  EXPECT_EQ(gw.retry.attempts, 1);  // the rest of a partial mapping keeps its defaults
  const core::Node& acq = s.nodes[1];
  EXPECT_EQ(acq.retry.attempts, 4);
  EXPECT_EQ(acq.retry.backoff_s, 0.0);
  EXPECT_EQ(acq.retry.multiplier, 1.0);
  EXPECT_EQ(acq.retry.jitter, core::Jitter::kEqual);
  EXPECT_FALSE(acq.reversal.on_timeout);
  EXPECT_EQ(acq.reversal.attempts, 1);
  EXPECT_EQ(acq.reversal.backoff_s, 0.25);
  EXPECT_FALSE(s.nodes[2].stand_in.enabled);
  EXPECT_EQ(s.nodes[2].stand_in.max_amount, core::Money{50});
  EXPECT_TRUE(s.nodes[3].accounts.enabled);
  EXPECT_EQ(s.nodes[3].accounts.balance.kind, Kind::kConstant);
  EXPECT_EQ(s.nodes[3].accounts.balance.value, 1500.25);
  const core::Client& c = s.payers[0].client;
  EXPECT_EQ(c.timeout_s, 12.0);
  EXPECT_EQ(c.retries, 3);
  EXPECT_EQ(c.retry_delay.kind, Kind::kConstant);
  EXPECT_EQ(c.retry_delay.value, 2.0);
  EXPECT_EQ(c.idempotency_key, core::KeyPolicy::kNone);
  EXPECT_EQ(c.double_submit, 1.0);
  EXPECT_EQ(c.double_submit_delay.kind, Kind::kExponential);
  EXPECT_EQ(c.double_submit_delay.mean, 0.08);
  EXPECT_EQ(
      load(with(kPayer, "    client: {idempotency_key: new}\n")).payers[0].client.idempotency_key,
      core::KeyPolicy::kNew);
}

TEST(Semantics, EmptyMappingsKeepTheDefaults) {
  const core::Scenario s = load(with(kIss, "    accounts: {}\n"));
  EXPECT_FALSE(s.nodes[3].accounts.enabled);  // no balance: funds are unlimited
  EXPECT_EQ(load(with(kGw, "    retry: {}\n")).nodes[0].retry.attempts, 1);
  EXPECT_EQ(load(with(kPayer, "    client: {}\n")).payers[0].client.timeout_s, 30.0);
}

TEST(Semantics, Retry) {
  EXPECT_EQ(errors_of(with(kGw, "    retry: 3\n")),
            Errors{"t.yaml:23:12: nodes.gw.retry: expected a mapping, got '3'"});
  EXPECT_EQ(errors_of(with(kGw, "    retry: {attemps: 2}\n")),
            Errors{"t.yaml:23:13: nodes.gw.retry.attemps: unknown key 'attemps', did you mean "
                   "'attempts'?"});
  EXPECT_EQ(errors_of(with(kGw, "    retry: {attempts: 0}\n")),
            Errors{"t.yaml:23:23: nodes.gw.retry.attempts: expected a count >= 1, got '0'"});
  EXPECT_EQ(errors_of(with(kGw, "    retry: {attempts: 1e10}\n")),
            Errors{"t.yaml:23:23: nodes.gw.retry.attempts: expected a count <= 2147483647, got "
                   "'1e10'"});
  EXPECT_EQ(errors_of(with(kGw, "    retry: {attempts: 101}\n")),
            Errors{"t.yaml:23:23: nodes.gw.retry.attempts: expected a count <= 100, got '101'"});
  EXPECT_EQ(errors_of(with(kGw, "    retry: {attempts: 3, budget: 120%}\n")),
            Errors{"t.yaml:23:34: nodes.gw.retry.budget: expected a percentage >= 0% and <= 100%, "
                   "got '120%'"});
  EXPECT_EQ(errors_of(with(kGw, "    retry: {backoff: -1ms}\n")),
            Errors{"t.yaml:23:22: nodes.gw.retry.backoff: expected a duration >= 0, got '-1ms'"});
  EXPECT_EQ(errors_of(with(kGw, "    retry: {backoff: 200}\n")),
            Errors{"t.yaml:23:22: nodes.gw.retry.backoff: expected a duration with a unit, like "
                   "250ms or 2s, got '200'"});
  EXPECT_EQ(errors_of(with(kGw, "    retry: {multiplier: 0.5}\n")),
            Errors{"t.yaml:23:25: nodes.gw.retry.multiplier: expected a number >= 1, got '0.5'"});
  EXPECT_EQ(errors_of(with(kGw, "    retry: {multiplier: 2x}\n")),
            Errors{"t.yaml:23:25: nodes.gw.retry.multiplier: expected a number, got '2x'"});
  EXPECT_EQ(errors_of(with(kGw, "    retry: {jitter: ful}\n")),
            Errors{"t.yaml:23:21: nodes.gw.retry.jitter: expected one of full, equal, none, got "
                   "'ful' (did you mean 'full'?)"});
}

TEST(Semantics, Reversal) {
  EXPECT_EQ(errors_of(with(kAcq, "    reversal: {attempts: 3}\n")),
            Errors{"t.yaml:30:15: nodes.acq.reversal.on_timeout: expected true or false, got "
                   "nothing (the key is missing)"});
  EXPECT_EQ(errors_of(with(kAcq, "    reversal: {on_timeout: yes}\n")),
            Errors{"t.yaml:30:28: nodes.acq.reversal.on_timeout: expected true or false, got "
                   "'yes'"});
  EXPECT_EQ(errors_of(with(kAcq, "    reversal: {on_timeout: true, attempts: 0, backoff: 1}\n")),
            (Errors{"t.yaml:30:44: nodes.acq.reversal.attempts: expected a count >= 1, got '0'",
                    "t.yaml:30:56: nodes.acq.reversal.backoff: expected a duration with a unit, "
                    "like 250ms or 2s, got '1'"}));
  EXPECT_EQ(errors_of(with(kAcq, "    reversal: {on_timout: true}\n")),
            Errors{"t.yaml:30:16: nodes.acq.reversal.on_timout: unknown key 'on_timout', did "
                   "you mean 'on_timeout'?"});
}

TEST(Semantics, Idempotency) {
  EXPECT_EQ(errors_of(with(kGw, "    idempotency: {ttl: 1h}\n")),
            Errors{"t.yaml:23:18: nodes.gw.idempotency.enabled: expected true or false, got "
                   "nothing (the key is missing)"});
  EXPECT_EQ(errors_of(with(kGw, "    idempotency: {enabled: true, ttl: 0s}\n")),
            Errors{"t.yaml:23:39: nodes.gw.idempotency.ttl: expected a duration > 0, got '0s'"});
  EXPECT_EQ(errors_of(with(kGw, "    idempotency: {enabled: true, concurrent: wiat}\n")),
            Errors{"t.yaml:23:46: nodes.gw.idempotency.concurrent: expected one of conflict, "
                   "wait, got 'wiat' (did you mean 'wait'?)"});
  EXPECT_EQ(errors_of(with(kGw, "    idempotency: {enabled: true, on_store_failure: open}\n")),
            Errors{"t.yaml:23:52: nodes.gw.idempotency.on_store_failure: expected one of "
                   "fail_closed, fail_open, got 'open'"});
  EXPECT_EQ(errors_of(with(kGw, "    idempotency: {enabled: on}\n")),
            Errors{"t.yaml:23:28: nodes.gw.idempotency.enabled: expected true or false, got "
                   "'on'"});
  EXPECT_EQ(errors_of(with(kGw, "    idempotency: {enabled: true, store: redis}\n")),
            Errors{"t.yaml:23:34: nodes.gw.idempotency.store: unknown key 'store', expected one "
                   "of enabled, ttl, concurrent, on_store_failure"});
}

TEST(Semantics, StandIn) {
  EXPECT_EQ(errors_of(with(kNet, "    stand_in: {max_amount: 100.00}\n")),
            Errors{"t.yaml:36:15: nodes.net.stand_in.enabled: expected true or false, got "
                   "nothing (the key is missing)"});
  EXPECT_EQ(errors_of(with(kNet, "    stand_in: {enabled: true, max_amount: 12.345}\n")),
            Errors{"t.yaml:36:43: nodes.net.stand_in.max_amount: expected money with at most two "
                   "decimals, like 42.50, got '12.345'"});
  EXPECT_EQ(errors_of(with(kNet, "    stand_in: {enabled: true, max_amout: 5.00}\n")),
            Errors{"t.yaml:36:31: nodes.net.stand_in.max_amout: unknown key 'max_amout', did you "
                   "mean 'max_amount'?"});
  EXPECT_EQ(load(with(kNet, "    stand_in: {enabled: true, max_amount: 0}\n"))
                .nodes[2]
                .stand_in.max_amount,
            core::Money{0});  // stand in for nothing: every advice is a decline
}

TEST(Semantics, Accounts) {
  EXPECT_EQ(errors_of(with(kIss, "    accounts: {balance: 1000.00}\n")),
            Errors{"t.yaml:43:25: nodes.iss.accounts.balance: expected a distribution like "
                   "{dist: lognormal, median: 42.00, p99: 900.00}, got '1000.00'"});
  EXPECT_EQ(errors_of(with(kIss, "    accounts: {balance: {dist: constant, value: 5ms}}\n")),
            Errors{"t.yaml:43:49: nodes.iss.accounts.balance.value: expected money with at most "
                   "two decimals, like 42.50, got '5ms'"});
  EXPECT_EQ(errors_of(with(kIss, "    accounts: {balanse: {dist: constant, value: 5.00}}\n")),
            Errors{"t.yaml:43:16: nodes.iss.accounts.balanse: unknown key 'balanse', did you "
                   "mean 'balance'?"});
}

TEST(Semantics, EachKeyOnlyWhereItApplies) {
  EXPECT_EQ(errors_of(with(kIss, "    retry: {attempts: 2}\n")),
            Errors{"t.yaml:43:12: nodes.iss.retry: expected no retry on an issuer (it has no next "
                   "hop), got a mapping"});
  EXPECT_EQ(errors_of(with(kIss, "    reversal: {on_timeout: true}\n")),
            Errors{"t.yaml:43:15: nodes.iss.reversal: expected no reversal on an issuer (it has "
                   "no next hop), got a mapping"});
  EXPECT_EQ(errors_of(with(kIss, "    timeout: 3s\n")),
            Errors{"t.yaml:43:14: nodes.iss.timeout: expected no timeout on an issuer (it has no "
                   "next hop), got '3s'"});
  EXPECT_EQ(errors_of(with(kAcq, "    idempotency: {enabled: true}\n")),
            Errors{"t.yaml:30:18: nodes.acq.idempotency: expected no idempotency on an acquirer "
                   "(only gateways keep idempotency keys), got a mapping"});
  EXPECT_EQ(errors_of(with(kNet, "    idempotency: {enabled: true}\n")),
            Errors{"t.yaml:36:18: nodes.net.idempotency: expected no idempotency on a network "
                   "(only gateways keep idempotency keys), got a mapping"});
  EXPECT_EQ(errors_of(with(kIss, "    stand_in: {enabled: true}\n")),
            Errors{"t.yaml:43:15: nodes.iss.stand_in: expected no stand_in on an issuer (only "
                   "networks stand in for issuers), got a mapping"});
  EXPECT_EQ(errors_of(with(kGw, "    stand_in: {enabled: true}\n")),
            Errors{"t.yaml:23:15: nodes.gw.stand_in: expected no stand_in on a gateway (only "
                   "networks stand in for issuers), got a mapping"});
  EXPECT_EQ(errors_of(with(kNet, "    accounts: {}\n")),
            Errors{"t.yaml:36:15: nodes.net.accounts: expected no accounts on a network (only "
                   "issuers hold cardholder accounts), got an empty mapping"});
  // A misplaced key's contents are not judged: moving it is the fix, one message says so.
  EXPECT_EQ(errors_of(with(kIss, "    retry: {attempts: 0}\n")),
            Errors{"t.yaml:43:12: nodes.iss.retry: expected no retry on an issuer (it has no next "
                   "hop), got a mapping"});
}

TEST(Semantics, UnknownRoleStillChecksTheContents) {
  std::string text = with(kGw, "    stand_in: {enabled: maybe}\n");
  text.replace(text.find("role: gateway"), 13, "role: gatway");
  EXPECT_EQ(errors_of(text),
            (Errors{"t.yaml:15:11: nodes.gw.role: expected one of gateway, acquirer, network, "
                    "issuer, got 'gatway' (did you mean 'gateway'?)",
                    "t.yaml:23:25: nodes.gw.stand_in.enabled: expected true or false, got "
                    "'maybe'"}));
}

TEST(Semantics, Client) {
  EXPECT_EQ(errors_of(with(kPayer, "    client: reuse\n")),
            Errors{"t.yaml:50:13: payers.shoppers.client: expected a mapping, got 'reuse'"});
  EXPECT_EQ(errors_of(with(kPayer, "    client: {retires: 1}\n")),
            Errors{"t.yaml:50:14: payers.shoppers.client.retires: unknown key 'retires', did you "
                   "mean 'retries'?"});
  EXPECT_EQ(errors_of(with(kPayer, "    client: {timeout: 0s}\n")),
            Errors{"t.yaml:50:23: payers.shoppers.client.timeout: expected a duration > 0, got "
                   "'0s'"});
  EXPECT_EQ(errors_of(with(kPayer, "    client: {retries: -1}\n")),
            Errors{"t.yaml:50:23: payers.shoppers.client.retries: expected a count >= 0, got "
                   "'-1'"});
  EXPECT_EQ(errors_of(with(kPayer, "    client: {retries: 1000}\n")),
            Errors{"t.yaml:50:23: payers.shoppers.client.retries: expected a count <= 100, got "
                   "'1000'"});
  EXPECT_EQ(errors_of(with(kPayer, "    client: {retry_delay: 2s}\n")),
            Errors{"t.yaml:50:27: payers.shoppers.client.retry_delay: expected a distribution "
                   "like {dist: lognormal, median: 2ms, p99: 12ms}, got '2s'"});
  EXPECT_EQ(errors_of(with(kPayer, "    client: {idempotency_key: resue}\n")),
            Errors{"t.yaml:50:31: payers.shoppers.client.idempotency_key: expected one of reuse, "
                   "new, none, got 'resue' (did you mean 'reuse'?)"});
  EXPECT_EQ(errors_of(with(kPayer, "    client: {double_submit: 120%}\n")),
            Errors{"t.yaml:50:29: payers.shoppers.client.double_submit: expected a percentage >= "
                   "0% and <= 100%, got '120%'"});
  EXPECT_EQ(errors_of(with(kPayer, "    client: {double_submit: 0.001}\n")),
            Errors{"t.yaml:50:29: payers.shoppers.client.double_submit: expected a percentage "
                   "like 99.5%, got '0.001'"});
  EXPECT_EQ(errors_of(with(kPayer,
                           "    client: {double_submit_delay: {dist: uniform, min: 1s, max: "
                           "10ms}}\n")),
            Errors{"t.yaml:50:65: payers.shoppers.client.double_submit_delay.max: expected max >= "
                   "min (1s), got '10ms'"});
}

TEST(Semantics, AllMistakesOfANodeAreReportedTogether) {
  EXPECT_EQ(errors_of(with(kGw,
                           "    retry: {attempts: 0, jitter: some}\n"
                           "    reversal: {on_timeout: 1}\n"
                           "    idempotency: {enabled: true, ttl: forever}\n")),
            (Errors{"t.yaml:23:23: nodes.gw.retry.attempts: expected a count >= 1, got '0'",
                    "t.yaml:23:34: nodes.gw.retry.jitter: expected one of full, equal, none, got "
                    "'some'",
                    "t.yaml:24:28: nodes.gw.reversal.on_timeout: expected true or false, got '1'",
                    "t.yaml:25:39: nodes.gw.idempotency.ttl: expected a duration with a unit, "
                    "like 250ms or 2s, got 'forever'"}));
}

TEST(Semantics, OverridesReachTheNewKeys) {
  // A sweep varies them (DESIGN.md section 4); a missing section is created.
  const core::Scenario s =
      load_string(kReference, "t.yaml",
                  {"payers.shoppers.client.idempotency_key=none", "nodes.gw.retry.attempts=3",
                   "nodes.gw.idempotency={enabled: true}"});
  EXPECT_EQ(s.payers[0].client.idempotency_key, core::KeyPolicy::kNone);
  EXPECT_EQ(s.nodes[0].retry.attempts, 3);
  EXPECT_TRUE(s.nodes[0].idempotency.enabled);
  EXPECT_EQ(errors_of(kReference, {"nodes.iss.retry.attempts=2"}),
            Errors{"--set: nodes.iss.retry: expected no retry on an issuer (it has no next hop), "
                   "got a mapping"});
}

}  // namespace
}  // namespace payquake::scenario

namespace payquake::scenario {
namespace {

TEST(Detection, EnvoyLikeDefaults) {
  const core::Node gw = load(kReference).nodes[0];
  EXPECT_EQ(gw.health_check.mode, core::Detection::kProbe);
  EXPECT_DOUBLE_EQ(gw.health_check.interval_s, 5.0);
  EXPECT_DOUBLE_EQ(gw.health_check.timeout_s, 1.0);
  EXPECT_EQ(gw.health_check.unhealthy_after, 3);
  EXPECT_EQ(gw.health_check.healthy_after, 2);
  EXPECT_TRUE(gw.outlier_detection.enabled);
  EXPECT_EQ(gw.outlier_detection.consecutive_errors, 5);
  EXPECT_DOUBLE_EQ(gw.outlier_detection.interval_s, 10.0);
  EXPECT_DOUBLE_EQ(gw.outlier_detection.base_ejection_s, 30.0);
  EXPECT_DOUBLE_EQ(gw.outlier_detection.max_ejected, 0.10);
}

TEST(Detection, Values) {
  const core::Node gw = load(with(kGw,
                                   "    health_check: {interval: 2s, timeout: 500ms, "
                                   "unhealthy_after: 2, healthy_after: 1}\n"
                                   "    outlier_detection: {consecutive_errors: 3, interval: 1s, "
                                   "base_ejection: 5s, max_ejected: 50%}\n"))
                             .nodes[0];
  EXPECT_DOUBLE_EQ(gw.health_check.interval_s, 2.0);
  EXPECT_DOUBLE_EQ(gw.health_check.timeout_s, 0.5);
  EXPECT_EQ(gw.health_check.unhealthy_after, 2);
  EXPECT_EQ(gw.health_check.healthy_after, 1);
  EXPECT_EQ(gw.outlier_detection.consecutive_errors, 3);
  EXPECT_DOUBLE_EQ(gw.outlier_detection.interval_s, 1.0);
  EXPECT_DOUBLE_EQ(gw.outlier_detection.base_ejection_s, 5.0);
  EXPECT_DOUBLE_EQ(gw.outlier_detection.max_ejected, 0.5);
}

TEST(Detection, OracleTurnsOutlierDetectionOffUnlessAsked) {
  const core::Node gw = load(with(kGw, "    health_check: {mode: oracle}\n")).nodes[0];
  EXPECT_EQ(gw.health_check.mode, core::Detection::kOracle);
  EXPECT_FALSE(gw.outlier_detection.enabled);
  const core::Node asked = load(with(kGw,
                                      "    health_check: {mode: oracle}\n"
                                      "    outlier_detection: {consecutive_errors: 2}\n"))
                                .nodes[0];
  EXPECT_TRUE(asked.outlier_detection.enabled);
  EXPECT_FALSE(load(with(kGw, "    outlier_detection: {enabled: false}\n"))
                   .nodes[0]
                   .outlier_detection.enabled);
}

TEST(Detection, Errors) {
  EXPECT_EQ(errors_of(with(kGw, "    health_check: {interval: 1s, timeout: 2s}\n")),
            Errors{"t.yaml:23:43: nodes.gw.health_check.timeout: expected a probe timeout no "
                   "longer than the interval (1s), got '2s'"});
  EXPECT_EQ(errors_of(with(kGw, "    health_check: {mode: magic}\n")),
            Errors{"t.yaml:23:26: nodes.gw.health_check.mode: expected one of probe, oracle, got "
                   "'magic'"});
  EXPECT_EQ(errors_of(with(kGw, "    health_check: {unhealthy_after: 0}\n")),
            Errors{"t.yaml:23:37: nodes.gw.health_check.unhealthy_after: expected a count >= 1, "
                   "got '0'"});
  EXPECT_EQ(errors_of(with(kIss, "    health_check: {interval: 5s}\n")),
            Errors{"t.yaml:43:19: nodes.iss.health_check: expected no health_check on an issuer "
                   "(it has no next hop), got a mapping"});
  EXPECT_EQ(errors_of(with(kGw, "    outlier_detection: {max_ejected: 110%}\n")),
            Errors{"t.yaml:23:38: nodes.gw.outlier_detection.max_ejected: expected a percentage "
                   ">= 0% and <= 100%, got '110%'"});
}

}  // namespace
}  // namespace payquake::scenario
