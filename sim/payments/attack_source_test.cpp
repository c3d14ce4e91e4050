// The attack sources on their own (attack_source.hpp): what each kind sends, and how the
// card-testing bot reacts to its answers. Pure code: no flow, no engine.
#include "payments/attack_source.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/payment_keys.hpp"

namespace payquake::payments {
namespace {

using core::Attack;
using core::Outcome;

// Node 0 a gateway; issuers iss-a (BINs 0 and 1) and iss-b (BIN 2). Population 0 banks at
// iss-a, population 1 at iss-b.
core::Scenario scenario() {
  core::Scenario s;
  s.seed = 5;
  core::Node gw;
  gw.id = "gw";
  gw.role = core::Role::kGateway;
  core::Node a;
  a.id = "iss-a";
  a.role = core::Role::kIssuer;
  a.bins = {"4111", "4222"};
  core::Node b = a;
  b.id = "iss-b";
  b.bins = {"5500"};
  s.nodes = {gw, a, b};
  core::Payers shoppers;
  shoppers.id = "shoppers";
  shoppers.cards = 1000;
  shoppers.merchants = 50;
  shoppers.issuers = {{"iss-a", 1.0}};
  shoppers.entry = "gw";
  core::Payers others = shoppers;
  others.id = "others";
  others.cards = 300;
  others.issuers = {{"iss-b", 1.0}};
  s.payers = {shoppers, others};
  return s;
}

Attack attack(Attack::Kind kind, const std::string& id) {
  Attack a;
  a.kind = kind;
  a.id = id;
  a.entry = "gw";
  a.at_s = 100;
  a.duration_s = 50;
  a.rate_per_s = 10;
  return a;
}

// An attack source over scenario() with its attack at index 0 (population 2).
struct Bench {
  explicit Bench(Attack a) : s(scenario()), cards(s), attack(std::move(a)) {
    s.attacks = {attack};
    source = make_attack_source(AttackContext{s.attacks[0], 0, s.seed, s, cards});
  }
  // The payment sent at arrival `n` at `t` (nullopt: nothing sent).
  std::optional<core::Payment> send(std::uint64_t n, double t, Signature* sig = nullptr) {
    core::Payment p;
    p.serial = core::payment_serial(2, n);
    p.population = 2;
    p.attack = 0;
    p.id = 1000 + n;
    Signature ignored;
    if (!source->next(p, t, sig ? sig : &ignored)) return std::nullopt;
    return p;
  }
  core::Scenario s;
  CardDirectory cards;
  Attack attack;
  std::unique_ptr<AttackSource> source;
};

TEST(CardDirectory, PlacesACardAtItsPopulationsIssuerWhoeverPaysWithIt) {
  const core::Scenario s = scenario();
  const CardDirectory cards(s);
  for (std::uint64_t card = 1; card <= 50; ++card) {
    core::Payment own;
    own.population = 1;
    own.card = card;
    cards.place(own);
    EXPECT_EQ(own.issuer, 2u);
    EXPECT_EQ(own.bin, 2u);
    core::Payment stolen;
    stolen.population = 7;  // an attack's population
    stolen.card_population = 0;
    stolen.card = card;
    cards.place(stolen);
    EXPECT_EQ(stolen.issuer, 1u);
    EXPECT_TRUE(stolen.bin == 0u || stolen.bin == 1u);
  }
}

// ---- card_testing ------------------------------------------------------------------------

Attack card_testing(std::int64_t cards, std::int64_t tries) {
  Attack a = attack(Attack::Kind::kCardTesting, "ct");
  a.payers = "others";
  a.cards = cards;
  a.tries_per_card = tries;
  a.devices = 4;
  a.amount = core::Distribution::uniform(0.5, 2.0);
  return a;
}

TEST(CardTesting, SendsSmallAmountsOnTheVictimsCardsFromItsDevicePool) {
  Bench b(card_testing(1000, 1));
  std::set<std::uint64_t> devices, merchants;
  for (std::uint64_t n = 0; n < 400; ++n) {
    const auto p = b.send(n, 100.0);
    ASSERT_TRUE(p);
    EXPECT_EQ(core::card_population_of(*p), 1u);
    EXPECT_GE(p->card, 1u);
    EXPECT_LE(p->card, 300u);
    EXPECT_EQ(p->issuer, 2u);  // the victims' issuer
    EXPECT_GE(p->amount.minor, 50);
    EXPECT_LE(p->amount.minor, 200);
    EXPECT_TRUE(p->card_exists);
    devices.insert(p->device);
    merchants.insert(p->merchant);
  }
  EXPECT_EQ(devices.size(), 4u);     // the pool, every one used in 400 tries
  EXPECT_GT(merchants.size(), 40u);  // spread over the 50 merchants
  for (const std::uint64_t m : merchants) EXPECT_LE(m, 50u);
}

TEST(CardTesting, DropsACardThatDeclinesAndRetriesOneThatApprovesUpToItsTries) {
  auto* ct = static_cast<CardTestingSource*>(nullptr);
  Bench b(card_testing(100, 3));
  ct = static_cast<CardTestingSource*>(b.source.get());
  // Card 1 approves: it comes back for its second and third tries, then the bot moves on.
  auto first = b.send(0, 100.0);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->card, ct->listed_card(0));
  b.source->answered(*first, Outcome::kApproved, 100.5);
  auto second = b.send(1, 101.0);
  EXPECT_EQ(second->card, first->card);
  b.source->answered(*second, Outcome::kApproved, 101.5);
  auto third = b.send(2, 102.0);
  EXPECT_EQ(third->card, first->card);
  b.source->answered(*third, Outcome::kApproved, 102.5);
  auto fourth = b.send(3, 103.0);
  EXPECT_EQ(fourth->card, ct->listed_card(1));  // three tries done: the next card
  EXPECT_EQ(ct->cards_started(), 2u);
  // Card 2 declines: it is dropped, never sent again.
  b.source->answered(*fourth, Outcome::kDeclined, 103.5);
  EXPECT_EQ(ct->cards_dropped(), 1u);
  auto fifth = b.send(4, 104.0);
  EXPECT_EQ(fifth->card, ct->listed_card(2));
  EXPECT_EQ(ct->cards_started(), 3u);
}

TEST(CardTesting, StopsWhenEveryCardOnItsListIsUsedUp) {
  Bench b(card_testing(5, 1));
  for (std::uint64_t n = 0; n < 5; ++n) ASSERT_TRUE(b.send(n, 100.0));
  EXPECT_FALSE(b.send(5, 100.1));
}

TEST(CardTesting, PausesWhenMoreThanItsShareOfTheLast100AnswersAreDeclines) {
  Attack a = card_testing(100000, 1);
  a.pause_above = 0.5;
  a.pause_s = 60.0;
  Bench b(a);
  auto* ct = static_cast<CardTestingSource*>(b.source.get());
  std::uint64_t n = 0;
  double t = 100.0;
  // Exactly half declines over 100 answers: not more than 50%, no pause.
  for (int i = 0; i < 100; ++i) {
    const auto p = b.send(n++, t);
    ASSERT_TRUE(p);
    b.source->answered(*p, i % 2 ? Outcome::kDeclined : Outcome::kApproved, t += 0.01);
  }
  EXPECT_EQ(ct->pauses(), 0u);
  // Failures are no answer: they do not move the window.
  for (int i = 0; i < 30; ++i) {
    t += 0.01;
    b.source->answered(*b.send(n++, t), Outcome::kFailed, t);
  }
  EXPECT_EQ(ct->pauses(), 0u);
  // One more decline replaces an approval: 51 of the last 100.
  t += 0.01;
  b.source->answered(*b.send(n++, t), Outcome::kDeclined, t);
  EXPECT_EQ(ct->pauses(), 1u);
  const double paused_at = t;
  EXPECT_FALSE(b.send(n++, paused_at + 1.0));
  EXPECT_FALSE(b.send(n++, paused_at + 59.9));
  EXPECT_TRUE(b.send(n++, paused_at + 60.0));  // the pause is over
  // Counting starts afresh: 99 declines judge nothing yet.
  for (int i = 0; i < 99; ++i)
    b.source->answered(*b.send(n++, paused_at + 61), Outcome::kDeclined, paused_at + 61);
  EXPECT_EQ(ct->pauses(), 1u);
  b.source->answered(*b.send(n++, paused_at + 62), Outcome::kDeclined, paused_at + 62);
  EXPECT_EQ(ct->pauses(), 2u);
}

// ---- bin_attack --------------------------------------------------------------------------

TEST(BinAttack, EnumeratesTheIssuersBinsAndAShareValidOfTheNumbersExist) {
  Attack a = attack(Attack::Kind::kBinAttack, "bin");
  a.issuer = "iss-a";
  a.valid = 0.1;
  a.amount = core::Distribution::uniform(1.0, 5.0);
  Bench b(a);
  const int n = 20000;
  int exist = 0;
  std::set<std::uint64_t> numbers;
  std::set<std::uint32_t> bins;
  for (int i = 0; i < n; ++i) {
    const auto p = b.send(static_cast<std::uint64_t>(i), 100.0);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->issuer, 1u);
    EXPECT_EQ(core::card_population_of(*p), 2u);  // numbers of its own, not a population's
    bins.insert(p->bin);
    numbers.insert(p->card);
    exist += p->card_exists ? 1 : 0;
  }
  EXPECT_EQ(bins, (std::set<std::uint32_t>{0, 1}));
  EXPECT_EQ(numbers.size(), static_cast<std::size_t>(n));  // a new number every try
  // Binomial(n, 0.1): within 4 standard deviations.
  const double sd = std::sqrt(n * 0.1 * 0.9);
  EXPECT_NEAR(exist, n * 0.1, 4 * sd);
}

