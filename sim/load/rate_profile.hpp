// The arrival rate over time: piecewise linear stages (like k6's ramping-arrival-rate)
// multiplied by spikes, cut into segments on which the rate is linear, so arrivals can
// be drawn by exact inversion of the integrated rate instead of thinning.
#pragma once

#include <vector>

#include "core/scenario.hpp"

namespace payquake::load {

struct Segment {
  double start_s = 0.0;
  double end_s = 0.0;
  double rate_start = 0.0;  // per second, spikes included
  double rate_end = 0.0;
  // Expected arrivals in the segment: the integral of the rate over it.
  double mass() const { return (rate_start + rate_end) / 2 * (end_s - start_s); }
};

class RateProfile {
 public:
  // `scale` multiplies every rate (a population's share).
  RateProfile(const core::Load& load, double duration_s, double scale = 1.0);

  double rate_at(double t_s) const;
  // The expected number of arrivals in [0, t): the integral of the rate.
  double integral(double t_s) const;
  double duration_s() const { return duration_s_; }
  const std::vector<Segment>& segments() const { return segments_; }

 private:
  std::vector<Segment> segments_;
  double duration_s_;
};

}  // namespace payquake::load
