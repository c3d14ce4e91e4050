// `run --serve-metrics ADDR --pace X`: a drill watched as it happens. The run is paced
// at X simulated seconds per wall second (sleeping between the calendar's events), and
// what it measured so far is served to Prometheus (metrics::LiveExporter). Both act at
// the engine's ticks, never per event.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/scenario.hpp"
#include "metrics/live_exporter.hpp"
#include "metrics/run_metrics.hpp"

namespace payquake::cli {

class LiveDrill {
 public:
  // `address` empty: pacing only; `pace` 0: serving only, as fast as possible. Throws
  // std::runtime_error when the address cannot be served.
  LiveDrill(const std::string& address, double pace, const core::Scenario& scenario,
            const std::string& run_label, const volatile bool* stop_requested);

  // Simulated seconds between two ticks: ~50 ms of wall time when paced, else a window.
  double tick_s() const { return tick_s_; }
  // At simulated time `t`, before its events: publish, then wait for the wall clock.
  void on_tick(double t, const metrics::RunMetrics& metrics);
  // Publishes the last windows once the run ended.
  void finish(double t, const metrics::RunMetrics& metrics);
  // For the progress line: "pace 10x" and whether the simulation keeps up.
  std::string status() const;

 private:
  void note_lag(double t, double lag_s);

  double pace_;
  double tick_s_;
  const volatile bool* stop_requested_;
  std::unique_ptr<metrics::LiveExporter> exporter_;
  std::chrono::steady_clock::time_point start_;
  double lag_s_ = 0.0;  // wall seconds behind the pace at the last tick
  bool behind_ = false;           // at the last tick
  bool reported_behind_ = false;  // as last said on stderr
  std::chrono::steady_clock::time_point last_note_{};
};

}  // namespace payquake::cli
