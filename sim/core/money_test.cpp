// Money: exact integer cents, sampled amounts rounded half away from zero with a floor of
// one cent, and the "42.50" text form used by the scenario format and summary.json.
#include "core/money.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace payquake::core {
namespace {

TEST(Money, FromMajorKeepsWholeCents) {
  EXPECT_EQ(money_from_major(42.5).minor, 4250);
  EXPECT_EQ(money_from_major(42.0).minor, 4200);
  EXPECT_EQ(money_from_major(0.05).minor, 5);
  EXPECT_EQ(money_from_major(19.99).minor, 1999);
  EXPECT_EQ(money_from_major(0.29).minor, 29);  // 0.29 * 100 is 28.999999999999996
  EXPECT_EQ(money_from_major(1234567.89).minor, 123456789);
}

TEST(Money, FromMajorRoundsEveryDecimalCentAmountExactly) {
  // Every amount written with two decimals must come back as exactly that many cents,
  // although none of them (but the .00, .25, .50, .75) is exact in binary.
  for (std::int64_t cents = 1; cents <= 200'000; ++cents)
    ASSERT_EQ(money_from_major(static_cast<double>(cents) / 100.0).minor, cents) << cents;
}

TEST(Money, FromMajorRoundsToNearestCent) {
  EXPECT_EQ(money_from_major(0.123).minor, 12);
  EXPECT_EQ(money_from_major(0.127).minor, 13);
  EXPECT_EQ(money_from_major(9.99499).minor, 999);
  EXPECT_EQ(money_from_major(9.99501).minor, 1000);
}

TEST(Money, FromMajorRoundsHalfCentsAwayFromZero) {
  // Halves that are exact in binary.
  EXPECT_EQ(money_from_major(0.125).minor, 13);
  EXPECT_EQ(money_from_major(0.375).minor, 38);
  EXPECT_EQ(money_from_major(42.125).minor, 4213);
  EXPECT_EQ(money_from_major(1.625).minor, 163);
  // Halves written in decimal: 1.005 is stored as 1.00499999999999989..., yet whoever
  // wrote it means half a cent, and half a cent rounds up.
  EXPECT_EQ(money_from_major(1.005).minor, 101);
  EXPECT_EQ(money_from_major(2.675).minor, 268);
  EXPECT_EQ(money_from_major(0.015).minor, 2);
  for (std::int64_t cents = 1; cents <= 200'000; ++cents)
    ASSERT_EQ(money_from_major((static_cast<double>(cents) + 0.5) / 100.0).minor, cents + 1)
        << cents << ".5 cents";
}

TEST(Money, FromMajorIsAtLeastOneCent) {
  // A payment of zero is not a payment: tiny, zero and negative samples become one cent.
  EXPECT_EQ(money_from_major(0.004).minor, 1);
  EXPECT_EQ(money_from_major(0.005).minor, 1);
  EXPECT_EQ(money_from_major(0.0).minor, 1);
  EXPECT_EQ(money_from_major(-0.0).minor, 1);
  EXPECT_EQ(money_from_major(-3.0).minor, 1);
  EXPECT_EQ(money_from_major(0.01).minor, 1);
  EXPECT_EQ(money_from_major(0.015).minor, 2);
}

TEST(Money, ToStringHasTwoDecimalsAndNoCurrency) {
  EXPECT_EQ(to_string(Money{4250}), "42.50");
  EXPECT_EQ(to_string(Money{5}), "0.05");
  EXPECT_EQ(to_string(Money{-120}), "-1.20");
  EXPECT_EQ(to_string(Money{123456789}), "1234567.89");
  EXPECT_EQ(to_string(Money{0}), "0.00");
  EXPECT_EQ(to_string(Money{-5}), "-0.05");
  EXPECT_EQ(to_string(Money{100}), "1.00");
  EXPECT_EQ(to_string(Money{10}), "0.10");
  EXPECT_EQ(to_string(Money{-99}), "-0.99");
}

TEST(Money, ToStringHandlesTheExtremes) {
  EXPECT_EQ(to_string(Money{std::numeric_limits<std::int64_t>::max()}), "92233720368547758.07");
  EXPECT_EQ(to_string(Money{std::numeric_limits<std::int64_t>::min()}), "-92233720368547758.08");
}

TEST(Money, ArithmeticIsExact) {
  // A million payments of 0.10 sum to exactly 100000.00: the ledger's conservation check
  // relies on it (the same sum in double drifts).
  Money total;
  for (int i = 0; i < 1'000'000; ++i) total += money_from_major(0.10);
  EXPECT_EQ(total, Money{10'000'000});
  EXPECT_EQ(to_string(total), "100000.00");

  EXPECT_EQ(Money{250} + Money{125}, Money{375});
  EXPECT_EQ(Money{250} - Money{300}, Money{-50});
  EXPECT_LT(Money{1}, Money{2});
  EXPECT_GT(Money{0}, Money{-1});
}

}  // namespace
}  // namespace payquake::core
