// Distribution: the analytic moments (queueing formulas trust them) and the sampler agree
// with each other and with the textbook moments; the p99 form hits its quantiles.
// Fixed seeds make every statistical check deterministic; bounds are computed from the
// known variance of the estimator, never tuned.
#include "core/distribution.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "core/random_stream.hpp"

namespace payquake::core {
namespace {

// Draws per check: 5-standard-error bounds are then within a percent or so of the mean.
constexpr int kDraws = 200'000;
// A correct sampler lands outside 5 standard errors with probability below 1e-6.
constexpr double kSigmas = 5.0;

// Raw moments E[X^k], k = 1..4, from the textbook formulas, independent of the code under
// test; k = 3 and 4 give the variance of the sample mean and of the sample second moment.
struct Case {
  std::string label;
  Distribution dist;
  std::array<double, 4> moments;
};

std::vector<Case> cases() {
  std::vector<Case> out;

  const double m = 0.2;  // exponential: E[X^k] = k! m^k
  out.push_back({"exponential",
                 Distribution::exponential(m),
                 {m, 2 * m * m, 6 * std::pow(m, 3), 24 * std::pow(m, 4)}});

  const double mu = -3.0, sigma = 0.5;  // lognormal: E[X^k] = exp(k mu + k^2 sigma^2 / 2)
  std::array<double, 4> ln{};
  for (int k = 1; k <= 4; ++k) ln[k - 1] = std::exp(k * mu + k * k * sigma * sigma / 2);
  out.push_back({"lognormal", Distribution::lognormal(mu, sigma), ln});

  const double a = 0.01, b = 0.09;  // uniform: E[X^k] = (b^(k+1) - a^(k+1)) / ((k+1)(b-a))
  std::array<double, 4> un{};
  for (int k = 1; k <= 4; ++k)
    un[k - 1] = (std::pow(b, k + 1) - std::pow(a, k + 1)) / ((k + 1) * (b - a));
  out.push_back({"uniform", Distribution::uniform(a, b), un});

  // Normal far from zero (6.7 standard deviations), so truncation cannot show.
  const double nm = 10.0, ns = 1.5;
  out.push_back({"normal",
                 Distribution::normal(nm, ns),
                 {nm, nm * nm + ns * ns, std::pow(nm, 3) + 3 * nm * ns * ns,
                  std::pow(nm, 4) + 6 * nm * nm * ns * ns + 3 * std::pow(ns, 4)}});

  const double c = 0.25;
  out.push_back({"constant", Distribution::constant(c), {c, c * c, c * c * c, c * c * c * c}});
  return out;
}

TEST(Distribution, AnalyticMomentsMatchTextbookFormulas) {
  for (const auto& [label, dist, moments] : cases()) {
    EXPECT_NEAR(dist.expected(), moments[0], 1e-12 * moments[0]) << label;
    EXPECT_NEAR(dist.second_moment(), moments[1], 1e-12 * moments[1]) << label;
  }
}

TEST(Distribution, SampleMomentsMatchExpectedAndSecondMoment) {
  for (const auto& [label, dist, moments] : cases()) {
    RandomStream rng(17, "distribution/" + label);
    double sum = 0, sum_sq = 0;
    for (int i = 0; i < kDraws; ++i) {
      const double x = sample(dist, rng);
      sum += x;
      sum_sq += x * x;
    }
    const double n = kDraws;
    const double se_mean = std::sqrt((moments[1] - moments[0] * moments[0]) / n);
    const double se_second = std::sqrt((moments[3] - moments[1] * moments[1]) / n);
    EXPECT_NEAR(sum / n, dist.expected(), kSigmas * se_mean) << label;
    EXPECT_NEAR(sum_sq / n, dist.second_moment(), kSigmas * se_second) << label;
  }
}

TEST(Distribution, ConstantAlwaysReturnsItsValueAndIsTheOnlyDeterministicKind) {
  RandomStream rng(1, "constant");
  const Distribution d = Distribution::constant(0.125);
  EXPECT_TRUE(d.is_deterministic());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(sample(d, rng), 0.125);
  EXPECT_EQ(d.expected(), 0.125);
  EXPECT_EQ(d.second_moment(), 0.125 * 0.125);

  EXPECT_FALSE(Distribution::exponential(1).is_deterministic());
  EXPECT_FALSE(Distribution::lognormal(0, 1).is_deterministic());
  EXPECT_FALSE(Distribution::uniform(0, 1).is_deterministic());
  EXPECT_FALSE(Distribution::normal(1, 1).is_deterministic());
  EXPECT_FALSE(Distribution::zipf(1).is_deterministic());
}

TEST(Distribution, ExponentialIsNonNegativeWithTheRightTail) {
  // Shape, not just moments: P(X > mean) = 1/e for an exponential.
  RandomStream rng(2, "exponential/tail");
  const Distribution d = Distribution::exponential(3.0);
  int above = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double x = sample(d, rng);
    ASSERT_GE(x, 0.0);
    ASSERT_TRUE(std::isfinite(x));
    above += x > 3.0;
  }
  const double p = std::exp(-1.0);
  EXPECT_NEAR(above / double(kDraws), p, kSigmas * std::sqrt(p * (1 - p) / kDraws));
}

TEST(Distribution, UniformStaysWithinItsBounds) {
  RandomStream rng(3, "uniform/bounds");
  const Distribution d = Distribution::uniform(5.0, 7.5);
  double lo = 1e300, hi = -1e300;
  for (int i = 0; i < kDraws; ++i) {
    const double x = sample(d, rng);
    ASSERT_GE(x, 5.0);
    ASSERT_LT(x, 7.5);
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  // And it covers them: the extreme of 200k draws is within ~1e-4 of each end.
  EXPECT_LT(lo, 5.0 + 0.001);
  EXPECT_GT(hi, 7.5 - 0.001);
}

TEST(Distribution, NormalIsNeverNegative) {
  // Service times and amounts cannot be negative: negatives are resampled, not clamped.
  for (const double mean : {0.0, 0.5, -1.0}) {
    RandomStream rng(4, "normal/nonneg/" + std::to_string(mean));
    const Distribution d = Distribution::normal(mean, 1.0);
    for (int i = 0; i < 50'000; ++i) ASSERT_GE(sample(d, rng), 0.0) << "mean " << mean;
  }
}

TEST(Distribution, NormalTruncatedAtZeroIsHalfNormalNotClampedToZero) {
  // normal(0, 1) truncated by resampling is the half-normal: mean sqrt(2/pi), variance
  // 1 - 2/pi, and no mass at 0. Clamping negatives to 0 would put half the draws at 0 and
  // halve the mean.
  RandomStream rng(5, "normal/half");
  const Distribution d = Distribution::normal(0.0, 1.0);
  double sum = 0;
  int zeros = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double x = sample(d, rng);
    sum += x;
    zeros += x == 0.0;
  }
  const double mean = std::sqrt(2.0 / std::numbers::pi);
  const double var = 1.0 - 2.0 / std::numbers::pi;
  EXPECT_NEAR(sum / kDraws, mean, kSigmas * std::sqrt(var / kDraws));
  EXPECT_EQ(zeros, 0);
}

TEST(Distribution, LognormalFromMedianP99HitsBothQuantiles) {
  const double median = 0.05, p99 = 0.5;  // the DESIGN.md section 4 "median/p99" form
  const Distribution d = Distribution::lognormal_from_median_p99(median, p99);
  EXPECT_EQ(d.kind, Distribution::Kind::kLognormal);
  EXPECT_NEAR(std::exp(d.mu), median, 1e-12);
  // z(0.99) = 2.3263478740408408.
  EXPECT_NEAR(d.sigma, std::log(p99 / median) / 2.3263478740408408, 1e-12);

  RandomStream rng(6, "lognormal/p99");
  std::vector<double> xs(kDraws);
  for (auto& x : xs) x = sample(d, rng);

  // The fraction of draws at or below a true quantile q_p is binomial(n, p)/n.
  for (const auto& [p, q] : {std::pair{0.5, median}, std::pair{0.99, p99}}) {
    const auto below = std::count_if(xs.begin(), xs.end(), [q = q](double x) { return x <= q; });
    EXPECT_NEAR(below / double(kDraws), p, kSigmas * std::sqrt(p * (1 - p) / kDraws))
        << "quantile " << p;

    // The empirical quantile itself: its standard error is sqrt(p(1-p)/n) / f(q), with the
    // lognormal density f(q) = phi(z_p) / (q sigma).
    const auto k = static_cast<std::size_t>(p * kDraws);
    std::nth_element(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(k), xs.end());
    const double z = (std::log(q) - d.mu) / d.sigma;
    const double density = std::exp(-z * z / 2) / std::sqrt(2 * std::numbers::pi) / (q * d.sigma);
    const double se = std::sqrt(p * (1 - p) / kDraws) / density;
    EXPECT_NEAR(xs[k], q, kSigmas * se) << "quantile " << p;
  }
}

TEST(Distribution, SamplingIsReproducibleForTheSameStream) {
  const Distribution d = Distribution::lognormal(0, 1);
  RandomStream a(9, "repro");
  RandomStream b(9, "repro");
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(sample(d, a), sample(d, b));
}

TEST(Distribution, KindNamesMatchTheScenarioFormat) {
  // These strings are the YAML `dist:` values and appear in reports.
  EXPECT_STREQ(to_string(Distribution::Kind::kConstant), "constant");
  EXPECT_STREQ(to_string(Distribution::Kind::kExponential), "exponential");
  EXPECT_STREQ(to_string(Distribution::Kind::kLognormal), "lognormal");
  EXPECT_STREQ(to_string(Distribution::Kind::kUniform), "uniform");
  EXPECT_STREQ(to_string(Distribution::Kind::kNormal), "normal");
  EXPECT_STREQ(to_string(Distribution::Kind::kZipf), "zipf");
}

}  // namespace
}  // namespace payquake::core
