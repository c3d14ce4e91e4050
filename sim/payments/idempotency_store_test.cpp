// The gateway's idempotency-key store: the Stripe design's states (new, in flight,
// replay), what a failure forgets, expiry and ownership, waiters. Pure code: no engine.
#include "payments/idempotency_store.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace payquake::payments {
namespace {

using core::ResponseCode;
using Lookup = IdempotencyStore::Lookup;

constexpr double kTtlS = 60.0;
constexpr std::uint64_t kKey = 42;

TEST(IdempotencyStore, ANewKeyIsRecordedInFlightForItsOwner) {
  IdempotencyStore store;
  IdempotencyStore::Entry* e = nullptr;
  EXPECT_EQ(store.begin(kKey, 7, 1.0, kTtlS, &e), Lookup::kNew);
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->in_flight);
  EXPECT_EQ(e->owner, 7u);
  EXPECT_EQ(e->expires_s, 1.0 + kTtlS);
  EXPECT_TRUE(e->waiters.empty());
  EXPECT_EQ(store.size(), 1u);
}

TEST(IdempotencyStore, ASecondRequestWhileTheFirstIsInFlightIsInFlight) {
  IdempotencyStore store;
  IdempotencyStore::Entry* e = nullptr;
  ASSERT_EQ(store.begin(kKey, 7, 1.0, kTtlS, &e), Lookup::kNew);
  EXPECT_EQ(store.begin(kKey, 8, 2.0, kTtlS, &e), Lookup::kInFlight);
  // The first request still owns the key and its expiry is unchanged.
  EXPECT_EQ(e->owner, 7u);
  EXPECT_EQ(e->expires_s, 1.0 + kTtlS);
  // Other keys are independent.
  EXPECT_EQ(store.begin(kKey + 1, 9, 2.0, kTtlS, &e), Lookup::kNew);
  EXPECT_EQ(store.size(), 2u);
}

TEST(IdempotencyStore, ADefinitiveAnswerIsReplayedWithItsCode) {
  for (const ResponseCode code :
       {ResponseCode::kApproved, ResponseCode::kInsufficientFunds, ResponseCode::kDoNotHonour}) {
    SCOPED_TRACE(core::code_string(code));
    IdempotencyStore store;
    IdempotencyStore::Entry* e = nullptr;
    ASSERT_EQ(store.begin(kKey, 7, 1.0, kTtlS, &e), Lookup::kNew);
    EXPECT_TRUE(store.finish(kKey, 7, code).empty());
    EXPECT_EQ(store.begin(kKey, 8, 2.0, kTtlS, &e), Lookup::kReplay);
    EXPECT_FALSE(e->in_flight);
    EXPECT_EQ(e->result, code);
    // Replayed as often as asked, until it expires.
    EXPECT_EQ(store.begin(kKey, 9, 1.0 + kTtlS - 0.001, kTtlS, &e), Lookup::kReplay);
    EXPECT_EQ(e->result, code);
  }
}

TEST(IdempotencyStore, AFailureForgetsTheKeySoThatARetryIsProcessedAgain) {
  for (const ResponseCode code :
       {ResponseCode::kIssuerInoperative, ResponseCode::kSystemMalfunction}) {
    SCOPED_TRACE(core::code_string(code));
    IdempotencyStore store;
    IdempotencyStore::Entry* e = nullptr;
    ASSERT_EQ(store.begin(kKey, 7, 1.0, kTtlS, &e), Lookup::kNew);
    store.finish(kKey, 7, code);
    EXPECT_EQ(store.size(), 0u);
    EXPECT_EQ(store.begin(kKey, 8, 2.0, kTtlS, &e), Lookup::kNew);
    EXPECT_EQ(e->owner, 8u);
    EXPECT_TRUE(e->in_flight);
  }
}

TEST(IdempotencyStore, AStoredResultExpiresAfterItsTtlAndTheNextRequestOwnsTheKey) {
  IdempotencyStore store;
  IdempotencyStore::Entry* e = nullptr;
  ASSERT_EQ(store.begin(kKey, 7, 1.0, kTtlS, &e), Lookup::kNew);
  store.finish(kKey, 7, ResponseCode::kApproved);
  // At exactly expires_s the entry is gone (now < expires is the live condition).
  EXPECT_EQ(store.begin(kKey, 8, 1.0 + kTtlS, 10.0, &e), Lookup::kNew);
  EXPECT_TRUE(e->in_flight);
  EXPECT_EQ(e->owner, 8u);
  EXPECT_EQ(e->expires_s, 1.0 + kTtlS + 10.0);  // the new request's TTL
  EXPECT_EQ(store.size(), 1u);                  // replaced, not added
}

