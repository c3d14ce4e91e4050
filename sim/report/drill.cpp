#include "report/drill.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "core/expect_metrics.hpp"
#include "metrics/recovery.hpp"

namespace payquake::report {
namespace {

using nlohmann::ordered_json;

ordered_json optional_number(const std::optional<double>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}

std::string cell(const ordered_json& v) {
  if (v.is_null()) return "";
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_float()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v.get<double>());
    return buf;
  }
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// The figures a control run is compared on: (name, JSON pointer).
const std::vector<std::pair<const char*, const char*>> kCompared = {
    {"payments_approved", "/payments/approved"},
    {"payments_failed", "/payments/failed"},
    {"payments_abandoned", "/payments/abandoned"},
    {"success_rate", "/payments/success_rate"},
    {"duplicates", "/duplicates/count"},
    {"orphan_holds", "/duplicates/orphan_holds"},
    {"latency_p50_seconds", "/latency_seconds/p50"},
    {"latency_p99_seconds", "/latency_seconds/p99"},
    {"latency_p999_seconds", "/latency_seconds/p999"},
};

double number_at(const ordered_json& j, const std::string& pointer) {
  const auto p = nlohmann::json::json_pointer(pointer);
  if (!j.contains(p)) return std::numeric_limits<double>::quiet_NaN();
  const auto& v = j.at(p);
  if (v.is_number()) return v.get<double>();
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (v.is_string()) {
    // Money is written as a decimal string ("42.50"); any other string is no number.
    const std::string text = v.get<std::string>();
    char* end = nullptr;
    const double x = std::strtod(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size()) return x;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

// The largest of one time over the fault episodes. Recovery: empty when an episode
// never recovered (no bound holds). Detection: the worst of the detected episodes, empty
// when none was detected (a bound on detection cannot hold for what was never seen).
// Without faults both are 0.
std::optional<double> worst(const ordered_json& faults, const char* key, bool missing_is_infinite) {
  if (faults.empty()) return 0.0;
  std::optional<double> worst_s;
  for (const auto& f : faults) {
    if (f[key].is_null()) {
      if (missing_is_infinite) return std::nullopt;
      continue;
    }
    worst_s = std::max(worst_s.value_or(0.0), f[key].get<double>());
  }
  return worst_s;
}

std::optional<double> measured(const std::string& metric, const ordered_json& s) {
  if (metric == "recovery_time") return worst(s["faults"], "time_to_recover_seconds", true);
  if (metric == "detect_time") return worst(s["faults"], "time_to_detect_seconds", false);
  std::string pointer;
  if (const auto* m = core::find_expect_metric(metric)) {
    pointer = std::string(m->pointer);
  } else {  // a dotted path into summary.json
    pointer = "/" + metric;
    std::replace(pointer.begin(), pointer.end(), '.', '/');
  }
  const double v = number_at(s, pointer);
  if (std::isnan(v)) return std::nullopt;
  return v;
}

// A value as a person reads it, in the unit of its metric.
std::string display(double v, core::MetricUnit unit) {
  char buf[48];
  switch (unit) {
    case core::MetricUnit::kDuration:
      if (std::abs(v) < 1.0) {
        std::snprintf(buf, sizeof buf, "%.4g ms", 1e3 * v);
      } else {
        std::snprintf(buf, sizeof buf, "%.4g s", v);
      }
      return buf;
    case core::MetricUnit::kPercent: std::snprintf(buf, sizeof buf, "%.3f%%", 100 * v); return buf;
    case core::MetricUnit::kMoney: std::snprintf(buf, sizeof buf, "%.2f", v); return buf;
    case core::MetricUnit::kRate: std::snprintf(buf, sizeof buf, "%.1f/s", v); return buf;
    case core::MetricUnit::kCount:
    case core::MetricUnit::kSummaryPath: std::snprintf(buf, sizeof buf, "%.10g", v); return buf;
  }
  return cell(ordered_json(v));
}

std::string display_value(const Verdict& v) {
  if (!v.value) return v.judgement == Judgement::kNotJudged ? "not judged" : "never";
  const auto* m = core::find_expect_metric(v.metric);
  return display(*v.value, m ? m->unit : core::MetricUnit::kSummaryPath);
}

const char* judgement_word(Judgement j) {
  switch (j) {
    case Judgement::kHeld: return "held";
    case Judgement::kFailed: return "FAILED";
    case Judgement::kNotJudged: return "not judged";
  }
  return "";
}

// On a partial run a growing count that already breaks an upper bound has failed for good.
bool failed_for_good(const core::Expectation& x, double value) {
  const auto* m = core::find_expect_metric(x.metric);
  if (m == nullptr || !m->grows) return false;
  using Op = core::Expectation::Op;
  switch (x.op) {
    case Op::kEq: return value > x.value;
    case Op::kLe: return value > x.value;
    case Op::kLt: return value >= x.value;
    case Op::kGe:
    case Op::kGt: return false;
  }
  return false;
}

bool holds(double v, core::Expectation::Op op, double target) {
  // Equality with a relative tolerance: summary figures are computed in floating point.
  const double tolerance = 1e-9 * std::max(1.0, std::abs(target));
  switch (op) {
    case core::Expectation::Op::kEq: return std::abs(v - target) <= tolerance;
    case core::Expectation::Op::kLe: return v <= target + tolerance;
    case core::Expectation::Op::kGe: return v >= target - tolerance;
    case core::Expectation::Op::kLt: return v < target;
    case core::Expectation::Op::kGt: return v > target;
  }
  return false;
}

}  // namespace

ordered_json faults_json(const core::Scenario& scenario, const metrics::RunMetrics& metrics,
                         double observed_until_s) {
  ordered_json out = ordered_json::array();
  for (const auto& f : scenario.faults) {
    const metrics::Episode e =
        metrics::assess(f, metrics.slo_windows(), scenario.slo, scenario.duration_s,
                        metrics.arrivals(), observed_until_s);
    std::string target = f.target;
    if (target.empty()) target = f.between.first + "/" + f.between.second;  // a partition
    out.push_back(ordered_json{
        {"kind", core::to_string(f.kind)},
        {"target", target},
        {"start", f.at_s},
        {"end", f.end_s()},
        {"reached", e.reached},
        {"ended", e.ended},
        {"time_to_detect_seconds", optional_number(e.time_to_detect_s)},
        {"time_to_recover_seconds", optional_number(e.time_to_recover_s)},
        {"time_to_recover_from_start_seconds", optional_number(e.recover_from_start_s)},
        {"recovered", e.judged ? ordered_json(e.recovered) : ordered_json(nullptr)},
        // A fault the run never reached cost nothing that could be counted: null, not 0.
        {"failed_payments", e.reached ? ordered_json(e.failed_payments) : ordered_json(nullptr)},
        {"duplicates", e.reached ? ordered_json(e.duplicates) : ordered_json(nullptr)},
        {"error_budget_consumed",
         e.reached ? ordered_json(e.error_budget_consumed) : ordered_json(nullptr)},
    });
  }
  return out;
}

std::string faults_csv(const ordered_json& faults) {
  static const char* kColumns[] = {"kind",
                                   "target",
                                   "start",
                                   "end",
                                   "reached",
                                   "ended",
                                   "time_to_detect_seconds",
                                   "time_to_recover_seconds",
                                   "time_to_recover_from_start_seconds",
                                   "recovered",
                                   "failed_payments",
                                   "duplicates",
                                   "error_budget_consumed"};
  std::ostringstream out;
  for (std::size_t i = 0; i < std::size(kColumns); ++i) out << (i ? "," : "") << kColumns[i];
  out << '\n';
  for (const auto& f : faults) {
    for (std::size_t i = 0; i < std::size(kColumns); ++i) out << (i ? "," : "") << cell(f[kColumns[i]]);
    out << '\n';
  }
  return out.str();
}

std::vector<Verdict> check_expectations(const core::Scenario& scenario, const ordered_json& summary,
                                        bool partial) {
  std::vector<Verdict> verdicts;
  for (const auto& x : scenario.expectations) {
    Verdict v;
    v.expect = x.text;
    v.metric = x.metric;
    v.value = measured(x.metric, summary);
    if (partial) {
      v.judgement = v.value && failed_for_good(x, *v.value) ? Judgement::kFailed
                                                            : Judgement::kNotJudged;
    } else {
      v.judgement = v.value && holds(*v.value, x.op, x.value) ? Judgement::kHeld
                                                              : Judgement::kFailed;
    }
    verdicts.push_back(v);
  }
  return verdicts;
}

ordered_json verdicts_json(const std::vector<Verdict>& verdicts) {
  ordered_json out = ordered_json::array();
  for (const auto& v : verdicts) {
    const ordered_json held =
        v.judgement == Judgement::kNotJudged ? ordered_json(nullptr) : ordered_json(v.held());
    out.push_back(ordered_json{{"expect", v.expect}, {"value", optional_number(v.value)}, {"held", held}});
  }
  return out;
}

namespace {

std::string verdict_line(const Verdict& v) {
  char line[320];
  std::snprintf(line, sizeof line, "    %-10s %-34s measured %s\n", judgement_word(v.judgement),
                v.expect.c_str(), display_value(v).c_str());
  return line;
}

std::string verdict_word(const std::vector<Verdict>& verdicts, bool partial) {
  const auto count = [&](Judgement j) {
    return std::count_if(verdicts.begin(), verdicts.end(),
                         [j](const Verdict& v) { return v.judgement == j; });
  };
  const auto held = count(Judgement::kHeld), failed = count(Judgement::kFailed);
  const auto total = static_cast<long>(verdicts.size());
  if (partial)
    return "INCOMPLETE (the run was interrupted: " + std::to_string(failed) + " failed already, " +
           std::to_string(count(Judgement::kNotJudged)) + " not judged)";
  return std::string(failed == 0 ? "PASS" : "FAIL") + " (" + std::to_string(held) + " of " +
         std::to_string(total) + " held)";
}

}  // namespace

std::string verdict_table(const std::vector<Verdict>& verdicts, bool partial) {
  if (verdicts.empty()) return "";
  std::ostringstream out;
  out << "  expectations\n";
  for (const auto& v : verdicts) out << verdict_line(v);
  out << "  verdict      " << verdict_word(verdicts, partial) << "\n";
  return out.str();
}

ordered_json verdict_json(const std::vector<Verdict>& verdicts, bool partial) {
  if (verdicts.empty()) return nullptr;
  if (partial) return "INCOMPLETE";
  const bool all_held = std::all_of(verdicts.begin(), verdicts.end(),
                                    [](const Verdict& v) { return v.held(); });
  return all_held ? "PASS" : "FAIL";
}

std::string failed_verdicts(const std::vector<Verdict>& verdicts, bool partial) {
  std::ostringstream out;
  for (const auto& v : verdicts)
    if (!v.held()) out << verdict_line(v);
  if (out.str().empty()) return "";
  return "  expectations not held\n" + out.str() + "  verdict      " +
         verdict_word(verdicts, partial) + "\n";
}

ordered_json control_json(const ordered_json& control) {
  ordered_json out = ordered_json::object();
  for (const auto& [name, pointer] : kCompared) out[name] = number_at(control, pointer);
  return out;
}

ordered_json delta_json(const ordered_json& experiment, const ordered_json& control) {
  ordered_json out = ordered_json::object();
  for (const auto& [name, pointer] : kCompared)
    out[name] = number_at(experiment, pointer) - number_at(control, pointer);
  return out;
}

namespace {

// A compared figure as a person reads it: latencies in ms, rates in %, counts whole; a
// difference with its sign (percentage points for rates).
std::string control_cell(const char* name, double v, bool signed_delta) {
  char buf[48];
  const std::string n = name;
  if (std::isnan(v)) return "n/a";
  if (n.size() > 8 && n.compare(n.size() - 8, 8, "_seconds") == 0) {
    std::snprintf(buf, sizeof buf, signed_delta ? "%+.1f ms" : "%.1f ms", 1e3 * v);
  } else if (n == "success_rate") {
    std::snprintf(buf, sizeof buf, signed_delta ? "%+.3f pp" : "%.3f%%", 100 * v);
  } else {
    std::snprintf(buf, sizeof buf, signed_delta ? "%+.0f" : "%.0f", v);
  }
  return buf;
}

}  // namespace

std::string control_table(const ordered_json& experiment, const ordered_json& control) {
  std::ostringstream out;
  char line[256];
  std::snprintf(line, sizeof line, "  %-22s %14s %14s %14s\n", "against control", "with faults",
                "control", "difference");
  out << line;
  for (const auto& [name, pointer] : kCompared) {
    const double e = number_at(experiment, pointer), c = number_at(control, pointer);
    std::snprintf(line, sizeof line, "  %-22s %14s %14s %14s\n", name,
                  control_cell(name, e, false).c_str(), control_cell(name, c, false).c_str(),
                  control_cell(name, e - c, true).c_str());
    out << line;
  }
  out << "  (the control, the same scenario without its faults, is in control/)\n";
  return out.str();
}

namespace {

std::string recovery_text(const ordered_json& f) {
  if (!f["reached"].get<bool>()) return "not reached (the run stopped before it began)";
  const std::string detect = f["time_to_detect_seconds"].is_null()
                                 ? "not detected"
                                 : "detected after " + cell(f["time_to_detect_seconds"]) + " s";
  if (f["recovered"].is_null())
    return detect + (f["ended"].get<bool>() ? ", recovery not judged (the run stopped too soon)"
                                            : ", not over when the run stopped");
  return detect + ", " +
         (f["recovered"].get<bool>()
              ? "recovered " + cell(f["time_to_recover_seconds"]) + " s after it ended"
              : std::string("NEVER RECOVERED"));
}

}  // namespace

std::string faults_table(const ordered_json& faults) {
  std::ostringstream out;
  for (const auto& f : faults) {
    out << "  fault        " << f["kind"].get<std::string>() << ' '
        << f["target"].get<std::string>() << " [" << cell(f["start"]) << " s, " << cell(f["end"])
        << " s): " << recovery_text(f);
    if (f["reached"].get<bool>()) {
      // error_budget_consumed is in budgets: 1 is the whole error budget of the run.
      char budget[64];
      std::snprintf(budget, sizeof budget, "%.1f%%", 100 * f["error_budget_consumed"].get<double>());
      out << "; " << cell(f["failed_payments"]) << " payments failed, " << cell(f["duplicates"])
          << " duplicated, " << budget << " of the run's error budget";
    }
    out << '\n';
  }
  return out.str();
}

}  // namespace payquake::report
