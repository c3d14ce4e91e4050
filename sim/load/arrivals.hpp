// Open-loop arrivals of one payer population: customers arrive on their own schedule,
// whatever the system is doing. A non-homogeneous Poisson process drawn exactly by
// inverting the integrated rate (unit-rate exponential gaps in "expected arrivals"
// time), or evenly spaced arrivals (`arrival: uniform`, one per unit of integrated rate).
#pragma once

#include <cstddef>
#include <limits>

#include "core/random_stream.hpp"
#include "load/rate_profile.hpp"

namespace payquake::load {

class ArrivalProcess {
 public:
  ArrivalProcess(RateProfile profile, core::ArrivalProcess kind, core::RandomStream rng);

  // The next arrival time after the previous one; +infinity once past the duration.
  double next();

  static constexpr double kNever = std::numeric_limits<double>::infinity();

 private:
  // The time at which the integrated rate, counted from the current position, reaches
  // `mass`; advances the position. kNever when the profile runs out first.
  double advance_by(double mass);

  RateProfile profile_;
  core::ArrivalProcess kind_;
  core::RandomStream rng_;
  std::size_t segment_ = 0;
  double now_s_ = 0.0;
  bool first_ = true;
};

}  // namespace payquake::load
