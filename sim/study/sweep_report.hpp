// A sweep's aggregates, per point and figure: mean, standard deviation and 95% Student-t
// interval over the point's finished runs (a failed run is listed, never averaged). They
// are computed from the folder alone, so a local sweep and a Slurm one give the same bytes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "study/figures.hpp"
#include "study/stats.hpp"
#include "study/sweep.hpp"
#include "study/sweep_folder.hpp"

namespace payquake::study {

struct PointFigure {
  Figure figure;
  std::vector<std::optional<double>> values;  // per finished run of the point, by seed
  Sample stats;                               // over the values that exist
};

struct PointResult {
  SweepPoint point;
  std::vector<std::uint64_t> seeds;  // of the finished runs, in replication order
  std::vector<PointFigure> figures;
};

struct RunProblem {
  SweepRun run;
  RunState state = RunState::kMissing;
  std::string why;
};

struct SweepResult {
  std::string sweep_file;  // as shown in the reports
  SweepDesign design;
  std::vector<PointResult> points;
  std::vector<RunProblem> problems;  // failed and missing runs, in run order
  std::size_t runs = 0, finished = 0, failed = 0, missing = 0;
  bool complete() const { return finished == runs; }
};

// Reads every run of the sweep from `dir` and aggregates it. `extra_paths`: --metric.
SweepResult aggregate_sweep(const std::string& dir, const std::string& sweep_file,
                            const SweepDesign& d, const std::vector<std::string>& extra_paths);

// Long format, one row per point and figure; the axes' values as columns.
std::string sweep_csv(const SweepResult& r);
nlohmann::ordered_json sweep_json(const SweepResult& r);
// One row per point: its values and the headline figures as "mean ± half-width".
std::string sweep_table(const SweepResult& r);

}  // namespace payquake::study
