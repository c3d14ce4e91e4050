// A sweep: a grid of --set values (the points) times replications, each run a `payquake
// run` child in a folder of its own under the sweep's folder. Pure data and naming: which
// run has which point, seed and folder. Run k is replication k / points of point
// k % points, so an interrupted sweep has whole replications of every point first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "study/plan.hpp"

namespace payquake::study {

struct SweepAxis {
  std::string path;                 // a --set key path
  std::vector<std::string> values;  // --set value texts
};

struct SweepDesign {
  std::string name;           // for the default folder and messages
  std::string scenario_path;  // the base scenario, absolute
  std::vector<SweepAxis> axes;
  // "path=value" for every point, before the axes' (`payquake tradeoff --set`); a sweep
  // file has none: its base is the scenario as written.
  std::vector<std::string> fixed_overrides;
  std::size_t replications = 1;
  bool common_seeds = true;      // common random numbers: every point gets the same seeds
  std::uint64_t first_seed = 1;  // the base scenario's own seed
  std::string fingerprint;       // of the resolved base scenario: a changed base is another sweep
};

struct SweepPoint {
  std::size_t index = 0;
  std::vector<std::string> values;     // one per axis
  std::vector<std::string> overrides;  // "path=value", one per axis
  std::string folder;                  // "point-03", relative to the sweep folder
};

struct SweepRun {
  std::size_t number = 0;  // 0-based; the Slurm array works on these
  std::size_t point = 0;
  std::size_t replication = 0;
  std::uint64_t seed = 0;
  std::string folder;  // "point-03/seed-7", relative to the sweep folder
};

// The cartesian product of the axes, the last axis changing fastest.
std::vector<SweepPoint> sweep_points(const SweepDesign& d);
std::size_t sweep_run_count(const SweepDesign& d);
// Common seeds: first_seed + replication at every point; independent: each run its own,
// first_seed + point * replications + replication.
std::uint64_t sweep_seed(const SweepDesign& d, std::size_t point, std::size_t replication);
SweepRun sweep_run(const SweepDesign& d, const std::vector<SweepPoint>& points, std::size_t number);
// The `payquake run` of a run; its folder relative to the sweep folder (the children's
// working folder).
Run sweep_plan_run(const SweepDesign& d, const SweepPoint& point, const SweepRun& run);

// "0-3,7,9-10" <-> run numbers (sorted, each once). parse gives an empty optional and
// `why` on a malformed list or a number >= `count`.
std::string run_list_text(const std::vector<std::size_t>& runs);
std::optional<std::vector<std::size_t>> parse_run_list(const std::string& text, std::size_t count,
                                                       std::string* why);

}  // namespace payquake::study
