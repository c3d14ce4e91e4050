#include "load/arrivals.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace payquake::load {
namespace {

core::Load ramp() {
  core::Load load;
  load.start_rate_per_s = 0;
  load.stages = {{50, 400}, {50, 400}};
  load.spikes = {{70, 10, 3}};
  return load;
}

std::vector<double> draw(const core::Load& load, double duration, core::ArrivalProcess kind,
                         std::uint64_t seed) {
  ArrivalProcess arrivals(RateProfile(load, duration), kind, core::RandomStream(seed, "test"));
  std::vector<double> times;
  for (double t = arrivals.next(); t != ArrivalProcess::kNever; t = arrivals.next()) times.push_back(t);
  return times;
}

TEST(Arrivals, UniformArrivalsMatchTheIntegralExactly) {
  const auto times = draw(ramp(), 100, core::ArrivalProcess::kUniform, 1);
  const double expected = RateProfile(ramp(), 100).integral(100);  // 10000 + 20000 + 8000
  EXPECT_NEAR(static_cast<double>(times.size()), expected, 1.0);
  // Each arrival sits where the integrated rate crosses k - 1/2.
  const RateProfile p(ramp(), 100);
  for (std::size_t k : {0u, 100u, 5000u, 20000u})
    EXPECT_NEAR(p.integral(times[k]), static_cast<double>(k) + 0.5, 1e-6);
}

TEST(Arrivals, PoissonCountsAreWithinPoissonError) {
  const double expected = RateProfile(ramp(), 100).integral(100);
  for (std::uint64_t seed : {1, 2, 3}) {
    const auto times = draw(ramp(), 100, core::ArrivalProcess::kPoisson, seed);
    // Five standard deviations of a Poisson count: fails by chance with p < 1e-6.
    EXPECT_NEAR(static_cast<double>(times.size()), expected, 5 * std::sqrt(expected));
  }
}

TEST(Arrivals, PoissonArrivalsFollowTheRateShape) {
  const auto times = draw(ramp(), 100, core::ArrivalProcess::kPoisson, 9);
  const RateProfile p(ramp(), 100);
  // Counts per 10 s bucket against the integral over the bucket.
  for (int b = 0; b < 10; ++b) {
    const double lo = 10.0 * b, hi = lo + 10;
    const double expected = p.integral(hi) - p.integral(lo);
    double n = 0;
    for (double t : times) n += (t >= lo && t < hi);
    EXPECT_NEAR(n, expected, 5 * std::sqrt(expected) + 1) << "bucket " << b;
  }
}

TEST(Arrivals, TimesIncreaseAndStayInsideTheDuration) {
  const auto times = draw(ramp(), 100, core::ArrivalProcess::kPoisson, 4);
  for (std::size_t i = 1; i < times.size(); ++i) ASSERT_GE(times[i], times[i - 1]);
  EXPECT_LT(times.back(), 100.0);
  EXPECT_GE(times.front(), 0.0);
}

TEST(Arrivals, SameSeedSameTimes) {
  EXPECT_EQ(draw(ramp(), 100, core::ArrivalProcess::kPoisson, 5),
            draw(ramp(), 100, core::ArrivalProcess::kPoisson, 5));
  EXPECT_NE(draw(ramp(), 100, core::ArrivalProcess::kPoisson, 5),
            draw(ramp(), 100, core::ArrivalProcess::kPoisson, 6));
}

}  // namespace
}  // namespace payquake::load