// ---- account_takeover --------------------------------------------------------------------

TEST(AccountTakeover, RealCardsOfTheVictimsEachFromANewDevice) {
  Attack a = attack(Attack::Kind::kAccountTakeover, "ato");
  a.payers = "shoppers";
  a.amount = core::Distribution::constant(600.0);
  Bench b(a);
  std::set<std::uint64_t> devices;
  for (std::uint64_t n = 0; n < 500; ++n) {
    const auto p = b.send(n, 100.0);
    ASSERT_TRUE(p);
    EXPECT_EQ(core::card_population_of(*p), 0u);
    EXPECT_LE(p->card, 1000u);
    EXPECT_EQ(p->issuer, 1u);
    EXPECT_EQ(p->amount.minor, 60000);
    EXPECT_NE(p->device, 0u);
    devices.insert(p->device);
  }
  EXPECT_EQ(devices.size(), 500u);
}

// ---- flood -------------------------------------------------------------------------------

TEST(Flood, SendsJunkWithoutCardMerchantOrDevice) {
  Attack a = attack(Attack::Kind::kFlood, "flood");
  a.amount = core::Distribution::constant(1.0);
  Bench b(a);
  const auto p = b.send(0, 100.0);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->card, 0u);
  EXPECT_EQ(p->merchant, 0u);
  EXPECT_EQ(p->device, 0u);
  EXPECT_EQ(p->amount.minor, 100);
}

