#include "study/sizing_report.hpp"

#include <cstdio>

namespace payquake::study {
namespace {

using Json = nlohmann::ordered_json;

Json number_or_null(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

Json sample_json(const Sample& s) {
  return Json{{"n", s.n},
              {"mean", number_or_null(s.mean)},
              {"ci95", s.interval ? Json::array({s.interval->low, s.interval->high})
                                  : Json(nullptr)}};
}

// "0.412 s" / "99.95%", and an interval "[0.398, 0.426]" in the same unit.
std::string shown(double v, bool seconds) {
  char buf[48];
  if (seconds) {
    if (v < 1) std::snprintf(buf, sizeof buf, "%.1f ms", v * 1e3);
    else std::snprintf(buf, sizeof buf, "%.3f s", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.3f%%", v * 100);
  }
  return buf;
}

std::string shown(const Sample& s, bool seconds) {
  if (!s.mean) return "n/a";
  std::string out = shown(*s.mean, seconds);
  if (s.interval)
    out += " [" + shown(s.interval->low, seconds) + ", " + shown(s.interval->high, seconds) + "]";
  return out;
}

bool is_seconds(const SloTerm& t) {
  for (const auto& m : slo_metrics())
    if (t.metric == m.name) return m.seconds;
  return false;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

std::string decision_rule() {
  return "a value meets the SLO when, over its replications, every term `<=` has the upper end "
         "and every term `>=` the lower end of the two-sided 95% Student-t interval of the mean "
         "on the right side of its target (one replication: the value itself); a run in which "
         "a figure is missing counts against it; failed runs are left out, never averaged";
}

std::string sizing_table(const std::vector<CurvePoint>& curve, const SizingInfo& info) {
  std::string out = "sizing " + info.node + "." + to_string(info.knob) + " of " + info.scenario +
                    " for " + info.slo + " (" + std::to_string(info.replications) +
                    " replications per value, the same seeds at every value)\n";
  const std::size_t w = 34;
  out += "  " + pad(to_string(info.knob), 9);
  for (const auto& t : info.terms) out += pad(t.metric + " mean [95% CI]", w);
  out += pad("peak utilisation of " + info.node, w) + "meets\n";
  for (const auto& p : curve) {
    out += "  " + pad(std::to_string(p.value), 9);
    for (std::size_t i = 0; i < info.terms.size(); ++i)
      out += pad(shown(p.terms[i].sample, is_seconds(info.terms[i])), w);
    out += pad(shown(p.peak_utilisation, false), w);
    out += p.holds ? "yes" : "no";
    if (p.failed > 0) out += " (" + std::to_string(p.failed) + " of " + std::to_string(p.runs) + " runs failed)";
    out += "\n";
  }
  out += "  decision: " + decision_rule() + "\n";
  if (info.partial) {
    out += "  answer: none (interrupted before the search ended)\n";
  } else if (info.answer) {
    out += "  answer: " + std::string(to_string(info.knob)) + " = " + std::to_string(*info.answer) +
           " on " + info.node;
    if (info.largest_failing)
      out += " (" + std::to_string(*info.largest_failing) + " does not meet the SLO)";
    else
      out += " (the smallest value the format allows)";
    out += "\n";
  } else {
    out += "  answer: none: no value up to " + std::to_string(info.largest_failing.value_or(0)) +
           " meets the SLO\n";
  }
  if (info.non_monotone)
    out += "  warning: a larger value did worse than a smaller one somewhere; the SLO may not be "
           "monotone in " + std::string(to_string(info.knob)) + " (more replications may settle it)\n";
  return out;
}

Json sizing_json(const std::vector<CurvePoint>& curve, const SizingInfo& info) {
  Json terms = Json::array();
  for (const auto& t : info.terms)
    terms.push_back({{"term", t.text},
                     {"metric", t.metric},
                     {"comparison", t.at_most ? "<=" : ">="},
                     {"target", t.target},
                     {"unit", is_seconds(t) ? "seconds" : "fraction"}});
  Json points = Json::array();
  for (const auto& p : curve) {
    Json figures = Json::object();
    for (std::size_t i = 0; i < info.terms.size(); ++i) {
      Json f = sample_json(p.terms[i].sample);
      f["runs_without_value"] = p.terms[i].nulls;
      f["bound_compared"] = p.terms[i].sample.mean ? Json(p.terms[i].bound) : Json(nullptr);
      f["holds"] = p.terms[i].holds;
      figures[info.terms[i].metric] = f;
    }
    Json u = sample_json(p.peak_utilisation);
    u["unit"] = "fraction of the node's workers busy, in its busiest window";
    figures["peak_utilisation"] = u;
    points.push_back({{"value", p.value},
                      {"runs", p.runs},
                      {"failed_runs", p.failed},
                      {"meets", p.holds},
                      {"figures", figures}});
  }
  return Json{{"scenario", info.scenario},
              {"node", info.node},
              {"knob", to_string(info.knob)},
              {"scenario_value", info.scenario_value},
              {"slo", terms},
              {"replications", info.replications},
              {"seeds", info.seeds},
              {"decision_rule", decision_rule()},
              {"partial", info.partial},
              {"non_monotone", info.non_monotone},
              {"answer", info.answer && !info.partial ? Json(*info.answer) : Json(nullptr)},
              {"largest_failing", info.largest_failing ? Json(*info.largest_failing) : Json(nullptr)},
              {"curve", points}};
}

std::string sizing_csv(const std::vector<CurvePoint>& curve, const SizingInfo& info) {
  std::string out = std::string(to_string(info.knob)) + ",figure,unit,n,mean,ci95_low,ci95_high,meets\n";
  const auto row = [&](const CurvePoint& p, const std::string& figure, const char* unit,
                       const Sample& s, const std::string& meets) {
    char buf[256];
    const auto num = [](const std::optional<double>& v) {
      char b[32];
      if (!v) return std::string();
      std::snprintf(b, sizeof b, "%.10g", *v);
      return std::string(b);
    };
    std::snprintf(buf, sizeof buf, "%lld,%s,%s,%zu,%s,%s,%s,%s\n", static_cast<long long>(p.value),
                  figure.c_str(), unit, s.n, num(s.mean).c_str(),
                  num(s.interval ? std::optional(s.interval->low) : std::nullopt).c_str(),
                  num(s.interval ? std::optional(s.interval->high) : std::nullopt).c_str(),
                  meets.c_str());
    out += buf;
  };
  for (const auto& p : curve) {
    for (std::size_t i = 0; i < info.terms.size(); ++i)
      row(p, info.terms[i].metric, is_seconds(info.terms[i]) ? "seconds" : "fraction",
          p.terms[i].sample, p.terms[i].holds ? "true" : "false");
    row(p, "peak_utilisation", "fraction", p.peak_utilisation, p.holds ? "true" : "false");
  }
  return out;
}

}  // namespace payquake::study
