// The gateway's nonce store: held for a window, forgotten after it, the oldest pushed out
// beyond the capacity. Pure code: no engine.
#include "payments/nonce_store.hpp"

#include <gtest/gtest.h>

namespace payquake::payments {
namespace {

TEST(NonceStore, ANonceIsHeldThroughItsWindowAndForgottenAfter) {
  NonceStore store(100, 300.0);
  EXPECT_FALSE(store.holds(7, 10.0));
  store.store(7, 10.0);
  EXPECT_TRUE(store.holds(7, 10.0));
  EXPECT_TRUE(store.holds(7, 310.0));  // exactly a window later: still held
  EXPECT_FALSE(store.holds(8, 310.0));
  EXPECT_FALSE(store.holds(7, 310.001));
  EXPECT_EQ(store.size(), 0u);  // expired nonces take no memory
}

TEST(NonceStore, BeyondItsCapacityTheOldestAreForgottenFirst) {
  NonceStore store(3, 300.0);
  for (std::uint64_t n = 1; n <= 5; ++n) store.store(n, static_cast<double>(n));
  EXPECT_EQ(store.size(), 3u);
  EXPECT_FALSE(store.holds(1, 6.0));
  EXPECT_FALSE(store.holds(2, 6.0));
  for (std::uint64_t n = 3; n <= 5; ++n) EXPECT_TRUE(store.holds(n, 6.0)) << n;
}

TEST(NonceStore, AForgottenNonceCanBeStoredAgain) {
  NonceStore store(1, 300.0);
  store.store(1, 0.0);
  store.store(2, 1.0);  // pushes 1 out
  ASSERT_FALSE(store.holds(1, 2.0));
  store.store(1, 2.0);  // a replay of 1 got through and is held now
  EXPECT_TRUE(store.holds(1, 2.0));
  EXPECT_FALSE(store.holds(2, 2.0));
  // Expiry of the re-stored nonce counts from its new storage time.
  EXPECT_TRUE(store.holds(1, 302.0));
  EXPECT_FALSE(store.holds(1, 302.5));
}

TEST(NonceStore, MemoryStaysAtTheCapacityUnderAStream) {
  NonceStore store(1000, 1e9);
  for (std::uint64_t n = 0; n < 100000; ++n) store.store(n, static_cast<double>(n) * 1e-3);
  EXPECT_EQ(store.size(), 1000u);
  EXPECT_TRUE(store.holds(99999, 100.0));
  EXPECT_FALSE(store.holds(98999, 100.0));
}

}  // namespace
}  // namespace payquake::payments
