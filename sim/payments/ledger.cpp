#include "payments/ledger.hpp"

#include <algorithm>

namespace payquake::payments {

bool Path::same_transaction(const Path& other) const {
  const int n = std::min(length, other.length);
  for (int i = 0; i < n; ++i)
    if (ids[i] != other.ids[i]) return false;
  return true;
}

int Path::divergence(const Path& other) const {
  const int n = std::min(length, other.length);
  for (int i = 0; i < n; ++i)
    if (ids[i] != other.ids[i]) return i;
  return n;
}

Accounts::Account& Accounts::get(std::uint64_t card_key, core::Money opening_if_new) {
  auto [it, inserted] = accounts_.try_emplace(card_key);
  if (inserted) {
    it->second.available = opening_if_new.minor;
    opening_total_ += opening_if_new.minor;
  }
  return it->second;
}

std::int64_t Accounts::current_total() const {
  std::int64_t total = 0;
  for (const auto& [card, a] : accounts_) total += a.available + a.held;
  return total;
}

Reconciliation reconcile(const PaymentLedger& ledger) {
  Reconciliation r;
  // The two earliest standing charges (no allocation: this runs once per payment).
  const Charge* first = nullptr;
  const Charge* extra = nullptr;
  for (const Charge& c : ledger.charges) {
    if (c.reversed || c.merged) continue;
    ++r.standing;
    if (first == nullptr || c.approved_s < first->approved_s) {
      extra = first;
      first = &c;
    } else if (extra == nullptr || c.approved_s < extra->approved_s) {
      extra = &c;
    }
  }
  if (r.standing < 2) return r;
  const auto reversal_attempted = [&ledger](const Charge& c) {
    for (const auto& [id, depth] : ledger.attempted_reversals)
      if (c.path.matches(id, depth)) return true;
    return false;
  };
  r.duplicate = true;
  r.extra_charge_s = extra->approved_s;
  // The most specific explanation wins: a stand-in, then how the two requests split.
  if (first->stand_in || extra->stand_in) {
    r.cause = DuplicateCause::kStandIn;
  } else if (first->path.divergence(extra->path) == 0) {
    // Two presses of "pay" by the payer.
    r.cause = first->try_kind == TryKind::kDoubleSubmit || extra->try_kind == TryKind::kDoubleSubmit
                  ? DuplicateCause::kDoubleSubmit
                  : DuplicateCause::kClientRetry;
  } else if (reversal_attempted(*first) || reversal_attempted(*extra)) {
    // A hop retried after a timeout and reversed the first request, but the reversal
    // never reached the issuer.
    r.cause = DuplicateCause::kLostReversal;
  } else {
    r.cause = DuplicateCause::kGatewayRetry;
  }
  return r;
}

}  // namespace payquake::payments
