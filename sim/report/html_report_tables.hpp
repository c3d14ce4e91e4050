// report.html's tables: the run's summary (beside its control's), faults and recovery,
// the expectations.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

namespace payquake::report::run_tables {

// `control` is null when the run has none.
void summary_table(std::ostream& out, const nlohmann::ordered_json& summary,
                   const nlohmann::ordered_json& control);
void faults_table(std::ostream& out, const nlohmann::ordered_json& faults);
void expectations_table(std::ostream& out, const nlohmann::ordered_json& summary);

}  // namespace payquake::report::run_tables
