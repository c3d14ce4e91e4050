// The issuers' cardholder accounts and the life of an authorization hold: placed at
// approval, then captured by the merchant (settled: the money has left the account) or,
// uncaptured, expired (the cardholder has it back), unless a reversal releases it first.
// Conservation (DESIGN.md section 5): available + held over all accounts, plus settled,
// always equals what the accounts opened with.
#pragma once

#include <cstdint>
#include <queue>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/money.hpp"

namespace payquake::payments {

class Accounts {
 public:
  struct Account {
    std::int64_t available = 0;
    std::int64_t held = 0;
  };

  // A hold's fate is fixed when it is placed: it ends at `due_s` by capture or by expiry.
  struct Hold {
    std::uint64_t id = 0;  // 0: no hold
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

  // Moves `amount` from available to held on `card_key`'s account (REQUIRES: it exists),
  // to be captured or to expire at `due_s`.
  Hold hold(std::uint64_t card_key, std::int64_t amount, double due_s, bool captures);

  // A reversal of hold `h` at `now_s`. A hold still standing goes back to available and
  // will neither be captured nor expire; one already captured is refunded (settled back
  // to available); one already expired is left alone (nothing is held any more).
  void reverse(std::uint64_t card_key, const Hold& h, std::int64_t amount, double now_s);

  // Captures and expires every hold due at or before `now_s`, in due order. The ledger
  // is exact at any `now_s` it has been brought up to: call this before a decision.
  void settle_until(double now_s);

  // Conservation: what the existing accounts opened with, against available + held
  // over the accounts plus what has been settled to merchants.
  std::int64_t opening_total() const { return opening_total_; }
  std::int64_t current_total() const;
  std::int64_t held_total() const { return held_total_; }
  std::int64_t settled_total() const { return settled_total_; }
  std::uint64_t captured() const { return captured_; }
  std::uint64_t expired() const { return expired_; }
  std::size_t holds_pending() const { return due_.size() - cancelled_.size(); }

 private:
  // 32 bytes: one is kept per hold until it ends (hours), so a run holds about one per
  // approval.
  struct Due {
    double due_s;
    std::uint64_t tag;  // id << 1 | captures; the id breaks ties: settling is deterministic
    std::uint64_t card_key;
    std::int64_t amount;
  };
  struct Later {
    bool operator()(const Due& a, const Due& b) const {
      return a.due_s != b.due_s ? a.due_s > b.due_s : a.tag > b.tag;
    }
  };

  std::unordered_map<std::uint64_t, Account> accounts_;
  std::priority_queue<Due, std::vector<Due>, Later> due_;
  std::unordered_set<std::uint64_t> cancelled_;  // reversed holds still in due_
  std::uint64_t next_hold_id_ = 1;
  std::int64_t opening_total_ = 0;
  std::int64_t held_total_ = 0;
  std::int64_t settled_total_ = 0;
  std::uint64_t captured_ = 0;
  std::uint64_t expired_ = 0;
};

}  // namespace payquake::payments
