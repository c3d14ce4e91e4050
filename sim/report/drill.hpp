// A drill's verdicts: recovery per fault episode (summary.json `faults[]` and
// faults.csv), the `expect:` hypotheses checked against the summary, and the comparison
// with a control run (the same scenario without its faults, on the same random streams).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/scenario.hpp"
#include "metrics/run_metrics.hpp"

namespace payquake::report {

// One element of summary.json `faults` per fault, in scenario order.
nlohmann::ordered_json faults_json(const core::Scenario& scenario,
                                   const metrics::RunMetrics& metrics);

// faults.csv: kind,target,start,end,time_to_detect_seconds,time_to_recover_seconds,
// time_to_recover_from_start_seconds,recovered,failed_payments,duplicates,
// error_budget_consumed (empty cells where a time does not exist).
std::string faults_csv(const nlohmann::ordered_json& faults);

struct Verdict {
  std::string expect;           // "duplicates == 0"
  std::optional<double> value;  // empty: not measured (never recovered)
  bool held = false;
};

// Evaluates every expectation against a complete summary.json.
std::vector<Verdict> check_expectations(const core::Scenario& scenario,
                                        const nlohmann::ordered_json& summary);
nlohmann::ordered_json verdicts_json(const std::vector<Verdict>& verdicts);
std::string verdict_table(const std::vector<Verdict>& verdicts);

// The control's headline figures, and experiment minus control for each.
nlohmann::ordered_json control_json(const nlohmann::ordered_json& control_summary);
nlohmann::ordered_json delta_json(const nlohmann::ordered_json& experiment,
                                  const nlohmann::ordered_json& control_summary);
std::string control_table(const nlohmann::ordered_json& experiment,
                          const nlohmann::ordered_json& control_summary);

// One recovery line per fault for the human summary.
std::string faults_table(const nlohmann::ordered_json& faults);

}  // namespace payquake::report
