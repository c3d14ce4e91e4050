// Inverse-CDF sampling: a draw of a distribution from one uniform the caller supplies, so
// the flow can feed the uniform from its keyed generator (core::KeyedRandom) and a test
// from anything. One uniform in, one value out, for every family: the same uniform always
// gives the same value, and a larger uniform never a smaller value.
#pragma once

#include "core/distribution.hpp"

namespace payquake::fraud {

// The standard normal CDF and its inverse. norm_quantile REQUIRES: 0 < p < 1.
double norm_cdf(double x);
double norm_quantile(double p);

// `u` kept inside (0, 1) by at least 2^-53, so that the quantiles of unbounded
// distributions stay finite whatever uniform a generator hands over (0 or 1 included).
double open_unit(double u);

// The value of `d` at probability `u` in [0, 1]. Normal is truncated at 0 (its CDF
// renormalised over [0, inf), the same law core::sample draws by resampling).
// REQUIRES: d.kind != kZipf.
double quantile(const core::Distribution& d, double u);

}  // namespace payquake::fraud
