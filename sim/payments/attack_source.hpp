// What each attack kind sends (issue 10, core::Attack), as plain objects: the flow asks an
// attack's source for the payment to send at each of the attack's arrivals and tells it the
// final state of each one it sent (an attacker that reads its answers). A source knows
// nothing of stations or the calendar. Its randomness is keyed: on the payment's serial
// (the attack's own population's serials) or on the attack's own card list, never on a
// legitimate payment's draws, so adding an attack changes no legitimate payment's numbers.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/keyed_random.hpp"
#include "core/payment.hpp"
#include "core/scenario.hpp"

namespace payquake::payments {

// Where a card lives: per population of the scenario, its issuers' cumulative shares;
// per issuer node, its BINs (indices into the run's BIN table, in node order as the flow
// numbers them). Places a card exactly as the flow places a legitimate payment's.
class CardDirectory {
 public:
  explicit CardDirectory(const core::Scenario& scenario);
  // Sets p.issuer and p.bin from (card_population_of(p), p.card).
  void place(core::Payment& p) const;
  const std::vector<std::uint32_t>& bins_of(std::uint32_t issuer) const {
    return issuer_bins_[issuer];
  }

 private:
  std::vector<std::vector<std::pair<std::uint32_t, double>>> cumulative_;  // per population
  std::vector<std::vector<std::uint32_t>> issuer_bins_;                    // per node
};

// What the gateway's request signing checks: when the request was signed and its nonce.
struct Signature {
  double signed_at_s = 0.0;
  std::uint64_t nonce = 0;
};

class AttackSource {
 public:
  virtual ~AttackSource() = default;
  // The payment the attacker sends at `t`. `p` comes with its serial, population, attack,
  // fraud and intended arrival set; the source fills the card (card, card_population,
  // issuer, bin, card_exists), merchant, device, amount and, for a replay, replay_of and
  // `*resent` (the original request's signature). False: nothing is sent at this arrival
  // (the bot is pausing, has no cards left, or has captured nothing yet).
  virtual bool next(core::Payment& p, double t, Signature* resent) = 0;
  // The final state of payment `p` it sent.
  virtual void answered(const core::Payment& p, core::Outcome outcome, double t) {}
  // A legitimate request passed the attack's entry gateway at `t` (replay only).
  virtual void observe(const core::Payment& p, const Signature& s, double t) {}
  // Since when and until when observe() wants to see requests (empty: never).
  virtual std::optional<std::pair<double, double>> observes() const { return std::nullopt; }
};

// The common inputs of every source. `index` is the attack's index in Scenario::attacks.
// A source copies what it keeps of the attack; `cards` must outlive it.
struct AttackContext {
  const core::Attack& attack;
  std::uint32_t index;
  std::uint64_t seed;
  const core::Scenario& scenario;
  const CardDirectory& cards;
};

// The source for `ctx.attack`'s kind.
std::unique_ptr<AttackSource> make_attack_source(const AttackContext& ctx);

// The pieces the kinds share: the payment's keyed draws, merchants, devices.
class AttackDraws {
 public:
  AttackDraws(const AttackContext& ctx);
  // Uniform in [0, 1) for `what` (one occurrence per thing drawn) of payment `serial`.
  double uniform(std::uint64_t serial, std::uint64_t what) const {
    return keys_.at(serial, what).uniform01();
  }
  core::Money amount(std::uint64_t serial) const;
  // A merchant uniform over 1..merchants (the bots spread their tries).
  std::uint64_t merchant(std::uint64_t serial) const;
  // One of the bots' `devices` devices, or (pool 0) a device never seen before.
  std::uint64_t pooled_device(std::uint64_t serial) const;
  std::uint64_t new_device(std::uint64_t serial) const;
  // Which population's cards the attack pays with (Attack::payers; default the first).
  std::uint32_t victims() const { return victims_; }
  std::int64_t victim_cards() const { return victim_cards_; }

  // What each draw's occurrence is: a change to one never shifts another.
  enum What : std::uint64_t { kCard, kMerchant, kDevice, kAmount, kExists, kPick };

 private:
  core::KeyedRandom keys_;
  core::Distribution amount_;
  std::uint32_t index_;
  std::int64_t merchants_ = 1000;
  std::int64_t devices_ = 1;
  std::uint32_t victims_ = 0;
  std::int64_t victim_cards_ = 1;
};

// card_testing: the bot works through a list of `cards` stolen card numbers (real cards
// of the victims' population) with small amounts on random merchants from its device
// pool. A card answered with a decline is dropped; one approved is tried again (another
// merchant) until `tries_per_card` tries; one whose try failed (no answer) too. When more
// than `pause_above` of its last 100 answers (approved or declined) were declines, the bot
// pauses for `pause_s` (arrivals in a pause send nothing) and starts counting afresh.
class CardTestingSource final : public AttackSource {
 public:
  explicit CardTestingSource(const AttackContext& ctx);
  bool next(core::Payment& p, double t, Signature* resent) override;
  void answered(const core::Payment& p, core::Outcome outcome, double t) override;

