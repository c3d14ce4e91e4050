#include "report/html_report.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include "report/chart_css.hpp"  // generated: dygraphs' dygraph.min.css as bytes
#include "report/chart_js.hpp"   // generated: dygraphs' dygraph.min.js as bytes

namespace payquake::report {
namespace {

using nlohmann::ordered_json;
using metrics::WindowRow;

// Six significant digits: what a chart shows, and a page a fraction of the size.
ordered_json num(double v) {
  if (!std::isfinite(v)) return nullptr;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return std::strtod(buf, nullptr);
}

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Script text can end its element only with "</script" (any case): written "<\/script",
// which means the same inside a JavaScript string or regular expression.
std::string script_text_safe(std::string s) {
  for (std::size_t at = s.find("</"); at != std::string::npos; at = s.find("</", at + 2)) {
    std::string next = s.substr(at + 2, 6);
    for (char& c : next) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (next == "script") s.replace(at, 2, "<\\/");
  }
  return s;
}

// JSON inside <script>: "</" could close the element; "<\/" is the same JSON string.
std::string script_safe(std::string s) {
  for (std::size_t at = s.find("</"); at != std::string::npos; at = s.find("</", at + 2))
    s.replace(at, 2, "<\\/");
  return s;
}

// A value at a dotted path of a summary, or null.
const ordered_json& at(const ordered_json& j, const std::string& path) {
  static const ordered_json kNull;
  const ordered_json* cur = &j;
  std::size_t from = 0;
  while (from <= path.size()) {
    const std::size_t dot = std::min(path.find('.', from), path.size());
    const std::string key = path.substr(from, dot - from);
    if (!cur->is_object() || !cur->contains(key)) return kNull;
    cur = &(*cur)[key];
    from = dot + 1;
  }
  return *cur;
}

// Columns of a CSV text with a header (the control's timeseries.csv); empty cells NaN.
std::vector<std::vector<double>> csv_columns(const std::string& csv,
                                             const std::vector<std::string>& names) {
  std::vector<std::vector<double>> out(names.size());
  std::istringstream in(csv);
  std::string line;
  if (!std::getline(in, line)) return out;
  std::vector<int> index(names.size(), -1);
  {
    std::istringstream header(line);
    std::string cell;
    for (int i = 0; std::getline(header, cell, ','); ++i)
      for (std::size_t n = 0; n < names.size(); ++n)
        if (cell == names[n]) index[n] = i;
  }
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::istringstream row(line);
    std::string cell;
    while (std::getline(row, cell, ',')) cells.push_back(cell);
    for (std::size_t n = 0; n < names.size(); ++n) {
      const int i = index[n];
      const bool present = i >= 0 && static_cast<std::size_t>(i) < cells.size() && !cells[i].empty();
      out[n].push_back(present ? std::strtod(cells[i].c_str(), nullptr) : std::nan(""));
    }
  }
  return out;
}

struct Group {
  std::size_t first = 0;
  std::size_t last = 0;  // inclusive
  double seconds = 0;
};

std::vector<Group> groups(std::size_t windows, double window_s) {
  const std::size_t stride = std::max<std::size_t>(1, (windows + kMaxChartPoints - 1) / kMaxChartPoints);
  std::vector<Group> out;
  for (std::size_t first = 0; first < windows; first += stride) {
    const std::size_t last = std::min(first + stride, windows) - 1;
    out.push_back({first, last, static_cast<double>(last - first + 1) * window_s});
  }
  return out;
}

template <class F>
ordered_json series(const std::vector<Group>& gs, F value) {
  ordered_json out = ordered_json::array();
  for (const Group& g : gs) out.push_back(value(g));
  return out;
}

template <class F>
double sum(const std::vector<WindowRow>& ws, const Group& g, F f) {
  double s = 0;
  for (std::size_t i = g.first; i <= g.last; ++i) s += static_cast<double>(f(ws[i]));
  return s;
}

// The worst window of a group (exact for a group of one window); null when none answered.
template <class F>
ordered_json worst(const std::vector<WindowRow>& ws, const Group& g, F f) {
  double best = -1;
  for (std::size_t i = g.first; i <= g.last; ++i)
    if (ws[i].completions > 0) best = std::max(best, static_cast<double>(f(ws[i])));
  return best < 0 ? ordered_json(nullptr) : num(best);
}

// The control's windows merged into the experiment's groups (same scenario, same window).
ordered_json control_series(const std::vector<double>& column, const std::vector<Group>& gs,
                            bool rate, double window_s, bool maximum) {
  ordered_json out = ordered_json::array();
  for (const Group& g : gs) {
    double acc = maximum ? -1 : 0;
    int seen = 0;
    for (std::size_t i = g.first; i <= g.last && i < column.size(); ++i) {
      if (std::isnan(column[i])) continue;
      acc = maximum ? std::max(acc, column[i]) : acc + column[i];
      ++seen;
    }
    if (seen == 0) {
      out.push_back(nullptr);
    } else if (maximum) {
      out.push_back(num(acc));
    } else {
      out.push_back(num(rate ? acc / (seen * window_s) : acc / seen));
    }
  }
  return out;
}

const char* kStyle = R"css(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1500px;padding:16px 24px;color:#1d2330}
h1{font-size:22px;margin:4px 0}h2{font-size:17px;margin:22px 0 8px;border-bottom:1px solid #dde;padding-bottom:3px}
.sub{color:#556;margin-bottom:10px}.badge{display:inline-block;padding:2px 10px;border-radius:4px;font-weight:600;color:#fff}
.PASS{background:#2a7d2e}.FAIL{background:#c0392b}.INCOMPLETE{background:#b9770e}.none{background:#778}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #dde;padding:3px 9px;text-align:right}
th{background:#f3f4f8}td:first-child,th:first-child{text-align:left}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(640px,1fr));gap:18px 28px}
.panel{min-width:0}.chart{height:270px;width:100%}.legend{font-size:12px;min-height:18px;margin-top:2px}
.note{color:#556;font-size:12px}
.dygraph-title{font-size:15px;font-weight:600}.dygraph-label{font-size:12px}.dygraph-ylabel{font-size:12px}
.legend .dygraph-legend{position:static;width:auto;background:none;font-size:12px}
.legend span{margin-right:10px;white-space:nowrap}pre{background:#f6f7fa;border:1px solid #dde;padding:10px;overflow:auto;max-height:520px;font-size:12px}
.held{color:#2a7d2e;font-weight:600}.failed{color:#c0392b;font-weight:600}.unjudged{color:#b9770e;font-weight:600}
)css";

// Builds every chart from the embedded data; fault windows are shaded under each one.
const char* kScript = R"js(
(function(){
var D=JSON.parse(document.getElementById('payquake-data').textContent);
function shade(ctx,area,g){
  D.faults.forEach(function(f){
    var l=g.toDomXCoord(f.start),r=g.toDomXCoord(f.end);
    l=Math.max(l,area.x);r=Math.min(r,area.x+area.w);if(r<=l)return;
    ctx.fillStyle='rgba(214,39,40,0.16)';ctx.fillRect(l,area.y,r-l,area.h);
    ctx.fillStyle='rgba(150,20,20,0.9)';ctx.font='11px sans-serif';
    ctx.fillText(f.kind+' '+f.target,l+3,area.y+12);
  });
}
function chart(id,title,ylabel,names,columns,extra){
  var rows=D.t.map(function(x,i){return [x].concat(columns.map(function(c){var v=c[i];return v===undefined?null:v;}));});
  var o={labels:['simulated time (s)'].concat(names),title:title,xlabel:'simulated time (s)',ylabel:ylabel,
    legend:'always',labelsDiv:id+'-legend',labelsSeparateLines:false,underlayCallback:shade,
    strokeWidth:1.6,highlightCircleSize:3,axisLabelFontSize:12,xLabelHeight:16,yLabelWidth:16,titleHeight:24,
    includeZero:true,connectSeparatedPoints:false};
  for(var k in extra)o[k]=extra[k];
  new Dygraph(document.getElementById(id),rows,o);
}
function constant(v){return D.t.map(function(){return v;});}
var C=D.control,S=D.series,dash={strokePattern:[6,4],strokeWidth:1.2};
function dashed(names){var o={};names.forEach(function(n){o[n]=dash;});return o;}
var names=['arrivals','approved','declined','failed','abandoned'],cols=[S.arrivals,S.approved,S.declined,S.failed,S.abandoned];
if(C){names.push('approved (control)');cols.push(C.approved);}
chart('throughput','Throughput','payments / s',names,cols,{series:dashed(['approved (control)'])});
names=['success rate','SLO target'];cols=[S.success_rate,constant(D.slo.success_rate)];
if(C){names.push('success rate (control)');cols.push(C.success_rate);}
chart('success','Success rate','% answered with 00/05/51/59',names,cols,{includeZero:false,series:dashed(['SLO target','success rate (control)'])});
names=['p50','p99','p99.9','SLO p99'];cols=[S.latency_p50,S.latency_p99,S.latency_p999,constant(D.slo.latency_p99)];
if(C){names.push('p99 (control)');cols.push(C.latency_p99);}
chart('latency','Latency','seconds (log scale)',names,cols,{logscale:true,includeZero:false,series:dashed(['SLO p99','p99 (control)'])});
chart('declines','Declines, failures and in-doubt payments','payments / s',
  ['declined','failed (91/96)','in doubt (payer gave up)'],[S.declined,S.failed,S.abandoned],{});
names=['all causes'];cols=[S.duplicates];
D.duplicate_causes.forEach(function(c){names.push(c);cols.push(S['duplicates_'+c]);});
chart('duplicates','Duplicate charges','payments per window',names,cols,{});
chart('retries','Retries, reversals and stand-in approvals','messages / s',
  ['retries','reversals','stand-in approvals'],[S.retries,S.reversals,S.stand_in],{});
chart('utilisation','Node utilisation','% of workers busy',D.nodes,D.nodes.map(function(n){return S['util_'+n];}),{});
chart('queues','Node queues','requests waiting',D.nodes,D.nodes.map(function(n){return S['queue_'+n];}),{});
})();
)js";

struct ChartBox {
  const char* id;
  const char* note;
};

const ChartBox kCharts[] = {
    {"throughput", "Arrivals at their intended times; final states by the time the payer saw them."},
    {"success", "Approved or declined, of the payments answered in the window (dashed: the SLO "
                "target). A window in which nothing was answered has no point."},
    {"latency", "Of the payments answered in the window, from the intended arrival, retries "
                "included; exact per window (dashed: the SLO's p99)."},
    {"declines", "Declines are the issuer's answer (05/51/59); failures are 91/96 or timeouts."},
    {"duplicates", "Payments charged more than once, by cause; counted when the ledger "
                   "reconciles them, placed at the window of the extra charge."},
    {"retries", "Client and hop retries of 0100; reversals (0400) where they start."},
    {"utilisation", "Busy workers of all replicas over all workers; time average per window."},
    {"queues", "Requests waiting for a worker, all replicas; time average per window."},
};

std::string fmt(const ordered_json& v, const char* kind) {
  if (v.is_null()) return "&ndash;";
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_string()) return html_escape(v.get<std::string>());
  if (!v.is_number()) return html_escape(v.dump());
  const double d = v.get<double>();
  char buf[64];
  const std::string k = kind;
  if (k == "percent") {
    std::snprintf(buf, sizeof buf, "%.3f%%", 100 * d);
  } else if (k == "ms") {
    std::snprintf(buf, sizeof buf, "%.1f ms", 1000 * d);
  } else if (k == "s") {
    std::snprintf(buf, sizeof buf, "%.1f s", d);
  } else if (k == "rate") {
    std::snprintf(buf, sizeof buf, "%.1f /s", d);
  } else if (v.is_number_integer() || v.is_number_unsigned()) {
    return v.dump();
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", d);
  }
  return buf;
}

struct Row {
  const char* label;
  const char* path;
  const char* kind;
};

const Row kSummaryRows[] = {
    {"payments arrived (whole run)", "payments.total", "count"},
    {"approved (whole run)", "payments.approved", "count"},
    {"declined (whole run)", "payments.declined", "count"},
    {"failed (whole run)", "payments.failed", "count"},
    {"abandoned (whole run)", "payments.abandoned", "count"},
    {"unfinished when the run ended", "payments.unfinished", "count"},
    {"measured payments (after warm-up)", "measured.payments", "count"},
    {"success rate (measured)", "measured.success_rate", "percent"},
    {"approval rate (measured)", "measured.approval_rate", "percent"},
    {"throughput (measured, approved)", "measured.throughput_per_second", "rate"},
    {"latency p50 (measured)", "latency_seconds.p50", "ms"},
    {"latency p90 (measured)", "latency_seconds.p90", "ms"},
    {"latency p99 (measured)", "latency_seconds.p99", "ms"},
    {"latency p99.9 (measured)", "latency_seconds.p999", "ms"},
    {"latency max (measured)", "latency_seconds.max", "ms"},
    {"0100 requests, every hop (whole run)", "attempts.total", "count"},
    {"retries, client + hop (whole run)", "attempts.retries", "count"},
    {"reversals (whole run)", "attempts.reversals", "count"},
    {"stand-in approvals (whole run)", "attempts.stand_in_approvals", "count"},
    {"duplicate charges (whole run)", "duplicates.count", "count"},
    {"charged in excess", "duplicates.amount", "count"},
    {"orphan holds", "duplicates.orphan_holds", "count"},
    {"in doubt (payer gave up)", "duplicates.in_doubt.count", "count"},
    {"conservation holds", "conservation.ok", "count"},
    {"simulated time", "simulated_seconds", "s"},
    {"partial (interrupted)", "partial", "count"},
};

void summary_table(std::ostream& out, const ordered_json& s, const ordered_json& control) {
  const bool with_control = !control.is_null();
  out << "<table><tr><th>figure</th><th>this run</th>";
  if (with_control) out << "<th>control (no faults)</th>";
  out << "</tr>\n";
  for (const Row& r : kSummaryRows) {
    out << "<tr><td>" << r.label << "</td><td>" << fmt(at(s, r.path), r.kind) << "</td>";
    if (with_control) out << "<td>" << fmt(at(control, r.path), r.kind) << "</td>";
    out << "</tr>\n";
  }
  out << "</table>\n";
}

void faults_table(std::ostream& out, const ordered_json& faults) {
  if (!faults.is_array() || faults.empty()) {
    out << "<p>No faults in this scenario.</p>\n";
    return;
  }
  out << "<table><tr><th>fault</th><th>target</th><th>window (simulated s)</th>"
         "<th>time to detect</th><th>time to recover (after it ended)</th><th>recovered</th>"
         "<th>failed payments</th><th>duplicates</th><th>error budget consumed</th></tr>\n";
  for (const auto& f : faults) {
    out << "<tr><td>" << fmt(f["kind"], "") << "</td><td>" << fmt(f["target"], "") << "</td><td>"
        << fmt(f["start"], "") << " &ndash; " << fmt(f["end"], "") << "</td><td>"
        << fmt(at(f, "time_to_detect_seconds"), "s") << "</td><td>"
        << fmt(at(f, "time_to_recover_seconds"), "s") << "</td><td>";
    const ordered_json& rec = at(f, "recovered");
    if (!at(f, "reached").is_null() && at(f, "reached") == false) {
      out << "not reached";
    } else if (rec.is_null()) {
      out << "not judged";
    } else {
      out << (rec.get<bool>() ? "yes" : "<span class=failed>NEVER</span>");
    }
    out << "</td><td>" << fmt(at(f, "failed_payments"), "") << "</td><td>"
        << fmt(at(f, "duplicates"), "") << "</td><td>"
        << fmt(at(f, "error_budget_consumed"), "percent") << "</td></tr>\n";
  }
  out << "</table>\n<p class=note>Time to detect: from the fault's start to the end of the "
         "first window failing the SLO. Time to recover: from its end to the start of the first "
         "run of <code>stable_for</code> in which every window meets the SLO. Error budget: 1 = "
         "the run's whole budget ((1 &minus; success target) &times; payments).</p>\n";
}

void expectations_table(std::ostream& out, const ordered_json& s) {
  const ordered_json& ex = at(s, "expectations");
  if (!ex.is_array() || ex.empty()) {
    out << "<p>The scenario states no expectations.</p>\n";
    return;
  }
  out << "<table><tr><th>expectation</th><th>measured</th><th>held</th></tr>\n";
  for (const auto& e : ex) {
    const ordered_json& held = at(e, "held");
    out << "<tr><td><code>" << fmt(e["expect"], "") << "</code></td><td>" << fmt(at(e, "value"), "")
        << "</td><td>"
        << (held.is_null() ? "<span class=unjudged>not judged</span>"
                           : held.get<bool>() ? "<span class=held>held</span>"
                                              : "<span class=failed>FAILED</span>")
        << "</td></tr>\n";
  }
  out << "</table>\n";
}

}  // namespace

ordered_json chart_data(const core::Scenario& scenario, const metrics::RunMetrics& m) {
  const auto& ws = m.windows();
  const std::vector<Group> gs = groups(ws.size(), m.window_s());
  ordered_json s;
  auto rate = [&](auto f) {
    return series(gs, [&](const Group& g) { return num(sum(ws, g, f) / g.seconds); });
  };
  s["arrivals"] = rate([](const WindowRow& w) { return w.arrivals; });
  s["approved"] = rate([](const WindowRow& w) { return w.succeeded - w.declines; });
  s["declined"] = rate([](const WindowRow& w) { return w.declines; });
  s["failed"] = rate([](const WindowRow& w) { return w.completions - w.succeeded - w.in_doubt; });
  s["abandoned"] = rate([](const WindowRow& w) { return w.in_doubt; });
  s["success_rate"] = series(gs, [&](const Group& g) {
    const double answered = sum(ws, g, [](const WindowRow& w) { return w.completions; });
    if (answered == 0) return ordered_json(nullptr);
    return num(100 * sum(ws, g, [](const WindowRow& w) { return w.succeeded; }) / answered);
  });
  s["latency_p50"] = series(gs, [&](const Group& g) { return worst(ws, g, [](const WindowRow& w) { return w.latency_p50_s; }); });
  s["latency_p99"] = series(gs, [&](const Group& g) { return worst(ws, g, [](const WindowRow& w) { return w.latency_p99_s; }); });
  s["latency_p999"] = series(gs, [&](const Group& g) { return worst(ws, g, [](const WindowRow& w) { return w.latency_p999_s; }); });
  s["duplicates"] = series(gs, [&](const Group& g) { return num(sum(ws, g, [](const WindowRow& w) { return w.duplicates; })); });
  ordered_json causes = ordered_json::array();
  for (int c = 0; c < static_cast<int>(core::DuplicateCause::kCount); ++c) {
    const std::string name = core::to_string(static_cast<core::DuplicateCause>(c));
    bool any = false;
    for (const auto& w : ws) any |= w.duplicates_by_cause[c] > 0;
    if (!any) continue;
    causes.push_back(name);
    s["duplicates_" + name] = series(gs, [&](const Group& g) {
      return num(sum(ws, g, [c](const WindowRow& w) { return w.duplicates_by_cause[c]; }));
    });
  }
  s["retries"] = rate([](const WindowRow& w) { return w.retries; });
  s["reversals"] = rate([](const WindowRow& w) { return w.reversals; });
  s["stand_in"] = rate([](const WindowRow& w) { return w.stand_in_approvals; });
  // The busiest nodes only: a chart of thousands of lines says nothing (and would be huge).
  std::vector<std::size_t> shown(m.nodes().size());
  for (std::size_t n = 0; n < shown.size(); ++n) shown[n] = n;
  std::vector<double> busy(shown.size(), 0.0);
  for (const auto& w : ws)
    for (std::size_t n = 0; n < busy.size(); ++n) busy[n] += w.node_utilisation[n];
  std::stable_sort(shown.begin(), shown.end(),
                   [&](std::size_t a, std::size_t b) { return busy[a] > busy[b]; });
  if (shown.size() > kMaxChartNodes) shown.resize(kMaxChartNodes);
  std::sort(shown.begin(), shown.end());
  ordered_json nodes = ordered_json::array();
  for (const std::size_t n : shown) {
    const std::string id = m.nodes()[n].id;
    nodes.push_back(id);
    s["util_" + id] = series(gs, [&](const Group& g) {
      return num(100 * sum(ws, g, [n](const WindowRow& w) { return w.node_utilisation[n]; }) /
                 static_cast<double>(g.last - g.first + 1));
    });
    s["queue_" + id] = series(gs, [&](const Group& g) {
      return num(sum(ws, g, [n](const WindowRow& w) { return w.node_queue_length[n]; }) /
                 static_cast<double>(g.last - g.first + 1));
    });
  }
  ordered_json faults = ordered_json::array();
  for (const auto& f : scenario.faults) {
    const std::string target = f.target.empty() ? f.between.first + "/" + f.between.second : f.target;
    faults.push_back({{"kind", core::to_string(f.kind)}, {"target", target}, {"start", f.at_s}, {"end", f.end_s()}});
  }
  ordered_json out;
  out["t"] = series(gs, [&](const Group& g) { return num(ws[g.first].start_s); });
  out["series"] = std::move(s);
  out["duplicate_causes"] = std::move(causes);
  out["nodes"] = std::move(nodes);
  out["faults"] = std::move(faults);
  out["slo"] = {{"success_rate", num(100 * scenario.slo.success_rate)},
                {"latency_p99", num(scenario.slo.latency_p99_s)}};
  out["nodes_total"] = m.nodes().size();
  out["merged_windows"] = gs.empty() ? 1 : gs[0].last - gs[0].first + 1;
  out["windows"] = ws.size();
  out["window_seconds"] = m.window_s();
  return out;
}

std::string report_html(const HtmlReportInput& in) {
  const ordered_json& s = in.summary;
  ordered_json data = in.charts;
  const double window_s = data["window_seconds"].get<double>();
  const bool with_control = !in.control_timeseries_csv.empty();
  if (with_control) {
    const std::vector<Group> gs = groups(data["windows"].get<std::size_t>(), window_s);
    const auto cols = csv_columns(in.control_timeseries_csv,
                                  {"completions", "declines", "in_doubt", "success_rate",
                                   "latency_p99_seconds"});
    std::vector<double> approved(cols[0].size());
    for (std::size_t i = 0; i < approved.size(); ++i) {
      // In the CSV, success_rate is approved + declined over completions.
      const double answered = cols[0][i] * (std::isnan(cols[3][i]) ? 0 : cols[3][i]);
      approved[i] = answered - cols[1][i];
    }
    std::vector<double> success_pct = cols[3];
    for (double& v : success_pct) v *= 100;
    const double w = window_s;
    data["control"] = {{"approved", control_series(approved, gs, true, w, false)},
                       {"success_rate", control_series(success_pct, gs, false, w, false)},
                       {"latency_p99", control_series(cols[4], gs, false, w, true)}};
  } else {
    data["control"] = nullptr;
  }

  std::ostringstream out;
  const std::string name = at(s, "scenario").is_string() ? at(s, "scenario").get<std::string>() : in.scenario.name;
  const ordered_json& verdict = at(s, "verdict");
  const std::string verdict_text = verdict.is_string() ? verdict.get<std::string>() : "no expectations";
  const std::string verdict_class = verdict.is_string() ? verdict_text : "none";
  out << "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n<title>payquake report: "
      << html_escape(name) << "</title>\n<style>"
      << std::string(reinterpret_cast<const char*>(kChartCss), sizeof kChartCss) << kStyle
      << "</style>\n<script>\n";
  const auto* js = reinterpret_cast<const char*>(kChartJs);
  out << script_text_safe(std::string(js, sizeof kChartJs)) << "\n</script>\n</head><body>\n";
  out << "<h1>payquake report: " << html_escape(name) << " (seed " << fmt(at(s, "seed"), "")
      << ") <span class=\"badge " << verdict_class << "\">" << html_escape(verdict_text)
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
  summary_table(out, s, with_control ? in.control_summary : ordered_json());
  out << "<h2>Over time</h2>\n<p class=note>Simulated time on every x axis; fault windows shaded "
         "red. Hover a chart for values; drag to zoom, double-click to reset.</p>\n<div class=grid>\n";
  for (const ChartBox& c : kCharts)
    out << "<div class=panel><div class=chart id=" << c.id << "></div><div class=legend id="
        << c.id << "-legend></div><div class=note>" << c.note << "</div></div>\n";
  out << "</div>\n<h2>Faults and recovery</h2>\n";
  faults_table(out, at(s, "faults"));
  out << "<h2>Expectations: <span class=\"badge " << verdict_class << "\">"
      << html_escape(verdict_text) << "</span></h2>\n";
  expectations_table(out, s);
  out << "<h2>Scenario</h2>\n<p class=note>" << html_escape(in.scenario.source_file)
      << ", with every default filled in (scenario.resolved.yaml):</p>\n<pre>"
      << html_escape(in.resolved_yaml) << "</pre>\n";
  out << "<script type=\"application/json\" id=payquake-data>" << script_safe(data.dump())
      << "</script>\n<script>" << kScript << "</script>\n</body></html>\n";
  return out.str();
}

}  // namespace payquake::report
