#include "payments/accounts.hpp"

#include <cassert>

namespace payquake::payments {

Accounts::Hold Accounts::hold(std::uint64_t card_key, std::int64_t amount, double due_s,
                              bool captures) {
  Account& a = accounts_.at(card_key);
  a.available -= amount;
  a.held += amount;
  held_total_ += amount;
  const Hold h{next_hold_id_++, due_s, captures};
  due_.push(Due{due_s, h.id << 1 | (captures ? 1u : 0u), card_key, amount});
  return h;
}

void Accounts::reverse(std::uint64_t card_key, const Hold& h, std::int64_t amount,
                       double now_s) {
  assert(h.id != 0 && "reverse: no hold");
  settle_until(now_s);
  Account& a = accounts_.at(card_key);
  if (h.due_s > now_s) {
    // Still standing: released now, and its capture or expiry will not happen.
    cancelled_.insert(h.id);
    a.held -= amount;
    a.available += amount;
    held_total_ -= amount;
  } else if (h.captures) {
    // Already settled to the merchant: the reversal comes back as a refund.
    settled_total_ -= amount;
    a.available += amount;
  }
}

void Accounts::settle_until(double now_s) {
  while (!due_.empty() && due_.top().due_s <= now_s) {
    const Due d = due_.top();
    due_.pop();
    if (cancelled_.erase(d.tag >> 1) != 0) continue;
    Account& a = accounts_.at(d.card_key);
    a.held -= d.amount;
    held_total_ -= d.amount;
    if ((d.tag & 1) != 0) {
      settled_total_ += d.amount;
      ++captured_;
    } else {
      a.available += d.amount;
      ++expired_;
    }
  }
}

std::int64_t Accounts::current_total() const {
  std::int64_t total = settled_total_;
  for (const auto& [card, a] : accounts_) total += a.available + a.held;
  return total;
}

}  // namespace payquake::payments
