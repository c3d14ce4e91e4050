// Retry delays: exponential backoff, and the AWS "full" and "equal" jitter as uniform
// draws over the stated ranges. The statistical tests use fixed seeds (deterministic);
// their bounds come from the uniform's variance, not from tuning.
#include "payments/backoff.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace payquake::payments {
namespace {

// Draws per statistical test: milliseconds of work, standard errors of ~0.06 % of delay.
constexpr int kDraws = 200'000;
// Means must lie within this many standard errors: a correct implementation fails with
// probability below 1e-6; a wrong range or a wrong mean misses by hundreds of them.
constexpr double kSigmas = 5.0;

core::RetryPolicy policy(double backoff_s, double multiplier, core::Jitter jitter) {
  core::RetryPolicy p;
  p.attempts = 5;
  p.backoff_s = backoff_s;
  p.multiplier = multiplier;
  p.jitter = jitter;
  return p;
}

TEST(Backoff, WithoutJitterTheDelayIsBackoffTimesMultiplierToTheRetriesBefore) {
  core::RandomStream rng(1, "backoff/none");
  // Binary-exact values: 0.25 * 3^k is exact in a double for small k.
  const core::RetryPolicy p = policy(0.25, 3.0, core::Jitter::kNone);
  EXPECT_EQ(backoff_delay_s(p, 1, rng), 0.25);
  EXPECT_EQ(backoff_delay_s(p, 2, rng), 0.75);
  EXPECT_EQ(backoff_delay_s(p, 3, rng), 2.25);
  EXPECT_EQ(backoff_delay_s(p, 4, rng), 6.75);
  // The default policy's numbers: 200 ms, doubling.
  const core::RetryPolicy d = policy(0.2, 2.0, core::Jitter::kNone);
  for (int k = 1; k <= 6; ++k) EXPECT_EQ(backoff_delay_s(d, k, rng), 0.2 * std::pow(2.0, k - 1));
  // Multiplier 1: a constant delay; backoff 0: no delay.
  EXPECT_EQ(backoff_delay_s(policy(1.5, 1.0, core::Jitter::kNone), 5, rng), 1.5);
  EXPECT_EQ(backoff_delay_s(policy(0.0, 2.0, core::Jitter::kNone), 3, rng), 0.0);

  // No jitter draws nothing: the stream is where a fresh one with the same name starts.
  core::RandomStream fresh(1, "backoff/none");
  EXPECT_EQ(rng(), fresh());
}

// The sample mean of `kDraws` delays and their range.
struct Sample {
  double mean = 0.0;
  double lo = INFINITY;
  double hi = -INFINITY;
};

Sample draw(const core::RetryPolicy& p, int retry, const std::string& stream) {
  core::RandomStream rng(7, stream);
  Sample s;
  double sum = 0.0;
  for (int i = 0; i < kDraws; ++i) {
    const double x = backoff_delay_s(p, retry, rng);
    sum += x;
    s.lo = std::min(s.lo, x);
    s.hi = std::max(s.hi, x);
  }
  s.mean = sum / kDraws;
  return s;
}

TEST(Backoff, FullJitterIsUniformBetweenZeroAndTheDelay) {
  const core::RetryPolicy p = policy(0.2, 2.0, core::Jitter::kFull);
  for (const int retry : {1, 3}) {
    SCOPED_TRACE("retry " + std::to_string(retry));
    const double delay = 0.2 * std::pow(2.0, retry - 1);
    const Sample s = draw(p, retry, "backoff/full/" + std::to_string(retry));
    EXPECT_GE(s.lo, 0.0);
    EXPECT_LE(s.hi, delay);
    // Uniform on [0, delay): mean delay/2, variance delay^2/12.
    const double standard_error = delay / std::sqrt(12.0 * kDraws);
    EXPECT_NEAR(s.mean, delay / 2, kSigmas * standard_error);
    // The whole range is used: with 200k draws the extremes are within 1e-4 of the ends
    // except with probability (1 - 1e-4)^200000 ~ 2e-9.
    EXPECT_LT(s.lo, 1e-4 * delay);
    EXPECT_GT(s.hi, (1 - 1e-4) * delay);
  }
}

TEST(Backoff, EqualJitterIsUniformBetweenHalfTheDelayAndTheDelay) {
  const core::RetryPolicy p = policy(0.2, 2.0, core::Jitter::kEqual);
  for (const int retry : {1, 3}) {
    SCOPED_TRACE("retry " + std::to_string(retry));
    const double delay = 0.2 * std::pow(2.0, retry - 1);
    const Sample s = draw(p, retry, "backoff/equal/" + std::to_string(retry));
    EXPECT_GE(s.lo, delay / 2);
    EXPECT_LE(s.hi, delay);
    // Uniform on [delay/2, delay): mean 3 delay/4, variance (delay/2)^2/12.
    const double standard_error = (delay / 2) / std::sqrt(12.0 * kDraws);
    EXPECT_NEAR(s.mean, 0.75 * delay, kSigmas * standard_error);
    EXPECT_LT(s.lo, (0.5 + 1e-4) * delay);
    EXPECT_GT(s.hi, (1 - 1e-4) * delay);
  }
}

}  // namespace
}  // namespace payquake::payments
