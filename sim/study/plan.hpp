// A run plan: the `payquake run` invocations a study (compare, size, sweep) needs, each
// into a folder of its own. A plan is data; the executor runs it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace payquake::study {

struct Run {
  std::string label;                   // for messages: "a/3", "workers=80 seed 2"
  std::string scenario_path;           // as the child sees it (relative to its working folder)
  std::vector<std::string> overrides;  // --set key.path=value, in order
  std::optional<std::uint64_t> seed;   // --seed; empty: the scenario's own (or an override's)
  std::string out_dir;                 // --out; the child creates it
  std::vector<std::string> extra;      // further `run` options, e.g. --without-faults,
                                       // --engine lockstep
};

using Plan = std::vector<Run>;

// The arguments after the program name:
// `run SCENARIO --out DIR --quiet [--seed N] [--set K=V]... [EXTRA...]`.
std::vector<std::string> run_arguments(const Run& run);

}  // namespace payquake::study
