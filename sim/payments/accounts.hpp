// The issuers' cardholder accounts and the life of an authorization hold: placed at
// approval, then captured by the merchant (settled: the money has left the account) or,
// uncaptured, expired (the cardholder has it back), unless a reversal releases it first.
// Conservation (DESIGN.md section 5): available over all accounts, plus what is held,
// plus what is settled, always equals what the accounts opened with.
#pragma once

#include <cstdint>
#include <deque>
#include <queue>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/money.hpp"

namespace payquake::payments {

class Accounts {
 public:
  // A card's balance open to authorizations (minor units). What its holds keep is counted
  // in the totals, not per account: no decision needs it.
  struct Account {
    std::int64_t available = 0;
  };

  // A hold's fate is fixed when it is placed: it ends at `due_s` by capture or by expiry.
  struct Hold {
    std::uint64_t id = 0;  // captures: index of the capture + 1; expiries: their own ids
    double due_s = 0.0;
    bool captures = false;
  };

  // Returns the account of `card_key`, created on first use with the balance
  // `opening()` returns (minor units). Accounts exist only for cards that paid, so a
  // population of 10^8 cards costs memory for the cards used, and the opening total
  // covers exactly those accounts.
  template <typename Opening>
  Account& get(std::uint64_t card_key, Opening&& opening) {
    auto [it, inserted] = accounts_.try_emplace(card_key);
    if (inserted) {
      it->second.available = opening();
      opening_total_ += it->second.available;
    }
    return it->second;
  }
  Account& get(std::uint64_t card_key, core::Money opening_if_new) {
    return get(card_key, [opening_if_new] { return opening_if_new.minor; });
  }
  bool exists(std::uint64_t card_key) const { return accounts_.count(card_key) != 0; }
  std::size_t size() const { return accounts_.size(); }

  // Holds `amount` (>= 0) of account `a` (the account of `card_key`) until `due_s`, when
  // it is captured or expires.
  Hold hold(std::uint64_t card_key, Account& a, std::int64_t amount, double due_s, bool captures);

  // A reversal of hold `h` of `card_key`'s account at `now_s`: the amount goes back to
  // available whether the hold still stands (it will neither be captured nor expire) or
  // was captured (a refund from what was settled); a hold that already expired has
  // nothing left to give back.
  void reverse(std::uint64_t card_key, const Hold& h, std::int64_t amount, double now_s);

  // Brings the accounts up to `now_s` (never backwards): holds due by then have expired
  // (their amounts are available again) or have been captured. Call before a decision.
  void settle_until(double now_s);

  // Conservation, as of the last settle_until: what the existing accounts opened with,
  // against available over the accounts plus held plus settled. O(holds) for the split.
  std::int64_t opening_total() const { return opening_total_; }
  std::int64_t current_total() const;
  std::int64_t held_total() const;
  std::int64_t settled_total() const;
  std::uint64_t captured() const;
  std::uint64_t expired() const { return expired_; }

 private:
  // Captures do not change what a card may spend (the amount left available at
  // approval), so they are not events: one record per captured hold, judged against
  // the clock when the totals are asked for. 16 bytes per approval.
  struct Capture {
    double due_s;
    std::int64_t amount;  // kReversed once reversed or refunded
  };
  static constexpr std::int64_t kReversed = -1;
  // Expiries give money back, so they are applied in due order before each decision.
  struct Expiry {
    double due_s;
    std::uint64_t id;  // tie-break: placement order, so settling is deterministic
    std::uint64_t card_key;
    std::int64_t amount;
  };
  struct Later {
    bool operator()(const Expiry& a, const Expiry& b) const {
      return a.due_s != b.due_s ? a.due_s > b.due_s : a.id > b.id;
    }
  };

  std::unordered_map<std::uint64_t, Account> accounts_;
  std::deque<Capture> captures_;  // a deque: grows without copying or doubling
  std::priority_queue<Expiry, std::vector<Expiry>, Later> expiries_;
  std::unordered_set<std::uint64_t> cancelled_;  // reversed expiries still in expiries_
  std::uint64_t next_expiry_id_ = 1;
  double now_s_ = 0.0;
  std::int64_t opening_total_ = 0;
  std::int64_t expiring_held_ = 0;  // held by holds that will expire
  std::uint64_t expired_ = 0;
};

}  // namespace payquake::payments
