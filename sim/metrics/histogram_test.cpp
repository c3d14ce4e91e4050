#include "metrics/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace payquake::metrics {
namespace {

double exact(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(q * v.size())));
  return v[rank - 1];
}

TEST(LogHistogram, PercentilesWithinOnePercentOfExact) {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> d(std::log(0.008), 1.2);
  LogHistogram h;
  std::vector<double> values;
  for (int i = 0; i < 100000; ++i) {
    values.push_back(d(rng));
    h.add(values.back());
  }
  for (double q : {0.01, 0.5, 0.9, 0.99, 0.999}) {
    const double truth = exact(values, q);
    EXPECT_NEAR(h.quantile(q), truth, 0.01 * truth) << "q=" << q;
  }
  EXPECT_EQ(h.quantile(1.0), *std::max_element(values.begin(), values.end()));
  EXPECT_EQ(h.count(), 100000u);
}

TEST(LogHistogram, ConstantValuesAreExact) {
  LogHistogram h;
  for (int i = 0; i < 10; ++i) h.add(0.25);
  EXPECT_DOUBLE_EQ(h.quantile(0.5), 0.25);
  EXPECT_DOUBLE_EQ(h.mean(), 0.25);
}

TEST(LogHistogram, ZerosAreCountedAsZero) {
  LogHistogram h;
  for (int i = 0; i < 90; ++i) h.add(0.0);
  for (int i = 0; i < 10; ++i) h.add(1.0);
  EXPECT_EQ(h.quantile(0.9), 0.0);
  EXPECT_NEAR(h.quantile(0.91), 1.0, 0.01);
}

TEST(LogHistogram, EmptyReportsZero) {
  LogHistogram h;
  EXPECT_EQ(h.quantile(0.99), 0.0);
  EXPECT_EQ(h.mean(), 0.0);
}

TEST(LogHistogram, MergeEqualsAddingEverything) {
  LogHistogram a, b, all;
  for (int i = 1; i <= 1000; ++i) {
    (i % 2 ? a : b).add(i * 1e-3);
    all.add(i * 1e-3);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  for (double q : {0.1, 0.5, 0.99}) EXPECT_DOUBLE_EQ(a.quantile(q), all.quantile(q));
}

}  // namespace
}  // namespace payquake::metrics
