// The fixed buckets of payquake_payment_duration_seconds (OpenMetrics, the live exposer,
// report.html): upper bounds from 1 ms to 60 s, denser around typical SLOs (1-3 s), so
// PromQL's histogram_quantile interpolates inside a bucket a few tens of percent wide.
// Every window keeps its own counts (not only its percentiles) so any quantile of any
// span of windows can be computed afterwards.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>

namespace payquake::metrics {

inline constexpr std::array<double, 21> kLatencyBucketBounds = {
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5,
    0.75,  1.0,   1.5,   2.0,  3.0,  5.0,  10.0, 20.0, 30.0, 60.0};
// One more bucket past the last bound: +Inf.
inline constexpr std::size_t kLatencyBuckets = kLatencyBucketBounds.size() + 1;

// The bucket holding `latency_s`: the first whose bound is >= it (Prometheus' `le`).
inline std::size_t latency_bucket(double latency_s) {
  return static_cast<std::size_t>(
      std::lower_bound(kLatencyBucketBounds.begin(), kLatencyBucketBounds.end(), latency_s) -
      kLatencyBucketBounds.begin());
}

}  // namespace payquake::metrics
