#include "report/html_report.hpp"

#include <sstream>

#include "report/html_page.hpp"
#include "report/html_report_charts.hpp"
#include "report/html_report_tables.hpp"

namespace payquake::report {

using nlohmann::ordered_json;
using html::at;
using html::escape;
using html::fmt;

std::string report_html(const HtmlReportInput& in) {
  const ordered_json& s = in.summary;
  const ordered_json data = run_charts::with_control(in.charts, in.control_timeseries_csv);
  const double window_s = data["window_seconds"].get<double>();
  const bool with_control = !in.control_timeseries_csv.empty();

  std::ostringstream out;
  const std::string name = at(s, "scenario").is_string() ? at(s, "scenario").get<std::string>() : in.scenario.name;
  const ordered_json& verdict = at(s, "verdict");
  const std::string verdict_text = verdict.is_string() ? verdict.get<std::string>() : "no expectations";
  const std::string verdict_class = verdict.is_string() ? verdict_text : "none";
  html::open_page(out, "payquake report: " + name);
  out << "<h1>payquake report: " << escape(name) << " (seed " << fmt(at(s, "seed"), "")
      << ") <span class=\"badge " << verdict_class << "\">" << escape(verdict_text)
      << "</span></h1>\n<div class=sub>payquake " << fmt(at(s, "version"), "") << "; simulated " << fmt(at(s, "simulated_seconds"), "s")
      << " (duration " << fmt(at(s, "planned_seconds"), "s") << ", measured from "
      << fmt(at(s, "measured_interval_seconds.from"), "s") << " to "
      << fmt(at(s, "measured_interval_seconds.to"), "s") << "); time-series window "
      << fmt(ordered_json(window_s), "s");
  if (data["merged_windows"].get<std::size_t>() > 1)
    out << " (each chart point merges " << data["merged_windows"].get<std::size_t>()
        << " windows: rates are their mean, percentiles their worst window)";
  out << ".";
  if (data["nodes_total"].get<std::size_t>() > data["nodes"].size())
    out << " Node charts show the " << data["nodes"].size() << " busiest of "
        << data["nodes_total"].get<std::size_t>() << " nodes.";
  if (at(s, "partial") == true)
    out << " <b>Partial run: interrupted at " << fmt(at(s, "simulated_seconds"), "s")
        << "; everything below covers only what was simulated.</b>";
  for (const auto& o : at(s, "invocation.overrides")) out << " <code>--set " << fmt(o, "") << "</code>";
  out << "</div>\n";

  out << "<h2>Summary</h2>\n";
  run_tables::summary_table(out, s, with_control ? in.control_summary : ordered_json());
  out << "<h2>Over time</h2>\n<p class=note>Simulated time on every x axis; fault windows shaded "
         "red. Hover a chart for values; drag to zoom, double-click to reset.</p>\n<div class=grid>\n";
  run_charts::chart_panels(out, data);
  out << "</div>\n<h2>Faults and recovery</h2>\n";
  run_tables::faults_table(out, at(s, "faults"));
  out << "<h2>Expectations: <span class=\"badge " << verdict_class << "\">"
      << escape(verdict_text) << "</span></h2>\n";
  run_tables::expectations_table(out, s);
  out << "<h2>Scenario</h2>\n<p class=note>" << escape(in.scenario.source_file)
      << ", with every default filled in (scenario.resolved.yaml):</p>\n<pre>"
      << escape(in.resolved_yaml) << "</pre>\n";
  html::close_page(out, data, run_charts::script());
  return out.str();
}

}  // namespace payquake::report
