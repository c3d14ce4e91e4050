#include "metrics/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
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

// The midpoint the histogram reports for a lone value v between two far-away ones: it
// names v's bucket.
double reported_bucket_of(double v) {
  LogHistogram h;
  h.add(LogHistogram::kMinValue);
  h.add(v);
  h.add(LogHistogram::kMaxValue);
  return h.quantile(0.5);
}

TEST(LogHistogram, BucketsAreTheLogarithmicOnes) {
  // The lookup by the float's bits must put every value in the DDSketch bucket
  // ceil(log(v) / log(gamma)); only a value within rounding error of an edge may differ.
  const double gamma = (1 + LogHistogram::kRelativeAccuracy) / (1 - LogHistogram::kRelativeAccuracy);
  const double lg = std::log(gamma);
  std::mt19937_64 rng(17);
  // Inside the range, clear of the buckets of the two sentinels of reported_bucket_of.
  std::uniform_real_distribution<double> exponent(std::log(LogHistogram::kMinValue * 1.1),
                                                  std::log(LogHistogram::kMaxValue / 1.1));
  int checked = 0;
  for (int i = 0; i < 200000; ++i) {
    const double v = std::exp(exponent(rng));
    const double k = std::log(v) / lg;
    if (std::abs(k - std::round(k)) < 1e-9) continue;  // at an edge: either side is right
    const double expected = 2 * std::exp(std::ceil(k) * lg) / (gamma + 1);
    ASSERT_EQ(reported_bucket_of(v), expected) << "v=" << v;
    ++checked;
  }
  EXPECT_GT(checked, 199000);
}

TEST(LogHistogram, AnEdgeBelongsToTheBucketBelowIt) {
  // Buckets are (gamma^(k-1), gamma^k]: the edge itself is in bucket k, the next double
  // above it in bucket k+1, whose midpoint is gamma times larger.
  const double gamma = (1 + LogHistogram::kRelativeAccuracy) / (1 - LogHistogram::kRelativeAccuracy);
  const double lg = std::log(gamma);
  for (int k : {-2000, -700, -1, 0, 1, 300, 1300}) {
    const double edge = std::exp(k * lg);
    const double at = reported_bucket_of(edge);
    const double above = reported_bucket_of(std::nextafter(edge, 2 * edge));
    EXPECT_NEAR(at, 2 * edge / (gamma + 1), 1e-12 * edge) << "k=" << k;
    EXPECT_NEAR(above / at, gamma, 1e-12) << "k=" << k;
  }
}

TEST(LogHistogram, ValuesAtAndBeyondTheRangeLandInTheEndBuckets) {
  LogHistogram h;
  h.add(LogHistogram::kMaxValue * 10);
  h.add(std::numeric_limits<double>::infinity());
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.quantile(0.5), LogHistogram::kMaxValue * 10);  // clamped to [min, max]
}

}  // namespace
}  // namespace payquake::metrics
