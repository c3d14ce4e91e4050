// The issuer's decision and the network's stand-in (see issuer.hpp).
#include "payments/issuer.hpp"

#include "payments/flow_internal.hpp"

namespace payquake::payments {

using core::Message;
using core::ResponseCode;

core::ResponseCode Issuer::decide(std::uint32_t node, const core::Node& spec,
                                  const core::Payment& p, PaymentLedger& ledger, const Request& r,
                                  double t) {
  // A number it never issued (a BIN attack's guess): 14 after the service it cost, and no
  // account is opened. A reversal or advice for one has nothing to undo or book.
  if (!p.card_exists)
    return r.message == Message::kAuthorization ? ResponseCode::kInvalidCard
                                                : ResponseCode::kApproved;
  const bool funds = spec.accounts.enabled;
  const std::uint64_t card = flow_internal::card_key(p);
  Accounts::Account* account = nullptr;
  if (funds) {
    // Holds due by now are captured or expired first: the decision sees today's balance.
    accounts_.settle_until(t);
    account = &accounts_.get(card, [&] {
      // Keyed by (seed, issuer, card): the same card opens with the same balance whatever
      // order the cards are first used in.
      return core::money_from_major(draws_.opening_balance(node, card)).minor;
    });
  }
  const auto hold = [&](Charge& c, std::size_t ordinal) {
    if (!funds) return;
    const Accounts::Hold fate = hold_fate(spec, node, p, ordinal, t);
    c.hold = accounts_.hold(card, *account, p.amount.minor, fate.due_s, fate.captures);
    c.applied = true;
  };
  const auto release = [&](Charge& c) {
    if (!c.applied) return;
    accounts_.reverse(card, c.hold, p.amount.minor, t);
    c.applied = false;
  };
  const auto ordinal_of = [&ledger](const Charge& c) {
    return static_cast<std::size_t>(&c - ledger.charges.data());
  };

  switch (r.message) {
    case Message::kAuthorization: {
      Charge* stood_in = nullptr;
      for (Charge& c : ledger.charges)
        if (c.stand_in && !c.reversed && c.path.same_transaction(r.path)) stood_in = &c;
      if (stood_in != nullptr) {
        // The network already approved this very request on the issuer's behalf: the
        // issuer books that charge (if the advice has not) rather than a second one.
        if (!stood_in->booked) hold(*stood_in, ordinal_of(*stood_in));
        stood_in->booked = true;
        return ResponseCode::kApproved;
      }
      if (funds && account->available < p.amount.minor) return ResponseCode::kInsufficientFunds;
      Charge charge;
      charge.path = r.path;
      charge.try_kind = r.try_kind;
      charge.key = r.key;
      charge.approved_s = t;
      hold(charge, ledger.charges.size());
      for (const auto& [id, depth] : ledger.reversed_targets) {
        if (charge.path.matches(id, depth)) {  // its reversal overtook it
          release(charge);
          charge.reversed = true;
        }
      }
      ledger.charges.push_back(charge);
      return ResponseCode::kApproved;
    }
    case Message::kReversal:
      ledger.reversed_targets.emplace_back(r.target_id, r.target_depth);
      for (Charge& c : ledger.charges) {
        if (c.reversed || !c.path.matches(r.target_id, r.target_depth)) continue;
        release(c);
        c.reversed = true;
      }
      return ResponseCode::kApproved;
    case Message::kAdvice:
      for (Charge& c : ledger.charges) {
        if (!c.stand_in || c.path.length != r.target_depth + 1 ||
            c.path.ids[r.target_depth] != r.target_id)
          continue;
        // Applied without a funds check: the network has already promised the merchant.
        // Unless the issuer approved the request itself: then it is already booked.
        if (!c.reversed && !c.booked && !c.merged) hold(c, ordinal_of(c));
        c.booked = true;
      }
      return ResponseCode::kApproved;
  }
  return ResponseCode::kApproved;
}

core::ResponseCode Issuer::stand_in(const core::Node& spec, const core::Payment& p,
                                    PaymentLedger& ledger, const Request& r, double t) {
  if (p.amount > spec.stand_in.max_amount) return ResponseCode::kDoNotHonour;
  Charge charge;
  charge.path = r.path;
  charge.try_kind = r.try_kind;
  charge.key = r.key;
  charge.stand_in = true;
  charge.approved_s = t;
  // The issuer may already have approved this very request (its answer is what timed
  // out): the same transaction, charged once.
  for (const Charge& c : ledger.charges)
    if (!c.stand_in && !c.reversed && c.path.same_transaction(charge.path)) charge.merged = true;
  ledger.charges.push_back(charge);
  return ResponseCode::kApproved;
}

Accounts::Hold Issuer::hold_fate(const core::Node& spec, std::uint32_t node, const core::Payment& p,
                                 std::size_t ordinal, double t) const {
  const PaymentDraws::HoldFate drawn = draws_.hold(node, p, ordinal);
  Accounts::Hold fate;
  // An authorization is valid until its hold expires: a merchant that has not captured by
  // then has lost it.
  fate.captures = drawn.captures && drawn.after_s <= spec.accounts.hold_expiry_s;
  fate.due_s = t + (fate.captures ? drawn.after_s : spec.accounts.hold_expiry_s);
  return fate;
}

}  // namespace payquake::payments
