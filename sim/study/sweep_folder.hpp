// A sweep's folder is built run by run and survives interruptions: it records the sweep it
// belongs to (sweep.plan.json), so that starting the sweep again runs only what is missing,
// and a changed sweep is never mixed with the runs of another. A run counts only with a
// complete summary.json (run folders are written whole, then renamed into place).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "study/sweep.hpp"

namespace payquake::study {

// The folder cannot hold the sweep (another sweep's runs, files that are not a sweep's,
// not writable): the user's to fix; reported before any run starts.
class SweepFolderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr const char* kSweepManifest = "sweep.plan.json";

// What identifies a sweep: base scenario (and its resolved content), grid, seeds.
nlohmann::ordered_json sweep_manifest(const SweepDesign& d);

// Makes `dir` the sweep's folder: creates it with its manifest, or accepts one holding the
// same sweep (resume). With `restart`, the sweep's earlier entries (runs and reports) are
// deleted first, whichever sweep they belonged to. A folder holding another sweep without
// `restart`, or any file a sweep does not write, is refused (SweepFolderError).
void prepare_sweep_folder(const std::string& dir, const SweepDesign& d, bool restart);
// For array tasks and the aggregation: `dir` must already hold this very sweep.
void check_sweep_folder(const std::string& dir, const SweepDesign& d);

enum class RunState { kFinished, kFailed, kMissing };
const char* to_string(RunState s);

struct RunRecord {
  RunState state = RunState::kMissing;
  std::string why;  // kFailed: exit code and reason; kMissing: "not run", "interrupted"
  std::optional<nlohmann::ordered_json> summary;  // kFinished
};

// What the folder holds for `run`.
RunRecord read_run(const std::string& dir, const SweepRun& run);
// Deletes whatever an earlier attempt at `run` left (a partial run folder, a staging folder,
// its stderr and failure record), so it can run again.
void clear_run(const std::string& dir, const SweepRun& run);
// Records that `run` failed (exit code and why) beside its folder, for the aggregation.
void record_failure(const std::string& dir, const SweepRun& run, int exit_code,
                    const std::string& why);
// The hidden files the executor keeps beside a run folder while its child runs: how many
// runs of `dir` are running now (any process, any machine sharing the folder).
std::size_t count_running(const std::string& dir, const std::vector<SweepPoint>& points);

// Writes `content` to `path` through a temporary file and a rename.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace payquake::study
