// The statistics of replications: means, sample variances, Student-t 95% intervals, and
// the difference of two variants paired by replication (common random numbers) or not
// (Welch). Pure functions over plain numbers; no run, no JSON.
#pragma once

#include <optional>
#include <vector>

namespace payquake::study {

// The confidence level of every interval payquake reports.
inline constexpr double kConfidence = 0.95;

// A two-sided interval [low, high] around an estimate.
struct Interval {
  double low = 0;
  double high = 0;
  double half_width() const { return (high - low) / 2; }
  // True when 0 lies outside [low, high] (a zero-width interval at 0 contains 0).
  bool excludes_zero() const { return low > 0 || high < 0; }
};

// Mean, sample variance (n - 1 in the denominator) and the t interval of the mean.
struct Sample {
  std::size_t n = 0;
  std::optional<double> mean;        // empty when n == 0
  std::optional<double> variance;    // empty when n < 2
  std::optional<Interval> interval;  // empty when n < 2; zero width when variance == 0
  std::optional<double> stddev() const;
};

// The two-sided quantile t such that P(|T| <= t) = confidence, T Student-t with `df`
// degrees of freedom (2.262 for df = 9 at 95%). REQUIRES: df > 0.
double t_quantile(double df, double confidence = kConfidence);

Sample describe(const std::vector<double>& values);

// B - A per replication; REQUIRES: a.size() == b.size() (pair r is a[r], b[r]).
// The result describes the differences: its interval is the paired interval.
Sample paired_difference(const std::vector<double>& a, const std::vector<double>& b);

// mean(B) - mean(A) with the Welch (unequal variances, unpaired) interval: what the
// comparison would know without pairing. Empty interval when either side has n < 2.
struct Difference {
  std::optional<double> mean;
  std::optional<Interval> interval;
  std::optional<double> df;  // Welch-Satterthwaite degrees of freedom
};
Difference welch_difference(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace payquake::study
