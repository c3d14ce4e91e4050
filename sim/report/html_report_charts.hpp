// report.html's charts: the data they draw (chart_data(), in html_report.hpp), the
// control's series merged into the experiment's chart points, the chart boxes and the
// script drawing them.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace payquake::report::run_charts {

// `charts` with "control": the control's approved rate, success rate and p99 per chart
// point, read from its timeseries.csv (null when `control_timeseries_csv` is empty).
nlohmann::ordered_json with_control(nlohmann::ordered_json charts,
                                    const std::string& control_timeseries_csv);
// One box per chart (its canvas, legend and a note on what it shows); the Fraud chart's
// only when `data` (with_control's) has fraud series.
void chart_panels(std::ostream& out, const nlohmann::ordered_json& data);
// Draws every chart from the page's data; fault windows shaded under each.
const char* script();

}  // namespace payquake::report::run_charts
