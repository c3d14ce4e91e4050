// A run plan: the `payquake run` invocations a study (compare, size, sweep) needs, each
// into a folder of its own. A plan is data; the executor runs it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace payquake::study {

struct Run {
  std::string label;                   // for messages: "a/3", "workers=80 seed 2"
  std::string scenario_path;           // as the child sees it (relative to its working folder)
  std::vector<std::string> overrides;  // --set key.path=value, in order
  std::uint64_t seed = 1;              // --seed
  std::string out_dir;                 // --out; the child creates it
};

using Plan = std::vector<Run>;

// The arguments after the program name: `run SCENARIO --out DIR --quiet --seed N --set ...`.
std::vector<std::string> run_arguments(const Run& run);

}  // namespace payquake::study
