// Payment semantics through the real binary: each duplicate cause, orphan holds, keys,
// stand-in and funds, on small deterministic scenarios whose figures follow from their
// configuration. Three payments arrive 10 s apart, so each plays out alone.
#include <gtest/gtest.h>

#include <map>

#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

// One site, 1 ms between nodes, zero service everywhere but the issuer.
const char* kTemplate = R"(name: semantics-test
seed: 3
duration: {DURATION}
sites: [{id: s, internal_latency: 1ms}]
nodes:
  - {id: gw, role: gateway, site: s, workers: 100, service_time: {dist: constant, value: 0ms}, next: [acq], timeout: {GW_TIMEOUT}{GW_EXTRA}}
  - {id: acq, role: acquirer, site: s, workers: 100, service_time: {dist: constant, value: 0ms}, next: [net], timeout: 20s}
  - {id: net, role: network, site: s, workers: 100, service_time: {dist: constant, value: 0ms}, timeout: {NET_TIMEOUT}{NET_EXTRA}}
  - {id: iss, role: issuer, site: s, bins: ["4111"], workers: {ISS_WORKERS}, queue: {ISS_QUEUE}, service_time: {dist: constant, value: {ISS_SERVICE}}{ISS_EXTRA}}
payers:
  - id: p
    cards: {CARDS}
    issuers: {iss: 100%}
    entry: gw
    amount: {dist: constant, value: {AMOUNT}}
    client: {CLIENT}
load: {arrival: uniform, start_rate: {RATE}}
)";

nlohmann::json run(std::map<std::string, std::string> vars, const std::string& label) {
  std::map<std::string, std::string> all = {
      {"DURATION", "30s"},     {"GW_TIMEOUT", "20s"},   {"GW_EXTRA", ""},
      {"NET_TIMEOUT", "15s"},  {"NET_EXTRA", ""},       {"ISS_WORKERS", "100"},
      {"ISS_QUEUE", "1000"},   {"ISS_SERVICE", "10ms"}, {"ISS_EXTRA", ""},
      {"CARDS", "1000000"},    {"AMOUNT", "10.00"},     {"RATE", "0.1/s"},
      {"CLIENT", "{timeout: 30s}"}};
  for (auto& [k, v] : vars) all[k] = v;
  const std::string dir = temp_dir(label);
  const auto r = run_scenario(write_file(dir, "s.yaml", fill_template(kTemplate, all)));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Conservation holds in every scenario: money never appears or vanishes.
  EXPECT_EQ(r.summary["conservation"]["ok"], true) << r.summary["conservation"];
  EXPECT_EQ(r.summary["conservation"]["delta_minor_units"], 0);
  return r.summary;
}

int cause(const nlohmann::json& s, const char* name) {
  return s["duplicates"]["by_cause"][name].get<int>();
}

TEST(Duplicates, AClientRetryWithoutAKeyChargesEveryPaymentTwice) {
  // The issuer takes 2 s; the customer gives up after 1 s and presses again 0.5 s later.
  const auto s = run({{"ISS_SERVICE", "2s"},
                      {"CLIENT", "{timeout: 1s, retries: 1, retry_delay: {dist: constant, value: "
                                 "500ms}, idempotency_key: none}"}},
                     "client-retry");
  EXPECT_EQ(s["payments"]["total"], 3);
  EXPECT_EQ(s["duplicates"]["count"], 3);
  EXPECT_EQ(cause(s, "client_retry"), 3);
  EXPECT_EQ(s["duplicates"]["amount"], "30.00");
  // The retry too answers after its 1 s: the customer walks away, charged twice.
  EXPECT_EQ(s["payments"]["abandoned"], 3);
  EXPECT_EQ(s["duplicates"]["in_doubt"]["count"], 3);
  EXPECT_EQ(s["duplicates"]["orphan_holds"], 3);
  EXPECT_EQ(s["attempts"]["client_retries"], 3);
}

