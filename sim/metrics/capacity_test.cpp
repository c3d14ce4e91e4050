#include "metrics/capacity.hpp"

#include <gtest/gtest.h>

namespace payquake::metrics {
namespace {

TEST(Knee, IsTheLightestLoadFromWhichEveryHeavierWindowIsSteep) {
  // p99 flat at ~10 ms up to 800/s, then doubling and more from 900/s on.
  const std::vector<std::pair<double, double>> w{{100, 0.010}, {300, 0.011}, {500, 0.010},
                                                 {700, 0.012}, {800, 0.015}, {900, 0.030},
                                                 {1000, 0.090}, {1100, 0.400}};
  double baseline = 0;
  const auto k = knee_window(w, &baseline);
  ASSERT_TRUE(k);
  EXPECT_EQ(*k, 5u);  // 900/s: 30 ms > 2 x the baseline
  EXPECT_DOUBLE_EQ(baseline, 0.0105);  // median of the lightest quarter (100/s, 300/s)
}

TEST(Knee, ANoisyLightWindowDoesNotMoveIt) {
  // One light window with a high p99 (a hiccup) sits below loads that are flat.
  const std::vector<std::pair<double, double>> w{{100, 0.010}, {200, 0.010}, {300, 0.050},
                                                 {400, 0.010}, {500, 0.011}, {600, 0.060},
                                                 {700, 0.080}};
  double baseline = 0;
  const auto k = knee_window(w, &baseline);
  ASSERT_TRUE(k);
  EXPECT_DOUBLE_EQ(w[*k].first, 600);
}

TEST(Knee, NoneWhenTheRunStaysBelowOrIsOverThroughout) {
  double baseline = 0;
  EXPECT_FALSE(knee_window({{100, 0.01}, {200, 0.011}, {300, 0.012}, {400, 0.013}}, &baseline));
  // Everything steep relative to the lightest quarter cannot happen (the baseline is among
  // them), so "over throughout" shows as a flat high p99: no knee either.
  EXPECT_FALSE(knee_window({{100, 2.0}, {200, 2.1}, {300, 2.2}, {400, 2.1}}, &baseline));
  EXPECT_FALSE(knee_window({{100, 0.01}, {900, 1.0}}, &baseline));  // too few windows
}

TEST(CapacityReport, PeakWindowQueueAndRejectionsPerNode) {
  std::vector<WindowRow> windows(4);
  for (std::size_t i = 0; i < windows.size(); ++i) {
    windows[i].start_s = static_cast<double>(i);
    windows[i].arrivals = 100 * (i + 1);
    windows[i].completions = 10;
    windows[i].latency_p99_s = 0.01;
    windows[i].node_utilisation = {0.1 * static_cast<double>(i + 1)};
  }
  windows[0].node_utilisation = {0.99};  // in the warm-up: left out
  std::vector<NodeStats> nodes(1);
  nodes[0].id = "iss";
  nodes[0].max_queue = 17;
  nodes[0].rejected = 3;
  const CapacityReport r = capacity_report(windows, 1.0, 1.0, nodes);
  ASSERT_EQ(r.nodes.size(), 1u);
  EXPECT_DOUBLE_EQ(r.nodes[0].peak_utilisation, 0.4);
  EXPECT_DOUBLE_EQ(r.nodes[0].peak_window_start_s, 3.0);
  EXPECT_EQ(r.nodes[0].max_queue, 17);
  EXPECT_EQ(r.nodes[0].rejected, 3u);
  EXPECT_EQ(r.windows, 3u);
  EXPECT_FALSE(r.knee);
}

}  // namespace
}  // namespace payquake::metrics
