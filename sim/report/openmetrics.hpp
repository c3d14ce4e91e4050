// DIR/metrics.om: a run's time series in the OpenMetrics text format at simulated
// timestamps (seconds, as `promtool tsdb create-blocks-from openmetrics` reads them),
// simulated time 0 placed at `epoch_s`. Our own small writer: prometheus-cpp's serializer
// writes millisecond timestamps, which the backfill reads as seconds.
//
// Every sample is taken from the run's windows (no per-event cost): counters are
// cumulative at the end of each window, gauges are the window's time average. A long run
// is exported every `stride` windows (see export_stride) so the file stays bounded.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>

#include "core/scenario.hpp"
#include "metrics/run_metrics.hpp"

namespace payquake::report {

struct OpenMetricsOptions {
  std::string scenario;  // the `scenario` label on every series
  std::string run;       // the `run` label on every series
  double epoch_s = 0.0;  // Unix time of simulated time 0
};

// At most this many points per series and samples in all (a ~100-byte line each).
inline constexpr std::size_t kMaxPointsPerSeries = 5000;
inline constexpr std::size_t kMaxSamples = 2'000'000;

// How many windows one exported point covers: 1 unless the run has more windows than the
// limits above allow for `series` series.
std::size_t export_stride(std::size_t windows, std::size_t series);

// Writes the whole file, ending with `# EOF`. Throws nothing; check the stream.
void write_openmetrics(std::ostream& out, const core::Scenario& scenario,
                       const metrics::RunMetrics& metrics, const OpenMetricsOptions& options);

// The `run` label for a run folder: its name ("black-friday-42"); the control of a drill,
// written inside the experiment's staging folder, is "<experiment>/control".
std::string run_label(const std::string& run_dir);

// Parses --epoch: Unix seconds ("1764460800") or UTC "2025-11-30T00:00:00Z". False when
// it is neither.
bool parse_epoch(const std::string& text, double* epoch_s);

}  // namespace payquake::report
