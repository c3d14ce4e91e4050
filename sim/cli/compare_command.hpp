// `payquake compare`: two variants (two files, or one file with different --set), the same
// seeds on both sides, paired differences with 95% intervals (DESIGN.md sections 3 and 7).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace payquake::cli {

struct CompareRequest {
  std::string a_file;              // A.yaml
  std::string b_file;              // B.yaml; empty: A's file (variants differ by --set-b)
  bool control = false;            // A: A's file without its faults; B: with them
  std::vector<std::string> set;    // --set: both variants
  std::vector<std::string> set_a;  // --set-a: A only (after --set)
  std::vector<std::string> set_b;  // --set-b: B only (after --set)
  std::size_t replications = 10;
  std::uint64_t seed_base = 1;       // replication r runs with seed seed_base + r - 1
  unsigned jobs = 0;                 // 0: the number of cores
  std::vector<std::string> metrics;  // --metric: extra dotted paths into summary.json
  std::string out_dir;               // empty: runs/compare-<nameA>-vs-<nameB>
  bool force = false;
  bool quiet = false;
};

// Declares the subcommand and its options on `app`, filling `request` when parsed.
CLI::App* add_compare_command(CLI::App& app, CompareRequest& request);

// Exit codes: 0 every run finished and the comparison is written; 1 written, but at least
// one run failed and its replication is left out of both sides; 2 bad input (either
// variant fails to load, bad options, an output folder that cannot take the comparison);
// 3 internal error; 130/143 interrupted (finished runs and a partial compare.json kept).
int compare_command(const CompareRequest& request);

}  // namespace payquake::cli