TEST(IdempotencyStore, AKeyInFlightDoesNotExpireUnderItsOwner) {
  // Requests waiting on a key must get its result: a key in flight past its TTL stays
  // with its owner, and its waiters are handed back when the owner finishes.
  IdempotencyStore store;
  IdempotencyStore::Entry* e = nullptr;
  ASSERT_EQ(store.begin(kKey, 7, 0.0, 1.0, &e), Lookup::kNew);
  ASSERT_EQ(store.begin(kKey, 8, 0.5, 1.0, &e), Lookup::kInFlight);
  e->waiters.push_back(42);
  ASSERT_EQ(store.begin(kKey, 9, 2.0, 1.0, &e), Lookup::kInFlight);  // past the TTL
  EXPECT_EQ(e->owner, 7u);
  EXPECT_EQ(store.finish(kKey, 7, ResponseCode::kApproved), std::vector<std::uint32_t>{42});
  // Its stored result has expired (TTL counts from the key's first use): a new owner.
  EXPECT_EQ(store.begin(kKey, 9, 2.5, 1.0, &e), Lookup::kNew);
  EXPECT_EQ(e->owner, 9u);
  // The old owner can no longer finish or forget the new owner's key.
  EXPECT_TRUE(store.finish(kKey, 7, ResponseCode::kSystemMalfunction).empty());
  EXPECT_EQ(store.begin(kKey, 10, 2.6, 1.0, &e), Lookup::kInFlight);
}

TEST(IdempotencyStore, FinishingByANonOwnerOrAnUnknownKeyIsIgnored) {
  IdempotencyStore store;
  IdempotencyStore::Entry* e = nullptr;
  ASSERT_EQ(store.begin(kKey, 7, 1.0, kTtlS, &e), Lookup::kNew);
  e->waiters.push_back(11);
  EXPECT_TRUE(store.finish(kKey, 8, ResponseCode::kApproved).empty());
  EXPECT_TRUE(store.finish(kKey, 8, ResponseCode::kIssuerInoperative).empty());
  EXPECT_TRUE(store.finish(kKey + 1, 7, ResponseCode::kApproved).empty());
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.begin(kKey, 9, 2.0, kTtlS, &e), Lookup::kInFlight);
  EXPECT_EQ(e->waiters, std::vector<std::uint32_t>{11});
  // Finishing twice: the second is ignored (the key is no longer in flight).
  EXPECT_EQ(store.finish(kKey, 7, ResponseCode::kApproved), std::vector<std::uint32_t>{11});
  EXPECT_TRUE(store.finish(kKey, 7, ResponseCode::kDoNotHonour).empty());
  EXPECT_EQ(store.begin(kKey, 9, 2.0, kTtlS, &e), Lookup::kReplay);
  EXPECT_EQ(e->result, ResponseCode::kApproved);
}

TEST(IdempotencyStore, FinishReturnsTheWaitersInOrderWhateverTheOutcome) {
  for (const ResponseCode code : {ResponseCode::kApproved, ResponseCode::kSystemMalfunction}) {
    SCOPED_TRACE(core::code_string(code));
    IdempotencyStore store;
    IdempotencyStore::Entry* e = nullptr;
    ASSERT_EQ(store.begin(kKey, 7, 1.0, kTtlS, &e), Lookup::kNew);
    for (const std::uint32_t waiter : {5u, 3u, 9u}) {
      ASSERT_EQ(store.begin(kKey, 100 + waiter, 1.5, kTtlS, &e), Lookup::kInFlight);
      e->waiters.push_back(waiter);  // what the flow does with concurrent: wait
    }
    EXPECT_EQ(store.finish(kKey, 7, code), (std::vector<std::uint32_t>{5, 3, 9}));
    if (core::outcome_of(code) != core::Outcome::kFailed) {
      ASSERT_EQ(store.begin(kKey, 8, 2.0, kTtlS, &e), Lookup::kReplay);
      EXPECT_TRUE(e->waiters.empty());
    }
  }
}

TEST(IdempotencyStore, ForgetRemovesTheKeyWhateverItsState) {
  IdempotencyStore store;
  IdempotencyStore::Entry* e = nullptr;
  ASSERT_EQ(store.begin(1, 7, 1.0, kTtlS, &e), Lookup::kNew);
  ASSERT_EQ(store.begin(2, 8, 1.0, kTtlS, &e), Lookup::kNew);
  store.finish(2, 8, ResponseCode::kApproved);
  store.forget(1);  // in flight
  store.forget(2);  // stored
  store.forget(3);  // unknown: nothing happens
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(store.begin(2, 9, 1.5, kTtlS, &e), Lookup::kNew);
  EXPECT_EQ(e->owner, 9u);
}

TEST(IdempotencyStore, AvailabilityIsAFlagTheChaosCapabilitySets) {
  IdempotencyStore store;
  EXPECT_TRUE(store.available());
  store.set_available(false);
  EXPECT_FALSE(store.available());
  store.set_available(true);
  EXPECT_TRUE(store.available());
}

}  // namespace
}  // namespace payquake::payments
