// The subcommands behind `payquake`. main.cpp only parses the command line and calls
// these; each returns the process exit code (DESIGN.md section 6).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace payquake::cli {

enum ExitCode : int { kOk = 0, kExpectationFailed = 1, kBadInput = 2, kInternalError = 3 };

struct RunRequest {
  std::string scenario_path;
  std::string out_dir;  // empty: runs/<name>-<seed>
  std::vector<std::string> overrides;  // --set key.path=value, and --seed as seed=N
  std::string engine = "runahead";     // runahead | lockstep
  bool quiet = false;                  // no human summary on stdout
  bool control = false;                // also run the scenario without its faults, compare
  bool without_faults = false;         // run it without its faults (the control itself)
  bool force = false;                  // replace an earlier run in the output folder
  std::uint64_t trace_every = 0;       // trace.jsonl: 1 payment in this many (0: no trace)
  std::string command_line;            // as typed, recorded in the run folder
  // metrics.om: Unix time of simulated time 0 (--epoch); empty: the arrivals end
  // when the run starts (run_command() fills it in, and gives it to the control).
  std::string epoch;
  // Live drill: serve Prometheus metrics here (--serve-metrics), at `pace` simulated seconds
  // per wall second (--pace; 0: as fast as possible).
  std::string serve_metrics;
  double pace = 0.0;
  bool allow_remote = false;  // --serve-metrics may bind a non-loopback address
  // The labelled transaction dataset (--dataset DIR, docs/dataset.md): its folder (empty:
  // none) and the share of payments it keeps (--dataset-sample), in (0, 1].
  std::string dataset_dir;
  double dataset_share = 1.0;
};

int run_command(const RunRequest& request);
int validate_command(const std::vector<std::string>& files);

}  // namespace payquake::cli
