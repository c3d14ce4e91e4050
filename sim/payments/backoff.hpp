// Retry delays: exponential backoff with jitter (the AWS Architecture Blog's "full" and
// "equal" jitter), a pure function of the policy, the retry number and a random source.
#pragma once

#include <algorithm>
#include <cmath>

#include "core/random_stream.hpp"
#include "core/scenario.hpp"

namespace payquake::payments {

// No retry waits longer than this: an hour later is as good as never, and it keeps
// large multipliers from overflowing.
inline constexpr double kMaxBackoffS = 3600.0;

// The wait before retry number `retry` (1 for the first retry). `rng` is a RandomStream
// or keyed draws (core::KeyedDraws): anything with uniform01().
template <typename Source>
double backoff_delay_s(const core::RetryPolicy& policy, int retry, Source& rng) {
  const double delay =
      std::min(kMaxBackoffS, policy.backoff_s * std::pow(policy.multiplier, retry - 1));
  switch (policy.jitter) {
    case core::Jitter::kNone: return delay;
    case core::Jitter::kFull: return delay * rng.uniform01();
    case core::Jitter::kEqual: return delay / 2 + delay / 2 * rng.uniform01();
  }
  return delay;
}

}  // namespace payquake::payments