TEST(Duplicates, TheSameRetryWithItsKeyReusedConflictsAndChargesOnce) {
  const auto s = run({{"ISS_SERVICE", "2s"},
                      {"GW_EXTRA", ", idempotency: {enabled: true}"},
                      {"CLIENT", "{timeout: 1s, retries: 1, retry_delay: {dist: constant, value: "
                                 "500ms}, idempotency_key: reuse}"}},
                     "reuse-conflict");
  EXPECT_EQ(s["duplicates"]["count"], 0);
  EXPECT_EQ(s["idempotency"]["conflicts"], 3);
  // The retry is refused while the first is in flight: the customer sees a failure,
  // but the first authorization was approved: an orphan hold, not a duplicate.
  EXPECT_EQ(s["payments"]["failed"], 3);
  EXPECT_EQ(s["duplicates"]["orphan_holds"], 3);
}

TEST(Duplicates, AReusedKeyThatWaitsGetsTheFirstResult) {
  const auto s = run({{"ISS_SERVICE", "2s"},
                      {"GW_EXTRA", ", idempotency: {enabled: true, concurrent: wait}"},
                      {"CLIENT", "{timeout: 1s, retries: 1, retry_delay: {dist: constant, value: "
                                 "500ms}, idempotency_key: reuse}"}},
                     "reuse-wait");
  EXPECT_EQ(s["duplicates"]["count"], 0);
  EXPECT_EQ(s["idempotency"]["waits"], 3);
  EXPECT_EQ(s["payments"]["approved"], 3);  // the first result, 2 s in, within the retry's 1 s
  EXPECT_EQ(s["duplicates"]["orphan_holds"], 0);
}

TEST(Duplicates, AKeyUsedAfterItsTtlChargesAgain) {
  const std::string client =
      "{timeout: 500ms, retries: 1, retry_delay: {dist: constant, value: 2s}, "
      "idempotency_key: reuse}";
  const auto expired = run({{"ISS_SERVICE", "1s"},
                            {"GW_EXTRA", ", idempotency: {enabled: true, ttl: 1s}"},
                            {"CLIENT", client}},
                           "ttl-expired");
  EXPECT_EQ(expired["duplicates"]["count"], 3);
  // The retry carried the same key, but its stored result had expired.
  EXPECT_EQ(cause(expired, "key_not_stored"), 3);
  EXPECT_EQ(cause(expired, "client_retry"), 0);
  const auto kept = run({{"ISS_SERVICE", "1s"},
                         {"GW_EXTRA", ", idempotency: {enabled: true, ttl: 24h}"},
                         {"CLIENT", client}},
                        "ttl-kept");
  EXPECT_EQ(kept["duplicates"]["count"], 0);
  EXPECT_EQ(kept["idempotency"]["replays"], 3);
  EXPECT_EQ(kept["payments"]["approved"], 3);
}

TEST(Duplicates, ARetryWithTheSameKeyAfterAnErrorChargesAgainAsKeyNotStored) {
  // The gateway waits 1 s for the issuer's 2 s and answers 91; an error is not stored, so
  // the key is forgotten. The customer presses again 500 ms later with the same key: the
  // gateway processes it as new and the issuer approves it too. Both charges stand.
  const std::string client =
      "{timeout: 30s, retries: 1, retry_delay: {dist: constant, value: 500ms}, "
      "idempotency_key: {POLICY}}";
  const auto keyed = run({{"ISS_SERVICE", "2s"},
                          {"GW_TIMEOUT", "1s"},
                          {"GW_EXTRA", ", idempotency: {enabled: true}"},
                          {"CLIENT", fill_template(client, {{"POLICY", "reuse"}})}},
                         "key-not-stored");
  EXPECT_EQ(keyed["duplicates"]["count"], 3);
  EXPECT_EQ(cause(keyed, "key_not_stored"), 3);
  EXPECT_EQ(cause(keyed, "client_retry"), 0);
  EXPECT_EQ(keyed["attempts"]["client_retries"], 3);
  EXPECT_EQ(keyed["payments"]["failed"], 3);  // the retry timed out at the gateway too
  // The same retries without a key are what client_retry means.
  const auto plain = run({{"ISS_SERVICE", "2s"},
                          {"GW_TIMEOUT", "1s"},
                          {"GW_EXTRA", ", idempotency: {enabled: true}"},
                          {"CLIENT", fill_template(client, {{"POLICY", "none"}})}},
                         "key-none");
  EXPECT_EQ(plain["duplicates"]["count"], 3);
  EXPECT_EQ(cause(plain, "client_retry"), 3);
  EXPECT_EQ(cause(plain, "key_not_stored"), 0);
}

