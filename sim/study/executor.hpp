// Runs a plan's `payquake run` children, at most `jobs` at once, each into its own folder
// (one SimGrid engine per process). It shows progress on a terminal, stops cleanly on
// SIGINT/SIGTERM (children get the same signal; finished runs stay as they are), and
// reports every run's outcome: a failed run is named with its exit code and the end of
// its stderr, and is never averaged.
#pragma once

#include <signal.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "study/plan.hpp"
#include "study/run_summary.hpp"

namespace payquake::study {

struct ExecutorOptions {
  std::string binary;       // the payquake executable (its own /proc/self/exe from the CLI)
  unsigned jobs = 0;        // children at once; 0: the number of cores
  std::string working_dir;  // the children's working folder ("": ours); relative paths of
                            // the plan (scenario, out_dir) are relative to it
  bool progress = false;    // a progress line on stderr (the CLI sets it when stderr is a tty)
};

struct RunOutcome {
  Run run;
  RunStatus status = RunStatus::kNotStarted;
  int exit_code = -1;                             // 128 + signal when a signal ended the child
  std::string why;                                // for a run that is not kOk
  std::string stderr_tail;                        // the last lines of its stderr, when not kOk
  std::optional<nlohmann::ordered_json> summary;  // its summary.json, when it wrote one
  double wall_seconds = 0;                        // the whole child, start to end
  long max_rss_kib = 0;                           // the child's peak resident memory
};

struct StudyResult {
  std::vector<RunOutcome> runs;  // in plan order
  int stop_signal = 0;           // SIGINT or SIGTERM when the study was interrupted
  bool interrupted() const { return stop_signal != 0; }
};

// Runs every run of `plan`; returns when all have ended (or, after SIGINT/SIGTERM, when
// the running ones have stopped). SIGINT and SIGTERM are handled only during the call.
StudyResult execute(const Plan& plan, const ExecutorOptions& options);

// A plan under way, for a caller with work of its own meanwhile: `run --control` simulates
// the experiment in its own process while the control runs as a child. execute() is this
// plus its signal handling. The caller's own handler decides when to stop().
class Execution {
 public:
  // Starts nothing yet: the first step() does.
  Execution(Plan plan, ExecutorOptions options);
  ~Execution();
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // Collects the runs that ended, starts queued ones up to `jobs` and updates the progress
  // line. Never blocks.
  void step();
  // Sends `signal` to every running child; no further run starts, and runs that end
  // unfinished from now on are kInterrupted, not kFailed.
  void stop(int signal);
  bool finished() const;
  // Steps until every run has ended, stopping them with *stop_signal as soon as it is not
  // 0 (a flag the caller's signal handler sets), and returns the result.
  StudyResult wait(const volatile sig_atomic_t* stop_signal = nullptr);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// The progress line's text, e.g. "runs: 7/20 done, 2 running, 1 failed, about 1m 05s left"
// (no estimate until a run has finished: `seconds_left` empty).
struct Progress {
  std::size_t total = 0, done = 0, running = 0, failed = 0;
  std::optional<double> seconds_left;
};
std::string progress_text(const Progress& p);

// Seconds left: the mean wall time of finished runs times the runs still to finish,
// shared by `jobs` workers, less what the running ones have done already.
std::optional<double> estimate_seconds_left(const std::vector<double>& finished_s,
                                            const std::vector<double>& running_elapsed_s,
                                            std::size_t pending, unsigned jobs);

}  // namespace payquake::study