// ---- replay ------------------------------------------------------------------------------

core::Payment legitimate(std::uint64_t id) {
  core::Payment p;
  p.id = id;
  p.population = 0;
  p.card = 10 + id;
  p.issuer = 1;
  p.bin = 1;
  p.merchant = 3 + id;
  p.device = 77 + id;
  p.amount = core::Money{1234 + static_cast<std::int64_t>(id)};
  return p;
}

TEST(Replay, ResendsACapturedRequestWithItsSignatureAndNoMore) {
  Attack a = attack(Attack::Kind::kReplay, "replay");
  a.capture_s = 600;
  Bench b(a);
  EXPECT_FALSE(b.send(0, 100.0)) << "nothing captured yet";
  b.source->observe(legitimate(41), Signature{95.0, 9001}, 95.5);
  Signature sig;
  const auto p = b.send(1, 100.0, &sig);
  ASSERT_TRUE(p);
  const core::Payment o = legitimate(41);
  EXPECT_EQ(p->card, o.card);
  EXPECT_EQ(core::card_population_of(*p), 0u);
  EXPECT_EQ(p->issuer, o.issuer);
  EXPECT_EQ(p->bin, o.bin);
  EXPECT_EQ(p->merchant, o.merchant);
  EXPECT_EQ(p->device, o.device);
  EXPECT_EQ(p->amount, o.amount);
  EXPECT_EQ(p->replay_of, 42u);
  EXPECT_EQ(sig.signed_at_s, 95.0);
  EXPECT_EQ(sig.nonce, 9001u);
  // Older than the capture window: no longer replayed.
  EXPECT_FALSE(b.send(2, 95.0 + 600.5));
}

TEST(Replay, HoldsABoundedSampleSpreadOverTheCaptureWindow) {
  Attack a = attack(Attack::Kind::kReplay, "replay");
  a.capture_s = 256;  // one second per slice
  Bench b(a);
  auto* r = static_cast<ReplaySource*>(b.source.get());
  // 100 requests a second for 256 s: far more than it keeps.
  std::uint64_t id = 0;
  for (int ms = 0; ms < 256000; ms += 10) {
    const double t = ms / 1000.0;
    b.source->observe(legitimate(id++), Signature{t, id}, t);
  }
  EXPECT_EQ(r->held(255.999), ReplaySource::kBuckets * ReplaySource::kPerBucket);
  // Replays are drawn from the whole window, old and recent alike.
  int old_half = 0;
  const int n = 2000;
  for (int i = 0; i < n; ++i) {
    Signature sig;
    ASSERT_TRUE(b.send(static_cast<std::uint64_t>(i), 255.999, &sig));
    old_half += sig.signed_at_s < 128.0 ? 1 : 0;
  }
  EXPECT_NEAR(old_half, n / 2, 4 * std::sqrt(n * 0.25));
}

TEST(Replay, ObservesFromACaptureWindowBeforeItStartsUntilItEnds) {
  Attack a = attack(Attack::Kind::kReplay, "replay");
  a.capture_s = 30;
  Bench b(a);
  const auto w = b.source->observes();
  ASSERT_TRUE(w);
  EXPECT_EQ(w->first, 70.0);
  EXPECT_EQ(w->second, 150.0);
  Bench ct(card_testing(10, 1));
  EXPECT_FALSE(ct.source->observes());
}

}  // namespace
}  // namespace payquake::payments
