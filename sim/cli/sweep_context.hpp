// What every mode of `payquake sweep` shares: the checked sweep file, its design and
// points, the folder, and running or aggregating its runs. Local sweeps, Slurm array tasks
// and the Slurm aggregation job all go through these, so they leave the same folder.
#pragma once

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/sweep_command.hpp"
#include "scenario/sweep_file.hpp"
#include "study/sweep.hpp"
#include "study/sweep_report.hpp"

namespace payquake::cli {

struct SweepContext {
  scenario::SweepFile file;
  std::string sweep_file;  // absolute
  study::SweepDesign design;
  std::vector<study::SweepPoint> points;
  std::string dir;  // the sweep folder, absolute
};

// `body()`'s exit code, or kBadInput after saying why when the sweep folder is refused (not
// a sweep folder, another sweep's, unwritable): every command that works in one says it alike.
template <typename Body>
int in_sweep_folder(Body&& body) {
  try {
    return body();
  } catch (const study::SweepFolderError& e) {
    std::cerr << "payquake: " << e.what() << '\n';
  } catch (const std::filesystem::filesystem_error& e) {
    std::cerr << "payquake: " << e.what() << '\n';
  }
  return kBadInput;
}

// What running a set of runs did.
struct RunsDone {
  std::size_t ran = 0, skipped = 0, failed = 0;
  int stop_signal = 0;  // SIGINT/SIGTERM when interrupted
};

// Runs the runs among `numbers` that the folder does not hold finished (an unfinished or
// failed one is cleared and run again), `jobs` at once; records failures in the folder.
RunsDone run_missing(const SweepContext& ctx, const std::vector<std::size_t>& numbers,
                     unsigned jobs, bool progress);

// The run numbers among all of the sweep's that are not finished in the folder.
std::vector<std::size_t> unfinished_runs(const SweepContext& ctx);

// Aggregates the folder, writes sweep.csv, sweep.json and sweep.txt; returns the result.
study::SweepResult write_aggregates(const SweepContext& ctx,
                                    const std::vector<std::string>& metrics);

// A fingerprint of a resolved base scenario: a sweep folder of another base is another sweep.
std::string scenario_fingerprint(const std::string& resolved_yaml);

// This payquake binary (PAYQUAKE_STUDY_BINARY replaces it, for tests).
std::string payquake_binary();

// The Slurm path: job array, aggregation job, wait (sweep_slurm.cpp).
int sweep_on_slurm(const SweepContext& ctx, const SweepRequest& request);

}  // namespace payquake::cli
