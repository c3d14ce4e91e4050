#include "study/stats.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cassert>
#include <cmath>
#include <numeric>

namespace payquake::study {
namespace {

double mean_of(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

// Two-pass sample variance: exactly 0 when every value is the same.
double variance_of(const std::vector<double>& v, double mean) {
  double sum = 0;
  for (double x : v) sum += (x - mean) * (x - mean);
  return sum / static_cast<double>(v.size() - 1);
}

Interval around(double centre, double half_width) {
  return {centre - half_width, centre + half_width};
}

}  // namespace

std::optional<double> Sample::stddev() const {
  if (!variance) return std::nullopt;
  return std::sqrt(*variance);
}

double t_quantile(double df, double confidence) {
  assert(df > 0 && "t_quantile needs positive degrees of freedom");
  const boost::math::students_t dist(df);
  return boost::math::quantile(dist, 1 - (1 - confidence) / 2);
}

Sample describe(const std::vector<double>& values) {
  Sample s;
  s.n = values.size();
  if (s.n == 0) return s;
  s.mean = mean_of(values);
  if (s.n < 2) return s;
  s.variance = variance_of(values, *s.mean);
  const double se = std::sqrt(*s.variance / static_cast<double>(s.n));
  // A zero standard error gives a zero-width interval without asking Boost for t.
  const double half = se == 0 ? 0.0 : t_quantile(static_cast<double>(s.n - 1)) * se;
  s.interval = around(*s.mean, half);
  return s;
}

Sample paired_difference(const std::vector<double>& a, const std::vector<double>& b) {
  assert(a.size() == b.size() && "paired_difference needs one value of each side per pair");
  std::vector<double> d(a.size());
  for (std::size_t r = 0; r < a.size(); ++r) d[r] = b[r] - a[r];
  return describe(d);
}

Difference welch_difference(const std::vector<double>& a, const std::vector<double>& b) {
  Difference out;
  const Sample sa = describe(a);
  const Sample sb = describe(b);
  if (!sa.mean || !sb.mean) return out;
  out.mean = *sb.mean - *sa.mean;
  if (!sa.variance || !sb.variance) return out;
  const double va = *sa.variance / static_cast<double>(sa.n);
  const double vb = *sb.variance / static_cast<double>(sb.n);
  const double se2 = va + vb;
  if (se2 == 0) {
    out.interval = around(*out.mean, 0.0);
    return out;
  }
  out.df = se2 * se2 /
           (va * va / static_cast<double>(sa.n - 1) + vb * vb / static_cast<double>(sb.n - 1));
  out.interval = around(*out.mean, t_quantile(*out.df) * std::sqrt(se2));
  return out;
}

}  // namespace payquake::study
