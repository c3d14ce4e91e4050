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
    // Two presses of "pay" by the payer. With one key on both, the gateway's store should
    // have answered the second from the first's result: it had none to give.
    if (first->try_kind == TryKind::kDoubleSubmit || extra->try_kind == TryKind::kDoubleSubmit)
      r.cause = DuplicateCause::kDoubleSubmit;
    else if (first->key != 0 && first->key == extra->key)
      r.cause = DuplicateCause::kKeyNotStored;
    else
      r.cause = DuplicateCause::kClientRetry;
  } else if (reversal_attempted(*first) || reversal_attempted(*extra)) {
    // A hop retried after a timeout and reversed the first request, but the reversal
    // never reached the issuer.
    r.cause = DuplicateCause::kLostReversal;
  } else {
    r.cause = DuplicateCause::kGatewayRetry;
  }
  return r;
}

Reconciliation reconcile_replay(const PaymentLedger& ledger) {
  Reconciliation r;
  for (const Charge& c : ledger.charges) {
    if (c.reversed || c.merged) continue;
    if (r.standing == 0 || c.approved_s < r.extra_charge_s) r.extra_charge_s = c.approved_s;
    ++r.standing;
  }
  r.duplicate = r.standing > 0;
  r.cause = DuplicateCause::kReplay;
  return r;
}

}  // namespace payquake::payments