TEST(Duplicates, AGatewayRetryAfterATimeoutChargesTwice) {
  const auto s = run({{"ISS_SERVICE", "2s"},
                      {"GW_TIMEOUT", "1s"},
                      {"GW_EXTRA", ", retry: {attempts: 2, backoff: 0ms, jitter: none}"}},
                     "gateway-retry");
  EXPECT_EQ(s["duplicates"]["count"], 3);
  EXPECT_EQ(cause(s, "gateway_retry"), 3);
  EXPECT_EQ(s["attempts"]["hop_retries"], 3);
  // The retry takes 2 s as well and times out too: the customer sees 91 and is charged
  // twice (both charges stand, so the payment is also an orphan hold).
  EXPECT_EQ(s["payments"]["failed"], 3);
  EXPECT_EQ(s["nodes"]["gw"]["late_answers"], 6);
  EXPECT_EQ(s["duplicates"]["orphan_holds"], 3);
}

TEST(Duplicates, AReversalLostToAFullIssuerLeavesTheFirstChargeStanding) {
  // One issuer worker, no waiting room: the reversal sent at 1 s finds the issuer busy
  // with the original (until 2 s) and is refused; the retry leaves at 2.5 s, is approved
  // at 4.5 s, but times out at 3.5 s too, and its reversal finds the issuer busy again.
  const auto s = run({{"ISS_SERVICE", "2s"},
                      {"ISS_WORKERS", "1"},
                      {"ISS_QUEUE", "0"},
                      {"GW_TIMEOUT", "1s"},
                      {"GW_EXTRA",
                       ", retry: {attempts: 2, backoff: 1500ms, jitter: none}, reversal: "
                       "{on_timeout: true, attempts: 1, backoff: 1s}"}},
                     "lost-reversal");
  EXPECT_EQ(s["attempts"]["reversals"], 6);
  EXPECT_EQ(s["attempts"]["reversals_lost"], 6);
  // Each 0400 passes gw -> acq -> net -> iss: three sends; each payment's 0100s: the
  // payer's, then two tries of three hops each.
  EXPECT_EQ(s["attempts"]["messages"]["0400"], 18);
  EXPECT_EQ(s["attempts"]["messages"]["0100"], 21);
  EXPECT_EQ(s["attempts"]["messages"]["0120"], 0);
  EXPECT_EQ(s["duplicates"]["count"], 3);
  EXPECT_EQ(cause(s, "lost_reversal"), 3);
}

TEST(Duplicates, AReversalThatGetsThroughReleasesTheHold) {
  const auto s = run({{"ISS_SERVICE", "2s"},
                      {"GW_TIMEOUT", "1s"},
                      {"GW_EXTRA",
                       ", retry: {attempts: 2, backoff: 1500ms, jitter: none}, reversal: "
                       "{on_timeout: true, attempts: 1, backoff: 1s}"}},
                     "reversal-ok");
  // Each of the two requests times out and is reversed. A reversal takes 2 s at the
  // issuer: the gateway gives up on it after 1 s (lost, as far as it knows), yet it
  // reaches the issuer and releases the charge. Nothing stands: no duplicate, no orphan.
  EXPECT_EQ(s["attempts"]["reversals"], 6);
  EXPECT_EQ(s["duplicates"]["count"], 0);
  EXPECT_EQ(s["duplicates"]["orphan_holds"], 0);
  EXPECT_EQ(s["payments"]["failed"], 3);
}

