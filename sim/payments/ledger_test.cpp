// The ledger: transaction paths, reconciliation of one payment's charges into "standing"
// and a duplicate cause (DESIGN.md section 5). Pure code: no engine, no flow.
#include "payments/ledger.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>

namespace payquake::payments {
namespace {

using core::DuplicateCause;

Path path(std::initializer_list<std::uint64_t> ids) {
  Path p;
  for (const std::uint64_t id : ids) p.ids[p.length++] = id;
  return p;
}

Charge charge(Path p, double approved_s, TryKind kind = TryKind::kFirst) {
  Charge c;
  c.path = p;
  c.try_kind = kind;
  c.applied = true;
  c.approved_s = approved_s;
  return c;
}

// ---- Path ---------------------------------------------------------------------------------

TEST(Path, MatchesChecksTheIdAtADepthWithinTheLength) {
  const Path p = path({10, 20, 30});
  EXPECT_TRUE(p.matches(10, 0));
  EXPECT_TRUE(p.matches(30, 2));
  EXPECT_FALSE(p.matches(20, 0));  // 20 is at depth 1, not 0
  EXPECT_FALSE(p.matches(0, 3));   // beyond the length, even though ids[3] == 0
  EXPECT_FALSE(p.matches(10, kMaxDepth - 1));
}

TEST(Path, APrefixIsTheSameTransactionInEitherDirection) {
  const Path network = path({1, 2, 3});    // the request the network stood in for
  const Path issuer = path({1, 2, 3, 4});  // the same request, delivered to the issuer
  EXPECT_TRUE(network.same_transaction(issuer));
  EXPECT_TRUE(issuer.same_transaction(network));
  EXPECT_TRUE(issuer.same_transaction(issuer));
  // An empty path is a prefix of every path.
  EXPECT_TRUE(Path{}.same_transaction(issuer));
}

TEST(Path, PathsThatSplitAreDifferentTransactions) {
  const Path first = path({1, 2, 3, 4});
  EXPECT_FALSE(first.same_transaction(path({5, 2, 3, 4})));  // another press of the payer
  EXPECT_FALSE(first.same_transaction(path({1, 6, 3, 4})));  // a gateway retry
  EXPECT_FALSE(first.same_transaction(path({1, 2, 3, 7})));  // a network retry
  EXPECT_FALSE(first.same_transaction(path({1, 6})));        // split before the shorter ends
}

TEST(Path, DivergenceIsTheFirstDepthThatDiffers) {
  const Path first = path({1, 2, 3, 4});
  EXPECT_EQ(first.divergence(path({5, 2, 3, 4})), 0);
  EXPECT_EQ(first.divergence(path({1, 6, 3, 4})), 1);
  EXPECT_EQ(first.divergence(path({1, 2, 3, 7})), 3);
  EXPECT_EQ(path({1, 6}).divergence(first), 1);  // symmetric
  // No difference within the shorter path: the shorter length.
  EXPECT_EQ(first.divergence(path({1, 2})), 2);
  EXPECT_EQ(first.divergence(first), 4);
}

// ---- reconcile ----------------------------------------------------------------------------

TEST(Reconcile, NoChargeIsNoDuplicate) {
  const Reconciliation r = reconcile(PaymentLedger{});
  EXPECT_EQ(r.standing, 0);
  EXPECT_FALSE(r.duplicate);
}

TEST(Reconcile, OneChargeStandsAndIsNoDuplicate) {
  PaymentLedger ledger;
  ledger.charges.push_back(charge(path({1, 2, 3, 4}), 0.5));
  const Reconciliation r = reconcile(ledger);
  EXPECT_EQ(r.standing, 1);
  EXPECT_FALSE(r.duplicate);
}

TEST(Reconcile, ReversedAndMergedChargesDoNotStand) {
  PaymentLedger ledger;
  ledger.charges.push_back(charge(path({1, 2, 3, 4}), 0.5));
  Charge reversed = charge(path({1, 6, 7, 8}), 1.0);
  reversed.reversed = true;
  reversed.applied = false;
  Charge merged = charge(path({9, 10, 11}), 1.5);
  merged.stand_in = true;
  merged.merged = true;
  ledger.charges.push_back(reversed);
  ledger.charges.push_back(merged);
  const Reconciliation r = reconcile(ledger);
  EXPECT_EQ(r.standing, 1);
  EXPECT_FALSE(r.duplicate);

  // Without the one that stands, nothing does.
  ledger.charges.erase(ledger.charges.begin());
  EXPECT_EQ(reconcile(ledger).standing, 0);
}

TEST(Reconcile, TwoPressesOfPayAreAClientRetry) {
  PaymentLedger ledger;
  ledger.charges.push_back(charge(path({1, 2, 3, 4}), 0.2));
  ledger.charges.push_back(charge(path({5, 6, 7, 8}), 1.7, TryKind::kClientRetry));
  const Reconciliation r = reconcile(ledger);
  EXPECT_EQ(r.standing, 2);
  EXPECT_TRUE(r.duplicate);
  EXPECT_EQ(r.cause, DuplicateCause::kClientRetry);
  EXPECT_EQ(r.extra_charge_s, 1.7);
}

TEST(Reconcile, TwoPressesWithOneKeyBothChargedAreAKeyNotStored) {
  // The key was reused, yet the retry charged again: the store held nothing for it.
  PaymentLedger ledger;
  Charge first = charge(path({1, 2, 3, 4}), 0.2);
  Charge retry = charge(path({5, 6, 7, 8}), 1.7, TryKind::kClientRetry);
  first.key = retry.key = 33;
  ledger.charges.push_back(first);
  ledger.charges.push_back(retry);
  EXPECT_TRUE(reconcile(ledger).duplicate);
  EXPECT_EQ(reconcile(ledger).cause, DuplicateCause::kKeyNotStored);
  // A new key per press is a plain client retry.
  ledger.charges[1].key = 34;
  EXPECT_EQ(reconcile(ledger).cause, DuplicateCause::kClientRetry);
  // A double submit with the same key stays a double submit.
  ledger.charges[1].key = 33;
  ledger.charges[1].try_kind = TryKind::kDoubleSubmit;
  EXPECT_EQ(reconcile(ledger).cause, DuplicateCause::kDoubleSubmit);
}

TEST(Reconcile, TwoPressesOneOfThemADoubleSubmitAreADoubleSubmit) {
  for (const bool double_submit_first : {false, true}) {
    SCOPED_TRACE(double_submit_first ? "the double submit approved first"
                                     : "the double submit approved second");
    PaymentLedger ledger;
    ledger.charges.push_back(charge(
        path({1, 2, 3, 4}), 0.2, double_submit_first ? TryKind::kDoubleSubmit : TryKind::kFirst));
    ledger.charges.push_back(charge(
        path({5, 6, 7, 8}), 0.3, double_submit_first ? TryKind::kFirst : TryKind::kDoubleSubmit));
    const Reconciliation r = reconcile(ledger);
    EXPECT_TRUE(r.duplicate);
    EXPECT_EQ(r.cause, DuplicateCause::kDoubleSubmit);
  }
  // A double submit beside a client retry is still a double submit.
  PaymentLedger ledger;
  ledger.charges.push_back(charge(path({1, 2}), 0.2, TryKind::kClientRetry));
  ledger.charges.push_back(charge(path({5, 6}), 0.3, TryKind::kDoubleSubmit));
  EXPECT_EQ(reconcile(ledger).cause, DuplicateCause::kDoubleSubmit);
}

TEST(Reconcile, ASplitBelowThePayerIsAGatewayRetry) {
  for (const int depth : {1, 2, 3}) {
    SCOPED_TRACE("split at depth " + std::to_string(depth));
    Path retried = path({1, 2, 3, 4});
    retried.ids[static_cast<std::size_t>(depth)] = 100;
    PaymentLedger ledger;
    ledger.charges.push_back(charge(path({1, 2, 3, 4}), 2.0));
    ledger.charges.push_back(charge(retried, 3.5));
    // A reversal for an attempt on neither path changes nothing.
    ledger.attempted_reversals.emplace_back(999, depth);
    const Reconciliation r = reconcile(ledger);
    EXPECT_TRUE(r.duplicate);
    EXPECT_EQ(r.cause, DuplicateCause::kGatewayRetry);
    EXPECT_EQ(r.extra_charge_s, 3.5);
  }
}

TEST(Reconcile, ASplitBelowThePayerWithAReversalSentForEitherIsALostReversal) {
  const Path first = path({1, 2, 3, 4});
  const Path retry = path({1, 6, 7, 8});
  // The gateway reversed the first request (id 2 at depth 1), or the retry (id 6).
  for (const std::uint64_t reversed_id : {2u, 6u}) {
    SCOPED_TRACE("reversal sent for attempt " + std::to_string(reversed_id));
    PaymentLedger ledger;
    ledger.charges.push_back(charge(first, 1.0));
    ledger.charges.push_back(charge(retry, 2.0));
    ledger.attempted_reversals.emplace_back(reversed_id, 1);
    const Reconciliation r = reconcile(ledger);
    EXPECT_TRUE(r.duplicate);
    EXPECT_EQ(r.cause, DuplicateCause::kLostReversal);
  }
  // The right id at the wrong depth is another attempt: not a reversal of either.
  PaymentLedger ledger;
  ledger.charges.push_back(charge(first, 1.0));
  ledger.charges.push_back(charge(retry, 2.0));
  ledger.attempted_reversals.emplace_back(2, 2);
  EXPECT_EQ(reconcile(ledger).cause, DuplicateCause::kGatewayRetry);
}

TEST(Reconcile, AReversalAttemptedForAPressDoesNotMakeAClientRetryALostReversal) {
  // Two presses split at depth 0: the payer's cause wins over a lost reversal below.
  PaymentLedger ledger;
  ledger.charges.push_back(charge(path({1, 2, 3, 4}), 1.0));
  ledger.charges.push_back(charge(path({5, 6, 7, 8}), 2.0, TryKind::kClientRetry));
  ledger.attempted_reversals.emplace_back(2, 1);
  EXPECT_EQ(reconcile(ledger).cause, DuplicateCause::kClientRetry);
}

TEST(Reconcile, AStandInAmongTheStandingChargesWinsOverEveryOtherCause) {
  for (const bool stand_in_first : {false, true}) {
    SCOPED_TRACE(stand_in_first ? "stand-in approved first" : "stand-in approved second");
    PaymentLedger ledger;
    Charge a = charge(path({1, 2, 3}), 1.0);
    Charge b = charge(path({5, 6, 7, 8}), 2.0, TryKind::kDoubleSubmit);
    (stand_in_first ? a : b).stand_in = true;
    ledger.charges.push_back(a);
    ledger.charges.push_back(b);
    ledger.attempted_reversals.emplace_back(2, 1);
    const Reconciliation r = reconcile(ledger);
    EXPECT_TRUE(r.duplicate);
    EXPECT_EQ(r.cause, DuplicateCause::kStandIn);
  }
  // A stand-in that was reversed does not stand, so it explains nothing.
  PaymentLedger ledger;
  Charge reversed_stand_in = charge(path({1, 2, 3}), 0.5);
  reversed_stand_in.stand_in = true;
  reversed_stand_in.reversed = true;
  ledger.charges.push_back(reversed_stand_in);
  ledger.charges.push_back(charge(path({1, 2, 3, 4}), 1.0));
  ledger.charges.push_back(charge(path({5, 6, 7, 8}), 2.0, TryKind::kClientRetry));
  const Reconciliation r = reconcile(ledger);
  EXPECT_EQ(r.standing, 2);
  EXPECT_EQ(r.cause, DuplicateCause::kClientRetry);
}

TEST(Reconcile, TheExtraChargeIsTheSecondEarliestApprovalWhateverTheOrderOfCharges) {
  PaymentLedger ledger;
  ledger.charges.push_back(charge(path({1, 2}), 5.0, TryKind::kClientRetry));
  ledger.charges.push_back(charge(path({3, 4}), 1.0));
  Charge reversed = charge(path({7, 8}), 2.0, TryKind::kClientRetry);
  reversed.reversed = true;  // earlier than the extra charge, but released
  ledger.charges.push_back(reversed);
  ledger.charges.push_back(charge(path({5, 6}), 3.0, TryKind::kClientRetry));
  const Reconciliation r = reconcile(ledger);
  EXPECT_EQ(r.standing, 3);
  EXPECT_TRUE(r.duplicate);
  EXPECT_EQ(r.extra_charge_s, 3.0);
  EXPECT_EQ(r.cause, DuplicateCause::kClientRetry);
}

}  // namespace
}  // namespace payquake::payments

