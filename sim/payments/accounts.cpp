#include "payments/accounts.hpp"

#include <algorithm>
#include <cassert>

namespace payquake::payments {

Accounts::Hold Accounts::hold(std::uint64_t card_key, Account& a, std::int64_t amount, double due_s,
                              bool captures) {
  assert(amount >= 0 && "hold: a negative amount");
  a.available -= amount;
  if (captures) {
    captures_.push_back(Capture{due_s, amount});
    return Hold{captures_.size(), due_s, true};
  }
  const Hold h{next_expiry_id_++, due_s, false};
  expiries_.push(Expiry{due_s, h.id, card_key, amount});
  expiring_held_ += amount;
  return h;
}

void Accounts::reverse(std::uint64_t card_key, const Hold& h, std::int64_t amount, double now_s) {
  assert(h.id != 0 && "reverse: no hold");
  settle_until(now_s);
  Account& a = accounts_.at(card_key);
  if (h.captures) {
    // Standing or settled, the amount comes back; the capture no longer counts.
    Capture& c = captures_[h.id - 1];
    assert(c.amount == amount && "reverse: a capture reversed twice");
    c.amount = kReversed;
    a.available += amount;
  } else if (h.due_s > now_s_) {
    cancelled_.insert(h.id);
    expiring_held_ -= amount;
    a.available += amount;
  }
}

void Accounts::settle_until(double now_s) {
  now_s_ = std::max(now_s_, now_s);
  while (!expiries_.empty() && expiries_.top().due_s <= now_s_) {
    const Expiry e = expiries_.top();
    expiries_.pop();
    if (cancelled_.erase(e.id) != 0) continue;
    accounts_.at(e.card_key).available += e.amount;
    expiring_held_ -= e.amount;
    ++expired_;
  }
}

std::int64_t Accounts::held_total() const {
  std::int64_t held = expiring_held_;
  for (const Capture& c : captures_)
    if (c.amount != kReversed && c.due_s > now_s_) held += c.amount;
  return held;
}

std::int64_t Accounts::settled_total() const {
  std::int64_t settled = 0;
  for (const Capture& c : captures_)
    if (c.amount != kReversed && c.due_s <= now_s_) settled += c.amount;
  return settled;
}

std::uint64_t Accounts::captured() const {
  std::uint64_t n = 0;
  for (const Capture& c : captures_)
    if (c.amount != kReversed && c.due_s <= now_s_) ++n;
  return n;
}

std::int64_t Accounts::current_total() const {
  std::int64_t total = held_total() + settled_total();
  for (const auto& [card, a] : accounts_) total += a.available;
  return total;
}

}  // namespace payquake::payments