TEST(Duplicates, ALostReversalWithoutRetryIsAnOrphanHold) {
  const auto s = run({{"ISS_SERVICE", "2s"},
                      {"ISS_WORKERS", "1"},
                      {"ISS_QUEUE", "0"},
                      {"GW_TIMEOUT", "1s"},
                      {"GW_EXTRA", ", reversal: {on_timeout: true, attempts: 1, backoff: 1s}"}},
                     "orphan");
  EXPECT_EQ(s["payments"]["failed"], 3);
  EXPECT_EQ(s["payments"]["by_code"]["91"], 3);
  EXPECT_EQ(s["duplicates"]["count"], 0);
  EXPECT_EQ(s["duplicates"]["orphan_holds"], 3);
}

TEST(Duplicates, ADoubleSubmitWithoutAKeyChargesTwiceAndAKeyPreventsIt) {
  const std::string client =
      "{timeout: 30s, double_submit: 100%, double_submit_delay: {dist: constant, value: "
      "100ms}, idempotency_key: ";
  // The issuer takes 500 ms, so the second press leaves while the first is in flight.
  const auto none = run({{"ISS_SERVICE", "500ms"}, {"CLIENT", client + "none}"}}, "double-none");
  EXPECT_EQ(none["attempts"]["double_submits"], 3);
  EXPECT_EQ(none["duplicates"]["count"], 3);
  EXPECT_EQ(cause(none, "double_submit"), 3);
  const auto keyed = run({{"ISS_SERVICE", "500ms"},
                          {"CLIENT", client + "reuse}"},
                          {"GW_EXTRA", ", idempotency: {enabled: true}"}},
                         "double-keyed");
  EXPECT_EQ(keyed["duplicates"]["count"], 0);
  EXPECT_EQ(keyed["idempotency"]["conflicts"], 3);  // the second press is refused
  EXPECT_EQ(keyed["payments"]["approved"], 3);      // and the first one's answer stands
}

TEST(Duplicates, AStandInApprovalAndTheIssuersApprovalOfTheRetry) {
  // The network stands in after 1 s; the customer gave up at 0.8 s and pressed again at
  // 0.9 s without a key. The issuer approves both requests itself (2 s each); the first
  // is the same transaction as its stand-in (booked once), the retry a second charge.
  const auto s = run({{"ISS_SERVICE", "2s"},
                      {"NET_TIMEOUT", "1s"},
                      {"NET_EXTRA", ", stand_in: {enabled: true, max_amount: 200.00}"},
                      {"CLIENT", "{timeout: 800ms, retries: 1, retry_delay: {dist: constant, "
                                 "value: 100ms}, idempotency_key: none}"}},
                     "stand-in");
  EXPECT_GT(s["attempts"]["stand_in_approvals"].get<int>(), 0);
  EXPECT_EQ(s["duplicates"]["count"], 3);
  EXPECT_EQ(cause(s, "stand_in"), 3);
}

TEST(StandIn, DeclinesAboveItsLimitAndAnswers91WhenOff) {
  const auto above = run({{"ISS_SERVICE", "2s"},
                          {"NET_TIMEOUT", "1s"},
                          {"AMOUNT", "500.00"},
                          {"NET_EXTRA", ", stand_in: {enabled: true, max_amount: 200.00}"}},
                         "stand-in-limit");
  EXPECT_EQ(above["payments"]["declined"], 3);
  EXPECT_EQ(above["payments"]["by_code"]["05"], 3);
  EXPECT_EQ(above["attempts"]["stand_in_declines"], 3);
  const auto off = run({{"ISS_SERVICE", "2s"}, {"NET_TIMEOUT", "1s"}}, "stand-in-off");
  EXPECT_EQ(off["payments"]["by_code"]["91"], 3);
  EXPECT_EQ(off["attempts"]["stand_in_approvals"], 0);
}

