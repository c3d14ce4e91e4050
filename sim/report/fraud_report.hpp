// The fraud figures of a run (issue 10) as summary.json's "fraud" object and as the short
// block of the human summary. Both from metrics::FraudMetrics: payments that arrived after
// the warm-up; money in the scenario's currency, major units.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/scenario.hpp"
#include "metrics/fraud_metrics.hpp"

namespace payquake::report {

// Always present; zeros when nothing fraudulent happened (README.md, "Fraud figures").
nlohmann::ordered_json fraud_json(const core::Scenario& scenario, const metrics::FraudMetrics& f);

// Empty unless the scenario has a policy or an attack, or fraud happened.
std::string fraud_text(const core::Scenario& scenario, const metrics::FraudMetrics& f);

}  // namespace payquake::report
