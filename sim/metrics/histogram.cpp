#include "metrics/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdint>

namespace payquake::metrics {

// Bucket lookup without a logarithm per sample. Bucket i (from kMinValue's) holds values
// in (upper[i-1], upper[i]], upper[i] = gamma^(i + offset), the DDSketch edges. A value's
// binary exponent and top kSubBits mantissa bits name a sub-octave whose lowest value's
// bucket is tabulated; sub-octaves (2^-7 ~ 0.8% wide) are narrower than buckets (~1%),
// so the value's bucket is that one or, past an edge, the next one or two: a comparison
// against the tabulated edges finds it. The result is the bucket of the edges, exactly;
// it can differ from ceil(log(v) / log(gamma)) only for a value within rounding error
// (~1e-16 relative) of an edge.
struct BucketTable {
  static constexpr int kSubBits = 7;
  int min_exponent = 0;  // binary exponent of kMinValue
  std::vector<double> upper;
  std::vector<std::uint16_t> first_candidate;  // by (exponent - min_exponent, sub-octave)

  BucketTable(double log_gamma, int offset, std::size_t buckets) {
    for (std::size_t i = 0; i < buckets; ++i)
      upper.push_back(std::exp(static_cast<double>(static_cast<int>(i) + offset) * log_gamma));
    std::frexp(LogHistogram::kMinValue, &min_exponent);
    int max_exponent = 0;
    std::frexp(LogHistogram::kMaxValue, &max_exponent);
    std::size_t i = 0;
    for (int e = min_exponent; e <= max_exponent; ++e) {
      for (int sub = 0; sub < (1 << kSubBits); ++sub) {
        const double lowest = std::ldexp(0.5 + sub * 0.5 / (1 << kSubBits), e);
        while (i + 1 < upper.size() && lowest > upper[i]) ++i;
        assert(i <= UINT16_MAX);
        first_candidate.push_back(static_cast<std::uint16_t>(i));
      }
    }
  }

  // REQUIRES: kMinValue <= value <= kMaxValue.
  std::size_t bucket(double value) const {
    // The IEEE 754 fields: value = 1.f x 2^(biased - 1023) = 0.5 x 1.f x 2^(biased - 1022),
    // so frexp's exponent is biased - 1022, and the top bits of f are the sub-octave.
    const auto bits = std::bit_cast<std::uint64_t>(value);
    const int e = static_cast<int>(bits >> 52) - 1022;
    const std::size_t sub = (bits >> (52 - kSubBits)) & ((1u << kSubBits) - 1);
    std::size_t i = first_candidate[static_cast<std::size_t>(e - min_exponent) << kSubBits | sub];
    while (i + 1 < upper.size() && value > upper[i]) ++i;
    return i;
  }
};

LogHistogram::LogHistogram()
    : gamma_((1 + kRelativeAccuracy) / (1 - kRelativeAccuracy)), log_gamma_(std::log(gamma_)) {
  offset_ = static_cast<int>(std::ceil(std::log(kMinValue) / log_gamma_));
  const int last = static_cast<int>(std::ceil(std::log(kMaxValue) / log_gamma_));
  buckets_.assign(static_cast<std::size_t>(last - offset_ + 1), 0);
  static const BucketTable table(log_gamma_, offset_, buckets_.size());
  table_ = &table;
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
  ++buckets_[value <= kMaxValue ? table_->bucket(value) : buckets_.size() - 1];
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
