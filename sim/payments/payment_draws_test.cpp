// PaymentDraws: each payment's numbers depend on the payment and the visit alone, so a
// variant that changes one thing (one node's service, one population's amounts, other
// payments' histories) leaves every other draw as it was. Bounds on frequencies are
// kSigmas binomial standard errors, so a correct implementation fails with p < 1e-6.
#include "payments/payment_draws.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace payquake::payments {
namespace {

constexpr int kPayments = 20'000;
constexpr double kSigmas = 5.0;

core::Scenario scenario() {
  core::Scenario s;
  s.seed = 99;
  core::Node gw;
  gw.id = "gw";
  gw.service_time = core::Distribution::exponential(0.002);
  gw.retry.jitter = core::Jitter::kFull;
  core::Node iss;
  iss.id = "iss";
  iss.role = core::Role::kIssuer;
  iss.service_time = core::Distribution::lognormal_from_median_p99(0.008, 0.06);
  s.nodes = {gw, iss};
  core::Payers a;
  a.id = "a";
  a.cards = 1000;
  a.amount = core::Distribution::lognormal_from_median_p99(42.0, 900.0);
  a.client.double_submit = 0.3;
  core::Payers b = a;
  b.id = "b";
  s.payers = {a, b};
  return s;
}

core::Payment payment(std::uint32_t population, std::uint64_t sequence) {
  core::Payment p;
  p.population = population;
  p.serial = payment_serial(population, sequence);
  return p;
}

TEST(PaymentSerial, KeepsPopulationsApart) {
  EXPECT_NE(payment_serial(0, 5), payment_serial(1, 5));
  EXPECT_EQ(payment_serial(1, 5) >> 40, 1u);
  EXPECT_EQ(payment_serial(1, 5) & ((std::uint64_t{1} << 40) - 1), 5u);
}

TEST(PaymentDraws, TheSameVisitGetsTheSameServiceTimeWhateverElseWasDrawn) {
  const PaymentDraws d(scenario());
  const core::Payment p = payment(0, 17);
  const double first = d.service_s(1, p, visit::press(0));
  // Other payments, other visits, other kinds of draw in between change nothing.
  for (std::uint64_t k = 0; k < 100; ++k) {
    d.service_s(1, payment(0, k), visit::press(0));
    d.purchase(payment(0, k));
    d.purchase(payment(1, k));
  }
  EXPECT_EQ(d.service_s(1, p, visit::press(0)), first);
  EXPECT_EQ(PaymentDraws(scenario()).service_s(1, p, visit::press(0)), first);
}

TEST(PaymentDraws, VisitsOfOnePaymentDrawIndependently) {
  const PaymentDraws d(scenario());
  const core::Payment p = payment(0, 3);
  const std::uint64_t first = visit::press(0);
  std::set<double> seen{d.service_s(0, p, first), d.service_s(0, p, visit::press(1)),
                        d.service_s(0, p, visit::child(first, 0)),
                        d.service_s(0, p, visit::child(first, 1)),
                        d.service_s(0, p, visit::originated(first, core::Message::kReversal)),
                        d.service_s(0, p, visit::resend(first, 2))};
  EXPECT_EQ(seen.size(), 6u);
}

TEST(PaymentDraws, ExponentialServiceIsTheGeneralSamplersDraw) {
  // service_s takes a shortcut for exponential service (the hot path): it must give the
  // very number core::sample gives on the node's family, or results would change.
  const PaymentDraws d(scenario());
  const core::KeyedRandom gateway(99, "nodes/gw/service");
  for (std::uint64_t k = 0; k < 1000; ++k) {
    const core::Payment p = payment(static_cast<std::uint32_t>(k % 2), k);
    const std::uint64_t v = visit::child(visit::press(static_cast<int>(k % 3)), 0);
    core::KeyedDraws general = gateway.at(p.serial, v);
    EXPECT_EQ(d.service_s(0, p, v),
              core::sample(core::Distribution::exponential(0.002), general))
        << k;
  }
}

TEST(PaymentDraws, AVariantOfOneThingLeavesEveryOtherDrawAlone) {
  core::Scenario a = scenario();
  core::Scenario b = scenario();
  b.nodes[0].service_time = core::Distribution::exponential(0.5);  // only the gateway differs
  b.payers[1].amount = core::Distribution::constant(7.0);          // and population b's amounts
  const PaymentDraws da(a), db(b);
  int gateway_differs = 0;
  for (std::uint64_t k = 0; k < 1000; ++k) {
    const core::Payment p = payment(0, k);
    const std::uint64_t v = visit::child(visit::press(0), 0);
    EXPECT_EQ(da.service_s(1, p, v), db.service_s(1, p, v));
    EXPECT_EQ(da.purchase(p).amount, db.purchase(p).amount);
    EXPECT_EQ(da.purchase(p).card, db.purchase(p).card);
    EXPECT_EQ(da.purchase(payment(1, k)).card, db.purchase(payment(1, k)).card);
    EXPECT_EQ(da.double_submit(p).happens, db.double_submit(p).happens);
    gateway_differs += da.service_s(0, p, v) != db.service_s(0, p, v) ? 1 : 0;
  }
  EXPECT_EQ(gateway_differs, 1000);  // the changed node did change
}

TEST(PaymentDraws, CardsAndAmountsShareOneCallButNotTheirNumbers) {
  // Cards and amounts come from one Philox block, yet a change to how one is drawn (here
  // amounts that take many values each: a normal truncated at 0 resamples often) never
  // changes the other.
  core::Scenario a = scenario();
  core::Scenario b = scenario();
  b.payers[0].amount = core::Distribution::normal(0.0, 5.0);
  b.payers[0].activity = core::Distribution::zipf(2.0);
  const PaymentDraws da(a), db(b);
  core::Scenario c = scenario();
  c.payers[0].amount = core::Distribution::normal(0.0, 5.0);
  const PaymentDraws dc(c);
  int cards_differ = 0;
  for (std::uint64_t k = 0; k < 1000; ++k) {
    const core::Payment p = payment(0, k);
    EXPECT_EQ(da.purchase(p).card, dc.purchase(p).card);  // only amounts differ in c
    cards_differ += da.purchase(p).card != db.purchase(p).card ? 1 : 0;
  }
  EXPECT_GT(cards_differ, 900);  // b's skewed activity does change the cards
}

TEST(PaymentDraws, DoubleSubmitsHappenAtTheirRate) {
  const PaymentDraws d(scenario());
  int happens = 0;
  for (std::uint64_t k = 0; k < kPayments; ++k) {
    const auto twice = d.double_submit(payment(0, k));
    happens += twice.happens ? 1 : 0;
    EXPECT_GE(twice.delay_s, 0.05);
    EXPECT_LE(twice.delay_s, 0.5);
  }
  const double sd = std::sqrt(kPayments * 0.3 * 0.7);
  EXPECT_NEAR(happens, kPayments * 0.3, kSigmas * sd);

  core::Scenario never = scenario();
  never.payers[0].client.double_submit = 0.0;
  const PaymentDraws none(never);
  for (std::uint64_t k = 0; k < 1000; ++k) EXPECT_FALSE(none.double_submit(payment(0, k)).happens);
}

TEST(PaymentDraws, LinkLossAndJitterFollowTheirFault) {
  const PaymentDraws d(scenario());
  int lost = 0;
  for (std::uint64_t k = 0; k < kPayments; ++k) {
    const core::Payment p = payment(0, k);
    double delay = 1.0;
    EXPECT_TRUE(d.link(p, visit::press(0), false, 0.0, 0.0, &delay));  // no fault, no draw
    EXPECT_EQ(delay, 1.0);
    EXPECT_FALSE(d.link(p, visit::press(0), false, 1.0, 0.0, &delay));  // certain loss
    if (!d.link(p, visit::press(0), false, 0.2, 0.0, &delay)) ++lost;
    double jittered = 0.0;
    ASSERT_TRUE(d.link(p, visit::press(0), true, 0.0, 0.004, &jittered));
    EXPECT_GE(jittered, 0.0);
    EXPECT_LT(jittered, 0.004);
  }
  EXPECT_NEAR(lost, kPayments * 0.2, kSigmas * std::sqrt(kPayments * 0.2 * 0.8));
}

TEST(PaymentDraws, AJitterFaultNeverChangesWhichMessagesAreLost) {
  const PaymentDraws d(scenario());
  for (std::uint64_t k = 0; k < 2000; ++k) {
    double x = 0, y = 0;
    const core::Payment p = payment(0, k);
    EXPECT_EQ(d.link(p, 42, false, 0.3, 0.0, &x), d.link(p, 42, false, 0.3, 0.05, &y));
  }
}

TEST(PaymentDraws, RetryDelaysStayWithinTheirPolicy) {
  const PaymentDraws d(scenario());
  std::set<double> client_delays;
  for (int press = 1; press <= 3; ++press) {
    const double s = d.client_retry_delay_s(payment(0, 8), press);
    EXPECT_GE(s, 1.0);  // the default uniform(1 s, 5 s)
    EXPECT_LE(s, 5.0);
    client_delays.insert(s);
    // Full jitter on 200 ms * 2^(retry - 1).
    const double hop = d.hop_retry_delay_s(0, payment(0, 8), visit::press(press), press);
    EXPECT_GE(hop, 0.0);
    EXPECT_LT(hop, 0.2 * std::pow(2.0, press - 1));
  }
  EXPECT_EQ(client_delays.size(), 3u);  // each press has its own delay
}

TEST(PaymentDraws, CardsAndAmountsOfPopulationsAreTheirOwn) {
  const PaymentDraws d(scenario());
  int same_amount = 0;
  for (std::uint64_t k = 0; k < 1000; ++k) {
    const std::uint64_t card = d.purchase(payment(0, k)).card;
    EXPECT_GE(card, 1u);
    EXPECT_LE(card, 1000u);
    same_amount += d.purchase(payment(0, k)).amount == d.purchase(payment(1, k)).amount ? 1 : 0;
  }
  // Identical specs, different populations: different numbers (a coincidence of cents
  // is possible, a systematic one is the bug this catches).
  EXPECT_LT(same_amount, 10);
}

// Issue 10: merchant, device and ground truth at arrival.
TEST(PaymentDraws, BaseRateFraudHappensAtItsRateAndAPopulationsOwnRateWins) {
  core::Scenario s = scenario();
  s.fraud.base_rate = 0.2;
  s.payers[0].fraud_rate = 0.05;  // population a overrides; b takes the base rate
  const PaymentDraws d(s);
  int fraud_a = 0, fraud_b = 0;
  for (std::uint64_t k = 0; k < kPayments; ++k) {
    core::Payment a = payment(0, k), b = payment(1, k);
    a.card = b.card = 1 + k % 100;
    fraud_a += d.features(a).fraud ? 1 : 0;
    fraud_b += d.features(b).fraud ? 1 : 0;
  }
  EXPECT_NEAR(fraud_a, kPayments * 0.05, kSigmas * std::sqrt(kPayments * 0.05 * 0.95));
  EXPECT_NEAR(fraud_b, kPayments * 0.2, kSigmas * std::sqrt(kPayments * 0.2 * 0.8));
  s.payers[0].fraud_rate = 0.0;
  const PaymentDraws none(s);
  for (std::uint64_t k = 0; k < 1000; ++k) {
    core::Payment a = payment(0, k);
    a.card = 1;
    EXPECT_FALSE(none.features(a).fraud);
  }
}

// A card pays from its own device, from its second one at second_device's rate, and a
// fraudster from a device the card never used; devices of different cards differ.
TEST(PaymentDraws, DevicesBelongToCardsAndFraudstersUseNewOnes) {
  core::Scenario s = scenario();
  s.fraud.base_rate = 0.1;
  s.payers[0].second_device = 0.3;
  const PaymentDraws d(s);
  int second = 0, legit = 0;
  std::set<std::uint64_t> fraud_devices;
  for (std::uint64_t k = 0; k < kPayments; ++k) {
    core::Payment p = payment(0, k);
    p.card = 1 + k % 50;
    const auto f = d.features(p);
    const std::uint64_t own = PaymentDraws::card_device(0, p.card, 0);
    const std::uint64_t other = PaymentDraws::card_device(0, p.card, 1);
    ASSERT_NE(f.device, 0u);
    if (f.fraud) {
      EXPECT_NE(f.device, own);
      EXPECT_NE(f.device, other);
      fraud_devices.insert(f.device);
      continue;
    }
    ++legit;
    ASSERT_TRUE(f.device == own || f.device == other);
    second += f.device == other ? 1 : 0;
  }
  EXPECT_NEAR(second, legit * 0.3, kSigmas * std::sqrt(legit * 0.3 * 0.7));
  EXPECT_GT(fraud_devices.size(), 1000u);  // one per fraudulent payment
  EXPECT_NE(PaymentDraws::card_device(0, 7, 0), PaymentDraws::card_device(1, 7, 0));
  EXPECT_NE(PaymentDraws::card_device(0, 7, 0), PaymentDraws::card_device(0, 8, 0));
}

// Zipf(1) over 1..merchants: merchant k has share (1/k) / H(n).
TEST(PaymentDraws, MerchantsFollowZipfOne) {
  core::Scenario s = scenario();
  s.payers[0].merchants = 100;
  const PaymentDraws d(s);
  double harmonic = 0.0;
  for (int k = 1; k <= 100; ++k) harmonic += 1.0 / k;
  int first = 0, second = 0;
  for (std::uint64_t k = 0; k < kPayments; ++k) {
    core::Payment p = payment(0, k);
    p.card = 1;
    const std::uint64_t m = d.features(p).merchant;
    ASSERT_GE(m, 1u);
    ASSERT_LE(m, 100u);
    first += m == 1 ? 1 : 0;
    second += m == 2 ? 1 : 0;
  }
  const auto near = [&](int count, double share) {
    EXPECT_NEAR(count, kPayments * share, kSigmas * std::sqrt(kPayments * share * (1 - share)));
  };
  near(first, 1.0 / harmonic);
  near(second, 0.5 / harmonic);
}

// The new draws have keys of their own: a scenario's other draws are what they were.
TEST(PaymentDraws, FraudSettingsChangeNoOtherDraw) {
  core::Scenario a = scenario();
  core::Scenario b = scenario();
  b.fraud.base_rate = 0.5;
  b.payers[0].merchants = 3;
  b.payers[0].second_device = 0.9;
  const PaymentDraws da(a), db(b);
  for (std::uint64_t k = 0; k < 1000; ++k) {
    const core::Payment p = payment(0, k);
    EXPECT_EQ(da.purchase(p).card, db.purchase(p).card);
    EXPECT_EQ(da.purchase(p).amount, db.purchase(p).amount);
    EXPECT_EQ(da.service_s(1, p, visit::press(0)), db.service_s(1, p, visit::press(0)));
    EXPECT_EQ(da.double_submit(p).happens, db.double_submit(p).happens);
  }
}

}  // namespace
}  // namespace payquake::payments
