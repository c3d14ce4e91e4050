// Resolving a load preset or trace into the plain piecewise-linear core::Load the engine
// draws arrivals from: scaled, compressed, shifted in time, with a scenario's own stages
// and spikes stacked on top. Pure functions over numbers; the loader calls them after
// reading the preset file or trace, so the resolved scenario holds only stages and spikes.
#pragma once

#include <utility>
#include <vector>

#include "core/scenario.hpp"

namespace payquake::scenario {

// How a preset or trace is fitted into a scenario.
struct LoadFit {
  double scale = 1.0;     // multiplies every rate
  double compress = 1.0;  // divides every duration: 24 plays a day in an hour
  // A time-zone offset in the shape's own time (before compress): the scenario's time 0
  // shows the shape at `shift_s`. The shape repeats with the period of its stages (a day
  // for a diurnal preset), so what is shifted out at the start comes back at the end.
  double shift_s = 0.0;
};

// The length of the shape: the sum of its stage durations.
double span_s(const core::Load& shape);

// `shape` shifted, then compressed, then scaled (LoadFit). The arrival process is kept.
core::Load fitted(const core::Load& shape, const LoadFit& fit);

// `extra`'s stages continue after `base`'s last one, and its spikes are added to base's.
core::Load stacked(core::Load base, const core::Load& extra);

// A trace of (time in seconds, rate per second) rows, the rate linear between rows and
// holding after the last. REQUIRES: times start at 0 and strictly increase.
core::Load from_rate_rows(const std::vector<std::pair<double, double>>& rows);

// A trace of (bucket start in seconds, arrivals in the bucket) rows: a bucket ends where
// the next begins, the last is as long as the one before it; the rate is constant within
// a bucket and holds at the last bucket's after the trace. REQUIRES: at least two rows,
// times start at 0 and strictly increase, counts >= 0.
core::Load from_count_rows(const std::vector<std::pair<double, double>>& rows);

}  // namespace payquake::scenario
