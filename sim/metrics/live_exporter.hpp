// The live drill's Prometheus endpoint: prometheus-cpp's Exposer serving the run's
// current values under the same names as metrics.om (report/openmetrics.hpp), so one
// dashboard shows a backfilled run and a live one. Fed from the run's closed windows at
// each pacing tick (no per-event cost), on the simulation's thread; the Exposer's own
// threads only read.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/scenario.hpp"
#include "metrics/run_metrics.hpp"

namespace payquake::metrics {

// Checks a --serve-metrics address: "HOST:PORT" (IPv6 as "[::1]:PORT"), a port in
// 1-65535, and a loopback host (127.0.0.0/8, ::1, localhost) unless `allow_remote`.
// Returns "" when it is fine, else what is wrong.
std::string check_listen_address(const std::string& address, bool allow_remote);

class LiveExporter {
 public:
  // Binds `address` and starts serving /metrics. Throws std::runtime_error naming the
  // address when it cannot (in use, not an address of this machine).
  LiveExporter(const std::string& address, const core::Scenario& scenario,
               const std::string& run_label);
  ~LiveExporter();
  LiveExporter(const LiveExporter&) = delete;
  LiveExporter& operator=(const LiveExporter&) = delete;

  // Publishes the windows `metrics` closed since the last call, and the simulated time.
  void publish(const RunMetrics& metrics, double simulated_s);

 private:
  // The fraud counters follow the whole-run sums (FraudMetrics::whole_run()).
  void publish_fraud(const FraudWindow& now);

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace payquake::metrics
