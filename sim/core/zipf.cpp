#include "core/zipf.hpp"

#include <cassert>
#include <cmath>

namespace payquake::core {
namespace {

// log1p(x) / x, continuous at 0 (where the quotient loses precision).
double log1p_over_x(double x) {
  return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1.0 - x * (0.5 - x / 3.0);
}

// expm1(x) / x, continuous at 0.
double expm1_over_x(double x) {
  return std::abs(x) > 1e-8 ? std::expm1(x) / x : 1.0 + x * (0.5 + x / 6.0);
}

}  // namespace

ZipfSampler::ZipfSampler(std::int64_t n, double s) : n_(n), s_(s) {
  assert(n >= 1 && s >= 0);
  h_integral_x1_ = h_integral(1.5) - 1.0;
  h_integral_n_ = h_integral(static_cast<double>(n) + 0.5);
  squeeze_ = 2.0 - h_integral_inverse(h_integral(2.5) - h(2.0));
}

double ZipfSampler::h(double x) const { return std::exp(-s_ * std::log(x)); }

double ZipfSampler::h_integral(double x) const {
  const double log_x = std::log(x);
  return expm1_over_x((1.0 - s_) * log_x) * log_x;
}

double ZipfSampler::h_integral_inverse(double x) const {
  double t = x * (1.0 - s_);
  if (t < -1.0) t = -1.0;  // guards rounding at the domain's edge
  return std::exp(log1p_over_x(t) * x);
}

std::int64_t ZipfSampler::try_rank(double uniform) const {
  const double u = h_integral_n_ + uniform * (h_integral_x1_ - h_integral_n_);
  const double x = h_integral_inverse(u);
  auto k = static_cast<std::int64_t>(x + 0.5);
  if (k < 1) k = 1;
  if (k > n_) k = n_;
  if (static_cast<double>(k) - x <= squeeze_ ||
      u >= h_integral(static_cast<double>(k) + 0.5) - h(static_cast<double>(k)))
    return k;
  return 0;
}

}  // namespace payquake::core
