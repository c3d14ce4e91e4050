// DIR/report.html: one self-contained page (no network) a person reads after a run: the
// summary, every time series as a chart with the fault windows shaded, recovery per fault,
// the verdict, the control beside the experiment, and the scenario. The charts are drawn
// by dygraphs (Debian's libjs-dygraphs), inlined at build time. The page holds no wall
// clock: the same run gives the same bytes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/scenario.hpp"
#include "metrics/run_metrics.hpp"

namespace payquake::report {

struct HtmlReportInput {
  const core::Scenario& scenario;
  const nlohmann::ordered_json& charts;   // chart_data() of the run
  const nlohmann::ordered_json& summary;  // as written to summary.json
  std::string resolved_yaml;              // scenario.resolved.yaml
  // The control's summary and timeseries.csv, when the run has one (else null / empty).
  nlohmann::ordered_json control_summary;
  std::string control_timeseries_csv;
};

std::string report_html(const HtmlReportInput& input);

// The chart data report.html embeds (exposed for tests): `t` (window starts, s) and one
// array per series, at most kMaxChartPoints long (windows are merged when there are more);
// taken when the simulation ends, so the metrics need not outlive it.
nlohmann::ordered_json chart_data(const core::Scenario& scenario,
                                  const metrics::RunMetrics& metrics);
inline constexpr std::size_t kMaxChartPoints = 5000;
// Node charts show at most this many nodes, the busiest.
inline constexpr std::size_t kMaxChartNodes = 12;

}  // namespace payquake::report
