// `payquake tradeoff`: a fraud policy's trade-off curve. One --set path (a threshold or a
// rule's parameter) over values, every value on the same seeds, as a one-axis sweep (the
// same folder, resume and aggregates); per value caught against false declines, loss and
// total cost with 95% intervals, written as tradeoff.csv.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace payquake::cli {

struct TradeoffRequest {
  std::string scenario_path;
  std::vector<std::string> vary;  // --vary PATH=V1,V2,...: exactly one
  std::vector<std::string> set;   // --set: every value
  std::size_t replications = 10;
  std::string seed_base;             // --seed-base as typed; empty: the scenario's own seed
  unsigned jobs = 0;                 // 0: the number of cores
  std::vector<std::string> metrics;  // --metric: more figures in sweep.csv
  std::string out_dir;               // empty: runs/tradeoff-<name>-<last path key>
  bool force = false;                // start over: delete the folder's earlier runs
  bool quiet = false;
};

CLI::App* add_tradeoff_command(CLI::App& app, TradeoffRequest& request);

// Exit codes: 0 every run finished and tradeoff.csv is written; 1 written, but a run failed
// (listed, not averaged; no lowest cost named); 2 bad input (a flag, the scenario, a value,
// the folder); 3 internal error; 130/143 interrupted (finished runs kept, INCOMPLETE, no
// answer; the same command started again runs only the others).
int tradeoff_command(const TradeoffRequest& request);

}  // namespace payquake::cli
