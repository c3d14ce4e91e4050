#include "load/rate_profile.hpp"

#include <gtest/gtest.h>

namespace payquake::load {
namespace {

core::Load staged() {
  core::Load load;
  load.start_rate_per_s = 100;
  load.stages = {{10, 300}, {20, 300}, {10, 100}};
  return load;
}

TEST(RateProfile, ConstantRateWithoutStages) {
  core::Load load;
  load.start_rate_per_s = 50;
  RateProfile p(load, 60);
  EXPECT_DOUBLE_EQ(p.rate_at(0), 50);
  EXPECT_DOUBLE_EQ(p.rate_at(59.9), 50);
  EXPECT_DOUBLE_EQ(p.integral(60), 3000);
}

TEST(RateProfile, LinearRampsBetweenStages) {
  RateProfile p(staged(), 40);
  EXPECT_DOUBLE_EQ(p.rate_at(5), 200);   // halfway up the first ramp
  EXPECT_DOUBLE_EQ(p.rate_at(20), 300);  // the plateau
  EXPECT_DOUBLE_EQ(p.rate_at(35), 200);  // halfway down
  // Trapezoids: 10*(100+300)/2 + 20*300 + 10*(300+100)/2.
  EXPECT_NEAR(p.integral(40), 2000 + 6000 + 2000, 1e-9);
  EXPECT_NEAR(p.integral(5), 5 * (100 + 200) / 2.0, 1e-9);
}

TEST(RateProfile, HoldsTheLastTargetUntilTheDuration) {
  RateProfile p(staged(), 100);
  EXPECT_DOUBLE_EQ(p.rate_at(80), 100);
  EXPECT_NEAR(p.integral(100), 10000 + 60 * 100, 1e-9);
}

TEST(RateProfile, StagesLongerThanTheDurationAreCut) {
  RateProfile p(staged(), 5);
  EXPECT_NEAR(p.integral(5), 5 * (100 + 200) / 2.0, 1e-9);
  EXPECT_DOUBLE_EQ(p.rate_at(6), 0);
}

TEST(RateProfile, SpikesMultiplyInsideTheirWindowOnly) {
  core::Load load;
  load.start_rate_per_s = 100;
  load.spikes = {{10, 5, 3}, {12, 1, 2}};
  RateProfile p(load, 30);
  EXPECT_DOUBLE_EQ(p.rate_at(9.99), 100);
  EXPECT_DOUBLE_EQ(p.rate_at(10), 300);
  EXPECT_DOUBLE_EQ(p.rate_at(12.5), 600);  // overlapping spikes multiply
  EXPECT_DOUBLE_EQ(p.rate_at(15), 100);
  EXPECT_NEAR(p.integral(30), 100 * 30 + 200 * 5 + 300 * 1, 1e-9);
}

TEST(RateProfile, ScaleIsAPopulationShare) {
  RateProfile p(staged(), 40, 0.25);
  EXPECT_NEAR(p.integral(40), 2500, 1e-9);
}

}  // namespace
}  // namespace payquake::load
