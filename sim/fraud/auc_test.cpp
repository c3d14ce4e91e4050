// The Mann-Whitney AUC and Hanley-McNeil's standard error against hand computation.
#include "fraud/auc.hpp"

#include <gtest/gtest.h>

namespace payquake::fraud {
namespace {

TEST(EmpiricalAuc, CountsPairsAndHalfOfTies) {
  EXPECT_DOUBLE_EQ(empirical_auc({3, 4}, {1, 2}), 1.0);
  EXPECT_DOUBLE_EQ(empirical_auc({1}, {2}), 0.0);
  EXPECT_DOUBLE_EQ(empirical_auc({1}, {1}), 0.5);
  // Pairs (2,1) win, (2,3) lose, (1,1) tie, (1,3) lose: 1.5 of 4.
  EXPECT_DOUBLE_EQ(empirical_auc({2, 1}, {1, 3}), 0.375);
}

TEST(HanleyMcNeil, MatchesTheFormulaByHand) {
  // A = 0.8, n1 = n2 = 10: Q1 = 2/3, Q2 = 1.28/1.8; var = (0.16 + 9(Q1 - 0.64) +
  // 9(Q2 - 0.64)) / 100 = 0.0104.
  EXPECT_NEAR(hanley_mcneil_se(0.8, 10, 10), 0.10198039027185568, 1e-12);
  // A perfect score from any sample has no spread.
  EXPECT_NEAR(hanley_mcneil_se(1.0, 50, 70), 0.0, 1e-12);
}

}  // namespace
}  // namespace payquake::fraud