  // For tests and reports: what the bot has done so far.
  std::uint64_t cards_started() const { return cursor_; }
  std::uint64_t cards_dropped() const { return dropped_; }
  std::uint64_t pauses() const { return pauses_; }
  bool paused(double t) const { return t < paused_until_s_; }
  // The victims' card rank at place `i` of the bot's list.
  std::uint64_t listed_card(std::uint64_t i) const;

  static constexpr int kWindow = 100;  // answers the bot judges its decline rate over

 private:
  struct Card {
    std::uint64_t card = 0;
    std::int64_t tries = 0;  // sent so far
  };
  core::Attack attack_;
  const CardDirectory& directory_;
  AttackDraws draws_;
  core::KeyedRandom list_keys_;
  std::uint64_t cursor_ = 0;  // the next fresh card's place in the list
  std::deque<Card> again_;    // approved (or unanswered) cards with tries left, oldest first
  std::unordered_map<std::uint64_t, Card> in_flight_;  // by payment serial
  std::uint64_t dropped_ = 0;
  std::uint64_t pauses_ = 0;
  double paused_until_s_ = -1.0;
  // The last answers (true: a decline), a ring of kWindow.
  bool window_[kWindow] = {};
  int window_count_ = 0;
  int window_next_ = 0;
  int window_declines_ = 0;
};

// bin_attack: enumerates card numbers in the target issuer's BINs (the attack's own
// numbers, one per try, BINs in turn): a number exists with probability `valid` (keyed on
// the payment); the issuer answers 14 to the others, after serving them.
class BinAttackSource final : public AttackSource {
 public:
  explicit BinAttackSource(const AttackContext& ctx);
  bool next(core::Payment& p, double t, Signature* resent) override;

 private:
  core::Attack attack_;
  AttackDraws draws_;
  std::uint32_t issuer_ = 0;
  std::vector<std::uint32_t> bins_;
  std::uint64_t tried_ = 0;
};

// account_takeover: large payments on real cards of the victims (uniform over their
// cards), each from a device the card never used.
class AccountTakeoverSource final : public AttackSource {
 public:
  explicit AccountTakeoverSource(const AttackContext& ctx);
  bool next(core::Payment& p, double t, Signature* resent) override;

 private:
  const CardDirectory& directory_;
  AttackDraws draws_;
};

// flood: junk requests that cost the entry gateway a service and are refused there (30):
// no card, no merchant, no device. (Its issuer and BIN are the first issuer's, unused.)
class FloodSource final : public AttackSource {
 public:
  explicit FloodSource(const AttackContext& ctx);
  bool next(core::Payment& p, double t, Signature* resent) override;

 private:
  AttackDraws draws_;
  std::uint32_t issuer_ = 0;
  std::uint32_t bin_ = 0;
};

// replay: captures legitimate requests passing the entry gateway and resends one of the
// last `capture_s` (uniform over those held): the same card, merchant, device and amount,
// the original's signature (timestamp and nonce), no idempotency key. What it holds is
// bounded: the capture window is cut into kBuckets slices of time, each holding the first
// kPerBucket requests that passed in it.
class ReplaySource final : public AttackSource {
 public:
  explicit ReplaySource(const AttackContext& ctx);
  bool next(core::Payment& p, double t, Signature* resent) override;
  void observe(const core::Payment& p, const Signature& s, double t) override;
  std::optional<std::pair<double, double>> observes() const override;

  static constexpr std::size_t kBuckets = 256;
  static constexpr std::size_t kPerBucket = 16;
  // Requests held now that are at most capture_s old at `t`.
  std::size_t held(double t) const;

 private:
  struct Captured {
    core::Payment original;
    Signature signature;
  };
  struct Bucket {
    std::int64_t slice = -1;  // which slice of time it holds (floor(t / width))
    std::uint32_t count = 0;
    Captured entries[kPerBucket];
  };
  bool live(const Captured& c, double t) const { return c.signature.signed_at_s >= t - capture_s_; }
  bool current(const Bucket& b, double t) const;

  core::Attack attack_;
  AttackDraws draws_;
  double capture_s_;
  double width_s_;
  std::vector<Bucket> buckets_;
};

}  // namespace payquake::payments
