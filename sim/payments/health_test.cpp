#include "payments/health.hpp"

#include <gtest/gtest.h>

namespace payquake::payments {
namespace {

core::HealthCheck hc() { return core::HealthCheck{core::Detection::kProbe, 5.0, 1.0, 3, 2}; }
core::OutlierDetection od() { return core::OutlierDetection{true, 5, 10.0, 30.0, 0.10}; }

TEST(ProbeHealth, UnhealthyAfterConsecutiveFailuresOnly) {
  ProbeHealth h;
  EXPECT_FALSE(h.record(false, hc()));
  EXPECT_FALSE(h.record(false, hc()));
  EXPECT_FALSE(h.record(true, hc()));  // a pass breaks the run
  EXPECT_FALSE(h.record(false, hc()));
  EXPECT_FALSE(h.record(false, hc()));
  EXPECT_TRUE(h.healthy());
  EXPECT_TRUE(h.record(false, hc()));  // the third in a row
  EXPECT_FALSE(h.healthy());
  EXPECT_FALSE(h.record(false, hc()));  // already unhealthy: no change
}

TEST(ProbeHealth, HealthyAgainAfterConsecutivePasses) {
  ProbeHealth h;
  for (int i = 0; i < 3; ++i) h.record(false, hc());
  ASSERT_FALSE(h.healthy());
  EXPECT_FALSE(h.record(true, hc()));
  EXPECT_FALSE(h.record(false, hc()));  // breaks the run of passes
  EXPECT_FALSE(h.record(true, hc()));
  EXPECT_TRUE(h.record(true, hc()));
  EXPECT_TRUE(h.healthy());
}

TEST(ProbeHealth, PassesOfAHealthyTargetNeverChangeIt) {
  ProbeHealth h;
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(h.record(true, hc()));
  EXPECT_TRUE(h.healthy());
}

TEST(OutlierHealth, EjectsAfterConsecutiveErrors) {
  OutlierHealth o;
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(o.record(true, od()));
  EXPECT_FALSE(o.record(false, od()));  // a good answer resets the streak
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(o.record(true, od()));
  EXPECT_TRUE(o.record(true, od()));
}

TEST(OutlierHealth, EjectionGrowsWithEachEjectionAndReturnsAtASweep) {
  OutlierHealth o;
  for (int i = 0; i < 5; ++i) o.record(true, od());
  EXPECT_DOUBLE_EQ(o.eject(12.0, od()), 50.0);  // 12 + 30 = 42, next 10 s sweep: 50
  EXPECT_TRUE(o.ejected());
  EXPECT_FALSE(o.record(true, od()));  // late answers while ejected change nothing
  o.restore();
  EXPECT_FALSE(o.ejected());
  // Half-open: one error ejects it again, for twice the base.
  EXPECT_TRUE(o.record(true, od()));
  EXPECT_DOUBLE_EQ(o.eject(50.0, od()), 110.0);
  EXPECT_EQ(o.ejections(), 2);
}

TEST(OutlierHealth, HalfOpenClosesOnAGoodAnswer) {
  OutlierHealth o;
  for (int i = 0; i < 5; ++i) o.record(true, od());
  o.eject(0.0, od());
  o.restore();
  EXPECT_FALSE(o.record(false, od()));
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(o.record(true, od()));  // needs five again
  EXPECT_TRUE(o.record(true, od()));
}

TEST(OutlierHealth, EjectionTimeIsCapped) {
  EXPECT_DOUBLE_EQ(ejection_s(1, od()), 30.0);
  EXPECT_DOUBLE_EQ(ejection_s(10, od()), 300.0);
  EXPECT_DOUBLE_EQ(ejection_s(11, od()), 300.0);  // Envoy's max_ejection_time
  core::OutlierDetection long_base = od();
  long_base.base_ejection_s = 600.0;
  EXPECT_DOUBLE_EQ(ejection_s(2, long_base), 600.0);  // never shorter than the base
}

TEST(MaxEjected, FractionRoundedDownButAtLeastOne) {
  EXPECT_EQ(max_ejected(0.10, 1), 1);
  EXPECT_EQ(max_ejected(0.10, 2), 1);
  EXPECT_EQ(max_ejected(0.10, 10), 1);
  EXPECT_EQ(max_ejected(0.10, 25), 2);
  EXPECT_EQ(max_ejected(0.50, 4), 2);
  EXPECT_EQ(max_ejected(1.0, 3), 3);
  EXPECT_EQ(max_ejected(0.0, 3), 1);
}

}  // namespace
}  // namespace payquake::payments
