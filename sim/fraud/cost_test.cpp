// A policy's total cost, against a hand computation.
#include "fraud/cost.hpp"

#include <gtest/gtest.h>

namespace payquake::fraud {
namespace {

TEST(FraudCost, AddsLossFeesAndLostMarginsComputedByHand) {
  FraudCounts n;
  n.approved_fraud_amount = {123456};   // 1234.56 lost
  n.chargebacks = 3;                    // x 15.00 = 45.00
  n.false_declined_amount = {1000000};  // 10000.00 x 5% = 500.00
  n.abandoned_amount = {33333};         // 333.33 x 5% = 16.6665 -> 16.67
  const FraudCost c = fraud_cost(n, CostRates{{1500}, 0.05});
  EXPECT_EQ(c.fraud_loss, core::Money{123456});
  EXPECT_EQ(c.chargeback_fees, core::Money{4500});
  EXPECT_EQ(c.false_decline_margin, core::Money{50000});
  EXPECT_EQ(c.abandonment_margin, core::Money{1667});
  EXPECT_EQ(core::to_string(c.total), "1796.23");  // 1234.56 + 45.00 + 500.00 + 16.67
}

TEST(FraudCost, NothingCountedCostsNothing) {
  const FraudCost c = fraud_cost(FraudCounts{}, CostRates{{2500}, 0.3});
  EXPECT_EQ(c.total, core::Money{0});
}

TEST(FraudCost, MarginRoundsHalfAwayFromZero) {
  FraudCounts n;
  n.false_declined_amount = {1};  // 0.01 x 50% = half a cent
  n.abandoned_amount = {3};       // 0.03 x 50% = 1.5 cents
  const FraudCost c = fraud_cost(n, CostRates{{0}, 0.5});
  EXPECT_EQ(c.false_decline_margin, core::Money{1});
  EXPECT_EQ(c.abandonment_margin, core::Money{2});
  EXPECT_EQ(c.total, core::Money{3});
}

}  // namespace
}  // namespace payquake::fraud
