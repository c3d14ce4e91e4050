#include "study/stats.hpp"

#include <gtest/gtest.h>

namespace payquake::study {
namespace {

// Student's sleep data (Cushny and Peebles, 1905; R's `sleep`): extra hours of sleep of
// ten patients under two drugs. R: t.test(extra ~ group, data = sleep, paired = TRUE) and
// the same without `paired` (Welch).
const std::vector<double> kDrug1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
const std::vector<double> kDrug2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

TEST(Stats, TQuantilesMatchTheTables) {
  EXPECT_NEAR(t_quantile(9), 2.262157, 1e-6);
  EXPECT_NEAR(t_quantile(1), 12.706205, 1e-6);
  EXPECT_NEAR(t_quantile(30), 2.042272, 1e-6);
  EXPECT_NEAR(t_quantile(1e9), 1.959964, 1e-6);  // the normal's 1.96 in the limit
}

TEST(Stats, DescribeGivesMeanVarianceAndTheTInterval) {
  const Sample s = describe({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  EXPECT_EQ(s.n, 10u);
  EXPECT_DOUBLE_EQ(*s.mean, 5.5);
  EXPECT_NEAR(*s.variance, 9.166667, 1e-6);
  EXPECT_NEAR(*s.stddev(), 3.027650, 1e-6);
  EXPECT_NEAR(s.interval->low, 3.334149, 1e-6);  // R: t.test(1:10)
  EXPECT_NEAR(s.interval->high, 7.665851, 1e-6);
}

TEST(Stats, PairedDifferenceMatchesStudentsSleepData) {
  const Sample d = paired_difference(kDrug1, kDrug2);
  EXPECT_EQ(d.n, 10u);
  EXPECT_NEAR(*d.mean, 1.58, 1e-12);
  EXPECT_NEAR(*d.stddev(), 1.229995, 1e-6);
  EXPECT_NEAR(d.interval->low, 0.7001142, 1e-6);
  EXPECT_NEAR(d.interval->high, 2.4598858, 1e-6);
  EXPECT_TRUE(d.interval->excludes_zero());
}

TEST(Stats, WelchDifferenceMatchesStudentsSleepData) {
  const Difference d = welch_difference(kDrug1, kDrug2);
  EXPECT_NEAR(*d.mean, 1.58, 1e-12);
  EXPECT_NEAR(*d.df, 17.77647, 1e-5);
  EXPECT_NEAR(d.interval->low, -0.2054832, 1e-6);
  EXPECT_NEAR(d.interval->high, 3.3654832, 1e-6);
  EXPECT_FALSE(d.interval->excludes_zero());
  // Pairing is what makes the difference visible here: its interval is half as wide.
  EXPECT_LT(paired_difference(kDrug1, kDrug2).interval->half_width(), d.interval->half_width());
}

TEST(Stats, OneValueHasAMeanButNoInterval) {
  const Sample s = describe({4.2});
  EXPECT_DOUBLE_EQ(*s.mean, 4.2);
  EXPECT_FALSE(s.variance.has_value());
  EXPECT_FALSE(s.interval.has_value());
  EXPECT_FALSE(welch_difference({1.0}, {2.0, 3.0}).interval.has_value());
  EXPECT_DOUBLE_EQ(*welch_difference({1.0}, {2.0, 3.0}).mean, 1.5);
}

TEST(Stats, NoValueHasNoMean) {
  const Sample s = describe({});
  EXPECT_EQ(s.n, 0u);
  EXPECT_FALSE(s.mean.has_value());
  EXPECT_FALSE(welch_difference({}, {1.0}).mean.has_value());
}

TEST(Stats, IdenticalRunsGiveExactlyZeroWithAZeroWidthInterval) {
  const std::vector<double> a = {0.1, 0.7, 1e-9, 3.3};
  const Sample d = paired_difference(a, a);
  EXPECT_EQ(*d.mean, 0.0);
  EXPECT_EQ(*d.variance, 0.0);
  EXPECT_EQ(d.interval->low, 0.0);
  EXPECT_EQ(d.interval->high, 0.0);
  EXPECT_FALSE(d.interval->excludes_zero());
}

TEST(Stats, ZeroVarianceAwayFromZeroIsAZeroWidthIntervalThatExcludesZero) {
  const Sample d = paired_difference({1, 2, 3}, {3, 4, 5});
  EXPECT_EQ(*d.mean, 2.0);
  EXPECT_EQ(d.interval->low, 2.0);
  EXPECT_EQ(d.interval->high, 2.0);
  EXPECT_TRUE(d.interval->excludes_zero());
  const Difference w = welch_difference({7, 7}, {7, 7});
  EXPECT_EQ(w.interval->low, 0.0);
  EXPECT_EQ(w.interval->high, 0.0);
}

}  // namespace
}  // namespace payquake::study
