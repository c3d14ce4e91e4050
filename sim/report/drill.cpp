#include "report/drill.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>

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
  static const std::vector<std::pair<const char*, const char*>> kPointers = {
      {"duplicates", "/duplicates/count"},
      {"duplicate_amount", "/duplicates/amount"},
      {"orphan_holds", "/duplicates/orphan_holds"},
      {"in_doubt", "/duplicates/in_doubt/count"},
      {"success_rate", "/payments/success_rate"},
      {"latency_p50", "/latency_seconds/p50"},
      {"latency_p90", "/latency_seconds/p90"},
      {"latency_p99", "/latency_seconds/p99"},
      {"latency_p999", "/latency_seconds/p999"},
      {"latency_max", "/latency_seconds/max"},
      {"latency_mean", "/latency_seconds/mean"},
      {"payments", "/payments/total"},
      {"approved", "/payments/approved"},
      {"declined", "/payments/declined"},
      {"failed", "/payments/failed"},
      {"abandoned", "/payments/abandoned"},
      {"retries", "/attempts/retries"},
      {"reversals", "/attempts/reversals"},
      {"stand_in_approvals", "/attempts/stand_in_approvals"},
      {"throughput", "/payments/throughput_per_second"},
  };
  if (metric == "recovery_time") return worst(s["faults"], "time_to_recover_seconds", true);
  if (metric == "detect_time") return worst(s["faults"], "time_to_detect_seconds", false);
  std::string pointer;
  for (const auto& [name, p] : kPointers)
    if (metric == name) pointer = p;
  if (pointer.empty()) {  // a dotted path into summary.json
    pointer = "/" + metric;
    std::replace(pointer.begin(), pointer.end(), '.', '/');
  }
  const double v = number_at(s, pointer);
  if (std::isnan(v)) return std::nullopt;
  return v;
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

ordered_json faults_json(const core::Scenario& scenario, const metrics::RunMetrics& metrics) {
  ordered_json out = ordered_json::array();
  for (const auto& f : scenario.faults) {
    const metrics::Episode e = metrics::assess(f, metrics.slo_windows(), scenario.slo,
                                               scenario.duration_s, metrics.arrivals());
    std::string target = f.target;
    if (target.empty()) target = f.between.first + "/" + f.between.second;  // a partition
    out.push_back(ordered_json{
        {"kind", core::to_string(f.kind)},
        {"target", target},
        {"start", f.at_s},
        {"end", f.end_s()},
        {"time_to_detect_seconds", optional_number(e.time_to_detect_s)},
        {"time_to_recover_seconds", optional_number(e.time_to_recover_s)},
        {"time_to_recover_from_start_seconds", optional_number(e.recover_from_start_s)},
        {"recovered", e.recovered},
        {"failed_payments", e.failed_payments},
        {"duplicates", e.duplicates},
        {"error_budget_consumed", e.error_budget_consumed},
    });
  }
  return out;
}

std::string faults_csv(const ordered_json& faults) {
  static const char* kColumns[] = {"kind",
                                   "target",
                                   "start",
                                   "end",
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

std::vector<Verdict> check_expectations(const core::Scenario& scenario, const ordered_json& summary) {
  std::vector<Verdict> verdicts;
  for (const auto& x : scenario.expectations) {
    Verdict v;
    v.expect = x.text;
    v.value = measured(x.metric, summary);
    v.held = v.value.has_value() && holds(*v.value, x.op, x.value);
    verdicts.push_back(v);
  }
  return verdicts;
}

ordered_json verdicts_json(const std::vector<Verdict>& verdicts) {
  ordered_json out = ordered_json::array();
  for (const auto& v : verdicts)
    out.push_back(ordered_json{{"expect", v.expect}, {"value", optional_number(v.value)}, {"held", v.held}});
  return out;
}

std::string verdict_table(const std::vector<Verdict>& verdicts) {
  if (verdicts.empty()) return "";
  std::ostringstream out;
  out << "  expectations\n";
  for (const auto& v : verdicts) {
    char line[256];
    std::snprintf(line, sizeof line, "    %-6s %-34s measured %s\n", v.held ? "held" : "FAILED",
                  v.expect.c_str(), v.value ? cell(ordered_json(*v.value)).c_str() : "never");
    out << line;
  }
  const auto failed = std::count_if(verdicts.begin(), verdicts.end(), [](const Verdict& v) { return !v.held; });
  out << "  verdict      " << (failed == 0 ? "PASS" : "FAIL") << " (" << verdicts.size() - static_cast<std::size_t>(failed)
      << " of " << verdicts.size() << " held)\n";
  return out.str();
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

std::string control_table(const ordered_json& experiment, const ordered_json& control) {
  std::ostringstream out;
  char line[256];
  std::snprintf(line, sizeof line, "  %-22s %14s %14s %14s\n", "against control", "with faults",
                "control", "delta");
  out << line;
  for (const auto& [name, pointer] : kCompared) {
    const double e = number_at(experiment, pointer), c = number_at(control, pointer);
    std::snprintf(line, sizeof line, "  %-22s %14.6g %14.6g %+14.6g\n", name, e, c, e - c);
    out << line;
  }
  return out.str();
}

std::string faults_table(const ordered_json& faults) {
  std::ostringstream out;
  for (const auto& f : faults) {
    char line[320];
    const std::string detect = f["time_to_detect_seconds"].is_null()
                                   ? "not detected"
                                   : "detected after " + cell(f["time_to_detect_seconds"]) + " s";
    const std::string recover = f["recovered"].get<bool>()
                                    ? "recovered " + cell(f["time_to_recover_seconds"]) +
                                          " s after it ended"
                                    : "NEVER RECOVERED";
    std::snprintf(line, sizeof line,
                  "  fault        %s %s [%s s, %s s): %s, %s; %s failed, %s duplicated, %.2f of the "
                  "error budget\n",
                  f["kind"].get<std::string>().c_str(), f["target"].get<std::string>().c_str(),
                  cell(f["start"]).c_str(), cell(f["end"]).c_str(), detect.c_str(), recover.c_str(),
                  cell(f["failed_payments"]).c_str(), cell(f["duplicates"]).c_str(),
                  f["error_budget_consumed"].get<double>());
    out << line;
  }
  return out.str();
}

}  // namespace payquake::report
