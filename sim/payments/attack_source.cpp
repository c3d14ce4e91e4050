// The attack kinds' sources (see attack_source.hpp).
#include "payments/attack_source.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "payments/flow_internal.hpp"

namespace payquake::payments {

using core::Attack;
using flow_internal::card_hash;
using flow_internal::index_of;

namespace {

// Attack devices are hashes with bit 63 set: ids of their own (a legitimate device id equal
// to one is a 64-bit hash collision), never 0 ("none").
constexpr std::uint64_t kAttackDeviceBit = std::uint64_t{1} << 63;

// A uniform integer in [1, n] from u in [0, 1).
std::uint64_t one_to(std::int64_t n, double u) {
  const auto k = static_cast<std::uint64_t>(u * static_cast<double>(n));
  return std::min<std::uint64_t>(k, static_cast<std::uint64_t>(n) - 1) + 1;
}

std::uint32_t victims_of(const core::Scenario& s, const Attack& a) {
  for (std::size_t i = 0; i < s.payers.size(); ++i)
    if (s.payers[i].id == a.payers) return static_cast<std::uint32_t>(i);
  return 0;  // the loader's default: the first population
}

std::uint32_t issuer_of(const core::Scenario& s, const Attack& a) {
  std::uint32_t first = 0;
  bool found = false;
  for (std::size_t i = 0; i < s.nodes.size(); ++i) {
    if (s.nodes[i].role != core::Role::kIssuer) continue;
    if (s.nodes[i].id == a.issuer) return static_cast<std::uint32_t>(i);
    if (!found) first = static_cast<std::uint32_t>(i);
    found = true;
  }
  return first;  // the loader's default: the first issuer
}

}  // namespace

// ---- CardDirectory -----------------------------------------------------------------------

CardDirectory::CardDirectory(const core::Scenario& scenario) {
  issuer_bins_.resize(scenario.nodes.size());
  std::uint32_t bin = 0;
  for (std::size_t n = 0; n < scenario.nodes.size(); ++n)
    for (std::size_t b = 0; b < scenario.nodes[n].bins.size(); ++b)
      issuer_bins_[n].push_back(bin++);
  for (const core::Payers& payers : scenario.payers) {
    std::vector<std::pair<std::uint32_t, double>> cumulative;
    double sum = 0;
    for (const auto& [issuer, share] : payers.issuers)
      cumulative.emplace_back(index_of(scenario.nodes, issuer), sum += share);
    cumulative_.push_back(std::move(cumulative));
  }
}

void CardDirectory::place(core::Payment& p) const {
  const std::uint32_t population = core::card_population_of(p);
  flow_internal::place_card(card_hash(population, p.card), cumulative_[population], issuer_bins_,
                            p);
}

// ---- AttackDraws -------------------------------------------------------------------------

AttackDraws::AttackDraws(const AttackContext& ctx)
    : keys_(ctx.seed, "attacks/" + ctx.attack.id + "/draws"),
      amount_(ctx.attack.amount),
      index_(ctx.index),
      devices_(std::max<std::int64_t>(1, ctx.attack.devices)),
      victims_(victims_of(ctx.scenario, ctx.attack)) {
  if (victims_ < ctx.scenario.payers.size()) {
    merchants_ = std::max<std::int64_t>(1, ctx.scenario.payers[victims_].merchants);
    victim_cards_ = std::max<std::int64_t>(1, ctx.scenario.payers[victims_].cards);
  }
}

core::Money AttackDraws::amount(std::uint64_t serial) const {
  core::KeyedDraws d = keys_.at(serial, kAmount);
  return core::money_from_major(core::sample(amount_, d));
}

std::uint64_t AttackDraws::merchant(std::uint64_t serial) const {
  return one_to(merchants_, uniform(serial, kMerchant));
}

std::uint64_t AttackDraws::pooled_device(std::uint64_t serial) const {
  const std::uint64_t k = one_to(devices_, uniform(serial, kDevice));
  return kAttackDeviceBit | (core::mix64((std::uint64_t{index_} + 1) << 40 | k) >> 1);
}

std::uint64_t AttackDraws::new_device(std::uint64_t serial) const {
  // The payment's serial is unique in the run, and so is its device.
  return kAttackDeviceBit | (core::mix64(serial ^ 0x6e65'7764'6576ULL) >> 1);
}

// ---- card_testing ------------------------------------------------------------------------

CardTestingSource::CardTestingSource(const AttackContext& ctx)
    : attack_(ctx.attack),
      directory_(ctx.cards),
      draws_(ctx),
      list_keys_(ctx.seed, "attacks/" + ctx.attack.id + "/cards") {}

std::uint64_t CardTestingSource::listed_card(std::uint64_t i) const {
  return one_to(draws_.victim_cards(), list_keys_.at(i, 0).uniform01());
}

bool CardTestingSource::next(core::Payment& p, double t, Signature*) {
  if (paused(t)) return false;
  Card card;
  if (!again_.empty()) {
    card = again_.front();
    again_.pop_front();
  } else if (cursor_ < static_cast<std::uint64_t>(attack_.cards)) {
    card.card = listed_card(cursor_++);
  } else {
    return false;  // every card on the list has been tried or dropped
  }
  ++card.tries;
  in_flight_[p.serial] = card;
  p.card = card.card;
  p.card_population = draws_.victims();
  directory_.place(p);
  p.merchant = draws_.merchant(p.serial);
  p.device = draws_.pooled_device(p.serial);
  p.amount = draws_.amount(p.serial);
  return true;
}

void CardTestingSource::answered(const core::Payment& p, core::Outcome outcome, double t) {
  const auto it = in_flight_.find(p.serial);
  if (it == in_flight_.end()) return;
  const Card card = it->second;
  in_flight_.erase(it);
  const bool declined = outcome == core::Outcome::kDeclined;
  if (declined) {
    ++dropped_;  // the card is dead (or watched): move on
  } else if (card.tries < attack_.tries_per_card) {
    again_.push_back(card);  // it works (or gave no answer): try it again elsewhere
  }
  if (outcome != core::Outcome::kApproved && !declined) return;  // no answer to judge
  if (window_count_ == kWindow) {
    window_declines_ -= window_[window_next_] ? 1 : 0;
  } else {
    ++window_count_;
  }
  window_[window_next_] = declined;
  window_declines_ += declined ? 1 : 0;
  window_next_ = (window_next_ + 1) % kWindow;
  if (window_count_ == kWindow && window_declines_ > attack_.pause_above * kWindow) {
    paused_until_s_ = t + attack_.pause_s;
    ++pauses_;
    window_count_ = window_next_ = window_declines_ = 0;  // judged afresh after the pause
  }
}

// ---- bin_attack --------------------------------------------------------------------------

BinAttackSource::BinAttackSource(const AttackContext& ctx)
    : attack_(ctx.attack), draws_(ctx), issuer_(issuer_of(ctx.scenario, ctx.attack)) {
  bins_ = ctx.cards.bins_of(issuer_);
}

bool BinAttackSource::next(core::Payment& p, double t, Signature*) {
  if (bins_.empty()) return false;  // validation gives every issuer a BIN
  // Numbers of the attack's own (card_population: its own population), one per try.
  p.card = ++tried_;
  p.issuer = issuer_;
  p.bin = bins_[tried_ % bins_.size()];
  p.card_exists = draws_.uniform(p.serial, AttackDraws::kExists) < attack_.valid;
  p.merchant = draws_.merchant(p.serial);
  p.device = draws_.pooled_device(p.serial);
  p.amount = draws_.amount(p.serial);
  return true;
}

// ---- account_takeover --------------------------------------------------------------------

AccountTakeoverSource::AccountTakeoverSource(const AttackContext& ctx)
    : directory_(ctx.cards), draws_(ctx) {}

bool AccountTakeoverSource::next(core::Payment& p, double t, Signature*) {
  p.card = one_to(draws_.victim_cards(), draws_.uniform(p.serial, AttackDraws::kCard));
  p.card_population = draws_.victims();
  directory_.place(p);
  p.merchant = draws_.merchant(p.serial);
  p.device = draws_.new_device(p.serial);
  p.amount = draws_.amount(p.serial);
  return true;
}

// ---- flood -------------------------------------------------------------------------------

FloodSource::FloodSource(const AttackContext& ctx)
    : draws_(ctx), issuer_(issuer_of(ctx.scenario, ctx.attack)) {
  const auto& bins = ctx.cards.bins_of(issuer_);
  if (!bins.empty()) bin_ = bins.front();
}

bool FloodSource::next(core::Payment& p, double t, Signature*) {
  p.card = 0;
  p.issuer = issuer_;
  p.bin = bin_;
  p.amount = draws_.amount(p.serial);
  return true;
}

// ---- replay ------------------------------------------------------------------------------

ReplaySource::ReplaySource(const AttackContext& ctx)
    : attack_(ctx.attack),
      draws_(ctx),
      capture_s_(ctx.attack.capture_s),
      width_s_(ctx.attack.capture_s / static_cast<double>(kBuckets)),
      buckets_(kBuckets) {}

std::optional<std::pair<double, double>> ReplaySource::observes() const {
  return std::pair{attack_.at_s - capture_s_, attack_.at_s + attack_.duration_s};
}

bool ReplaySource::current(const Bucket& b, double t) const {
  // Slices older than the window hold nothing live; the ring reuses them.
  return b.slice >= 0 &&
         b.slice + static_cast<std::int64_t>(kBuckets) > static_cast<std::int64_t>(t / width_s_);
}

void ReplaySource::observe(const core::Payment& p, const Signature& s, double t) {
  const auto slice = static_cast<std::int64_t>(std::floor(t / width_s_));
  Bucket& b = buckets_[static_cast<std::size_t>(slice) % kBuckets];
  if (b.slice != slice) {
    b.slice = slice;
    b.count = 0;
  }
  if (b.count == kPerBucket) return;  // this slice has its share
  b.entries[b.count++] = Captured{p, s};
}

std::size_t ReplaySource::held(double t) const {
  std::size_t n = 0;
  for (const Bucket& b : buckets_) {
    if (!current(b, t)) continue;
    for (std::uint32_t i = 0; i < b.count; ++i) n += live(b.entries[i], t) ? 1 : 0;
  }
  return n;
}

bool ReplaySource::next(core::Payment& p, double t, Signature* resent) {
  const std::size_t n = held(t);
  if (n == 0) return false;  // nothing captured yet
  auto k = static_cast<std::size_t>(draws_.uniform(p.serial, AttackDraws::kPick) *
                                    static_cast<double>(n));
  k = std::min(k, n - 1);
  for (const Bucket& b : buckets_) {
    if (!current(b, t)) continue;
    for (std::uint32_t i = 0; i < b.count; ++i) {
      const Captured& c = b.entries[i];
      if (!live(c, t)) continue;
      if (k-- > 0) continue;
      p.card = c.original.card;
      p.card_population = core::card_population_of(c.original);
      p.issuer = c.original.issuer;
      p.bin = c.original.bin;
      p.merchant = c.original.merchant;
      p.device = c.original.device;
      p.amount = c.original.amount;
      p.replay_of = c.original.id + 1;
      *resent = c.signature;
      return true;
    }
  }
  assert(false && "held() counted a request that is not there");
  return false;
}

// ---- Factory -----------------------------------------------------------------------------

std::unique_ptr<AttackSource> make_attack_source(const AttackContext& ctx) {
  switch (ctx.attack.kind) {
    case Attack::Kind::kCardTesting:
      return std::make_unique<CardTestingSource>(ctx);
    case Attack::Kind::kBinAttack:
      return std::make_unique<BinAttackSource>(ctx);
    case Attack::Kind::kAccountTakeover:
      return std::make_unique<AccountTakeoverSource>(ctx);
    case Attack::Kind::kFlood:
      return std::make_unique<FloodSource>(ctx);
    case Attack::Kind::kReplay:
      return std::make_unique<ReplaySource>(ctx);
  }
  return nullptr;
}

}  // namespace payquake::payments