TEST(Funds, InsufficientFundsDeclinesExactlyThePaymentsBeyondTheBalance) {
  // One card with 100.00; ten payments of 30.00: three fit, seven are declined 51.
  const auto s = run({{"CARDS", "1"},
                      {"AMOUNT", "30.00"},
                      {"RATE", "1/s"},
                      {"DURATION", "10s"},
                      {"ISS_EXTRA", ", accounts: {balance: {dist: constant, value: 100.00}}"}},
                     "funds");
  EXPECT_EQ(s["payments"]["approved"], 3);
  EXPECT_EQ(s["payments"]["declined"], 7);
  EXPECT_EQ(s["payments"]["by_code"]["51"], 7);
  EXPECT_EQ(s["conservation"]["accounts_total"], "100.00");
  // By default holds are captured hours later: at the end all three are still held.
  EXPECT_EQ(s["conservation"]["held"], "90.00");
  EXPECT_EQ(s["conservation"]["settled"], "0.00");
  EXPECT_EQ(s["conservation"]["accounts"], 1);
}

TEST(Funds, ACapturedHoldIsSpentAndSettledToTheMerchant) {
  // Captured 1 s after approval: the money has left the account, so the same three fit.
  const auto s = run({{"CARDS", "1"},
                      {"AMOUNT", "30.00"},
                      {"RATE", "1/s"},
                      {"DURATION", "10s"},
                      {"ISS_EXTRA",
                       ", accounts: {balance: {dist: constant, value: 100.00}, capture: {after: "
                       "{dist: constant, value: 1s}, share: 100%}}"}},
                     "funds-captured");
  EXPECT_EQ(s["payments"]["approved"], 3);
  EXPECT_EQ(s["payments"]["by_code"]["51"], 7);
  EXPECT_EQ(s["conservation"]["held"], "0.00");
  EXPECT_EQ(s["conservation"]["settled"], "90.00");
  EXPECT_EQ(s["conservation"]["accounts_total"], "100.00");
}

TEST(Funds, AnUncapturedHoldExpiresAndTheCardholderCanPayAgain) {
  // Nothing is captured and holds expire after 1.5 s: at most one 30.00 is held when a
  // payment arrives (one a second), so every one of the ten fits in 100.00.
  const auto s = run({{"CARDS", "1"},
                      {"AMOUNT", "30.00"},
                      {"RATE", "1/s"},
                      {"DURATION", "10s"},
                      {"ISS_EXTRA",
                       ", accounts: {balance: {dist: constant, value: 100.00}, capture: "
                       "{share: 0%}, hold_expiry: 1500ms}"}},
                     "funds-expired");
  EXPECT_EQ(s["payments"]["approved"], 10);
  EXPECT_EQ(s["payments"]["declined"], 0);
  EXPECT_EQ(s["conservation"]["settled"], "0.00");
  EXPECT_EQ(s["conservation"]["accounts_total"], "100.00");
}

}  // namespace
}  // namespace payquake::testing

namespace payquake::testing {
namespace {

TEST(ShippedScenarios, DuplicateChargesShowsDuplicatesByCauseAndTheKeyedVariantNone) {
  const auto plain = run_scenario(source_dir() + "/scenarios/duplicate-charges.yaml");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  const auto& dup = plain.summary["duplicates"];
  EXPECT_GT(dup["count"].get<int>(), 1000);
  EXPECT_GT(dup["by_cause"]["client_retry"].get<int>(), 0);
  EXPECT_GT(dup["by_cause"]["double_submit"].get<int>(), 0);
  EXPECT_EQ(dup["count"].get<int>(),
            dup["by_cause"]["client_retry"].get<int>() + dup["by_cause"]["double_submit"].get<int>());
  EXPECT_EQ(plain.summary["conservation"]["ok"], true);

  const auto keyed = run_scenario(source_dir() + "/scenarios/duplicate-charges-keyed.yaml");
  ASSERT_EQ(keyed.exit_code, 0) << keyed.err;
  EXPECT_EQ(keyed.summary["duplicates"]["count"], 0);
  EXPECT_GT(keyed.summary["attempts"]["client_retries"].get<int>(), 0);  // same pressure
  EXPECT_EQ(keyed.summary["payments"]["total"], plain.summary["payments"]["total"]);
  EXPECT_EQ(keyed.summary["conservation"]["ok"], true);
}

}  // namespace
}  // namespace payquake::testing
