#include <algorithm>

#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/printf_text.hpp"
#include "report/html_page.hpp"
#include "report/study_html.hpp"

namespace payquake::report {
namespace {

using nlohmann::ordered_json;
using html::at;
using html::escape;
using html::num;

const char* kSizeStyle = R"css(
tr.answer td{background:#e3f4e4;font-weight:600}.answerbox{font-size:16px;margin:10px 0;padding:8px 12px;border-left:5px solid #2a7d2e;background:#f1f8f1}
.noanswer{border-left-color:#c0392b;background:#fbeeee}
.incomplete{background:#fdf2e0;border:1px solid #b9770e;padding:6px 10px;margin:8px 0}
code{background:#f3f4f8;padding:1px 4px;border-radius:3px}
)css";

// One chart per SLO term and one of utilisation: the mean per knob value with its 95%
// interval as bars, the SLO target dashed, the answer marked green and the largest value
// that does not meet the SLO red.
const char* kSizeScript = R"js(
(function(){
var D=JSON.parse(document.getElementById('payquake-data').textContent);
function marks(ctx,area,g){
  // The failing value's label left of its line, the answer's right of its own: the two
  // are often neighbours.
  [[D.largest_failing,'192,57,43','does not meet: ','right',-4],[D.answer,'42,125,46','answer: ','left',4]].forEach(function(m){
    if(m[0]===null)return;var x=g.toDomXCoord(m[0]);if(x<area.x||x>area.x+area.w)return;
    ctx.fillStyle='rgba('+m[1]+',0.12)';ctx.fillRect(x-6,area.y,12,area.h);
    ctx.strokeStyle='rgb('+m[1]+')';ctx.lineWidth=2;ctx.beginPath();ctx.moveTo(x,area.y);ctx.lineTo(x,area.y+area.h);ctx.stroke();
    var text=m[2]+D.knob+'='+m[0];ctx.fillStyle='rgb('+m[1]+')';ctx.font='600 11px sans-serif';
    if(m[3]==='right'&&x-ctx.measureText(text).width-4<area.x){ctx.fillText(text,x+4,area.y+26);return;}
    ctx.textAlign=m[3];ctx.fillText(text,x+m[4],area.y+12);ctx.textAlign='left';
  });
}
D.charts.forEach(function(c){
  var names=[D.knob].concat(c.names);
  var o={labels:names,title:c.title,xlabel:D.knob+' of '+D.node,ylabel:c.ylabel,customBars:true,
    legend:'always',labelsDiv:c.id+'-legend',labelsSeparateLines:false,underlayCallback:marks,
    drawPoints:true,pointSize:3.5,strokeWidth:1.8,axisLabelFontSize:12,xLabelHeight:16,yLabelWidth:16,titleHeight:24,
    includeZero:c.include_zero,xRangePad:24,colors:['#1f5fa8','#c0392b']};
  o.series={};if(c.names.length>1)o.series[c.names[1]]={strokePattern:[6,4],strokeWidth:1.6,drawPoints:false};
  new Dygraph(document.getElementById(c.id),c.rows,o);
});
})();
)js";

using core::printf_text;

std::string str(const ordered_json& v) { return v.is_string() ? v.get<std::string>() : ""; }

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

std::string sample_text(const ordered_json& f, const DisplayUnit& u) {
  const ordered_json& mean = at(f, "mean");
  if (!mean.is_number()) return "&ndash;";
  std::string s = printf_text("%.4g", mean.get<double>() * u.factor) + " " + u.unit;
  const ordered_json& ci = at(f, "ci95");
  if (ci.is_array() && ci.size() == 2 && ci[0].is_number())
    s += " [" + printf_text("%.4g", ci[0].get<double>() * u.factor) + ", " +
         printf_text("%.4g", ci[1].get<double>() * u.factor) + "]";
  return escape(s);
}

// The unit of a term's chart: ms or s after the targets' and means' size, or %.
DisplayUnit term_unit(const ordered_json& term, const ordered_json& curve) {
  double m = at(term, "target").is_number() ? std::fabs(at(term, "target").get<double>()) : 0;
  for (const auto& p : curve) {
    const ordered_json& mean = at(at(p, "figures"), str(at(term, "metric")) + ".mean");
    if (mean.is_number()) m = std::max(m, std::fabs(mean.get<double>()));
  }
  return display_unit(str(at(term, "unit")), m);
}

ordered_json charts(const ordered_json& s) {
  ordered_json out = ordered_json::array();
  const ordered_json& curve = at(s, "curve");
  int i = 0;
  for (const auto& term : at(s, "slo")) {
    const DisplayUnit u = term_unit(term, curve);
    const std::string metric = str(at(term, "metric"));
    const double target = at(term, "target").is_number() ? at(term, "target").get<double>() * u.factor : 0;
    ordered_json rows = ordered_json::array();
    for (const auto& p : curve)
      rows.push_back({at(p, "value"), bar(at(at(p, "figures"), metric), u.factor),
                      ordered_json::array({num(target), num(target), num(target)})});
    out.push_back({{"id", "term" + std::to_string(i++)},
                   {"title", metric + " per " + str(at(s, "knob")) + " (SLO " + str(at(term, "term")) + ")"},
                   {"ylabel", metric + " (" + u.unit + ")"},
                   {"names", ordered_json::array({metric + " mean, 95% interval", "SLO " + str(at(term, "term"))})},
                   {"include_zero", u.unit != "%"},
                   {"rows", rows}});
  }
  ordered_json rows = ordered_json::array();
  for (const auto& p : curve)
    rows.push_back({at(p, "value"), bar(at(at(p, "figures"), "peak_utilisation"), 100)});
  out.push_back({{"id", "utilisation"},
                 {"title", "Utilisation of " + str(at(s, "node")) + " in its busiest window"},
                 {"ylabel", "% of its workers busy"},
                 {"names", ordered_json::array({"peak utilisation, 95% interval"})},
                 {"include_zero", true},
                 {"rows", rows}});
  return out;
}

void answer_box(std::ostream& out, const ordered_json& s) {
  const std::string knob = escape(str(at(s, "knob")));
  const std::string node = escape(str(at(s, "node")));
  if (at(s, "partial") == true) {
    out << "<div class=\"answerbox noanswer\">No answer: the search did not end (interrupted, or "
           "every run at a value failed).</div>\n";
  } else if (at(s, "answer").is_number()) {
    out << "<div class=answerbox>Answer: <b>" << knob << " = " << html::fmt(at(s, "answer"), "")
        << "</b> on " << node;
    if (at(s, "largest_failing").is_number())
      out << " (" << knob << " = " << html::fmt(at(s, "largest_failing"), "") << " does not meet the SLO)";
    else
      out << " (the smallest value the format allows)";
    out << "</div>\n";
  } else {
    out << "<div class=\"answerbox noanswer\">No answer: no value up to "
        << html::fmt(at(s, "largest_failing"), "") << " meets the SLO.</div>\n";
  }
}

void curve_table(std::ostream& out, const ordered_json& s) {
  const ordered_json& curve = at(s, "curve");
  out << "<table><tr><th>" << escape(str(at(s, "knob"))) << "</th>";
  for (const auto& term : at(s, "slo"))
    out << "<th>" << escape(str(at(term, "metric"))) << " mean [95% interval]</th><th>"
        << escape(str(at(term, "term"))) << "</th>";
  out << "<th>peak utilisation [95% interval]</th><th>runs</th><th>failed runs</th><th>meets the "
         "SLO</th></tr>\n";
  for (const auto& p : curve) {
    const bool is_answer = at(s, "partial") != true && at(s, "answer").is_number() &&
                           at(s, "answer") == at(p, "value");
    out << "<tr" << (is_answer ? " class=answer" : "") << "><td>" << html::fmt(at(p, "value"), "")
        << "</td>";
    for (const auto& term : at(s, "slo")) {
      const ordered_json& f = at(at(p, "figures"), str(at(term, "metric")));
      out << "<td>" << sample_text(f, term_unit(term, curve)) << "</td><td>"
          << (at(f, "holds") == true ? "<span class=held>holds</span>" : "<span class=failed>fails</span>")
          << "</td>";
    }
    const ordered_json& failed = at(p, "failed_runs");
    out << "<td>" << sample_text(at(at(p, "figures"), "peak_utilisation"), {100, "%", "pp"})
        << "</td><td>" << html::fmt(at(p, "runs"), "") << "</td><td>"
        << (failed.is_number() && failed.get<double>() > 0
                ? "<span class=failed>" + html::fmt(failed, "") + "</span>"
                : html::fmt(failed, ""))
        << "</td><td>" << (at(p, "meets") == true ? "<span class=held>yes</span>" : "<span class=failed>no</span>")
        << "</td></tr>\n";
  }
  out << "</table>\n";
}

}  // namespace

std::string size_html(const ordered_json& s) {
  std::ostringstream out;
  const bool partial = at(s, "partial") == true;
  const std::string knob = str(at(s, "knob"));
  html::open_page(out, "payquake sizing: " + str(at(s, "node")) + "." + knob + " of " + str(at(s, "scenario")),
                  kSizeStyle);
  out << "<h1>payquake sizing: " << escape(str(at(s, "node"))) << "." << escape(knob);
  if (partial) out << " <span class=\"badge INCOMPLETE\">INCOMPLETE</span>";
  out << "</h1>\n<div class=sub>Scenario: <code>" << escape(str(at(s, "scenario")))
      << "</code> (its " << escape(knob) << ": " << html::fmt(at(s, "scenario_value"), "")
      << ")<br>SLO:";
  for (const auto& t : at(s, "slo")) out << " <code>" << escape(str(at(t, "term"))) << "</code>";
  out << "<br>" << html::fmt(at(s, "replications"), "") << " replications per value, the same seeds "
      << "at every value:";
  for (const auto& seed : at(s, "seeds")) out << " " << html::fmt(seed, "");
  out << "</div>\n";
  if (partial)
    out << "<div class=incomplete><b>INCOMPLETE: the search did not end</b> (interrupted, or "
           "every run at a value failed). The values below are those finished; there is no "
           "answer.</div>\n";
  answer_box(out, s);
  if (at(s, "non_monotone") == true)
    out << "<p class=failed>Warning: a larger value did worse than a smaller one somewhere; the "
           "SLO may not be monotone in " << escape(knob) << " (more replications may settle it).</p>\n";
  const ordered_json data = {{"knob", knob},
                             {"node", at(s, "node")},
                             {"answer", partial ? ordered_json(nullptr) : at(s, "answer")},
                             {"largest_failing", at(s, "largest_failing")},
                             {"charts", charts(s)}};
  out << "<h2>Capacity curve</h2>\n<p class=note>Each value tried, the mean over its "
         "replications with its 95% interval as a bar; the SLO target dashed red; the answer "
         "marked green, the largest value that does not meet the SLO red.</p>\n<div class=grid>\n";
  for (const auto& c : data["charts"])
    out << "<div class=panel><div class=chart id=" << c["id"].get<std::string>()
        << "></div><div class=legend id=" << c["id"].get<std::string>() << "-legend></div></div>\n";
  out << "</div>\n<h2>Every value tried</h2>\n";
  curve_table(out, s);
  out << "<p class=note>Decision: " << escape(str(at(s, "decision_rule"))) << ". The runs are in "
      << "runs/&lt;knob&gt;=&lt;value&gt;/&lt;seed&gt;/, each with its report.html; every number "
         "here is that of size.json.</p>\n";
  html::close_page(out, data, kSizeScript);
  return out.str();
}

}  // namespace payquake::report
