// summary.json (DESIGN.md section 6) and timeseries.csv from a run's metrics. Both are
// pure functions of (scenario, metrics, run info): the same seed gives the same bytes,
// wall_seconds aside.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/scenario.hpp"
#include "metrics/run_metrics.hpp"
#include "report/run_info.hpp"

namespace payquake::report {

nlohmann::ordered_json summary_json(const core::Scenario& scenario,
                                    const metrics::RunMetrics& metrics, const RunInfo& info);

// First column `time` (the window's start), then arrivals, completions, success_rate,
// latency_p50_seconds, latency_p99_seconds, and per node `<id>_utilisation` and
// `<id>_queue_length`, then fraud_attempts, fraud_approved, fraud_caught, false_declines
// and step_ups (payments counted in the window of their intended arrival).
// success_rate is empty for a window without completions.
std::string timeseries_csv(const core::Scenario& scenario, const metrics::RunMetrics& metrics);

// The short summary a person reads on stdout after a run.
std::string human_summary(const core::Scenario& scenario, const metrics::RunMetrics& metrics,
                          const RunInfo& info, const std::string& out_dir);

}  // namespace payquake::report
