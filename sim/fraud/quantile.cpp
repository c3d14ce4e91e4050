#include "fraud/quantile.hpp"

#include <algorithm>
#include <boost/math/special_functions/erf.hpp>
#include <cassert>
#include <cmath>

namespace payquake::fraud {
namespace {

// The smallest distance from 0 and 1 a 53-bit uniform keeps (uniform01 steps by 2^-53).
constexpr double kUnitMargin = 0x1.0p-53;

}  // namespace

double norm_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double norm_quantile(double p) {
  assert(p > 0.0 && p < 1.0);
  return -std::sqrt(2.0) * boost::math::erfc_inv(2.0 * p);
}

double open_unit(double u) { return std::clamp(u, kUnitMargin, 1.0 - kUnitMargin); }

double quantile(const core::Distribution& d, double u) {
  using Kind = core::Distribution::Kind;
  const double p = open_unit(u);
  switch (d.kind) {
    case Kind::kConstant:
      return d.value;
    case Kind::kExponential:
      return -d.mean * std::log1p(-p);
    case Kind::kLognormal:
      return std::exp(d.mu + d.sigma * norm_quantile(p));
    case Kind::kUniform:
      return d.min + p * (d.max - d.min);
    case Kind::kNormal: {
      if (d.stddev <= 0.0) return std::max(d.mean, 0.0);
      // Below zero lies cdf(-mean/sd) of the untruncated law; map p onto the rest.
      const double below = norm_cdf(-d.mean / d.stddev);
      const double q = open_unit(below + p * (1.0 - below));
      return std::max(0.0, d.mean + d.stddev * norm_quantile(q));
    }
    case Kind::kZipf:
      break;
  }
  assert(false && "quantile of a zipf distribution: use core::ZipfSampler");
  return 0.0;
}

}  // namespace payquake::fraud
