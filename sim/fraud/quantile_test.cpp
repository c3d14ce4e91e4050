// Inverse-CDF sampling hits each family's known quantiles exactly, is monotone in the
// uniform, and stays finite at the uniform's ends (a generator may hand over 0 or 1).
#include "fraud/quantile.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace payquake::fraud {
namespace {

using core::Distribution;

TEST(Quantile, NormalCdfAndQuantileInvertEachOther) {
  EXPECT_NEAR(norm_cdf(0.0), 0.5, 1e-15);
  EXPECT_NEAR(norm_cdf(1.959963984540054), 0.975, 1e-12);
  for (double x : {-6.0, -2.5, -0.3, 0.0, 0.7, 3.1})
    EXPECT_NEAR(norm_quantile(norm_cdf(x)), x, 1e-9) << x;
  // Near cdf(6) = 1 - 1e-9 doubles are 1.1e-16 apart, and a step of p moves x by
  // step / pdf(6) = 1.1e-16 / 6.1e-9 = 1.8e-8: the round trip cannot do better.
  EXPECT_NEAR(norm_quantile(norm_cdf(6.0)), 6.0, 5e-8);
}

TEST(Quantile, LognormalHitsItsMedianAndP99) {
  const auto d = Distribution::lognormal_from_median_p99(0.020, 0.090);
  EXPECT_NEAR(quantile(d, 0.5), 0.020, 1e-12);
  EXPECT_NEAR(quantile(d, 0.99), 0.090, 1e-9);
}

TEST(Quantile, ExponentialUniformAndConstantFollowTheirCdf) {
  // Exponential: P(X <= mean) = 1 - 1/e.
  EXPECT_NEAR(quantile(Distribution::exponential(0.2), 1.0 - std::exp(-1.0)), 0.2, 1e-12);
  EXPECT_NEAR(quantile(Distribution::uniform(1.0, 5.0), 0.25), 2.0, 1e-12);
  EXPECT_EQ(quantile(Distribution::constant(0.003), 0.9), 0.003);
}

TEST(Quantile, NormalIsTruncatedAtZero) {
  // mean 0: the truncated law is the half-normal, whose median is inv_cdf(0.75).
  EXPECT_NEAR(quantile(Distribution::normal(0.0, 1.0), 0.5), 0.6744897501960817, 1e-9);
  // The truncated CDF at the quantile gives back the uniform.
  const auto d = Distribution::normal(1.0, 2.0);
  const double below = norm_cdf(-0.5);
  for (double u : {0.01, 0.2, 0.5, 0.9, 0.999}) {
    const double x = quantile(d, u);
    EXPECT_GE(x, 0.0);
    EXPECT_NEAR((norm_cdf((x - 1.0) / 2.0) - below) / (1.0 - below), u, 1e-9) << u;
  }
}

TEST(Quantile, MonotoneAndFiniteOverTheWholeUnitInterval) {
  const std::vector<Distribution> dists = {
      Distribution::exponential(1.0), Distribution::lognormal_from_median_p99(20.0, 90.0),
      Distribution::uniform(0.0, 1.0), Distribution::normal(5.0, 1.0)};
  for (const auto& d : dists) {
    double last = -1.0;
    for (double u : {0.0, 1e-300, 1e-9, 0.1, 0.5, 0.9, 1.0 - 1e-9, 1.0}) {
      const double x = quantile(d, u);
      EXPECT_TRUE(std::isfinite(x)) << core::to_string(d.kind) << " at " << u;
      EXPECT_GE(x, last) << core::to_string(d.kind) << " at " << u;
      last = x;
    }
  }
}

}  // namespace
}  // namespace payquake::fraud
