#include "report/html_report_charts.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string_view>
#include <vector>

#include "report/html_page.hpp"
#include "report/html_report.hpp"

namespace payquake::report {
namespace {

using nlohmann::ordered_json;
using metrics::WindowRow;
using html::num;

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
if(D.fraud)chart('fraud','Fraud','payments / s',['fraud attempts','fraud approved','fraud caught','false declines'],
  [D.fraud.attempts,D.fraud.approved,D.fraud.caught,D.fraud.false_declines],{});
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
    {"fraud", "Fraudulent payments (ground truth) by the window of their arrival: attempts, "
              "those charged (approved), those a policy declined or its challenge stopped "
              "(caught); and legitimate payments a policy declined (false declines)."},
    {"utilisation", "Busy workers of all replicas over all workers; time average per window."},
    {"queues", "Requests waiting for a worker, all replicas; time average per window."},
};

// The Fraud chart's series (per second, by arrival window), or null when the run has no
// policy, no attack and no fraud: then the page shows no Fraud chart.
ordered_json fraud_series(const std::vector<Group>& gs, const metrics::RunMetrics& m) {
  const auto& f = m.fraud();
  if (!f.anything()) return nullptr;
  const auto& fws = f.windows();
  auto rate = [&](auto value) {
    return series(gs, [&](const Group& g) {
      double n = 0;
      for (std::size_t i = g.first; i <= g.last && i < fws.size(); ++i)
        n += static_cast<double>(value(fws[i]));
      return num(n / g.seconds);
    });
  };
  using metrics::FraudWindow;
  return ordered_json{
      {"attempts", rate([](const FraudWindow& w) { return w.attempts; })},
      {"approved", rate([](const FraudWindow& w) { return w.approved; })},
      {"caught", rate([](const FraudWindow& w) { return w.caught; })},
      {"false_declines", rate([](const FraudWindow& w) { return w.false_declines; })}};
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
  out["fraud"] = fraud_series(gs, m);
  return out;
}

namespace run_charts {

ordered_json with_control(ordered_json data, const std::string& control_timeseries_csv) {
  const double window_s = data["window_seconds"].get<double>();
  if (control_timeseries_csv.empty()) {
    data["control"] = nullptr;
    return data;
  }
  const std::vector<Group> gs = groups(data["windows"].get<std::size_t>(), window_s);
  const auto cols = csv_columns(control_timeseries_csv,
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
  return data;
}

void chart_panels(std::ostream& out, const ordered_json& data) {
  const bool fraud = data.contains("fraud") && !data["fraud"].is_null();
  for (const ChartBox& c : kCharts) {
    if (std::string_view(c.id) == "fraud" && !fraud) continue;
    out << "<div class=panel><div class=chart id=" << c.id << "></div><div class=legend id="
        << c.id << "-legend></div><div class=note>" << c.note << "</div></div>\n";
  }
}

const char* script() { return kScript; }

}  // namespace run_charts

}  // namespace payquake::report
