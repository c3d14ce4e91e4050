#include "engine/calendar.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace payquake::engine {
namespace {

TEST(Calendar, PopsInTimeOrder) {
  Calendar c;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> time(0.0, 100.0);
  std::vector<double> times;
  for (int i = 0; i < 10000; ++i) {
    times.push_back(time(rng));
    c.schedule(times.back(), 0, static_cast<std::uint32_t>(i));
  }
  std::sort(times.begin(), times.end());
  for (double t : times) {
    ASSERT_FALSE(c.empty());
    EXPECT_EQ(c.pop().time_s, t);
  }
  EXPECT_TRUE(c.empty());
}

TEST(Calendar, EqualTimesPopInSchedulingOrder) {
  // Reproducibility rests on this: ties never depend on heap layout.
  Calendar c;
  for (std::uint32_t i = 0; i < 1000; ++i) c.schedule(i % 3 == 0 ? 1.0 : 2.0, 0, i);
  std::uint32_t last_at_1 = 0, last_at_2 = 0;
  bool first1 = true, first2 = true;
  while (!c.empty()) {
    const Event e = c.pop();
    auto& last = e.time_s == 1.0 ? last_at_1 : last_at_2;
    auto& first = e.time_s == 1.0 ? first1 : first2;
    if (!first) {
      EXPECT_GT(e.index, last);
    }
    last = e.index;
    first = false;
  }
}

TEST(Calendar, InterleavedScheduleAndPopKeepsOrder) {
  Calendar c;
  std::mt19937 rng(11);
  std::exponential_distribution<double> gap(1.0);
  double now = 0;
  c.schedule(0.0, 0, 0);
  for (int i = 0; i < 20000; ++i) {
    const Event e = c.pop();
    EXPECT_GE(e.time_s, now);
    now = e.time_s;
    c.schedule(now + gap(rng), 1, 0);
    if (i % 2 == 0) c.schedule(now + gap(rng), 2, 0);
  }
}

}  // namespace
}  // namespace payquake::engine
