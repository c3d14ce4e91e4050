#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "report/html_page.hpp"
#include "report/study_html.hpp"

namespace payquake::report {
namespace {

using nlohmann::ordered_json;
using html::at;
using html::escape;
using html::num;

const char* kSweepStyle = R"css(
.incomplete{background:#fdf2e0;border:1px solid #b9770e;padding:6px 10px;margin:8px 0}
code{background:#f3f4f8;padding:1px 4px;border-radius:3px}
)css";

// One chart per figure: the figure against the first varied key (its values in order,
// named on the axis), one line per combination of the other keys, each point the mean
// over the point's runs with its 95% interval as a bar.
const char* kSweepScript = R"js(
(function(){
var D=JSON.parse(document.getElementById('payquake-data').textContent);
function tick(v){var i=Math.round(v);return (Math.abs(v-i)<1e-9&&i>=0&&i<D.x_values.length)?D.x_values[i]:'';}
var ticker=function(){return D.x_values.map(function(l,i){return {v:i,label:l};});};
D.charts.forEach(function(c){
  var o={labels:[D.x_key].concat(c.names),title:c.title,xlabel:D.x_key,ylabel:c.ylabel,customBars:true,
    legend:'always',labelsDiv:c.id+'-legend',labelsSeparateLines:false,drawPoints:true,pointSize:3.5,
    strokeWidth:1.8,axisLabelFontSize:12,xLabelHeight:16,yLabelWidth:16,titleHeight:24,includeZero:c.include_zero,
    xRangePad:30,axes:{x:{ticker:ticker,axisLabelFormatter:tick,valueFormatter:tick}}};
  new Dygraph(document.getElementById(c.id),c.rows,o);
});
})();
)js";

std::string str(const ordered_json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// [low, mean, high] times `factor` (the mean alone when there is no interval), or null.
ordered_json bar(const ordered_json& f, double factor) {
  const ordered_json& mean = at(f, "mean");
  if (!mean.is_number()) return nullptr;
  const double m = mean.get<double>() * factor;
  const ordered_json& ci = at(f, "ci95");
  if (ci.is_array() && ci.size() == 2 && ci[0].is_number())
    return ordered_json::array({num(ci[0].get<double>() * factor), num(m), num(ci[1].get<double>() * factor)});
  return ordered_json::array({num(m), num(m), num(m)});
}

// The other keys' values of a point, as a line's name ("all points" with one key).
std::string line_name(const ordered_json& set, const std::string& x_key) {
  std::string name;
  for (const auto& [key, value] : set.items()) {
    if (key == x_key) continue;
    name += (name.empty() ? "" : ", ") + key + "=" + str(value);
  }
  return name.empty() ? "mean, 95% interval" : name;
}

ordered_json charts(const ordered_json& s, const std::string& x_key, const ordered_json& x_values) {
  const ordered_json& points = at(s, "points");
  std::vector<std::string> lines;
  std::map<std::string, std::size_t> line_of;
  for (const auto& p : points) {
    const std::string name = line_name(at(p, "set"), x_key);
    if (line_of.emplace(name, lines.size()).second) lines.push_back(name);
  }
  // The figures, in the order of the first point that has them.
  std::vector<std::pair<std::string, std::string>> figures;  // name, unit
  for (const auto& p : points)
    for (const auto& f : at(p, "figures")) {
      bool known = false;
      for (const auto& [n, u] : figures) known = known || n == str(at(f, "figure"));
      if (!known) figures.emplace_back(str(at(f, "figure")), str(at(f, "unit")));
    }
  ordered_json out = ordered_json::array();
  int id = 0;
  for (const auto& [figure, unit_name] : figures) {
    double magnitude = 0;
    bool any = false;
    for (const auto& p : points)
      for (const auto& f : at(p, "figures"))
        if (str(at(f, "figure")) == figure && at(f, "mean").is_number()) {
          magnitude = std::max(magnitude, std::fabs(at(f, "mean").get<double>()));
          any = true;
        }
    if (!any) continue;
    const DisplayUnit u = display_unit(unit_name, magnitude);
    ordered_json rows = ordered_json::array();
    for (std::size_t x = 0; x < x_values.size(); ++x) {
      ordered_json row = ordered_json::array({x});
      for (std::size_t l = 0; l < lines.size(); ++l) row.push_back(nullptr);
      for (const auto& p : points) {
        if (at(p, "set").contains(x_key) && at(p, "set")[x_key] != x_values[x]) continue;
        for (const auto& f : at(p, "figures"))
          if (str(at(f, "figure")) == figure)
            row[1 + line_of[line_name(at(p, "set"), x_key)]] = bar(f, u.factor);
      }
      rows.push_back(row);
    }
    out.push_back({{"id", "figure" + std::to_string(id++)},
                   {"title", figure},
                   {"ylabel", figure + (u.unit.empty() ? "" : " (" + u.unit + ")")},
                   {"names", lines},
                   {"include_zero", u.unit != "%"},
                   {"rows", rows}});
  }
  return out;
}

void problems_table(std::ostream& out, const ordered_json& s) {
  const ordered_json& problems = at(s, "problems");
  if (!problems.is_array() || problems.empty()) {
    out << "<p>Every run finished.</p>\n";
    return;
  }
  out << "<p class=failed>Runs not in the figures (failed runs are listed, never averaged):</p>\n"
         "<table><tr><th>run</th><th>folder</th><th>seed</th><th>state</th><th>why</th></tr>\n";
  for (const auto& p : problems)
    out << "<tr><td>" << html::fmt(at(p, "run"), "") << "</td><td>" << html::fmt(at(p, "folder"), "")
        << "</td><td>" << html::fmt(at(p, "seed"), "") << "</td><td>" << html::fmt(at(p, "state"), "")
        << "</td><td>" << html::fmt(at(p, "why"), "") << "</td></tr>\n";
  out << "</table>\n";
}

}  // namespace

std::string sweep_html(const ordered_json& s) {
  std::ostringstream out;
  const bool complete = at(s, "complete") == true;
  const ordered_json& vary = at(s, "vary");
  const std::string x_key = vary.is_array() && !vary.empty() ? str(at(vary[0], "path")) : "point";
  ordered_json x_values = vary.is_array() && !vary.empty() ? at(vary[0], "values") : ordered_json::array();
  if (!x_values.is_array()) x_values = ordered_json::array();
  ordered_json x_labels = ordered_json::array();
  for (const auto& v : x_values) x_labels.push_back(str(v));
  html::open_page(out, "payquake sweep: " + str(at(s, "name")), kSweepStyle);
  out << "<h1>payquake sweep: " << escape(str(at(s, "name")));
  if (!complete) out << " <span class=\"badge INCOMPLETE\">INCOMPLETE</span>";
  out << "</h1>\n<div class=sub>" << escape(str(at(s, "sweep"))) << ", base scenario <code>"
      << escape(str(at(s, "base"))) << "</code>; " << html::fmt(at(s, "replications"), "")
      << " replications per point (" << escape(str(at(s, "seeds"))) << " seeds from "
      << html::fmt(at(s, "first_seed"), "") << "); varied:";
  for (const auto& a : vary) {
    out << " <code>" << escape(str(at(a, "path"))) << " =";
    for (const auto& v : at(a, "values")) out << " " << escape(str(v));
    out << "</code>";
  }
  out << "; " << html::fmt(at(s, "runs.finished"), "") << " of " << html::fmt(at(s, "runs.planned"), "")
      << " runs finished.</div>\n";
  if (!complete)
    out << "<div class=incomplete><b>INCOMPLETE: " << html::fmt(at(s, "runs.failed"), "")
        << " runs failed and " << html::fmt(at(s, "runs.missing"), "")
        << " never ran.</b> Their points are averaged over fewer runs (or missing); running "
           "the sweep again runs only what is missing.</div>\n";
  const ordered_json data = {{"x_key", x_key}, {"x_values", x_labels}, {"charts", charts(s, x_key, x_values)}};
  out << "<h2>Figures against " << escape(x_key) << "</h2>\n<p class=note>Each point: the mean "
         "over its finished runs, with its 95% Student t interval as a bar.</p>\n<div class=grid>\n";
  for (const auto& c : data["charts"])
    out << "<div class=panel><div class=chart id=" << c["id"].get<std::string>()
        << "></div><div class=legend id=" << c["id"].get<std::string>() << "-legend></div></div>\n";
  out << "</div>\n<h2>Runs</h2>\n";
  problems_table(out, s);
  out << "<p class=note>Every number here is that of sweep.json; the runs are in "
         "point-*/seed-*/, each with its report.html.</p>\n";
  html::close_page(out, data, kSweepScript);
  return out.str();
}

}  // namespace payquake::report
