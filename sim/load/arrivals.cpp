#include "load/arrivals.hpp"

#include <algorithm>
#include <cmath>

namespace payquake::load {

ArrivalProcess::ArrivalProcess(RateProfile profile, core::ArrivalProcess kind,
                               core::RandomStream rng)
    : profile_(std::move(profile)), kind_(kind), rng_(rng) {
  if (!profile_.segments().empty()) now_s_ = profile_.segments().front().start_s;
}

double ArrivalProcess::next() {
  double gap = 1.0;
  if (kind_ == core::ArrivalProcess::kPoisson) {
    gap = -std::log(rng_.uniform_open0());
  } else if (first_) {
    // Evenly spaced arrivals start half a gap in, so n arrivals fill [0, T) symmetrically.
    gap = 0.5;
  }
  first_ = false;
  return advance_by(gap);
}

double ArrivalProcess::advance_by(double mass) {
  const auto& segments = profile_.segments();
  while (segment_ < segments.size()) {
    const Segment& s = segments[segment_];
    const double length = s.end_s - s.start_s;
    const double slope = (s.rate_end - s.rate_start) / length;
    const double x0 = now_s_ - s.start_s;
    const double rate_now = s.rate_start + slope * x0;
    const double rest = (rate_now + s.rate_end) / 2 * (length - x0);
    if (mass <= rest && rest > 0) {
      // Solve rate_now * x + slope * x^2 / 2 = mass for the smallest x >= 0, in the form
      // that stays accurate when slope is tiny (no cancellation).
      const double disc = rate_now * rate_now + 2 * slope * mass;
      const double x = 2 * mass / (rate_now + std::sqrt(disc > 0 ? disc : 0));
      now_s_ = std::min(s.start_s + x0 + x, s.end_s);
      return now_s_;
    }
    mass -= rest > 0 ? rest : 0;
    ++segment_;
    if (segment_ < segments.size()) now_s_ = segments[segment_].start_s;
  }
  return kNever;
}

}  // namespace payquake::load
