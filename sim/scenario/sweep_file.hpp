// A sweep file (`payquake sweep`, DESIGN.md section 4): a base scenario, replications, how
// seeds are shared, and a grid of --set values. Read here, the only place that reads YAML;
// the study library plans and aggregates its runs from the plain SweepFile.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/scenario.hpp"
#include "scenario/loader.hpp"

namespace payquake::scenario {

// Where something was written in the sweep file (1-based).
struct SweepPos {
  int line = 0;
  int column = 0;
};

// One `vary` entry: a --set key path and the values it takes, in file order.
struct SweepAxis {
  std::string path;                 // "nodes.iss-a.workers"
  SweepPos key_pos;                 // of the key
  std::vector<std::string> values;  // each as --set value text (YAML: "150", "{a: 1}")
  std::vector<SweepPos> value_pos;  // parallel to values
};

enum class SweepSeeds { kCommon, kIndependent };

struct SweepFile {
  std::string path;   // the sweep file as given
  std::string base;   // the base scenario: `base:` resolved against the sweep file's folder
  SweepPos base_pos;  // of the `base:` value
  std::size_t replications = 1;
  SweepSeeds seeds = SweepSeeds::kCommon;
  std::vector<SweepAxis> vary;  // empty: one point, the base itself
};

// Limits that keep a hostile sweep file bounded (a grid expands multiplicatively).
inline constexpr std::size_t kMaxSweepReplications = 100'000;
inline constexpr std::size_t kMaxSweepPoints = 10'000;
inline constexpr std::size_t kMaxSweepRuns = 1'000'000;

// Reads and checks the sweep file's own form. Throws ScenarioError with located
// diagnostics (file:line:col, did-you-mean for unknown keys).
SweepFile read_sweep_file(const std::string& path);

// Loads the base scenario, then every point of the grid, as `payquake run --set` would. A
// mistake caused by a value is located at that value in the sweep file; a key path that
// does not exist at its key, with the loader's did-you-mean; a rule of the base that a
// combination breaks at the point's first value, naming the point. Returns the base
// scenario (no overrides); throws ScenarioError.
core::Scenario check_sweep(const SweepFile& sweep);

// The base scenario's resolved text with `overrides` applied (what a run of that point
// simulates, every default filled in): a sweep folder's fingerprint. Throws ScenarioError.
std::string resolved_text(const std::string& scenario_path,
                          const std::vector<std::string>& overrides = {});

}  // namespace payquake::scenario
