#include "load/rate_profile.hpp"

#include <algorithm>
#include <cmath>

namespace payquake::load {
namespace {

// The staged base rate (no spikes) at time t.
double base_rate(const core::Load& load, double t) {
  double start = 0.0;
  double from = load.start_rate_per_s;
  for (const auto& stage : load.stages) {
    const double end = start + stage.duration_s;
    if (t < end) {
      if (stage.duration_s <= 0) return stage.target_per_s;
      return from + (stage.target_per_s - from) * (t - start) / stage.duration_s;
    }
    start = end;
    from = stage.target_per_s;
  }
  return from;  // after the last stage the rate holds
}

double spike_multiplier(const core::Load& load, double t) {
  double m = 1.0;
  for (const auto& spike : load.spikes)
    if (t >= spike.at_s && t < spike.at_s + spike.duration_s) m *= spike.multiplier;
  return m;
}

}  // namespace

RateProfile::RateProfile(const core::Load& load, double duration_s, double scale)
    : duration_s_(duration_s) {
  std::vector<double> cuts = {0.0, duration_s};
  double t = 0.0;
  for (const auto& stage : load.stages) cuts.push_back(t += stage.duration_s);
  for (const auto& spike : load.spikes) {
    cuts.push_back(spike.at_s);
    cuts.push_back(spike.at_s + spike.duration_s);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());

  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const double a = cuts[i], b = cuts[i + 1];
    if (a >= duration_s) break;
    const double end = std::min(b, duration_s);
    if (end <= a) continue;
    // Within a segment the stage is linear and the spike multiplier constant; evaluate
    // the multiplier at the midpoint so edges shared with a spike never mislead.
    const double m = spike_multiplier(load, (a + end) / 2) * scale;
    // The staged rate at the segment's end is its left limit there (a stage of zero
    // length jumps exactly at a cut).
    const double stage_end_rate = base_rate(load, std::nextafter(end, a));
    segments_.push_back(Segment{a, end, m * base_rate(load, a), m * stage_end_rate});
  }
}

double RateProfile::rate_at(double t_s) const {
  for (const auto& s : segments_) {
    if (t_s >= s.start_s && t_s < s.end_s) {
      const double f = (t_s - s.start_s) / (s.end_s - s.start_s);
      return s.rate_start + (s.rate_end - s.rate_start) * f;
    }
  }
  return 0.0;
}

double RateProfile::integral(double t_s) const {
  double total = 0.0;
  for (const auto& s : segments_) {
    if (t_s >= s.end_s) {
      total += s.mass();
      continue;
    }
    if (t_s > s.start_s) {
      const double x = t_s - s.start_s;
      const double slope = (s.rate_end - s.rate_start) / (s.end_s - s.start_s);
      total += s.rate_start * x + slope * x * x / 2;
    }
    break;
  }
  return total;
}

}  // namespace payquake::load