namespace payquake::payments {
namespace {

// ---- Replays ------------------------------------------------------------------------------

TEST(ReconcileReplay, OneStandingChargeOfAReplayIsAlreadyADuplicate) {
  PaymentLedger ledger;
  ledger.charges.push_back(charge(path({5, 6, 7, 8}), 12.5));
  const Reconciliation r = reconcile_replay(ledger);
  EXPECT_EQ(r.standing, 1);
  EXPECT_TRUE(r.duplicate);
  EXPECT_EQ(r.cause, DuplicateCause::kReplay);
  EXPECT_EQ(r.extra_charge_s, 12.5);
  // The same ledger as an ordinary payment's: one charge, no duplicate.
  EXPECT_FALSE(reconcile(ledger).duplicate);
}

TEST(ReconcileReplay, ARefusedOrReversedReplayIsNoDuplicate) {
  PaymentLedger ledger;
  EXPECT_FALSE(reconcile_replay(ledger).duplicate);  // refused: nothing charged
  Charge c = charge(path({5, 6}), 3.0);
  c.reversed = true;
  ledger.charges.push_back(c);
  const Reconciliation r = reconcile_replay(ledger);
  EXPECT_EQ(r.standing, 0);
  EXPECT_FALSE(r.duplicate);
}

TEST(ReconcileReplay, TheExtraChargeIsTheEarliestStanding) {
  PaymentLedger ledger;
  ledger.charges.push_back(charge(path({9, 1}), 8.0));
  ledger.charges.push_back(charge(path({9, 2}), 4.0));
  const Reconciliation r = reconcile_replay(ledger);
  EXPECT_EQ(r.standing, 2);
  EXPECT_EQ(r.extra_charge_s, 4.0);
}

}  // namespace
}  // namespace payquake::payments
