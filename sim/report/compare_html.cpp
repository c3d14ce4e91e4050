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

const char* kCompareStyle = R"css(
.forest{width:100%}.differs{color:#c0392b;font-weight:600}.same{color:#556}
.minimise td{background:#fff4c2;font-weight:600}
.incomplete{background:#fdf2e0;border:1px solid #b9770e;padding:6px 10px;margin:8px 0}
code{background:#f3f4f8;padding:1px 4px;border-radius:3px}
)css";

// One row per figure: the interval of B - A as a bar with the mean as a dot, on the
// figure's own scale, symmetric about 0 (the vertical line); red where the interval
// excludes 0, grey where it does not.
const char* kCompareScript = R"js(
(function(){
var D=JSON.parse(document.getElementById('payquake-data').textContent);
var rows=D.rows.filter(function(r){return r.low!==null&&r.high!==null;});
var c=document.getElementById('differences');
var rowH=38,top=34,bottom=30,nameW=230,textW=330;
var width=c.clientWidth||900,height=top+bottom+rowH*Math.max(rows.length,1);
c.style.height=height+'px';
var cv=document.createElement('canvas'),ratio=window.devicePixelRatio||1;
cv.width=width*ratio;cv.height=height*ratio;cv.style.width=width+'px';cv.style.height=height+'px';
c.appendChild(cv);
var g=cv.getContext('2d');g.scale(ratio,ratio);
var x0=nameW,x1=width-textW,mid=(x0+x1)/2,half=(x1-x0)/2-8;
g.font='600 14px sans-serif';g.fillStyle='#1d2330';
g.fillText('B \u2212 A per figure, mean and 95% interval of the paired differences',4,18);
g.font='11px sans-serif';g.fillStyle='#556';g.textAlign='center';
g.fillText('\u2190 B lower          0 = no difference          B higher \u2192',mid,height-10);
g.textAlign='left';
g.strokeStyle='#888';g.lineWidth=1;g.beginPath();g.moveTo(mid,top-6);g.lineTo(mid,height-bottom+4);g.stroke();
if(!rows.length){g.fillText('no figure has an interval (fewer than 2 pairs)',x0,top+18);}
rows.forEach(function(r,i){
  var y=top+i*rowH+rowH/2;
  if(r.minimise){g.fillStyle='#fff4c2';g.fillRect(0,y-rowH/2,width,rowH);}
  else if(i%2===0){g.fillStyle='#f5f6fa';g.fillRect(0,y-rowH/2,width,rowH);}
  var span=Math.max(Math.abs(r.low),Math.abs(r.high),Math.abs(r.mean))*1.1;if(!(span>0))span=1;
  function X(v){return mid+v/span*half;}
  g.strokeStyle='#ccd';g.beginPath();g.moveTo(x0,y+8);g.lineTo(x1,y+8);g.stroke();
  g.strokeStyle='#888';g.beginPath();g.moveTo(mid,y-rowH/2);g.lineTo(mid,y+rowH/2);g.stroke();
  y-=4;var col=r.excludes_zero?'#d62728':'#7f7f7f';
  g.strokeStyle=col;g.fillStyle=col;g.lineWidth=4;
  g.beginPath();g.moveTo(X(r.low),y);g.lineTo(X(r.high),y);g.stroke();
  g.lineWidth=2;[r.low,r.high].forEach(function(v){g.beginPath();g.moveTo(X(v),y-7);g.lineTo(X(v),y+7);g.stroke();});
  g.beginPath();g.arc(X(r.mean),y,5,0,2*Math.PI);g.fill();g.lineWidth=1;
  g.fillStyle='#1d2330';g.font='13px sans-serif';g.textAlign='left';g.fillText(r.figure,4,y+8);
  g.fillStyle='#778';g.font='10px sans-serif';g.textAlign='left';g.fillText('\u2212'+r.span_text,x0,y+20);
  g.textAlign='right';g.fillText('+'+r.span_text,x1,y+20);
  g.fillStyle=col;g.font=(r.excludes_zero?'600 ':'')+'12px sans-serif';g.textAlign='left';g.fillText(r.text,x1+12,y+8);
});
})();
)js";

using core::printf_text;

// Four significant digits, but whole numbers from 1000 on (counts read better as 416849
// than as 4.168e+05); `sign`: always a sign, as a difference is written.
std::string number(double v, bool sign, bool money = false) {
  if (money) return printf_text(sign ? "%+.2f" : "%.2f", v);
  if (std::fabs(v) >= 1000) return printf_text(sign ? "%+.0f" : "%.0f", v);
  return printf_text(sign ? "%+.4g" : "%.4g", v);
}

double magnitude(const ordered_json& figure) {
  double m = 0;
  for (const char* side : {"a.mean", "b.mean"})
    if (at(figure, side).is_number()) m = std::max(m, std::fabs(at(figure, side).get<double>()));
  return m;
}

std::string value_text(const ordered_json& v, const DisplayUnit& u) {
  if (!v.is_number()) return "&ndash;";
  return escape(number(v.get<double>() * u.factor, false, u.money) + (u.unit.empty() ? "" : " " + u.unit));
}

std::string diff_text(double v, const DisplayUnit& u) {
  std::string s = number(v * u.factor, true, u.money);
  return u.difference.empty() ? s : s + " " + u.difference;
}

std::string interval_text(const ordered_json& ci, const DisplayUnit& u) {
  if (!ci.is_array() || ci.size() != 2 || !ci[0].is_number()) return "&ndash;";
  std::string text = "[";  // built by appending: GCC 12's -Wrestrict misfires on "[" + ...
  text += number(ci[0].get<double>() * u.factor, true, u.money);
  text += ", ";
  text += number(ci[1].get<double>() * u.factor, true, u.money);
  text += "]";
  if (!u.difference.empty()) text += " " + u.difference;
  return escape(text);
}

// The chart's rows: each figure's difference and interval in its display unit.
ordered_json chart_rows(const ordered_json& figures) {
  ordered_json rows = ordered_json::array();
  for (const auto& f : figures) {
    const DisplayUnit u = display_unit(at(f, "unit").is_string() ? at(f, "unit").get<std::string>() : "",
                                       magnitude(f));
    const ordered_json& ci = at(f, "difference.ci95");
    const ordered_json& mean = at(f, "difference.mean");
    ordered_json row = {{"figure", at(f, "figure")}, {"mean", nullptr}, {"low", nullptr},
                        {"high", nullptr}, {"excludes_zero", at(f, "difference.excludes_zero") == true},
                        {"text", ""}, {"span_text", ""}, {"minimise", at(f, "minimise") == true}};
    if (ci.is_array() && ci.size() == 2 && ci[0].is_number() && mean.is_number()) {
      const double lo = ci[0].get<double>() * u.factor, hi = ci[1].get<double>() * u.factor;
      const double m = mean.get<double>() * u.factor;
      row["mean"] = num(m);
      row["low"] = num(lo);
      row["high"] = num(hi);
      row["text"] = diff_text(mean.get<double>(), u) + " [" + number(lo, true, u.money) + ", " +
                    number(hi, true, u.money) + "]";
      const double span = std::max({std::fabs(lo), std::fabs(hi), std::fabs(m)}) * 1.1;
      row["span_text"] = number(span > 0 ? span : 1, false, u.money) +
                         (u.difference.empty() ? "" : " " + u.difference);
    }
    rows.push_back(row);
  }
  return rows;
}

void differences_table(std::ostream& out, const ordered_json& figures) {
  out << "<table><tr><th>figure</th><th>A mean</th><th>B mean</th><th>B &minus; A (mean of the "
         "paired differences)</th><th>95% interval of B &minus; A</th><th>excludes 0</th>"
         "<th>pairs</th><th>runs without the figure</th></tr>\n";
  for (const auto& f : figures) {
    const DisplayUnit u = display_unit(at(f, "unit").is_string() ? at(f, "unit").get<std::string>() : "",
                                       magnitude(f));
    const ordered_json& mean = at(f, "difference.mean");
    const ordered_json& ex = at(f, "difference.excludes_zero");
    const bool minimise = at(f, "minimise") == true;
    out << (minimise ? "<tr class=minimise><td>" : "<tr><td>") << html::fmt(at(f, "figure"), "")
        << (minimise ? " (the figure to minimise)" : "") << "</td><td>" << value_text(at(f, "a.mean"), u)
        << "</td><td>" << value_text(at(f, "b.mean"), u) << "</td><td>"
        << (mean.is_number() ? escape(diff_text(mean.get<double>(), u)) : "&ndash;") << "</td><td>"
        << interval_text(at(f, "difference.ci95"), u) << "</td><td>"
        << (ex.is_boolean() ? (ex.get<bool>() ? "<span class=differs>yes</span>" : "<span class=same>no</span>")
                            : "&ndash;")
        << "</td><td>" << html::fmt(at(f, "difference.pairs"), "") << "</td><td>";
    const ordered_json& am = at(f, "a.missing");
    const ordered_json& bm = at(f, "b.missing");
    const bool any = (am.is_number() && am.get<double>() > 0) || (bm.is_number() && bm.get<double>() > 0);
    out << (any ? "A " + html::fmt(am, "") + ", B " + html::fmt(bm, "") : std::string("none"))
        << "</td></tr>\n";
  }
  out << "</table>\n";
}

}  // namespace

DisplayUnit display_unit(const std::string& unit, double magnitude) {
  if (unit == "fraction") return {100, "%", "pp"};
  if (unit == "seconds") return magnitude < 1 ? DisplayUnit{1000, "ms", "ms"} : DisplayUnit{1, "s", "s"};
  if (unit == "per_second") return {1, "/s", "/s"};
  if (unit == "count") return {1, "", ""};
  if (unit == "money") return {1, "", "", true};
  return {1, "", ""};
}

std::string compare_html(const ordered_json& c) {
  std::ostringstream out;
  const auto text = [&](const char* key) {
    return at(c, key).is_string() ? at(c, key).get<std::string>() : std::string();
  };
  const bool partial = at(c, "partial") == true;
  const ordered_json& figures = at(c, "figures").is_array() ? at(c, "figures") : ordered_json::array();
  html::open_page(out, "payquake comparison: " + text("a") + " vs " + text("b"), kCompareStyle);
  out << "<h1>payquake comparison";
  if (partial) out << " <span class=\"badge INCOMPLETE\">INCOMPLETE</span>";
  out << "</h1>\n<div class=sub><b>A</b>: <code>" << escape(text("a")) << "</code><br><b>B</b>: <code>"
      << escape(text("b")) << "</code><br>";
  const std::size_t pairs = at(c, "seeds").is_array() ? at(c, "seeds").size() : 0;
  out << pairs << " paired replications (the same seed for A and B)";
  if (at(c, "replications").is_number() && at(c, "replications").get<std::size_t>() != pairs)
    out << " of " << html::fmt(at(c, "replications"), "") << " asked";
  out << "; intervals: "
      << (at(c, "confidence").is_number() ? printf_text("%.0f%%", 100 * at(c, "confidence").get<double>()) : "95%")
      << " Student t intervals of the mean paired difference.";
  const ordered_json& ratio = at(c, "median_paired_to_unpaired_width");
  if (ratio.is_number())
    out << " Pairing: the paired intervals are " << printf_text("%.2f", ratio.get<double>())
        << " times as wide as unpaired (Welch) ones would be (median over the figures).";
  out << "</div>\n";
  if (partial)
    out << "<div class=incomplete><b>INCOMPLETE: the comparison was interrupted.</b> Only the "
        << pairs << " replications whose two runs finished before the stop count; the "
        << "intervals are wider than a whole comparison's would be.</div>\n";
  out << "<h2>Differences B &minus; A</h2>\n<p class=note>Each figure on its own scale, 0 (no "
         "difference) in the middle. Red: the 95% interval excludes 0 (B differs from A); grey: "
         "it does not. Fractions in percentage points (pp).</p>\n"
         "<div class=\"chart forest\" id=differences></div>\n";
  if (std::any_of(figures.begin(), figures.end(),
                  [](const ordered_json& f) { return at(f, "minimise") == true; }))
    out << "<p class=note>Fraud figures are per run over the measured interval, money in the "
           "scenario's currency units. The highlighted row, the fraud total cost (loss + "
           "chargeback fees + lost margin of false declines and abandoned step-ups), is the one "
           "figure to minimise.</p>\n";
  differences_table(out, figures);
  out << "<h2>Replications</h2>\n<p>Seeds compared:";
  for (const auto& s : at(c, "seeds")) out << " " << html::fmt(s, "");
  out << "</p>\n";
  const ordered_json& excluded = at(c, "excluded");
  if (excluded.is_array() && !excluded.empty()) {
    out << "<p class=failed>Left out of both sides (a run failed or never ran):</p>\n<table><tr>"
           "<th>seed</th><th>why</th></tr>\n";
    for (const auto& e : excluded)
      out << "<tr><td>" << html::fmt(at(e, "seed"), "") << "</td><td>" << html::fmt(at(e, "why"), "")
          << "</td></tr>\n";
    out << "</table>\n";
  } else {
    out << "<p>No replication was left out: every run of A and B finished.</p>\n";
  }
  out << "<p class=note>The runs are in this folder: a/&lt;seed&gt;/ and b/&lt;seed&gt;/, each "
         "with its own report.html. All numbers here are those of compare.json.</p>\n";
  ordered_json data = {{"rows", chart_rows(figures)}};
  html::close_page(out, data, kCompareScript);
  return out.str();
}

}  // namespace payquake::report
