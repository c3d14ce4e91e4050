#include "metrics/histogram.hpp"

#include <algorithm>
#include <cmath>

namespace payquake::metrics {

LogHistogram::LogHistogram()
    : gamma_((1 + kRelativeAccuracy) / (1 - kRelativeAccuracy)), log_gamma_(std::log(gamma_)) {
  offset_ = static_cast<int>(std::ceil(std::log(kMinValue) / log_gamma_));
  const int last = static_cast<int>(std::ceil(std::log(kMaxValue) / log_gamma_));
  buckets_.assign(static_cast<std::size_t>(last - offset_ + 1), 0);
}

void LogHistogram::add(double value) {
  if (count_ == 0 || value < min_) min_ = value;
  if (value > max_) max_ = value;
  ++count_;
  sum_ += value;
  if (value < kMinValue) {
    ++zeros_;
    return;
  }
  int i = static_cast<int>(std::ceil(std::log(value) / log_gamma_)) - offset_;
  i = std::clamp(i, 0, static_cast<int>(buckets_.size()) - 1);
  ++buckets_[static_cast<std::size_t>(i)];
}

void LogHistogram::clear() {
  std::fill(buckets_.begin(), buckets_.end(), 0);
  zeros_ = count_ = 0;
  sum_ = max_ = min_ = 0.0;
}

void LogHistogram::merge(const LogHistogram& other) {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  if (count_ == 0 || other.min_ < min_) min_ = other.min_;
  max_ = std::max(max_, other.max_);
  zeros_ += other.zeros_;
  count_ += other.count_;
  sum_ += other.sum_;
}

double LogHistogram::quantile(double q) const {
  if (count_ == 0) return 0.0;
  if (q >= 1.0) return max_;
  // Nearest rank: the smallest value with at least ceil(q * n) samples at or below it.
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  std::uint64_t seen = zeros_;
  if (seen >= rank) return 0.0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      const double upper = std::exp(static_cast<double>(static_cast<int>(i) + offset_) * log_gamma_);
      // The midpoint 2*upper/(gamma+1) is within kRelativeAccuracy of every value in the
      // bucket; clamping to [min, max] makes single-valued histograms exact.
      return std::clamp(2 * upper / (gamma_ + 1), min_, max_);
    }
  }
  return max_;
}

}  // namespace payquake::metrics
