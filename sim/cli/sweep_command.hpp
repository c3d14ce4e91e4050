// `payquake sweep`: a grid of --set values times replications, each run a child process in
// a folder of its own, resumable, aggregated per point with 95% intervals; locally or as a
// Slurm job array (DESIGN.md sections 3 and 4).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "study/slurm.hpp"

namespace CLI {
class App;
}

namespace payquake::cli {

struct SweepRequest {
  std::string sweep_file;
  unsigned jobs = 0;    // 0: the number of cores
  std::string out_dir;  // empty: runs/sweep-<file stem>
  bool force = false;   // start over: delete the folder's earlier runs
  bool quiet = false;
  std::vector<std::string> metrics;  // --metric
  std::string runs;                  // --runs LIST: only these runs, no aggregation (array tasks)
  bool aggregate_only = false;       // only aggregate what the folder holds (the Slurm job)
  bool slurm = false;
  bool dry_run = false;
  study::SlurmOptions slurm_options;
};

CLI::App* add_sweep_command(CLI::App& app, SweepRequest& request);

// Exit codes: 0 every run finished and the aggregates are written; 1 written, but a run
// failed (listed, not averaged) or the Slurm jobs did not finish; 2 bad input (the sweep
// file, its base, a value, the options, the folder); 3 internal error; 130/143 interrupted
// (finished runs kept; starting again runs only the others).
int sweep_command(const SweepRequest& request);

}  // namespace payquake::cli
