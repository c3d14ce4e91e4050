// A drill's verdicts: recovery per fault episode (summary.json `faults[]` and
// faults.csv), the `expect:` hypotheses checked against the summary, and the comparison
// with a control run (the same scenario without its faults, on the same random streams).
#pragma once

#include <nlohmann/json.hpp>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/scenario.hpp"
#include "metrics/run_metrics.hpp"

namespace payquake::report {

// One element of summary.json `faults` per fault, in scenario order. `observed_until_s`:
// where an interrupted run stopped (infinity for a whole run); a fault it did not reach
// is `"reached": false`, and a recovery it could not see is `"recovered": null`.
nlohmann::ordered_json faults_json(
    const core::Scenario& scenario, const metrics::RunMetrics& metrics,
    double observed_until_s = std::numeric_limits<double>::infinity());

// faults.csv: kind,target,start,end,time_to_detect_seconds,time_to_recover_seconds,
// time_to_recover_from_start_seconds,recovered,failed_payments,duplicates,
// error_budget_consumed (empty cells where a time does not exist).
std::string faults_csv(const nlohmann::ordered_json& faults);

enum class Judgement { kHeld, kFailed, kNotJudged };

struct Verdict {
  std::string expect;           // "duplicates == 0"
  std::string metric;           // "duplicates"
  std::optional<double> value;  // empty: not measured (never recovered, not judged)
  Judgement judgement = Judgement::kFailed;
  bool held() const { return judgement == Judgement::kHeld; }
};

// Evaluates every expectation against summary.json. On a partial run (interrupted) nothing
// can hold yet: a count that only grows and already breaks its upper bound has failed; every
// other expectation is not judged.
std::vector<Verdict> check_expectations(const core::Scenario& scenario,
                                        const nlohmann::ordered_json& summary, bool partial);
// `held` is true, false, or null (not judged).
nlohmann::ordered_json verdicts_json(const std::vector<Verdict>& verdicts);
// The verdict: PASS only when every expectation held on a whole run; INCOMPLETE on a
// partial run, whatever held so far.
std::string verdict_table(const std::vector<Verdict>& verdicts, bool partial);
// summary.json `verdict`: "PASS", "FAIL" or "INCOMPLETE" (partial), null without expectations.
nlohmann::ordered_json verdict_json(const std::vector<Verdict>& verdicts, bool partial);
// The figures a failed or unjudged verdict is about; empty when every expectation held.
std::string failed_verdicts(const std::vector<Verdict>& verdicts, bool partial);

// The control's headline figures, and experiment minus control for each.
nlohmann::ordered_json control_json(const nlohmann::ordered_json& control_summary);
nlohmann::ordered_json delta_json(const nlohmann::ordered_json& experiment,
                                  const nlohmann::ordered_json& control_summary);
std::string control_table(const nlohmann::ordered_json& experiment,
                          const nlohmann::ordered_json& control_summary);

// One recovery line per fault for the human summary.
std::string faults_table(const nlohmann::ordered_json& faults);

}  // namespace payquake::report
