// The issuer's decision and the network's stand-in, as a plain object over the accounts and
// a payment's ledger: what an authorization, a reversal (0400) or a stand-in advice (0120)
// does to the charges and the holds, and the response code. The flow asks it at the end of
// a request's service; it knows nothing of stations, messages or time beyond `t`.
#pragma once

#include <cstdint>

#include "core/payment.hpp"
#include "core/scenario.hpp"
#include "payments/accounts.hpp"
#include "payments/ledger.hpp"
#include "payments/payment_draws.hpp"

namespace payquake::payments {

class Issuer {
 public:
  // What the decision needs of one request. For an authorization: its ledger path, how
  // the payer's press at its root came about and that press's idempotency key. For a
  // reversal or an advice: the request it concerns (`target_id` at `target_depth`).
  struct Request {
    core::Message message = core::Message::kAuthorization;
    Path path;
    TryKind try_kind = TryKind::kFirst;
    std::uint64_t key = 0;
    std::uint64_t target_id = 0;
    std::uint8_t target_depth = 0;
  };

  // Both must outlive the issuer. `draws` gives the opening balances and the holds' fates.
  Issuer(Accounts& accounts, const PaymentDraws& draws) : accounts_(accounts), draws_(draws) {}

  // Issuer node `node` (configured as `spec`) decides `r` for payment `p` at `t`, updating
  // the payment's `ledger` and, if `spec` keeps accounts, the card's account:
  // - a card that does not exist (Payment::card_exists false): 14 to an authorization;
  // - authorization: a request the network already stood in for is booked as that charge
  //   (approved, never twice); else 51 when the account lacks the amount; else approved, a
  //   new charge and its hold (released at once if its reversal overtook it);
  // - reversal: every standing charge of the target released; approved;
  // - advice: the stand-in charge of the target booked (a hold without a funds check)
  //   unless the issuer approved the same transaction itself; approved.
  core::ResponseCode decide(std::uint32_t node, const core::Node& spec, const core::Payment& p,
                            PaymentLedger& ledger, const Request& r, double t);

  // The network `spec` stands in for the issuer on authorization `path` of `p`: approved
  // up to `stand_in.max_amount` (a stand-in charge, merged if the issuer approved the same
  // transaction already; the caller then sends the advice), else 05 and no charge.
  static core::ResponseCode stand_in(const core::Node& spec, const core::Payment& p,
                                     PaymentLedger& ledger, const Request& r, double t);

 private:
  // How the hold of the `ordinal`th charge of a payment ends: captured after the issuer's
  // capture delay, or expired, keyed to (seed, issuer, payment, ordinal).
  Accounts::Hold hold_fate(const core::Node& spec, std::uint32_t node, const core::Payment& p,
                           std::size_t ordinal, double t) const;

  Accounts& accounts_;
  const PaymentDraws& draws_;
};

}  // namespace payquake::payments
