// `payquake size`: the smallest value of one node's workers, replicas or queue for which
// a scenario meets a service level objective, found by bracketing then bisection over
// replicated runs on common random numbers (the same seeds at every value), through the
// study library (parallel children, progress, Ctrl-C, failed runs reported, never averaged).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace payquake::cli {

struct SizeRequest {
  std::string scenario;
  std::vector<std::string> set;  // --set overrides, before the knob's
  std::string node;
  std::string knob;  // workers | replicas | queue (checked by the command, located)
  std::string slo;   // "latency_p99<=2s,success_rate>=99.9%"
  std::size_t replications = 5;
  std::uint64_t seed_base = 1;
  unsigned jobs = 0;
  std::string out_dir;  // empty: runs/size-<name>-<node>-<knob>
  bool force = false;
  bool quiet = false;
};

CLI::App* add_size_command(CLI::App& app, SizeRequest& request);

// Exit codes: 0 the search ended and its answer (or "none up to the maximum") is written;
// 1 written, but runs failed (left out) or a value had no run to judge; 2 bad input (the
// scenario, --node, --knob, --slo, the output folder); 130/143 interrupted (finished runs
// and a partial size.json kept).
int size_command(const SizeRequest& request);

}  // namespace payquake::cli
