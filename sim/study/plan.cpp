#include "study/plan.hpp"

namespace payquake::study {

std::vector<std::string> run_arguments(const Run& run) {
  std::vector<std::string> args = {
      "run",    run.scenario_path,       "--out", run.out_dir, "--quiet",
      "--seed", std::to_string(run.seed)};
  for (const auto& o : run.overrides) {
    args.push_back("--set");
    args.push_back(o);
  }
  return args;
}

}  // namespace payquake::study
