#include "study/plan.hpp"

namespace payquake::study {

std::vector<std::string> run_arguments(const Run& run) {
  std::vector<std::string> args = {"run", run.scenario_path, "--out", run.out_dir, "--quiet"};
  if (run.seed) {
    args.push_back("--seed");
    args.push_back(std::to_string(*run.seed));
  }
  for (const auto& o : run.overrides) {
    args.push_back("--set");
    args.push_back(o);
  }
  args.insert(args.end(), run.extra.begin(), run.extra.end());
  return args;
}

}  // namespace payquake::study
