#include "engine/calendar.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

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

// Pops of a calendar fed by `feed`, against a sort of what was scheduled by (time, order).
void expect_exact_order(Calendar& c, std::vector<std::pair<double, std::uint32_t>> scheduled) {
  std::stable_sort(scheduled.begin(), scheduled.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [time, index] : scheduled) {
    ASSERT_FALSE(c.empty());
    const Event e = c.pop();
    ASSERT_EQ(e.time_s, time);
    ASSERT_EQ(e.index, index);
  }
  EXPECT_TRUE(c.empty());
}

TEST(CalendarLanes, ConstantLatencyLanesPopInExactOrderWithHeapEvents) {
  // Messages over three hops of constant latency, sent at nondecreasing times, interleaved
  // with unlaned events at random times: the pop order is exactly (time, sequence).
  Calendar c;
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> any(0.0, 10.0);
  const double latency[3] = {0.5, 0.0, 2.0};
  std::vector<std::pair<double, std::uint32_t>> scheduled;
  double now = 0;
  for (std::uint32_t i = 0; i < 30000; ++i) {
    if (i % 7 == 0) now += 0.001;  // several sends share a time: ties inside a lane
    const std::size_t lane = i % 4;
    const double t = lane == 3 ? any(rng) : now + latency[lane];
    if (lane == 3) {
      c.schedule(t, 0, i);
    } else {
      c.schedule_in_lane(lane, t, 0, i);
    }
    scheduled.emplace_back(t, i);
  }
  EXPECT_EQ(c.size(), scheduled.size());
  expect_exact_order(c, scheduled);
}

TEST(CalendarLanes, OutOfOrderSendsInALaneStayExact) {
  // Jitter: a lane's messages may come due before the lane's tail; the calendar must still
  // pop everything in (time, sequence) order, ties included.
  Calendar c;
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> tick(0, 50);  // coarse times: many ties
  std::vector<std::pair<double, std::uint32_t>> scheduled;
  for (std::uint32_t i = 0; i < 20000; ++i) {
    const double t = tick(rng) * 0.25;
    c.schedule_in_lane(i % 5, t, 0, i);
    scheduled.emplace_back(t, i);
  }
  expect_exact_order(c, scheduled);
}

TEST(CalendarLanes, InterleavedPopsAndLaneSendsKeepOrder) {
  // The flow's pattern: pop an event, send on a lane at now + latency, sometimes schedule
  // a random service completion; lanes empty and restart many times. A std::set of (time,
  // scheduling order) is the oracle (indices are handed out in scheduling order).
  Calendar c;
  std::set<std::pair<double, std::uint32_t>> oracle;
  std::mt19937 rng(13);
  std::exponential_distribution<double> service(4.0);
  std::uint32_t next = 0;
  auto add = [&](double t, std::uint8_t kind, std::size_t lane) {
    if (lane == Calendar::kNoLane) {
      c.schedule(t, kind, next);
    } else {
      c.schedule_in_lane(lane, t, kind, next);
    }
    oracle.emplace(t, next++);
  };
  add(0.0, 0, Calendar::kNoLane);
  for (int i = 0; i < 50000 && !c.empty(); ++i) {
    const Event e = c.pop();
    ASSERT_EQ(e.time_s, oracle.begin()->first);
    ASSERT_EQ(e.index, oracle.begin()->second);
    oracle.erase(oracle.begin());
    if (e.kind == 0) {
      add(e.time_s + service(rng), 1, Calendar::kNoLane);
    } else {
      add(e.time_s + 0.1 * static_cast<double>(e.index % 3), 0, e.index % 3);
      if (i % 3 == 0) add(e.time_s + 0.1, 0, e.index % 3);
    }
  }
}

TEST(CalendarLanes, LaneNumbersBeyondTheLimitFallBackToTheHeap) {
  Calendar c;
  c.schedule_in_lane(Calendar::kMaxLanes + 10, 2.0, 0, 1);
  c.schedule_in_lane(Calendar::kMaxLanes, 1.0, 0, 2);
  c.schedule_in_lane(0, 3.0, 0, 3);
  expect_exact_order(c, {{2.0, 1}, {1.0, 2}, {3.0, 3}});
}

}  // namespace
}  // namespace payquake::engine
