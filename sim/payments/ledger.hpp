// The ledger: the source of truth for charges. Every authorization approved by an issuer
// or by the network's stand-in is a charge of its payment; reversals release them,
// stand-in advices are matched with the issuer's own approval of the same transaction.
// A payment is reconciled once all its work has drained: more than one charge still
// standing is a duplicate payment, classified by how the extra charge came about.
#pragma once

#include <array>
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/money.hpp"
#include "core/payment.hpp"
#include "core/scenario.hpp"
#include "payments/accounts.hpp"

namespace payquake::payments {

// The attempt ids along the way to the issuer: path[0] is the payer's request to the
// gateway, path[1] the gateway's to the next hop, and so on. Two charges with one path
// as a prefix of the other are the same transaction (a stand-in and the issuer's own
// approval of the request it stood in for).
inline constexpr int kMaxDepth = core::kMaxPathNodes;
struct Path {
  std::array<std::uint64_t, kMaxDepth> ids{};
  std::uint8_t length = 0;

  bool matches(std::uint64_t id, int depth) const { return depth < length && ids[depth] == id; }
  // True when the shorter path is a prefix of the longer one.
  bool same_transaction(const Path& other) const;
  // The first depth where the two differ (the hop that sent two requests).
  int divergence(const Path& other) const;
};

// Where a payer's request came from. kStepUp: the press after a passed 3-D Secure challenge
// (issue 10), a new request with a new key.
enum class TryKind : std::uint8_t { kFirst, kClientRetry, kDoubleSubmit, kStepUp };

struct Charge {
  Path path;
  TryKind try_kind = TryKind::kFirst;
  std::uint8_t try_index = 0;
  bool stand_in = false;            // approved by the network, not (yet) by the issuer
  bool applied = false;             // the issuer's account holds the amount
  bool booked = false;              // a stand-in the issuer has taken (advice or its own approval)
  bool reversed = false;
  bool merged = false;              // a stand-in the issuer had approved itself
  double approved_s = 0.0;
  std::uint64_t key = 0;            // the idempotency key of the payer's press (0: none)
  Accounts::Hold hold;              // while applied: the account's hold for it
};

using core::DuplicateCause;

// One payment's charges while it is live. Almost every payment has one charge or none:
// keep one inline, so the hot path allocates only for the rare payment charged twice.
struct PaymentLedger {
  boost::container::small_vector<Charge, 1> charges;
  std::vector<std::pair<std::uint64_t, int>> reversed_targets;   // reversals that arrived
  std::vector<std::pair<std::uint64_t, int>> attempted_reversals;  // reversals sent
};

// What reconciliation found for one payment.
struct Reconciliation {
  int standing = 0;  // charges neither reversed nor merged
  bool duplicate = false;
  DuplicateCause cause = DuplicateCause::kClientRetry;
  double extra_charge_s = 0.0;  // when the first extra charge was approved
};

Reconciliation reconcile(const PaymentLedger& ledger);

}  // namespace payquake::payments
