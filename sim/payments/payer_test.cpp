// payments::Payer on its own: the keys and request numbers of presses, retries up to the
// configured count then giving up, retry delays keyed to the payment and the press, and the
// double-submit share. Frequency bounds are kSigmas binomial standard errors, so a correct
// implementation fails with p < 1e-6.
#include "payments/payer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace payquake::payments {
namespace {

constexpr double kSigmas = 5.0;

core::Scenario scenario(double double_submit = 0.0) {
  core::Scenario s;
  s.seed = 11;
  core::Node gw;
  gw.id = "gw";
  core::Node iss;
  iss.id = "iss";
  iss.role = core::Role::kIssuer;
  s.nodes = {gw, iss};
  core::Payers p;
  p.id = "p";
  p.client.retries = 2;
  p.client.retry_delay = core::Distribution::uniform(1.0, 5.0);
  p.client.double_submit = double_submit;
  p.client.double_submit_delay = core::Distribution::uniform(0.05, 0.5);
  s.payers = {p};
  return s;
}

core::Payment payment(std::uint64_t sequence) {
  core::Payment p;
  p.id = sequence + 1;
  p.serial = payment_serial(0, sequence);
  return p;
}

core::Client with_keys(core::KeyPolicy policy) {
  core::Client c;
  c.idempotency_key = policy;
  return c;
}

TEST(Payer, ReuseGivesEveryPressOfAPaymentTheFirstPresssKey) {
  const core::Client c = with_keys(core::KeyPolicy::kReuse);
  const std::uint64_t first = Payer::press(c, 7, TryKind::kFirst, 0).key;
  EXPECT_NE(first, 0u);
  EXPECT_EQ(Payer::press(c, 7, TryKind::kClientRetry, 1).key, first);
  EXPECT_EQ(Payer::press(c, 7, TryKind::kClientRetry, 2).key, first);
  EXPECT_EQ(Payer::press(c, 7, TryKind::kDoubleSubmit, 1).key, first);
  EXPECT_NE(Payer::press(c, 8, TryKind::kFirst, 0).key, first);  // another payment's
}

TEST(Payer, NewGivesEveryPressItsOwnKeyUntilTheKeysRunOut) {
  const core::Client c = with_keys(core::KeyPolicy::kNew);
  std::set<std::uint64_t> keys;
  keys.insert(Payer::press(c, 7, TryKind::kFirst, 0).key);
  for (int presses = 1; presses < 10; ++presses)
    keys.insert(Payer::press(c, 7, TryKind::kClientRetry, presses).key);
  keys.insert(Payer::press(c, 7, TryKind::kDoubleSubmit, 1).key);
  EXPECT_EQ(keys.size(), 11u);
  EXPECT_EQ(keys.count(0), 0u);
  // Press numbers beyond the last keyed one share its key rather than spill into the
  // next payment's keys.
  EXPECT_EQ(Payer::press(c, 7, TryKind::kDoubleSubmit, 20).key,
            Payer::press(c, 7, TryKind::kDoubleSubmit, 15).key);
  EXPECT_EQ(keys.count(Payer::press(c, 8, TryKind::kFirst, 0).key), 0u);
}

TEST(Payer, NoneSendsNoKey) {
  const core::Client c = with_keys(core::KeyPolicy::kNone);
  EXPECT_EQ(Payer::press(c, 7, TryKind::kFirst, 0).key, 0u);
  EXPECT_EQ(Payer::press(c, 7, TryKind::kClientRetry, 1).key, 0u);
  EXPECT_EQ(Payer::press(c, 7, TryKind::kDoubleSubmit, 1).key, 0u);
}

TEST(Payer, PressNumbersKeepDoubleSubmitsApartFromRetries) {
  const core::Client c;
  EXPECT_EQ(Payer::press(c, 7, TryKind::kFirst, 0).number, 0);
  EXPECT_EQ(Payer::press(c, 7, TryKind::kClientRetry, 2).number, 2);
  EXPECT_EQ(Payer::press(c, 7, TryKind::kDoubleSubmit, 1).number, 17);
}

TEST(Payer, RetriesUpToTheConfiguredCountThenGivesUp) {
  const core::Scenario s = scenario();
  const PaymentDraws draws(s);
  const Payer payer(draws);
  const core::Client& c = s.payers[0].client;  // 2 retries
  const core::Payment p = payment(3);
  EXPECT_EQ(payer.after_failure(c, p, TryKind::kFirst, 1, 10.0).step, Payer::Step::kPressAgain);
  EXPECT_EQ(payer.after_failure(c, p, TryKind::kClientRetry, 2, 10.0).step,
            Payer::Step::kPressAgain);
  const Payer::Next last = payer.after_failure(c, p, TryKind::kClientRetry, 3, 10.0);
  EXPECT_EQ(last.step, Payer::Step::kGiveUp);
  EXPECT_EQ(last.at_s, 10.0);
  core::Client none = c;
  none.retries = 0;
  EXPECT_EQ(payer.after_failure(none, p, TryKind::kFirst, 1, 10.0).step, Payer::Step::kGiveUp);
  // A double submit's failure is not the customer's cue: their own presses decide.
  EXPECT_EQ(payer.after_failure(c, p, TryKind::kDoubleSubmit, 1, 10.0).step,
            Payer::Step::kNothing);
}

TEST(Payer, RetryDelayIsDrawnPerPressAndUnmovedByOtherPayments) {
  const core::Scenario s = scenario();
  const PaymentDraws draws(s);
  const Payer payer(draws);
  const core::Client& c = s.payers[0].client;
  const core::Payment p = payment(3);
  const double first = payer.after_failure(c, p, TryKind::kFirst, 1, 10.0).at_s - 10.0;
  const double second = payer.after_failure(c, p, TryKind::kClientRetry, 2, 10.0).at_s - 10.0;
  EXPECT_GE(first, 1.0);
  EXPECT_LE(first, 5.0);
  EXPECT_NE(first, second);  // a draw per press, not one per payment
  const double delay = draws.client_retry_delay_s(p, 1);
  EXPECT_EQ(payer.after_failure(c, p, TryKind::kFirst, 1, 10.0).at_s, 10.0 + delay);
  // Other payments' decisions in between, and a later moment, leave the delay as it was.
  for (std::uint64_t k = 0; k < 50; ++k)
    payer.after_failure(c, payment(100 + k), TryKind::kFirst, 1, 3.0);
  EXPECT_EQ(payer.after_failure(c, p, TryKind::kFirst, 1, 10.0).at_s, 10.0 + delay);
  EXPECT_EQ(payer.after_failure(c, p, TryKind::kFirst, 1, 20.0).at_s, 20.0 + delay);
  // Different payments get different delays.
  EXPECT_NE(payer.after_failure(c, payment(4), TryKind::kFirst, 1, 10.0).at_s - 10.0, first);
}

TEST(Payer, DoubleSubmitsHappenAtTheirShareAfterTheirDelay) {
  constexpr int kPayments = 20'000;
  constexpr double kShare = 0.3;
  const core::Scenario s = scenario(kShare);
  const PaymentDraws draws(s);
  const Payer payer(draws);
  int twice = 0;
  for (int k = 0; k < kPayments; ++k) {
    const Payer::DoubleSubmit d =
        payer.double_submit(payment(static_cast<std::uint64_t>(k)), 100.0);
    if (!d.happens) continue;
    ++twice;
    EXPECT_GE(d.at_s, 100.05);
    EXPECT_LE(d.at_s, 100.5);
  }
  const double sigma = std::sqrt(kShare * (1 - kShare) / kPayments);
  EXPECT_NEAR(static_cast<double>(twice) / kPayments, kShare, kSigmas * sigma);

  const core::Scenario never_s = scenario(0.0);
  const PaymentDraws never_draws(never_s);
  const Payer never(never_draws);
  for (int k = 0; k < 1000; ++k)
    EXPECT_FALSE(never.double_submit(payment(static_cast<std::uint64_t>(k)), 0.0).happens);
}

// Issue 10: after a 3-D Secure challenge the customer pays with a key of their own (the
// first key's stored answer is the 65 that asked for the challenge), and under reuse every
// later press carries it.
TEST(Payer, ThePressAfterAChallengeHasANewKeyThatLaterPressesReuse) {
  const core::Client reuse = with_keys(core::KeyPolicy::kReuse);
  const std::uint64_t first = Payer::press(reuse, 7, TryKind::kFirst, 0).key;
  const Payer::Press after = Payer::press(reuse, 7, TryKind::kStepUp, 1);
  EXPECT_NE(after.key, 0u);
  EXPECT_NE(after.key, first);
  EXPECT_EQ(after.number, 1);  // a press of the primary chain: its own request
  EXPECT_EQ(Payer::press(reuse, 7, TryKind::kClientRetry, 2, after.number).key, after.key);
  EXPECT_NE(Payer::press(reuse, 8, TryKind::kStepUp, 1).key, after.key);  // another payment's

  const core::Client fresh = with_keys(core::KeyPolicy::kNew);
  const std::uint64_t fresh_first = Payer::press(fresh, 7, TryKind::kFirst, 0).key;
  const std::uint64_t fresh_after = Payer::press(fresh, 7, TryKind::kStepUp, 1).key;
  EXPECT_NE(fresh_after, fresh_first);
  EXPECT_NE(Payer::press(fresh, 7, TryKind::kClientRetry, 2, 1).key, fresh_after);
  EXPECT_EQ(Payer::press(with_keys(core::KeyPolicy::kNone), 7, TryKind::kStepUp, 1).key, 0u);
}

// The press after a challenge is not a retry: the customer still has their retries.
TEST(Payer, ThePressAfterAChallengeLeavesTheRetriesAlone) {
  const core::Scenario s = scenario();
  const PaymentDraws draws(s);
  const Payer payer(draws);
  const core::Client& c = s.payers[0].client;  // retries: 2
  // First press, the press after the challenge, then two retries: 4 presses, 1 a step-up.
  EXPECT_EQ(payer.after_failure(c, payment(1), TryKind::kClientRetry, 3, 0.0, 1).step,
            Payer::Step::kPressAgain);
  EXPECT_EQ(payer.after_failure(c, payment(1), TryKind::kClientRetry, 4, 0.0, 1).step,
            Payer::Step::kGiveUp);
  EXPECT_EQ(payer.after_failure(c, payment(1), TryKind::kClientRetry, 3, 0.0).step,
            Payer::Step::kGiveUp);
}

}  // namespace
}  // namespace payquake::payments
