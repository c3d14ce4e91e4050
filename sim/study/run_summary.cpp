#include "study/run_summary.hpp"

#include <fstream>

namespace payquake::study {

const char* to_string(RunStatus status) {
  switch (status) {
    case RunStatus::kOk:
      return "ok";
    case RunStatus::kFailed:
      return "failed";
    case RunStatus::kInterrupted:
      return "interrupted";
    case RunStatus::kNotStarted:
      return "not started";
  }
  return "?";
}

std::optional<nlohmann::ordered_json> read_summary(const std::string& dir) {
  std::ifstream in(dir + "/summary.json");
  if (!in) return std::nullopt;
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

RunStatus judge_run(int exit_code, const std::optional<nlohmann::ordered_json>& summary,
                    int stop_signal, std::string* why) {
  // Exit codes of `payquake run` (README): 0 held, 1 an expectation failed: both ran.
  const bool ran = exit_code == 0 || exit_code == 1;
  if (stop_signal != 0 && !ran) {
    *why = "interrupted";
    return RunStatus::kInterrupted;
  }
  if (!ran) {
    *why = "exit " + std::to_string(exit_code);
    return RunStatus::kFailed;
  }
  if (!summary) {
    *why = "exit " + std::to_string(exit_code) + " without a summary.json";
    return RunStatus::kFailed;
  }
  if (summary->value("partial", false)) {
    *why = "its summary.json is marked partial";
    return RunStatus::kFailed;
  }
  return RunStatus::kOk;
}

}  // namespace payquake::study
