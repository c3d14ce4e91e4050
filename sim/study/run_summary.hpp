// How a finished `payquake run` child ended, judged from its exit code and its folder:
// the one place that reads a run's summary.json for a study.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace payquake::study {

// What a run contributes to a study.
enum class RunStatus {
  kOk,           // exit 0 or 1 (an expectation failing is a result) and a whole summary
  kFailed,       // any other exit, no summary.json, or a summary marked partial
  kInterrupted,  // stopped by the study's own SIGINT/SIGTERM: partial, never counted
  kNotStarted,   // the study was interrupted before this run began
};

const char* to_string(RunStatus status);

// summary.json of the run folder `dir`; empty when it is missing or not valid JSON.
std::optional<nlohmann::ordered_json> read_summary(const std::string& dir);

// The judgement of a run that ended with `exit_code` (128 + signal when a signal ended it)
// and left `summary` (possibly empty). `stop_signal` is the signal the study forwarded to
// its children, 0 when it was not interrupted. `why` receives the reason of a failure.
RunStatus judge_run(int exit_code, const std::optional<nlohmann::ordered_json>& summary,
                    int stop_signal, std::string* why);

}  // namespace payquake::study
