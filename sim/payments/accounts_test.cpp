// The issuers' accounts: opening on first use, holds, and how a hold ends (capture,
// expiry, reversal), with conservation exact after every step. Pure code.
#include "payments/accounts.hpp"

#include <gtest/gtest.h>
#include <malloc.h>

#include "core/random_stream.hpp"
#include "core/zipf.hpp"

namespace payquake::payments {
namespace {

std::int64_t available(Accounts& accounts, std::uint64_t card) {
  return accounts.get(card, core::Money{0}).available;
}

// Alipay-size populations: 100 million cards of which 1 million pay. The card sampler is
// O(1) in memory and an account exists only once its card pays, so the heap grows with the
// million, within what the run's memory estimate charges per account (64 bytes,
// scenario/estimate.cpp), and nothing is spent on the 99 million that never pay.
TEST(Accounts, MemoryFor100MCardsOfWhich1MPayStaysProportionalToThe1M) {
  constexpr std::int64_t kCards = 100'000'000;
  constexpr std::size_t kPaying = 1'000'000;
  static_assert(sizeof(core::ZipfSampler) <= 64, "the card sampler holds no per-card state");
#ifdef __SANITIZE_ADDRESS__
  // AddressSanitizer replaces malloc with its own allocator, which glibc's mallinfo2 does
  // not see: the heap cannot be measured this way in that build (make sanitize).
  GTEST_SKIP() << "heap growth is measured with glibc's mallinfo2, blind under ASan";
#endif
  const std::size_t heap_before = mallinfo2().uordblks;
  {
    const core::ZipfSampler cards(kCards, 0.0);  // uniform: nearly every draw a new card
    core::RandomStream rng(11, "cards");
    Accounts accounts;
    while (accounts.size() < kPaying) accounts.get(static_cast<std::uint64_t>(cards(rng)), core::Money{100});
    const double grown = static_cast<double>(mallinfo2().uordblks - heap_before);
    EXPECT_LE(grown, 64.0 * kPaying) << grown / kPaying << " bytes per paying card";
    EXPECT_GE(grown, 16.0 * kPaying) << "the accounts must be on the heap being measured";
  }
}

TEST(Accounts, GetCreatesAnAccountOnceWithItsOpeningBalance) {
  Accounts accounts;
  EXPECT_FALSE(accounts.exists(7));
  Accounts::Account& a = accounts.get(7, core::Money{10'000});
  EXPECT_TRUE(accounts.exists(7));
  EXPECT_EQ(a.available, 10'000);
  accounts.hold(7, a, 2'500, 100.0, true);
  // A second get returns the same account; its opening balance is ignored.
  Accounts::Account& again = accounts.get(7, core::Money{99'999});
  EXPECT_EQ(&again, &a);
  EXPECT_EQ(again.available, 7'500);
  EXPECT_EQ(accounts.opening_total(), 10'000);
  EXPECT_FALSE(accounts.exists(8));
  EXPECT_EQ(accounts.size(), 1u);
}

TEST(Accounts, TheOpeningBalanceIsAskedForOnlyWhenTheAccountIsCreated) {
  Accounts accounts;
  int asked = 0;
  const auto opening = [&asked] {
    ++asked;
    return std::int64_t{5'000};
  };
  accounts.get(1, opening);
  accounts.get(1, opening);
  EXPECT_EQ(asked, 1);
}

TEST(Accounts, TotalsAddUpOverAccountsAndHoldsDoNotChangeThem) {
  Accounts accounts;
  EXPECT_EQ(accounts.opening_total(), 0);
  EXPECT_EQ(accounts.current_total(), 0);
  accounts.get(1, core::Money{100});
  accounts.get(2, core::Money{2'000});
  accounts.get(3, core::Money{30'000});
  EXPECT_EQ(accounts.opening_total(), 32'100);
  EXPECT_EQ(accounts.current_total(), 32'100);
  // A hold moves money from available to held: conservation holds.
  accounts.hold(2, accounts.get(2, core::Money{0}), 1'500, 100.0, true);
  EXPECT_EQ(available(accounts, 2), 500);
  EXPECT_EQ(accounts.held_total(), 1'500);
  EXPECT_EQ(accounts.current_total(), 32'100);
  // A change outside hold/reverse shows as a difference.
  accounts.get(3, core::Money{0}).available -= 1;
  EXPECT_EQ(accounts.current_total(), 32'099);
  EXPECT_EQ(accounts.opening_total(), 32'100);
}

TEST(Accounts, ACapturedHoldIsSettledAndNeverComesBack) {
  Accounts accounts;
  const Accounts::Hold h =
      accounts.hold(1, accounts.get(1, core::Money{10'000}), 3'000, 3600.0, true);
  EXPECT_EQ(h.due_s, 3600.0);
  EXPECT_TRUE(h.captures);
  accounts.settle_until(3599.0);
  EXPECT_EQ(accounts.held_total(), 3'000);
  EXPECT_EQ(accounts.settled_total(), 0);
  accounts.settle_until(3600.0);
  EXPECT_EQ(available(accounts, 1), 7'000);
  EXPECT_EQ(accounts.held_total(), 0);
  EXPECT_EQ(accounts.settled_total(), 3'000);
  EXPECT_EQ(accounts.captured(), 1u);
  EXPECT_EQ(accounts.current_total(), accounts.opening_total());
}

TEST(Accounts, AnUncapturedHoldExpiresAndTheCardholderHasTheMoneyBack) {
  Accounts accounts;
  accounts.hold(1, accounts.get(1, core::Money{10'000}), 3'000, 7 * 86400.0, false);
  accounts.settle_until(7 * 86400.0 - 1);
  EXPECT_EQ(available(accounts, 1), 7'000);
  accounts.settle_until(7 * 86400.0);
  EXPECT_EQ(available(accounts, 1), 10'000);
  EXPECT_EQ(accounts.held_total(), 0);
  EXPECT_EQ(accounts.settled_total(), 0);
  EXPECT_EQ(accounts.expired(), 1u);
  EXPECT_EQ(accounts.current_total(), accounts.opening_total());
}

TEST(Accounts, AReversalReleasesAStandingHoldAndCancelsItsEnd) {
  Accounts accounts;
  Accounts::Account& a = accounts.get(1, core::Money{10'000});
  const Accounts::Hold captured = accounts.hold(1, a, 3'000, 100.0, true);
  const Accounts::Hold expiring = accounts.hold(1, a, 2'000, 50.0, false);
  EXPECT_EQ(available(accounts, 1), 5'000);
  accounts.reverse(1, captured, 3'000, 5.0);
  accounts.reverse(1, expiring, 2'000, 6.0);
  EXPECT_EQ(available(accounts, 1), 10'000);
  accounts.settle_until(1e9);  // the cancelled capture and expiry do nothing
  EXPECT_EQ(accounts.settled_total(), 0);
  EXPECT_EQ(accounts.held_total(), 0);
  EXPECT_EQ(accounts.captured(), 0u);
  EXPECT_EQ(accounts.expired(), 0u);
  EXPECT_EQ(available(accounts, 1), 10'000);
  EXPECT_EQ(accounts.current_total(), accounts.opening_total());
}

TEST(Accounts, AReversalAfterCaptureIsARefundAndAfterExpiryChangesNothing) {
  Accounts accounts;
  Accounts::Account& a = accounts.get(1, core::Money{10'000});
  const Accounts::Hold captured = accounts.hold(1, a, 1'000, 10.0, true);
  const Accounts::Hold expiring = accounts.hold(1, a, 2'000, 20.0, false);
  accounts.reverse(1, captured, 1'000, 30.0);  // settles both first
  EXPECT_EQ(accounts.settled_total(), 0);
  EXPECT_EQ(available(accounts, 1), 10'000);
  accounts.reverse(1, expiring, 2'000, 31.0);
  EXPECT_EQ(available(accounts, 1), 10'000);
  EXPECT_EQ(accounts.current_total(), accounts.opening_total());
}

TEST(Accounts, ExpiriesEndInDueOrderAndTheClockNeverGoesBack) {
  Accounts accounts;
  Accounts::Account& a = accounts.get(1, core::Money{10'000});
  Accounts::Account& b = accounts.get(2, core::Money{10'000});
  accounts.hold(1, a, 100, 50.0, false);
  accounts.hold(2, b, 200, 10.0, true);
  accounts.hold(1, a, 300, 10.0, false);
  accounts.settle_until(10.0);
  EXPECT_EQ(available(accounts, 1), 10'000 - 100);
  EXPECT_EQ(available(accounts, 2), 10'000 - 200);
  EXPECT_EQ(accounts.settled_total(), 200);
  EXPECT_EQ(accounts.held_total(), 100);
  accounts.settle_until(5.0);  // earlier than the accounts already are: nothing changes
  EXPECT_EQ(accounts.settled_total(), 200);
  EXPECT_EQ(accounts.current_total(), 20'000);
}

}  // namespace
}  // namespace payquake::payments
